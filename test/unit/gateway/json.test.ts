import { Dec } from "../../../src/domain/money";
import { JsonDecimal, JsonSyntaxError, parseJsonExact, stringifyJson } from "../../../src/gateway/json";

describe("stringifyJson — exact decimals on the wire", () => {
  it("writes Dec amounts with exactly 2 decimals, as JSON numbers", () => {
    expect(stringifyJson({ amount: new Dec("0.10"), name: "测试" })).toBe('{"amount":0.10,"name":"测试"}');
    expect(stringifyJson({ includeTaxAmount: new Dec("-106"), taxAmount: new Dec("-6.00") })).toBe(
      '{"includeTaxAmount":-106.00,"taxAmount":-6.00}'
    );
  });

  it("never writes -0.00", () => {
    expect(stringifyJson({ amount: new Dec("-0") })).toBe('{"amount":0.00}');
  });

  it("refuses an amount with more than 2 decimals instead of rounding silently", () => {
    expect(() => stringifyJson({ amount: new Dec("1.005") })).toThrow(RangeError);
  });

  it("writes quantities and prices digit for digit (no float, no exponent)", () => {
    const line = { quantity: new Dec("-0.0000000000001"), price: new Dec("12345678901234567.89") };
    expect(stringifyJson(line)).toBe('{"quantity":-0.0000000000001,"price":12345678901234567.89}');
  });

  it("writes JsonDecimal verbatim, including trailing zeros", () => {
    expect(stringifyJson({ price: new JsonDecimal("50.00000000"), x: JsonDecimal.amount("-50") })).toBe(
      '{"price":50.00000000,"x":-50.00}'
    );
  });

  it("refuses non-integer JS numbers (already inexact) but allows integers", () => {
    expect(() => stringifyJson({ amount: 0.1 })).toThrow(TypeError);
    expect(stringifyJson({ originalSeq: 0, pageNo: 1 })).toBe('{"originalSeq":0,"pageNo":1}');
  });

  it("keeps 20-digit invoice numbers that are strings as strings, escapes text like JSON.stringify", () => {
    expect(stringifyJson({ invoiceNum: "24330000000012345678", remark: 'a"b\n' })).toBe(
      '{"invoiceNum":"24330000000012345678","remark":"a\\"b\\n"}'
    );
  });

  it("drops undefined members and writes arrays", () => {
    expect(stringifyJson({ a: undefined, b: [new Dec("1.5"), null, "x"] })).toBe('{"b":[1.5,null,"x"]}');
  });
});

describe("parseJsonExact — numbers as exact text", () => {
  it("reads 0.10, -106.00 and 12345678901234567.89 as their source text", () => {
    const v = parseJsonExact('{"a":0.10,"b":-106.00,"c":12345678901234567.89,"d":24330000000012345678}');
    expect(v).toEqual({ a: "0.10", b: "-106.00", c: "12345678901234567.89", d: "24330000000012345678" });
  });

  it("returns JsonDecimal in decimal mode, and re-encodes byte for byte", () => {
    const text = '{"amount":-50.00,"taxRate":0.06,"list":[1,2.50],"ok":true,"n":null,"s":"测试\\u4e2d"}';
    const v = parseJsonExact(text, { numbers: "decimal" }) as Record<string, unknown>;
    expect(v.amount).toBeInstanceOf(JsonDecimal);
    expect(stringifyJson(v)).toBe(
      '{"amount":-50.00,"taxRate":0.06,"list":[1,2.50],"ok":true,"n":null,"s":"测试中"}'
    );
  });

  it("decodes escapes including surrogate pairs", () => {
    expect(parseJsonExact('"\\ud83d\\ude00\\t\\"\\/"')).toBe('😀\t"/');
  });

  it("rejects malformed JSON with position", () => {
    for (const bad of ["{", '{"a":01}', '{"a":1,}', "[1 2]", "tru", '"a', '{"a":1} x', "+1", "1."]) {
      expect(() => parseJsonExact(bad)).toThrow(JsonSyntaxError);
    }
  });

  it("does not let a __proto__ key change the prototype", () => {
    const v = parseJsonExact('{"__proto__":{"polluted":"yes"}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect((v as { polluted?: string }).polluted).toBeUndefined();
    expect(Object.keys(v)).toEqual(["__proto__"]);
  });

  it("limits nesting depth", () => {
    expect(() => parseJsonExact("[".repeat(300) + "]".repeat(300))).toThrow(/nesting/);
    expect(parseJsonExact("[".repeat(10) + "]".repeat(10), { maxDepth: 20 })).toEqual([[[[[[[[[[]]]]]]]]]]);
  });
});
