/**
 * 收购票 (purchase invoice) identity flip and the 企业类型 field (domain-rules §4.5).
 * For a 收购票 the buyer issues the invoice, so the parties of the red form are the other way round.
 */
import type { Role } from "../labels";
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
