/**
 * `hongchong import`: file → checks → validation → annotated copy (→ submit → results, the cells the
 * cloud refused marked like the local errors). The rules
 * are grid.ts/plan.ts (shared with the task pane); this file is the exceljs and file-system glue.
 *
 * Fidelity over speed: the workbook is loaded whole, so everything exceljs models (other sheets,
 * styles, number formats, column widths, merged cells, validations, notes) is written back. Parts
 * exceljs does not model (charts, pivot tables, slicers, macros) are lost — the manuals' import has
 * the same property (it returns an error file, not the original). A file whose full load would take
 * more than its memory budget (limits.ts DEFAULT_MAX_LOAD_BYTES, estimated from the pre-flight's
 * counts) is refused before loading, pointing to `--stream` (streaming.ts).
 */
import type ExcelJS from "exceljs";
import { promises as fs } from "fs";
import { basename, dirname, extname, join } from "path";
import { fail, ok, type Result } from "../../domain/refusals";
import { applyPlan, applyResults } from "./annotate";
import { validateGrid, type GridValidation } from "./grid";
import { newBatchNo, newImportSerialNo } from "./ids";
import {
  detectTemplateKind,
  KIND_SPECS,
  notTemplate,
  TEMPLATE_KINDS,
  type KindSpec,
  type TemplateKind,
} from "./kinds";
import {
  DEFAULT_LIMITS,
  DEFAULT_MAX_LOAD_BYTES,
  DEFAULT_SUBMIT_BATCH,
  formatBytes,
  fullLoadEstimate,
  type ImportLimits,
} from "./limits";
import { planImport, planResults, type SubmitOutcome } from "./plan";
import { canSubmit, submitInBatches, type Submitter } from "./submit";
import { loadWorkbook, readXlsxBytes, sheetFacts, sheetValues } from "./workbook";

export interface ImportOptions {
  /** Template kind; detected from the header when absent. */
  readonly kind?: TemplateKind;
  readonly sheet?: string;
  /** Where the annotated workbook goes; see resolveOutPath. */
  readonly out?: string;
  /** Write the results into the input file itself. */
  readonly inPlace?: boolean;
  readonly limits?: ImportLimits;
  /** Present = --submit: valid documents are sent and their results written back. */
  readonly submitter?: Submitter;
  readonly batchSize?: number;
  readonly batchNo?: string;
  readonly newSerialNo?: () => string;
  /** Documents sent so far of those to send (before the first batch and after each). */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ImportReport {
  readonly kind: TemplateKind;
  readonly sheetName: string;
  readonly batchNo: string;
  readonly succeeded: number;
  readonly failed: number;
  /** Rows done by an earlier run, not sent again (counted in succeeded). */
  readonly skippedDone: number;
  readonly out: string;
  readonly validation: GridValidation;
  readonly outcomes: readonly SubmitOutcome[];
}

/** What an import's result file is called: `<name>.校验结果.xlsx` (checked) or `<name>.提交结果.xlsx` (--submit). */
export const RESULT_SUFFIX = { check: ".校验结果", submit: ".提交结果" } as const;

/**
 * [decision] The user's file is never overwritten unless they ask (`--in-place`): a check writes
 * `<name>.校验结果.xlsx`, a submission `<name>.提交结果.xlsx` (it carries the 流水号 a re-run needs).
 * A file that is already one of these results (the user fixed it and runs it again) is written in
 * place — it is our own output, and re-running a submission on the file that holds its 流水号 is what
 * makes the re-run safe.
 */
export function defaultOutPath(file: string, submit: boolean): string {
  const ext = extname(file);
  const base = basename(file, ext);
  if (base.endsWith(RESULT_SUFFIX.submit) || (!submit && base.endsWith(RESULT_SUFFIX.check))) return file;
  const stem = base.endsWith(RESULT_SUFFIX.check) ? base.slice(0, -RESULT_SUFFIX.check.length) : base;
  return join(
    dirname(file),
    `${stem}${submit ? RESULT_SUFFIX.submit : RESULT_SUFFIX.check}${ext || ".xlsx"}`
  );
}

/**
 * Where this run writes: --out, the input itself with --in-place, else defaultOutPath. A submission
 * whose default result file is already there is refused before anything is read or sent: that file
 * holds the 流水号 of the earlier run, and submitting the original again would draw new ones.
 */
export async function resolveOutPath(
  file: string,
  opts: { readonly submit: boolean; readonly out?: string; readonly inPlace?: boolean }
): Promise<Result<string>> {
  if (opts.out !== undefined) return ok(opts.out);
  if (opts.inPlace) return ok(file);
  const out = defaultOutPath(file, opts.submit);
  if (opts.submit && out !== file) {
    const exists = await fs.stat(out).then(
      () => true,
      () => false
    );
    if (exists) return fail("FILE_SUBMIT_RESULT_EXISTS", { out: basename(out) });
  }
  return ok(out);
}

/** Write through a temporary file and rename: a crash never leaves a half-written workbook. */
async function saveWorkbook(wb: ExcelJS.Workbook, out: string): Promise<void> {
  const tmp = `${out}.${process.pid}.tmp`;
  await wb.xlsx.writeFile(tmp);
  await fs.rename(tmp, out);
}

/** The kind whose headers the sheet matches best (kinds.ts `detectTemplateKind`). */
export function detectKind(values: ReadonlyArray<readonly unknown[]>): KindSpec | null {
  const kind = detectTemplateKind(values);
  return kind ? KIND_SPECS[kind] : null;
}

function validateSheet(
  ws: ExcelJS.Worksheet,
  kind: TemplateKind | undefined,
  limits: ImportLimits
): Result<GridValidation> {
  const values = sheetValues(ws);
  const spec = kind ? KIND_SPECS[kind] : detectKind(values);
  const poolList = spec ? null : notTemplate(values, ws.name);
  if (poolList) return { ok: false, refusal: poolList };
  if (!spec) {
    return fail("FILE_NO_HEADER", {
      sheet: ws.name,
      required: "任一模板的表头（请使用 hongchong template 下载的模板）",
    });
  }
  return validateGrid(spec, values, sheetFacts(ws), limits);
}

/**
 * The data sheet: the one named with --sheet; else the first visible sheet (the template-named one
 * first) whose header we find. Sheets without our header (说明, a user's notes) are skipped; any
 * other refusal of a sheet stands.
 */
function findDataSheet(
  wb: ExcelJS.Workbook,
  opts: ImportOptions,
  limits: ImportLimits
): Result<{ ws: ExcelJS.Worksheet; v: GridValidation }> {
  if (opts.sheet !== undefined) {
    const ws = wb.getWorksheet(opts.sheet);
    if (!ws) return fail("FILE_SHEET_NOT_FOUND", { sheet: opts.sheet });
    const v = validateSheet(ws, opts.kind, limits);
    return v.ok ? ok({ ws, v: v.value }) : v;
  }
  const titles = new Set(TEMPLATE_KINDS.map((k) => KIND_SPECS[k].title));
  const visible = wb.worksheets.filter((w) => w.state !== "hidden" && w.state !== "veryHidden");
  const ordered = [
    ...visible.filter((w) => titles.has(w.name)),
    ...visible.filter((w) => !titles.has(w.name)),
  ];
  let first: Result<GridValidation> | null = null;
  for (const ws of ordered) {
    const v = validateSheet(ws, opts.kind, limits);
    if (v.ok) return ok({ ws, v: v.value });
    if (v.refusal.code !== "FILE_NO_HEADER" && v.refusal.code !== "FILE_IS_POOL_EXPORT") return v;
    if (!first || v.refusal.code === "FILE_IS_POOL_EXPORT") first = v; // the more telling refusal
  }
  return first ?? fail("FILE_NO_HEADER", { sheet: wb.worksheets[0]?.name ?? "", required: "" });
}

export async function importXlsxFile(file: string, opts: ImportOptions = {}): Promise<Result<ImportReport>> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const submit = opts.submitter !== undefined;
  const outPath = await resolveOutPath(file, {
    submit,
    ...(opts.out !== undefined ? { out: opts.out } : {}),
    ...(opts.inPlace ? { inPlace: true } : {}),
  });
  if (!outPath.ok) return outPath;
  const out = outPath.value;
  const checked = await readXlsxBytes(file, limits);
  if (!checked.ok) return checked;
  const estimate = fullLoadEstimate(checked.value.stats);
  const budget = limits.maxLoadBytes ?? DEFAULT_MAX_LOAD_BYTES;
  if (estimate > budget) {
    return fail("FILE_TOO_LARGE_TO_LOAD", {
      file: basename(file),
      cells: checked.value.stats.cells,
      estimate: formatBytes(estimate),
      limit: formatBytes(budget),
    });
  }
  const loaded = await loadWorkbook(checked.value.bytes, file);
  if (!loaded.ok) return loaded;
  const wb = loaded.value;
  const found = findDataSheet(wb, opts, limits);
  if (!found.ok) return found;
  const { ws, v } = found.value;
  const kind = v.spec.kind;
  if (submit && !canSubmit(kind)) return fail("FILE_SUBMIT_NOT_SUPPORTED", { kind: v.spec.title });

  const batchNo = opts.batchNo ?? newBatchNo();
  const planned = planImport(v, {
    batchNo,
    submit,
    newSerialNo: opts.newSerialNo ?? (() => newImportSerialNo()),
  });
  applyPlan(ws, planned.plan);
  // The 流水号 are in the file before the first request leaves (piaozone-api §1.7).
  await saveWorkbook(wb, out);

  let succeeded = planned.valid;
  let failed = planned.failed;
  let outcomes: SubmitOutcome[] = [];
  if (opts.submitter && planned.units.length > 0) {
    opts.onProgress?.(0, planned.units.length);
    outcomes = await submitInBatches(
      opts.submitter,
      kind,
      planned.units,
      async (soFar) => {
        const done = new Set(soFar.map((o) => o.serialNo));
        const units = planned.units.filter((u) => done.has(u.serialNo));
        applyResults(ws, planResults(v, planned.plan, units, soFar));
        await saveWorkbook(wb, out);
        opts.onProgress?.(soFar.length, planned.units.length);
      },
      opts.batchSize ?? DEFAULT_SUBMIT_BATCH
    );
    const results = planResults(v, planned.plan, planned.units, outcomes);
    succeeded = results.succeeded;
    failed += results.failed;
  }
  return ok({
    kind,
    sheetName: ws.name,
    batchNo,
    succeeded: succeeded + planned.skippedDone,
    failed,
    skippedDone: planned.skippedDone,
    out,
    validation: v,
    outcomes,
  });
}
