/**
 * The streaming path of an import, for files too big to load whole (`hongchong import --stream`):
 * memory stays flat in the number of rows — the current row, the shared strings, and per data row a
 * few bytes of verdict (gridStream.ts), never the grid.
 *
 * 1. The workbook's directory, names and shared strings, guarded by the pre-flight's checks
 *    (sheetStream.ts); the other sheets checked.
 * 2. The data sheet read once: each row parsed and checked as it passes (grid.ts's rules); the
 *    pre-flight's worksheet checks run on the same chunks.
 * 3. Only when some document has two lines or more: the sheet read again for the rules across rows,
 *    on those rows only.
 * 4. The result written as the sheets are read again, row by row, through exceljs's streaming writer:
 *    values, the red marks with notes, 失败原因 and 申请批次号 (plan.ts `annotateRow`, as the full load).
 *    Into a temporary file renamed at the end: a refused or failed import leaves no half-written file.
 *
 * [decision] Fidelity is what the default (importer.ts, full load) is for. Streaming does NOT carry
 * the user's formatting, column widths, validations or notes — only values (rich text as its text).
 * bench/template measures both against exceljs's own read + write of the same file.
 */
import ExcelJS from "exceljs";
import { promises as fs } from "fs";
import { basename } from "path";
import { ok, type Result } from "../../domain/refusals";
import { ERROR_FILL } from "./annotate";
import { GridStream, type HeldState, type RowVerdicts } from "./gridStream";
import { newBatchNo } from "./ids";
import { KIND_SPECS, type TemplateKind } from "./kinds";
import { DEFAULT_LIMITS, type ImportLimits } from "./limits";
import {
  annotateRow,
  notePrefixOf,
  rowPlanContext,
  type CellMark,
  type CellWrite,
  type RowPlanContext,
} from "./plan";
import { StreamedWorkbook, type SheetPart } from "./sheetStream";
import { readImportBytes } from "./workbook";

export interface StreamImportOptions {
  readonly kind: TemplateKind;
  readonly out: string;
  readonly limits?: ImportLimits;
  readonly batchNo?: string;
}

export interface StreamImportReport {
  readonly kind: TemplateKind;
  readonly sheetName: string;
  readonly batchNo: string;
  /** Rows valid now, plus rows done by an earlier run (as the full load counts them). */
  readonly succeeded: number;
  readonly failed: number;
  readonly skippedDone: number;
  readonly out: string;
  /** What the validation held for the annotation: O(rows) small integers, errors only of cross-row rules. */
  readonly held: HeldState;
}

/** exceljs reads an array without an own index 0 as 1-based (Row.values): make it 0-based. */
function zeroBased(values: unknown[]): ExcelJS.CellValue[] {
  if (!Object.prototype.hasOwnProperty.call(values, 0)) values[0] = undefined;
  return values as ExcelJS.CellValue[];
}

/** Counts of the data sheet's write. */
interface Tally {
  valid: number;
  failed: number;
  done: number;
}

/** Write the data sheet as it is read again: each row with its marks and writes. */
function annotatingSink(
  ws: ExcelJS.Worksheet,
  verdicts: RowVerdicts,
  ctx: RowPlanContext,
  tally: Tally
): (index: number, values: unknown[]) => void {
  const headerRow = ctx.layout.headerRow;
  return (index, values) => {
    if (index === headerRow) for (const c of ctx.addColumns) values[c.column] = c.header;
    const verdict = verdicts.next(index, values);
    let marks: CellMark[] | null = null;
    if (verdict) {
      marks = [];
      const writes: CellWrite[] = [];
      const outcome = annotateRow(verdict, ctx, marks, writes);
      if (outcome === "done") tally.done++;
      else if (outcome === "failed") tally.failed++;
      else tally.valid++;
      for (const w of writes) values[w.column] = w.value === "" ? null : w.value;
    }
    const row = ws.getRow(index + 1);
    row.values = zeroBased(values);
    if (marks) {
      for (const m of marks) {
        const cell = row.getCell(m.column + 1);
        cell.fill = ERROR_FILL;
        cell.note = notePrefixOf(m) + m.message;
      }
    }
    row.commit();
  };
}

/** Any sheet but the data sheet: its values, as read. */
function copyingSink(ws: ExcelJS.Worksheet): (index: number, values: unknown[]) => void {
  return (index, values) => {
    const row = ws.getRow(index + 1);
    row.values = zeroBased(values);
    row.commit();
  };
}

export async function importXlsxStreaming(
  file: string,
  opts: StreamImportOptions
): Promise<Result<StreamImportReport>> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const bytes = await readImportBytes(file, limits);
  if (!bytes.ok) return bytes;
  const opened = await StreamedWorkbook.open(bytes.value, basename(file), limits);
  if (!opened.ok) return opened;
  const book = opened.value;
  const spec = KIND_SPECS[opts.kind];
  const data: SheetPart = book.sheets.find((s) => s.name === spec.title) ?? book.sheets[0];

  // The other sheets first (usually a 说明 sheet): a refusal there costs no parsing of the data.
  for (const s of book.sheets) {
    if (s === data) continue;
    const r = await book.check(s);
    if (!r.ok) return r;
  }
  const grid = new GridStream(spec, data.name, limits);
  const read = await book.rows(data, grid.row);
  if (!read.ok) return read;
  const finished = book.finish();
  if (!finished.ok) return finished;
  const layout = grid.finish(read.value.merges);
  if (!layout.ok) return layout;
  if (grid.needsRowsCheck) {
    const again = await book.rows(data, grid.rowsCheckRow);
    if (!again.ok) return again;
  }

  const batchNo = opts.batchNo ?? newBatchNo();
  const ctx = rowPlanContext(layout.value, { batchNo, submit: false });
  const verdicts = grid.verdicts();
  const tally: Tally = { valid: 0, failed: 0, done: 0 };
  const tmp = `${opts.out}.${process.pid}.tmp`;
  try {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: tmp,
      useStyles: true,
      useSharedStrings: true,
    });
    const header = layout.value.headerRow + 1;
    for (const s of book.sheets) {
      // The result sheet: header frozen, autofilter over what was written (annotate.ts filterAndFreeze).
      const ws = wb.addWorksheet(
        s.name,
        s === data ? { views: [{ state: "frozen", xSplit: 0, ySplit: header }] } : {}
      );
      let lastRow = header;
      let lastColumn = Math.max(layout.value.header.lastColumn, ...Object.values(ctx.columnOf)) + 1;
      const annotate = s === data ? annotatingSink(ws, verdicts, ctx, tally) : null;
      const sink = annotate
        ? (index: number, values: unknown[]) => {
            annotate(index, values);
            lastRow = Math.max(lastRow, index + 1);
            lastColumn = Math.max(lastColumn, values.length);
          }
        : copyingSink(ws);
      const r = await book.rows(s, sink);
      if (annotate)
        ws.autoFilter = { from: { row: header, column: 1 }, to: { row: lastRow, column: lastColumn } };
      // Every sheet was checked above: a refusal now means the bytes changed under us.
      if (!r.ok) throw new Error(`streaming import: ${s.name} refused on the second read`);
      ws.commit();
    }
    await wb.commit();
    await fs.rename(tmp, opts.out);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  return ok({
    kind: opts.kind,
    sheetName: data.name,
    batchNo,
    succeeded: tally.valid + tally.done,
    failed: tally.failed,
    skippedDone: tally.done,
    out: opts.out,
    held: grid.held(),
  });
}
