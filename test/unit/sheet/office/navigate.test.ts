/**
 * Issue 13 §7 on the in-memory Excel: 只看失败行 is the sheet's own AutoFilter on 处理状态 (rows hidden
 * as Excel hides them, cleared by 显示全部行), an error in the pane selects its cell, 清除标记 removes
 * the red fills and notes of the last run — each in a constant number of syncs.
 */
import { OfficeWorkbook } from "../../../../src/sheet/office";
import type { RowWriteBack, SelectionRead } from "../../../../src/sheet/port";
import { FAILURE_FILL } from "../../../../src/sheet/writePlan";
import { FAILED_CRITERIA } from "../../../../src/sheet/office/navigate";
import { buildBlueInvoiceWorkbook } from "../../../support/blueInvoiceWorkbook";
import { fakeHost, readBlueSelection } from "../../../support/fakeHost";

const readAll = readBlueSelection;

function outcomes(read: SelectionRead): RowWriteBack[] {
  return read.rows.map((row) => ({
    rowIndex: row.rowIndex,
    values:
      row.errors.length > 0
        ? {
            processStatus:
              row.rowIndex === 5 ? "失败（已合并第6行）" : row.rowIndex === 10 ? "已跳过" : "失败",
          }
        : { processStatus: "成功" },
    cellErrors: row.errors.map((e) => ({ columnKey: e.columnKey, message: e.refusal.message })),
  }));
}

async function written(n: number, opts: { table?: boolean } = {}) {
  const built = buildBlueInvoiceWorkbook(n, { badTaxIdEvery: 5 });
  if (opts.table) built.sheet.addTable("蓝票表", `A1:Q${n + 1}`);
  const port = new OfficeWorkbook(fakeHost(built.workbook));
  const read = await readAll(port);
  const w = await port.writeResults("blueInvoices", outcomes(read), { layout: read.layout });
  if (!w.ok) throw new Error(w.refusal.message);
  return { ...built, port, read };
}

const failedRows = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((r) => r % 5 === 0);

describe("只看失败行 (filterFailedRows)", () => {
  it("hides every row whose 处理状态 does not begin with 失败, and shows them again", async () => {
    const { port, read, sheet, workbook } = await written(1000);
    workbook.resetStats();
    const r = await port.filterFailedRows("blueInvoices", read.layout, true);
    expect(r).toEqual({ ok: true, value: { sheetName: "蓝票清单", filtered: true } });
    expect(workbook.syncs).toBe(3);
    expect(FAILED_CRITERIA).toMatchObject({ criterion1: "=失败*", operator: "Or", criterion2: "=已跳过*" });
    const visible = Array.from({ length: 1000 }, (_, i) => i + 1).filter((row) => !sheet.hiddenRows.has(row));
    expect(visible).toEqual(failedRows(1000));
    expect(sheet.hiddenRows.has(0)).toBe(false);
    // The filter's range: header row and every data row, through the appended result columns.
    expect(sheet.autoFilter?.rect).toEqual({ row: 0, column: 0, rows: 1001, columns: 25 });

    workbook.resetStats();
    const off = await port.filterFailedRows("blueInvoices", read.layout, false);
    expect(off).toEqual({ ok: true, value: { sheetName: "蓝票清单", filtered: false } });
    expect(workbook.syncs).toBe(3);
    expect(sheet.hiddenRows.size).toBe(0);
  });

  it("keeps rows the clerk hid by hand hidden when the filter is cleared", async () => {
    const { port, read, sheet } = await written(20);
    sheet.hideRows(5);
    await port.filterFailedRows("blueInvoices", read.layout, true);
    await port.filterFailedRows("blueInvoices", read.layout, false);
    expect([...sheet.hiddenRows]).toEqual([5]);
  });

  it("filters a table through the table's own AutoFilter", async () => {
    const { port, read, sheet } = await written(20, { table: true });
    expect(read.layout.tableName).toBe("蓝票表");
    const r = await port.filterFailedRows("blueInvoices", read.layout, true);
    expect(r.ok).toBe(true);
    expect(sheet.autoFilter?.table).toBe("蓝票表");
    const visible = Array.from({ length: 20 }, (_, i) => i + 1).filter((row) => !sheet.hiddenRows.has(row));
    expect(visible).toEqual(failedRows(20));
  });

  it("refuses before the first run (no 处理状态 column) and on hosts without ExcelApi 1.9", async () => {
    const built = buildBlueInvoiceWorkbook(5);
    const port = new OfficeWorkbook(fakeHost(built.workbook));
    const read = await readAll(port);
    const r = await port.filterFailedRows("blueInvoices", read.layout, true);
    expect(r.ok ? null : r.refusal.code).toBe("SHEET_NO_STATUS_COLUMN");
    const old = new OfficeWorkbook(fakeHost(built.workbook, "1.8"));
    const r2 = await old.filterFailedRows("blueInvoices", read.layout, true);
    expect(r2.ok ? null : r2.refusal.code).toBe("SHEET_FILTER_UNSUPPORTED");
    expect(built.sheet.autoFilter).toBeNull();
  });
});

describe("click an error → its cell (selectCell)", () => {
  it("activates the sheet and selects the cell, in 2 syncs", async () => {
    const { port, workbook } = await written(10);
    const other = workbook.addSheet("别的表");
    workbook.select("别的表", "A1");
    workbook.resetStats();
    const r = await port.selectCell("蓝票清单", 4, 5);
    expect(r.ok).toBe(true);
    expect(workbook.syncs).toBe(2);
    expect(workbook.active?.name).toBe("蓝票清单");
    expect(workbook.selection?.areas).toEqual([{ row: 4, column: 5, rows: 1, columns: 1 }]);
    expect(other.name).toBe("别的表");
  });

  it("says so when the sheet is gone", async () => {
    const { port } = await written(3);
    const r = await port.selectCell("已删除", 1, 1);
    expect(r.ok ? null : r.refusal.code).toBe("SHEET_NOT_FOUND");
  });
});

describe("清除标记 (clearMarks) after a run", () => {
  it("removes the run's red fills and notes, leaves the values", async () => {
    const { port, read, sheet } = await written(20);
    expect(sheet.filledCells(FAILURE_FILL)).toHaveLength(4);
    expect(sheet.noteAddresses()).toHaveLength(4);
    const c = await port.clearMarks(
      "blueInvoices",
      read.rows.map((r) => r.rowIndex),
      { layout: read.layout }
    );
    expect(c).toEqual({ ok: true, value: { marksCleared: 8, cancelled: false } });
    expect(sheet.filledCells(FAILURE_FILL)).toEqual([]);
    expect(sheet.noteAddresses()).toEqual([]);
    expect(sheet.value("W6")).toBe("失败（已合并第6行）");
  });
});
