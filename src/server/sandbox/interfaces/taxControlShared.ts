/**
 * Shared pieces of the sandbox's 税控 flows (module 001 红字信息表, 2.2.02 快速红冲, 2.2.04, 2.2.05, the
 * HC.REDINFOBILL.* extensions): who filed a form, numbers the simulated bureau hands out, the
 * bureau's registry of issued invoices, and the conversions between an `info_forms` row, the rules
 * engine's `InfoForm` and the wire shapes.
 */
import { applyTypeCode, infoFormInvoiceTypeLabel } from "../../../gateway/codes";
import type { RedInfoFormInfo } from "../../../gateway/extensions";
import type { InfoForm } from "../../../domain/infoForm";
import type { InfoFormApplicant, Role } from "../../../domain/labels";
import { Dec, formatAmount } from "../../../domain/money";
import { chinaDate } from "../../clock";
import type { HandlerContext } from "../../context";
import type { Row } from "../../db/schema";

// ── wire ↔ labels (the conversions themselves are src/gateway/codes.ts's) ─────────

/** Who filed the form: 销方申请 → 销方, 购方申请-… → 购方. */
export function applicantRole(applicant: InfoFormApplicant): Role {
  return applicant === "销方申请" ? "销方" : "购方";
}

// ── numbers the simulated bureau hands out ─────────────────────────────────────

/**
 * 红字信息表编号: 16 digits (piaozone-api §1.8: the 税控 callback says 【16】). Sandbox layout: the
 * seller's 6-digit administrative division (统一社会信用代码 characters 3–8) + 2-digit year +
 * 8-digit sequence — gap-free in the request's transaction.
 */
export async function newInfoFormNo(ctx: HandlerContext, sellerTaxId: string): Promise<string> {
  const seq = await ctx.nextSequence("info_form_no");
  return infoFormNo(sellerTaxId, chinaDate(ctx.now).slice(2, 4), seq);
}

export function infoFormNo(sellerTaxId: string, year2: string, seq: number): string {
  const region = /^\d{6}$/.test(sellerTaxId.slice(2, 8)) ? sellerTaxId.slice(2, 8) : "000000";
  return `${region}${year2}${String(seq).padStart(8, "0")}`;
}

/** A red 税控 invoice number: 8 digits, from the device's counter (seeded above the seeded numbers). */
export async function newTaxControlInvoiceNo(ctx: HandlerContext): Promise<string> {
  const seq = await ctx.nextSequence("invoice_no:taxctl");
  return `6${String(seq).padStart(7, "0")}`;
}

// ── the bureau's registry of issued invoices ───────────────────────────────────

/**
 * The invoice the bureau knows by 发票代码 + 发票号码, whoever issued it. The simulated bureau's registry
 * of issued invoices is every org's `blue_invoices`; this is the one place a handler reads that table
 * across organisations (the bureau reviewing a 红字信息表 filed by a buyer must see the seller's invoice).
 */
export async function bureauIssuedInvoice(
  ctx: HandlerContext,
  invoiceCode: string,
  invoiceNo: string
): Promise<Row<"blue_invoices"> | undefined> {
  return ctx.tx
    .selectFrom("blue_invoices")
    .selectAll()
    .where("invoice_code", "=", invoiceCode.trim())
    .where("invoice_no", "=", invoiceNo.trim())
    .where("issue_status", "=", "已开票")
    .orderBy("id")
    .executeTakeFirst();
}

// ── info_forms row ↔ engine ↔ wire ────────────────────────────────────────────

/** The rules engine's view of a stored form (its linked 开票申请单 by number). */
export function engineForm(row: Row<"info_forms">, applicationNo: string | null): InfoForm {
  return {
    status: row.status,
    formNo: row.bill_no,
    bureauAuditDate: row.approved_at,
    failReason: row.fail_reason || null,
    sellerTaxId: row.seller_tax_id,
    linkedApplication: applicationNo,
    redInvoiceCode: row.red_invoice_code,
    redInvoiceNo: row.red_invoice_no,
  };
}

/** The 开票申请单 number of each linked application id (one query). */
export async function applicationNos(
  ctx: HandlerContext,
  rows: readonly Row<"info_forms">[]
): Promise<Map<number, string>> {
  const ids = [...new Set(rows.map((r) => r.application_id).filter((x): x is number => x !== null))];
  if (ids.length === 0) return new Map();
  const apps = await ctx.repo
    .selectFrom("applications")
    .select(["id", "bill_no"])
    .where("id", "in", ids)
    .execute();
  return new Map(apps.map((a) => [a.id, a.bill_no]));
}

const orNull = (s: string | null | undefined): string | null =>
  s === null || s === undefined || s === "" ? null : s;

/** HC.REDINFOBILL.LIST item (extensions.ts RedInfoFormInfo); amounts as exact 2-dp strings. */
export function infoFormInfo(row: Row<"info_forms">, applicationNo: string | null): RedInfoFormInfo {
  return {
    serialNo: row.serial_no,
    formNo: row.bill_no,
    applicant: row.applicant,
    invoiceType: infoFormInvoiceTypeLabel(row.invoice_type) ?? row.invoice_type,
    originalInvoiceCode: orNull(row.blue_invoice_code),
    originalInvoiceNo: orNull(row.blue_invoice_no),
    buyerName: row.buyer_name,
    buyerTaxId: orNull(row.buyer_tax_id),
    sellerName: row.seller_name,
    sellerTaxId: row.seller_tax_id,
    redInvoiceCode: row.red_invoice_code,
    redInvoiceNo: row.red_invoice_no,
    bureauAuditDate: row.approved_at,
    fillDate: row.filled_at ?? "",
    status: row.status,
    failReason: orNull(row.fail_reason),
    amount: formatAmount(row.amount),
    tax: formatAmount(row.tax_amount),
    linkedApplication: applicationNo,
  };
}

/** 2.2.04 / 2.2.05 wire item of a form (payloads.ts RedInfoFormSummary + amounts). */
export function infoFormWire(row: Row<"info_forms">) {
  return {
    serialNo: row.serial_no,
    redInfoBillNo: row.bill_no ?? "",
    applyType: applyTypeCode(row.applicant),
    applicant: row.applicant,
    invoiceType: row.invoice_type,
    originalInvoiceCode: row.blue_invoice_code,
    originalInvoiceNumber: row.blue_invoice_no,
    originalIssueTime: row.blue_invoice_date,
    sellerName: row.seller_name,
    sellerTaxpayerId: row.seller_tax_id,
    buyerName: row.buyer_name,
    buyerTaxpayerId: row.buyer_tax_id,
    redInvoiceCode: row.red_invoice_code ?? "",
    redInvoiceNumber: row.red_invoice_no ?? "",
    auditDate: row.approved_at ?? "",
    fillDate: row.filled_at ?? "",
    status: row.status,
    failReason: row.fail_reason,
    redAmount: new Dec(row.amount),
    redTaxAmount: new Dec(row.tax_amount),
  };
}

/** Form lines as the bureau stores them (`lines_json`) and as 2.2.05 returns them. */
export interface InfoFormLineJson {
  readonly lineNo: number;
  readonly goodsName: string;
  readonly revenueCode: string;
  readonly specification: string;
  readonly units: string;
  readonly quantity: string | null;
  readonly price: string | null;
  readonly amount: string;
  readonly taxRate: string;
  readonly taxAmount: string;
}

export function lineJson(l: Row<"info_form_lines">): InfoFormLineJson {
  return {
    lineNo: l.line_no,
    goodsName: l.goods_name,
    revenueCode: l.revenue_code,
    specification: l.specification,
    units: l.units,
    quantity: l.quantity,
    price: l.price,
    amount: l.amount,
    taxRate: l.tax_rate,
    taxAmount: l.tax_amount,
  };
}
