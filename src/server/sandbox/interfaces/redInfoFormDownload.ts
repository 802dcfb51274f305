/**
 * 2.2.05 税控红字信息表下载 (code: ASSUMED_INTERFACE_CODES["2.2.05"]) — download 红字信息表 from the
 * simulated bureau into the org's list (domain-rules §3.7).
 *
 * Scope (`scope`, assumptions A7: own / others / both): at least one box (engine `checkDownloadScope`
 * → DOWNLOAD_SCOPE_REQUIRED). 本企业申请 = forms this enterprise filed (seller or buyer); 其他企业申请 =
 * forms a buyer filed against this seller (engine `downloadCovers`). Optional 填开日期 range and one
 * number. New forms are inserted with the bureau's status; forms already in the list take the
 * bureau's status and red invoice numbers. Synchronous: the answer lists the forms and the counts.
 */
import { sql } from "kysely";
import { checkDownloadScope, downloadCovers } from "../../../domain/infoForm";
import { ASSUMED_INTERFACE_CODES } from "../../../gateway/assumptions";
import { downloadScopeBoxes } from "../../../gateway/codes";
import { parseJsonExact } from "../../../gateway/json";
import type { HandlerContext } from "../../context";
import type { Row } from "../../db/schema";
import { type InterfaceHandler, ok, refuse, refused } from "../../registry";
import { type RedInfoFormDownloadWire, RedInfoFormDownloadData, type WireIn } from "../../../gateway/schemas";
import { type InfoFormLineJson, applicantRole, infoFormWire, lineJson } from "./taxControlShared";

type DownloadData = WireIn<RedInfoFormDownloadWire>;

export const redInfoFormDownloadHandler: InterfaceHandler<DownloadData> = {
  interfaceCode: ASSUMED_INTERFACE_CODES["2.2.05"],
  endpoint: "sim",
  description: "2.2.05 税控红字信息表下载",
  dataSchema: RedInfoFormDownloadData,

  async handle(ctx, d) {
    const boxes = downloadScopeBoxes(d.scope);
    const scopes = checkDownloadScope(boxes.own, boxes.others);
    if (!scopes.ok) return refused(scopes.refusal);
    if (d.startDate && d.endDate && d.startDate > d.endDate) {
      return refuse("DATE_RANGE_REVERSED", { from: "填开日期起", to: "填开日期止" });
    }
    const orgTaxId = ctx.caller.org.tax_id;
    // The party's forms (0005: by seller / by buyer) in the 填开日期 range, in SQL; which of them the
    // boxes cover is the engine's.
    let q = ctx.bureau.selectFrom("bureau_info_forms").selectAll().orderBy("id");
    if (d.redInfoBillNo?.trim()) q = q.where("bill_no", "=", d.redInfoBillNo.trim());
    const day = sql<string>`substr(${sql.ref("bureau_info_forms.filled_at")}, 1, 10)`;
    if (d.startDate) q = q.where(day, ">=", d.startDate);
    if (d.endDate) q = q.where(day, "<=", d.endDate);
    const bureauForms = (await q.execute()).filter((b) =>
      downloadCovers(
        scopes.value,
        {
          applicantRole: applicantRole(b.applicant),
          sellerTaxId: b.seller_tax_id,
          buyerTaxId: b.buyer_tax_id,
        },
        orgTaxId
      )
    );

    let inserted = 0;
    let updated = 0;
    const dataList = [];
    for (const b of bureauForms) {
      const r = await mergeBureauForm(ctx, b);
      if (r.action === "inserted") inserted++;
      if (r.action === "updated") updated++;
      const lines = r.lines;
      dataList.push({ ...infoFormWire(r.row), invoiceDetail: lines });
    }
    await ctx.repo.audit("red_info_download", ctx.request.requestId, "download", undefined, {
      scope: d.scope ?? "",
      total: dataList.length,
      inserted,
      updated,
    });
    return ok({ total: dataList.length, inserted, updated, dataList });
  },
};

/** One bureau form into the org's list: insert (增量) or take the bureau's status (存量). */
export async function mergeBureauForm(
  ctx: HandlerContext,
  b: Row<"bureau_info_forms">
): Promise<{
  action: "inserted" | "updated" | "unchanged";
  row: Row<"info_forms">;
  lines: InfoFormLineJson[];
}> {
  const existing = await ctx.repo
    .selectForUpdate("info_forms")
    .selectAll()
    .where("bill_no", "=", b.bill_no)
    .executeTakeFirst();
  if (existing) {
    const lines = (
      await ctx.repo
        .selectFrom("info_form_lines")
        .selectAll()
        .where("form_id", "=", existing.id)
        .orderBy("line_no")
        .execute()
    ).map(lineJson);
    const patch = {
      status: b.status,
      approved_at: b.approved_at,
      red_invoice_code: b.red_invoice_code,
      red_invoice_no: b.red_invoice_no,
    };
    const same =
      existing.status === patch.status &&
      existing.approved_at === patch.approved_at &&
      existing.red_invoice_code === patch.red_invoice_code &&
      existing.red_invoice_no === patch.red_invoice_no;
    if (same) return { action: "unchanged", row: existing, lines };
    await ctx.repo
      .updateTable("info_forms")
      .set({ ...patch, updated_at: ctx.now })
      .where("id", "=", existing.id)
      .execute();
    await ctx.repo.audit(
      "info_forms",
      existing.id,
      "download_update",
      { status: existing.status },
      { status: b.status }
    );
    return { action: "updated", row: { ...existing, ...patch, updated_at: ctx.now }, lines };
  }
  const org = ctx.caller.org;
  const ownBlue =
    b.seller_tax_id === org.tax_id && b.blue_invoice_no
      ? await ctx.repo
          .selectFrom("blue_invoices")
          .select(["id", "invoice_date"])
          .where("invoice_code", "=", b.blue_invoice_code)
          .where("invoice_no", "=", b.blue_invoice_no)
          .executeTakeFirst()
      : undefined;
  const row = {
    serial_no: `DL-${b.bill_no}`,
    bill_no: b.bill_no,
    applicant: b.applicant,
    invoice_type: b.invoice_type,
    blue_invoice_id: ownBlue?.id ?? null,
    blue_invoice_code: b.blue_invoice_code,
    blue_invoice_no: b.blue_invoice_no,
    blue_invoice_date: ownBlue?.invoice_date ?? "",
    seller_tax_id: b.seller_tax_id,
    seller_name: b.seller_name,
    buyer_tax_id: b.buyer_tax_id,
    buyer_name: b.buyer_name,
    status: b.status,
    fail_reason: "",
    approved_at: b.approved_at,
    filled_at: b.filled_at,
    red_invoice_code: b.red_invoice_code,
    red_invoice_no: b.red_invoice_no,
    amount: b.amount,
    tax_amount: b.tax_amount,
    application_id: null,
    created_at: ctx.now,
    updated_at: ctx.now,
  };
  const id = await ctx.repo.insertReturningId("info_forms", row);
  const lines = parseJsonExact(b.lines_json) as unknown as InfoFormLineJson[];
  if (lines.length > 0) {
    await ctx.repo
      .insertInto(
        "info_form_lines",
        lines.map((l, i) => ({
          form_id: id,
          line_no: i + 1,
          blue_line_id: null,
          goods_name: l.goodsName,
          revenue_code: l.revenueCode,
          specification: l.specification ?? "",
          units: l.units ?? "",
          quantity: l.quantity ?? null,
          price: l.price ?? null,
          amount: l.amount,
          tax_rate: l.taxRate,
          tax_amount: l.taxAmount,
        }))
      )
      .execute();
  }
  await ctx.repo.audit("info_forms", id, "download", undefined, { formNo: b.bill_no, status: b.status });
  return { action: "inserted", row: { ...row, id, org_id: org.id }, lines };
}
