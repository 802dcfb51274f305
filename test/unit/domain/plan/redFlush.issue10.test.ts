/**
 * Issue 10 in the 发票红冲 planner: a 个人出租住房 line needs its 优惠政策 (item 5), and a partial 税控普票
 * gets the engine's red line (item 2, redFlush.TAX_CONTROL_ORDINARY_PARTIAL_ALLOWED).
 */

import { toDec } from "../../../../src/domain/money";
import { planRedFlush, type RedFlushRow } from "../../../../src/domain/plan/redFlush";
import type { BlueInvoiceInfo, BlueInvoiceLineInfo } from "../../../../src/gateway/extensions";

const RENTAL = "3040502020102000000";

function record(
  kind: string,
  line: Partial<BlueInvoiceLineInfo> & { privilegeType?: string }
): BlueInvoiceInfo {
  return {
    invoiceCode: "033002300111",
    invoiceNo: "12345678",
    kind,
    status: "正常",
    approvalStatus: "无需审批",
    issueDate: "2024-10-22",
    buyerName: "租户",
    buyerTaxId: "91110000600037341L",
    sellerName: "我方",
    sellerTaxId: "91310000MA1FL0XX0X",
    drawer: null,
    amount: "1000.00",
    tax: "130.00",
    totalAmount: "1130.00",
    reversibleAmount: "1000.00",
    reversibleTax: "130.00",
    pendingRedAmounts: [],
    buyerUsageConfirmed: false,
    isPurchaseInvoice: false,
    lines: [
      {
        seq: 0,
        goodsName: "*信息技术服务*软件服务",
        revenueCode: "3040201000000000000",
        quantity: null,
        unitPrice: null,
        amount: "1000.00",
        taxRate: "0.13",
        tax: "130.00",
        taxMode: "普通征税",
        remainingAmount: "1000.00",
        remainingTax: "130.00",
        remainingQuantity: null,
        redUnitPrice: null,
        hasDiscountLine: false,
        ...line,
      } as BlueInvoiceLineInfo,
    ],
  } as BlueInvoiceInfo;
}

const row = (kind: string, redAmount: string): RedFlushRow => ({
  rowIndex: 1,
  values: {
    invoiceCode: "033002300111",
    invoiceNumber: "12345678",
    invoiceKind: kind,
    invoiceStatus: "正常",
    reversibleAmount: toDec("1000.00"),
    redAmount: toDec(redAmount),
  },
});

const rentalLine = (privilegeType: string) => ({
  goodsName: "*经营租赁*住房租金",
  revenueCode: RENTAL,
  taxRate: "0.015",
  tax: "14.49",
  remainingTax: "14.49",
  taxMode: "减按计征",
  privilegeType,
});

describe("个人出租住房 in the planner (税控专票 红字信息表 line)", () => {
  it("code without the policy: refused at 本次红冲金额, nothing planned", () => {
    const plan = planRedFlush([row("增值税专用发票", "333.33")], [record("增值税专用发票", rentalLine(""))]);
    const inv = plan.invoices[0];
    expect(inv.plan).toBeNull();
    expect(inv.refusals.map((r) => [r.refusal.code, r.field])).toEqual([
      ["REDUCED_LEVY_RENTAL_POLICY_MISSING", "redAmount"],
    ]);
  });

  it("code with the policy (10): 333.33 × 1.5% ÷ 1.035 = −4.83", () => {
    const plan = planRedFlush(
      [row("增值税专用发票", "333.33")],
      [record("增值税专用发票", rentalLine("10"))]
    );
    const p = plan.invoices[0].plan;
    const lines = p?.family === "税控专票" ? p.lines : [];
    expect(
      lines.map((l) => [toDec(String(l.amount)).toFixed(2), toDec(String(l.taxAmount)).toFixed(2)])
    ).toEqual([["-333.33", "-4.83"]]);
  });
});

describe("partial 税控普票 with TAX_CONTROL_ORDINARY_PARTIAL_ALLOWED", () => {
  it("500.00 of 1000.00 at 13%: one line −500.00 / −65.00 from the engine", () => {
    const plan = planRedFlush([row("增值税普通发票", "500.00")], [record("增值税普通发票", {})]);
    const inv = plan.invoices[0];
    expect(inv.refusals).toEqual([]);
    expect(inv.plan?.family).toBe("税控普票");
    const lines = inv.plan?.family === "税控普票" ? (inv.plan.lines ?? []) : [];
    expect(
      lines.map((l) => [
        l.goodsName,
        toDec(String(l.amount)).toFixed(2),
        toDec(String(l.taxAmount)).toFixed(2),
      ])
    ).toEqual([["*信息技术服务*软件服务", "-500.00", "-65.00"]]);
  });

  it("the full amount still goes without lines (2.2.02)", () => {
    const plan = planRedFlush([row("增值税普通发票", "1000.00")], [record("增值税普通发票", {})]);
    const p = plan.invoices[0].plan;
    expect(p?.family === "税控普票" && p.lines).toBeUndefined();
  });

  it("no gateway record: the row's 税率 and 税额 (333.33 × 13% = 43.33)", () => {
    const r = row("增值税普通发票", "333.33");
    const plan = planRedFlush(
      [
        {
          ...r,
          values: { ...r.values, taxRate: toDec("0.13"), taxAmount: toDec("130.00"), goodsName: "服务费" },
        },
      ],
      null
    );
    const p = plan.invoices[0].plan;
    const lines = p?.family === "税控普票" ? (p.lines ?? []) : [];
    expect(
      lines.map((l) => [toDec(String(l.amount)).toFixed(2), toDec(String(l.taxAmount)).toFixed(2)])
    ).toEqual([["-333.33", "-43.33"]]);
  });
});
