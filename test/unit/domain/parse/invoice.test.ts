import { parseInvoiceCode, parseInvoiceNumber } from "../../../../src/domain/parse";
import { refusalOf, valueOf } from "./helpers";

describe("parseInvoiceCode", () => {
  it("accepts 10 or 12 digits from text, spaces and full-width digits normalized", () => {
    expect(valueOf(parseInvoiceCode("033002300111", "发票代码"))).toBe("033002300111");
    expect(valueOf(parseInvoiceCode("3300231130", "发票代码"))).toBe("3300231130");
    expect(valueOf(parseInvoiceCode(" 0330 0230 0111 ", "发票代码"))).toBe("033002300111");
    expect(valueOf(parseInvoiceCode("０３３００２３００１１１", "发票代码"))).toBe("033002300111");
  });

  it("accepts a number cell with 10 or 12 digits", () => {
    expect(valueOf(parseInvoiceCode(3300231130, "发票代码"))).toBe("3300231130");
    expect(valueOf(parseInvoiceCode(144002300111, "发票代码"))).toBe("144002300111");
  });

  it("a number cell with 11 or 9 digits lost its leading 0: say so, ask for a text column", () => {
    const r = refusalOf(parseInvoiceCode(33002300111, "蓝票代码"));
    expect(r.code).toBe("LEADING_ZEROS_LOST");
    expect(r.message).toBe(
      "蓝票代码“33002300111”开头的0已丢失（单元格是数字格式，发票代码应为12位，现只有11位），请把该列设为文本格式后重新输入"
    );
    expect(refusalOf(parseInvoiceCode(330023113, "蓝票代码")).params?.expected).toBe(
      "发票代码应为10位，现只有9位"
    );
  });

  it.each(["03300230011", "0330023001112", "3300-231130", "33002311３O", "abc"])(
    "text %j is BAD_INVOICE_CODE",
    (input) => {
      const r = refusalOf(parseInvoiceCode(input, "发票代码"));
      expect(r.code).toBe("BAD_INVOICE_CODE");
      expect(r.message).toBe(`发票代码格式不正确：“${input}”（应为10位或12位数字）`);
    }
  );

  it("other number cells are BAD_INVOICE_CODE", () => {
    for (const input of [1234567, 3300231130.5, -3300231130, 0, true]) {
      expect(refusalOf(parseInvoiceCode(input, "发票代码")).code).toBe("BAD_INVOICE_CODE");
    }
  });
});

describe("parseInvoiceNumber", () => {
  it("税控 8 digits and 数电 20 digits as text", () => {
    expect(valueOf(parseInvoiceNumber("01234567", "发票号码"))).toBe("01234567");
    expect(valueOf(parseInvoiceNumber("24442000000123456789", "发票号码"))).toBe("24442000000123456789");
    expect(valueOf(parseInvoiceNumber("2444 2000 0001 2345 6789", "发票号码"))).toBe("24442000000123456789");
    expect(valueOf(parseInvoiceNumber("01234567", "发票号码", { kind: "taxControl" }))).toBe("01234567");
    expect(valueOf(parseInvoiceNumber("24442000000123456789", "数电票号码", { kind: "digital" }))).toBe(
      "24442000000123456789"
    );
  });

  it("kind restricts the length", () => {
    const r = refusalOf(parseInvoiceNumber("24442000000123456789", "发票号码", { kind: "taxControl" }));
    expect(r.code).toBe("BAD_INVOICE_NUMBER");
    expect(r.message).toBe(
      "发票号码格式不正确：“24442000000123456789”（税控发票为8位数字，数电发票为20位数字）"
    );
    expect(refusalOf(parseInvoiceNumber("01234567", "发票号码", { kind: "digital" })).code).toBe(
      "BAD_INVOICE_NUMBER"
    );
  });

  it.each(["1234567", "123456789", "2444200000012345678", "1234567A", "No.12345678"])(
    "text %j is BAD_INVOICE_NUMBER",
    (input) => {
      expect(refusalOf(parseInvoiceNumber(input, "发票号码")).code).toBe("BAD_INVOICE_NUMBER");
    }
  );

  it("a number cell with 8 digits is fine; fewer lost leading zeros", () => {
    expect(valueOf(parseInvoiceNumber(12345678, "发票号码"))).toBe("12345678");
    const r = refusalOf(parseInvoiceNumber(1234567, "发票号码", { kind: "taxControl" }));
    expect(r.code).toBe("LEADING_ZEROS_LOST");
    expect(r.message).toBe(
      "发票号码“1234567”开头的0已丢失（单元格是数字格式，税控发票号码应为8位，现只有7位），请把该列设为文本格式后重新输入"
    );
    expect(refusalOf(parseInvoiceNumber(1234567, "发票号码")).code).toBe("LEADING_ZEROS_LOST");
    expect(refusalOf(parseInvoiceNumber(1234567, "发票号码", { kind: "digital" })).code).toBe(
      "BAD_INVOICE_NUMBER"
    );
  });

  it("a 20-digit number cell cannot be exact: the column must be text", () => {
    // a double cannot hold these digits: that loss is the point
    const r = refusalOf(parseInvoiceNumber(Number("12345678901234567890"), "发票号码"));
    expect(r.code).toBe("DIGITS_LOST_IN_NUMBER_CELL");
    expect(r.message).toBe(
      "发票号码“12345678901234567000”超过Excel数字单元格能精确保存的15位，请把该列设为文本格式后重新输入"
    );
    expect(refusalOf(parseInvoiceNumber(24442000000123460000, "发票号码", { kind: "digital" })).code).toBe(
      "DIGITS_LOST_IN_NUMBER_CELL"
    );
    expect(refusalOf(parseInvoiceNumber(1234567890123456, "发票号码")).code).toBe(
      "DIGITS_LOST_IN_NUMBER_CELL"
    );
  });
});
