/**
 * What an import writes back, as data (host-independent): columns to append, cells to mark red with
 * a note, values to write. The exceljs adapter (annotate.ts) and a task-pane adapter apply the same
 * plan. Two steps: `planImport` before anything is sent (流水号 persisted first), `planResults` with
 * the cloud's answers — a refusal that names a request field marks that field's cell the same way
 * (wireFields.ts maps the field to the column), worded with the column header.
 */
import type { Refusal } from "../../domain/refusals";
import type { TemplateKind } from "./kinds";
import { refusal } from "../../domain/refusals";
import { PROCESS_STATUS } from "../schemas";
import { placeOfRefusal, withClerkWording, type RowBuiltInterface } from "../wireFields";
import {
  BATCH_NO_COLUMN,
  SERIAL_NO_COLUMN,
  isValidRow,
  rowReasons,
  type GridLayout,
  type GridValidation,
  type ImportRow,
} from "./grid";

export interface PlannedColumn {
  readonly key: string;
  readonly header: string;
  /** Absolute 0-based column. */
  readonly column: number;
  readonly numberFormat: string;
}

export interface CellMark {
  readonly row: number;
  readonly column: number;
  readonly message: string;
  /** Who refused the cell: the import's own checks (absent) or the invoice cloud on submit. */
  readonly by?: "gateway";
}

export interface CellWrite {
  readonly row: number;
  readonly column: number;
  /** null clears the cell. Always text: these cells are ours (流水号, 状态, 原因). */
  readonly value: string | null;
}

export interface AnnotationPlan {
  readonly sheetName: string;
  readonly headerRow: number;
  readonly addColumns: readonly PlannedColumn[];
  /** Where each writable key is (existing or appended). */
  readonly columnOf: Readonly<Record<string, number>>;
  /** Cells to fill red with a note. */
  readonly marks: readonly CellMark[];
  /** Rows and input columns whose earlier marks (ours) are cleared before `marks` are applied. */
  readonly clearRows: readonly number[];
  readonly clearColumns: readonly number[];
  readonly writes: readonly CellWrite[];
}

/** One request to the cloud: a document (its lines) under one 流水号. */
export interface SubmitUnit {
  readonly serialNo: string;
  readonly group: string | null;
  readonly rows: readonly ImportRow[];
}

export interface ImportPlan {
  readonly plan: AnnotationPlan;
  /** Documents to send (empty without --submit). */
  readonly units: readonly SubmitUnit[];
  /** Rows valid now (sent or, without --submit, accepted), rows failed, rows done earlier. */
  readonly valid: number;
  readonly failed: number;
  readonly skippedDone: number;
}

export interface PlanOptions {
  readonly batchNo: string;
  readonly submit: boolean;
  readonly newSerialNo: () => string;
}

/** Our notes start with this, so a re-run can tell its own marks from the user's comments. */
export const NOTE_PREFIX = "引入校验：";
/** The note of a cell the invoice cloud refused on submit (also ours: cleared by a re-run). */
export const GATEWAY_NOTE_PREFIX = "发票云：";

export function notePrefixOf(m: Pick<CellMark, "by">): string {
  return m.by === "gateway" ? GATEWAY_NOTE_PREFIX : NOTE_PREFIX;
}

/** A note we wrote (either prefix), as opposed to the user's own. */
export function isOurNote(text: string): boolean {
  return text.startsWith(NOTE_PREFIX) || text.startsWith(GATEWAY_NOTE_PREFIX);
}

function columnsToWrite(
  v: GridLayout,
  submit: boolean
): { columnOf: Record<string, number>; add: PlannedColumn[] } {
  const schema = v.spec.schema;
  const columnOf: Record<string, number> = { ...v.header.columns };
  for (const [k, c] of Object.entries(v.bookkeeping)) if (c !== undefined) columnOf[k] = c;
  const wanted: Array<{ key: string; header: string; numberFormat: string }> = [];
  const want = (key: string): void => {
    if (columnOf[key] !== undefined || wanted.some((w) => w.key === key)) return;
    const col = schema.columns.find((c) => c.key === key);
    const book = [BATCH_NO_COLUMN, SERIAL_NO_COLUMN].find((b) => b.key === key);
    if (col) wanted.push({ key, header: col.header, numberFormat: "@" });
    else if (book) wanted.push({ key, header: book.header, numberFormat: "@" });
  };
  want("failureReason");
  if (submit) {
    want("batchNo");
    want("serialNo");
  }
  want("processStatus");
  if (submit) {
    if (v.spec.resultKeys) {
      want(v.spec.resultKeys.number);
      want(v.spec.resultKeys.status);
    }
  }
  let next = Math.max(v.header.lastColumn, ...Object.values(columnOf)) + 1;
  const add = wanted.map((w) => ({ ...w, column: next++ }));
  for (const a of add) columnOf[a.key] = a.column;
  return { columnOf, add };
}

/**
 * [decision] A 流水号 is kept when its earlier send has no known result (处理中: the same 流水号 must
 * be re-sent, §1.7) and replaced after a definite failure (the user fixed the row; the cloud would
 * refuse the old 流水号 as already used).
 */
function reuseSerial(r: ImportRow): string | null {
  return r.serialNo && r.processStatus === PROCESS_STATUS.pending ? r.serialNo : null;
}

/** Where an import writes on a sheet of `layout`: the columns (existing and appended), the input columns. */
export interface RowPlanContext {
  readonly layout: GridLayout;
  readonly columnOf: Readonly<Record<string, number>>;
  readonly addColumns: readonly PlannedColumn[];
  /** Input columns whose earlier marks are cleared. */
  readonly inputColumns: readonly number[];
  readonly batchNo: string;
  readonly submit: boolean;
}

export function rowPlanContext(
  layout: GridLayout,
  opts: Pick<PlanOptions, "batchNo" | "submit">
): RowPlanContext {
  const { columnOf, add } = columnsToWrite(layout, opts.submit);
  const inputColumns = layout.spec.schema.columns
    .filter((c) => !c.result && layout.header.columns[c.key] !== undefined)
    .map((c) => layout.header.columns[c.key]);
  return { layout, columnOf, addColumns: add, inputColumns, batchNo: opts.batchNo, submit: opts.submit };
}

/** What a row's annotation depends on. */
export type RowVerdict = Pick<ImportRow, "rowIndex" | "done" | "cellErrors" | "rowErrors"> & {
  /** 处理状态 处理中 in the file: sent earlier with no known result. */
  readonly pending?: boolean;
};

const isPending = (r: RowVerdict | ImportRow): boolean =>
  "processStatus" in r ? r.processStatus === PROCESS_STATUS.pending : r.pending === true;

/**
 * One row's marks and writes before anything is sent: a failed row gets its cells marked, 失败原因 and
 * 处理状态 失败; a valid one a cleared 失败原因 and, checked only, 处理状态 未提交 — with --submit the
 * 申请批次号 (the 流水号 and 处理中 are planImport's: they depend on the row's group). A validation-only
 * run stamps no 申请批次号 (nothing was applied for) and leaves a 处理中 row's 处理状态 alone: it says
 * the row was sent with no known result, and a later --submit must re-send it under its own 流水号.
 * Done rows are left alone.
 */
export function annotateRow(
  r: RowVerdict,
  ctx: RowPlanContext,
  marks: CellMark[],
  writes: CellWrite[]
): "done" | "failed" | "valid" {
  if (r.done) return "done";
  const put = (key: string, value: string | null): void => {
    const column = ctx.columnOf[key];
    if (column !== undefined) writes.push({ row: r.rowIndex, column, value });
  };
  const keepStatus = !ctx.submit && isPending(r);
  if (!isValidRow(r)) {
    for (const e of r.cellErrors) {
      const column = ctx.layout.header.columns[e.columnKey];
      if (column !== undefined) marks.push({ row: r.rowIndex, column, message: e.refusal.message });
    }
    put("failureReason", rowReasons(r));
    if (!keepStatus) put("processStatus", PROCESS_STATUS.failure);
    return "failed";
  }
  put("failureReason", null);
  if (ctx.submit) put("batchNo", ctx.batchNo);
  else if (!keepStatus) put("processStatus", PROCESS_STATUS.notSubmitted);
  return "valid";
}

export function planImport(v: GridValidation, opts: PlanOptions): ImportPlan {
  const ctx = rowPlanContext(v, opts);
  const { columnOf } = ctx;
  const marks: CellMark[] = [];
  const writes: CellWrite[] = [];
  const put = (row: number, key: string, value: string | null): void => {
    const column = columnOf[key];
    if (column !== undefined) writes.push({ row, column, value });
  };

  const serialByGroup = new Map<string, string>();
  const unitsBySerial = new Map<string, { group: string | null; rows: ImportRow[] }>();
  let valid = 0;
  let failed = 0;
  let skippedDone = 0;
  const clearRows: number[] = [];

  for (const r of v.rows) {
    const verdict = annotateRow(r, ctx, marks, writes);
    if (verdict === "done") {
      skippedDone++;
      continue;
    }
    clearRows.push(r.rowIndex);
    if (verdict === "failed") {
      failed++;
      continue;
    }
    valid++;
    if (!opts.submit) continue;
    let serial = r.group !== null ? serialByGroup.get(r.group) : undefined;
    if (!serial) {
      serial = reuseSerial(r) ?? opts.newSerialNo();
      if (r.group !== null) serialByGroup.set(r.group, serial);
    }
    put(r.rowIndex, "serialNo", serial);
    put(r.rowIndex, "processStatus", PROCESS_STATUS.pending);
    const unit = unitsBySerial.get(serial) ?? { group: r.group, rows: [] };
    unit.rows.push(r);
    unitsBySerial.set(serial, unit);
  }

  return {
    plan: {
      sheetName: v.sheetName,
      headerRow: v.headerRow,
      addColumns: ctx.addColumns,
      columnOf,
      marks,
      clearRows,
      clearColumns: ctx.inputColumns,
      writes,
    },
    units: Array.from(unitsBySerial, ([serialNo, u]) => ({ serialNo, group: u.group, rows: u.rows })),
    valid,
    failed,
    skippedDone,
  };
}

/** The cloud's answer for one document. */
export type SubmitOutcome =
  | {
      readonly serialNo: string;
      readonly kind: "success";
      /** The document's number (红字信息表编号 / 红字确认单编号 / 任务ID), when given. */
      readonly number?: string;
      /** Its status label (审核成功, 01, 进行中 …). */
      readonly status?: string;
    }
  | {
      readonly serialNo: string;
      readonly kind: "failure";
      /** `refusal.field`, when set, names the request field refused (a path relative to `data`). */
      readonly refusal: Refusal;
      readonly status?: string;
      /**
       * The unit's rows that made the request's invoiceDetail, in order, when not every row made a
       * line (a 红字确认单 row without 金额 adds none); default: all of them.
       */
      readonly lineRows?: readonly number[];
    }
  /** Sent, no answer (timeout, network): the result is unknown; the 流水号 is kept for the re-run. */
  | { readonly serialNo: string; readonly kind: "pending"; readonly refusal: Refusal };

export interface ResultWrites {
  readonly writes: readonly CellWrite[];
  /** Cells the cloud refused (red fill + a 发票云： note), for refusals that name a field. */
  readonly marks: readonly CellMark[];
  readonly succeeded: number;
  readonly failed: number;
}

/** The interface `--submit` sends each kind's documents with (submit.ts), for wire-field mapping. */
export const SUBMIT_INTERFACE: Readonly<Partial<Record<TemplateKind, RowBuiltInterface>>> = {
  "info-form-import": "2.2.04",
  "confirm-form-drafts": "2.1.03",
};

/** A refusal of `v`'s documents as the clerk reads it: column headers instead of wire paths. */
export function clerkRefusal(v: GridValidation, r: Refusal): Refusal {
  const iface = SUBMIT_INTERFACE[v.spec.kind];
  return iface ? withClerkWording(v.spec.schema.kind, iface, r) : r;
}

/**
 * Cell writes for the answers; rows of units without an answer stay 处理中 (counted failed). A
 * refusal: 处理状态 失败 and its message (column headers, not wire paths) as 失败原因 on every row of
 * the document, and, when it names a field the sheet has a column for, that cell marked.
 */
export function planResults(
  v: GridValidation,
  plan: AnnotationPlan,
  units: readonly SubmitUnit[],
  outcomes: readonly SubmitOutcome[]
): ResultWrites {
  const bySerial = new Map(outcomes.map((o) => [o.serialNo, o]));
  const writes: CellWrite[] = [];
  const put = (row: number, key: string | undefined, value: string | null): void => {
    const column = key === undefined ? undefined : plan.columnOf[key];
    if (column !== undefined) writes.push({ row, column, value });
  };
  const keys = v.spec.resultKeys;
  const iface = SUBMIT_INTERFACE[v.spec.kind];
  const marks: CellMark[] = [];
  let succeeded = 0;
  let failed = 0;
  for (const u of units) {
    const answer = bySerial.get(u.serialNo) ?? {
      serialNo: u.serialNo,
      kind: "pending" as const,
      refusal: refusal("FILE_SUBMIT_PENDING", { serialNo: u.serialNo }),
    };
    let o: SubmitOutcome = answer;
    if (answer.kind === "failure" && iface) {
      const worded = clerkRefusal(v, answer.refusal);
      o = { ...answer, refusal: worded };
      const rows = u.rows.map((r) => r.rowIndex);
      const place = placeOfRefusal(v.spec.schema.kind, iface, worded, {
        rows,
        ...(answer.lineRows ? { lineRows: answer.lineRows } : {}),
      });
      const column = place?.columnKey ? v.header.columns[place.columnKey] : undefined;
      if (place && column !== undefined) {
        marks.push({ row: place.rowIndex, column, message: worded.message, by: "gateway" });
      }
    }
    for (const r of u.rows) {
      if (o.kind === "success") {
        succeeded++;
        put(r.rowIndex, "processStatus", PROCESS_STATUS.success);
        put(r.rowIndex, "failureReason", null);
        if (o.number !== undefined) put(r.rowIndex, keys?.number, o.number);
        if (o.status !== undefined) put(r.rowIndex, keys?.status, o.status);
      } else {
        failed++;
        put(
          r.rowIndex,
          "processStatus",
          o.kind === "pending" ? PROCESS_STATUS.pending : PROCESS_STATUS.failure
        );
        put(r.rowIndex, "failureReason", o.refusal.message);
        if (o.kind === "failure" && o.status !== undefined) put(r.rowIndex, keys?.status, o.status);
      }
    }
  }
  return { writes, marks, succeeded, failed };
}
