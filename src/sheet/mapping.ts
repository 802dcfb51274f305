/**
 * From a 2-D block of cell values to parsed rows: find the header, map columns by header text (any
 * order, manual variants accepted, unknown columns left alone), parse each cell with the domain
 * parsers and report every bad cell with its exact address. Host-independent: the Office adapter
 * and the .xlsx adapter both feed it `values` arrays.
 */
import type { Dec } from "../domain/money";
import {
  normalizeText,
  parseAmount,
  parseBoolean,
  parseDate,
  parseInteger,
  parseInvoiceCode,
  parseInvoiceNumber,
  parseLabel,
  parseQuantity,
  parseRate,
  parseTaxId,
  parseText,
  parseUnitPrice,
} from "../domain/parse";
import type { Refusal, Result } from "../domain/refusals";
import { cellAddress, quoteSheetName, rectAddress } from "./address";
import { labelSetOf, type ColumnSpec, type SheetSchema } from "./schemas";

/** A parsed cell: text, exact decimal, integer, boolean, or null for blank. */
export type ParsedValue = string | number | boolean | Dec | null;

// ── Headers ──────────────────────────────────────────────────────────────────

/**
 * Header text as compared: half-width, no spaces or line breaks, no required-marker asterisks, no
 * trailing colon, latin lower-cased. "＊购方税号：" and "购方税号" are the same header.
 */
export function normalizeHeader(input: unknown): string {
  if (typeof input !== "string" && typeof input !== "number") return "";
  const half = normalizeText(String(input)) ?? "";
  return half
    .replace(/\s+/g, "")
    .replace(/^\*+|\*+$/g, "")
    .replace(/[:：]+$/, "")
    .toLowerCase();
}

const lookups = new WeakMap<SheetSchema, Map<string, ColumnSpec>>();

/** Normalized header or alias → column. Throws if a schema maps one header to two columns. */
export function headerLookup(schema: SheetSchema): Map<string, ColumnSpec> {
  const cached = lookups.get(schema);
  if (cached) return cached;
  const map = new Map<string, ColumnSpec>();
  for (const col of schema.columns) {
    for (const name of [col.header, ...col.aliases]) {
      const k = normalizeHeader(name);
      const prior = map.get(k);
      if (prior && prior !== col) {
        throw new Error(`schema ${schema.kind}: header "${name}" names both ${prior.key} and ${col.key}`);
      }
      map.set(k, col);
    }
  }
  lookups.set(schema, map);
  return map;
}

export interface HeaderMatch {
  /** Column key → absolute sheet column index. */
  readonly columns: Readonly<Record<string, number>>;
  /** Columns we do not know: kept untouched. A repeated known header is also listed here. */
  readonly extras: ReadonlyArray<{ readonly column: number; readonly header: string }>;
  readonly missingRequired: readonly ColumnSpec[];
  /** Result columns absent from the sheet: appended at the right on write. */
  readonly missingResult: readonly ColumnSpec[];
  /** Absolute index of the last non-empty header cell (where appended columns start after). */
  readonly lastColumn: number;
}

/** Map one header row (cells from `firstColumn` on) onto the schema. The first of duplicates wins. */
export function matchHeader(
  schema: SheetSchema,
  headerCells: readonly unknown[],
  firstColumn = 0
): HeaderMatch {
  const lookup = headerLookup(schema);
  const columns: Record<string, number> = {};
  const extras: Array<{ column: number; header: string }> = [];
  let lastColumn = firstColumn - 1;
  headerCells.forEach((cell, i) => {
    const text = typeof cell === "string" ? cell.trim() : typeof cell === "number" ? String(cell) : "";
    if (text === "") return;
    const at = firstColumn + i;
    lastColumn = at;
    const col = lookup.get(normalizeHeader(text));
    if (col && columns[col.key] === undefined) columns[col.key] = at;
    else extras.push({ column: at, header: text });
  });
  const missing = schema.columns.filter((c) => columns[c.key] === undefined);
  return {
    columns,
    extras,
    missingRequired: missing.filter((c) => c.required && !c.result),
    missingResult: missing.filter((c) => c.result),
    lastColumn,
  };
}

/**
 * [decision] A row is the header when at least this many of its cells name columns of the schema:
 * one match could be a data cell that happens to read "税额"; two cannot plausibly be data.
 */
export const MIN_HEADER_MATCHES = 2;

/** Number of cells of `row` naming a schema column. */
export function headerScore(schema: SheetSchema, row: readonly unknown[]): number {
  const lookup = headerLookup(schema);
  const seen = new Set<string>();
  for (const cell of row) {
    const col = lookup.get(normalizeHeader(cell));
    if (col) seen.add(col.key);
  }
  return seen.size;
}

/**
 * The header row among the first rows of a block: the row with the most schema headers (the first
 * of equals), or -1 when no row has MIN_HEADER_MATCHES. Titles above the header ("2024年10月蓝票")
 * are skipped this way.
 */
export function findHeaderRow(schema: SheetSchema, rows: ReadonlyArray<readonly unknown[]>): number {
  let best = -1;
  let bestScore = MIN_HEADER_MATCHES - 1;
  rows.forEach((row, i) => {
    const score = headerScore(schema, row);
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  });
  return best;
}

// ── Cells ────────────────────────────────────────────────────────────────────

/** Parse one cell for its column; messages name the column by its canonical header. */
export function parseCell(col: ColumnSpec, input: unknown): Result<ParsedValue> {
  const f = col.header;
  const required = col.required;
  const set = labelSetOf(col.type);
  if (set) return parseLabel(input, f, set, { required });
  switch (col.type) {
    case "text":
      return parseText(input, f, {
        required,
        ...(col.maxLength !== undefined ? { max: col.maxLength } : {}),
      });
    case "amount":
      return parseAmount(input, f, {
        required,
        allowNegative: col.allowNegative,
        ...(col.exactDecimals ? { exactDecimals: true } : {}),
      });
    case "quantity":
      return parseQuantity(input, f, { required, allowNegative: col.allowNegative });
    case "unitPrice":
      return parseUnitPrice(input, f, { required });
    case "rate":
      return parseRate(input, f, { required });
    case "date":
      return parseDate(input, f, { required });
    case "datetime":
      return parseDate(input, f, { required, withTime: true });
    case "taxId":
      return parseTaxId(input, f, { required });
    case "invoiceCode":
      return parseInvoiceCode(input, f, { required });
    case "invoiceNumber":
      return parseInvoiceNumber(input, f, { required, kind: col.invoiceNumberKind ?? "any" });
    case "boolean":
      return parseBoolean(input, f, { required });
    case "integer":
      return parseInteger(input, f, { required });
    default:
      throw new Error(`unknown column type ${col.type}`);
  }
}

/** Blank as a row sees it: nothing, or only spaces. */
export function isBlankCell(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "string" && v.trim() === "");
}

// ── Rows ─────────────────────────────────────────────────────────────────────

export interface CellError {
  readonly columnKey: string;
  /** The column's header as the user sees it in the manuals (canonical). */
  readonly header: string;
  /** Local A1 address of the bad cell ("F5"). */
  readonly cellAddress: string;
  readonly refusal: Refusal;
}

export interface ParsedRow {
  /** 0-based sheet row (Office.js `rowIndex`); the user sees rowIndex + 1. */
  readonly rowIndex: number;
  /** The row across the header's columns, sheet-qualified when the sheet is known ("蓝票清单!A5:X5"). */
  readonly address: string;
  /** Parsed values by column key; null for blank cells, cells that failed, and absent columns. */
  readonly values: Readonly<Record<string, ParsedValue>>;
  readonly errors: readonly CellError[];
}

export interface RowLocation {
  readonly rowIndex: number;
  /** Absolute column index of `cells[0]`. */
  readonly firstColumn: number;
  readonly sheetName?: string;
}

/**
 * Parse one sheet row. Returns null for a blank row ([decision] rows with nothing in any input
 * column are not data: selections of whole columns end in them).
 * Result columns are read too (流水号 of a previous run is needed to re-query), but a result cell
 * that does not parse is kept as text without an error: we wrote it, the user need not fix it.
 */
export function parseRow(
  schema: SheetSchema,
  header: HeaderMatch,
  cells: readonly unknown[],
  at: RowLocation
): ParsedRow | null {
  const valueAt = (column: number): unknown => cells[column - at.firstColumn];
  const inputColumns = schema.columns.filter((c) => !c.result && header.columns[c.key] !== undefined);
  if (inputColumns.every((c) => isBlankCell(valueAt(header.columns[c.key])))) return null;

  const values: Record<string, ParsedValue> = {};
  const errors: CellError[] = [];
  for (const col of schema.columns) {
    const column = header.columns[col.key];
    if (column === undefined) {
      values[col.key] = null;
      continue;
    }
    const raw = valueAt(column);
    const r = parseCell(col, raw);
    if (r.ok) {
      values[col.key] = r.value;
    } else if (col.result) {
      values[col.key] = normalizeText(raw);
    } else {
      values[col.key] = null;
      errors.push({
        columnKey: col.key,
        header: col.header,
        cellAddress: cellAddress(at.rowIndex, column),
        refusal: r.refusal,
      });
    }
  }
  if (schema.rowCheck) {
    const failed = new Set(errors.map((e) => e.columnKey));
    for (const e of schema.rowCheck(values)) {
      const column = header.columns[e.key];
      const col = schema.columns.find((c) => c.key === e.key);
      if (failed.has(e.key) || column === undefined || !col) continue;
      failed.add(e.key);
      errors.push({
        columnKey: e.key,
        header: col.header,
        cellAddress: cellAddress(at.rowIndex, column),
        refusal: e.refusal,
      });
    }
  }
  // Left to right, as the user reads the row.
  errors.sort((a, b) => header.columns[a.columnKey] - header.columns[b.columnKey]);
  const first = Math.min(at.firstColumn, ...Object.values(header.columns));
  const last = Math.max(header.lastColumn, first);
  const local = rectAddress({ row: at.rowIndex, column: first, rows: 1, columns: last - first + 1 });
  return {
    rowIndex: at.rowIndex,
    address: at.sheetName ? `${quoteSheetName(at.sheetName)}!${local}` : local,
    values,
    errors,
  };
}

export interface ParsedBlock {
  readonly rows: ParsedRow[];
  /** Sheet rows skipped because they were blank. */
  readonly blankRows: number[];
}

/**
 * Parse a block read from the sheet: `values[i]` is sheet row `rowIndexes[i]` (or `firstRow + i`),
 * its cells starting at absolute column `firstColumn`.
 */
export function parseBlock(
  schema: SheetSchema,
  header: HeaderMatch,
  block: {
    readonly values: ReadonlyArray<readonly unknown[]>;
    readonly firstRow?: number;
    readonly rowIndexes?: readonly number[];
    readonly firstColumn: number;
    readonly sheetName?: string;
  }
): ParsedBlock {
  const rows: ParsedRow[] = [];
  const blankRows: number[] = [];
  block.values.forEach((cells, i) => {
    const rowIndex = block.rowIndexes ? block.rowIndexes[i] : (block.firstRow ?? 0) + i;
    const parsed = parseRow(schema, header, cells, {
      rowIndex,
      firstColumn: block.firstColumn,
      ...(block.sheetName !== undefined ? { sheetName: block.sheetName } : {}),
    });
    if (parsed) rows.push(parsed);
    else blankRows.push(rowIndex);
  });
  return { rows, blankRows };
}
