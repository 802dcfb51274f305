/**
 * The lines of a 红字确认单 against its blue invoice (domain-rules §4.6/§4.7): what each blue line still
 * has once other valid bills' reservations are taken off, a whole line reversed (fullRedLine), and a
 * requested partial line checked against the engine's figures (calcRedLine → RCF_LINE_MISMATCH).
 * Used by enterBill (redConfirmShared.ts).
 */
import {
  EDITABLE_FIELDS,
  RED_LINE_FIELD_LABEL,
  type RedLineField,
  type RemainingLine,
  calcRedLine,
  entryQuantityCheck,
  fullRedLine,
} from "../../../domain/confirmForm";
import type { DataSource, RedReason, TaxMode } from "../../../domain/labels";
import { Dec, formatAmount, formatQty } from "../../../domain/money";
import { type Refusal, refusal } from "../../../domain/refusals";
import type { HandlerContext } from "../../context";
import { BureauView } from "../../db/repo";
import {
  type BillLine,
  type BillRow,
  type BlueLineRow,
  type BlueRow,
  type RequestLine,
  VALID_STATUSES,
  parseBillLines,
} from "./redConfirmShared";

export interface Available {
  amount: Dec;
  tax: Dec;
  qty: Dec | null;
}

export const dec = (s: string | null | undefined): Dec | null =>
  s === null || s === undefined || s === "" ? null : new Dec(s);
export const isFull = (l: BlueLineRow) => l.line_property !== "0";

/** Bills of this blue invoice still reserving amounts: 有效 (01–04) and not yet invoiced. */
export async function reservingBills(ctx: HandlerContext, blue: BlueRow): Promise<BillRow[]> {
  return new BureauView(ctx.tx, blue.seller_tax_id, ctx.now)
    .selectFrom("bureau_confirm_bills")
    .selectAll()
    .where("seller_tax_id", "=", blue.seller_tax_id)
    .where("blue_invoice_code", "=", blue.invoice_code)
    .where("blue_invoice_no", "=", blue.invoice_no)
    .where("confirm_status", "in", VALID_STATUSES)
    .where("red_invoice_no", "is", null)
    .execute();
}

/** Per blue line: remaining minus what other valid bills reserve (signed: red amounts are negative). */
export function availableByLine(
  lines: readonly BlueLineRow[],
  reserving: readonly BillRow[]
): Map<number, Available> {
  const out = new Map<number, Available>();
  for (const l of lines) {
    out.set(l.line_no - 1, {
      amount: new Dec(l.remaining_amount),
      tax: new Dec(l.remaining_tax),
      qty: dec(l.remaining_quantity),
    });
  }
  for (const b of reserving) {
    for (const r of parseBillLines(b)) {
      const a = out.get(r.originalSeq);
      if (!a) continue;
      a.amount = a.amount.add(r.amount);
      a.tax = a.tax.add(r.taxAmount);
      if (a.qty !== null && r.quantity !== null) a.qty = a.qty.add(r.quantity);
    }
  }
  return out;
}

export function remainingOf(line: BlueLineRow, a: Available): RemainingLine {
  return { amount: a.amount, tax: a.tax, quantity: a.qty, unitPrice: line.reversible_unit_price };
}

/** A whole blue line reversed: the engine's fullRedLine, or the plain negation on 折扣行 pairs. */
export function fullLine(line: BlueLineRow, a: Available): BillLine {
  const base = {
    originalSeq: line.line_no - 1,
    lineProperty: line.line_property,
    goodsName: line.goods_name,
    revenueCode: line.revenue_code,
    specification: line.specification,
    units: line.units,
    taxRate: line.tax_rate,
  };
  if (isFull(line)) {
    return {
      ...base,
      quantity: a.qty === null || a.qty.isZero() ? null : formatQty(a.qty.neg()),
      price: line.price,
      amount: formatAmount(a.amount.neg()),
      taxAmount: formatAmount(a.tax.neg()),
    };
  }
  const r = fullRedLine(remainingOf(line, a));
  return {
    ...base,
    quantity: r.quantity === null ? null : formatQty(r.quantity),
    price: r.unitPrice === null ? line.price : formatQty(r.unitPrice),
    amount: formatAmount(r.amount),
    taxAmount: formatAmount(r.tax),
  };
}

export const magEq = (a: Dec, b: Dec) => a.abs().eq(b.abs());

/**
 * One requested line checked against its blue line (domain-rules §4.6/§4.7): equal to what is left →
 * the whole line; otherwise calcRedLine for each field the reason lets the caller edit, and the
 * request must carry exactly the engine's figures.
 */
export function requestedLine(
  blue: BlueRow,
  line: BlueLineRow,
  a: Available,
  requested: RequestLine,
  row: number,
  reason: RedReason,
  dataSource: DataSource = "API接口"
): { ok: true; line: BillLine; full: boolean } | { ok: false; refusal: Refusal } {
  // 匹配结果推送 (§4.11): within ±0.001 of what remains the blue's remaining quantity is entered;
  // beyond it the entry is refused. Other sources enter their own quantity (the engine says so).
  let req = requested;
  if (req.quantity !== undefined && a.qty !== null) {
    const q = entryQuantityCheck({ dataSource, formQuantity: req.quantity, remainingQuantity: a.qty });
    if (!q.allowed) return { ok: false, refusal: q.refusal as Refusal };
    if (q.branch === "USE_REMAINING_QTY") req = { ...req, quantity: formatQty(q.finalQty as Dec) };
  }
  const amount = dec(req.amount);
  const tax = dec(req.taxAmount);
  const qty = dec(req.quantity);
  const wholeLine =
    (amount === null && tax === null && qty === null) ||
    (amount !== null &&
      magEq(amount, a.amount) &&
      (tax === null || magEq(tax, a.tax)) &&
      (qty === null || a.qty === null || magEq(qty, a.qty)));
  if (wholeLine) return { ok: true, line: fullLine(line, a), full: true };
  if (isFull(line)) return { ok: false, refusal: refusal("DISCOUNT_LINE_NOT_EDITABLE") };

  const given: Array<[RedLineField, Dec]> = [];
  if (qty !== null) given.push(["quantity", qty]);
  if (amount !== null) given.push(["amountExclTax", amount]);
  if (amount !== null && tax !== null) given.push(["amountInclTax", amount.abs().add(tax.abs())]);
  const editable = given.filter(([f]) => EDITABLE_FIELDS[reason].includes(f));
  // Nothing the reason may edit: ask the engine anyway, for its refusal (开票有误, 差额征税, 折扣行…).
  const attempts = editable.length > 0 ? editable : given.slice(0, 1);
  let firstRefusal: Refusal | undefined;
  let mismatch: Refusal | undefined;
  for (const [field, value] of attempts) {
    const r = calcRedLine({
      reason,
      taxMode: blue.tax_mode as TaxMode,
      taxCode: line.revenue_code,
      taxRate: line.tax_rate,
      // The blue line's 优惠政策: 个人出租住房 takes the rental formula only with 按5%简易征收减按1.5%计征.
      privilegeType: line.privilege_type,
      hasDiscountLine: line.has_discount_line === 1,
      remaining: remainingOf(line, a),
      edit: { field, value },
    });
    if (!r.ok) {
      firstRefusal ??= r.refusal;
      continue;
    }
    const v = r.value;
    const diffs: Array<[string, string, string]> = [];
    if (amount !== null && !magEq(amount, v.amount))
      diffs.push(["金额", formatAmount(v.amount), req.amount ?? ""]);
    if (tax !== null && !magEq(tax, v.tax)) diffs.push(["税额", formatAmount(v.tax), req.taxAmount ?? ""]);
    if (qty !== null && v.quantity !== null && !magEq(qty, v.quantity))
      diffs.push(["数量", formatQty(v.quantity), req.quantity ?? ""]);
    if (diffs.length === 0) {
      return {
        ok: true,
        full: v.full,
        line: {
          originalSeq: line.line_no - 1,
          lineProperty: line.line_property,
          goodsName: line.goods_name,
          revenueCode: line.revenue_code,
          specification: line.specification,
          units: line.units,
          quantity: v.quantity === null ? null : formatQty(v.quantity),
          price: v.unitPrice === null ? null : formatQty(v.unitPrice),
          amount: formatAmount(v.amount),
          taxRate: line.tax_rate,
          taxAmount: formatAmount(v.tax),
        },
      };
    }
    const [f, expected, actual] = diffs[0];
    mismatch ??= refusal("RCF_LINE_MISMATCH", {
      row,
      field: `${f}（按${RED_LINE_FIELD_LABEL[field]}计算）`,
      reason,
      expected,
      actual,
    });
  }
  return { ok: false, refusal: mismatch ?? firstRefusal ?? refusal("NON_POSITIVE", { field: "红冲金额" }) };
}
