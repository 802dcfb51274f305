/**
 * The four bulk templates (issue 5): which sheet-layer schema each one uses, its sheet name, and the
 * few rules a kind adds on top of the schema's own. Columns are never defined twice: three kinds are
 * src/sheet/schemas as they are; 进项下载条件 has its own small schema (inputDownload.ts).
 */
import { DUPLICATE_CODES, planRedFlush, redFlushChecks, redFlushRowOf } from "../../domain/plan/redFlush";
import { Dec } from "../../domain/money";
import { checkConfirmFormDocument, confirmFormDocumentKey } from "../../domain/plan/confirmForm";
import { groupRows, type CellRefusal, type CellValue, type DraftRow } from "../../domain/plan/drafts";
import { checkInfoFormDocument, infoFormDocumentKey } from "../../domain/plan/infoForm";
import { fail, ok, refusal, type Refusal, type Result } from "../../domain/refusals";
import {
  blueInvoicesSchema,
  confirmFormsSchema,
  infoFormsSchema,
  type RowCheckError,
  type SheetSchema,
} from "../schemas";
import { inputDownloadSchema } from "./inputDownload";
import { inputPoolSchema } from "../schemas";
import { normalizeText } from "../../domain/parse";
import { findHeaderRow, headerScore, type ParsedRow } from "../mapping";
import { HEADER_SEARCH_ROWS } from "./limits";

export const TEMPLATE_KINDS = [
  "info-form-import",
  "confirm-form-drafts",
  "blue-red-flush",
  "input-download",
] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export interface KindSpec {
  readonly kind: TemplateKind;
  /** The template's Chinese name (also the data sheet's name). */
  readonly title: string;
  readonly schema: SheetSchema;
  /**
   * Rows that belong to one document (a 红字信息表 / 红字确认单 with several lines): the group key of a
   * parsed row, or null when the row stands alone. A group is sent whole or not at all.
   */
  readonly groupKey: (values: Readonly<Record<string, unknown>>) => string | null;
  /** What a user calls the group in messages ("申请单号 A001"). */
  readonly groupLabel: string;
  /**
   * Result columns a submission writes: the cloud's number for the document (编号) and its status.
   * null: the kind cannot be submitted from a file.
   */
  readonly resultKeys: { readonly number: string; readonly status: string } | null;
  /**
   * Rules across the rows of the sheet (the same blue invoice on several rows), run after every row
   * parsed: the cell errors they add, by rowIndex.
   */
  readonly rowsCheck?: (rows: readonly ParsedRow[]) => ReadonlyMap<number, readonly RowCheckError[]>;
}

/**
 * blue-red-flush: the planner's per-invoice rules (src/domain/plan/redFlush.ts `redFlushChecks`: kind,
 * §2 button, remaining-reversible §9 A1, 税控普票 full only, 数电 红冲原因 and full-only reasons) on
 * each row, on the cell they concern — the same rules the task pane applies. A rule runs only when
 * its values are present: a blank 可红冲金额 is the user's choice to let the cloud decide. Rows of
 * one invoice are checked together by blueRedFlushRowsCheck.
 */
function blueRedFlushRowCheck(values: Readonly<Record<string, unknown>>): RowCheckError[] {
  const str = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v : null);
  const dec = (v: unknown): Dec | null => (v instanceof Dec ? v : null);
  const pending = dec(values.pendingRedAmount);
  const r = redFlushChecks({
    invoiceKind: str(values.invoiceKind),
    invoiceStatus: str(values.invoiceStatus),
    reversibleAmount: dec(values.reversibleAmount),
    pendingRedAmounts: pending === null || pending.isZero() ? [] : [pending],
    redAmount: dec(values.redAmount),
    redReason: str(values.redReason),
    record: null,
  });
  return r === null ? [] : [{ key: r.field ?? "invoiceNumber", refusal: r.refusal }];
}

/**
 * blue-red-flush across rows: the planner's duplicate rules (rows of one blue invoice that disagree,
 * exact repeats), on the cells the pane marks. Without the gateway's record, as a file has none;
 * repeats are refused, as the pane does until the clerk chooses to send them once.
 */
function blueRedFlushRowsCheck(rows: readonly ParsedRow[]): ReadonlyMap<number, RowCheckError[]> {
  // Only the cells that did not parse count as "no value" for the comparison: a rule refusal of
  // blueRedFlushRowCheck (e.g. 税控普票 full only on 本次红冲金额) still holds a value the other rows
  // must agree with, as in the pane, whose planner sees parse errors only.
  const ruleRefusals = (r: ParsedRow) => new Set(blueRedFlushRowCheck(r.values).map((e) => e.refusal.code));
  const plan = planRedFlush(
    rows.map((r) => {
      const rules = ruleRefusals(r);
      return redFlushRowOf(
        r.rowIndex,
        r.values,
        r.errors.filter((e) => !rules.has(e.refusal.code))
      );
    }),
    null
  );
  const out = new Map<number, RowCheckError[]>();
  for (const inv of plan.invoices) {
    for (const f of inv.refusals) {
      if (!DUPLICATE_CODES.has(f.refusal.code) || f.field === null) continue;
      for (const rowIndex of f.rows) {
        const list = out.get(rowIndex) ?? [];
        list.push({ key: f.field, refusal: f.refusal });
        out.set(rowIndex, list);
      }
    }
  }
  return out;
}

/** The schema with a kind's own row rules run after the schema's (the first error of a cell wins). */
function withRowCheck(
  schema: SheetSchema,
  extra: (values: Readonly<Record<string, unknown>>) => RowCheckError[]
): SheetSchema {
  const own = schema.rowCheck;
  return { ...schema, rowCheck: (values) => [...(own ? own(values) : []), ...extra(values)] };
}

/**
 * 红字信息表 / 红字确认单 across rows: the planners' document rules (header fields that must agree,
 * the same blue line twice) on the rows of each document, grouped by the planners' own key.
 */
function documentRowsCheck<K extends string>(
  keyOf: (values: Readonly<Record<K, CellValue>>) => string | null,
  check: (key: string, rows: readonly DraftRow<K>[]) => { cells: Map<number, CellRefusal<K>[]> }
): (rows: readonly ParsedRow[]) => ReadonlyMap<number, RowCheckError[]> {
  return (parsed) => {
    const out = new Map<number, RowCheckError[]>();
    const rows: DraftRow<K>[] = parsed.map((p) => ({
      rowIndex: p.rowIndex,
      values: p.values as Readonly<Record<K, CellValue>>,
      cellErrors: p.errors.map((e) => ({ key: e.columnKey as K, refusal: e.refusal })),
    }));
    for (const g of groupRows(rows, (r) => keyOf(r.values as Readonly<Record<K, CellValue>>))) {
      if (g.key === null || g.rows.length < 2) continue;
      for (const [rowIndex, list] of check(g.key, g.rows).cells) out.set(rowIndex, [...list]);
    }
    return out;
  };
}

export const KIND_SPECS: Readonly<Record<TemplateKind, KindSpec>> = {
  "info-form-import": {
    kind: "info-form-import",
    title: "红字信息表批量引入",
    schema: infoFormsSchema,
    groupKey: infoFormDocumentKey,
    rowsCheck: documentRowsCheck(infoFormDocumentKey, checkInfoFormDocument),
    groupLabel: "红字信息表",
    resultKeys: { number: "infoFormNumber", status: "infoFormStatus" },
  },
  "confirm-form-drafts": {
    kind: "confirm-form-drafts",
    title: "红字确认单",
    schema: confirmFormsSchema,
    groupKey: confirmFormDocumentKey,
    rowsCheck: documentRowsCheck(confirmFormDocumentKey, checkConfirmFormDocument),
    groupLabel: "红字确认单",
    resultKeys: { number: "formNumber", status: "confirmStatus" },
  },
  "blue-red-flush": {
    kind: "blue-red-flush",
    title: "蓝票红冲清单",
    schema: withRowCheck(blueInvoicesSchema, blueRedFlushRowCheck),
    rowsCheck: blueRedFlushRowsCheck,
    groupKey: () => null,
    groupLabel: "蓝票",
    // Red-flushing routes by invoice kind and needs the pane's confirmation steps (§2): not from a file.
    resultKeys: null,
  },
  "input-download": {
    kind: "input-download",
    title: "进项下载条件",
    schema: inputDownloadSchema,
    groupKey: () => null,
    groupLabel: "下载条件",
    resultKeys: { number: "taskNo", status: "downloadStatus" },
  },
};

export function isTemplateKind(s: string): s is TemplateKind {
  return (TEMPLATE_KINDS as readonly string[]).includes(s);
}

export function kindSpec(kind: string): Result<KindSpec> {
  return isTemplateKind(kind)
    ? ok(KIND_SPECS[kind])
    : fail("FILE_UNKNOWN_KIND", { kind, allowed: TEMPLATE_KINDS.join(", ") });
}

/**
 * The template whose header the sheet matches best (ties: the order of TEMPLATE_KINDS). Host-independent:
 * the CLI (importer.ts) and the task pane both call this one.
 */
export function detectTemplateKind(values: ReadonlyArray<readonly unknown[]>): TemplateKind | null {
  const top = values.slice(0, HEADER_SEARCH_ROWS).map((r) => r.map((c) => normalizeText(c) ?? ""));
  let best: TemplateKind | null = null;
  // Our own 进项发票池 export competes too: its 发票代码/号码/金额 columns look like a 蓝票红冲清单, and
  // taking it for one failed every row. A sheet it matches at least as well is no template (notTemplate).
  let bestScore = poolListScore(top);
  for (const k of TEMPLATE_KINDS) {
    const schema = KIND_SPECS[k].schema;
    const row = findHeaderRow(schema, top);
    const score = row < 0 ? 0 : headerScore(schema, top[row]);
    if (score > bestScore) {
      best = k;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Why a sheet with no template's header is not one: our own 进项发票池 export (a list of invoices
 * received, which the buyer cannot red-flush) gets a refusal that says so; null otherwise.
 */
export function notTemplate(values: ReadonlyArray<readonly unknown[]>, sheet: string): Refusal | null {
  const top = values.slice(0, HEADER_SEARCH_ROWS).map((r) => r.map((c) => normalizeText(c) ?? ""));
  return poolListScore(top) > 0 ? refusal("FILE_IS_POOL_EXPORT", { sheet }) : null;
}

/** Columns only an input-pool list has (no template asks for them). */
const POOL_ONLY_HEADERS = ["勾选状态", "抵扣状态"];

/** How well the top rows match the 进项发票池 list; 0 unless its header has a pool-only column. */
function poolListScore(top: readonly (readonly string[])[]): number {
  const row = findHeaderRow(inputPoolSchema, top);
  if (row < 0 || !top[row].some((h) => POOL_ONLY_HEADERS.includes(h))) return 0;
  return headerScore(inputPoolSchema, top[row]);
}
