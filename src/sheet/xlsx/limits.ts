/**
 * Size limits of an import and the template's fixed choices. Each is a decision where the manuals
 * are silent; the CLI can override the two limits (--max-rows, --max-mb).
 */

/** [decision] Data rows one import accepts (header excluded). Beyond it: FILE_TOO_MANY_ROWS. */
export const DEFAULT_MAX_ROWS = 100_000;

/** [decision] File size one import accepts. Beyond it: FILE_TOO_LARGE, before the file is opened. */
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/** Rows above the header searched for it (titles, notes); the sheet layer picks the best of these. */
export const HEADER_SEARCH_ROWS = 20;

/**
 * [decision] Template rows that carry the drop-down lists. exceljs expands a validation range into one
 * entry per cell when it reads a file, so a whole-column range (1,048,575 cells) would make every
 * later import of the template slow and memory-hungry. Rows below still import and are validated.
 */
export const TEMPLATE_VALIDATED_ROWS = 2_000;

/** Rows sent to the cloud per request batch with --submit. */
export const DEFAULT_SUBMIT_BATCH = 50;

export interface ImportLimits {
  readonly maxRows: number;
  readonly maxBytes: number;
}

export const DEFAULT_LIMITS: ImportLimits = { maxRows: DEFAULT_MAX_ROWS, maxBytes: DEFAULT_MAX_BYTES };

/** "52.4 MB" — sizes in refusal messages. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
