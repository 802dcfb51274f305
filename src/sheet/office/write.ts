/* global Excel */
/**
 * Write results back and mark bad cells, and clear the marks of a previous run.
 * Syncs per run: 2 to check the sheet and header and list existing notes/comments, 1 per 2,000
 * annotations to locate them (usually 0–1), then per chunk of rows: 1 to scan fills (when clearing)
 * and 1 to clear + write (more only if a chunk's commands exceed the request budget), and 1 in
 * `finally` to switch events back on.
 */
import { fail, ok, type Result } from "../../domain/refusals";
import { chunkRuns, packAddresses, quoteSheetName, toRowRuns, type RowRun } from "../address";
import { matchHeader } from "../mapping";
import type {
  AnnotationMode,
  ClearSummary,
  RunOptions,
  RowWriteBack,
  SheetLayout,
  WriteOptions,
  WriteSummary,
} from "../port";
import { schemaOf, type SheetKind, type SheetSchema } from "../schemas";
import {
  FAILURE_FILL,
  MARK_PREFIX,
  MAX_ROWS_PER_CHUNK,
  OP_OVERHEAD_BYTES,
  cellKey,
  planWrite,
  utf8Bytes,
  type WriteChunk,
} from "../writePlan";
import {
  clearAreaFills,
  fillAreas,
  flushInBudget,
  suspendScreenUpdating,
  withEventsOff,
  type QueuedCommand,
} from "./batch";
import { annotationModeFor, type ExcelHost } from "./host";

/**
 * Cells whose fill we read per request when clearing: getCellProperties answers ~40 bytes a cell,
 * so 60k cells stay near 2.4 MB of response. Chunks shrink to min(5,000, this ÷ columns).
 */
export const SCAN_CELL_BUDGET = 60_000;
/** Notes/comments located per request (one getLocation proxy each). */
export const LOCATE_BATCH = 2_000;

/** A note or comment already on the sheet. */
interface ExistingAnnotation {
  readonly item: Excel.Note | Excel.Comment;
  readonly row: number;
  readonly column: number;
  readonly ours: boolean;
}

interface Prepared {
  readonly sheet: Excel.Worksheet;
  /** Column key → sheet column, after appending missing result columns. */
  readonly columns: Record<string, number>;
  readonly appended: string[];
  readonly existing: ExistingAnnotation[];
}

/**
 * Check the sheet and its header against the layout of the read, queue the missing result headers,
 * and locate existing notes/comments.
 */
async function prepare(
  context: Excel.RequestContext,
  schema: SheetSchema,
  layout: SheetLayout,
  mode: AnnotationMode,
  appendMissing: boolean
): Promise<Result<Prepared>> {
  const sheet = context.workbook.worksheets.getItemOrNullObject(layout.sheetName);
  sheet.load("name");
  await context.sync();
  if (sheet.isNullObject) return fail("SHEET_NOT_FOUND", { sheet: layout.sheetName });

  // The header row as it is now (entire row, so moved or inserted columns are seen).
  const headerRange = sheet
    .getRangeByIndexes(layout.headerRowIndex, 0, 1, 1)
    .getEntireRow()
    .getUsedRangeOrNullObject(true);
  headerRange.load("values,columnIndex");
  const table = layout.tableName === null ? null : sheet.tables.getItemOrNullObject(layout.tableName);
  table?.load("name");
  // Comments exist from 1.10; in notes mode we still look for our comments of a run on another client.
  const notes = mode === "notes" ? sheet.notes.load("items/content") : null;
  const comments = mode !== "column" ? sheet.comments.load("items/content") : null;
  await context.sync();

  const changed = () =>
    fail<Prepared>("SHEET_HEADER_CHANGED", { sheet: layout.sheetName, row: layout.headerRowIndex + 1 });
  if (headerRange.isNullObject || (table !== null && table.isNullObject)) return changed();
  const header = matchHeader(schema, headerRange.values[0], headerRange.columnIndex);
  for (const [k, column] of Object.entries(layout.columns)) {
    if (header.columns[k] !== column) return changed();
  }

  const columns: Record<string, number> = { ...header.columns };
  const appended: string[] = [];
  if (appendMissing && header.missingResult.length > 0) {
    let start = header.lastColumn + 1;
    if (table) {
      const tableRange = table.getRange();
      tableRange.load("columnIndex,columnCount");
      await context.sync();
      start = tableRange.columnIndex + tableRange.columnCount;
    }
    header.missingResult.forEach((c, i) => {
      columns[c.key] = start + i;
      appended.push(c.header);
    });
    if (table) {
      // Table columns grow the table (and shift cells right of it), keeping it one table.
      for (const c of header.missingResult) table.columns.add(undefined, undefined, c.header);
    } else {
      const cells = sheet.getRangeByIndexes(layout.headerRowIndex, start, 1, appended.length);
      cells.numberFormat = [appended.map(() => "@")];
      cells.values = [appended];
      cells.format.font.bold = true;
    }
  }

  const items: Array<Excel.Note | Excel.Comment> = [...(notes?.items ?? []), ...(comments?.items ?? [])];
  const existing: ExistingAnnotation[] = [];
  for (let i = 0; i < items.length; i += LOCATE_BATCH) {
    const batch = items.slice(i, i + LOCATE_BATCH).map((item) => {
      const where = item.getLocation();
      where.load("rowIndex,columnIndex");
      return { item, where };
    });
    // One sync per 2,000 annotations, not per annotation.
    // eslint-disable-next-line office-addins/no-context-sync-in-loop
    await context.sync();
    for (const { item, where } of batch) {
      existing.push({
        item,
        row: where.rowIndex,
        column: where.columnIndex,
        ours: item.content.startsWith(MARK_PREFIX),
      });
    }
  }
  return ok({ sheet, columns, appended, existing });
}

/** Columns whose fills we may reset: the schema's columns as found (never the user's extra columns). */
function scanSpan(columns: Readonly<Record<string, number>>): {
  c0: number;
  width: number;
  owned: Set<number>;
} {
  const owned = new Set(Object.values(columns));
  const c0 = Math.min(...owned);
  return { c0, width: Math.max(...owned) - c0 + 1, owned };
}

/** Rows per chunk when fills are scanned: the scan response must stay within SCAN_CELL_BUDGET. */
function rowsPerScannedChunk(width: number): number {
  return Math.max(1, Math.min(MAX_ROWS_PER_CHUNK, Math.floor(SCAN_CELL_BUDGET / width)));
}

/**
 * Read the fills of the chunk's rows (one getCellProperties per run, one sync) → our red cells
 * (those in `span.owned`). Shared with applyPlan.ts.
 */
export async function scanRedCells(
  context: Excel.RequestContext,
  sheet: Excel.Worksheet,
  runs: readonly RowRun[],
  span: { c0: number; width: number; owned: ReadonlySet<number> }
): Promise<Array<{ row: number; column: number }>> {
  const scans = runs.map((run) => ({
    run,
    props: sheet
      .getRangeByIndexes(run.start, span.c0, run.count, span.width)
      .getCellProperties({ format: { fill: { color: true } } }),
  }));
  await context.sync();
  const red: Array<{ row: number; column: number }> = [];
  for (const { run, props } of scans) {
    props.value.forEach((cells, i) =>
      cells.forEach((cell, j) => {
        const column = span.c0 + j;
        if (span.owned.has(column) && cell.format?.fill?.color?.toUpperCase() === FAILURE_FILL) {
          red.push({ row: run.start + i, column });
        }
      })
    );
  }
  return red;
}

/** Commands removing previous marks: fills reset, our notes/comments deleted. */
function clearCommands(
  sheet: Excel.Worksheet,
  red: ReadonlyArray<{ row: number; column: number }>,
  ours: readonly ExistingAnnotation[]
): QueuedCommand[] {
  return [
    ...packAddresses(red).map((a) => ({
      bytes: 3 * OP_OVERHEAD_BYTES + a.length,
      queue: () => clearAreaFills(sheet, [a]),
    })),
    ...ours.map((a) => ({ bytes: OP_OVERHEAD_BYTES, queue: () => a.item.delete() })),
  ];
}

/** Commands of one planned chunk: values blocks, red fills, notes or comments. */
function writeCommands(
  context: Excel.RequestContext,
  sheet: Excel.Worksheet,
  sheetName: string,
  chunk: WriteChunk,
  mode: AnnotationMode
): QueuedCommand[] {
  const commands: QueuedCommand[] = [];
  for (const b of chunk.blocks) {
    commands.push({
      bytes:
        3 * OP_OVERHEAD_BYTES +
        utf8Bytes(JSON.stringify(b.values)) +
        (b.numberFormat ? utf8Bytes(JSON.stringify(b.numberFormat)) : 0),
      queue: () => {
        const range = sheet.getRangeByIndexes(b.row, b.column, b.values.length, b.values[0].length);
        // Text format first, so 红票号码 keeps its leading zeros and "-…" stays text.
        if (b.numberFormat) range.numberFormat = b.numberFormat;
        range.values = b.values;
      },
    });
  }
  for (const a of chunk.markAddresses) {
    commands.push({
      bytes: 3 * OP_OVERHEAD_BYTES + a.length,
      queue: () => fillAreas(sheet, [a], FAILURE_FILL),
    });
  }
  const prefix = `${quoteSheetName(sheetName)}!`;
  for (const a of chunk.annotations) {
    commands.push({
      bytes: OP_OVERHEAD_BYTES + utf8Bytes(a.text) + prefix.length + a.address.length,
      queue: () => {
        if (mode === "notes") context.workbook.notes.add(prefix + a.address, a.text);
        else context.workbook.comments.add(prefix + a.address, a.text);
      },
    });
  }
  return commands;
}

export async function writeResults(
  host: ExcelHost,
  kind: SheetKind,
  results: readonly RowWriteBack[],
  opts: WriteOptions
): Promise<Result<WriteSummary>> {
  const schema = schemaOf(kind);
  const mode = annotationModeFor(host.supports);
  const clearPrevious = opts.clearPrevious ?? true;
  return host.run((context) =>
    withEventsOff(context, async (): Promise<Result<WriteSummary>> => {
      const prep = await prepare(context, schema, opts.layout, mode, true);
      if (!prep.ok) return prep;
      const { sheet, columns, appended, existing } = prep.value;
      const rerun = new Set(results.map((r) => r.rowIndex));
      // Cells we cannot annotate: someone else's note/comment, or ours on rows we are not re-running.
      const occupied = new Set(
        existing
          .filter((a) => !a.ours || !clearPrevious || !rerun.has(a.row))
          .map((a) => cellKey(a.row, a.column))
      );
      const span = scanSpan(columns);
      const chunks = planWrite(schema, columns, results, {
        mode,
        occupied,
        maxRowsPerChunk: clearPrevious ? rowsPerScannedChunk(span.width) : MAX_ROWS_PER_CHUNK,
      });

      let rowsWritten = 0;
      let cellsMarked = 0;
      let marksCleared = 0;
      let cancelled = false;
      const total = results.length;
      for (const chunk of chunks) {
        if (opts.signal?.aborted) {
          cancelled = true;
          break;
        }
        let clear: QueuedCommand[] = [];
        if (clearPrevious) {
          const inChunk = new Set(chunk.rows);
          const red = await scanRedCells(context, sheet, chunk.rowRuns, span);
          const ours = existing.filter((a) => a.ours && inChunk.has(a.row));
          clear = clearCommands(sheet, red, ours);
          marksCleared += red.length + ours.length;
        }
        if (chunk === chunks[0]) suspendScreenUpdating(context, host);
        await flushInBudget(context, [
          ...clear,
          ...writeCommands(context, sheet, opts.layout.sheetName, chunk, mode),
        ]);
        rowsWritten += chunk.rows.length;
        cellsMarked += chunk.cellsMarked;
        opts.onProgress?.({ phase: "write", done: rowsWritten, total });
      }
      return ok({
        rowsWritten,
        cellsMarked,
        annotationMode: mode,
        appendedColumns: appended,
        marksCleared,
        cancelled,
      });
    })
  );
}

export async function clearMarks(
  host: ExcelHost,
  kind: SheetKind,
  rowIndexes: readonly number[],
  opts: RunOptions & { readonly layout: SheetLayout }
): Promise<Result<ClearSummary>> {
  const schema = schemaOf(kind);
  const mode = annotationModeFor(host.supports);
  return host.run((context) =>
    withEventsOff(context, async (): Promise<Result<ClearSummary>> => {
      const prep = await prepare(context, schema, opts.layout, mode, false);
      if (!prep.ok) return prep;
      const { sheet, columns, existing } = prep.value;
      const span = scanSpan(columns);
      const runs = toRowRuns(rowIndexes);
      const total = rowIndexes.length;
      let done = 0;
      let marksCleared = 0;
      for (const chunk of chunkRuns(runs, rowsPerScannedChunk(span.width))) {
        if (opts.signal?.aborted) return ok({ marksCleared, cancelled: true });
        const rows = new Set(chunk.flatMap((r) => Array.from({ length: r.count }, (_, i) => r.start + i)));
        const red = await scanRedCells(context, sheet, chunk, span);
        const ours = existing.filter((a) => a.ours && rows.has(a.row));
        if (done === 0) suspendScreenUpdating(context, host);
        await flushInBudget(context, clearCommands(sheet, red, ours));
        marksCleared += red.length + ours.length;
        done += rows.size;
        opts.onProgress?.({ phase: "clear", done, total });
      }
      return ok({ marksCleared, cancelled: false });
    })
  );
}
