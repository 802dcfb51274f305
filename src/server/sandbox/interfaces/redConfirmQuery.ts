/**
 * 2.1.13 ALLE.REDCONFIRMBILL.QUERY 红字确认单编号查询 (piaozone-api §2.1.13): the bills the caller's
 * tax ID is a party to at the bureau, paged, filtered by number, 购销身份 (identity) and 录入日期;
 * 72-hour expiry is settled first. Each item carries the 4 SEEN fields, the inferred ones and the
 * caller's own record (流水号, 数据来源, 录入状态, 开票状态) when it holds the bill.
 * As 更新确认单状态 (manual: header-only), the 确认状态/确认日期 of the caller's records of the listed
 * bills are refreshed from the bureau (engine: STATUS_UPDATE_FIELDS).
 * The page is cut in SQL and totalElement is a COUNT with the same filters, both on the index of the
 * caller's side (0005): the cost follows the page, not the company's history.
 */
import { roleOfIdentity } from "../../../gateway/codes";
import type { Role } from "../../../domain/labels";
import type { HandlerContext } from "../../context";
import { parseChinaDateTime } from "../../clock";
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

/** The column naming the caller on each side of a bill. */
const SIDE_COLUMN = { 销方: "seller_tax_id", 购方: "buyer_tax_id" } as const;

/** The sides a filter asks for: its 购销身份, or both. */
function sidesOf(f: BillFilter): Role[] {
  const role = f.identity ? roleOfIdentity(f.identity) : undefined;
  return role ? [role] : ["销方", "购方"];
}

/**
 * The caller's bills on one side that match the filter, as a query (no columns, order or page yet):
 * on the side's index (0005: tax ID, 录入 instant, id). Asked for both sides, the 购方 branch leaves out
 * bills the caller is also the seller of, so a bill is one row. The 录入日期 range is the text range
 * it always was, plus the same range on `entered_at_ms` (录入日期 is that instant in China time, to the
 * second) so the index narrows it.
 */
function sideBills(ctx: HandlerContext, side: Role, f: BillFilter, bothSides: boolean) {
  let q = ctx.bureau.selectAsParty("bureau_confirm_bills", SIDE_COLUMN[side]);
  if (bothSides && side === "购方") q = q.where("seller_tax_id", "!=", ctx.caller.org.tax_id);
  const no = f.redInfoBillNo?.trim();
  if (no) q = q.where("bill_no", "=", no);
  if (f.startDate) {
    const from = `${f.startDate} 00:00:00`;
    q = q.where("entered_at", ">=", from);
    const ms = parseChinaDateTime(from);
    if (ms !== undefined) q = q.where("entered_at_ms", ">=", ms);
  }
  if (f.endDate) {
    const to = `${f.endDate} 23:59:59`;
    q = q.where("entered_at", "<=", to);
    const ms = parseChinaDateTime(to);
    if (ms !== undefined) q = q.where("entered_at_ms", "<", ms + 1000);
  }
  return q;
}

/** One side's keys (id, 录入 instant) in the list's order. */
function sideKeys(ctx: HandlerContext, side: Role, f: BillFilter, bothSides: boolean) {
  return sideBills(ctx, side, f, bothSides)
    .select(["id", "entered_at_ms"])
    .orderBy("entered_at_ms")
    .orderBy("id");
}

/** The caller's bills at the bureau matching the filter, oldest entry first (录入 instant, id). */
export async function billsInScope(ctx: HandlerContext, f: BillFilter): Promise<BillRow[]> {
  const sides = sidesOf(f);
  const both = sides.length > 1;
  const lists = [];
  for (const side of sides) lists.push(await sideKeys(ctx, side, f, both).execute());
  return billsById(
    ctx,
    mergeKeys(lists).map((k) => Number(k.id))
  );
}

/**
 * The bills among `numbers` that the filter selects, in billsInScope's order — a finished 2.1.12
 * task's bills, read by number instead of reading the whole range again.
 */
export async function billsInScopeByNumber(
  ctx: HandlerContext,
  f: BillFilter,
  numbers: readonly string[]
): Promise<BillRow[]> {
  const sides = sidesOf(f);
  const rows: BillRow[] = [];
  for (let i = 0; i < numbers.length; i += IN_CHUNK)
    for (const side of sides)
      rows.push(
        ...(await sideBills(ctx, side, f, sides.length > 1)
          .selectAll()
          .where("bill_no", "in", numbers.slice(i, i + IN_CHUNK))
          .execute())
      );
  return rows.sort(
    (a, b) => Number(a.entered_at_ms) - Number(b.entered_at_ms) || Number(a.id) - Number(b.id)
  );
}

type BillKey = { id: number; entered_at_ms: number };

/** Two lists in (录入 instant, id) order merged into one. */
function mergeKeys(lists: readonly (readonly BillKey[])[]): BillKey[] {
  if (lists.length === 1) return [...lists[0]];
  const [a, b] = lists;
  const before = (x: BillKey, y: BillKey) =>
    Number(x.entered_at_ms) < Number(y.entered_at_ms) ||
    (Number(x.entered_at_ms) === Number(y.entered_at_ms) && Number(x.id) < Number(y.id));
  const out: BillKey[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && before(a[i], b[j]))) out.push(a[i++]);
    else out.push(b[j++]);
  }
  return out;
}

/** How many bills match the filter: a COUNT per side on its index. */
export async function countBillsInScope(ctx: HandlerContext, f: BillFilter): Promise<number> {
  const sides = sidesOf(f);
  let total = 0;
  for (const side of sides) {
    const r = await sideBills(ctx, side, f, sides.length > 1)
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    total += Number(r.n);
  }
  return total;
}

/**
 * One page of billsInScope, cut in SQL: the page's ids in the list's order (an index walk), then
 * those rows. An offset past the end (`total` is the filter's COUNT) reads nothing.
 */
export async function billPage(
  ctx: HandlerContext,
  f: BillFilter,
  pageNo: number,
  pageSize: number,
  total: number
): Promise<BillRow[]> {
  const offset = (pageNo - 1) * pageSize;
  if (!(offset < total)) return [];
  const sides = sidesOf(f);
  if (sides.length === 1) {
    const keys = await sideKeys(ctx, sides[0], f, false).limit(pageSize).offset(offset).execute();
    return billsById(
      ctx,
      keys.map((k) => Number(k.id))
    );
  }
  // Both sides: each is cut to offset + pageSize on its own index, then the union is ordered and
  // cut — O(offset + page), never the whole history. (PostgreSQL plans a bare UNION ALL … ORDER BY
  // … LIMIT as a sort of both sides; with a LIMIT per side it is a Merge Append. SQLite merges too.)
  const side = (role: Role, alias: string) =>
    ctx.tx
      .selectFrom(
        sideKeys(ctx, role, f, true)
          .limit(offset + pageSize)
          .as(alias)
      )
      .selectAll();
  const keys = await side("销方", "s")
    .unionAll(side("购方", "b"))
    .orderBy("entered_at_ms")
    .orderBy("id")
    .limit(pageSize)
    .offset(offset)
    .execute();
  return billsById(
    ctx,
    keys.map((k) => Number(k.id))
  );
}

/** Rows in the order of `ids` (the party's own: BureauView.selectByIds). */
async function billsById(ctx: HandlerContext, ids: readonly number[]): Promise<BillRow[]> {
  const byId = new Map<number, BillRow>();
  for (const r of await ctx.bureau.selectByIds("bureau_confirm_bills", ids)) byId.set(Number(r.id), r);
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Largest IN list one statement carries. */
const IN_CHUNK = 500;

/** The caller's records of these bills, by bill number. */
export async function heldForms(
  ctx: HandlerContext,
  bills: readonly BillRow[]
): Promise<Map<string, FormRow>> {
  const out = new Map<string, FormRow>();
  for (let i = 0; i < bills.length; i += IN_CHUNK) {
    const rows = await ctx.repo
      .selectFrom("red_confirm_forms")
      .selectAll()
      .where(
        "bill_no",
        "in",
        bills.slice(i, i + IN_CHUNK).map((b) => b.bill_no)
      )
      .execute();
    for (const r of rows) out.set(r.bill_no as string, r);
  }
  return out;
}

/** The blue invoices behind the bills (seller's records), for the blue amounts. */
async function blueInvoices(ctx: HandlerContext, bills: readonly BillRow[]): Promise<Map<string, BlueRow>> {
  const out = new Map<string, BlueRow>();
  const bySeller = new Map<string, BillRow[]>();
  for (const b of bills) bySeller.set(b.seller_tax_id, [...(bySeller.get(b.seller_tax_id) ?? []), b]);
  for (const [sellerTaxId, sellerBills] of bySeller) {
    const seller = await findOrgByTaxId(ctx.tx, sellerTaxId);
    if (!seller) continue;
    // Code and number: the (org, code, number) index, not every blue invoice of the seller.
    const rows = await ctx.repo
      .forOrg(seller.id)
      .selectFrom("blue_invoices")
      .selectAll()
      .where("invoice_code", "in", [...new Set(sellerBills.map((b) => b.blue_invoice_code))])
      .where("invoice_no", "in", [...new Set(sellerBills.map((b) => b.blue_invoice_no))])
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
    // totalElement: a COUNT with the page's filters (after the settlement, as the page).
    const totalElement = await countBillsInScope(ctx, d);
    const page = await billPage(ctx, d, pageNo, pageSize, totalElement);
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
    return ok({ pageNo, pageSize, totalElement, dataList });
  },
};
