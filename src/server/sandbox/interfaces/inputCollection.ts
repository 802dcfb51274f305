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
import { invoiceKindOf, sameInvoiceType } from "../../../gateway/codes";
import { EXTENSIONS, type InputPoolInvoice, type Page } from "../../../gateway/extensions";
import type { HandlerContext } from "../../context";
import type { NewRow, Row } from "../../db/schema";
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

async function collect(ctx: HandlerContext, p: CollectionParams): Promise<Collected[]> {
  const taxId = ctx.caller.org.tax_id;
  const from = p.startDate;
  const to = `${p.endDate} 23:59:59`;
  const out: Collected[] = [];

  const own = await ctx.bureau
    .selectFrom("bureau_invoices")
    .selectAll()
    .where("invoice_date", ">=", from)
    .where("invoice_date", "<=", to)
    .orderBy("id")
    .execute();
  for (const r of own) {
    out.push({
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
    });
  }

  // Invoices sandbox sellers issued to this buyer: the bureau's registry is every org's issued
  // invoices (the same reading as taxControlShared.bureauIssuedInvoice), read here by buyer.
  const pendingBills = await ctx.bureau
    .selectFrom("bureau_confirm_bills")
    .select(["seller_tax_id", "blue_invoice_no"])
    .where("buyer_tax_id", "=", taxId)
    .where("confirm_status", "in", AWAITING_STATUSES)
    .execute();
  const pending = new Set(pendingBills.map((b) => `${b.seller_tax_id}|${b.blue_invoice_no}`));
  const blues = await ctx.tx
    .selectFrom("blue_invoices")
    .selectAll()
    .where("buyer_tax_id", "=", taxId)
    .where("issue_status", "=", "已开票")
    .where("invoice_date", ">=", from)
    .where("invoice_date", "<=", to)
    .orderBy("id")
    .execute();
  for (const b of blues) {
    const usage = issuedInvoiceUsage(b.buyer_usage_confirmed === 1, b.invoice_date);
    out.push({
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
        invoiceStatus: bureauStatusOfIssued(b, pending.has(`${b.seller_tax_id}|${b.invoice_no}`)),
        usagePeriod: usage.usagePeriod,
        selectStatus: usage.selectStatus,
        deductionStatus: usage.deductionStatus,
        selectTime: null,
        certifyTime: null,
      },
    });
  }
  const reds = await ctx.tx
    .selectFrom("red_invoices")
    .selectAll()
    .where("buyer_tax_id", "=", taxId)
    .where("issue_status", "=", "已开票")
    .where("invoice_date", ">=", from)
    .where("invoice_date", "<=", to)
    .orderBy("id")
    .execute();
  for (const r of reds) {
    out.push({
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
    });
  }
  return out.filter((c) => matches(c, p));
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

/** One row of a settled task: the pool record, how it was merged, what changed, why a field is empty. */
interface ResultRow {
  readonly id: number;
  readonly action: string;
  readonly changes?: { field: string; label: string; from: string | null; to: string | null }[];
  readonly notes?: string[];
  /** The 价税合计（电子税局） rule applies (数电飞机票 ≥ 2025-07-28): the item carries the pool's 提示. */
  readonly flightTotalRule?: boolean;
}

const changeText = (v: FieldChange["from"]) =>
  v === null || v === undefined ? null : v instanceof Dec ? formatAmount(v) : v;

const poolKey = (code: string | null, no: string) => `${code ?? ""}|${no}`;
const INSERT_CHUNK = 500;

export const inputCollectionSettler: TaskSettler = {
  kind: INPUT_COLLECTION_TASK_KIND,
  async settle(ctx, task): Promise<TaskSettlement> {
    const params = taskParams<CollectionParams>(task);
    const collected = await collect(ctx, params);
    const existingRows = await ctx.repo.selectFrom("input_pool").selectAll().execute();
    const pool = new Map(existingRows.map((r) => [poolKey(r.invoice_code, r.invoice_no), r]));

    const inserts: Omit<NewRow<"input_pool">, "org_id">[] = [];
    const planned: {
      key: string;
      action: string;
      changes: FieldChange[];
      notes: string[];
      flightTotalRule: boolean;
    }[] = [];
    const seen = new Set<string>();
    for (const c of collected) {
      const key = poolKey(c.invoice.invoiceCode, c.invoice.invoiceNo);
      if (seen.has(key)) continue; // the same invoice twice in one download counts once
      seen.add(key);
      const existing = pool.get(key);
      const merged = mergeDownloadedInvoice(existing ? poolInvoice(existing) : null, c.invoice);
      const record: PoolInvoice =
        merged.callVerificationApi && SANDBOX_VERIFICATION_SUCCEEDS
          ? { ...merged.record, verifyStatus: "已验" }
          : merged.record;
      const cols = poolColumns(record, c);
      if (merged.action === "INSERT") {
        inserts.push({ ...cols, created_at: ctx.now, updated_at: ctx.now });
      } else if (merged.action === "REPLACE_AND_VERIFY" || merged.changes.length > 0) {
        await ctx.repo
          .updateTable("input_pool")
          .set({ ...cols, updated_at: ctx.now })
          .where("id", "=", existing!.id)
          .execute();
      }
      planned.push({
        key,
        action: merged.action,
        changes: [...merged.changes],
        notes: merged.notes.map((n) => n.code),
        flightTotalRule: merged.flightTotalRule === true,
      });
    }
    for (let i = 0; i < inserts.length; i += INSERT_CHUNK) {
      await ctx.repo.insertInto("input_pool", inserts.slice(i, i + INSERT_CHUNK)).execute();
    }
    const ids = new Map(
      (await ctx.repo.selectFrom("input_pool").select(["id", "invoice_code", "invoice_no"]).execute()).map(
        (r) => [poolKey(r.invoice_code, r.invoice_no), r.id]
      )
    );
    const rows: ResultRow[] = planned.map((p) => ({
      id: Number(ids.get(p.key)),
      action: p.action,
      ...(p.changes.length
        ? {
            changes: p.changes.map((ch) => ({
              field: ch.field,
              label: ch.label,
              from: changeText(ch.from),
              to: changeText(ch.to),
            })),
          }
        : {}),
      ...(p.notes.length ? { notes: p.notes } : {}),
      ...(p.flightTotalRule ? { flightTotalRule: true } : {}),
    }));
    const updated = planned.filter((p) => p.action !== "INSERT" && p.changes.length > 0).length;
    await ctx.repo.audit("input_pool", task.task_no, "collect", undefined, {
      total: rows.length,
      inserted: inserts.length,
      updated,
    });
    return { status: "成功", total: rows.length, successCount: rows.length, rows };
  },
};

// ── 4.03 ─────────────────────────────────────────────────────────────────────

const TASK_STATUS_WIRE = { 进行中: "running", 成功: "success", 失败: "failed" } as const;

type CollectionQueryData = WireIn<InputCollectionQueryWire>;

/** Pool rows by id, in the given order (IN lists chunked for the databases' parameter limits). */
async function poolRowsById(
  ctx: HandlerContext,
  ids: readonly number[]
): Promise<Map<number, Row<"input_pool">>> {
  const out = new Map<number, Row<"input_pool">>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await ctx.repo
      .selectFrom("input_pool")
      .selectAll()
      .where("id", "in", ids.slice(i, i + 1000))
      .execute();
    for (const r of rows) out.set(Number(r.id), r);
  }
  return out;
}

function wireItem(r: Row<"input_pool">, res: ResultRow | undefined) {
  const digital = r.invoice_code === "";
  return {
    billKind: r.ticket_kind,
    invoiceType: r.invoice_type,
    invoiceTypeName: r.invoice_type_name,
    invoiceCode: r.invoice_code,
    invoiceNo: r.invoice_no,
    etaxInvoiceNo: digital ? r.invoice_no : "",
    invoiceDate: r.invoice_date,
    invoiceAmount: new Dec(r.amount),
    totalTaxAmount: new Dec(r.tax_amount),
    totalAmount: new Dec(r.total_amount),
    totalTaxInclAmount: r.total_tax_incl_amount === null ? null : new Dec(r.total_tax_incl_amount),
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
          changes: res.changes ?? [],
          notes: (res.notes ?? []).map((code) => ({ code, message: noteMessage(code) })),
          // The 进项发票池's 提示, worded by the engine (the pane writes the same text).
          poolNote: poolRowNote({
            flightTotalRule: res.flightTotalRule === true,
            notes: (res.notes ?? []).filter(isRefusalCode).map((code) => refusal(code)),
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
    // Result rows hold integers and strings only, so plain JSON.parse is exact here (and fast on 100k rows).
    const rows = JSON.parse(task.result_json ?? "[]") as ResultRow[];
    const page = rows.slice((pageNo - 1) * pageSize, pageNo * pageSize);
    const byId = await poolRowsById(
      ctx,
      page.map((r) => r.id)
    );
    const invoices = page.flatMap((res) => {
      const r = byId.get(res.id);
      return r ? [wireItem(r, res)] : [];
    });
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
    let q = ctx.repo.selectFrom("input_pool").selectAll().orderBy("invoice_date").orderBy("id");
    if (d.invoiceStatus !== undefined && d.invoiceStatus.trim() !== "") {
      const status = InputInvoiceStatus.normalize(d.invoiceStatus);
      if (!status) return badLabel("invoiceStatus", d.invoiceStatus, InputInvoiceStatus.values);
      q = q.where("invoice_status", "=", status);
    }
    if (d.startDate) q = q.where("invoice_date", ">=", d.startDate);
    if (d.endDate) q = q.where("invoice_date", "<=", `${d.endDate} 23:59:59`);
    const all = await q.execute();
    const items: InputPoolInvoice[] = all.slice((pageNo - 1) * pageSize, pageNo * pageSize).map((r) => ({
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
    const page: Page<InputPoolInvoice> = { pageNo, pageSize, total: all.length, items };
    return ok(page);
  },
};
