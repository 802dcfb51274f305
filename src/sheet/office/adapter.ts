/**
 * The Office.js implementation of the workbook port. Office calls live only under src/sheet/office;
 * components get a WorkbookPort and never call Excel.run. Nothing runs at import time.
 */
import type {
  ApplyPlanOptions,
  ReadValuesOptions,
  RowWriteBack,
  RunOptions,
  SheetLayout,
  TableCell,
  UpsertOptions,
  UpsertRow,
  WorkbookPort,
  WriteOptions,
  WriteTableOptions,
} from "../port";
import type { SheetKind } from "../schemas";
import type { AnnotationPlan } from "../xlsx/plan";
import type { TemplateSheetData } from "../xlsx/templateData";
import { applyImportPlan } from "./applyPlan";
import { createSheet } from "./createSheet";
import { annotationModeFor, officeExcelHost, type ExcelHost } from "./host";
import { filterFailedRows, selectCell } from "./navigate";
import { readSelection } from "./read";
import { readAll } from "./readAll";
import { readValues } from "./readValues";
import { createTemplateSheet } from "./templateSheet";
import { writeTable } from "./table";
import { upsertRows } from "./upsert";
import { clearMarks, writeResults } from "./write";

export class OfficeWorkbook implements WorkbookPort {
  /** `host` defaults to the live Excel (resolved per call, so constructing it needs no Office). */
  constructor(private readonly host: ExcelHost = lazyOfficeHost()) {}

  readSelection(kind: SheetKind, opts?: RunOptions) {
    return readSelection(this.host, kind, opts);
  }

  writeResults(kind: SheetKind, results: readonly RowWriteBack[], opts: WriteOptions) {
    return writeResults(this.host, kind, results, opts);
  }

  clearMarks(
    kind: SheetKind,
    rowIndexes: readonly number[],
    opts: RunOptions & { readonly layout: SheetLayout }
  ) {
    return clearMarks(this.host, kind, rowIndexes, opts);
  }

  createSheet(kind: SheetKind, name?: string) {
    return createSheet(this.host, kind, name);
  }

  annotationMode() {
    return annotationModeFor(this.host.supports);
  }

  readAll(kind: SheetKind, opts?: RunOptions & { readonly sheetName?: string }) {
    return readAll(this.host, kind, opts);
  }

  upsertRows(kind: SheetKind, rows: readonly UpsertRow[], opts?: UpsertOptions) {
    return upsertRows(this.host, kind, rows, opts);
  }

  writeTable(
    sheetName: string,
    headers: readonly string[],
    rows: ReadonlyArray<readonly TableCell[]>,
    opts?: WriteTableOptions
  ) {
    return writeTable(this.host, sheetName, headers, rows, opts);
  }

  createTemplateSheet(data: TemplateSheetData, opts?: { readonly name?: string }) {
    return createTemplateSheet(this.host, data, opts);
  }

  readValues(opts?: ReadValuesOptions) {
    return readValues(this.host, opts);
  }

  applyImportPlan(plan: AnnotationPlan, opts?: ApplyPlanOptions) {
    return applyImportPlan(this.host, plan, opts);
  }

  selectCell(sheetName: string, row: number, column: number) {
    return selectCell(this.host, sheetName, row, column);
  }

  filterFailedRows(kind: SheetKind, layout: SheetLayout, on: boolean) {
    return filterFailedRows(this.host, kind, layout, on);
  }
}

function lazyOfficeHost(): ExcelHost {
  return {
    run: (batch) => officeExcelHost().run(batch),
    supports: (set, version) => officeExcelHost().supports(set, version),
  };
}
