/**
 * An in-memory fake of the part of Excel's JavaScript API that src/sheet/office uses, faithful where
 * it matters for batching: commands queue on the context and run at `sync()`, in order; property
 * reads before load + sync throw PropertyNotLoaded; each sync's request (queued calls + written
 * data) and response are measured and, like Excel on the web, a request or response over the limit
 * (5 MB by default) throws; a sync budget fails a test that syncs per row. The workbook model keeps
 * values (with Excel's number/date conversion of written strings), number formats, fills, fonts,
 * data validation, hidden rows, tables, notes and threaded comments per cell.
 *
 * office-addin-mock cannot do collections, sync counting or payload sizes (research notes §4).
 */
import {
  MAX_COLUMNS,
  MAX_ROWS,
  cellAddress,
  intersect,
  parseRect,
  quoteSheetName,
  rectAddress,
  splitSheet,
  type Rect,
} from "../../src/sheet/address";

// ── Errors ───────────────────────────────────────────────────────────────────

/** Shaped like OfficeExtension.Error: `code` is what add-ins switch on. */
export class FakeExcelError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(`${code}: ${message}`);
    this.name = "RichApi.Error";
  }
}

/** Thrown when a test's sync budget is exceeded: a per-row sync loop, not an Excel error. */
export class SyncBudgetExceeded extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SyncBudgetExceeded";
  }
}

// ── Model ────────────────────────────────────────────────────────────────────

export type CellValue = string | number | boolean;

/** Bytes counted per queued call or proxy, on top of its JSON arguments. */
export const FAKE_OP_BYTES = 64;
export const DEFAULT_PAYLOAD_LIMIT = 5 * 1024 * 1024;
/** Excel's cap on a range read; beyond it `values` comes back null (research notes §2). */
export const MAX_READ_CELLS = 5_000_000;
/** Excel's "no fill" colour as `format.fill.color` reports it. */
export const NO_FILL = "#FFFFFF";

const key = (row: number, column: number): number => row * MAX_COLUMNS + column;
const rowOf = (k: number): number => Math.floor(k / MAX_COLUMNS);
const colOf = (k: number): number => k % MAX_COLUMNS;

function utf8Length(s: string): number {
  return Buffer.byteLength(s, "utf8");
}
function jsonLength(v: unknown): number {
  return v === undefined ? 0 : utf8Length(JSON.stringify(v));
}

/** A per-cell property with range-level assignments (a format on a whole column is one entry). */
class Layer<T> {
  private readonly cells = new Map<number, { seq: number; v: T | undefined }>();
  private readonly rects: Array<{ rect: Rect; v: T | undefined; seq: number }> = [];
  constructor(private readonly clock: { seq: number }) {}

  set(rect: Rect, v: T | undefined): void {
    const seq = ++this.clock.seq;
    if (rect.rows * rect.columns <= 4096) {
      for (let r = 0; r < rect.rows; r++) {
        for (let c = 0; c < rect.columns; c++) this.cells.set(key(rect.row + r, rect.column + c), { seq, v });
      }
    } else {
      this.rects.push({ rect, v, seq });
    }
  }

  setCell(row: number, column: number, v: T | undefined): void {
    this.cells.set(key(row, column), { seq: ++this.clock.seq, v });
  }

  get(row: number, column: number): T | undefined {
    const cell = this.cells.get(key(row, column));
    let seq = cell ? cell.seq : -1;
    let v = cell?.v;
    for (const r of this.rects) {
      if (
        r.seq > seq &&
        row >= r.rect.row &&
        row < r.rect.row + r.rect.rows &&
        column >= r.rect.column &&
        column < r.rect.column + r.rect.columns
      ) {
        seq = r.seq;
        v = r.v;
      }
    }
    return v;
  }

  /** Cells with a per-cell value (for assertions). */
  keys(): IterableIterator<number> {
    return this.cells.keys();
  }
}

export interface AnnotationModel {
  content: string;
  authorName: string;
}

export interface ValidationRule {
  readonly list?: { readonly inCellDropDown: boolean; readonly source: string };
  readonly [k: string]: unknown;
}

export interface TableModel {
  name: string;
  /** Whole table including the header row (and totals row when shown). */
  rect: Rect;
  showTotals: boolean;
}

export class FakeSheet {
  readonly values = new Map<number, CellValue>();
  readonly numberFormat: Layer<string>;
  readonly fill: Layer<string>;
  readonly fontColor: Layer<string>;
  readonly bold: Layer<boolean>;
  readonly validations: Array<{ rect: Rect; rule: ValidationRule }> = [];
  readonly hiddenRows = new Set<number>();
  /** The sheet's (or a table's) AutoFilter: its range and the rows its criteria hide (also in hiddenRows). */
  autoFilter: { rect: Rect; table: string | null; filteredRows: Set<number> } | null = null;
  readonly tables: TableModel[] = [];
  readonly notes = new Map<number, AnnotationModel>();
  readonly comments = new Map<number, AnnotationModel>();
  frozenRows = 0;
  autofitCalls = 0;
  private bounds: { r0: number; r1: number; c0: number; c1: number } | null = null;
  private boundsDirty = false;

  constructor(
    readonly workbook: FakeWorkbook,
    public name: string
  ) {
    this.numberFormat = new Layer(workbook.clock);
    this.fill = new Layer(workbook.clock);
    this.fontColor = new Layer(workbook.clock);
    this.bold = new Layer(workbook.clock);
  }

  // ── Direct access for tests (no sync, no payload) ──

  /** Put values as they would be after typing (no conversion): rows of cells from (row, column). */
  setValues(row: number, column: number, rows: ReadonlyArray<readonly unknown[]>): this {
    rows.forEach((cells, i) =>
      cells.forEach((v, j) => {
        if (v === null || v === undefined || v === "") this.deleteValue(row + i, column + j);
        else this.putValue(row + i, column + j, v as CellValue);
      })
    );
    return this;
  }

  /** Value at "C5" ("" when empty). */
  value(address: string): CellValue {
    const { row, column } = this.cell(address);
    return this.values.get(key(row, column)) ?? "";
  }

  fillAt(address: string): string | undefined {
    const { row, column } = this.cell(address);
    return this.fill.get(row, column);
  }

  numberFormatAt(address: string): string {
    const { row, column } = this.cell(address);
    return this.numberFormat.get(row, column) ?? "General";
  }

  fontColorAt(address: string): string | undefined {
    const { row, column } = this.cell(address);
    return this.fontColor.get(row, column);
  }

  boldAt(address: string): boolean {
    const { row, column } = this.cell(address);
    return this.bold.get(row, column) ?? false;
  }

  noteAt(address: string): AnnotationModel | undefined {
    const { row, column } = this.cell(address);
    return this.notes.get(key(row, column));
  }

  commentAt(address: string): AnnotationModel | undefined {
    const { row, column } = this.cell(address);
    return this.comments.get(key(row, column));
  }

  validationAt(address: string): ValidationRule | undefined {
    const { row, column } = this.cell(address);
    let found: ValidationRule | undefined;
    for (const v of this.validations)
      if (intersect(v.rect, { row, column, rows: 1, columns: 1 })) found = v.rule;
    return found;
  }

  /** Local addresses of all cells with a fill colour, sorted. */
  filledCells(color?: string): string[] {
    const out: string[] = [];
    for (const k of this.fill.keys()) {
      const f = this.fill.get(rowOf(k), colOf(k));
      if (f !== undefined && (color === undefined || f.toUpperCase() === color.toUpperCase())) {
        out.push(cellAddress(rowOf(k), colOf(k)));
      }
    }
    return out.sort();
  }

  noteAddresses(): string[] {
    return Array.from(this.notes.keys()).map((k) => cellAddress(rowOf(k), colOf(k)));
  }

  commentAddresses(): string[] {
    return Array.from(this.comments.keys()).map((k) => cellAddress(rowOf(k), colOf(k)));
  }

  /**
   * AutoFilter.apply as Excel does it for the two criteria we model: values ({filterOn: "Values"})
   * and one custom criterion "=text" / "=text*" (the wildcard at the end only). Rows of the range
   * below its header whose cell in the column fails are hidden; earlier criteria are replaced.
   */
  applyAutoFilter(rect: Rect, table: string | null, columnIndex: number, criteria: FakeFilterCriteria): void {
    this.clearAutoFilterCriteria();
    let test: (text: string) => boolean;
    const custom = (criterion: string): ((text: string) => boolean) => {
      if (!criterion.startsWith("=")) throw new Error(`fake Excel: criterion ${criterion} is not modelled`);
      const c = criterion.slice(1);
      return c.endsWith("*") ? (t) => t.startsWith(c.slice(0, -1)) : (t) => t === c;
    };
    if (criteria.filterOn === "Values" && criteria.values) {
      const allowed = new Set(criteria.values);
      test = (t) => allowed.has(t);
    } else if (criteria.filterOn === "Custom" && criteria.criterion1) {
      const first = custom(criteria.criterion1);
      const second = criteria.criterion2 ? custom(criteria.criterion2) : null;
      if (second && criteria.operator !== "Or" && criteria.operator !== "And")
        throw new FakeExcelError("InvalidArgument", "Two criteria need an operator (And / Or).");
      test = !second
        ? first
        : criteria.operator === "Or"
          ? (t) => first(t) || second(t)
          : (t) => first(t) && second(t);
    } else {
      throw new Error(`fake Excel: filter ${JSON.stringify(criteria)} is not modelled`);
    }
    if (columnIndex < 0 || columnIndex >= rect.columns)
      throw new FakeExcelError("InvalidArgument", "The column index is outside the filter range.");
    const filteredRows = new Set<number>();
    for (let r = rect.row + 1; r < rect.row + rect.rows; r++) {
      const v = this.getValue(r, rect.column + columnIndex);
      if (!test(v === null ? "" : String(v)) && !this.hiddenRows.has(r)) {
        filteredRows.add(r);
        this.hiddenRows.add(r);
      }
    }
    this.autoFilter = { rect, table, filteredRows };
  }

  /** AutoFilter.clearCriteria: the rows the filter hid are shown again; the filter buttons stay. */
  clearAutoFilterCriteria(): void {
    if (!this.autoFilter) return;
    this.autoFilter.filteredRows.forEach((r) => this.hiddenRows.delete(r));
    this.autoFilter.filteredRows.clear();
  }

  hideRows(...rows: number[]): this {
    rows.forEach((r) => this.hiddenRows.add(r));
    return this;
  }

  addTable(name: string, address: string, showTotals = false): this {
    const rect = parseRect(address);
    if (!rect) throw new Error(`bad table address ${address}`);
    this.tables.push({ name, rect, showTotals });
    return this;
  }

  addNote(address: string, content: string, authorName = "someone"): this {
    const { row, column } = this.cell(address);
    this.notes.set(key(row, column), { content, authorName });
    return this;
  }

  addComment(address: string, content: string, authorName = "someone"): this {
    const { row, column } = this.cell(address);
    this.comments.set(key(row, column), { content, authorName });
    return this;
  }

  /** Bounding box of non-empty values (Excel's used range, valuesOnly). */
  usedRect(): Rect | null {
    if (this.boundsDirty) {
      this.bounds = null;
      for (const k of this.values.keys()) this.grow(rowOf(k), colOf(k));
      this.boundsDirty = false;
    }
    const b = this.bounds;
    return b ? { row: b.r0, column: b.c0, rows: b.r1 - b.r0 + 1, columns: b.c1 - b.c0 + 1 } : null;
  }

  // ── Internals ──

  private cell(address: string): { row: number; column: number } {
    const r = parseRect(address);
    if (!r || r.rows !== 1 || r.columns !== 1) throw new Error(`not a cell address: ${address}`);
    return { row: r.row, column: r.column };
  }

  private grow(row: number, column: number): void {
    const b = this.bounds;
    if (!b) this.bounds = { r0: row, r1: row, c0: column, c1: column };
    else {
      b.r0 = Math.min(b.r0, row);
      b.r1 = Math.max(b.r1, row);
      b.c0 = Math.min(b.c0, column);
      b.c1 = Math.max(b.c1, column);
    }
  }

  putValue(row: number, column: number, v: CellValue): void {
    this.values.set(key(row, column), v);
    if (!this.boundsDirty) this.grow(row, column);
  }

  deleteValue(row: number, column: number): void {
    if (this.values.delete(key(row, column))) this.boundsDirty = true;
  }

  /** Move values in rows [row, row + rows) from column `from` on one column to the right. */
  shiftRight(row: number, rows: number, from: number): void {
    const moving = Array.from(this.values.entries()).filter(
      ([k]) => rowOf(k) >= row && rowOf(k) < row + rows && colOf(k) >= from
    );
    for (const [k] of moving) this.values.delete(k);
    for (const [k, v] of moving) this.putValue(rowOf(k), colOf(k) + 1, v);
  }

  /** Move values in columns [column, column + columns) from row `from` on `count` rows down (table rows inserted). */
  shiftDown(from: number, column: number, columns: number, count: number): void {
    const moving = Array.from(this.values.entries()).filter(
      ([k]) => rowOf(k) >= from && colOf(k) >= column && colOf(k) < column + columns
    );
    for (const [k] of moving) this.values.delete(k);
    for (const [k, v] of moving) this.putValue(rowOf(k) + count, colOf(k), v);
    this.boundsDirty = true;
  }

  /** Range.clear: contents (values), formats (number format, fill, font), or both. */
  clearRect(rect: Rect, applyTo: "All" | "Contents" | "Formats"): void {
    if (applyTo !== "Formats") {
      for (const k of Array.from(this.values.keys())) {
        const r = rowOf(k);
        const c = colOf(k);
        if (r >= rect.row && r < rect.row + rect.rows && c >= rect.column && c < rect.column + rect.columns) {
          this.values.delete(k);
          this.boundsDirty = true;
        }
      }
    }
    if (applyTo !== "Contents") {
      this.numberFormat.set(rect, undefined);
      this.fill.set(rect, undefined);
      this.fontColor.set(rect, undefined);
      this.bold.set(rect, undefined);
    }
  }

  getValue(row: number, column: number): CellValue {
    return this.values.get(key(row, column)) ?? "";
  }

  /**
   * A value written through `range.values`: null keeps the cell, "" clears it, and — as Excel does
   * in a cell not formatted as text — numeric strings become numbers and ISO dates date serials.
   */
  writeValue(row: number, column: number, v: unknown): void {
    if (v === null || v === undefined) return;
    if (v === "") return this.deleteValue(row, column);
    if (typeof v === "string" && this.numberFormat.get(row, column) !== "@") {
      if (/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(v.trim())) return this.putValue(row, column, Number(v));
      const serial = isoDateSerial(v);
      if (serial !== null) return this.putValue(row, column, serial);
    }
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
      throw new FakeExcelError("InvalidArgument", `unsupported cell value ${JSON.stringify(v)}`);
    }
    this.putValue(row, column, v);
  }

  annotationAt(row: number, column: number): "note" | "comment" | null {
    const k = key(row, column);
    return this.notes.has(k) ? "note" : this.comments.has(k) ? "comment" : null;
  }
}

/** "2024-10-22" / "2024-10-22 10:44:24" → Excel 1900-system serial, else null. */
function isoDateSerial(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/.exec(s.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utc = new Date(Date.UTC(y, mo - 1, d));
  // Excel keeps an impossible date ("2025-13-01", "2025-02-30") as the text typed; Date.UTC would roll it over.
  if (utc.getUTCFullYear() !== y || utc.getUTCMonth() !== mo - 1 || utc.getUTCDate() !== d) return null;
  if (m[4] && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59)) return null;
  const days = utc.getTime() / 86_400_000 + 25_569;
  const secs = m[4] ? Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]) : 0;
  return days + secs / 86_400;
}

export interface SyncRecord {
  readonly requestBytes: number;
  responseBytes: number;
  readonly operations: number;
  calcSuspended: boolean;
  screenSuspended: boolean;
  /** `runtime.enableEvents` after the sync ran. */
  eventsEnabled: boolean;
}

export interface FakeWorkbookOptions {
  /** Request size limit in bytes (Excel on the web: 5 MB). */
  readonly requestLimitBytes?: number;
  readonly responseLimitBytes?: number;
}

export class FakeWorkbook {
  readonly clock = { seq: 0 };
  readonly sheets: FakeSheet[] = [];
  active: FakeSheet | null = null;
  selection: { sheet: FakeSheet; areas: Rect[] } | null = null;
  enableEvents = true;
  readonly syncLog: SyncRecord[] = [];
  runs = 0;
  readonly requestLimitBytes: number;
  readonly responseLimitBytes: number;
  private syncLimit = Infinity;
  /** Set by a test to fail the next sync (e.g. a write that throws mid-run). */
  failNextSyncWith: Error | null = null;
  private failAfterSyncs = Infinity;

  constructor(opts: FakeWorkbookOptions = {}) {
    this.requestLimitBytes = opts.requestLimitBytes ?? DEFAULT_PAYLOAD_LIMIT;
    this.responseLimitBytes = opts.responseLimitBytes ?? DEFAULT_PAYLOAD_LIMIT;
  }

  addSheet(name: string, rows?: ReadonlyArray<readonly unknown[]>): FakeSheet {
    if (this.sheet(name)) throw new Error(`sheet ${name} exists`);
    const s = new FakeSheet(this, name);
    if (rows) s.setValues(0, 0, rows);
    this.sheets.push(s);
    this.active ??= s;
    return s;
  }

  sheet(name: string): FakeSheet | undefined {
    return this.sheets.find((s) => s.name === name);
  }

  /** Select areas ("A2:C5,E7", "B:B") on a sheet and make it active. */
  select(sheetName: string, address: string): this {
    const sheet = this.sheet(sheetName);
    if (!sheet) throw new Error(`no sheet ${sheetName}`);
    const areas = address.split(",").map((a) => {
      const r = parseRect(a);
      if (!r) throw new Error(`bad address ${a}`);
      return r;
    });
    this.active = sheet;
    this.selection = { sheet, areas };
    return this;
  }

  /** Fail a test when more than `n` syncs happen from now on (catches sync-per-row loops). */
  limitSyncs(n: number): this {
    this.syncLimit = this.syncLog.length + n;
    return this;
  }

  /** Make the sync after `n` more successful syncs throw `error` (models a write failing mid-run). */
  failSyncAfter(n: number, error: Error): this {
    this.failAfterSyncs = this.syncLog.length + n;
    this.failNextSyncWith = error;
    return this;
  }

  get syncs(): number {
    return this.syncLog.length;
  }

  get maxRequestBytes(): number {
    return this.syncLog.reduce((m, s) => Math.max(m, s.requestBytes), 0);
  }

  resetStats(): void {
    this.syncLog.length = 0;
    this.syncLimit = Infinity;
  }

  /** The `Excel` namespace surface: `run` (with or without options). */
  get excel(): { run: FakeRun } {
    const run: FakeRun = async <T>(a: unknown, b?: unknown): Promise<T> => {
      const cb = (typeof a === "function" ? a : b) as (ctx: FakeContext) => Promise<T>;
      this.runs++;
      return cb(new FakeContext(this));
    };
    return { run };
  }

  /** Called by FakeContext.sync. */
  checkSync(requestBytes: number): void {
    if (this.syncLog.length > this.syncLimit) {
      throw new SyncBudgetExceeded(
        `more than ${this.syncLimit} syncs: context.sync() is being called per row or per cell`
      );
    }
    if (requestBytes > this.requestLimitBytes) {
      throw new FakeExcelError(
        "RequestPayloadSizeLimitExceeded",
        `The request payload size has exceeded the limit (${requestBytes} > ${this.requestLimitBytes} bytes).`
      );
    }
    if (this.failNextSyncWith && this.syncLog.length > this.failAfterSyncs) {
      const e = this.failNextSyncWith;
      this.failNextSyncWith = null;
      this.failAfterSyncs = Infinity;
      throw e;
    }
  }
}

export type FakeRun = {
  <T>(cb: (ctx: FakeContext) => Promise<T>): Promise<T>;
  <T>(opts: unknown, cb: (ctx: FakeContext) => Promise<T>): Promise<T>;
};

// ── Client side ──────────────────────────────────────────────────────────────

interface Op {
  readonly bytes: number;
  readonly exec: (rec: SyncRecord) => number;
}

export class FakeContext {
  private queue: Op[] = [];
  private afterSync: Array<() => void> = [];
  readonly workbook: FakeWorkbookProxy;
  readonly runtime: FakeRuntime;

  constructor(readonly model: FakeWorkbook) {
    this.workbook = new FakeWorkbookProxy(this);
    this.runtime = new FakeRuntime(this);
  }

  /** Queue a command: its size in the request, and what it does at sync (returns response bytes). */
  op(bytes: number, exec: (rec: SyncRecord) => number = () => 0): void {
    this.queue.push({ bytes: FAKE_OP_BYTES + bytes, exec });
  }

  onSynced(f: () => void): void {
    this.afterSync.push(f);
  }

  async sync(): Promise<void> {
    const ops = this.queue;
    this.queue = [];
    this.afterSync = [];
    const requestBytes = ops.reduce((n, o) => n + o.bytes, 0);
    const rec: SyncRecord = {
      requestBytes,
      responseBytes: 0,
      operations: ops.length,
      calcSuspended: false,
      screenSuspended: false,
      eventsEnabled: this.model.enableEvents,
    };
    this.model.syncLog.push(rec);
    this.model.checkSync(requestBytes);
    let response = 0;
    try {
      for (const o of ops) response += o.exec(rec);
    } catch (e) {
      this.afterSync = [];
      throw e;
    }
    const after = this.afterSync;
    this.afterSync = [];
    rec.responseBytes = response;
    rec.eventsEnabled = this.model.enableEvents;
    if (response > this.model.responseLimitBytes) {
      throw new FakeExcelError(
        "ResponsePayloadSizeLimitExceeded",
        `The response payload size has exceeded the limit (${response} bytes).`
      );
    }
    after.forEach((f) => f());
    await Promise.resolve();
  }
}

/** Base of every proxy: loaded properties, PropertyNotLoaded before load + sync. */
abstract class ClientObject {
  protected readonly loaded = new Set<string>();
  protected readonly data: Record<string, unknown> = {};
  constructor(readonly context: FakeContext) {}

  protected read<T>(prop: string): T {
    if (!this.loaded.has(prop)) {
      throw new FakeExcelError(
        "PropertyNotLoaded",
        `The property '${prop}' is not available. Before reading the property's value, call the load method on the containing object and call "context.sync()" on the associated request context.`
      );
    }
    return this.data[prop] as T;
  }

  /** Load scalar properties: snapshot at sync time, readable after it. */
  load(props?: string | string[]): this {
    const list = splitProps(props);
    this.context.op(jsonLength(list), () => {
      const snap = this.snapshot(list);
      this.context.onSynced(() => {
        Object.assign(this.data, snap);
        Object.keys(snap).forEach((k) => this.loaded.add(k));
      });
      return jsonLength(snap);
    });
    return this;
  }

  protected abstract snapshot(props: readonly string[]): Record<string, unknown>;

  /** Seed data known without a round trip (collection items loaded with their parent). */
  seed(data: Record<string, unknown>): void {
    Object.assign(this.data, data);
    Object.keys(data).forEach((k) => this.loaded.add(k));
  }
}

function splitProps(props: string | string[] | undefined): string[] {
  if (props === undefined || (Array.isArray(props) && props.length === 0)) {
    throw new Error(
      "fake Excel: load() without property names loads everything; name the properties you read"
    );
  }
  const list = (Array.isArray(props) ? props : [props]).flatMap((p) => p.split(","));
  return list.map((p) => p.trim()).filter((p) => p !== "");
}

class FakeClientResult<T> {
  private done = false;
  private v: T | undefined;
  set(v: T): void {
    this.v = v;
    this.done = true;
  }
  get value(): T {
    if (!this.done)
      throw new FakeExcelError("PropertyNotLoaded", "ClientResult.value read before context.sync()");
    return this.v as T;
  }
}

/** Lazily resolved target, fixed when the creating command runs at sync. */
class Lazy<T> {
  private resolved = false;
  private v: T | undefined;
  constructor(private readonly f: () => T) {}
  get(): T {
    if (!this.resolved) {
      this.v = this.f();
      this.resolved = true;
    }
    return this.v as T;
  }
}

class FakeRuntime extends ClientObject {
  set enableEvents(v: boolean) {
    this.context.op(8, () => {
      this.context.model.enableEvents = v;
      return 0;
    });
  }
  get enableEvents(): boolean {
    return this.read("enableEvents");
  }
  protected snapshot(props: readonly string[]): Record<string, unknown> {
    return props.includes("enableEvents") ? { enableEvents: this.context.model.enableEvents } : {};
  }
}

class FakeApplication {
  constructor(private readonly context: FakeContext) {}
  suspendApiCalculationUntilNextSync(): void {
    this.context.op(0, (rec) => {
      rec.calcSuspended = true;
      return 0;
    });
  }
  suspendScreenUpdatingUntilNextSync(): void {
    this.context.op(0, (rec) => {
      rec.screenSuspended = true;
      return 0;
    });
  }
}

export class FakeWorkbookProxy {
  readonly worksheets: FakeWorksheetCollection;
  readonly application: FakeApplication;
  readonly notes: FakeAnnotationCollection;
  readonly comments: FakeAnnotationCollection;
  constructor(private readonly context: FakeContext) {
    this.worksheets = new FakeWorksheetCollection(context);
    this.application = new FakeApplication(context);
    this.notes = new FakeAnnotationCollection(context, "note", null);
    this.comments = new FakeAnnotationCollection(context, "comment", null);
  }

  getSelectedRanges(): FakeRangeAreas {
    const model = this.context.model;
    const lazy = new Lazy(() => {
      if (!model.selection) throw new FakeExcelError("ItemNotFound", "nothing is selected");
      return { sheet: model.selection.sheet, rects: model.selection.areas };
    });
    this.context.op(0, () => (lazy.get(), 0));
    return new FakeRangeAreas(this.context, lazy);
  }
}

export class FakeWorksheetCollection extends ClientObject {
  items: FakeWorksheet[] = [];

  getItem(name: string): FakeWorksheet {
    const lazy = new Lazy(() => {
      const s = this.context.model.sheet(name);
      if (!s) throw new FakeExcelError("ItemNotFound", `The requested resource doesn't exist (${name}).`);
      return s;
    });
    this.context.op(jsonLength(name), () => (lazy.get(), 0));
    return new FakeWorksheet(this.context, lazy);
  }

  getItemOrNullObject(name: string): FakeWorksheet {
    const lazy = new Lazy(() => this.context.model.sheet(name) ?? null);
    this.context.op(jsonLength(name), () => (lazy.get(), 0));
    return new FakeWorksheet(this.context, lazy);
  }

  getActiveWorksheet(): FakeWorksheet {
    const lazy = new Lazy(() => {
      const s = this.context.model.active;
      if (!s) throw new FakeExcelError("ItemNotFound", "no active worksheet");
      return s;
    });
    this.context.op(0, () => (lazy.get(), 0));
    return new FakeWorksheet(this.context, lazy);
  }

  add(name?: string): FakeWorksheet {
    const lazy = new Lazy(() => {
      const model = this.context.model;
      const n = name ?? `Sheet${model.sheets.length + 1}`;
      if (model.sheet(n)) throw new FakeExcelError("ItemAlreadyExists", `A sheet named ${n} already exists.`);
      return model.addSheet(n);
    });
    this.context.op(jsonLength(name ?? ""), () => (lazy.get(), 0));
    return new FakeWorksheet(this.context, lazy);
  }

  override load(props?: string | string[]): this {
    const list = splitProps(props).map((p) => p.replace(/^items\//, ""));
    this.context.op(jsonLength(list), () => {
      const sheets = [...this.context.model.sheets];
      const items = sheets.map((s) => {
        const w = new FakeWorksheet(this.context, new Lazy(() => s));
        return { w, snap: pick({ name: s.name }, list) };
      });
      this.context.onSynced(() => {
        this.items = items.map(({ w, snap }) => (w.seed(snap), w));
      });
      return jsonLength(items.map((i) => i.snap));
    });
    return this;
  }

  protected snapshot(): Record<string, unknown> {
    return {};
  }
}

function pick(all: Record<string, unknown>, props: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of props) {
    if (!(p in all)) throw new FakeExcelError("InvalidArgument", `fake Excel: property ${p} is not modelled`);
    out[p] = all[p];
  }
  return out;
}

/** The FilterCriteria fields the fake models. */
export interface FakeFilterCriteria {
  readonly filterOn: string;
  readonly criterion1?: string;
  readonly criterion2?: string;
  readonly operator?: string;
  readonly values?: readonly string[];
}

/** Worksheet.autoFilter / Table.autoFilter (ExcelApi 1.9): apply and clearCriteria. */
export class FakeAutoFilter {
  constructor(
    private readonly context: FakeContext,
    private readonly sheet: () => FakeSheet,
    /** The table's name and range, for Table.autoFilter (its range is always the table). */
    private readonly table: (() => { name: string; rect: Rect }) | null
  ) {}

  apply(range: FakeRange | string, columnIndex?: number, criteria?: FakeFilterCriteria): void {
    this.context.op(jsonLength(criteria ?? {}) + 16, () => {
      const sheet = this.sheet();
      let rect: Rect;
      if (this.table) rect = this.table().rect;
      else if (typeof range === "string") {
        const r = parseRect(splitSheet(range).local);
        if (!r) throw new FakeExcelError("InvalidArgument", `bad address ${range}`);
        rect = r;
      } else {
        const t = range.liveTarget();
        if (t.sheet !== sheet) throw new FakeExcelError("InvalidArgument", "The range is on another sheet.");
        rect = t.rect;
      }
      if (!this.table && sheet.tables.some((t) => intersect(t.rect, rect)))
        throw new FakeExcelError("InvalidOperation", "The range overlaps a table: filter the table instead.");
      if (columnIndex === undefined || criteria === undefined)
        throw new Error("fake Excel: AutoFilter.apply without criteria is not modelled");
      sheet.applyAutoFilter(rect, this.table ? this.table().name : null, columnIndex, criteria);
      return 0;
    });
  }

  clearCriteria(): void {
    this.context.op(8, () => {
      this.sheet().clearAutoFilterCriteria();
      return 0;
    });
  }
}

export class FakeWorksheet extends ClientObject {
  readonly tables: FakeTableCollection;
  readonly autoFilter: FakeAutoFilter;
  readonly notes: FakeAnnotationCollection;
  readonly comments: FakeAnnotationCollection;
  readonly freezePanes: { freezeRows: (n?: number) => void };

  constructor(
    context: FakeContext,
    readonly target: Lazy<FakeSheet | null>
  ) {
    super(context);
    this.tables = new FakeTableCollection(context, this);
    this.autoFilter = new FakeAutoFilter(context, () => this.sheet(), null);
    this.notes = new FakeAnnotationCollection(context, "note", this);
    this.comments = new FakeAnnotationCollection(context, "comment", this);
    this.freezePanes = {
      freezeRows: (n = 1) =>
        this.context.op(8, () => {
          this.sheet().frozenRows = n;
          return 0;
        }),
    };
  }

  /** The model sheet; ItemNotFound for a null object used as a real one. */
  sheet(): FakeSheet {
    const s = this.target.get();
    if (!s) throw new FakeExcelError("ItemNotFound", "The worksheet is a null object.");
    return s;
  }

  get name(): string {
    return this.read("name");
  }
  get isNullObject(): boolean {
    return this.read("isNullObject");
  }

  protected snapshot(props: readonly string[]): Record<string, unknown> {
    const s = this.target.get();
    if (!s) return { isNullObject: true };
    return { ...pick({ name: s.name }, props), isNullObject: false };
  }

  activate(): void {
    this.context.op(0, () => {
      this.context.model.active = this.sheet();
      return 0;
    });
  }

  getRange(address?: string): FakeRange {
    return this.rangeOp(jsonLength(address ?? ""), () => {
      const s = this.sheet();
      if (address === undefined)
        return { sheet: s, rect: { row: 0, column: 0, rows: MAX_ROWS, columns: MAX_COLUMNS } };
      const rect = parseRect(splitSheet(address).local);
      if (!rect) throw new FakeExcelError("InvalidArgument", `bad address ${address}`);
      return { sheet: s, rect };
    });
  }

  getRangeByIndexes(row: number, column: number, rowCount: number, columnCount: number): FakeRange {
    return this.rangeOp(32, () => {
      if (
        row < 0 ||
        column < 0 ||
        rowCount < 1 ||
        columnCount < 1 ||
        row + rowCount > MAX_ROWS ||
        column + columnCount > MAX_COLUMNS
      ) {
        throw new FakeExcelError(
          "InvalidArgument",
          `getRangeByIndexes(${row}, ${column}, ${rowCount}, ${columnCount})`
        );
      }
      return { sheet: this.sheet(), rect: { row, column, rows: rowCount, columns: columnCount } };
    });
  }

  getUsedRange(valuesOnly?: boolean): FakeRange {
    void valuesOnly;
    return this.rangeOp(8, () => {
      const s = this.sheet();
      return { sheet: s, rect: s.usedRect() ?? { row: 0, column: 0, rows: 1, columns: 1 } };
    });
  }

  getUsedRangeOrNullObject(valuesOnly?: boolean): FakeRange {
    void valuesOnly;
    return this.rangeOp(8, () => {
      const s = this.sheet();
      const rect = s.usedRect();
      return rect ? { sheet: s, rect } : null;
    });
  }

  /** Several areas; Excel fails on very long address strings (office-js#5198), modelled at 8,192. */
  getRanges(address: string): FakeRangeAreas {
    const lazy = new Lazy(() => {
      if (address.length > 8192)
        throw new FakeExcelError("InvalidArgument", `address string of ${address.length} characters`);
      const rects = address.split(",").map((a) => {
        const r = parseRect(a);
        if (!r) throw new FakeExcelError("InvalidArgument", `bad address ${a}`);
        return r;
      });
      return { sheet: this.sheet(), rects };
    });
    this.context.op(jsonLength(address), () => (lazy.get(), 0));
    return new FakeRangeAreas(this.context, lazy);
  }

  private rangeOp(bytes: number, f: () => RangeTarget | null): FakeRange {
    const lazy = new Lazy(f);
    this.context.op(bytes, () => (lazy.get(), 0));
    return new FakeRange(this.context, lazy);
  }
}

interface RangeTarget {
  readonly sheet: FakeSheet;
  readonly rect: Rect;
}
interface AreasTarget {
  readonly sheet: FakeSheet;
  readonly rects: readonly Rect[];
}

function excelAddress(sheet: FakeSheet, r: Rect): string {
  const q = quoteSheetName(sheet.name);
  if (r.row === 0 && r.rows === MAX_ROWS) {
    const a = cellAddress(0, r.column).replace(/\d+$/, "");
    const b = cellAddress(0, r.column + r.columns - 1).replace(/\d+$/, "");
    return `${q}!${a}:${b}`;
  }
  return `${q}!${rectAddress(r)}`;
}

/** Apply a 2-D input to a rectangle: same shape, or 1×1 broadcast (Excel semantics). */
function forEachInput(
  rect: Rect,
  input: unknown,
  f: (row: number, column: number, v: unknown) => void
): void {
  if (!Array.isArray(input) || !input.every((r) => Array.isArray(r))) {
    throw new FakeExcelError("InvalidArgument", "expected a 2-D array");
  }
  const rows = input as unknown[][];
  if (rows.length === 1 && rows[0].length === 1) {
    for (let r = 0; r < rect.rows; r++)
      for (let c = 0; c < rect.columns; c++) f(rect.row + r, rect.column + c, rows[0][0]);
    return;
  }
  if (rows.length !== rect.rows || rows.some((r) => r.length !== rect.columns)) {
    throw new FakeExcelError(
      "InvalidArgument",
      `The number of rows or columns in the input array doesn't match the size or dimensions of the range (${rows.length}×${rows[0]?.length ?? 0} for ${rect.rows}×${rect.columns}).`
    );
  }
  rows.forEach((cells, r) => cells.forEach((v, c) => f(rect.row + r, rect.column + c, v)));
}

export class FakeRange extends ClientObject {
  readonly format: FakeRangeFormat;
  readonly dataValidation: { rule: ValidationRule; clear: () => void };

  constructor(
    context: FakeContext,
    readonly target: Lazy<RangeTarget | null>
  ) {
    super(context);
    const areas = new Lazy<AreasTarget>(() => {
      const t = this.live();
      return { sheet: t.sheet, rects: [t.rect] };
    });
    this.format = new FakeRangeFormat(context, areas);
    const dv = {
      clear: () =>
        this.context.op(0, () => {
          const t = this.live();
          const keep = t.sheet.validations.filter((v) => !intersect(v.rect, t.rect));
          t.sheet.validations.length = 0;
          t.sheet.validations.push(...keep);
          return 0;
        }),
    } as { rule: ValidationRule; clear: () => void };
    Object.defineProperty(dv, "rule", {
      set: (rule: ValidationRule) => {
        this.context.op(jsonLength(rule), () => {
          const t = this.live();
          t.sheet.validations.push({ rect: t.rect, rule });
          return 0;
        });
      },
    });
    this.dataValidation = dv;
  }

  private live(): RangeTarget {
    const t = this.target.get();
    if (!t) throw new FakeExcelError("ItemNotFound", "The range is a null object.");
    return t;
  }

  /** Range.select: Excel refuses to select on a sheet that is not active (activate it first). */
  select(): void {
    this.context.op(0, () => {
      const t = this.live();
      if (this.context.model.active !== t.sheet)
        throw new FakeExcelError("InvalidSelection", "The range is not on the active worksheet.");
      this.context.model.selection = { sheet: t.sheet, areas: [t.rect] };
      return 0;
    });
  }

  /** Internal: the live target (for AutoFilter.apply). */
  liveTarget(): RangeTarget {
    return this.live();
  }

  get isNullObject(): boolean {
    return this.read("isNullObject");
  }
  get address(): string {
    return this.read("address");
  }
  get rowIndex(): number {
    return this.read("rowIndex");
  }
  get columnIndex(): number {
    return this.read("columnIndex");
  }
  get rowCount(): number {
    return this.read("rowCount");
  }
  get columnCount(): number {
    return this.read("columnCount");
  }
  get rowHidden(): boolean | null {
    return this.read("rowHidden");
  }
  get values(): CellValue[][] {
    return this.read("values");
  }
  set values(v: unknown[][]) {
    this.context.op(jsonLength(v), () => {
      const t = this.live();
      forEachInput(t.rect, v, (r, c, x) => t.sheet.writeValue(r, c, x));
      return 0;
    });
  }
  get numberFormat(): string[][] {
    return this.read("numberFormat");
  }
  set numberFormat(v: unknown[][]) {
    this.context.op(jsonLength(v), () => {
      const t = this.live();
      if (Array.isArray(v) && v.length === 1 && Array.isArray(v[0]) && v[0].length === 1) {
        if (v[0][0] !== null) t.sheet.numberFormat.set(t.rect, String(v[0][0]));
        return 0;
      }
      forEachInput(t.rect, v, (r, c, x) => {
        if (x !== null && x !== undefined)
          t.sheet.numberFormat.setCell(r, c, x === "" ? "General" : String(x));
      });
      return 0;
    });
  }

  protected snapshot(props: readonly string[]): Record<string, unknown> {
    const t = this.target.get();
    if (!t) return { isNullObject: true };
    const { sheet, rect } = t;
    const out: Record<string, unknown> = { isNullObject: false };
    const cells = rect.rows * rect.columns;
    for (const p of props) {
      switch (p) {
        case "address":
          out.address = excelAddress(sheet, rect);
          break;
        case "rowIndex":
          out.rowIndex = rect.row;
          break;
        case "columnIndex":
          out.columnIndex = rect.column;
          break;
        case "rowCount":
          out.rowCount = rect.rows;
          break;
        case "columnCount":
          out.columnCount = rect.columns;
          break;
        case "values":
          out.values = cells > MAX_READ_CELLS ? null : grid(rect, (r, c) => sheet.getValue(r, c));
          break;
        case "numberFormat":
          out.numberFormat =
            cells > MAX_READ_CELLS ? null : grid(rect, (r, c) => sheet.numberFormat.get(r, c) ?? "General");
          break;
        case "rowHidden": {
          let hidden = 0;
          for (let r = 0; r < rect.rows; r++) if (sheet.hiddenRows.has(rect.row + r)) hidden++;
          out.rowHidden = hidden === 0 ? false : hidden === rect.rows ? true : null;
          break;
        }
        default:
          throw new FakeExcelError("InvalidArgument", `fake Excel: Range.${p} is not modelled`);
      }
    }
    return out;
  }

  /** Clear contents and/or formats (ExcelApi 1.1); default "All". */
  clear(applyTo: "All" | "Contents" | "Formats" = "All"): void {
    this.context.op(jsonLength(applyTo), () => {
      const t = this.live();
      t.sheet.clearRect(t.rect, applyTo);
      return 0;
    });
  }

  getCell(row: number, column: number): FakeRange {
    return this.derive(16, (t) => ({
      sheet: t.sheet,
      rect: { row: t.rect.row + row, column: t.rect.column + column, rows: 1, columns: 1 },
    }));
  }

  getEntireRow(): FakeRange {
    return this.derive(0, (t) => ({
      sheet: t.sheet,
      rect: { row: t.rect.row, column: 0, rows: t.rect.rows, columns: MAX_COLUMNS },
    }));
  }

  getUsedRangeOrNullObject(valuesOnly?: boolean): FakeRange {
    void valuesOnly;
    return this.derive(8, (t) => {
      const used = t.sheet.usedRect();
      const r = used && intersect(used, t.rect);
      return r ? { sheet: t.sheet, rect: r } : null;
    });
  }

  private derive(bytes: number, f: (t: RangeTarget) => RangeTarget | null): FakeRange {
    const lazy = new Lazy(() => f(this.live()));
    this.context.op(bytes, () => (lazy.get(), 0));
    return new FakeRange(this.context, lazy);
  }

  /** Per-row properties (ExcelApi 1.9): rowIndex and rowHidden are modelled. */
  getRowProperties(opts: {
    rowHidden?: boolean;
    rowIndex?: boolean;
  }): FakeClientResult<Array<{ rowIndex?: number; rowHidden?: boolean }>> {
    const result = new FakeClientResult<Array<{ rowIndex?: number; rowHidden?: boolean }>>();
    this.context.op(jsonLength(opts), () => {
      const { sheet, rect } = this.live();
      const rows = Array.from({ length: rect.rows }, (_, i) => ({
        ...(opts.rowIndex ? { rowIndex: rect.row + i } : {}),
        ...(opts.rowHidden ? { rowHidden: sheet.hiddenRows.has(rect.row + i) } : {}),
      }));
      this.context.onSynced(() => result.set(rows));
      return jsonLength(rows);
    });
    return result;
  }

  /** Per-cell properties (ExcelApi 1.9): format.fill.color is modelled. */
  getCellProperties(opts: {
    format?: { fill?: { color?: boolean } };
  }): FakeClientResult<Array<Array<{ format?: { fill?: { color?: string } } }>>> {
    const result = new FakeClientResult<Array<Array<{ format?: { fill?: { color?: string } } }>>>();
    this.context.op(jsonLength(opts), () => {
      const { sheet, rect } = this.live();
      const want = opts.format?.fill?.color === true;
      const props = grid(rect, (r, c) =>
        want ? { format: { fill: { color: sheet.fill.get(r, c) ?? NO_FILL } } } : {}
      );
      this.context.onSynced(() => result.set(props));
      return jsonLength(props);
    });
    return result;
  }
}

function grid<T>(rect: Rect, f: (row: number, column: number) => T): T[][] {
  const out: T[][] = [];
  for (let r = 0; r < rect.rows; r++) {
    const line: T[] = [];
    for (let c = 0; c < rect.columns; c++) line.push(f(rect.row + r, rect.column + c));
    out.push(line);
  }
  return out;
}

export class FakeRangeAreas extends ClientObject {
  readonly format: FakeRangeFormat;
  readonly areas: FakeRangeCollection;
  constructor(
    context: FakeContext,
    readonly target: Lazy<AreasTarget>
  ) {
    super(context);
    this.format = new FakeRangeFormat(context, target);
    this.areas = new FakeRangeCollection(context, target);
  }
  get address(): string {
    return this.read("address");
  }
  get areaCount(): number {
    return this.read("areaCount");
  }
  protected snapshot(props: readonly string[]): Record<string, unknown> {
    const { sheet, rects } = this.target.get();
    return pick(
      { address: rects.map((r) => excelAddress(sheet, r)).join(","), areaCount: rects.length },
      props
    );
  }
}

export class FakeRangeCollection extends ClientObject {
  items: FakeRange[] = [];
  constructor(
    context: FakeContext,
    private readonly target: Lazy<AreasTarget>
  ) {
    super(context);
  }
  override load(props?: string | string[]): this {
    const list = splitProps(props).map((p) => p.replace(/^items\//, ""));
    this.context.op(jsonLength(list), () => {
      const { sheet, rects } = this.target.get();
      const items = rects.map((rect) => {
        const range = new FakeRange(this.context, new Lazy(() => ({ sheet, rect })));
        const snap = pick(
          {
            address: excelAddress(sheet, rect),
            rowIndex: rect.row,
            columnIndex: rect.column,
            rowCount: rect.rows,
            columnCount: rect.columns,
          },
          list
        );
        return { range, snap };
      });
      this.context.onSynced(() => {
        this.items = items.map(({ range, snap }) => (range.seed({ ...snap, isNullObject: false }), range));
      });
      return jsonLength(items.map((i) => i.snap));
    });
    return this;
  }
  protected snapshot(): Record<string, unknown> {
    return {};
  }
}

export class FakeRangeFormat {
  readonly fill: FakeFill;
  readonly font: FakeFont;
  constructor(
    private readonly context: FakeContext,
    private readonly target: Lazy<AreasTarget>
  ) {
    this.fill = new FakeFill(context, target);
    this.font = new FakeFont(context, target);
  }
  autofitColumns(): void {
    this.context.op(0, () => {
      this.target.get().sheet.autofitCalls++;
      return 0;
    });
  }
}

export class FakeFill extends ClientObject {
  constructor(
    context: FakeContext,
    private readonly target: Lazy<AreasTarget>
  ) {
    super(context);
  }
  set color(v: string) {
    this.context.op(jsonLength(v), () => {
      const { sheet, rects } = this.target.get();
      rects.forEach((r) => sheet.fill.set(r, v.toUpperCase()));
      return 0;
    });
  }
  get color(): string | null {
    return this.read("color");
  }
  clear(): void {
    this.context.op(0, () => {
      const { sheet, rects } = this.target.get();
      rects.forEach((r) => sheet.fill.set(r, undefined));
      return 0;
    });
  }
  protected snapshot(props: readonly string[]): Record<string, unknown> {
    const { sheet, rects } = this.target.get();
    const colors = new Set<string>();
    for (const rect of rects) {
      if (rect.rows * rect.columns > MAX_READ_CELLS)
        throw new FakeExcelError("InvalidArgument", "range too large");
      grid(rect, (r, c) => colors.add(sheet.fill.get(r, c) ?? NO_FILL));
    }
    return pick({ color: colors.size === 1 ? [...colors][0] : null }, props);
  }
}

export class FakeFont extends ClientObject {
  constructor(
    context: FakeContext,
    private readonly target: Lazy<AreasTarget>
  ) {
    super(context);
  }
  set color(v: string) {
    this.context.op(jsonLength(v), () => {
      const { sheet, rects } = this.target.get();
      rects.forEach((r) => sheet.fontColor.set(r, v.toUpperCase()));
      return 0;
    });
  }
  get color(): string {
    return this.read("color");
  }
  set bold(v: boolean) {
    this.context.op(8, () => {
      const { sheet, rects } = this.target.get();
      rects.forEach((r) => sheet.bold.set(r, v));
      return 0;
    });
  }
  get bold(): boolean {
    return this.read("bold");
  }
  protected snapshot(props: readonly string[]): Record<string, unknown> {
    const { sheet, rects } = this.target.get();
    const r = rects[0];
    return pick(
      {
        color: sheet.fontColor.get(r.row, r.column) ?? "#000000",
        bold: sheet.bold.get(r.row, r.column) ?? false,
      },
      props
    );
  }
}

// ── Tables ──

export class FakeTableCollection extends ClientObject {
  items: FakeTable[] = [];
  constructor(
    context: FakeContext,
    private readonly worksheet: FakeWorksheet
  ) {
    super(context);
  }
  getItem(name: string): FakeTable {
    return this.tableOp(name, true) as FakeTable;
  }
  getItemOrNullObject(name: string): FakeTable {
    return this.tableOp(name, false);
  }
  private tableOp(name: string, must: boolean): FakeTable {
    const lazy = new Lazy(() => {
      const s = this.worksheet.sheet();
      const t = s.tables.find((x) => x.name === name) ?? null;
      if (!t && must) throw new FakeExcelError("ItemNotFound", `no table ${name}`);
      return t ? { sheet: s, table: t } : null;
    });
    this.context.op(jsonLength(name), () => (lazy.get(), 0));
    return new FakeTable(this.context, lazy);
  }
  override load(props?: string | string[]): this {
    const list = splitProps(props).map((p) => p.replace(/^items\//, ""));
    this.context.op(jsonLength(list), () => {
      const s = this.worksheet.sheet();
      const items = s.tables.map((t) => ({
        table: new FakeTable(this.context, new Lazy(() => ({ sheet: s, table: t }))),
        snap: pick({ name: t.name, showTotals: t.showTotals }, list),
      }));
      this.context.onSynced(() => {
        this.items = items.map(({ table, snap }) => (table.seed({ ...snap, isNullObject: false }), table));
      });
      return jsonLength(items.map((i) => i.snap));
    });
    return this;
  }
  protected snapshot(): Record<string, unknown> {
    return {};
  }
}

export class FakeTable extends ClientObject {
  readonly columns: { add: (index?: number | null, values?: unknown, name?: string) => void };
  readonly autoFilter: FakeAutoFilter;
  /**
   * `rows.add(null, values)`: rows inserted at the end of the body (above a totals row), cells of the
   * table's columns below shifted down, like Excel. One call for many rows; `null` cells are refused
   * (the API takes strings, numbers and booleans only).
   */
  readonly rows: { add: (index?: number | null, values?: unknown[][]) => void };
  constructor(
    context: FakeContext,
    private readonly target: Lazy<{ sheet: FakeSheet; table: TableModel } | null>
  ) {
    super(context);
    this.autoFilter = new FakeAutoFilter(
      context,
      () => this.live().sheet,
      () => ({ name: this.live().table.name, rect: this.live().table.rect })
    );
    this.rows = {
      add: (index, values) => {
        if (index !== undefined && index !== null)
          throw new Error("fake Excel: only appending table rows is modelled");
        this.context.op(jsonLength(values ?? []), () => {
          const { sheet, table } = this.live();
          const rows = values ?? [[]];
          if (
            rows.length === 0 ||
            rows.some((r) => r.length !== table.rect.columns || r.some((v) => v === null || v === undefined))
          ) {
            throw new FakeExcelError(
              "InvalidArgument",
              `rows.add needs ${table.rect.columns} non-null values per row`
            );
          }
          const at = table.rect.row + table.rect.rows - (table.showTotals ? 1 : 0);
          sheet.shiftDown(at, table.rect.column, table.rect.columns, rows.length);
          table.rect = { ...table.rect, rows: table.rect.rows + rows.length };
          rows.forEach((cells, i) =>
            cells.forEach((v, j) => sheet.writeValue(at + i, table.rect.column + j, v))
          );
          return 0;
        });
      },
    };
    this.columns = {
      add: (index, values, name) => {
        if (index !== undefined && index !== null)
          throw new Error("fake Excel: only appending table columns is modelled");
        void values;
        this.context.op(jsonLength(name ?? ""), () => {
          const { sheet, table } = this.live();
          const col = table.rect.column + table.rect.columns;
          // Like Excel: cells right of the table, in the table's rows, shift one column right.
          sheet.shiftRight(table.rect.row, table.rect.rows, col);
          table.rect = { ...table.rect, columns: table.rect.columns + 1 };
          sheet.putValue(table.rect.row, col, name ?? `列${table.rect.columns}`);
          return 0;
        });
      },
    };
  }
  private live(): { sheet: FakeSheet; table: TableModel } {
    const t = this.target.get();
    if (!t) throw new FakeExcelError("ItemNotFound", "The table is a null object.");
    return t;
  }
  get name(): string {
    return this.read("name");
  }
  get showTotals(): boolean {
    return this.read("showTotals");
  }
  get isNullObject(): boolean {
    return this.read("isNullObject");
  }
  protected snapshot(props: readonly string[]): Record<string, unknown> {
    const t = this.target.get();
    if (!t) return { isNullObject: true };
    return { ...pick({ name: t.table.name, showTotals: t.table.showTotals }, props), isNullObject: false };
  }
  getRange(): FakeRange {
    return this.part((t) => t.rect);
  }
  getHeaderRowRange(): FakeRange {
    return this.part((t) => ({ ...t.rect, rows: 1 }));
  }
  getDataBodyRange(): FakeRange {
    return this.part((t) => ({
      ...t.rect,
      row: t.rect.row + 1,
      rows: t.rect.rows - 1 - (t.showTotals ? 1 : 0),
    }));
  }
  private part(f: (t: TableModel) => Rect): FakeRange {
    const lazy = new Lazy(() => {
      const { sheet, table } = this.live();
      return { sheet, rect: f(table) };
    });
    this.context.op(0, () => (lazy.get(), 0));
    return new FakeRange(this.context, lazy);
  }
}

// ── Notes (ExcelApi 1.18) and threaded comments (1.10) ──

type AnnotationKind = "note" | "comment";

function storeOf(sheet: FakeSheet, kind: AnnotationKind): Map<number, AnnotationModel> {
  return kind === "note" ? sheet.notes : sheet.comments;
}

export class FakeAnnotationCollection extends ClientObject {
  items: FakeAnnotation[] = [];
  constructor(
    context: FakeContext,
    private readonly kind: AnnotationKind,
    /** null: the workbook-level collection. */
    private readonly worksheet: FakeWorksheet | null
  ) {
    super(context);
  }

  /** One cell only; a cell holds one note or one comment thread (InvalidArgument otherwise). */
  add(cellAddress: string | FakeRange, content: string): void {
    this.context.op(
      jsonLength(typeof cellAddress === "string" ? cellAddress : "") + jsonLength(content),
      () => {
        let sheet: FakeSheet;
        let rect: Rect | null;
        if (typeof cellAddress === "string") {
          const { sheet: name, local } = splitSheet(cellAddress);
          if (this.worksheet) sheet = this.worksheet.sheet();
          else {
            const s = name === null ? undefined : this.context.model.sheet(name);
            if (!s)
              throw new FakeExcelError(
                "InvalidArgument",
                `workbook-level add needs a sheet-qualified address: ${cellAddress}`
              );
            sheet = s;
          }
          rect = parseRect(local);
        } else {
          const t = cellAddress.target.get();
          if (!t) throw new FakeExcelError("InvalidArgument", "null range");
          sheet = t.sheet;
          rect = t.rect;
        }
        if (!rect || rect.rows !== 1 || rect.columns !== 1) {
          throw new FakeExcelError("InvalidCellAddress", `not a single cell: ${String(cellAddress)}`);
        }
        if (sheet.annotationAt(rect.row, rect.column)) {
          throw new FakeExcelError(
            "InvalidArgument",
            `cell ${rectAddress(rect)} already has a note or comment`
          );
        }
        storeOf(sheet, this.kind).set(key(rect.row, rect.column), { content, authorName: "加载项用户" });
        return 0;
      }
    );
  }

  override load(props?: string | string[]): this {
    const list = splitProps(props).map((p) => p.replace(/^items\//, ""));
    this.context.op(jsonLength(list), () => {
      const sheets = this.worksheet ? [this.worksheet.sheet()] : this.context.model.sheets;
      const items: Array<{ a: FakeAnnotation; snap: Record<string, unknown> }> = [];
      for (const sheet of sheets) {
        for (const model of storeOf(sheet, this.kind).values()) {
          const a = new FakeAnnotation(this.context, sheet, this.kind, model);
          items.push({ a, snap: pick({ content: model.content, authorName: model.authorName }, list) });
        }
      }
      this.context.onSynced(() => {
        this.items = items.map(({ a, snap }) => (a.seed(snap), a));
      });
      return jsonLength(items.map((i) => i.snap));
    });
    return this;
  }

  protected snapshot(): Record<string, unknown> {
    return {};
  }
}

export class FakeAnnotation extends ClientObject {
  constructor(
    context: FakeContext,
    private readonly sheet: FakeSheet,
    private readonly kind: AnnotationKind,
    private readonly model: AnnotationModel
  ) {
    super(context);
  }
  get content(): string {
    return this.read("content");
  }
  get authorName(): string {
    return this.read("authorName");
  }
  protected snapshot(props: readonly string[]): Record<string, unknown> {
    return pick({ content: this.model.content, authorName: this.model.authorName }, props);
  }
  private where(): number {
    for (const [k, m] of storeOf(this.sheet, this.kind)) if (m === this.model) return k;
    throw new FakeExcelError("ItemNotFound", `the ${this.kind} was deleted`);
  }
  getLocation(): FakeRange {
    const lazy = new Lazy<RangeTarget | null>(() => {
      const k = this.where();
      return { sheet: this.sheet, rect: { row: rowOf(k), column: colOf(k), rows: 1, columns: 1 } };
    });
    this.context.op(0, () => (lazy.get(), 0));
    return new FakeRange(this.context, lazy);
  }
  delete(): void {
    this.context.op(0, () => {
      storeOf(this.sheet, this.kind).delete(this.where());
      return 0;
    });
  }
}

// ── Requirement sets ──

/** A `supports(set, version)` for tests: everything up to `maxExcelApi` (e.g. "1.18", "1.10", "1.9"). */
export function supportsUpTo(maxExcelApi: string): (set: string, version: string) => boolean {
  const [maxMajor, maxMinor] = maxExcelApi.split(".").map(Number);
  return (set, version) => {
    if (set !== "ExcelApi") return false;
    const [major, minor] = version.split(".").map(Number);
    return major < maxMajor || (major === maxMajor && minor <= maxMinor);
  };
}
