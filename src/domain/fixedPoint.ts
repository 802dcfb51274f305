/**
 * Exact arithmetic on decimals scaled to integers — a decimal is m × 10^−s with m a non-negative integer
 * held in a double — for hot paths that would otherwise allocate a Decimal per step (issue 12: 100,000 red
 * lines). No rounding ever happens here unless a function says so in its name:
 * - a double holds every integer up to Number.MAX_SAFE_INTEGER exactly, so every sum, product and scaling is
 *   checked against it; a result that would not fit is NaN, and NaN stays NaN through every function below
 *   (callers test `x <= MAX_SAFE` once and fall back to Dec);
 * - division is integer division with its remainder: `n % d` is exact on doubles (fmod), and (n − r) ÷ d divides
 *   an exact multiple, so the quotient is exact too; half-up compares 2r with d. No float quotient is rounded.
 * Pure: no Decimal here (money.ts builds Decimals from these values), so money.ts can use the parser.
 */

export const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** 10^k for k = 0…22: exact doubles (10^k = 2^k × 5^k and 5^22 < 2^53; 10^23 is not exact). */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** A magnitude m × 10^−s (the sign, when the text had one, kept apart). */
export interface Scaled {
  readonly negative: boolean;
  /** 0 ≤ m ≤ MAX_SAFE, an integer. */
  readonly m: number;
  /** Decimal places, ≥ 0. */
  readonly s: number;
}

/** At most 15 significant digits: every such mantissa is below 10^15 < MAX_SAFE. */
const MAX_DIGITS = 15;

/**
 * A plain decimal numeral — [+-]digits[.digits], as `toDec` accepts it, without exponent or surrounding
 * blanks — with at most 15 significant digits, as a Scaled. null for anything else (the caller then uses
 * decimal.js's own parser, which also words the errors).
 */
export function parseScaled(text: string): Scaled | null {
  const n = text.length;
  let i = 0;
  let negative = false;
  let c = n > 0 ? text.charCodeAt(0) : 0;
  if (c === 45 /* - */) {
    negative = true;
    i = 1;
  } else if (c === 43 /* + */) i = 1;
  let m = 0;
  let s = 0;
  let digits = 0;
  let sawDigit = false;
  let sawPoint = false;
  for (; i < n; i++) {
    c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      sawDigit = true;
      if (m !== 0 || c !== 48) {
        if (++digits > MAX_DIGITS) return null;
        m = m * 10 + (c - 48);
      }
      if (sawPoint) s++;
    } else if (c === 46 /* . */ && !sawPoint) {
      sawPoint = true;
    } else {
      return null;
    }
  }
  return sawDigit ? { negative, m, s } : null;
}

/** The same value with no trailing zero in its decimals (5.000 → 5, s 0). */
export function stripZeros(x: Scaled): Scaled {
  let { m, s } = x;
  if (s === 0 || m % 10 !== 0) return x;
  if (m === 0) return { negative: x.negative, m: 0, s: 0 };
  while (s > 0 && m % 10 === 0) {
    m /= 10;
    s--;
  }
  return { negative: x.negative, m, s };
}

/** a × b, or NaN when it would exceed MAX_SAFE (a double product above 2^53 never compares ≤ MAX_SAFE). */
export function mulExact(a: number, b: number): number {
  const p = a * b;
  return p <= MAX_SAFE ? p : NaN;
}

/** a + b, or NaN above MAX_SAFE. */
export function addExact(a: number, b: number): number {
  const p = a + b;
  return p <= MAX_SAFE ? p : NaN;
}

/** m × 10^k (k ≥ 0), or NaN above MAX_SAFE. */
export function scaleUp(m: number, k: number): number {
  return k < POW10.length ? mulExact(m, POW10[k]) : m === 0 ? 0 : NaN;
}

/**
 * n ÷ d rounded half up (n ≥ 0, d > 0, both exact doubles). With `tieUnknown`, an exact tie (2r = d) gives NaN:
 * the caller's Dec path rounded inexactly before this step, so a tie there may round either way.
 */
export function divHalfUp(n: number, d: number, tieUnknown = false): number {
  if (!(n <= MAX_SAFE)) return NaN;
  const r = n % d;
  const q = (n - r) / d;
  const twice = 2 * r;
  if (tieUnknown && twice === d) return NaN;
  return twice >= d ? q + 1 : q;
}

/** n ÷ 10^k rounded half up (k ≥ 0): rounding a value held at k more decimal places. */
export function pow10HalfUp(n: number, k: number): number {
  if (!(n <= MAX_SAFE)) return NaN;
  if (k < POW10.length) return divHalfUp(n, POW10[k]);
  return 0; // n < 10^16, so n ÷ 10^k < 10^−7 for k ≥ 23
}

/** Divisors d with 10·d ≤ MAX_SAFE keep the long division's 10·r exact. */
const MAX_LONG_DIVISOR = Math.floor(MAX_SAFE / 10);

/**
 * n × 10^k ÷ d rounded half up (k ≥ 0), exactly, also when n × 10^k itself would not fit: long division one
 * decimal digit at a time (r < d, so 10·r stays exact). NaN when d is too large or the quotient would not fit;
 * with `tieUnknown`, NaN on an exact tie (see divHalfUp).
 */
export function mulPow10DivHalfUp(n: number, k: number, d: number, tieUnknown = false): number {
  if (!(n <= MAX_SAFE) || !(d <= MAX_SAFE) || d <= 0) return NaN;
  const direct = scaleUp(n, k);
  if (direct <= MAX_SAFE) return divHalfUp(direct, d, tieUnknown);
  if (d > MAX_LONG_DIVISOR) return NaN;
  let r = n % d;
  let q = (n - r) / d;
  for (let i = 0; i < k; i++) {
    r *= 10;
    const rr = r % d;
    q = q * 10 + (r - rr) / d; // every partial q ≤ the final one, so all are exact when it is
    r = rr;
  }
  if (!(q < MAX_SAFE)) return NaN;
  const twice = 2 * r;
  if (tieUnknown && twice === d) return NaN;
  return twice >= d ? q + 1 : q;
}

/** Sign of a − b for a = am × 10^−as and b = bm × 10^−bs (magnitudes), exactly. */
export function compareScaled(am: number, as: number, bm: number, bs: number): number {
  if (as === bs) return am === bm ? 0 : am < bm ? -1 : 1;
  if (as < bs) {
    // a scaled up to bs decimals; a product above MAX_SAFE is inexact but certainly > bm (≤ MAX_SAFE).
    if (am === 0) return bm === 0 ? 0 : -1;
    const k = bs - as;
    if (k >= POW10.length) return 1;
    const a = am * POW10[k];
    return a === bm ? 0 : a < bm ? -1 : 1;
  }
  return -compareScaled(bm, bs, am, as);
}
