/**
 * Whether a red invoice issued from a 红字确认单 is called back to the business system
 * (config sim_invoice_callback_config / red_not_callback, domain-rules §4.12).
 */
import type { DataSource } from "../labels";

/**
 * [INFERRED §4.12] "Pushed by a business system" = the form's current 数据来源 (at issue time) is one of
 * these; the manual names 手工新增 and 税局下载 as the non-business ones.
 */
export const BUSINESS_PUSHED_SOURCES: readonly DataSource[] = ["API接口", "单据开票", "匹配结果推送"];

export interface CallbackInput {
  /** The config value; may be empty or absent. */
  readonly redNotCallback: string | null | undefined;
  readonly dataSource: DataSource;
  /** The form is linked to a 负数开票申请单. */
  readonly linkedNegativeApplication: boolean;
  /** The blue invoice has a positive 开票申请单 (only reachable when not suppressed). */
  readonly blueHasPositiveApplication: boolean;
}

export function callbackDecision(input: CallbackInput): boolean {
  switch ((input.redNotCallback ?? "").trim()) {
    case "1":
      // Unlinked forms do not look up the blue's application/business system at all.
      return input.linkedNegativeApplication;
    case "2":
      return BUSINESS_PUSHED_SOURCES.includes(input.dataSource);
    default:
      return true; // 其他：全部回调
  }
}
