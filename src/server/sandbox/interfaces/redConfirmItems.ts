/**
 * A 红字确认单 as 2.1.13 lists it and 2.1.12 returns it (its list item and its line fields).
 */
import { confirmDeadline } from "../../../domain/confirmForm";
import type { ConfirmStatusCode } from "../../../domain/confirmForm";
import type { Role } from "../../../domain/labels";
import { Dec } from "../../../domain/money";
import {
  AWAITING_STATUSES,
  type BillRow,
  type BlueRow,
  type FormRow,
  identityOf,
  parseBillLines,
  reasonCode,
} from "./redConfirmShared";

// ── 2.1.13 / 2.1.12 list item ───────────────────────────────────────────────────────────────

/** One bill as 2.1.13 lists it: the 4 SEEN fields, the inferred ones, and the caller's record. */
export function billSummary(bill: BillRow, myRole: Role, held: FormRow | undefined, blue?: BlueRow) {
  // Only the deadline text is wanted here (the bill is already settled against the clock).
  const deadline = AWAITING_STATUSES.includes(bill.confirm_status as ConfirmStatusCode)
    ? confirmDeadline(bill.entered_at, bill.entered_at)
    : undefined;
  return {
    govRedConfirmBillUuid: bill.gov_uuid,
    redConfirmBillStatus: bill.confirm_status,
    redInfoBillNo: bill.bill_no,
    redConfirmEnterDate: bill.entered_at,
    enteridentity: identityOf(bill.entrant_role),
    identity: identityOf(myRole),
    sellerTaxpayerId: bill.seller_tax_id,
    sellerName: bill.seller_name,
    buyerTaxpayerId: bill.buyer_tax_id,
    buyerName: bill.buyer_name,
    invoiceType: bill.invoice_type,
    originalInvoiceCode: bill.blue_invoice_code,
    originalInvoiceNumber: bill.blue_invoice_no,
    originalIssueTime: bill.blue_invoice_date,
    ...(blue
      ? { originalInvoiceAmount: new Dec(blue.amount), originalTotalTaxAmount: new Dec(blue.tax_amount) }
      : {}),
    redAmount: new Dec(bill.amount),
    redTaxAmount: new Dec(bill.tax_amount),
    redReason: reasonCode(bill.red_reason),
    confirmDate: bill.confirmed_at ?? "",
    confirmDeadline: deadline && deadline.ok ? deadline.value.deadline : "",
    invoicedFlag: bill.red_invoice_no ? "1" : "0",
    redInvoiceNumber: bill.red_invoice_no ?? "",
    redInvoiceDate: bill.red_invoice_date ?? "",
    entryStatus: held?.entry_status ?? "",
    serialNo: held?.serial_no ?? "",
    dataSource: held?.data_source ?? "",
    invoiceStatus: held?.invoice_status ?? "",
    /** ASSUMPTIONS A22: "1" for a 收购票 (the buyer red-flushes, identity.ts), else "0". */
    isPurchaseInvoice: bill.is_purchase_invoice === 1 ? "1" : "0",
  };
}

/** Line fields of a bill as 2.1.12 returns them (2.1.03's line fields). */
export function billDetail(bill: BillRow) {
  return parseBillLines(bill).map((l) => ({
    lineProperty: l.lineProperty,
    originalSeq: l.originalSeq,
    goodsName: l.goodsName,
    revenueCode: l.revenueCode,
    specification: l.specification,
    units: l.units,
    ...(l.quantity !== null ? { quantity: l.quantity } : {}),
    ...(l.price !== null ? { price: l.price } : {}),
    amount: new Dec(l.amount),
    taxRate: l.taxRate,
    taxAmount: new Dec(l.taxAmount),
  }));
}
