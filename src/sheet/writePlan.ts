/**
 * The write-back plan, host-independent: which 2-D blocks of result values to write, which cells
 * to fill red, which notes to add, split into chunks that each fit one request. The Office adapter
 * executes a chunk per `context.sync()`; tests check the plan without any host.
 */
import { cellAddress, packAddresses, toColumnRuns, toRowRuns, type RowRun } from "./address";
import type { AnnotationMode, RowWriteBack } from "./port";
import type { ColumnSpec, SheetSchema } from "./schemas";

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
