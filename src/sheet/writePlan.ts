/**
 * The write-back plan, host-independent: which 2-D blocks of result values to write, which cells
 * to fill red, which notes to add, split into chunks that each fit one request. The Office adapter
 * executes a chunk per `context.sync()`; tests check the plan without any host.
 */
import { parseDate } from "../domain/parse";
import { Dec } from "../domain/money";
import { fail, ok, type Result } from "../domain/refusals";
import { cellAddress, packAddresses, toColumnRuns, toRowRuns, type RowRun } from "./address";
import { isBlankCell, parseCell } from "./mapping";
import type { AnnotationMode, RowWriteBack, UpsertRow } from "./port";
import type { ColumnSpec, SheetKind, SheetSchema } from "./schemas";

/** Fill of a bad cell: Excel's own "light red fill" (the manuals: 错误的信息已标记为红色). */
export const FAILURE_FILL = "#FFC7CE";

/** Our notes/comments start with this, so a re-run deletes ours and leaves the user's alone. */
export const MARK_PREFIX = "【红冲助手】";

/** Rows per chunk at most (research notes §2: 5k-row blocks). */
export const MAX_ROWS_PER_CHUNK = 5_000;

/**
 * [decision, research notes §2] Excel on the web refuses requests over 5 MB; we plan each request
 * to at most this many bytes, so the estimate can be off by 2× and still pass.
 */
export const REQUEST_BYTE_BUDGET = 2_000_000;

/** Bytes we count for one API call or proxy in a request, beyond its arguments (a generous guess). */
export const OP_OVERHEAD_BYTES = 200;

/** UTF-8 size of a string (what the request carries; Chinese text is 3 bytes a character). */
export function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

export function jsonBytes(v: unknown): number {
  return utf8Bytes(JSON.stringify(v));
}

/** A rectangle of result values; null leaves a cell as it is (Office.js semantics). */
export interface ValueBlock {
  readonly row: number;
  readonly column: number;
  readonly values: Array<Array<string | number | null>>;
  /** Number formats to set first ("@" for text results), null = leave; absent = none to set. */
  readonly numberFormat?: Array<Array<string | null>>;
}

export interface Annotation {
  readonly row: number;
  readonly column: number;
  /** Local A1 address ("F5"). */
  readonly address: string;
  /** Full text including MARK_PREFIX. */
  readonly text: string;
}

export interface WriteChunk {
  /** Sheet rows of this chunk, ascending. */
  readonly rows: readonly number[];
  readonly rowRuns: readonly RowRun[];
  readonly blocks: readonly ValueBlock[];
  /** Comma-joined local addresses of cells to fill red, each within the getRanges limits. */
  readonly markAddresses: readonly string[];
  readonly annotations: readonly Annotation[];
  readonly cellsMarked: number;
  /** Request size estimate for everything above. */
  readonly estimatedBytes: number;
}

export interface WritePlanOptions {
  readonly mode: AnnotationMode;
  /** Cells ("row:column") that carry someone else's note/comment: we cannot add ours there. */
  readonly occupied?: ReadonlySet<string>;
  readonly maxRowsPerChunk?: number;
  readonly byteBudget?: number;
}

export const cellKey = (row: number, column: number): string => `${row}:${column}`;

/** What the user calls the annotation in the Chinese UI: notes are 备注, threaded comments 批注. */
const ANNOTATION_WORD: Readonly<Record<AnnotationMode, string>> = {
  notes: "备注",
  comments: "批注",
  column: "",
};

interface PlannedRow {
  readonly row: number;
  /** Column index → value to write (result columns only). */
  readonly cells: ReadonlyMap<number, string | number>;
  readonly marks: ReadonlyArray<{ row: number; column: number }>;
  readonly annotations: readonly Annotation[];
  readonly bytes: number;
}

/**
 * Resolve one row: result values by column, the 失败原因 text (given text, plus the messages of bad
 * cells that get no annotation), cells to mark, annotations to add.
 */
function planRow(
  schema: SheetSchema,
  byKey: ReadonlyMap<string, ColumnSpec>,
  columns: Readonly<Record<string, number>>,
  r: RowWriteBack,
  opts: WritePlanOptions
): PlannedRow {
  const cells = new Map<number, string | number>();
  for (const [key, value] of Object.entries(r.values)) {
    if (value === undefined) continue;
    const col = byKey.get(key);
    if (!col || !col.result) throw new TypeError(`${schema.kind}: "${key}" is not a result column`);
    const at = columns[key];
    if (at === undefined) throw new TypeError(`${schema.kind}: result column "${key}" has no sheet column`);
    cells.set(at, value);
  }

  // Group messages per cell: one note per bad cell, messages on separate lines.
  const perCell = new Map<number, { header: string; messages: string[] }>();
  const unplaced: string[] = [];
  for (const e of r.cellErrors) {
    const col = byKey.get(e.columnKey);
    const at = columns[e.columnKey];
    if (!col || at === undefined) {
      unplaced.push(col ? `${col.header}：${e.message}` : e.message);
      continue;
    }
    const entry = perCell.get(at) ?? { header: col.header, messages: [] };
    if (!entry.messages.includes(e.message)) entry.messages.push(e.message);
    perCell.set(at, entry);
  }

  const marks: Array<{ row: number; column: number }> = [];
  const annotations: Annotation[] = [];
  const inColumn: string[] = [...unplaced];
  for (const [column, { header, messages }] of Array.from(perCell.entries()).sort((a, b) => a[0] - b[0])) {
    marks.push({ row: r.rowIndex, column });
    const address = cellAddress(r.rowIndex, column);
    if (opts.mode !== "column" && !opts.occupied?.has(cellKey(r.rowIndex, column))) {
      annotations.push({ row: r.rowIndex, column, address, text: MARK_PREFIX + messages.join("\n") });
    } else {
      inColumn.push(`${header}（${address}）：${messages.join("；")}`);
    }
  }

  const failureColumn = columns.failureReason;
  if (failureColumn !== undefined && (inColumn.length > 0 || annotations.length > 0)) {
    const given = r.values.failureReason;
    const parts: string[] = [];
    if (given !== undefined && given !== "") parts.push(String(given));
    else if (annotations.length > 0) {
      parts.push(`有${annotations.length}个单元格有误，详见红色单元格的${ANNOTATION_WORD[opts.mode]}`);
    }
    parts.push(...inColumn);
    cells.set(failureColumn, parts.join("；"));
  }

  let bytes = 0;
  for (const v of cells.values()) bytes += jsonBytes(v) + 8; // value + its "@" format + separators
  for (const a of annotations) bytes += OP_OVERHEAD_BYTES + utf8Bytes(a.text) + a.address.length;
  bytes += marks.length * 8;
  return { row: r.rowIndex, cells, marks, annotations, bytes };
}

/** Build the 2-D blocks of a chunk: each run of rows × each run of written result columns. */
function blocksOf(
  schema: SheetSchema,
  columns: Readonly<Record<string, number>>,
  rows: PlannedRow[]
): ValueBlock[] {
  const textColumns = new Set(
    schema.columns
      .filter((c) => c.result && c.numberFormat === "@" && columns[c.key] !== undefined)
      .map((c) => columns[c.key])
  );
  const byRow = new Map(rows.map((p) => [p.row, p]));
  const used = new Set<number>();
  for (const p of rows) for (const c of p.cells.keys()) used.add(c);
  const blocks: ValueBlock[] = [];
  const rowRuns = toRowRuns(rows.filter((p) => p.cells.size > 0).map((p) => p.row));
  for (const run of rowRuns) {
    for (const colRun of toColumnRuns(used)) {
      const values: Array<Array<string | number | null>> = [];
      const formats: Array<Array<string | null>> = [];
      let anyText = false;
      let anyValue = false;
      for (let i = 0; i < run.count; i++) {
        const cells = byRow.get(run.start + i)?.cells;
        const vRow: Array<string | number | null> = [];
        const fRow: Array<string | null> = [];
        for (let j = 0; j < colRun.count; j++) {
          const c = colRun.start + j;
          const v = cells?.get(c);
          vRow.push(v === undefined ? null : v);
          const text = v !== undefined && textColumns.has(c);
          fRow.push(text ? "@" : null);
          anyText ||= text;
          anyValue ||= v !== undefined;
        }
        values.push(vRow);
        formats.push(fRow);
      }
      if (!anyValue) continue;
      blocks.push({
        row: run.start,
        column: colRun.start,
        values,
        ...(anyText ? { numberFormat: formats } : {}),
      });
    }
  }
  return blocks;
}

function chunkOf(
  schema: SheetSchema,
  columns: Readonly<Record<string, number>>,
  rows: PlannedRow[]
): WriteChunk {
  const blocks = blocksOf(schema, columns, rows);
  const marks = rows.flatMap((p) => p.marks);
  const markAddresses = packAddresses(marks);
  const annotations = rows.flatMap((p) => p.annotations);
  const estimatedBytes =
    blocks.reduce(
      (n, b) =>
        n + 3 * OP_OVERHEAD_BYTES + jsonBytes(b.values) + (b.numberFormat ? jsonBytes(b.numberFormat) : 0),
      0
    ) +
    markAddresses.reduce((n, a) => n + 3 * OP_OVERHEAD_BYTES + a.length, 0) +
    annotations.reduce((n, a) => n + OP_OVERHEAD_BYTES + utf8Bytes(a.text) + a.address.length, 0);
  return {
    rows: rows.map((p) => p.row),
    rowRuns: toRowRuns(rows.map((p) => p.row)),
    blocks,
    markAddresses,
    annotations,
    cellsMarked: marks.length,
    estimatedBytes,
  };
}

/**
 * Plan the whole write-back. Rows are taken in sheet order; a chunk closes at maxRowsPerChunk rows
 * or when the next row would push its estimate past the byte budget. A single row larger than the
 * budget (thousands of long messages) still gets a chunk of its own.
 */
export function planWrite(
  schema: SheetSchema,
  columns: Readonly<Record<string, number>>,
  results: readonly RowWriteBack[],
  opts: WritePlanOptions
): WriteChunk[] {
  const maxRows = Math.max(1, Math.min(opts.maxRowsPerChunk ?? MAX_ROWS_PER_CHUNK, MAX_ROWS_PER_CHUNK));
  const budget = opts.byteBudget ?? REQUEST_BYTE_BUDGET;
  // The last write-back of a row wins when a row is listed twice.
  const byRow = new Map<number, RowWriteBack>();
  for (const r of results) byRow.set(r.rowIndex, r);
  const byKey = new Map<string, ColumnSpec>(schema.columns.map((c) => [c.key, c]));
  const planned = Array.from(byRow.values())
    .sort((a, b) => a.rowIndex - b.rowIndex)
    .map((r) => planRow(schema, byKey, columns, r, opts));
  // A row that starts a new run of rows opens a new block per run of result columns.
  const resultColumnRuns = toColumnRuns(
    schema.columns.filter((c) => c.result && columns[c.key] !== undefined).map((c) => columns[c.key])
  ).length;

  const chunks: WriteChunk[] = [];
  let current: PlannedRow[] = [];
  let bytes = 0;
  let previousRow = -2;
  for (const p of planned) {
    // Per row: its values and marks, separators, and the block calls when it starts a new run.
    const cost = p.bytes + 16 + (p.row === previousRow + 1 ? 0 : 3 * OP_OVERHEAD_BYTES * resultColumnRuns);
    previousRow = p.row;
    if (current.length > 0 && (current.length >= maxRows || bytes + cost > budget)) {
      chunks.push(chunkOf(schema, columns, current));
      current = [];
      bytes = 0;
    }
    current.push(p);
    bytes += cost;
  }
  if (current.length > 0) chunks.push(chunkOf(schema, columns, current));
  return chunks;
}

// ── Upserts and plain tables ─────────────────────────────────────────────────
// Domain rows (strings) → typed cells → 2-D blocks per run of rows × run of columns, chunked like
// the write-back: ≤ MAX_ROWS_PER_CHUNK rows and ≤ the byte budget per request.

/**
 * Columns identifying a row per kind, for `upsertRows`. [decision] 进项发票池 and 蓝票清单: 发票代码 +
 * 发票号码 (+ 行号 for line rows of the list); 红字确认单: its 编号 + 行号; 红字信息表: its 编码 +
 * 货物名称 (its lines carry no line number).
 */
export const UPSERT_KEYS: Readonly<Record<SheetKind, readonly string[]>> = {
  inputPool: ["invoiceCode", "invoiceNumber"],
  blueInvoices: ["invoiceCode", "invoiceNumber", "lineNo"],
  confirmForms: ["formNumber", "lineNo"],
  infoForms: ["infoFormNumber", "goodsName"],
};

/** 数电 发票号码: 20 digits. */
const DIGITAL_INVOICE_NUMBER = /^\d{20}$/;

/**
 * [decision, domain-rules §5] A 数电 invoice has no 发票代码: it is identified by its 20-digit
 * 发票号码 alone, whatever the 发票代码 cell holds (some exports repeat the number's first 12 digits
 * there). Applies when the key has both columns.
 */
export function digitalInvoiceDropsCode(
  keyColumns: readonly string[],
  parts: Record<string, string>
): boolean {
  return (
    keyColumns.includes("invoiceCode") &&
    keyColumns.includes("invoiceNumber") &&
    DIGITAL_INVOICE_NUMBER.test(parts.invoiceNumber ?? "")
  );
}

/** A key cell as compared: its parsed form (digits of a number cell, trimmed text), else its text. */
function keyPart(col: ColumnSpec | undefined, raw: unknown): string {
  if (isBlankCell(raw)) return "";
  if (col) {
    const r = parseCell({ ...col, required: false }, raw);
    if (r.ok && r.value !== null) return r.value instanceof Dec ? r.value.toFixed() : String(r.value);
  }
  return String(raw).trim();
}

/**
 * The match key of a row from its key cells (sheet cells or domain strings alike), or null when
 * every key cell is blank (such a row matches nothing).
 */
export function rowKey(
  schema: SheetSchema,
  keyColumns: readonly string[],
  cellOf: (key: string) => unknown
): string | null {
  const parts: Record<string, string> = {};
  for (const k of keyColumns) {
    parts[k] = keyPart(
      schema.columns.find((c) => c.key === k),
      cellOf(k)
    );
  }
  if (keyColumns.every((k) => parts[k] === "")) return null;
  if (digitalInvoiceDropsCode(keyColumns, parts)) parts.invoiceCode = "";
  return keyColumns.map((k) => parts[k]).join("\u0001");
}

/** A cell to write: the value and the number format to set first (null = leave the format). */
export interface CellWrite {
  readonly value: string | number;
  readonly format: string | null;
}

/** Excel serial of an ISO day or day-time (1900 system; days from 1899-12-30, valid from 1900-03-01). */
export function excelSerial(iso: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/.exec(iso);
  if (!m) return null;
  const days = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000 + 25_569;
  if (days < 61) return null; // before 1900-03-01 the serials count Excel's fake leap day
  const seconds = m[4] ? Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]) : 0;
  return days + seconds / 86_400;
}

/** An amount string: plain decimal, at most 2 decimals (never rounded here: rounding is the domain's). */
const AMOUNT_TEXT = /^-?\d{1,12}(\.\d{1,2})?$/;

/**
 * A domain value → the cell to write, at the boundary: amounts become numbers in the column's
 * format (exact: ≤ 14 significant digits always survive a double, and we check), integers numbers,
 * dates date serials, everything else text ("@" keeps leading zeros and 13-decimal quantities).
 * "" clears the cell. `where` names the row in a refusal (1-based input row).
 */
export function cellForColumn(col: ColumnSpec, value: string, where: number): Result<CellWrite> {
  if (value === "") return ok({ value: "", format: null });
  const bad = (reason: string) =>
    fail<CellWrite>("SHEET_VALUE_INVALID", { row: where, field: col.header, value, reason });
  switch (col.type) {
    case "amount": {
      const t = value.trim();
      if (!AMOUNT_TEXT.test(t)) return bad("金额须为最多两位小数的数字");
      if (t.startsWith("-") && !col.allowNegative && !new Dec(t).isZero()) return bad("该列不能为负数");
      const n = Number(t);
      if (!new Dec(String(n)).equals(new Dec(t))) return bad("超出Excel数字的精度");
      return ok({ value: n === 0 ? 0 : n, format: col.numberFormat });
    }
    case "integer": {
      const t = value.trim();
      if (!/^-?\d{1,15}$/.test(t)) return bad("须为整数");
      return ok({ value: Number(t), format: col.numberFormat });
    }
    case "date":
    case "datetime": {
      const r = parseDate(value, col.header, { withTime: col.type === "datetime" });
      const serial = r.ok && r.value !== null ? excelSerial(r.value) : null;
      if (serial === null) return bad("日期须为yyyy-mm-dd格式（1900-03-01以后）");
      return ok({ value: serial, format: col.numberFormat });
    }
    case "boolean": {
      const r = parseCell({ ...col, required: false }, value);
      if (!r.ok || r.value === null) return bad("须为“是”或“否”");
      return ok({ value: r.value === true ? "是" : "否", format: null });
    }
    default:
      return ok({ value, format: "@" });
  }
}

/**
 * Does the sheet cell already hold this domain value? Compared as the column parses both (1234.5
 * and "1234.50" are the same amount, 45587 and "2024-10-22" the same day); text as trimmed text.
 */
export function sameCellValue(col: ColumnSpec, raw: unknown, value: string): boolean {
  if (value.trim() === "") return isBlankCell(raw);
  if (isBlankCell(raw)) return false;
  const loose = { ...col, required: false };
  const a = parseCell(loose, raw);
  const b = parseCell(loose, value);
  if (a.ok && b.ok) {
    const x = a.value;
    const y = b.value;
    if (x instanceof Dec && y instanceof Dec) return x.equals(y);
    return x === y;
  }
  return String(raw).trim() === value.trim();
}

/** A distinct incoming row: its key and, per given column, the domain text and the cell to write. */
export interface IncomingRow {
  readonly key: string;
  readonly values: ReadonlyMap<string, { readonly text: string; readonly cell: CellWrite }>;
}

export interface PreparedUpserts {
  /** One per distinct key, in order of first appearance. */
  readonly rows: readonly IncomingRow[];
  /** Input row i → index in `rows` (duplicate keys share one). */
  readonly itemOf: readonly number[];
  /** Columns some row gives a value for, schema order. */
  readonly givenColumns: readonly string[];
}

/**
 * Check and convert the rows before anything is written: every value must convert to a cell
 * (SHEET_VALUE_INVALID names the row and field), every row must have a key (SHEET_UPSERT_KEY_MISSING).
 * [decision] Rows repeating a key are merged, later values winning: one sheet row per key.
 * A column key outside the schema is a programming error (TypeError), as in planWrite.
 */
export function prepareUpserts(
  schema: SheetSchema,
  keyColumns: readonly string[],
  input: readonly UpsertRow[],
  sheetName: string
): Result<PreparedUpserts> {
  const byKey = new Map(schema.columns.map((c) => [c.key, c]));
  for (const k of keyColumns) {
    if (!byKey.has(k)) throw new TypeError(`${schema.kind}: key column "${k}" is not in the schema`);
  }
  const rows: Array<{ key: string; values: Map<string, { text: string; cell: CellWrite }> }> = [];
  const index = new Map<string, number>();
  const itemOf: number[] = [];
  const given = new Set<string>();
  for (let i = 0; i < input.length; i++) {
    const values = new Map<string, { text: string; cell: CellWrite }>();
    for (const [k, text] of Object.entries(input[i].values)) {
      if (text === undefined) continue;
      const col = byKey.get(k);
      if (!col) throw new TypeError(`${schema.kind}: "${k}" is not a column of the sheet`);
      const cell = cellForColumn(col, text, i + 1);
      if (!cell.ok) return cell;
      values.set(k, { text, cell: cell.value });
      given.add(k);
    }
    const key = rowKey(schema, keyColumns, (k) => values.get(k)?.text ?? null);
    if (key === null) {
      return fail("SHEET_UPSERT_KEY_MISSING", {
        row: i + 1,
        sheet: sheetName,
        fields: keyColumns.map((k) => byKey.get(k)?.header ?? k).join("、"),
      });
    }
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, rows.length);
      itemOf.push(rows.length);
      rows.push({ key, values });
    } else {
      itemOf.push(at);
      for (const [k, v] of values) rows[at].values.set(k, v);
    }
  }
  return ok({
    rows,
    itemOf,
    givenColumns: schema.columns.filter((c) => given.has(c.key)).map((c) => c.key),
  });
}

/** One sheet row's cells to write: absolute column → cell. */
export interface RowCells {
  readonly row: number;
  readonly cells: ReadonlyMap<number, CellWrite>;
}

export interface BlockChunk {
  /** Sheet rows of the chunk, ascending. */
  readonly rows: readonly number[];
  readonly blocks: readonly ValueBlock[];
  readonly estimatedBytes: number;
}

/** Bytes a row adds to a request: each cell's value and format with separators. */
function rowCellBytes(r: RowCells): number {
  let n = 16;
  for (const c of r.cells.values())
    n += jsonBytes(c.value) + (c.format === null ? 5 : jsonBytes(c.format)) + 2;
  return n;
}

/** Blocks of consecutive rows: per run of rows, one block per run of the columns that run writes. */
function cellBlocks(rows: readonly RowCells[]): ValueBlock[] {
  const blocks: ValueBlock[] = [];
  let i = 0;
  while (i < rows.length) {
    let j = i + 1;
    while (j < rows.length && rows[j].row === rows[j - 1].row + 1) j++;
    const run = rows.slice(i, j);
    const used = new Set<number>();
    for (const r of run) for (const c of r.cells.keys()) used.add(c);
    for (const colRun of toColumnRuns(used)) {
      let anyFormat = false;
      const values = run.map((r) =>
        Array.from({ length: colRun.count }, (_, k) => r.cells.get(colRun.start + k)?.value ?? null)
      );
      const formats = run.map((r) =>
        Array.from({ length: colRun.count }, (_, k) => {
          const f = r.cells.get(colRun.start + k)?.format ?? null;
          anyFormat ||= f !== null;
          return f;
        })
      );
      blocks.push({
        row: run[0].row,
        column: colRun.start,
        values,
        ...(anyFormat ? { numberFormat: formats } : {}),
      });
    }
    i = j;
  }
  return blocks;
}

/**
 * Chunks of rows to write, sheet order: a chunk closes at `maxRowsPerChunk` rows or when the next
 * row would push its estimate past the byte budget (a row starting a new run also pays for the
 * range calls of its blocks). Rows without cells are left out.
 */
export function planCellChunks(
  rows: readonly RowCells[],
  opts: {
    readonly maxRowsPerChunk?: number;
    readonly byteBudget?: number;
    /** What else a row adds to its request (e.g. its share of a table `rows.add`). */
    readonly rowExtraBytes?: (row: number) => number;
  } = {}
): BlockChunk[] {
  const maxRows = Math.max(1, Math.min(opts.maxRowsPerChunk ?? MAX_ROWS_PER_CHUNK, MAX_ROWS_PER_CHUNK));
  const budget = opts.byteBudget ?? REQUEST_BYTE_BUDGET;
  const sorted = rows.filter((r) => r.cells.size > 0).sort((a, b) => a.row - b.row);
  const chunks: BlockChunk[] = [];
  let current: RowCells[] = [];
  let bytes = 0;
  const close = () => {
    const blocks = cellBlocks(current);
    chunks.push({
      rows: current.map((r) => r.row),
      blocks,
      estimatedBytes: blocks.reduce(
        (n, b) =>
          n + 3 * OP_OVERHEAD_BYTES + jsonBytes(b.values) + (b.numberFormat ? jsonBytes(b.numberFormat) : 0),
        0
      ),
    });
    current = [];
    bytes = 0;
  };
  for (const r of sorted) {
    const previous = current[current.length - 1];
    const runs = toColumnRuns(r.cells.keys()).length;
    const cost =
      rowCellBytes(r) +
      (opts.rowExtraBytes?.(r.row) ?? 0) +
      (previous?.row === r.row - 1 ? 0 : 3 * OP_OVERHEAD_BYTES * runs);
    if (current.length > 0 && (current.length >= maxRows || bytes + cost > budget)) close();
    current.push(r);
    bytes += cost;
  }
  if (current.length > 0) close();
  return chunks;
}
