/**
 * Size limits of an import and the template's fixed choices. Each is a decision where the manuals
 * are silent; the CLI can override the two limits (--max-rows, --max-mb).
 */

/** [decision] Data rows one import accepts (header excluded). Beyond it: FILE_TOO_MANY_ROWS. */
export const DEFAULT_MAX_ROWS = 100_000;

/** [decision] File size one import accepts. Beyond it: FILE_TOO_LARGE, before the file is opened. */
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/**
 * [decision] Zip parts one workbook may have. A workbook is a few dozen parts; a thousand sheets
 * with comments and drawings is a few thousand. More is a zip built to make the reader allocate.
 */
export const MAX_ZIP_ENTRIES = 10_000;

/**
 * [decision] Uncompressed bytes per data row the size cap allows: 2 KiB is the widest template
 * (红字确认单, 45 columns) with every column filled, at ~45 bytes of sheet XML per cell
 * (`<c r="AS100000" s="12" t="s"><v>123456</v></c>`). 100,000 rows of the 16-column bench file
 * (bench/template) inflate to 61 MB, so the default leaves 3× headroom.
 */
export const UNCOMPRESSED_BYTES_PER_ROW = 2 * 1024;

/**
 * [decision] The sum of the parts' uncompressed sizes one import accepts with the default limits:
 * 4 × DEFAULT_MAX_BYTES, ≥ DEFAULT_MAX_ROWS × UNCOMPRESSED_BYTES_PER_ROW. exceljs inflates every
 * part whole (and again as a string), so this is what bounds its memory. Beyond it:
 * FILE_UNCOMPRESSED_TOO_LARGE, before exceljs sees the file.
 */
export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024;

/**
 * [decision] Compression ratio one part may have once it is larger than RATIO_CHECK_MIN_BYTES.
 * Written sheets compress ~9–15:1 because every row and cell carries its own address (measured with
 * exceljs: the bench file 8.7:1, 20,000 identical template rows 14.4:1, a column of 1s 14.9:1,
 * 100,000 rows of styled empty cells 11.8:1); deflate's ceiling is ~1,032:1, which is what bombs use.
 * 100:1 leaves ~7× headroom. Small parts (styles, themes) are exempt. Beyond it:
 * FILE_COMPRESSION_SUSPICIOUS.
 */
export const MAX_COMPRESSION_RATIO = 100;
export const RATIO_CHECK_MIN_BYTES = 1024 * 1024;

/**
 * Characters one cell may hold: Excel's own limit ("Total number of characters that a cell can
 * contain: 32,767", Microsoft, Excel specifications and limits). Excel cannot save a longer cell;
 * a file that has one was not written by Excel. Beyond it: FILE_CELL_TOO_LONG.
 */
export const MAX_CELL_CHARS = 32_767;

/**
 * [decision] Shared strings (distinct texts) per data row: every cell of a row of the widest template
 * (45 columns) distinct text, with room for a 说明 sheet. exceljs keeps each one as a JS string (or
 * rich-text object), so the count — not only their bytes — bounds its memory: 5.2 million short
 * strings took exceljs 750 MB to load, about what a legitimate 100,000-row file takes (800 MB).
 * Beyond it: FILE_TOO_MANY_STRINGS.
 */
export const SHARED_STRINGS_PER_ROW = 50;

/** Rows above the header searched for it (titles, notes); the sheet layer picks the best of these. */
export const HEADER_SEARCH_ROWS = 20;

/**
 * [decision] Rows of a .xlsx template (`hongchong template`) that carry the drop-down lists. exceljs
 * expands a validation range into one entry per cell when it reads a file, and every full-load import
 * of the template pays for it: measured with 6 validated columns, 10,000 rows cost +0.1 s to read and
 * +0.3 s to write back, 100,000 rows +1.0 s / +2.9 s and +63 MB — on every import, even of a 20-row
 * file (and the unit suite's template tests hit jest's timeout under CI load at 10,000). Rows below still
 * import and are validated cell by cell; the 说明 sheet says where the lists stop.
 */
export const TEMPLATE_VALIDATED_ROWS = 2_000;

/**
 * Rows the task pane's 插入模板 gives the drop-down lists: Excel keeps one rule per range, so the whole
 * import limit costs nothing there.
 */
export const OFFICE_TEMPLATE_VALIDATED_ROWS = DEFAULT_MAX_ROWS;

/** Rows sent to the cloud per request batch with --submit. */
export const DEFAULT_SUBMIT_BATCH = 50;

export interface ImportLimits {
  readonly maxRows: number;
  readonly maxBytes: number;
  /** The full load's memory budget (DEFAULT_MAX_LOAD_BYTES when absent); streaming has none. */
  readonly maxLoadBytes?: number;
}

/**
 * [decision] Memory the full load may take (peak RSS of the process, estimated before loading). exceljs
 * holds the whole workbook as objects — 100,000 rows of the 16-column bench file took 3.0 GB — and
 * Node's default heap on an 8 GB laptop is about 2 GB, so a full load near it crashes with "heap out
 * of memory" after a minute. 1 GiB is ~29,000 rows of that file; beyond it the import is refused
 * before loading (FILE_TOO_LARGE_TO_LOAD), pointing to `--stream` (values only, flat memory). Code
 * callers may pass `maxLoadBytes`; the CLI has no flag for it.
 */
export const DEFAULT_MAX_LOAD_BYTES = 1024 * 1024 * 1024;

/**
 * The full load's peak RSS, modelled from the pre-flight's counts: the process with exceljs loaded,
 * plus per `<c>` element (exceljs's Cell and its value, our parsed row, the annotated copy written
 * back) and per inflated byte (exceljs holds each part as a string while it parses it). Fitted on
 * `hongchong import` of the bench file (bench/template), peak RSS measured / estimated: 10,000 rows
 * 434 / 421 MB, 30,000 rows 1,046 / 1,025 MB, 100,000 rows 2,967 / 3,135 MB.
 */
export const FULL_LOAD_BASE_BYTES = 120 * 1024 * 1024;
export const FULL_LOAD_BYTES_PER_CELL = 1900;
export const FULL_LOAD_BYTES_PER_INFLATED_BYTE = 2;

export function fullLoadEstimate(stats: {
  readonly cells: number;
  readonly uncompressedBytes: number;
}): number {
  return (
    FULL_LOAD_BASE_BYTES +
    stats.cells * FULL_LOAD_BYTES_PER_CELL +
    stats.uncompressedBytes * FULL_LOAD_BYTES_PER_INFLATED_BYTE
  );
}

export const DEFAULT_LIMITS: ImportLimits = { maxRows: DEFAULT_MAX_ROWS, maxBytes: DEFAULT_MAX_BYTES };

/**
 * [decision] The rows any one sheet may have before the workbook is loaded. The pre-flight's caps
 * bound memory for every sheet (exceljs loads them all, and the data sheet is not known yet), so they
 * grow with --max-rows but never shrink below the defaults: a lower --max-rows is the data sheet's
 * rule, checked exactly after loading (grid.ts), and must not refuse the template's 说明 sheet.
 */
export function preflightMaxRows(limits: ImportLimits): number {
  return Math.max(DEFAULT_MAX_ROWS, limits.maxRows);
}

/** The uncompressed cap for `limits` (DEFAULT_MAX_UNCOMPRESSED_BYTES with the default limits). */
export function maxUncompressedBytes(limits: ImportLimits): number {
  return Math.max(DEFAULT_MAX_UNCOMPRESSED_BYTES, preflightMaxRows(limits) * UNCOMPRESSED_BYTES_PER_ROW);
}

/** The shared-string cap for `limits` (with the rows above the header HEADER_SEARCH_ROWS may skip). */
export function maxSharedStrings(limits: ImportLimits): number {
  return (preflightMaxRows(limits) + HEADER_SEARCH_ROWS) * SHARED_STRINGS_PER_ROW;
}

/** "52.4 MB" — sizes in refusal messages. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
