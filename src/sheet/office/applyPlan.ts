/* global Excel */
/**
 * Apply a bulk import's write-back plan (src/sheet/xlsx/plan.ts) to the open workbook, with the
 * meaning annotate.ts gives it on a file: the appended headers (失败原因, 申请批次号, 流水号 …), the
 * earlier marks of the planned rows cleared (our red fills and our notes; a user's note folded into
 * ours is put back), every bad cell filled #FFC7CE with a note, and our values written as text.
 *
 * Syncs: 2 to check the sheet and header and list notes/comments, 1 per 2,000 annotations to
 * locate them, then per chunk of rows 1 to scan fills (when marks are cleared) and 1 to write (more
 * only when a chunk's commands exceed the request budget), and 1 in `finally` (events back on).
 */
import { normalizeText } from "../../domain/parse";
import { fail, ok, type Result } from "../../domain/refusals";
import { packAddresses, quoteSheetName, cellAddress, toRowRuns, type RowRun } from "../address";
import type { AnnotationMode, ApplyPlanOptions, ApplyPlanSummary } from "../port";
import {
  FAILURE_FILL,
  MARK_PREFIX,
  MAX_ROWS_PER_CHUNK,
  OP_OVERHEAD_BYTES,
  cellKey,
  utf8Bytes,
  type ValueBlock,
} from "../writePlan";
import { isOurNote, notePrefixOf, type AnnotationPlan, type CellMark, type CellWrite } from "../xlsx/plan";
import {
  blockCommand,
  clearAreaFills,
  fillAreas,
  flushInBudget,
  suspendScreenUpdating,
  withEventsOff,
  type QueuedCommand,
} from "./batch";
import { annotationModeFor, type ExcelHost } from "./host";
import { LOCATE_BATCH, SCAN_CELL_BUDGET, scanRedCells } from "./write";

/** annotate.ts's separator between our message and the user's own note on the same cell. */
export const USER_NOTE_SEPARATOR = "\n——原批注：";

/** Widths (characters) of the columns an import appends, as annotate.ts sets them in a file. */
const APPENDED_WIDTH: Readonly<Record<string, number>> = { failureReason: 60, serialNo: 26, batchNo: 22 };
const DEFAULT_APPENDED_WIDTH = 18;

/** Excel's column width of `chars` characters in points (Calibri 11: 7 px a character + 5 px padding). */
export function charsToPoints(chars: number): number {
  return Math.round((chars * 7 + 5) * 0.75 * 100) / 100;
}

/** Our marks: the import's notes (引入校验： / 发票云：) and the pane's other write-backs (【红冲助手】). */
export function isOurAnnotation(text: string): boolean {
  return isOurNote(text) || text.startsWith(MARK_PREFIX);
}

/** The user's note an import folded into its own (restored when the mark is cleared), or null. */
export function foldedUserNote(text: string): string | null {
  if (!isOurNote(text)) return null;
  const i = text.indexOf(USER_NOTE_SEPARATOR);
  return i >= 0 ? text.slice(i + USER_NOTE_SEPARATOR.length) : null;
}

interface Existing {
  readonly item: Excel.Note | Excel.Comment;
  readonly kind: "note" | "comment";
  readonly text: string;
}

const cellText = (v: unknown): string => normalizeText(v) ?? "";

/** The header row as read, without trailing blanks. */
function trimmedHeader(cells: readonly unknown[]): string[] {
  const out = cells.map(cellText);
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out;
}

/** Column blocks of text writes: one n×1 block per run of rows in a column ("@" first, then values). */
function writeBlocks(writes: readonly CellWrite[]): ValueBlock[] {
  const byColumn = new Map<number, Map<number, string | null>>();
  for (const w of writes) {
    const col = byColumn.get(w.column) ?? new Map<number, string | null>();
    col.set(w.row, w.value);
    byColumn.set(w.column, col);
  }
  const blocks: ValueBlock[] = [];
  for (const [column, cells] of byColumn) {
    for (const run of toRowRuns(cells.keys())) {
      const rows = Array.from({ length: run.count }, (_, i) => run.start + i);
      blocks.push({
        row: run.start,
        column,
        // "" clears the cell; null in Office.js would leave it as it is.
        values: rows.map((r) => [cells.get(r) ?? ""]),
        numberFormat: rows.map(() => ["@"]),
      });
    }
  }
  return blocks;
}

/** Read the fills of the clear area of these rows → our red cells (no sync when there is nothing to scan). */
async function scanClearArea(
  context: Excel.RequestContext,
  sheet: Excel.Worksheet,
  runs: readonly RowRun[],
  columns: ReadonlySet<number>
): Promise<Array<{ row: number; column: number }>> {
  if (runs.length === 0 || columns.size === 0) return [];
  const c0 = Math.min(...columns);
  return scanRedCells(context, sheet, runs, { c0, width: Math.max(...columns) - c0 + 1, owned: columns });
}

/** Rows of a chunk, by the widest span scanned (the scan response stays within SCAN_CELL_BUDGET). */
function rowChunks(rows: readonly number[], clearColumns: ReadonlySet<number>): number[][] {
  const width = clearColumns.size === 0 ? 1 : Math.max(...clearColumns) - Math.min(...clearColumns) + 1;
  const size = Math.max(1, Math.min(MAX_ROWS_PER_CHUNK, Math.floor(SCAN_CELL_BUDGET / width)));
  const out: number[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

function groupByRow<T extends { row: number }>(items: readonly T[]): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const it of items) {
    const row = m.get(it.row);
    if (row) row.push(it);
    else m.set(it.row, [it]);
  }
  return m;
}

export async function applyImportPlan(
  host: ExcelHost,
  plan: AnnotationPlan,
  opts: ApplyPlanOptions = {}
): Promise<Result<ApplyPlanSummary>> {
  const mode: AnnotationMode = annotationModeFor(host.supports);
  const expected = opts.expectedHeader ? trimmedHeader(opts.expectedHeader) : null;
  return host.run((context) =>
    withEventsOff(context, async (): Promise<Result<ApplyPlanSummary>> => {
      const sheet = context.workbook.worksheets.getItemOrNullObject(plan.sheetName);
      sheet.load("name");
      await context.sync();
      if (sheet.isNullObject) return fail("SHEET_NOT_FOUND", { sheet: plan.sheetName });
      const header =
        expected && expected.length > 0
          ? sheet.getRangeByIndexes(plan.headerRow, 0, 1, expected.length)
          : null;
      header?.load("values");
      const touchesCells = plan.marks.length > 0 || plan.clearRows.length > 0;
      const notes = touchesCells && mode === "notes" ? sheet.notes.load("items/content") : null;
      const comments = touchesCells && mode !== "column" ? sheet.comments.load("items/content") : null;
      await context.sync();
      if (header && expected) {
        const now = header.values[0].map(cellText);
        if (expected.some((h, i) => now[i] !== h)) {
          return fail("SHEET_HEADER_CHANGED", { sheet: plan.sheetName, row: plan.headerRow + 1 });
        }
      }

      // Where every note/comment is: ours are cleared, a user's is kept (or folded into ours).
      const items: Array<{ item: Excel.Note | Excel.Comment; kind: "note" | "comment" }> = [
        ...(notes?.items ?? []).map((item) => ({ item, kind: "note" as const })),
        ...(comments?.items ?? []).map((item) => ({ item, kind: "comment" as const })),
      ];
      const existing = new Map<string, Existing>();
      for (let i = 0; i < items.length; i += LOCATE_BATCH) {
        const batch = items.slice(i, i + LOCATE_BATCH).map((a) => {
          const where = a.item.getLocation();
          where.load("rowIndex,columnIndex");
          return { ...a, where };
        });
        // One sync per 2,000 annotations, not per annotation.
        // eslint-disable-next-line office-addins/no-context-sync-in-loop
        await context.sync();
        for (const { item, kind, where } of batch) {
          existing.set(cellKey(where.rowIndex, where.columnIndex), { item, kind, text: item.content });
        }
      }

      const headerCommands: QueuedCommand[] = plan.addColumns.map((c) => ({
        bytes: 5 * OP_OVERHEAD_BYTES + utf8Bytes(c.header),
        queue: () => {
          const cell = sheet.getRangeByIndexes(plan.headerRow, c.column, 1, 1);
          cell.numberFormat = [["@"]];
          cell.values = [[c.header]];
          cell.format.font.bold = true;
          cell.format.columnWidth = charsToPoints(APPENDED_WIDTH[c.key] ?? DEFAULT_APPENDED_WIDTH);
        },
      }));

      const clearRows = new Set(plan.clearRows);
      const clearColumns = new Set(plan.clearColumns);
      const marksByRow = groupByRow(plan.marks);
      const writesByRow = groupByRow(plan.writes);
      const rows = Array.from(new Set([...plan.clearRows, ...marksByRow.keys(), ...writesByRow.keys()])).sort(
        (a, b) => a - b
      );
      const prefix = `${quoteSheetName(plan.sheetName)}!`;
      const annotate = (
        row: number,
        column: number,
        text: string,
        kind: "note" | "comment"
      ): QueuedCommand => ({
        bytes: OP_OVERHEAD_BYTES + prefix.length + utf8Bytes(text) + 8,
        queue: () => {
          const address = prefix + cellAddress(row, column);
          if (kind === "note") context.workbook.notes.add(address, text);
          else context.workbook.comments.add(address, text);
        },
      });
      const remove = (e: Existing): QueuedCommand => ({
        bytes: OP_OVERHEAD_BYTES,
        queue: () => e.item.delete(),
      });

      let cellsMarked = 0;
      let marksCleared = 0;
      let cellsWritten = 0;
      let done = 0;
      let cancelled = false;
      const chunks = rowChunks(rows, clearColumns);
      if (chunks.length === 0) chunks.push([]);
      for (const [n, chunk] of chunks.entries()) {
        if (opts.signal?.aborted) {
          cancelled = true;
          break;
        }
        const red = await scanClearArea(
          context,
          sheet,
          toRowRuns(chunk.filter((r) => clearRows.has(r))),
          clearColumns
        );
        const marks: CellMark[] = chunk.flatMap((r) => marksByRow.get(r) ?? []);
        const markAt = new Map(marks.map((m) => [cellKey(m.row, m.column), m]));
        const annotationCommands: QueuedCommand[] = [];
        // Cells whose earlier mark (fill or note) is gone, not marked again.
        const cleared = new Set(red.map((c) => cellKey(c.row, c.column)).filter((k) => !markAt.has(k)));
        // Cells whose annotation changes: our old ones in the cleared area, and every marked cell.
        const cells = new Map<string, { row: number; column: number }>();
        for (const r of chunk) {
          if (!clearRows.has(r)) continue;
          for (const c of clearColumns) {
            const e = existing.get(cellKey(r, c));
            if (e && isOurAnnotation(e.text)) cells.set(cellKey(r, c), { row: r, column: c });
          }
        }
        for (const m of marks) cells.set(cellKey(m.row, m.column), m);
        for (const [key, { row, column }] of cells) {
          const e = existing.get(key);
          const mark = markAt.get(key);
          let userNote: string | null = null;
          if (e && isOurAnnotation(e.text)) {
            annotationCommands.push(remove(e));
            if (!mark) cleared.add(key);
            userNote = foldedUserNote(e.text);
          }
          if (!mark) {
            // Only our mark goes: the user's own note comes back as it was.
            if (userNote !== null && mode !== "column") {
              annotationCommands.push(annotate(row, column, userNote, mode === "notes" ? "note" : "comment"));
            }
            continue;
          }
          if (mode === "column") continue;
          if (e && !isOurAnnotation(e.text)) {
            // A user's comment thread is never touched (the message is in 失败原因); a user's note is
            // folded into ours, like annotate.ts does in a file, and restored on the next run.
            if (e.kind === "comment" || mode === "comments") continue;
            annotationCommands.push(remove(e));
            userNote = e.text;
          }
          const text = notePrefixOf(mark) + mark.message + (userNote ? USER_NOTE_SEPARATOR + userNote : "");
          annotationCommands.push(annotate(row, column, text, mode === "notes" ? "note" : "comment"));
        }
        const redMarks = packAddresses(marks);
        const writes = chunk.flatMap((r) => writesByRow.get(r) ?? []);
        if (n === 0) suspendScreenUpdating(context, host);
        await flushInBudget(context, [
          ...(n === 0 ? headerCommands : []),
          ...packAddresses(red).map((a) => ({
            bytes: 3 * OP_OVERHEAD_BYTES + a.length,
            queue: () => clearAreaFills(sheet, [a]),
          })),
          ...annotationCommands,
          ...redMarks.map((a) => ({
            bytes: 3 * OP_OVERHEAD_BYTES + a.length,
            queue: () => fillAreas(sheet, [a], FAILURE_FILL),
          })),
          ...writeBlocks(writes).map((b) => blockCommand(sheet, b)),
        ]);
        marksCleared += cleared.size;
        cellsMarked += marks.length;
        cellsWritten += writes.length;
        done += chunk.length;
        opts.onProgress?.({ phase: "write", done, total: rows.length });
      }
      return ok({
        sheetName: plan.sheetName,
        appendedColumns: plan.addColumns.map((c) => c.header),
        cellsMarked,
        marksCleared,
        cellsWritten,
        annotationMode: mode,
        cancelled,
      });
    })
  );
}
