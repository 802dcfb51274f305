/**
 * The red-line functions' cells → the engine's RedLineInput, through the cell parsers (exact
 * decimals from text and from Excel doubles via their shortest round-trip string), then calcRedLine.
 */
import {
  calcRedLine,
  RED_LINE_FIELD_LABEL,
  RED_LINE_FIELDS,
  type RedLine,
  type RedLineField,
} from "../src/domain/confirmForm";
import { RedReason, TaxMode } from "../src/domain/labels";
import { ZERO } from "../src/domain/money";
import {
  normalizeText,
  parseAmount,
  parseBoolean,
  parseLabel,
  parseQuantity,
  parseRate,
  parseText,
  parseUnitPrice,
  type LabelSetLike,
} from "../src/domain/parse";
import { fail, type Result } from "../src/domain/refusals";
import { blankIfZero } from "./args";

/** Field names the messages use (the manuals' column titles). */
const FIELD = {
  reason: "红冲原因",
  taxMode: "征税方式",
  taxRate: "税率",
  remainingAmount: "剩余可红冲金额",
  remainingTax: "剩余可红冲税额",
  remainingQuantity: "剩余可红冲数量",
  unitPrice: "可红冲单价",
  editField: "编辑字段",
  taxCode: "税收分类编码",
  hasDiscountLine: "是否有折扣行",
} as const;

/**
 * 编辑字段 as typed: the Chinese labels, the engine's ids (any case), and the invoice's own column
 * titles 金额 (the line's 金额 is tax-exclusive) and 价税合计 (= 含税金额).
 */
const EDIT_FIELD_BY_NAME: ReadonlyMap<string, RedLineField> = new Map<string, RedLineField>([
  ...RED_LINE_FIELDS.map((f) => [RED_LINE_FIELD_LABEL[f], f] as const),
  ...RED_LINE_FIELDS.map((f) => [f.toLowerCase(), f] as const),
  ["金额", "amountExclTax"],
  ["价税合计", "amountInclTax"],
]);

const EditField: LabelSetLike<string> = {
  values: RED_LINE_FIELDS.map((f) => RED_LINE_FIELD_LABEL[f]),
  normalize(s: unknown): string | undefined {
    if (typeof s !== "string") return undefined;
    const f = EDIT_FIELD_BY_NAME.get(s.trim()) ?? EDIT_FIELD_BY_NAME.get(s.trim().toLowerCase());
    return f === undefined ? undefined : RED_LINE_FIELD_LABEL[f];
  },
};

/** A parser called with `required: true` never gives null on success. */
const present = <T>(r: Result<T | null>): Result<T> => r as Result<T>;

/**
 * The arguments of every red-line function, in order: reason, taxMode, taxRate, remainingAmount,
 * remainingTax, remainingQuantity, unitPrice, editField, editValue, taxCode, hasDiscountLine.
 * Inputs are read first (a bad cell names its field), then the engine decides.
 */
export function computeRedLine(cells: readonly unknown[]): Result<RedLine> {
  const [reasonIn, modeIn, rateIn, amountIn, taxIn, qtyIn, priceIn, fieldIn, valueIn, codeIn, discountIn] =
    cells;
  const reason = present(parseLabel(blankIfZero(reasonIn), FIELD.reason, RedReason, { required: true }));
  if (!reason.ok) return reason;
  const taxMode = present(parseLabel(blankIfZero(modeIn), FIELD.taxMode, TaxMode, { required: true }));
  if (!taxMode.ok) return taxMode;
  const rate = parseRate(rateIn, FIELD.taxRate);
  if (!rate.ok) return rate;
  // 减按计征 uses fixed constants and 差额征税 is full-only, so only 普通征税 needs the rate.
  if (rate.value === null && taxMode.value === "普通征税")
    return fail("FIELD_REQUIRED", { field: FIELD.taxRate });
  const amount = present(
    parseAmount(amountIn, FIELD.remainingAmount, { required: true, allowNegative: true })
  );
  if (!amount.ok) return amount;
  const tax = present(parseAmount(taxIn, FIELD.remainingTax, { required: true, allowNegative: true }));
  if (!tax.ok) return tax;
  const quantity = parseQuantity(qtyIn, FIELD.remainingQuantity, { allowNegative: true });
  if (!quantity.ok) return quantity;
  const unitPrice = parseUnitPrice(priceIn, FIELD.unitPrice, { allowNegative: true });
  if (!unitPrice.ok) return unitPrice;
  const fieldLabel = present(
    parseLabel(blankIfZero(fieldIn), FIELD.editField, EditField, { required: true })
  );
  if (!fieldLabel.ok) return fieldLabel;
  const field = EDIT_FIELD_BY_NAME.get(fieldLabel.value) as RedLineField;
  // The typed value is named by the field it edits; red-signed input is fine (magnitudes are used).
  const value = present(
    field === "quantity"
      ? parseQuantity(valueIn, fieldLabel.value, { required: true, allowNegative: true })
      : parseAmount(valueIn, fieldLabel.value, { required: true, allowNegative: true })
  );
  if (!value.ok) return value;
  const taxCode = parseText(blankIfZero(codeIn), FIELD.taxCode);
  if (!taxCode.ok) return taxCode;
  const hasDiscountLine = parseBoolean(discountIn, FIELD.hasDiscountLine);
  if (!hasDiscountLine.ok) return hasDiscountLine;

  return calcRedLine({
    reason: reason.value,
    taxMode: taxMode.value,
    taxCode: taxCode.value === null ? null : normalizeText(taxCode.value),
    taxRate: rate.value ?? ZERO,
    hasDiscountLine: hasDiscountLine.value ?? false,
    remaining: { amount: amount.value, tax: tax.value, quantity: quantity.value, unitPrice: unitPrice.value },
    edit: { field, value: value.value },
  });
}
