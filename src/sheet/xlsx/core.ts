/**
 * The import as the task pane runs it on the active sheet: values + facts in, validation and the
 * write-back plan out. No exceljs, no file system — the Office.js adapter applies `plan` with the
 * same meaning annotate.ts gives it (red fill #FFC7CE + note per mark, then the writes).
 */
import { ok, type Result } from "../../domain/refusals";
import { checkedLine, summaryLine, validateGrid, type GridValidation, type SheetFacts } from "./grid";
import { newBatchNo, newImportSerialNo } from "./ids";
import { KIND_SPECS, type TemplateKind } from "./kinds";
import { DEFAULT_LIMITS, type ImportLimits } from "./limits";
import { planImport, type ImportPlan } from "./plan";

export interface SheetImportOptions {
  readonly limits?: ImportLimits;
  readonly batchNo?: string;
  /** Plan 流水号 and 处理中 for the documents about to be sent. */
  readonly submit?: boolean;
  readonly newSerialNo?: () => string;
}

export interface SheetImport {
  readonly validation: GridValidation;
  readonly planned: ImportPlan;
  readonly batchNo: string;
  /**
   * Checked only: `校验通过 N 行（未提交）, N 行失败`; planned for --submit: `N 行成功, N 行失败` before any
   * submission (rows done earlier count as succeeded).
   */
  readonly summary: string;
}

export function validateSheetData(
  kind: TemplateKind,
  values: ReadonlyArray<readonly unknown[]>,
  facts: SheetFacts,
  opts: SheetImportOptions = {}
): Result<SheetImport> {
  const v = validateGrid(KIND_SPECS[kind], values, facts, opts.limits ?? DEFAULT_LIMITS);
  if (!v.ok) return v;
  const batchNo = opts.batchNo ?? newBatchNo();
  const planned = planImport(v.value, {
    batchNo,
    submit: opts.submit ?? false,
    newSerialNo: opts.newSerialNo ?? (() => newImportSerialNo()),
  });
  return ok({
    validation: v.value,
    planned,
    batchNo,
    summary: opts.submit
      ? summaryLine(planned.valid + planned.skippedDone, planned.failed)
      : checkedLine(planned.valid, planned.failed),
  });
}
