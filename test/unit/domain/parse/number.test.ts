import fc from "fast-check";
import { formatAmount } from "../../../../src/domain/money";
import {
  parseAmount,
  parseDecimal,
  parseInteger,
  parseQuantity,
  parseRate,
  parseUnitPrice,
  zeroRateMark,
} from "../../../../src/domain/parse";
import { plain, refusalOf, valueOf } from "./helpers";

const NEG = { allowNegative: true };

describe("parseDecimal — accepted forms", () => {
  it.each([
    ["¥1,234.50", "1234.5"],
    ["￥1,234.50", "1234.5"],
    ["1，234.50", "1234.5"],
    ["１２３", "123"],
    ["１，２３４．５６", "1234.56"],
    ["RMB 100", "100"],
    ["rmb100", "100"],
    ["CNY 100.5", "100.5"],
    ["人民币100元", "100"],
    ["100元", "100"],
    ["100 元", "100"],
    ["+5", "5"],
    ["1 234.5", "1234.5"],
    ["1\u2009234\u2009567.25", "1234567.25"], // thin spaces as thousands separators
    ["1\u00A0234", "1234"],
    ["1,234,567", "1234567"],
    [" 42 ", "42"],
    ["007", "7"],
    [".5", "0.5"],
    ["5.", "5"],
    ["0.000", "0"],
    ["12345678901234567890.123456789", "12345678901234567890.123456789"],
  ])("%j → %s", (input, expected) => {
    expect(plain(valueOf(parseDecimal(input, "金额")))).toBe(expected);
  });

  it.each([
    ["(100.00)", "-100"],
    ["（100.00）", "-100"],
    ["(¥1,234.50)", "-1234.5"],
    ["-100", "-100"],
    ["\u2212100", "-100"], // U+2212 MINUS SIGN
    ["－100", "-100"], // full-width hyphen-minus
    ["-¥5", "-5"],
    ["¥-5", "-5"],
    ["RMB -1,000.01", "-1000.01"],
  ])("negative form %j → %s", (input, expected) => {
    expect(plain(valueOf(parseDecimal(input, "金额", NEG)))).toBe(expected);
  });

  it("negative zero is zero, allowed even without allowNegative", () => {
    expect(plain(valueOf(parseDecimal("-0.00", "金额")))).toBe("0");
    expect(valueOf(parseDecimal(-0, "金额"))?.isNegative()).toBe(false);
  });

  it("converts Excel doubles by their shortest round-trip string, never by arithmetic", () => {
    expect(plain(valueOf(parseDecimal(0.1 + 0.2, "金额")))).toBe("0.30000000000000004");
    expect(plain(valueOf(parseDecimal(1.005, "金额")))).toBe("1.005");
    expect(plain(valueOf(parseDecimal(123456789.12, "金额")))).toBe("123456789.12");
    expect(plain(valueOf(parseDecimal(1e21, "金额")))).toBe("1000000000000000000000");
    expect(plain(valueOf(parseDecimal(1e-7, "金额")))).toBe("0.0000001");
    expect(plain(valueOf(parseDecimal(-2.5, "金额", NEG)))).toBe("-2.5");
  });
});

describe("parseDecimal — refused forms", () => {
  it.each([
    "1,23.4", // separator in a wrong position
    "12,34",
    "1,2345",
    "0,123", // a European decimal comma
    "1,234.5,6",
    "1.234,50",
    "1 23",
    "1,234 567", // mixed separators
    "1e3", // [decision] no exponents in text
    "1.23457E+15",
    "abc",
    "12abc",
    "$100", // another currency is a real error
    "USD 100",
    "100%",
    "--5",
    "+-5",
    "(-5)",
    "((5))",
    "-",
    ".",
    "¥",
    "Infinity",
    "NaN",
  ])("%j is NOT_A_NUMBER", (input) => {
    const r = refusalOf(parseDecimal(input, "不含税金额", NEG));
    expect(r.code).toBe("NOT_A_NUMBER");
    expect(r.message).toBe(`不含税金额不是有效的数字：“${input}”`);
  });

  it.each([
    [NaN, "NaN"],
    [Infinity, "Infinity"],
    [-Infinity, "-Infinity"],
    [true, "TRUE"],
    [false, "FALSE"],
    [new Date(Date.UTC(2024, 9, 22)), "2024-10-22"],
  ])("cell value %p is NOT_A_NUMBER shown as %s", (input, shown) => {
    const r = refusalOf(parseDecimal(input, "金额"));
    expect(r.code).toBe("NOT_A_NUMBER");
    expect(r.params?.value).toBe(shown);
  });

  it("negatives need allowNegative", () => {
    for (const input of ["-1", "(1)", "\u22121", -1]) {
      const r = refusalOf(parseDecimal(input, "数量"));
      expect(r.code).toBe("NEGATIVE_NOT_ALLOWED");
      expect(r.message).toBe(`数量不能为负数：“${String(input)}”`);
    }
  });

  it("maxDp counts significant decimals only", () => {
    expect(plain(valueOf(parseDecimal("1.500", "金额", { maxDp: 2 })))).toBe("1.5");
    const r = refusalOf(parseDecimal("1.505", "金额", { maxDp: 2 }));
    expect(r.code).toBe("TOO_MANY_DECIMALS");
    expect(r.message).toBe("金额最多保留2位小数：“1.505”");
    expect(refusalOf(parseDecimal(0.1 + 0.2, "金额", { maxDp: 2 })).code).toBe("TOO_MANY_DECIMALS");
  });

  it("min and max are inclusive exact bounds", () => {
    expect(plain(valueOf(parseDecimal("0.01", "金额", { min: "0.01", max: "100" })))).toBe("0.01");
    expect(plain(valueOf(parseDecimal("100.00", "金额", { min: "0.01", max: "100" })))).toBe("100");
    const low = refusalOf(parseDecimal("0.009", "金额", { min: "0.01", max: "100" }));
    expect(low.code).toBe("OUT_OF_RANGE");
    expect(low.message).toBe("金额超出允许范围：“0.009”（须在0.01到100之间）");
    expect(refusalOf(parseDecimal("100.0000001", "金额", { max: "100" })).message).toBe(
      "金额超出允许范围：“100.0000001”（须不大于100）"
    );
    expect(refusalOf(parseDecimal("1", "金额", { min: "2" })).params?.range).toBe("须不小于2");
  });
});

describe("parseAmount", () => {
  it("rounds typed values half-up to 2 dp on the magnitude (§1.3, §1.5)", () => {
    const amount = (v: unknown) => formatAmount(valueOf(parseAmount(v, "金额", NEG))!);
    expect(amount("1.005")).toBe("1.01");
    expect(amount("-1.005")).toBe("-1.01");
    expect(amount("0.125")).toBe("0.13");
    expect(amount("-0.065")).toBe("-0.07");
    expect(amount("2.004999")).toBe("2.00");
    expect(amount("¥1,234.5")).toBe("1234.50");
    expect(amount("（56.50）")).toBe("-56.50");
    expect(amount("-0.004")).toBe("0.00"); // never "-0.00"
  });

  it('Excel doubles: 0.1+0.2 → 0.30 and 1.005 → 1.01 (String(1.005) is "1.005")', () => {
    expect(valueOf(parseAmount(0.1 + 0.2, "金额"))!.toFixed(2)).toBe("0.30");
    expect(valueOf(parseAmount(1.005, "金额"))!.toFixed(2)).toBe("1.01");
    expect(valueOf(parseAmount(100 / 3, "金额"))!.toFixed(2)).toBe("33.33");
    expect(valueOf(parseAmount(1.15 * 100, "金额"))!.toFixed(2)).toBe("115.00"); // 114.99999999999999
  });

  it("[decision] a text cell with more than 6 decimals is refused, a number cell is not", () => {
    expect(valueOf(parseAmount("1.123456", "金额"))!.toFixed(2)).toBe("1.12");
    const r = refusalOf(parseAmount("1.1234567", "金额"));
    expect(r.code).toBe("TOO_MANY_DECIMALS");
    expect(r.message).toBe("金额最多保留2位小数：“1.1234567”");
    expect(valueOf(parseAmount(1.1234567, "金额"))!.toFixed(2)).toBe("1.12");
  });

  it("[decision, issue 8] exactDecimals: more than 2 decimals is refused, never rounded", () => {
    const EXACT = { allowNegative: true, exactDecimals: true };
    const amount = (v: unknown) => formatAmount(valueOf(parseAmount(v, "金额", EXACT))!);
    expect(amount("-1000.00")).toBe("-1000.00");
    expect(amount("2.000000")).toBe("2.00"); // trailing zeros are not decimals
    expect(amount("¥1,234.5")).toBe("1234.50");
    expect(amount(0.1 + 0.2)).toBe("0.30"); // binary noise, read at Excel's 15 digits
    expect(amount(1.15 * 100)).toBe("115.00");
    for (const typed of ["-1000.005", "1.005", "0.125", "2.004999"]) {
      const r = refusalOf(parseAmount(typed, "金额", EXACT));
      expect(r.code).toBe("TOO_MANY_DECIMALS");
      expect(r.message).toBe(`金额最多保留2位小数：“${typed}”`);
    }
    expect(refusalOf(parseAmount(-1000.005, "金额", EXACT)).message).toBe("金额最多保留2位小数：“-1000.005”");
    expect(refusalOf(parseAmount(100 / 3, "金额", EXACT)).code).toBe("TOO_MANY_DECIMALS");
  });

  it("|amount| must stay below 10^12, the protocol's (14,2)", () => {
    expect(valueOf(parseAmount("999,999,999,999.99", "价税合计"))!.toFixed(2)).toBe("999999999999.99");
    expect(valueOf(parseAmount("-999999999999.994", "价税合计", NEG))!.toFixed(2)).toBe("-999999999999.99");
    for (const input of ["1000000000000", "999999999999.995", "-1000000000000.00", 1e12]) {
      const r = refusalOf(parseAmount(input, "价税合计", NEG));
      expect(r.code).toBe("OUT_OF_RANGE");
      expect(r.message).toBe(`价税合计超出允许范围：“${String(input)}”（绝对值须小于1000000000000）`);
    }
  });

  it("negatives need allowNegative; bounds apply to the rounded value", () => {
    expect(refusalOf(parseAmount("-5", "金额")).code).toBe("NEGATIVE_NOT_ALLOWED");
    expect(valueOf(parseAmount("0.004", "金额", { min: "0" }))!.toFixed(2)).toBe("0.00");
    expect(refusalOf(parseAmount("100.006", "金额", { max: "100" })).code).toBe("OUT_OF_RANGE");
  });

  it("property: any decimal with ≤ 2 dp round-trips exactly, formatted or as an Excel double", () => {
    const cents = fc.bigInt({ min: -(10n ** 14n) + 1n, max: 10n ** 14n - 1n });
    const dp = fc.integer({ min: 0, max: 2 });
    fc.assert(
      fc.property(cents, dp, (c, places) => {
        // a decimal string with exactly `places` decimals, from an integer count of 10^-places
        const scaled = places === 2 ? c : places === 1 ? c / 10n : c / 100n;
        const neg = scaled < 0n;
        const digits = (neg ? -scaled : scaled).toString().padStart(places + 1, "0");
        const d =
          (neg ? "-" : "") + (places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`);
        const parsed = valueOf(parseAmount(d, "金额", NEG))!;
        expect(parsed.equals(d)).toBe(true);
        const formatted = formatAmount(parsed);
        expect(formatAmount(valueOf(parseAmount(formatted, "金额", NEG))!)).toBe(formatted);
        // an Excel number cell holding the same value (≤ 14 significant digits survive a double)
        expect(formatAmount(valueOf(parseAmount(Number(d), "金额", NEG))!)).toBe(formatted);
        // with thousands separators, as Excel's 会计专用 format displays it
        const grouped = formatted.replace(/\B(?=(\d{3})+(?!\d))(?=\d*\.)/g, ",");
        expect(formatAmount(valueOf(parseAmount(grouped, "金额", NEG))!)).toBe(formatted);
      }),
      { numRuns: 500 }
    );
  });
});

describe("parseQuantity / parseUnitPrice", () => {
  it("keep up to 13 decimals exactly and round beyond half-up (§1.4, §1.5)", () => {
    expect(plain(valueOf(parseQuantity("1.2345678901234", "数量")))).toBe("1.2345678901234");
    expect(plain(valueOf(parseQuantity("1.23456789012345", "数量")))).toBe("1.2345678901235");
    expect(plain(valueOf(parseQuantity("-0.00000000000005", "数量", NEG)))).toBe("-0.0000000000001");
    expect(plain(valueOf(parseUnitPrice("3.33333333333333333", "单价")))).toBe("3.3333333333333");
    expect(plain(valueOf(parseUnitPrice("¥1,000.5", "单价")))).toBe("1000.5");
    expect(plain(valueOf(parseUnitPrice(2 / 3, "单价")))).toBe("0.6666666666667");
  });

  it("carry up to 23 significant digits (10 integer + 13 decimals)", () => {
    expect(plain(valueOf(parseQuantity("9999999999.9999999999999", "数量")))).toBe(
      "9999999999.9999999999999"
    );
    for (const input of ["10000000000", "9999999999.99999999999995"]) {
      const r = refusalOf(parseQuantity(input, "数量"));
      expect(r.code).toBe("OUT_OF_RANGE");
      expect(r.message).toBe(`数量超出允许范围：“${input}”（整数部分最多10位）`);
    }
  });

  it("red quantities need allowNegative; text errors as for decimals", () => {
    expect(refusalOf(parseQuantity("-1", "数量")).code).toBe("NEGATIVE_NOT_ALLOWED");
    expect(plain(valueOf(parseQuantity("-1", "数量", NEG)))).toBe("-1");
    expect(refusalOf(parseUnitPrice("1,0", "单价")).code).toBe("NOT_A_NUMBER");
  });
});

describe("parseRate", () => {
  it.each([
    ["13%", "0.13"],
    ["0.13", "0.13"],
    ["1.5%", "0.015"],
    ["０.１３", "0.13"],
    ["１３％", "0.13"],
    ["13 %", "0.13"],
    ["0%", "0"],
    ["0", "0"],
    [".06", "0.06"],
    ["6.%", "0.06"],
    ["0.5%", "0.005"],
    ["99.9999%", "0.999999"],
    [0.13, "0.13"], // a percent-formatted cell holds the number 0.13
    [0.015, "0.015"],
    [0, "0"],
    [0.1 + 0.03, "0.13"], // 0.13000000000000003
  ])("%j → %s", (input, expected) => {
    expect(plain(valueOf(parseRate(input, "税率")))).toBe(expected);
  });

  it("[decision] 免税 / 不征税 / 零税率 are a rate of 0; zeroRateMark keeps which one", () => {
    for (const label of ["免税", "不征税", "零税率"]) {
      expect(plain(valueOf(parseRate(label, "税率")))).toBe("0");
      expect(zeroRateMark(` ${label} `)).toBe(label);
    }
    expect(zeroRateMark("0%")).toBeNull();
    expect(zeroRateMark(0)).toBeNull();
  });

  it.each([
    "13", // never guessed to mean 13%
    "6",
    "1",
    "100%",
    "113%",
    "-13%",
    "-0.13",
    "13%%",
    "%13",
    "0.1234567",
    "abc",
    "1,3%",
  ])("%j is NOT_A_RATE with the 13%% / 0.13 hint", (input) => {
    const r = refusalOf(parseRate(input, "税率"));
    expect(r.code).toBe("NOT_A_RATE");
    expect(r.message).toBe(`税率不是有效的税率：“${input}”（例：13%、0.13）`);
  });

  it("number cells ≥ 1 or negative, booleans and dates are NOT_A_RATE", () => {
    for (const input of [13, 1, -0.13, NaN, true, new Date(0)]) {
      expect(refusalOf(parseRate(input, "税率")).code).toBe("NOT_A_RATE");
    }
    expect(refusalOf(parseRate(13, "税率")).message).toBe("税率不是有效的税率：“13”（例：13%、0.13）");
  });
});

describe("parseInteger", () => {
  it.each([
    ["42", 42],
    ["４２", 42],
    ["1,000", 1000],
    ["3.00", 3],
    ["-7", -7],
    ["+7", 7],
    ["-0", 0],
    [12, 12],
    [3.0, 3],
    [-0, 0],
  ])("%j → %d", (input, expected) => {
    expect(valueOf(parseInteger(input, "序号"))).toBe(expected);
  });

  it.each(["1.5", "1e3", "abc", "1,00", "¥5"])("%j is NOT_AN_INTEGER", (input) => {
    const r = refusalOf(parseInteger(input, "序号"));
    expect(r.code).toBe("NOT_AN_INTEGER");
    expect(r.message).toBe(`序号须为整数：“${input}”`);
  });

  it("number cells with a fraction and booleans are NOT_AN_INTEGER", () => {
    expect(refusalOf(parseInteger(1.5, "序号")).code).toBe("NOT_AN_INTEGER");
    expect(refusalOf(parseInteger(true, "序号")).code).toBe("NOT_AN_INTEGER");
  });

  it("min/max are inclusive; beyond 2^53 is OUT_OF_RANGE", () => {
    expect(valueOf(parseInteger("10", "张数", { min: 1, max: 10 }))).toBe(10);
    expect(refusalOf(parseInteger("11", "张数", { min: 1, max: 10 })).message).toBe(
      "张数超出允许范围：“11”（须在1到10之间）"
    );
    expect(refusalOf(parseInteger(0, "张数", { min: 1 })).params?.range).toBe("须不小于1");
    expect(refusalOf(parseInteger("9007199254740993", "张数")).code).toBe("OUT_OF_RANGE");
  });
});
