/**
 * Cell-input parsers: what accountants type into Excel cells → exact domain values, or a Chinese
 * refusal naming the field (domain-rules §1). Pure: no Office, no I/O.
 *
 * Every parser takes the cell value as `unknown` (Office.js primitives, exceljs Dates / rich text /
 * hyperlinks / formulas / error objects) and the field's Chinese name, and returns `Result<T | null>`:
 * a blank cell is `null`, or FIELD_REQUIRED with `{ required: true }`; an Excel error value (#N/A…)
 * is CELL_ERROR_VALUE.
 */
export { normalizeText, type CellInput } from "./cell";
export type { RequiredOption } from "./common";
export {
  AMOUNT_LIMIT,
  AMOUNT_TEXT_MAX_DP,
  EXCEL_SIGNIFICANT_DIGITS,
  QTY_PRICE_MAX_INTEGER_DIGITS,
  RATE_MAX_DP,
  ZERO_RATE_LABELS,
  parseAmount,
  parseDecimal,
  parseInteger,
  parseQuantity,
  parseRate,
  parseUnitPrice,
  zeroRateMark,
  type AmountOptions,
  type DecimalOptions,
  type IntegerOptions,
  type QuantityOptions,
  type ZeroRateMark,
} from "./number";
export { parseDate, type DateOptions } from "./date";
export { isValidResidentId, isValidUscc, parseTaxId, residentIdCheckChar, uscCheckChar } from "./taxId";
export {
  parseInvoiceCode,
  parseInvoiceNumber,
  type InvoiceNumberKind,
  type InvoiceNumberOptions,
} from "./invoice";
export {
  gbkByteLength,
  parseBoolean,
  parseLabel,
  parseText,
  type LabelSetLike,
  type TextOptions,
} from "./text";
export {
  collectErrors,
  type FieldError,
  type FieldSpec,
  type RowResult,
  type RowSpec,
  type RowValues,
} from "./collect";
