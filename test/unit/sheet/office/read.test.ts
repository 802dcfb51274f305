import type { Dec } from "../../../../src/domain/money";
import { OfficeWorkbook } from "../../../../src/sheet/office";
import {
  BLUE_HEADERS,
  badTaxIdFor,
  blueInvoiceRow,
  buildBlueInvoiceWorkbook,
  taxIdFor,
} from "../../../support/blueInvoiceWorkbook";
import { FakeWorkbook } from "../../../support/fakeExcel";
import { fakeHost } from "../../../support/fakeHost";

function portOf(wb: FakeWorkbook) {
  return new OfficeWorkbook(fakeHost(wb));
}

async function readOk(wb: FakeWorkbook) {
  const r = await portOf(wb).readSelection("blueInvoices");
  if (!r.ok) throw new Error(`${r.refusal.code}: ${r.refusal.message}`);
  return r.value;
}

describe("readSelection on a plain range", () => {
  test("header found under a title, columns in any order, extras untouched, parsed values by key", async () => {
    const wb = new FakeWorkbook();
    const s = wb.addSheet("清单", [
      ["2024年10月待红冲发票"],
      [],
      ["我的备注", "发票状态", "蓝票号码", "发票类型", "不含税金额", "购方税号"],
      ["先处理", "正常", "01234567", "电子专票", "1,234.50", taxIdFor(1)],
      ["", "部分红冲", "01234568", "增值税普通发票", 88.8, taxIdFor(2)],
    ]);
    wb.select("清单", "B4:B5");
    const read = await readOk(wb);
    expect(read.layout).toMatchObject({
      sheetName: "清单",
      tableName: null,
      headerRowIndex: 2,
      columns: { invoiceStatus: 1, invoiceNumber: 2, invoiceKind: 3, amount: 4, buyerTaxId: 5 },
      extraColumns: [{ column: 0, header: "我的备注" }],
    });
    expect(read.layout.missingResultColumns).toContain("failureReason");
    expect(
      read.rows.map((r) => [r.rowIndex, r.address, r.values.invoiceNumber, r.values.invoiceKind])
    ).toEqual([
      [3, "清单!B4:F4", "01234567", "增值税电子专用发票"],
      [4, "清单!B5:F5", "01234568", "增值税普通发票"],
    ]);
    expect((read.rows[0].values.amount as Dec).toFixed(2)).toBe("1234.50");
    expect((read.rows[1].values.amount as Dec).toFixed(2)).toBe("88.80");
    expect(s.value("A4")).toBe("先处理");
  });

  test("cell-precise errors: text in a number cell, full-width digits accepted, wrong tax ID", async () => {
    const wb = new FakeWorkbook();
    wb.addSheet("S", [
      ["发票号码", "发票种类", "发票状态", "本次红冲金额", "购方税号"],
      ["01234567", "增值税专用发票", "正常", "１００．５０", taxIdFor(3)],
      ["01234568", "增值税专用发票", "正常", "一百元", badTaxIdFor(4)],
    ]);
    wb.select("S", "A2:E3");
    const read = await readOk(wb);
    expect(read.rows[0].errors).toEqual([]);
    expect((read.rows[0].values.redAmount as Dec).toFixed(2)).toBe("100.50");
    expect(read.rows[1].errors.map((e) => [e.cellAddress, e.refusal.code])).toEqual([
      ["D3", "NOT_A_NUMBER"],
      ["E3", "BAD_TAX_ID_CHECK"],
    ]);
  });

  test("multi-area selection: rows of every area, overlaps once, sheet order", async () => {
    const { workbook } = buildBlueInvoiceWorkbook(30);
    workbook.select("蓝票清单", "C20:D22,A3:A5,B4:B6");
    const read = await readOk(workbook);
    expect(read.rows.map((r) => r.rowIndex)).toEqual([2, 3, 4, 5, 19, 20, 21]);
  });

  test("whole-column selection is clipped to the used range; the header row is not data", async () => {
    const { workbook } = buildBlueInvoiceWorkbook(40);
    workbook.select("蓝票清单", "B:B");
    const read = await readOk(workbook);
    expect(read.rows).toHaveLength(40);
    expect(read.rows[0].rowIndex).toBe(1);
    expect(read.rows[39].rowIndex).toBe(40);
    // 2 round trips to find the data, 1 for the 40 rows.
    expect(workbook.syncs).toBe(3);
  });

  test("hidden and filtered rows are skipped and counted", async () => {
    const { workbook, sheet } = buildBlueInvoiceWorkbook(10);
    sheet.hideRows(3, 4, 8);
    workbook.select("蓝票清单", "A2:A11");
    const read = await readOk(workbook);
    expect(read.rows.map((r) => r.rowIndex)).toEqual([1, 2, 5, 6, 7, 9, 10]);
    expect(read.hiddenRowsSkipped).toBe(3);
  });

  test("refusals: no header, required column missing, nothing below the header", async () => {
    const wb = new FakeWorkbook();
    wb.addSheet("S", [
      ["a", "b"],
      ["1", "2"],
    ]);
    wb.select("S", "A2");
    const noHeader = await portOf(wb).readSelection("blueInvoices");
    expect(noHeader.ok || noHeader.refusal.code).toBe("SHEET_HEADER_NOT_FOUND");
    expect(noHeader.ok || noHeader.refusal.message).toContain("发票号码、发票种类、发票状态");

    const wb2 = new FakeWorkbook();
    wb2.addSheet("S", [
      ["发票号码", "发票种类", "税额"],
      ["01234567", "增值税专用发票", "1"],
    ]);
    wb2.select("S", "A2");
    const missing = await portOf(wb2).readSelection("blueInvoices");
    expect(missing.ok || [missing.refusal.code, missing.refusal.message]).toEqual([
      "SHEET_REQUIRED_COLUMNS_MISSING",
      "工作表“S”缺少必填列：发票状态，请在表头行添加这些列后重试",
    ]);

    const wb3 = buildBlueInvoiceWorkbook(3).workbook;
    wb3.select("蓝票清单", "A1");
    const headerOnly = await portOf(wb3).readSelection("blueInvoices");
    expect(headerOnly.ok || headerOnly.refusal.code).toBe("SHEET_NO_DATA_ROWS");
  });

  test("a large read takes 2 syncs plus one per chunk of at most 5,000 rows", async () => {
    const { workbook } = buildBlueInvoiceWorkbook(12_000, { badTaxIdEvery: 1000 });
    workbook.select("蓝票清单", "A:A");
    workbook.limitSyncs(2 + Math.ceil(12_000 / 5_000));
    const read = await readOk(workbook);
    expect(read.rows).toHaveLength(12_000);
    expect(read.rows.filter((r) => r.errors.length > 0).map((r) => r.errors[0].cellAddress)).toHaveLength(12);
    expect(read.rows[999].errors[0].cellAddress).toBe(`F${999 + 2}`);
    expect(workbook.syncs).toBe(5);
    for (const s of workbook.syncLog) expect(s.responseBytes).toBeLessThan(workbook.responseLimitBytes);
  });

  test("cancellation between chunks is a refusal", async () => {
    const { workbook } = buildBlueInvoiceWorkbook(6_000);
    const controller = new AbortController();
    const r = await portOf(workbook).readSelection("blueInvoices", {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 5_000) controller.abort();
      },
    });
    expect(r.ok || r.refusal.code).toBe("SHEET_CANCELLED");
  });
});

describe("readSelection on an Excel table", () => {
  function withTable() {
    const wb = new FakeWorkbook();
    const s = wb.addSheet("S");
    // A plain block above and a table below it: the table's own header is used.
    s.setValues(0, 0, [["说明：下表为待红冲发票"]]);
    s.setValues(2, 1, [BLUE_HEADERS, blueInvoiceRow(0), blueInvoiceRow(1), blueInvoiceRow(2)]);
    s.addTable("蓝票表", `B3:${String.fromCharCode(65 + BLUE_HEADERS.length)}6`);
    return { wb, s };
  }

  test("header from the table, rows clipped to the table body", async () => {
    const { wb } = withTable();
    wb.select("S", "C1:C20");
    const read = await readOk(wb);
    expect(read.layout.tableName).toBe("蓝票表");
    expect(read.layout.headerRowIndex).toBe(2);
    expect(read.layout.columns.invoiceCode).toBe(1);
    expect(read.rows.map((r) => r.rowIndex)).toEqual([3, 4, 5]);
    expect(read.rows[0].values.invoiceNumber).toBe("10000000");
  });

  test("a selection across two tables is refused", async () => {
    const { wb, s } = withTable();
    s.setValues(10, 1, [BLUE_HEADERS, blueInvoiceRow(5)]);
    s.addTable("另一个表", `B11:${String.fromCharCode(65 + BLUE_HEADERS.length)}12`);
    wb.select("S", "C4,C12");
    const r = await portOf(wb).readSelection("blueInvoices");
    expect(r.ok || r.refusal.code).toBe("SHEET_MULTIPLE_TABLES");
  });
});
