/**
 * The exceljs side of an import: refuse files we must not open (size, encrypted, not xlsx) before
 * reading them, load the workbook whole (so the user's other sheets, formats and column widths are
 * written back untouched), pick the data sheet and hand its values and facts to grid.ts.
 */
import ExcelJS from "exceljs";
import { promises as fs } from "fs";
import { basename } from "path";
import { fail, ok, type Result } from "../../domain/refusals";
import { parseRect, type Rect } from "../address";
import type { SheetFacts } from "./grid";
import { formatBytes, type ImportLimits } from "./limits";
import { preflightXlsx, type PreflightStats } from "./preflight";

/** OLE compound file (CFB) signature: legacy .xls, or an xlsx wrapped by password encryption. */
const CFB_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
/** A zip local-file header: every .xlsx starts with it. */
const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
/** The stream an encrypted OOXML package carries inside its CFB container (UTF-16LE name). */
const ENCRYPTION_INFO = Buffer.from("EncryptionInfo", "utf16le");

const startsWith = (buf: Uint8Array, sig: readonly number[]): boolean => sig.every((b, i) => buf[i] === b);

/**
 * What the first bytes say. An encrypted xlsx is a CFB container with an EncryptionInfo stream; a CFB
 * without one is an old .xls (not encrypted, still not an xlsx).
 */
export function sniffXlsx(bytes: Buffer, file: string): Result<true> {
  const name = basename(file);
  if (startsWith(bytes, CFB_SIGNATURE)) {
    return bytes.includes(ENCRYPTION_INFO)
      ? fail("FILE_ENCRYPTED", { file: name })
      : fail("FILE_NOT_XLSX", { file: name });
  }
  return startsWith(bytes, ZIP_SIGNATURE) ? ok(true) : fail("FILE_NOT_XLSX", { file: name });
}

/**
 * Size and signature checks, then the bytes: nothing is parsed before the size check, and every
 * reader of an import file starts here. The full load then runs the pre-flight (readXlsxBytes); the
 * streaming import runs the same checks fused into its own read (sheetStream.ts).
 */
export async function readImportBytes(file: string, limits: ImportLimits): Promise<Result<Buffer>> {
  const name = basename(file);
  let size: number;
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return fail("FILE_NOT_FOUND", { file });
    size = st.size;
  } catch {
    return fail("FILE_NOT_FOUND", { file });
  }
  if (size > limits.maxBytes) {
    return fail("FILE_TOO_LARGE", {
      file: name,
      size: formatBytes(size),
      limit: formatBytes(limits.maxBytes),
    });
  }
  const bytes = await fs.readFile(file);
  const sniff = sniffXlsx(bytes, file);
  return sniff.ok ? ok(bytes) : sniff;
}

/** An import file that passed the pre-flight, and what the pre-flight counted. */
export interface CheckedFile {
  readonly bytes: Buffer;
  readonly stats: PreflightStats;
}

/**
 * readImportBytes, then the pre-flight (preflight.ts: the zip's sizes, ratio, shared strings, rows and
 * cell lengths): nothing is inflated whole before it.
 */
export async function readXlsxBytes(file: string, limits: ImportLimits): Promise<Result<CheckedFile>> {
  const bytes = await readImportBytes(file, limits);
  if (!bytes.ok) return bytes;
  const checked = await preflightXlsx(bytes.value, file, limits);
  return checked.ok ? ok({ bytes: bytes.value, stats: checked.value }) : checked;
}

/** Load a whole workbook; a zip that is not a workbook (a .docx renamed) is FILE_NOT_XLSX. */
export async function loadWorkbook(bytes: Buffer, file: string): Promise<Result<ExcelJS.Workbook>> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    return fail("FILE_NOT_XLSX", { file: basename(file) });
  }
  if (wb.worksheets.length === 0) return fail("FILE_NOT_XLSX", { file: basename(file) });
  return ok(wb);
}

/** Cell values by 0-based row and column; trailing empty rows are not included. */
export function sheetValues(ws: ExcelJS.Worksheet): unknown[][] {
  const values: unknown[][] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    // row.values is 1-based and sparse; index 0 is always empty.
    const v = row.values as unknown[];
    values[rowNumber - 1] = Array.isArray(v) ? v.slice(1) : [];
  });
  for (let i = 0; i < values.length; i++) if (!values[i]) values[i] = [];
  return values;
}

export function sheetFacts(ws: ExcelJS.Worksheet): SheetFacts {
  const merges: Rect[] = [];
  const model = ws.model as unknown as { merges?: string[] };
  for (const m of model.merges ?? []) {
    const r = parseRect(m);
    if (r) merges.push(r);
  }
  const hiddenRows: number[] = [];
  ws.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    if (row.hidden) hiddenRows.push(rowNumber - 1);
  });
  return { sheetName: ws.name, merges, hiddenRows };
}
