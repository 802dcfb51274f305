/**
 * Module 000 — 发票红冲: red-flush of issued blue invoices (domain-rules §2, §9 A1, A3).
 *
 * Pure rules: which kind goes where, the 红冲 button precondition, the batch limit, the
 * remaining-reversible check against pending 待开 reds, the 税控普票 full-only rule, the single-click
 * rule, and batch partial success (the row planner is plan/redFlush.ts). Amounts are compared as
 * exact magnitudes (users may type either sign, §1.6); nothing is rounded here — typed values are
 * rounded to 2 dp by the parsers (§1.5).
 */
import { RED_FLUSH_BATCH_LIMIT } from "./inferred";
import { BlueInvoiceStatus, InvoiceKind, RedFlushTarget } from "./labels";
import { Dec, DecimalLike, formatAmount, magnitude, sumMagnitudes, toDec, ZERO } from "./money";
import { fail, ok, refusal, Refusal, Result } from "./refusals";

// ── Kinds and routing ────────────────────────────────────────────────────────

/** The three families the manual routes by: 税控普票, 税控专票, 数电. */
export type InvoiceFamily = "税控普票" | "税控专票" | "数电";

/** 发票种类 → family (§2 routing: 电子/纸质普票, 电子/纸质专票, 数电). */
export const INVOICE_FAMILY: Readonly<Record<InvoiceKind, InvoiceFamily>> = {
  增值税普通发票: "税控普票",
  增值税电子普通发票: "税控普票",
  增值税专用发票: "税控专票",
  增值税电子专用发票: "税控专票",
  "数电发票（普通发票）": "数电",
  "数电发票（增值税专用发票）": "数电",
};

/**
 * Family → the page 确定 opens: 普票 are red-flushed directly on the 发票红冲 detail page; a red
 * 专票 needs an approved 红字信息表 (module 001); a red 数电 invoice needs a 红字确认单 (module 002).
 */
export const RED_FLUSH_ROUTE: Readonly<Record<InvoiceFamily, RedFlushTarget>> = {
  税控普票: "发票红冲详情页",
  税控专票: "红字信息表申请页",
  数电: "红字确认单申请页",
};

export function routeRedFlush(kind: InvoiceKind): RedFlushTarget {
  return RED_FLUSH_ROUTE[INVOICE_FAMILY[kind]];
}

/** Routing for a label read from a sheet or an API: variants accepted, unknown kinds refused. */
export function routeRedFlushLabel(kindLabel: string): Result<RedFlushTarget> {
  const kind = InvoiceKind.normalize(kindLabel);
  return kind === undefined ? fail("UNKNOWN_INVOICE_KIND", { value: kindLabel }) : ok(routeRedFlush(kind));
}

// ── The 红冲 button ───────────────────────────────────────────────────────────

/** 发票状态 that allow 红冲 (§2 button rule; 部分红冲 is a real status, §9 A3). */
export const RED_FLUSHABLE_STATUSES: ReadonlySet<BlueInvoiceStatus> = new Set<BlueInvoiceStatus>([
  "正常",
  "部分红冲",
]);

/**
 * 红冲 button precondition: 发票状态 ∈ {正常, 部分红冲} and 发票可红冲金额 > 0.
 * The status is checked first: it is what the list shows, so it is the first thing to fix.
 * A status that is not a known label (a typo in a sheet) is simply not reversible.
 */
export function canRedFlushInvoice(
  status: BlueInvoiceStatus | (string & {}),
  reversibleAmount: DecimalLike
): Result<true> {
  const known = BlueInvoiceStatus.normalize(status);
  if (known === undefined || !RED_FLUSHABLE_STATUSES.has(known)) {
    return fail("INVOICE_STATUS_NOT_REVERSIBLE");
  }
  // The reversible amount of a blue invoice is positive by nature; a red-signed input means the same.
  if (magnitude(reversibleAmount).isZero()) return fail("NO_REVERSIBLE_AMOUNT");
  return ok(true);
}

/** 一次最多只能批量红冲10张: 11+ selected is refused before anything runs. */
export function checkBatchSize(selectedCount: number): Result<true> {
  return selectedCount > RED_FLUSH_BATCH_LIMIT ? fail("BATCH_LIMIT_EXCEEDED") : ok(true);
}

// ── 税控普票: full reversal only ───────────────────────────────────────────────

/**
 * [seed 000 提交校验: |当前待红冲金额| compared with what remains incl. 待开] A 税控普票 may be red-flushed
 * in part. 2.2.02 快速红冲 stays full-only ("仅支持全额红冲"): a partial one is issued through 2.2.01
 * 税控发票开具 with the engine's negative lines (the planner's `lines`); false would bring back full-only.
 */
export const TAX_CONTROL_ORDINARY_PARTIAL_ALLOWED = true;

/**
 * The refusal of a 税控普票 request below its 可红冲金额 (magnitudes), or null when it may go.
 * Compared with the 可红冲金额 itself, not what is left after 待开 reds: 2.2.02 reverses all of it.
 */
export function taxControlOrdinaryFullOnly(
  family: InvoiceFamily,
  reversibleAmount: DecimalLike,
  requestAmount: DecimalLike
): Refusal | null {
  if (family !== "税控普票" || TAX_CONTROL_ORDINARY_PARTIAL_ALLOWED) return null;
  const reversible = magnitude(reversibleAmount);
  return magnitude(requestAmount).lt(reversible)
    ? refusal("TAX_CONTROL_ORDINARY_FULL_ONLY", { available: formatAmount(reversible) })
    : null;
}

// ── Remaining-reversible check (§2, §9 A1) ───────────────────────────────────

/**
 * What is left to reverse once the pending 待开 reds of this invoice are issued:
 * |可红冲金额| − Σ|pending|.
 * [INFERRED §2/§9 A1] When the pending reds already exceed the reversible amount, `available` is
 * 0 (never negative): nothing is left, and a negative "remaining" would read as a credit. The
 * excess is reported separately (`pendingExcess`) so a task pane can say by how much 待开 overshoots.
 */
export function availableAfterPending(
  reversibleAmount: DecimalLike,
  pendingRedAmounts: readonly DecimalLike[]
): { available: Dec; pendingExcess: Dec } {
  return availableOf(magnitude(reversibleAmount), sumMagnitudes(pendingRedAmounts));
}

/** availableAfterPending on magnitudes already read (the submit check reads each amount once). */
function availableOf(reversible: Dec, pending: Dec): { available: Dec; pendingExcess: Dec } {
  const left = pending.isZero() ? reversible : reversible.minus(pending);
  return left.isNegative()
    ? { available: ZERO, pendingExcess: left.negated() }
    : { available: left, pendingExcess: ZERO };
}

export interface RemainingCheck {
  readonly allowed: boolean;
  /** |可红冲金额| − Σ|待开中的红冲金额|, floored at 0 (see availableAfterPending). */
  readonly available: Dec;
  /** How far Σ|pending| exceeds |可红冲金额| (0 when it does not). */
  readonly pendingExcess: Dec;
  readonly refusal?: Refusal;
}

/**
 * The submit check: allowed ⇔ 0 < |request| and |request| + Σ|pending| ≤ |可红冲金额|
 * (§9 A1: the manual's inequality with its labels swapped; equality allowed, so a full reversal
 * with nothing pending passes). Exact decimals: 0.10 + 0.10 + 0.10 ≤ 0.30 holds.
 */
export function checkRemainingReversible(
  reversibleAmount: DecimalLike,
  pendingRedAmounts: readonly DecimalLike[],
  requestAmount: DecimalLike
): RemainingCheck {
  const reversible = magnitude(reversibleAmount);
  const pending = sumMagnitudes(pendingRedAmounts);
  const { available, pendingExcess } = availableOf(reversible, pending);
  const request = magnitude(requestAmount);
  if (request.isZero()) {
    return {
      allowed: false,
      available,
      pendingExcess,
      refusal: refusal("NON_POSITIVE", { field: "本次红冲金额" }),
    };
  }
  const fits = (pending.isZero() ? request : request.plus(pending)).lte(reversible);
  return fits
    ? { allowed: true, available, pendingExcess }
    : { allowed: false, available, pendingExcess, refusal: refusal("INSUFFICIENT_REMAINING") };
}

// ── Single red-flush click ───────────────────────────────────────────────────

export type SingleClickOutcome =
  | { readonly entersPage: false; readonly refusal: Refusal }
  | {
      readonly entersPage: true;
      /** The page proposes the full 可红冲金额 (a positive magnitude, like a typed request). */
      readonly defaultRequestAmount: Dec;
      /** The submit check for that default, so the page can warn before the user edits. */
      readonly submitWithDefault: RemainingCheck;
    };

/**
 * 待开 records (开票管理→待开发票) and the amount they hold (000 ②): a red that was not issued stays in
 * 待开 — as 待开, or as 未开票 after a failed issue — until the clerk deletes it, and every remaining-
 * amount check counts it. Only an issued record (已开票) no longer holds an amount; a deleted record is gone.
 */
export const PENDING_RED_STATUS = { waiting: "待开", failed: "未开票", issued: "已开票" } as const;
export type PendingRedStatus = (typeof PENDING_RED_STATUS)[keyof typeof PENDING_RED_STATUS];
/** The statuses of 待开 records that no longer hold a red amount (for `status not in (…)` queries). */
export const PENDING_RED_RELEASED: readonly PendingRedStatus[] = [PENDING_RED_STATUS.issued];
/** Whether a 待开 record in `status` still holds its amount against the blue invoice. */
export function pendingRedHolds(status: string): boolean {
  return !(PENDING_RED_RELEASED as readonly string[]).includes(status);
}

/**
 * 单张红冲: at click time, a pending 待开 red of the same amount as the current 可红冲金额 keeps the
 * page closed (存在同金额的待开 — most likely the same reversal already queued). Otherwise the page
 * opens with the full 可红冲金额, and the general check applies on submit.
 * The button precondition (可红冲金额 > 0) is checked first: with nothing to reverse there is no page.
 */
export function singleRedFlushClick(
  reversibleAmount: DecimalLike,
  pendingRedAmounts: readonly DecimalLike[]
): SingleClickOutcome {
  const reversible = magnitude(reversibleAmount);
  if (reversible.isZero()) return { entersPage: false, refusal: refusal("NO_REVERSIBLE_AMOUNT") };
  if (pendingRedAmounts.some((p) => magnitude(p).eq(reversible))) {
    return { entersPage: false, refusal: refusal("DUPLICATE_PENDING_SAME_AMOUNT") };
  }
  return {
    entersPage: true,
    defaultRequestAmount: reversible,
    submitWithDefault: checkRemainingReversible(reversible, pendingRedAmounts, reversible),
  };
}

// ── Batch red-flush ──────────────────────────────────────────────────────────

export interface BatchInvoice<No = string> {
  /** The invoice's identifier as the caller knows it (发票号码, row key…); echoed back untouched. */
  readonly no: No;
  readonly reversibleAmount: DecimalLike;
  readonly pendingRedAmounts: readonly DecimalLike[];
  /** 本次待红冲金额; absent = the full 可红冲金额 (what a batch reversal proposes). */
  readonly requestAmount?: DecimalLike | null;
  /** 发票状态 when known: then the button precondition is checked first. */
  readonly status?: BlueInvoiceStatus | (string & {}) | null;
}

export interface BatchOutcome<No = string> {
  /** Set when the whole batch is refused (more than 10 selected): nothing runs. */
  readonly refusal?: Refusal;
  /** Invoices that go ahead, input order. */
  readonly processed: readonly No[];
  /** Invoices refused, input order, each with its reason. */
  readonly rejected: readonly { readonly no: No; readonly refusal: Refusal }[];
  /**
   * Whether the refusal pop-up listing rejected invoices shows (批量红冲: 无法进行红冲的通过弹窗提示).
   * [INFERRED §2] A batch refused for its size shows the limit message instead, not this pop-up.
   */
  readonly popupShown: boolean;
}

/** One invoice of a batch, on its own: button precondition (when the status is known), then the check. */
export function checkBatchInvoice(inv: BatchInvoice<unknown>): Result<true> {
  if (inv.status !== undefined && inv.status !== null) {
    const pre = canRedFlushInvoice(inv.status, inv.reversibleAmount);
    if (!pre.ok) return pre;
  }
  const request = inv.requestAmount ?? magnitude(inv.reversibleAmount);
  const check = checkRemainingReversible(inv.reversibleAmount, inv.pendingRedAmounts, request);
  return check.refusal ? { ok: false, refusal: check.refusal } : ok(true);
}

/** 批量红冲: each invoice is checked on its own; passing ones go ahead, failing ones are listed. */
export function batchRedFlush<No>(invoices: readonly BatchInvoice<No>[]): BatchOutcome<No> {
  const size = checkBatchSize(invoices.length);
  if (!size.ok) return { refusal: size.refusal, processed: [], rejected: [], popupShown: false };
  const processed: No[] = [];
  const rejected: { no: No; refusal: Refusal }[] = [];
  for (const inv of invoices) {
    const r = checkBatchInvoice(inv);
    if (r.ok) processed.push(inv.no);
    else rejected.push({ no: inv.no, refusal: r.refusal });
  }
  return { processed, rejected, popupShown: rejected.length > 0 };
}

// ── Preflight for a task pane ────────────────────────────────────────────────

export interface PreflightInput<No = string> {
  readonly no: No;
  /** 发票种类 as read (variants accepted); unknown kinds are refused, not guessed. */
  readonly kind: InvoiceKind | (string & {});
  /** 发票状态 as read. */
  readonly status: BlueInvoiceStatus | (string & {});
  readonly reversibleAmount: DecimalLike;
  readonly pendingRedAmounts: readonly DecimalLike[];
  /** 本次待红冲金额; absent = the full 可红冲金额. */
  readonly requestAmount?: DecimalLike | null;
}

export interface PreflightRow<No = string> {
  readonly no: No;
  readonly eligible: boolean;
  /** The first failing rule, in the order the product meets them: kind, button, submit check. */
  readonly refusal?: Refusal;
  /** Where 确定 would take this invoice (absent for an unknown kind). */
  readonly route?: RedFlushTarget;
  /** The request that was checked (the full 可红冲金额 when none was given). */
  readonly requestAmount: Dec;
  /** What is left after pending 待开 reds (floored at 0). */
  readonly available: Dec;
}

export interface Preflight<No = string> {
  /** The batch-size check for the whole selection. */
  readonly batch: Result<true>;
  readonly rows: readonly PreflightRow<No>[];
  /** Convenience counts for a summary line. */
  readonly eligibleCount: number;
  readonly refusedCount: number;
}

/**
 * Everything a task pane needs before the user presses 红冲 on a selection: per row eligible or the
 * exact refusal, plus its route, and the batch-size check. Rows are evaluated even when the batch is
 * too large, so the user can see which ones to drop.
 */
export function preflight<No>(rows: readonly PreflightInput<No>[]): Preflight<No> {
  const out = rows.map((row): PreflightRow<No> => {
    const requestAmount =
      row.requestAmount == null ? magnitude(row.reversibleAmount) : toDec(row.requestAmount);
    const { available } = availableAfterPending(row.reversibleAmount, row.pendingRedAmounts);
    const routed = routeRedFlushLabel(row.kind);
    if (!routed.ok) return { no: row.no, eligible: false, refusal: routed.refusal, requestAmount, available };
    const route = routed.value;
    const r = checkBatchInvoice({ ...row, requestAmount });
    return r.ok
      ? { no: row.no, eligible: true, route, requestAmount, available }
      : { no: row.no, eligible: false, refusal: r.refusal, route, requestAmount, available };
  });
  const eligibleCount = out.filter((r) => r.eligible).length;
  return {
    batch: checkBatchSize(rows.length),
    rows: out,
    eligibleCount,
    refusedCount: out.length - eligibleCount,
  };
}

/**
 * [INFERRED §2, §9 A3] 发票状态 of a blue after a red: nothing left on any line (剩余可红冲金额 and 税额
 * 0) → 全额红冲, otherwise 部分红冲.
 */
export function blueStatusAfterRed(
  lines: readonly { remainingAmount: DecimalLike; remainingTax: DecimalLike }[]
): BlueInvoiceStatus {
  return lines.every((l) => toDec(l.remainingAmount).isZero() && toDec(l.remainingTax).isZero())
    ? "全额红冲"
    : "部分红冲";
}
