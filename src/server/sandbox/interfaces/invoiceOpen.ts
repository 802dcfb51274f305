/**
 * 2.1.01 ALLE.INVOICE.OPEN — issue a 数电 blue invoice in the sandbox (piaozone-api §2.1.01). The
 * simulated bureau issues at once: the invoice is 已开票 when the call commits, and the INVOICE.OPEN
 * callback (2.1.02) is queued in the same transaction. Idempotent by serialNo.
 *
 * Checks are the wire's value rules only (§1.8): amounts 2 dp, line tax within 0.06 of 金额 × 税率,
 * normal lines positive, a discount line (1) negative and right after its discounted line (2).
 */
import { Dec, formatAmount, formatQty } from "../../../domain/money";
import { chinaDate } from "../../clock";
import { type InterfaceHandler, ok, refuse } from "../../registry";
import { S } from "../../protocol/schemas";
import { digitalInvoiceNo } from "../seed";

export interface InvoiceOpenLine {
  readonly lineProperty: "0" | "1" | "2";
  readonly goodsName: string;
  readonly revenueCode: string;
  readonly amount: string;
  readonly taxRate: string;
  readonly taxAmount: string;
  readonly quantity?: string;
  readonly price?: string;
  readonly units?: string;
  readonly specification?: string;
  readonly privilegeType?: string;
}

export interface InvoiceOpenData {
  readonly serialNo: string;
  readonly invoiceType: "01" | "02";
  readonly includeTaxFlag?: "0" | "1";
  readonly sellerName: string;
  readonly sellerTaxpayerId: string;
  readonly buyerName: string;
  readonly buyerTaxpayerId?: string;
  readonly drawer?: string;
  readonly remark?: string;
  readonly specialType?: string;
  readonly invoiceDetail: readonly InvoiceOpenLine[];
}

/** |金额 × 税率 − 税额| ≤ 0.06 per line (piaozone-api §1.8, SEEN). */
export const LINE_TAX_TOLERANCE = new Dec("0.06");

const LINE_SCHEMA = S.object(
  {
    lineProperty: S.enumOf(["0", "1", "2"]),
    goodsName: S.text(100),
    revenueCode: S.string(19, { pattern: "^\\d{19}$" }),
    amount: S.amount(),
    taxRate: S.decimal(),
    taxAmount: S.amount(),
    quantity: S.decimal(),
    price: S.decimal(),
    units: S.string(22),
    specification: S.string(40),
    goodsCode: S.string(32),
    billSourceId: S.string(32),
    privilegeType: S.string(2),
  },
  ["lineProperty", "goodsName", "revenueCode", "amount", "taxRate", "taxAmount"]
);

export const invoiceOpenHandler: InterfaceHandler<InvoiceOpenData> = {
  interfaceCode: "ALLE.INVOICE.OPEN",
  endpoint: "sim",
  description: "2.1.01 数电票蓝字发票开具",
  dataSchema: S.object(
    {
      serialNo: S.text(50),
      invoiceType: S.enumOf(["01", "02"]),
      invoiceProperty: S.enumOf(["0"]),
      includeTaxFlag: S.enumOf(["0", "1"]),
      sellerName: S.text(100),
      sellerTaxpayerId: S.text(20),
      buyerName: S.text(100),
      buyerTaxpayerId: S.string(20),
      drawer: S.string(10),
      remark: S.string(230),
      specialType: S.string(4),
      invoiceDetail: S.array(LINE_SCHEMA, { minItems: 1, maxItems: 2000 }),
    },
    ["serialNo", "invoiceType", "sellerName", "sellerTaxpayerId", "buyerName", "invoiceDetail"]
  ),
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
      const tax = new Dec(l.taxAmount);
      // With includeTaxFlag=1 the amount includes tax.
      const amount = includeTax ? new Dec(l.amount).sub(tax) : new Dec(l.amount);
      if (rate.isNegative() || rate.greaterThan(1))
        return refuse("GW_VALIDATION", { detail: `${field}.taxRate 不是有效税率` });
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
      if (amount.mul(rate).sub(tax).abs().greaterThan(LINE_TAX_TOLERANCE)) {
        return refuse("GW_VALIDATION", { detail: `${field}.taxAmount 与 金额×税率 相差超过0.06` });
      }
      lines.push({ l, amount, tax, hasDiscountLine: l.lineProperty === "2" });
    }
    const amount = lines.reduce((a, x) => a.add(x.amount), new Dec(0));
    const tax = lines.reduce((a, x) => a.add(x.tax), new Dec(0));

    const seq = await ctx.nextSequence("invoice_no:digital");
    const invoiceNo = digitalInvoiceNo(chinaDate(ctx.now).slice(2, 4), org.tax_id.slice(2, 4), seq);
    const id = await ctx.repo.insertReturningId("blue_invoices", {
      kind: d.invoiceType === "01" ? "数电发票（增值税专用发票）" : "数电发票（普通发票）",
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
        lines.map(({ l, amount: a, tax: t, hasDiscountLine }, i) => ({
          invoice_id: id,
          line_no: i + 1,
          line_property: l.lineProperty,
          goods_name: l.goodsName,
          revenue_code: l.revenueCode,
          specification: l.specification ?? "",
          units: l.units ?? "",
          quantity: l.quantity !== undefined ? formatQty(l.quantity) : null,
          price: l.price !== undefined ? formatQty(l.price) : null,
          amount: formatAmount(a),
          tax_rate: formatQty(l.taxRate),
          tax_amount: formatAmount(t),
          remaining_amount: formatAmount(a),
          remaining_tax: formatAmount(t),
          remaining_quantity: l.quantity !== undefined ? formatQty(l.quantity) : null,
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
