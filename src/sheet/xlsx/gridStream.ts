/**
 * grid.ts's rules fed one row at a time (the streaming import), keeping only what the annotation needs:
 * per data row its index, its group and rowsCheck partition and two flags (13 bytes in typed arrays),
 * one key per group (a group's key names it in FILE_GROUP_HAS_ERRORS), and the cross-row errors of
 * the rows that have some. A failed row's cell errors are not kept: `RowVerdicts.next` parses the row
 * again when the write reads it (parseRow is a pure function of the row's values), so a sheet of
 * 100,000 failed rows holds 100,000 × 13 bytes, not 1.5 million error objects. Same pieces as
 * validateGrid — gridLayout, parseRow, withRowCheckErrors, importRowOf, dataExtentRefusal,
 * groupRefusal — so the same verdicts and the same refusals, in the same order.
 *
 * Rules across rows need the other rows of a document, which may come later in the file. They run in
 * a second read of the sheet (`rowsCheckRow`), only when some partition has two rows or more, on those
 * rows only, each partition checked and dropped as soon as its last row is read.
 */
import { planRedFlush, redFlushRowOf } from "../../domain/plan/redFlush";
import { fail, type Refusal, type Result } from "../../domain/refusals";
import type { Rect } from "../address";
import { isBlankCell, parseRow, type ParsedRow } from "../mapping";
import { PROCESS_STATUS, type RowCheckError } from "../schemas";
import {
  dataExtentRefusal,
  failsItsGroup,
  gridLayout,
  groupRefusal,
  importRowOf,
  withRowCheckErrors,
  type GridLayout,
} from "./grid";
import type { KindSpec, TemplateKind } from "./kinds";
import { HEADER_SEARCH_ROWS, type ImportLimits } from "./limits";
import type { RowVerdict } from "./plan";

/**
 * The rows a kind's `rowsCheck` compares (kinds.ts): its verdict on a row depends only on the rows of
 * the same partition, and a partition of one row gets none — documentRowsCheck checks one document
 * (the kind's group key) and skips documents of one line; blueRedFlushRowsCheck keeps the planner's
 * duplicate refusals of one blue invoice (the planner's own invoice key, read from its verdict).
 * "group": the partition is the row's group. null: the kind has no rowsCheck.
 */
const ROWS_CHECK_PARTITION: Readonly<Record<TemplateKind, "group" | ((p: ParsedRow) => string) | null>> = {
  "info-form-import": "group",
  "confirm-form-drafts": "group",
  "blue-red-flush": (p) => planRedFlush([redFlushRowOf(p.rowIndex, p.values)], null).rows[0].invoiceKey,
  "input-download": null,
};

/** Row flags: done by an earlier run; failed on a cell (its own or a cross-row error); has cross-row errors. */
const DONE = 1;
const CELL_FAILED = 2;
const ROWS_CHECKED = 4;
/** 处理状态 处理中: sent, no known result (a validation-only run leaves its 处理状态 alone). */
const PENDING = 8;

/** What a streaming validation holds for the annotation (StreamImportReport.held). */
export interface HeldState {
  /** Data rows tracked, 13 bytes each. */
  readonly rows: number;
  /** Distinct group keys kept. */
  readonly groups: number;
  /** Rows whose cross-row errors are kept (the only errors kept). */
  readonly rowsWithKeptErrors: number;
  /** The most parsed rows held at once by the cross-row check (the largest open documents). */
  readonly peakOpenRows: number;
}

/** A growable Int32Array / Uint8Array pair of columns, one entry per data row. */
class RowColumns {
  rows = new Int32Array(1024);
  groups = new Int32Array(1024);
  partitions = new Int32Array(1024);
  flags = new Uint8Array(1024);
  length = 0;

  push(row: number, group: number, partition: number, flags: number): void {
    if (this.length === this.rows.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.rows = grow(this.rows);
      this.groups = grow(this.groups);
      this.partitions = grow(this.partitions);
      this.flags = grow(this.flags);
    }
    const i = this.length++;
    this.rows[i] = row;
    this.groups[i] = group;
    this.partitions[i] = partition;
    this.flags[i] = flags;
  }
}

/** Keys → small ints, with a count per key. */
class KeyTable {
  private readonly ids = new Map<string, number>();
  readonly keys: string[] = [];
  readonly counts: number[] = [];

  id(key: string | null): number {
    if (key === null) return -1;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.ids.set(key, id);
      this.keys.push(key);
      this.counts.push(0);
    }
    this.counts[id]++;
    return id;
  }
}

export class GridStream {
  private readonly top: unknown[][] = [];
  private layout: Result<GridLayout> | null = null;
  private readonly data = new RowColumns();
  private readonly groups = new KeyTable();
  private readonly partitionKeys = new KeyTable();
  private readonly partition: "group" | ((p: ParsedRow) => string) | null;
  /** The kind's cross-row errors of the rows that have some (added to their cells' own on the write). */
  private readonly rowsCheckErrors = new Map<number, readonly RowCheckError[]>();
  private readonly hidden: number[] = [];
  private last = -1;
  private cursor = 0;
  /** Rows of partitions not complete yet (the second read). */
  private readonly open = new Map<number, ParsedRow[]>();
  private openRows = 0;
  private peakOpenRows = 0;

  constructor(
    private readonly spec: KindSpec,
    private readonly sheetName: string,
    private readonly limits: ImportLimits
  ) {
    this.partition = spec.rowsCheck ? ROWS_CHECK_PARTITION[spec.kind] : null;
  }

  /** The first read: every row of the sheet, in order. */
  readonly row = (index: number, values: unknown[], hidden: boolean): void => {
    if (this.layout === null) {
      if (index < HEADER_SEARCH_ROWS) {
        this.top[index] = values;
        if (hidden) this.hidden.push(index);
        return;
      }
      this.decideHeader();
    }
    this.dataRow(index, values, hidden);
  };

  /**
   * The header from the top rows (without the merges, which come at the end of the sheet: `finish`
   * applies them), then the top rows below it as data.
   */
  private decideHeader(): void {
    const top = Array.from({ length: this.top.length }, (_, i) => this.top[i] ?? []);
    this.layout = gridLayout(this.spec, top, { sheetName: this.sheetName, merges: [] });
    const hidden = new Set(this.hidden);
    this.hidden.length = 0;
    if (!this.layout.ok) return;
    for (let i = this.layout.value.headerRow + 1; i < top.length; i++) {
      if (this.top[i]) this.dataRow(i, this.top[i], hidden.has(i));
    }
  }

  private dataRow(index: number, values: unknown[], hidden: boolean): void {
    const layout = this.layout;
    if (!layout?.ok || index <= layout.value.headerRow || values.every(isBlankCell)) return;
    this.last = index;
    if (hidden) this.hidden.push(index);
    // Beyond the limit the sheet is refused (finish): no need to read the rows.
    if (index - layout.value.headerRow > this.limits.maxRows) return;
    const p = this.parse(layout.value, index, values);
    if (!p) return;
    const r = importRowOf(layout.value, p, values);
    const group = this.groups.id(r.group);
    const partition =
      this.partition === null
        ? -1
        : this.partition === "group"
          ? group
          : this.partitionKeys.id(this.partition(p));
    this.data.push(
      index,
      group,
      partition,
      (r.done ? DONE : 0) |
        (r.processStatus === PROCESS_STATUS.pending ? PENDING : 0) |
        (p.errors.length > 0 ? CELL_FAILED : 0)
    );
  }

  private parse(layout: GridLayout, index: number, values: readonly unknown[]): ParsedRow | null {
    return parseRow(this.spec.schema, layout.header, values, {
      rowIndex: index,
      firstColumn: 0,
      sheetName: this.sheetName,
    });
  }

  /** After the first read: the sheet's refusals, in validateGrid's order; its merges are `merges`. */
  finish(merges: readonly Rect[]): Result<GridLayout> {
    if (this.layout === null) this.decideHeader();
    const top = Array.from({ length: this.top.length }, (_, i) => this.top[i] ?? []);
    const layout = gridLayout(this.spec, top, { sheetName: this.sheetName, merges });
    if (!layout.ok) return layout;
    const last = Math.max(layout.value.headerRow, this.last);
    const extent = dataExtentRefusal(layout.value, last, this.hidden, this.limits);
    if (extent) return extent;
    if (this.data.length === 0) return fail("FILE_NO_DATA", { sheet: this.sheetName });
    this.layout = layout;
    return layout;
  }

  private partitionCount(i: number): number {
    const p = this.data.partitions[i];
    if (p < 0) return 0;
    return this.partition === "group" ? this.groups.counts[p] : this.partitionKeys.counts[p];
  }

  /** Whether the rules across rows need the second read: some partition has two rows or more. */
  get needsRowsCheck(): boolean {
    if (this.partition === null) return false;
    for (let i = 0; i < this.data.length; i++) if (this.partitionCount(i) >= 2) return true;
    return false;
  }

  /** The second read (after `finish`): the rows of partitions of two rows or more, checked together. */
  readonly rowsCheckRow = (index: number, values: unknown[]): void => {
    const i = this.cursor;
    if (i >= this.data.length || this.data.rows[i] !== index) return;
    this.cursor++;
    const count = this.partitionCount(i);
    if (count < 2 || !this.layout?.ok || !this.spec.rowsCheck) return;
    const layout = this.layout.value;
    const p = this.parse(layout, index, values);
    if (!p) return;
    const id = this.data.partitions[i];
    const rows = this.open.get(id) ?? [];
    rows.push(p);
    if (rows.length < count) {
      this.open.set(id, rows);
      this.openRows++;
      this.peakOpenRows = Math.max(this.peakOpenRows, this.openRows);
      return;
    }
    this.open.delete(id);
    this.openRows -= rows.length - 1;
    const extra = this.spec.rowsCheck(rows);
    for (const row of rows) {
      const add = extra.get(row.rowIndex) ?? [];
      if (add.length === 0) continue;
      // Kept only when it changes the row's errors (a cell already in error keeps its first).
      const checked = withRowCheckErrors(row, add, layout.header, this.spec);
      if (checked.errors.length === row.errors.length) continue;
      this.rowsCheckErrors.set(row.rowIndex, add);
    }
  };

  /** What is held for the annotation, for the tests' and the bench's figures. */
  held(): HeldState {
    return {
      rows: this.data.length,
      groups: this.groups.keys.length,
      rowsWithKeptErrors: this.rowsCheckErrors.size,
      peakOpenRows: this.peakOpenRows,
    };
  }

  /** After `finish` (and the second read): each data row's verdict, in order, for the write. */
  verdicts(): RowVerdicts {
    if (!this.layout?.ok) throw new Error("GridStream.verdicts before a successful finish");
    this.cursor = 0;
    const bad = new Map<number, number[]>();
    const d = this.data;
    for (let i = 0; i < d.length; i++) {
      const row = d.rows[i];
      if (this.rowsCheckErrors.has(row)) d.flags[i] |= ROWS_CHECKED | CELL_FAILED;
      const group = d.groups[i];
      const key = group < 0 ? null : this.groups.keys[group];
      if (failsItsGroup(key, (d.flags[i] & DONE) !== 0, (d.flags[i] & CELL_FAILED) !== 0)) {
        const list = bad.get(group);
        if (list) list.push(row);
        else bad.set(group, [row]);
      }
    }
    return new RowVerdicts(this.layout.value, d, this.groups.keys, this.rowsCheckErrors, bad);
  }
}

/** The data rows' verdicts, read in sheet order (`next`) while the sheet is written. */
export class RowVerdicts {
  private cursor = 0;

  constructor(
    readonly layout: GridLayout,
    private readonly data: RowColumns,
    private readonly groupKeys: readonly string[],
    private readonly rowsCheckErrors: ReadonlyMap<number, readonly RowCheckError[]>,
    private readonly badByGroup: ReadonlyMap<number, readonly number[]>
  ) {}

  /**
   * The verdict of row `index` when it is a data row (rows must be asked in ascending order); `values`
   * is the row as read again, before any write: a failed row's cell errors are parsed from it.
   */
  next(index: number, values: readonly unknown[]): RowVerdict | null {
    const d = this.data;
    while (this.cursor < d.length && d.rows[this.cursor] < index) this.cursor++;
    const i = this.cursor;
    if (i >= d.length || d.rows[i] !== index) return null;
    const flags = d.flags[i];
    const done = (flags & DONE) !== 0;
    const group = d.groups[i];
    const bad = group >= 0 && !done ? this.badByGroup.get(group) : undefined;
    const e: Refusal | null = bad ? groupRefusal(this.groupKeys[group], index, bad) : null;
    return {
      rowIndex: index,
      done,
      pending: (flags & PENDING) !== 0,
      cellErrors: done ? [] : this.cellErrors(index, values, flags),
      rowErrors: e ? [e] : [],
    };
  }

  private cellErrors(index: number, values: readonly unknown[], flags: number): RowVerdict["cellErrors"] {
    if ((flags & CELL_FAILED) === 0) return [];
    const { spec, header, sheetName } = this.layout;
    const p = parseRow(spec.schema, header, values, { rowIndex: index, firstColumn: 0, sheetName });
    // The first read parsed this row from the same bytes: a row that no longer parses means they changed.
    if (!p) throw new Error(`streaming import: row ${index + 1} changed between reads`);
    if ((flags & ROWS_CHECKED) === 0) return p.errors;
    return withRowCheckErrors(p, this.rowsCheckErrors.get(index) ?? [], header, spec).errors;
  }
}
