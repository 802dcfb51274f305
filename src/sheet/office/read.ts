/* global Excel */
/**
 * Read the selected rows of the active sheet: all areas of a multi-area selection, whole columns
 * clipped to the used range, hidden and filtered rows skipped, header taken from the Excel table
 * the selection is in, else the best header row at the top of the used range.
 * Syncs: 2 to locate the data, then 1 per chunk of rows.
 */
import { fail, ok, type Result } from "../../domain/refusals";
import { chunkRuns, intersect, mergeRuns, type Rect, type RowRun } from "../address";
import { findHeaderRow, matchHeader, parseBlock, type ParsedRow } from "../mapping";
import type { RunOptions, SelectionRead, SheetLayout } from "../port";
import { schemaOf, type SheetKind } from "../schemas";
import { MAX_ROWS_PER_CHUNK } from "../writePlan";
import type { ExcelHost } from "./host";

/** [decision] The header of a plain range is looked for in the first rows of the used range. */
export const HEADER_SCAN_ROWS = 20;
/** Headers further right than this are not looked at (a sheet with 1,000+ columns is not ours). */
export const HEADER_SCAN_COLUMNS = 1_024;
/**
 * Cells per read request: ~100k cells stay around 2 MB of response (Excel on the web: 5 MB),
 * so a chunk is min(5,000 rows, this ÷ columns read).
 */
export const READ_CELL_BUDGET = 100_000;

const rectOf = (r: Excel.Range): Rect => ({
  row: r.rowIndex,
  column: r.columnIndex,
  rows: r.rowCount,
  columns: r.columnCount,
});

export async function readSelection(
  host: ExcelHost,
  kind: SheetKind,
  opts: RunOptions = {}
): Promise<Result<SelectionRead>> {
  const schema = schemaOf(kind);
  return host.run(async (context) => {
    const sheet = context.workbook.worksheets.getActiveWorksheet();
    sheet.load("name");
    const areas = context.workbook.getSelectedRanges().areas;
    areas.load("items/rowIndex,items/columnIndex,items/rowCount,items/columnCount");
    const used = sheet.getUsedRangeOrNullObject(true);
    used.load("rowIndex,columnIndex,rowCount,columnCount");
    const tables = sheet.tables.load("items/name,items/showTotals");
    await context.sync();

    const selection = areas.items.map(rectOf);
    if (selection.length === 0) return fail("SHEET_NO_SELECTION");
    const required = schema.columns.filter((c) => c.required && !c.result).map((c) => c.header);
    const headerNotFound = () =>
      fail<SelectionRead>("SHEET_HEADER_NOT_FOUND", {
        sheet: sheet.name,
        kind: schema.title,
        required: required.join("、"),
      });
    if (used.isNullObject) return headerNotFound();
    const usedRect = rectOf(used);

    // Second round trip: bounds and header of every table, and the top of the used range.
    const tableParts = tables.items.map((t) => {
      const range = t.getRange();
      range.load("rowIndex,columnIndex,rowCount,columnCount");
      const header = t.getHeaderRowRange();
      header.load("values");
      return { table: t, range, header };
    });
    const scan = sheet.getRangeByIndexes(
      usedRect.row,
      usedRect.column,
      Math.min(HEADER_SCAN_ROWS, usedRect.rows),
      Math.min(HEADER_SCAN_COLUMNS, usedRect.columns)
    );
    scan.load("values");
    await context.sync();

    const touched = tableParts.filter((p) => selection.some((a) => intersect(a, rectOf(p.range))));
    if (touched.length > 1) {
      return fail("SHEET_MULTIPLE_TABLES", { tables: touched.map((p) => p.table.name).join("、") });
    }

    let headerRowIndex: number;
    let firstColumn: number;
    let headerCells: readonly unknown[];
    let data: Rect;
    let areasInData: Rect[];
    let tableName: string | null = null;
    if (touched.length === 1) {
      const t = touched[0];
      const tr = rectOf(t.range);
      tableName = t.table.name;
      headerRowIndex = tr.row;
      firstColumn = tr.column;
      headerCells = t.header.values[0];
      data = {
        row: tr.row + 1,
        column: tr.column,
        rows: tr.rows - 1 - (t.table.showTotals ? 1 : 0),
        columns: tr.columns,
      };
      // Areas outside the table are not part of this run.
      areasInData = selection.filter((a) => intersect(a, tr));
    } else {
      const idx = findHeaderRow(schema, scan.values);
      if (idx < 0) return headerNotFound();
      headerRowIndex = usedRect.row + idx;
      firstColumn = usedRect.column;
      headerCells = scan.values[idx];
      data = {
        row: headerRowIndex + 1,
        column: usedRect.column,
        rows: usedRect.row + usedRect.rows - headerRowIndex - 1,
        columns: usedRect.columns,
      };
      areasInData = selection;
    }

    const header = matchHeader(schema, headerCells, firstColumn);
    if (header.missingRequired.length > 0) {
      return fail("SHEET_REQUIRED_COLUMNS_MISSING", {
        sheet: sheet.name,
        columns: header.missingRequired.map((c) => c.header).join("、"),
      });
    }
    const layout: SheetLayout = {
      sheetName: sheet.name,
      tableName,
      headerRowIndex,
      columns: header.columns,
      extraColumns: header.extras,
      missingResultColumns: header.missingResult.map((c) => c.key),
    };

    // Rows: the union of the areas' rows, clipped to the data rows (whole columns end at the used range).
    const runs: RowRun[] = mergeRuns(
      areasInData.flatMap((a) => {
        const start = Math.max(a.row, data.row);
        const end = Math.min(a.row + a.rows, data.row + data.rows);
        return end > start ? [{ start, count: end - start }] : [];
      })
    );
    const total = runs.reduce((n, r) => n + r.count, 0);
    if (total === 0) return fail("SHEET_NO_DATA_ROWS");

    const mapped = Object.values(header.columns);
    const c0 = Math.min(...mapped);
    const width = Math.max(...mapped) - c0 + 1;
    const rowsPerChunk = Math.max(1, Math.min(MAX_ROWS_PER_CHUNK, Math.floor(READ_CELL_BUDGET / width)));

    const rows: ParsedRow[] = [];
    let hidden = 0;
    let blank = 0;
    let done = 0;
    for (const chunk of chunkRuns(runs, rowsPerChunk)) {
      if (opts.signal?.aborted) return fail("SHEET_CANCELLED");
      const reads = chunk.map((run) => {
        const range = sheet.getRangeByIndexes(run.start, c0, run.count, width);
        range.load("values");
        // One call per run gives every row's hidden flag (filters hide rows too).
        const props = range.getRowProperties({ rowHidden: true });
        return { run, range, props };
      });
      // One sync per chunk of up to 5,000 rows.
      // eslint-disable-next-line office-addins/no-context-sync-in-loop
      await context.sync();
      for (const { run, range, props } of reads) {
        const visible: unknown[][] = [];
        const rowIndexes: number[] = [];
        props.value.forEach((p, i) => {
          if (p.rowHidden) hidden++;
          else {
            visible.push(range.values[i]);
            rowIndexes.push(run.start + i);
          }
        });
        const parsed = parseBlock(schema, header, {
          values: visible,
          rowIndexes,
          firstColumn: c0,
          sheetName: sheet.name,
        });
        rows.push(...parsed.rows);
        blank += parsed.blankRows.length;
        done += run.count;
      }
      opts.onProgress?.({ phase: "read", done, total });
    }
    if (rows.length === 0) return fail("SHEET_NO_DATA_ROWS");
    return ok({ kind, layout, rows, hiddenRowsSkipped: hidden, blankRowsSkipped: blank });
  });
}
