/**
 * The code tables of the wire (piaozone-api §1.8 and assumptions A2–A7), each ONCE, with its inverse
 * and the labels' aliases. Every surface (pane, CLI, exports, sandbox) converts label ⇄ code here;
 * a second copy of one of these tables anywhere else is a defect (test/unit/gateway/codes.test.ts
 * looks for them).
 *
 * Labels are the domain's (`src/domain/labels.ts`); the label sets carry the aliases, so
 * "增值税纸质专用发票", "纸质专票" and "增值税专用发票" all reach code `004`.
 */
import {
  InfoFormApplicant,
  InfoFormInvoiceType,
  InvoiceKind,
} from "../domain/labels";
import { INFO_FORM_APPLY_TYPE_CODES } from "./assumptions";

// ── invoice types (发票种类 / invoiceType) ────────────────────────────────────

/** 数电 invoiceType (§1.8): 01 数电专票, 02 数电普票. */
export type DigitalInvoiceTypeCode = "01" | "02";
/** 税控 invoiceType: 028 e-special, 026 e-ordinary, 004 paper special, 007 paper ordinary. */
export type TaxControlInvoiceTypeCode = "028" | "026" | "004" | "007";
/** 税控 专票 codes: the only ones a 红字信息表 can concern. */
export type TaxControlSpecialTypeCode = "004" | "028";
export type InvoiceTypeCode = DigitalInvoiceTypeCode | TaxControlInvoiceTypeCode;

/** code → the canonical 发票种类 label (one per code). */
export const INVOICE_TYPE_LABELS: Readonly<Record<InvoiceTypeCode, InvoiceKind>> = {
  "01": "数电发票（增值税专用发票）",
  "02": "数电发票（普通发票）",
  "004": "增值税专用发票",
  "007": "增值税普通发票",
  "026": "增值税电子普通发票",
  "028": "增值税电子专用发票",
};

const INVOICE_TYPE_CODES: Readonly<Record<InvoiceKind, InvoiceTypeCode>> = Object.fromEntries(
  (Object.entries(INVOICE_TYPE_LABELS) as [InvoiceTypeCode, InvoiceKind][]).map(([c, l]) => [l, c])
) as Record<InvoiceKind, InvoiceTypeCode>;

export const DIGITAL_INVOICE_TYPE_CODES: readonly DigitalInvoiceTypeCode[] = ["01", "02"];
export const TAX_CONTROL_INVOICE_TYPE_CODES: readonly TaxControlInvoiceTypeCode[] = ["028", "026", "004", "007"];
export const TAX_CONTROL_SPECIAL_TYPE_CODES: readonly TaxControlSpecialTypeCode[] = ["004", "028"];

/** A 发票种类 label or alias (or already a code) → its wire code; undefined when unknown. */
export function invoiceTypeCode(labelOrCode: unknown): InvoiceTypeCode | undefined {
  if (typeof labelOrCode !== "string") return undefined;
  const t = labelOrCode.trim();
  if (Object.prototype.hasOwnProperty.call(INVOICE_TYPE_LABELS, t)) return t as InvoiceTypeCode;
  const kind = InvoiceKind.normalize(t) ?? infoFormKind(t);
  return kind === undefined ? undefined : INVOICE_TYPE_CODES[kind];
}

/** A wire code → the canonical 发票种类 label; an unknown code (61, 59 … of the bureau) as is. */
export function invoiceTypeLabel(code: string): string {
  const t = code.trim();
  return Object.prototype.hasOwnProperty.call(INVOICE_TYPE_LABELS, t)
    ? INVOICE_TYPE_LABELS[t as InvoiceTypeCode]
    : t;
}

export function isDigitalInvoiceTypeCode(c: string): c is DigitalInvoiceTypeCode {
  return (DIGITAL_INVOICE_TYPE_CODES as readonly string[]).includes(c);
}
export function isTaxControlInvoiceTypeCode(c: string): c is TaxControlInvoiceTypeCode {
  return (TAX_CONTROL_INVOICE_TYPE_CODES as readonly string[]).includes(c);
}

// ── 红字信息表 发票类型 (the 专票 subset, in the 001 manual's own words) ───────────

const INFO_FORM_TYPE_OF_KIND: Readonly<Partial<Record<InvoiceKind, InfoFormInvoiceType>>> = {
  增值税专用发票: "增值税纸质专用发票",
  增值税电子专用发票: "增值税电子专用发票",
};
const KIND_OF_INFO_FORM_TYPE: Readonly<Record<InfoFormInvoiceType, InvoiceKind>> = {
  增值税纸质专用发票: "增值税专用发票",
  增值税电子专用发票: "增值税电子专用发票",
};

function infoFormKind(t: string): InvoiceKind | undefined {
  const f = InfoFormInvoiceType.normalize(t);
  return f === undefined ? undefined : KIND_OF_INFO_FORM_TYPE[f];
}

/** A 红字信息表 发票类型 (or any 专票 label/alias/code) → 004 / 028; undefined for non-专票. */
export function infoFormInvoiceTypeCode(labelOrCode: unknown): TaxControlSpecialTypeCode | undefined {
  const c = invoiceTypeCode(labelOrCode);
  return c === "004" || c === "028" ? c : undefined;
}

/** 004 / 028 (or a 发票种类 label) → the 红字信息表 label (增值税纸质专用发票 / 增值税电子专用发票). */
export function infoFormInvoiceTypeLabel(codeOrLabel: string): InfoFormInvoiceType | undefined {
  const c = invoiceTypeCode(codeOrLabel);
  return c === undefined ? undefined : INFO_FORM_TYPE_OF_KIND[INVOICE_TYPE_LABELS[c]];
}

// ── 2.2.04 applyType (申请方, assumptions A6) ─────────────────────────────────

export { INFO_FORM_APPLY_TYPE_CODES };

/** 申请方 label → applyType. */
export function applyTypeCode(applicant: InfoFormApplicant): string {
  return INFO_FORM_APPLY_TYPE_CODES[applicant];
}

/** applyType code, or a 申请方 label/alias → the label. */
export function applicantOfApplyType(applyTypeOrLabel: unknown): InfoFormApplicant | undefined {
  if (typeof applyTypeOrLabel !== "string") return undefined;
  const t = applyTypeOrLabel.trim();
  const byCode = InfoFormApplicant.values.find((a) => INFO_FORM_APPLY_TYPE_CODES[a] === t);
  return byCode ?? InfoFormApplicant.normalize(t);
}
