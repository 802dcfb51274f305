/**
 * Exact decimal arithmetic for every money, quantity and unit-price path (domain-rules §1).
 *
 * One Decimal constructor for the whole product, configured once: 50 significant digits
 * (a 10-integer-digit quantity with 13 decimals needs 23; intermediate quotients need more),
 * ROUND_HALF_UP, which decimal.js applies to the magnitude (−0.065 → −0.07).
 * Never JS numbers: a double cannot hold 0.145 or 0.001 exactly.
 */
import DecimalJs from "decimal.js";
import { MAX_SAFE, parseScaled, Scaled, scaleUp, stripZeros } from "./fixedPoint";

export const Dec = DecimalJs.clone({
  precision: 50,
  rounding: DecimalJs.ROUND_HALF_UP,
  toExpNeg: -60,
  toExpPos: 60,
});
export type Dec = InstanceType<typeof Dec>;

/** Decimal places of amounts (金额, 税额, 含税金额). */
export const AMOUNT_DP = 2;
/**
 * Decimal places of computed quantities and unit prices.
 * [INFERRED, domain-rules §1.4] 13 is the 数电 platform's limit for 数量/单价 decimals.
 */
export const QTY_PRICE_DP = 13;

declare const amountBrand: unique symbol;
/** An amount rounded to 2 dp (half-up on the magnitude). Created only by round2HalfUp / parsers. */
export type Amount = Dec & { readonly [amountBrand]: true };

export const ZERO = new Dec(0);

/** Anything we accept as an exact decimal: a Decimal or a decimal string. Never a JS number. */
export type DecimalLike = Dec | string;

const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** True if `s` is a plain decimal numeral (what `toDec` accepts as a string). */
export function isDecimalText(s: string): boolean {
  return DECIMAL_TEXT.test(s.trim());
}

/**
 * Make a Decimal from a Decimal or an exact decimal string. Throws on anything else:
 * parsing user text (¥, commas, full-width digits…) is the job of `parse/`, not this.
 */
export function toDec(v: DecimalLike): Dec {
  if (v instanceof Dec) return v;
  if (typeof v === "string") {
    // Plain numerals of ≤ 15 digits skip decimal.js's regex parser (same Decimal; "-0" keeps its sign there).
    const x = parseScaled(v);
    if (x !== null && (x.m !== 0 || !x.negative)) return decOfScaled(x.negative, x.m, x.s);
    if (isDecimalText(v)) return new Dec(v.trim());
  }
  throw new TypeError(`not an exact decimal: ${JSON.stringify(v)}`);
}

// ── Decimals from scaled integers and back (fixedPoint.ts) ──────────────────────────────────────────
// decimal.js documents its representation (README "digits, exponent and sign", read-only): d = base-1e7
// words, most significant first, aligned so a word boundary falls on every 10^(7k), no zero word at either
// end; e = base-10 exponent of the first digit; s = ±1. Building it directly costs a tenth of parsing text.
// The layout is checked against decimal.js's own parser below, when this module loads; on any difference
// (a decimal.js upgrade) decOfScaled goes through the parser instead.

interface DecParts {
  d: number[];
  e: number;
  s: number;
}

const WORD = 1e7;
const WORD_DIGITS = 7;
const POW10_WORD = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7];

function digitsOfWord(w: number): number {
  let n = 1;
  while (n < WORD_DIGITS && w >= POW10_WORD[n]) n++;
  return n;
}

/** m × 10^−s as decimal text (m a safe integer, s ≥ 0). */
function scaledText(negative: boolean, m: number, s: number): string {
  let t = String(m);
  if (s > 0) {
    if (t.length <= s) t = "0".repeat(s - t.length + 1) + t;
    t = `${t.slice(0, t.length - s)}.${t.slice(t.length - s)}`;
  }
  return negative ? `-${t}` : t;
}

function decOfScaledDirect(negative: boolean, m: number, s: number): Dec {
  // Words least significant first; `low` = word exponent of the first (value = Σ word × 1e7^(low + i)).
  const words: number[] = [];
  const r = s % WORD_DIGITS;
  let low = -(s - r) / WORD_DIGITS;
  let rest = m;
  if (r > 0) {
    const p = POW10_WORD[r];
    const part = rest % p;
    rest = (rest - part) / p;
    words.push(part * POW10_WORD[WORD_DIGITS - r]);
    low--;
  }
  while (rest > 0) {
    const w = rest % WORD;
    words.push(w);
    rest = (rest - w) / WORD;
  }
  let first = 0;
  while (words[first] === 0) first++;
  const top = words.length - 1;
  const lead = words[top];
  const x = new Dec(negative ? -lead : lead) as unknown as DecParts; // d = [lead], s set, e fixed below
  x.e = (low + top) * WORD_DIGITS + digitsOfWord(lead) - 1;
  for (let i = top - 1; i >= first; i--) x.d.push(words[i]);
  return x as unknown as Dec;
}

function sameParts(a: Dec, b: Dec): boolean {
  const x = a as unknown as DecParts;
  const y = b as unknown as DecParts;
  return x.s === y.s && x.e === y.e && x.d.length === y.d.length && x.d.every((w, i) => w === y.d[i]);
}

const DIRECT_LAYOUT_OK = (
  [
    [1, 0],
    [5, 1],
    [12345, 2],
    [50, 0],
    [10000000, 0],
    [1234567, 7],
    [12345678, 14],
    [7, 7],
    [123, 20],
    [999999999999999, 13],
    [MAX_SAFE, 2],
    [1000000000000000, 15],
    [45, 3],
  ] as const
).every(([m, s]) =>
  [false, true].every((neg) => sameParts(decOfScaledDirect(neg, m, s), new Dec(scaledText(neg, m, s))))
);

/**
 * The Decimal m × 10^−s, negated when `negative` (m a safe integer ≥ 0, s an integer ≥ 0); zero is ZERO
 * (never −0, as toRed). Equal to `new Dec(text)`, digit for digit.
 */
export function decOfScaled(negative: boolean, m: number, s: number): Dec {
  if (m === 0) return ZERO;
  return DIRECT_LAYOUT_OK ? decOfScaledDirect(negative, m, s) : new Dec(scaledText(negative, m, s));
}

/** A finite Decimal as a Scaled (no trailing zeros), or null when its digits do not fit a safe integer. */
export function scaledOfDec(v: Dec): Scaled | null {
  const x = v as unknown as DecParts;
  if (!x.d || !DIRECT_LAYOUT_OK) return null;
  const last = x.d.length - 1;
  let m = 0;
  for (let i = 0; i < last; i++) {
    m = m * WORD + x.d[i];
    if (!(m <= MAX_SAFE)) return null;
  }
  // The last word is padded with zeros to 7 digits: drop them before they count against MAX_SAFE.
  let tail = x.d[last];
  let zeros = 0;
  while (zeros < WORD_DIGITS - 1 && tail % 10 === 0) {
    tail /= 10;
    zeros++;
  }
  m = m * POW10_WORD[WORD_DIGITS - zeros] + tail;
  if (!(m <= MAX_SAFE)) return null;
  // The first word sits at word exponent ⌊e/7⌋, the last at that − (length − 1).
  let s = (last - Math.floor(x.e / WORD_DIGITS)) * WORD_DIGITS - zeros;
  if (s < 0) {
    m = scaleUp(m, -s);
    if (!(m <= MAX_SAFE)) return null;
    s = 0;
  }
  return stripZeros({ negative: x.s < 0, m, s });
}

export function round2HalfUp(v: DecimalLike): Amount {
  const r = toDec(v).toDecimalPlaces(AMOUNT_DP, Dec.ROUND_HALF_UP);
  return (r.isZero() ? ZERO : r) as Amount;
}

export function round13HalfUp(v: DecimalLike): Dec {
  const r = toDec(v).toDecimalPlaces(QTY_PRICE_DP, Dec.ROUND_HALF_UP);
  return r.isZero() ? ZERO : r;
}

/** An amount as the manuals print it: 2 decimals, zero as "0.00" (never "-0.00"). */
export function formatAmount(v: DecimalLike): string {
  // toFixed rounds half up itself (one Decimal less than round2HalfUp then toFixed); a negative that
  // rounds to zero prints "-0.00", which the manuals never show.
  const s = toDec(v).toFixed(AMOUNT_DP, Dec.ROUND_HALF_UP);
  return s === "-0.00" ? "0.00" : s;
}

/** A quantity or unit price: as many decimals as it has (≤ 13 once computed), no trailing zeros. */
export function formatQty(v: DecimalLike): string {
  const d = toDec(v);
  if (d.isZero()) return "0";
  // toFixed() without argument keeps all significant decimals and never uses exponent notation.
  const s = d.toFixed();
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/** Red values are negative (domain-rules §1.6): the magnitude with a minus sign, zero stays zero. */
export function toRed(v: DecimalLike): Dec {
  const d = toDec(v).abs();
  return d.isZero() ? ZERO : d.negated();
}

/** Users may type either sign on red values; rules compare magnitudes. */
export function magnitude(v: DecimalLike): Dec {
  const d = toDec(v);
  return d.isNegative() ? d.negated() : d; // a Decimal is immutable: a non-negative one is its own magnitude
}

export function sum(values: readonly DecimalLike[]): Dec {
  return values.reduce<Dec>((acc, v) => acc.plus(toDec(v)), ZERO);
}

export function sumMagnitudes(values: readonly DecimalLike[]): Dec {
  return values.reduce<Dec>((acc, v) => acc.plus(toDec(v).abs()), ZERO);
}
