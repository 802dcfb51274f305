/* global Excel */
/**
 * Insert a bulk template into the open workbook: the same sheet `hongchong template <kind>` writes
 * (src/sheet/xlsx/template.ts, from the same `templateSheetData`): bold centred headers, required
 * ones in red and the system's result columns in grey on a grey fill, each column's number format
 * down the whole column (quantities, prices, codes and tax IDs as text "@"), drop-down lists and the
 * 税收分类编码 length check on the first OFFICE_TEMPLATE_VALIDATED_ROWS rows, widths, frozen header — and
 * the 说明 sheet explaining every column. Two syncs.
 */
import { ok, type Result } from "../../domain/refusals";
import { MAX_ROWS, packAddresses } from "../address";
import type { TemplateSheetSummary } from "../port";
import { OFFICE_TEMPLATE_VALIDATED_ROWS } from "../xlsx/limits";
import {
  REQUIRED_FONT_ARGB,
  RESULT_FONT_ARGB,
  validationAlert,
  type TemplateColumn,
  type TemplateSheetData,
} from "../xlsx/templateData";
import { charsToPoints } from "./applyPlan";
import { uniqueSheetName } from "./createSheet";
import type { ExcelHost } from "./host";

/** "FFFF0000" (exceljs ARGB) → "#FF0000" (Office.js). */
export const argbToHex = (argb: string): string => `#${argb.slice(-6).toUpperCase()}`;

/** template.ts's header fills: input columns light blue, the system's result columns light grey. */
export const TEMPLATE_HEADER_FILL = "#DDEBF7";
export const TEMPLATE_RESULT_HEADER_FILL = "#F2F2F2";
/** template.ts: header row 24 points high. */
const HEADER_ROW_HEIGHT = 24;
/** template.ts: widths (characters) of the 说明 sheet's six columns. */
const INSTRUCTION_WIDTHS = [22, 30, 50, 42, 26, 36];
/** Excel's list validation holds at most 255 characters of inline list (template.ts skips longer). */
const LIST_FORMULA_MAX = 255;

/** The drop-down of a column, as template.ts writes it (null: none). */
export function templateValidation(col: TemplateColumn): {
  rule: Excel.DataValidationRule;
  errorAlert: Excel.DataValidationErrorAlert;
} | null {
  if (col.validationList) {
    if (`"${col.validationList.join(",")}"`.length > LIST_FORMULA_MAX) return null;
    const alert = validationAlert(col);
    return {
      rule: { list: { inCellDropDown: true, source: col.validationList.join(",") } },
      errorAlert: {
        showAlert: true,
        // An alias the import reads (纸质专票 …) is not stopped, only flagged.
        style: alert.strict ? "Stop" : "Warning",
        title: col.header,
        message: alert.message,
      } as Excel.DataValidationErrorAlert,
    };
  }
  if (col.key === "taxCode") {
    // 税收分类编码 is 19 digits: a length check catches a code pasted as a number (1.09051E+18).
    return {
      rule: { textLength: { formula1: 19, operator: "LessThanOrEqualTo" } } as Excel.DataValidationRule,
      errorAlert: {
        showAlert: true,
        style: "Stop",
        title: col.header,
        message: "税收分类编码为19位数字，请以文本格式输入",
      } as Excel.DataValidationErrorAlert,
    };
  }
  return null;
}

function queueDataSheet(sheet: Excel.Worksheet, data: TemplateSheetData): void {
  const cols = data.columns;
  const header = sheet.getRangeByIndexes(0, 0, 1, cols.length);
  header.numberFormat = [cols.map(() => "@")];
  header.values = [cols.map((c) => c.header)];
  header.format.font.bold = true;
  header.format.horizontalAlignment = "Center";
  header.format.verticalAlignment = "Center";
  header.format.wrapText = true;
  header.format.rowHeight = HEADER_ROW_HEIGHT;
  const at = (pred: (c: TemplateColumn) => boolean) =>
    cols.flatMap((c, i) => (pred(c) ? [{ row: 0, column: i }] : []));
  const inputs = at((c) => !c.result);
  const results = at((c) => c.result);
  for (const a of packAddresses(inputs)) sheet.getRanges(a).format.fill.color = TEMPLATE_HEADER_FILL;
  for (const a of packAddresses(results)) sheet.getRanges(a).format.fill.color = TEMPLATE_RESULT_HEADER_FILL;
  for (const a of packAddresses(at((c) => c.required))) {
    sheet.getRanges(a).format.font.color = argbToHex(REQUIRED_FONT_ARGB);
  }
  for (const a of packAddresses(at((c) => !c.required && c.result))) {
    sheet.getRanges(a).format.font.color = argbToHex(RESULT_FONT_ARGB);
  }

  cols.forEach((c, i) => {
    // template.ts sets the format as the column's style: the whole column below the header.
    sheet.getRangeByIndexes(1, i, MAX_ROWS - 1, 1).numberFormat = [[c.numberFormat]];
    sheet.getRangeByIndexes(0, i, 1, 1).format.columnWidth = charsToPoints(c.width);
    const v = templateValidation(c);
    if (v) {
      const range = sheet.getRangeByIndexes(1, i, OFFICE_TEMPLATE_VALIDATED_ROWS, 1);
      range.dataValidation.rule = v.rule;
      range.dataValidation.errorAlert = v.errorAlert;
    }
  });
  sheet.freezePanes.freezeRows(1);
}

function queueInstructionsSheet(sheet: Excel.Worksheet, data: TemplateSheetData): void {
  const ins = data.instructions;
  const width = ins.header.length;
  // Everything as text: examples like "2024-10-22", "13%" or "-100.5" must not become numbers.
  const text = (rows: number, columns: number) =>
    Array.from({ length: rows }, () => Array.from({ length: columns }, () => "@"));
  const notes = sheet.getRangeByIndexes(0, 0, ins.notes.length, 1);
  notes.numberFormat = text(ins.notes.length, 1);
  notes.values = ins.notes.map((n) => [n]);
  const title = sheet.getRangeByIndexes(0, 0, 1, 1);
  title.format.font.bold = true;
  title.format.font.size = 14;
  const top = ins.notes.length + 1;
  const header = sheet.getRangeByIndexes(top, 0, 1, width);
  header.numberFormat = text(1, width);
  header.values = [[...ins.header]];
  header.format.font.bold = true;
  if (ins.rows.length > 0) {
    const body = sheet.getRangeByIndexes(top + 1, 0, ins.rows.length, width);
    body.numberFormat = text(ins.rows.length, width);
    body.values = ins.rows.map((r) => [...r]);
    body.format.wrapText = true;
    body.format.verticalAlignment = "Top";
  }
  const required = data.columns.flatMap((c, i) => (c.required ? [{ row: top + 1 + i, column: 0 }] : []));
  for (const a of packAddresses(required)) {
    const r = sheet.getRanges(a);
    r.format.font.color = argbToHex(REQUIRED_FONT_ARGB);
    r.format.font.bold = true;
  }
  INSTRUCTION_WIDTHS.forEach((w, i) => {
    sheet.getRangeByIndexes(0, i, 1, 1).format.columnWidth = charsToPoints(w);
  });
}

export async function createTemplateSheet(
  host: ExcelHost,
  data: TemplateSheetData,
  opts: { readonly name?: string } = {}
): Promise<Result<TemplateSheetSummary>> {
  return host.run(async (context) => {
    const sheets = context.workbook.worksheets;
    sheets.load("items/name");
    await context.sync();
    const taken = sheets.items.map((s) => s.name);
    const sheetName = uniqueSheetName(opts.name ?? data.sheetName, taken);
    const instructionsSheetName = uniqueSheetName(data.instructions.sheetName, [...taken, sheetName]);
    const sheet = sheets.add(sheetName);
    queueDataSheet(sheet, data);
    queueInstructionsSheet(sheets.add(instructionsSheetName), data);
    sheet.activate();
    await context.sync();
    return ok({ sheetName, instructionsSheetName, columns: data.columns.length });
  });
}
