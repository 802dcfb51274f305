/**
 * Going to what a run reported (issue 13 §7): select the cell an error names, and show only the
 * rows a run failed or skipped with the sheet's own AutoFilter on 处理状态 (so Excel's 清除筛选 undoes it).
 * Constant syncs whatever the sheet's size: 2 to select, 3 to filter.
 */
import { fail, ok, type Result } from "../../domain/refusals";
import { matchHeader } from "../mapping";
import type { FilterSummary, SheetLayout } from "../port";
import { PROCESS_STATUS, schemaOf, type SheetKind } from "../schemas";
import type { ExcelHost } from "./host";

/** Worksheet.autoFilter and Table.autoFilter are ExcelApi 1.9. */
export const AUTOFILTER_SET = { set: "ExcelApi", version: "1.9" } as const;

/**
 * The rows that need the clerk: 处理状态 beginning with 失败 (sent and refused) or 已跳过 (refused by
 * the pre-flight, or not sent after 停止) — the pane may add what it folded in after the status
 * (“失败（…）”), and Excel's custom criteria take the wildcard.
 */
export const FAILED_CRITERIA = {
  filterOn: "Custom",
  criterion1: `=${PROCESS_STATUS.failure}*`,
  operator: "Or",
  criterion2: `=${PROCESS_STATUS.skipped}*`,
} as const;

export async function selectCell(
  host: ExcelHost,
  sheetName: string,
  row: number,
  column: number
): Promise<Result<void>> {
  return host.run(async (context) => {
    const sheet = context.workbook.worksheets.getItemOrNullObject(sheetName);
    sheet.load("name");
    await context.sync();
    if (sheet.isNullObject) return fail("SHEET_NOT_FOUND", { sheet: sheetName });
    // Range.select acts on the active sheet: activate first (the error may be on another sheet).
    sheet.activate();
    sheet.getRangeByIndexes(row, Math.max(0, column), 1, 1).select();
    await context.sync();
    return ok(undefined);
  });
}

/**
 * `on`: filter the sheet's (or its table's) 处理状态 column to 失败…, the header row and the data
 * below it in the filter's range; off: clear the criteria (every row shown again, hidden-by-hand rows
 * stay hidden). The header is read again: the run may have appended 处理状态 after the selection
 * was read.
 */
export async function filterFailedRows(
  host: ExcelHost,
  kind: SheetKind,
  layout: SheetLayout,
  on: boolean
): Promise<Result<FilterSummary>> {
  if (!host.supports(AUTOFILTER_SET.set, AUTOFILTER_SET.version)) return fail("SHEET_FILTER_UNSUPPORTED");
  return host.run(async (context): Promise<Result<FilterSummary>> => {
    const sheet = context.workbook.worksheets.getItemOrNullObject(layout.sheetName);
    sheet.load("name");
    await context.sync();
    if (sheet.isNullObject) return fail("SHEET_NOT_FOUND", { sheet: layout.sheetName });
    const header = sheet
      .getRangeByIndexes(layout.headerRowIndex, 0, 1, 1)
      .getEntireRow()
      .getUsedRangeOrNullObject(true);
    header.load("values,columnIndex");
    const used = sheet.getUsedRangeOrNullObject(true);
    used.load("rowIndex,rowCount");
    const table = layout.tableName === null ? null : sheet.tables.getItemOrNullObject(layout.tableName);
    const tableRange = table?.getRange();
    tableRange?.load("columnIndex,columnCount");
    table?.load("name");
    await context.sync();
    if (header.isNullObject || used.isNullObject || (table !== null && table.isNullObject))
      return fail("SHEET_HEADER_CHANGED", { sheet: layout.sheetName, row: layout.headerRowIndex + 1 });
    const match = matchHeader(schemaOf(kind), header.values[0], header.columnIndex);
    const status = match.columns.processStatus;
    if (status === undefined) return fail("SHEET_NO_STATUS_COLUMN", { sheet: layout.sheetName });

    const filter = table ? table.autoFilter : sheet.autoFilter;
    if (!on) {
      filter.clearCriteria();
      await context.sync();
      return ok({ sheetName: layout.sheetName, filtered: false });
    }
    if (table && tableRange) {
      filter.apply(tableRange, status - tableRange.columnIndex, FAILED_CRITERIA);
    } else {
      const c0 = header.columnIndex;
      const c1 = Math.max(match.lastColumn, status);
      const lastRow = used.rowIndex + used.rowCount - 1;
      const range = sheet.getRangeByIndexes(
        layout.headerRowIndex,
        c0,
        Math.max(1, lastRow - layout.headerRowIndex + 1),
        c1 - c0 + 1
      );
      filter.apply(range, status - c0, FAILED_CRITERIA);
    }
    sheet.activate();
    await context.sync();
    return ok({ sheetName: layout.sheetName, filtered: true });
  });
}
