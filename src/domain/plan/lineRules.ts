/**
 * What the wire accepts on a red-form line (piaozone-api §1.8 and the 2.2.04 / 2.1.03 request
 * tables), as domain rules: the per-line tax tolerance, the 0.01 on totals, the 税收分类编码 format,
 * the rate precision and the text limits. The 红字信息表 and 红字确认单 planners check drafts with
 * these before anything is sent, and the sandbox's handlers run the same functions, so a line that
 * passes here is never refused by the gateway for one of these reasons.
 */
import { Dec, formatAmount, magnitude, round2HalfUp } from "../money";
import { refusal, type Refusal } from "../refusals";

/** |金额 × 税率 − 税额| ≤ 0.06 per line (piaozone-api §1.8, SEEN). */
export const LINE_TAX_TOLERANCE = new Dec("0.06");

/** A given total (含税金额 / 价税合计) may differ from 金额 + 税额 by at most 0.01 (rounding of one line). */
export const TOTAL_TOLERANCE = new Dec("0.01");

/** taxRate on the wire: a decimal string with at most 4 decimals (0.13, 0.015, 0.0050). */
export const WIRE_RATE_MAX_DP = 4;

/** 商品和服务税收分类编码: exactly 19 digits on every invoice interface. */
export const TAX_CODE_PATTERN = /^\d{19}$/;

/**
 * Text limits of the red-form lines and headers, in characters, as the 2.2.04 / 2.1.03 request
 * tables give them (goodsName 100, specification 40, units 22; names 100; tax IDs 20).
 * The sheet schemas take their column `maxLength` from here so the cell is refused, not the request.
 */
export const WIRE_TEXT_LIMITS = {
  goodsName: 100,
  specification: 40,
  units: 22,
  partyName: 100,
  taxId: 20,
  /** Our document key (申请单号 / 单据编号) travels in no request; kept short enough to read. */
  documentKey: 50,
} as const;

/** The expected tax of a line: R2(|金额| × 税率), signed like the amount. */
export function expectedLineTax(amount: Dec, rate: Dec): Dec {
  const t = round2HalfUp(magnitude(amount).mul(rate));
  return amount.isNegative() ? t.neg() : t;
}

/**
 * The per-line tolerance, on magnitudes (red lines may be typed with either sign, §1.6): null when
 * within 0.06, else the refusal for the 税额 cell naming the expected tax and the tolerance.
 */
export function lineTaxRefusal(amount: Dec, rate: Dec, tax: Dec): Refusal | null {
  const exact = magnitude(amount).mul(rate);
  const diff = exact.sub(magnitude(tax)).abs();
  if (diff.lte(LINE_TAX_TOLERANCE)) return null;
  const expected = expectedLineTax(amount, rate);
  return refusal("LINE_TAX_OUT_OF_TOLERANCE", {
    actual: formatAmount(tax),
    amount: formatAmount(amount),
    rate: rate.toFixed(),
    expected: formatAmount(expected),
    diff: formatAmount(round2HalfUp(magnitude(expected).sub(magnitude(tax)).abs())),
    tolerance: LINE_TAX_TOLERANCE.toFixed(2),
  });
}

/** A given 含税金额: within 0.01 of |金额| + |税额| (magnitudes), else the refusal for its cell. */
export function lineTotalRefusal(field: string, amount: Dec, tax: Dec, total: Dec): Refusal | null {
  const sum = magnitude(amount).add(magnitude(tax));
  const diff = sum.sub(magnitude(total)).abs();
  if (diff.lte(TOTAL_TOLERANCE)) return null;
  return refusal("TOTAL_OUT_OF_TOLERANCE", {
    field,
    actual: formatAmount(total),
    expected: formatAmount(total.isNegative() ? sum.neg() : sum),
    diff: formatAmount(diff),
    tolerance: TOTAL_TOLERANCE.toFixed(2),
  });
}

/** 税收分类编码: 19 digits, else the refusal. */
export function taxCodeRefusal(field: string, code: string): Refusal | null {
  return TAX_CODE_PATTERN.test(code) ? null : refusal("TAX_CODE_FORMAT", { field, value: code });
}

/** 税率 with more decimals than the wire carries. */
export function rateRefusal(field: string, rate: Dec): Refusal | null {
  return rate.decimalPlaces() > WIRE_RATE_MAX_DP
    ? refusal("RATE_TOO_MANY_DECIMALS", { field, dp: WIRE_RATE_MAX_DP, value: rate.toFixed() })
    : null;
}

/** Text longer than the wire's limit (characters, as JSON Schema counts them). */
export function textLimitRefusal(field: string, text: string, max: number): Refusal | null {
  return Array.from(text).length > max
    ? refusal("TEXT_TOO_LONG", { field, max: `${max}个字符`, value: text })
    : null;
}
