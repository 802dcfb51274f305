/**
 * Whether a 红字确认单 may reverse only part of the blue invoice (domain-rules §4, §4.6, §1.8 reason
 * rules). Three things force a full reversal: the blue invoice is 差额征税, the reason is 开票有误,
 * or the form needs no confirmation (01 — the buyer made no 用途确认, so the seller enters it and
 * "全额开具红字数电票", manual field 6 (1)).
 */
import type { RedReason, TaxMode } from "../labels";
import { type Refusal, refusal } from "../refusals";
import type { ConfirmStatus } from "./status";

/** 确认状态 on entry that only allows a full reversal (manual field 6 (1): 全额开具, 无需确认). */
export const FULL_ONLY_ENTRY_STATUS: ConfirmStatus = "01";

export interface PartialReversalInput {
  readonly reason: RedReason;
  readonly taxMode: TaxMode;
  /** 确认状态 the form gets on entry (ENTRY_RESULT). */
  readonly entryConfirmStatus: ConfirmStatus | null;
}

/**
 * null when a partial reversal is allowed, else the refusal. Checked in calcRedLine's order
 * (差额征税 before 开票有误), then the no-confirmation rule.
 */
export function partialReversalRefusal(input: PartialReversalInput): Refusal | null {
  if (input.taxMode === "差额征税") return refusal("DIFF_TAX_FULL_ONLY");
  if (input.reason === "开票有误") return refusal("ISSUE_ERROR_FULL_ONLY");
  if (input.entryConfirmStatus === FULL_ONLY_ENTRY_STATUS) return refusal("NO_CONFIRMATION_FULL_ONLY");
  return null;
}
