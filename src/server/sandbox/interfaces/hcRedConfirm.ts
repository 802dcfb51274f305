/**
 * Our HC.* extensions around 红字确认单 (src/gateway/extensions.ts), sandbox only:
 * - HC.BLUEINVOICE.QUERY — the org's blue invoices with remaining reversible values, lines, 待开 reds
 *   and the bills still reserving amounts, buyerUsageConfirmed, isPurchaseInvoice;
 * - HC.REDCONFIRMBILL.ROLLBACK / DELETE — the manual's 回退 / 删除 buttons through the engine
 *   (rcf.rollback / rcf.delete report every failing condition); rollback writes the linked
 *   开票申请单 back (已提交 → 未提交) and removes the link;
 * - HC.TASK.QUERY — task records (manual §4.10 fields), settling due tasks first.
 * The two lists page, filter and sort in SQL (repo.listPage) on the indexes of migration 0005.
 */
import {
  type ConfirmForm,
  DEFAULT_CHANNEL,
  type EntryRequery,
  confirmForm,
  runConfirmFormAction,
} from "../../../domain/confirmForm";
import type { Channel, Role } from "../../../domain/labels";
import type { Refusal } from "../../../domain/refusals";
import { invoiceKindOf } from "../../../gateway/codes";
import { EXTENSIONS } from "../../../gateway/extensions";
import { chinaDateTime } from "../../clock";
import type { HandlerContext } from "../../context";
import { listPage } from "../../db/repo";
import type { Row } from "../../db/schema";
import { type InterfaceHandler, ok, refuse, refused } from "../../registry";
import {
  type BlueInvoiceQueryWire,
  BlueInvoiceQueryData,
  type RedConfirmBillActionWire,
  RedConfirmBillActionData,
  type TaskQueryWire,
  TaskQueryData,
  type WireIn,
} from "../../../gateway/schemas";
import { holdingPendingReds } from "../redIssue";
import { readTask, taskParams, taskRows } from "../../tasks";
import { roleOfTask } from "./redConfirmDownload";
import {
  type BillRow,
  VALID_STATUSES,
  findBill,
  findBillByEntrySerial,
  isPurchaseBlue,
  settleOverdueBills,
} from "./redConfirmShared";

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;

function paging(d: { pageNo?: string; pageSize?: string }): { pageNo: number; pageSize: number } {
  return {
    pageNo: Math.max(1, Number(d.pageNo ?? "1")),
    pageSize: Math.min(MAX_PAGE_SIZE, Math.max(1, Number(d.pageSize ?? DEFAULT_PAGE_SIZE))),
  };
}

// ── HC.BLUEINVOICE.QUERY ─────────────────────────────────────────────────────────────────────

type BlueQuery = WireIn<BlueInvoiceQueryWire>;

export const blueInvoiceQueryHandler: InterfaceHandler<BlueQuery> = {
  interfaceCode: EXTENSIONS.blueInvoiceQuery.interfaceCode,
  endpoint: "sim",
  description: EXTENSIONS.blueInvoiceQuery.description,
  dataSchema: BlueInvoiceQueryData,
  async handle(ctx, d) {
    await settleOverdueBills(ctx);
    const { pageNo, pageSize } = paging(d);
    let q = ctx.repo.selectFrom("blue_invoices");
    if (d.invoiceNos && d.invoiceNos.length > 0) q = q.where("invoice_no", "in", [...d.invoiceNos]);
    // 发票种类 by any spelling of the one vocabulary (纸质专票, 004 …): stored kinds are canonical.
    if (d.kinds && d.kinds.length > 0) {
      q = q.where(
        "kind",
        "in",
        d.kinds.map((k) => invoiceKindOf(k) ?? k)
      );
    }
    if (d.startDate) q = q.where("invoice_date", ">=", `${d.startDate} 00:00:00`);
    if (d.endDate) q = q.where("invoice_date", "<=", `${d.endDate} 23:59:59`);
    // The page in SQL on (org, 开票日期, id) (0005); total is a COUNT with the same filters.
    const { total, rows: page } = await listPage(
      q,
      (f) => f.selectAll().orderBy("invoice_date").orderBy("id"),
      pageNo,
      pageSize
    );
    const ids = page.map((i) => i.id);
    const [lines, pending, bills] =
      ids.length === 0
        ? [[], [], []]
        : await Promise.all([
            ctx.repo
              .selectFrom("blue_invoice_lines")
              .selectAll()
              .where("invoice_id", "in", ids)
              .orderBy("line_no")
              .execute(),
            holdingPendingReds(ctx.repo, ids),
            // By blue number on its index (0005); the caller as seller is checked on the rows, since
            // `seller_tax_id = ?` in SQL makes SQLite walk every bill of the seller instead.
            ctx.bureau
              .selectFrom("bureau_confirm_bills")
              .selectAll()
              .where(
                "blue_invoice_no",
                "in",
                page.map((i) => i.invoice_no)
              )
              .where("confirm_status", "in", VALID_STATUSES)
              .where("red_invoice_no", "is", null)
              .execute()
              .then((rows) => rows.filter((b) => b.seller_tax_id === ctx.caller.org.tax_id)),
          ]);
    const items = page.map((inv) => ({
      invoiceCode: inv.invoice_code === "" ? null : inv.invoice_code,
      invoiceNo: inv.invoice_no,
      kind: inv.kind,
      status: inv.status,
      approvalStatus: "无需审批",
      issueDate: inv.invoice_date,
      buyerName: inv.buyer_name,
      buyerTaxId: inv.buyer_tax_id === "" ? null : inv.buyer_tax_id,
      sellerName: inv.seller_name,
      sellerTaxId: inv.seller_tax_id,
      drawer: inv.drawer === "" ? null : inv.drawer,
      amount: inv.amount,
      tax: inv.tax_amount,
      totalAmount: inv.total_amount,
      reversibleAmount: inv.remaining_amount,
      reversibleTax: inv.remaining_tax,
      pendingRedAmounts: pending.filter((p) => p.blue_invoice_id === inv.id).map((p) => p.amount),
      pendingConfirmBills: bills
        .filter((b) => b.blue_invoice_no === inv.invoice_no && b.blue_invoice_code === inv.invoice_code)
        .map((b) => ({ redInfoBillNo: b.bill_no, redConfirmBillStatus: b.confirm_status, amount: b.amount })),
      buyerUsageConfirmed: inv.buyer_usage_confirmed === 1,
      isPurchaseInvoice: isPurchaseBlue(inv),
      taxMode: inv.tax_mode,
      deduction: inv.deduction,
      lines: lines
        .filter((l) => l.invoice_id === inv.id)
        .map((l) => ({
          seq: l.line_no - 1,
          lineProperty: l.line_property,
          goodsName: l.goods_name,
          revenueCode: l.revenue_code,
          specification: l.specification === "" ? null : l.specification,
          units: l.units === "" ? null : l.units,
          quantity: l.quantity,
          unitPrice: l.price,
          amount: l.amount,
          taxRate: l.tax_rate,
          tax: l.tax_amount,
          taxMode: inv.tax_mode,
          privilegeType: l.privilege_type,
          remainingAmount: l.remaining_amount,
          remainingTax: l.remaining_tax,
          remainingQuantity: l.remaining_quantity,
          redUnitPrice: l.reversible_unit_price,
          hasDiscountLine: l.has_discount_line === 1,
        })),
    }));
    return ok({ pageNo, pageSize, total, items });
  },
};

// ── HC.REDCONFIRMBILL.ROLLBACK / DELETE ───────────────────────────────────────────────────────

type FormActionData = WireIn<RedConfirmBillActionWire>;

/** The org's form as the rules see it (its own record: the manual's buttons act on it). */
function formOfRow(f: Row<"red_confirm_forms">): ConfirmForm {
  return confirmForm({
    entryStatus: f.entry_status,
    confirmStatus: f.confirm_status,
    invoiceStatus: f.invoice_status,
    entrantRole: f.entrant_role,
    myRole: f.my_role as Role,
    dataSource: f.data_source,
    auditStatus: f.audit_status,
    allocated: f.allocated === 1,
    entryDate: f.entered_at,
    confirmDate: f.confirmed_at,
  });
}

/**
 * Every failing condition (rcf.rollback / rcf.delete report the set): the envelope carries the first
 * one's code and message, `data.refusals` all of them.
 */
function allConditions(refusals: readonly Refusal[]) {
  return { data: { refusals: refusals.map((r) => ({ code: r.code, message: r.message })) } };
}

async function findForm(ctx: HandlerContext, d: FormActionData) {
  let q = ctx.repo.selectForUpdate("red_confirm_forms").selectAll();
  if (d.serialNo?.trim()) q = q.where("serial_no", "=", d.serialNo.trim());
  if (d.number?.trim()) q = q.where("bill_no", "=", d.number.trim());
  return q.executeTakeFirst();
}

async function deleteFormRows(ctx: HandlerContext, form: Row<"red_confirm_forms">): Promise<void> {
  await ctx.repo.deleteFrom("red_confirm_form_lines").where("form_id", "=", form.id).execute();
  await ctx.repo.deleteFrom("red_confirm_forms").where("id", "=", form.id).execute();
  await ctx.repo.audit("red_confirm_forms", form.id, "delete", {
    serialNo: form.serial_no,
    billNo: form.bill_no,
  });
}

/** [INFERRED §4.8] application status after a rollback: back to 未提交 so it can push a new form. */
export const APPLICATION_STATUS_AFTER_ROLLBACK = "未提交";

/** A re-query that found the bill: the form takes its 红字确认单编号 and UUID. */
function billIdentity(seen: { entryStatus: string }, bill: BillRow | undefined) {
  return seen.entryStatus === "录入成功" && bill ? { bill_no: bill.bill_no, gov_uuid: bill.gov_uuid } : {};
}

export const redConfirmRollbackHandler: InterfaceHandler<FormActionData> = {
  interfaceCode: EXTENSIONS.redConfirmBillRollback.interfaceCode,
  endpoint: "sim",
  description: EXTENSIONS.redConfirmBillRollback.description,
  dataSchema: RedConfirmBillActionData,
  async handle(ctx, d) {
    await settleOverdueBills(ctx);
    const form = await findForm(ctx, d);
    if (!form) return refuse("RCF_FORM_NOT_FOUND", { key: d.serialNo ?? d.number ?? "" });
    // 录入失败 on RPA: re-query the bureau by the form's 流水号 first (002 回退②), then by its number
    // (a 录入失败 form usually has none). The engine ignores the observation on 乐企.
    let requery: EntryRequery | null = null;
    let requeriedBill: BillRow | undefined;
    if (form.entry_status === "录入失败") {
      requeriedBill =
        (await findBillByEntrySerial(ctx, ctx.caller.org.tax_id, form.serial_no)) ??
        (form.bill_no ? await findBill(ctx, { billNo: form.bill_no }) : undefined);
      requery = requeriedBill
        ? { entryStatus: "录入成功", confirmStatus: requeriedBill.confirm_status }
        : { entryStatus: "录入失败", confirmStatus: null };
    }
    const channel = (ctx.caller.org.digital_channel ?? DEFAULT_CHANNEL) as Channel;
    const r = runConfirmFormAction("rollback", formOfRow(form), { channel, requery });
    const seen = r.ok ? r.effects.statusUpdatedTo : r.statusUpdatedTo;
    if (seen && !r.ok) {
      // An observation of the bureau, kept even though the rollback is refused.
      await ctx.repo
        .updateTable("red_confirm_forms")
        .set({
          entry_status: seen.entryStatus,
          confirm_status: seen.confirmStatus,
          ...billIdentity(seen, requeriedBill),
          updated_at: ctx.now,
        })
        .where("id", "=", form.id)
        .execute();
    }
    if (!r.ok) return refused(r.refusal, { keep: seen !== undefined, ...allConditions(r.refusals) });
    let applicationStatus: { from: string; to: string } | null = null;
    if (form.application_id !== null && r.effects.applicationWrittenBack) {
      const app = await ctx.repo
        .selectForUpdate("applications")
        .selectAll()
        .where("id", "=", form.application_id)
        .executeTakeFirst();
      if (app) {
        applicationStatus = { from: app.status, to: APPLICATION_STATUS_AFTER_ROLLBACK };
        await ctx.repo
          .updateTable("applications")
          .set({ status: APPLICATION_STATUS_AFTER_ROLLBACK, updated_at: ctx.now })
          .where("id", "=", app.id)
          .execute();
        await ctx.repo.audit(
          "applications",
          app.id,
          "rollback-write-back",
          { status: app.status },
          { status: APPLICATION_STATUS_AFTER_ROLLBACK }
        );
      }
    }
    if (r.effects.deleted) {
      await deleteFormRows(ctx, form);
      return ok({ deleted: true, status: null, applicationStatus }, "回退成功");
    }
    await ctx.repo
      .updateTable("red_confirm_forms")
      .set({
        application_id: null,
        ...(seen
          ? {
              entry_status: seen.entryStatus,
              confirm_status: seen.confirmStatus,
              ...billIdentity(seen, requeriedBill),
            }
          : {}),
        updated_at: ctx.now,
      })
      .where("id", "=", form.id)
      .execute();
    await ctx.repo.audit(
      "red_confirm_forms",
      form.id,
      "rollback",
      { applicationId: form.application_id },
      { applicationId: null }
    );
    return ok(
      { deleted: false, status: seen?.confirmStatus ?? form.confirm_status, applicationStatus },
      "回退成功"
    );
  },
};

export const redConfirmDeleteHandler: InterfaceHandler<FormActionData> = {
  interfaceCode: EXTENSIONS.redConfirmBillDelete.interfaceCode,
  endpoint: "sim",
  description: EXTENSIONS.redConfirmBillDelete.description,
  dataSchema: RedConfirmBillActionData,
  async handle(ctx, d) {
    const form = await findForm(ctx, d);
    if (!form) return refuse("RCF_FORM_NOT_FOUND", { key: d.serialNo ?? d.number ?? "" });
    const r = runConfirmFormAction("delete", formOfRow(form));
    if (!r.ok) return refused(r.refusal, allConditions(r.refusals));
    await deleteFormRows(ctx, form);
    return ok({ deleted: true, status: null, applicationStatus: null }, "删除成功");
  },
};

// ── HC.TASK.QUERY ────────────────────────────────────────────────────────────────────────────

type TaskQuery = WireIn<TaskQueryWire>;

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

export const taskQueryHandler: InterfaceHandler<TaskQuery> = {
  interfaceCode: EXTENSIONS.taskQuery.interfaceCode,
  endpoint: "sim",
  description: EXTENSIONS.taskQuery.description,
  dataSchema: TaskQueryData,
  async handle(ctx, d) {
    const { pageNo, pageSize } = paging(d);
    let q = ctx.repo.selectFrom("tasks");
    if (d.taskNo?.trim()) q = q.where("task_no", "=", d.taskNo.trim());
    if (d.type?.trim()) q = q.where("kind", "=", d.type.trim());
    // Newest first on (org, created_at, id) (0005); only the page's tasks are read (and settled).
    const { total, rows: page } = await listPage(
      q,
      (f) => f.select(["task_no"]).orderBy("created_at", "desc").orderBy("id", "desc"),
      pageNo,
      pageSize
    );
    const items = [];
    for (const { task_no } of page) {
      const t = (await readTask(ctx, task_no)) as Row<"tasks">;
      const p = taskParams<Record<string, unknown>>(t);
      items.push({
        taskNo: t.task_no,
        type: t.kind,
        status: t.status,
        orgName: ctx.caller.org.name,
        taxNo: ctx.caller.org.tax_id,
        role: roleOfTask(t),
        startDate: str(p.startDate),
        endDate: str(p.endDate),
        createdBy: t.created_by,
        startedAt: chinaDateTime(t.created_at),
        finishedAt: t.finished_at === null ? null : chinaDateTime(t.finished_at),
        channel: t.channel,
        total: t.total,
        succeeded: t.success_count,
        failReason: t.fail_reason === "" ? null : t.fail_reason,
        items: (taskRows(t) as Array<Record<string, unknown>>).map((row) => ({
          number: str(row.number) ?? str(row.redInfoBillNo) ?? str(row.formNo),
          blueInvoiceNo: str(row.blueInvoiceNo) ?? str(row.invoiceNo),
          blueInvoiceCode: str(row.blueInvoiceCode) ?? str(row.invoiceCode),
          ...(str(row.action) ? { action: str(row.action) } : {}),
          ...(str(row.failReason) ? { failReason: str(row.failReason) } : {}),
        })),
      });
    }
    return ok({ pageNo, pageSize, total, items });
  },
};
