/**
 * The integer path of calcRedLine (issue 12: 100,000 red lines at the cost of the bare arithmetic): the same
 * formulas (§4.7) on amounts in cents and quantities / prices / rates as scaled integers (../fixedPoint.ts),
 * returning a RedLine equal to the Dec path's, digit for digit — or null, and calcRedLine computes it with Dec:
 * a refusal (worded there, once), a value outside the ranges below, a text decimal.js would parse differently
 * (blanks, exponents, more than 15 digits), or a rounding tie after an inexact Dec step.
 *
 * Why the results are equal. The Dec path rounds to 50 significant digits after each operation, then to
 * 2 dp (amounts) or 13 dp (quantities, prices). Here every value is exact:
 * - Products and sums (q × P, U × 税率, U × 1.5%, 含税 − 金额) are exact in Dec as well: every operand has at
 *   most 16 digits (mantissas ≤ MAX_SAFE), so a product of three has at most 48 < 50 digits.
 * - A quotient W = N ÷ M (integers N, M > 0; e.g. 含税 ÷ (1 + 税率) = V·10^rs ÷ (100·(10^rs + r))) rounded to
 *   d places: a half-unit point b of the d-th place that W is not equal to lies at least 1 ÷ (2·10^d·M) away
 *   (|2·10^d·N − (2j+1)·M| ≥ 1), while k Dec roundings move W by at most k × ½ × 10^−49 × W. With N·10^d < 10^48
 *   (checked below by the bounds on mantissas and scales: N ≤ 9.1·10^15 × 10^(rs + Ps) with rs ≤ 6, Ps ≤ 13)
 *   and k ≤ 2, the moved value stays on W's side of b: R_d(Dec) = R_d(W).
 * - W exactly on b (a tie): with one Dec step (k = 1), b has d + 1 places and < 50 digits, so decimal.js holds it
 *   exactly and both round it up. With two steps (含税 → U → 数量, 含税 → ÷ 1.015 → × 1.5%) the first rounding
 *   may already have moved it: those ties return null and take the Dec path (divHalfUp's `tieUnknown`).
 */
import { REVERSIBLE_UNIT_PRICE_FALLBACK } from "../inferred";
import {
  addExact,
  compareScaled,
  MAX_SAFE,
  mulExact,
  mulPow10DivHalfUp,
  parseScaled,
  pow10HalfUp,
  Scaled,
  scaleUp,
  stripZeros,
} from "../fixedPoint";
import { Dec, DecimalLike, decOfScaled, scaledOfDec } from "../money";
import type { RedLine, RedLineInput, RemainingLine } from "./calcRedLine";

/** 减按计征 constants (§4.7) as text: calcRedLine makes its Decimals from the same strings. */
export const REDUCED_LEVY_TEXT = {
  /** the reduced levy rate, used regardless of the line's stored rate */
  rate: "0.015",
  /** 1 + 1.5%: 含税 → 不含税 on the generic levy */
  genericInclDivisor: "1.015",
  /** 1 + 5%: 含税 → 不含税 for 个人出租住房 */
  rentalInclDivisor: "1.05",
  /** 1 + 3.5%: 不含税 → tax base for 个人出租住房 */
  rentalExclDivisor: "1.035",
} as const;

/** Decimal places the integer path accepts on quantities and prices (beyond: the Dec path). */
const MAX_QTY_PRICE_SCALE = 13;
/** Decimal places the integer path accepts on a tax rate (0.13: 2; 0.015: 3). */
const MAX_RATE_SCALE = 6;
const AMOUNT_DP = 2;
const QTY_DP = 13;

const scaledConst = (t: string): Scaled => stripZeros(parseScaled(t) as Scaled);
const LEVY_RATE = scaledConst(REDUCED_LEVY_TEXT.rate);
const GENERIC_INCL = scaledConst(REDUCED_LEVY_TEXT.genericInclDivisor);
const RENTAL_INCL = scaledConst(REDUCED_LEVY_TEXT.rentalInclDivisor);
const RENTAL_EXCL = scaledConst(REDUCED_LEVY_TEXT.rentalExclDivisor);

/** A magnitude (sign dropped, as magnitude()) without trailing zeros; null when this path cannot read it. */
function scaledMagnitude(v: DecimalLike): Scaled | null {
  const x = typeof v === "string" ? parseScaled(v) : v instanceof Dec ? scaledOfDec(v) : null;
  return x === null ? null : stripZeros(x);
}

const isAbsent = (v: DecimalLike | null | undefined): boolean => v === null || v === undefined || v === "";

/** A 2-dp amount in cents; NaN when it has more places or does not fit. */
function centsOf(v: DecimalLike): number {
  const x = scaledMagnitude(v);
  return x === null || x.s > AMOUNT_DP ? NaN : scaleUp(x.m, AMOUNT_DP - x.s);
}

/** n × 10^−s rounded half up to dp places, as a mantissa at dp places. */
function roundTo(n: number, s: number, dp: number): number {
  return s >= dp ? pow10HalfUp(n, s - dp) : scaleUp(n, dp - s);
}

/** n × 10^k ÷ d rounded half up, k of either sign. */
function ratioHalfUp(n: number, k: number, d: number, tieUnknown = false): number {
  return k >= 0
    ? mulPow10DivHalfUp(n, k, d, tieUnknown)
    : mulPow10DivHalfUp(n, 0, mulExact(d, scaleUp(1, -k)), tieUnknown);
}

/** x ÷ P rounded half up to 13 dp (x = xm × 10^−xs): the 数量 of an amount. */
function quantityOf(xm: number, xs: number, P: Scaled, tieUnknown = false): Scaled | null {
  // (xm / 10^xs) ÷ (Pm / 10^Ps) × 10^13 = xm × 10^(Ps + 13 − xs) ÷ Pm
  const m = ratioHalfUp(xm, P.s + QTY_DP - xs, P.m, tieUnknown);
  return m <= MAX_SAFE ? { negative: false, m, s: QTY_DP } : null;
}

interface ScaledRemaining {
  /** 剩余可红冲金额, cents */
  readonly amount: number;
  /** 剩余可红冲税额, cents */
  readonly tax: number;
  /** 剩余可红冲数量; null when absent or zero */
  readonly quantity: Scaled | null;
  /** 可红冲单价 (stored, else derived as in resolve()); null when there is none */
  readonly unitPrice: Scaled | null;
}

function remainingOf(r: RemainingLine): ScaledRemaining | null {
  const amount = centsOf(r.amount);
  const tax = centsOf(r.tax);
  if (!(amount <= MAX_SAFE && tax <= MAX_SAFE)) return null;
  let quantity: Scaled | null = null;
  if (!isAbsent(r.quantity)) {
    const q = scaledMagnitude(r.quantity as DecimalLike);
    if (q === null || q.s > MAX_QTY_PRICE_SCALE) return null;
    if (q.m !== 0) quantity = q;
  }
  let unitPrice: Scaled | null = null;
  if (!isAbsent(r.unitPrice)) {
    const p = scaledMagnitude(r.unitPrice as DecimalLike);
    if (p === null || p.s > MAX_QTY_PRICE_SCALE) return null;
    if (p.m !== 0) unitPrice = p;
  }
  if (unitPrice === null && quantity !== null && REVERSIBLE_UNIT_PRICE_FALLBACK !== "NONE") {
    // §4.4: 剩余金额 ÷ 剩余数量 at 13 dp = A × 10^(Qs + 11) ÷ Qm (A in cents).
    const p = quantityOf(amount, AMOUNT_DP, { negative: false, m: quantity.m, s: quantity.s });
    if (p === null) return null;
    if (p.m !== 0) unitPrice = stripZeros(p);
  }
  return { amount, tax, quantity, unitPrice };
}

function redLineOf(
  amount: number,
  tax: number,
  quantity: Scaled | null,
  unitPrice: Scaled | null,
  full: boolean
): RedLine | null {
  const incl = addExact(amount, tax);
  if (!(incl <= MAX_SAFE)) return null;
  return {
    amount: decOfScaled(true, amount, AMOUNT_DP),
    tax: decOfScaled(true, tax, AMOUNT_DP),
    amountInclTax: decOfScaled(true, incl, AMOUNT_DP),
    quantity: quantity === null ? null : decOfScaled(true, quantity.m, quantity.s),
    unitPrice: unitPrice === null ? null : decOfScaled(false, unitPrice.m, unitPrice.s),
    full,
  };
}

function fullLineOf(r: ScaledRemaining): RedLine | null {
  return redLineOf(r.amount, r.tax, r.quantity, r.quantity === null ? null : r.unitPrice, true);
}

/** fullRedLine on the integer path; null → the Dec path. */
export function scaledFullRedLine(remaining: RemainingLine): RedLine | null {
  const r = remainingOf(remaining);
  return r === null ? null : fullLineOf(r);
}

/** 减按计征 tax in cents from a 不含税 value x = xm × 10^−xs: generic x × 1.5%; rental x × 1.5% ÷ 1.035. */
function levyTaxFromExcl(xm: number, xs: number, rental: boolean): number {
  const t = mulExact(xm, LEVY_RATE.m); // exact, as u.times(0.015)
  if (!rental) return roundTo(t, xs + LEVY_RATE.s, AMOUNT_DP);
  // t × 10^−(xs + Ls) ÷ (Dm × 10^−Ds) at 2 dp = t × 10^(Ds + 2 − xs − Ls) ÷ Dm
  return ratioHalfUp(t, RENTAL_EXCL.s + AMOUNT_DP - xs - LEVY_RATE.s, RENTAL_EXCL.m);
}

/** 减按计征 tax in cents from a 含税 value V (cents): generic V ÷ 1.015 × 1.5%; rental V ÷ 1.05 × 1.5%. */
function levyTaxFromIncl(v: number, rental: boolean): number {
  const d = rental ? RENTAL_INCL : GENERIC_INCL;
  // (V / 100) × 10^Ds / Dm × Lm / 10^Ls, in cents = V × Lm × 10^(Ds − Ls) ÷ Dm; two Dec steps → ties unknown
  return ratioHalfUp(mulExact(v, LEVY_RATE.m), d.s - LEVY_RATE.s, d.m, true);
}

/**
 * calcRedLine after its refusals of kind (discount line, 差额征税, 开票有误, 减按计征 + 销售退回, rental code
 * without policy, field not editable): the value checks and formulas, or null for the Dec path. The two
 * [INFERRED] switches are calcRedLine's own constants, passed in.
 */
export function scaledRedLine(
  input: RedLineInput,
  rental: boolean,
  refuseComputedOverRemaining: boolean,
  allowanceLineHasQty: boolean
): RedLine | null {
  const rem = remainingOf(input.remaining);
  if (rem === null) return null;
  const typed = scaledMagnitude(input.edit.value);
  if (typed === null) return null;
  const { field } = input.edit;
  const Q = rem.quantity;
  const P = rem.unitPrice;
  const hasQty = Q !== null && P !== null;
  const serviceEnd = input.reason === "服务终止";
  const reducedLevy = input.taxMode === "减按计征";

  let amount: number;
  let tax: number;
  let quantity: Scaled | null;

  if (field === "quantity") {
    if (!hasQty) return null; // NO_UNIT_PRICE, or over a zero remainder: worded by the Dec path
    const vm = roundTo(typed.m, typed.s, Math.min(typed.s, QTY_DP)); // §1.5: typed quantities at 13 dp
    const v: Scaled = stripZeros({ negative: false, m: vm, s: Math.min(typed.s, QTY_DP) });
    if (!(vm <= MAX_SAFE) || vm === 0) return null;
    const cmp = compareScaled(v.m, v.s, Q.m, Q.s);
    if (cmp > 0) return null;
    if (cmp === 0) return fullLineOf(rem); // snap-to-remaining [INFERRED §4.6]
    // U = q × P, exact and unrounded (manual step 7).
    const u = mulExact(v.m, P.m);
    const us = v.s + P.s;
    amount = roundTo(u, us, AMOUNT_DP);
    if (reducedLevy) {
      tax = levyTaxFromExcl(u, us, rental);
    } else {
      const rate = rateOf(input);
      if (rate === null) return null;
      tax = roundTo(mulExact(u, rate.m), us + rate.s, AMOUNT_DP);
    }
    quantity = v;
  } else {
    // §1.5: typed amounts at 2 dp.
    const v = roundTo(typed.m, typed.s, AMOUNT_DP);
    if (!(v <= MAX_SAFE) || v === 0) return null;
    const limit = field === "amountExclTax" ? rem.amount : addExact(rem.amount, rem.tax);
    if (!(limit <= MAX_SAFE) || v > limit) return null;
    if (v === limit) return fullLineOf(rem);
    if (reducedLevy) {
      if (field === "amountInclTax") {
        tax = levyTaxFromIncl(v, rental);
        amount = v - tax;
      } else {
        amount = v;
        tax = levyTaxFromExcl(v, AMOUNT_DP, rental);
      }
      // [INFERRED §4.7] quantity as for 普通征税, from the exact 2-dp 不含税.
      quantity = serviceEnd && hasQty ? quantityOf(amount, AMOUNT_DP, P) : null;
    } else {
      const rate = rateOf(input);
      if (rate === null) return null;
      if (field === "amountExclTax") {
        amount = v;
        tax = roundTo(mulExact(v, rate.m), AMOUNT_DP + rate.s, AMOUNT_DP);
        quantity = serviceEnd && hasQty ? quantityOf(v, AMOUNT_DP, P) : null;
      } else {
        // splitTaxInclusive: U = 含税 ÷ (1 + r) = V × 10^rs ÷ (10^rs + rm) cents, 金额 = R2(U), 税额 = 含税 − 金额.
        const onePlusRate = addExact(scaleUp(1, rate.s), rate.m);
        amount = mulPow10DivHalfUp(v, rate.s, onePlusRate);
        tax = v - amount;
        // 数量 = R13(U ÷ P) from the unrounded U: V × 10^(rs + Ps + 13 − 2) ÷ ((10^rs + rm) × Pm).
        quantity = null;
        if (serviceEnd && hasQty) {
          const m = ratioHalfUp(v, rate.s + P.s + QTY_DP - AMOUNT_DP, mulExact(onePlusRate, P.m), true);
          if (!(m <= MAX_SAFE)) return null;
          quantity = { negative: false, m, s: QTY_DP };
        }
      }
    }
    if (serviceEnd && hasQty && quantity === null) return null;
  }
  if (!(amount <= MAX_SAFE && tax <= MAX_SAFE && tax >= 0)) return null;

  if (refuseComputedOverRemaining) {
    if (amount > rem.amount || tax > rem.tax) return null; // EXCEEDS_REMAINING: worded by the Dec path
    if (quantity !== null && Q !== null && compareScaled(quantity.m, quantity.s, Q.m, Q.s) > 0) return null;
  }

  let unitPrice = hasQty ? P : null;
  if (input.reason === "销售折让") {
    quantity = allowanceLineHasQty ? Q : null;
    if (!allowanceLineHasQty) unitPrice = null;
  }
  return redLineOf(amount, tax, quantity, unitPrice, false);
}

/** The magnitude of the line's 税率 (普通征税), or null for the Dec path. */
function rateOf(input: RedLineInput): Scaled | null {
  const r = scaledMagnitude(input.taxRate);
  return r === null || r.s > MAX_RATE_SCALE ? null : r;
}
