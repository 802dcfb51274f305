/**
 * 2.1.13 ALLE.REDCONFIRMBILL.QUERY 红字确认单编号查询 (piaozone-api §2.1.13): the bills the caller's
 * tax ID is a party to at the bureau, paged, filtered by number, 购销身份 (identity) and 录入日期;
 * 72-hour expiry is settled first. Each item carries the 4 SEEN fields, the inferred ones and the
 * caller's own record (流水号, 数据来源, 录入状态, 开票状态) when it holds the bill.
 * As 更新确认单状态 (manual: header-only), the 确认状态/确认日期 of the caller's records of the listed
 * bills are refreshed from the bureau (engine: STATUS_UPDATE_FIELDS).
 */
import { roleOfIdentity } from "../../../gateway/codes";
import type { Role } from "../../../domain/labels";
import type { HandlerContext } from "../../context";
import { findOrgByTaxId } from "../../db/repo";
import { type InterfaceHandler, ok, refuse } from "../../registry";
import { type RedConfirmBillQueryWire, RedConfirmBillQueryData, type WireIn } from "../../../gateway/schemas";
import { type BillRow, type BlueRow, type FormRow, settleOverdueBills, sideOn } from "./redConfirmShared";
import { billSummary } from "./redConfirmItems";

type RedConfirmQueryData = WireIn<RedConfirmBillQueryWire>;
/** What selects bills (2.1.13 and 2.1.12 share these fields): 购销身份, number, 录入日期 range. */
export type BillFilter = Pick<RedConfirmQueryData, "redInfoBillNo" | "identity" | "startDate" | "endDate">;

/** [INFERRED §2.1.13: no paging input documented] default and largest page. */
export const DEFAULT_BILL_PAGE_SIZE = 100;
export const MAX_BILL_PAGE_SIZE = 1000;

/** The caller's bills at the bureau matching the filter, oldest entry first. */
export async function billsInScope(ctx: HandlerContext, f: BillFilter): Promise<BillRow[]> {
  let q = ctx.bureau.selectFrom("bureau_confirm_bills").selectAll();
  const me = ctx.caller.org.tax_id;
  const role = f.identity ? roleOfIdentity(f.identity) : undefined;
  if (role === "销方") q = q.where("seller_tax_id", "=", me);
  if (role === "购方") q = q.where("buyer_tax_id", "=", me);
  if (f.redInfoBillNo?.trim()) q = q.where("bill_no", "=", f.redInfoBillNo.trim());
  if (f.startDate) q = q.where("entered_at", ">=", `${f.startDate} 00:00:00`);
  if (f.endDate) q = q.where("entered_at", "<=", `${f.endDate} 23:59:59`);
  return q.orderBy("entered_at_ms").orderBy("id").execute();
}

/** The caller's records of these bills, by bill number. */
export async function heldForms(
  ctx: HandlerContext,
  bills: readonly BillRow[]
): Promise<Map<string, FormRow>> {
  if (bills.length === 0) return new Map();
  const rows = await ctx.repo
    .selectFrom("red_confirm_forms")
    .selectAll()
    .where(
      "bill_no",
      "in",
      bills.map((b) => b.bill_no)
    )
    .execute();
  return new Map(rows.map((r) => [r.bill_no as string, r]));
}

/** The blue invoices behind the bills (seller's records), for the blue amounts. */
async function blueInvoices(ctx: HandlerContext, bills: readonly BillRow[]): Promise<Map<string, BlueRow>> {
  const out = new Map<string, BlueRow>();
  const bySeller = new Map<string, string[]>();
  for (const b of bills)
    bySeller.set(b.seller_tax_id, [...(bySeller.get(b.seller_tax_id) ?? []), b.blue_invoice_no]);
  for (const [sellerTaxId, numbers] of bySeller) {
    const seller = await findOrgByTaxId(ctx.tx, sellerTaxId);
    if (!seller) continue;
    const rows = await ctx.repo
      .forOrg(seller.id)
      .selectFrom("blue_invoices")
      .selectAll()
      .where("invoice_no", "in", numbers)
      .execute();
    for (const r of rows) out.set(`${sellerTaxId}/${r.invoice_code}/${r.invoice_no}`, r);
  }
  return out;
}

/** 更新确认单状态 (header only): the caller's record takes the bureau's 确认状态 / 确认日期. */
export async function refreshHeldStatus(ctx: HandlerContext, bill: BillRow, held: FormRow): Promise<boolean> {
  if (held.confirm_status === bill.confirm_status && held.confirmed_at === bill.confirmed_at) return false;
  await ctx.repo
    .updateTable("red_confirm_forms")
    .set({ confirm_status: bill.confirm_status, confirmed_at: bill.confirmed_at, updated_at: ctx.now })
    .where("id", "=", held.id)
    .execute();
  await ctx.repo.audit(
    "red_confirm_forms",
    held.id,
    "status-update",
    { confirmStatus: held.confirm_status },
    { confirmStatus: bill.confirm_status }
  );
  return true;
}

export const redConfirmQueryHandler: InterfaceHandler<RedConfirmQueryData> = {
  interfaceCode: "ALLE.REDCONFIRMBILL.QUERY",
  endpoint: "sim",
  // The page types `success` as a string and its example answers "true" (piaozone-api §2.1.13; V10).
  successAsText: true,
  description: "2.1.13 红字确认单编号查询",
  dataSchema: RedConfirmBillQueryData,
  async handle(ctx, d) {
    if (d.startDate && d.endDate && d.startDate > d.endDate)
      return refuse("DATE_RANGE_REVERSED", { from: "录入日期起", to: "录入日期止" });
    const pageNo = Math.max(1, Number(d.pageNo ?? "1"));
    const pageSize = Math.min(MAX_BILL_PAGE_SIZE, Math.max(1, Number(d.pageSize ?? DEFAULT_BILL_PAGE_SIZE)));
    await settleOverdueBills(ctx);
    const all = await billsInScope(ctx, d);
    const page = all.slice((pageNo - 1) * pageSize, pageNo * pageSize);
    const held = await heldForms(ctx, page);
    const blues = await blueInvoices(ctx, page);
    const dataList = [];
    for (const bill of page) {
      const mine = held.get(bill.bill_no);
      if (mine) await refreshHeldStatus(ctx, bill, mine);
      const role = sideOn(bill, ctx.caller.org.tax_id) as Role;
      const blue = blues.get(`${bill.seller_tax_id}/${bill.blue_invoice_code}/${bill.blue_invoice_no}`);
      dataList.push(billSummary(bill, role, mine, blue));
    }
    return ok({ pageNo, pageSize, totalElement: all.length, dataList });
  },
};
