/**
 * 下载 / 更新确认单状态 (domain-rules §4.10): how a downloaded form merges into what we hold, and the
 * 乐企 channel's automatic re-run.
 */
import { LEQI_RERUN_DETAIL_LINES_THRESHOLD, LEQI_RERUN_INTERVAL_SECONDS } from "../inferred";
import type { Channel, Role } from "../labels";

/** The fields a download may update on a form we already hold. */
export type DownloadUpdatedField = "确认状态" | "开票状态" | "红票号码";

export interface DownloadMergeInput {
  /** The form is already held (存量); otherwise it is new (增量). */
  readonly existing: boolean;
  /** 购销身份 of the downloading organisation. */
  readonly myRole: Role;
  /** Both parties use 发票云 (the first organisation to download owns the form). */
  readonly bothPartiesInCloud: boolean;
  /** The bureau shows the red invoice issued. */
  readonly bureauInvoiced: boolean;
}

export type DownloadMerge =
  | { readonly action: "INSERT" }
  | { readonly action: "UPDATE"; readonly updatedFields: readonly DownloadUpdatedField[] };

/**
 * 增量 → INSERT. 存量 → UPDATE of 确认状态; 开票状态 + 红票号码 only when we are the buyer, not both
 * parties are in 发票云, and the bureau shows the red invoice issued (a seller gets them by clicking 红冲).
 */
export function downloadMerge(input: DownloadMergeInput): DownloadMerge {
  if (!input.existing) return { action: "INSERT" };
  const buyerTakesInvoice = input.myRole === "购方" && !input.bothPartiesInCloud && input.bureauInvoiced;
  return {
    action: "UPDATE",
    updatedFields: buyerTakesInvoice ? ["确认状态", "开票状态", "红票号码"] : ["确认状态"],
  };
}

/** 更新确认单状态 is header-only: it refreshes 确认状态 of held forms and never inserts. */
export const STATUS_UPDATE_FIELDS: readonly DownloadUpdatedField[] = ["确认状态"];

export interface LeqiRerun {
  readonly autoRerun: boolean;
  /** Seconds between runs, when re-running. */
  readonly intervalSeconds?: number;
}

/** 乐企: more than 15 detail lines in the 录入日期 range → re-run every 60 s until done (§9 A9; 15 → one pass). */
export function leqiRerun(channel: Channel | string, detailLinesInRange: number): LeqiRerun {
  return channel === "乐企" && detailLinesInRange > LEQI_RERUN_DETAIL_LINES_THRESHOLD
    ? { autoRerun: true, intervalSeconds: LEQI_RERUN_INTERVAL_SECONDS }
    : { autoRerun: false };
}
