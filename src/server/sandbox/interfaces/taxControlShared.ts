/**
 * Shared pieces of the sandbox's 税控 flows (module 001 红字信息表, 2.2.02 快速红冲, 2.2.04, 2.2.05, the
 * HC.REDINFOBILL.* extensions): who filed a form, numbers the simulated bureau hands out, the
 * bureau's registry of issued invoices, and the conversions between an `info_forms` row, the rules
 * engine's `InfoForm` and the wire shapes.
 */
import { applyTypeCode, infoFormInvoiceTypeLabel } from "../../../gateway/codes";
import type { RedInfoFormInfo } from "../../../gateway/extensions";
import { type InfoForm, applyInfoFormAction } from "../../../domain/infoForm";
import type { InfoFormApplicant, Role } from "../../../domain/labels";
import { Dec, formatAmount } from "../../../domain/money";
import { InvoiceKind } from "../../../domain/labels";
import { INVOICE_FAMILY } from "../../../domain/redFlush";
import { chinaDate } from "../../clock";
import type { HandlerContext } from "../../context";
import type { Row } from "../../db/schema";
import { APPLICATION_STATUS_AFTER_ROLLBACK } from "./hcRedConfirm";

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

/**
 * After a 税控 red (2.2.02 / 2.2.01): the 红字信息表 it was issued on → 已开票 with the red invoice
 * (engine applyInfoFormAction redFlush), at the bureau too; the red number written back to the
 * form's 开票申请单, else the one the blue came from (§2 / §4.3).
 */
/**
 * reading (issue 10 item 8; 000 税控普通发票 "开票申请单可再次下推开票"): after a 税控普票 red the blue's
 * 开票申请单 returns to 未提交 — the status a 回退 also gives it (APPLICATION_STATUS_AFTER_ROLLBACK),
 * i.e. it may be pushed to 开票 again.
 */
export const APPLICATION_STATUS_AFTER_ORDINARY_RED = APPLICATION_STATUS_AFTER_ROLLBACK;

export async function afterTaxControlRed(
  ctx: HandlerContext,
  args: {
    blue: Row<"blue_invoices">;
    form: Row<"info_forms"> | undefined;
    applicationNo: string | null;
    redCode: string;
    redNo: string;
  }
): Promise<void> {
  const { blue, form, applicationNo, redCode, redNo } = args;
  const org = ctx.caller.org;
  if (form) {
    const decision = applyInfoFormAction(engineForm(form, applicationNo), {
      type: "redFlush",
      orgTaxId: org.tax_id,
      redInvoice: { code: redCode, no: redNo },
    });
    if (!decision.ok) throw new Error(`红字信息表状态不允许红冲：${decision.refusal.message}`);
    const f = decision.value.form!;
    await ctx.repo
      .updateTable("info_forms")
      .set({
        status: f.status!,
        red_invoice_code: f.redInvoiceCode ?? null,
        red_invoice_no: f.redInvoiceNo ?? null,
        blue_invoice_id: blue.id,
        updated_at: ctx.now,
      })
      .where("id", "=", form.id)
      .execute();
    await ctx.repo.audit(
      "info_forms",
      form.id,
      "red_flush",
      { status: form.status },
      { status: f.status, redInvoiceNo: redNo }
    );
    await ctx.bureau
      .updateTable("bureau_info_forms")
      .set({ status: f.status!, red_invoice_code: redCode, red_invoice_no: redNo, updated_at: ctx.now })
      .where("bill_no", "=", form.bill_no!)
      .execute();
    await ctx.bureau.audit("bureau_info_forms", form.bill_no!, "invoiced", undefined, {
      redInvoiceNo: redNo,
    });
  }

  // Write-back (§2 / §4.3): the 开票申请单 of the form, else the one the blue came from.
  const applicationId = form?.application_id ?? blue.application_id;
  if (applicationId !== null) {
    // 000: a 税控普票 pushed from a 开票申请单 — "红冲后会自动回写开票申请单据，开票申请单可再次下推开票".
    const kind = InvoiceKind.normalize(blue.kind);
    const repushable = !form && kind !== undefined && INVOICE_FAMILY[kind] === "税控普票";
    await ctx.repo
      .updateTable("applications")
      .set({
        red_invoice_no: redNo,
        ...(repushable ? { status: APPLICATION_STATUS_AFTER_ORDINARY_RED } : {}),
        updated_at: ctx.now,
      })
      .where("id", "=", applicationId)
      .execute();
    await ctx.repo.audit("applications", applicationId, "red_write_back", undefined, {
      redInvoiceNo: redNo,
      ...(repushable ? { status: APPLICATION_STATUS_AFTER_ORDINARY_RED } : {}),
    });
  }
}
