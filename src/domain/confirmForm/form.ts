/**
 * The 红字确认单 (red confirmation form) as the rules see it: its status dimensions (domain-rules §4.2)
 * and the parties (§4.1). Header amounts and lines live in calcRedLine; this is what the buttons read.
 */
import type { AuditStatus, DataSource, EntryStatus, FormInvoiceStatus, Role } from "../labels";
import type { ConfirmStatus } from "./status";

export interface ConfirmForm {
  /** 录入状态 */
  readonly entryStatus: EntryStatus;
  /** 确认状态 code ("01"…"10", unknown codes kept verbatim); null until the bureau returns one. */
  readonly confirmStatus: ConfirmStatus | null;
  /** 开票状态 */
  readonly invoiceStatus: FormInvoiceStatus;
  /** 录入方身份: who entered the form at the bureau (null before entry when not yet decided). */
  readonly entrantRole: Role | null;
  /** 购销身份: whether the current organisation is 购方 or 销方 on this form. */
  readonly myRole: Role;
  /** 数据来源 */
  readonly dataSource: DataSource;
  /** 审核状态 */
  readonly auditStatus: AuditStatus;
  /** 已被分配 (allocated to a user/org; blocks delete, §4.9). */
  readonly allocated: boolean;
  /** 购方已用途确认 (勾选/入账) on the blue invoice: decides 01 vs 02 on entry (§4.3). */
  readonly buyerUsageConfirmed: boolean;
  /** 录入日期 `yyyy-MM-dd HH:mm:ss` (China time), set on successful entry when the caller gives the time. */
  readonly entryDate?: string | null;
  /** 确认日期, set when the counterparty confirms (never for 01). */
  readonly confirmDate?: string | null;
  /** The blue invoice is a 收购票: the buyer issued it, so the buyer red-flushes (identity.redFlushParty). */
  readonly isPurchaseInvoice?: boolean;
}

/**
 * Defaults of a form's optional fields (eval-contract "Missing optional fields take their defaults").
 * [INFERRED §4.2] A new form is 未录入/未开票, 手工新增, 无需审批 (config value D, the shipped default),
 * not allocated, buyer usage not confirmed, and the current organisation is the seller (the usual issuer).
 */
export const CONFIRM_FORM_DEFAULTS: ConfirmForm = {
  entryStatus: "未录入",
  confirmStatus: null,
  invoiceStatus: "未开票",
  entrantRole: null,
  myRole: "销方",
  dataSource: "手工新增",
  auditStatus: "无需审批",
  allocated: false,
  buyerUsageConfirmed: false,
  entryDate: null,
  confirmDate: null,
  isPurchaseInvoice: false,
};

/** A form from partial data, the rest defaulted. */
export function confirmForm(fields: Partial<ConfirmForm> = {}): ConfirmForm {
  return { ...CONFIRM_FORM_DEFAULTS, ...fields };
}

/** The other party. */
export function counterparty(role: Role): Role {
  return role === "销方" ? "购方" : "销方";
}
