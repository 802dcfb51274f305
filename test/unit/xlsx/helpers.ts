/** Shared helpers of the .xlsx tests: temp dirs, template-based workbooks, reading results back. */
import ExcelJS from "exceljs";
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { uscCheckChar } from "../../../src/domain/parse";
import { buildTemplateWorkbook } from "../../../src/sheet/xlsx/template";
import type { TemplateKind } from "../../../src/sheet/xlsx/kinds";

export const tempDir = (): string => mkdtempSync(join(tmpdir(), "hongchong-xlsx-"));

/** A valid 统一社会信用代码 from its first 17 characters. */
export const usc = (body17: string): string => body17 + uscCheckChar(body17);

export const BUYER_TAX_ID = usc("91440300MA5EXAMPL");
export const SELLER_TAX_ID = usc("91440101MA5EXAMPL");

/** A 红字信息表 row that passes every rule; `n` makes its blue invoice unique. */
export function validInfoFormRow(n: number): Record<string, unknown> {
  return {
    申请方: "销方申请",
    发票类型: "增值税纸质专用发票",
    原发票代码: "044031900111",
    原发票号码: String(10000000 + n),
    蓝票开票日期: "2024-10-22",
    购方名称: "深圳市甲科技有限公司",
    购方税号: BUYER_TAX_ID,
    销方名称: "广州市乙贸易有限公司",
    销方税号: SELLER_TAX_ID,
    货物名称: "*电子元件*电阻",
    税收分类编码: "1090416000000000000",
    数量: "-1.1234567890123",
    单价: "100",
    金额: "-112.35",
    税率: "13%",
    税额: "-14.61",
  };
}

/** The template of `kind` with rows written by header text (row 2 onwards). */
export function templateWithRows(
  kind: TemplateKind,
  rows: ReadonlyArray<Record<string, unknown>>
): ExcelJS.Workbook {
  const wb = buildTemplateWorkbook(kind);
  const ws = wb.worksheets[0];
  const headers = (ws.getRow(1).values as unknown[]).slice(1).map(String);
  rows.forEach((row, i) => {
    for (const [h, v] of Object.entries(row)) {
      const c = headers.indexOf(h);
      if (c < 0) throw new Error(`no column ${h}`);
      ws.getCell(i + 2, c + 1).value = v as ExcelJS.CellValue;
    }
  });
  return wb;
}

export async function readBack(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
}

/** Column number (1-based) of a header in row `headerRow` of `ws`. */
export function columnOfHeader(ws: ExcelJS.Worksheet, header: string, headerRow = 1): number {
  const values = ws.getRow(headerRow).values as unknown[];
  const i = values.findIndex((v) => v === header);
  if (i < 1) throw new Error(`header ${header} not found`);
  return i;
}

/** A cell's properties as plain data (and one place that reads exceljs cells, not Office.js ranges). */
export function snap(cell: ExcelJS.Cell) {
  return {
    value: cell.value,
    numFmt: cell.numFmt,
    type: cell.type,
    fill: cell.fill,
    note: cell.note,
    font: cell.font,
  };
}

/** Row values from column A (exceljs rows are 1-based with an empty slot 0). */
export function rowValues(ws: ExcelJS.Worksheet, row: number): unknown[] {
  return (ws.getRow(row).values as unknown[]).slice(1);
}
