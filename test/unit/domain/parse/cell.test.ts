import { readCell } from "../../../../src/domain/parse/cell";
import { normalizeText, parseAmount, parseDate, parseText } from "../../../../src/domain/parse";

describe("normalizeText", () => {
  it("returns null for blank cells", () => {
    for (const blank of [null, undefined, "", "   ", "\u3000\u3000", "\u200B", " \uFEFF "]) {
      expect(normalizeText(blank)).toBeNull();
    }
  });

  it("converts full-width ASCII, ￥ and the ideographic space to half-width and trims", () => {
    expect(normalizeText("\u3000０１２３４５６７８９\u3000")).toBe("0123456789");
    expect(normalizeText("ＡＢＣＸＹＺ")).toBe("ABCXYZ");
    expect(normalizeText("．，－＋％（）")).toBe(".,-+%()");
    expect(normalizeText("￥１\u3000２")).toBe("\u00A51 2");
  });

  it("strips zero-width characters anywhere in the text", () => {
    expect(normalizeText("91\u200B1100\u200D00\uFEFF")).toBe("91110000");
  });

  it("unwraps exceljs rich text, hyperlinks and formula results", () => {
    expect(normalizeText({ richText: [{ text: "数电" }, { text: "发票" }] })).toBe("数电发票");
    expect(normalizeText({ text: "链接文字", hyperlink: "https://example.com" })).toBe("链接文字");
    expect(normalizeText({ text: { richText: [{ text: "富" }, { text: "文本" }] }, hyperlink: "x" })).toBe(
      "富文本"
    );
    expect(normalizeText({ formula: "A1*2", result: 42 })).toBe("42");
    expect(normalizeText({ sharedFormula: "B2", result: "ｘ" })).toBe("x");
    expect(normalizeText({ formula: "A1" })).toBeNull(); // never calculated
  });

  it("prints numbers, booleans and Dates the way the cell shows them", () => {
    expect(normalizeText(1.5)).toBe("1.5");
    expect(normalizeText(true)).toBe("TRUE");
    expect(normalizeText(new Date(Date.UTC(2024, 9, 22)))).toBe("2024-10-22");
    expect(normalizeText(new Date(Date.UTC(2024, 9, 22, 10, 44, 24)))).toBe("2024-10-22 10:44:24");
  });
});

describe("cell values every parser treats alike", () => {
  it("blank is null when optional and FIELD_REQUIRED naming the field when required", () => {
    expect(parseAmount("  ", "不含税金额")).toEqual({ ok: true, value: null });
    const r = parseAmount(undefined, "不含税金额", { required: true });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.refusal.code).toBe("FIELD_REQUIRED");
      expect(r.refusal.message).toBe("不含税金额不能为空");
    }
  });

  it("an Excel error value is CELL_ERROR_VALUE, from Office.js strings and exceljs error objects", () => {
    for (const [input, shown] of [
      ["#N/A", "#N/A"],
      ["#DIV/0!", "#DIV/0!"],
      [{ error: "#REF!" }, "#REF!"],
      [{ formula: "1/0", result: { error: "#DIV/0!" } }, "#DIV/0!"],
    ] as const) {
      for (const r of [parseAmount(input, "税额"), parseText(input, "税额"), parseDate(input, "税额")]) {
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.refusal.code).toBe("CELL_ERROR_VALUE");
          expect(r.refusal.message).toBe(`税额的单元格是错误值“${shown}”，请先修正该单元格的公式或内容`);
        }
      }
    }
  });

  it("a formula without a cached result is not read as blank: the field says it has no calculated value", () => {
    const r = parseAmount({ formula: "B2*0.13" }, "金额", { required: true });
    expect(r.ok ? null : [r.refusal.code, r.refusal.message]).toEqual([
      "CELL_FORMULA_NOT_CALCULATED",
      "金额的单元格是公式“=B2*0.13”，但文件里没有它的计算结果（生成文件的程序没有计算公式）：请在 Excel 中打开文件、保存后再引入，或把公式改为数值",
    ]);
    expect(readCell({ formula: "B2*0.13" })).toEqual({ kind: "uncalculated", shown: "=B2*0.13" });
  });

  it("reads a formula's cached result as the cell value", () => {
    const r = parseAmount({ formula: "A1+B1", result: 0.1 + 0.2 }, "金额");
    expect(r.ok && r.value?.toFixed(2)).toBe("0.30");
  });

  it("quotes long values clipped to 40 characters", () => {
    const long = "一".repeat(60);
    const r = parseAmount(long, "金额");
    expect(!r.ok && r.refusal.message).toBe(`金额不是有效的数字：“${"一".repeat(40)}…”`);
  });
});
