/**
 * 2.2.01 税控发票开具 (code: ASSUMED_INTERFACE_CODES["2.2.01"]), red issues only (invoiceProperty 1):
 * - 税控专票 + redInfoBillNo: the red 专票 of an approved 红字信息表, for the FORM's own amounts and
 *   lines, full or partial (001: 审核通过后…开具红字专用发票; 点击红冲…根据红字信息表中的信息自动生成开票
 *   页面的信息). The blue's remaining amounts and 发票状态 (部分红冲 / 全额红冲) follow, the form → 已开票;
 * - 税控普票 + original code/number: the whole remaining amount (no invoiceDetail) or the lines given,
 *   each of which must carry exactly the engine's figures (calcRedLine with the planner's reason
 *   TAX_CONTROL_PARTIAL_LINE_REASON, like 2.1.04's RCF_LINE_MISMATCH); a partial 普票 passes only when
 *   the domain allows it (redFlush.taxControlOrdinaryFullOnly / TAX_CONTROL_ORDINARY_PARTIAL_ALLOWED).
 * Every element: 发票状态 / 可红冲金额 (canRedFlushInvoice), the remaining check against every 待开
 * record that holds an amount, per-element answers and per-serialNo idempotency like 2.2.02.
 */
import { calcRedLine, RED_LINE_FIELD_LABEL } from "../../../domain/confirmForm";
import { infoFormActionRefusal } from "../../../domain/infoForm";
import type { TaxMode } from "../../../domain/labels";
import { Dec, ZERO, formatAmount, formatQty, magnitude } from "../../../domain/money";
import { TAX_CONTROL_PARTIAL_LINE_REASON } from "../../../domain/plan/redFlush";
import {
  canRedFlushInvoice,
  checkRemainingReversible,
  taxControlOrdinaryFullOnly,
} from "../../../domain/redFlush";
import { ASSUMED_INTERFACE_CODES } from "../../../gateway/assumptions";
import { type TaxControlIssueItemWire, TaxControlIssueData, type WireIn } from "../../../gateway/schemas";
import type { HandlerContext } from "../../context";
import type { Row } from "../../db/schema";
import type { InterfaceHandler } from "../../registry";
import { type RedLineInput, holdingPendingReds, wholeRedLine, wholeRedLines } from "../redIssue";
import { engineForm } from "./taxControlShared";
import {
  type ElementAnswer,
  ElementRefused,
  issueTaxControlRedInvoice,
  handleTaxControlBatch,
  stop,
  taxControlRedTarget,
} from "./taxControlQuickRed";

type IssueItem = WireIn<TaxControlIssueItemWire>;
type BlueLine = Row<"blue_invoice_lines">;

/**
 * reading: a 红字信息表 line names no blue line on the wire (2.2.04 lines carry goods, rate, amounts):
 * it reverses the first blue line with the same 商品名称 and 税率 whose remaining amount covers it.
 */
export const INFO_FORM_LINE_MATCH = "商品名称+税率，剩余可红冲金额足够" as const;

export const taxControlIssueHandler: InterfaceHandler<readonly IssueItem[]> = {
  interfaceCode: ASSUMED_INTERFACE_CODES["2.2.01"],
  endpoint: "sim",
  description: "2.2.01 税控发票开具（沙箱：红字）",
  dataSchema: TaxControlIssueData,

  handle: (ctx, items) => handleTaxControlBatch(ctx, items, issueElement, "税控发票开具"),
};

const txt = (v: unknown): string | undefined =>
  v === undefined || v === null || String(v).trim() === "" ? undefined : String(v).trim();
const decOf = (v: unknown): Dec | null => (txt(v) === undefined ? null : new Dec(String(v).trim()));

/** The blue line a red line reverses: by originalSeq (0-based) when given, else INFO_FORM_LINE_MATCH. */
function matchBlueLine(
  blueLines: readonly BlueLine[],
  used: Map<number, Dec>,
  l: { originalSeq?: unknown; goodsName?: string; taxRate?: string; amount: Dec }
): BlueLine | undefined {
  const seq = txt(l.originalSeq);
  if (seq !== undefined) return blueLines.find((b) => b.line_no - 1 === Number(seq));
  return blueLines.find(
    (b) =>
      b.goods_name === l.goodsName &&
      (l.taxRate === undefined || new Dec(b.tax_rate).eq(new Dec(l.taxRate))) &&
      magnitude(b.remaining_amount)
        .minus(used.get(b.id) ?? ZERO)
        .gte(l.amount.abs())
  );
}

/** The red lines of an approved 红字信息表: its own lines, each on its blue line. */
async function formLines(
  ctx: HandlerContext,
  form: Row<"info_forms">,
  blueLines: readonly BlueLine[]
): Promise<RedLineInput[]> {
  const lines = await ctx.repo
    .selectFrom("info_form_lines")
    .selectAll()
    .where("form_id", "=", form.id)
    .orderBy("line_no")
    .execute();
  const used = new Map<number, Dec>();
  return lines.map((l, i) => {
    const amount = new Dec(l.amount);
    const b =
      (l.blue_line_id !== null ? blueLines.find((x) => x.id === l.blue_line_id) : undefined) ??
      matchBlueLine(blueLines, used, { goodsName: l.goods_name, taxRate: l.tax_rate, amount });
    if (!b) {
      return stop("INFO_FORM_LINE_UNMATCHED", {
        formNo: form.bill_no ?? "",
        row: i + 1,
        goods: l.goods_name,
        taxRate: l.tax_rate,
      });
    }
    used.set(b.id, (used.get(b.id) ?? ZERO).add(amount.abs()));
    return {
      blueLineId: b.id,
      lineProperty: b.line_property,
      goodsName: l.goods_name,
      revenueCode: l.revenue_code,
      specification: l.specification,
      units: l.units,
      quantity: l.quantity === null ? null : formatQty(magnitude(l.quantity).neg()),
      price: l.price,
      amount: formatAmount(amount.abs().neg()),
      taxRate: l.tax_rate,
      taxAmount: formatAmount(new Dec(l.tax_amount).abs().neg()),
    };
  });
}

/** 普票 lines as requested: each the whole remaining line or exactly the engine's partial figures. */
function ordinaryLines(
  blue: Row<"blue_invoices">,
  blueLines: readonly BlueLine[],
  detail: NonNullable<IssueItem["invoiceDetail"]>
): RedLineInput[] {
  const used = new Map<number, Dec>();
  const seen = new Set<number>();
  return detail.map((req, i) => {
    const amount = decOf(req.amount) ?? ZERO;
    const tax = decOf(req.taxAmount);
    const qty = decOf(req.quantity);
    const b = matchBlueLine(blueLines, used, {
      originalSeq: req.originalSeq,
      goodsName: txt(req.goodsName),
      taxRate: txt(req.taxRate),
      amount,
    });
    if (!b) return stop("RCF_LINE_NOT_FOUND", { invoiceNo: blue.invoice_no, seq: txt(req.originalSeq) ?? i });
    if (seen.has(b.id)) return stop("RCF_LINE_DUPLICATE", { seq: b.line_no - 1 });
    seen.add(b.id);
    used.set(b.id, amount.abs());
    const remaining = {
      amount: new Dec(b.remaining_amount),
      tax: new Dec(b.remaining_tax),
      quantity: b.remaining_quantity === null ? null : new Dec(b.remaining_quantity),
      unitPrice: b.reversible_unit_price,
    };
    if (amount.abs().eq(remaining.amount.abs()) && (tax === null || tax.abs().eq(remaining.tax.abs())))
      return wholeRedLine(b);
    const r = calcRedLine({
      reason: TAX_CONTROL_PARTIAL_LINE_REASON,
      taxMode: blue.tax_mode as TaxMode,
      taxCode: b.revenue_code,
      taxRate: b.tax_rate,
      privilegeType: b.privilege_type,
      hasDiscountLine: b.has_discount_line === 1,
      remaining,
      edit: { field: "amountExclTax", value: amount.abs() },
    });
    if (!r.ok) throw new ElementRefused(r.refusal);
    const v = r.value;
    const diffs: Array<[string, string, string]> = [];
    if (!amount.abs().eq(v.amount.abs())) diffs.push(["金额", formatAmount(v.amount), formatAmount(amount)]);
    if (tax !== null && !tax.abs().eq(v.tax.abs()))
      diffs.push(["税额", formatAmount(v.tax), formatAmount(tax)]);
    if (qty !== null && v.quantity !== null && !qty.abs().eq(v.quantity.abs()))
      diffs.push(["数量", formatQty(v.quantity), formatQty(qty)]);
    if (diffs.length > 0) {
      const [f, expected, actual] = diffs[0];
      return stop("RCF_LINE_MISMATCH", {
        row: i + 1,
        field: `${f}（按${RED_LINE_FIELD_LABEL.amountExclTax}计算）`,
        reason: TAX_CONTROL_PARTIAL_LINE_REASON,
        expected,
        actual,
      });
    }
    return {
      blueLineId: b.id,
      lineProperty: b.line_property,
      goodsName: b.goods_name,
      revenueCode: b.revenue_code,
      specification: b.specification,
      units: b.units,
      quantity: v.quantity === null ? null : formatQty(v.quantity),
      price: v.unitPrice === null ? b.price : formatQty(v.unitPrice),
      amount: formatAmount(v.amount),
      taxRate: b.tax_rate,
      taxAmount: formatAmount(v.tax),
    };
  });
}

async function issueElement(ctx: HandlerContext, item: IssueItem, serialNo: string): Promise<ElementAnswer> {
  const org = ctx.caller.org;
  if (item.invoiceProperty !== "1") return stop("TAX_CONTROL_BLUE_ISSUE_NOT_SIMULATED");
  const { form, blue, family } = await taxControlRedTarget(ctx, item);
  const pre = canRedFlushInvoice(blue.status, blue.remaining_amount);
  if (!pre.ok) throw new ElementRefused(pre.refusal);

  let applicationNo: string | null = null;
  if (form?.application_id != null) {
    const app = await ctx.repo
      .selectFrom("applications")
      .select("bill_no")
      .where("id", "=", form.application_id)
      .executeTakeFirst();
    applicationNo = app?.bill_no ?? null;
  }
  const blueLines = await ctx.repo
    .selectFrom("blue_invoice_lines")
    .selectAll()
    .where("invoice_id", "=", blue.id)
    .orderBy("line_no")
    .execute();

  let lines: RedLineInput[];
  const useForm = family === "税控专票" ? form : undefined;
  if (family === "税控专票") {
    // 001 §3.3: a red 专票 needs an approved 红字信息表 of this seller for this invoice.
    if (!form) return stop("INFO_FORM_NUMBER_MISSING");
    const r = infoFormActionRefusal(engineForm(form, applicationNo), {
      type: "redFlush",
      orgTaxId: org.tax_id,
    });
    if (r) throw new ElementRefused(r);
    lines = await formLines(ctx, form, blueLines);
  } else if (item.invoiceDetail && item.invoiceDetail.length > 0) {
    lines = ordinaryLines(blue, blueLines, item.invoiceDetail);
  } else {
    lines = wholeRedLines(blueLines);
  }
  const request = lines.reduce((s, l) => s.add(magnitude(l.amount)), ZERO);
  if (family === "税控普票") {
    const fullOnly = taxControlOrdinaryFullOnly(family, blue.remaining_amount, request);
    if (fullOnly) throw new ElementRefused(fullOnly);
  }
  // §2 / 000 ②: |本次| + Σ|待开 records that hold an amount| ≤ |可红冲金额|.
  const pending = await holdingPendingReds(ctx.repo, [blue.id]);
  const check = checkRemainingReversible(
    blue.remaining_amount,
    pending.map((p) => p.amount),
    request
  );
  if (!check.allowed) throw new ElementRefused(check.refusal!);
  for (const l of lines) {
    const b = blueLines.find((x) => x.id === l.blueLineId);
    if (
      !b ||
      magnitude(l.amount).gt(magnitude(b.remaining_amount)) ||
      magnitude(l.taxAmount).gt(magnitude(b.remaining_tax))
    )
      stop("INSUFFICIENT_REMAINING");
  }

  // ── issue ─────────────────────────────────────────────────────────────────────
  return issueTaxControlRedInvoice(ctx, {
    serialNo,
    blue,
    form: useForm,
    applicationNo,
    lines,
    drawer: item.drawer ?? blue.drawer,
  });
}
