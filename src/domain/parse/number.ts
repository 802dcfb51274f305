/**
 * Numbers as accountants type them (domain-rules §1): exact decimals from text, and from Excel
 * doubles via their shortest round-trip string (never arithmetic on the double).
 */
import { AMOUNT_DP, Dec, ZERO, round13HalfUp, round2HalfUp, type Amount } from "../money";
import { fail, ok, type Result } from "../refusals";
import { decided, readFilled, type FilledCell, type RequiredOption } from "./common";

export interface DecimalOptions extends RequiredOption {
  /** Default false: a minus sign, U+2212 or (parentheses) is NEGATIVE_NOT_ALLOWED. */
  readonly allowNegative?: boolean;
  /** More significant decimals than this is TOO_MANY_DECIMALS (trailing zeros do not count). */
  readonly maxDp?: number;
  /** Inclusive bounds, as exact decimal strings. */
  readonly min?: string;
  readonly max?: string;
}

export interface AmountOptions extends Omit<DecimalOptions, "maxDp"> {
  /** Refuse more than 2 decimals instead of rounding (amounts sent as typed; EXCEL_SIGNIFICANT_DIGITS). */
  readonly exactDecimals?: boolean;
}
export type QuantityOptions = Omit<DecimalOptions, "maxDp">;

/**
 * [INFERRED, §1.5] Typed amounts with more than 2 decimals are rounded half-up to 2 dp — but a text
 * cell with more than this many decimals is not a typed amount, it is a pasted calculation or
 * garbage, and is refused (TOO_MANY_DECIMALS). Number cells are exempt: Excel doubles routinely
 * print 17 digits (0.1+0.2 → 0.30000000000000004) and round correctly.
 */
export const AMOUNT_TEXT_MAX_DP = 6;

/**
 * [decision, issue 8] An amount that goes on the wire as typed (the lines of a 红字信息表 / 红字确认单
 * draft: `exactDecimals`) is never rounded to a value the clerk did not type: more than 2 decimals
 * (−1000.005) is TOO_MANY_DECIMALS. A number cell is read at Excel's 15 significant digits first,
 * so binary noise (0.1+0.2, 1.15*100) is the 2-decimal value the cell shows, while a real third
 * decimal (1.005, 100/3) is refused like typed text.
 */
export const EXCEL_SIGNIFICANT_DIGITS = 15;

/** The protocol's amount type is (14,2): |amount| < 10^12. */
export const AMOUNT_LIMIT = new Dec("1e12");

/**
 * [INFERRED, §1.1–1.2] 数量 and 单价 carry at most 10 integer digits (+13 decimals = the 23
 * significant digits the spec sizes the arithmetic for). 10^10 pieces or ¥10^10 per unit is far
 * beyond any invoice line whose amount must stay below 10^12.
 */
export const QTY_PRICE_MAX_INTEGER_DIGITS = 10;
export const QTY_PRICE_LIMIT = new Dec(10).pow(QTY_PRICE_MAX_INTEGER_DIGITS);

// ── Text grammar ───────────────────────────────────────────────────────────────

// Optional sign, optional currency (¥ / RMB / CNY / 人民币, after normalizeText ￥ is ¥), optional
// sign again ("¥-5" and "-¥5" both occur), the numeral, optional 元.
const MONEY_TEXT = /^([+-])?\s*(?:¥|RMB|CNY|人民币)?\s*([+-])?\s*([0-9][0-9., ]*|\.[0-9]+)\s*元?$/i;
// Thousands separators only in real positions: "1,234,567.5" or "1 234 567.5" (thin spaces become
// " " in normalizeText), never mixed, never in the decimals, and the first group has no leading 0
// ("0,123" is a European decimal comma, not a thousand).
const NUMERAL = /^(?:\d+|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d{0,2}(?: \d{3})+)(?:\.\d*)?$|^\.\d+$/;

const MINUS_SIGNS = /[\u2212\u2012\u2013\uFE63]/g; // minus sign, figure dash, en dash, small hyphen

/**
 * Exact value of a money-like text, or null if it is not one. Exponents ("1e3", "1.23E+15") are
 * NOT accepted [decision]: accountants never type them, and "1.23457E+15" is what Excel shows for
 * a number it has already truncated — accepting it would silently give a wrong value.
 */
export function decimalFromText(text: string): Dec | null {
  let s = text.replace(MINUS_SIGNS, "-").trim();
  let negative = false;
  const paren = /^\((.*)\)$/.exec(s); // accounting negative: (100.00) / （100.00）
  if (paren) {
    s = paren[1].trim();
    negative = true;
  }
  const m = MONEY_TEXT.exec(s);
  if (!m) return null;
  const [, sign1, sign2, numeral] = m;
  if (sign1 && sign2) return null;
  const sign = sign1 ?? sign2;
  if (paren && sign) return null;
  const body = numeral.trim();
  if (!NUMERAL.test(body)) return null;
  if (sign === "-") negative = true;
  const d = new Dec(body.replace(/[, ]/g, "").replace(/^\./, "0.").replace(/\.$/, ""));
  return negative && !d.isZero() ? d.negated() : d;
}

/** Exact value of an Excel double: its shortest round-trip decimal string. */
export function decimalFromDouble(x: number): Dec | null {
  if (!Number.isFinite(x)) return null;
  const d = new Dec(String(x));
  return d.isZero() ? ZERO : d;
}

function toDecimal(cell: FilledCell): Dec | null {
  if (cell.kind === "text") return decimalFromText(cell.text);
  if (cell.kind === "number") return decimalFromDouble(cell.value);
  return null; // booleans, dates and unknown objects are never numbers
}

function rangeText(min: string | undefined, max: string | undefined): string {
  if (min !== undefined && max !== undefined) return `须在${min}到${max}之间`;
  if (min !== undefined) return `须不小于${min}`;
  return `须不大于${max ?? ""}`;
}

/** Sign and bounds, shared by every decimal parser. */
function checkBounds<T extends Dec>(
  value: T,
  raw: Dec,
  shown: string,
  field: string,
  opts: AmountOptions
): Result<T> {
  if (!opts.allowNegative && raw.isNegative() && !raw.isZero()) {
    return fail("NEGATIVE_NOT_ALLOWED", { field, value: shown });
  }
  const { min, max } = opts;
  if ((min !== undefined && value.lessThan(min)) || (max !== undefined && value.greaterThan(max))) {
    return fail("OUT_OF_RANGE", { field, value: shown, range: rangeText(min, max) });
  }
  return ok(value);
}

/** A decimal, exact, with no rounding. */
export function parseDecimal(input: unknown, field: string, opts: DecimalOptions = {}): Result<Dec | null> {
  const cell = readFilled(input, field, opts.required);
  if (decided(cell)) return cell;
  const d = toDecimal(cell);
  if (!d) return fail("NOT_A_NUMBER", { field, value: cell.shown });
  if (opts.maxDp !== undefined && d.decimalPlaces() > opts.maxDp) {
    return fail("TOO_MANY_DECIMALS", { field, dp: opts.maxDp, value: cell.shown });
  }
  return checkBounds(d, d, cell.shown, field, opts);
}

/**
 * An amount (金额/税额/含税金额): rounded half-up to 2 dp on the magnitude (§1.3, §1.5), |x| < 10^12;
 * with `exactDecimals`, more than 2 decimals is refused instead.
 */
export function parseAmount(input: unknown, field: string, opts: AmountOptions = {}): Result<Amount | null> {
  const cell = readFilled(input, field, opts.required);
  if (decided(cell)) return cell;
  const d = toDecimal(cell);
  if (!d) return fail("NOT_A_NUMBER", { field, value: cell.shown });
  const asShown =
    opts.exactDecimals && cell.kind === "number" ? d.toSignificantDigits(EXCEL_SIGNIFICANT_DIGITS) : d;
  const maxDp = opts.exactDecimals ? AMOUNT_DP : cell.kind === "text" ? AMOUNT_TEXT_MAX_DP : Infinity;
  if (asShown.decimalPlaces() > maxDp) {
    return fail("TOO_MANY_DECIMALS", { field, dp: AMOUNT_DP, value: cell.shown });
  }
  const amount = round2HalfUp(asShown);
  if (amount.abs().greaterThanOrEqualTo(AMOUNT_LIMIT)) {
    return fail("OUT_OF_RANGE", { field, value: cell.shown, range: `绝对值须小于${AMOUNT_LIMIT.toFixed()}` });
  }
  return checkBounds(amount, d, cell.shown, field, opts);
}

function parseQtyOrPrice(input: unknown, field: string, opts: QuantityOptions): Result<Dec | null> {
  const cell = readFilled(input, field, opts.required);
  if (decided(cell)) return cell;
  const d = toDecimal(cell);
  if (!d) return fail("NOT_A_NUMBER", { field, value: cell.shown });
  const v = round13HalfUp(d);
  if (v.abs().greaterThanOrEqualTo(QTY_PRICE_LIMIT)) {
    return fail("OUT_OF_RANGE", {
      field,
      value: cell.shown,
      range: `整数部分最多${QTY_PRICE_MAX_INTEGER_DIGITS}位`,
    });
  }
  return checkBounds(v, d, cell.shown, field, opts);
}

/** 数量: exact up to 13 dp, more decimals rounded half-up to 13 (§1.5). Red quantities need allowNegative. */
export function parseQuantity(input: unknown, field: string, opts: QuantityOptions = {}): Result<Dec | null> {
  return parseQtyOrPrice(input, field, opts);
}

/** 单价: exact up to 13 dp (money.QTY_PRICE_DP), more decimals rounded half-up to 13. */
export function parseUnitPrice(
  input: unknown,
  field: string,
  opts: QuantityOptions = {}
): Result<Dec | null> {
  return parseQtyOrPrice(input, field, opts);
}

// ── 税率 ───────────────────────────────────────────────────────────────────────

/**
 * [decision] 免税 / 不征税 / 零税率 typed in a 税率 column mean a rate of exactly 0. They are
 * different invoice markings (优惠政策标识), so callers that must keep which one was meant read
 * it with `zeroRateMark`; the rate itself is 0 in all three cases, nothing is guessed.
 */
export const ZERO_RATE_LABELS = ["免税", "不征税", "零税率"] as const;
export type ZeroRateMark = (typeof ZERO_RATE_LABELS)[number];

/**
 * [decision] Rates carry at most 6 decimals (real ones have ≤ 3: 0.015, 0.005). Number cells are
 * rounded to this to drop binary artefacts (0.13000000000000003); text with more is NOT_A_RATE.
 */
export const RATE_MAX_DP = 6;

const RATE_TEXT = /^(\d+(?:\.\d*)?|\.\d+)\s*(%)?$/;

export function zeroRateMark(input: unknown): ZeroRateMark | null {
  const cell = readFilled(input, "", false);
  if (decided(cell) || cell.kind !== "text") return null;
  return ZERO_RATE_LABELS.find((l) => l === cell.text) ?? null;
}

/**
 * 税率: "13%", "1.5%", "0.13", "０.１３", an Excel percent cell (the number 0.13), 免税/不征税/零税率
 * (→ 0). 0 ≤ rate < 1. A bare "13" is refused (NOT_A_RATE) — never guessed to mean 13%.
 */
export function parseRate(input: unknown, field: string, opts: RequiredOption = {}): Result<Dec | null> {
  const cell = readFilled(input, field, opts.required);
  if (decided(cell)) return cell;
  const bad = () => fail("NOT_A_RATE", { field, value: cell.shown });
  let rate: Dec;
  if (cell.kind === "number") {
    const d = decimalFromDouble(cell.value);
    if (!d) return bad();
    rate = d.toDecimalPlaces(RATE_MAX_DP, Dec.ROUND_HALF_UP);
  } else if (cell.kind === "text") {
    if ((ZERO_RATE_LABELS as readonly string[]).includes(cell.text)) return ok(ZERO);
    const m = RATE_TEXT.exec(cell.text);
    if (!m) return bad();
    const n = new Dec(m[1].replace(/^\./, "0.").replace(/\.$/, ""));
    rate = m[2] ? n.dividedBy(100) : n;
    if (rate.decimalPlaces() > RATE_MAX_DP) return bad();
  } else {
    return bad();
  }
  if (rate.isNegative() || rate.greaterThanOrEqualTo(1)) return bad();
  return ok(rate.isZero() ? ZERO : rate);
}

// ── Integers ───────────────────────────────────────────────────────────────────

export interface IntegerOptions extends RequiredOption {
  readonly min?: number;
  readonly max?: number;
}

// "1,000" and "3.00" are integers; currency symbols are not expected on counts.
const INTEGER_TEXT = /^([+-])?(\d+|[1-9]\d{0,2}(?:,\d{3})+)(?:\.0*)?$/;

/** A whole number (序号, 行号, 张数…) as a JS number: exact within ±2^53. */
export function parseInteger(
  input: unknown,
  field: string,
  opts: IntegerOptions = {}
): Result<number | null> {
  const cell = readFilled(input, field, opts.required);
  if (decided(cell)) return cell;
  let n: number;
  if (cell.kind === "number") {
    if (!Number.isInteger(cell.value)) return fail("NOT_AN_INTEGER", { field, value: cell.shown });
    n = cell.value;
  } else if (cell.kind === "text") {
    const m = INTEGER_TEXT.exec(cell.text.replace(MINUS_SIGNS, "-"));
    if (!m) return fail("NOT_AN_INTEGER", { field, value: cell.shown });
    n = Number((m[1] ?? "") + m[2].replace(/,/g, ""));
  } else {
    return fail("NOT_AN_INTEGER", { field, value: cell.shown });
  }
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = opts;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range =
      opts.min !== undefined || opts.max !== undefined
        ? rangeText(opts.min?.toString(), opts.max?.toString())
        : `绝对值须不大于${Number.MAX_SAFE_INTEGER}`;
    return fail("OUT_OF_RANGE", { field, value: cell.shown, range });
  }
  return ok(n === 0 ? 0 : n); // no -0
}
