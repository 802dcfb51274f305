/**
 * HC.PENDINGRED.LIST / HC.PENDINGRED.DELETE (src/gateway/extensions.ts), sandbox only: the 待开 red
 * records of 开票管理→待开发票 (000 ②: a red not issued stays there — 待开, or 未开票 after a failed
 * issue — and holds its amount in every remaining check until the clerk deletes it).
 * - LIST: the caller's records, optionally of one blue invoice (发票代码 / 号码), oldest first;
 * - DELETE: removes the caller's own records that still hold an amount (an issued record is the red
 *   invoice's history and stays); ids of other organisations or unknown ids are not counted.
 */
import { PENDING_RED_RELEASED } from "../../../domain/redFlush";
import {
  EXTENSIONS,
  type PendingRedDeleteResult,
  type PendingRedListResult,
} from "../../../gateway/extensions";
import {
  type PendingRedDeleteWire,
  PendingRedDeleteData,
  type PendingRedListWire,
  PendingRedListData,
  type WireIn,
} from "../../../gateway/schemas";
import { chinaDateTime } from "../../clock";
import { type InterfaceHandler, ok } from "../../registry";

export const pendingRedListHandler: InterfaceHandler<WireIn<PendingRedListWire>> = {
  interfaceCode: EXTENSIONS.pendingRedList.interfaceCode,
  endpoint: "sim",
  description: EXTENSIONS.pendingRedList.description,
  dataSchema: PendingRedListData,
  async handle(ctx, d) {
    let q = ctx.repo
      .selectFrom("pending_reds")
      .innerJoin("blue_invoices", "blue_invoices.id", "pending_reds.blue_invoice_id")
      .select([
        "pending_reds.id as id",
        "blue_invoices.invoice_code as blueInvoiceCode",
        "blue_invoices.invoice_no as blueInvoiceNo",
        "pending_reds.serial_no as serialNo",
        "pending_reds.source as source",
        "pending_reds.amount as amount",
        "pending_reds.tax_amount as taxAmount",
        "pending_reds.status as status",
        "pending_reds.created_at as createdAt",
      ]);
    const code = d.blueInvoiceCode?.trim();
    const no = d.blueInvoiceNo?.trim();
    if (code) q = q.where("blue_invoices.invoice_code", "=", code);
    if (no) q = q.where("blue_invoices.invoice_no", "=", no);
    const rows = await q.orderBy("pending_reds.id").execute();
    const answer: PendingRedListResult = {
      dataList: rows.map((r) => ({ ...r, id: Number(r.id), createdAt: chinaDateTime(Number(r.createdAt)) })),
    };
    return ok(answer);
  },
};

export const pendingRedDeleteHandler: InterfaceHandler<WireIn<PendingRedDeleteWire>> = {
  interfaceCode: EXTENSIONS.pendingRedDelete.interfaceCode,
  endpoint: "sim",
  description: EXTENSIONS.pendingRedDelete.description,
  dataSchema: PendingRedDeleteData,
  async handle(ctx, d) {
    const ids = [...new Set(d.ids.map((i) => Number(i)))].filter((i) => Number.isSafeInteger(i) && i > 0);
    const doomed =
      ids.length === 0
        ? []
        : await ctx.repo
            .selectFrom("pending_reds")
            .selectAll()
            .where("id", "in", ids)
            .where("status", "not in", [...PENDING_RED_RELEASED])
            .execute();
    if (doomed.length > 0) {
      await ctx.repo
        .deleteFrom("pending_reds")
        .where(
          "id",
          "in",
          doomed.map((r) => r.id)
        )
        .execute();
    }
    for (const r of doomed) {
      await ctx.repo.audit(
        "pending_reds",
        r.id,
        "delete",
        { blueInvoiceId: r.blue_invoice_id, amount: r.amount, status: r.status },
        undefined
      );
    }
    const answer: PendingRedDeleteResult = { deleted: doomed.length };
    return ok(answer);
  },
};
