/**
 * 4.1.03 ALLE.BATCH.QUERY — the caller's 数电 invoices, blue and red, one page at a time. The doc page
 * was not stored; two third-party clients call it (piaozone-api §3, ASSUMPTIONS.md C6): they send
 * `sellerTaxpayerId`, a 0-based `pageNo`, `pageSize` and `invoiceType`, read `data` as a JSON array
 * of invoices and stop at the first empty page. Each element is exactly the object 4.1.04 answers
 * for that invoice (the builders of invoiceQuery.ts), so a client reads both the same way.
 *
 * Order: invoiceDate, then blue before red, then the row id — stable, so consecutive pages neither
 * repeat nor skip an invoice while nothing is issued in between. The page is cut in SQL.
 */
import { type SelectQueryBuilder, sql } from "kysely";
import { DIGITAL_INVOICE_TYPE_CODES } from "../../../gateway/codes";
import {
  INVOICE_BATCH_PAGE_SIZE,
  type InvoiceBatchQueryWire,
  InvoiceBatchQueryData,
  type WireIn,
} from "../../../gateway/schemas";
import type { HandlerContext } from "../../context";
import type { Database } from "../../db/schema";
import { type InterfaceHandler, ok } from "../../registry";
import { blueAnswer, redAnswer } from "./invoiceQuery";

type BatchQueryData = WireIn<InvoiceBatchQueryWire>;

/** The filters both tables share: the 数电 invoice types asked for and the invoiceDate range. */
interface Filters {
  readonly types: readonly string[];
  /** `yyyy-MM-dd 00:00:00` / `yyyy-MM-dd 23:59:59`: invoice_date is stored as `yyyy-MM-dd HH:mm:ss`. */
  readonly from?: string;
  readonly to?: string;
}

/** What a page is cut from: one row per invoice, from either table (or both, UNION ALL). */
type PageKeys = SelectQueryBuilder<
  Database,
  never,
  { id: number; invoice_date: string; invoice_property: string }
>;

/**
 * The page's keys in SQL. One table: its index order (org, 开票日期, id — 0005) with LIMIT/OFFSET.
 * Both: each table is cut to offset + pageSize in that order first, then the union is ordered and
 * cut — O(offset + page) on both dialects (PostgreSQL sorts a bare UNION ALL whole before a LIMIT).
 */
function pageKeys(ctx: HandlerContext, d: BatchQueryData, f: Filters, pageNo: number, pageSize: number) {
  const filtered = <T extends "blue_invoices" | "red_invoices">(table: T, property: "0" | "1") => {
    let q = ctx.repo
      .selectFrom(table as "blue_invoices")
      .select(["id", "invoice_date", sql.lit<string>(property).as("invoice_property")])
      .where("invoice_type", "in", [...f.types]);
    if (f.from) q = q.where("invoice_date", ">=", f.from);
    if (f.to) q = q.where("invoice_date", "<=", f.to);
    return q.orderBy("invoice_date").orderBy("id") as unknown as PageKeys;
  };
  const offset = pageNo * pageSize;
  if (d.invoiceProperty === "0" || d.invoiceProperty === "1") {
    const one = d.invoiceProperty === "0" ? filtered("blue_invoices", "0") : filtered("red_invoices", "1");
    return one.limit(pageSize).offset(offset);
  }
  const arm = (q: PageKeys, alias: string) =>
    ctx.tx.selectFrom(q.limit(offset + pageSize).as(alias)).selectAll() as unknown as PageKeys;
  return arm(filtered("blue_invoices", "0"), "b")
    .unionAll(arm(filtered("red_invoices", "1"), "r"))
    .orderBy("invoice_date")
    .orderBy("invoice_property")
    .orderBy("id")
    .limit(pageSize)
    .offset(offset);
}

export const invoiceBatchQueryHandler: InterfaceHandler<BatchQueryData> = {
  interfaceCode: "ALLE.BATCH.QUERY",
  endpoint: "sim",
  description: "4.1.03 数电票批量查询",
  dataSchema: InvoiceBatchQueryData,
  // sellerTaxpayerId must be the caller's own: the server's DEFAULT_ORG_TAX_ID_FIELDS check refuses
  // another (GW_FORBIDDEN_ORG); the org scope then shows only the caller's invoices.
  async handle(ctx, d) {
    const pageNo = d.pageNo === undefined ? 0 : Number(d.pageNo);
    const pageSize = d.pageSize === undefined ? INVOICE_BATCH_PAGE_SIZE.default : Number(d.pageSize);
    const filters: Filters = {
      types: d.invoiceType ? [d.invoiceType] : DIGITAL_INVOICE_TYPE_CODES,
      ...(d.startDate ? { from: `${d.startDate} 00:00:00` } : {}),
      ...(d.endDate ? { to: `${d.endDate} 23:59:59` } : {}),
    };
    const keys = await pageKeys(ctx, d, filters, pageNo, pageSize).execute();
    if (keys.length === 0) return ok([]);

    const idsOf = (property: string) =>
      keys.filter((k) => k.invoice_property === property).map((k) => Number(k.id));
    const [blueIds, redIds] = [idsOf("0"), idsOf("1")];
    const [blues, reds] = await Promise.all([
      blueIds.length === 0
        ? []
        : ctx.repo.selectFrom("blue_invoices").selectAll().where("id", "in", blueIds).execute(),
      redIds.length === 0
        ? []
        : ctx.repo.selectFrom("red_invoices").selectAll().where("id", "in", redIds).execute(),
    ]);
    const blueById = new Map(blues.map((r) => [Number(r.id), r]));
    const redById = new Map(reds.map((r) => [Number(r.id), r]));
    const page = [];
    for (const k of keys) {
      const id = Number(k.id);
      const blue = k.invoice_property === "0" ? blueById.get(id) : undefined;
      const red = k.invoice_property === "1" ? redById.get(id) : undefined;
      if (blue) page.push(await blueAnswer(ctx, blue));
      else if (red) page.push(await redAnswer(ctx, red));
    }
    return ok(page);
  },
};
