/**
 * The simulated tax bureau's 红字确认单 (数电) machinery shared by 2.1.03 / 2.1.04 / 2.1.08 / 2.1.09 /
 * 2.1.12 / 2.1.13 and the HC.* extensions (piaozone-api §2.1, §4; domain-rules §4).
 *
 * Two records per bill:
 * - `bureau_confirm_bills` — the bureau's copy, shared by seller and buyer: the truth of 确认状态,
 *   确认日期 and the red invoice (one per bill);
 * - `red_confirm_forms` (+ lines) — an organisation's record in 发票云 (流水号, 数据来源, 录入状态,
 *   开票状态…). The acting organisation's record follows its own actions; the counterparty learns
 *   of changes by 下载 / 更新确认单状态 (2.1.12) or the header refresh of 2.1.13 (manual §下载/更新).
 *
 * Every rule comes from src/domain (enter / confirm / revoke / redFlush via runConfirmFormAction,
 * calcRedLine, checkRemainingReversible, canRedFlushInvoice, partialReversalRefusal, confirmDeadline,
 * callbackDecision, redFlushWriteBackTarget); this module loads rows, asks the rule, writes the result.
 * Split by concern: bill state, reading and 录入 here; the lines against the blue in
 * redConfirmLines.ts; the red issue in redConfirmIssue.ts; the 2.1.13 / 2.1.12 items in
 * redConfirmItems.ts; the red invoice itself, 待开 records and the callback in ../redIssue.ts.
 */
import { createHash } from "crypto";
import {
  AWAITING_PARTY,
  CONFIRM_STATUS_CODES,
  type ConfirmForm,
  type ConfirmStatusCode,
  confirmDeadline,
  confirmForm,
  counterparty,
  isValidConfirmStatus,
  partialReversalRefusal,
  runConfirmFormAction,
} from "../../../domain/confirmForm";
import type {
  AuditStatus,
  BlueInvoiceStatus,
  DataSource,
  FormInvoiceStatus,
  InputInvoiceStatus,
  RedReason,
  Role,
  TaxMode,
} from "../../../domain/labels";
import { ZERO, formatAmount } from "../../../domain/money";
import { bureauInputStatus } from "../../../domain/inputSync";
import { canRedFlushInvoice, checkRemainingReversible } from "../../../domain/redFlush";
import { refusal } from "../../../domain/refusals";
import {
  PARTY_IDENTITY_CODES,
  codeToReason,
  isDigitalInvoiceTypeCode,
  reasonToCode,
} from "../../../gateway/codes";
import { parseJsonExact, stringifyJson } from "../../../gateway/json";
import { chinaDate } from "../../clock";
import type { HandlerContext } from "../../context";
import { BureauView, type OrgScope } from "../../db/repo";
import type { RedConfirmApprovalSetting, Row } from "../../db/schema";
import { lockForUpdate } from "../../db/tx";
import { type Outcome, refuse, refused } from "../../registry";
import { type RedLineFields, holdingPendingReds } from "../redIssue";
import {
  type Available,
  availableByLine,
  fullLine,
  isFull,
  requestedLine,
  reservingBills,
} from "./redConfirmLines";
import { digitalInvoiceNo } from "../seed";

export type BillRow = Row<"bureau_confirm_bills">;
export type FormRow = Row<"red_confirm_forms">;
export type BlueRow = Row<"blue_invoices">;
export type BlueLineRow = Row<"blue_invoice_lines">;

/** A bill line as the bureau stores it (line fields of 2.1.03), red-signed decimal strings. */
export interface BillLine extends RedLineFields {
  /** Blue line index, 0-based (originalSeq); the blue line is line_no = originalSeq + 1. */
  readonly originalSeq: number;
}

// ── bureau constants ─────────────────────────────────────────────────────────────────────────

/** 02/03: the bill awaits the party AWAITING_PARTY names (domain-rules §4.3). */
export const AWAITING_STATUSES = Object.keys(AWAITING_PARTY) as ConfirmStatusCode[];
/** 01–04 有效. */
export const VALID_STATUSES = CONFIRM_STATUS_CODES.filter((c) => isValidConfirmStatus(c));
/** What the bureau sets when 02/03 is not confirmed within 72 h of 录入日期 (§4.2: 作废（超72小时未确认）). */
export const BUREAU_EXPIRED_STATUS: ConfirmStatusCode = "07";

/**
 * [INFERRED piaozone-api §1.8] 红字确认单编号: 16 digits (the callback's length) = the seller's
 * 4-digit administrative-division code (税号 positions 3–6) + a 12-digit bureau sequence.
 */
export function bureauBillNo(sellerTaxId: string, seq: number): string {
  const region = /^\d{4}$/.test(sellerTaxId.slice(2, 6)) ? sellerTaxId.slice(2, 6) : "0000";
  return region + String(seq).padStart(12, "0");
}
export const BILL_NO_SEQUENCE = "bureau:rcf_bill_no";

/** govRedConfirmBillUuid: 32 lowercase hex, derived from the (unique) bill number. */
export function bureauBillUuid(billNo: string): string {
  return createHash("sha256").update(`hongchong-bureau-rcf:${billNo}`).digest("hex").slice(0, 32);
}

/** 20-digit 数电 red invoice number, from the same counter as the sandbox's blue numbers. */
export async function nextDigitalInvoiceNo(ctx: HandlerContext, sellerTaxId: string): Promise<string> {
  const seq = await ctx.nextSequence("invoice_no:digital");
  return digitalInvoiceNo(chinaDate(ctx.now).slice(2, 4), sellerTaxId.slice(2, 4), seq);
}

/**
 * [INFERRED §4.2] 审核状态 of a form created through the API, from the org's sim_red_confirm_bill
 * setting: A → 暂存 (the approval flow holds it back, so 录入 is refused), D → 无需审批.
 */
export function auditStatusForNewForm(setting: RedConfirmApprovalSetting): AuditStatus {
  return setting === "A" ? "暂存" : "无需审批";
}

/** [INFERRED §4.5] a 收购票 is recognised by its 特定要素 16 (农产品收购, piaozone-api §1.8). */
export const PURCHASE_INVOICE_SPECIAL_TYPES: readonly string[] = ["16"];

/**
 * reading (002 收购票 step 2 ①, §4.5 — the manual gives no 确认状态 for it): the enter rule (ENTRY_RESULT)
 * sees the issuer of a 收购票 entering its own blue as an issuer, i.e. as the ordinary 销方 — the
 * identities flip, so the issuer has the seller's rights (01 without usage confirmation; with it,
 * awaiting the other party) although the bill records it on the 购方 side — so "awaiting the other
 * party" is the bureau's 03 (购方录入，待销方确认), which the 销方 side confirms.
 */
export const PURCHASE_ISSUER_ENTRY_RULE_ROLE: Role = "销方";

/** Whether a blue invoice is a 收购票 (then the 红冲 party flips, domain confirmForm/identity.ts). */
export function isPurchaseBlue(blue: Pick<BlueRow, "special_type">): boolean {
  return PURCHASE_INVOICE_SPECIAL_TYPES.includes(blue.special_type);
}

// ── reading ──────────────────────────────────────────────────────────────────────────────────

/** The columns a red line shares with its form line and its red-invoice line (goods, quantity, money). */
export function lineGoodsColumns(l: BillLine) {
  return {
    line_property: l.lineProperty,
    goods_name: l.goodsName,
    revenue_code: l.revenueCode,
    specification: l.specification,
    units: l.units,
    quantity: l.quantity,
    price: l.price,
    amount: l.amount,
    tax_rate: l.taxRate,
    tax_amount: l.taxAmount,
  };
}

export function parseBillLines(bill: Pick<BillRow, "lines_json">): BillLine[] {
  const raw = parseJsonExact(bill.lines_json) as unknown as Array<Record<string, string | null>>;
  return raw.map((l) => ({
    originalSeq: Number(l.originalSeq),
    lineProperty: (l.lineProperty ?? "0") as BillLine["lineProperty"],
    goodsName: l.goodsName ?? "",
    revenueCode: l.revenueCode ?? "",
    specification: l.specification ?? "",
    units: l.units ?? "",
    quantity: l.quantity ?? null,
    price: l.price ?? null,
    amount: l.amount ?? "0.00",
    taxRate: l.taxRate ?? "0",
    taxAmount: l.taxAmount ?? "0.00",
  }));
}

export function stringifyBillLines(lines: readonly BillLine[]): string {
  return stringifyJson(lines.map((l) => ({ ...l, originalSeq: String(l.originalSeq) })));
}

/** The caller's 购销身份 on a bill, or undefined when it is no party. */
export function sideOn(
  bill: Pick<BillRow, "seller_tax_id" | "buyer_tax_id">,
  taxId: string
): Role | undefined {
  if (bill.seller_tax_id === taxId) return "销方";
  if (bill.buyer_tax_id === taxId) return "购方";
  return undefined;
}

/** 红冲原因 from a wire code ("1"…"4" or "01"…"04", assumptions A2/A3). */
export function reasonOfCode(code: string): RedReason | undefined {
  return codeToReason(code);
}
/** Wire code of a stored reason label (2.1.03's one-digit form). */
export function reasonCode(label: string): string {
  return reasonToCode(label, "2.1.03") ?? label;
}

export function identityOf(role: Role): "0" | "1" {
  return PARTY_IDENTITY_CODES[role];
}

/** The bill's state as 2.1.03 / 2.1.04 / 2.1.13 / the callback name it. */
export function billState(bill: Pick<BillRow, "bill_no" | "gov_uuid" | "confirm_status">) {
  return {
    redInfoBillNo: bill.bill_no,
    govRedConfirmBillUuid: bill.gov_uuid,
    redConfirmBillStatus: bill.confirm_status,
  };
}

/** A bill the caller is a party to, by number or UUID (locked on PostgreSQL). */
export async function findBill(
  ctx: HandlerContext,
  key: { billNo?: string; uuid?: string }
): Promise<BillRow | undefined> {
  let q = ctx.bureau.selectFrom("bureau_confirm_bills").selectAll();
  if (key.billNo) q = q.where("bill_no", "=", key.billNo);
  if (key.uuid) q = q.where("gov_uuid", "=", key.uuid);
  return lockForUpdate(q, ctx.dialect).executeTakeFirst();
}

/**
 * The bureau's bill entered by `entrantTaxId` under 流水号 `serialNo` (002 回退②: RPA re-queries a
 * 录入失败 form by its 流水号 — it has no 红字确认单编号 to ask by).
 */
export async function findBillByEntrySerial(
  ctx: HandlerContext,
  entrantTaxId: string,
  serialNo: string
): Promise<BillRow | undefined> {
  if (serialNo.trim() === "") return undefined;
  const rows = await lockForUpdate(
    ctx.bureau.selectFrom("bureau_confirm_bills").selectAll().where("entry_serial_no", "=", serialNo.trim()),
    ctx.dialect
  ).execute();
  return rows.find((b) => (b.entrant_role === "销方" ? b.seller_tax_id : b.buyer_tax_id) === entrantTaxId);
}

/** The caller's own record of a bill. */
export async function heldForm(scope: OrgScope, billNo: string): Promise<FormRow | undefined> {
  return scope
    .selectForUpdate("red_confirm_forms")
    .selectAll()
    .where("bill_no", "=", billNo)
    .executeTakeFirst();
}

/**
 * The form as the rules see it, acting on `bill` from the caller's side. 确认状态 and 开票状态 are
 * the bureau's (the bureau decides what may be done); the rest is the org's record when it has one.
 */
export function engineForm(bill: BillRow, myRole: Role, held: FormRow | undefined): ConfirmForm {
  return confirmForm({
    entryStatus: held?.entry_status ?? "录入成功",
    confirmStatus: bill.confirm_status,
    invoiceStatus: bill.red_invoice_no ? "已开票" : (held?.invoice_status ?? "未开票"),
    entrantRole: bill.entrant_role,
    myRole,
    dataSource: held?.data_source ?? "税局下载",
    auditStatus: held?.audit_status ?? "无需审批",
    allocated: held?.allocated === 1,
    entryDate: bill.entered_at,
    confirmDate: bill.confirmed_at,
    // 收购票: the buyer issued the blue, so the 购方 side red-flushes (identity.ts redFlushParty).
    isPurchaseInvoice: bill.is_purchase_invoice === 1,
  });
}

/**
 * reading (002 收购票 step 2 ①, §4.5): the organisation holding a bill's blue invoice (its issuer,
 * `blue_invoices.org_id`): the 销方, or for a 收购票 the 购方 — the buyer of the goods issues a
 * purchase invoice and stands on the 购方 side of the bill.
 */
export function blueHolderTaxId(
  bill: Pick<BillRow, "seller_tax_id" | "buyer_tax_id"> & Partial<Pick<BillRow, "is_purchase_invoice">>
): string {
  return bill.is_purchase_invoice === 1 ? bill.buyer_tax_id : bill.seller_tax_id;
}

// ── the 72-hour rule ─────────────────────────────────────────────────────────────────────────

/** A bill's stored confirm_deadline: 录入日期 + 72 h as the engine writes it; null if not a date. */
export function billDeadline(enteredAt: string): string | null {
  const d = confirmDeadline(enteredAt, enteredAt);
  return d.ok ? d.value.deadline : null;
}

/**
 * The bureau voids 02/03 bills not confirmed within 72 h of 录入日期 (→ 07). Settled lazily on the
 * injected clock whenever a party reads or acts (no timers): every bill this tax ID is a party to
 * whose deadline (engine: confirmDeadline) has passed. Returns the number voided.
 *
 * Only what is due is read: `confirm_deadline < now` on (confirm_status, confirm_deadline) — the stored
 * deadline is the engine's text, so the text order is the time order and the engine's `now > deadline`.
 * An awaiting bill written without a deadline (a seed, a test's row) is read once: the engine
 * decides it, and a bill not yet due gets its deadline stored so later settlements skip it.
 */
export async function settleOverdueBills(ctx: HandlerContext): Promise<number> {
  const awaiting = () =>
    ctx.bureau
      .selectFrom("bureau_confirm_bills")
      .selectAll()
      .where("confirm_status", "in", AWAITING_STATUSES);
  const [due, unknown] = await Promise.all([
    awaiting().where("confirm_deadline", "<", ctx.nowText).execute(),
    awaiting().where("confirm_deadline", "is", null).execute(),
  ]);
  // One lock order for concurrent settlers (PostgreSQL row locks).
  const candidates = [...due, ...unknown].sort((a, b) => Number(a.id) - Number(b.id));
  let voided = 0;
  for (const bill of candidates) {
    const d = confirmDeadline(bill.entered_at, ctx.nowText);
    if (!d.ok) continue;
    if (!d.value.overdue) {
      if (bill.confirm_deadline !== d.value.deadline)
        await ctx.bureau
          .updateTable("bureau_confirm_bills")
          .set({ confirm_deadline: d.value.deadline })
          .where("id", "=", bill.id)
          .execute();
      continue;
    }
    const r = await ctx.bureau
      .updateTable("bureau_confirm_bills")
      .set({ confirm_status: BUREAU_EXPIRED_STATUS, confirm_deadline: d.value.deadline, updated_at: ctx.now })
      .where("id", "=", bill.id)
      .where("confirm_status", "in", AWAITING_STATUSES)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) continue;
    voided++;
    await ctx.bureau.audit(
      "bureau_confirm_bills",
      bill.id,
      "expire",
      { confirmStatus: bill.confirm_status },
      { confirmStatus: BUREAU_EXPIRED_STATUS, deadline: d.value.deadline }
    );
    await syncBuyerPoolStatus(ctx, bill);
  }
  return voided;
}

// ── the buyer's view of the blue invoice (发票状态 in 全票池, domain-rules §5) ─────────────────

/** Pool statuses the bureau derives from the invoice's red state; 失控/作废/异常 are other facts, kept. */
export const RED_DERIVED_POOL_STATUSES: readonly InputInvoiceStatus[] = [
  "正常",
  "红冲",
  "部分红冲",
  "全额红冲",
  "红字发票待确认",
];

/** 发票状态 the bureau shows the buyer for a 数电 invoice: the engine's bureauInputStatus (Golden Tax IV). */
export function poolStatusOf(
  blueStatus: BlueInvoiceStatus,
  awaitingConfirmation: boolean
): InputInvoiceStatus {
  return bureauInputStatus({ system: "金税四期", blueStatus, awaitingConfirmation });
}

/** Recompute the buyer's 全票池 / bureau status of the bill's blue invoice. */
export async function syncBuyerPoolStatus(
  ctx: HandlerContext,
  keys: Pick<BillRow, "seller_tax_id" | "buyer_tax_id" | "blue_invoice_code" | "blue_invoice_no"> &
    Partial<Pick<BillRow, "is_purchase_invoice">>
): Promise<void> {
  const holder = await ctx.orgByTaxId(blueHolderTaxId(keys));
  if (!holder) return;
  const blue = await ctx.repo
    .forOrg(holder.id)
    .selectFrom("blue_invoices")
    .select("status")
    .where("invoice_code", "=", keys.blue_invoice_code)
    .where("invoice_no", "=", keys.blue_invoice_no)
    .executeTakeFirst();
  if (!blue) return;
  const buyerBureau = new BureauView(ctx.tx, keys.buyer_tax_id, ctx.now);
  const awaiting = await buyerBureau
    .selectFrom("bureau_confirm_bills")
    .select("id")
    .where("seller_tax_id", "=", keys.seller_tax_id)
    .where("blue_invoice_code", "=", keys.blue_invoice_code)
    .where("blue_invoice_no", "=", keys.blue_invoice_no)
    .where("confirm_status", "in", AWAITING_STATUSES)
    .executeTakeFirst();
  const status = poolStatusOf(blue.status, awaiting !== undefined);
  await buyerBureau
    .updateTable("bureau_invoices")
    .set({ invoice_status: status, updated_at: ctx.now })
    .where("invoice_code", "=", keys.blue_invoice_code)
    .where("invoice_no", "=", keys.blue_invoice_no)
    .where("invoice_status", "in", RED_DERIVED_POOL_STATUSES)
    .execute();
  const buyer = await ctx.orgByTaxId(keys.buyer_tax_id);
  if (!buyer) return;
  await ctx.repo
    .forOrg(buyer.id, "bureau")
    .updateTable("input_pool")
    .set({ invoice_status: status, updated_at: ctx.now })
    .where("invoice_code", "=", keys.blue_invoice_code)
    .where("invoice_no", "=", keys.blue_invoice_no)
    .where("invoice_status", "in", RED_DERIVED_POOL_STATUSES)
    .where("invoice_status", "!=", status)
    .execute();
}

// ── 录入 (2.1.03, and 2.1.04 when no bill is given) ─────────────────────────────────────────────

/** A line of a partial request (2.1.03 invoiceDetail, 2.1.04 invoiceDetail), magnitudes or red-signed. */
export interface RequestLine {
  readonly seq: number;
  readonly quantity?: string;
  readonly amount?: string;
  readonly taxAmount?: string;
}

export interface ApplyInput {
  /** 流水号 of the org's form (2.1.03 orderNo, 2.1.04 serialNo). */
  readonly orderNo: string;
  readonly invoiceNo: string;
  readonly invoiceCode?: string;
  readonly reason: RedReason;
  /** 录入方身份 = the caller's side (2.1.03 enteridentity; 2.1.04 always 销方). */
  readonly entrant: Role;
  /** Absent = full reversal. */
  readonly lines?: readonly RequestLine[];
  readonly dataSource: DataSource;
}

export interface Applied {
  readonly bill: BillRow;
  readonly form: FormRow;
  readonly blue: BlueRow;
}

/** The blue invoice a party enters a bill for, locked; the seller's org scope with it. */
export async function findBlueForEntrant(
  ctx: HandlerContext,
  invoiceNo: string,
  invoiceCode: string | undefined,
  entrant: Role
): Promise<{ blue: BlueRow; sellerScope: OrgScope } | undefined> {
  const lookup = (scope: OrgScope) => {
    let q = scope.selectForUpdate("blue_invoices").selectAll().where("invoice_no", "=", invoiceNo);
    if (invoiceCode) q = q.where("invoice_code", "=", invoiceCode);
    return q;
  };
  if (entrant === "销方") {
    const blue = await lookup(ctx.repo).executeTakeFirst();
    return blue ? { blue, sellerScope: ctx.repo } : undefined;
  }
  // A 收购票 the caller issued itself: it stands on the 购方 side of its own blue (002 收购票).
  const ownPurchase = await lookup(ctx.repo)
    .where("buyer_tax_id", "=", ctx.caller.org.tax_id)
    .where("special_type", "in", [...PURCHASE_INVOICE_SPECIAL_TYPES])
    .executeTakeFirst();
  if (ownPurchase) return { blue: ownPurchase, sellerScope: ctx.repo };
  // "I am the buyer" (2.1.03 notes): the blue number belongs to the seller's org in the same cloud.
  const sellers = await ctx.tx
    .selectFrom("orgs")
    .select("id")
    .where("issue_system", "=", "数电")
    .where("id", "!=", ctx.caller.org.id)
    .orderBy("id")
    .execute();
  for (const s of sellers) {
    const scope = ctx.repo.forOrg(s.id);
    const blue = await lookup(scope).where("buyer_tax_id", "=", ctx.caller.org.tax_id).executeTakeFirst();
    if (blue) return { blue, sellerScope: scope };
  }
  return undefined;
}

/**
 * Enter a bill at the bureau for a 数电 blue invoice and record it as the caller's form (流水号 =
 * orderNo, 录入成功, 录入日期 = now). The engine decides the 确认状态 (enter rule), the lines
 * (calcRedLine / remaining), whether a partial reversal is allowed and whether enough remains.
 */
export async function enterBill(
  ctx: HandlerContext,
  input: ApplyInput,
  preloaded?: { blue: BlueRow; sellerScope: OrgScope }
): Promise<{ ok: true; applied: Applied } | { ok: false; outcome: Outcome }> {
  const no = (o: Outcome) => ({ ok: false as const, outcome: o });
  const found =
    preloaded ?? (await findBlueForEntrant(ctx, input.invoiceNo, input.invoiceCode, input.entrant));
  if (!found) return no(refuse("RCF_BLUE_NOT_FOUND", { invoiceNo: input.invoiceNo, role: input.entrant }));
  const { blue, sellerScope } = found;
  if (!isDigitalInvoiceTypeCode(blue.invoice_type))
    return no(refuse("RCF_BLUE_NOT_DIGITAL", { invoiceNo: blue.invoice_no }));
  const taken = await ctx.repo
    .selectFrom("red_confirm_forms")
    .select("id")
    .where("serial_no", "=", input.orderNo)
    .executeTakeFirst();
  if (taken) return no(refuse("GW_DUPLICATE_SERIAL", { serialNo: input.orderNo }));
  const flushable = canRedFlushInvoice(blue.status, blue.remaining_amount);
  if (!flushable.ok) return no(refused(flushable.refusal));

  // 录入方身份 at the bureau: the caller's side on its own blue (a 收购票's issuer is its 购方 —
  // identity.ts purchaseInvoiceIdentity: 我是销方 → 我是购方), else the identity it gave.
  const isPurchase = isPurchaseBlue(blue);
  const ownBlue = blue.org_id === ctx.caller.org.id;
  const entrant: Role = (ownBlue ? sideOn(blue, ctx.caller.org.tax_id) : undefined) ?? input.entrant;
  const ruleEntrant: Role = isPurchase && ownBlue ? PURCHASE_ISSUER_ENTRY_RULE_ROLE : entrant;

  // 录入: who enters and whether the buyer confirmed usage decide 01/02/03 (or a refusal).
  const draft = confirmForm({
    entrantRole: ruleEntrant,
    myRole: ruleEntrant,
    dataSource: input.dataSource,
    auditStatus: auditStatusForNewForm(ctx.caller.org.red_confirm_approval),
    buyerUsageConfirmed: blue.buyer_usage_confirmed === 1,
  });
  const entered = runConfirmFormAction("enter", draft, { now: ctx.nowText });
  if (!entered.ok || !entered.form) return no(refused(entered.ok ? refusal("NOT_ENTERED") : entered.refusal));
  const ruleStatus = entered.form.confirmStatus as ConfirmStatusCode;
  // The rule's "awaiting the other party" in bureau terms: a 收购票's issuer stands on the 购方 side,
  // so its counterparty (AWAITING_PARTY) is the 销方 — 03, not 02.
  const status: ConfirmStatusCode =
    ruleEntrant !== entrant && AWAITING_STATUSES.includes(ruleStatus)
      ? (AWAITING_STATUSES.find((c) => AWAITING_PARTY[c] === counterparty(entrant)) ?? ruleStatus)
      : ruleStatus;

  const blueLines = await sellerScope
    .selectFrom("blue_invoice_lines")
    .selectAll()
    .where("invoice_id", "=", blue.id)
    .orderBy("line_no")
    .execute();
  const reserving = await reservingBills(ctx, blue);
  const available = availableByLine(blueLines, reserving);
  const lineBySeq = new Map(blueLines.map((l) => [l.line_no - 1, l]));
  const nonZero = (a: Available) => !a.amount.isZero() || !a.tax.isZero();

  const lines: BillLine[] = [];
  let coversAll = true;
  if (input.lines && input.lines.length > 0) {
    const seen = new Set<number>();
    for (const [i, req] of input.lines.entries()) {
      const line = lineBySeq.get(req.seq);
      if (!line) return no(refuse("RCF_LINE_NOT_FOUND", { invoiceNo: blue.invoice_no, seq: req.seq }));
      if (seen.has(req.seq)) return no(refuse("RCF_LINE_DUPLICATE", { seq: req.seq }));
      seen.add(req.seq);
      const r = requestedLine(
        blue,
        line,
        available.get(req.seq) as Available,
        req,
        i + 1,
        input.reason,
        input.dataSource
      );
      if (!r.ok) return no(refused(r.refusal));
      lines.push(r.line);
      coversAll &&= r.full;
    }
    for (const [seq, a] of available) if (nonZero(a) && !seen.has(seq)) coversAll = false;
    // 折扣行 pairs are reversed together (a discounted line and its discount line, §9 A7).
    for (const l of blueLines)
      if (isFull(l) && seen.has(l.line_no - 1)) {
        const partner = l.line_property === "2" ? l.line_no : l.line_no - 2;
        if (!seen.has(partner)) return no(refuse("DISCOUNT_LINE_NOT_EDITABLE"));
      }
  } else {
    for (const l of blueLines) {
      const a = available.get(l.line_no - 1) as Available;
      if (nonZero(a)) lines.push(fullLine(l, a));
    }
  }
  if (lines.length === 0) return no(refuse("NO_REVERSIBLE_AMOUNT"));
  if (!coversAll) {
    const partial = partialReversalRefusal({
      reason: input.reason,
      taxMode: blue.tax_mode as TaxMode,
      entryConfirmStatus: status,
    });
    if (partial) return no(refused(partial));
  }

  const total = lines.reduce((s, l) => s.add(l.amount), ZERO);
  const totalTax = lines.reduce((s, l) => s.add(l.taxAmount), ZERO);
  // 剩余可红冲 − 待开中的红冲金额 (待开 records in every status that holds, 000 ②) − what other valid bills reserve ≥ this bill (domain-rules §2, §9 A1).
  const pendingReds = await holdingPendingReds(sellerScope, [blue.id]);
  const check = checkRemainingReversible(
    blue.remaining_amount,
    [...pendingReds.map((p) => p.amount), ...reserving.map((b) => b.amount)],
    total
  );
  if (!check.allowed) return no(refused(check.refusal ?? refusal("INSUFFICIENT_REMAINING")));

  const seq = await ctx.nextSequence(BILL_NO_SEQUENCE);
  const billNo = bureauBillNo(blue.seller_tax_id, seq);
  const uuid = bureauBillUuid(billNo);
  const billRow = {
    gov_uuid: uuid,
    bill_no: billNo,
    seller_tax_id: blue.seller_tax_id,
    seller_name: blue.seller_name,
    buyer_tax_id: blue.buyer_tax_id,
    buyer_name: blue.buyer_name,
    entrant_role: entrant,
    confirm_status: status,
    blue_invoice_code: blue.invoice_code,
    blue_invoice_no: blue.invoice_no,
    blue_invoice_date: blue.invoice_date,
    invoice_type: blue.invoice_type,
    red_reason: input.reason,
    amount: formatAmount(total),
    tax_amount: formatAmount(totalTax),
    lines_json: stringifyBillLines(lines),
    entered_at: ctx.nowText,
    entered_at_ms: ctx.now,
    // The settlement's index (0005): 录入日期 + 72 h as the engine writes it.
    confirm_deadline: billDeadline(ctx.nowText),
    confirmed_at: null,
    red_invoice_no: null,
    red_invoice_date: null,
    updated_at: ctx.now,
    is_purchase_invoice: isPurchase ? (1 as const) : (0 as const),
    entry_serial_no: input.orderNo,
  };
  const inserted = await ctx.bureau
    .insertInto("bureau_confirm_bills", billRow)
    .returning("id")
    .executeTakeFirstOrThrow();
  await ctx.bureau.audit("bureau_confirm_bills", inserted.id, "enter", undefined, {
    billNo,
    confirmStatus: status,
    entrant,
  });
  const bill: BillRow = { id: Number(inserted.id), ...billRow };
  const form = await insertFormCopy(ctx, ctx.repo, bill, {
    serialNo: input.orderNo,
    dataSource: input.dataSource,
    auditStatus: draft.auditStatus,
    blueInvoiceId: ownBlue ? blue.id : null,
  });
  if (AWAITING_STATUSES.includes(status)) await syncBuyerPoolStatus(ctx, bill);
  return { ok: true, applied: { bill, form, blue } };
}

/** An organisation's record of a bill (录入成功), with its lines, from the bureau's copy. */
export async function insertFormCopy(
  ctx: HandlerContext,
  scope: OrgScope,
  bill: BillRow,
  opts: {
    serialNo: string;
    dataSource: DataSource;
    auditStatus?: AuditStatus;
    blueInvoiceId?: number | null;
    invoiceStatus?: FormInvoiceStatus;
    redInvoiceNo?: string | null;
    redInvoiceDate?: string | null;
  }
): Promise<FormRow> {
  const myTaxId = (await orgTaxId(ctx, scope.orgId)) as string;
  const myRole = sideOn(bill, myTaxId) as Role;
  const [seller, buyer] = await Promise.all([
    ctx.orgByTaxId(bill.seller_tax_id),
    ctx.orgByTaxId(bill.buyer_tax_id),
  ]);
  const row = {
    serial_no: opts.serialNo,
    bill_no: bill.bill_no,
    gov_uuid: bill.gov_uuid,
    order_no: opts.serialNo,
    confirm_status: bill.confirm_status,
    entry_status: "录入成功" as const,
    invoice_status: opts.invoiceStatus ?? ("未开票" as const),
    audit_status: opts.auditStatus ?? ("无需审批" as const),
    data_source: opts.dataSource,
    entrant_role: bill.entrant_role,
    my_role: myRole,
    seller_org_id: seller?.id ?? null,
    buyer_org_id: buyer?.id ?? null,
    seller_tax_id: bill.seller_tax_id,
    seller_name: bill.seller_name,
    buyer_tax_id: bill.buyer_tax_id,
    buyer_name: bill.buyer_name,
    blue_invoice_id: opts.blueInvoiceId ?? null,
    blue_invoice_code: bill.blue_invoice_code,
    blue_invoice_no: bill.blue_invoice_no,
    blue_invoice_date: bill.blue_invoice_date,
    invoice_type: bill.invoice_type,
    red_reason: bill.red_reason,
    amount: bill.amount,
    tax_amount: bill.tax_amount,
    entered_at: bill.entered_at,
    entered_at_ms: bill.entered_at_ms,
    confirmed_at: bill.confirmed_at,
    red_invoice_no: opts.redInvoiceNo ?? null,
    red_invoice_date: opts.redInvoiceDate ?? null,
    allocated: 0 as const,
    application_id: null,
    delivery_email: "",
    delivery_phone: "",
    remark: "",
    created_at: ctx.now,
    updated_at: ctx.now,
  };
  const id = await scope.insertReturningId("red_confirm_forms", row);
  const lines = parseBillLines(bill);
  if (lines.length > 0) {
    await scope
      .insertInto(
        "red_confirm_form_lines",
        lines.map((l, i) => ({
          form_id: id,
          line_no: i + 1,
          blue_line_id: null,
          original_seq: l.originalSeq,
          ...lineGoodsColumns(l),
        }))
      )
      .execute();
  }
  await scope.audit("red_confirm_forms", id, "create", undefined, {
    serialNo: opts.serialNo,
    billNo: bill.bill_no,
    dataSource: opts.dataSource,
    confirmStatus: bill.confirm_status,
  });
  return { id, org_id: scope.orgId, ...row };
}

async function orgTaxId(ctx: HandlerContext, orgId: number): Promise<string | undefined> {
  if (orgId === ctx.caller.org.id) return ctx.caller.org.tax_id;
  const r = await ctx.tx.selectFrom("orgs").select("tax_id").where("id", "=", orgId).executeTakeFirst();
  return r?.tax_id;
}
