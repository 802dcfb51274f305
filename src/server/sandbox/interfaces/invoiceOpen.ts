/**
 * 2.1.01 ALLE.INVOICE.OPEN — issue a 数电 blue invoice in the sandbox (piaozone-api §2.1.01). The
 * simulated bureau issues at once: the invoice is 已开票 when the call commits, and the INVOICE.OPEN
 * callback (2.1.02) is queued in the same transaction. Idempotent by serialNo.
 *
 * Checks are the wire's value rules only (§1.8): amounts 2 dp, line tax within 0.06 of 金额 × 税率,
 * normal lines positive, a discount line (1) negative and right after its discounted line (2).
 *
 * A line without taxAmount gets the tax the vendor would compute (ASSUMPTIONS.md C7; third-party
 * clients omit it): R2(金额 × 税率) for a tax-exclusive amount, and for a tax-inclusive one
 * (includeTaxFlag "1") 金额 = R2(含税 ÷ (1 + 税率)), 税额 = 含税 − 金额. `""` in taxAmount,
 * quantity or price means "not given", as the vendor's Java binds it.
 */
import { splitTaxInclusive } from "../../../domain/confirmForm/calcRedLine";
import { Dec, formatAmount, formatQty } from "../../../domain/money";
// |金额 × 税率 − 税额| ≤ 0.06 per line: the domain's one constant (piaozone-api §1.8).
import { expectedLineTax, lineTaxRefusal } from "../../../domain/plan/lineRules";
import { INVOICE_TYPE_LABELS } from "../../../gateway/codes";
import { chinaDate } from "../../clock";
import { type InterfaceHandler, ok, refuse, refused } from "../../registry";
import { type BlueInvoiceOpenWire, BlueInvoiceOpenData, type WireIn } from "../../../gateway/schemas";
import { digitalInvoiceNo } from "../seed";

/** The request as the handler gets it (numbers as exact decimal text). */
type InvoiceOpenData = WireIn<BlueInvoiceOpenWire>;

/** A number field's text, or undefined when absent or "" (orEmpty in schemas/digital.ts). */
const given = (v: string | undefined): string | undefined => (v === undefined || v === "" ? undefined : v);

export const invoiceOpenHandler: InterfaceHandler<InvoiceOpenData> = {
  interfaceCode: "ALLE.INVOICE.OPEN",
  endpoint: "sim",
  description: "2.1.01 数电票蓝字发票开具",
  dataSchema: BlueInvoiceOpenData,
  idempotencyKey: (d) => d.serialNo.trim(),

  async handle(ctx, d) {
    const org = ctx.caller.org;
    if (org.issue_system !== "数电") {
      return refuse("GW_VALIDATION", { detail: "税控企业不能通过数电票接口开具发票" });
    }
    if (d.invoiceType === "01" && !d.buyerTaxpayerId?.trim()) {
      return refuse("GW_VALIDATION", { detail: "数电专票须填写购方税号 buyerTaxpayerId" });
    }
    const includeTax = d.includeTaxFlag === "1";
    const lines = [];
    for (const [i, l] of d.invoiceDetail.entries()) {
      const field = `data.invoiceDetail[${i}]`;
      const rate = new Dec(l.taxRate);
      if (rate.isNegative() || rate.greaterThan(1))
        return refuse("GW_VALIDATION", { detail: `${field}.taxRate 不是有效税率` });
      const sentTax = given(l.taxAmount);
      // With includeTaxFlag=1 the amount includes tax.
      const stated = new Dec(l.amount);
      const { amount, tax } =
        sentTax !== undefined
          ? { amount: includeTax ? stated.sub(sentTax) : stated, tax: new Dec(sentTax) }
          : includeTax
            ? splitTaxInclusive(stated, rate)
            : { amount: stated, tax: expectedLineTax(stated, rate) };
      const discount = l.lineProperty === "1";
      if (discount ? !amount.isNegative() : !amount.isPositive()) {
        return refuse("GW_VALIDATION", {
          detail: `${field}.amount ${discount ? "折扣行须为负数" : "须大于0"}`,
        });
      }
      if (discount && d.invoiceDetail[i - 1]?.lineProperty !== "2") {
        return refuse("GW_VALIDATION", { detail: `${field} 折扣行的上一行须为被折扣行（lineProperty 2）` });
      }
      if (l.lineProperty === "2" && d.invoiceDetail[i + 1]?.lineProperty !== "1") {
        return refuse("GW_VALIDATION", { detail: `${field} 被折扣行的下一行须为折扣行（lineProperty 1）` });
      }
      // The engine's per-line tolerance (§1.8, ±0.06); a tax of the other sign is off whatever its size.
      const off = lineTaxRefusal(amount, rate, tax);
      if (off) return refused({ ...off, field: `invoiceDetail[${i}].taxAmount` });
      if (!tax.isZero() && tax.isNegative() !== amount.isNegative()) {
        return refuse("GW_VALIDATION", { detail: `${field}.taxAmount 的正负号须与金额一致` });
      }
      lines.push({
        l,
        amount,
        tax,
        quantity: given(l.quantity),
        price: given(l.price),
        hasDiscountLine: l.lineProperty === "2",
      });
    }
    const amount = lines.reduce((a, x) => a.add(x.amount), new Dec(0));
    const tax = lines.reduce((a, x) => a.add(x.tax), new Dec(0));

    const seq = await ctx.nextSequence("invoice_no:digital");
    const invoiceNo = digitalInvoiceNo(chinaDate(ctx.now).slice(2, 4), org.tax_id.slice(2, 4), seq);
    const id = await ctx.repo.insertReturningId("blue_invoices", {
      kind: INVOICE_TYPE_LABELS[d.invoiceType],
      invoice_type: d.invoiceType,
      invoice_code: "",
      invoice_no: invoiceNo,
      invoice_date: ctx.nowText,
      serial_no: d.serialNo.trim(),
      seller_name: d.sellerName,
      seller_tax_id: org.tax_id,
      buyer_name: d.buyerName,
      buyer_tax_id: d.buyerTaxpayerId?.trim() ?? "",
      amount: formatAmount(amount),
      tax_amount: formatAmount(tax),
      total_amount: formatAmount(amount.add(tax)),
      remaining_amount: formatAmount(amount),
      remaining_tax: formatAmount(tax),
      status: "正常",
      issue_status: "已开票",
      tax_mode: "普通征税",
      deduction: null,
      buyer_usage_confirmed: 0,
      special_type: d.specialType ?? "",
      drawer: d.drawer ?? "",
      remark: d.remark ?? "",
      application_id: null,
      created_at: ctx.now,
      updated_at: ctx.now,
    });
    await ctx.repo
      .insertInto(
        "blue_invoice_lines",
        lines.map(({ l, amount: a, tax: t, quantity, price, hasDiscountLine }, i) => ({
          invoice_id: id,
          line_no: i + 1,
          line_property: l.lineProperty,
          goods_name: l.goodsName,
          revenue_code: l.revenueCode,
          specification: l.specification ?? "",
          units: l.units ?? "",
          quantity: quantity !== undefined ? formatQty(quantity) : null,
          price: price !== undefined ? formatQty(price) : null,
          amount: formatAmount(a),
          tax_rate: formatQty(l.taxRate),
          tax_amount: formatAmount(t),
          remaining_amount: formatAmount(a),
          remaining_tax: formatAmount(t),
          remaining_quantity: quantity !== undefined ? formatQty(quantity) : null,
          reversible_unit_price: null,
          has_discount_line: hasDiscountLine ? 1 : 0,
          privilege_type: l.privilegeType ?? "",
        }))
      )
      .execute();
    await ctx.repo.audit("blue_invoices", id, "issue", undefined, {
      serialNo: d.serialNo,
      invoiceNo,
      amount: formatAmount(amount),
    });
    await ctx.enqueueCallback({
      interfaceCode: "INVOICE.OPEN",
      data: {
        serialNo: d.serialNo.trim(),
        invoiceNum: invoiceNo,
        invoiceProperty: "0",
        invoiceDate: ctx.nowText,
        invoiceType: d.invoiceType,
        includeTaxAmount: amount.add(tax),
        sellerName: d.sellerName,
        sellerTaxpayerId: org.tax_id,
        buyerName: d.buyerName,
        buyerTaxpayerId: d.buyerTaxpayerId ?? "",
        drawer: d.drawer ?? "",
        invoiceDetail: lines.map(({ l, amount: a, tax: t }, i) => ({
          seq: i,
          detailRowNo: i + 1,
          lineProperty: l.lineProperty,
          billSourceId: String(i + 1),
          goodsName: l.goodsName,
          revenueCode: l.revenueCode,
          amount: a,
          taxRate: formatQty(l.taxRate),
          taxAmount: t,
        })),
      },
    });
    return ok(d.serialNo.trim());
  },
};
