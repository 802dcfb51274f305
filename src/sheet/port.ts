/**
 * The workbook port: everything the task pane needs from a workbook, host-neutral. The Office.js
 * adapter (src/sheet/office) implements it for a live Excel; an exceljs adapter for .xlsx files
 * implements the same interface. Expected user-caused failures (no header, nothing selected) come
 * back as refusals; host failures (Excel API errors) are thrown.
 */
import type { Result } from "../domain/refusals";
import type { Rect } from "./address";
import type { ParsedRow } from "./mapping";
import type { SheetKind } from "./schemas";
import type { AnnotationPlan } from "./xlsx/plan";
import type { TemplateSheetData } from "./xlsx/templateData";

/** Where the data of a read lives, enough to write results back to the same cells. */
export interface SheetLayout {
  readonly sheetName: string;
  /** Name of the Excel table the rows belong to, or null for a plain range. */
  readonly tableName: string | null;
  /** 0-based sheet row of the header. */
  readonly headerRowIndex: number;
  /** Column key → 0-based sheet column, as found in the header. */
  readonly columns: Readonly<Record<string, number>>;
  /** Headers of columns we do not know (kept untouched), with their sheet column. */
  readonly extraColumns: ReadonlyArray<{ readonly column: number; readonly header: string }>;
  /** Keys of result columns not in the sheet yet (appended on write). */
  readonly missingResultColumns: readonly string[];
}

export interface SelectionRead {
  readonly kind: SheetKind;
  readonly layout: SheetLayout;
  /** Parsed data rows in sheet order (blank rows left out). */
  readonly rows: readonly ParsedRow[];
  /** Rows in the selection that were hidden or filtered out, skipped ([decision]: what you see is what runs). */
  readonly hiddenRowsSkipped: number;
  readonly blankRowsSkipped: number;
}

export type ProgressPhase = "read" | "scan" | "write" | "clear";

export interface Progress {
  readonly phase: ProgressPhase;
  /** Rows done so far in this phase. */
  readonly done: number;
  readonly total: number;
}

export interface RunOptions {
  /** Checked between chunks: a cancelled run stops after the chunk in flight. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

/** One row's outcome to write back. */
export interface RowWriteBack {
  /** 0-based sheet row, as read (ParsedRow.rowIndex). */
  readonly rowIndex: number;
  /** Result column key → value. A key left out keeps the cell as it is; "" clears it. */
  readonly values: Readonly<Partial<Record<string, string | number>>>;
  /** Bad cells of the row: filled red and annotated (note, comment, or 失败原因). */
  readonly cellErrors: ReadonlyArray<{ readonly columnKey: string; readonly message: string }>;
}

export interface WriteOptions extends RunOptions {
  /** The layout returned by readSelection (sheet, header row, table). */
  readonly layout: SheetLayout;
  /** Clear our previous marks on these rows before writing (default true). */
  readonly clearPrevious?: boolean;
}

/** How cell messages reach the user, best first (decided per run from the host's API sets). */
export type AnnotationMode = "notes" | "comments" | "column";

export interface WriteSummary {
  readonly rowsWritten: number;
  readonly cellsMarked: number;
  readonly annotationMode: AnnotationMode;
  /** Result headers appended at the right of the header row. */
  readonly appendedColumns: readonly string[];
  /** Previous marks removed (fills reset + our notes/comments deleted). */
  readonly marksCleared: number;
  readonly cancelled: boolean;
}

export interface ClearSummary {
  readonly marksCleared: number;
  readonly cancelled: boolean;
}

export interface CreateSheetSummary {
  readonly sheetName: string;
  readonly columns: number;
}

// ── Upsert and plain tables (进项发票池 sync, 变更记录, dashboard export) ─────────────

/** One domain row to upsert: values per column key, in domain terms (see `upsertRows`). */
export interface UpsertRow {
  /**
   * Column key → value. Strings only: text, codes, quantities, unit prices and rates are written as
   * text; amounts are exact decimal strings ("-1234.50"), written as numbers in the column's number
   * format; dates "yyyy-mm-dd" (and "yyyy-mm-dd hh:mm:ss") become date serials. A key left out (or
   * undefined) keeps the cell as it is; "" clears it. Key cells of a matched row are never rewritten.
   */
  readonly values: Readonly<Partial<Record<string, string>>>;
}

export interface UpsertOptions extends RunOptions {
  /** The sheet to write; default: the sheet whose header matches the kind (created when none). */
  readonly sheetName?: string;
  /** Column keys identifying a row; default UPSERT_KEYS[kind] (src/sheet/writePlan.ts). */
  readonly keyColumns?: readonly string[];
}

export interface UpsertSummary {
  readonly sheetName: string;
  /** The sheet did not exist and was created with the kind's header. */
  readonly created: boolean;
  /** Rows appended at the bottom (or as table rows). */
  readonly inserted: number;
  /** Existing rows with at least one changed cell. */
  readonly updated: number;
  /** Existing rows whose given cells already held these values (not written). */
  readonly unchanged: number;
  /** Headers of columns added at the right because rows gave values for them. */
  readonly appendedColumns: readonly string[];
  /** The 0-based sheet row of each input row, input order (-1: a new row not appended, run cancelled). */
  readonly rowIndexes: readonly number[];
  /** Where the rows now are, enough for writeResults / clearMarks. */
  readonly layout: SheetLayout;
  readonly cancelled: boolean;
}

/** A cell of a plain table: strings are written as text unless the column has a number format. */
export type TableCell = string | number | boolean | null;

export interface WriteTableOptions extends RunOptions {
  /** "replace" (default) clears the sheet first; "append" adds rows below the last used row. */
  readonly mode?: "replace" | "append";
  /**
   * Number format per column for the data rows (null/absent: "@" for strings, General for
   * numbers). A column with a number format gets exact decimal strings written as numbers.
   */
  readonly numberFormats?: ReadonlyArray<string | null>;
  /** Show the sheet when done (default false). */
  readonly activate?: boolean;
}

export interface WriteTableSummary {
  readonly sheetName: string;
  /** Data rows written (header not counted). */
  readonly rows: number;
  readonly created: boolean;
  readonly cancelled: boolean;
}

// ── Bulk templates (issue 5): the CLI's template and import, on the open workbook ──────

export interface TemplateSheetSummary {
  /** The data sheet (the template's title, numbered when taken). */
  readonly sheetName: string;
  /** The 说明 sheet written next to it. */
  readonly instructionsSheetName: string;
  readonly columns: number;
}

export interface ReadValuesOptions extends RunOptions {
  /** The sheet to read; default the active sheet. */
  readonly sheetName?: string;
  /** Also report which rows the selection of the active sheet touches (`selectedRows`). */
  readonly selectionOnly?: boolean;
  /** Refuse (FILE_TOO_MANY_ROWS) before reading a used range with more rows than this below its header. */
  readonly maxRows?: number;
}

/** A sheet's cell values as `validateSheetData` takes them, with the facts the host knows. */
export interface SheetValuesRead {
  readonly sheetName: string;
  /**
   * Values from A1: row i is sheet row i, column j sheet column j (rows above / columns left of the
   * used range are empty). As Excel gives them: numbers, date serials, strings ("" for blank).
   */
  readonly values: ReadonlyArray<readonly unknown[]>;
  /** Merged areas near the top (where a header can be), 0-based. */
  readonly merges: readonly Rect[];
  /** 0-based hidden (or filtered-out) rows of the used range. */
  readonly hiddenRows: readonly number[];
  /** With `selectionOnly`: 0-based sheet rows the selection touches, ascending; else null. */
  readonly selectedRows: readonly number[] | null;
}

export interface ApplyPlanOptions extends RunOptions {
  /**
   * The header row as read (cells from column A): when given and the sheet's header row no longer
   * starts with these cells, nothing is written (SHEET_HEADER_CHANGED).
   */
  readonly expectedHeader?: readonly unknown[];
}

export interface ApplyPlanSummary {
  readonly sheetName: string;
  /** Headers written at the right of the header row (失败原因, 申请批次号, 流水号 …). */
  readonly appendedColumns: readonly string[];
  readonly cellsMarked: number;
  /** Cells whose earlier mark is gone (red fill reset and/or our note deleted; not marked again). */
  readonly marksCleared: number;
  readonly cellsWritten: number;
  readonly annotationMode: AnnotationMode;
  readonly cancelled: boolean;
}

/** What 只看失败行 / 显示全部行 did. */
export interface FilterSummary {
  readonly sheetName: string;
  /** True: the sheet now shows only rows whose 处理状态 begins with 失败. */
  readonly filtered: boolean;
}

export interface WorkbookPort {
  /** Parse the selected rows of the active sheet (all areas; hidden/filtered rows skipped). */
  readSelection(kind: SheetKind, opts?: RunOptions): Promise<Result<SelectionRead>>;
  /** Write statuses/results and mark bad cells, in chunks. */
  writeResults(
    kind: SheetKind,
    results: readonly RowWriteBack[],
    opts: WriteOptions
  ): Promise<Result<WriteSummary>>;
  /** Remove our red fills and notes/comments from these rows. */
  clearMarks(
    kind: SheetKind,
    rowIndexes: readonly number[],
    opts: RunOptions & { readonly layout: SheetLayout }
  ): Promise<Result<ClearSummary>>;
  /** A new sheet with the kind's header row, formats and drop-down lists. */
  createSheet(kind: SheetKind, name?: string): Promise<Result<CreateSheetSummary>>;
  /** What this host can do for cell messages. */
  annotationMode(): AnnotationMode;

  // Optional: a host that cannot offer them (a read-only file) leaves them out; OfficeWorkbook has all.
  /**
   * Every data row of the kind's sheet (hidden rows included), found like `upsertRows` finds it
   * (`opts.sheetName`, else the sheet whose header matches the kind); created when none exists.
   */
  readAll?(
    kind: SheetKind,
    opts?: RunOptions & { readonly sheetName?: string }
  ): Promise<Result<SelectionRead>>;
  /**
   * Write domain rows into the kind's sheet: rows matching an existing row by the key columns
   * (进项发票池: 发票代码+发票号码, 数电: 发票号码 alone) are updated in place (given columns only,
   * the user's other columns untouched), the others appended at the bottom or as table rows.
   */
  upsertRows?(
    kind: SheetKind,
    rows: readonly UpsertRow[],
    opts?: UpsertOptions
  ): Promise<Result<UpsertSummary>>;
  /** (Re)write a plain sheet: a bold header row and rows of values; the sheet is created if missing. */
  writeTable?(
    sheetName: string,
    headers: readonly string[],
    rows: ReadonlyArray<readonly TableCell[]>,
    opts?: WriteTableOptions
  ): Promise<Result<WriteTableSummary>>;
  /**
   * Insert a bulk template (`templateSheetData(kind)`, the sheet `hongchong template` writes): the
   * data sheet (red required headers, number formats, drop-downs, frozen header) and its 说明 sheet.
   */
  createTemplateSheet?(
    data: TemplateSheetData,
    opts?: { readonly name?: string }
  ): Promise<Result<TemplateSheetSummary>>;
  /** Activate the sheet and select one cell (0-based): where an error in the pane points. */
  selectCell?(sheetName: string, row: number, column: number): Promise<Result<void>>;
  /**
   * 只看失败行: the sheet's AutoFilter on 处理状态 = 失败… (`on`), or its criteria cleared (every row
   * shown again). The sheet's own filter, so Excel's 清除筛选 undoes it too.
   */
  filterFailedRows?(kind: SheetKind, layout: SheetLayout, on: boolean): Promise<Result<FilterSummary>>;
  /** The used range of a sheet (default the active one) as values from A1, in chunks. */
  readValues?(opts?: ReadValuesOptions): Promise<Result<SheetValuesRead>>;
  /**
   * Apply an import's write-back plan (src/sheet/xlsx/plan.ts) as annotate.ts does on a file: the
   * appended headers, the earlier marks of the planned rows cleared, bad cells filled red with a
   * note, the values written as text. In chunks.
   */
  applyImportPlan?(plan: AnnotationPlan, opts?: ApplyPlanOptions): Promise<Result<ApplyPlanSummary>>;
}
