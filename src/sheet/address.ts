/**
 * A1 addresses, rectangles and row runs: the arithmetic both the Office adapter and the fake share.
 * Indexes are 0-based like Office.js `rowIndex`/`columnIndex`; A1 strings are 1-based like Excel.
 */

/** Excel's sheet size (2007+ grid). */
export const MAX_ROWS = 1_048_576;
export const MAX_COLUMNS = 16_384;

/** A rectangle of cells, 0-based, inclusive start, `rows`×`columns` cells. */
export interface Rect {
  readonly row: number;
  readonly column: number;
  readonly rows: number;
  readonly columns: number;
}

/** A run of consecutive sheet rows: [start, start + count). */
export interface RowRun {
  readonly start: number;
  readonly count: number;
}

/** 0 → "A", 25 → "Z", 26 → "AA". */
export function columnLetters(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_COLUMNS) {
    throw new RangeError(`column index out of range: ${index}`);
  }
  let n = index + 1;
  let s = "";
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** "A" → 0, "AA" → 26; -1 if not letters. */
export function columnIndex(letters: string): number {
  if (!/^[A-Za-z]{1,3}$/.test(letters)) return -1;
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** The A1 address of one cell, without sheet name: (4, 2) → "C5". */
export function cellAddress(row: number, column: number): string {
  return `${columnLetters(column)}${row + 1}`;
}

/** The A1 address of a rectangle, without sheet name: "C5" or "A2:F9". */
export function rectAddress(r: Rect): string {
  const first = cellAddress(r.row, r.column);
  if (r.rows === 1 && r.columns === 1) return first;
  return `${first}:${cellAddress(r.row + r.rows - 1, r.column + r.columns - 1)}`;
}

/** Quote a sheet name for an address when Excel would: anything but letters, digits, _ and CJK. */
export function quoteSheetName(name: string): string {
  return /^[A-Za-z_\u4e00-\u9fff][\w.\u4e00-\u9fff]*$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

/** "Sheet1!C5:D9" for display and for APIs that want a sheet-qualified address. */
export function qualifiedAddress(sheetName: string, r: Rect): string {
  return `${quoteSheetName(sheetName)}!${rectAddress(r)}`;
}

const CELL_REF = /^\$?([A-Za-z]{1,3})\$?(\d+)$/;
const COLUMN_REF = /^\$?([A-Za-z]{1,3})$/;
const ROW_REF = /^\$?(\d+)$/;

/** Split "Sheet1!A1:B2" / "'My sheet'!A:A" into sheet name (or null) and the local part. */
export function splitSheet(address: string): { sheet: string | null; local: string } {
  const bang = address.lastIndexOf("!");
  if (bang < 0) return { sheet: null, local: address };
  let sheet = address.slice(0, bang);
  if (sheet.startsWith("'") && sheet.endsWith("'")) sheet = sheet.slice(1, -1).replace(/''/g, "'");
  return { sheet, local: address.slice(bang + 1) };
}

/**
 * One area of an A1 address (no commas): "C5", "A2:F9", whole columns "A:C", whole rows "3:5".
 * Returns null for anything else.
 */
export function parseRect(local: string): Rect | null {
  const parts = local.trim().split(":");
  if (parts.length > 2 || parts[0] === "") return null;
  const [a, b = parts[0]] = parts;
  const ca = CELL_REF.exec(a);
  const cb = CELL_REF.exec(b);
  if (ca && cb) {
    const r0 = Number(ca[2]) - 1;
    const r1 = Number(cb[2]) - 1;
    const c0 = columnIndex(ca[1]);
    const c1 = columnIndex(cb[1]);
    if (r0 < 0 || r1 < 0 || c0 < 0 || c1 < 0) return null;
    return normalizeRect(r0, c0, r1, c1);
  }
  const cola = COLUMN_REF.exec(a);
  const colb = COLUMN_REF.exec(b);
  if (cola && colb && parts.length === 2) {
    return normalizeRect(0, columnIndex(cola[1]), MAX_ROWS - 1, columnIndex(colb[1]));
  }
  const rowa = ROW_REF.exec(a);
  const rowb = ROW_REF.exec(b);
  if (rowa && rowb && parts.length === 2) {
    return normalizeRect(Number(rowa[1]) - 1, 0, Number(rowb[1]) - 1, MAX_COLUMNS - 1);
  }
  return null;
}

function normalizeRect(r0: number, c0: number, r1: number, c1: number): Rect {
  const row = Math.min(r0, r1);
  const column = Math.min(c0, c1);
  return { row, column, rows: Math.abs(r1 - r0) + 1, columns: Math.abs(c1 - c0) + 1 };
}

/** The overlap of two rectangles, or null. */
export function intersect(a: Rect, b: Rect): Rect | null {
  const row = Math.max(a.row, b.row);
  const column = Math.max(a.column, b.column);
  const rowEnd = Math.min(a.row + a.rows, b.row + b.rows);
  const colEnd = Math.min(a.column + a.columns, b.column + b.columns);
  if (rowEnd <= row || colEnd <= column) return null;
  return { row, column, rows: rowEnd - row, columns: colEnd - column };
}

/** Sorted, de-duplicated rows → maximal runs of consecutive rows. */
export function toRowRuns(rows: Iterable<number>): RowRun[] {
  const sorted = Array.from(new Set(rows)).sort((x, y) => x - y);
  const runs: RowRun[] = [];
  for (const r of sorted) {
    const last = runs[runs.length - 1];
    if (last && last.start + last.count === r)
      runs[runs.length - 1] = { start: last.start, count: last.count + 1 };
    else runs.push({ start: r, count: 1 });
  }
  return runs;
}

/** Sorted, de-duplicated column indexes → runs of consecutive columns (same shape as rows). */
export const toColumnRuns = toRowRuns;

/**
 * [decision, research notes §2] `Worksheet.getRanges` fails on long address strings (reports around
 * 8,200 characters / 500 areas): we keep each string at most this long and this many areas.
 */
export const MAX_AREAS_ADDRESS_CHARS = 8_000;
export const MAX_AREAS_PER_ADDRESS = 400;

/**
 * Pack local addresses ("C5", "A2:A9") into comma-joined strings, each within the limits above.
 * Adjacent cells in one column are merged first ("C5,C6,C7" → "C5:C7") to keep strings short.
 */
export function packAddresses(cells: ReadonlyArray<{ row: number; column: number }>): string[] {
  const byColumn = new Map<number, number[]>();
  for (const c of cells) {
    const list = byColumn.get(c.column) ?? [];
    list.push(c.row);
    byColumn.set(c.column, list);
  }
  const areas: string[] = [];
  for (const column of Array.from(byColumn.keys()).sort((a, b) => a - b)) {
    for (const run of toRowRuns(byColumn.get(column) ?? [])) {
      areas.push(rectAddress({ row: run.start, column, rows: run.count, columns: 1 }));
    }
  }
  const out: string[] = [];
  let current: string[] = [];
  let length = 0;
  for (const a of areas) {
    const extra = (current.length > 0 ? 1 : 0) + a.length;
    if (
      current.length > 0 &&
      (length + extra > MAX_AREAS_ADDRESS_CHARS || current.length >= MAX_AREAS_PER_ADDRESS)
    ) {
      out.push(current.join(","));
      current = [];
      length = 0;
    }
    length += (current.length > 0 ? 1 : 0) + a.length;
    current.push(a);
  }
  if (current.length > 0) out.push(current.join(","));
  return out;
}

/** Merge overlapping or touching runs (areas of a multi-area selection may overlap). */
export function mergeRuns(runs: readonly RowRun[]): RowRun[] {
  const sorted = runs.filter((r) => r.count > 0).sort((a, b) => a.start - b.start);
  const out: RowRun[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.start + last.count) {
      const end = Math.max(last.start + last.count, r.start + r.count);
      out[out.length - 1] = { start: last.start, count: end - last.start };
    } else out.push(r);
  }
  return out;
}

/** Cut runs into groups of at most `maxRows` rows (a run may be split across groups). */
export function chunkRuns(runs: readonly RowRun[], maxRows: number): RowRun[][] {
  const groups: RowRun[][] = [];
  let current: RowRun[] = [];
  let size = 0;
  for (const run of runs) {
    let { start, count } = run;
    while (count > 0) {
      const take = Math.min(count, maxRows - size);
      current.push({ start, count: take });
      size += take;
      start += take;
      count -= take;
      if (size === maxRows) {
        groups.push(current);
        current = [];
        size = 0;
      }
    }
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
