/**
 * 2.1.12 红字确认单下载 (interfaceCode assumed: REDCONFIRMBILL.DOWNLOAD, assumptions A1) and
 * 更新确认单状态 (`mode: "statusUpdate"`, ASSUMPTIONS.md A20) — asynchronous tasks (manual §下载/更新,
 * domain-rules §4.10). The call creates the task and answers its `taskNo`; the task settles on the
 * clock (tasks.ts): bills of the 录入日期 range where the org is seller/buyer (购销身份) are fetched
 * from the bureau; new ones are INSERTED as 税局下载 forms, held ones UPDATED per the engine's
 * downloadMerge (销方: 确认状态; 购方: + 开票状态/红票号码 when invoiced; both parties in the cloud:
 * 确认状态 only). On the 乐企 channel a range with more than 15 detail lines is re-run every minute
 * (engine leqiRerun), for 下载 and 更新确认单状态 alike: each pass takes at most 15 detail lines, until
 * the range is complete.
 * Called again with `taskNo`, it answers the task's state and, once settled, the bills (dataList).
 */
import { STATUS_UPDATE_FIELDS, downloadMerge, leqiRerun } from "../../../domain/confirmForm";
import { LEQI_RERUN_DETAIL_LINES_THRESHOLD } from "../../../domain/inferred";
import type { Role } from "../../../domain/labels";
import { refusal } from "../../../domain/refusals";
import { roleOfIdentity } from "../../../gateway/codes";
import type { HandlerContext } from "../../context";
import type { Row } from "../../db/schema";
import { type InterfaceHandler, type TaskSettlement, type TaskSettler, ok, refuse } from "../../registry";
import {
  type RedConfirmBillDownloadWire,
  RedConfirmBillDownloadData,
  type WireIn,
} from "../../../gateway/schemas";
import { createTask, readTask, taskParams, taskRows } from "../../tasks";
import { billsInScope, billsInScopeByNumber, heldForms, refreshHeldStatus } from "./redConfirmQuery";
import { type BillRow, insertFormCopy, parseBillLines, settleOverdueBills, sideOn } from "./redConfirmShared";
import { billDetail, billSummary } from "./redConfirmItems";

export const RED_CONFIRM_DOWNLOAD_TASK = "redConfirmDownload";
export const RED_CONFIRM_STATUS_UPDATE_TASK = "redConfirmStatusUpdate";
/** Clock time a download task takes before its first pass. */
export const RED_CONFIRM_DOWNLOAD_DURATION_MS = 5_000;

type RedConfirmDownloadData = WireIn<RedConfirmBillDownloadWire>;

interface DownloadParams {
  readonly taxpayerId: string;
  readonly identity?: "0" | "1";
  readonly startDate: string;
  readonly endDate: string;
  readonly redInfoBillNo?: string;
}

/** One processed bill in the task record (manual §4.10: 红字确认单编号 / 蓝票号码 / 蓝票代码). */
interface TaskItem {
  readonly number: string;
  readonly blueInvoiceNo: string;
  readonly blueInvoiceCode: string;
  /** INSERT / UPDATE (fields changed) / UNCHANGED. */
  readonly action: string;
  readonly updatedFields: string;
  readonly failReason: string;
}

/** The other party of a bill, seen from the calling org. */
const counterpartyTaxId = (ctx: HandlerContext, bill: BillRow): string =>
  sideOn(bill, ctx.caller.org.tax_id) === "销方" ? bill.buyer_tax_id : bill.seller_tax_id;

/** Which of the bills' counterparties are orgs in the cloud: one read per pass, not one per bill. */
async function counterpartiesInCloud(ctx: HandlerContext, bills: readonly BillRow[]): Promise<Set<string>> {
  const taxIds = [...new Set(bills.map((b) => counterpartyTaxId(ctx, b)))];
  const out = new Set<string>();
  for (let i = 0; i < taxIds.length; i += 1000) {
    const rows = await ctx.tx
      .selectFrom("orgs")
      .select("tax_id")
      .where("tax_id", "in", taxIds.slice(i, i + 1000))
      .execute();
    for (const r of rows) out.add(r.tax_id);
  }
  return out;
}

/**
 * reading: 002 下载 (3) "哪个组织先从税局下载红字确认单，红字确认单就归属于哪个组织" — a later download by
 * another organisation does not take the bill over: no record is inserted for it, the task row says
 * UNCHANGED with the owner's name in failReason (the task itself succeeds). Records an organisation
 * made itself (entry, 2.1.03) are not downloads and own nothing here.
 */
export const DOWNLOAD_OWNED_BY_OTHER_ACTION = "UNCHANGED";

/** The name of another organisation holding `bill` as a 税局下载 record (the first downloader), if any. */
async function firstDownloader(ctx: HandlerContext, bill: BillRow): Promise<string | undefined> {
  const row = await ctx.tx
    .selectFrom("red_confirm_forms")
    .innerJoin("orgs", "orgs.id", "red_confirm_forms.org_id")
    .select("orgs.name")
    .where("red_confirm_forms.bill_no", "=", bill.bill_no)
    .where("red_confirm_forms.data_source", "=", "税局下载")
    .where("red_confirm_forms.org_id", "!=", ctx.caller.org.id)
    .orderBy("red_confirm_forms.id")
    .executeTakeFirst();
  return row?.name;
}

/** Merge one downloaded bill into the org's records; the engine says what may change. */
async function mergeBill(
  ctx: HandlerContext,
  bill: BillRow,
  statusOnly: boolean,
  held: Row<"red_confirm_forms"> | undefined,
  inCloud: ReadonlySet<string>
): Promise<TaskItem> {
  const item = {
    number: bill.bill_no,
    blueInvoiceNo: bill.blue_invoice_no,
    blueInvoiceCode: bill.blue_invoice_code,
    failReason: "",
  };
  const myRole = sideOn(bill, ctx.caller.org.tax_id) as Role;
  const bothPartiesInCloud = inCloud.has(counterpartyTaxId(ctx, bill));
  const bureauInvoiced = bill.red_invoice_no !== null;
  if (statusOnly) {
    if (!held) return { ...item, action: "UNCHANGED", updatedFields: "" };
    const changed = await refreshHeldStatus(ctx, bill, held);
    return {
      ...item,
      action: changed ? "UPDATE" : "UNCHANGED",
      updatedFields: changed ? STATUS_UPDATE_FIELDS.join("、") : "",
    };
  }
  const merge = downloadMerge({ existing: held !== undefined, myRole, bothPartiesInCloud, bureauInvoiced });
  if (merge.action === "INSERT" && bothPartiesInCloud) {
    // 002 下载 (3): both parties in 发票云 → the first organisation to download the bill owns it.
    const owner = await firstDownloader(ctx, bill);
    if (owner)
      return {
        ...item,
        action: DOWNLOAD_OWNED_BY_OTHER_ACTION,
        updatedFields: "",
        failReason: refusal("RCF_DOWNLOAD_OWNED_BY_OTHER", { org: owner }).message,
      };
  }
  if (merge.action === "INSERT") {
    await insertFormCopy(ctx, ctx.repo, bill, {
      serialNo: `DL-${bill.bill_no}`,
      dataSource: "税局下载",
      invoiceStatus: bureauInvoiced ? "已开票" : "未开票",
      redInvoiceNo: bill.red_invoice_no,
      redInvoiceDate: bill.red_invoice_date,
    });
    return { ...item, action: "INSERT", updatedFields: "" };
  }
  const form = held as Row<"red_confirm_forms">;
  const patch: Partial<Row<"red_confirm_forms">> = {};
  if (merge.updatedFields.includes("确认状态")) {
    if (form.confirm_status !== bill.confirm_status) patch.confirm_status = bill.confirm_status;
    if (form.confirmed_at !== bill.confirmed_at) patch.confirmed_at = bill.confirmed_at;
  }
  if (merge.updatedFields.includes("开票状态") && form.invoice_status !== "已开票")
    patch.invoice_status = "已开票";
  if (merge.updatedFields.includes("红票号码") && form.red_invoice_no !== bill.red_invoice_no) {
    patch.red_invoice_no = bill.red_invoice_no;
    patch.red_invoice_date = bill.red_invoice_date;
  }
  if (Object.keys(patch).length === 0) return { ...item, action: "UNCHANGED", updatedFields: "" };
  await ctx.repo
    .updateTable("red_confirm_forms")
    .set({ ...patch, updated_at: ctx.now })
    .where("id", "=", form.id)
    .execute();
  await ctx.repo.audit("red_confirm_forms", form.id, "download-update", undefined, patch);
  return { ...item, action: "UPDATE", updatedFields: merge.updatedFields.join("、") };
}

function settlerFor(kind: string, statusOnly: boolean): TaskSettler {
  return {
    kind,
    async settle(ctx, task): Promise<TaskSettlement> {
      const p = taskParams<DownloadParams>(task);
      const done = taskRows(task) as TaskItem[];
      if (ctx.caller.org.issue_system !== "数电" || !ctx.caller.org.digital_channel) {
        return {
          status: "失败",
          total: 0,
          successCount: 0,
          failReason: refusal("RCF_DOWNLOAD_NO_DIGITAL_CHANNEL").message,
          rows: [],
        };
      }
      await settleOverdueBills(ctx);
      const inRange = await billsInScope(ctx, p);
      const held = await heldForms(ctx, inRange);
      // 更新确认单状态 works on held records only (header-only, never inserts).
      const bills = statusOnly ? inRange.filter((b) => held.has(b.bill_no)) : inRange;
      const doneNumbers = new Set(done.map((r) => r.number));
      const todo = bills.filter((b) => !doneNumbers.has(b.bill_no));
      const detailLines = bills.reduce((n, b) => n + parseBillLines(b).length, 0);
      // 乐企 re-runs every minute above 15 detail lines — for 更新确认单状态 as for 下载 (issue 10 item 8).
      const rerun = leqiRerun(task.channel, detailLines);
      // One pass: everything, or (乐企 re-run) bills up to 15 detail lines — at least one bill per pass.
      const pass: BillRow[] = [];
      let lines = 0;
      for (const b of todo) {
        const n = parseBillLines(b).length;
        if (rerun.autoRerun && pass.length > 0 && lines + n > LEQI_RERUN_DETAIL_LINES_THRESHOLD) break;
        pass.push(b);
        lines += n;
      }
      const items = [...done];
      const inCloud = statusOnly ? new Set<string>() : await counterpartiesInCloud(ctx, pass);
      for (const b of pass) items.push(await mergeBill(ctx, b, statusOnly, held.get(b.bill_no), inCloud));
      const complete = pass.length === todo.length;
      return {
        status: complete ? "成功" : "进行中",
        total: bills.length,
        successCount: items.length,
        rows: items,
        ...(complete ? {} : { nextDueAt: task.due_at + (rerun.intervalSeconds ?? 60) * 1000 }),
      };
    },
  };
}

export const redConfirmDownloadSettler = settlerFor(RED_CONFIRM_DOWNLOAD_TASK, false);
export const redConfirmStatusUpdateSettler = settlerFor(RED_CONFIRM_STATUS_UPDATE_TASK, true);

export const redConfirmDownloadHandler: InterfaceHandler<RedConfirmDownloadData> = {
  interfaceCode: "REDCONFIRMBILL.DOWNLOAD",
  endpoint: "sim",
  description: "2.1.12 红字确认单下载",
  dataSchema: RedConfirmBillDownloadData,
  async handle(ctx, d) {
    if (d.taskNo) {
      const task = await readTask(ctx, d.taskNo);
      if (!task || (task.kind !== RED_CONFIRM_DOWNLOAD_TASK && task.kind !== RED_CONFIRM_STATUS_UPDATE_TASK))
        return refuse("GW_NOT_FOUND", { message: `任务“${d.taskNo}”不存在` });
      const base = {
        taskNo: task.task_no,
        taskStatus: task.status,
        total: task.total,
        successCount: task.success_count,
      };
      if (task.status === "进行中") return ok(base);
      const numbers = [...new Set((taskRows(task) as TaskItem[]).map((r) => r.number))];
      const bills = await billsInScopeByNumber(ctx, taskParams<DownloadParams>(task), numbers);
      const held = await heldForms(ctx, bills);
      return ok({
        ...base,
        dataList: bills.map((b) => ({
          ...billSummary(b, sideOn(b, ctx.caller.org.tax_id) as Role, held.get(b.bill_no)),
          invoiceDetail: billDetail(b),
        })),
      });
    }
    if (!d.startDate || !d.endDate)
      return refuse("GW_VALIDATION", { detail: "data.startDate、data.endDate（录入日期起止）不能为空" });
    if (d.startDate > d.endDate)
      return refuse("DATE_RANGE_REVERSED", { from: "录入日期起", to: "录入日期止" });
    const params: DownloadParams = {
      taxpayerId: d.taxpayerId,
      ...(d.identity ? { identity: d.identity } : {}),
      startDate: d.startDate,
      endDate: d.endDate,
      ...(d.redInfoBillNo ? { redInfoBillNo: d.redInfoBillNo } : {}),
    };
    const taskNo = await createTask(ctx, {
      kind: d.mode === "statusUpdate" ? RED_CONFIRM_STATUS_UPDATE_TASK : RED_CONFIRM_DOWNLOAD_TASK,
      params,
      channel: ctx.caller.org.digital_channel ?? ctx.caller.org.issue_system,
      durationMs: RED_CONFIRM_DOWNLOAD_DURATION_MS,
    });
    return ok({ taskNo });
  },
};

/** 购销身份 label of a task's identity param (for the task record). */
export function roleOfTask(task: Row<"tasks">): Role | null {
  const p = taskParams<{ identity?: string }>(task);
  return p.identity ? (roleOfIdentity(p.identity) ?? null) : null;
}
