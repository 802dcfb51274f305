/**
 * 红冲 from a 红字确认单 (2.1.04 via a bill, and direct mode once 01): the one red invoice of the bill
 * through the sandbox's one issuer (../redIssue.ts issueRedInvoice), the form's 开票状态 (engine
 * redFlush), the bureau's red number, the buyer's pool status, the application write-back and the
 * INVOICE.RED callback (../redIssue.ts redCallbackData).
 */
import {
  callbackDecision,
  deliveryContact,
  redFlushWriteBackTarget,
  runConfirmFormAction,
} from "../../../domain/confirmForm";
import { type RedLine, lineFitsRemaining } from "../../../domain/confirmForm";
import { Dec } from "../../../domain/money";
import { refusal } from "../../../domain/refusals";
import type { HandlerContext } from "../../context";
import { type Outcome, refused } from "../../registry";
import { issueRedInvoice, recordFailedRed, redCallbackData } from "../redIssue";
import {
  type BillLine,
  type BillRow,
  type BlueLineRow,
  type BlueRow,
  type FormRow,
  engineForm,
  nextDigitalInvoiceNo,
  parseBillLines,
  sideOn,
  syncBuyerPoolStatus,
} from "./redConfirmShared";

// ── 红冲 from a bill (2.1.04) ─────────────────────────────────────────────────────────────────

/** A bill line as the engine's red line (calcRedLine RedLine: red-signed Decimals). */
export function billRedLine(l: BillLine): RedLine {
  const amount = new Dec(l.amount);
  const tax = new Dec(l.taxAmount);
  return {
    amount,
    tax,
    amountInclTax: amount.add(tax),
    quantity: l.quantity === null || l.quantity === "" ? null : new Dec(l.quantity),
    unitPrice: l.price === null || l.price === "" ? null : new Dec(l.price),
    full: false,
  };
}

/**
 * Whether the blue line still holds the bill line: the engine's remainingAfter (calcRedLine.ts)
 * leaves no 金额, 税额 or 数量 below zero. Asked to move to the domain as lineFitsRemaining.
 */
export function fitsRemaining(b: BlueLineRow, l: BillLine): boolean {
  return lineFitsRemaining(
    {
      amount: b.remaining_amount,
      tax: b.remaining_tax,
      quantity: b.remaining_quantity,
      unitPrice: b.reversible_unit_price,
    },
    billRedLine(l)
  );
}

/**
 * Issue the one red invoice of an invoiceable bill (the caller is its seller and holds `form`):
 * red invoice + lines, the blue's remaining and 发票状态, the form's 开票状态, the bureau's red invoice
 * number, the buyer's pool status, the application write-back and the INVOICE.RED callback.
 */

/**
 * reading (issue 10 item 11; 002 配置说明, domain-rules §4.12): with red_not_callback = 1 a form NOT
 * linked to a 负数开票申请单 is not called back — "不查询蓝票所属开票申请单的业务系统，不执行按蓝字开票申请单
 * 进行回调". We read it as covering forms pushed through the API (数据来源 API接口) too: the value names no
 * exception for them, so false = an API-pushed unlinked form gets no callback under value 1 (the
 * caller has the red from the 2.1.04 answer). true would call it back to the pushing system.
 */
export const API_PUSHED_UNLINKED_CALLBACK_UNDER_RED_NOT_CALLBACK_1 = false;

export async function issueRedFromBill(
  ctx: HandlerContext,
  args: { serialNo: string; bill: BillRow; form: FormRow; blue: BlueRow; drawer?: string }
): Promise<{ ok: true; invoiceNo: string } | { ok: false; outcome: Outcome }> {
  const { serialNo, bill, form, blue } = args;
  const lines = parseBillLines(bill);
  const blueLines = await ctx.repo
    .selectFrom("blue_invoice_lines")
    .selectAll()
    .where("invoice_id", "=", blue.id)
    .execute();
  const byNo = new Map(blueLines.map((l) => [l.line_no, l]));
  for (const l of lines) {
    const b = byNo.get(l.originalSeq + 1);
    if (!b || !fitsRemaining(b, l)) {
      // Accepted for issue, refused at the bureau: the red stays in 待开 as 未开票 (000 ②), kept.
      const r = refusal("INSUFFICIENT_REMAINING");
      await recordFailedRed(ctx, {
        blueInvoiceId: blue.id,
        serialNo,
        amount: bill.amount,
        taxAmount: bill.tax_amount,
        reason: r.message,
      });
      return { ok: false, outcome: refused(r, { keep: true }) };
    }
  }

  // The red's number comes from its issuer's series: the caller (the seller, or a 收购票's 购方).
  const invoiceNo = await nextDigitalInvoiceNo(ctx, ctx.caller.org.tax_id);
  const redLines = lines.map((l) => ({
    ...l,
    blueLineId: byNo.get(l.originalSeq + 1)?.id ?? null,
    billSourceId: String(l.originalSeq + 1),
  }));
  // 交付邮箱/手机: the linked 开票申请单's pair wins over the form's (engine deliveryContact, §4.13).
  const application =
    form.application_id === null
      ? undefined
      : await ctx.repo
          .selectFrom("applications")
          .select(["delivery_email", "delivery_phone"])
          .where("id", "=", form.application_id)
          .executeTakeFirst();
  const delivery = deliveryContact(
    application ? { email: application.delivery_email, phone: application.delivery_phone } : null,
    { email: form.delivery_email, phone: form.delivery_phone }
  );
  const issued = await issueRedInvoice(ctx, {
    blue,
    serialNo,
    delivery,
    // 单据编号: "红票开具完成后，保存为红字发票的单据编号" (002 字段说明 4).
    orderNo: form.order_no,
    invoiceCode: "",
    invoiceNo,
    redReason: bill.red_reason,
    confirmFormId: form.id,
    infoFormId: null,
    lines: redLines,
    auditAction: "red-flush",
  });
  const amount = issued.amount;
  const tax = issued.tax;

  const flushed = runConfirmFormAction(
    "redFlush",
    engineForm(bill, sideOn(bill, ctx.caller.org.tax_id) ?? "销方", form)
  );
  const invoiceStatus = flushed.ok && flushed.form ? flushed.form.invoiceStatus : "已开票";
  await ctx.repo
    .updateTable("red_confirm_forms")
    .set({
      invoice_status: invoiceStatus,
      confirm_status: bill.confirm_status,
      confirmed_at: bill.confirmed_at,
      red_invoice_no: invoiceNo,
      red_invoice_date: ctx.nowText,
      updated_at: ctx.now,
    })
    .where("id", "=", form.id)
    .execute();
  await ctx.repo.audit("red_confirm_forms", form.id, "red-flush", undefined, { serialNo, invoiceNo });
  await ctx.bureau
    .updateTable("bureau_confirm_bills")
    .set({ red_invoice_no: invoiceNo, red_invoice_date: ctx.nowText, updated_at: ctx.now })
    .where("id", "=", bill.id)
    .execute();
  await ctx.bureau.audit("bureau_confirm_bills", bill.id, "invoiced", undefined, { invoiceNo });
  await syncBuyerPoolStatus(ctx, bill);

  // Write-back (§4.3) and callback (§4.12): a linked 负数开票申请单 first, else the blue's own application.
  const linked =
    form.application_id === null
      ? undefined
      : await ctx.repo
          .selectFrom("applications")
          .selectAll()
          .where("id", "=", form.application_id)
          .executeTakeFirst();
  const bluePositive =
    blue.application_id === null
      ? undefined
      : await ctx.repo
          .selectFrom("applications")
          .selectAll()
          .where("id", "=", blue.application_id)
          .executeTakeFirst();
  const linkedNegative = linked?.direction === "negative";
  const target = redFlushWriteBackTarget(linkedNegative, bluePositive !== undefined);
  const writeBack = target === "负数开票申请单" ? linked : target === "开票申请单" ? bluePositive : undefined;
  if (writeBack) {
    await ctx.repo
      .updateTable("applications")
      .set({ red_invoice_no: invoiceNo, updated_at: ctx.now })
      .where("id", "=", writeBack.id)
      .execute();
    await ctx.repo.audit("applications", writeBack.id, "red-write-back", undefined, { invoiceNo });
  }
  const callBack =
    callbackDecision({
      redNotCallback: ctx.caller.org.red_not_callback,
      dataSource: form.data_source,
      linkedNegativeApplication: linkedNegative,
      blueHasPositiveApplication: bluePositive !== undefined,
    }) ||
    (API_PUSHED_UNLINKED_CALLBACK_UNDER_RED_NOT_CALLBACK_1 &&
      (ctx.caller.org.red_not_callback ?? "").trim() === "1" &&
      form.data_source === "API接口");
  if (callBack) {
    const via = (linkedNegative ? linked : bluePositive)?.business_system_code;
    await ctx.enqueueCallback({
      interfaceCode: "INVOICE.RED",
      ...(via ? { businessSystemCode: via } : {}),
      data: redCallbackData({
        blue,
        drawer: args.drawer ?? blue.drawer,
        lines: redLines,
        fields: {
          serialNo,
          invoiceNum: invoiceNo,
          invoiceProperty: "1",
          invoiceDate: ctx.nowText,
          invoiceType: blue.invoice_type,
          includeTaxAmount: amount.add(tax),
          originalInvoiceNumber: blue.invoice_no,
          originalIssueTime: blue.invoice_date,
          redInfoBillNo: bill.bill_no,
          govRedConfirmBillUuid: bill.gov_uuid,
          redConfirmBillStatus: bill.confirm_status,
        },
      }),
    });
  }
  return { ok: true, invoiceNo };
}
