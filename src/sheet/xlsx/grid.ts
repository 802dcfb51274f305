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
import { PROCESS_STATUS, type ColumnSpec } from "../schemas";
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

export interface GridValidation {
  readonly spec: KindSpec;
  readonly sheetName: string;
  /** 0-based header row. */
  readonly headerRow: number;
  readonly header: HeaderMatch;
  /** Where the bookkeeping columns are, when the sheet has them (absolute 0-based). */
  readonly bookkeeping: Readonly<Partial<Record<BookkeepingColumn["key"], number>>>;
  readonly rows: readonly ImportRow[];
}

export const isValidRow = (r: ImportRow): boolean => r.cellErrors.length === 0 && r.rowErrors.length === 0;

/** The 失败原因 text of a row: every message, cell errors first, in column order. */
export function rowReasons(r: ImportRow): string {
  return [...r.cellErrors.map((e) => e.refusal.message), ...r.rowErrors.map((e) => e.message)].join("；");
}

/** "5-7、9、12" (1-based) for messages, at most `max` runs. */
function rowList(rows: readonly number[], max = 10): string {
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

/**
 * Validate a block whose first row is sheet row 0 and first column sheet column 0 (what exceljs and
 * `getUsedRange` from A1 give). Structural problems are refusals (nothing is written); row problems
 * are in `rows`.
 */
export function validateGrid(
  spec: KindSpec,
  values: ReadonlyArray<readonly unknown[]>,
  facts: SheetFacts,
  limits: ImportLimits = DEFAULT_LIMITS
): Result<GridValidation> {
  const schema = spec.schema;
  const sheet = facts.sheetName;
  const requiredHeaders = schema.columns.filter((c) => c.required && !c.result).map((c) => c.header);

  const top = values.slice(0, HEADER_SEARCH_ROWS).map((row) => row.map(headerCellText));
  const headerRow = findHeaderRow(schema, top);
  if (headerRow < 0) return fail("FILE_NO_HEADER", { sheet, required: requiredHeaders.join("、") });
  const headerCells = top[headerRow];

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

  let last = values.length - 1;
  while (last > headerRow && values[last].every(isBlankCell)) last--;
  const dataRows = last - headerRow;
  if (dataRows > limits.maxRows) {
    return fail("FILE_TOO_MANY_ROWS", { sheet, rows: dataRows, limit: limits.maxRows });
  }
  const hidden = facts.hiddenRows.filter(
    (r) => r > headerRow && r <= last && !(values[r] ?? []).every(isBlankCell)
  );
  if (hidden.length > 0) return fail("FILE_HIDDEN_ROWS", { sheet, rows: rowList(hidden) });

  const parsed: ParsedRow[] = [];
  for (let r = headerRow + 1; r <= last; r++) {
    const row = parseRow(schema, header, values[r] ?? [], { rowIndex: r, firstColumn: 0, sheetName: sheet });
    if (row) parsed.push(row);
  }
  if (parsed.length === 0) return fail("FILE_NO_DATA", { sheet });
  const checked = spec.rowsCheck ? withRowsCheck(parsed, spec.rowsCheck(parsed), header, spec) : parsed;

  const text = (row: number, col: number | undefined): string | null =>
    col === undefined ? null : normalizeText(values[row]?.[col]);
  const serialCol = header.columns.serialNo ?? bookkeeping.serialNo;
  const statusCol = header.columns.processStatus;
  const rows: ImportRow[] = checked.map((p) => {
    const processStatus = text(p.rowIndex, statusCol);
    return {
      parsed: p,
      rowIndex: p.rowIndex,
      group: spec.groupKey(p.values),
      cellErrors: p.errors,
      rowErrors: [],
      done: processStatus === PROCESS_STATUS.success,
      serialNo: text(p.rowIndex, serialCol),
      batchNo: text(p.rowIndex, bookkeeping.batchNo),
      processStatus,
    };
  });
  return ok({ spec, sheetName: sheet, headerRow, header, bookkeeping, rows: withGroupErrors(rows) });
}

/** The kind's rules across rows added to each row's cell errors (a cell already in error keeps its first). */
function withRowsCheck(
  parsed: readonly ParsedRow[],
  extra: ReturnType<NonNullable<KindSpec["rowsCheck"]>>,
  header: HeaderMatch,
  spec: KindSpec
): ParsedRow[] {
  return parsed.map((p) => {
    const add = extra.get(p.rowIndex) ?? [];
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
  });
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
 * group fails too, saying which rows to fix.
 */
function withGroupErrors(rows: ImportRow[]): ImportRow[] {
  const badRowsByGroup = new Map<string, number[]>();
  for (const r of rows) {
    if (r.group !== null && !r.done && r.cellErrors.length > 0) {
      const bad = badRowsByGroup.get(r.group);
      if (bad) bad.push(r.rowIndex);
      else badRowsByGroup.set(r.group, [r.rowIndex]);
    }
  }
  if (badRowsByGroup.size === 0) return rows;
  return rows.map((r) => {
    const bad = r.group !== null && !r.done ? badRowsByGroup.get(r.group) : undefined;
    const others = bad?.filter((i) => i !== r.rowIndex) ?? [];
    if (others.length === 0) return r;
    return {
      ...r,
      rowErrors: [
        ...r.rowErrors,
        refusal("FILE_GROUP_HAS_ERRORS", { group: r.group!, rows: rowList(others) }),
      ],
    };
  });
}

/** The summary line the CLI prints, exactly. */
export function summaryLine(succeeded: number, failed: number): string {
  return `${succeeded} 行成功, ${failed} 行失败`;
}
