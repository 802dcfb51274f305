/**
 * 收购票 (purchase invoice) identity flip and the 企业类型 field (domain-rules §4.5).
 * For a 收购票 the buyer issues the invoice, so the parties of the red form are the other way round.
 */
import { CONFIRM_FORM_RED_FLUSH_PARTY } from "../inferred";
import type { Role } from "../labels";
import { Refusal, refusal } from "../refusals";
import { counterparty } from "./form";

/** The party block shows one field, labelled 企业类型; this says whose enterprise type it holds. */
export type EnterpriseTypeShows = "购方企业类型" | "销方企业类型";

/** Label and help text of the field (manual step 2 ②). */
export const ENTERPRISE_TYPE_FIELD_LABEL = "企业类型";
export const ENTERPRISE_TYPE_HELP =
  "非收购票，“企业类型”的值为购方企业类型；收购票，“企业类型”的值为销方企业类型。";

export interface PurchaseInvoiceIdentity {
  /** 购销身份 of the created form. */
  readonly formRole: Role;
  readonly enterpriseTypeShows: EnterpriseTypeShows;
}

/** [INFERRED §4.5] 我是购方 → 我是销方 for 收购票 by symmetry with the manual's 我是销方 → 我是购方. */
export function purchaseInvoiceIdentity(
  isPurchaseInvoice: boolean,
  selectedRole: Role
): PurchaseInvoiceIdentity {
  return isPurchaseInvoice
    ? { formRole: counterparty(selectedRole), enterpriseTypeShows: "销方企业类型" }
    : { formRole: selectedRole, enterpriseTypeShows: "购方企业类型" };
}

/**
 * Who red-flushes (issues the red invoice of) a 红字确认单: the seller — the buyer only receives the
 * number by download — except for a 收购票, where the buyer issues and the identities flip
 * (inferred.CONFIRM_FORM_RED_FLUSH_PARTY).
 */
export function redFlushParty(isPurchaseInvoice: boolean): Role {
  return isPurchaseInvoice
    ? CONFIRM_FORM_RED_FLUSH_PARTY.purchaseInvoice
    : CONFIRM_FORM_RED_FLUSH_PARTY.ordinary;
}

/** Whether the organisation with 购销身份 `myRole` on the form may red-flush it. */
export function mayRedFlushConfirmForm(myRole: Role, isPurchaseInvoice: boolean): boolean {
  return myRole === redFlushParty(isPurchaseInvoice);
}

/**
 * The reason the 红冲 button is disabled for `myRole` (RCF_RED_FLUSH_WRONG_PARTY), or null when this
 * party may red-flush. The pane shows the message; the sandbox refuses with the code.
 */
export function redFlushPartyRefusal(myRole: Role, isPurchaseInvoice: boolean): Refusal | null {
  if (mayRedFlushConfirmForm(myRole, isPurchaseInvoice)) return null;
  return refusal("RCF_RED_FLUSH_WRONG_PARTY", {
    party: redFlushParty(isPurchaseInvoice),
    why: isPurchaseInvoice ? "收购票由购方开具，购销身份互换" : "购方仅通过下载获取红字确认单编号",
  });
}
