/**
 * 4.1.04 ALLE.INVOICE.QUERY — one invoice of the caller's org by serialNo or invoiceNum
 * (piaozone-api §3). Blue invoices also carry the remaining reversible values of the data model
 * (header canRedAmount / canRedTaxAmount, line remainRedAmount / remainRedTax / remainRedQuantity).
 */
import { DIGITAL_INVOICE_STATUS } from "../../../gateway/payloads";
import { Dec } from "../../../domain/money";
import type { HandlerContext } from "../../context";
import type { Row } from "../../db/schema";
import { type InterfaceHandler, ok, refuse } from "../../registry";
import { type InvoiceQueryWire, InvoiceQueryData, type WireIn } from "../../../gateway/schemas";

type QueryData = WireIn<InvoiceQueryWire>;

const dec = (s: string) => new Dec(s);

function blueStatusCode(inv: Row<"blue_invoices">): string {
  if (inv.issue_status === "开票中") return DIGITAL_INVOICE_STATUS.issuing;
  if (inv.issue_status === "开票失败") return DIGITAL_INVOICE_STATUS.failed;
  // Partial reversal keeps 0 and lowers the remaining amounts (piaozone-api §4, INFERRED).
  return inv.status === "全额红冲" ? DIGITAL_INVOICE_STATUS.reversed : DIGITAL_INVOICE_STATUS.normal;
}

function redStatusCode(inv: Row<"red_invoices">): string {
  if (inv.issue_status === "开票中") return DIGITAL_INVOICE_STATUS.issuing;
  if (inv.issue_status === "开票失败") return DIGITAL_INVOICE_STATUS.failed;
  return DIGITAL_INVOICE_STATUS.normal;
}

/** One blue invoice as 4.1.04 answers it (4.1.03 lists the same objects). */
export async function blueAnswer(ctx: HandlerContext, inv: Row<"blue_invoices">) {
  const lines = await ctx.repo
    .selectFrom("blue_invoice_lines")
    .selectAll()
    .where("invoice_id", "=", inv.id)
    .orderBy("line_no")
    .execute();
  return {
    serialNo: inv.serial_no ?? "",
    orderNo: inv.serial_no ?? "",
    invoiceType: inv.invoice_type,
    invoiceCode: inv.invoice_code,
    invoiceNum: inv.invoice_no,
    invoiceDate: inv.invoice_date,
    invoiceProperty: "0",
    buyerName: inv.buyer_name,
    buyerTaxpayerId: inv.buyer_tax_id,
    sellerName: inv.seller_name,
    sellerTaxpayerId: inv.seller_tax_id,
    drawer: inv.drawer,
    remark: inv.remark,
    specialType: inv.special_type,
    totalAmount: dec(inv.amount),
    totalTaxAmount: dec(inv.tax_amount),
    includeTaxAmount: dec(inv.total_amount),
    ...(inv.deduction !== null ? { deduction: dec(inv.deduction) } : {}),
    invoiceStatus: blueStatusCode(inv),
    canRedAmount: dec(inv.remaining_amount),
    canRedTaxAmount: dec(inv.remaining_tax),
    invoiceDetail: lines.map((l) => ({
      seq: l.line_no - 1,
      detailRowNo: l.line_no,
      lineProperty: l.line_property,
      goodsName: l.goods_name,
      revenueCode: l.revenue_code,
      specification: l.specification,
      units: l.units,
      ...(l.quantity !== null ? { quantity: l.quantity } : {}),
      ...(l.price !== null ? { price: l.price } : {}),
      amount: dec(l.amount),
      taxRate: l.tax_rate,
      taxAmount: dec(l.tax_amount),
      includeTaxAmount: dec(l.amount).add(l.tax_amount),
      privilegeType: l.privilege_type,
      remainRedAmount: dec(l.remaining_amount),
      remainRedTax: dec(l.remaining_tax),
      ...(l.remaining_quantity !== null ? { remainRedQuantity: l.remaining_quantity } : {}),
    })),
  };
}

/** One red invoice as 4.1.04 answers it (4.1.03 lists the same objects). */
export async function redAnswer(ctx: HandlerContext, inv: Row<"red_invoices">) {
  const [lines, blue, form] = await Promise.all([
    ctx.repo
      .selectFrom("red_invoice_lines")
      .selectAll()
      .where("red_invoice_id", "=", inv.id)
      .orderBy("line_no")
      .execute(),
    inv.blue_invoice_id === null
      ? undefined
      : ctx.repo
          .selectFrom("blue_invoices")
          .select(["invoice_no", "invoice_date"])
          .where("id", "=", inv.blue_invoice_id)
          .executeTakeFirst(),
    inv.confirm_form_id === null
      ? undefined
      : ctx.repo
          .selectFrom("red_confirm_forms")
          .select(["bill_no", "gov_uuid"])
          .where("id", "=", inv.confirm_form_id)
          .executeTakeFirst(),
  ]);
  return {
    serialNo: inv.serial_no,
    orderNo: inv.serial_no,
    invoiceType: inv.invoice_type,
    invoiceCode: inv.invoice_code,
    invoiceNum: inv.invoice_no,
    invoiceDate: inv.invoice_date,
    invoiceProperty: "1",
    buyerName: inv.buyer_name,
    buyerTaxpayerId: inv.buyer_tax_id,
    sellerName: inv.seller_name,
    sellerTaxpayerId: inv.seller_tax_id,
    totalAmount: dec(inv.amount),
    totalTaxAmount: dec(inv.tax_amount),
    includeTaxAmount: dec(inv.total_amount),
    originalInvoiceNumber: blue?.invoice_no ?? "",
    originalIssueTime: blue?.invoice_date ?? "",
    redInfoBillNo: form?.bill_no ?? "",
    govRedConfirmBillUuid: form?.gov_uuid ?? "",
    redReason: inv.red_reason,
    invoiceStatus: redStatusCode(inv),
    issueErrorMessage: inv.issue_error,
    invoiceDetail: lines.map((l) => ({
      seq: l.line_no - 1,
      detailRowNo: l.line_no,
      lineProperty: l.line_property,
      goodsName: l.goods_name,
      revenueCode: l.revenue_code,
      specification: l.specification,
      units: l.units,
      ...(l.quantity !== null ? { quantity: l.quantity } : {}),
      ...(l.price !== null ? { price: l.price } : {}),
      amount: dec(l.amount),
      taxRate: l.tax_rate,
      taxAmount: dec(l.tax_amount),
      includeTaxAmount: dec(l.amount).add(l.tax_amount),
    })),
  };
}

export const invoiceQueryHandler: InterfaceHandler<QueryData> = {
  interfaceCode: "ALLE.INVOICE.QUERY",
  endpoint: "sim",
  description: "4.1.04 数电票发票单张查询",
  dataSchema: InvoiceQueryData,
  async handle(ctx, data) {
    const serialNo = data.serialNo?.trim() || undefined;
    const invoiceNum = data.invoiceNum?.trim() || undefined;
    const key = serialNo ?? (invoiceNum as string);
    const byBlue = ctx.repo.selectFrom("blue_invoices").selectAll();
    const blue = await (
      serialNo ? byBlue.where("serial_no", "=", serialNo) : byBlue.where("invoice_no", "=", key)
    ).executeTakeFirst();
    if (blue) return ok(await blueAnswer(ctx, blue));
    const byRed = ctx.repo.selectFrom("red_invoices").selectAll();
    const red = await (
      serialNo ? byRed.where("serial_no", "=", serialNo) : byRed.where("invoice_no", "=", key)
    ).executeTakeFirst();
    if (red) return ok(await redAnswer(ctx, red));
    return refuse("GW_NOT_FOUND", {
      message: serialNo ? `流水号“${serialNo}”没有对应的发票` : `发票号码“${invoiceNum}”不存在`,
    });
  },
};
