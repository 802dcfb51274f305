/**
 * HC.REDINFOBILL.* — the 红字信息表 list buttons that exist only in the invoice cloud's UI
 * (domain-rules §3.4–§3.6, §3.9), sandbox-only extensions (src/gateway/extensions.ts):
 * LIST (the list with filters, paged), REVOKE (撤销: only 审核成功, never 已开票 → 已撤销),
 * ROLLBACK (退回开票申请单: only forms linked to an 开票申请单; application 已提交 → 未提交; the form is
 * deleted when never uploaded, else kept unlinked), DELETE (未上传 / 审核失败 only).
 * Every rule is the engine's `applyInfoFormAction`; these handlers load, call it and write the result.
 */
import { type InfoFormAction, applyInfoFormAction } from "../../../domain/infoForm";
import { InfoFormStatus } from "../../../domain/labels";
import {
  EXTENSIONS,
  type FormActionResult,
  type Page,
  type RedInfoFormInfo,
} from "../../../gateway/extensions";
import { sql } from "kysely";
import type { HandlerContext } from "../../context";
import { listPage } from "../../db/repo";
import type { Row } from "../../db/schema";
import { type InterfaceHandler, type Outcome, ok, refuse, refused } from "../../registry";
import {
  type RedInfoFormActionWire,
  RedInfoFormActionData,
  type RedInfoFormListWire,
  RedInfoFormListData,
  type WireIn,
} from "../../../gateway/schemas";
import { applicationNos, engineForm, infoFormInfo } from "./taxControlShared";

export const DEFAULT_PAGE_SIZE = 100;

type ListData = WireIn<RedInfoFormListWire>;
type ActionData = WireIn<RedInfoFormActionWire>;

export const redInfoFormListHandler: InterfaceHandler<ListData> = {
  interfaceCode: EXTENSIONS.redInfoFormList.interfaceCode,
  endpoint: EXTENSIONS.redInfoFormList.endpoint,
  description: EXTENSIONS.redInfoFormList.description,
  dataSchema: RedInfoFormListData,
  async handle(ctx, d) {
    const pageNo = Number(d.pageNo ?? 1);
    const pageSize = Number(d.pageSize ?? DEFAULT_PAGE_SIZE);
    let q = ctx.repo.selectFrom("info_forms");
    if (d.status !== undefined && d.status.trim() !== "") {
      const status = InfoFormStatus.normalize(d.status);
      if (!status) {
        return refuse("GW_VALIDATION", {
          detail: `data.status 须为 ${InfoFormStatus.values.join("、")} 之一，收到“${d.status}”`,
        });
      }
      q = q.where("status", "=", status);
    }
    // 填开日期 range, on the date part (yyyy-MM-dd sorts as text; a form without one has "").
    const day = sql<string>`substr(coalesce(${sql.ref("info_forms.filled_at")}, ''), 1, 10)`;
    if (d.startDate) q = q.where(day, ">=", d.startDate);
    if (d.endDate) q = q.where(day, "<=", d.endDate);
    // The page in SQL on (org, id) (0005); total is a COUNT with the same filters.
    const { total, rows: page } = await listPage(q, (f) => f.selectAll().orderBy("id"), pageNo, pageSize);
    const apps = await applicationNos(ctx, page);
    const result: Page<RedInfoFormInfo> = {
      pageNo,
      pageSize,
      total,
      items: page.map((r) =>
        infoFormInfo(r, r.application_id !== null ? (apps.get(r.application_id) ?? null) : null)
      ),
    };
    return ok(result);
  },
};

async function loadForm(ctx: HandlerContext, d: ActionData): Promise<Row<"info_forms"> | undefined> {
  let q = ctx.repo.selectForUpdate("info_forms").selectAll();
  if (d.serialNo?.trim()) q = q.where("serial_no", "=", d.serialNo.trim());
  if (d.formNo?.trim()) q = q.where("bill_no", "=", d.formNo.trim());
  return q.executeTakeFirst();
}

/** Load the form, run the engine's action, hand the decision to `write`. */
async function runAction(
  ctx: HandlerContext,
  d: ActionData,
  action: InfoFormAction,
  write: (
    form: Row<"info_forms">,
    decision: ReturnType<typeof applyInfoFormAction> & { ok: true }
  ) => Promise<FormActionResult>
): Promise<Outcome> {
  const form = await loadForm(ctx, d);
  if (!form) {
    return refuse("GW_NOT_FOUND", {
      message: `红字信息表（${d.serialNo ? `流水号 ${d.serialNo}` : `编号 ${d.formNo ?? ""}`}）不存在`,
    });
  }
  const app =
    form.application_id !== null
      ? await ctx.repo
          .selectForUpdate("applications")
          .selectAll()
          .where("id", "=", form.application_id)
          .executeTakeFirst()
      : undefined;
  const decision = applyInfoFormAction(engineForm(form, app?.bill_no ?? null), action);
  if (!decision.ok) return refused(decision.refusal);
  return ok(await write(form, decision));
}

async function deleteForm(ctx: HandlerContext, form: Row<"info_forms">, action: string): Promise<void> {
  await ctx.repo.deleteFrom("info_form_lines").where("form_id", "=", form.id).execute();
  await ctx.repo.deleteFrom("info_forms").where("id", "=", form.id).execute();
  await ctx.repo.audit(
    "info_forms",
    form.id,
    action,
    { serialNo: form.serial_no, status: form.status },
    undefined
  );
}

export const redInfoFormRevokeHandler: InterfaceHandler<ActionData> = {
  interfaceCode: EXTENSIONS.redInfoFormRevoke.interfaceCode,
  endpoint: EXTENSIONS.redInfoFormRevoke.endpoint,
  description: EXTENSIONS.redInfoFormRevoke.description,
  dataSchema: RedInfoFormActionData,
  // The call is the second confirmation (二次确认) the engine asks for.
  handle: (ctx, d) =>
    runAction(ctx, d, { type: "revoke" }, async (form, decision) => {
      const status = decision.value.form!.status!;
      await ctx.repo
        .updateTable("info_forms")
        .set({ status, updated_at: ctx.now })
        .where("id", "=", form.id)
        .execute();
      await ctx.repo.audit("info_forms", form.id, "revoke", { status: form.status }, { status });
      if (form.bill_no) {
        await ctx.bureau
          .updateTable("bureau_info_forms")
          .set({ status, updated_at: ctx.now })
          .where("bill_no", "=", form.bill_no)
          .execute();
        await ctx.bureau.audit(
          "bureau_info_forms",
          form.bill_no,
          "revoke",
          { status: form.status },
          { status }
        );
      }
      return { deleted: false, status };
    }),
};

export const redInfoFormRollbackHandler: InterfaceHandler<ActionData> = {
  interfaceCode: EXTENSIONS.redInfoFormRollback.interfaceCode,
  endpoint: EXTENSIONS.redInfoFormRollback.endpoint,
  description: EXTENSIONS.redInfoFormRollback.description,
  dataSchema: RedInfoFormActionData,
  handle: (ctx, d) =>
    runAction(ctx, d, { type: "rollback" }, async (form, decision) => {
      const change = decision.value.application!;
      await ctx.repo
        .updateTable("applications")
        .set({ status: change.to, updated_at: ctx.now })
        .where("id", "=", form.application_id!)
        .execute();
      await ctx.repo.audit(
        "applications",
        form.application_id!,
        "rollback",
        { status: change.from },
        { status: change.to }
      );
      if (decision.value.deleted) {
        await deleteForm(ctx, form, "rollback_delete");
        return { deleted: true, status: null, applicationStatus: { from: change.from, to: change.to } };
      }
      await ctx.repo
        .updateTable("info_forms")
        .set({ application_id: null, updated_at: ctx.now })
        .where("id", "=", form.id)
        .execute();
      await ctx.repo.audit(
        "info_forms",
        form.id,
        "rollback_unlink",
        { application: change.no },
        { application: null }
      );
      return { deleted: false, status: form.status, applicationStatus: { from: change.from, to: change.to } };
    }),
};

export const redInfoFormDeleteHandler: InterfaceHandler<ActionData> = {
  interfaceCode: EXTENSIONS.redInfoFormDelete.interfaceCode,
  endpoint: EXTENSIONS.redInfoFormDelete.endpoint,
  description: EXTENSIONS.redInfoFormDelete.description,
  dataSchema: RedInfoFormActionData,
  handle: (ctx, d) =>
    runAction(ctx, d, { type: "delete" }, async (form) => {
      await deleteForm(ctx, form, "delete");
      return { deleted: true, status: null };
    }),
};
