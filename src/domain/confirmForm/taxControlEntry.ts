/**
 * 特别提示 of the manual (domain-rules §4.3): entering a form for a 税控 blue invoice as the buyer,
 * while the seller still issues 税控 invoices (not yet on 数电), gives a 红字信息表 — module 001 —
 * not a 红字确认单.
 */
import type { Role } from "../labels";

export interface TaxControlEntryFacts {
  /** The blue invoice is a 税控 invoice (增值税专用发票 etc.), not 数电. */
  readonly blueIsTaxControl: boolean;
  /** 购销身份 of the current organisation. */
  readonly myRole: Role;
  /** The seller has not moved to 数电 and still issues 税控 invoices. */
  readonly sellerStillOnTaxControl: boolean;
}

export type EntryYields = "红字确认单" | "红字信息表";

export function entryYields(f: TaxControlEntryFacts): EntryYields {
  return f.blueIsTaxControl && f.myRole === "购方" && f.sellerStillOnTaxControl ? "红字信息表" : "红字确认单";
}

/** The notice to show before entry when the result will be a 红字信息表. */
export const TAX_CONTROL_ENTRY_NOTICE =
  "原蓝票是税控发票，本企业作为购方且销方仍开具税控发票，录入后税局返回的是红字信息表，不是红字确认单，可进入红字信息表页面查看申请的数据。";

/** The 特别提示 to show before entry (TAX_CONTROL_ENTRY_NOTICE), or null when entry yields a 红字确认单. */
export function taxControlEntryNotice(f: TaxControlEntryFacts): string | null {
  return entryYields(f) === "红字信息表" ? TAX_CONTROL_ENTRY_NOTICE : null;
}
