/**
 * The 发票红冲 planner (module 000, domain-rules §2): parsed rows of a 蓝票清单 + the gateway's record
 * of each blue invoice → a verdict per invoice and per row (ok, or refusals on the cells they
 * concern) and what to send (税控普票 2.2.02, 税控专票 红字信息表 2.2.04 lines, 数电 2.1.04 lines).
 * Pure: no I/O, no Office, no src/sheet. The task pane, the CLI's blue-red-flush check and
 * =HC.CANREDFLUSH call the same checks (`redFlushChecks`); every red line comes from calcRedLine, and
 * a 红字信息表 line is checked with lineRules before it is planned (what 2.2.04 would refuse).
 *
 * Grouping is explicit: rows are one invoice by 发票代码+发票号码. Rows of one invoice are combined
 * only when every value the plan reads agrees (a header row with 本次红冲金额 plus line rows); a
 * disagreement is a refusal on every conflicting cell, and a row that repeats another one exactly is
 * refused too unless the clerk chose to send it once (`sendDuplicatesOnce`).
 */
import { rowNumbers } from "./drafts";
import type { BlueInvoiceInfo, BlueInvoiceLineInfo } from "../../gateway/extensions";
import type { RedFlushLine, RedInfoFormLine } from "../../gateway/payloads";
import {
  invoiceTypeCode,
  type DigitalInvoiceTypeCode,
  type TaxControlInvoiceTypeCode,
  type TaxControlSpecialTypeCode,
} from "../../gateway/codes";
import {
  ENTRY_RESULT,
  calcRedLine,
  fullRedLine,
  partialReversalRefusal,
  type RedLine,
  type RemainingLine,
} from "../confirmForm";
import { RED_FLUSH_BATCH_LIMIT } from "../inferred";
import { requiredBlueFields } from "../infoForm";
import { WIRE_TEXT_LIMITS, lineTaxRefusal, rateRefusal, taxCodeRefusal, textLimitRefusal } from "./lineRules";
import { InvoiceKind, RedReason, TaxMode, type InfoFormBlueField, type RedFlushTarget } from "../labels";
import { Dec, formatAmount, magnitude, round2HalfUp, ZERO } from "../money";
import {
  INVOICE_FAMILY,
  RED_FLUSH_ROUTE,
  availableAfterPending,
  canRedFlushInvoice,
  checkRemainingReversible,
  singleRedFlushClick,
  taxControlOrdinaryFullOnly,
  type InvoiceFamily,
} from "../redFlush";
import { refusal, type Refusal } from "../refusals";

// ── Input ────────────────────────────────────────────────────────────────────

/** Result columns of the 蓝票清单 (written by the add-in; never compared between rows). */
const BLUE_INVOICE_RESULT_FIELDS = [
  "serialNo",
  "route",
  "redFormNumber",
  "redInvoiceCode",
  "redInvoiceNumber",
  "processStatus",
  "failureReason",
  "confirmStatus",
] as const;

/** The column keys of the 蓝票清单 (src/sheet/schemas/blueInvoices.ts; a test keeps them equal). */
export const BLUE_INVOICE_FIELDS = [
  "invoiceCode",
  "invoiceNumber",
  "invoiceKind",
  "approvalStatus",
  "buyerName",
  "buyerTaxId",
  "sellerTaxId",
  "invoiceStatus",
  "totalAmount",
  "amount",
  "taxAmount",
  "reversibleAmount",
  "pendingRedAmount",
  "redAmount",
  "redReason",
  "issuer",
  "blueIssueDate",
  "lineNo",
  "goodsName",
  "taxCode",
  "quantity",
  "unitPrice",
  "taxRate",
  ...BLUE_INVOICE_RESULT_FIELDS,
] as const;
export type BlueInvoiceField = (typeof BLUE_INVOICE_FIELDS)[number];

const RESULT_FIELDS: ReadonlySet<BlueInvoiceField> = new Set<BlueInvoiceField>(BLUE_INVOICE_RESULT_FIELDS);

/** A parsed cell: Dec for amounts and rates, strings for text, labels and dates, numbers for 行号. */
export type BlueFieldValue = Dec | string | number | null;

/** Where a row stands after earlier runs (read from its result cells by the caller). */
export type ResumeState = "new" | "done" | "retry" | "unknown";

export interface RedFlushRow {
  /** 0-based sheet row; messages say rowIndex + 1. */
  readonly rowIndex: number;
  /** Values by column key; absent or null = blank (or a cell that did not parse). */
  readonly values: Readonly<Partial<Record<BlueInvoiceField, BlueFieldValue>>>;
  /** Cells that did not parse, by column key. */
  readonly cellErrors?: Readonly<Partial<Record<BlueInvoiceField, Refusal>>>;
  /** Default "new". */
  readonly resume?: ResumeState;
}

const FIELD_SET: ReadonlySet<string> = new Set<string>(BLUE_INVOICE_FIELDS);

/**
 * A row as a sheet reader holds it (values by column key, cell errors as column key + refusal) →
 * the planner's row; keys of other columns and values of other types are left out.
 */
export function redFlushRowOf(
  rowIndex: number,
  values: Readonly<Record<string, unknown>>,
  errors: ReadonlyArray<{ readonly columnKey: string; readonly refusal: Refusal }> = [],
  resume?: ResumeState
): RedFlushRow {
  const out: Partial<Record<BlueInvoiceField, BlueFieldValue>> = {};
  for (const [key, v] of Object.entries(values)) {
    if (!FIELD_SET.has(key)) continue;
    if (v === null || v instanceof Dec || typeof v === "string" || typeof v === "number") {
      out[key as BlueInvoiceField] = v;
    }
  }
  const cellErrors: Partial<Record<BlueInvoiceField, Refusal>> = {};
  for (const e of errors) {
    if (FIELD_SET.has(e.columnKey)) cellErrors[e.columnKey as BlueInvoiceField] ??= e.refusal;
  }
  return { rowIndex, values: out, cellErrors, ...(resume ? { resume } : {}) };
}

/** Refusal codes of the rules across rows (duplicates of one invoice). */
export const DUPLICATE_CODES: ReadonlySet<string> = new Set(["DUPLICATE_ROW_CONFLICT", "DUPLICATE_ROW"]);

export interface RedFlushOptions {
  /** Rows that repeat another row of the same invoice exactly are sent once (default: refused). */
  readonly sendDuplicatesOnce?: boolean;
}

// ── Output ───────────────────────────────────────────────────────────────────

/** A refusal and where it lands: a column (null = the whole row) on the listed sheet rows. */
export interface FieldRefusal {
  readonly refusal: Refusal;
  readonly field: BlueInvoiceField | null;
  /** rowIndexes of the cells (rows) it concerns. */
  readonly rows: readonly number[];
}

interface BlueRef {
  readonly invoiceNo: string;
  readonly invoiceCode: string | null;
}

/** What will be sent for an eligible invoice (the caller adds serialNo and the seller's tax ID). */
export type SendPlan =
  | {
      readonly family: "税控普票";
      readonly invoiceType: TaxControlInvoiceTypeCode;
      readonly blue: BlueRef;
      /**
       * Absent = full reversal (2.2.02 carries no amount). Present only for a partial request, which
       * redFlush.TAX_CONTROL_ORDINARY_PARTIAL_ALLOWED lets through: the engine's red line(s) for the
       * 本次红冲金额, computed as for a partial 税控专票 (TAX_CONTROL_PARTIAL_LINE_REASON).
       */
      readonly lines?: readonly RedInfoFormLine[];
    }
  | {
      readonly family: "税控专票";
      readonly invoiceType: TaxControlSpecialTypeCode;
      readonly blue: BlueRef;
      readonly originalIssueTime: string | null;
      readonly buyerName: string;
      readonly buyerTaxId: string;
      readonly lines: readonly RedInfoFormLine[];
    }
  | {
      readonly family: "数电";
      readonly invoiceType: DigitalInvoiceTypeCode;
      readonly blue: BlueRef;
      readonly reason: RedReason;
      /** Absent = full reversal (no invoiceDetail). */
      readonly lines?: readonly RedFlushLine[];
    };

export interface InvoicePlan {
  /** `code|number`, or `row:N` for a row whose 发票号码 is blank or did not parse. */
  readonly key: string;
  readonly rowIndexes: readonly number[];
  readonly invoiceNo: string | null;
  readonly invoiceCode: string | null;
  /** The gateway's record, when there is one for this invoice. */
  readonly record: BlueInvoiceInfo | null;
  readonly family: InvoiceFamily | null;
  readonly route: RedFlushTarget | null;
  /** 本次红冲金额 of the combined rows (magnitude), or the full 可红冲金额 when none was typed. */
  readonly requestAmount: Dec;
  /** What is left after pending 待开 reds (floored at 0). */
  readonly available: Dec;
  readonly resume: ResumeState;
  /** Rows combined into the one request besides the first (header + line rows), rowIndexes. */
  readonly combinedRows: readonly number[];
  /** Exact repeats sent once (sendDuplicatesOnce), rowIndexes. */
  readonly mergedRepeats: readonly number[];
  /** Eligible (or done, or a lost result to look up): see `willSend`. */
  readonly eligible: boolean;
  /** Why not, first one first; kept on a lost-result row that is only looked up. */
  readonly refusals: readonly FieldRefusal[];
  /** Something is done in the run: sent, or (plan null) looked up by its serial. */
  readonly willSend: boolean;
  readonly plan: SendPlan | null;
}

export interface RowVerdict {
  readonly rowIndex: number;
  readonly invoiceKey: string;
  /** The row's invoice goes ahead (or is done). */
  readonly ok: boolean;
  /** The refusals on this row's cells. */
  readonly refusals: readonly FieldRefusal[];
  readonly merged: "combined" | "repeat" | null;
}

export interface RedFlushCounts {
  /** Eligible and not done, so that eligible + refused + done = every invoice. */
  readonly eligible: number;
  readonly refused: number;
  readonly done: number;
  readonly send: number;
  /** Groups of ≤ 10 (the manual's batch limit) the send will use. */
  readonly groups: number;
}

export interface RedFlushPlan {
  readonly invoices: readonly InvoicePlan[];
  readonly rows: readonly RowVerdict[];
  readonly counts: RedFlushCounts;
  /** Invoices with exact repeat rows (the pane offers `sendDuplicatesOnce` when > 0). */
  readonly duplicateInvoices: number;
}

// ── Reading values ───────────────────────────────────────────────────────────

function textOf(v: BlueFieldValue | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Dec) return v.toFixed();
  const s = String(v).trim();
  return s === "" ? null : s;
}

function decOf(v: BlueFieldValue | undefined): Dec | null {
  return v instanceof Dec ? v : null;
}

/** The value as compared between rows: amounts by magnitude (either sign means the same, §1.6). */
function sameKey(field: BlueInvoiceField, v: BlueFieldValue): string {
  if (v instanceof Dec) return (SIGNLESS_FIELDS.has(field) ? magnitude(v) : v).toFixed();
  return textOf(v) ?? "";
}

const SIGNLESS_FIELDS: ReadonlySet<BlueInvoiceField> = new Set<BlueInvoiceField>([
  "reversibleAmount",
  "pendingRedAmount",
  "redAmount",
]);

/** The value as a message shows it: amounts at 2 dp as the sheet shows them, rates as typed. */
function shown(field: BlueInvoiceField, v: BlueFieldValue): string {
  if (!(v instanceof Dec)) return textOf(v) ?? "";
  return SIGNLESS_FIELDS.has(field) || field === "taxAmount" ? formatAmount(v) : v.toFixed();
}

/** Chinese column titles of the fields a conflict can concern (the 蓝票清单 headers). */
export const CONFLICT_FIELD_LABEL: Readonly<Partial<Record<BlueInvoiceField, string>>> = {
  invoiceKind: "发票种类",
  invoiceStatus: "发票状态",
  reversibleAmount: "可红冲金额",
  pendingRedAmount: "待开红冲金额",
  redAmount: "本次红冲金额",
  redReason: "红冲原因",
  buyerName: "购方名称",
  buyerTaxId: "购方税号",
  blueIssueDate: "原蓝票日期",
  goodsName: "货物名称",
  taxCode: "税收分类编码",
  taxRate: "税率",
  taxAmount: "税额",
};

/** Values every plan reads from the rows (the invoice, its amounts and the request). */
const COMMON_FIELDS: readonly BlueInvoiceField[] = [
  "invoiceKind",
  "invoiceStatus",
  "reversibleAmount",
  "pendingRedAmount",
  "redAmount",
];

/**
 * Values the plan of a family reads from the rows besides COMMON_FIELDS. The line columns of a
 * 税控专票 matter only without the gateway's record: then its one 红字信息表 line comes from them.
 */
function familyFields(family: InvoiceFamily | null, hasRecord: boolean): readonly BlueInvoiceField[] {
  if (family === "数电") return ["redReason"];
  if (family === "税控专票") {
    const buyer: BlueInvoiceField[] = ["buyerName", "buyerTaxId", "blueIssueDate"];
    return hasRecord ? buyer : [...buyer, "goodsName", "taxCode", "taxRate", "taxAmount"];
  }
  return [];
}

const rowNo = (rowIndex: number): string => String(rowIndex + 1);

// ── The checks every surface shares ──────────────────────────────────────────

/** What the red-flush rules read about one invoice; null = not given (the rule needing it is skipped). */
export interface RedFlushCheckInput {
  /** 发票种类 as read (variants accepted). */
  readonly invoiceKind: string | null;
  readonly invoiceStatus: string | null;
  readonly reversibleAmount: Dec | null;
  readonly pendingRedAmounts: readonly Dec[];
  /** 本次红冲金额 (either sign); null = the full 可红冲金额. */
  readonly redAmount: Dec | null;
  readonly redReason: string | null;
  /** The gateway's record (its lines and the buyer's 用途确认), when known. */
  readonly record?: BlueInvoiceInfo | null;
}

/** A rule's refusal and the column it concerns. */
export interface CheckRefusal {
  readonly field: BlueInvoiceField | null;
  readonly refusal: Refusal;
}

/** Blue lines that still have something to reverse. */
function reversibleLines(inv: BlueInvoiceInfo): BlueInvoiceLineInfo[] {
  return inv.lines.filter(
    (l) => !magnitude(l.remainingAmount).isZero() || !magnitude(l.remainingTax).isZero()
  );
}

/**
 * A partial 数电 红冲 the bureau will refuse as full-only (domain-rules §4 intro, §4.6): 差额征税,
 * 开票有误, or — known only from the gateway's record — a buyer that made no 用途确认, so the
 * seller's 2.1.04 enters the form as 01 (无需确认) and the bureau allows the full amount only.
 * Without the record the confirmation is unknown (null) and only the first two are checked.
 */
export function digitalPartialRefusal(reason: RedReason, record: BlueInvoiceInfo | null): Refusal | null {
  const diffTax = (record ? reversibleLines(record) : []).some(
    (l) => TaxMode.normalize(l.taxMode) === "差额征税"
  );
  return partialReversalRefusal({
    reason,
    taxMode: diffTax ? "差额征税" : "普通征税",
    // Our side is the seller (销方): 2.1.04 is the seller's entry.
    entryConfirmStatus: record
      ? ENTRY_RESULT["销方"][record.buyerUsageConfirmed ? "usageConfirmed" : "usageNotConfirmed"]
      : null,
  });
}

/**
 * The first rule an invoice breaks, in the order the product meets them: 发票种类 → §2 button
 * (状态, 可红冲金额 > 0) → remaining-reversible (§9 A1) → the family's own rules (税控普票 full only;
 * 数电 needs a 红冲原因, and a partial 数电 may be full-only). A rule runs only when its values are
 * given, so one row of a file, a formula with a few arguments and the pane's combined invoice all
 * meet the same rules. Lines (税控专票 / 数电 partial) are checked when the plan is built.
 */
export function redFlushChecks(v: RedFlushCheckInput): CheckRefusal | null {
  let family: InvoiceFamily | null = null;
  if (v.invoiceKind !== null) {
    const kind = InvoiceKind.normalize(v.invoiceKind);
    if (kind === undefined) {
      return { field: "invoiceKind", refusal: refusal("UNKNOWN_INVOICE_KIND", { value: v.invoiceKind }) };
    }
    family = INVOICE_FAMILY[kind];
  }
  if (v.invoiceStatus !== null && v.reversibleAmount !== null) {
    const r = canRedFlushInvoice(v.invoiceStatus, v.reversibleAmount);
    if (!r.ok) {
      const field = r.refusal.code === "NO_REVERSIBLE_AMOUNT" ? "reversibleAmount" : "invoiceStatus";
      return { field, refusal: r.refusal };
    }
  }
  if (v.reversibleAmount === null) {
    // Without the amount only the kind's own requirements can be checked.
    return family === "数电" && v.redReason === null ? reasonRequired() : null;
  }
  const request = v.redAmount ?? magnitude(v.reversibleAmount);
  const remaining = checkRemainingReversible(v.reversibleAmount, v.pendingRedAmounts, request);
  if (remaining.refusal) {
    // 000 单张红冲 "存在同金额的待开，将不进入单张发票红冲页面": when a 待开 of the very same amount is the
    // cause, that is the reason (the clerk deletes the 待开 first), on 待开红冲金额 — on every surface.
    const click = singleRedFlushClick(v.reversibleAmount, v.pendingRedAmounts);
    if (!click.entersPage && click.refusal.code === "DUPLICATE_PENDING_SAME_AMOUNT") {
      return { field: v.record ? null : "pendingRedAmount", refusal: click.refusal };
    }
    return { field: "redAmount", refusal: remaining.refusal };
  }
  if (family === null) return null;
  const fullOnly = taxControlOrdinaryFullOnly(family, v.reversibleAmount, request);
  if (fullOnly) return { field: "redAmount", refusal: fullOnly };
  if (family === "数电") {
    const reason = v.redReason === null ? undefined : RedReason.normalize(v.redReason);
    if (reason === undefined) return reasonRequired();
    if (magnitude(request).lt(magnitude(v.reversibleAmount))) {
      const partial = digitalPartialRefusal(reason, v.record ?? null);
      if (partial) return { field: "redAmount", refusal: partial };
    }
  }
  return null;
}

const reasonRequired = (): CheckRefusal => ({
  field: "redReason",
  refusal: refusal("FIELD_REQUIRED", { field: "红冲原因" }),
});

// ── Grouping and duplicates ──────────────────────────────────────────────────

function invoiceKeyOf(row: RedFlushRow): string {
  const no = textOf(row.values.invoiceNumber);
  return no === null ? `row:${row.rowIndex}` : `${textOf(row.values.invoiceCode) ?? ""}|${no}`;
}

/** Rows → invoices, in the order their first row appears. */
function groupRows(rows: readonly RedFlushRow[]): Array<{ key: string; rows: RedFlushRow[] }> {
  const groups = new Map<string, RedFlushRow[]>();
  for (const row of rows) {
    const key = invoiceKeyOf(row);
    const list = groups.get(key) ?? [];
    list.push(row);
    groups.set(key, list);
  }
  return Array.from(groups, ([key, list]) => ({ key, rows: list }));
}

/** Every input cell of the row, as compared (result columns left out: we wrote them). */
function rowSignature(row: RedFlushRow): string {
  return BLUE_INVOICE_FIELDS.filter((f) => !RESULT_FIELDS.has(f))
    .map((f) => {
      const v = row.values[f];
      return v === null || v === undefined ? "" : sameKey(f, v);
    })
    .join("\u0000");
}

/** Exact repeats: each later row equal to an earlier one → the first row it repeats. */
function repeatsOf(rows: readonly RedFlushRow[]): Map<number, number> {
  const firstBySignature = new Map<string, number>();
  const out = new Map<number, number>();
  for (const row of rows) {
    const sig = rowSignature(row);
    const first = firstBySignature.get(sig);
    if (first === undefined) firstBySignature.set(sig, row.rowIndex);
    else out.set(row.rowIndex, first);
  }
  return out;
}

/** A refusal on every cell of `field` whose value differs from another row's. */
function conflictsOf(rows: readonly RedFlushRow[], field: BlueInvoiceField): FieldRefusal[] {
  const filled = rows.filter((r) => {
    const v = r.values[field];
    return v !== null && v !== undefined && textOf(v) !== null && !r.cellErrors?.[field];
  });
  const keyOf = (r: RedFlushRow) => sameKey(field, r.values[field] as BlueFieldValue);
  if (new Set(filled.map(keyOf)).size < 2) return [];
  const values = filled.map(
    (r) => `第${rowNo(r.rowIndex)}行 ${shown(field, r.values[field] as BlueFieldValue)}`
  );
  return filled.map((r) => ({
    refusal: refusal("DUPLICATE_ROW_CONFLICT", {
      rows: rowNumbers(filled.filter((o) => keyOf(o) !== keyOf(r)).map((o) => o.rowIndex)),
      field: CONFLICT_FIELD_LABEL[field] ?? field,
      values: values.join("，"),
    }),
    field,
    rows: [r.rowIndex],
  }));
}

/** The one value of a field across rows that agree: the first filled cell. */
function firstValue(rows: readonly RedFlushRow[], field: BlueInvoiceField): BlueFieldValue {
  for (const r of rows) {
    const v = r.values[field];
    if (v !== null && v !== undefined && textOf(v) !== null) return v;
  }
  return null;
}

/** Rows whose cell of `field` holds a value (where a rule's refusal lands), else the first row. */
function rowsWith(rows: readonly RedFlushRow[], field: BlueInvoiceField | null): number[] {
  if (field === null) return rows.map((r) => r.rowIndex);
  const withValue = rows.filter((r) => textOf(r.values[field] ?? null) !== null).map((r) => r.rowIndex);
  return withValue.length > 0 ? withValue : [rows[0].rowIndex];
}

const RESUME_RANK: Readonly<Record<ResumeState, number>> = { new: 0, retry: 1, unknown: 2, done: 3 };

/** An invoice's rows were written together; should they differ, the safest state wins (never twice). */
function resumeOf(rows: readonly RedFlushRow[]): ResumeState {
  return rows.reduce<ResumeState>((acc, r) => {
    const s = r.resume ?? "new";
    return RESUME_RANK[s] > RESUME_RANK[acc] ? s : acc;
  }, "new");
}

function recordFor(
  records: readonly BlueInvoiceInfo[] | null,
  code: string | null,
  no: string | null
): BlueInvoiceInfo | null {
  if (!records || no === null) return null;
  return (
    records.find((r) => r.invoiceNo === no && (r.invoiceCode ?? "") === (code ?? "")) ??
    records.find((r) => r.invoiceNo === no) ??
    null
  );
}

// ── Lines ────────────────────────────────────────────────────────────────────

/**
 * [INFERRED §3.1] A 红字信息表 has no 红冲原因: a partial 税控专票 line by 本次红冲金额 (不含税) is an
 * allowance on the amount, computed by calcRedLine as 销售折让 (amount and tax only, no 数量/单价).
 */
export const TAX_CONTROL_PARTIAL_LINE_REASON: RedReason = "销售折让";

/** A blue line with its 优惠政策, once HC.BLUEINVOICE.QUERY carries it (undefined = not known). */
type LineWithPolicy = BlueInvoiceLineInfo & { readonly privilegeType?: string | null };

function remainingOf(l: BlueInvoiceLineInfo): RemainingLine {
  return {
    amount: l.remainingAmount,
    tax: l.remainingTax,
    quantity: l.remainingQuantity,
    unitPrice: l.redUnitPrice,
  };
}

function infoFormLine(
  goodsName: string,
  revenueCode: string,
  taxRate: string,
  line: RedLine
): RedInfoFormLine & { readonly taxRate: string } {
  return {
    goodsName,
    revenueCode,
    amount: line.amount,
    taxRate,
    taxAmount: line.tax,
    ...(line.quantity !== null ? { quantity: line.quantity } : {}),
    ...(line.unitPrice !== null ? { price: line.unitPrice } : {}),
  };
}

function digitalLine(l: BlueInvoiceLineInfo, line: RedLine): RedFlushLine {
  return {
    lineProperty: "0",
    originalSeq: l.seq,
    goodsName: l.goodsName,
    revenueCode: l.revenueCode,
    ...(l.specification ? { specification: l.specification } : {}),
    ...(l.units ? { units: l.units } : {}),
    ...(line.quantity !== null ? { quantity: line.quantity } : {}),
    ...(line.unitPrice !== null ? { price: line.unitPrice } : {}),
    amount: line.amount,
    taxRate: l.taxRate,
    taxAmount: line.tax,
  };
}

/** The engine's red line for `request` (不含税) on one blue line. */
function partialLine(l: BlueInvoiceLineInfo, reason: RedReason, request: Dec) {
  return calcRedLine({
    reason,
    taxMode: TaxMode.normalize(l.taxMode) ?? "普通征税",
    taxCode: l.revenueCode,
    privilegeType: (l as LineWithPolicy).privilegeType,
    taxRate: l.taxRate,
    hasDiscountLine: l.hasDiscountLine,
    remaining: remainingOf(l),
    edit: { field: "amountExclTax", value: request },
  });
}

type Built = { ok: true; plan: SendPlan } | { ok: false; refusal: FieldRefusalDraft };
type FieldRefusalDraft = { field: BlueInvoiceField | null; refusal: Refusal };

interface Merged {
  readonly text: (f: BlueInvoiceField) => string | null;
  readonly dec: (f: BlueInvoiceField) => Dec | null;
}

/** A 红字信息表 line with the engine's red line it came from (its amounts as Dec). */
interface InfoFormLineDraft {
  readonly line: RedInfoFormLine & { readonly taxRate: string };
  readonly red: RedLine;
  readonly reducedLevy: boolean;
}

/** The 蓝票清单 column of each blue field a 红字信息表 requires (§3.1). */
const BLUE_FIELD_COLUMN: Readonly<Record<InfoFormBlueField, BlueInvoiceField>> = {
  蓝票代码: "invoiceCode",
  蓝票号码: "invoiceNumber",
  蓝票开票日期: "blueIssueDate",
};

/**
 * What the gateway refuses in a 2.2.04 销方申请 that can be known here (§3.1 required blue fields,
 * the parties, and lineRules on each line), on the cell the value came from — none when it came
 * from the gateway's record. The tolerance |金额 × 税率 − 税额| ≤ 0.06 is not applied to 减按计征
 * lines: their tax is the engine's 1.5% formula, not 金额 × 税率.
 */
function infoFormRefusal(
  head: { blue: BlueRef; originalIssueTime: string | null; buyerName: string; buyerTaxId: string },
  lines: readonly InfoFormLineDraft[],
  fromSheet: boolean
): FieldRefusalDraft | null {
  const blueValue: Readonly<Record<InfoFormBlueField, string | null>> = {
    蓝票代码: head.blue.invoiceCode,
    蓝票号码: head.blue.invoiceNo,
    蓝票开票日期: head.originalIssueTime,
  };
  for (const f of requiredBlueFields("销方申请")) {
    if (!blueValue[f]) {
      return {
        field: BLUE_FIELD_COLUMN[f],
        refusal: refusal("INFO_FORM_BLUE_FIELD_REQUIRED", { applicant: "销方申请", field: f }),
      };
    }
  }
  if (head.buyerName === "")
    return { field: "buyerName", refusal: refusal("FIELD_REQUIRED", { field: "购方名称" }) };
  if (head.buyerTaxId === "")
    return { field: "buyerTaxId", refusal: refusal("FIELD_REQUIRED", { field: "购方税号" }) };
  const at = (field: BlueInvoiceField, r: Refusal | null): FieldRefusalDraft | null =>
    r === null ? null : { field: fromSheet ? field : null, refusal: r };
  for (const { line, red, reducedLevy } of lines) {
    const rate = new Dec(line.taxRate);
    const found =
      (line.goodsName === "" ? at("goodsName", refusal("FIELD_REQUIRED", { field: "货物名称" })) : null) ??
      at("goodsName", textLimitRefusal("货物名称", line.goodsName, WIRE_TEXT_LIMITS.goodsName)) ??
      at("taxCode", taxCodeRefusal("税收分类编码", line.revenueCode)) ??
      at("taxRate", rateRefusal("税率", rate)) ??
      (reducedLevy ? null : at("taxAmount", lineTaxRefusal(red.amount, rate, red.tax)));
    if (found) return found;
  }
  return null;
}

type LineDraft = { ok: true; line: InfoFormLineDraft } | { ok: false; refusal: FieldRefusalDraft };

/** A partial 税控 line (专票 信息表 / 普票) for `request` on the gateway's one blue line. */
function partialTaxControlLine(l: BlueInvoiceLineInfo, request: Dec): LineDraft {
  const calc = partialLine(l, TAX_CONTROL_PARTIAL_LINE_REASON, request);
  if (!calc.ok) return { ok: false, refusal: { field: "redAmount", refusal: calc.refusal } };
  const line = infoFormLine(l.goodsName, l.revenueCode, l.taxRate, calc.value);
  return {
    ok: true,
    line: { line, red: calc.value, reducedLevy: TaxMode.normalize(l.taxMode) === "减按计征" },
  };
}

/** A partial 税控 line from the row's own columns (no gateway record), as 普通征税. */
function partialSheetLine(m: Merged, reversible: Dec, request: Dec): LineDraft {
  const rate = m.dec("taxRate");
  if (rate === null) {
    return {
      ok: false,
      refusal: { field: "taxRate", refusal: refusal("FIELD_REQUIRED", { field: "税率" }) },
    };
  }
  const calc = calcRedLine({
    reason: TAX_CONTROL_PARTIAL_LINE_REASON,
    taxMode: "普通征税",
    taxCode: m.text("taxCode"),
    taxRate: rate,
    hasDiscountLine: false,
    remaining: {
      amount: reversible,
      tax: m.dec("taxAmount") ?? estimatedTax(reversible, rate),
      quantity: null,
      unitPrice: null,
    },
    edit: { field: "amountExclTax", value: request },
  });
  if (!calc.ok) return { ok: false, refusal: { field: "redAmount", refusal: calc.refusal } };
  const line = infoFormLine(m.text("goodsName") ?? "", m.text("taxCode") ?? "", rate.toFixed(), calc.value);
  return { ok: true, line: { line, red: calc.value, reducedLevy: false } };
}

/** The send plan of an invoice that passed the checks, or why it cannot be sent as asked. */
function buildPlan(
  kind: InvoiceKind,
  blue: BlueRef,
  record: BlueInvoiceInfo | null,
  m: Merged,
  reversible: Dec,
  request: Dec
): Built {
  const family = INVOICE_FAMILY[kind];
  const code = invoiceTypeCode(kind);
  const partial = request.lt(reversible);
  const lines = record ? reversibleLines(record) : null;
  if (family === "税控普票") {
    const base = { family, invoiceType: code as TaxControlInvoiceTypeCode, blue };
    if (!partial) return { ok: true, plan: base };
    // Partial 税控普票 (reached only when redFlush.TAX_CONTROL_ORDINARY_PARTIAL_ALLOWED): the engine's
    // line, as for a partial 税控专票; a 普票 needs no 红字信息表, so no blue-field/party checks.
    if (lines && lines.length > 1) {
      return {
        ok: false,
        refusal: { field: null, refusal: refusal("PANE_PARTIAL_NEEDS_LINE_DETAIL", { lines: lines.length }) },
      };
    }
    const one =
      lines && lines.length === 1
        ? partialTaxControlLine(lines[0], request)
        : partialSheetLine(m, reversible, request);
    if (!one.ok) return one;
    return { ok: true, plan: { ...base, lines: [one.line.line] } };
  }
  if (family === "税控专票") {
    const head = {
      family,
      invoiceType: code as TaxControlSpecialTypeCode,
      blue,
      originalIssueTime: record?.issueDate ?? m.text("blueIssueDate"),
      buyerName: record?.buyerName ?? m.text("buyerName") ?? "",
      buyerTaxId: record?.buyerTaxId ?? m.text("buyerTaxId") ?? "",
    };
    const reduced = (l: BlueInvoiceLineInfo) => TaxMode.normalize(l.taxMode) === "减按计征";
    const checked = (built: readonly InfoFormLineDraft[], fromSheet: boolean): Built => {
      const bad = infoFormRefusal(head, built, fromSheet);
      return bad
        ? { ok: false, refusal: bad }
        : { ok: true, plan: { ...head, lines: built.map((b) => b.line) } };
    };
    if (lines && lines.length > 0) {
      if (!partial) {
        const full = lines.map((l): InfoFormLineDraft => {
          const red = fullRedLine(remainingOf(l));
          return {
            line: infoFormLine(l.goodsName, l.revenueCode, l.taxRate, red),
            red,
            reducedLevy: reduced(l),
          };
        });
        return checked(full, false);
      }
      if (lines.length > 1) {
        return {
          ok: false,
          refusal: {
            field: null,
            refusal: refusal("PANE_PARTIAL_NEEDS_LINE_DETAIL", { lines: lines.length }),
          },
        };
      }
      const one = partialTaxControlLine(lines[0], request);
      return one.ok ? checked([one.line], false) : one;
    }
    // No gateway record: one line from the row's own columns, as 普通征税 (the sheet has no 征税方式).
    const one = partialSheetLine(m, reversible, request);
    return one.ok ? checked([one.line], true) : one;
  }
  // 数电: the checks made sure of the reason and of the partial rules.
  const reason = RedReason.normalize(m.text("redReason") ?? "") as RedReason;
  const invoiceType = code as DigitalInvoiceTypeCode;
  if (!partial) return { ok: true, plan: { family, invoiceType, blue, reason } };
  if (!lines || lines.length !== 1) {
    const n = lines ? lines.length : "多";
    return {
      ok: false,
      refusal: { field: null, refusal: refusal("PANE_PARTIAL_NEEDS_LINE_DETAIL", { lines: n }) },
    };
  }
  const calc = partialLine(lines[0], reason, request);
  if (!calc.ok) return { ok: false, refusal: { field: "redAmount", refusal: calc.refusal } };
  return {
    ok: true,
    plan: { family, invoiceType, blue, reason, lines: [digitalLine(lines[0], calc.value)] },
  };
}

/**
 * The blue 税额 still reversible when the sheet gives only 可红冲金额 and 税率 (no 税额, no gateway
 * record): 可红冲金额 × 税率 at 2 dp, the tax calcRedLine gives the full line.
 */
function estimatedTax(reversible: Dec, rate: Dec): Dec {
  return round2HalfUp(reversible.times(magnitude(rate)));
}

// ── The planner ──────────────────────────────────────────────────────────────

/** Plan one invoice's rows. */
function planInvoice(
  key: string,
  rows: readonly RedFlushRow[],
  records: readonly BlueInvoiceInfo[] | null,
  opts: RedFlushOptions
): InvoicePlan & { readonly repeats: ReadonlyMap<number, number> } {
  const m: Merged = {
    text: (f) => textOf(firstValue(rows, f)),
    dec: (f) => decOf(firstValue(rows, f)),
  };
  const invoiceNo = m.text("invoiceNumber");
  const invoiceCode = m.text("invoiceCode");
  const record = recordFor(records, invoiceCode, invoiceNo);
  const kindText = record?.kind ?? m.text("invoiceKind");
  const kind = kindText === null ? undefined : InvoiceKind.normalize(kindText);
  const family = kind ? INVOICE_FAMILY[kind] : null;
  const reversible = magnitude(record?.reversibleAmount ?? m.dec("reversibleAmount") ?? ZERO);
  const sheetPending = m.dec("pendingRedAmount");
  const pending = record
    ? record.pendingRedAmounts.map((p) => new Dec(p))
    : sheetPending === null || sheetPending.isZero()
      ? []
      : [sheetPending];
  const typed = m.dec("redAmount");
  const requestAmount = typed === null ? reversible : magnitude(typed);
  const { available } = availableAfterPending(reversible, pending);

  const repeats = repeatsOf(rows);
  const repeatRows = [...repeats.keys()];
  const base = {
    key,
    rowIndexes: rows.map((r) => r.rowIndex),
    invoiceNo,
    invoiceCode,
    record,
    family,
    route: family ? RED_FLUSH_ROUTE[family] : null,
    requestAmount,
    available,
    resume: resumeOf(rows),
    repeats,
  };
  const refused = (refusals: FieldRefusal[], combined: number[] = [], merged: number[] = []) => ({
    ...base,
    combinedRows: combined,
    mergedRepeats: merged,
    eligible: false,
    refusals,
    willSend: false,
    plan: null,
  });

  // An earlier run's result comes first: the blue invoice's status now reflects that very run
  // (全额红冲 after our own red), so the rules would wrongly refuse it.
  if (base.resume === "done") {
    return { ...refused([]), eligible: true };
  }

  // 1. Cells that did not parse.
  const cellErrors: FieldRefusal[] = rows.flatMap((r) =>
    Object.entries(r.cellErrors ?? {}).map(([field, ref]) => ({
      refusal: ref as Refusal,
      field: field as BlueInvoiceField,
      rows: [r.rowIndex],
    }))
  );
  // 2. Rows that disagree, and exact repeats.
  const conflictFields = [...COMMON_FIELDS, ...familyFields(family, record !== null)];
  const conflicts = conflictFields.flatMap((f) => conflictsOf(rows, f));
  const repeatRefusals: FieldRefusal[] = opts.sendDuplicatesOnce
    ? []
    : repeatRows.map((r) => ({
        refusal: refusal("DUPLICATE_ROW", { rows: rowNo(repeats.get(r) as number) }),
        field: "invoiceNumber",
        rows: [r],
      }));
  const merged = opts.sendDuplicatesOnce ? repeatRows : [];
  const combined = rows
    .slice(1)
    .map((r) => r.rowIndex)
    .filter((r) => !repeats.has(r));
  const early = [...cellErrors, ...conflicts, ...repeatRefusals];
  const withResume = (p: ReturnType<typeof refused>) =>
    // Sent before, result lost: look it up by its serial; it is re-sent only if eligible, so the
    // refusal is kept for the run in case the gateway knows nothing of the serial.
    base.resume === "unknown" ? { ...p, eligible: true, willSend: true } : p;
  if (early.length > 0) return withResume(refused(early, combined, merged));

  // 3. The rules, on the combined values (the gateway's record where it has them).
  const at = (d: FieldRefusalDraft): FieldRefusal => ({ ...d, rows: rowsWith(rows, d.field) });
  const checked = redFlushChecks({
    invoiceKind: kindText ?? "",
    invoiceStatus: record?.status ?? m.text("invoiceStatus") ?? "",
    reversibleAmount: reversible,
    pendingRedAmounts: pending,
    redAmount: requestAmount,
    redReason: m.text("redReason"),
    record,
  });
  if (checked) return withResume(refused([at(checked)], combined, merged));

  // 4. What to send.
  const built = buildPlan(
    kind as InvoiceKind,
    { invoiceNo: invoiceNo ?? "", invoiceCode },
    record,
    m,
    reversible,
    requestAmount
  );
  if (!built.ok) return withResume(refused([at(built.refusal)], combined, merged));
  return {
    ...base,
    combinedRows: combined,
    mergedRepeats: merged,
    eligible: true,
    refusals: [],
    willSend: true,
    plan: built.plan,
  };
}

/** The summary counts of a set of invoice plans. */
export function countsOf(
  invoices: readonly Pick<InvoicePlan, "eligible" | "resume" | "willSend">[]
): RedFlushCounts {
  const send = invoices.filter((i) => i.willSend).length;
  return {
    eligible: invoices.filter((i) => i.eligible && i.resume !== "done").length,
    refused: invoices.filter((i) => !i.eligible).length,
    done: invoices.filter((i) => i.eligible && i.resume === "done").length,
    send,
    groups: Math.ceil(send / RED_FLUSH_BATCH_LIMIT),
  };
}

/**
 * Plan the 红冲 of the selected rows. `records` is what HC.BLUEINVOICE.QUERY returned (null when
 * offline or in relay mode: the sheet's own amounts are used). Nothing is sent; the caller sends
 * `plan` of each invoice with `willSend`, adding the serial and its tax ID.
 */
export function planRedFlush(
  rows: readonly RedFlushRow[],
  records: readonly BlueInvoiceInfo[] | null,
  opts: RedFlushOptions = {}
): RedFlushPlan {
  const planned = groupRows(rows).map((g) => ({ g, p: planInvoice(g.key, g.rows, records, opts) }));
  const verdicts: RowVerdict[] = planned.flatMap(({ g, p }) =>
    g.rows.map((r) => ({
      rowIndex: r.rowIndex,
      invoiceKey: p.key,
      ok: p.eligible && p.refusals.length === 0,
      refusals: p.refusals.filter((f) => f.rows.includes(r.rowIndex)),
      merged: p.mergedRepeats.includes(r.rowIndex)
        ? ("repeat" as const)
        : p.combinedRows.includes(r.rowIndex)
          ? ("combined" as const)
          : null,
    }))
  );
  const invoices: InvoicePlan[] = planned.map(({ p }) => {
    const { repeats: _repeats, ...plan } = p;
    return plan;
  });
  const byRow = new Map(verdicts.map((v) => [v.rowIndex, v]));
  return {
    invoices,
    rows: rows.map((r) => byRow.get(r.rowIndex) as RowVerdict),
    counts: countsOf(invoices),
    duplicateInvoices: planned.filter(({ p }) => p.repeats.size > 0).length,
  };
}
