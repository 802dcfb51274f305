/**
 * ExportSource over src/gateway's client: 2.2.05 红字信息表下载, 2.1.12 红字确认单下载 (with lines;
 * 2.1.13 编号查询 when the download returns no list), 4.02/4.03 进项发票表头归集 for the pool and the
 * download tasks.
 */
import type { GatewayClient, GatewayResult } from "../../gateway/client";
import { INFO_FORM_DOWNLOAD_SCOPE_CODES } from "../../gateway/assumptions";
import type { InputInvoiceHeader } from "../../gateway/payloads";
import { fail, ok, type Result } from "../../domain/refusals";
import type { DownloadTaskRecord, ExportQuery, ExportSource } from "./export";

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

/** [decision] Without --from/--to: the last 30 days up to today. */
const DEFAULT_RANGE_DAYS = 30;

function range(q: ExportQuery, today: string): { startDate: string; endDate: string } {
  const endDate = q.to ?? today;
  if (q.from) return { startDate: q.from, endDate };
  const end = new Date(`${endDate}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() - DEFAULT_RANGE_DAYS);
  return { startDate: end.toISOString().slice(0, 10), endDate };
}

function chinaToday(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

export function gatewayExportSource(client: ExportClient, opts: GatewayExportOptions = {}): ExportSource {
  const pageSize = opts.pageSize ?? 500;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const today = opts.today ?? chinaToday;
  const org = (q: ExportQuery): Result<string> =>
    q.org ? ok(q.org) : fail("GW_VALIDATION", { detail: "请用 --org 指定组织税号" });

  /** Every page of one task's invoices (4.03), plus the task's last status. */
  async function collect(
    taxNo: string,
    taskNo: string
  ): Promise<Result<{ status: string; total?: string; invoices: InputInvoiceHeader[] }>> {
    const invoices: InputInvoiceHeader[] = [];
    for (let pageNo = 1; ; pageNo++) {
      const r = await client.queryInputCollection({ taxNo, taskNo, pageNo, pageSize });
      if (!r.ok) return { ok: false, refusal: r.refusal };
      invoices.push(...r.data.invoices);
      if (r.data.taskStatus !== "success" || r.data.invoices.length < pageSize) {
        return ok({ status: r.data.taskStatus, ...(r.data.total ? { total: r.data.total } : {}), invoices });
      }
    }
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
      return r.ok ? ok(r.data.dataList) : asResult(r);
    },
    async confirmForms(q) {
      const taxNo = org(q);
      if (!taxNo.ok) return taxNo;
      const dl = await client.downloadRedConfirmBills({ taxpayerId: taxNo.value, ...range(q, today()) });
      if (!dl.ok) return asResult(dl);
      if (dl.data.dataList) return ok(dl.data.dataList);
      const qr = await client.queryRedConfirmBills({ taxpayerId: taxNo.value, ...range(q, today()) });
      return qr.ok ? ok(qr.data.dataList) : asResult(qr);
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
          if (r.value.status !== "running") {
            all.push(...r.value.invoices);
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
