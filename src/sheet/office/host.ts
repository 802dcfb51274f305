/* global Excel, Office */
/**
 * The two things the adapter needs from Office, injectable so tests run without a host:
 * `run` (Excel.run) and `supports` (requirement-set check). Resolved when called, never at import.
 */
import type { AnnotationMode } from "../port";

export interface ExcelHost {
  run<T>(batch: (context: Excel.RequestContext) => Promise<T>): Promise<T>;
  /** Office.context.requirements.isSetSupported(set, version). */
  supports(set: string, version: string): boolean;
}

/** The live host: waits for a cell being edited instead of failing (research notes §2 item 9). */
export function officeExcelHost(): ExcelHost {
  return {
    run: (batch) => Excel.run({ delayForCellEdit: true }, batch),
    supports: (set, version) => Office.context.requirements.isSetSupported(set, version),
  };
}

/**
 * Where cell messages go, best first: notes (ExcelApi 1.18: M365, web), threaded comments (1.10:
 * Office 2021+), else only the 失败原因 column (research notes §2: gate both at run time).
 */
export const ANNOTATION_REQUIREMENTS: ReadonlyArray<{ mode: AnnotationMode; set: string; version: string }> =
  [
    { mode: "notes", set: "ExcelApi", version: "1.18" },
    { mode: "comments", set: "ExcelApi", version: "1.10" },
  ];

export function annotationModeFor(supports: ExcelHost["supports"]): AnnotationMode {
  return ANNOTATION_REQUIREMENTS.find((r) => supports(r.set, r.version))?.mode ?? "column";
}

/** suspendScreenUpdatingUntilNextSync is ExcelApi 1.9. */
export const SCREEN_UPDATING_SET = { set: "ExcelApi", version: "1.9" } as const;
