/**
 * 4.02 进项发票表头归集 / 4.03 进项发票表头归集结果查询 (rim, success errorCode "0000"; codes
 * ASSUMED_INTERFACE_CODES["4.02"/"4.03"]) and HC.INPUTPOOL.QUERY — module 003 (domain-rules §5).
 *
 * 4.02: the engine's `inputDownloadPrecheck` first (乐企 → LEQI_NOT_SUPPORTED; 小规模纳税人 →
 * SMALL_SCALE_NO_DEDUCTION_API — the refusal rolls back, so NO task exists), then an async task
 * (`inputCollection`, settled on the clock after COLLECTION_TASK_DURATION_MS).
 *
 * Settling = the bureau's 发票勾选确认 data for this buyer, filtered (票据类型, 发票类型, 抵扣状态,
 * 发票状态, 开票日期 range): the bureau's own records (airlines, toll roads… `bureau_invoices`) plus every
 * invoice a sandbox seller issued to this buyer, with the statuses the other flows left — a blue
 * red-flushed by its seller shows 红冲 (Golden Tax III, 税控) or 部分红冲 / 全额红冲 (Golden Tax IV, 数电);
 * a 数电 blue with a 红字确认单 awaiting confirmation shows 红字发票待确认. Each is merged into the org's
 * 全票池 with the engine's `mergeDownloadedInvoice` (first time → 未验 + 查验; verified → status fields
 * only). Flight tickets dated ≥ 2025-07-28 keep totalTaxInclAmount empty with the engine's note.
 *
 * 4.03 pages the task: taskStatus running / success / failed, total, and the invoices as merged.
 */
import {
  type DownloadedInvoice,
  type FieldChange,
  type PoolInvoice,
  bureauInputStatus,
  inputDownloadPrecheck,
  mergeDownloadedInvoice,
  poolRowNote,
} from "../../../domain/inputSync";
import { INVOICE_FAMILY } from "../../../domain/redFlush";
import {
  BillKind,
  DeductionStatus,
  InputInvoiceStatus,
  InvoiceKind,
  type SelectStatus,
} from "../../../domain/labels";
import { Dec, formatAmount } from "../../../domain/money";
import { isRefusalCode, refusal, refusalMessage } from "../../../domain/refusals";
import { ASSUMED_INTERFACE_CODES } from "../../../gateway/assumptions";
import { JsonDecimal } from "../../../gateway/json";
import { invoiceKindOf, sameInvoiceType } from "../../../gateway/codes";
import { EXTENSIONS, type InputPoolInvoice, type Page } from "../../../gateway/extensions";
import type { HandlerContext } from "../../context";
import type { Row } from "../../db/schema";
import {
  type InterfaceHandler,
  type TaskSettler,
  type TaskSettlement,
  ok,
  refuse,
  refused,
} from "../../registry";
import {
  InputCollectionQueryData,
  type InputCollectionQueryWire,
  InputCollectionStartData,
  type InputCollectionStartWire,
  InputPoolQueryData,
  type InputPoolQueryWire,
  MAX_INPUT_PAGE_SIZE,
  type WireIn,
} from "../../../gateway/schemas";
import { DEFAULT_TASK_DURATION_MS, createTask, readTask, taskParams } from "../../tasks";
import {
  type PoolWrite,
  type ReportItem,
  poolKey,
  poolRowsByKey,
  readReport,
  writePoolRows,
  writeReport,
} from "./inputPoolStore";
import { AWAITING_STATUSES } from "./redConfirmShared";

export const INPUT_COLLECTION_TASK_KIND = "inputCollection";
/** Clock time a collection task runs before its result is ready. */
export const COLLECTION_TASK_DURATION_MS = DEFAULT_TASK_DURATION_MS;
/**
 * [INFERRED §5] 4.02 "申请下载进项可抵扣发票数据": what it downloads IS 抵扣类勾选 data, so the
 * small-scale check always applies (the manual: the API checks the taxpayer type and creates no task).
 */
export const COLLECTION_IS_DEDUCTION_DATA = true;
/**
 * [INFERRED §5] The sandbox's 查验: an invoice the merge sends to verification is verified at once
 * (the bureau's record is the truth it would return), so it is stored 已验.
 */
export const SANDBOX_VERIFICATION_SUCCEEDS = true;
/** Page size cap of 4.03 / HC.INPUTPOOL.QUERY (the schemas' limit). */
export const MAX_PAGE_SIZE = MAX_INPUT_PAGE_SIZE;

export interface CollectionParams {
  readonly taxNo: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly billKind?: BillKind;
  readonly invoiceType?: string;
  readonly deductionStatus?: DeductionStatus;
  readonly invoiceStatus?: InputInvoiceStatus;
}

type CollectionStartData = WireIn<InputCollectionStartWire>;

function badLabel(field: string, value: string, allowed: readonly string[]) {
  return refuse("GW_VALIDATION", { detail: `data.${field} 须为 ${allowed.join("、")} 之一，收到“${value}”` });
}

export const inputCollectionStartHandler: InterfaceHandler<CollectionStartData> = {
  interfaceCode: ASSUMED_INTERFACE_CODES["4.02"],
  endpoint: "rim",
  description: "4.02 进项发票表头归集",
  dataSchema: InputCollectionStartData,

  async handle(ctx, d) {
    const org = ctx.caller.org;
    const pre = inputDownloadPrecheck({
      channel: org.digital_channel ?? "",
      enterpriseNature: org.taxpayer_type,
      deductionCheckData: COLLECTION_IS_DEDUCTION_DATA,
      surface: "API",
    });
    if (!pre.ok) return refused(pre.refusal);
    if (d.startDate > d.endDate)
      return refuse("DATE_RANGE_REVERSED", { from: "开票日期起", to: "开票日期止" });
    const has = (s: string | undefined): s is string => s !== undefined && s.trim() !== "";
    const billKind = has(d.billKind) ? BillKind.normalize(d.billKind) : undefined;
    if (has(d.billKind) && !billKind) return badLabel("billKind", d.billKind, BillKind.values);
    const deductionStatus = has(d.deductionStatus) ? DeductionStatus.normalize(d.deductionStatus) : undefined;
    if (has(d.deductionStatus) && !deductionStatus)
      return badLabel("deductionStatus", d.deductionStatus, DeductionStatus.values);
    const invoiceStatus = has(d.invoiceStatus) ? InputInvoiceStatus.normalize(d.invoiceStatus) : undefined;
    if (has(d.invoiceStatus) && !invoiceStatus)
      return badLabel("invoiceStatus", d.invoiceStatus, InputInvoiceStatus.values);
    const params: CollectionParams = {
      taxNo: org.tax_id,
      startDate: d.startDate,
      endDate: d.endDate,
      ...(billKind ? { billKind } : {}),
      ...(has(d.invoiceType) ? { invoiceType: d.invoiceType.trim() } : {}),
      ...(deductionStatus ? { deductionStatus } : {}),
      ...(invoiceStatus ? { invoiceStatus } : {}),
    };
    const taskNo = await createTask(ctx, {
      kind: INPUT_COLLECTION_TASK_KIND,
      params,
      channel: org.issue_system === "数电" ? (org.digital_channel ?? "") : "税控",
      durationMs: COLLECTION_TASK_DURATION_MS,
    });
    return ok({ taskNo });
  },
};

// ── what the bureau holds for a buyer ────────────────────────────────────────

/** A downloaded invoice plus what the pool stores beside the merge fields. */
interface Collected {
  readonly invoice: DownloadedInvoice;
  readonly billKind: BillKind;
  readonly typeName: string;
}

const orNull = (s: string | null | undefined) => (s === null || s === undefined || s === "" ? null : s);

/** 发票状态 the bureau reports for an invoice a sandbox seller issued: the engine's bureauInputStatus. */
export function bureauStatusOfIssued(
  blue: Row<"blue_invoices">,
  confirmPending: boolean
): InputInvoiceStatus {
  const kind = InvoiceKind.normalize(blue.kind);
  const goldenTax3 = kind !== undefined && INVOICE_FAMILY[kind] !== "数电";
  return bureauInputStatus({
    system: goldenTax3 ? "金税三期" : "金税四期",
    blueStatus: blue.status,
    awaitingConfirmation: confirmPending,
  });
}

/**
 * [INFERRED §5] 勾选/抵扣 of an invoice a sandbox seller issued: the blue's 购方用途确认 flag is the
 * buyer's 勾选 at the bureau; 用途属期 = the invoice's month (no separate confirmation date is kept).
 */
export function issuedInvoiceUsage(usageConfirmed: boolean, invoiceDate: string) {
  return usageConfirmed
    ? {
        selectStatus: "已勾选" as SelectStatus,
        deductionStatus: "已勾选或已认证抵扣" as DeductionStatus,
        usagePeriod: invoiceDate.slice(0, 7).replace("-", ""),
      }
    : {
        selectStatus: "未勾选" as SelectStatus,
        deductionStatus: "未勾选" as DeductionStatus,
        usagePeriod: null,
      };
}

/** Source rows per keyset page (`id > last order by id limit …`), each merged as one batch. */
export const SOURCE_PAGE_SIZE = 2000;

function bureauRecord(r: Row<"bureau_invoices">): Collected {
  return {
    billKind: r.ticket_kind,
    typeName: r.invoice_type_name,
    invoice: {
      // A record from a 税局 file may name the type (航空运输电子客票行程单) instead of coding it.
      invoiceType: r.invoice_type || r.invoice_type_name,
      invoiceCode: orNull(r.invoice_code),
      invoiceNo: r.invoice_no,
      issueDate: r.invoice_date,
      sellerTaxId: r.seller_tax_id,
      sellerName: r.seller_name,
      amountExclTax: new Dec(r.amount),
      tax: new Dec(r.tax_amount),
      totalAmount: new Dec(r.total_amount),
      totalTaxInclAmount: null,
      invoiceStatus: r.invoice_status,
      usagePeriod: r.usage_period,
      selectStatus: r.select_status,
      deductionStatus: r.deduction_status,
      selectTime: r.select_time,
      certifyTime: r.certify_time,
    },
  };
}

function issuedBlueRecord(b: Row<"blue_invoices">, confirmPending: boolean): Collected {
  const usage = issuedInvoiceUsage(b.buyer_usage_confirmed === 1, b.invoice_date);
  return {
    billKind: "发票",
    typeName: invoiceKindOf(b.invoice_type) ?? b.kind,
    invoice: {
      invoiceType: b.invoice_type,
      invoiceCode: orNull(b.invoice_code),
      invoiceNo: b.invoice_no,
      issueDate: b.invoice_date,
      sellerTaxId: b.seller_tax_id,
      sellerName: b.seller_name,
      amountExclTax: new Dec(b.amount),
      tax: new Dec(b.tax_amount),
      totalAmount: new Dec(b.total_amount),
      totalTaxInclAmount: null,
      invoiceStatus: bureauStatusOfIssued(b, confirmPending),
      usagePeriod: usage.usagePeriod,
      selectStatus: usage.selectStatus,
      deductionStatus: usage.deductionStatus,
      selectTime: null,
      certifyTime: null,
    },
  };
}

function issuedRedRecord(r: Row<"red_invoices">): Collected {
  return {
    billKind: "发票",
    typeName: invoiceKindOf(r.invoice_type) ?? r.invoice_type,
    invoice: {
      invoiceType: r.invoice_type,
      invoiceCode: orNull(r.invoice_code),
      invoiceNo: r.invoice_no,
      issueDate: r.invoice_date,
      sellerTaxId: r.seller_tax_id,
      sellerName: r.seller_name,
      amountExclTax: new Dec(r.amount),
      tax: new Dec(r.tax_amount),
      totalAmount: new Dec(r.total_amount),
      totalTaxInclAmount: null,
      invoiceStatus: "正常",
      usagePeriod: null,
      selectStatus: "未勾选",
      deductionStatus: "未勾选",
      selectTime: null,
      certifyTime: null,
    },
  };
}

/**
 * The bureau's data for this buyer in pages, filtered: its own records (airlines, toll roads…), then
 * every invoice a sandbox seller issued to the buyer, then the reds — each source in id order, read as
 * keyset pages on (buyer_tax_id, id) (0008), so no page costs more than its rows. The filters a column
 * answers go into the query; `matches` (type aliases, computed statuses) decides the rest.
 */
async function* collectPages(ctx: HandlerContext, p: CollectionParams): AsyncGenerator<Collected[]> {
  const taxId = ctx.caller.org.tax_id;
  const from = p.startDate;
  const to = `${p.endDate} 23:59:59`;
  const keep = (cs: Collected[]) => cs.filter((c) => matches(c, p));

  for (let after = 0; ;) {
    let q = ctx.bureau
      .selectFrom("bureau_invoices")
      .selectAll()
      .where("id", ">", after)
      .where("invoice_date", ">=", from)
      .where("invoice_date", "<=", to);
    if (p.billKind) q = q.where("ticket_kind", "=", p.billKind);
    if (p.deductionStatus) q = q.where("deduction_status", "=", p.deductionStatus);
    if (p.invoiceStatus) q = q.where("invoice_status", "=", p.invoiceStatus);
    const rows = await q.orderBy("id").limit(SOURCE_PAGE_SIZE).execute();
    if (rows.length === 0) break;
    after = Number(rows[rows.length - 1].id);
    yield keep(rows.map(bureauRecord));
    if (rows.length < SOURCE_PAGE_SIZE) break;
  }
  if (p.billKind && p.billKind !== "发票") return;

  // Invoices sandbox sellers issued to this buyer: the bureau's registry is every org's issued
  // invoices (the same reading as taxControlShared.bureauIssuedInvoice), read here by buyer.
  for (let after = 0; ;) {
    const blues = await ctx.tx
      .selectFrom("blue_invoices")
      .selectAll()
      .where("buyer_tax_id", "=", taxId)
      .where("id", ">", after)
      .where("issue_status", "=", "已开票")
      .where("invoice_date", ">=", from)
      .where("invoice_date", "<=", to)
      .orderBy("id")
      .limit(SOURCE_PAGE_SIZE)
      .execute();
    if (blues.length === 0) break;
    after = Number(blues[blues.length - 1].id);
    // The page's blues with a 红字确认单 awaiting confirmation (02/03): 红字发票待确认 at the bureau.
    // By blue number on its index (0005), the buyer checked on the rows: `buyer_tax_id = ?` in SQL
    // makes SQLite walk every bill of the buyer, once per page.
    const pendingBills = await ctx.bureau
      .selectFrom("bureau_confirm_bills")
      .select(["seller_tax_id", "buyer_tax_id", "blue_invoice_no"])
      .where("confirm_status", "in", AWAITING_STATUSES)
      .where("blue_invoice_no", "in", [...new Set(blues.map((b) => b.invoice_no))])
      .execute();
    const pending = new Set(
      pendingBills
        .filter((b) => b.buyer_tax_id === taxId)
        .map((b) => `${b.seller_tax_id}|${b.blue_invoice_no}`)
    );
    yield keep(blues.map((b) => issuedBlueRecord(b, pending.has(`${b.seller_tax_id}|${b.invoice_no}`))));
    if (blues.length < SOURCE_PAGE_SIZE) break;
  }
  for (let after = 0; ;) {
    const reds = await ctx.tx
      .selectFrom("red_invoices")
      .selectAll()
      .where("buyer_tax_id", "=", taxId)
      .where("id", ">", after)
      .where("issue_status", "=", "已开票")
      .where("invoice_date", ">=", from)
      .where("invoice_date", "<=", to)
      .orderBy("id")
      .limit(SOURCE_PAGE_SIZE)
      .execute();
    if (reds.length === 0) break;
    after = Number(reds[reds.length - 1].id);
    yield keep(reds.map(issuedRedRecord));
    if (reds.length < SOURCE_PAGE_SIZE) break;
  }
}

function matches(c: Collected, p: CollectionParams): boolean {
  if (p.billKind && c.billKind !== p.billKind) return false;
  // A code, a name or an alias of it (codes.ts): 004 = 增值税专用发票 = 纸质专票.
  if (
    p.invoiceType &&
    !sameInvoiceType(p.invoiceType, c.invoice.invoiceType) &&
    p.invoiceType !== c.typeName
  ) {
    return false;
  }
  if (p.deductionStatus && c.invoice.deductionStatus !== p.deductionStatus) return false;
  if (p.invoiceStatus && c.invoice.invoiceStatus !== p.invoiceStatus) return false;
  return true;
}

// ── merge into the 全票池 ─────────────────────────────────────────────────────

function poolInvoice(r: Row<"input_pool">): PoolInvoice {
  return {
    invoiceType: r.invoice_type,
    invoiceCode: orNull(r.invoice_code),
    invoiceNo: r.invoice_no,
    issueDate: r.invoice_date,
    sellerTaxId: r.seller_tax_id,
    sellerName: r.seller_name,
    amountExclTax: new Dec(r.amount),
    tax: new Dec(r.tax_amount),
    totalAmount: new Dec(r.total_amount),
    totalTaxInclAmount: r.total_tax_incl_amount === null ? null : new Dec(r.total_tax_incl_amount),
    invoiceStatus: r.invoice_status,
    usagePeriod: r.usage_period,
    selectStatus: r.select_status,
    deductionStatus: r.deduction_status,
    selectTime: r.select_time,
    certifyTime: r.certify_time,
    verifyStatus: r.verify_status,
  };
}

const amountText = (d: Dec | null | undefined) => (d === null || d === undefined ? "0.00" : formatAmount(d));

/** The pool columns of a merged record (every field the merge decided). */
function poolColumns(rec: PoolInvoice, c: Collected) {
  return {
    ticket_kind: c.billKind,
    invoice_type: rec.invoiceType,
    invoice_type_name: c.typeName,
    invoice_code: rec.invoiceCode ?? "",
    invoice_no: rec.invoiceNo,
    invoice_date: rec.issueDate,
    seller_name: rec.sellerName ?? "",
    seller_tax_id: rec.sellerTaxId ?? "",
    amount: amountText(rec.amountExclTax),
    tax_amount: amountText(rec.tax),
    total_amount: amountText(rec.totalAmount),
    total_tax_incl_amount: rec.totalTaxInclAmount ? formatAmount(rec.totalTaxInclAmount) : null,
    invoice_status: rec.invoiceStatus,
    select_status: rec.selectStatus ?? "未勾选",
    deduction_status: rec.deductionStatus ?? "未勾选",
    verify_status: rec.verifyStatus,
    select_time: rec.selectTime,
    certify_time: rec.certifyTime,
    usage_period: rec.usagePeriod,
  };
}

const changeText = (v: FieldChange["from"]) =>
  v === null || v === undefined ? null : v instanceof Dec ? formatAmount(v) : v;

/**
 * Merge one page of downloaded invoices into the pool: the page's pool rows in one query, the engine's
 * `mergeDownloadedInvoice` per invoice, new and changed rows in multi-row upserts (an unchanged
 * UPDATE_STATUS writes nothing), the page's report lines in multi-row inserts. `seen` carries the keys
 * of earlier pages: the same invoice twice in one download counts once.
 */
async function mergePage(
  ctx: HandlerContext,
  taskId: number,
  firstSeq: number,
  page: readonly Collected[],
  seen: Set<string>
): Promise<{ merged: number; inserted: number; updated: number }> {
  const fresh: Collected[] = [];
  for (const c of page) {
    const key = poolKey(c.invoice.invoiceCode, c.invoice.invoiceNo);
    if (seen.has(key)) continue;
    seen.add(key);
    fresh.push(c);
  }
  if (fresh.length === 0) return { merged: 0, inserted: 0, updated: 0 };
  const pool = await poolRowsByKey(
    ctx.repo,
    fresh.map((c) => ({ code: c.invoice.invoiceCode, no: c.invoice.invoiceNo }))
  );

  const writes: PoolWrite[] = [];
  const planned: { key: string; existingId: number | undefined; item: Omit<ReportItem, "poolId"> }[] = [];
  let inserted = 0;
  let updated = 0;
  for (const c of fresh) {
    const key = poolKey(c.invoice.invoiceCode, c.invoice.invoiceNo);
    const existing = pool.get(key);
    const merged = mergeDownloadedInvoice(existing ? poolInvoice(existing) : null, c.invoice);
    const record: PoolInvoice =
      merged.callVerificationApi && SANDBOX_VERIFICATION_SUCCEEDS
        ? { ...merged.record, verifyStatus: "已验" }
        : merged.record;
    if (merged.action === "INSERT") {
      inserted++;
      writes.push({ ...poolColumns(record, c), created_at: ctx.now, updated_at: ctx.now });
    } else if (merged.action === "REPLACE_AND_VERIFY" || merged.changes.length > 0) {
      if (merged.changes.length > 0) updated++;
      writes.push({ ...poolColumns(record, c), created_at: existing!.created_at, updated_at: ctx.now });
    }
    planned.push({
      key,
      existingId: existing ? Number(existing.id) : undefined,
      item: {
        action: merged.action,
        changes: merged.changes.map((ch) => ({
          field: ch.field,
          label: ch.label,
          from: changeText(ch.from),
          to: changeText(ch.to),
        })),
        notes: merged.notes.map((n) => n.code),
        flightTotalRule: merged.flightTotalRule === true,
      },
    });
  }
  const written = await writePoolRows(ctx.repo, writes);
  await writeReport(
    ctx.repo,
    taskId,
    firstSeq,
    planned.map((p) => ({ ...p.item, poolId: written.get(p.key) ?? p.existingId! }))
  );
  return { merged: planned.length, inserted, updated };
}

/**
 * Settling a collection task: one pass in the reading request's transaction (tasks.ts), so the pool,
 * the report and the task's status commit together or not at all — a crash mid-pass leaves the task
 * 进行中 and the next read runs the pass again from the start. The report is stored in
 * input_collection_items (4.03 pages it), so the task row keeps only its totals.
 */
export const inputCollectionSettler: TaskSettler = {
  kind: INPUT_COLLECTION_TASK_KIND,
  async settle(ctx, task): Promise<TaskSettlement> {
    const params = taskParams<CollectionParams>(task);
    const seen = new Set<string>();
    let total = 0;
    let inserted = 0;
    let updated = 0;
    for await (const page of collectPages(ctx, params)) {
      const r = await mergePage(ctx, Number(task.id), total + 1, page, seen);
      total += r.merged;
      inserted += r.inserted;
      updated += r.updated;
    }
    await ctx.repo.audit("input_pool", task.task_no, "collect", undefined, { total, inserted, updated });
    return { status: "成功", total, successCount: total, rows: [] };
  },
};

// ── 4.03 ─────────────────────────────────────────────────────────────────────

const TASK_STATUS_WIRE = { 进行中: "running", 成功: "success", 失败: "failed" } as const;

type CollectionQueryData = WireIn<InputCollectionQueryWire>;

const STORED_AMOUNT = /^-?\d+\.\d{2}$/;
/** A stored amount on the wire: its text as is when it already has the wire's 2 decimals, else via Dec. */
const wireAmount = (text: string): JsonDecimal | Dec =>
  STORED_AMOUNT.test(text) ? new JsonDecimal(text) : new Dec(text);

function wireItem(r: Row<"input_pool">, res: ReportItem | undefined) {
  const digital = r.invoice_code === "";
  return {
    billKind: r.ticket_kind,
    invoiceType: r.invoice_type,
    invoiceTypeName: r.invoice_type_name,
    invoiceCode: r.invoice_code,
    invoiceNo: r.invoice_no,
    etaxInvoiceNo: digital ? r.invoice_no : "",
    invoiceDate: r.invoice_date,
    invoiceAmount: wireAmount(r.amount),
    totalTaxAmount: wireAmount(r.tax_amount),
    totalAmount: wireAmount(r.total_amount),
    totalTaxInclAmount: r.total_tax_incl_amount === null ? null : wireAmount(r.total_tax_incl_amount),
    salerName: r.seller_name,
    salerTaxNo: r.seller_tax_id,
    invoiceStatus: r.invoice_status,
    selectStatus: r.select_status,
    deductionStatus: r.deduction_status,
    selectTime: r.select_time,
    certifyTime: r.certify_time,
    usagePeriod: r.usage_period,
    verifyStatus: r.verify_status,
    ...(res
      ? {
          mergeAction: res.action,
          changes: res.changes,
          notes: res.notes.map((code) => ({ code, message: noteMessage(code) })),
          // The 进项发票池's 提示, worded by the engine (the pane writes the same text).
          poolNote: poolRowNote({
            flightTotalRule: res.flightTotalRule,
            notes: res.notes.filter(isRefusalCode).map((code) => refusal(code)),
          }),
        }
      : {}),
  };
}

/** Notes are the engine's refusal codes (FLIGHT_TOTAL_RULE_UNKNOWN); the catalogue words them. */
function noteMessage(code: string): string {
  return isRefusalCode(code) ? refusalMessage(code) : code;
}

export const inputCollectionQueryHandler: InterfaceHandler<CollectionQueryData> = {
  interfaceCode: ASSUMED_INTERFACE_CODES["4.03"],
  endpoint: "rim",
  description: "4.03 进项发票表头归集结果查询",
  dataSchema: InputCollectionQueryData,
  async handle(ctx, d) {
    const task = await readTask(ctx, d.taskNo.trim());
    if (!task || task.kind !== INPUT_COLLECTION_TASK_KIND) {
      return refuse("GW_NOT_FOUND", { message: `归集任务“${d.taskNo}”不存在` });
    }
    const pageNo = Number(d.pageNo ?? 1);
    const pageSize = Number(d.pageSize ?? 100);
    const taskStatus = TASK_STATUS_WIRE[task.status];
    if (task.status !== "成功") {
      return ok({
        taskNo: task.task_no,
        taskStatus,
        total: task.total,
        pageNo,
        pageSize,
        failReason: task.fail_reason,
        invoices: [],
      });
    }
    // The page is a seq range of the task's report (1…total), read on its primary key.
    const rows = await readReport(ctx.repo, Number(task.id), (pageNo - 1) * pageSize + 1, pageNo * pageSize);
    const invoices = rows.map((r) => wireItem(r.pool, r.item));
    return ok({ taskNo: task.task_no, taskStatus, total: task.total, pageNo, pageSize, invoices });
  },
};

// ── HC.INPUTPOOL.QUERY ─────────────────────────────────────────────────────────

export const inputPoolQueryHandler: InterfaceHandler<WireIn<InputPoolQueryWire>> = {
  interfaceCode: EXTENSIONS.inputPoolQuery.interfaceCode,
  endpoint: EXTENSIONS.inputPoolQuery.endpoint,
  description: EXTENSIONS.inputPoolQuery.description,
  dataSchema: InputPoolQueryData,
  async handle(ctx, d) {
    const pageNo = Number(d.pageNo ?? 1);
    const pageSize = Number(d.pageSize ?? 100);
    let q = ctx.repo.selectFrom("input_pool");
    if (d.invoiceStatus !== undefined && d.invoiceStatus.trim() !== "") {
      const status = InputInvoiceStatus.normalize(d.invoiceStatus);
      if (!status) return badLabel("invoiceStatus", d.invoiceStatus, InputInvoiceStatus.values);
      q = q.where("invoice_status", "=", status);
    }
    if (d.startDate) q = q.where("invoice_date", ">=", d.startDate);
    if (d.endDate) q = q.where("invoice_date", "<=", `${d.endDate} 23:59:59`);
    // COUNT and page in SQL, in (invoice_date, id) order on input_pool_date_ix (0008).
    const counted = await q
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .executeTakeFirstOrThrow();
    const total = Number(counted.n);
    const offset = (pageNo - 1) * pageSize;
    const rows =
      offset < total
        ? await q.selectAll().orderBy("invoice_date").orderBy("id").limit(pageSize).offset(offset).execute()
        : [];
    const items: InputPoolInvoice[] = rows.map((r) => ({
      billKind: r.ticket_kind,
      invoiceType: r.invoice_type,
      invoiceCode: orNull(r.invoice_code),
      invoiceNo: r.invoice_no,
      invoiceDate: r.invoice_date,
      salerName: r.seller_name,
      salerTaxNo: r.seller_tax_id,
      amount: r.amount,
      tax: r.tax_amount,
      totalAmount: r.total_amount,
      invoiceStatus: r.invoice_status,
      selectStatus: r.select_status,
      deductionStatus: r.deduction_status,
      selectTime: r.select_time,
      certifyTime: r.certify_time,
      usagePeriod: r.usage_period,
      verifyStatus: r.verify_status,
      totalTaxInclAmount: r.total_tax_incl_amount,
    }));
    const page: Page<InputPoolInvoice> = { pageNo, pageSize, total, items };
    return ok(page);
  },
};
