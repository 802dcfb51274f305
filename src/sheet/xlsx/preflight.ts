/**
 * The import's pre-flight: before exceljs inflates a workbook whole (full load or streaming), prove it
 * is a size exceljs can hold, in memory bounded by one inflate chunk and one tag — whatever the file
 * declares. In order, each a refusal naming its limit:
 * - the central directory: entry count, the declared uncompressed sizes summed, each part's ratio;
 * - every part inflated as a stream, the same caps on the bytes it really produces (sizes can lie);
 * - xl/sharedStrings.xml: how many strings, the longest one;
 * - each worksheet: rows with a value (stopping at the limit), the longest cell.
 * Part names are matched as exceljs matches them (xlsx.js, workbook-reader.js), so every part it reads
 * is a part checked here.
 *
 * The full load (`preflightXlsx`) checks every part, since exceljs reads them all, and returns what the
 * importer's memory estimate needs. The streaming import (sheetStream.ts) reads the parts itself with
 * the same scans fused into its one read (`checkDirectory`, `inflatePart`, `teeScans`), and inflates
 * only the parts it reads.
 */
import { basename, posix } from "path";
import { cellAddress, MAX_COLUMNS, MAX_ROWS } from "../address";
import { fail, ok, type Result } from "../../domain/refusals";
import {
  formatBytes,
  HEADER_SEARCH_ROWS,
  MAX_CELL_CHARS,
  MAX_COMPRESSION_RATIO,
  MAX_ZIP_ENTRIES,
  maxSharedStrings,
  maxUncompressedBytes,
  preflightMaxRows,
  RATIO_CHECK_MIN_BYTES,
  type ImportLimits,
} from "./limits";
import { XmlScanner, type TagAttributes, type XmlEvents } from "./xmlScan";
import { inflateEntry, isZlibError, readZipDirectory, type ZipEntry } from "./zipGuard";

const WORKBOOK = "xl/workbook.xml";
const WORKBOOK_RELS = "xl/_rels/workbook.xml.rels";
const SHARED_STRINGS = "xl/sharedStrings.xml";
const WORKSHEET = /xl\/worksheets\/sheet\d+[.]xml/;

/** exceljs drops a leading "/" before matching. */
export const partNames = (e: ZipEntry): string[] => e.names.map((n) => (n.startsWith("/") ? n.slice(1) : n));
export const isPart = (e: ZipEntry, name: string): boolean => partNames(e).includes(name);
const isWorksheet = (e: ZipEntry): boolean => partNames(e).some((n) => WORKSHEET.test(n));
export { SHARED_STRINGS, WORKBOOK, WORKBOOK_RELS };

/** Set when a scanner meets a limit; the scan stops at the next chunk. */
export interface PartScan extends XmlEvents {
  /** The element names whose events it needs. */
  readonly names: readonly string[];
  /** A limit met: the scan stops at the next chunk. */
  refusal: Result<never> | null;
}

/** A growable bit set (blank shared strings): one bit per string, bounded by the string cap. */
class BitSet {
  private bits = new Uint8Array(1024);
  add(i: number): void {
    if (i >> 3 >= this.bits.length) {
      const grown = new Uint8Array(Math.max(this.bits.length * 2, (i >> 3) + 1));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[i >> 3] |= 1 << (i & 7);
  }
  has(i: number): boolean {
    return i >> 3 < this.bits.length && (this.bits[i >> 3] & (1 << (i & 7))) !== 0;
  }
}

/** `<sheet name r:id>` of xl/workbook.xml and `<Relationship Id Target>` of its rels: sheet names. */
export class SheetNames implements PartScan {
  readonly names = ["sheet", "Relationship"];
  refusal = null;
  /** By relationship id, in the workbook's (the tabs') order. */
  private readonly sheets = new Map<string, string>();
  private readonly targets = new Map<string, string>();

  open(name: string, a: TagAttributes): void {
    // A name per part at most: a workbook.xml of a million <sheet> tags must not become a map of them.
    if (this.sheets.size + this.targets.size >= 2 * MAX_ZIP_ENTRIES) return;
    if (name === "sheet") {
      const id = a.get("id");
      const sheet = a.get("name");
      if (id !== undefined && sheet !== undefined && !this.sheets.has(id)) this.sheets.set(id, sheet);
    } else if (name === "Relationship") {
      const id = a.get("Id");
      const target = a.get("Target");
      if (id !== undefined && target !== undefined) {
        this.targets.set(id, target.startsWith("/") ? target.slice(1) : posix.join("xl", target));
      }
    }
  }
  close(): void {}
  text(): void {}

  /** The sheet's name as the user sees it, else the part's file name. */
  nameOf(part: string): string {
    for (const [id, target] of this.targets) {
      if (target === part && this.sheets.has(id)) return this.sheets.get(id)!;
    }
    return basename(part, ".xml");
  }

  /** The workbook's sheets in tab order, each with its part ("xl/worksheets/sheet1.xml"). */
  ordered(): Array<{ readonly name: string; readonly part: string }> {
    const out: Array<{ name: string; part: string }> = [];
    for (const [id, name] of this.sheets) {
      const part = this.targets.get(id);
      if (part !== undefined) out.push({ name, part });
    }
    return out;
  }
}

/** xl/sharedStrings.xml: `<si>` count (not the count attributes, which can lie), blanks, the first too long. */
export class SharedStrings implements PartScan {
  readonly names = ["si", "rPh", "t"];
  refusal: Result<never> | null = null;
  count = 0;
  readonly blank = new BitSet();
  tooLong: { readonly index: number; readonly chars: number } | null = null;
  private inString = false;
  private phonetic = 0;
  private inText = false;
  private chars = 0;
  private nonBlank = false;

  constructor(
    private readonly file: string,
    private readonly limit: number
  ) {}

  open(name: string, _attrs: unknown, selfClosing: boolean): void {
    if (name === "si") {
      this.inString = true;
      this.chars = 0;
      this.nonBlank = false;
      if (selfClosing) this.close("si");
    } else if (name === "rPh") {
      if (!selfClosing) this.phonetic++;
    } else if (name === "t" && this.inString && this.phonetic === 0 && !selfClosing) {
      this.inText = true;
    }
  }

  close(name: string): void {
    if (name === "t") this.inText = false;
    else if (name === "rPh") this.phonetic = Math.max(0, this.phonetic - 1);
    else if (name === "si" && this.inString) {
      this.inString = false;
      const index = this.count++;
      if (!this.nonBlank) this.blank.add(index);
      if (this.chars > MAX_CELL_CHARS && !this.tooLong) this.tooLong = { index, chars: this.chars };
      if (this.count > this.limit && !this.refusal) {
        this.refusal = fail("FILE_TOO_MANY_STRINGS", {
          file: this.file,
          count: this.count,
          limit: this.limit,
        });
      }
    }
  }

  text(_buf: Buffer, _start: number, _end: number, chars: number, blank: boolean): void {
    if (!this.inText) return;
    this.chars += chars;
    if (!blank) this.nonBlank = true;
  }
}

/** The longest text a `<v>` holding a shared-string index can have that we keep (an int). */
const INDEX_CHARS = 12;

/**
 * One worksheet: rows that hold a value (the grid's definition: a cell with a non-blank value, not a
 * formula without a result, not an empty `<v/>`), the highest such row, each cell's length.
 */
export class Worksheet implements PartScan {
  readonly names = ["dimension", "row", "c", "v", "is", "f"];
  refusal: Result<never> | null = null;
  /** `<c>` elements, with a value or not: exceljs makes an object of each (the full load's memory). */
  cells = 0;
  private row = 0;
  private column = -1;
  private rowHasValue = false;
  private rows = 0;
  private lastRow = 0;
  /** The last row of <dimension ref="A1:K1000001">, 0 when absent (it can lie: only for the message). */
  private dimensionRows = 0;
  private inCell = false;
  private shared = false;
  /** Which cell child the text is in: value, inline string, formula. */
  private inValue = false;
  private inInline = false;
  private inFormula = false;
  private chars = 0;
  private nonBlank = false;
  private index = "";

  constructor(
    private readonly sheet: string,
    private readonly strings: SharedStrings | null,
    private readonly maxRows: number
  ) {}

  open(name: string, a: TagAttributes, selfClosing: boolean): void {
    switch (name) {
      case "dimension": {
        const last = /(\d+)$/.exec(a.get("ref") ?? "");
        this.dimensionRows = last ? Math.min(Number(last[1]), MAX_ROWS) : 0;
        break;
      }
      case "row": {
        const r = a.int("r");
        this.row = r > 0 ? r : this.row + 1;
        this.column = -1;
        this.rowHasValue = false;
        if (selfClosing) this.close("row");
        break;
      }
      case "c": {
        // The address only for a message: keep the column (r is optional: the next column then).
        const column = a.column("r");
        this.column = column >= 0 ? column : this.column + 1;
        this.cells++;
        this.shared = a.is("t", "s");
        this.inCell = !selfClosing;
        this.chars = 0;
        this.nonBlank = false;
        this.index = "";
        break;
      }
      case "v":
        this.inValue = this.inCell && !selfClosing;
        break;
      case "is":
        this.inInline = this.inCell && !selfClosing;
        break;
      case "f":
        this.inFormula = this.inCell && !selfClosing;
        break;
    }
  }

  close(name: string): void {
    switch (name) {
      case "v":
        this.inValue = false;
        break;
      case "is":
        this.inInline = false;
        break;
      case "f":
        this.inFormula = false;
        break;
      case "c":
        if (this.inCell) this.endCell();
        this.inCell = false;
        break;
      case "row":
        if (this.rowHasValue) {
          this.rows++;
          this.lastRow = Math.max(this.lastRow, this.row);
          this.checkRows();
        }
        break;
    }
  }

  text(buf: Buffer, start: number, end: number, chars: number, blank: boolean): void {
    if (!(this.inValue || this.inInline || this.inFormula)) return;
    this.chars += chars;
    // A formula's text is not a value: without a cached <v> the cell reads as blank.
    if (!blank && !this.inFormula) this.nonBlank = true;
    if (this.inValue && this.shared && this.index.length < INDEX_CHARS) {
      this.index += buf.toString("latin1", start, Math.min(end, start + INDEX_CHARS));
    }
  }

  /**
   * The grid counts data rows from the header, which may sit HEADER_SEARCH_ROWS down: beyond that
   * no header row brings them under the limit (grid.ts counts the same way after loading). The count
   * stops there (a million-row sheet costs what the limit costs); the message's figure is the sheet's
   * <dimension> when it says more — Excel and exceljs write it — else the rows counted so far.
   */
  private checkRows(): void {
    const rows = Math.max(this.rows, this.lastRow);
    if (rows <= this.maxRows + HEADER_SEARCH_ROWS || this.refusal) return;
    this.refusal = fail("FILE_TOO_MANY_ROWS", {
      sheet: this.sheet,
      rows: Math.max(rows, this.dimensionRows) - 1,
      limit: this.maxRows,
    });
  }

  private address(): string {
    const at =
      this.column < MAX_COLUMNS ? cellAddress(Math.max(0, this.row - 1), this.column) : `第${this.row}行`;
    return `工作表“${this.sheet}”的${at}`;
  }

  private endCell(): void {
    if (this.chars > MAX_CELL_CHARS && !this.refusal) {
      this.refusal = fail("FILE_CELL_TOO_LONG", {
        cell: this.address(),
        length: this.chars,
        limit: MAX_CELL_CHARS,
      });
      return;
    }
    let nonBlank = this.nonBlank;
    if (this.shared && this.strings) {
      const i = Number(this.index.trim());
      if (Number.isInteger(i)) {
        if (this.strings.blank.has(i)) nonBlank = false;
        const long = this.strings.tooLong;
        if (long && long.index === i && !this.refusal) {
          this.refusal = fail("FILE_CELL_TOO_LONG", {
            cell: this.address(),
            length: long.chars,
            limit: MAX_CELL_CHARS,
          });
        }
      }
    }
    if (nonBlank) this.rowHasValue = true;
  }
}

/** Several scans fed by one read of a part: the union of their names, the first refusal. */
export function teeScans(...scans: readonly PartScan[]): PartScan {
  return {
    names: [...new Set(scans.flatMap((s) => s.names))],
    get refusal() {
      for (const s of scans) if (s.refusal) return s.refusal;
      return null;
    },
    open(name, attrs, selfClosing) {
      for (const s of scans) s.open(name, attrs, selfClosing);
    },
    close(name) {
      for (const s of scans) s.close(name);
    },
    text(buf, start, end, chars, blank) {
      for (const s of scans) s.text(buf, start, end, chars, blank);
    },
  };
}

/** The uncompressed bytes inflated so far, against the cap. */
export interface InflateBudget {
  used: number;
  readonly limit: number;
}

/** Inflate one part through `scan`, holding the size and ratio caps on the bytes it really produces. */
export async function inflatePart(
  bytes: Buffer,
  entry: ZipEntry,
  scan: PartScan | null,
  budget: InflateBudget,
  file: string
): Promise<Result<true>> {
  const scanner = scan ? new XmlScanner(scan, scan.names) : null;
  let produced = 0;
  for await (const chunk of inflateEntry(bytes, entry)) {
    produced += chunk.length;
    budget.used += chunk.length;
    if (budget.used > budget.limit) {
      return fail("FILE_UNCOMPRESSED_TOO_LARGE", {
        file,
        size: formatBytes(budget.used),
        limit: formatBytes(budget.limit),
      });
    }
    const ratio = ratioRefusal(file, entry, produced);
    if (ratio) return ratio;
    if (scanner && scan) {
      scanner.feed(chunk);
      if (scan.refusal) return scan.refusal;
    }
  }
  return ok(true);
}

function ratioRefusal(file: string, entry: ZipEntry, uncompressed: number): Result<never> | null {
  if (uncompressed <= RATIO_CHECK_MIN_BYTES) return null;
  if (uncompressed <= MAX_COMPRESSION_RATIO * entry.compressedSize) return null;
  return fail("FILE_COMPRESSION_SUSPICIOUS", {
    file,
    part: partNames(entry)[0],
    compressed: formatBytes(entry.compressedSize),
    size: formatBytes(uncompressed),
    limit: MAX_COMPRESSION_RATIO,
  });
}

/**
 * What the central directory alone can refuse (nothing inflated yet): a zip we cannot read, too many
 * parts, declared sizes over the cap, a declared ratio over the cap. `file` is the name for messages.
 */
export function checkDirectory(
  bytes: Buffer,
  file: string,
  limits: ImportLimits
): Result<readonly ZipEntry[]> {
  const dir = readZipDirectory(bytes, MAX_ZIP_ENTRIES);
  if (!dir.ok) {
    return dir.tooManyEntries !== undefined
      ? fail("FILE_ZIP_TOO_MANY_ENTRIES", { file, count: dir.tooManyEntries, limit: MAX_ZIP_ENTRIES })
      : fail("FILE_NOT_XLSX", { file });
  }
  const entries = dir.entries;
  const limit = maxUncompressedBytes(limits);
  const declared = entries.reduce((sum, e) => sum + e.uncompressedSize, 0);
  if (declared > limit) {
    return fail("FILE_UNCOMPRESSED_TOO_LARGE", {
      file,
      size: formatBytes(declared),
      limit: formatBytes(limit),
    });
  }
  for (const e of entries) {
    const r = ratioRefusal(file, e, e.uncompressedSize);
    if (r) return r;
  }
  return ok(entries);
}

/** A shared string longer than a cell may be that no cell named first (the pre-flight's last check). */
export function sharedStringRefusal(strings: SharedStrings): Result<never> | null {
  if (!strings.tooLong) return null;
  return fail("FILE_CELL_TOO_LONG", {
    cell: `共享字符串第${strings.tooLong.index + 1}项`,
    length: strings.tooLong.chars,
    limit: MAX_CELL_CHARS,
  });
}

/** What a full load will hold, for the importer's memory estimate (limits.ts `fullLoadEstimate`). */
export interface PreflightStats {
  /** Every part's bytes, inflated (what exceljs inflates, and then holds as strings). */
  readonly uncompressedBytes: number;
  /** `<c>` elements of every worksheet. */
  readonly cells: number;
  readonly sharedStrings: number;
}

/**
 * Refuse a workbook exceljs must not open; ok when its parts, inflated, are within every limit.
 * `bytes` is a zip (sniffXlsx); anything unreadable as one is FILE_NOT_XLSX.
 */
export async function preflightXlsx(
  bytes: Buffer,
  path: string,
  limits: ImportLimits
): Promise<Result<PreflightStats>> {
  const file = basename(path);
  const dir = checkDirectory(bytes, file, limits);
  if (!dir.ok) return dir;
  const entries = dir.value;
  const limit = maxUncompressedBytes(limits);

  const names = new SheetNames();
  const strings = new SharedStrings(file, maxSharedStrings(limits));
  const budget: InflateBudget = { used: 0, limit };
  let cells = 0;
  const scanOf = new Map<ZipEntry, PartScan>();
  const order: ZipEntry[] = [];
  // Names and strings first: the sheets' messages and blank cells depend on them.
  for (const e of entries) if (isPart(e, WORKBOOK) || isPart(e, WORKBOOK_RELS)) scanOf.set(e, names);
  for (const e of entries) if (isPart(e, SHARED_STRINGS)) scanOf.set(e, strings);
  order.push(...scanOf.keys());
  const sheets = new Set(entries.filter((e) => !scanOf.has(e) && isWorksheet(e)));
  order.push(...sheets, ...entries.filter((e) => !scanOf.has(e) && !sheets.has(e)));

  try {
    for (const e of order) {
      let scan = scanOf.get(e) ?? null;
      let sheet: Worksheet | null = null;
      if (!scan && sheets.has(e)) {
        const part = partNames(e).find((n) => WORKSHEET.test(n))!;
        scan = sheet = new Worksheet(
          names.nameOf(part),
          strings.count > 0 ? strings : null,
          preflightMaxRows(limits)
        );
      }
      const r = await inflatePart(bytes, e, scan, budget, file);
      if (!r.ok) return r;
      if (sheet) cells += sheet.cells;
    }
  } catch (e) {
    if (isZlibError(e)) return fail("FILE_NOT_XLSX", { file });
    throw e;
  }
  const long = sharedStringRefusal(strings);
  if (long) return long;
  return ok({ uncompressedBytes: budget.used, cells, sharedStrings: strings.count });
}
