/**
 * What a cell can hold, from either source, reduced to one small union the parsers switch on.
 *
 * Office.js `range.values` gives strings, numbers (dates are serial numbers), booleans, and "" for
 * empty cells; error cells arrive as their literal ("#N/A"). exceljs gives the same primitives plus
 * JS Dates (UTC instants carrying the wall clock), rich text, hyperlinks, formulas with a cached
 * result and `{error}` objects. Everything here is pure: no Office, no exceljs import.
 */

export type CellInput = string | number | boolean | Date | null | undefined;

/** A cell as the parsers see it. `shown` is what the user sees, for messages. */
export type Cell =
  | { readonly kind: "blank" }
  /** `text` is normalizeText'ed (half-width); `raw` keeps the user's characters (trimmed). */
  | { readonly kind: "text"; readonly text: string; readonly raw: string; readonly shown: string }
  | { readonly kind: "number"; readonly value: number; readonly shown: string }
  | { readonly kind: "boolean"; readonly value: boolean; readonly shown: string }
  | { readonly kind: "date"; readonly value: Date; readonly shown: string }
  /** An Excel error value (#N/A, #DIV/0!…): a broken formula, never data. */
  | { readonly kind: "excelError"; readonly shown: string }
  /**
   * A formula with no cached result (a file written by a program that does not calculate): its value
   * is unknown — not blank, which would read as "不能为空" and send the clerk to fill a filled cell.
   */
  | { readonly kind: "uncalculated"; readonly shown: string }
  /** An object we do not know (not rich text, hyperlink, formula or error). */
  | { readonly kind: "unrecognized"; readonly shown: string };

/** Error literals Excel shows in a cell; Office.js delivers them as these strings. */
const EXCEL_ERROR_LITERALS: ReadonlySet<string> = new Set([
  "#NULL!",
  "#DIV/0!",
  "#VALUE!",
  "#REF!",
  "#NAME?",
  "#NUM!",
  "#N/A",
  "#GETTING_DATA",
  "#SPILL!",
  "#CALC!",
  "#FIELD!",
  "#BLOCKED!",
  "#CONNECT!",
  "#BUSY!",
  "#UNKNOWN!",
]);

/** Messages quote the value; a pasted paragraph would drown the message. */
const SHOWN_MAX_CHARS = 40;

/** The first SHOWN_MAX_CHARS characters (code points) and "…"; reads no further than that. */
function clip(s: string): string {
  if (s.length <= SHOWN_MAX_CHARS) return s;
  let shown = "";
  let n = 0;
  for (const ch of s) {
    if (n++ === SHOWN_MAX_CHARS) return shown + "…";
    shown += ch;
  }
  return s;
}

// Zero-width space/joiners, word joiner, BOM, soft hyphen: invisible in Excel, fatal to a regex.
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
// No-break, thin, narrow no-break and ideographic spaces (copied from web pages and Word) → " ".
const ODD_SPACES = /[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g;
// Full-width ASCII block ！ (U+FF01) … ～ (U+FF5E) maps 1:1 onto ! … ~ at offset 0xFEE0.
const FULL_WIDTH_ASCII = /[\uFF01-\uFF5E]/g;

/**
 * Light clean-up that keeps the user's characters: strip zero-width characters, trim (including
 * ideographic spaces). Used for free text (names, remarks), where full-width brackets are part of
 * a company's registered name and must not be rewritten.
 */
export function cleanText(s: string): string {
  return s.replace(ZERO_WIDTH, "").replace(ODD_SPACES, " ").trim();
}

/** Full-width ASCII (０-９, Ａ-Ｚ, ａ-ｚ, ．，－＋％（）／：…) and ￥ → half-width. */
export function toHalfWidth(s: string): string {
  return s
    .replace(FULL_WIDTH_ASCII, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\uFFE5/g, "\u00A5");
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** A Date's UTC wall clock (exceljs convention), time only when not midnight. */
function showDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return "Invalid Date";
  const day = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  const s = d.getUTCSeconds();
  return h || m || s ? `${day} ${pad(h)}:${pad(m)}:${pad(s)}` : day;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

/** exceljs rich text, hyperlink, formula and error objects → the primitive they stand for. */
function unwrap(input: unknown, depth = 0): CellInput | { unrecognized: unknown } | { uncalculated: string } {
  if (input === null || input === undefined) return null;
  if (typeof input === "string" || typeof input === "number" || typeof input === "boolean") return input;
  if (input instanceof Date) return input;
  if (!isRecord(input) || depth > 4) return { unrecognized: input };
  if (Array.isArray(input.richText)) {
    return input.richText
      .map((run) => (isRecord(run) && typeof run.text === "string" ? run.text : ""))
      .join("");
  }
  if ("hyperlink" in input && "text" in input) return unwrap(input.text, depth + 1);
  if ("formula" in input || "sharedFormula" in input) {
    // A formula without a cached result (file never calculated) holds nothing we can read.
    if ("result" in input && input.result !== undefined) return unwrap(input.result, depth + 1);
    const f = typeof input.formula === "string" ? input.formula : "";
    return { uncalculated: f };
  }
  if (typeof input.error === "string") return input.error;
  return { unrecognized: input };
}

/** Read any cell value (Office.js or exceljs) into a `Cell`. */
export function readCell(input: unknown): Cell {
  const v = unwrap(input);
  if (v === null || v === undefined) return { kind: "blank" };
  if (typeof v === "string") {
    const raw = cleanText(v);
    if (raw === "") return { kind: "blank" };
    if (EXCEL_ERROR_LITERALS.has(raw.toUpperCase())) return { kind: "excelError", shown: raw };
    return { kind: "text", text: toHalfWidth(raw).trim(), raw, shown: clip(raw) };
  }
  if (typeof v === "number") return { kind: "number", value: v, shown: String(v) };
  if (typeof v === "boolean") return { kind: "boolean", value: v, shown: v ? "TRUE" : "FALSE" };
  if (v instanceof Date) return { kind: "date", value: v, shown: showDate(v) };
  if ("uncalculated" in v) return { kind: "uncalculated", shown: clip(`=${v.uncalculated}`) };
  let shown: string;
  try {
    shown = JSON.stringify(v.unrecognized) ?? String(v.unrecognized);
  } catch {
    shown = String(v.unrecognized);
  }
  return { kind: "unrecognized", shown: clip(shown) };
}

/**
 * The cell as plain text: trimmed, full-width ASCII and ￥ made half-width, ideographic and other
 * odd spaces made " ", zero-width characters removed. null for a blank cell.
 * Numbers print as their shortest round-trip form, booleans as TRUE/FALSE, Dates as
 * yyyy-MM-dd[ HH:mm:ss] from their UTC components.
 */
export function normalizeText(input: unknown): string | null {
  const c = readCell(input);
  switch (c.kind) {
    case "blank":
    case "uncalculated": // no value known (the field parsers say so: CELL_FORMULA_NOT_CALCULATED)
      return null;
    case "text":
      return c.text;
    default:
      return toHalfWidth(c.shown);
  }
}
