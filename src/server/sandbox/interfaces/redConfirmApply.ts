/**
 * 2.1.03 REDCONFIRMBILL.APPLY 红字确认单生成 (piaozone-api §2.1.03; manual 002 相关接口 03).
 * The caller enters a 红字确认单 at the (simulated) bureau for a 数电 blue invoice: the seller for its
 * own invoice, or — "I am the buyer" (enteridentity 1, assumptions A12) — the buyer for an invoice a
 * seller in the same cloud issued to it; the form is then created under the buyer's org. Nothing is
 * issued (call 2.1.04 afterwards). Full reversal = no lines; partial = lines by originalSeq.
 * Idempotent by orderNo (流水号). Before the bureau looks, the lines go through the domain planner's
 * checks (`firstPlannerRefusal`), the same the pane and `hongchong import` run.
 */
import { QTY_CHECKED_SOURCE } from "../../../domain/confirmForm";
import { roleOfIdentity } from "../../../gateway/codes";
import type { Role } from "../../../domain/labels";
import { type InterfaceHandler, ok, refuse, refused } from "../../registry";
import {
  CONFIRM_FORM_WIRE_FIELDS,
  checkConfirmFormDocument,
  checkConfirmFormRow,
  type ConfirmFormKey,
} from "../../../domain/plan/confirmForm";
import { firstWireRefusal, rowsOfWireData } from "../../../domain/plan/drafts";
import type { RedReason } from "../../../domain/labels";
import type { Refusal } from "../../../domain/refusals";
import {
  type BillLineWire,
  type RedConfirmBillApplyWire,
  RedConfirmBillApplyData,
  type WireIn,
} from "../../../gateway/schemas";
import { type RequestLine, billState, enterBill, reasonOfCode, settleOverdueBills } from "./redConfirmShared";
import { taxControlEntryAsInfoForm } from "./redConfirmTaxControlEntry";

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
    if (entrant === "购方") {
      // 特别提示: a 税控 blue whose seller is still on 税控 → the bureau answers a 红字信息表.
      const infoForm = await taxControlEntryAsInfoForm(ctx, {
        orderNo: d.orderNo.trim(),
        invoiceNo: d.invoiceNo.trim(),
        ...(d.invoiceCode?.trim() ? { invoiceCode: d.invoiceCode.trim() } : {}),
        ...(lines ? { lines } : {}),
      });
      if (infoForm) return infoForm;
    }
    const r = await enterBill(ctx, {
      orderNo: d.orderNo.trim(),
      invoiceNo: d.invoiceNo.trim(),
      ...(d.invoiceCode?.trim() ? { invoiceCode: d.invoiceCode.trim() } : {}),
      reason,
      entrant,
      ...(lines ? { lines } : {}),
      dataSource: d.dataSource === QTY_CHECKED_SOURCE ? QTY_CHECKED_SOURCE : "API接口",
    });
    if (!r.ok) return r.outcome;
    return ok(billState(r.applied.bill), "录入成功");
  },
};

const DECIMAL_KEYS: ReadonlySet<ConfirmFormKey> = new Set([
  "quantity",
  "unitPrice",
  "amount",
  "taxRate",
  "taxAmount",
]);

/**
 * The planner's checks (src/domain/plan/confirmForm.ts), as the pane and `hongchong import` run
 * them, on each request line as a row of the form: 税收分类编码, rate, |金额 × 税率 − 税额| ≤ 0.06,
 * limits, one blue line once. The wire may carry a quantity-only line (服务终止 by 数量), which a
 * sheet row cannot (its 金额 is what makes it a line): that one sheet rule is not the wire's.
 */
function firstPlannerRefusal(d: RedConfirmApplyData, reason: RedReason): Refusal | null {
  const rows = rowsOfWireData(CONFIRM_FORM_WIRE_FIELDS, d, DECIMAL_KEYS, (l) => ({
    redReason: reason,
    // 录入方身份 is the caller's, checked by the handler, not a cell of the form.
    myRole: null,
    lineNo:
      l.originalSeq !== undefined
        ? Number(l.originalSeq)
        : l.originaldetailRowNo !== undefined
          ? Number(l.originaldetailRowNo) - 1
          : null,
  }));
  return firstWireRefusal(
    rows,
    CONFIRM_FORM_WIRE_FIELDS,
    (values) => checkConfirmFormRow(values),
    checkConfirmFormDocument,
    (c) => c.key === "amount" && c.refusal.code === "FIELD_REQUIRED"
  );
}
