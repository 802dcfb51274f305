/**
 * Module 003 — 进项发票关键要素同步 (domain-rules §5): download precheck, merge into the 全票池 with
 * its "what changed" report, Golden Tax III/IV red statuses, the flight-ticket rule (pluggable) and
 * toll invoices.
 */
import fc from "fast-check";
import {
  chinaCalendarDay,
  computeFlightTotalTaxIncl,
  DownloadedInvoice,
  flightTotalRuleApplies,
  inputDownloadPrecheck,
  isRedFlushed,
  isTollInvoiceType,
  mergeDownloadedInvoice,
  mergePlan,
  PoolInvoice,
  RED_FLUSH_STATUSES_BY_SYSTEM,
  redFlushExtent,
  STATUS_FIELDS_UPDATED_WHEN_VERIFIED,
  TOLL_INVOICES_DOWNLOADABLE,
} from "../../../src/domain/inputSync";
import { FLIGHT_TOTAL_RULE_FROM } from "../../../src/domain/inferred";
import { InputInvoiceStatus } from "../../../src/domain/labels";
import { Dec } from "../../../src/domain/money";
import { ok } from "../../../src/domain/refusals";

describe("download precheck", () => {
  it("乐企 is refused before anything else, with the manual's message", () => {
    const r = inputDownloadPrecheck({
      channel: "乐企",
      enterpriseNature: "小规模纳税人",
      deductionCheckData: true,
    });
    expect(!r.ok && r.refusal).toEqual({
      code: "LEQI_NOT_SUPPORTED",
      message: "目前此功能不支持乐企通道使用",
    });
  });

  it("a small-scale taxpayer cannot download 抵扣类勾选 data: UI wording and API wording", () => {
    const ui = inputDownloadPrecheck({
      channel: "RPA",
      enterpriseNature: "小规模纳税人",
      deductionCheckData: true,
    });
    expect(!ui.ok && ui.refusal.message).toBe(
      "小规模纳税人不支持抵扣类勾选数据下载，可根据企业在税局的信息，在星空发票云企业基础资料修改。"
    );
    const api = inputDownloadPrecheck({
      channel: "RPA",
      enterpriseNature: "小规模纳税人",
      deductionCheckData: true,
      surface: "API",
    });
    expect(!api.ok && api.refusal).toEqual({
      code: "SMALL_SCALE_NO_DEDUCTION_API",
      message: "小规模纳税人不支持抵扣类勾选",
    });
  });

  it.each([
    ["RPA", "小规模纳税人", false],
    ["RPA", "一般纳税人", true],
    ["联云托管", "一般纳税人", false],
    ["数电账号", "一般纳税人", true],
  ] as const)("%s / %s / 抵扣类 %s → task created", (channel, nature, deduction) => {
    expect(
      inputDownloadPrecheck({ channel, enterpriseNature: nature, deductionCheckData: deduction })
    ).toEqual(ok({ taskCreated: true }));
  });
});

describe("Golden Tax III vs IV red statuses", () => {
  it("III reports 红冲 only; IV reports 部分红冲 / 全额红冲", () => {
    expect(RED_FLUSH_STATUSES_BY_SYSTEM.金税三期).toEqual(["红冲"]);
    expect(RED_FLUSH_STATUSES_BY_SYSTEM.金税四期).toEqual(["部分红冲", "全额红冲"]);
  });

  it("tells reversed from not, and the extent where it is known", () => {
    const reversed = InputInvoiceStatus.values.filter(isRedFlushed);
    expect(reversed).toEqual(["红冲", "部分红冲", "全额红冲"]);
    expect(["红冲", "部分红冲", "全额红冲", "红字发票待确认"].map((s) => redFlushExtent(s as never))).toEqual(
      ["未区分", "部分", "全额", null]
    );
  });
});

describe("flight-ticket totalTaxInclAmount rule", () => {
  const FLIGHT = "数电发票（航空运输电子客票行程单）";

  it("starts on 2025-07-28 inclusive", () => {
    expect(FLIGHT_TOTAL_RULE_FROM).toBe("2025-07-28");
    expect(flightTotalRuleApplies(FLIGHT, "2025-07-28")).toBe(true);
    expect(flightTotalRuleApplies(FLIGHT, "2025-07-27 23:59:59")).toBe(false);
    expect(flightTotalRuleApplies(FLIGHT, "2025-07-28 00:00:00")).toBe(true);
    expect(flightTotalRuleApplies(FLIGHT, "2026-01-01")).toBe(true);
  });

  it("is judged in China time when the date carries an offset", () => {
    expect(flightTotalRuleApplies(FLIGHT, "2025-07-27T16:00:00Z")).toBe(true); // 2025-07-28 00:00 +08
    expect(flightTotalRuleApplies(FLIGHT, "2025-07-27T15:59:59Z")).toBe(false);
    expect(flightTotalRuleApplies(FLIGHT, "2025-07-28T00:30:00+09:00")).toBe(false); // 07-27 23:30 +08
    expect(chinaCalendarDay("20250728")).toBe("2025-07-28");
    expect(chinaCalendarDay("2025/07/28 10:00")).toBe("2025-07-28");
  });

  it("applies to type 61 only (code or label, either bracket style)", () => {
    expect(flightTotalRuleApplies("61", "2025-08-01")).toBe(true);
    expect(flightTotalRuleApplies("数电票(航空运输电子客票行程单)", "2025-08-01")).toBe(true);
    expect(flightTotalRuleApplies("数电发票（通行费发票）", "2025-08-01")).toBe(false);
    expect(flightTotalRuleApplies("59", "2025-08-01")).toBe(false);
    expect(flightTotalRuleApplies("数电发票（普通发票）", "2025-08-01")).toBe(false);
  });

  it("throws on something that is not a date rather than answering no", () => {
    expect(() => flightTotalRuleApplies(FLIGHT, "2025-02-30")).toThrow(RangeError);
    expect(() => flightTotalRuleApplies(FLIGHT, "yesterday")).toThrow(RangeError);
  });

  it("by default computes nothing and says why (the formula is not known)", () => {
    const t = computeFlightTotalTaxIncl({ invoiceType: "61", issueDate: "2025-08-01", amounts: {} });
    expect(t.applies).toBe(true);
    expect(t.applies && !t.computed.ok && t.computed.refusal.code).toBe("FLIGHT_TOTAL_RULE_UNKNOWN");
    expect(computeFlightTotalTaxIncl({ invoiceType: "61", issueDate: "2025-07-27", amounts: {} })).toEqual({
      applies: false,
    });
  });

  it("a downloaded flight ticket without a readable date: a note on it, never a thrown error mid-sync", () => {
    for (const issueDate of ["", "2025-02-30", "昨天"]) {
      const t = computeFlightTotalTaxIncl({ invoiceType: "61", issueDate, amounts: {} });
      expect(t.applies && !t.computed.ok && t.computed.refusal.message).toBe(
        `开票日期不是有效的日期：“${issueDate}”（例：2024-10-22 或 2024-10-22 10:44:24）`
      );
    }
    // Any other invoice kind does not need the date at all.
    expect(computeFlightTotalTaxIncl({ invoiceType: "01", issueDate: "", amounts: {} })).toEqual({
      applies: false,
    });
  });

  it("uses an injected formula, rounded to 2 dp half-up", () => {
    const sumAll = (t: { amounts: Readonly<Record<string, Dec>> }) =>
      ok(Object.values(t.amounts).reduce((a, v) => a.plus(v), new Dec(0)));
    const t = computeFlightTotalTaxIncl(
      {
        invoiceType: "61",
        issueDate: "2025-08-01",
        amounts: { 票价: new Dec("1000.004"), 燃油附加费: new Dec("0.001") },
      },
      sumAll
    );
    expect(t.applies && t.computed.ok && t.computed.value.toFixed(2)).toBe("1000.01");
  });
});

describe("toll invoices", () => {
  it("type 59 is recognised and downloadable (V2.0)", () => {
    expect(TOLL_INVOICES_DOWNLOADABLE).toBe(true);
    expect(isTollInvoiceType("59")).toBe(true);
    expect(isTollInvoiceType("数电发票(通行费发票)")).toBe(true);
    expect(isTollInvoiceType("61")).toBe(false);
  });
});

describe("merge into the 全票池", () => {
  const downloaded: DownloadedInvoice = {
    invoiceType: "数电发票（增值税专用发票）",
    invoiceCode: null,
    invoiceNo: "25442000000123456789",
    issueDate: "2025-10-08",
    sellerTaxId: "91440101MA5AXXXX2R",
    sellerName: "广州某某有限公司",
    amountExclTax: new Dec("1000.00"),
    tax: new Dec("130.00"),
    totalAmount: new Dec("1130.00"),
    invoiceStatus: "部分红冲",
    usagePeriod: "202510",
    selectStatus: "已勾选",
    deductionStatus: "已勾选或已认证抵扣",
    selectTime: "2025-10-20 10:00:00",
    certifyTime: null,
  };
  const verified: PoolInvoice = {
    ...downloaded,
    // 查验 gave a seller name the download spells differently; it must survive.
    sellerName: "广州某某有限公司（查验）",
    invoiceStatus: "正常",
    usagePeriod: null,
    selectStatus: "未勾选",
    deductionStatus: "未勾选",
    selectTime: null,
    verifyStatus: "已验",
  };

  it("the policy table: new → 未验 + 查验; verified → status only; unverified → refresh + 查验", () => {
    expect(mergePlan(false, false)).toEqual({ action: "INSERT", callVerificationApi: true });
    expect(mergePlan(true, true)).toEqual({ action: "UPDATE_STATUS", callVerificationApi: false });
    expect(mergePlan(true, false)).toEqual({ action: "REPLACE_AND_VERIFY", callVerificationApi: true });
  });

  it("a first-time invoice is inserted as 未验 and sent to 查验", () => {
    const m = mergeDownloadedInvoice(null, downloaded);
    expect(m.action).toBe("INSERT");
    expect(m.callVerificationApi).toBe(true);
    expect(m.record.verifyStatus).toBe("未验");
    expect(m.record.invoiceNo).toBe(downloaded.invoiceNo);
    expect(m.changes).toEqual([]);
  });

  it("a verified invoice gets its status fields only, and reports old → new", () => {
    const m = mergeDownloadedInvoice(verified, { ...downloaded, amountExclTax: new Dec("999.99") });
    expect(m.action).toBe("UPDATE_STATUS");
    expect(m.callVerificationApi).toBe(false);
    expect(m.record.sellerName).toBe("广州某某有限公司（查验）");
    expect(m.record.amountExclTax?.toFixed(2)).toBe("1000.00");
    expect(m.record.verifyStatus).toBe("已验");
    expect(m.changes.map((c) => [c.label, c.from, c.to])).toEqual([
      ["发票状态", "正常", "部分红冲"],
      ["用途属期", null, "202510"],
      ["勾选状态", "未勾选", "已勾选"],
      ["抵扣状态", "未勾选", "已勾选或已认证抵扣"],
      ["勾选时间", null, "2025-10-20 10:00:00"],
    ]);
  });

  it("updates exactly the six status fields on a verified invoice", () => {
    expect(STATUS_FIELDS_UPDATED_WHEN_VERIFIED).toEqual([
      "invoiceStatus",
      "usagePeriod",
      "selectStatus",
      "deductionStatus",
      "selectTime",
      "certifyTime",
    ]);
  });

  it("an existing unverified invoice is refreshed from the download and verified", () => {
    const stale: PoolInvoice = { ...verified, verifyStatus: "未验" };
    const m = mergeDownloadedInvoice(stale, downloaded);
    expect(m.action).toBe("REPLACE_AND_VERIFY");
    expect(m.callVerificationApi).toBe(true);
    expect(m.record.sellerName).toBe("广州某某有限公司");
    expect(m.changes.map((c) => c.label)).toContain("销方名称");
  });

  it("compares amounts exactly: 1000.0 and 1000.00 are no change", () => {
    const stale: PoolInvoice = { ...downloaded, amountExclTax: new Dec("1000.0"), verifyStatus: "未验" };
    expect(mergeDownloadedInvoice(stale, downloaded).changes).toEqual([]);
  });

  it("flight tickets on/after 2025-07-28 get a note, not an invented total, by default", () => {
    const ticket: DownloadedInvoice = { ...downloaded, invoiceType: "61", issueDate: "2025-07-28" };
    const m = mergeDownloadedInvoice(null, ticket);
    expect(m.record.totalTaxInclAmount).toBeNull();
    expect(m.notes.map((n) => n.code)).toEqual(["FLIGHT_TOTAL_RULE_UNKNOWN"]);
    expect(mergeDownloadedInvoice(null, { ...ticket, issueDate: "2025-07-27" }).notes).toEqual([]);
  });

  it("with a formula, a verified ticket's empty total is filled, an existing one is never overwritten", () => {
    const ticket: DownloadedInvoice = { ...downloaded, invoiceType: "61", issueDate: "2025-08-01" };
    const formula = () => ok(new Dec("1130.005"));
    const filled = mergeDownloadedInvoice({ ...ticket, verifyStatus: "已验" }, ticket, formula);
    expect(filled.record.totalTaxInclAmount?.toFixed(2)).toBe("1130.01");
    expect(filled.changes.map((c) => c.label)).toEqual(["价税合计（电子税局）"]);
    const kept = mergeDownloadedInvoice(
      { ...ticket, totalTaxInclAmount: new Dec("1200.00"), verifyStatus: "已验" },
      ticket,
      formula
    );
    expect(kept.record.totalTaxInclAmount?.toFixed(2)).toBe("1200.00");
    expect(kept.changes).toEqual([]);
  });

  it("property: merging into a verified invoice never changes a key element", () => {
    const status = fc.constantFrom(...InputInvoiceStatus.values);
    fc.assert(
      fc.property(status, status, fc.integer({ min: 0, max: 10 ** 9 }), (oldS, newS, cents) => {
        const existing: PoolInvoice = { ...verified, invoiceStatus: oldS };
        const dl: DownloadedInvoice = {
          ...downloaded,
          invoiceStatus: newS,
          amountExclTax: new Dec(cents).div(100),
        };
        const m = mergeDownloadedInvoice(existing, dl);
        const statusChanged = m.changes.some((c) => c.field === "invoiceStatus");
        return (
          m.record.amountExclTax!.eq(existing.amountExclTax!) &&
          m.record.sellerName === existing.sellerName &&
          m.record.invoiceStatus === newS &&
          statusChanged === (oldS !== newS)
        );
      })
    );
  });
});

describe("bureauInputStatus (§5: what the bureau reports to the buyer)", () => {
  const { bureauInputStatus } = jest.requireActual(
    "../../../src/domain/inputSync"
  ) as typeof import("../../../src/domain/inputSync");
  it.each([
    ["金税三期", "正常", false, "正常"],
    ["金税三期", "部分红冲", false, "红冲"],
    ["金税三期", "全额红冲", false, "红冲"],
    ["金税四期", "部分红冲", false, "部分红冲"],
    ["金税四期", "全额红冲", false, "全额红冲"],
    ["金税四期", "正常", true, "红字发票待确认"],
    ["金税四期", "部分红冲", true, "红字发票待确认"],
    ["金税四期", "作废", true, "作废"],
    ["金税四期", "作废中", false, "正常"],
  ] as const)("%s, blue %s, awaiting %s → %s", (system, blueStatus, awaitingConfirmation, want) => {
    expect(bureauInputStatus({ system, blueStatus, awaitingConfirmation })).toBe(want);
  });
});
