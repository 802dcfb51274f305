/**
 * 2.1.03 REDCONFIRMBILL.APPLY 红字确认单生成 (piaozone-api §2.1.03; manual 002 相关接口 03).
 * The caller enters a 红字确认单 at the (simulated) bureau for a 数电 blue invoice: the seller for its
 * own invoice, or — "I am the buyer" (enteridentity 1, assumptions A12) — the buyer for an invoice a
 * seller in the same cloud issued to it; the form is then created under the buyer's org. Nothing is
 * issued (call 2.1.04 afterwards). Full reversal = no lines; partial = lines by originalSeq.
 * Idempotent by orderNo (流水号). Before the bureau looks, the lines go through the domain planner's
 * checks (`firstPlannerRefusal`), the same the pane and `hongchong import` run.
 */
import { roleOfIdentity } from "../../../gateway/codes";
import type { Role } from "../../../domain/labels";
import { type InterfaceHandler, ok, refuse, refused } from "../../registry";
import {
  CONFIRM_FORM_WIRE_FIELDS,
  checkConfirmFormDocument,
  checkConfirmFormRow,
  type ConfirmFormRow,
} from "../../../domain/plan/confirmForm";
import { wirePathOf } from "../../../domain/plan/drafts";
import { Dec } from "../../../domain/money";
import type { RedReason } from "../../../domain/labels";
import type { Refusal } from "../../../domain/refusals";
import {
  type BillLineWire,
  type RedConfirmBillApplyWire,
  RedConfirmBillApplyData,
  type WireIn,
} from "../../../gateway/schemas";
import { type RequestLine, billState, enterBill, reasonOfCode, settleOverdueBills } from "./redConfirmShared";

/** A request line (2.1.03 / 2.1.04 invoiceDetail) as the handler gets it: numbers as exact text. */
export type BillLineData = WireIn<BillLineWire>;
type RedConfirmApplyData = WireIn<RedConfirmBillApplyWire>;

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
  dataSchema: RedConfirmBillApplyData,
  idempotencyKey: (d) => d.orderNo.trim(),

  async handle(ctx, d) {
    const reason = reasonOfCode(d.redReason);
    if (!reason) return refuse("RCF_BAD_REASON", { code: d.redReason });
    const planned = firstPlannerRefusal(d, reason);
    if (planned) return refused(planned);
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

const decOrNull = (v: unknown): Dec | null =>
  v === undefined || v === null || String(v).trim() === "" ? null : new Dec(String(v));
const textOrNull = (v: string | undefined): string | null =>
  v === undefined || v.trim() === "" ? null : v.trim();

/**
 * The planner's checks (src/domain/plan/confirmForm.ts), as the pane and `hongchong import` run
 * them, on each request line as a row of the form: 税收分类编码, rate, |金额 × 税率 − 税额| ≤ 0.06,
 * limits, one blue line once. The wire may carry a quantity-only line (服务终止 by 数量), which a
 * sheet row cannot (its 金额 is what makes it a line): that one sheet rule is not the wire's.
 */
function firstPlannerRefusal(d: RedConfirmApplyData, reason: RedReason): Refusal | null {
  const rows: ConfirmFormRow[] = (d.invoiceDetail ?? []).map((l, i) => ({
    rowIndex: i,
    cellErrors: [],
    values: {
      blueInvoiceNumber: textOrNull(d.invoiceNo),
      blueInvoiceCode: textOrNull(d.invoiceCode),
      redReason: reason,
      lineNo:
        l.originalSeq !== undefined
          ? Number(l.originalSeq)
          : l.originaldetailRowNo !== undefined
            ? Number(l.originaldetailRowNo) - 1
            : null,
      goodsName: textOrNull(l.goodsName),
      taxCode: textOrNull(l.revenueCode),
      spec: textOrNull(l.specification),
      unit: textOrNull(l.units),
      quantity: decOrNull(l.quantity),
      unitPrice: decOrNull(l.price),
      amount: decOrNull(l.amount),
      taxRate: decOrNull(l.taxRate),
      taxAmount: decOrNull(l.taxAmount),
    },
  }));
  const doc = checkConfirmFormDocument("本次申请", rows);
  for (const r of rows) {
    const cells = [...checkConfirmFormRow(r.values), ...(doc.cells.get(r.rowIndex) ?? [])].filter(
      (c) => !(c.key === "amount" && c.refusal.code === "FIELD_REQUIRED")
    );
    const c = cells[0];
    if (!c) continue;
    const field = wirePathOf(CONFIRM_FORM_WIRE_FIELDS, c.key, r.rowIndex);
    return field ? { ...c.refusal, field } : c.refusal;
  }
  return null;
}
