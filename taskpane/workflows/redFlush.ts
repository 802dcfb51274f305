/**
 * Workflow 发票红冲 (module 000, domain-rules §2): selected rows of a 蓝票清单 → pre-flight of every
 * invoice (eligible, or the exact reason; parse errors at their cell) → 红冲 routed per kind
 * (税控普票 → 2.2.02, 税控专票 → 红字信息表 2.2.04, 数电 → 红字确认单 via 2.1.04), in groups of at most
 * 10 → results written back.
 *
 * Resumable and never double: a row's 流水号 is written to the sheet BEFORE its group is sent, and a
 * row that has one always re-uses it. A re-run skips rows already done, re-sends failed rows with
 * their old serial, and first queries the gateway for rows whose outcome is unknown.
 */
import {
  ENTRY_RESULT,
  calcRedLine,
  confirmStatusLabel,
  partialReversalRefusal,
  type RedLine,
} from "../../src/domain/confirmForm";
import { RED_FLUSH_BATCH_LIMIT } from "../../src/domain/inferred";
import { InvoiceKind, RedReason, TaxMode, type RedFlushTarget } from "../../src/domain/labels";
import { Dec, formatAmount, magnitude, round2HalfUp, toRed } from "../../src/domain/money";
import {
  INVOICE_FAMILY,
  checkBatchSize,
  preflight as domainPreflight,
  type InvoiceFamily,
} from "../../src/domain/redFlush";
import { refusal, type Refusal, type Result } from "../../src/domain/refusals";
import {
  DIGITAL_INVOICE_STATUS,
  EXTENSIONS,
  INFO_FORM_APPLY_TYPE_CODES,
  newSerialNo,
  type BlueInvoiceInfo,
  type BlueInvoiceLineInfo,
  type InvoiceQueryResult,
  type Page,
  type RedFlushLine,
  type RedInfoFormInfo,
  type RedInfoFormLine,
  type TaxControlInvoiceType,
} from "../../src/gateway";
import type { ParsedRow } from "../../src/sheet/mapping";
import type { SelectionRead, SheetLayout, WorkbookPort, WriteSummary } from "../../src/sheet/port";
import { PROCESS_STATUS } from "../../src/sheet/schemas";
import {
  aborted,
  callExtension,
  chunk,
  decOf,
  isSandboxOnly,
  isUnknownOutcome,
  textOf,
  writeBackFor,
  yieldToUi,
  type CellMark,
  type RunControl,
  type WorkflowClient,
} from "./common";

// ── Reading ──────────────────────────────────────────────────────────────────

/** One blue invoice of the selection: its rows (one, or a header row plus line rows) and its values. */
export interface BlueInvoiceEntry {
  /** `code|number`, or `row:N` for a row whose number did not parse. */
  readonly key: string;
  readonly rowIndexes: readonly number[];
  /** 1-based sheet rows, for messages. */
  readonly rowLabel: string;
  readonly invoiceNo: string | null;
  readonly invoiceCode: string | null;
  readonly kind: string | null;
  readonly status: string | null;
  readonly reversibleAmount: Dec | null;
  readonly pendingRedAmounts: readonly Dec[];
  /** 本次红冲金额 as typed (magnitude), or null for the full reversible amount. */
  readonly requestAmount: Dec | null;
  readonly redReason: string | null;
  readonly buyerName: string | null;
  readonly buyerTaxId: string | null;
  readonly blueIssueDate: string | null;
  readonly goodsName: string | null;
  readonly taxCode: string | null;
  readonly taxRate: Dec | null;
  readonly taxAmount: Dec | null;
  /** Result columns of an earlier run. */
  readonly serialNo: string | null;
  readonly redFormNumber: string | null;
  readonly redInvoiceNumber: string | null;
  readonly processStatus: string | null;
  /** Cells that did not parse, with their address. */
  readonly cellErrors: ReadonlyArray<{
    columnKey: string;
    cellAddress: string;
    message: string;
    refusal: Refusal;
  }>;
  /** The gateway's record of the invoice (remaining amounts, lines), when it could be fetched. */
  readonly remote: BlueInvoiceInfo | null;
}

function firstText(rows: readonly ParsedRow[], key: string): string | null {
  for (const r of rows) {
    const t = textOf(r.values[key]);
    if (t !== null) return t;
  }
  return null;
}

function firstDec(rows: readonly ParsedRow[], key: string): Dec | null {
  for (const r of rows) {
    const d = decOf(r.values[key]);
    if (d !== null) return d;
  }
  return null;
}

/**
 * Rows → invoices. Rows of the same 发票代码+发票号码 are one invoice (a header row and its line
 * rows); a row whose number failed to parse stands alone so its error is still shown.
 */
export function groupBlueRows(rows: readonly ParsedRow[]): BlueInvoiceEntry[] {
  const groups = new Map<string, ParsedRow[]>();
  for (const row of rows) {
    const no = textOf(row.values.invoiceNumber);
    const key = no === null ? `row:${row.rowIndex}` : `${textOf(row.values.invoiceCode) ?? ""}|${no}`;
    const list = groups.get(key) ?? [];
    list.push(row);
    groups.set(key, list);
  }
  return Array.from(groups.entries()).map(([key, list]) => {
    const pending = firstDec(list, "pendingRedAmount");
    const request = firstDec(list, "redAmount");
    return {
      key,
      rowIndexes: list.map((r) => r.rowIndex),
      rowLabel: list.map((r) => String(r.rowIndex + 1)).join("、"),
      invoiceNo: firstText(list, "invoiceNumber"),
      invoiceCode: firstText(list, "invoiceCode"),
      kind: firstText(list, "invoiceKind"),
      status: firstText(list, "invoiceStatus"),
      reversibleAmount: firstDec(list, "reversibleAmount"),
      pendingRedAmounts: pending === null || pending.isZero() ? [] : [pending],
      requestAmount: request === null ? null : magnitude(request),
      redReason: firstText(list, "redReason"),
      buyerName: firstText(list, "buyerName"),
      buyerTaxId: firstText(list, "buyerTaxId"),
      blueIssueDate: firstText(list, "blueIssueDate"),
      goodsName: firstText(list, "goodsName"),
      taxCode: firstText(list, "taxCode"),
      taxRate: firstDec(list, "taxRate"),
      taxAmount: firstDec(list, "taxAmount"),
      serialNo: firstText(list, "serialNo"),
      redFormNumber: firstText(list, "redFormNumber"),
      redInvoiceNumber: firstText(list, "redInvoiceNumber"),
      processStatus: firstText(list, "processStatus"),
      cellErrors: list.flatMap((r) =>
        r.errors.map((e) => ({
          columnKey: e.columnKey,
          cellAddress: e.cellAddress,
          message: e.refusal.message,
          refusal: e.refusal,
        }))
      ),
      remote: null,
    };
  });
}

/** Outcome of asking the gateway for the invoices' remaining amounts (HC.BLUEINVOICE.QUERY). */
export interface RemoteRefresh {
  readonly entries: BlueInvoiceEntry[];
  /** "gateway" when at least one invoice was found there; else the sheet's own amounts are used. */
  readonly source: "gateway" | "sheet";
  /** Why the gateway could not be used (sandbox-only in relay mode, network…). */
  readonly note: Refusal | null;
}

/** Refresh 可红冲金额/待开/状态/明细 from the gateway when it offers HC.BLUEINVOICE.QUERY. */
export async function refreshRemaining(
  client: WorkflowClient | null,
  entries: readonly BlueInvoiceEntry[]
): Promise<RemoteRefresh> {
  const numbers = entries.map((e) => e.invoiceNo).filter((n): n is string => n !== null);
  if (client === null || numbers.length === 0) return { entries: [...entries], source: "sheet", note: null };
  const byNo = new Map<string, BlueInvoiceInfo>();
  const pageSize = 100;
  for (let pageNo = 1; ; pageNo++) {
    const r = await callExtension<Page<BlueInvoiceInfo>>(client, EXTENSIONS.blueInvoiceQuery, {
      invoiceNos: numbers,
      pageNo,
      pageSize,
    });
    if (!r.ok) return { entries: [...entries], source: "sheet", note: r.refusal };
    for (const inv of r.value.items ?? []) byNo.set(`${inv.invoiceCode ?? ""}|${inv.invoiceNo}`, inv);
    for (const inv of r.value.items ?? [])
      if (!byNo.has(`|${inv.invoiceNo}`)) byNo.set(`|${inv.invoiceNo}`, inv);
    if (pageNo * pageSize >= Number(r.value.total ?? 0) || (r.value.items ?? []).length === 0) break;
  }
  const out = entries.map((e) => {
    const remote = byNo.get(e.key) ?? (e.invoiceNo ? byNo.get(`|${e.invoiceNo}`) : undefined);
    return remote ? { ...e, remote } : e;
  });
  return { entries: out, source: out.some((e) => e.remote) ? "gateway" : "sheet", note: null };
}

// ── Pre-flight ───────────────────────────────────────────────────────────────

/** Where a row stands after earlier runs (read from its result cells). */
export type ResumeState = "new" | "done" | "retry" | "unknown";

/**
 * 成功… or a 红票号码 → done (never sent again, its cells left as they are); 失败… → retry with the
 * same serial; a serial with anything else (处理中, blank after a crash) → unknown: query first.
 */
export function resumeStateOf(
  e: Pick<BlueInvoiceEntry, "serialNo" | "processStatus" | "redInvoiceNumber">
): ResumeState {
  const status = e.processStatus ?? "";
  // A success result is final even if its 流水号 cell was cleared: never red-flush twice.
  if (status.startsWith(PROCESS_STATUS.success) || e.redInvoiceNumber !== null) return "done";
  if (e.serialNo === null) return "new";
  if (status.startsWith(PROCESS_STATUS.failure)) return "retry";
  return "unknown";
}

/** What will be sent for an eligible invoice. */
export type SendPlan =
  | { readonly family: "税控普票"; readonly invoiceType: TaxControlInvoiceType }
  | {
      readonly family: "税控专票";
      readonly invoiceType: "004" | "028";
      readonly lines: readonly RedInfoFormLine[];
    }
  | {
      readonly family: "数电";
      readonly invoiceType: "01" | "02";
      readonly reason: RedReason;
      /** Absent = full reversal (no invoiceDetail). */
      readonly lines?: readonly RedFlushLine[];
    };

export interface PreflightEntry {
  readonly entry: BlueInvoiceEntry;
  readonly eligible: boolean;
  /** The reason it is not eligible (Chinese, verbatim from the catalogue). */
  readonly reason: Refusal | null;
  /** Cells to mark red: parse errors and rule errors tied to a column. */
  readonly cellErrors: ReadonlyArray<{ columnKey: string; cellAddress?: string; message: string }>;
  readonly route: RedFlushTarget | null;
  readonly family: InvoiceFamily | null;
  readonly requestAmount: string;
  readonly available: string;
  readonly resume: ResumeState;
  /**
   * Something will be done in the run: eligible and not already done, or an unknown-result row to
   * look up by its serial (plan null when it is no longer eligible: then only looked up).
   */
  readonly willSend: boolean;
  readonly plan: SendPlan | null;
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
}

const TAX_CONTROL_TYPE: Readonly<Partial<Record<InvoiceKind, TaxControlInvoiceType>>> = {
  增值税普通发票: "007",
  增值税电子普通发票: "026",
  增值税专用发票: "004",
  增值税电子专用发票: "028",
};

const DIGITAL_TYPE: Readonly<Partial<Record<InvoiceKind, "01" | "02">>> = {
  "数电发票（增值税专用发票）": "01",
  "数电发票（普通发票）": "02",
};

/** Blue lines that still have something to reverse. */
function reversibleLines(inv: BlueInvoiceInfo): BlueInvoiceLineInfo[] {
  return inv.lines.filter(
    (l) => !magnitude(l.remainingAmount).isZero() || !magnitude(l.remainingTax).isZero()
  );
}

function digitalLine(l: BlueInvoiceLineInfo, line: RedLine): RedFlushLine {
  return {
    lineProperty: "0",
    originalSeq: l.seq,
    goodsName: l.goodsName,
    revenueCode: l.revenueCode,
    ...(l.specification ? { specification: l.specification } : {}),
    ...(l.units ? { units: l.units } : {}),
    ...(line.quantity !== null ? { quantity: line.quantity } : {}),
    ...(line.unitPrice !== null ? { price: line.unitPrice } : {}),
    amount: line.amount,
    taxRate: l.taxRate,
    taxAmount: line.tax,
  };
}

/**
 * A partial 数电 红冲 the bureau will refuse as full-only (domain-rules §4 intro, §4.6): 差额征税,
 * 开票有误, or — known only from HC.BLUEINVOICE.QUERY — a buyer that made no 用途确认, so the
 * seller's 2.1.04 enters the form as 01 (无需确认) and the bureau allows the full amount only.
 * Without the gateway record the confirmation is unknown (null) and only the first two are checked.
 */
function digitalPartialRefusal(
  e: BlueInvoiceEntry,
  reason: RedReason,
  remoteLines: readonly BlueInvoiceLineInfo[] | null
): Refusal | null {
  const diffTax = (remoteLines ?? []).some((l) => TaxMode.normalize(l.taxMode) === "差额征税");
  return partialReversalRefusal({
    reason,
    taxMode: diffTax ? "差额征税" : "普通征税",
    // The pane is the seller (销方): 2.1.04 is the seller's entry.
    entryConfirmStatus: e.remote
      ? ENTRY_RESULT["销方"][e.remote.buyerUsageConfirmed ? "usageConfirmed" : "usageNotConfirmed"]
      : null,
  });
}

type PlanResult = { ok: true; plan: SendPlan } | { ok: false; refusal: Refusal; columnKey?: string };

/** The send plan of an invoice that passed the domain checks, or why it cannot be sent as asked. */
function planFor(e: BlueInvoiceEntry, kind: InvoiceKind, reversible: Dec, request: Dec): PlanResult {
  const family = INVOICE_FAMILY[kind];
  const partial = request.lt(reversible);
  const remoteLines = e.remote ? reversibleLines(e.remote) : null;
  if (family === "税控普票") {
    // 2.2.02 is 仅支持全额红冲.
    if (partial) {
      return {
        ok: false,
        refusal: refusal("PANE_QUICK_RED_FULL_ONLY", { available: formatAmount(reversible) }),
        columnKey: "redAmount",
      };
    }
    return { ok: true, plan: { family, invoiceType: TAX_CONTROL_TYPE[kind] as TaxControlInvoiceType } };
  }
  if (family === "税控专票") {
    const invoiceType = TAX_CONTROL_TYPE[kind] as "004" | "028";
    if (remoteLines && remoteLines.length > 0) {
      if (!partial) {
        const lines = remoteLines.map((l): RedInfoFormLine => ({
          goodsName: l.goodsName,
          revenueCode: l.revenueCode,
          amount: toRed(l.remainingAmount),
          taxRate: l.taxRate,
          taxAmount: toRed(l.remainingTax),
          ...(l.remainingQuantity ? { quantity: toRed(l.remainingQuantity) } : {}),
          ...(l.unitPrice ? { price: magnitude(l.unitPrice) } : {}),
        }));
        return { ok: true, plan: { family, invoiceType, lines } };
      }
      if (remoteLines.length > 1) {
        return {
          ok: false,
          refusal: refusal("PANE_PARTIAL_NEEDS_LINE_DETAIL", { lines: remoteLines.length }),
        };
      }
      const l = remoteLines[0];
      return {
        ok: true,
        plan: {
          family,
          invoiceType,
          lines: [
            {
              goodsName: l.goodsName,
              revenueCode: l.revenueCode,
              amount: toRed(request),
              taxRate: l.taxRate,
              taxAmount: toRed(round2HalfUp(request.times(l.taxRate))),
            },
          ],
        },
      };
    }
    // No gateway record: one line from the row's own columns.
    if (e.taxRate === null) {
      return { ok: false, refusal: refusal("FIELD_REQUIRED", { field: "税率" }), columnKey: "taxRate" };
    }
    const tax =
      !partial && e.taxAmount !== null ? magnitude(e.taxAmount) : round2HalfUp(request.times(e.taxRate));
    return {
      ok: true,
      plan: {
        family,
        invoiceType,
        lines: [
          {
            goodsName: e.goodsName ?? "",
            revenueCode: e.taxCode ?? "",
            amount: toRed(request),
            taxRate: e.taxRate.toFixed(),
            taxAmount: toRed(tax),
          },
        ],
      },
    };
  }
  // 数电: 2.1.04 needs a 红冲原因.
  const reason = RedReason.normalize(e.redReason ?? "");
  if (reason === undefined) {
    return { ok: false, refusal: refusal("FIELD_REQUIRED", { field: "红冲原因" }), columnKey: "redReason" };
  }
  const invoiceType = DIGITAL_TYPE[kind] as "01" | "02";
  if (!partial) return { ok: true, plan: { family, invoiceType, reason } };
  const fullOnly = digitalPartialRefusal(e, reason, remoteLines);
  if (fullOnly) return { ok: false, refusal: fullOnly, columnKey: "redAmount" };
  if (!remoteLines || remoteLines.length !== 1) {
    return {
      ok: false,
      refusal: refusal("PANE_PARTIAL_NEEDS_LINE_DETAIL", { lines: remoteLines ? remoteLines.length : "多" }),
    };
  }
  const l = remoteLines[0];
  const calc = calcRedLine({
    reason,
    taxMode: TaxMode.normalize(l.taxMode) ?? "普通征税",
    taxCode: l.revenueCode,
    taxRate: l.taxRate,
    hasDiscountLine: l.hasDiscountLine,
    remaining: {
      amount: l.remainingAmount,
      tax: l.remainingTax,
      quantity: l.remainingQuantity,
      unitPrice: l.redUnitPrice,
    },
    edit: { field: "amountExclTax", value: request },
  });
  if (!calc.ok) return { ok: false, refusal: calc.refusal, columnKey: "redAmount" };
  return { ok: true, plan: { family, invoiceType, reason, lines: [digitalLine(l, calc.value)] } };
}

/** Pre-flight of every invoice read; nothing is sent. */
export function buildPreflight(
  read: Pick<SelectionRead, "layout" | "hiddenRowsSkipped">,
  refreshed: RemoteRefresh
): RedFlushPreflight {
  const entries = refreshed.entries;
  const inputs = entries.map((e) => ({
    no: e.key,
    kind: e.remote?.kind ?? e.kind ?? "",
    status: e.remote?.status ?? e.status ?? "",
    reversibleAmount: e.remote?.reversibleAmount ?? e.reversibleAmount ?? new Dec(0),
    pendingRedAmounts: e.remote?.pendingRedAmounts ?? e.pendingRedAmounts,
    requestAmount: e.requestAmount,
  }));
  const domain = domainPreflight(inputs);
  const out = entries.map((e, i): PreflightEntry => {
    const d = domain.rows[i];
    const resume = resumeStateOf(e);
    const base = {
      entry: e,
      requestAmount: formatAmount(d.requestAmount),
      available: formatAmount(d.available),
      resume,
      route: d.route ?? null,
    };
    const kind = InvoiceKind.normalize(inputs[i].kind);
    const family = kind ? INVOICE_FAMILY[kind] : null;
    // An earlier run's result comes first: the blue invoice's status now reflects that very run
    // (全额红冲 after our own red), so eligibility would wrongly refuse it.
    if (resume === "done") {
      return { ...base, family, eligible: true, reason: null, cellErrors: [], willSend: false, plan: null };
    }
    const checked = eligibilityOf(e, d, kind, family, inputs[i].kind, inputs[i].reversibleAmount);
    if (resume === "unknown" && !checked.eligible) {
      // Sent before, result lost: look it up by its serial; it is re-sent only if eligible, so the
      // refusal is kept for the run in case the gateway knows nothing of the serial.
      return { ...base, ...checked, eligible: true, willSend: true, plan: null };
    }
    return { ...base, ...checked, willSend: checked.eligible };
  });
  const sendCount = out.filter((e) => e.willSend).length;
  return {
    layout: read.layout,
    entries: out,
    eligibleCount: out.filter((e) => e.eligible && e.resume !== "done").length,
    refusedCount: out.filter((e) => !e.eligible).length,
    doneCount: out.filter((e) => e.eligible && e.resume === "done").length,
    sendCount,
    groupCount: Math.ceil(sendCount / RED_FLUSH_BATCH_LIMIT),
    remainingSource: refreshed.source,
    remainingNote: refreshed.note,
    hiddenRowsSkipped: read.hiddenRowsSkipped,
  };
}

type Eligibility = Pick<PreflightEntry, "family" | "eligible" | "reason" | "cellErrors" | "plan">;

/** The eligibility of a row that has not been sent yet (or must be re-sent): cells, §2 rules, plan. */
function eligibilityOf(
  e: BlueInvoiceEntry,
  d: ReturnType<typeof domainPreflight>["rows"][number],
  kind: InvoiceKind | undefined,
  family: InvoiceFamily | null,
  kindText: string,
  reversibleAmount: Parameters<typeof magnitude>[0]
): Eligibility {
  if (e.cellErrors.length > 0) {
    const first = e.cellErrors[0];
    return {
      family,
      eligible: false,
      reason: { ...first.refusal, message: `${first.cellAddress}：${first.message}` },
      cellErrors: e.cellErrors,
      plan: null,
    };
  }
  if (!d.eligible || kind === undefined) {
    const columnKey = d.refusal?.code === "UNKNOWN_INVOICE_KIND" ? "invoiceKind" : undefined;
    return {
      family,
      eligible: false,
      reason: d.refusal ?? refusal("UNKNOWN_INVOICE_KIND", { value: kindText }),
      cellErrors: columnKey ? [{ columnKey, message: d.refusal!.message }] : [],
      plan: null,
    };
  }
  const reversible = magnitude(reversibleAmount);
  const plan = planFor(e, kind, reversible, d.requestAmount);
  if (!plan.ok) {
    return {
      family,
      eligible: false,
      reason: plan.refusal,
      cellErrors: plan.columnKey ? [{ columnKey: plan.columnKey, message: plan.refusal.message }] : [],
      plan: null,
    };
  }
  return { family, eligible: true, reason: null, cellErrors: [], plan: plan.plan };
}

/** Read the selection, refresh from the gateway, pre-flight. */
export async function prepareRedFlush(
  port: WorkbookPort,
  client: WorkflowClient | null,
  ctl: RunControl = {}
): Promise<Result<RedFlushPreflight>> {
  const read = await port.readSelection("blueInvoices", { signal: ctl.signal });
  if (!read.ok) return read;
  const entries = groupBlueRows(read.value.rows);
  ctl.onProgress?.({ done: 0, total: entries.length, label: "刷新剩余可红冲金额" });
  const refreshed = await refreshRemaining(client, entries);
  return { ok: true, value: buildPreflight(read.value, refreshed) };
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
  readonly cellErrors: readonly CellMark[];
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
    Pick<RedFlushOutcome, "redFormNumber" | "redInvoiceNumber" | "confirmStatus" | "cellErrors">
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
        failureReason: o.status === "success" ? "" : o.message,
      },
      o.cellErrors
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
  for (let pageNo = 1; pageNo <= 20; pageNo++) {
    const r = await callExtension<Page<RedInfoFormInfo>>(client, EXTENSIONS.redInfoFormList, {
      pageNo,
      pageSize: 100,
    });
    if (!r.ok) return null;
    const hit = (r.value.items ?? []).find((f) => f.serialNo === serialNo);
    if (hit) return hit;
    if (pageNo * 100 >= Number(r.value.total ?? 0)) return null;
  }
  return null;
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

function failureOf(p: PreflightEntry, serialNo: string, r: Refusal): RedFlushOutcome {
  return isUnknownOutcome(r)
    ? outcomeOf(
        p,
        serialNo,
        "pending",
        `${r.message}；${refusal("PANE_RESULT_PENDING", { serialNo }).message}`
      )
    : outcomeOf(p, serialNo, "failure", r.message);
}

/** Send one invoice with its (already persisted) serial. */
export async function sendOne(
  client: WorkflowClient,
  p: PreflightEntry,
  serialNo: string,
  orgTaxId: string
): Promise<RedFlushOutcome> {
  const plan = p.plan!;
  const e = p.entry;
  const invoiceNo = e.invoiceNo ?? "";
  if (plan.family === "税控普票") {
    const r = await client.quickRedFlushTaxControl([
      {
        serialNo,
        sellerTaxpayerId: orgTaxId,
        originalInvoiceNumber: invoiceNo,
        ...(e.invoiceCode ? { originalInvoiceCode: e.invoiceCode } : {}),
        invoiceType: plan.invoiceType,
      },
    ]);
    if (!r.ok) {
      if (r.refusal.code === "GW_DUPLICATE_SERIAL") return afterDuplicate(client, p, serialNo, orgTaxId);
      return failureOf(p, serialNo, r.refusal);
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
      ...(e.invoiceCode ? { originalInvoiceCode: e.invoiceCode } : {}),
      ...((e.remote?.issueDate ?? e.blueIssueDate)
        ? { originalIssueTime: e.remote?.issueDate ?? e.blueIssueDate! }
        : {}),
      invoiceType: plan.invoiceType,
      buyerName: e.remote?.buyerName ?? e.buyerName ?? "",
      buyerTaxpayerId: e.remote?.buyerTaxId ?? e.buyerTaxId ?? "",
      invoiceDetail: plan.lines,
    });
    if (!r.ok) {
      if (r.refusal.code === "GW_DUPLICATE_SERIAL") return afterDuplicate(client, p, serialNo, orgTaxId);
      return failureOf(p, serialNo, r.refusal);
    }
    return fromInfoFormStatus(p, serialNo, r.data.status, r.data.redInfoBillNo, r.data.failReason);
  }
  const r = await client.redFlushDigital({
    serialNo,
    invoiceNum: invoiceNo,
    ...(e.invoiceCode ? { invoiceCode: e.invoiceCode } : {}),
    redReason: client.reasonCode(plan.reason, "2.1.04") ?? "",
    invoiceType: plan.invoiceType,
    sellerTaxpayerId: orgTaxId,
    ...(plan.lines ? { invoiceDetail: plan.lines } : {}),
  });
  if (!r.ok) {
    if (r.refusal.code === "GW_DUPLICATE_SERIAL") return afterDuplicate(client, p, serialNo, orgTaxId);
    return failureOf(p, serialNo, r.refusal);
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
 * Run the 红冲 of a pre-flight: unknown rows are queried first; then groups of ≤ 10, each group's
 * serials written to the sheet before the group is sent; results written after each group;
 * refused rows get 已跳过 + their reason and red cells. Cancel stops between invoices.
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
    const w = await port.writeResults("blueInvoices", rows, { layout, signal: opts.signal });
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
  for (const group of chunk(queue, RED_FLUSH_BATCH_LIMIT)) {
    if (cancelled || aborted(opts)) {
      cancelled = true;
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
    for (const { p, serialNo } of group) {
      if (aborted(opts)) {
        cancelled = true;
        break;
      }
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

  // 3. Refused rows: 已跳过, reason, bad cells red.
  const skipped = pre.entries.filter((e) => !e.eligible).map(skippedOf);
  outcomes.push(...skipped);
  const last = await write(skipped.flatMap(writeBacks));
  return { outcomes, cancelled, writes, refusal: last };
}

/** 已跳过 with the row's refusal and its bad cells (the serial, if any, is kept). */
function skippedOf(p: PreflightEntry): RedFlushOutcome {
  return outcomeOf(p, p.entry.serialNo, "skipped", p.reason?.message ?? "", {
    cellErrors: p.cellErrors.map((c) => ({ columnKey: c.columnKey, message: c.message })),
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
    return { ...e, eligible: false, willSend: false, plan: null, reason: refusal(code), cellErrors: [] };
  });
  const sendCount = entries.filter((e) => e.willSend).length;
  return {
    ...pre,
    entries,
    eligibleCount: entries.filter((e) => e.eligible && e.resume !== "done").length,
    refusedCount: entries.filter((e) => !e.eligible).length,
    doneCount: entries.filter((e) => e.eligible && e.resume === "done").length,
    sendCount,
    groupCount: Math.ceil(sendCount / RED_FLUSH_BATCH_LIMIT),
  };
}
