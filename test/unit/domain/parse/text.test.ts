import { InvoiceKind, RedReason, Role } from "../../../../src/domain/labels";
import { gbkByteLength, parseBoolean, parseLabel, parseText } from "../../../../src/domain/parse";
import { sameCompanyName, unsafeCharIn } from "../../../../src/domain/parse/text";
import { refusalOf, valueOf } from "./helpers";

describe("parseText", () => {
  it.each([
    ["NUL", "办公\u0000用品", "U+0000"],
    ["a right-to-left override", "办公\u202E品用", "U+202E"],
    ["an unpaired surrogate", "办公\uD800用品", "U+D800"],
    ["ESC", "\u001B[31m红\u001B[0m", "U+001B"],
    ["a right-to-left mark", "办公\u200F用品", "U+200F"],
  ])("refuses %s on the cell, naming the character (issue 11 D10)", (_label, text, char) => {
    const r = refusalOf(parseText(text, "货物或应税劳务名称"));
    expect(r.code).toBe("TEXT_UNSAFE_CHARACTER");
    expect(r.message).toBe(`货物或应税劳务名称含有不可见的控制字符或方向控制符（${char}），请删除后重新输入`);
  });

  it("line breaks, tabs and characters outside the BMP are text", () => {
    expect(valueOf(parseText("第一行\n第二行\t📦", "备注"))).toBe("第一行\n第二行\t📦");
    expect(unsafeCharIn("𠀀𪚥")).toBeUndefined();
  });

  it("trims and strips zero-width characters but keeps full-width characters", () => {
    expect(valueOf(parseText("  北京某某科技（集团）有限公司\u200B\u3000", "购方名称"))).toBe(
      "北京某某科技（集团）有限公司"
    );
    expect(valueOf(parseText("ＡＢＣ", "备注"))).toBe("ＡＢＣ");
  });

  it("reads numbers, booleans and Dates as the cell shows them", () => {
    expect(valueOf(parseText(13800138000, "交付手机"))).toBe("13800138000");
    expect(valueOf(parseText(1.5, "规格型号"))).toBe("1.5");
    expect(valueOf(parseText(true, "备注"))).toBe("TRUE");
    expect(valueOf(parseText(new Date(Date.UTC(2024, 9, 22)), "备注"))).toBe("2024-10-22");
  });

  it("a long digit string in a number cell has lost digits", () => {
    // a double cannot hold these digits: that loss is the point
    expect(refusalOf(parseText(Number("6222021234567890123"), "银行账号")).code).toBe(
      "DIGITS_LOST_IN_NUMBER_CELL"
    );
  });

  it("max counts characters (code points)", () => {
    expect(valueOf(parseText("红冲原因", "备注", { max: 4 }))).toBe("红冲原因");
    expect(valueOf(parseText("😀😀", "备注", { max: 2 }))).toBe("😀😀");
    const r = refusalOf(parseText("红冲原因说明", "备注", { max: 4 }));
    expect(r.code).toBe("TEXT_TOO_LONG");
    expect(r.message).toBe("备注超过最大长度4个字符：“红冲原因说明”");
  });

  it("maxGbkBytes counts 2 bytes per 汉字 and 1 per ASCII character", () => {
    expect(gbkByteLength("abc")).toBe(3);
    expect(gbkByteLength("规格A1")).toBe(6);
    expect(gbkByteLength("（）")).toBe(4);
    expect(gbkByteLength("😀")).toBe(4);
    expect(valueOf(parseText("一".repeat(20), "规格型号", { maxGbkBytes: 40 }))).toBe("一".repeat(20));
    expect(valueOf(parseText("一".repeat(19) + "AB", "规格型号", { maxGbkBytes: 40 }))).toBe(
      "一".repeat(19) + "AB"
    );
    const r = refusalOf(parseText("一".repeat(20) + "A", "规格型号", { maxGbkBytes: 40 }));
    expect(r.code).toBe("TEXT_TOO_LONG");
    expect(r.message).toBe(`规格型号超过最大长度40字节（汉字按2字节计）：“${"一".repeat(20)}A”`);
  });

  it("blank and required", () => {
    expect(valueOf(parseText("\u3000", "备注"))).toBeNull();
    expect(refusalOf(parseText("", "购方名称", { required: true })).code).toBe("FIELD_REQUIRED");
  });

  it("an unrecognized object is refused, not printed", () => {
    expect(refusalOf(parseText({ foo: 1 }, "备注")).code).toBe("CELL_ERROR_VALUE");
  });
});

describe("parseLabel", () => {
  it("returns the canonical label, variants mapped by the set", () => {
    expect(valueOf(parseLabel(" 销售退回 ", "红冲原因", RedReason))).toBe("销售退回");
    expect(valueOf(parseLabel("销货退回", "红冲原因", RedReason))).toBe("销售退回");
    expect(valueOf(parseLabel("服务中止", "红冲原因", RedReason))).toBe("服务终止");
    expect(valueOf(parseLabel("我是购方", "身份", Role))).toBe("购方");
  });

  it("matches labels with full-width brackets as typed or in half-width", () => {
    expect(valueOf(parseLabel("数电发票（普通发票）", "发票种类", InvoiceKind))).toBe("数电发票（普通发票）");
    expect(valueOf(parseLabel("数电发票(增值税专用发票)", "发票种类", InvoiceKind))).toBe(
      "数电发票（增值税专用发票）"
    );
    expect(
      valueOf(parseLabel({ richText: [{ text: "数电" }, { text: "专票" }] }, "发票种类", InvoiceKind))
    ).toBe("数电发票（增值税专用发票）");
  });

  it("BAD_ENUM lists the allowed labels", () => {
    const r = refusalOf(parseLabel("退货", "红冲原因", RedReason));
    expect(r.code).toBe("BAD_ENUM");
    expect(r.message).toBe("红冲原因的值“退货”无效，可选：开票有误、销售折让、销售退回、服务终止");
    expect(refusalOf(parseLabel(1, "红冲原因", RedReason)).code).toBe("BAD_ENUM");
    expect(refusalOf(parseLabel(true, "红冲原因", RedReason)).code).toBe("BAD_ENUM");
  });

  it("blank and required", () => {
    expect(valueOf(parseLabel("", "红冲原因", RedReason))).toBeNull();
    expect(refusalOf(parseLabel(null, "红冲原因", RedReason, { required: true })).message).toBe(
      "红冲原因不能为空"
    );
  });
});

describe("parseBoolean", () => {
  it.each([
    ["是", true],
    ["否", false],
    ["Y", true],
    ["n", false],
    ["Yes", true],
    ["NO", false],
    ["TRUE", true],
    ["false", false],
    ["1", true],
    ["0", false],
    ["１", true],
    [true, true],
    [false, false],
    [1, true],
    [0, false],
  ])("%j → %s", (input, expected) => {
    expect(valueOf(parseBoolean(input, "是否含税"))).toBe(expected);
  });

  it.each(["对", "2", "yes please", 2, 0.5])("%j is BAD_BOOLEAN", (input) => {
    const r = refusalOf(parseBoolean(input, "是否含税"));
    expect(r.code).toBe("BAD_BOOLEAN");
    expect(r.message).toBe(`是否含税须为“是”或“否”：“${String(input)}”`);
  });
});

describe("sameCompanyName (issue 11 D13)", () => {
  it.each([
    ["北京某某科技（集团）有限公司", "北京某某科技(集团)有限公司"],
    [" 北京某某 科技有限公司 ", "北京某某科技有限公司"],
    ["ＡＢＣ贸易有限公司", "abc贸易有限公司"],
  ])("%s = %s", (a, b) => expect(sameCompanyName(a, b)).toBe(true));
  it("another company is another name", () => {
    expect(sameCompanyName("北京某某科技有限公司", "北京某某科技股份有限公司")).toBe(false);
  });
});
