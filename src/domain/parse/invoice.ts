/**
 * 发票代码 and 发票号码. Both are digit strings, not numbers: Excel number cells drop their leading
 * zeros (033001900111 → 33001900111) and cannot hold 20 digits, so a number cell that has visibly
 * lost digits gets a message that says so and asks for a text column.
 */
import { fail, ok, type RefusalCode, type Result } from "../refusals";
import { decided, readFilled, type FilledCell, type RequiredOption } from "./common";

/** 发票代码 lengths: 10 (专票/普票 paper) or 12 (卷票, 电子普票, 电子专票 …). */
const INVOICE_CODE_LENGTHS = [10, 12] as const;
/** 发票号码: 8 digits for 税控 (Golden Tax III) invoices, 20 for 数电 invoices. */
const TAX_CONTROL_NUMBER_LENGTH = 8;
const DIGITAL_NUMBER_LENGTH = 20;

export type InvoiceNumberKind = "taxControl" | "digital" | "any";

export interface InvoiceNumberOptions extends RequiredOption {
  /** Which invoices the column holds; default "any" (8 or 20 digits). */
  readonly kind?: InvoiceNumberKind;
}

type Digits = { readonly digits: string } | { readonly refused: Result<never> };

/**
 * The digit string of a code/number cell. Spaces are typing noise ("0330 0190 0111"). A number
 * cell gives its integer digits, or DIGITS_LOST_IN_NUMBER_CELL when a double cannot hold them.
 */
function digitsOf(cell: FilledCell, field: string, formatCode: RefusalCode): Digits {
  if (cell.kind === "text") {
    const s = cell.text.replace(/\s+/g, "");
    return /^\d+$/.test(s) ? { digits: s } : { refused: fail(formatCode, { field, value: cell.shown }) };
  }
  if (cell.kind === "number" && Number.isInteger(cell.value) && cell.value > 0) {
    if (!Number.isSafeInteger(cell.value)) {
      return { refused: fail("DIGITS_LOST_IN_NUMBER_CELL", { field, value: cell.shown }) };
    }
    return { digits: String(cell.value) };
  }
  return { refused: fail(formatCode, { field, value: cell.shown }) };
}

/** 发票代码: 10 or 12 digits. */
export function parseInvoiceCode(
  input: unknown,
  field: string,
  opts: RequiredOption = {}
): Result<string | null> {
  const cell = readFilled(input, field, opts.required);
  if (decided(cell)) return cell;
  const r = digitsOf(cell, field, "BAD_INVOICE_CODE");
  if ("refused" in r) return r.refused;
  const n = r.digits.length;
  if ((INVOICE_CODE_LENGTHS as readonly number[]).includes(n)) return ok(r.digits);
  // 11 or 9 digits from a number cell: a 12/10-digit code that lost its leading 0.
  if (cell.kind === "number" && (n === 11 || n === 9)) {
    return fail("LEADING_ZEROS_LOST", {
      field,
      value: cell.shown,
      expected: `发票代码应为${n + 1}位，现只有${n}位`,
    });
  }
  return fail("BAD_INVOICE_CODE", { field, value: cell.shown });
}

function allowedLengths(kind: InvoiceNumberKind): readonly number[] {
  if (kind === "taxControl") return [TAX_CONTROL_NUMBER_LENGTH];
  if (kind === "digital") return [DIGITAL_NUMBER_LENGTH];
  return [TAX_CONTROL_NUMBER_LENGTH, DIGITAL_NUMBER_LENGTH];
}

/** 发票号码: 8 digits (税控), 20 digits (数电), or either (kind "any", the default). */
export function parseInvoiceNumber(
  input: unknown,
  field: string,
  opts: InvoiceNumberOptions = {}
): Result<string | null> {
  const cell = readFilled(input, field, opts.required);
  if (decided(cell)) return cell;
  const kind = opts.kind ?? "any";
  const r = digitsOf(cell, field, "BAD_INVOICE_NUMBER");
  if ("refused" in r) return r.refused;
  const n = r.digits.length;
  if (allowedLengths(kind).includes(n)) return ok(r.digits);
  if (cell.kind === "number") {
    // No 20-digit number survives a double (> 2^53), so a short number cell is an 8-digit 税控
    // number that lost leading zeros — unless the column is 数电 only, where it is just wrong.
    if (kind !== "digital" && n < TAX_CONTROL_NUMBER_LENGTH) {
      return fail("LEADING_ZEROS_LOST", {
        field,
        value: cell.shown,
        expected: `税控发票号码应为${TAX_CONTROL_NUMBER_LENGTH}位，现只有${n}位`,
      });
    }
    if (kind !== "taxControl" && n > 15)
      return fail("DIGITS_LOST_IN_NUMBER_CELL", { field, value: cell.shown });
  }
  return fail("BAD_INVOICE_NUMBER", { field, value: cell.shown });
}
