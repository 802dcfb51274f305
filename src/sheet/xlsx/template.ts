/**
 * The bulk templates (§3.8: 下载引入模板 … 红色字体为必填项). `templateSheetData` is the template as
 * data (the task pane lays the same sheet out with Office.js); `buildTemplateWorkbook` writes it with
 * exceljs (layout in templateData.ts): Chinese headers (required ones in red), drop-down lists from the label sets, number
 * formats (amounts #,##0.00; quantities, prices, codes and tax IDs as text), a frozen header, column
 * widths, and a 说明 sheet explaining every column.
 */
import ExcelJS from "exceljs";
import { columnLetters } from "../address";
import type { TemplateKind } from "./kinds";
import { TEMPLATE_VALIDATED_ROWS } from "./limits";
import {
  REQUIRED_FONT_ARGB,
  RESULT_FONT_ARGB,
  templateSheetData,
  validationAlert,
  type TemplateColumn,
  type TemplateSheetData,
} from "./templateData";

export { templateSheetData, type TemplateSheetData } from "./templateData";

/** Excel's list validation holds at most 255 characters of inline list. */
const LIST_FORMULA_MAX = 255;

function addValidations(ws: ExcelJS.Worksheet, col: TemplateColumn, index: number): void {
  const letters = columnLetters(index);
  const range = `${letters}2:${letters}${TEMPLATE_VALIDATED_ROWS + 1}`;
  const validations = ws as unknown as {
    dataValidations: { add(address: string, v: ExcelJS.DataValidation): void };
  };
  if (col.validationList) {
    const formula = `"${col.validationList.join(",")}"`;
    if (formula.length <= LIST_FORMULA_MAX) {
      const alert = validationAlert(col);
      validations.dataValidations.add(range, {
        type: "list",
        allowBlank: true,
        formulae: [formula],
        showErrorMessage: true,
        // An alias the import reads (纸质专票 …) is not stopped, only flagged.
        errorStyle: alert.strict ? "stop" : "warning",
        errorTitle: col.header,
        error: alert.message,
      });
    }
  } else if (col.key === "taxCode") {
    // 税收分类编码 is 19 digits: a length check catches a code pasted as a number (1.09051E+18).
    validations.dataValidations.add(range, {
      type: "textLength",
      operator: "lessThanOrEqual",
      allowBlank: true,
      formulae: [19],
      showErrorMessage: true,
      errorStyle: "stop",
      errorTitle: col.header,
      error: "税收分类编码为19位数字，请以文本格式输入",
    });
  }
}

function addDataSheet(wb: ExcelJS.Workbook, data: TemplateSheetData): void {
  const ws = wb.addWorksheet(data.sheetName, {
    views: [{ state: "frozen", ySplit: 1, xSplit: 0 }],
    // Printed (or rendered to PDF) the template fits the page width, header repeated on every page.
    pageSetup: {
      orientation: "landscape",
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: "1:1",
    },
  });
  ws.columns = data.columns.map((c) => ({ key: c.key, width: c.width, style: { numFmt: c.numberFormat } }));
  const header = ws.getRow(1);
  data.columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.style = {
      numFmt: "@",
      font: {
        bold: true,
        ...(c.required
          ? { color: { argb: REQUIRED_FONT_ARGB } }
          : c.result
            ? { color: { argb: RESULT_FONT_ARGB } }
            : {}),
      },
      alignment: { vertical: "middle", horizontal: "center", wrapText: true },
      fill: { type: "pattern", pattern: "solid", fgColor: { argb: c.result ? "FFF2F2F2" : "FFDDEBF7" } },
    };
    addValidations(ws, c, i);
  });
  header.height = 24;
}

function addInstructionsSheet(wb: ExcelJS.Workbook, data: TemplateSheetData): void {
  const ins = data.instructions;
  const ws = wb.addWorksheet(ins.sheetName, {
    pageSetup: { orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = [{ width: 22 }, { width: 30 }, { width: 50 }, { width: 42 }, { width: 26 }, { width: 36 }];
  ins.notes.forEach((n, i) => {
    const cell = ws.getCell(i + 1, 1);
    cell.value = n;
    if (i === 0) cell.font = { bold: true, size: 14 };
  });
  const top = ins.notes.length + 2;
  const headerRow = ws.getRow(top);
  ins.header.forEach((h, i) => {
    const cell = headerRow.getCell(i + 1);
    cell.value = h;
    cell.font = { bold: true };
  });
  ins.rows.forEach((r, i) => {
    const row = ws.getRow(top + 1 + i);
    r.forEach((v, j) => {
      const cell = row.getCell(j + 1);
      cell.value = v;
      cell.alignment = { wrapText: true, vertical: "top" };
    });
    if (data.columns[i]?.required) row.getCell(1).font = { color: { argb: REQUIRED_FONT_ARGB }, bold: true };
  });
}

export function buildTemplateWorkbook(kind: TemplateKind): ExcelJS.Workbook {
  const data = templateSheetData(kind);
  const wb = new ExcelJS.Workbook();
  wb.creator = "hongchong";
  addDataSheet(wb, data);
  addInstructionsSheet(wb, data);
  return wb;
}

export async function writeTemplate(kind: TemplateKind, out: string): Promise<void> {
  await buildTemplateWorkbook(kind).xlsx.writeFile(out);
}
