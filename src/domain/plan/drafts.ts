/**
 * What the 红字信息表 and 红字确认单 draft planners share: the input row (values by column key, as
 * the sheet parsed them, plus the cells' parse errors), the per-row / per-cell verdict, and the two
 * checks across the rows of one document — header fields that must agree, and lines that repeat
 * (same blue line: conflicting values are refused on every conflicting cell, identical repeats are
 * flagged or, when the clerk chose to, sent once).
 */
import { Dec, formatAmount, formatQty } from "../money";
import { refusal, type Refusal } from "../refusals";

/** A parsed cell value: text, exact decimal, integer, boolean, or null (blank or failed). */
export type CellValue = string | number | boolean | Dec | null;

/** A row as the planner takes it: the sheet parsed it, the planner judges it. */
export interface DraftRow<K extends string> {
  /** 0-based sheet row (the clerk sees rowIndex + 1). */
  readonly rowIndex: number;
  /** Parsed values by column key; null for blank cells and for cells that failed to parse. */
  readonly values: Readonly<Partial<Record<K, CellValue>>>;
  /** The cells' parse errors (a cell listed here is not judged again). */
  readonly cellErrors: ReadonlyArray<{ readonly key: K; readonly refusal: Refusal }>;
}

/**
 * Which wire field of the interface a planner key is sent as (wire name → key): document fields,
 * and the fields of each `invoiceDetail[i]`. One table per interface, here next to its planner;
 * the sandbox names a refusal's field with it and src/sheet/wireFields.ts maps a refusal back to
 * the cell with it.
 */
export interface WireFields<K extends string> {
  readonly header: Readonly<Partial<Record<string, K>>>;
  readonly line: Readonly<Partial<Record<string, K>>>;
}

/** The `data` path of a key on line `line` (`invoiceDetail[2].taxAmount`), or undefined when not sent. */
export function wirePathOf<K extends string>(
  fields: WireFields<K>,
  key: K,
  line: number
): string | undefined {
  const find = (m: Readonly<Partial<Record<string, K>>>) => Object.keys(m).find((w) => m[w] === key);
  const header = find(fields.header);
  if (header !== undefined) return header;
  const l = find(fields.line);
  return l === undefined ? undefined : `invoiceDetail[${line}].${l}`;
}

/** A refusal on one cell. */
export interface CellRefusal<K extends string> {
  readonly key: K;
  readonly refusal: Refusal;
}

export interface RowVerdict<K extends string> {
  readonly rowIndex: number;
  /** The document the row is a line of (null: the row is a document of its own). */
  readonly document: string | null;
  /** No parse error and no refusal of ours. */
  readonly ok: boolean;
  /** Parse errors first, then the planner's refusals, at most one per cell. */
  readonly cells: readonly CellRefusal<K>[];
  /** Set when the row repeats an identical earlier one and the clerk chose to send it once. */
  readonly sentWith?: number;
}

export const text = (v: CellValue | undefined): string | null =>
  v === null || v === undefined
    ? null
    : v instanceof Dec
      ? v.toFixed()
      : String(v).trim() === ""
        ? null
        : String(v).trim();

export const dec = (v: CellValue | undefined): Dec | null => (v instanceof Dec ? v : null);

/** How a value is shown in a message ("-112.35", "13%" stays "0.13": exact, no formatting guesses). */
function shown(v: CellValue | undefined): string {
  if (v === null || v === undefined) return "（空）";
  if (v instanceof Dec) return v.decimalPlaces() <= 2 ? formatAmount(v) : formatQty(v);
  return String(v);
}

/** Same value: decimals by value (−1000 = −1000.00), text exactly, blank = blank. */
export function sameValue(a: CellValue | undefined, b: CellValue | undefined): boolean {
  const an = a === undefined || a === null || (typeof a === "string" && a.trim() === "") ? null : a;
  const bn = b === undefined || b === null || (typeof b === "string" && b.trim() === "") ? null : b;
  if (an === null || bn === null) return an === bn;
  if (an instanceof Dec || bn instanceof Dec) return an instanceof Dec && bn instanceof Dec && an.eq(bn);
  return String(an).trim() === String(bn).trim();
}

/** "5、9" (1-based) of the other rows. */
export const rowNumbers = (rows: readonly number[]): string => rows.map((r) => String(r + 1)).join("、");

/** Grouping: rows in first-seen order per document key; null-keyed rows stand alone. */
export function groupRows<R extends { readonly rowIndex: number }>(
  rows: readonly R[],
  keyOf: (r: R) => string | null
): Array<{ key: string | null; rows: R[] }> {
  const out: Array<{ key: string | null; rows: R[] }> = [];
  const byKey = new Map<string, { key: string | null; rows: R[] }>();
  for (const r of rows) {
    const k = keyOf(r);
    if (k === null) {
      out.push({ key: null, rows: [r] });
      continue;
    }
    const g = byKey.get(k);
    if (g) g.rows.push(r);
    else {
      const n = { key: k, rows: [r] };
      byKey.set(k, n);
      out.push(n);
    }
  }
  return out;
}

/**
 * Header fields of one document must agree on every line (the request carries them once): a row
 * whose value differs from the document's first filled value is refused on that cell, and so is the
 * first row, naming the rows that differ. Blank cells do not conflict (the header is typed once).
 */
export function headerConflicts<K extends string>(
  group: string,
  rows: readonly DraftRow<K>[],
  fields: ReadonlyArray<{ readonly key: K; readonly label: string }>
): Map<number, CellRefusal<K>[]> {
  const out = new Map<number, CellRefusal<K>[]>();
  const add = (rowIndex: number, c: CellRefusal<K>) => out.set(rowIndex, [...(out.get(rowIndex) ?? []), c]);
  for (const f of fields) {
    const filled = rows.filter((r) => text(r.values[f.key]) !== null);
    if (filled.length < 2) continue;
    const first = filled[0];
    const differing = filled.filter((r) => !sameValue(r.values[f.key], first.values[f.key]));
    if (differing.length === 0) continue;
    for (const r of differing) {
      add(r.rowIndex, {
        key: f.key,
        refusal: refusal("DOCUMENT_FIELD_CONFLICT", {
          group,
          field: f.label,
          value: shown(r.values[f.key]),
          rows: rowNumbers([first.rowIndex]),
          other: shown(first.values[f.key]),
        }),
      });
    }
    add(first.rowIndex, {
      key: f.key,
      refusal: refusal("DOCUMENT_FIELD_CONFLICT", {
        group,
        field: f.label,
        value: shown(first.values[f.key]),
        rows: rowNumbers(differing.map((r) => r.rowIndex)),
        other: shown(differing[0].values[f.key]),
      }),
    });
  }
  return out;
}

export interface DuplicateVerdicts<K extends string> {
  readonly cells: Map<number, CellRefusal<K>[]>;
  /** Identical repeats sent once: repeat row → the row it is sent with. */
  readonly sentWith: Map<number, number>;
}

/**
 * Lines of one document that name the same blue line (`lineKey`): every compared field that
 * differs is refused on both rows' cells (DUPLICATE_LINE_CONFLICT, naming the other rows); rows
 * identical on every compared field are flagged on `flagKey` (DUPLICATE_LINE_REPEAT), or, with
 * `sendIdenticalOnce`, kept out of the request and reported as sent with the first.
 */
export function duplicateLines<K extends string>(
  rows: readonly DraftRow<K>[],
  lineKey: (r: DraftRow<K>) => { key: string; label: string } | null,
  compared: ReadonlyArray<{ readonly key: K; readonly label: string }>,
  flagKey: K,
  sendIdenticalOnce: boolean
): DuplicateVerdicts<K> {
  const cells = new Map<number, CellRefusal<K>[]>();
  const sentWith = new Map<number, number>();
  const add = (rowIndex: number, c: CellRefusal<K>) => {
    const list = cells.get(rowIndex) ?? [];
    if (!list.some((x) => x.key === c.key)) cells.set(rowIndex, [...list, c]);
  };
  const byLine = new Map<string, { label: string; rows: DraftRow<K>[] }>();
  for (const r of rows) {
    const k = lineKey(r);
    if (!k) continue;
    const g = byLine.get(k.key);
    if (g) g.rows.push(r);
    else byLine.set(k.key, { label: k.label, rows: [r] });
  }
  for (const { label, rows: same } of byLine.values()) {
    if (same.length < 2) continue;
    for (const r of same) {
      const others = same.filter((o) => o !== r);
      let conflicting = false;
      for (const f of compared) {
        const differ = others.filter((o) => !sameValue(o.values[f.key], r.values[f.key]));
        if (differ.length === 0) continue;
        conflicting = true;
        add(r.rowIndex, {
          key: f.key,
          refusal: refusal("DUPLICATE_LINE_CONFLICT", {
            rows: rowNumbers(differ.map((o) => o.rowIndex)),
            line: label,
            field: f.label,
            value: shown(r.values[f.key]),
            other: shown(differ[0].values[f.key]),
          }),
        });
      }
      if (conflicting) continue;
      const identical = others.filter((o) =>
        compared.every((f) => sameValue(o.values[f.key], r.values[f.key]))
      );
      const first = same[0];
      if (sendIdenticalOnce) {
        if (r !== first && identical.includes(first)) sentWith.set(r.rowIndex, first.rowIndex);
        continue;
      }
      add(r.rowIndex, {
        key: flagKey,
        refusal: refusal("DUPLICATE_LINE_REPEAT", {
          rows: rowNumbers(identical.map((o) => o.rowIndex)),
          line: label,
        }),
      });
    }
  }
  return { cells, sentWith };
}

/**
 * The verdict of each row: its parse errors, then the planner's refusals on cells without one (the
 * first refusal of a cell wins, as the sheet shows one note per cell).
 */
export function verdictOf<K extends string>(
  row: DraftRow<K>,
  document: string | null,
  own: readonly CellRefusal<K>[],
  sentWith?: number
): RowVerdict<K> {
  const cells: CellRefusal<K>[] = [...row.cellErrors.map((e) => ({ key: e.key, refusal: e.refusal }))];
  const taken = new Set<K>(cells.map((c) => c.key));
  for (const c of own) {
    if (taken.has(c.key)) continue;
    taken.add(c.key);
    cells.push(c);
  }
  return {
    rowIndex: row.rowIndex,
    document,
    ok: cells.length === 0,
    cells,
    ...(sentWith !== undefined ? { sentWith } : {}),
  };
}

/** One document of a draft sheet: its rows, and its request when every row passed. */
export interface DraftDocumentPlan<Req> {
  /** The grouping key (e.g. "申请单号 A001"), null for a row that is a document alone. */
  readonly key: string | null;
  readonly rowIndexes: readonly number[];
  readonly ok: boolean;
  readonly request: Req | null;
}

export interface DraftPlan<K extends string, Req> {
  readonly rows: readonly RowVerdict<K>[];
  readonly documents: readonly DraftDocumentPlan<Req>[];
}

/** What a draft planner contributes to `planDrafts`: its grouping, its rules and its request. */
export interface DraftRules<K extends string, Req> {
  readonly documentKey: (values: DraftRow<K>["values"]) => string | null;
  readonly rowCheck: (values: DraftRow<K>["values"]) => readonly CellRefusal<K>[];
  readonly documentCheck: (key: string, rows: readonly DraftRow<K>[]) => DuplicateVerdicts<K>;
  /** The request of a document whose rows all passed: `sent` leaves out repeats sent with another row. */
  readonly request: (rows: readonly DraftRow<K>[], sent: readonly DraftRow<K>[]) => Req;
}

/**
 * Rows → documents (by the planner's key) → a verdict per row (its own rules, then the document's)
 * and the request of every document whose rows all pass; verdicts in sheet order.
 */
export function planDrafts<K extends string, Req>(
  rows: readonly DraftRow<K>[],
  rules: DraftRules<K, Req>
): DraftPlan<K, Req> {
  const verdicts: RowVerdict<K>[] = [];
  const documents: DraftDocumentPlan<Req>[] = [];
  for (const g of groupRows(rows, (r) => rules.documentKey(r.values))) {
    const doc = g.key === null ? null : rules.documentCheck(g.key, g.rows);
    const own = g.rows.map((r) =>
      verdictOf(
        r,
        g.key,
        [...rules.rowCheck(r.values), ...(doc?.cells.get(r.rowIndex) ?? [])],
        doc?.sentWith.get(r.rowIndex)
      )
    );
    verdicts.push(...own);
    const ok = own.every((v) => v.ok);
    const sent = g.rows.filter((r) => !doc?.sentWith.has(r.rowIndex));
    documents.push({
      key: g.key,
      rowIndexes: g.rows.map((r) => r.rowIndex),
      ok,
      request: ok ? rules.request(g.rows, sent) : null,
    });
  }
  verdicts.sort((a, b) => a.rowIndex - b.rowIndex);
  return { rows: verdicts, documents };
}

/** A request's `data` as the wire has it (handler view: numbers as exact text). */
export interface WireData {
  readonly [field: string]: unknown;
  readonly invoiceDetail?: ReadonlyArray<Readonly<Record<string, unknown>>>;
}

/**
 * A request read back as the planner's rows — one row per line, the document fields repeated on
 * every row, as the sheet has them (the inverse of the request builder, through the same
 * WireFields table): keys in `decimals` as Dec, other values trimmed text, blanks null.
 * `overrides` supplies values that are codes on the wire and labels on the sheet.
 */
export function rowsOfWireData<K extends string>(
  fields: WireFields<K>,
  data: WireData,
  decimals: ReadonlySet<K>,
  overrides?: (line: Readonly<Record<string, unknown>>) => Readonly<Partial<Record<K, CellValue>>>
): DraftRow<K>[] {
  const cell = (key: K, v: unknown): CellValue => {
    if (v === undefined || v === null || String(v).trim() === "") return null;
    return decimals.has(key) ? new Dec(String(v).trim()) : String(v).trim();
  };
  const head: Partial<Record<K, CellValue>> = {};
  for (const [wire, key] of Object.entries(fields.header) as [string, K][]) head[key] = cell(key, data[wire]);
  return (data.invoiceDetail ?? []).map((l, i) => {
    const values: Partial<Record<K, CellValue>> = { ...head };
    for (const [wire, key] of Object.entries(fields.line) as [string, K][]) values[key] = cell(key, l[wire]);
    return { rowIndex: i, cellErrors: [], values: { ...values, ...overrides?.(l) } };
  });
}

/**
 * The first refusal the planner's row rules, then its document rules, give on a request's rows
 * (`rowsOfWireData`), naming the wire field it concerns — how a gateway answers a request the pane
 * would have refused on a cell. `ignore` drops the sheet-only rules the wire does not have.
 */
export function firstWireRefusal<K extends string>(
  rows: readonly DraftRow<K>[],
  fields: WireFields<K>,
  rowCheck: (values: DraftRow<K>["values"]) => readonly CellRefusal<K>[],
  documentCheck: (key: string, rows: readonly DraftRow<K>[]) => DuplicateVerdicts<K>,
  ignore: (c: CellRefusal<K>) => boolean = () => false
): Refusal | null {
  const doc = documentCheck("本次申请", rows);
  for (const r of rows) {
    const c = [...rowCheck(r.values), ...(doc.cells.get(r.rowIndex) ?? [])].find((x) => !ignore(x));
    if (!c) continue;
    const field = wirePathOf(fields, c.key, r.rowIndex);
    return field ? { ...c.refusal, field } : c.refusal;
  }
  return null;
}
