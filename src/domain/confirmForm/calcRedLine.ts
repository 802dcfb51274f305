/**
 * Red-line calculations of a 红字确认单 (domain-rules §4.4, §4.6, §4.7, §1.5–1.8).
 * All values are magnitudes inside; outputs carry the red sign (§1.6: 金额/税额/含税金额/数量 negative,
 * 单价 positive). Dec with 50 significant digits, so quotients never lose a digit that a 2-dp or 13-dp
 * rounding could see. calcRedLine first tries the same formulas on scaled integers (redLineScaled.ts: equal
 * results, proved there and tested against calcRedLineDecimal); whatever that path declines comes here.
 */
import type { RedReason, TaxMode } from "../labels";
import { AMOUNT_DP, Dec, DecimalLike, formatAmount, formatQty, QTY_PRICE_DP, toDec, ZERO } from "../money";
import {
  RENTAL_CODE_WITHOUT_POLICY_REFUSED,
  RENTAL_REDUCED_LEVY_PRIVILEGE_LABEL,
  RENTAL_REDUCED_LEVY_PRIVILEGE_TYPE,
  REVERSIBLE_UNIT_PRICE_FALLBACK,
} from "../inferred";
import { fail, ok, Result } from "../refusals";
import { REDUCED_LEVY_TEXT, scaledFullRedLine, scaledRedLine } from "./redLineScaled";

/** The line field a user edits. */
export type RedLineField = "quantity" | "amountExclTax" | "amountInclTax";
export const RED_LINE_FIELDS: readonly RedLineField[] = ["quantity", "amountExclTax", "amountInclTax"];

/** Chinese names for messages. */
export const RED_LINE_FIELD_LABEL: Readonly<Record<RedLineField, string>> = {
  quantity: "数量",
  amountExclTax: "不含税金额",
  amountInclTax: "含税金额",
};

/**
 * Editable fields per 红冲原因 (§4.6; 服务终止 per §9 A6: 数量, 含税, 不含税). 开票有误 is full only and
 * is refused earlier with its own message.
 */
export const EDITABLE_FIELDS: Readonly<Record<RedReason, readonly RedLineField[]>> = {
  开票有误: [],
  销售折让: ["amountInclTax", "amountExclTax"],
  销售退回: ["quantity"],
  服务终止: ["quantity", "amountInclTax", "amountExclTax"],
};

/** 个人出租住房 税收分类编码: 5% levy reduced to 1.5% (§4.7). */
export const PERSONAL_HOUSING_RENTAL_TAX_CODE = "3040502020102000000";
/** 减按计征 constants: used regardless of the line's stored rate (§4.7). */
const REDUCED_LEVY_RATE = new Dec(REDUCED_LEVY_TEXT.rate); // 0.015
const GENERIC_REDUCED_INCL_DIVISOR = new Dec(REDUCED_LEVY_TEXT.genericInclDivisor); // 1 + 1.5%
const RENTAL_INCL_DIVISOR = new Dec(REDUCED_LEVY_TEXT.rentalInclDivisor); // 1 + 5%
const RENTAL_EXCL_DIVISOR = new Dec(REDUCED_LEVY_TEXT.rentalExclDivisor); // 1 + 3.5%
const ONE = new Dec(1);

/**
 * [INFERRED §4.7 Notes] A partially edited 销售折让 line is an allowance: it carries amounts only,
 * no 数量/单价. Set to true to keep the remaining quantity and price on such lines instead.
 */
export const DISCOUNT_ALLOWANCE_PARTIAL_LINE_HAS_QTY = false;

/**
 * [INFERRED §4.6 limits] After the formulas, a computed 不含税/税额/数量 above the line's remaining value is
 * refused (EXCEEDS_REMAINING) — it can happen only when the blue line's tax or price is inconsistent
 * with its amount (e.g. tax computed from a tax-inclusive price). A red line never exceeds what is left.
 */
export const REFUSE_COMPUTED_OVER_REMAINING = true;

/** What is still reversible on one blue line (剩余可红冲…); either sign accepted, magnitudes used. */
export interface RemainingLine {
  /** 剩余可红冲金额 (不含税) */
  readonly amount: DecimalLike;
  /** 剩余可红冲税额 */
  readonly tax: DecimalLike;
  /** 剩余可红冲数量; null/empty when the line has no quantity. */
  readonly quantity: DecimalLike | null;
  /** 可红冲单价 stored on the blue line; null/empty → derived (§4.4). */
  readonly unitPrice: DecimalLike | null;
}

export interface RedLineEdit {
  readonly field: RedLineField;
  /** The typed value; either sign, rounded to field precision first (§1.5). */
  readonly value: DecimalLike;
}

export interface RedLineInput {
  readonly reason: RedReason;
  readonly taxMode: TaxMode;
  /** 19-digit 税收分类编码: picks the 减按计征 branch. */
  readonly taxCode?: string | null;
  /**
   * 优惠政策 (privilegeType code, e.g. "10", or its name 按5%简易征收减按1.5%计征) of the blue line. The
   * 个人出租住房 formula needs both this policy and the code; code without policy is refused
   * (REDUCED_LEVY_RENTAL_POLICY_MISSING). Undefined = the caller does not know it (code-only reading,
   * inferred.RENTAL_CODE_WITHOUT_POLICY_REFUSED); null/"" = the line has no policy.
   */
  readonly privilegeType?: string | null;
  /** 税率 of the blue line, e.g. "0.13" (not used by 减按计征, whose constants are fixed). */
  readonly taxRate: DecimalLike;
  /** The blue line has a 折扣行 (§9 A7). */
  readonly hasDiscountLine: boolean;
  readonly remaining: RemainingLine;
  readonly edit: RedLineEdit;
}

/** A computed red line: red-signed Decimals. */
export interface RedLine {
  /** 不含税金额 (negative, 2 dp) */
  readonly amount: Dec;
  /** 税额 (negative, 2 dp) */
  readonly tax: Dec;
  /** 含税金额 = amount + tax (negative, 2 dp) */
  readonly amountInclTax: Dec;
  /** 数量 (negative, ≤ 13 dp) or null when the line carries none. */
  readonly quantity: Dec | null;
  /** 单价 (positive) or null. */
  readonly unitPrice: Dec | null;
  /** The line reverses everything that remained (full line, or an edit equal to the remaining value). */
  readonly full: boolean;
}

/** Magnitudes of a remaining line, with the 可红冲单价 resolved. */
interface Remaining {
  readonly amount: Dec;
  readonly tax: Dec;
  readonly quantity: Dec | null;
  readonly unitPrice: Dec | null;
}

// Hot-path helpers (a benchmark runs 100,000 lines): same semantics as money.ts's magnitude/toRed/
// round2HalfUp/round13HalfUp, without re-checking or re-allocating Decimals that are already fine.
const decOf = (v: DecimalLike): Dec => (typeof v === "string" ? toDec(v) : v);
const magnitude = (v: DecimalLike): Dec => {
  const d = decOf(v);
  return d.isNegative() ? d.negated() : d;
};
/** Red sign on a magnitude; zero stays an unsigned zero (never "-0.00"). */
const toRed = (m: Dec): Dec => (m.isZero() ? ZERO : m.negated());
const round2HalfUp = (d: Dec): Dec => {
  const r = d.toDecimalPlaces(AMOUNT_DP, Dec.ROUND_HALF_UP);
  return r.isZero() ? ZERO : r;
};
const round13HalfUp = (d: Dec): Dec => {
  const r = d.toDecimalPlaces(QTY_PRICE_DP, Dec.ROUND_HALF_UP);
  return r.isZero() ? ZERO : r;
};

const POW10: readonly Dec[] = Array.from({ length: 40 }, (_, k) => new Dec(10).pow(k));
const ONE_WORD = new Dec(1e7);
/**
 * x ÷ y, identical to `x.div(y)` (both operands are scaled by the same power of ten, which is exact,
 * so the rounded 50-digit quotient is the same) but 3–4× faster when y has few digits (1.13, 517.5):
 * decimal.js divides by a one-word integer on a fast path.
 */
function quotient(x: Dec, y: Dec): Dec {
  const dp = y.decimalPlaces();
  if (dp === 0 || dp >= POW10.length) return x.div(y);
  const scaledY = y.times(POW10[dp]);
  return scaledY.lt(ONE_WORD) ? x.times(POW10[dp]).div(scaledY) : x.div(y);
}

function optMagnitude(v: DecimalLike | null | undefined): Dec | null {
  if (v === null || v === undefined || v === "") return null;
  return magnitude(v);
}

/** A remaining quantity that is present and zero (the line had a quantity; none of it is left). */
function isZeroQuantity(v: DecimalLike | null | undefined): boolean {
  const q = optMagnitude(v);
  return q !== null && q.isZero();
}

/**
 * 可红冲单价 (§4.4): the blue line's stored value when present; otherwise 剩余可红冲金额 ÷ 剩余可红冲数量
 * rounded half-up to 13 dp [EXT/INFERRED]. No quantity (or a zero price) → no unit price.
 */
export function effectiveUnitPrice(remaining: RemainingLine): Dec | null {
  return resolve(remaining).unitPrice;
}

function resolve(r: RemainingLine): Remaining {
  const amount = magnitude(r.amount);
  const tax = magnitude(r.tax);
  let quantity = optMagnitude(r.quantity);
  if (quantity !== null && quantity.isZero()) quantity = null;
  let unitPrice = optMagnitude(r.unitPrice);
  if (unitPrice === null || unitPrice.isZero()) {
    unitPrice =
      quantity === null || REVERSIBLE_UNIT_PRICE_FALLBACK === "NONE"
        ? null
        : round13HalfUp(quotient(amount, quantity));
    if (unitPrice !== null && unitPrice.isZero()) unitPrice = null;
  }
  return { amount, tax, quantity, unitPrice };
}

function redLine(amount: Dec, tax: Dec, quantity: Dec | null, unitPrice: Dec | null, full: boolean): RedLine {
  return {
    amount: toRed(amount),
    tax: toRed(tax),
    amountInclTax: toRed(amount.plus(tax)),
    quantity: quantity === null ? null : toRed(quantity),
    unitPrice,
    full,
  };
}

/** The line takes all its remaining values (新增 default, 开票有误, or an edit equal to the remaining value). */
export function fullRedLine(remaining: RemainingLine): RedLine {
  return scaledFullRedLine(remaining) ?? fullRedLineDecimal(remaining);
}

/** fullRedLine on Decimals alone: the reference its integer path is tested against. */
export function fullRedLineDecimal(remaining: RemainingLine): RedLine {
  const r = resolve(remaining);
  return redLine(r.amount, r.tax, r.quantity, r.quantity === null ? null : r.unitPrice, true);
}

/** The 优惠政策 按5%简易征收减按1.5%计征, by code ("10") or by name. */
export function isRentalReducedLevyPolicy(privilegeType: string | null | undefined): boolean {
  const t = (privilegeType ?? "").replace(/\s+/g, "").replace(/％/g, "%");
  return t === RENTAL_REDUCED_LEVY_PRIVILEGE_TYPE || t === RENTAL_REDUCED_LEVY_PRIVILEGE_LABEL;
}

/**
 * Which 减按计征 formula a line takes (002 step 7): 个人出租住房 needs the code 3040502020102000000 AND
 * the policy; the code without the policy is "refused" (never the rental formula); any other code is
 * the generic 1.5% levy. privilegeType undefined = not known by the caller → decided by the code.
 */
export type ReducedLevyBranch = "generic" | "rental" | "refused";
export function reducedLevyBranch(
  taxCode: string | null | undefined,
  privilegeType?: string | null
): ReducedLevyBranch {
  if ((taxCode ?? "").trim() !== PERSONAL_HOUSING_RENTAL_TAX_CODE) return "generic";
  if (privilegeType === undefined || isRentalReducedLevyPolicy(privilegeType)) return "rental";
  return RENTAL_CODE_WITHOUT_POLICY_REFUSED ? "refused" : "generic";
}

/** 减按计征 tax from a 不含税 value U (unrounded when computed): generic U×1.5%; rental U×1.5%÷1.035. */
function reducedLevyTaxFromExcl(u: Dec, rental: boolean): Dec {
  const t = u.times(REDUCED_LEVY_RATE);
  return round2HalfUp(rental ? quotient(t, RENTAL_EXCL_DIVISOR) : t);
}

/** 减按计征 tax from a 含税 value T: generic T÷1.015×1.5%; rental T÷1.05×1.5%. */
export function reducedLevyTaxFromIncl(t: Dec, rental: boolean): Dec {
  return round2HalfUp(
    quotient(t, rental ? RENTAL_INCL_DIVISOR : GENERIC_REDUCED_INCL_DIVISOR).times(REDUCED_LEVY_RATE)
  );
}

/**
 * One red line from one edit (§4.7). Check order (§8): discount line → 差额征税 → 开票有误 →
 * 减按计征+销售退回 → 个人出租住房 code without its policy → field editable → (quantity needs a unit price,
 * unless its remaining quantity is 0: then it is over-quantity) → value > 0 → ≤ remaining →
 * snap-to-remaining → formulas.
 */
/**
 * 含税 → 不含税金额 + 税额: U = 含税 ÷ (1 + 税率) unrounded, 金额 = R2(U), 税额 = 含税 − 金额 — a difference,
 * so 含税 stays exactly as typed. The one place of this rule (red lines here, 2.1.01 lines in the sandbox).
 */
export function splitTaxInclusive(inclusive: Dec, rate: Dec): { unrounded: Dec; amount: Dec; tax: Dec } {
  const unrounded = quotient(inclusive, ONE.plus(rate));
  const amount = round2HalfUp(unrounded);
  return { unrounded, amount, tax: inclusive.minus(amount) };
}

export function calcRedLine(input: RedLineInput): Result<RedLine> {
  return computeRedLine(input, true);
}

/**
 * calcRedLine on Decimals alone, never the integer path (redLineScaled.ts): the reference that path is
 * tested against, value for value.
 */
export function calcRedLineDecimal(input: RedLineInput): Result<RedLine> {
  return computeRedLine(input, false);
}

function computeRedLine(input: RedLineInput, integerPath: boolean): Result<RedLine> {
  const { reason, taxMode, edit } = input;
  if (input.hasDiscountLine) return fail("DISCOUNT_LINE_NOT_EDITABLE");
  if (taxMode === "差额征税") return fail("DIFF_TAX_FULL_ONLY");
  if (reason === "开票有误") return fail("ISSUE_ERROR_FULL_ONLY");
  if (taxMode === "减按计征" && reason === "销售退回") return fail("REDUCED_LEVY_NO_SALES_RETURN");
  const levyBranch = taxMode === "减按计征" ? reducedLevyBranch(input.taxCode, input.privilegeType) : null;
  if (levyBranch === "refused") return fail("REDUCED_LEVY_RENTAL_POLICY_MISSING");
  const fieldLabel = RED_LINE_FIELD_LABEL[edit.field];
  if (!EDITABLE_FIELDS[reason].includes(edit.field)) {
    return fail("FIELD_NOT_EDITABLE", { reason, field: fieldLabel });
  }
  if (integerPath) {
    // Same values from scaled integers when they are provably exact; null → the Decimals below.
    const line = scaledRedLine(
      input,
      levyBranch === "rental",
      REFUSE_COMPUTED_OVER_REMAINING,
      DISCOUNT_ALLOWANCE_PARTIAL_LINE_HAS_QTY
    );
    if (line !== null) return ok(line);
  }

  const rem = resolve(input.remaining);
  const P = rem.unitPrice;
  const Q = rem.quantity;
  // A line that carries a quantity, all of it reversed (or held by another form): a typed 数量 is over
  // what remains (0), not a line without a unit price (§4.6 limits).
  if (edit.field === "quantity" && (Q === null || P === null) && !isZeroQuantity(input.remaining.quantity))
    return fail("NO_UNIT_PRICE");

  // §1.5: typed amounts at 2 dp, typed quantities at 13 dp, before any comparison.
  const typed = magnitude(edit.value);
  const v = edit.field === "quantity" ? round13HalfUp(typed) : round2HalfUp(typed);
  if (v.isZero()) return fail("NON_POSITIVE", { field: fieldLabel });

  const limit =
    edit.field === "quantity"
      ? (Q ?? ZERO)
      : edit.field === "amountExclTax"
        ? rem.amount
        : rem.amount.plus(rem.tax);
  if (v.gt(limit)) {
    return fail("EXCEEDS_REMAINING", {
      field: fieldLabel,
      remaining: edit.field === "quantity" ? formatQty(limit) : formatAmount(limit),
    });
  }
  // Snap-to-remaining [INFERRED §4.6]: no recomputation, so no 0.01 is stranded on the blue line.
  if (v.eq(limit)) return ok(fullRedLineDecimal(input.remaining));

  const serviceEnd = reason === "服务终止";
  const hasQty = Q !== null && P !== null;
  let amount: Dec;
  let tax: Dec;
  let quantity: Dec | null;

  if (taxMode === "减按计征") {
    const rental = levyBranch === "rental";
    if (edit.field === "quantity") {
      const u = v.times(P as Dec);
      tax = reducedLevyTaxFromExcl(u, rental);
      amount = round2HalfUp(u);
      quantity = v;
    } else if (edit.field === "amountInclTax") {
      tax = reducedLevyTaxFromIncl(v, rental);
      amount = v.minus(tax);
      // [INFERRED §4.7] quantity as for 普通征税, from the (exact 2-dp) 不含税.
      quantity = serviceEnd && hasQty ? round13HalfUp(quotient(amount, P as Dec)) : null;
    } else {
      amount = v;
      tax = reducedLevyTaxFromExcl(v, rental);
      quantity = serviceEnd && hasQty ? round13HalfUp(quotient(v, P as Dec)) : null;
    }
  } else {
    const rate = magnitude(input.taxRate);
    if (edit.field === "quantity") {
      const u = v.times(P as Dec); // unrounded U feeds the tax (manual step 7)
      amount = round2HalfUp(u);
      tax = round2HalfUp(u.times(rate));
      quantity = v;
    } else if (edit.field === "amountExclTax") {
      amount = v;
      tax = round2HalfUp(v.times(rate));
      quantity = serviceEnd && hasQty ? round13HalfUp(quotient(v, P as Dec)) : null;
    } else {
      const split = splitTaxInclusive(v, rate);
      amount = split.amount;
      tax = split.tax;
      const u = split.unrounded;
      quantity = serviceEnd && hasQty ? round13HalfUp(quotient(u, P as Dec)) : null;
    }
  }

  if (REFUSE_COMPUTED_OVER_REMAINING) {
    if (amount.gt(rem.amount)) {
      return fail("EXCEEDS_REMAINING", { field: "不含税金额", remaining: formatAmount(rem.amount) });
    }
    if (tax.gt(rem.tax)) {
      return fail("EXCEEDS_REMAINING", { field: "税额", remaining: formatAmount(rem.tax) });
    }
    if (quantity !== null && Q !== null && quantity.gt(Q)) {
      return fail("EXCEEDS_REMAINING", { field: "数量", remaining: formatQty(Q) });
    }
  }

  let unitPrice = hasQty ? P : null;
  if (reason === "销售折让") {
    quantity = DISCOUNT_ALLOWANCE_PARTIAL_LINE_HAS_QTY ? Q : null;
    if (!DISCOUNT_ALLOWANCE_PARTIAL_LINE_HAS_QTY) unitPrice = null;
  }
  return ok(redLine(amount, tax, quantity, unitPrice, false));
}

/** What remains on the blue line after a red line (magnitudes; the stored 可红冲单价 is kept). */
export function remainingAfter(remaining: RemainingLine, line: RedLine): RemainingLine {
  const q = optMagnitude(remaining.quantity);
  return {
    amount: magnitude(remaining.amount).minus(line.amount.abs()),
    tax: magnitude(remaining.tax).minus(line.tax.abs()),
    quantity: q === null ? null : q.minus(line.quantity === null ? ZERO : line.quantity.abs()),
    unitPrice: remaining.unitPrice,
  };
}

/** Whether a red line fits what remains on its blue line: remainingAfter leaves no 金额, 税额 or 数量 below zero. */
export function lineFitsRemaining(remaining: RemainingLine, line: RedLine): boolean {
  const after = remainingAfter(remaining, line);
  const negative = (v: DecimalLike | null) => v !== null && decOf(v).isNegative();
  return !negative(after.amount) && !negative(after.tax) && !negative(after.quantity);
}

export interface RedTotals {
  readonly amount: Dec;
  readonly tax: Dec;
  readonly amountInclTax: Dec;
}

/** Header totals = sums of the rounded line values [INFERRED §1.8]. */
export function redFormTotals(
  lines: readonly Pick<RedLine, "amount" | "tax" | "amountInclTax">[]
): RedTotals {
  let amount = ZERO;
  let tax = ZERO;
  let incl = ZERO;
  for (const l of lines) {
    amount = amount.plus(toDec(l.amount));
    tax = tax.plus(toDec(l.tax));
    incl = incl.plus(toDec(l.amountInclTax));
  }
  return { amount, tax, amountInclTax: incl };
}

export interface FormattedRedLine {
  readonly amount: string;
  readonly tax: string;
  readonly amountInclTax: string;
  readonly quantity: string | null;
  readonly unitPrice: string | null;
}

/** The line as the manuals print it: amounts "0.00" (never "-0.00"), 数量/单价 without trailing zeros. */
export function formatRedLine(line: RedLine): FormattedRedLine {
  return {
    amount: formatAmount(line.amount),
    tax: formatAmount(line.tax),
    amountInclTax: formatAmount(line.amountInclTax),
    quantity: line.quantity === null ? null : formatQty(line.quantity),
    unitPrice: line.unitPrice === null ? null : formatQty(line.unitPrice),
  };
}

export function formatRedTotals(t: RedTotals): { amount: string; tax: string; amountInclTax: string } {
  return {
    amount: formatAmount(t.amount),
    tax: formatAmount(t.tax),
    amountInclTax: formatAmount(t.amountInclTax),
  };
}
