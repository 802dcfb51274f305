import { InvoiceKind } from "../../../../src/domain/labels";
import { columnLetters } from "../../../../src/sheet/address";
import { OfficeWorkbook, uniqueSheetName } from "../../../../src/sheet/office";
import { REQUIRED_HEADER_COLOR, RESULT_HEADER_FILL } from "../../../../src/sheet/office/createSheet";
import { blueInvoicesSchema } from "../../../../src/sheet/schemas";
import { FakeWorkbook } from "../../../support/fakeExcel";
import { fakeHost } from "../../../support/fakeHost";

const letter = (header: string) =>
  columnLetters(blueInvoicesSchema.columns.findIndex((c) => c.header === header));

describe("createSheet", () => {
  test("header row, red required headers, formats down the column, drop-downs, frozen header", async () => {
    const wb = new FakeWorkbook();
    wb.addSheet("Sheet1");
    const port = new OfficeWorkbook(fakeHost(wb));
    const r = await port.createSheet("blueInvoices");
    expect(r.ok && r.value).toEqual({ sheetName: "蓝票清单", columns: blueInvoicesSchema.columns.length });
    expect(wb.syncs).toBe(2);
    const s = wb.sheet("蓝票清单");
    if (!s) throw new Error("no sheet");
    expect(wb.active).toBe(s);
    expect(blueInvoicesSchema.columns.map((_, i) => s.value(`${columnLetters(i)}1`))).toEqual(
      blueInvoicesSchema.columns.map((c) => c.header)
    );
    expect(s.boldAt("A1")).toBe(true);
    expect(s.fontColorAt(`${letter("发票号码")}1`)).toBe(REQUIRED_HEADER_COLOR);
    expect(s.fontColorAt(`${letter("发票状态")}1`)).toBe(REQUIRED_HEADER_COLOR);
    expect(s.fontColorAt(`${letter("购方名称")}1`)).toBeUndefined();
    expect(s.fillAt(`${letter("失败原因")}1`)).toBe(RESULT_HEADER_FILL);
    // Text format keeps leading zeros of codes and numbers and the 13 decimals of quantities.
    expect(s.numberFormatAt(`${letter("发票代码")}2`)).toBe("@");
    expect(s.numberFormatAt(`${letter("发票号码")}100000`)).toBe("@");
    expect(s.numberFormatAt(`${letter("数量")}2`)).toBe("@");
    expect(s.numberFormatAt(`${letter("单价")}2`)).toBe("@");
    expect(s.numberFormatAt(`${letter("价税合计")}2`)).toBe("#,##0.00");
    expect(s.numberFormatAt(`${letter("原蓝票日期")}2`)).toBe("yyyy-mm-dd");
    expect(s.validationAt(`${letter("发票种类")}50`)).toEqual({
      list: { inCellDropDown: true, source: InvoiceKind.values.join(",") },
    });
    expect(s.validationAt(`${letter("处理路径")}2`)).toBeUndefined();
    expect(s.validationAt(`${letter("发票种类")}1`)).toBeUndefined();
    expect(s.frozenRows).toBe(1);
    expect(s.autofitCalls).toBe(1);
  });

  test("a taken name gets a number; invalid characters are replaced", () => {
    expect(uniqueSheetName("蓝票清单", ["蓝票清单", "蓝票清单 (2)"])).toBe("蓝票清单 (3)");
    expect(uniqueSheetName("2024/10 红字[确认]单", [])).toBe("2024_10 红字_确认_单");
    expect(uniqueSheetName("x".repeat(40), ["x".repeat(31)])).toBe(`${"x".repeat(27)} (2)`);
  });
});
