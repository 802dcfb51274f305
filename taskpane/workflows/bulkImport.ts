/**
 * 批量引入 in the task pane (issue 5 §1–§2): the CLI's `hongchong template` / `hongchong import
 * [--submit]` on the open workbook. The rules are the CLI's (src/sheet/xlsx: validateSheetData,
 * planImport, planResults, the Submitter); this file reads the sheet through the port, runs them,
 * and writes the plan back through the port — with progress (read / validate / write / submit) and
 * cancel between chunks. Plain TypeScript: tests drive it with the Office adapter over the fake Excel.
 */
import { normalizeText } from "../../src/domain/parse";
import { fail, ok, type Result } from "../../src/domain/refusals";
import { findHeaderRow } from "../../src/sheet/mapping";
import type {
  ApplyPlanSummary,
  Progress,
  SheetValuesRead,
  TemplateSheetSummary,
  WorkbookPort,
} from "../../src/sheet/port";
import { validateSheetData, type SheetImport } from "../../src/sheet/xlsx/core";
import { parseRect } from "../../src/sheet/address";
import { checkedLine, isValidRow, rowReasons, summaryLine } from "../../src/sheet/xlsx/grid";
import {
  detectTemplateKind,
  KIND_SPECS,
  TEMPLATE_KINDS,
  notTemplate,
  type KindSpec,
  type TemplateKind,
} from "../../src/sheet/xlsx/kinds";
import {
  DEFAULT_LIMITS,
  DEFAULT_SUBMIT_BATCH,
  HEADER_SEARCH_ROWS,
  type ImportLimits,
} from "../../src/sheet/xlsx/limits";
import {
  clerkRefusal,
  planResults,
  type AnnotationPlan,
  type SubmitOutcome,
  type SubmitUnit,
} from "../../src/sheet/xlsx/plan";
import { canSubmit, type Submitter } from "../../src/sheet/xlsx/submit";
import { templateSheetData } from "../../src/sheet/xlsx/templateData";
import { aborted, chunk, yieldToUi, type RunControl } from "./common";

export { canSubmit, TEMPLATE_KINDS, KIND_SPECS, type TemplateKind };

// ── Ports ────────────────────────────────────────────────────────────────────

export type TemplateWorkbook = WorkbookPort & Required<Pick<WorkbookPort, "createTemplateSheet">>;
export type BulkWorkbook = WorkbookPort & Required<Pick<WorkbookPort, "readValues" | "applyImportPlan">>;

/** The port when it can insert templates (OfficeWorkbook can), else null. */
export function templatePortOf(port: WorkbookPort | null): TemplateWorkbook | null {
  return port !== null && typeof port.createTemplateSheet === "function" ? (port as TemplateWorkbook) : null;
}

/** The port when it can read whole sheets and apply an import plan, else null. */
export function bulkPortOf(port: WorkbookPort | null): BulkWorkbook | null {
  return port !== null && typeof port.readValues === "function" && typeof port.applyImportPlan === "function"
    ? (port as BulkWorkbook)
    : null;
}

/** 插入模板: the sheet `hongchong template <kind>` writes, and its 说明 sheet. */
export function insertTemplate(
  port: TemplateWorkbook,
  kind: TemplateKind
): Promise<Result<TemplateSheetSummary>> {
  return port.createTemplateSheet(templateSheetData(kind));
}

// ── Reading the sheet ────────────────────────────────────────────────────────

/** "auto": the kind whose headers the sheet matches best. */
export type BulkKindChoice = TemplateKind | "auto";

const topRows = (values: ReadonlyArray<readonly unknown[]>): string[][] =>
  values.slice(0, HEADER_SEARCH_ROWS).map((r) => r.map((c) => normalizeText(c) ?? ""));

/** The template whose header the sheet matches best: the one rule of src/sheet/xlsx/kinds.ts. */
export { detectTemplateKind };

/** Progress labels of the phases (shown next to the bar and announced). */
export const PHASE_LABELS = {
  read: "读取工作表",
  validate: "校验",
  write: "写回标记",
  submit: "提交发票云",
} as const;

export interface BulkRunOptions extends RunControl {
  readonly kind: BulkKindChoice;
  /**
   * Only the rows the selection touches (below the header). [decision] Hidden (filtered) rows of the
   * selection are skipped, as the pane's other selection reads do; on the whole sheet a hidden row
   * with data is refused (FILE_HIDDEN_ROWS), as the CLI does.
   */
  readonly selectionOnly?: boolean;
  /** 申请批次号 of this run; default a new one. The pane passes the validation's to the submission. */
  readonly batchNo?: string;
  readonly limits?: ImportLimits;
  readonly newSerialNo?: () => string;
  /** Documents per request batch (default the CLI's DEFAULT_SUBMIT_BATCH). */
  readonly batchSize?: number;
}

interface SheetRead {
  readonly spec: KindSpec;
  readonly read: SheetValuesRead;
  /** The values validated: with selectionOnly, rows outside the selection left empty. */
  readonly values: ReadonlyArray<readonly unknown[]>;
  readonly hiddenRows: readonly number[];
  readonly hiddenSkipped: number;
}

const readProgress =
  (ctl: RunControl) =>
  (p: Progress): void =>
    ctl.onProgress?.({
      done: p.done,
      total: p.total,
      label: PHASE_LABELS[p.phase === "read" ? "read" : "write"],
    });

async function readSheet(port: BulkWorkbook, opts: BulkRunOptions): Promise<Result<SheetRead>> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const r = await port.readValues({
    selectionOnly: opts.selectionOnly === true,
    maxRows: limits.maxRows,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onProgress: readProgress(opts),
  });
  if (!r.ok) return r;
  const read = r.value;
  const kind = opts.kind === "auto" ? detectTemplateKind(read.values) : opts.kind;
  if (kind === null) {
    const poolList = notTemplate(read.values, read.sheetName);
    if (poolList) return { ok: false, refusal: poolList };
    return fail("FILE_NO_HEADER", {
      sheet: read.sheetName,
      required: `任一模板的表头（${TEMPLATE_KINDS.map((k) => KIND_SPECS[k].title).join("、")}；可先插入模板）`,
    });
  }
  const spec = KIND_SPECS[kind];
  if (!opts.selectionOnly || read.selectedRows === null) {
    return ok({ spec, read, values: read.values, hiddenRows: read.hiddenRows, hiddenSkipped: 0 });
  }
  const headerRow = findHeaderRow(spec.schema, topRows(read.values));
  if (headerRow < 0) return ok({ spec, read, values: read.values, hiddenRows: [], hiddenSkipped: 0 });
  const hidden = new Set(read.hiddenRows);
  const selected = read.selectedRows.filter((row) => row > headerRow);
  const keep = new Set(selected.filter((row) => !hidden.has(row)));
  if (keep.size === 0) return fail("SHEET_NO_DATA_ROWS");
  const values = read.values.map((cells, i) => (i <= headerRow || keep.has(i) ? cells : []));
  return ok({ spec, read, values, hiddenRows: [], hiddenSkipped: selected.length - keep.size });
}

// ── Results ──────────────────────────────────────────────────────────────────

/** A row that failed, for the pane's list (the sheet has the same text in 失败原因). */
export interface BulkFailure {
  /** 1-based sheet row. */
  readonly row: number;
  readonly reason: string;
  /** 0-based sheet column of the row's first bad cell (the pane's link selects it). */
  readonly column?: number;
}

export interface BulkValidateResult {
  readonly kind: TemplateKind;
  /** The template's Chinese name. */
  readonly title: string;
  readonly sheetName: string;
  /** 申请批次号 written on the valid rows. */
  readonly batchNo: string;
  /** `N 行成功, N 行失败` (rows done by an earlier run count as succeeded). */
  readonly summary: string;
  readonly succeeded: number;
  readonly failed: number;
  /** Rows done by an earlier run (处理状态 成功): not validated again, never re-sent. */
  readonly skippedDone: number;
  /** Rows valid now (not yet done): what 提交有效行 would send. */
  readonly valid: number;
  /** Hidden rows of the selection left out. */
  readonly hiddenSkipped: number;
  readonly failures: readonly BulkFailure[];
  readonly write: ApplyPlanSummary;
  /** Cancelled while writing: the rows written so far keep their marks. */
  readonly cancelled: boolean;
  /** 清除标记: the run's rows with their earlier marks cleared and nothing written (clearBulkMarks). */
  readonly clearPlan: AnnotationPlan;
  /** The header row as the run left it (a later write must find it unchanged). */
  readonly headerAfterRun: readonly unknown[];
}

export interface BulkSubmitResult extends BulkValidateResult {
  /** Documents (流水号) sent in this run and the rows they cover. */
  readonly sentDocuments: number;
  readonly sentRows: number;
  /** Valid rows not sent because the run was cancelled (they keep 流水号 + 处理中; a re-run sends them). */
  readonly notSentRows: number;
  readonly outcomes: readonly SubmitOutcome[];
}

function validationFailures(imp: SheetImport): BulkFailure[] {
  return imp.validation.rows
    .filter((r) => !r.done && !isValidRow(r))
    .map((r) => {
      const first = r.cellErrors[0] ? parseRect(r.cellErrors[0].cellAddress) : null;
      return { row: r.rowIndex + 1, reason: rowReasons(r), ...(first ? { column: first.column } : {}) };
    });
}

/** The header row after the plan's columns were appended (what a later write must find). */
function headerAfter(header: readonly unknown[], plan: AnnotationPlan): unknown[] {
  const out = [...header];
  for (const c of plan.addColumns) {
    while (out.length < c.column) out.push("");
    out[c.column] = c.header;
  }
  return out;
}

async function validateAndWrite(
  port: BulkWorkbook,
  opts: BulkRunOptions,
  submit: boolean
): Promise<Result<{ sheet: SheetRead; imp: SheetImport; write: ApplyPlanSummary }>> {
  const sheet = await readSheet(port, opts);
  if (!sheet.ok) return sheet;
  const { spec, read, values, hiddenRows } = sheet.value;
  if (submit && !canSubmit(spec.kind)) return fail("FILE_SUBMIT_NOT_SUPPORTED", { kind: spec.title });
  if (aborted(opts)) return fail("SHEET_CANCELLED");
  const rows = Math.max(0, values.length - 1);
  opts.onProgress?.({ done: 0, total: rows, label: PHASE_LABELS.validate });
  await (opts.yieldNow ?? yieldToUi)();
  const v = validateSheetData(
    spec.kind,
    values,
    { sheetName: read.sheetName, merges: read.merges, hiddenRows },
    {
      ...(opts.limits ? { limits: opts.limits } : {}),
      ...(opts.batchNo ? { batchNo: opts.batchNo } : {}),
      ...(opts.newSerialNo ? { newSerialNo: opts.newSerialNo } : {}),
      submit,
    }
  );
  if (!v.ok) return v;
  opts.onProgress?.({ done: rows, total: rows, label: PHASE_LABELS.validate });
  // Nothing has been written yet: a cancel here leaves the sheet as it was.
  if (aborted(opts)) return fail("SHEET_CANCELLED");
  const imp = v.value;
  const write = await port.applyImportPlan(imp.planned.plan, {
    expectedHeader: read.values[imp.validation.headerRow] ?? [],
    ...(opts.signal ? { signal: opts.signal } : {}),
    onProgress: readProgress(opts),
  });
  if (!write.ok) return write;
  return ok({ sheet: sheet.value, imp, write: write.value });
}

function resultOf(
  sheet: SheetRead,
  imp: SheetImport,
  write: ApplyPlanSummary,
  failures: readonly BulkFailure[],
  summary: { succeeded: number; failed: number; checkedOnly?: boolean }
): BulkValidateResult {
  return {
    kind: sheet.spec.kind,
    title: sheet.spec.title,
    sheetName: sheet.read.sheetName,
    batchNo: imp.batchNo,
    summary: summary.checkedOnly
      ? checkedLine(imp.planned.valid, summary.failed)
      : summaryLine(summary.succeeded, summary.failed),
    succeeded: summary.succeeded,
    failed: summary.failed,
    skippedDone: imp.planned.skippedDone,
    valid: imp.planned.valid,
    hiddenSkipped: sheet.hiddenSkipped,
    failures,
    write,
    cancelled: write.cancelled,
    clearPlan: { ...imp.planned.plan, addColumns: [], marks: [], writes: [] },
    headerAfterRun: headerAfter(sheet.read.values[imp.validation.headerRow] ?? [], imp.planned.plan),
  };
}

/**
 * 清除标记 after a bulk run: the red fills and notes it put on its rows removed (the 处理状态,
 * 失败原因 and other values stay). Refused like any write when the header has changed since.
 */
export async function clearBulkMarks(
  port: BulkWorkbook,
  result: BulkValidateResult
): Promise<Result<ApplyPlanSummary>> {
  return port.applyImportPlan(result.clearPlan, { expectedHeader: result.headerAfterRun });
}

/**
 * 批量引入 on the active sheet (or its selected rows): read → validate every row → write back: the
 * previous run's marks cleared, each bad cell red with a note giving the reason, 失败原因 with all
 * messages of the row, 处理状态 失败 / 未提交. Nothing is sent, so no 申请批次号 is stamped.
 */
export async function validateBulkSheet(
  port: BulkWorkbook,
  opts: BulkRunOptions
): Promise<Result<BulkValidateResult>> {
  const r = await validateAndWrite(port, opts, false);
  if (!r.ok) return r;
  const { sheet, imp, write } = r.value;
  return ok(
    resultOf(sheet, imp, write, validationFailures(imp), {
      succeeded: imp.planned.valid + imp.planned.skippedDone,
      failed: imp.planned.failed,
      checkedOnly: true,
    })
  );
}

/**
 * 提交有效行: validate again (the sheet may have changed), write every document's 流水号 and 处理中
 * into the sheet BEFORE anything is sent (piaozone-api §1.7), send the valid documents in batches
 * through the Submitter and write each batch's results (编号 / status / 失败原因) as it comes back.
 * Rows done earlier (处理状态 成功) are skipped; a 处理中 row is re-sent under its own 流水号, so a
 * re-run never creates a document twice. Cancel stops between batches; results already received
 * are always written.
 */
export async function submitBulkSheet(
  port: BulkWorkbook,
  submitter: Submitter,
  opts: BulkRunOptions
): Promise<Result<BulkSubmitResult>> {
  const r = await validateAndWrite(port, opts, true);
  if (!r.ok) return r;
  const { sheet, imp, write } = r.value;
  const plan = imp.planned.plan;
  const units = imp.planned.units;
  const header = headerAfter(sheet.read.values[imp.validation.headerRow] ?? [], plan);
  const resultsOnly: AnnotationPlan = {
    ...plan,
    addColumns: [],
    marks: [],
    clearRows: [],
    clearColumns: [],
    writes: [],
  };

  const sent: SubmitUnit[] = [];
  const outcomes: SubmitOutcome[] = [];
  // A cancel while the 流水号 were being written: some are not in the sheet, so nothing is sent.
  if (!write.cancelled) {
    for (const batch of chunk(units, opts.batchSize ?? DEFAULT_SUBMIT_BATCH)) {
      if (aborted(opts)) break;
      opts.onProgress?.({ done: sent.length, total: units.length, label: PHASE_LABELS.submit });
      const answers = await submitter.submit(sheet.spec.kind, batch);
      sent.push(...batch);
      outcomes.push(...answers);
      // The cells the cloud refused are marked like the import's own (a 发票云： note).
      const { writes, marks } = planResults(imp.validation, plan, batch, answers);
      // Not cancellable: what the cloud answered belongs in the sheet.
      const w = await port.applyImportPlan({ ...resultsOnly, writes, marks }, { expectedHeader: header });
      if (!w.ok) return w;
      opts.onProgress?.({ done: sent.length, total: units.length, label: PHASE_LABELS.submit });
      await (opts.yieldNow ?? yieldToUi)();
    }
  }

  const totals = planResults(imp.validation, plan, sent, outcomes);
  const bySerial = new Map(outcomes.map((o) => [o.serialNo, o]));
  const submitFailures: BulkFailure[] = sent.flatMap((u) => {
    const o = bySerial.get(u.serialNo);
    if (!o || o.kind === "success") return [];
    const reason = o.kind === "failure" ? clerkRefusal(imp.validation, o.refusal).message : o.refusal.message;
    return u.rows.map((row) => ({ row: row.rowIndex + 1, reason }));
  });
  const failures = [...validationFailures(imp), ...submitFailures].sort((a, b) => a.row - b.row);
  const sentRows = sent.reduce((n, u) => n + u.rows.length, 0);
  const allRows = units.reduce((n, u) => n + u.rows.length, 0);
  const base = resultOf(sheet, imp, write, failures, {
    succeeded: totals.succeeded + imp.planned.skippedDone,
    failed: imp.planned.failed + totals.failed,
  });
  return ok({
    ...base,
    cancelled: base.cancelled || sent.length < units.length,
    sentDocuments: sent.length,
    sentRows,
    notSentRows: allRows - sentRows,
    outcomes,
  });
}
