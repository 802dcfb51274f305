/**
 * Golden checks of the four templates, read back with exceljs: Chinese headers of the sheet layer's
 * schemas, red font exactly on required columns (§3.8 红色字体为必填项), drop-down lists from the
 * label sets, number formats, frozen header, and a 说明 line for every column.
 */
import type ExcelJS from "exceljs";
import { join } from "path";
import { InfoFormApplicant, InfoFormInvoiceType, RedReason } from "../../../src/domain/labels";
import { infoFormsSchema } from "../../../src/sheet/schemas";
import { KIND_SPECS, TEMPLATE_KINDS } from "../../../src/sheet/xlsx/kinds";
import { TEMPLATE_VALIDATED_ROWS } from "../../../src/sheet/xlsx/limits";
import { templateSheetData, writeTemplate } from "../../../src/sheet/xlsx/template";
import { run as runTemplate } from "../../../src/cli/template";
import { columnOfHeader, readBack, rowValues, tempDir } from "./helpers";

/** An exceljs column's format and width as plain data. */
function columnFormat(col: ExcelJS.Column): { numFmt: string | undefined; width: number | undefined } {
  return { numFmt: col.numFmt, width: col.width };
}

const dir = tempDir();

describe.each(TEMPLATE_KINDS)("template %s", (kind) => {
  const spec = KIND_SPECS[kind];
  const file = join(dir, `${kind}.xlsx`);
  beforeAll(() => writeTemplate(kind, file));

  it("has the schema's headers in order, red font exactly on required columns, a frozen header", async () => {
    const wb = await readBack(file);
    const ws = wb.getWorksheet(spec.title)!;
    const headers = (ws.getRow(1).values as unknown[]).slice(1);
    expect(headers).toEqual(spec.schema.columns.map((c) => c.header));
    spec.schema.columns.forEach((c, i) => {
      const color = ws.getCell(1, i + 1).font?.color?.argb;
      expect([c.header, color === "FFFF0000"]).toEqual([c.header, c.required && !c.result]);
    });
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
  });

  it("formats columns: amounts #,##0.00, quantities/prices/codes/tax IDs as text, sensible widths", async () => {
    const ws = (await readBack(file)).getWorksheet(spec.title)!;
    spec.schema.columns.forEach((c, i) => {
      const col = columnFormat(ws.getColumn(i + 1));
      if (c.type === "amount") expect(col.numFmt).toBe("#,##0.00");
      if (["quantity", "unitPrice", "invoiceCode", "invoiceNumber", "taxId"].includes(c.type))
        expect(col.numFmt).toBe("@");
      expect(col.width).toBeGreaterThanOrEqual(8);
    });
  });

  it("has a drop-down list on every enum column, within the validated rows", async () => {
    const ws = (await readBack(file)).getWorksheet(spec.title)!;
    const dv = (
      ws as unknown as { dataValidations: { model: Record<string, { type: string; formulae: string[] }> } }
    ).dataValidations.model;
    spec.schema.columns.forEach((c, i) => {
      if (!c.validationList) return;
      const letters = ws.getColumn(i + 1).letter;
      const first = dv[`${letters}2`];
      expect(first).toMatchObject({ type: "list", formulae: [`"${c.validationList.join(",")}"`] });
      expect(dv[`${letters}${TEMPLATE_VALIDATED_ROWS + 1}`]).toEqual(first);
      expect(dv[`${letters}${TEMPLATE_VALIDATED_ROWS + 2}`]).toBeUndefined();
    });
  });

  it("explains every column on the 说明 sheet (what, required when, format, example)", async () => {
    const wb = await readBack(file);
    const ws = wb.getWorksheet("说明")!;
    const data = templateSheetData(kind);
    const top = data.instructions.notes.length + 2;
    expect((ws.getRow(top).values as unknown[]).slice(1)).toEqual([
      "列名",
      "是否必填",
      "说明",
      "格式",
      "示例",
      "也可写作",
    ]);
    spec.schema.columns.forEach((c, i) => {
      const [header, required, description, format] = rowValues(ws, top + 1 + i).map(String);
      expect(header).toBe(c.header);
      expect(required).toMatch(c.result ? /系统回写/ : c.required ? /必填/ : /./);
      expect(description.length).toBeGreaterThan(1);
      expect(format.length).toBeGreaterThan(1);
    });
  });
});

describe("template details from the manuals and labels", () => {
  const info = infoFormsSchema.columns;

  it("lists 申请方 and 发票类型 of the 红字信息表 and 红冲原因 of the 红字确认单 from labels.ts", () => {
    const info = templateSheetData("info-form-import").columns;
    expect(info.find((c) => c.header === "申请方")!.validationList).toEqual(InfoFormApplicant.values);
    expect(info.find((c) => c.header === "发票类型")!.validationList).toEqual(InfoFormInvoiceType.values);
    const confirm = templateSheetData("confirm-form-drafts").columns;
    expect(confirm.find((c) => c.header === "红冲原因")!.validationList).toEqual(RedReason.values);
  });

  it("says when the blue-invoice columns of the 红字信息表 are required (§3.1)", () => {
    const rows = templateSheetData("info-form-import").instructions.rows;
    const line = (h: string) => rows.find((r) => r[0] === h)!;
    expect(line("原发票代码")[1]).toBe("申请方为 销方申请、购方申请-未抵扣 时必填，其他情况选填");
    expect(line("蓝票开票日期")[1]).toBe("申请方为 销方申请 时必填，其他情况选填");
    expect(line("申请方")[1]).toMatch(/^必填/);
    expect(info.filter((c) => c.required).map((c) => c.header)).toEqual([
      "申请方",
      "发票类型",
      "购方名称",
      "购方税号",
      "销方名称",
      "销方税号",
      // What 2.2.04 requires of every line: the template says 必填 where the gateway does (issue 8).
      "货物名称",
      "税收分类编码",
      "金额",
      "税率",
      "税额",
    ]);
  });

  it("hongchong template writes the file and refuses unknown kinds", async () => {
    const out = join(dir, "cli.xlsx");
    const write = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    const err = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(await runTemplate(["blue-red-flush", "-o", out])).toBe(0);
      expect(await runTemplate(["nope", "-o", out])).toBe(2);
      expect(String(err.mock.calls[0][0])).toContain("未知的模板类型“nope”");
    } finally {
      write.mockRestore();
      err.mockRestore();
    }
    const ws = (await readBack(out)).getWorksheet("蓝票红冲清单")!;
    expect(columnOfHeader(ws, "发票号码")).toBeGreaterThan(0);
  });
});
