/**
 * 2.1.03 REDCONFIRMBILL.APPLY 红字确认单生成 (piaozone-api §2.1.03; manual 002 相关接口 03).
 * The caller enters a 红字确认单 at the (simulated) bureau for a 数电 blue invoice: the seller for its
 * own invoice, or — "I am the buyer" (enteridentity 1, assumptions A12) — the buyer for an invoice a
 * seller in the same cloud issued to it; the form is then created under the buyer's org. Nothing is
 * issued (call 2.1.04 afterwards). Full reversal = no lines; partial = lines by originalSeq.
 * Idempotent by orderNo (流水号).
 */
import { roleOfIdentity } from "../../../gateway/assumptions";
import type { Role } from "../../../domain/labels";
import { type InterfaceHandler, ok, refuse } from "../../registry";
import { S } from "../../protocol/schemas";
import { type RequestLine, billState, enterBill, reasonOfCode, settleOverdueBills } from "./redConfirmShared";

export interface BillLineData {
  readonly lineProperty?: string;
  readonly originalSeq?: string;
  readonly originaldetailRowNo?: string;
  readonly quantity?: string;
  readonly price?: string;
  readonly amount?: string;
  readonly taxRate?: string;
  readonly taxAmount?: string;
}

export interface RedConfirmApplyData {
  readonly orderNo: string;
  readonly invoiceCode?: string;
  readonly invoiceNo: string;
  readonly redReason: string;
  readonly invoiceType?: "01" | "02";
  readonly enteridentity?: "0" | "1";
  readonly invoiceDetail?: readonly BillLineData[];
}

/** Red reason codes: 2.1.03 documents 1–4, 2.1.04's example sends 01 (assumptions A3): both accepted. */
export const RED_REASON_CODE_SCHEMA = S.string(2, { pattern: "^0?[1-4]$" });

/** A request line (2.1.03 / 2.1.04 invoiceDetail): the blue line by originalSeq (or originaldetailRowNo). */
export const BILL_LINE_SCHEMA = {
  ...S.object({
    lineProperty: S.enumOf(["0", "1", "2"]),
    originalSeq: S.integerLike(),
    originaldetailRowNo: S.integerLike(),
    billSourceId: S.string(32),
    goodsCode: S.string(32),
    goodsName: S.string(100),
    revenueCode: S.string(19),
    specification: S.string(40),
    units: S.string(22),
    quantity: S.decimal(),
    price: S.decimal(),
    amount: S.amount(),
    taxRate: S.decimal(),
    taxAmount: S.amount(),
  }),
  anyOf: [{ required: ["originalSeq"] }, { required: ["originaldetailRowNo"] }],
};

/** The blue line index of a request line: originalSeq (0-based), else originaldetailRowNo − 1. */
export function requestLines(detail: readonly BillLineData[] | undefined): RequestLine[] | undefined {
  if (!detail || detail.length === 0) return undefined;
  return detail.map((l) => ({
    seq: l.originalSeq !== undefined ? Number(l.originalSeq) : Number(l.originaldetailRowNo) - 1,
    ...(l.quantity !== undefined ? { quantity: l.quantity } : {}),
    ...(l.amount !== undefined ? { amount: l.amount } : {}),
    ...(l.taxAmount !== undefined ? { taxAmount: l.taxAmount } : {}),
  }));
}

export const redConfirmApplyHandler: InterfaceHandler<RedConfirmApplyData> = {
  interfaceCode: "REDCONFIRMBILL.APPLY",
  endpoint: "sim",
  description: "2.1.03 红字确认单生成",
  dataSchema: S.object(
    {
      orderNo: S.text(50),
      invoiceCode: S.string(100),
      invoiceNo: S.text(100),
      redReason: RED_REASON_CODE_SCHEMA,
      invoiceType: S.enumOf(["01", "02"]),
      enteridentity: S.enumOf(["0", "1"]),
      invoiceDetail: S.array(BILL_LINE_SCHEMA, { maxItems: 2000 }),
    },
    ["orderNo", "invoiceNo", "redReason"]
  ),
  idempotencyKey: (d) => d.orderNo.trim(),

  async handle(ctx, d) {
    const reason = reasonOfCode(d.redReason);
    if (!reason) return refuse("RCF_BAD_REASON", { code: d.redReason });
    await settleOverdueBills(ctx);
    const entrant: Role = d.enteridentity ? (roleOfIdentity(d.enteridentity) ?? "销方") : "销方";
    const lines = requestLines(d.invoiceDetail);
    const r = await enterBill(ctx, {
      orderNo: d.orderNo.trim(),
      invoiceNo: d.invoiceNo.trim(),
      ...(d.invoiceCode?.trim() ? { invoiceCode: d.invoiceCode.trim() } : {}),
      reason,
      entrant,
      ...(lines ? { lines } : {}),
      dataSource: "API接口",
    });
    if (!r.ok) return r.outcome;
    return ok(billState(r.applied.bill), "录入成功");
  },
};
