/**
 * 特别提示 of manual 002 (domain-rules §4.3; issue 10 item 7): a buyer entering a 红字确认单 (2.1.03,
 * enteridentity 1) for a 税控 blue invoice whose seller still issues 税控 invoices gets a 红字信息表
 * from the bureau, not a 红字确认单 — the engine says so (`entryYields`). The sandbox then files the
 * 红字信息表 on the 2.2.04 path (the same review, number and bureau copy) and answers it with the
 * engine's notice.
 *
 * reading (ASSUMPTIONS A23): the 2.1.03 answer for such an entry is a success whose data is the
 * 红字信息表's (serialNo, redInfoBillNo = 红字信息表编号, status, …) plus `yields: "红字信息表"` and
 * `notice` = TAX_CONTROL_ENTRY_NOTICE; the message is the notice. 申请方 = 购方申请-已抵扣 when the
 * buyer made its usage confirmation (勾选) on the blue, else 购方申请-未抵扣 (BUYER_APPLY_DEDUCTED_WHEN_USAGE_CONFIRMED).
 */
import { TAX_CONTROL_ENTRY_NOTICE, entryYields } from "../../../domain/confirmForm";
import { formatAmount, formatQty, magnitude } from "../../../domain/money";
import { INFO_FORM_APPLY_TYPE_CODES } from "../../../gateway/assumptions";
import { isDigitalInvoiceTypeCode } from "../../../gateway/codes";
import type { HandlerContext } from "../../context";
import type { Row } from "../../db/schema";
import { type Outcome, ok } from "../../registry";
import type { RequestLine } from "./redConfirmShared";
import { redInfoFormApplyHandler } from "./redInfoFormApply";

/** reading: a buyer who confirmed usage (勾选) of the blue has deducted it → 购方申请-已抵扣. */
export const BUYER_APPLY_DEDUCTED_WHEN_USAGE_CONFIRMED = true;

/** A 税控 blue invoice issued to the caller by an organisation of the cloud, with its seller's system. */
async function taxControlBlueForBuyer(
  ctx: HandlerContext,
  invoiceNo: string,
  invoiceCode: string | undefined
): Promise<{ blue: Row<"blue_invoices">; sellerOnTaxControl: boolean } | undefined> {
  const sellers = await ctx.tx
    .selectFrom("orgs")
    .select(["id", "issue_system"])
    .where("id", "!=", ctx.caller.org.id)
    .orderBy("id")
    .execute();
  for (const s of sellers) {
    let q = ctx.repo
      .forOrg(s.id)
      .selectFrom("blue_invoices")
      .selectAll()
      .where("invoice_no", "=", invoiceNo)
      .where("buyer_tax_id", "=", ctx.caller.org.tax_id);
    if (invoiceCode) q = q.where("invoice_code", "=", invoiceCode);
    const blue = await q.executeTakeFirst();
    if (blue && !isDigitalInvoiceTypeCode(blue.invoice_type))
      return { blue, sellerOnTaxControl: s.issue_system !== "数电" };
  }
  return undefined;
}

/**
 * The 2.1.03 answer when a buyer's entry yields a 红字信息表 (the engine's 特别提示), or null when the
 * entry yields a 红字确认单 (the ordinary 2.1.03 path goes on).
 */
export async function taxControlEntryAsInfoForm(
  ctx: HandlerContext,
  input: {
    orderNo: string;
    invoiceNo: string;
    invoiceCode?: string;
    lines?: readonly RequestLine[];
  }
): Promise<Outcome | null> {
  const found = await taxControlBlueForBuyer(ctx, input.invoiceNo, input.invoiceCode);
  if (!found) return null;
  const { blue } = found;
  const yields = entryYields({
    blueIsTaxControl: true,
    myRole: "购方",
    sellerStillOnTaxControl: found.sellerOnTaxControl,
  });
  if (yields !== "红字信息表") return null;
  const blueLines = await ctx.repo
    .forOrg(blue.org_id)
    .selectFrom("blue_invoice_lines")
    .selectAll()
    .where("invoice_id", "=", blue.id)
    .orderBy("line_no")
    .execute();
  const neg = (v: string) => formatAmount(magnitude(v).neg());
  const requested = input.lines;
  const detail = (requested ?? blueLines.map((l) => ({ seq: l.line_no - 1 }) as RequestLine))
    .map((r) => ({ r, l: blueLines.find((b) => b.line_no - 1 === r.seq) }))
    .filter((x): x is { r: RequestLine; l: Row<"blue_invoice_lines"> } => x.l !== undefined)
    .map(({ r, l }) => {
      const whole = r.amount === undefined;
      const quantity = whole ? l.remaining_quantity : (r.quantity ?? null);
      return {
        goodsName: l.goods_name,
        revenueCode: l.revenue_code,
        amount: whole ? neg(l.remaining_amount) : neg(r.amount as string),
        taxRate: l.tax_rate,
        taxAmount: whole ? neg(l.remaining_tax) : neg(r.taxAmount ?? "0"),
        ...(quantity !== null && quantity !== "" ? { quantity: formatQty(magnitude(quantity).neg()) } : {}),
        ...(quantity !== null && quantity !== "" && l.price ? { price: l.price } : {}),
        ...(l.units ? { units: l.units } : {}),
        ...(l.specification ? { specification: l.specification } : {}),
      };
    });
  const deducted = BUYER_APPLY_DEDUCTED_WHEN_USAGE_CONFIRMED && blue.buyer_usage_confirmed === 1;
  const outcome = await redInfoFormApplyHandler.handle(ctx, {
    serialNo: input.orderNo,
    sellerTaxpayerId: blue.seller_tax_id,
    sellerName: blue.seller_name,
    applyType: INFO_FORM_APPLY_TYPE_CODES[deducted ? "购方申请-已抵扣" : "购方申请-未抵扣"],
    originalInvoiceCode: blue.invoice_code,
    originalInvoiceNumber: blue.invoice_no,
    originalIssueTime: blue.invoice_date,
    invoiceType: blue.invoice_type,
    buyerName: ctx.caller.org.name,
    buyerTaxpayerId: ctx.caller.org.tax_id,
    invoiceDetail: detail,
  } as Parameters<typeof redInfoFormApplyHandler.handle>[1]);
  if (!outcome.ok) return outcome;
  return ok(
    { ...(outcome.data as object), yields, notice: TAX_CONTROL_ENTRY_NOTICE },
    TAX_CONTROL_ENTRY_NOTICE
  );
}
