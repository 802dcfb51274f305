/**
 * The code tables of the wire (piaozone-api §1.8 and assumptions A2–A7), each ONCE, with its inverse
 * and the labels' aliases. Every surface (pane, CLI, exports, sandbox) converts label ⇄ code here;
 * a second copy of one of these tables anywhere else is a defect (test/unit/gateway/codes.test.ts
 * looks for them).
 *
 * Where the values live: the labels and their aliases in `src/domain/labels.ts`; the 确认状态 table
 * in `src/domain/confirmForm/status.ts` (the domain reads it without the gateway); the ASSUMED wire
 * values (reason order, applyType, scope, identity, qrlx) in `./assumptions.ts`. This module is the
 * one API over them: it re-exports those tables and holds every conversion and inverse.
 *
 * Labels are the domain's, one vocabulary: "增值税纸质专用发票", "纸质专票" and "增值税专用发票" all
 * reach code `004`, whichever template or sheet they were typed in.
 */
import {
  CONFIRM_STATUS_CODES,
  CONFIRM_STATUS_TABLE,
  type ConfirmStatus,
  type ConfirmStatusCode,
  confirmStatusLabel,
  isInvoiceableConfirmStatus,
  isKnownConfirmStatus,
  isValidConfirmStatus,
  isVoidConfirmStatus,
  parseConfirmStatus,
} from "../domain/confirmForm/status";
import {
  FLIGHT_TICKET_TYPE_CODE,
  FLIGHT_TICKET_TYPE_LABEL,
  TOLL_INVOICE_TYPE_CODE,
  TOLL_INVOICE_TYPE_LABEL,
} from "../domain/inputSync";
import {
  Channel,
  InfoFormApplicant,
  InfoFormInvoiceType,
  InvoiceKind,
  RedReason,
  Role,
} from "../domain/labels";
import {
  CONFIRM_TYPE_CODES,
  DEFAULT_RED_REASON_CODE_MAPPING,
  INFO_FORM_APPLY_TYPE_CODES,
  INFO_FORM_DOWNLOAD_SCOPE_CODES,
  PARTY_IDENTITY_CODES,
  RED_REASON_CODE_MAPPINGS,
  RED_REASON_CODE_WIDTH,
  type RedReasonCodeMapping,
  type RedReasonInterface,
} from "./assumptions";

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** The key of `table` whose value is `code`; a table's inverse without a second table. */
function keyOf<K extends string>(table: Readonly<Record<K, string>>, code: string): K | undefined {
  return (Object.keys(table) as K[]).find((k) => table[k] === code);
}

// ── invoice types (发票种类 / invoiceType) ────────────────────────────────────

/** 数电 invoiceType (§1.8): 01 数电专票, 02 数电普票. */
export type DigitalInvoiceTypeCode = "01" | "02";
/** 税控 invoiceType: 028 e-special, 026 e-ordinary, 004 paper special, 007 paper ordinary. */
export type TaxControlInvoiceTypeCode = "028" | "026" | "004" | "007";
/** 税控 专票 codes: the only ones a 红字信息表 can concern. */
export type TaxControlSpecialTypeCode = "004" | "028";
export type InvoiceTypeCode = DigitalInvoiceTypeCode | TaxControlInvoiceTypeCode;

/** code → the canonical 发票种类 label (one per code; `InvoiceKind` carries the aliases). */
export const INVOICE_TYPE_LABELS: Readonly<Record<InvoiceTypeCode, InvoiceKind>> = {
  "01": "数电发票（增值税专用发票）",
  "02": "数电发票（普通发票）",
  "004": "增值税专用发票",
  "007": "增值税普通发票",
  "026": "增值税电子普通发票",
  "028": "增值税电子专用发票",
};

export const DIGITAL_INVOICE_TYPE_CODES: readonly DigitalInvoiceTypeCode[] = ["01", "02"];
export const TAX_CONTROL_INVOICE_TYPE_CODES: readonly TaxControlInvoiceTypeCode[] = [
  "028",
  "026",
  "004",
  "007",
];
export const TAX_CONTROL_SPECIAL_TYPE_CODES: readonly TaxControlSpecialTypeCode[] = ["004", "028"];

/** A 发票种类 label or alias (or already a code) → its wire code; undefined when unknown. */
export function invoiceTypeCode(labelOrCode: unknown): InvoiceTypeCode | undefined {
  if (typeof labelOrCode !== "string") return undefined;
  const t = labelOrCode.trim();
  if (own(INVOICE_TYPE_LABELS, t)) return t as InvoiceTypeCode;
  const kind = InvoiceKind.normalize(t);
  return kind === undefined ? undefined : keyOf(INVOICE_TYPE_LABELS, kind);
}

/** A wire code (or a label/alias) → the canonical 发票种类 label; an unknown code (61, 59 …) as is. */
export function invoiceTypeLabel(code: string): string {
  const c = invoiceTypeCode(code);
  return c === undefined ? code.trim() : INVOICE_TYPE_LABELS[c];
}

/** A wire code (or a label/alias) → the canonical 发票种类 label; undefined for a code we do not know. */
export function invoiceKindOf(codeOrLabel: unknown): InvoiceKind | undefined {
  const c = invoiceTypeCode(codeOrLabel);
  return c === undefined ? undefined : INVOICE_TYPE_LABELS[c];
}

/**
 * 发票类型 of an invoice in the input pool (4.03) as a clerk reads it: the red-flush kinds by their
 * label, the two types the V2.0 manual adds (61 航空运输电子客票行程单, 59 通行费发票) by theirs; a
 * code we do not know stays as the cloud wrote it.
 */
export function poolInvoiceTypeLabel(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  const c = code.trim();
  if (c === FLIGHT_TICKET_TYPE_CODE) return FLIGHT_TICKET_TYPE_LABEL;
  if (c === TOLL_INVOICE_TYPE_CODE) return TOLL_INVOICE_TYPE_LABEL;
  return invoiceKindOf(c) ?? code;
}

/**
 * Whether two 发票种类 — code, label or alias, either side — name the same type. How the sandbox's
 * bureau compares a form's 发票类型 with the blue invoice's: 004 = 增值税专用发票 = 增值税纸质专用发票.
 * Codes we do not know are compared as written.
 */
export function sameInvoiceType(a: string, b: string): boolean {
  const ca = invoiceTypeCode(a) ?? a.trim();
  const cb = invoiceTypeCode(b) ?? b.trim();
  return ca === cb;
}

export function isDigitalInvoiceTypeCode(c: string): c is DigitalInvoiceTypeCode {
  return (DIGITAL_INVOICE_TYPE_CODES as readonly string[]).includes(c);
}
export function isTaxControlInvoiceTypeCode(c: string): c is TaxControlInvoiceTypeCode {
  return (TAX_CONTROL_INVOICE_TYPE_CODES as readonly string[]).includes(c);
}
export function isTaxControlSpecialTypeCode(c: string): c is TaxControlSpecialTypeCode {
  return (TAX_CONTROL_SPECIAL_TYPE_CODES as readonly string[]).includes(c);
}

/** 数电 invoiceType of a 发票种类 (01 专票 / 02 普票); undefined for a 税控 kind or an unknown label. */
export function digitalInvoiceTypeCode(labelOrCode: unknown): DigitalInvoiceTypeCode | undefined {
  const c = invoiceTypeCode(labelOrCode);
  return c !== undefined && isDigitalInvoiceTypeCode(c) ? c : undefined;
}

/** 税控 invoiceType of a 发票种类 (028 / 026 / 004 / 007); undefined for a 数电 kind or an unknown label. */
export function taxControlInvoiceTypeCode(labelOrCode: unknown): TaxControlInvoiceTypeCode | undefined {
  const c = invoiceTypeCode(labelOrCode);
  return c !== undefined && isTaxControlInvoiceTypeCode(c) ? c : undefined;
}

// ── 红字信息表 发票类型 (the 专票 part of the same vocabulary) ──────────────────

/** A 红字信息表 发票类型 (or any 专票 label/alias/code) → 004 / 028; undefined for non-专票. */
export function infoFormInvoiceTypeCode(labelOrCode: unknown): TaxControlSpecialTypeCode | undefined {
  const c = invoiceTypeCode(labelOrCode);
  return c !== undefined && isTaxControlSpecialTypeCode(c) ? c : undefined;
}

/** 004 / 028 (or a 专票 label/alias) → the 红字信息表 发票类型 label; undefined for non-专票. */
export function infoFormInvoiceTypeLabel(codeOrLabel: string): InfoFormInvoiceType | undefined {
  const c = infoFormInvoiceTypeCode(codeOrLabel);
  return c === undefined ? undefined : InfoFormInvoiceType.normalize(INVOICE_TYPE_LABELS[c]);
}

// ── 2.2.04 applyType (申请方, assumptions A6) ─────────────────────────────────

export { INFO_FORM_APPLY_TYPE_CODES };

/** The applyType codes, in 申请方 order (for schemas and messages). */
export const INFO_FORM_APPLY_TYPE_VALUES: readonly string[] = InfoFormApplicant.values.map(
  (a) => INFO_FORM_APPLY_TYPE_CODES[a]
);

/** 申请方 label (or alias) → applyType; undefined when the label is unknown. */
export function applyTypeCode(applicant: InfoFormApplicant): string;
export function applyTypeCode(applicant: string): string | undefined;
export function applyTypeCode(applicant: string): string | undefined {
  const a = InfoFormApplicant.normalize(applicant);
  return a === undefined ? undefined : INFO_FORM_APPLY_TYPE_CODES[a];
}

/** applyType code, or a 申请方 label/alias → the label. */
export function applicantOfApplyType(applyTypeOrLabel: unknown): InfoFormApplicant | undefined {
  if (typeof applyTypeOrLabel !== "string") return undefined;
  const t = applyTypeOrLabel.trim();
  return keyOf(INFO_FORM_APPLY_TYPE_CODES, t) ?? InfoFormApplicant.normalize(t);
}

// ── 红冲原因 (§1.8, assumptions A2/A3) ─────────────────────────────────────────

export { DEFAULT_RED_REASON_CODE_MAPPING, RED_REASON_CODE_MAPPINGS, RED_REASON_CODE_WIDTH };
export type { RedReasonCodeMapping, RedReasonInterface };

/** The wire code of a 红冲原因 (any label variant, e.g. 销货退回) for an interface; undefined if unknown. */
export function reasonToCode(
  reason: string,
  interfaceId: RedReasonInterface,
  mapping: RedReasonCodeMapping = DEFAULT_RED_REASON_CODE_MAPPING
): string | undefined {
  const label = RedReason.normalize(reason);
  if (label === undefined) return undefined;
  return mapping[label].padStart(RED_REASON_CODE_WIDTH[interfaceId], "0");
}

/** The 红冲原因 of a wire code, "1" or "01" alike; undefined if the code is not in the mapping. */
export function codeToReason(
  code: string,
  mapping: RedReasonCodeMapping = DEFAULT_RED_REASON_CODE_MAPPING
): RedReason | undefined {
  const m = /^0*([1-9])$/.exec(code.trim());
  if (!m) return undefined;
  return keyOf(mapping, m[1]);
}

/** The wire codes of an interface's 红冲原因, in label order (for schemas). */
export function redReasonCodes(
  interfaceId: RedReasonInterface,
  mapping: RedReasonCodeMapping = DEFAULT_RED_REASON_CODE_MAPPING
): string[] {
  return RedReason.values.map((r) => reasonToCode(r, interfaceId, mapping)!);
}

// ── 红字确认单 确认状态 01–10 (domain-rules §4.2; the table is the domain's) ────────

export {
  CONFIRM_STATUS_CODES,
  CONFIRM_STATUS_TABLE,
  confirmStatusLabel,
  isInvoiceableConfirmStatus,
  isKnownConfirmStatus,
  isValidConfirmStatus,
  isVoidConfirmStatus,
  parseConfirmStatus,
};
export type { ConfirmStatus, ConfirmStatusCode };

/** A 确认状态 label in any spacing/bracket variant, or a code ("4", "04") → the known code; else undefined. */
export function confirmStatusCode(labelOrCode: string): ConfirmStatusCode | undefined {
  const r = parseConfirmStatus(labelOrCode);
  return r.ok && isKnownConfirmStatus(r.value) ? r.value : undefined;
}

// ── channels (开票通道 of an enterprise) ──────────────────────────────────────

/** The channel labels are their own codes (settings, the sandbox's org table); aliases in labels.ts. */
export { Channel };
export const CHANNELS: readonly Channel[] = Channel.values;

/** A channel as typed (乐企通道, RPA通道 …) → the channel; undefined when unknown. */
export function channelOf(text: unknown): Channel | undefined {
  return Channel.normalize(text);
}

// ── 录入方身份 / 购销身份 (`enteridentity`, `identity`, assumptions A4) ─────────────

export { PARTY_IDENTITY_CODES };
export type PartyIdentityCode = (typeof PARTY_IDENTITY_CODES)[Role];
export const PARTY_IDENTITY_CODE_VALUES: readonly PartyIdentityCode[] = Role.values.map(
  (r) => PARTY_IDENTITY_CODES[r]
);

/** 销方 / 购方 (or 我是销方, 销售方 …) → "0" / "1"; undefined when unknown. */
export function identityCode(role: string): PartyIdentityCode | undefined {
  const r = Role.normalize(role);
  return r === undefined ? undefined : PARTY_IDENTITY_CODES[r];
}

export function roleOfIdentity(code: string): Role | undefined {
  return keyOf(PARTY_IDENTITY_CODES, code.trim());
}

// ── 确认类型 `qrlx` (2.1.08 / 2.1.09, assumptions A5) ─────────────────────────

export { CONFIRM_TYPE_CODES };
export type ConfirmTypeAction = keyof typeof CONFIRM_TYPE_CODES;
export type ConfirmTypeCode = (typeof CONFIRM_TYPE_CODES)[ConfirmTypeAction];

/** revoke / confirm / reject → C / Y / N. */
export function confirmTypeCode(action: ConfirmTypeAction): ConfirmTypeCode {
  return CONFIRM_TYPE_CODES[action];
}

/** C / Y / N (any case) → the action; undefined for another code. */
export function confirmTypeAction(code: string): ConfirmTypeAction | undefined {
  return keyOf(CONFIRM_TYPE_CODES, code.trim().toUpperCase());
}

// ── 2.2.05 下载范围 `scope` (assumptions A7) ────────────────────────────────────

export { INFO_FORM_DOWNLOAD_SCOPE_CODES };
export type InfoFormDownloadScopeCode =
  (typeof INFO_FORM_DOWNLOAD_SCOPE_CODES)[keyof typeof INFO_FORM_DOWNLOAD_SCOPE_CODES];
export const INFO_FORM_DOWNLOAD_SCOPE_VALUES: readonly InfoFormDownloadScopeCode[] = Object.values(
  INFO_FORM_DOWNLOAD_SCOPE_CODES
);

/** The two check boxes (本企业申请 / 其他企业申请) → scope; undefined when none is ticked (refused, domain-rules §3.7). */
export function downloadScopeCode(boxes: {
  readonly own: boolean;
  readonly others: boolean;
}): InfoFormDownloadScopeCode | undefined {
  if (boxes.own && boxes.others) return INFO_FORM_DOWNLOAD_SCOPE_CODES.both;
  if (boxes.own) return INFO_FORM_DOWNLOAD_SCOPE_CODES.own;
  if (boxes.others) return INFO_FORM_DOWNLOAD_SCOPE_CODES.others;
  return undefined;
}

/** scope → the two check boxes; "" / absent / unknown = none ticked. */
export function downloadScopeBoxes(scope: string | undefined): { own: boolean; others: boolean } {
  const s = (scope ?? "").trim();
  return {
    own: s === INFO_FORM_DOWNLOAD_SCOPE_CODES.own || s === INFO_FORM_DOWNLOAD_SCOPE_CODES.both,
    others: s === INFO_FORM_DOWNLOAD_SCOPE_CODES.others || s === INFO_FORM_DOWNLOAD_SCOPE_CODES.both,
  };
}
