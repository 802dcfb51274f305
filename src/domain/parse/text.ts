/** Free text, labels from the manuals' lists, and yes/no cells. */
import { fail, ok, type Result } from "../refusals";
import { decided, readFilled, type FilledCell, type RequiredOption } from "./common";

// ── Free text ──────────────────────────────────────────────────────────────────

/**
 * Characters no invoice text may carry (D10), as a regular-expression class for the `u` flag: C0 and C1
 * control characters except tab, line feed and carriage return; zero-width and direction marks, line
 * and paragraph separators, bidirectional embeddings, overrides and isolates (U+202E turns "fapiao.xlsx"
 * into what reads as another name); the byte-order mark; unpaired surrogates (not text at all). The
 * wire schemas refuse them in every free-text field (src/gateway/schemas/common.ts), the sheet refuses
 * them in a cell (parseText), so both say so before anything is stored.
 */
export const UNSAFE_TEXT_CLASS =
  "\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u200B-\\u200F\\u2028-\\u202E\\u2060-\\u2069\\uFEFF\\uD800-\\uDFFF";
/** A whole string free of UNSAFE_TEXT_CLASS (JSON Schema `pattern`, read with the `u` flag). */
export const SAFE_TEXT_PATTERN = `^[^${UNSAFE_TEXT_CLASS}]*$`;
const UNSAFE_CHAR = new RegExp(`[${UNSAFE_TEXT_CLASS}]`, "u");

/** The first unsafe character of `s` as "U+202E", or undefined when there is none. */
export function unsafeCharIn(s: string): string | undefined {
  const m = UNSAFE_CHAR.exec(s);
  if (!m) return undefined;
  return `U+${(m[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Two spellings of one registered company name: Unicode compatibility forms folded (（） = (),
 * full-width letters and digits), blanks ignored, Latin letters without case.
 */
export function sameCompanyName(a: string, b: string): boolean {
  const fold = (s: string) => s.normalize("NFKC").replace(/\s+/gu, "").toUpperCase();
  return fold(a) === fold(b);
}

export interface TextOptions extends RequiredOption {
  /** Maximum length in characters (code points). */
  readonly max?: number;
  /** Maximum length in GBK bytes, the protocol's unit (remark ≤ 230, specification ≤ 40 …). */
  readonly maxGbkBytes?: number;
}

/**
 * Length in GBK/GB18030 bytes: 1 per ASCII character, 2 per other BMP character (汉字, full-width
 * punctuation), 4 per character outside the BMP (GB18030's four-byte form; emoji, rare 汉字).
 */
export function gbkByteLength(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    n += cp < 0x80 ? 1 : cp <= 0xffff ? 2 : 4;
  }
  return n;
}

function asText(cell: FilledCell): string | null {
  switch (cell.kind) {
    case "text":
      return cell.raw;
    case "number":
      // A long digit string (bank account, ID) typed into a number cell has already lost digits.
      return Number.isInteger(cell.value) && !Number.isSafeInteger(cell.value) ? null : cell.shown;
    case "boolean":
    case "date":
      return cell.shown;
    default:
      return null;
  }
}

/**
 * Free text (名称, 备注, 地址 …), trimmed with zero-width characters removed. Full-width
 * characters are kept: （） in a registered company name is part of the name.
 */
export function parseText(input: unknown, field: string, opts: TextOptions = {}): Result<string | null> {
  const cell = readFilled(input, field, opts.required);
  if (decided(cell)) return cell;
  const text = asText(cell);
  if (text === null) {
    return cell.kind === "number"
      ? fail("DIGITS_LOST_IN_NUMBER_CELL", { field, value: cell.shown })
      : fail("CELL_ERROR_VALUE", { field, value: cell.shown }); // an object we cannot read as text
  }
  const unsafe = unsafeCharIn(text);
  if (unsafe !== undefined) return fail("TEXT_UNSAFE_CHARACTER", { field, char: unsafe });
  if (opts.max !== undefined && Array.from(text).length > opts.max) {
    return fail("TEXT_TOO_LONG", { field, max: `${opts.max}个字符`, value: cell.shown });
  }
  if (opts.maxGbkBytes !== undefined && gbkByteLength(text) > opts.maxGbkBytes) {
    return fail("TEXT_TOO_LONG", {
      field,
      max: `${opts.maxGbkBytes}字节（汉字按2字节计）`,
      value: cell.shown,
    });
  }
  return ok(text);
}

// ── Labels ─────────────────────────────────────────────────────────────────────

/** What parseLabel needs of a label set from labels.ts. */
export interface LabelSetLike<T extends string> {
  readonly values: readonly T[];
  normalize(s: unknown): T | undefined;
}

/**
 * One of a label set's values, variants mapped by the set's own `normalize`. The user's text is
 * tried as typed first (labels such as 数电发票（普通发票） contain full-width brackets), then
 * half-width normalized.
 */
export function parseLabel<T extends string>(
  input: unknown,
  field: string,
  set: LabelSetLike<T>,
  opts: RequiredOption = {}
): Result<T | null> {
  const cell = readFilled(input, field, opts.required);
  if (decided(cell)) return cell;
  const label =
    cell.kind === "text"
      ? (set.normalize(cell.raw) ?? set.normalize(cell.text))
      : cell.kind === "number"
        ? set.normalize(cell.shown)
        : undefined;
  return label !== undefined
    ? ok(label)
    : fail("BAD_ENUM", { field, value: cell.shown, allowed: set.values.join("、") });
}

// ── Yes / no ───────────────────────────────────────────────────────────────────

/** Spellings of yes/no seen in sheets (compared upper-cased, after half-width normalization). */
const BOOLEAN_WORDS: ReadonlyMap<string, boolean> = new Map([
  ["是", true],
  ["否", false],
  ["Y", true],
  ["N", false],
  ["YES", true],
  ["NO", false],
  ["TRUE", true],
  ["FALSE", false],
  ["1", true],
  ["0", false],
]);

/** 是/否, Y/N, YES/NO, TRUE/FALSE, 1/0, or an Excel boolean. */
export function parseBoolean(
  input: unknown,
  field: string,
  opts: RequiredOption = {}
): Result<boolean | null> {
  const cell = readFilled(input, field, opts.required);
  if (decided(cell)) return cell;
  let b: boolean | undefined;
  if (cell.kind === "boolean") b = cell.value;
  else if (cell.kind === "number") b = cell.value === 1 ? true : cell.value === 0 ? false : undefined;
  else if (cell.kind === "text") b = BOOLEAN_WORDS.get(cell.text.toUpperCase());
  return b === undefined ? fail("BAD_BOOLEAN", { field, value: cell.shown }) : ok(b);
}
