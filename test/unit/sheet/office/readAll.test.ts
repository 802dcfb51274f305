import type { Dec } from "../../../../src/domain/money";
import { OfficeWorkbook } from "../../../../src/sheet/office";
import { FakeWorkbook } from "../../../support/fakeExcel";
import { fakeHost } from "../../../support/fakeHost";

describe("readAll", () => {
  test("every data row of the kind's table, hidden rows too, no selection needed", async () => {
    const wb = new FakeWorkbook();
    wb.addSheet("封面", [["2024年"]]);
    const s = wb.addSheet("池", [
      ["说明：每月同步"],
      ["发票代码", "发票号码", "销方名称", "价税合计", "发票状态"],
      ["033001900111", "00000001", "甲公司", 1130, "正常"],
      ["033001900111", "00000002", "乙公司", "-2,260.00", "全额红冲"],
      ["", "", "", "", ""],
      ["033001900111", "0000003", "丙公司", 339, "正常"],
    ]);
    s.addTable("池表", "A2:E6").hideRows(3);
    const r = await new OfficeWorkbook(fakeHost(wb)).readAll("inputPool");
    if (!r.ok) throw new Error(r.refusal.message);
    expect(r.value.layout).toMatchObject({ sheetName: "池", tableName: "池表", headerRowIndex: 1 });
    expect(r.value).toMatchObject({ hiddenRowsSkipped: 0, blankRowsSkipped: 1 });
    expect(r.value.rows.map((x) => [x.rowIndex, x.values.invoiceNumber, x.values.sellerName])).toEqual([
      [2, "00000001", "甲公司"],
      [3, "00000002", "乙公司"],
      [5, null, "丙公司"],
    ]);
    expect((r.value.rows[1].values.totalAmount as Dec).toFixed(2)).toBe("-2260.00");
    expect(r.value.rows[2].errors.map((e) => [e.cellAddress, e.refusal.code])).toEqual([
      ["B6", "BAD_INVOICE_NUMBER"],
    ]);
    expect(wb.syncs).toBe(4); // 3 to find the sheet, 1 chunk
  });

  test("no pool sheet yet: created with the header, no rows", async () => {
    const wb = new FakeWorkbook();
    const r = await new OfficeWorkbook(fakeHost(wb)).readAll("inputPool");
    expect(r.ok && r.value.rows).toEqual([]);
    expect(r.ok && r.value.layout.columns.invoiceNumber).toBe(3);
    expect(wb.sheet("进项发票池")?.value("D1")).toBe("发票号码");
  });

  test("the kind's header without its required column is refused", async () => {
    const wb = new FakeWorkbook();
    wb.addSheet("进项发票池", [
      ["发票代码", "销方名称", "价税合计"],
      ["033001900111", "甲", 1],
    ]);
    const r = await new OfficeWorkbook(fakeHost(wb)).readAll("inputPool");
    expect(!r.ok && r.refusal.message).toBe(
      "工作表“进项发票池”缺少必填列：发票号码，请在表头行添加这些列后重试"
    );
  });
});
