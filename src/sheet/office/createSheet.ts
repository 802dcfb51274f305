/* global Excel */
/**
 * A new sheet for a kind: the header row (bold; required columns in red like the manuals'
 * templates, 红色字体为必填项; our result columns shaded), each column's number format down the
 * whole column (text "@" for codes, numbers, tax IDs, quantities and prices), drop-down lists for
 * label columns, header row frozen, columns autofitted. Two syncs.
 */
import { ok, type Result } from "../../domain/refusals";
import { MAX_ROWS, packAddresses } from "../address";
import type { CreateSheetSummary } from "../port";
import { schemaOf, type SheetKind } from "../schemas";
import { acceptedAliasesOf } from "../xlsx/instructions";
import { validationAlert } from "../xlsx/templateData";
import type { ExcelHost } from "./host";

/** Font colour of required headers (the manuals' templates: red font = mandatory). */
export const REQUIRED_HEADER_COLOR = "#FF0000";
/** [decision] Fill of result-column headers, so users see which columns the add-in writes. */
export const RESULT_HEADER_FILL = "#DDEBF7";
/** Excel sheet names: at most 31 characters, none of : \ / ? * [ ]. */
export const SHEET_NAME_MAX = 31;

/** A valid sheet name not in `taken`: "蓝票清单", then "蓝票清单 (2)", "蓝票清单 (3)" … */
export function uniqueSheetName(wanted: string, taken: readonly string[]): string {
  const base =
    wanted
      .replace(/[:\\/?*[\]]/g, "_")
      .replace(/^'+|'+$/g, "")
      .slice(0, SHEET_NAME_MAX) || "Sheet";
  const lower = new Set(taken.map((t) => t.toLowerCase()));
  if (!lower.has(base.toLowerCase())) return base;
  for (let i = 2; ; i++) {
    const suffix = ` (${i})`;
    const name = base.slice(0, SHEET_NAME_MAX - suffix.length) + suffix;
    if (!lower.has(name.toLowerCase())) return name;
  }
}

export async function createSheet(
  host: ExcelHost,
  kind: SheetKind,
  name?: string
): Promise<Result<CreateSheetSummary>> {
  const schema = schemaOf(kind);
  return host.run(async (context) => {
    const sheets = context.workbook.worksheets;
    sheets.load("items/name");
    await context.sync();
    const sheetName = uniqueSheetName(
      name ?? schema.title,
      sheets.items.map((s) => s.name)
    );
    const sheet = sheets.add(sheetName);
    queueKindHeader(sheet, kind);
    sheet.activate();
    await context.sync();
    return ok({ sheetName, columns: schema.columns.length });
  });
}

/**
 * Queue (no sync) the kind's header row in row 1 of `sheet`, the column formats and drop-downs
 * below it, the frozen header and autofit. Column i of the sheet is schema column i.
 */
export function queueKindHeader(sheet: Excel.Worksheet, kind: SheetKind): void {
  const cols = schemaOf(kind).columns;
  const header = sheet.getRangeByIndexes(0, 0, 1, cols.length);
  header.numberFormat = [cols.map(() => "@")];
  header.values = [cols.map((c) => c.header)];
  header.format.font.bold = true;
  const required = cols.flatMap((c, i) => (c.required && !c.result ? [{ row: 0, column: i }] : []));
  for (const a of packAddresses(required)) sheet.getRanges(a).format.font.color = REQUIRED_HEADER_COLOR;
  const results = cols.flatMap((c, i) => (c.result ? [{ row: 0, column: i }] : []));
  for (const a of packAddresses(results)) sheet.getRanges(a).format.fill.color = RESULT_HEADER_FILL;

  cols.forEach((c, i) => {
    // The whole column below the header: a 1×1 array is applied to every cell of the range.
    const data = sheet.getRangeByIndexes(1, i, MAX_ROWS - 1, 1);
    data.numberFormat = [[c.numberFormat]];
    if (c.validationList && !c.result) {
      const rule: Excel.DataValidationRule = {
        list: { inCellDropDown: true, source: c.validationList.join(",") },
      };
      data.dataValidation.rule = rule;
      // A column whose import reads aliases (纸质专票 …) warns instead of refusing them (templateData.ts).
      const alert = validationAlert({
        validationList: c.validationList,
        acceptedAliases: acceptedAliasesOf(c),
      });
      if (!alert.strict) {
        data.dataValidation.errorAlert = {
          showAlert: true,
          style: "Warning",
          title: c.header,
          message: alert.message,
        } as Excel.DataValidationErrorAlert;
      }
    }
  });
  sheet.freezePanes.freezeRows(1);
  header.format.autofitColumns();
}
