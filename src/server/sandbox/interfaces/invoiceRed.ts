/**
 * 2.1.04 ALLE.INVOICE.RED 数电票红冲（直接红冲或通过红字确认单） (piaozone-api §2.1.04; manual 002
 * 相关接口 04). Two modes:
 * - direct (no bill given): the interface enters the 红字确认单 itself (2.1.03's logic, 流水号 =
 *   serialNo); 01 → the red invoice is issued at once; 02/03 → the bill stays entered, nothing is
 *   issued, and the answer carries the bill's state (assumptions A11: RED_FLUSH_AWAITING_REPLY, a
 *   refusal that keeps its writes);
 * - via bill (govRedConfirmBillUuid and/or redInfoBillNo): issues only when the engine's redFlush
 *   rule allows (录入成功, 01/04, not invoiced) — exactly one red invoice per bill.
 * Idempotent by serialNo: a repeat (sequential, concurrent or after a timeout) answers the first result.
 */
import {
  confirmStatusLabel,
  isInvoiceableConfirmStatus,
  redFlushPartyRefusal,
  runConfirmFormAction,
} from "../../../domain/confirmForm";
import { Dec } from "../../../domain/money";
import { RED_FLUSH_AWAITING_REPLY } from "../../../gateway/assumptions";
import { type InterfaceHandler, ok, refuse, refused } from "../../registry";
import { type RedFlushDigitalWire, RedFlushDigitalData, type WireIn } from "../../../gateway/schemas";
import { type BillLineData, requestLines } from "./redConfirmApply";
import {
  type BillRow,
  type BlueRow,
  type FormRow,
  billState,
  engineForm,
  enterBill,
  findBill,
  heldForm,
  insertFormCopy,
  parseBillLines,
  reasonOfCode,
  settleOverdueBills,
  sideOn,
} from "./redConfirmShared";
import { issueRedFromBill } from "./redConfirmIssue";

type InvoiceRedData = WireIn<RedFlushDigitalWire>;

/** Via-bill lines given by the caller must be the bill's own (same blue lines, same red amounts). */
function sameLines(bill: BillRow, detail: readonly BillLineData[]): boolean {
  const mine = requestLines(detail) ?? [];
  const theirs = parseBillLines(bill);
  if (mine.length !== theirs.length) return false;
  return theirs.every((t) => {
    const m = mine.find((x) => x.seq === t.originalSeq);
    return m !== undefined && (m.amount === undefined || new Dec(m.amount).abs().eq(new Dec(t.amount).abs()));
  });
}

export const invoiceRedHandler: InterfaceHandler<InvoiceRedData> = {
  interfaceCode: "ALLE.INVOICE.RED",
  endpoint: "sim",
  description: "2.1.04 数电票红冲（直接红冲或通过红字确认单）",
  dataSchema: RedFlushDigitalData,
  idempotencyKey: (d) => d.serialNo.trim(),

  async handle(ctx, d) {
    const serialNo = d.serialNo.trim();
    const reason = reasonOfCode(d.redReason);
    if (!reason) return refuse("RCF_BAD_REASON", { code: d.redReason });
    const usedSerial = await ctx.repo
      .selectFrom("red_invoices")
      .select("id")
      .where("serial_no", "=", serialNo)
      .executeTakeFirst();
    if (usedSerial) return refuse("GW_DUPLICATE_SERIAL", { serialNo });
    await settleOverdueBills(ctx);

    // The blue is looked up in the caller's own organisation: only its issuer red-flushes it (the
    // seller, or the 购方 side that issued a 收购票), and the issuer holds it (blue_invoices.org_id).
    const ownBlue = async () => {
      let q = ctx.repo
        .selectForUpdate("blue_invoices")
        .selectAll()
        .where("invoice_no", "=", d.invoiceNum.trim());
      if (d.invoiceCode?.trim()) q = q.where("invoice_code", "=", d.invoiceCode.trim());
      return q.executeTakeFirst();
    };
    const notFound = () => refuse("RCF_BLUE_NOT_FOUND", { invoiceNo: d.invoiceNum, role: "销方" });

    const uuid = d.govRedConfirmBillUuid?.trim() || undefined;
    const billNo = d.redInfoBillNo?.trim() || undefined;
    let bill: BillRow;
    let form: FormRow;
    let blue: BlueRow;
    if (!uuid && !billNo) {
      const own = await ownBlue();
      if (!own) return notFound();
      blue = own;
      // Direct: enter the bill first (manual: 本接口可自动申请红字确认单).
      const lines = requestLines(d.invoiceDetail);
      const entered = await enterBill(
        ctx,
        {
          orderNo: serialNo,
          invoiceNo: blue.invoice_no,
          reason,
          entrant: "销方",
          ...(lines ? { lines } : {}),
          dataSource: "API接口",
        },
        { blue, sellerScope: ctx.repo }
      );
      if (!entered.ok) return entered.outcome;
      ({ bill, form } = entered.applied);
      const party = redFlushPartyRefusal(
        sideOn(bill, ctx.caller.org.tax_id) ?? "销方",
        bill.is_purchase_invoice === 1
      );
      if (party) return refused(party);
      if (!isInvoiceableConfirmStatus(bill.confirm_status)) {
        // 待对方确认等异常状态: the bill stays entered, nothing is issued, the state is returned.
        return refuse(
          "RCF_AWAITING_NOT_ISSUED",
          { statusLabel: confirmStatusLabel(bill.confirm_status) },
          { keep: true, data: billState(bill), errorCode: RED_FLUSH_AWAITING_REPLY.errorCode }
        );
      }
    } else {
      const found = await findBill(ctx, { ...(billNo ? { billNo } : {}), ...(uuid ? { uuid } : {}) });
      if (!found) {
        if (billNo && uuid && (await findBill(ctx, { billNo })))
          return refuse("RCF_BILL_KEYS_MISMATCH", { number: billNo, uuid });
        return refuse("RCF_BILL_NOT_FOUND", { number: billNo ?? uuid ?? "" });
      }
      bill = found;
      const side = sideOn(bill, ctx.caller.org.tax_id);
      if (!side) return refuse("RCF_BILL_NOT_FOUND", { number: bill.bill_no });
      // Who may red-flush (002; 收购票: identities flip) — the engine's rule on the caller's side.
      const party = redFlushPartyRefusal(side, bill.is_purchase_invoice === 1);
      if (party) return refused(party, { data: billState(bill) });
      const own = await ownBlue();
      if (!own) return notFound();
      blue = own;
      if (bill.blue_invoice_no !== blue.invoice_no || bill.blue_invoice_code !== blue.invoice_code)
        return refuse("RCF_BILL_INVOICE_MISMATCH", {
          number: bill.bill_no,
          billInvoiceNo: bill.blue_invoice_no,
          invoiceNo: blue.invoice_no,
        });
      const held = await heldForm(ctx.repo, bill.bill_no);
      const allowed = runConfirmFormAction("redFlush", engineForm(bill, side, held));
      if (!allowed.ok) return refused(allowed.refusal, { data: billState(bill) });
      if (d.invoiceDetail && d.invoiceDetail.length > 0 && !sameLines(bill, d.invoiceDetail))
        return refuse("RCF_DETAIL_MISMATCH", { number: bill.bill_no });
      // A bill the cloud did not hold yet (e.g. entered by the buyer) arrives through this API.
      form =
        held ??
        (await insertFormCopy(ctx, ctx.repo, bill, {
          serialNo,
          dataSource: "API接口",
          blueInvoiceId: blue.id,
        }));
    }

    const issued = await issueRedFromBill(ctx, {
      serialNo,
      bill,
      form,
      blue,
      ...(d.drawer ? { drawer: d.drawer } : {}),
    });
    if (!issued.ok) return issued.outcome;
    return ok({ serialNo, invoiceNum: issued.invoiceNo, ...billState(bill) }, "红冲成功");
  },
};
