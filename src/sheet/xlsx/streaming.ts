/**
 * The streaming path of an import, for very large files: exceljs's streaming reader collects only the
 * cell values of the data sheet, the same grid.ts/plan.ts rules run, and the streaming writer writes
 * a new workbook with the values, the red marks with notes, 失败原因 and 申请批次号.
 *
 * [decision] Fidelity is what the default (importer.ts, full load) is for. Streaming keeps memory and
 * time close to exceljs's own read + write (bench/template measures both against that floor) but it
 * does NOT carry the user's formatting, column widths, validations or other sheets' formats — only
 * values. Use it when a file is too big to load whole (`hongchong import --stream`).
 */
import ExcelJS from "exceljs";
import { fail, ok, type Result } from "../../domain/refusals";
import { parseRect, type Rect } from "../address";
import { ERROR_FILL } from "./annotate";
import { validateGrid, type GridValidation } from "./grid";
import { newBatchNo } from "./ids";
import { KIND_SPECS, type TemplateKind } from "./kinds";
import { DEFAULT_LIMITS, type ImportLimits } from "./limits";
import { NOTE_PREFIX, planImport, type AnnotationPlan } from "./plan";
import { readXlsxBytes } from "./workbook";
import { Readable } from "stream";
import { StringDecoder } from "string_decoder";
import { basename } from "path";

export interface StreamImportOptions {
  readonly kind: TemplateKind;
  readonly out: string;
  readonly limits?: ImportLimits;
  readonly batchNo?: string;
}

export interface StreamImportReport {
  readonly validation: GridValidation;
  readonly succeeded: number;
  readonly failed: number;
  readonly batchNo: string;
}

interface StreamedSheet {
  readonly name: string;
  readonly values: unknown[][];
  readonly hiddenRows: number[];
  readonly merges: Rect[];
}

/**
 * exceljs's streaming reader drops two facts the import must check: hidden rows (<row hidden="1">)
 * and merged cells (<mergeCell ref>). This scanner reads them from the same XML chunks as they pass.
 */
class SheetFactScanner {
  readonly hiddenRows: number[] = [];
  readonly merges: Rect[] = [];
  private readonly decoder = new StringDecoder("utf8");
  private tail = "";

  feed(chunk: unknown): void {
    const text = this.tail + (typeof chunk === "string" ? chunk : this.decoder.write(chunk as Buffer));
    // Scan complete tags only; keep what follows the last '>' for the next chunk.
    const cut = text.lastIndexOf(">") + 1;
    const whole = text.slice(0, cut);
    this.tail = text.slice(cut);
    for (const m of whole.matchAll(/<row\b([^>]*)>/g)) {
      if (/\shidden="(1|true)"/.test(m[1])) {
        const r = /\sr="(\d+)"/.exec(m[1]);
        if (r) this.hiddenRows.push(Number(r[1]) - 1);
      }
    }
    for (const m of whole.matchAll(/<mergeCell\b[^>]*\sref="([^"]+)"/g)) {
      const rect = parseRect(m[1]);
      if (rect) this.merges.push(rect);
    }
  }
}

/** Every worksheet's values (1st pass of the file); styles are not read. */
async function readSheets(bytes: Buffer): Promise<StreamedSheet[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), {
    worksheets: "emit",
    sharedStrings: "cache",
    styles: "ignore",
    hyperlinks: "ignore",
    entries: "ignore",
  } as Partial<ExcelJS.stream.xlsx.WorkbookStreamReaderOptions>);
  const sheets: StreamedSheet[] = [];
  for await (const ws of reader) {
    // The worksheet reader pulls its XML from `iterator` when its rows are first iterated: tee it.
    const tap = ws as unknown as { iterator: AsyncIterable<unknown> };
    const scanner = new SheetFactScanner();
    const source = tap.iterator;
    tap.iterator = (async function* () {
      for await (const chunk of source) {
        scanner.feed(chunk);
        yield chunk;
      }
    })();
    const sheet = ws as unknown as AsyncIterable<ExcelJS.Row> & { name: string };
    const values: unknown[][] = [];
    for await (const row of sheet) {
      const v = row.values as unknown[];
      values[row.number - 1] = Array.isArray(v) ? v.slice(1) : [];
    }
    for (let i = 0; i < values.length; i++) if (!values[i]) values[i] = [];
    sheets.push({ name: sheet.name, values, hiddenRows: scanner.hiddenRows, merges: scanner.merges });
  }
  return sheets;
}

/** Write one sheet row by row with the plan's marks and writes (2nd pass). */
function writeSheet(
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  sheet: StreamedSheet,
  plan: AnnotationPlan | null
): void {
  const ws = wb.addWorksheet(sheet.name);
  const marks = new Map<number, Map<number, string>>();
  const writes = new Map<number, Map<number, string | null>>();
  if (plan) {
    for (const m of plan.marks) marks.set(m.row, (marks.get(m.row) ?? new Map()).set(m.column, m.message));
    for (const w of plan.writes) writes.set(w.row, (writes.get(w.row) ?? new Map()).set(w.column, w.value));
    for (const c of plan.addColumns) {
      const header = sheet.values[plan.headerRow] ?? [];
      header[c.column] = c.header;
      sheet.values[plan.headerRow] = header;
    }
  }
  // A loop, not Math.max(...keys): a spread of one argument per written row overflows the call
  // stack on the very large files this path exists for.
  let rows = sheet.values.length;
  for (const r of writes.keys()) rows = Math.max(rows, r + 1);
  for (let r = 0; r < rows; r++) {
    const values = [...(sheet.values[r] ?? [])];
    const rowWrites = writes.get(r);
    if (rowWrites) for (const [c, v] of rowWrites) values[c] = v;
    const row = ws.getRow(r + 1);
    row.values = values as ExcelJS.CellValue[];
    const rowMarks = marks.get(r);
    if (rowMarks) {
      for (const [c, message] of rowMarks) {
        const cell = row.getCell(c + 1);
        cell.fill = ERROR_FILL;
        cell.note = NOTE_PREFIX + message;
      }
    }
    row.commit();
  }
  ws.commit();
}

export async function importXlsxStreaming(
  file: string,
  opts: StreamImportOptions
): Promise<Result<StreamImportReport>> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const bytes = await readXlsxBytes(file, limits);
  if (!bytes.ok) return bytes;
  let sheets: StreamedSheet[];
  try {
    sheets = await readSheets(bytes.value);
  } catch {
    return fail("FILE_NOT_XLSX", { file: basename(file) });
  }
  const spec = KIND_SPECS[opts.kind];
  const index = Math.max(
    0,
    sheets.findIndex((s) => s.name === spec.title)
  );
  const data = sheets[index];
  if (!data) return fail("FILE_NOT_XLSX", { file: basename(file) });
  const v = validateGrid(
    spec,
    data.values,
    { sheetName: data.name, merges: data.merges, hiddenRows: data.hiddenRows },
    limits
  );
  if (!v.ok) return v;
  const batchNo = opts.batchNo ?? newBatchNo();
  const planned = planImport(v.value, { batchNo, submit: false, newSerialNo: () => "" });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: opts.out,
    useStyles: true,
    useSharedStrings: true,
  });
  sheets.forEach((s, i) => writeSheet(wb, s, i === index ? planned.plan : null));
  await wb.commit();
  return ok({
    validation: v.value,
    succeeded: planned.valid + planned.skippedDone,
    failed: planned.failed,
    batchNo,
  });
}
