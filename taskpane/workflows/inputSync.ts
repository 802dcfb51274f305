/**
 * Workflow 进项同步 (module 003, domain-rules §5): filters → precheck (乐企, 小规模纳税人 refused before
 * anything is sent) → 4.02 creates the task → 4.03 polled page by page → each invoice merged into the
 * 进项发票池 (mergeDownloadedInvoice) → the pool rows to write and a 变更记录 of what changed.
 */
import {
  chinaCalendarDay,
  inputDownloadPrecheck,
  mergeDownloadedInvoice,
  poolRowNote,
  type DownloadedInvoice,
  type MergeOutcome,
  type PoolInvoice,
} from "../../src/domain/inputSync";
import {
  Channel,
  DeductionStatus,
  EnterpriseNature,
  InputInvoiceStatus,
  SelectStatus,
  VerifyStatus,
  type BillKind,
} from "../../src/domain/labels";
import { Dec, formatAmount } from "../../src/domain/money";
import { refusal, type Refusal, type Result } from "../../src/domain/refusals";
import type { InputInvoiceHeader } from "../../src/gateway";
import type { ParsedRow } from "../../src/sheet/mapping";
import { afterPage, MAX_LIST_ITEMS } from "../../src/sheet/paging";
import { aborted, chinaDateTime, decOf, sleep, textOf, type RunControl, type WorkflowClient } from "./common";
import type { UpsertRow } from "../../src/sheet/port";

export interface InputSyncRequest {
  /** 核算组织 (name shown) and its 上查税号. */
  readonly orgName: string;
  readonly orgTaxId: string;
  readonly channel: Channel | (string & {});
  readonly enterpriseNature: EnterpriseNature;
  readonly billKind: BillKind;
  /** Empty = all. */
  readonly invoiceType: string;
  readonly deductionStatus: string;
  readonly invoiceStatus: string;
  /** yyyy-MM-dd */
  readonly startDate: string;
  readonly endDate: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * [INFERRED §5] "抵扣类勾选数据" is being downloaded when the 抵扣状态 filter asks for deducted
 * invoices (已勾选或已认证抵扣); 未勾选 / 已退税 / all are not deduction-type data.
 */
export function isDeductionCheckData(deductionStatus: string): boolean {
  return DeductionStatus.normalize(deductionStatus) === "已勾选或已认证抵扣";
}

/** Everything checked before anything is sent. */
export function precheckInputSync(req: InputSyncRequest): Result<true> {
  if (req.orgTaxId.trim() === "") return { ok: false, refusal: refusal("PANE_ORG_TAX_ID_MISSING") };
  for (const [field, v] of [
    ["开票日期起", req.startDate],
    ["开票日期止", req.endDate],
  ] as const) {
    if (v.trim() === "") return { ok: false, refusal: refusal("FIELD_REQUIRED", { field }) };
    if (!DATE.test(v)) return { ok: false, refusal: refusal("NOT_A_DATE", { field, value: v }) };
  }
  if (req.startDate > req.endDate) {
    return { ok: false, refusal: refusal("DATE_RANGE_REVERSED", { from: "开票日期起", to: "开票日期止" }) };
  }
  const pre = inputDownloadPrecheck({
    channel: req.channel,
    enterpriseNature: req.enterpriseNature,
    deductionCheckData: isDeductionCheckData(req.deductionStatus),
    surface: "UI",
  });
  return pre.ok ? { ok: true, value: true } : pre;
}

const keyOf = (code: string | null | undefined, no: string): string => `${code ?? ""}|${no}`;

/** Blank text as null, as the sheet reads it back (a 数电 invoice's 发票代码 is "" on the wire, blank in the pool). */
const blankAsNull = (v: string | null | undefined): string | null => (v?.trim() ? v.trim() : null);

/**
 * 开票日期 at the precision of the pool's column (a date, yyyy-MM-dd, China time): 4.03 may send
 * "2025-01-08 10:20:30", the sheet holds 2025-01-08 — the same day is not a change.
 */
export function poolIssueDate(v: string | null | undefined): string {
  const t = (v ?? "").trim();
  return chinaCalendarDay(t) ?? t;
}

/** A 4.03 header as the domain's downloaded invoice (amounts exact; 价税合计 = 金额 + 税额 when absent). */
export function downloadedFrom(
  h: InputInvoiceHeader,
  billKind: BillKind
): DownloadedInvoice & { billKind: BillKind } {
  const amount = decOf(h.invoiceAmount ?? null);
  const tax = decOf(h.totalTaxAmount ?? null);
  const status =
    InputInvoiceStatus.normalize(h.invoiceStatus ?? "") ??
    ((h.invoiceStatus ?? "正常") as InputInvoiceStatus);
  return {
    billKind,
    invoiceType: h.invoiceType?.trim() ?? "",
    invoiceCode: blankAsNull(h.invoiceCode),
    invoiceNo: blankAsNull(h.invoiceNo) ?? blankAsNull(h.etaxInvoiceNo) ?? "",
    issueDate: poolIssueDate(h.invoiceDate),
    sellerTaxId: blankAsNull(h.salerTaxNo),
    sellerName: blankAsNull(h.salerName),
    amountExclTax: amount,
    tax,
    totalAmount: amount !== null && tax !== null ? amount.plus(tax) : null,
    totalTaxInclAmount: decOf(h.totalTaxInclAmount ?? null),
    invoiceStatus: status,
    usagePeriod: null,
    selectStatus: SelectStatus.normalize(h.selectStatus ?? "") ?? null,
    deductionStatus: DeductionStatus.normalize(h.deductionStatus ?? "") ?? null,
    selectTime: null,
    certifyTime: null,
  };
}

/** A 进项发票池 sheet row as the domain's pool invoice. */
export function poolInvoiceOf(row: ParsedRow): PoolInvoice {
  const v = row.values;
  return {
    invoiceType: textOf(v.invoiceType) ?? "",
    invoiceCode: textOf(v.invoiceCode),
    invoiceNo: textOf(v.invoiceNumber) ?? "",
    issueDate: poolIssueDate(textOf(v.issueDate)),
    sellerTaxId: textOf(v.sellerTaxId),
    sellerName: textOf(v.sellerName),
    amountExclTax: decOf(v.amount),
    tax: decOf(v.taxAmount),
    totalAmount: decOf(v.totalAmount),
    totalTaxInclAmount: decOf(v.bureauTotalAmount),
    invoiceStatus: (InputInvoiceStatus.normalize(textOf(v.invoiceStatus) ?? "") ??
      "正常") as InputInvoiceStatus,
    usagePeriod: textOf(v.usagePeriod),
    selectStatus: SelectStatus.normalize(textOf(v.selectStatus) ?? "") ?? null,
    deductionStatus: DeductionStatus.normalize(textOf(v.deductionStatus) ?? "") ?? null,
    selectTime: textOf(v.selectTime),
    certifyTime: textOf(v.certifyTime),
    verifyStatus: VerifyStatus.normalize(textOf(v.verifyStatus) ?? "") ?? "未验",
  };
}

const show = (v: string | Dec | null | undefined): string => (v instanceof Dec ? formatAmount(v) : (v ?? ""));

/** Pool row values by the 进项发票池 column keys; `note` is the domain's poolRowNote of the merge. */
export function poolRowValues(p: PoolInvoice, billKind: string, note = ""): Record<string, string> {
  return {
    billKind,
    invoiceType: p.invoiceType,
    invoiceCode: p.invoiceCode ?? "",
    invoiceNumber: p.invoiceNo,
    issueDate: p.issueDate,
    sellerName: p.sellerName ?? "",
    sellerTaxId: p.sellerTaxId ?? "",
    amount: show(p.amountExclTax),
    taxAmount: show(p.tax),
    totalAmount: show(p.totalAmount),
    invoiceStatus: p.invoiceStatus,
    selectStatus: p.selectStatus ?? "",
    deductionStatus: p.deductionStatus ?? "",
    selectTime: p.selectTime ?? "",
    certifyTime: p.certifyTime ?? "",
    usagePeriod: p.usagePeriod ?? "",
    verifyStatus: p.verifyStatus,
    bureauTotalAmount: show(p.totalTaxInclAmount),
    poolNote: note,
  };
}

/** One line of the 变更记录 sheet. */
export interface ChangeRecord {
  readonly syncedAt: string;
  readonly invoiceCode: string;
  readonly invoiceNo: string;
  readonly field: string;
  readonly from: string;
  readonly to: string;
}

export const CHANGE_LOG_SHEET = "变更记录";
export const CHANGE_LOG_HEADER = ["同步时间", "发票代码", "发票号码", "字段", "原值", "新值"] as const;

export function changeLogRows(changes: readonly ChangeRecord[]): string[][] {
  return changes.map((c) => [c.syncedAt, c.invoiceCode, c.invoiceNo, c.field, c.from, c.to]);
}

export interface InputSyncResult {
  readonly taskNo: string;
  readonly downloaded: number;
  readonly merges: readonly MergeOutcome[];
  /** Rows to write to the 进项发票池 sheet (upsertRows matches them by 发票代码+发票号码). */
  readonly upserts: readonly UpsertRow[];
  readonly changes: readonly ChangeRecord[];
  readonly inserted: number;
  readonly updated: number;
  /** Why 价税合计（电子税局） stayed empty on some flight tickets, etc. */
  readonly notes: readonly Refusal[];
}

export interface InputSyncOptions extends RunControl {
  /** The pool as it is now: rows read from the 进项发票池 sheet. */
  readonly existing: readonly ParsedRow[];
  readonly pageSize?: number;
  readonly pollMs?: number;
  readonly maxPolls?: number;
  readonly now?: () => number;
}

/** The 4.03 list's limits: one 进项发票池 sheet. */
const INPUT_LIST = { list: "进项发票", maxItems: MAX_LIST_ITEMS } as const;

/** Run the sync: 4.02, then 4.03 pages until every invoice of the task has been read. */
export async function runInputSync(
  client: WorkflowClient,
  req: InputSyncRequest,
  opts: InputSyncOptions
): Promise<Result<InputSyncResult>> {
  const pre = precheckInputSync(req);
  if (!pre.ok) return pre;
  const start = await client.startInputCollection({
    taxNo: req.orgTaxId,
    startDate: req.startDate,
    endDate: req.endDate,
    billKind: req.billKind,
    ...(req.invoiceType ? { invoiceType: req.invoiceType } : {}),
    ...(req.deductionStatus ? { deductionStatus: req.deductionStatus } : {}),
    ...(req.invoiceStatus ? { invoiceStatus: req.invoiceStatus } : {}),
  });
  if (!start.ok) return start;
  const taskNo = start.data.taskNo;
  const pageSize = opts.pageSize ?? 100;
  const headers: InputInvoiceHeader[] = [];
  let pageNo = 1;
  let polls = 0;
  const maxPolls = opts.maxPolls ?? 300;
  for (;;) {
    if (aborted(opts)) return { ok: false, refusal: refusal("SHEET_CANCELLED") };
    const r = await client.queryInputCollection({ taxNo: req.orgTaxId, taskNo, pageNo, pageSize });
    if (!r.ok) return r;
    const status = r.data.taskStatus;
    const total = Number(r.data.total ?? 0);
    if (status === "failed")
      return { ok: false, refusal: refusal("GW_BUSINESS_ERROR", { message: "进项发票下载任务失败" }) };
    const items = r.data.invoices ?? [];
    // A running task's page is final only when full; a partial one is asked again, never read twice.
    const final = status !== "running" || items.length >= pageSize;
    if (final) {
      for (const h of items) headers.push(h);
      opts.onProgress?.({
        done: headers.length,
        total: Math.max(total, headers.length),
        label: `已下载 ${headers.length} 张`,
      });
    }
    if (status !== "running") {
      // Done when the task's total is read (issue 11 D5): a short page alone does not end it.
      const next = afterPage(headers.length, { items, total: r.data.total }, pageSize, INPUT_LIST);
      if (!next.ok) return next;
      if (next.value === "done") break;
    }
    if (final) {
      pageNo++;
      continue;
    }
    // The task is still collecting this page: wait and ask again.
    if (++polls > maxPolls)
      return {
        ok: false,
        refusal: refusal("GW_TIMEOUT", { timeoutMs: String(maxPolls * (opts.pollMs ?? 1000)) }),
      };
    await sleep(opts.pollMs ?? 1000, opts.signal);
  }

  const existing = new Map<string, { rowIndex: number; invoice: PoolInvoice }>();
  for (const row of opts.existing) {
    const inv = poolInvoiceOf(row);
    if (inv.invoiceNo)
      existing.set(keyOf(inv.invoiceCode, inv.invoiceNo), { rowIndex: row.rowIndex, invoice: inv });
  }
  const syncedAt = chinaDateTime((opts.now ?? Date.now)());
  const merges: MergeOutcome[] = [];
  const upserts: UpsertRow[] = [];
  const changes: ChangeRecord[] = [];
  const notes: Refusal[] = [];
  let inserted = 0;
  let updated = 0;
  // A later page may repeat an invoice: the last copy wins.
  const latest = new Map<string, DownloadedInvoice & { billKind: BillKind }>();
  for (const h of headers) {
    const d = downloadedFrom(h, req.billKind);
    if (d.invoiceNo) latest.set(keyOf(d.invoiceCode, d.invoiceNo), d);
  }
  for (const [key, d] of latest) {
    const prior = existing.get(key) ?? null;
    const m = mergeDownloadedInvoice(prior?.invoice ?? null, d);
    merges.push(m);
    notes.push(...m.notes);
    upserts.push({ values: poolRowValues(m.record, d.billKind, poolRowNote(m)) });
    if (prior) updated++;
    else inserted++;
    for (const c of m.changes) {
      changes.push({
        syncedAt,
        invoiceCode: d.invoiceCode ?? "",
        invoiceNo: d.invoiceNo,
        field: c.label,
        from: show(c.from),
        to: show(c.to),
      });
    }
  }
  return {
    ok: true,
    value: { taskNo, downloaded: headers.length, merges, upserts, changes, inserted, updated, notes },
  };
}

export { Channel, EnterpriseNature };
