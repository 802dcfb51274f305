import {
  collectErrors,
  parseAmount,
  parseDate,
  parseLabel,
  parseRate,
  parseTaxId,
} from "../../../../src/domain/parse";
import { RedReason } from "../../../../src/domain/labels";

const spec = {
  reason: {
    field: "红冲原因",
    parse: (v: unknown, f: string) => parseLabel(v, f, RedReason, { required: true }),
  },
  amount: {
    field: "不含税金额",
    parse: (v: unknown, f: string) => parseAmount(v, f, { required: true, allowNegative: true }),
  },
  rate: { field: "税率", parse: (v: unknown, f: string) => parseRate(v, f, { required: true }) },
  buyerTaxId: { field: "购方税号", parse: (v: unknown, f: string) => parseTaxId(v, f) },
  issueDate: {
    field: "原蓝票开票日期",
    parse: (v: unknown, f: string) => parseDate(v, f, { withTime: true }),
  },
};

describe("collectErrors", () => {
  it("returns every value of a good row", () => {
    const r = collectErrors(
      {
        reason: "销货退回",
        amount: "(1,000.005)",
        rate: "13%",
        buyerTaxId: "91110000600037341l",
        issueDate: 45587.5,
      },
      spec
    );
    expect(r.ok).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.values.reason).toBe("销售退回");
    expect(r.values.amount?.toFixed(2)).toBe("-1000.01");
    expect(r.values.rate?.toFixed()).toBe("0.13");
    expect(r.values.buyerTaxId).toBe("91110000600037341L");
    expect(r.values.issueDate).toBe("2024-10-22 12:00:00");
  });

  it("reports ALL failing fields of a row, in spec order, and keeps the good values", () => {
    const r = collectErrors(
      { reason: "退货", amount: "1,23", rate: "13", buyerTaxId: "", issueDate: "2023-02-29" },
      spec
    );
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => [e.key, e.field, e.refusal.code])).toEqual([
      ["reason", "红冲原因", "BAD_ENUM"],
      ["amount", "不含税金额", "NOT_A_NUMBER"],
      ["rate", "税率", "NOT_A_RATE"],
      ["issueDate", "原蓝票开票日期", "NOT_A_DATE"],
    ]);
    expect(r.values).toEqual({ buyerTaxId: null });
  });

  it("reads an array row by column index", () => {
    const r = collectErrors(["13%", "", 100], {
      rate: { field: "税率", at: 0, parse: (v, f) => parseRate(v, f) },
      amount: { field: "金额", at: 2, parse: (v, f) => parseAmount(v, f) },
      missing: { field: "税额", at: 1, parse: (v, f) => parseAmount(v, f, { required: true }) },
    });
    expect(r.values.rate?.toFixed()).toBe("0.13");
    expect(r.values.amount?.toFixed(2)).toBe("100.00");
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].refusal.message).toBe("税额不能为空");
  });
});
