/**
 * 2.2.04 税控红字信息表申请 (code: ASSUMED_INTERFACE_CODES["2.2.04"]) — file a 红字信息表 and upload it
 * to the simulated bureau (domain-rules §3.1, §3.2, §3.9).
 *
 * - 申请方 (`applyType`, assumptions A6): 销方申请 needs blue code, number and date; 购方申请-未抵扣 code
 *   and number; 购方申请-已抵扣 none. The caller must be the filing party: the seller for 销方申请
 *   (and a 税控 enterprise), the buyer otherwise.
 * - Every rule a client can know runs through the domain planner (src/domain/plan/infoForm.ts
 *   `checkInfoFormRow` / `checkInfoFormDocument`, each line as a row): required fields per 申请方,
 *   税收分类编码, rate, |金额 × 税率 − 税额| ≤ 0.06, limits, tax IDs, a blue line once — the same code the
 *   pane and `hongchong import` run. Only the bureau's own checks follow (the blue record, the org).
 * - Full or partial: the red amount is Σ|line amounts| (lines sent negative; either sign accepted).
 * - The bureau REVIEWS AT ONCE ([INFERRED] SANDBOX_REVIEW_IS_IMMEDIATE): in the same transaction the
 *   form goes 新建 → 审核成功 (16-digit 红字信息表编号 + 税局审核日期) or 审核失败 (+ 失败原因) through the
 *   engine's `applyInfoFormAction(submit)`; the answer carries the result. Approved forms are written
 *   to the bureau's table, where the counterparty sees them (2.2.05 其他企业申请).
 * - Idempotent by serialNo (a repeat answers the recorded review).
 */
import { type BureauAnswer, applyInfoFormAction, validateRedAmount } from "../../../domain/infoForm";
import { canRedFlushInvoice } from "../../../domain/redFlush";
import type { InfoFormApplicant } from "../../../domain/labels";
import { Dec, formatAmount, formatQty, magnitude, round2HalfUp } from "../../../domain/money";
import { ASSUMED_INTERFACE_CODES } from "../../../gateway/assumptions";
import {
  INFO_FORM_APPLY_TYPE_VALUES,
  applicantOfApplyType,
  infoFormInvoiceTypeLabel,
  sameInvoiceType,
} from "../../../gateway/codes";
import { stringifyJson } from "../../../gateway/json";
import type { HandlerContext } from "../../context";
import { findOrgByTaxId } from "../../db/repo";
import type { Row } from "../../db/schema";
import { type InterfaceHandler, ok, refuse, refused } from "../../registry";
import { RedInfoFormApplyData, type RedInfoFormApplyWire, type WireIn } from "../../../gateway/schemas";
import {
  INFO_FORM_WIRE_FIELDS,
  checkInfoFormDocument,
  checkInfoFormRow,
  type InfoFormKey,
  type InfoFormRow,
} from "../../../domain/plan/infoForm";
import { firstWireRefusal, rowsOfWireData } from "../../../domain/plan/drafts";
import { refusal, type Refusal } from "../../../domain/refusals";
import { applicantRole, bureauIssuedInvoice, infoFormWire, newInfoFormNo } from "./taxControlShared";

/**
 * [INFERRED §3.2] The real bureau answers an upload later; the sandbox reviews in the same request
 * so the caller (and a test) sees 审核成功 / 审核失败 at once. The state change is the engine's
 * (submit → 按税局结果); only the timing is ours.
 */
export const SANDBOX_REVIEW_IS_IMMEDIATE = true;

/**
 * The simulated bureau's rejection reasons (失败原因), in the order it checks them. Wording is ours
 * (the manual shows only the field); the amount rule is the engine's `validateRedAmount`.
 */
export const BUREAU_REJECT_REASONS = {
  blueNotFound: "蓝票不存在",
  sellerMismatch: "销方税号与蓝票不符",
  buyerMismatch: "购方税号与蓝票不符",
  typeMismatch: "发票类型与蓝票不符",
  dateMismatch: "蓝票开票日期与蓝票不符",
  amountExceeds: "红冲金额超过蓝票剩余可红冲金额",
} as const;

/** The request as the handler gets it (numbers as exact decimal text). */
type ApplyData = WireIn<RedInfoFormApplyWire>;

/** What the bureau needs to review an upload. */
export interface ReviewInput {
  readonly applicant: InfoFormApplicant;
  readonly sellerTaxId: string;
  readonly buyerTaxId: string;
  /** The form's 发票类型: a code (the wire's) or any label/alias of it. */
  readonly invoiceType: string;
  /** The blue date given (销方申请), `yyyy-MM-dd[ HH:mm:ss]`. */
  readonly blueIssueTime: string | null;
  /** Whether the form names a blue invoice (code + number given). */
  readonly namesBlue: boolean;
  /** The blue invoice the bureau found by code + number, if any. */
  readonly blue: Row<"blue_invoices"> | undefined;
  /** |红冲金额| (不含税). */
  readonly redAmount: Dec;
}

/**
 * The simulated bureau's review of an uploaded form: the first failing check rejects with its
 * reason; otherwise approved (the caller adds number and date). A form that names no blue invoice
 * (购方申请-已抵扣) has nothing to check against and is approved.
 */
export function reviewInfoFormApplication(
  r: ReviewInput
): { approved: true } | { approved: false; reason: string } {
  if (!r.namesBlue) return { approved: true };
  const blue = r.blue;
  const reject = (reason: string) => ({ approved: false as const, reason });
  if (!blue) return reject(BUREAU_REJECT_REASONS.blueNotFound);
  const same = (a: string, b: string) => a.trim().toUpperCase() === b.trim().toUpperCase();
  if (!same(blue.seller_tax_id, r.sellerTaxId)) return reject(BUREAU_REJECT_REASONS.sellerMismatch);
  if (!same(blue.buyer_tax_id, r.buyerTaxId)) return reject(BUREAU_REJECT_REASONS.buyerMismatch);
  // By code, not by wording: 004 = 增值税专用发票 = 增值税纸质专用发票 (codes.ts).
  if (!sameInvoiceType(blue.invoice_type, r.invoiceType)) return reject(BUREAU_REJECT_REASONS.typeMismatch);
  if (r.blueIssueTime && r.blueIssueTime.slice(0, 10) !== blue.invoice_date.slice(0, 10)) {
    return reject(BUREAU_REJECT_REASONS.dateMismatch);
  }
  const reversible = canRedFlushInvoice(blue.status, blue.remaining_amount);
  if (!reversible.ok) return reject(reversible.refusal.message);
  const amount = validateRedAmount(blue.remaining_amount, r.redAmount);
  if (!amount.ok) return reject(BUREAU_REJECT_REASONS.amountExceeds);
  return { approved: true };
}

const blank = (s: string | undefined): boolean => s === undefined || s.trim() === "";

/**
 * reading (issue 10 item 11; 001 提交: "如税局审核不通过，信息表状态为审核失败"; engine INFO_FORM_TRANSITIONS
 * submit 审核失败 → 按税局结果): a 审核失败 信息表 may be submitted again for the same blue invoice — under
 * a NEW 流水号 (a new submission and a new record; the failed one stays, 删除 allowed). The same 流水号
 * answers the recorded 审核失败 again (identical request) or GW_DUPLICATE_SERIAL (changed request):
 * serialNo idempotency (piaozone-api §1.7) holds for 2.2.04 as for every serialNo interface.
 */
export const INFO_FORM_RESUBMIT_AFTER_FAILURE = "新流水号" as const;

export const redInfoFormApplyHandler: InterfaceHandler<ApplyData> = {
  interfaceCode: ASSUMED_INTERFACE_CODES["2.2.04"],
  endpoint: "sim",
  description: "2.2.04 税控红字信息表申请",
  dataSchema: RedInfoFormApplyData,
  // The filing party is checked below (the seller files 销方申请, the buyer the others).
  orgTaxIdFields: ["taxNo", "taxpayerId", "taxno"],
  idempotencyKey: (d) => d.serialNo.trim(),

  async handle(ctx, d) {
    const org = ctx.caller.org;
    const applicant = applicantOfApplyType(d.applyType);
    if (!applicant) {
      return refuse("GW_VALIDATION", {
        detail: `data.applyType 须为 ${INFO_FORM_APPLY_TYPE_VALUES.join("、")} 或对应的申请方名称，收到“${d.applyType}”`,
      });
    }
    const sellerTaxId = d.sellerTaxpayerId.trim().toUpperCase();
    const buyerTaxId = d.buyerTaxpayerId.trim().toUpperCase();
    const filerIsSeller = applicantRole(applicant) === "销方";
    const filer = filerIsSeller ? sellerTaxId : buyerTaxId;
    if (filer !== org.tax_id) {
      // A malformed tax ID is the clerk's typing, not someone else's enterprise: say so, as locally.
      const filerField = filerIsSeller ? "sellerTaxpayerId" : "buyerTaxpayerId";
      const typed = firstPlannerRefusal(planRowsOfRequest(d, applicant, d.sellerName?.trim() ?? ""));
      if (typed?.field === filerField) return refused(typed);
      return refused({ ...refusal("GW_FORBIDDEN_ORG", { taxNo: filer }), field: filerField });
    }
    if (applicant === "销方申请" && org.issue_system !== "税控") {
      return refuse("GW_VALIDATION", {
        detail: "数电企业开具红字发票须使用红字确认单（2.1.03 / 2.1.04），红字信息表仅适用于税控专用发票",
      });
    }

    // Seller name: as given, else the bureau's record of the enterprise, else the blue invoice's.
    const namesBlue = !blank(d.originalInvoiceCode) && !blank(d.originalInvoiceNumber);
    const blue = namesBlue
      ? await bureauIssuedInvoice(ctx, d.originalInvoiceCode!, d.originalInvoiceNumber!)
      : undefined;
    const sellerName =
      d.sellerName?.trim() ||
      (sellerTaxId === org.tax_id ? org.name : (await findOrgByTaxId(ctx.tx, sellerTaxId))?.name) ||
      (blue && blue.seller_tax_id === sellerTaxId ? blue.seller_name : "");

    // The planner's checks, as the pane and `hongchong import` run them: every line as a row of the
    // form (required fields per 申请方 §3.1, 税收分类编码, rate, tax within 0.06, limits, tax IDs),
    // then the form's own rules (one blue line once). The first refusal answers, naming its field.
    const rows = planRowsOfRequest(d, applicant, sellerName);
    const lineRefusal = firstPlannerRefusal(rows);
    if (lineRefusal) return refused(lineRefusal);
    const lines = d.invoiceDetail.map((l) => ({
      l,
      amount: magnitude(String(l.amount)),
      tax: magnitude(String(l.taxAmount)),
    }));
    const redAmount = lines.reduce((a, x) => a.add(x.amount), new Dec(0));
    const redTax = lines.reduce((a, x) => a.add(x.tax), new Dec(0));

    const review = reviewInfoFormApplication({
      applicant,
      sellerTaxId,
      buyerTaxId,
      invoiceType: d.invoiceType,
      blueIssueTime: d.originalIssueTime ?? null,
      namesBlue,
      blue,
      redAmount,
    });
    const answer: BureauAnswer = review.approved
      ? { approved: true, formNo: await newInfoFormNo(ctx, sellerTaxId), auditDate: ctx.nowText }
      : { approved: false, reason: review.reason };
    const decision = applyInfoFormAction({ status: null, sellerTaxId }, { type: "submit", bureau: answer });
    if (!decision.ok) return refused(decision.refusal);
    const form = decision.value.form!;

    const ownBlue = blue && blue.org_id === org.id ? blue : undefined;
    const row = {
      serial_no: d.serialNo.trim(),
      bill_no: form.formNo ?? null,
      applicant,
      invoice_type: d.invoiceType,
      blue_invoice_id: ownBlue?.id ?? null,
      blue_invoice_code: d.originalInvoiceCode?.trim() ?? "",
      blue_invoice_no: d.originalInvoiceNumber?.trim() ?? "",
      blue_invoice_date: d.originalIssueTime ?? (namesBlue && blue ? blue.invoice_date : ""),
      seller_tax_id: sellerTaxId,
      seller_name: sellerName,
      buyer_tax_id: buyerTaxId,
      buyer_name: d.buyerName,
      status: form.status!,
      fail_reason: form.failReason ?? "",
      approved_at: form.bureauAuditDate ?? null,
      filled_at: ctx.nowText,
      red_invoice_code: null,
      red_invoice_no: null,
      amount: formatAmount(round2HalfUp(redAmount).neg()),
      tax_amount: formatAmount(round2HalfUp(redTax).neg()),
      application_id: null,
      created_at: ctx.now,
      updated_at: ctx.now,
    };
    const id = await ctx.repo.insertReturningId("info_forms", row);
    const lineRows = lines.map(({ l, amount, tax }, i) => ({
      form_id: id,
      line_no: i + 1,
      blue_line_id: null,
      goods_name: l.goodsName,
      revenue_code: l.revenueCode,
      specification: l.specification ?? "",
      units: l.units ?? "",
      quantity: l.quantity !== undefined ? formatQty(magnitude(l.quantity).neg()) : null,
      price: l.price !== undefined ? formatQty(magnitude(l.price)) : null,
      amount: formatAmount(amount.neg()),
      tax_rate: formatQty(l.taxRate),
      tax_amount: formatAmount(tax.neg()),
    }));
    await ctx.repo.insertInto("info_form_lines", lineRows).execute();
    await ctx.repo.audit("info_forms", id, "submit", undefined, {
      serialNo: row.serial_no,
      status: row.status,
      formNo: row.bill_no,
      failReason: row.fail_reason,
    });

    if (row.bill_no) await fileWithBureau(ctx, { ...row, id, org_id: org.id }, lineRows);
    const stored = { ...row, id, org_id: org.id };
    const wire = infoFormWire(stored);
    return ok({
      serialNo: wire.serialNo,
      redInfoBillNo: wire.redInfoBillNo,
      status: wire.status,
      failReason: wire.failReason,
      auditDate: wire.auditDate,
      fillDate: wire.fillDate,
      applyType: wire.applyType,
      redAmount: wire.redAmount,
      redTaxAmount: wire.redTaxAmount,
    });
  },
};

const DECIMAL_KEYS: ReadonlySet<InfoFormKey> = new Set([
  "quantity",
  "unitPrice",
  "redAmount",
  "taxRate",
  "redTax",
]);

/** Each request line as a planner row (the header repeated on every line, as the sheet has it). */
function planRowsOfRequest(d: ApplyData, applicant: InfoFormApplicant, sellerName: string): InfoFormRow[] {
  return rowsOfWireData(INFO_FORM_WIRE_FIELDS, d, DECIMAL_KEYS, () => ({
    applicant,
    invoiceType: infoFormInvoiceTypeLabel(d.invoiceType) ?? d.invoiceType,
    sellerName: sellerName.trim() === "" ? null : sellerName.trim(),
  }));
}

/** The first refusal of the planner on the request's lines, with the wire field it concerns. */
function firstPlannerRefusal(rows: readonly InfoFormRow[]): Refusal | null {
  return firstWireRefusal(
    rows,
    INFO_FORM_WIRE_FIELDS,
    (values) => checkInfoFormRow(values),
    checkInfoFormDocument
  );
}

/** The bureau keeps its copy of an approved form; both parties see it from then on. */
async function fileWithBureau(
  ctx: HandlerContext,
  row: Row<"info_forms">,
  lines: readonly {
    line_no: number;
    goods_name: string;
    revenue_code: string;
    specification: string;
    units: string;
    quantity: string | null;
    price: string | null;
    amount: string;
    tax_rate: string;
    tax_amount: string;
  }[]
): Promise<void> {
  await ctx.bureau
    .insertInto("bureau_info_forms", {
      bill_no: row.bill_no!,
      applicant: row.applicant,
      applicant_tax_id: ctx.caller.org.tax_id,
      seller_tax_id: row.seller_tax_id,
      seller_name: row.seller_name,
      buyer_tax_id: row.buyer_tax_id,
      buyer_name: row.buyer_name,
      invoice_type: row.invoice_type,
      blue_invoice_code: row.blue_invoice_code,
      blue_invoice_no: row.blue_invoice_no,
      status: row.status,
      approved_at: row.approved_at,
      filled_at: row.filled_at ?? ctx.nowText,
      red_invoice_code: null,
      red_invoice_no: null,
      amount: row.amount,
      tax_amount: row.tax_amount,
      lines_json: stringifyJson(
        lines.map((l) => ({
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
        }))
      ),
      updated_at: ctx.now,
    })
    .execute();
  await ctx.bureau.audit("bureau_info_forms", row.bill_no!, "approve", undefined, {
    applicant: row.applicant,
    seller: row.seller_tax_id,
    buyer: row.buyer_tax_id,
  });
}
