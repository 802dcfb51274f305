/**
 * The streaming import's reader: a workbook's sheets as rows of cell values, read from the zip in one
 * guarded pass per part — the pre-flight's scans (preflight.ts) run on the same inflated chunks as
 * the value reader, so a hostile part is refused after at most one 64 KB chunk of it, and nothing but
 * the current row and the shared strings is held. A part the import does not read (styles, themes,
 * drawings) is never inflated. A sheet can be read again (`rows` with `guard: false`): the bytes are in
 * memory, a second inflate of a 60 MB sheet costs about a second, which is how the import writes its
 * result as it streams without keeping the grid.
 *
 * Values are what exceljs's own streaming reader gives for the same cells (workbook-reader.js,
 * worksheet-reader.js, styles ignored), with four readings where it is silent or wrong:
 * - a formula's cached result is typed by `t` as the full load types it (b → boolean, e → {error});
 *   a shared formula's dependent cell (`<f t="shared" si="0"/>`, no text) is its cached result;
 * - rich text (shared or inline) is its runs' text joined, phonetic runs (`<rPh>`) left out;
 * - an empty `<v/>` is no value (exceljs makes NaN of it);
 * - entities are decoded once (exceljs decodes inline strings twice: "&amp;lt;" became "<").
 * Rows must come in ascending order, as Excel writes them: a row out of order is FILE_NOT_XLSX.
 */
import { posix } from "path";
import { fail, ok, type Result } from "../../domain/refusals";
import { parseRect, type Rect } from "../address";
import {
  HEADER_SEARCH_ROWS,
  MAX_CELL_CHARS,
  maxSharedStrings,
  maxUncompressedBytes,
  preflightMaxRows,
  type ImportLimits,
} from "./limits";
import {
  checkDirectory,
  inflatePart,
  isPart,
  partNames,
  SHARED_STRINGS,
  SharedStrings,
  sharedStringRefusal,
  SheetNames,
  teeScans,
  Worksheet,
  WORKBOOK,
  WORKBOOK_RELS,
  type InflateBudget,
  type PartScan,
} from "./preflight";
import { decodeEntities, type TagAttributes } from "./xmlScan";
import { isZlibError, type ZipEntry } from "./zipGuard";

/** One worksheet of the workbook, in tab order. */
export interface SheetPart {
  readonly name: string;
  readonly entry: ZipEntry;
}

/** Receives a sheet's rows in order: 0-based index, values by 0-based column (sparse), `<row hidden>`. */
export type RowSink = (rowIndex: number, values: unknown[], hidden: boolean) => void;

/** What a sheet says beyond its rows: the merged areas that can touch a header row. */
export interface SheetTail {
  readonly merges: readonly Rect[];
}

/**
 * [decision] Merged areas kept per sheet: only those starting above HEADER_SEARCH_ROWS can touch the
 * header (the grid refuses those, grid.ts); a sheet of a million merges must not become a list of them.
 */
const MAX_KEPT_MERGES = 10_000;

/** Bytes of one cell's text kept: MAX_CELL_CHARS characters of up to 12 bytes each (`&#x10FFFF;`). */
const MAX_TEXT_BYTES = MAX_CELL_CHARS * 12;

/** A text node's bytes, gathered across chunks (a chunk can end inside a UTF-8 sequence or an entity). */
class TextBytes {
  private first: Buffer | null = null;
  private start = 0;
  private end = 0;
  private more: Buffer[] | null = null;
  private size = 0;
  active = false;

  begin(): void {
    this.first = null;
    this.more = null;
    this.size = 0;
    this.active = true;
  }

  add(buf: Buffer, start: number, end: number): void {
    if (!this.active || this.size > MAX_TEXT_BYTES) return;
    this.size += end - start;
    if (this.first === null) {
      this.first = buf;
      this.start = start;
      this.end = end;
    } else {
      // The chunk buffers are fresh per inflate read: a view is enough until the cell ends.
      (this.more ??= []).push(buf.subarray(start, end));
    }
  }

  /** The text, entities decoded and line ends normalised as an XML parser does; null when none came. */
  take(): string | null {
    this.active = false;
    if (this.first === null) return null;
    let s =
      this.more === null
        ? this.first.toString("utf8", this.start, this.end)
        : Buffer.concat([this.first.subarray(this.start, this.end), ...this.more]).toString("utf8");
    this.first = null;
    this.more = null;
    if (s.includes("\r")) s = s.replace(/\r\n?/g, "\n");
    return decodeEntities(s);
  }
}

/** xl/sharedStrings.xml → the strings, `<si>` by `<si>`: plain or rich text as one string. */
class SharedStringValues implements PartScan {
  readonly names = ["si", "t", "rPh"];
  readonly refusal = null;
  readonly strings: string[] = [];
  private readonly run = new TextBytes();
  private value = "";
  private inString = false;
  private phonetic = 0;

  open(name: string, _a: TagAttributes, selfClosing: boolean): void {
    if (name === "si") {
      this.inString = true;
      this.value = "";
      if (selfClosing) this.close("si");
    } else if (name === "rPh") {
      if (!selfClosing) this.phonetic++;
    } else if (name === "t" && this.inString && this.phonetic === 0 && !selfClosing) {
      this.run.begin();
    }
  }

  close(name: string): void {
    if (name === "t") {
      if (this.run.active) this.value += this.run.take() ?? "";
    } else if (name === "rPh") {
      this.phonetic = Math.max(0, this.phonetic - 1);
    } else if (name === "si" && this.inString) {
      this.inString = false;
      this.strings.push(this.value);
    }
  }

  text(buf: Buffer, start: number, end: number): void {
    this.run.add(buf, start, end);
  }
}

const enum CellType {
  Number,
  Shared,
  Inline,
  Str,
  Bool,
  Error,
}

function cellType(a: TagAttributes): CellType {
  if (a.is("t", "s")) return CellType.Shared;
  if (a.is("t", "str")) return CellType.Str;
  if (a.is("t", "inlineStr")) return CellType.Inline;
  if (a.is("t", "b")) return CellType.Bool;
  if (a.is("t", "e")) return CellType.Error;
  return CellType.Number;
}

/** A `<v>` as its type says (a formula's cached result too); undefined for an empty one. */
function typedValue(type: CellType, v: string, strings: readonly string[]): unknown {
  if (v === "") return undefined;
  switch (type) {
    case CellType.Shared:
      return strings[parseInt(v, 10)];
    case CellType.Str:
    case CellType.Inline:
      return v;
    case CellType.Bool:
      return parseInt(v, 10) !== 0;
    case CellType.Error:
      return { error: v };
    case CellType.Number:
      return parseFloat(v);
  }
}

/** A worksheet's rows of values, each handed to the sink at its `</row>`; the merges near the top. */
class SheetValues implements PartScan {
  readonly names = ["row", "c", "v", "f", "is", "t", "rPh", "mergeCell"];
  refusal: Result<never> | null = null;
  readonly merges: Rect[] = [];
  private rowIndex = -1;
  private values: unknown[] = [];
  private hidden = false;
  private inRow = false;
  private column = -1;
  private type = CellType.Number;
  private inCell = false;
  private formula: string | null = null;
  private hasFormula = false;
  private inInline = false;
  private inline: string | null = null;
  private phonetic = 0;
  private readonly v = new TextBytes();
  private readonly f = new TextBytes();
  private readonly t = new TextBytes();
  private vText: string | null = null;

  constructor(
    private readonly file: string,
    private readonly strings: readonly string[],
    private readonly sink: RowSink
  ) {}

  open(name: string, a: TagAttributes, selfClosing: boolean): void {
    switch (name) {
      case "row": {
        const r = a.int("r");
        const index = r > 0 ? r - 1 : this.rowIndex + 1;
        if (index <= this.rowIndex && !this.refusal)
          this.refusal = fail("FILE_NOT_XLSX", { file: this.file });
        this.rowIndex = index;
        this.values = [];
        this.hidden = a.is("hidden", "1") || a.is("hidden", "true");
        this.inRow = true;
        this.column = -1;
        if (selfClosing) this.close("row");
        break;
      }
      case "c": {
        const column = a.column("r");
        this.column = column >= 0 ? column : this.column + 1;
        this.type = cellType(a);
        this.inCell = this.inRow && !selfClosing;
        this.vText = null;
        this.formula = null;
        this.hasFormula = false;
        this.inline = null;
        break;
      }
      case "v":
        if (this.inCell && !selfClosing) this.v.begin();
        break;
      case "f":
        if (this.inCell) {
          this.hasFormula = true;
          if (!selfClosing) this.f.begin();
        }
        break;
      case "is":
        this.inInline = this.inCell && !selfClosing;
        break;
      case "rPh":
        if (this.inInline && !selfClosing) this.phonetic++;
        break;
      case "t":
        if (this.inInline && this.phonetic === 0 && !selfClosing) this.t.begin();
        break;
      case "mergeCell": {
        if (this.merges.length >= MAX_KEPT_MERGES) break;
        const rect = parseRect(a.get("ref") ?? "");
        if (rect && rect.row < HEADER_SEARCH_ROWS) this.merges.push(rect);
        break;
      }
    }
  }

  close(name: string): void {
    switch (name) {
      case "v":
        if (this.v.active) this.vText = this.v.take() ?? "";
        break;
      case "f":
        if (this.f.active) this.formula = this.f.take() ?? "";
        break;
      case "t":
        if (this.t.active) this.inline = (this.inline ?? "") + (this.t.take() ?? "");
        break;
      case "rPh":
        if (this.phonetic > 0) this.phonetic--;
        break;
      case "is":
        this.inInline = false;
        break;
      case "c":
        if (this.inCell) this.endCell();
        this.inCell = false;
        break;
      case "row":
        if (this.inRow) {
          this.inRow = false;
          this.sink(this.rowIndex, this.values, this.hidden);
        }
        break;
    }
  }

  text(buf: Buffer, start: number, end: number): void {
    if (this.v.active) this.v.add(buf, start, end);
    else if (this.t.active) this.t.add(buf, start, end);
    else if (this.f.active) this.f.add(buf, start, end);
  }

  private endCell(): void {
    let value: unknown;
    if (this.hasFormula) {
      const result = this.vText === null ? undefined : typedValue(this.type, this.vText, this.strings);
      if (this.formula)
        value = result === undefined ? { formula: this.formula } : { formula: this.formula, result };
      else value = result;
    } else if (this.type === CellType.Inline) {
      value = this.inline ?? (this.vText === null ? undefined : this.vText);
    } else if (this.vText !== null) {
      value = typedValue(this.type, this.vText, this.strings);
    }
    if (value !== undefined) this.values[this.column] = value;
  }
}

/**
 * An import file opened for streaming: its directory checked, its sheets listed, its shared strings
 * read (guarded). `rows` reads one sheet; the first read of each sheet is guarded by the pre-flight's
 * worksheet scan (rows, cell lengths, sizes, ratio), later reads are not (same bytes, same result).
 */
export class StreamedWorkbook {
  private readonly checked = new Set<ZipEntry>();

  private constructor(
    private readonly bytes: Buffer,
    private readonly file: string,
    private readonly limits: ImportLimits,
    /** Shared by every guarded read: the cap is on the workbook's inflated bytes, as in the pre-flight. */
    private readonly budget: InflateBudget,
    readonly sheets: readonly SheetPart[],
    private readonly sst: SharedStrings,
    private readonly strings: readonly string[]
  ) {}

  /** Directory, xl/workbook.xml and its rels, xl/sharedStrings.xml: the pre-flight's first checks. */
  static async open(bytes: Buffer, file: string, limits: ImportLimits): Promise<Result<StreamedWorkbook>> {
    const dir = checkDirectory(bytes, file, limits);
    if (!dir.ok) return dir;
    const entries = dir.value;
    const budget: InflateBudget = { used: 0, limit: maxUncompressedBytes(limits) };
    const names = new SheetNames();
    const sst = new SharedStrings(file, maxSharedStrings(limits));
    const values = new SharedStringValues();
    try {
      for (const e of entries) {
        if (isPart(e, WORKBOOK) || isPart(e, WORKBOOK_RELS)) {
          const r = await inflatePart(bytes, e, names, budget, file);
          if (!r.ok) return r;
        }
      }
      for (const e of entries) {
        if (isPart(e, SHARED_STRINGS)) {
          const r = await inflatePart(bytes, e, teeScans(sst, values), budget, file);
          if (!r.ok) return r;
        }
      }
    } catch (e) {
      if (isZlibError(e)) return fail("FILE_NOT_XLSX", { file });
      throw e;
    }
    const sheets: SheetPart[] = [];
    for (const s of names.ordered()) {
      const entry = entries.find((e) => partNames(e).includes(posix.normalize(s.part)));
      if (entry && !sheets.some((x) => x.entry === entry)) sheets.push({ name: s.name, entry });
    }
    if (sheets.length === 0) return fail("FILE_NOT_XLSX", { file });
    return ok(new StreamedWorkbook(bytes, file, limits, budget, sheets, sst, values.strings));
  }

  /** The pre-flight's worksheet checks on a sheet, nothing read. */
  async check(sheet: SheetPart): Promise<Result<true>> {
    return this.read(sheet, null, true).then((r) => (r.ok ? ok(true) : r));
  }

  /** The sheet's rows into `sink`, in order; guarded the first time the sheet is read. */
  async rows(sheet: SheetPart, sink: RowSink): Promise<Result<SheetTail>> {
    return this.read(sheet, sink, !this.checked.has(sheet.entry));
  }

  /** The pre-flight's last check, once every sheet was read: a too-long shared string no cell used. */
  finish(): Result<true> {
    return sharedStringRefusal(this.sst) ?? ok(true);
  }

  private async read(sheet: SheetPart, sink: RowSink | null, guard: boolean): Promise<Result<SheetTail>> {
    const values = sink ? new SheetValues(this.file, this.strings, sink) : null;
    const scans: PartScan[] = [];
    if (guard) {
      scans.push(
        new Worksheet(sheet.name, this.sst.count > 0 ? this.sst : null, preflightMaxRows(this.limits))
      );
    }
    if (values) scans.push(values);
    const budget = guard ? this.budget : { used: 0, limit: Infinity };
    try {
      const r = await inflatePart(this.bytes, sheet.entry, teeScans(...scans), budget, this.file);
      if (!r.ok) return r;
      if (values?.refusal) return values.refusal;
    } catch (e) {
      if (isZlibError(e)) return fail("FILE_NOT_XLSX", { file: this.file });
      throw e;
    }
    if (guard) this.checked.add(sheet.entry);
    return ok({ merges: values?.merges ?? [] });
  }
}
