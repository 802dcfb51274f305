/**
 * Export: amounts as 2-dp numbers (#,##0.00), quantities as text, dates as real dates, text that
 * looks like a formula stays text; and export → import reads back every value exactly.
 */
import ExcelJS from "exceljs";
import { existsSync } from "fs";
import { join } from "path";
import { Dec } from "../../../src/domain/money";
import { fail, ok } from "../../../src/domain/refusals";
import type { RedConfirmBillDetail } from "../../../src/gateway/payloads";
import {
  EXPORT_MAX_ROWS,
  exportCell,
  writeExportWorkbook,
  type ExportSource,
} from "../../../src/sheet/xlsx/export";
import { KIND_SPECS } from "../../../src/sheet/xlsx/kinds";
import { validateGrid } from "../../../src/sheet/xlsx/grid";
import { sheetFacts, sheetValues } from "../../../src/sheet/xlsx/workbook";
import { columnOfHeader, readBack, snap, tempDir } from "./helpers";

const dir = tempDir();

const FORMS: RedConfirmBillDetail[] = [
  {
    redInfoBillNo: "44011124102200000001",
    govRedConfirmBillUuid: "u1",
    redConfirmBillStatus: "04",
    redConfirmEnterDate: "2024-10-22 10:44:24",
    originalInvoiceNumber: "24442000000012345678",
    originalIssueTime: "2024-10-01 09:00:05",
    redReason: "2",
    sellerName: '=HYPERLINK("http://evil","x")',
    buyerName: "@SUM(A1)",
    invoiceDetail: [
      {
        originalSeq: 1,
        goodsName: "-2+3",
        revenueCode: "1090512990000000000",
        quantity: "-1234567890.1234567890123",
        price: "0.0000000000001",
        amount: "-1234567.89",
        taxRate: "0.13",
        taxAmount: "-160493.83",
      },
      { originalSeq: 2, goodsName: "\t制表符开头", amount: "-0.01", taxRate: "0.06", taxAmount: "0.00" },
    ],
  },
  {
    redInfoBillNo: "44011124102200000002",
    govRedConfirmBillUuid: "u2",
    redConfirmBillStatus: "01",
    redConfirmEnterDate: "2024-10-23 00:00:00",
    originalInvoiceNumber: "00442000000012345679",
    redReason: "1",
    redAmount: "-100.00",
    redTaxAmount: "-13.00",
  },
];

const source: ExportSource = {
  confirmForms: async () => ok(FORMS),
  infoForms: async () => ok([]),
  inputPool: async () => fail("GW_NOT_FOUND", { message: "无数据" }),
  downloadTasks: async () => ok([{ taskNo: "T1", status: "成功", total: "12" }]),
};

describe("export confirm-forms", () => {
  const file = join(dir, "confirm.xlsx");
  let ws: ExcelJS.Worksheet;
  beforeAll(async () => {
    const r = await writeExportWorkbook("confirm-forms", source, {}, file);
    if (!r.ok) throw new Error(r.refusal.message);
    expect(r.value.rows).toBe(3);
    ws = (await readBack(file)).worksheets[0];
  });

  it("writes amounts as numbers with #,##0.00, quantities as text, dates as dates", () => {
    const amount = snap(ws.getCell(2, columnOfHeader(ws, "金额")));
    expect([amount.value, amount.numFmt]).toEqual([-1234567.89, "#,##0.00"]);
    expect(ws.getCell(2, columnOfHeader(ws, "数量")).value).toBe("-1234567890.1234567890123");
    expect(ws.getCell(2, columnOfHeader(ws, "单价")).value).toBe("0.0000000000001");
    const entered = snap(ws.getCell(2, columnOfHeader(ws, "录入日期")));
    expect(entered.value).toEqual(new Date(Date.UTC(2024, 9, 22, 10, 44, 24)));
    expect(entered.numFmt).toBe("yyyy-mm-dd hh:mm:ss");
    // A form without lines gets one row with its header amounts.
    expect(ws.getCell(4, columnOfHeader(ws, "金额")).value).toBe(-100);
  });

  it("never writes a formula: formula-looking text is a text cell with the text format", () => {
    for (const [row, header, text] of [
      [2, "销方名称", FORMS[0].sellerName],
      [2, "购方名称", FORMS[0].buyerName],
      [2, "货物名称", "-2+3"],
      [3, "货物名称", "\t制表符开头"],
    ] as const) {
      const cell = snap(ws.getCell(row, columnOfHeader(ws, header)));
      expect([cell.type, cell.value, cell.numFmt]).toEqual([ExcelJS.ValueType.String, text, "@"]);
    }
    ws.eachRow((r) => r.eachCell((c) => expect(c.type).not.toBe(ExcelJS.ValueType.Formula)));
  });

  it("round trip: importing the export as 红字确认单 gives back every value exactly", () => {
    const v = validateGrid(KIND_SPECS["confirm-form-drafts"], sheetValues(ws), sheetFacts(ws));
    if (!v.ok) throw new Error(v.refusal.message);
    // A form exported without lines carries its header amounts on a row of its own: as a draft
    // that row would be a partial line with no 行号, which 2.1.03 refuses (originalSeq required).
    expect(v.value.rows.map((r) => r.cellErrors.map((e) => [e.cellAddress, e.refusal.code]))).toEqual([
      [],
      [],
      [["P4", "CONFIRM_LINE_NO_REQUIRED"]],
    ]);
    const [l1, l2, f2] = v.value.rows.map((r) => r.parsed.values);
    const s = (x: unknown) => (x instanceof Dec ? x.toFixed() : x);
    expect([s(l1.amount), s(l1.taxAmount), s(l1.quantity), s(l1.unitPrice), s(l1.taxRate)]).toEqual([
      "-1234567.89",
      "-160493.83",
      "-1234567890.1234567890123",
      "0.0000000000001",
      "0.13",
    ]);
    expect([
      l1.blueInvoiceNumber,
      l1.redReason,
      l1.blueIssueDate,
      l1.entryDate,
      l1.formNumber,
      l1.lineNo,
    ]).toEqual([
      "24442000000012345678",
      "销售退回",
      "2024-10-01 09:00:05",
      "2024-10-22 10:44:24",
      "44011124102200000001",
      1,
    ]);
    expect([s(l2.amount), s(l2.taxAmount), l2.goodsName]).toEqual(["-0.01", "0", "制表符开头"]);
    expect([f2.blueInvoiceNumber, f2.redReason, s(f2.amount), s(f2.taxAmount)]).toEqual([
      "00442000000012345679",
      "开票有误",
      "-100",
      "-13",
    ]);
  });
});

describe("export details", () => {
  it("passes the source's refusal through", async () => {
    const file = join(dir, "refused.xlsx");
    const r = await writeExportWorkbook("input-pool", source, {}, file);
    expect(r.ok ? "ok" : r.refusal.code).toBe("GW_NOT_FOUND");
    expect(existsSync(file)).toBe(false);
  });

  it("rounds amounts half-up from the exact decimal and keeps non-decimals as text", () => {
    expect(exportCell("amount", "2.675").value).toBe(2.68);
    expect(exportCell("amount", "-0.005").value).toBe(-0.01);
    expect(exportCell("amount", "abc")).toEqual({ value: "abc", numFmt: "@" });
    expect(exportCell("date", "2024-02-30")).toEqual({ value: "2024-02-30", numFmt: "@" });
    expect(exportCell("quantity", "1.50000")).toEqual({ value: "1.5", numFmt: "@" });
  });

  it("exports download tasks", async () => {
    const file = join(dir, "tasks.xlsx");
    const r = await writeExportWorkbook("download-tasks", source, { tasks: ["T1"] }, file);
    if (!r.ok) throw new Error(r.refusal.message);
    const ws = (await readBack(file)).worksheets[0];
    expect(ws.name).toBe("下载任务");
    expect((ws.getRow(2).values as unknown[]).slice(1, 2)).toEqual(["T1"]);
  });

  it("refuses a list above the export's cap with the cap and the total, and writes no file (D5)", async () => {
    const many = Array.from({ length: EXPORT_MAX_ROWS + 1 }, (_, i) => ({ taskNo: `T${i}` }));
    const file = join(dir, "too-many.xlsx");
    const r = await writeExportWorkbook(
      "download-tasks",
      { ...source, downloadTasks: async () => ok(many) },
      {},
      file
    );
    expect(r.ok ? "ok" : [r.refusal.code, r.refusal.message]).toEqual([
      "EXPORT_TOO_MANY_ROWS",
      `下载任务共 ${EXPORT_MAX_ROWS + 1} 条，超过一次导出的上限 ${EXPORT_MAX_ROWS} 条，未导出：请用 --from/--to 缩小日期范围后分批导出`,
    ]);
    expect(existsSync(file)).toBe(false);
  });
});
