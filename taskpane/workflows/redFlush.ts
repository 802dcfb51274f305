/**
 * Workflow 发票红冲 (module 000, domain-rules §2): selected rows of a 蓝票清单 → the domain planner
 * (src/domain/plan/redFlush.ts: grouping, duplicates, eligibility, routes, lines) → 红冲 of what it
 * planned (税控普票 → 2.2.02, 税控专票 → 红字信息表 2.2.04, 数电 → 红字确认单 via 2.1.04), in groups of
 * at most 10 → results written back. This file only reads, asks the gateway, sends and writes.
 *
 * Resumable and never double: a row's 流水号 is written to the sheet BEFORE its group is sent, and a
 * row that has one always re-uses it. A re-run skips rows already done, re-sends failed rows with
 * their old serial, and first queries the gateway for rows whose outcome is unknown.
 */
import { rowNumbers } from "../../src/domain/plan/drafts";
import { confirmStatusLabel } from "../../src/domain/confirmForm";
import { RED_FLUSH_BATCH_LIMIT, SELLER_STILL_ON_TAX_CONTROL_WHEN_UNKNOWN } from "../../src/domain/inferred";
import type { RedFlushTarget } from "../../src/domain/labels";
import { TAX_CONTROL_ENTRY_NOTICE, entryYields } from "../../src/domain/confirmForm/taxControlEntry";
import { Dec, formatAmount, magnitude, ZERO } from "../../src/domain/money";
import {
  countsOf,
  planRedFlush,
  redFlushRowOf,
  type FieldRefusal,
  type InvoicePlan,
  type RedFlushOptions,
  type RedFlushRow,
  type ResumeState,
  type SendPlan,
} from "../../src/domain/plan/redFlush";
import {
  PENDING_RED_STATUS,
  checkBatchSize,
  pendingRedHolds,
  type InvoiceFamily,
} from "../../src/domain/redFlush";
import { refusal, type Refusal, type Result } from "../../src/domain/refusals";
import {
  DIGITAL_INVOICE_STATUS,
  EXTENSIONS,
  INFO_FORM_APPLY_TYPE_CODES,
  newSerialNo,
  type BlueInvoiceInfo,
  type InvoiceQueryResult,
  type RedInfoFormInfo,
  type TaxControlIssueItem,
  type TaxControlRedElementResult,
} from "../../src/gateway";
import type { ParsedRow } from "../../src/sheet/mapping";
import type { SelectionRead, SheetLayout, WorkbookPort, WriteSummary } from "../../src/sheet/port";
import { PROCESS_STATUS } from "../../src/sheet/schemas";
import {
  aborted,
  callExtension,
  chunk,
  isSandboxOnly,
  isUnknownOutcome,
  listInfoForms,
  queryBlueInvoices,
  refusalOnSheet,
  textOf,
  writeBackFor,
  yieldToUi,
  type CellMark,
  type RunControl,
  type WorkflowClient,
} from "./common";
import type { RowBuiltInterface } from "../../src/sheet/wireFields";

export type { ResumeState, SendPlan };

// ── Reading ──────────────────────────────────────────────────────────────────

/** One blue invoice of the selection, as the run needs it: its rows and their earlier results. */
export interface BlueInvoiceEntry {
  /** `code|number`, or `row:N` for a row whose number did not parse. */
  readonly key: string;
  readonly rowIndexes: readonly number[];
  /** 1-based sheet rows, for messages. */
  readonly rowLabel: string;
  readonly invoiceNo: string | null;
  readonly invoiceCode: string | null;
  /** Result columns of an earlier run. */
  readonly serialNo: string | null;
  readonly redFormNumber: string | null;
  readonly processStatus: string | null;
  /** Cells that did not parse, with their address. */
  readonly cellErrors: ReadonlyArray<{
    columnKey: string;
    cellAddress: string;
    message: string;
    refusal: Refusal;
  }>;
  /** The gateway's record of the invoice, when it could be fetched. */
  readonly remote: BlueInvoiceInfo | null;
}

/**
 * 成功… or a 红票号码 → done (never sent again, its cells left as they are); 失败… → retry with the
 * same serial; a serial with anything else (处理中, blank after a crash) → unknown: query first.
 * Read here because these are the add-in's own result words (PROCESS_STATUS); the planner gets the state.
 */
export function resumeStateOf(e: {
  serialNo: string | null;
  processStatus: string | null;
  redInvoiceNumber: string | null;
}): ResumeState {
  const status = e.processStatus ?? "";
  // A success result is final even if its 流水号 cell was cleared: never red-flush twice.
  if (status.startsWith(PROCESS_STATUS.success) || e.redInvoiceNumber !== null) return "done";
  if (e.serialNo === null) return "new";
  if (status.startsWith(PROCESS_STATUS.failure)) return "retry";
  return "unknown";
}

/** A parsed sheet row → the planner's row, with its resume state. */
export function plannerRowOf(row: ParsedRow): RedFlushRow {
  return redFlushRowOf(
    row.rowIndex,
    row.values,
    row.errors,
    resumeStateOf({
      serialNo: textOf(row.values.serialNo),
      processStatus: textOf(row.values.processStatus),
      redInvoiceNumber: textOf(row.values.redInvoiceNumber),
    })
  );
}

/** Outcome of asking the gateway for the invoices' records (HC.BLUEINVOICE.QUERY). */
export interface RemoteRefresh {
  /** The records found; null when the gateway could not be asked (then the sheet's amounts count). */
  readonly records: readonly BlueInvoiceInfo[] | null;
  /** "gateway" when at least one invoice was found there; else the sheet's own amounts are used. */
  readonly source: "gateway" | "sheet";
  /** Why the gateway could not be used (sandbox-only in relay mode, network…). */
  readonly note: Refusal | null;
}

/** Fetch 可红冲金额/待开/状态/明细 from the gateway when it offers HC.BLUEINVOICE.QUERY. */
export async function refreshRemaining(
  client: WorkflowClient | null,
  rows: readonly ParsedRow[]
): Promise<RemoteRefresh> {
  const numbers = [
    ...new Set(rows.map((r) => textOf(r.values.invoiceNumber)).filter((n): n is string => n !== null)),
  ];
  if (client === null || numbers.length === 0) return { records: null, source: "sheet", note: null };
  const r = await queryBlueInvoices(client, numbers);
  if (!r.ok) return { records: null, source: "sheet", note: r.refusal };
  return { records: r.value, source: r.value.length > 0 ? "gateway" : "sheet", note: null };
}

// ── Pre-flight ───────────────────────────────────────────────────────────────

/** A cell to mark red, on one row of the invoice (every row when rowIndex is absent). */
export interface RowCellMark extends CellMark {
  readonly rowIndex?: number;
}

export interface PreflightEntry {
  readonly entry: BlueInvoiceEntry;
  readonly eligible: boolean;
  /** The first reason it is not eligible (Chinese, from the catalogue; a parse error names its cell). */
  readonly reason: Refusal | null;
  /** Cells to mark red: parse errors, conflicting duplicates and rule errors tied to a column. */
  readonly cellErrors: readonly RowCellMark[];
  /** Per row: the message its 失败原因 gets when the invoice is skipped. */
  readonly rowMessages: ReadonlyMap<number, string>;
  readonly route: RedFlushTarget | null;
  readonly family: InvoiceFamily | null;
  /** The combined request of the invoice's rows. */
  readonly requestAmount: string;
  /** The same request as an exact decimal (magnitude), for the confirmation's total. */
  readonly requestValue: Dec;
  /**
   * Warnings beside the verdict: `deletePending` — a 待开 of the same amount keeps the invoice out
   * (singleRedFlushClick), delete it first; `taxControlEntry` — the 特别提示 of 002 (entryYields).
   */
  readonly notices: readonly PreflightNotice[];
  readonly available: string;
  readonly resume: ResumeState;
  /** 1-based rows combined into this request besides the first ("" when one row). */
  readonly mergedRowLabel: string;
  /**
   * Something will be done in the run: eligible and not already done, or an unknown-result row to
   * look up by its serial (plan null when it is no longer eligible: then only looked up).
   */
  readonly willSend: boolean;
  readonly plan: SendPlan | null;
}

export interface PreflightNotice {
  readonly code: "deletePending" | "taxControlEntry";
  /** Chinese, the manual's words (the engine's notice or the refusal it gives). */
  readonly message: string;
}

export interface RedFlushPreflight {
  readonly layout: SheetLayout;
  readonly entries: readonly PreflightEntry[];
  /** Eligible and not done, so that 可红冲 + 不可红冲 + 已完成 = every invoice of the summary. */
  readonly eligibleCount: number;
  readonly refusedCount: number;
  readonly doneCount: number;
  readonly sendCount: number;
  /** Groups of ≤ 10 (the manual's batch limit) the send will use. */
  readonly groupCount: number;
  readonly remainingSource: "gateway" | "sheet";
  readonly remainingNote: Refusal | null;
  readonly hiddenRowsSkipped: number;
  /** Invoices with rows that repeat another row exactly (the pane then offers to send them once). */
  readonly duplicateInvoices: number;
  readonly options: RedFlushOptions;
  readonly context: PreflightContext;
  /** What the plan was made from, to plan again with other options without reading again. */
  readonly source: { readonly rows: readonly ParsedRow[]; readonly refresh: RemoteRefresh };
}

/** Context of the pre-flight besides the rows: whose pane it is (for the 特别提示). */
export interface PreflightContext {
  /** 组织税号 of the pane's settings; blank/absent = the 特别提示 is not checked. */
  readonly orgTaxId?: string;
}

/**
 * 002 特别提示 (entryYields): a 税控 blue of which this organisation is the buyer gives a 红字信息表,
 * not a 红字确认单, when entered. reading: the seller's 数电 status is unknown to the pane, so a 税控
 * blue is taken as issued by a seller still on 税控 (the blue itself is 税控) — the notice shows.
 */
function taxControlEntryNotice(
  p: InvoicePlan,
  rows: readonly ParsedRow[],
  ctx: PreflightContext
): PreflightNotice | null {
  const org = (ctx.orgTaxId ?? "").trim().toUpperCase();
  if (org === "" || p.family === null || p.family === "数电") return null;
  let buyer = p.record?.buyerTaxId ?? null;
  for (const r of rows) buyer ??= textOf(r.values.buyerTaxId);
  if ((buyer ?? "").trim().toUpperCase() !== org) return null;
  const yields = entryYields({
    blueIsTaxControl: true,
    myRole: "购方",
    sellerStillOnTaxControl: SELLER_STILL_ON_TAX_CONTROL_WHEN_UNKNOWN,
  });
  return yields === "红字信息表" ? { code: "taxControlEntry", message: TAX_CONTROL_ENTRY_NOTICE } : null;
}

/** The planner's invoice → what the pane shows and the run uses. */
function entryOf(
  planned: InvoicePlan,
  parsed: ReadonlyMap<number, ParsedRow>,
  ctx: PreflightContext = {}
): PreflightEntry {
  const rows = planned.rowIndexes.map((i) => parsed.get(i)).filter((r): r is ParsedRow => r !== undefined);
  const p = planned;
  const notices: PreflightNotice[] = [];
  if (p.refusals[0]?.refusal.code === "DUPLICATE_PENDING_SAME_AMOUNT") {
    notices.push({ code: "deletePending", message: p.refusals[0].refusal.message });
  }
  const entryNotice = taxControlEntryNotice(p, rows, ctx);
  if (entryNotice) notices.push(entryNotice);
  const first = (key: string): string | null => {
    for (const r of rows) {
      const t = textOf(r.values[key]);
      if (t !== null) return t;
    }
    return null;
  };
  // A cell that did not parse is named by its address, as the clerk finds it.
  const addressOf = (f: FieldRefusal): string | undefined =>
    f.field === null
      ? undefined
      : rows
          .find((r) => r.rowIndex === f.rows[0])
          ?.errors.find((e) => e.columnKey === f.field && e.refusal === f.refusal)?.cellAddress;
  const head = p.refusals[0];
  const headAddress = head ? addressOf(head) : undefined;
  const reason = head
    ? headAddress
      ? { ...head.refusal, message: `${headAddress}：${head.refusal.message}` }
      : head.refusal
    : null;
  const cellErrors: RowCellMark[] = p.refusals.flatMap((f) =>
    f.field === null
      ? []
      : f.rows.map((rowIndex) => ({ rowIndex, columnKey: f.field as string, message: f.refusal.message }))
  );
  const rowMessages = new Map<number, string>();
  for (const rowIndex of p.rowIndexes) {
    const own = p.refusals.find((f) => f.rows.includes(rowIndex));
    if (own) rowMessages.set(rowIndex, own === head && reason ? reason.message : own.refusal.message);
    else if (reason) {
      rowMessages.set(
        rowIndex,
        p.rowIndexes.length > 1 ? `第${head.rows[0] + 1}行：${reason.message}` : reason.message
      );
    }
  }
  return {
    entry: {
      key: p.key,
      rowIndexes: p.rowIndexes,
      rowLabel: rowNumbers(p.rowIndexes),
      invoiceNo: p.invoiceNo,
      invoiceCode: p.invoiceCode,
      serialNo: first("serialNo"),
      redFormNumber: first("redFormNumber"),
      processStatus: first("processStatus"),
      cellErrors: rows.flatMap((r) =>
        r.errors.map((e) => ({
          columnKey: e.columnKey,
          cellAddress: e.cellAddress,
          message: e.refusal.message,
          refusal: e.refusal,
        }))
      ),
      remote: p.record,
    },
    eligible: p.eligible,
    reason,
    cellErrors,
    rowMessages,
    route: p.route,
    family: p.family,
    requestAmount: formatAmount(p.requestAmount),
    requestValue: magnitude(p.requestAmount),
    notices,
    available: formatAmount(p.available),
    resume: p.resume,
    mergedRowLabel: rowNumbers([...p.combinedRows, ...p.mergedRepeats].sort((a, b) => a - b)),
    willSend: p.willSend,
    plan: p.plan,
  };
}

/** Pre-flight of every invoice read; nothing is sent. */
export function buildPreflight(
  read: Pick<SelectionRead, "layout" | "hiddenRowsSkipped" | "rows">,
  refresh: RemoteRefresh,
  options: RedFlushOptions = {},
  ctx: PreflightContext = {}
): RedFlushPreflight {
  const plan = planRedFlush(read.rows.map(plannerRowOf), refresh.records, options);
  const parsed = new Map(read.rows.map((r) => [r.rowIndex, r]));
  const entries = plan.invoices.map((p) => entryOf(p, parsed, ctx));
  return {
    layout: read.layout,
    entries,
    eligibleCount: plan.counts.eligible,
    refusedCount: plan.counts.refused,
    doneCount: plan.counts.done,
    sendCount: plan.counts.send,
    groupCount: plan.counts.groups,
    context: ctx,
    remainingSource: refresh.source,
    remainingNote: refresh.note,
    hiddenRowsSkipped: read.hiddenRowsSkipped,
    duplicateInvoices: plan.duplicateInvoices,
    options,
    source: { rows: read.rows, refresh },
  };
}

/** The same selection planned again with other options (the clerk ticked 重复行只提交一次). */
export function replanRedFlush(pre: RedFlushPreflight, options: RedFlushOptions): RedFlushPreflight {
  return buildPreflight(
    { layout: pre.layout, hiddenRowsSkipped: pre.hiddenRowsSkipped, rows: pre.source.rows },
    pre.source.refresh,
    options,
    pre.context
  );
}

/** Read the selection, refresh from the gateway, pre-flight. */
export async function prepareRedFlush(
  port: WorkbookPort,
  client: WorkflowClient | null,
  ctl: RunControl = {},
  options: RedFlushOptions = {},
  ctx: PreflightContext = {}
): Promise<Result<RedFlushPreflight>> {
  const read = await port.readSelection("blueInvoices", { signal: ctl.signal });
  if (!read.ok) return read;
  ctl.onProgress?.({ done: 0, total: read.value.rows.length, label: "刷新剩余可红冲金额" });
  const refresh = await refreshRemaining(client, read.value.rows);
  return { ok: true, value: buildPreflight(read.value, refresh, options, ctx) };
}

// ── Sending ──────────────────────────────────────────────────────────────────

export type OutcomeStatus = "success" | "failure" | "pending" | "skipped";

export interface RedFlushOutcome {
  readonly key: string;
  readonly rowIndexes: readonly number[];
  readonly rowLabel: string;
  readonly invoiceNo: string | null;
  readonly route: RedFlushTarget | null;
  readonly serialNo: string | null;
  readonly status: OutcomeStatus;
  /** What the clerk reads: the refusal message, the bureau's message, or the status reached. */
  readonly message: string;
  readonly redFormNumber?: string;
  readonly redInvoiceNumber?: string;
  readonly confirmStatus?: string;
  readonly cellErrors: readonly RowCellMark[];
  /** Per row, a 失败原因 other than `message` (a skipped invoice's rows each say their own). */
  readonly rowMessages?: ReadonlyMap<number, string>;
}

export interface RedFlushRunOptions extends RunControl {
  readonly orgTaxId: string;
  /** Injected for tests; default newSerialNo(). */
  readonly newSerial?: () => string;
}

export interface RedFlushRun {
  readonly outcomes: readonly RedFlushOutcome[];
  readonly cancelled: boolean;
  readonly writes: readonly WriteSummary[];
  /** A refusal that stopped the run before anything was sent (no org tax ID, port failure). */
  readonly refusal: Refusal | null;
}

const STATUS_TEXT: Readonly<Record<OutcomeStatus, string>> = {
  success: PROCESS_STATUS.success,
  failure: PROCESS_STATUS.failure,
  pending: PROCESS_STATUS.pending,
  skipped: PROCESS_STATUS.skipped,
};

function outcomeOf(
  p: PreflightEntry,
  serialNo: string | null,
  status: OutcomeStatus,
  message: string,
  extra: Partial<
    Pick<
      RedFlushOutcome,
      "redFormNumber" | "redInvoiceNumber" | "confirmStatus" | "cellErrors" | "rowMessages"
    >
  > = {}
): RedFlushOutcome {
  return {
    key: p.entry.key,
    rowIndexes: p.entry.rowIndexes,
    rowLabel: p.entry.rowLabel,
    invoiceNo: p.entry.invoiceNo,
    route: p.route,
    serialNo,
    status,
    message,
    cellErrors: [],
    ...extra,
  };
}

/** The sheet values of an outcome (every row of the invoice gets the same). */
function writeBacks(o: RedFlushOutcome) {
  return o.rowIndexes.map((rowIndex) =>
    writeBackFor(
      "blueInvoices",
      rowIndex,
      {
        serialNo: o.serialNo ?? undefined,
        route: o.route ?? undefined,
        redFormNumber: o.redFormNumber,
        redInvoiceNumber: o.redInvoiceNumber,
        confirmStatus: o.confirmStatus,
        processStatus: STATUS_TEXT[o.status],
        failureReason: o.status === "success" ? "" : (o.rowMessages?.get(rowIndex) ?? o.message),
      },
      o.cellErrors
        .filter((c) => c.rowIndex === undefined || c.rowIndex === rowIndex)
        .map((c): CellMark => ({ columnKey: c.columnKey, message: c.message }))
    )
  );
}

/** 4.1.04 by serialNo: the red invoice issued for this serial, if any. */
async function queryRedInvoice(
  client: WorkflowClient,
  serialNo: string,
  orgTaxId: string
): Promise<{ found: true; result: InvoiceQueryResult } | { found: false; refusal: Refusal | null }> {
  const r = await client.queryInvoice({ serialNo, sellerTaxpayerId: orgTaxId });
  if (!r.ok) return { found: false, refusal: r.refusal.code === "GW_NOT_FOUND" ? null : r.refusal };
  return r.data && (r.data.invoiceNum || r.data.invoiceStatus)
    ? { found: true, result: r.data }
    : { found: false, refusal: null };
}

/** What a 4.1.04 answer means for the row: issued, still issuing, or failed. */
function fromInvoiceQuery(
  p: PreflightEntry,
  serialNo: string,
  q: InvoiceQueryResult,
  extra: Partial<RedFlushOutcome> = {}
): RedFlushOutcome {
  const status = q.invoiceStatus ?? "";
  if (status === DIGITAL_INVOICE_STATUS.failed) {
    return outcomeOf(p, serialNo, "failure", q.issueErrorMessage || "开票失败", extra);
  }
  if (status === DIGITAL_INVOICE_STATUS.issuing || !q.invoiceNum) {
    return outcomeOf(p, serialNo, "pending", refusal("PANE_RESULT_PENDING", { serialNo }).message, extra);
  }
  return outcomeOf(p, serialNo, "success", "已开具红字发票", { ...extra, redInvoiceNumber: q.invoiceNum });
}

async function findInfoFormBySerial(
  client: WorkflowClient,
  serialNo: string
): Promise<RedInfoFormInfo | null> {
  const r = await listInfoForms(client);
  return r.ok ? (r.value.find((f) => f.serialNo === serialNo) ?? null) : null;
}

function fromInfoFormStatus(
  p: PreflightEntry,
  serialNo: string,
  status: string,
  formNo: string | null | undefined,
  failReason: string | null | undefined
): RedFlushOutcome {
  const extra = { confirmStatus: status, ...(formNo ? { redFormNumber: formNo } : {}) };
  if (status === "审核失败") return outcomeOf(p, serialNo, "failure", failReason || "税局审核失败", extra);
  return outcomeOf(p, serialNo, "success", `红字信息表${status}`, extra);
}

/**
 * A row whose outcome is unknown: ask the gateway first. Returns the outcome, or null when nothing
 * is known there (then the row is re-sent with the same serial; the gateway dedups by serial).
 */
async function resolveUnknown(
  client: WorkflowClient,
  p: PreflightEntry,
  serialNo: string,
  orgTaxId: string
): Promise<RedFlushOutcome | null> {
  // By the row's family, not its plan: a row looked up only (no longer eligible) has no plan.
  if (p.family === "税控专票") {
    const form = await findInfoFormBySerial(client, serialNo);
    return form ? fromInfoFormStatus(p, serialNo, form.status, form.formNo, form.failReason) : null;
  }
  const q = await queryRedInvoice(client, serialNo, orgTaxId);
  if (q.found) return fromInvoiceQuery(p, serialNo, q.result);
  if (q.refusal && isUnknownOutcome(q.refusal)) {
    return outcomeOf(p, serialNo, "pending", refusal("PANE_RESULT_PENDING", { serialNo }).message);
  }
  if (p.family === "数电" && p.entry.redFormNumber) {
    const bills = await client.queryRedConfirmBills({
      taxpayerId: orgTaxId,
      redInfoBillNo: p.entry.redFormNumber,
    });
    const bill = bills.ok
      ? bills.data.dataList.find((b) => b.redInfoBillNo === p.entry.redFormNumber)
      : undefined;
    if (bill) {
      const label = confirmStatusLabel(bill.redConfirmBillStatus);
      return outcomeOf(p, serialNo, "success", `红字确认单${label}`, {
        redFormNumber: bill.redInfoBillNo,
        confirmStatus: label,
      });
    }
  }
  return null;
}

async function afterDuplicate(
  client: WorkflowClient,
  p: PreflightEntry,
  serialNo: string,
  orgTaxId: string
): Promise<RedFlushOutcome> {
  const known = await resolveUnknown(client, p, serialNo, orgTaxId);
  return known ?? outcomeOf(p, serialNo, "pending", refusal("PANE_RESULT_PENDING", { serialNo }).message);
}

/** A refusal of the request `iface` sent for `p`: the cell it names marked, worded with the headers. */
function failureOf(
  p: PreflightEntry,
  serialNo: string,
  r: Refusal,
  iface: RowBuiltInterface
): RedFlushOutcome {
  if (isUnknownOutcome(r)) {
    return outcomeOf(
      p,
      serialNo,
      "pending",
      `${r.message}；${refusal("PANE_RESULT_PENDING", { serialNo }).message}`
    );
  }
  // The lines are built from the blue invoice's record, not one per row: line fields mark the rows.
  const placed = refusalOnSheet("blueInvoices", iface, r, { rows: p.entry.rowIndexes, lineRows: [] });
  return outcomeOf(p, serialNo, "failure", placed.message, { cellErrors: placed.cellErrors });
}

/**
 * The planner's red lines of a partial 税控普票 (000: |当前待红冲金额| < what remains may be
 * submitted), or null for a full reversal (then 2.2.02, which carries no amount). Read through a
 * guard so the pane works with a planner that has no lines for this family yet.
 */
export function ordinaryRedLines(plan: SendPlan): ReadonlyArray<Readonly<Record<string, unknown>>> | null {
  if (plan.family !== "税控普票") return null;
  const lines = (plan as { readonly lines?: ReadonlyArray<Readonly<Record<string, unknown>>> }).lines;
  return lines && lines.length > 0 ? lines : null;
}

/** The element of a 2.2.01 / 2.2.02 answer array for `serialNo` (or the only one). */
function answerFor(data: unknown, serialNo: string): TaxControlRedElementResult | null {
  const list = Array.isArray(data) ? (data as TaxControlRedElementResult[]) : [];
  return list.find((a) => a?.serialNo === serialNo) ?? (list.length === 1 ? list[0] : null);
}

/** A partial 税控普票: the engine's lines, issued red by 2.2.01 税控发票开具 (invoiceProperty 1). */
async function sendOrdinaryPartial(
  client: WorkflowClient,
  p: PreflightEntry,
  serialNo: string,
  orgTaxId: string,
  lines: ReadonlyArray<Readonly<Record<string, unknown>>>
): Promise<RedFlushOutcome> {
  const plan = p.plan!;
  const item: TaxControlIssueItem = {
    serialNo,
    sellerTaxpayerId: orgTaxId,
    invoiceType: plan.invoiceType,
    invoiceProperty: "1",
    originalInvoiceNumber: plan.blue.invoiceNo,
    ...(plan.blue.invoiceCode ? { originalInvoiceCode: plan.blue.invoiceCode } : {}),
    invoiceDetail: lines,
  };
  const r = await client.issueTaxControlRed([item]);
  if (!r.ok) {
    if (r.refusal.code === "GW_DUPLICATE_SERIAL") return afterDuplicate(client, p, serialNo, orgTaxId);
    return failureOf(p, serialNo, r.refusal, "2.2.01");
  }
  const a = answerFor(r.data, serialNo);
  if (a && a.success === false) {
    return outcomeOf(p, serialNo, "failure", a.message || a.errorCode || "开票失败");
  }
  if (a?.invoiceNum) {
    return outcomeOf(p, serialNo, "success", "已开具红字发票", { redInvoiceNumber: a.invoiceNum });
  }
  const q = await queryRedInvoice(client, serialNo, orgTaxId);
  return q.found
    ? fromInvoiceQuery(p, serialNo, q.result)
    : outcomeOf(p, serialNo, "pending", refusal("PANE_RESULT_PENDING", { serialNo }).message);
}

/** Send one invoice with its (already persisted) serial. */
export async function sendOne(
  client: WorkflowClient,
  p: PreflightEntry,
  serialNo: string,
  orgTaxId: string
): Promise<RedFlushOutcome> {
  const plan = p.plan!;
  const { invoiceNo, invoiceCode } = plan.blue;
  const partialLines = ordinaryRedLines(plan);
  if (partialLines) return sendOrdinaryPartial(client, p, serialNo, orgTaxId, partialLines);
  if (plan.family === "税控普票") {
    const r = await client.quickRedFlushTaxControl([
      {
        serialNo,
        sellerTaxpayerId: orgTaxId,
        originalInvoiceNumber: invoiceNo,
        ...(invoiceCode ? { originalInvoiceCode: invoiceCode } : {}),
        invoiceType: plan.invoiceType,
      },
    ]);
    if (!r.ok) {
      if (r.refusal.code === "GW_DUPLICATE_SERIAL") return afterDuplicate(client, p, serialNo, orgTaxId);
      return failureOf(p, serialNo, r.refusal, "2.2.02");
    }
    const q = await queryRedInvoice(client, serialNo, orgTaxId);
    return q.found
      ? fromInvoiceQuery(p, serialNo, q.result)
      : outcomeOf(p, serialNo, "pending", refusal("PANE_RESULT_PENDING", { serialNo }).message);
  }
  if (plan.family === "税控专票") {
    const r = await client.applyRedInfoForm({
      serialNo,
      sellerTaxpayerId: orgTaxId,
      applyType: INFO_FORM_APPLY_TYPE_CODES["销方申请"],
      originalInvoiceNumber: invoiceNo,
      ...(invoiceCode ? { originalInvoiceCode: invoiceCode } : {}),
      ...(plan.originalIssueTime ? { originalIssueTime: plan.originalIssueTime } : {}),
      invoiceType: plan.invoiceType,
      buyerName: plan.buyerName,
      buyerTaxpayerId: plan.buyerTaxId,
      invoiceDetail: plan.lines,
    });
    if (!r.ok) {
      if (r.refusal.code === "GW_DUPLICATE_SERIAL") return afterDuplicate(client, p, serialNo, orgTaxId);
      return failureOf(p, serialNo, r.refusal, "2.2.04");
    }
    return fromInfoFormStatus(p, serialNo, r.data.status, r.data.redInfoBillNo, r.data.failReason);
  }
  const r = await client.redFlushDigital({
    serialNo,
    invoiceNum: invoiceNo,
    ...(invoiceCode ? { invoiceCode } : {}),
    redReason: client.reasonCode(plan.reason, "2.1.04") ?? "",
    invoiceType: plan.invoiceType,
    sellerTaxpayerId: orgTaxId,
    ...(plan.lines ? { invoiceDetail: plan.lines } : {}),
  });
  if (!r.ok) {
    if (r.refusal.code === "GW_DUPLICATE_SERIAL") return afterDuplicate(client, p, serialNo, orgTaxId);
    return failureOf(p, serialNo, r.refusal, "2.1.04");
  }
  if (r.data.kind === "awaitingConfirmation") {
    // 2.1.04 entered the 红字确认单 but issued nothing (02/03): the form now waits for the other party.
    const label = confirmStatusLabel(r.data.bill.redConfirmBillStatus);
    return outcomeOf(p, serialNo, "success", r.data.message || `红字确认单${label}，未开具发票`, {
      redFormNumber: r.data.bill.redInfoBillNo,
      confirmStatus: label,
    });
  }
  const bill = r.data.bill;
  const extra = bill
    ? { redFormNumber: bill.redInfoBillNo, confirmStatus: confirmStatusLabel(bill.redConfirmBillStatus) }
    : {};
  const q = await queryRedInvoice(client, serialNo, orgTaxId);
  return q.found
    ? fromInvoiceQuery(p, serialNo, q.result, extra)
    : outcomeOf(p, serialNo, "pending", refusal("PANE_RESULT_PENDING", { serialNo }).message, extra);
}

/**
 * reading (issue 10 item 9): the 失败原因 of an invoice the clerk stopped before its chunk was sent.
 * A pane status, not a refusal of a rule (asked for as a code in src/domain/refusals.ts).
 */
/** The 已跳过 message of a group left unsent by 停止, in the language in force (a function: the UI language can change). */
export const stoppedUnsentMessage = (): string => refusal("PANE_RUN_STOPPED_UNSENT").message;

/**
 * Run the 红冲 of a pre-flight: unknown rows are queried first; then groups of ≤ 10, each group's
 * serials written to the sheet before the group is sent; results written after each group;
 * refused rows get 已跳过 + their reason and red cells. 停止 (the signal) acts between groups: a
 * group already started is sent to its end (its serials are on the sheet), every later invoice is
 * reported 已跳过 with stoppedUnsentMessage() and nothing of it is sent.
 */
export async function runRedFlush(
  port: WorkbookPort,
  client: WorkflowClient,
  pre: RedFlushPreflight,
  opts: RedFlushRunOptions
): Promise<RedFlushRun> {
  const orgTaxId = opts.orgTaxId.trim();
  if (orgTaxId === "")
    return { outcomes: [], cancelled: false, writes: [], refusal: refusal("PANE_ORG_TAX_ID_MISSING") };
  const newSerial = opts.newSerial ?? (() => newSerialNo());
  const yieldNow = opts.yieldNow ?? yieldToUi;
  const outcomes: RedFlushOutcome[] = [];
  const writes: WriteSummary[] = [];
  const layout = pre.layout;
  const write = async (rows: ReturnType<typeof writeBacks>): Promise<Refusal | null> => {
    if (rows.length === 0) return null;
    // No abort signal: 停止 must never drop the results of what was sent (nor the 已跳过 of what was
    // not) — the adapter would cancel a write whose signal is aborted.
    const w = await port.writeResults("blueInvoices", rows, { layout });
    if (!w.ok) return w.refusal;
    writes.push(w.value);
    return null;
  };

  const toSend = pre.entries.filter((e) => e.willSend);
  const total = toSend.length;
  let done = 0;
  const progress = (label: string) => opts.onProgress?.({ done, total, label });

  // 1. Unknown outcomes: ask before sending anything again.
  const queue: Array<{ p: PreflightEntry; serialNo: string }> = [];
  for (const p of toSend) {
    if (aborted(opts)) break;
    if (p.resume === "unknown" && p.entry.serialNo) {
      progress(`查询 ${p.entry.invoiceNo ?? ""} 的处理结果`);
      const known = await resolveUnknown(client, p, p.entry.serialNo, orgTaxId);
      if (known) {
        // Known at the gateway (issued, issuing, or failed — a failure is re-sent with the same
        // serial on the next run): nothing is sent now.
        outcomes.push(known);
        done++;
        continue;
      }
    }
    if (p.plan === null) {
      // Unknown at the gateway and no longer eligible: not sent; say why, keep the serial.
      outcomes.push(skippedOf(p));
      done++;
      continue;
    }
    queue.push({ p, serialNo: p.entry.serialNo ?? newSerial() });
  }
  const resolved = outcomes.flatMap(writeBacks);
  const firstWrite = await write(resolved);
  if (firstWrite) return { outcomes, cancelled: false, writes, refusal: firstWrite };

  // 2. Groups of ≤ 10: persist serials, then send.
  let cancelled = aborted(opts);
  const groups = chunk(queue, RED_FLUSH_BATCH_LIMIT);
  for (const [gi, group] of groups.entries()) {
    if (cancelled || aborted(opts)) {
      cancelled = true;
      // Not sent: no new serial is written (an old one, from an earlier run, stays).
      const unsent = groups
        .slice(gi)
        .flat()
        .map(({ p }) => outcomeOf(p, p.entry.serialNo, "skipped", stoppedUnsentMessage()));
      outcomes.push(...unsent);
      const w = await write(unsent.flatMap(writeBacks));
      if (w) return { outcomes, cancelled, writes, refusal: w };
      break;
    }
    const size = checkBatchSize(group.length);
    if (!size.ok) return { outcomes, cancelled, writes, refusal: size.refusal };
    const before = group.flatMap(({ p, serialNo }) =>
      p.entry.rowIndexes.map((rowIndex) =>
        writeBackFor("blueInvoices", rowIndex, {
          serialNo,
          route: p.route ?? undefined,
          processStatus: PROCESS_STATUS.pending,
          failureReason: "",
        })
      )
    );
    const w = await write(before);
    if (w) return { outcomes, cancelled, writes, refusal: w };
    const groupOutcomes: RedFlushOutcome[] = [];
    // A started group is sent whole: its serials are already on the sheet as 处理中.
    for (const { p, serialNo } of group) {
      progress(`红冲 ${p.entry.invoiceNo ?? ""}`);
      groupOutcomes.push(await sendOne(client, p, serialNo, orgTaxId));
      done++;
      progress(`红冲 ${p.entry.invoiceNo ?? ""}`);
    }
    outcomes.push(...groupOutcomes);
    const after = await write(groupOutcomes.flatMap(writeBacks));
    if (after) return { outcomes, cancelled, writes, refusal: after };
    await yieldNow();
  }

  // 停止 pressed while the last group was being sent: nothing was left unsent, but say it was stopped.
  cancelled ||= aborted(opts);

  // 3. Refused rows: 已跳过, reason, bad cells red.
  const skipped = pre.entries.filter((e) => !e.eligible).map(skippedOf);
  outcomes.push(...skipped);
  const last = await write(skipped.flatMap(writeBacks));
  return { outcomes, cancelled, writes, refusal: last };
}

/** 已跳过 with the row's refusal and its bad cells (the serial, if any, is kept). */
function skippedOf(p: PreflightEntry): RedFlushOutcome {
  return outcomeOf(p, p.entry.serialNo, "skipped", p.reason?.message ?? "", {
    cellErrors: p.cellErrors,
    rowMessages: p.rowMessages,
  });
}

/** Rows that are already done (成功) in a pre-flight, reported without sending. */
export function alreadyDone(pre: RedFlushPreflight): PreflightEntry[] {
  return pre.entries.filter((e) => e.eligible && e.resume === "done");
}

export { isSandboxOnly };

/**
 * The same pre-flight limited to one family: 红字信息表 from 税控专票 rows, 红字确认单 from 数电 rows
 * (the 新建 of modules 001/002 from selected blue invoices). Other rows are refused with `code`.
 */
export function restrictToFamily(
  pre: RedFlushPreflight,
  family: InvoiceFamily,
  code: "PANE_NOT_TAX_CONTROL_SPECIAL" | "PANE_NOT_DIGITAL"
): RedFlushPreflight {
  const entries = pre.entries.map((e): PreflightEntry => {
    // Done rows stay as they are whatever their family: nothing is written to them.
    if (!e.eligible || e.family === family || e.resume === "done") return e;
    const reason = refusal(code);
    return {
      ...e,
      eligible: false,
      willSend: false,
      plan: null,
      reason,
      cellErrors: [],
      rowMessages: new Map(e.entry.rowIndexes.map((r) => [r, reason.message])),
    };
  });
  const counts = countsOf(entries);
  return {
    ...pre,
    entries,
    eligibleCount: counts.eligible,
    refusedCount: counts.refused,
    doneCount: counts.done,
    sendCount: counts.send,
    groupCount: counts.groups,
  };
}

// ── 待开 (000 ②: a red that was not issued stays in 开票管理→待开发票 until deleted) ─────────────

/** One 待开 record as HC.PENDINGRED.LIST answers it. */
export interface PendingRedRecord {
  readonly id: string;
  readonly blueInvoiceCode: string | null;
  readonly blueInvoiceNo: string;
  readonly serialNo: string | null;
  readonly source: string | null;
  readonly amount: string;
  readonly taxAmount: string | null;
  /** PENDING_RED_STATUS: 待开, 未开票 (a failed issue) or 已开票. */
  readonly status: string;
  readonly createdAt: string | null;
  /** pendingRedHolds(status): it still counts against the blue invoice's 可红冲金额. */
  readonly holds: boolean;
}

export interface PendingRedList {
  readonly records: readonly PendingRedRecord[];
  /** Σ of what the holding records keep from 可红冲金额 (magnitudes), ¥ text. */
  readonly heldTotal: string;
}

/** The blue invoices of a pre-flight, as HC.PENDINGRED.LIST filters. */
export function blueInvoicesOf(
  pre: RedFlushPreflight
): Array<{ blueInvoiceCode?: string; blueInvoiceNo: string }> {
  const seen = new Set<string>();
  const out: Array<{ blueInvoiceCode?: string; blueInvoiceNo: string }> = [];
  for (const e of pre.entries) {
    if (!e.entry.invoiceNo || seen.has(e.entry.key)) continue;
    seen.add(e.entry.key);
    out.push({
      blueInvoiceNo: e.entry.invoiceNo,
      ...(e.entry.invoiceCode ? { blueInvoiceCode: e.entry.invoiceCode } : {}),
    });
  }
  return out;
}

function pendingRecordOf(raw: Record<string, unknown>): PendingRedRecord {
  const str = (v: unknown): string | null => (v === null || v === undefined || v === "" ? null : String(v));
  const status = str(raw.status) ?? PENDING_RED_STATUS.waiting;
  return {
    id: String(raw.id ?? ""),
    blueInvoiceCode: str(raw.blueInvoiceCode),
    blueInvoiceNo: String(raw.blueInvoiceNo ?? ""),
    serialNo: str(raw.serialNo),
    source: str(raw.source),
    amount: str(raw.amount) ?? "0",
    taxAmount: str(raw.taxAmount),
    status,
    createdAt: str(raw.createdAt),
    holds: pendingRedHolds(status),
  };
}

/**
 * The 待开 records of the given blue invoices (one call each), or of all (no filter). Records are
 * listed once even when two filters find them.
 */
export async function listPendingReds(
  client: WorkflowClient,
  blues: ReadonlyArray<{ blueInvoiceCode?: string; blueInvoiceNo: string }> | null
): Promise<Result<PendingRedList>> {
  const filters: Array<Record<string, string> | undefined> =
    blues === null || blues.length === 0 ? [undefined] : blues.map((b) => ({ ...b }));
  const byId = new Map<string, PendingRedRecord>();
  for (const f of filters) {
    const r = await callExtension<{ dataList?: Array<Record<string, unknown>> }>(
      client,
      EXTENSIONS.pendingRedList,
      f ?? {}
    );
    if (!r.ok) return r;
    for (const raw of r.value?.dataList ?? []) {
      const rec = pendingRecordOf(raw);
      if (!byId.has(rec.id)) byId.set(rec.id, rec);
    }
  }
  const records = [...byId.values()];
  const held = records.filter((x) => x.holds).reduce((acc, x) => acc.plus(magnitude(x.amount)), ZERO);
  return { ok: true, value: { records, heldTotal: formatAmount(held) } };
}

/** Delete 待开 records by id (after the clerk's confirmation): how many the gateway deleted. */
export async function deletePendingReds(
  client: WorkflowClient,
  ids: readonly string[]
): Promise<Result<{ deleted: number }>> {
  if (ids.length === 0) return { ok: true, value: { deleted: 0 } };
  const r = await callExtension<{ deleted?: number | string }>(client, EXTENSIONS.pendingRedDelete, {
    ids: [...ids],
  });
  return r.ok ? { ok: true, value: { deleted: Number(r.value?.deleted ?? 0) } } : r;
}

// ── The confirmation before sending (issue 10 item 9) ─────────────────────────

/** `¥1,234,567.80`: 2 decimals (Dec, half-up as formatAmount) and thousands separators. */
export function formatYuan(v: Dec): string {
  const text = formatAmount(v);
  const negative = text.startsWith("-");
  const [int, frac] = (negative ? text.slice(1) : text).split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}¥${grouped}${frac === undefined ? "" : `.${frac}`}`;
}

export interface RunConfirmation {
  /** Invoices that will be red-flushed now (sent, not only looked up): the red invoices to issue. */
  readonly invoices: number;
  /** Σ 本次红冲金额 of those (magnitudes), formatYuan. */
  readonly total: string;
  readonly groups: number;
  /** Above RED_FLUSH_BATCH_LIMIT invoices the run needs a second, explicit confirmation. */
  readonly needsSecondConfirmation: boolean;
}

/** What the confirmation states: only rows read from the selection (hidden rows were never read). */
export function runConfirmationOf(pre: RedFlushPreflight): RunConfirmation {
  const sending = pre.entries.filter((e) => e.willSend && e.plan !== null);
  const total = sending.reduce((acc, e) => acc.plus(e.requestValue), ZERO);
  return {
    invoices: sending.length,
    total: formatYuan(total),
    groups: pre.groupCount,
    needsSecondConfirmation: sending.length > RED_FLUSH_BATCH_LIMIT,
  };
}
