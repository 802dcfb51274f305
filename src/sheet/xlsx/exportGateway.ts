/**
 * ExportSource over src/gateway's client: 2.2.05 红字信息表下载, 2.1.12 红字确认单下载 (with lines;
 * 2.1.13 编号查询 when the download returns no list), 4.02/4.03 进项发票表头归集 for the pool and the
 * download tasks. Every list is read whole (src/sheet/paging.ts): paged to its total, or refused
 * with the figures when it is incomplete or above EXPORT_MAX_ROWS.
 */
import type { GatewayClient, GatewayResult } from "../../gateway/client";
import { INFO_FORM_DOWNLOAD_SCOPE_CODES } from "../../gateway/assumptions";
import type { InputInvoiceHeader } from "../../gateway/payloads";
import { fail, ok, type Result } from "../../domain/refusals";
import { allRedConfirmBills, fetchAllPages, type ListLimits, wholeList } from "../paging";
import {
  EXPORT_MAX_ROWS,
  EXPORT_SHEET_NAMES,
  type DownloadTaskRecord,
  type ExportKind,
  type ExportQuery,
  type ExportSource,
} from "./export";

export type ExportClient = Pick<
  GatewayClient,
  | "downloadRedInfoForms"
  | "downloadRedConfirmBills"
  | "queryRedConfirmBills"
  | "startInputCollection"
  | "queryInputCollection"
>;

export interface GatewayExportOptions {
  /** 4.03 page size. */
  readonly pageSize?: number;
  /** How long to wait for a 4.02 task started by the export, and how often to ask. */
  readonly pollIntervalMs?: number;
  readonly maxPolls?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Today, yyyy-MM-dd (default range end). */
  readonly today?: () => string;
}

const asResult = <T>(r: GatewayResult<T>): Result<T> =>
  r.ok ? ok(r.data) : { ok: false, refusal: r.refusal };

/**
 * [decision] Without --from/--to: from the 1st of the month DEFAULT_RANGE_MONTHS − 1 months back to
 * today — this month and the two before it, so a quarter's forms (and every 红字确认单 still inside
 * its 72 hours) are in the list. "Today" is the gateway's calendar (src/cli/login.ts gatewayToday).
 */
export const DEFAULT_RANGE_MONTHS = 3;

export function defaultRange(q: ExportQuery, today: string): { startDate: string; endDate: string } {
  const endDate = q.to ?? today;
  if (q.from) return { startDate: q.from, endDate };
  const [y, m] = endDate.split("-").map(Number);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(endDate) || !(m >= 1 && m <= 12)) return { startDate: endDate, endDate }; // the gateway refuses it
  const start = new Date(Date.UTC(y, m - 1 - (DEFAULT_RANGE_MONTHS - 1), 1));
  return { startDate: start.toISOString().slice(0, 10), endDate };
}

const range = defaultRange;

function chinaToday(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The export's limits on a list of `kind`: its sheet's name, EXPORT_MAX_ROWS. */
const limitsOf = (kind: ExportKind): ListLimits => ({
  list: EXPORT_SHEET_NAMES[kind],
  maxItems: EXPORT_MAX_ROWS,
  tooLong: "EXPORT_TOO_MANY_ROWS",
});

export function gatewayExportSource(client: ExportClient, opts: GatewayExportOptions = {}): ExportSource {
  const pageSize = opts.pageSize ?? 500;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const today = opts.today ?? chinaToday;
  const org = (q: ExportQuery): Result<string> =>
    q.org ? ok(q.org) : fail("GW_VALIDATION", { detail: "请用 --org 指定组织税号" });

  /**
   * Every invoice of one 4.03 task, paged to its total; null while the task is still running (its
   * pages are not final yet: the caller polls again). A failed task is refused, not exported empty.
   */
  async function collect(taxNo: string, taskNo: string): Promise<Result<InputInvoiceHeader[] | null>> {
    let running = false;
    const r = await fetchAllPages<InputInvoiceHeader>(
      async (pageNo, size) => {
        const p = await client.queryInputCollection({ taxNo, taskNo, pageNo, pageSize: size });
        if (!p.ok) return { ok: false, refusal: p.refusal };
        if (p.data.taskStatus === "failed")
          return fail("GW_BUSINESS_ERROR", { message: `进项发票归集任务“${taskNo}”失败` });
        running = p.data.taskStatus === "running";
        // A running task: an empty, whole page ends this read; the caller polls again.
        return ok(running ? { items: [], total: 0 } : { items: p.data.invoices, total: p.data.total });
      },
      { ...limitsOf("input-pool"), pageSize }
    );
    if (!r.ok) return r;
    return ok(running ? null : r.value);
  }

  return {
    async infoForms(q) {
      const taxNo = org(q);
      if (!taxNo.ok) return taxNo;
      const r = await client.downloadRedInfoForms({
        taxNo: taxNo.value,
        ...range(q, today()),
        scope: INFO_FORM_DOWNLOAD_SCOPE_CODES.both,
      });
      return r.ok ? wholeList(r.data.dataList, r.data.total, limitsOf("info-forms")) : asResult(r);
    },
    async confirmForms(q) {
      const taxNo = org(q);
      if (!taxNo.ok) return taxNo;
      const dl = await client.downloadRedConfirmBills({ taxpayerId: taxNo.value, ...range(q, today()) });
      if (!dl.ok) return asResult(dl);
      if (dl.data.dataList) return wholeList(dl.data.dataList, undefined, limitsOf("confirm-forms"));
      return allRedConfirmBills(
        client,
        { taxpayerId: taxNo.value, ...range(q, today()) },
        limitsOf("confirm-forms")
      );
    },
    async inputPool(q) {
      const taxNo = org(q);
      if (!taxNo.ok) return taxNo;
      let tasks = q.tasks ?? [];
      if (tasks.length === 0) {
        const started = await client.startInputCollection({ taxNo: taxNo.value, ...range(q, today()) });
        if (!started.ok) return asResult(started);
        tasks = [started.data.taskNo];
      }
      const all: InputInvoiceHeader[] = [];
      for (const taskNo of tasks) {
        for (let poll = 0; ; poll++) {
          const r = await collect(taxNo.value, taskNo);
          if (!r.ok) return r;
          if (r.value !== null) {
            for (const invoice of r.value) all.push(invoice);
            break;
          }
          if (poll + 1 >= (opts.maxPolls ?? 60)) {
            return fail("GW_TIMEOUT", { timeoutMs: (opts.maxPolls ?? 60) * (opts.pollIntervalMs ?? 2000) });
          }
          await sleep(opts.pollIntervalMs ?? 2000);
        }
      }
      return ok(all);
    },
    async downloadTasks(q) {
      const taxNo = org(q);
      if (!taxNo.ok) return taxNo;
      const records: DownloadTaskRecord[] = [];
      for (const taskNo of q.tasks ?? []) {
        const r = await client.queryInputCollection({ taxNo: taxNo.value, taskNo, pageNo: 1, pageSize: 1 });
        if (!r.ok) return asResult(r);
        records.push({
          taskNo,
          taxNo: taxNo.value,
          status: TASK_STATUS_LABELS[r.data.taskStatus] ?? r.data.taskStatus,
          ...(r.data.total !== undefined ? { total: r.data.total } : {}),
        });
      }
      return ok(records);
    },
  };
}

/** §4.10 下载状态 labels for 4.03 taskStatus. */
const TASK_STATUS_LABELS: Readonly<Record<string, string>> = {
  running: "进行中",
  success: "成功",
  failed: "失败",
};
