/**
 * The one place the sandbox issues a red invoice against a blue one (2.1.04 from a 红字确认单, 2.2.02
 * 税控快速红冲) and the one builder of the INVOICE.RED callback's `invoiceDetail`, plus the one query
 * of the 待开 records that still hold an amount (000 ②, src/domain/redFlush.ts pendingRedHolds).
 *
 * Issuing = the red invoice row and its lines, the blue's remaining values moved by the (signed) red
 * values line by line (header = Σ lines), the blue's 发票状态 (blueStatusAfterRed), audits.
 */
import type { BlueInvoiceStatus } from "../../domain/labels";
import { Dec, ZERO, formatAmount, formatQty, magnitude } from "../../domain/money";
import { PENDING_RED_RELEASED, PENDING_RED_STATUS, blueStatusAfterRed } from "../../domain/redFlush";
import type { HandlerContext } from "../context";
import type { OrgScope } from "../db/repo";
import type { Row } from "../db/schema";

type BlueRow = Row<"blue_invoices">;

// ── 待开 records ────────────────────────────────────────────────────────────────────────────

/**
 * The 待开 records of these blue invoices that still hold their amount (every status but 已开票:
 * 待开 and 未开票 after a failed issue, until deleted) — the one query every remaining check uses.
 */
export async function holdingPendingReds(
  scope: OrgScope,
  blueInvoiceIds: readonly number[]
): Promise<Row<"pending_reds">[]> {
  if (blueInvoiceIds.length === 0) return [];
  return scope
    .selectFrom("pending_reds")
    .selectAll()
    .where("blue_invoice_id", "in", [...blueInvoiceIds])
    .where("status", "not in", [...PENDING_RED_RELEASED])
    .orderBy("id")
    .execute();
}

/**
 * reading (000 ②: 单张开票…发票红冲页面开具的红票，进入待开，来源为单张开票，开票失败的数据，支持删除):
 * the 来源 of a red that failed to issue through the open API.
 */
export const FAILED_RED_SOURCE = "单张开票";

/**
 * A red accepted for issue that the bureau then refused: it stays in 待开 as 未开票 and holds its
 * (negative) amount until the clerk deletes it (HC.PENDINGRED.DELETE). The caller answers with
 * `keep: true` so this record survives the refusal.
 */
export async function recordFailedRed(
  ctx: HandlerContext,
  args: { blueInvoiceId: number; serialNo: string; amount: string; taxAmount: string; reason: string }
): Promise<number> {
  const id = await ctx.repo.insertReturningId("pending_reds", {
    blue_invoice_id: args.blueInvoiceId,
    serial_no: args.serialNo,
    source: FAILED_RED_SOURCE,
    amount: args.amount,
    tax_amount: args.taxAmount,
    status: PENDING_RED_STATUS.failed,
    created_at: ctx.now,
  });
  await ctx.repo.audit("pending_reds", id, "issue-failed", undefined, {
    serialNo: args.serialNo,
    amount: args.amount,
    status: PENDING_RED_STATUS.failed,
    reason: args.reason,
  });
  return id;
}

// ── issuing ─────────────────────────────────────────────────────────────────────────────────

/** The fields of a red line as the bureau stores them, signed (negative) decimal strings. */
export interface RedLineFields {
  readonly lineProperty: "0" | "1" | "2";
  readonly goodsName: string;
  readonly revenueCode: string;
  readonly specification: string;
  readonly units: string;
  readonly quantity: string | null;
  readonly price: string | null;
  readonly amount: string;
  readonly taxRate: string;
  readonly taxAmount: string;
}

/** The `red_invoice_lines` row of the `index`-th (0-based) line of a red invoice. */
export function redInvoiceLineRow(
  redInvoiceId: number,
  index: number,
  blueLineId: number | null,
  l: RedLineFields
) {
  return {
    red_invoice_id: redInvoiceId,
    line_no: index + 1,
    blue_line_id: blueLineId,
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

/** One red line against blue line `blueLineId` when known. */
export interface RedLineInput extends RedLineFields {
  readonly blueLineId: number | null;
}

/** The red lines of a full reversal: every blue line with something left, its whole remaining negated. */
export function wholeRedLines(lines: readonly Row<"blue_invoice_lines">[]): RedLineInput[] {
  return lines
    .filter((l) => !new Dec(l.remaining_amount).isZero() || !new Dec(l.remaining_tax).isZero())
    .map(wholeRedLine);
}

/** A blue line's whole remaining (金额, 税额, 数量), negated: the red line of a full reversal. */
export function wholeRedLine(b: Row<"blue_invoice_lines">): RedLineInput {
  return {
    blueLineId: b.id,
    lineProperty: b.line_property,
    goodsName: b.goods_name,
    revenueCode: b.revenue_code,
    specification: b.specification,
    units: b.units,
    quantity: b.remaining_quantity !== null ? formatQty(magnitude(b.remaining_quantity).neg()) : null,
    price: b.price,
    amount: formatAmount(new Dec(b.remaining_amount).neg()),
    taxRate: b.tax_rate,
    taxAmount: formatAmount(new Dec(b.remaining_tax).neg()),
  };
}

export interface IssueRedInput {
  readonly blue: BlueRow;
  readonly serialNo: string;
  /** 单据编号 of the red invoice (the 红字确认单's, 002 字段说明 4); absent = none. */
  readonly orderNo?: string;
  /** 交付邮箱 / 交付手机 of the red (the engine's deliveryContact); absent = none. */
  readonly delivery?: { readonly email: string | null; readonly phone: string | null };
  readonly invoiceCode: string;
  readonly invoiceNo: string;
  readonly redReason: string;
  readonly confirmFormId: number | null;
  readonly infoFormId: number | null;
  readonly lines: readonly RedLineInput[];
  /** Audit action names of the two callers, kept as they were ("red-flush" / "red_flush"). */
  readonly auditAction: string;
  /** Audit the red invoice row itself ("issue"), as 2.2.02 does. */
  readonly auditRedInvoice?: boolean;
}

export interface IssuedRed {
  readonly redInvoiceId: number;
  readonly amount: Dec;
  readonly tax: Dec;
  readonly blueStatus: BlueInvoiceStatus;
  readonly remainingAmount: Dec;
  readonly remainingTax: Dec;
}

/** Issue one red invoice (status 已开票) and move the blue's remaining values and 发票状态. */
export async function issueRedInvoice(ctx: HandlerContext, input: IssueRedInput): Promise<IssuedRed> {
  const { blue, lines } = input;
  const amount = lines.reduce((s, l) => s.add(l.amount), ZERO);
  const tax = lines.reduce((s, l) => s.add(l.taxAmount), ZERO);
  const redInvoiceId = await ctx.repo.insertReturningId("red_invoices", {
    blue_invoice_id: blue.id,
    serial_no: input.serialNo,
    order_no: input.orderNo ?? "",
    delivery_email: input.delivery?.email ?? "",
    delivery_phone: input.delivery?.phone ?? "",
    invoice_type: blue.invoice_type,
    invoice_code: input.invoiceCode,
    invoice_no: input.invoiceNo,
    invoice_date: ctx.nowText,
    seller_name: blue.seller_name,
    seller_tax_id: blue.seller_tax_id,
    buyer_name: blue.buyer_name,
    buyer_tax_id: blue.buyer_tax_id,
    amount: formatAmount(amount),
    tax_amount: formatAmount(tax),
    total_amount: formatAmount(amount.add(tax)),
    red_reason: input.redReason,
    issue_status: "已开票",
    issue_error: "",
    confirm_form_id: input.confirmFormId,
    info_form_id: input.infoFormId,
    created_at: ctx.now,
    completes_at: null,
  });
  if (lines.length > 0) {
    await ctx.repo
      .insertInto(
        "red_invoice_lines",
        lines.map((l, i) => redInvoiceLineRow(redInvoiceId, i, l.blueLineId, l))
      )
      .execute();
  }

  // The blue's remaining values move by the (signed) red values; the header is Σ lines.
  const blueLines = await ctx.repo
    .selectFrom("blue_invoice_lines")
    .selectAll()
    .where("invoice_id", "=", blue.id)
    .execute();
  const byId = new Map(blueLines.map((l) => [l.id, l]));
  for (const l of lines) {
    const b = l.blueLineId === null ? undefined : byId.get(l.blueLineId);
    if (!b) continue;
    const next = {
      remaining_amount: formatAmount(new Dec(b.remaining_amount).add(l.amount)),
      remaining_tax: formatAmount(new Dec(b.remaining_tax).add(l.taxAmount)),
      remaining_quantity:
        b.remaining_quantity === null
          ? null
          : formatQty(new Dec(b.remaining_quantity).add(l.quantity ?? "0")),
    };
    await ctx.repo.updateTable("blue_invoice_lines").set(next).where("id", "=", b.id).execute();
    byId.set(b.id, { ...b, ...next });
  }
  const after = [...byId.values()].map((l) => ({
    remainingAmount: new Dec(l.remaining_amount),
    remainingTax: new Dec(l.remaining_tax),
  }));
  const remainingAmount = after.reduce((s, l) => s.add(l.remainingAmount), ZERO);
  const remainingTax = after.reduce((s, l) => s.add(l.remainingTax), ZERO);
  const blueStatus = blueStatusAfterRed(after);
  await ctx.repo
    .updateTable("blue_invoices")
    .set({
      remaining_amount: formatAmount(remainingAmount),
      remaining_tax: formatAmount(remainingTax),
      status: blueStatus,
      updated_at: ctx.now,
    })
    .where("id", "=", blue.id)
    .execute();
  await ctx.repo.audit(
    "blue_invoices",
    blue.id,
    input.auditAction,
    { status: blue.status, remainingAmount: blue.remaining_amount },
    { status: blueStatus, remainingAmount: formatAmount(remainingAmount), redInvoiceNo: input.invoiceNo }
  );
  if (input.auditRedInvoice) {
    await ctx.repo.audit("red_invoices", redInvoiceId, "issue", undefined, {
      serialNo: input.serialNo,
      invoiceCode: input.invoiceCode,
      invoiceNo: input.invoiceNo,
      amount: formatAmount(amount),
    });
  }
  return { redInvoiceId, amount, tax, blueStatus, remainingAmount, remainingTax };
}

// ── the INVOICE.RED callback ───────────────────────────────────────────────────────────────────

/** The fields of the INVOICE.RED callback (5.1.03) every red path sends, with its `invoiceDetail`. */
export function redCallbackData(args: {
  readonly blue: BlueRow;
  readonly drawer: string;
  readonly lines: readonly (RedLineInput & { readonly billSourceId?: string })[];
  /** The path's own answer fields (serialNo, invoiceNum, 红字信息表/确认单 fields…). */
  readonly fields: Record<string, unknown>;
}): Record<string, unknown> {
  const { blue } = args;
  return {
    ...args.fields,
    sellerName: blue.seller_name,
    sellerTaxpayerId: blue.seller_tax_id,
    buyerName: blue.buyer_name,
    buyerTaxpayerId: blue.buyer_tax_id,
    drawer: args.drawer,
    invoiceDetail: args.lines.map((l, i) => ({
      seq: i,
      detailRowNo: i + 1,
      lineProperty: l.lineProperty,
      ...(l.billSourceId !== undefined ? { billSourceId: l.billSourceId } : {}),
      goodsName: l.goodsName,
      revenueCode: l.revenueCode,
      specification: l.specification,
      units: l.units,
      ...(l.quantity !== null ? { quantity: new Dec(l.quantity) } : {}),
      ...(l.price !== null ? { price: new Dec(l.price) } : {}),
      amount: new Dec(l.amount),
      taxRate: l.taxRate,
      taxAmount: new Dec(l.taxAmount),
    })),
  };
}
