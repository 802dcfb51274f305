/**
 * Issue 10 item 6 — 数电飞机票: the bureau's own type names are recognised by flightTotalRuleApplies,
 * the 价税合计（电子税局） rule stays pluggable, and the merge flags the row (poolRowNote) so the
 * 进项发票池 says the value follows the bureau's rule.
 */
import {
  DownloadedInvoice,
  FLIGHT_TICKET_BUREAU_LABELS,
  flightTotalRuleApplies,
  isFlightTicketType,
  mergeDownloadedInvoice,
  poolRowNote,
} from "../../../src/domain/inputSync";
import { FLIGHT_TOTAL_POOL_NOTE } from "../../../src/domain/inferred";
import { Dec, formatAmount } from "../../../src/domain/money";
import { ok, refusalMessage } from "../../../src/domain/refusals";

const ticket: DownloadedInvoice = {
  invoiceType: "电子发票（航空运输电子客票行程单）",
  invoiceCode: null,
  invoiceNo: "25310000000000880009",
  issueDate: "2025-07-28 00:00:00",
  sellerTaxId: "91310000132200821H",
  sellerName: "某某航空股份有限公司",
  amountExclTax: new Dec("1000.00"),
  tax: new Dec("90.00"),
  totalAmount: new Dec("1090.00"),
  invoiceStatus: "正常",
  usagePeriod: null,
  selectStatus: null,
  deductionStatus: null,
  selectTime: null,
  certifyTime: null,
};

describe("the bureau's names of the flight itinerary", () => {
  it.each([
    "电子发票（航空运输电子客票行程单）",
    "航空运输电子客票行程单",
    "电子发票(航空运输电子客票行程单)",
    " 航空运输电子客票行程单 ",
    "数电发票（航空运输电子客票行程单）",
    "61",
  ])("%s is a flight ticket", (t) => {
    expect(isFlightTicketType(t)).toBe(true);
    expect(flightTotalRuleApplies(t, "2025-07-28")).toBe(true);
    expect(flightTotalRuleApplies(t, "2025-07-27 23:59:59")).toBe(false);
  });

  it("lists exactly the two bureau labels", () => {
    expect(FLIGHT_TICKET_BUREAU_LABELS).toEqual([
      "电子发票（航空运输电子客票行程单）",
      "航空运输电子客票行程单",
    ]);
  });

  it.each(["数电发票（通行费发票）", "电子发票（铁路电子客票）", "航空运输"])("%s is not", (t) => {
    expect(isFlightTicketType(t)).toBe(false);
  });
});

describe("the pool row is flagged", () => {
  const unknown = refusalMessage("FLIGHT_TOTAL_RULE_UNKNOWN");

  it("a bureau-labelled ticket ≥ 2025-07-28: empty total, the note and why", () => {
    const m = mergeDownloadedInvoice(null, ticket);
    expect(m.flightTotalRule).toBe(true);
    expect(m.record.totalTaxInclAmount).toBeNull();
    expect(m.notes.map((n) => n.code)).toEqual(["FLIGHT_TOTAL_RULE_UNKNOWN"]);
    expect(poolRowNote(m)).toBe(`${FLIGHT_TOTAL_POOL_NOTE}；${unknown}`);
    expect(FLIGHT_TOTAL_POOL_NOTE).toBe(
      "数电飞机票（开票日期2025年7月28日及以后）：价税合计（电子税局）按税局规则计算（公式以税局为准）"
    );
  });

  it("with a plugged formula the value is 2 dp half-up and the row still says which rule made it", () => {
    const m = mergeDownloadedInvoice(null, { ...ticket, invoiceType: "航空运输电子客票行程单" }, () =>
      ok(new Dec("1090.005"))
    );
    expect(formatAmount(m.record.totalTaxInclAmount as Dec)).toBe("1090.01");
    expect(m.notes).toEqual([]);
    expect(poolRowNote(m)).toBe(FLIGHT_TOTAL_POOL_NOTE);
  });

  it("before 2025-07-28 and any other invoice: no flag, no note", () => {
    const early = mergeDownloadedInvoice(null, { ...ticket, issueDate: "2025-07-27" });
    expect([early.flightTotalRule, poolRowNote(early)]).toEqual([false, ""]);
    const other = mergeDownloadedInvoice(null, { ...ticket, invoiceType: "数电发票（普通发票）" });
    expect([other.flightTotalRule, poolRowNote(other)]).toEqual([false, ""]);
  });
});
