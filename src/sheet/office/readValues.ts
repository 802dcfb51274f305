/**
 * The used range of a sheet as plain values from A1 — what the bulk import's rules
 * (src/sheet/xlsx/core.ts `validateSheetData`) take, the same block exceljs gives the CLI — with
 * the facts they check: merged cells near the header, hidden rows, and (on request) the rows the
 * selection touches. Syncs: 1 to size the sheet (2 for a named one), 1 per chunk of rows.
 */
import { fail, ok, type Result } from "../../domain/refusals";
import { mergeRuns, type Rect } from "../address";
import type { ReadValuesOptions, SheetValuesRead } from "../port";
import { MAX_ROWS_PER_CHUNK } from "../writePlan";
import { HEADER_SEARCH_ROWS } from "../xlsx/limits";
import type { ExcelHost } from "./host";
import { READ_CELL_BUDGET } from "./read";

/** getMergedAreasOrNullObject is ExcelApi 1.13; without it merged headers are not detected. */
export const MERGED_AREAS_SET = { set: "ExcelApi", version: "1.13" } as const;

const rectOf = (r: {
  rowIndex: number;
  columnIndex: number;
  rowCount: number;
  columnCount: number;
}): Rect => ({
  row: r.rowIndex,
  column: r.columnIndex,
  rows: r.rowCount,
  columns: r.columnCount,
});

/** A method the proxy class defines (a feature check, not a property read of the Excel object). */
function hasMethod(proxy: object, name: string): boolean {
  return typeof (proxy as Record<string, unknown>)[name] === "function";
}

export async function readValues(
  host: ExcelHost,
  opts: ReadValuesOptions = {}
): Promise<Result<SheetValuesRead>> {
  return host.run(async (context) => {
    const sheets = context.workbook.worksheets;
    const sheet =
      opts.sheetName === undefined ? sheets.getActiveWorksheet() : sheets.getItemOrNullObject(opts.sheetName);
    sheet.load("name");
    if (opts.sheetName !== undefined) {
      // A named sheet may be gone: nothing may be asked of a null object.
      await context.sync();
      if (sheet.isNullObject) return fail("SHEET_NOT_FOUND", { sheet: opts.sheetName });
    }
    const used = sheet.getUsedRangeOrNullObject(true);
    used.load("rowIndex,columnIndex,rowCount,columnCount");
    const areas = opts.selectionOnly ? context.workbook.getSelectedRanges().areas : null;
    areas?.load("items/rowIndex,items/columnIndex,items/rowCount,items/columnCount");
    // The top of the sheet, where the header is looked for: its merged areas (validateGrid refuses
    // a merged header, as the CLI does).
    const top = sheet.getRangeByIndexes(0, 0, HEADER_SEARCH_ROWS, 1).getEntireRow();
    // Feature-checked as well: an office.js build (or a test double) without the method must not
    // break the read; merged headers then go undetected and the header match decides alone.
    const merged =
      host.supports(MERGED_AREAS_SET.set, MERGED_AREAS_SET.version) &&
      hasMethod(top, "getMergedAreasOrNullObject")
        ? top.getMergedAreasOrNullObject()
        : null;
    merged?.load("areaCount");
    merged?.areas.load("items/rowIndex,items/columnIndex,items/rowCount,items/columnCount");
    await context.sync();

    const sheetName = sheet.name;
    const merges = merged && !merged.isNullObject ? merged.areas.items.map(rectOf) : [];
    if (used.isNullObject) {
      return ok({ sheetName, values: [], merges, hiddenRows: [], selectedRows: areas ? [] : null });
    }
    const u = rectOf(used);
    const lastRow = u.row + u.rows - 1;
    // [decision] The header is within the first HEADER_SEARCH_ROWS rows, so a used range reaching
    // further than that plus the limit has too many data rows whatever the header row is.
    if (opts.maxRows !== undefined && lastRow + 1 - HEADER_SEARCH_ROWS > opts.maxRows) {
      return fail("FILE_TOO_MANY_ROWS", { sheet: sheetName, rows: lastRow, limit: opts.maxRows });
    }

    const values: unknown[][] = Array.from({ length: u.row }, () => []);
    const hiddenRows: number[] = [];
    const pad: unknown[] = Array.from({ length: u.column }, () => "");
    const rowsPerChunk = Math.max(1, Math.min(MAX_ROWS_PER_CHUNK, Math.floor(READ_CELL_BUDGET / u.columns)));
    for (let start = u.row; start <= lastRow; start += rowsPerChunk) {
      if (opts.signal?.aborted) return fail("SHEET_CANCELLED");
      const count = Math.min(rowsPerChunk, lastRow + 1 - start);
      const range = sheet.getRangeByIndexes(start, u.column, count, u.columns);
      range.load("values");
      const props = range.getRowProperties({ rowHidden: true });
      // One sync per chunk of up to 5,000 rows.
      // eslint-disable-next-line office-addins/no-context-sync-in-loop
      await context.sync();
      range.values.forEach((cells) => values.push(u.column === 0 ? cells : [...pad, ...cells]));
      props.value.forEach((p, i) => {
        if (p.rowHidden) hiddenRows.push(start + i);
      });
      opts.onProgress?.({ phase: "read", done: start + count - u.row, total: u.rows });
    }

    let selectedRows: number[] | null = null;
    if (areas) {
      const runs = mergeRuns(
        areas.items.map(rectOf).flatMap((a) => {
          const s = Math.max(a.row, u.row);
          const e = Math.min(a.row + a.rows, lastRow + 1);
          return e > s ? [{ start: s, count: e - s }] : [];
        })
      );
      selectedRows = runs.flatMap((r) => Array.from({ length: r.count }, (_, i) => r.start + i));
    }
    return ok({ sheetName, values, merges, hiddenRows, selectedRows });
  });
}
