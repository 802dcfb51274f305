/**
 * Module 000 — 发票红冲 (domain-rules §2, §9 A1, A3): routing, the 红冲 button, the batch limit,
 * the remaining-reversible check, the single-click rule, batch partial success and the preflight.
 */
import fc from "fast-check";
import { RED_FLUSH_BATCH_LIMIT } from "../../../src/domain/inferred";
import { BlueInvoiceStatus, InvoiceKind } from "../../../src/domain/labels";
import { Dec, formatAmount } from "../../../src/domain/money";
import {
  availableAfterPending,
  batchRedFlush,
  canRedFlushInvoice,
  checkBatchSize,
  checkRemainingReversible,
  preflight,
  routeRedFlush,
  routeRedFlushLabel,
  singleRedFlushClick,
} from "../../../src/domain/redFlush";
import { REFUSALS } from "../../../src/domain/refusals";

const code = (r: { ok: boolean; refusal?: { code: string } }): string | null =>
  r.ok ? null : r.refusal!.code;

describe("routing by invoice kind (§2)", () => {
  it.each([
    ["增值税普通发票", "发票红冲详情页"],
    ["增值税电子普通发票", "发票红冲详情页"],
    ["增值税专用发票", "红字信息表申请页"],
    ["增值税电子专用发票", "红字信息表申请页"],
    ["数电发票（普通发票）", "红字确认单申请页"],
    ["数电发票（增值税专用发票）", "红字确认单申请页"],
  ] as const)("%s → %s", (kind, target) => {
    expect(routeRedFlush(kind)).toBe(target);
  });

  it("accepts the manuals' variants and refuses unknown kinds with the label in the message", () => {
    expect(routeRedFlushLabel("电子专票")).toEqual({ ok: true, value: "红字信息表申请页" });
    expect(routeRedFlushLabel("数电发票(普通发票)")).toEqual({ ok: true, value: "红字确认单申请页" });
    const r = routeRedFlushLabel("机动车销售统一发票");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.refusal.code).toBe("UNKNOWN_INVOICE_KIND");
    expect(!r.ok && r.refusal.message).toBe("无法识别的发票种类：机动车销售统一发票");
  });

  it("covers every kind of the label set", () => {
    for (const k of InvoiceKind.values) expect(routeRedFlush(k)).toMatch(/页$/);
  });
});

describe("红冲 button precondition (§2, §9 A3)", () => {
  it.each([
    ["正常", "0.01", null],
    ["部分红冲", "100.00", null],
    ["全额红冲", "100.00", "INVOICE_STATUS_NOT_REVERSIBLE"],
    ["作废", "100.00", "INVOICE_STATUS_NOT_REVERSIBLE"],
    ["作废中", "100.00", "INVOICE_STATUS_NOT_REVERSIBLE"],
    ["正常", "0.00", "NO_REVERSIBLE_AMOUNT"],
    ["部分红冲", "0", "NO_REVERSIBLE_AMOUNT"],
    // A status that is not reversible is reported before the amount.
    ["作废", "0.00", "INVOICE_STATUS_NOT_REVERSIBLE"],
    ["正 常", "1.00", "INVOICE_STATUS_NOT_REVERSIBLE"],
  ])("%s with 可红冲金额 %s → %s", (status, amount, want) => {
    expect(code(canRedFlushInvoice(status, amount))).toBe(want);
  });

  it("only 正常 and 部分红冲 of the status list are reversible", () => {
    const allowed = BlueInvoiceStatus.values.filter((s) => canRedFlushInvoice(s, "1.00").ok);
    expect(allowed).toEqual(["正常", "部分红冲"]);
  });
});

describe("batch limit (§2: 一次最多只能批量红冲10张)", () => {
  it("allows 10 and refuses 11 (EX-13 refuses 12) with the manual's message", () => {
    expect(RED_FLUSH_BATCH_LIMIT).toBe(10);
    expect(checkBatchSize(10)).toEqual({ ok: true, value: true });
    expect(checkBatchSize(1)).toEqual({ ok: true, value: true });
    for (const n of [11, 12]) {
      const r = checkBatchSize(n);
      expect(!r.ok && r.refusal).toEqual({
        code: "BATCH_LIMIT_EXCEEDED",
        message: "一次最多只能批量红冲10张",
      });
    }
  });
});

describe("remaining-reversible check (§9 A1)", () => {
  it("EX-09: exactly the available amount is allowed", () => {
    const c = checkRemainingReversible("100.00", ["-40.00"], "60.00");
    expect(c.allowed).toBe(true);
    expect(formatAmount(c.available)).toBe("60.00");
    expect(c.refusal).toBeUndefined();
  });

  it("EX-10: one cent more is refused with the manual's message", () => {
    const c = checkRemainingReversible("100.00", ["-40.00"], "60.01");
    expect(c.allowed).toBe(false);
    expect(formatAmount(c.available)).toBe("60.00");
    expect(c.refusal).toEqual({ code: "INSUFFICIENT_REMAINING", message: REFUSALS.INSUFFICIENT_REMAINING });
    expect(c.refusal!.message).toBe(
      "剩余可红冲金额不足。开票管理→待开发票页面中可能存在本发票的未开票的数据，请先处理。"
    );
  });

  it("a full reversal with nothing pending passes (the literal strict '<' would refuse it)", () => {
    expect(checkRemainingReversible("100.00", [], "100.00").allowed).toBe(true);
    expect(checkRemainingReversible("100.00", [], "100.01").allowed).toBe(false);
  });

  it("accepts either sign on every amount (magnitudes)", () => {
    expect(checkRemainingReversible("-100.00", ["40.00"], "-60.00").allowed).toBe(true);
    expect(checkRemainingReversible("100.00", ["-40.00", "20.00"], "-40.01").allowed).toBe(false);
    expect(formatAmount(checkRemainingReversible("100.00", ["-40.00", "20.00"], "-40.00").available)).toBe(
      "40.00"
    );
  });

  it("is exact where doubles are not: 0.10 + 0.10 + 0.10 ≤ 0.30 and 0.010 − 0.009 = 0.001", () => {
    // In doubles 0.1 + 0.1 + 0.1 = 0.30000000000000004 > 0.3 and this full use would be refused.
    expect(checkRemainingReversible("0.30", ["0.10", "0.10"], "0.10").allowed).toBe(true);
    expect(checkRemainingReversible("0.010", ["0.009"], "0.001").allowed).toBe(true);
    expect(checkRemainingReversible("0.010", ["0.009"], "0.0010000000000000009").allowed).toBe(false);
    expect(checkRemainingReversible("0.010", ["0.009"], "0.001").available.toString()).toBe("0.001");
  });

  it("refuses a zero request as non-positive", () => {
    const c = checkRemainingReversible("100.00", [], "0.00");
    expect(c.allowed).toBe(false);
    expect(c.refusal).toEqual({
      code: "NON_POSITIVE",
      message: "本次红冲金额须大于0",
      params: { field: "本次红冲金额" },
    });
  });

  it("shows available as 0.00 (never negative) when pending reds exceed the reversible amount", () => {
    const c = checkRemainingReversible("100.00", ["-70.00", "-50.00"], "0.01");
    expect(c.allowed).toBe(false);
    expect(formatAmount(c.available)).toBe("0.00");
    expect(formatAmount(c.pendingExcess)).toBe("20.00");
    expect(availableAfterPending("100.00", ["-100.00"])).toEqual({
      available: new Dec(0),
      pendingExcess: new Dec(0),
    });
  });

  const cents = (max: number) => fc.integer({ min: 0, max }).map((n) => new Dec(n).div(100));

  it("property: partial reds accepted one after another never sum above the reversible amount", () => {
    fc.assert(
      fc.property(cents(1_000_000), fc.array(cents(500_000), { maxLength: 30 }), (reversible, requests) => {
        const pending: Dec[] = [];
        for (const req of requests) {
          if (checkRemainingReversible(reversible, pending, req).allowed) pending.push(req.negated());
        }
        const total = pending.reduce((a, p) => a.plus(p.abs()), new Dec(0));
        return total.lte(reversible);
      })
    );
  });

  it("property: allowed ⇔ 0 < request ≤ available, and available never below 0", () => {
    fc.assert(
      fc.property(
        cents(100_000),
        fc.array(cents(50_000), { maxLength: 5 }),
        cents(100_000),
        (rev, pend, req) => {
          const c = checkRemainingReversible(rev, pend, req);
          const expected = req.gt(0) && req.lte(c.available) && c.pendingExcess.isZero();
          return c.allowed === expected && !c.available.isNegative();
        }
      )
    );
  });
});

describe("single red-flush click (§2)", () => {
  it("a pending red of the same amount as 可红冲金额 keeps the page closed", () => {
    const r = singleRedFlushClick("100.00", ["-100.00"]);
    expect(r.entersPage).toBe(false);
    expect(!r.entersPage && r.refusal.code).toBe("DUPLICATE_PENDING_SAME_AMOUNT");
  });

  it("opens with the full 可红冲金额 when nothing is pending; the default then passes", () => {
    const r = singleRedFlushClick("100.00", []);
    expect(r.entersPage).toBe(true);
    if (!r.entersPage) return;
    expect(formatAmount(r.defaultRequestAmount)).toBe("100.00");
    expect(r.submitWithDefault.allowed).toBe(true);
    expect(formatAmount(r.submitWithDefault.available)).toBe("100.00");
  });

  it("opens when pending differs by a cent, but submitting the default is then refused", () => {
    const r = singleRedFlushClick("100.00", ["-99.99"]);
    expect(r.entersPage).toBe(true);
    if (!r.entersPage) return;
    expect(formatAmount(r.defaultRequestAmount)).toBe("100.00");
    expect(r.submitWithDefault.allowed).toBe(false);
    expect(r.submitWithDefault.refusal?.code).toBe("INSUFFICIENT_REMAINING");
    expect(formatAmount(r.submitWithDefault.available)).toBe("0.01");
  });

  it("compares exactly: 100.00 and 100 are the same amount, 100.001 is not", () => {
    expect(singleRedFlushClick("100.00", ["100"]).entersPage).toBe(false);
    expect(singleRedFlushClick("100.00", ["100.001"]).entersPage).toBe(true);
  });

  it("with nothing to reverse there is no page", () => {
    const r = singleRedFlushClick("0.00", []);
    expect(!r.entersPage && r.refusal.code).toBe("NO_REVERSIBLE_AMOUNT");
  });
});

describe("batch red-flush (§2: each invoice on its own)", () => {
  it("processes passing invoices and lists the rest, both in input order, with the pop-up", () => {
    const out = batchRedFlush([
      { no: "A", reversibleAmount: "100.00", pendingRedAmounts: [], requestAmount: "100.00" },
      { no: "B", reversibleAmount: "100.00", pendingRedAmounts: ["-40.00"], requestAmount: "60.01" },
      { no: "C", reversibleAmount: "100.00", pendingRedAmounts: ["-40.00"], requestAmount: "60.00" },
      { no: "D", reversibleAmount: "50.00", pendingRedAmounts: ["-50.00"] },
    ]);
    expect(out.refusal).toBeUndefined();
    expect(out.processed).toEqual(["A", "C"]);
    expect(out.rejected.map((r) => [r.no, r.refusal.code])).toEqual([
      ["B", "INSUFFICIENT_REMAINING"],
      ["D", "INSUFFICIENT_REMAINING"],
    ]);
    expect(out.popupShown).toBe(true);
  });

  it("shows no pop-up when everything passes", () => {
    const out = batchRedFlush([{ no: 1, reversibleAmount: "10.00", pendingRedAmounts: [] }]);
    expect(out).toEqual({ processed: [1], rejected: [], popupShown: false });
  });

  it("checks the button precondition first when the status is known", () => {
    const out = batchRedFlush([
      { no: "X", status: "作废", reversibleAmount: "10.00", pendingRedAmounts: [] },
      { no: "Y", status: "部分红冲", reversibleAmount: "10.00", pendingRedAmounts: [] },
    ]);
    expect(out.processed).toEqual(["Y"]);
    expect(out.rejected[0].refusal.code).toBe("INVOICE_STATUS_NOT_REVERSIBLE");
  });

  it("refuses 11 invoices before anything runs", () => {
    const eleven = Array.from({ length: 11 }, (_, i) => ({
      no: i,
      reversibleAmount: "1.00",
      pendingRedAmounts: [] as string[],
    }));
    const out = batchRedFlush(eleven);
    expect(out.refusal?.code).toBe("BATCH_LIMIT_EXCEEDED");
    expect(out.processed).toEqual([]);
    expect(out.rejected).toEqual([]);
    expect(batchRedFlush(eleven.slice(0, 10)).processed).toHaveLength(10);
  });

  it("property: processed and rejected partition the input in order", () => {
    const inv = fc.record({
      no: fc.uuid(),
      reversibleAmount: fc.integer({ min: 0, max: 10_000 }).map((n) => (n / 100).toFixed(2)),
      pendingRedAmounts: fc.array(
        fc.integer({ min: 0, max: 5_000 }).map((n) => (n / 100).toFixed(2)),
        {
          maxLength: 3,
        }
      ),
      requestAmount: fc.integer({ min: 0, max: 10_000 }).map((n) => (n / 100).toFixed(2)),
    });
    fc.assert(
      fc.property(fc.array(inv, { maxLength: 10 }), (invoices) => {
        const out = batchRedFlush(invoices);
        const seen = [...out.processed, ...out.rejected.map((r) => r.no)];
        const order = invoices.map((i) => i.no);
        const inOrder = (xs: readonly string[]) =>
          xs.every((x, k) => k === 0 || order.indexOf(xs[k - 1]) < order.indexOf(x));
        return (
          seen.length === invoices.length &&
          new Set(seen).size === new Set(order).size &&
          inOrder(out.processed) &&
          inOrder(out.rejected.map((r) => r.no)) &&
          out.popupShown === out.rejected.length > 0
        );
      })
    );
  });
});

describe("preflight for a task pane", () => {
  it("gives per row eligibility or the exact refusal, its route and the batch check", () => {
    const p = preflight([
      { no: "1", kind: "电子普票", status: "正常", reversibleAmount: "100.00", pendingRedAmounts: [] },
      { no: "2", kind: "增值税专用发票", status: "作废", reversibleAmount: "100.00", pendingRedAmounts: [] },
      {
        no: "3",
        kind: "数电发票（普通发票）",
        status: "部分红冲",
        reversibleAmount: "100.00",
        pendingRedAmounts: ["-40.00"],
        requestAmount: "60.01",
      },
      { no: "4", kind: "卷票", status: "正常", reversibleAmount: "1.00", pendingRedAmounts: [] },
    ]);
    expect(p.batch.ok).toBe(true);
    expect(p.rows.map((r) => [r.no, r.eligible, r.refusal?.code ?? null, r.route ?? null])).toEqual([
      ["1", true, null, "发票红冲详情页"],
      ["2", false, "INVOICE_STATUS_NOT_REVERSIBLE", "红字信息表申请页"],
      ["3", false, "INSUFFICIENT_REMAINING", "红字确认单申请页"],
      ["4", false, "UNKNOWN_INVOICE_KIND", null],
    ]);
    expect(formatAmount(p.rows[0].requestAmount)).toBe("100.00");
    expect(formatAmount(p.rows[2].available)).toBe("60.00");
    expect([p.eligibleCount, p.refusedCount]).toEqual([1, 3]);
  });

  it("still evaluates every row when the selection is too large", () => {
    const rows = Array.from({ length: 11 }, (_, i) => ({
      no: i,
      kind: "增值税普通发票",
      status: "正常",
      reversibleAmount: "1.00",
      pendingRedAmounts: [],
    }));
    const p = preflight(rows);
    expect(!p.batch.ok && p.batch.refusal.code).toBe("BATCH_LIMIT_EXCEEDED");
    expect(p.rows.every((r) => r.eligible)).toBe(true);
  });
});
