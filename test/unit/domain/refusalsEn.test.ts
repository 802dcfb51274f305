import {
  REFUSALS,
  refusal,
  refusalLanguage,
  refusalMessage,
  setRefusalLanguage,
  type RefusalCode,
} from "../../../src/domain/refusals";
import { REFUSALS_EN } from "../../../src/domain/refusals.en";
import { parseAmount, parseTaxId } from "../../../src/domain/parse";

const codes = Object.keys(REFUSALS) as RefusalCode[];
const placeholders = (s: string): string[] => [...new Set(s.match(/\{\w+\}/g) ?? [])].sort();

afterEach(() => setRefusalLanguage("zh"));

describe("the English refusal catalogue (issue 13 §8)", () => {
  it("has exactly the Chinese catalogue's codes", () => {
    expect(Object.keys(REFUSALS_EN).sort()).toEqual([...codes].sort());
  });

  it.each(codes)("%s keeps the Chinese message's placeholders", (code) => {
    expect(placeholders(REFUSALS_EN[code])).toEqual(placeholders(REFUSALS[code]));
  });

  it.each(codes)("%s is English: Chinese only inside quotes", (code) => {
    // The manuals' labels (statuses, menu paths) may stay in Chinese, quoted, after their English meaning.
    const outsideQuotes = REFUSALS_EN[code].replace(/“[^”]*”|"[^"]*"|「[^」]*」|（[^）]*）|\([^)]*\)/g, "");
    expect(outsideQuotes).not.toMatch(/[\u4e00-\u9fff]/);
    expect(REFUSALS_EN[code]).toMatch(/[A-Za-z]{3}/);
  });

  it("refusalMessage honours the language argument, then the surface's choice", () => {
    expect(refusalMessage("BATCH_LIMIT_EXCEEDED")).toBe("一次最多只能批量红冲10张");
    expect(refusalMessage("BATCH_LIMIT_EXCEEDED", {}, "en")).toBe(
      "At most 10 invoices can be reversed in one batch"
    );
    setRefusalLanguage("en");
    expect(refusalLanguage()).toBe("en");
    expect(refusal("BATCH_LIMIT_EXCEEDED").message).toBe("At most 10 invoices can be reversed in one batch");
    expect(refusalMessage("BATCH_LIMIT_EXCEEDED", {}, "zh")).toBe("一次最多只能批量红冲10张");
  });

  it("the parsers' refusals follow the language (same code either way)", () => {
    const zh = parseAmount("abc", "金额", { required: true });
    setRefusalLanguage("en");
    const en = parseAmount("abc", "金额", { required: true });
    expect(zh.ok || en.ok).toBe(false);
    if (zh.ok || en.ok) return;
    expect(en.refusal.code).toBe(zh.refusal.code);
    expect(zh.refusal.message).toMatch(/[\u4e00-\u9fff]/);
    expect(en.refusal.message).not.toBe(zh.refusal.message);
    expect(en.refusal.message.replace(/“[^”]*”|"[^"]*"|（[^）]*）|\([^)]*\)|金额/g, "")).not.toMatch(
      /[\u4e00-\u9fff]/
    );
    const tax = parseTaxId("91110108MA01XXXXX1", "购方税号", { required: true });
    expect(tax.ok).toBe(false);
    if (!tax.ok) expect(tax.refusal.message).toMatch(/[A-Za-z]{3}/);
  });
});
