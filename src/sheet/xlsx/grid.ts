/**
 * The import's rules on a 2-D block of cell values — host-independent, so the CLI (exceljs) and the
 * task pane (Office.js, active sheet) run the same code: find the header by its text, refuse sheets
 * we cannot read safely, parse and validate every row (all errors of a row), group lines into
 * documents, and plan what to write back (red cells with notes, 失败原因, 申请批次号, 流水号).
 * Columns and cell parsing are the sheet layer's (src/sheet/schemas, src/sheet/mapping).
 */
import { fail, ok, refusal, type Refusal, type Result } from "../../domain/refusals";
import { cellAddress, intersect, toRowRuns, type Rect } from "../address";
import {
  findHeaderRow,
  headerLookup,
  isBlankCell,
  matchHeader,
  normalizeHeader,
  parseRow,
  type CellError,
  type HeaderMatch,
  type ParsedRow,
} from "../mapping";
import { PROCESS_STATUS, type ColumnSpec, type RowCheckError } from "../schemas";
import { normalizeText } from "../../domain/parse";
import type { KindSpec } from "./kinds";
import { DEFAULT_LIMITS, HEADER_SEARCH_ROWS, type ImportLimits } from "./limits";

/** What the host knows about the sheet beyond its values. */
export interface SheetFacts {
  readonly sheetName: string;
  /** Merged areas, 0-based. */
  readonly merges: readonly Rect[];
  /** 0-based indexes of hidden rows. */
  readonly hiddenRows: readonly number[];
}

/** Columns an import adds that no schema has: the run's 申请批次号, and 流水号 where the schema lacks it. */
export interface BookkeepingColumn {
  readonly key: "batchNo" | "serialNo";
  readonly header: string;
  readonly aliases: readonly string[];
}

export const BATCH_NO_COLUMN: BookkeepingColumn = {
  key: "batchNo",
  header: "申请批次号",
  aliases: ["批次号"],
};
export const SERIAL_NO_COLUMN: BookkeepingColumn = {
  key: "serialNo",
  header: "流水号",
  aliases: ["serialNo"],
};

export interface ImportRow {
  readonly parsed: ParsedRow;
  /** 0-based sheet row. */
  readonly rowIndex: number;
  /** The document this row is a line of, or null when the row stands alone. */
  readonly group: string | null;
  readonly cellErrors: readonly CellError[];
  /** Errors that belong to no single cell (another line of the same document failed). */
  readonly rowErrors: readonly Refusal[];
  /** Done by an earlier run (处理状态 = 成功): skipped, never re-sent. */
  readonly done: boolean;
  /** 流水号 already in the file. */
  readonly serialNo: string | null;
  /** 申请批次号 already in the file. */
  readonly batchNo: string | null;
  /** 处理状态 already in the file. */
  readonly processStatus: string | null;
}

export interface GridValidation extends GridLayout {
  readonly rows: readonly ImportRow[];
}

export const isValidRow = (r: Pick<ImportRow, "cellErrors" | "rowErrors">): boolean =>
  r.cellErrors.length === 0 && r.rowErrors.length === 0;

/** The 失败原因 text of a row: every message, cell errors first, in column order. */
export function rowReasons(r: Pick<ImportRow, "cellErrors" | "rowErrors">): string {
  return [...r.cellErrors.map((e) => e.refusal.message), ...r.rowErrors.map((e) => e.message)].join("；");
}

/** "5-7、9、12" (1-based) for messages, at most `max` runs. */
export function rowList(rows: readonly number[], max = 10): string {
  const runs = toRowRuns(rows);
  const parts = runs
    .slice(0, max)
    .map((r) => (r.count === 1 ? `${r.start + 1}` : `${r.start + 1}-${r.start + r.count}`));
  return parts.join("、") + (runs.length > max ? " 等" : "");
}

const headerCellText = (v: unknown): string => normalizeText(v) ?? "";

/** The sheet's serial column: the schema's own 流水号, else our bookkeeping one. */
export function schemaHasSerial(spec: KindSpec): boolean {
  return spec.schema.columns.some((c) => c.key === "serialNo");
}

/** Where the header is and what it maps: what a validation needs from the top rows and the merges. */
export interface GridLayout {
  readonly spec: KindSpec;
  readonly sheetName: string;
  /** 0-based header row. */
  readonly headerRow: number;
  readonly header: HeaderMatch;
  /** Where the bookkeeping columns are, when the sheet has them (absolute 0-based). */
  readonly bookkeeping: Readonly<Partial<Record<BookkeepingColumn["key"], number>>>;
}

/**
 * The header among `top` (the sheet's first HEADER_SEARCH_ROWS rows), refused when we cannot read the
 * sheet safely: no header, a merged header, a repeated column, a required column missing.
 */
export function gridLayout(
  spec: KindSpec,
  top: ReadonlyArray<readonly unknown[]>,
  facts: Pick<SheetFacts, "sheetName" | "merges">
): Result<GridLayout> {
  const schema = spec.schema;
  const sheet = facts.sheetName;
  const requiredHeaders = schema.columns.filter((c) => c.required && !c.result).map((c) => c.header);

  const topText = top.slice(0, HEADER_SEARCH_ROWS).map((row) => row.map(headerCellText));
  const headerRow = findHeaderRow(schema, topText);
  if (headerRow < 0) return fail("FILE_NO_HEADER", { sheet, required: requiredHeaders.join("、") });
  const headerCells = topText[headerRow];

  const merged = facts.merges.filter((m) =>
    intersect(m, { row: headerRow, column: 0, rows: 1, columns: 16384 })
  );
  if (merged.length > 0) {
    const cells = merged.map(
      (m) => `${cellAddress(m.row, m.column)}:${cellAddress(m.row + m.rows - 1, m.column + m.columns - 1)}`
    );
    return fail("FILE_MERGED_HEADER", { sheet, cells: cells.join("、") });
  }

  const header = matchHeader(schema, headerCells);
  const duplicate = findDuplicateColumn(schema, header, headerRow);
  if (duplicate) return fail("FILE_DUPLICATE_COLUMN", { sheet, ...duplicate });
  if (header.missingRequired.length > 0) {
    return fail("FILE_NO_HEADER", {
      sheet,
      required: header.missingRequired.map((c) => c.header).join("、"),
    });
  }

  const bookkeeping: Partial<Record<BookkeepingColumn["key"], number>> = {};
  for (const b of [BATCH_NO_COLUMN, ...(schemaHasSerial(spec) ? [] : [SERIAL_NO_COLUMN])]) {
    const names = new Set([b.header, ...b.aliases].map(normalizeHeader));
    const at = headerCells.map((h, i) => (names.has(normalizeHeader(h)) ? i : -1)).filter((i) => i >= 0);
    if (at.length > 1) {
      return fail("FILE_DUPLICATE_COLUMN", {
        sheet,
        column: b.header,
        cells: at.map((c) => cellAddress(headerRow, c)).join("、"),
      });
    }
    if (at.length === 1) bookkeeping[b.key] = at[0];
  }
  return ok({ spec, sheetName: sheet, headerRow, header, bookkeeping });
}

/**
 * The data below the header, refused when there is too much of it or some of it is hidden. `last` is
 * the last row with a value (the header row when none), `hiddenRows` the hidden rows with a value.
 */
export function dataExtentRefusal(
  layout: Pick<GridLayout, "sheetName" | "headerRow">,
  last: number,
  hiddenRows: readonly number[],
  limits: ImportLimits
): Result<never> | null {
  const sheet = layout.sheetName;
  const dataRows = last - layout.headerRow;
  if (dataRows > limits.maxRows) {
    return fail("FILE_TOO_MANY_ROWS", { sheet, rows: dataRows, limit: limits.maxRows });
  }
  const hidden = hiddenRows.filter((r) => r > layout.headerRow && r <= last);
  return hidden.length > 0 ? fail("FILE_HIDDEN_ROWS", { sheet, rows: rowList(hidden) }) : null;
}

/** One parsed row (its cross-row errors already added) as the plan reads it; `values` is the sheet row. */
export function importRowOf(layout: GridLayout, p: ParsedRow, values: readonly unknown[]): ImportRow {
  const text = (col: number | undefined): string | null =>
    col === undefined ? null : normalizeText(values[col]);
  const processStatus = text(layout.header.columns.processStatus);
  return {
    parsed: p,
    rowIndex: p.rowIndex,
    group: layout.spec.groupKey(p.values),
    cellErrors: p.errors,
    rowErrors: [],
    done: processStatus === PROCESS_STATUS.success,
    serialNo: text(layout.header.columns.serialNo ?? layout.bookkeeping.serialNo),
    batchNo: text(layout.bookkeeping.batchNo),
    processStatus,
  };
}

/**
 * Validate a block whose first row is sheet row 0 and first column sheet column 0 (what exceljs and
 * `getUsedRange` from A1 give). Structural problems are refusals (nothing is written); row problems
 * are in `rows`. (The streaming import applies the same pieces row by row: gridStream.ts.)
 */
export function validateGrid(
  spec: KindSpec,
  values: ReadonlyArray<readonly unknown[]>,
  facts: SheetFacts,
  limits: ImportLimits = DEFAULT_LIMITS
): Result<GridValidation> {
  const layout = gridLayout(spec, values.slice(0, HEADER_SEARCH_ROWS), facts);
  if (!layout.ok) return layout;
  const { headerRow, header } = layout.value;
  const sheet = facts.sheetName;

  let last = values.length - 1;
  while (last > headerRow && values[last].every(isBlankCell)) last--;
  const hiddenWithValues = facts.hiddenRows.filter((r) => !(values[r] ?? []).every(isBlankCell));
  const extent = dataExtentRefusal(layout.value, last, hiddenWithValues, limits);
  if (extent) return extent;

  const parsed: ParsedRow[] = [];
  for (let r = headerRow + 1; r <= last; r++) {
    const row = parseRow(spec.schema, header, values[r] ?? [], {
      rowIndex: r,
      firstColumn: 0,
      sheetName: sheet,
    });
    if (row) parsed.push(row);
  }
  if (parsed.length === 0) return fail("FILE_NO_DATA", { sheet });
  const extra = spec.rowsCheck ? spec.rowsCheck(parsed) : null;
  const checked = extra
    ? parsed.map((p) => withRowCheckErrors(p, extra.get(p.rowIndex) ?? [], header, spec))
    : parsed;
  const rows = checked.map((p) => importRowOf(layout.value, p, values[p.rowIndex] ?? []));
  return ok({ ...layout.value, rows: withGroupErrors(rows) });
}

/** The kind's rules across rows added to a row's cell errors (a cell already in error keeps its first). */
export function withRowCheckErrors(
  p: ParsedRow,
  add: readonly RowCheckError[],
  header: HeaderMatch,
  spec: KindSpec
): ParsedRow {
  if (add.length === 0) return p;
  const errors: CellError[] = [...p.errors];
  for (const e of add) {
    const column = header.columns[e.key];
    const col = spec.schema.columns.find((c) => c.key === e.key);
    if (column === undefined || !col || errors.some((x) => x.columnKey === e.key)) continue;
    errors.push({
      columnKey: e.key,
      header: col.header,
      cellAddress: cellAddress(p.rowIndex, column),
      refusal: e.refusal,
    });
  }
  errors.sort((a, b) => header.columns[a.columnKey] - header.columns[b.columnKey]);
  return { ...p, errors };
}

/** A repeated header (or two aliases of one column): which column and where. */
function findDuplicateColumn(
  schema: KindSpec["schema"],
  header: HeaderMatch,
  headerRow: number
): { column: string; cells: string } | null {
  const lookup = headerLookup(schema);
  const colOf = (h: string): ColumnSpec | undefined => lookup.get(normalizeHeader(h));
  for (const extra of header.extras) {
    const col = colOf(extra.header);
    if (!col) continue;
    const repeats = header.extras.filter((e) => colOf(e.header) === col).map((e) => e.column);
    return {
      column: col.header,
      cells: [header.columns[col.key], ...repeats].map((c) => cellAddress(headerRow, c)).join("、"),
    };
  }
  return null;
}

/**
 * A document is sent whole or not at all: when one line of a group fails, every other line of the
 * group fails too, saying which rows to fix. `badRows`: the group's failed rows not done earlier.
 */
export function groupRefusal(group: string, rowIndex: number, badRows: readonly number[]): Refusal | null {
  const others = badRows.filter((i) => i !== rowIndex);
  return others.length === 0 ? null : refusal("FILE_GROUP_HAS_ERRORS", { group, rows: rowList(others) });
}

/** A row that counts against its group: failed on a cell, not done by an earlier run. */
export const failsItsGroup = (group: string | null, done: boolean, hasCellErrors: boolean): boolean =>
  group !== null && !done && hasCellErrors;

function withGroupErrors(rows: ImportRow[]): ImportRow[] {
  const badRowsByGroup = new Map<string, number[]>();
  for (const r of rows) {
    if (failsItsGroup(r.group, r.done, r.cellErrors.length > 0)) {
      const bad = badRowsByGroup.get(r.group!);
      if (bad) bad.push(r.rowIndex);
      else badRowsByGroup.set(r.group!, [r.rowIndex]);
    }
  }
  if (badRowsByGroup.size === 0) return rows;
  return rows.map((r) => {
    const bad = r.group !== null && !r.done ? badRowsByGroup.get(r.group) : undefined;
    const e = bad ? groupRefusal(r.group!, r.rowIndex, bad) : null;
    return e ? { ...r, rowErrors: [...r.rowErrors, e] } : r;
  });
}

/** The summary line the CLI prints, exactly. */
export function summaryLine(succeeded: number, failed: number): string {
  return `${succeeded} 行成功, ${failed} 行失败`;
}

/**
 * The summary of a run that only checked: nothing was sent, so nothing "succeeded" — `valid` rows
 * passed the checks (rows done by an earlier submission are not counted; doneLine says them).
 */
export function checkedLine(valid: number, failed: number): string {
  return `校验通过 ${valid} 行（未提交）, ${failed} 行失败`;
}
