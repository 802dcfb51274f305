/**
 * Workflow 红字信息表 (module 001, domain-rules §3): the selected forms of a 红字信息表 sheet and
 * every button of the manual — 上传 (2.2.04), 下载 (2.2.05, scope ≥ 1), 红冲 (2.2.01 red issue of the
 * form's lines by its number), 撤销 (second confirmation), 退回开票申请单, 删除 (HC.* extensions), 打印.
 * A button is enabled only when the state table allows it for EVERY selected form; otherwise the
 * refusals are listed per form.
 */
import { parseRect, splitSheet } from "../../src/sheet/address";
import {
  checkDownloadScope,
  infoFormActionRefusal,
  type InfoForm,
  type InfoFormAction,
} from "../../src/domain/infoForm";
import { InfoFormStatus } from "../../src/domain/labels";
import { formatAmount, formatQty, magnitude, toRed, type Dec } from "../../src/domain/money";
import { refusal, type Refusal, type Result } from "../../src/domain/refusals";
import {
  DIGITAL_INVOICE_STATUS,
  EXTENSIONS,
  INFO_FORM_DOWNLOAD_SCOPE_CODES,
  refusalFromBusinessFailure,
  downloadScopeCode,
  infoFormInvoiceTypeCode,
  newSerialNo,
  type FormActionResult,
  type RedInfoFormSummary,
  type TaxControlIssueItem,
  type TaxControlRedElementResult,
} from "../../src/gateway";
import {
  INFO_FORM_FIELDS,
  planInfoForms,
  type InfoFormKey,
  type InfoFormRow,
} from "../../src/domain/plan/infoForm";
import type { ParsedRow } from "../../src/sheet/mapping";
import { INFO_FORM_WIRE_CODES } from "../../src/sheet/xlsx/submit";
import type { SheetLayout, WorkbookPort } from "../../src/sheet/port";
import { MAX_LIST_ITEMS, wholeList } from "../../src/sheet/paging";
import { PROCESS_STATUS } from "../../src/sheet/schemas";
import {
  aborted,
  callExtension,
  chinaDate,
  decOf,
  isSandboxOnly,
  isUnknownOutcome,
  listInfoForms,
  refusalOnSheet,
  textOf,
  writeBackFor,
  yieldToUi,
  type CellMark,
  type RunControl,
  type WorkflowClient,
} from "./common";

export interface InfoFormLineDraft {
  readonly rowIndex: number;
  readonly goodsName: string | null;
  readonly taxCode: string | null;
  readonly spec: string | null;
  readonly unit: string | null;
  readonly quantity: Dec | null;
  readonly unitPrice: Dec | null;
  readonly amount: Dec | null;
  readonly taxRate: Dec | null;
  readonly tax: Dec | null;
}

export interface InfoFormEntry {
  readonly key: string;
  readonly rowIndexes: readonly number[];
  readonly rowLabel: string;
  /** The form as the state table sees it. */
  readonly form: InfoForm;
  readonly applicant: string | null;
  readonly invoiceType: string | null;
  readonly blueInvoiceCode: string | null;
  readonly blueInvoiceNo: string | null;
  readonly blueIssueDate: string | null;
  readonly buyerName: string | null;
  readonly buyerTaxId: string | null;
  readonly sellerName: string | null;
  readonly sellerTaxId: string | null;
  readonly auditDate: string | null;
  readonly lines: readonly InfoFormLineDraft[];
  readonly serialNo: string | null;
  readonly cellErrors: ReadonlyArray<{ columnKey: string; cellAddress: string; message: string }>;
  /** The form's rows as the planner takes them (src/domain/plan/infoForm.ts): checks and the request. */
  readonly draftRows: readonly InfoFormRow[];
}

const first = (rows: readonly ParsedRow[], key: string): string | null => {
  for (const r of rows) {
    const t = textOf(r.values[key]);
    if (t !== null) return t;
  }
  return null;
};

/**
 * The 红字信息表 sheet has no 流水号 column: a pending upload keeps its serial inside 处理状态
 * ("处理中（流水号：…）", see writeBackFor), so a re-run re-sends the same serial, never a new one.
 */
export function serialInStatus(status: string | null): string | null {
  const m = /流水号：([A-Za-z0-9_-]+)/.exec(status ?? "");
  return m ? m[1] : null;
}

/** Rows → forms: same 申请单号, else same 红字信息表编码, else same blue invoice, else the row alone. */
export function groupInfoFormRows(rows: readonly ParsedRow[]): InfoFormEntry[] {
  const groups = new Map<string, ParsedRow[]>();
  for (const r of rows) {
    const v = r.values;
    const blue = textOf(v.blueInvoiceNo);
    const key =
      textOf(v.formKey) ??
      textOf(v.infoFormNumber) ??
      (blue ? `${textOf(v.blueInvoiceCode) ?? ""}|${blue}` : `row:${r.rowIndex}`);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return Array.from(groups.entries()).map(([key, list]) => {
    const statusText = first(list, "infoFormStatus");
    const status = statusText === null ? null : (InfoFormStatus.normalize(statusText) ?? null);
    const formNo = first(list, "infoFormNumber");
    const sellerTaxId = first(list, "sellerTaxId");
    return {
      key,
      rowIndexes: list.map((r) => r.rowIndex),
      rowLabel: list.map((r) => String(r.rowIndex + 1)).join("、"),
      form: {
        // [decision] a draft row without 信息表状态 is a form saved but not uploaded (未上传).
        status: status ?? "未上传",
        formNo,
        sellerTaxId,
        bureauAuditDate: first(list, "auditDate"),
        redInvoiceCode: first(list, "redInvoiceCode"),
        redInvoiceNo: first(list, "redInvoiceNumber"),
        linkedApplication: null,
      },
      applicant: first(list, "applicant"),
      invoiceType: first(list, "invoiceType"),
      blueInvoiceCode: first(list, "blueInvoiceCode"),
      blueInvoiceNo: first(list, "blueInvoiceNo"),
      blueIssueDate: first(list, "blueIssueDate"),
      buyerName: first(list, "buyerName"),
      buyerTaxId: first(list, "buyerTaxId"),
      sellerName: first(list, "sellerName"),
      sellerTaxId,
      auditDate: first(list, "auditDate"),
      lines: list.map((r) => ({
        rowIndex: r.rowIndex,
        goodsName: textOf(r.values.goodsName),
        taxCode: textOf(r.values.taxCode),
        spec: textOf(r.values.spec),
        unit: textOf(r.values.unit),
        quantity: decOf(r.values.quantity),
        unitPrice: decOf(r.values.unitPrice),
        amount: decOf(r.values.redAmount),
        taxRate: decOf(r.values.taxRate),
        tax: decOf(r.values.redTax),
      })),
      serialNo: first(list, "serialNo") ?? serialInStatus(first(list, "processStatus")),
      draftRows: list.map((r) => ({
        rowIndex: r.rowIndex,
        values: r.values as InfoFormRow["values"],
        cellErrors: r.errors.map((x) => ({ key: x.columnKey as InfoFormKey, refusal: x.refusal })),
      })),
      cellErrors: list.flatMap((r) =>
        r.errors.map((e) => ({
          columnKey: e.columnKey,
          cellAddress: e.cellAddress,
          message: e.refusal.message,
        }))
      ),
    };
  });
}

/** Fill what the sheet does not hold (link to a 开票申请单, the gateway's status) from HC.REDINFOBILL.LIST. */
export async function enrichFromGateway(
  client: WorkflowClient | null,
  entries: readonly InfoFormEntry[]
): Promise<{ entries: InfoFormEntry[]; note: Refusal | null }> {
  if (client === null || entries.every((e) => !e.form.formNo && !e.serialNo))
    return { entries: [...entries], note: null };
  const list = await listInfoForms(client);
  if (!list.ok) return { entries: [...entries], note: list.refusal };
  const found = list.value;
  const out = entries.map((e) => {
    const hit = found.find(
      (f) => (e.form.formNo && f.formNo === e.form.formNo) || (e.serialNo && f.serialNo === e.serialNo)
    );
    if (!hit) return e;
    const status = InfoFormStatus.normalize(hit.status) ?? e.form.status;
    return {
      ...e,
      serialNo: e.serialNo ?? hit.serialNo,
      form: {
        ...e.form,
        status,
        formNo: hit.formNo ?? e.form.formNo,
        linkedApplication: hit.linkedApplication,
      },
    };
  });
  return { entries: out, note: null };
}

export interface InfoFormSelection {
  readonly layout: SheetLayout;
  readonly entries: readonly InfoFormEntry[];
  readonly note: Refusal | null;
}

export async function readInfoForms(
  port: WorkbookPort,
  client: WorkflowClient | null,
  ctl: RunControl = {}
): Promise<Result<InfoFormSelection>> {
  const read = await port.readSelection("infoForms", { signal: ctl.signal });
  if (!read.ok) return read;
  const { entries, note } = await enrichFromGateway(client, groupInfoFormRows(read.value.rows));
  return { ok: true, value: { layout: read.value.layout, entries, note } };
}

// ── Buttons ──────────────────────────────────────────────────────────────────

export const INFO_FORM_BUTTONS = [
  "submit",
  "download",
  "redFlush",
  "print",
  "revoke",
  "rollback",
  "delete",
] as const;
export type InfoFormButton = (typeof INFO_FORM_BUTTONS)[number];

export interface RowRefusal {
  readonly rowLabel: string;
  readonly key: string;
  readonly message: string;
  /** 0-based sheet row the message points at (the form's first row, or the line's), for the link. */
  readonly row?: number;
  /** The cell's column key, when the message names one. */
  readonly columnKey?: string;
}

export interface ButtonState {
  readonly enabled: boolean;
  /** Why it is disabled, per form. */
  readonly refusals: readonly RowRefusal[];
}

function actionFor(button: InfoFormButton, orgTaxId: string): InfoFormAction | null {
  switch (button) {
    case "submit":
      return { type: "submit", bureau: { approved: true } };
    case "redFlush":
      return { type: "redFlush", orgTaxId };
    case "revoke":
      return { type: "revoke" };
    case "rollback":
      return { type: "rollback" };
    case "delete":
      return { type: "delete" };
    default:
      return null;
  }
}

/** Every button's state for the selection (every selected form must allow it). */
export function infoFormButtonStates(
  entries: readonly InfoFormEntry[],
  orgTaxId: string
): Readonly<Record<InfoFormButton, ButtonState>> {
  const out = {} as Record<InfoFormButton, ButtonState>;
  for (const b of INFO_FORM_BUTTONS) {
    const action = actionFor(b, orgTaxId);
    const refusals: RowRefusal[] = [];
    for (const e of entries) {
      if (b === "submit" && e.cellErrors.length > 0) {
        const c = e.cellErrors[0];
        refusals.push({
          rowLabel: e.rowLabel,
          key: e.key,
          message: `${c.cellAddress}：${c.message}`,
          row: parseRect(splitSheet(c.cellAddress).local)?.row,
          columnKey: c.columnKey,
        });
        continue;
      }
      const planned = b === "submit" ? planRefusal(e, orgTaxId) : null;
      if (planned) {
        refusals.push({ rowLabel: e.rowLabel, key: e.key, message: planned, row: e.rowIndexes[0] });
        continue;
      }
      const r = action ? infoFormActionRefusal(e.form, action) : null;
      if (r) refusals.push({ rowLabel: e.rowLabel, key: e.key, message: r.message, row: e.rowIndexes[0] });
    }
    const needsRows = b !== "download";
    out[b] = { enabled: (!needsRows || entries.length > 0) && refusals.length === 0, refusals };
  }
  return out;
}

// ── Running a button ─────────────────────────────────────────────────────────

export interface InfoFormOutcome {
  readonly key: string;
  readonly rowLabel: string;
  /** 0-based sheet row of the form's first row, for the link to it. */
  readonly row?: number;
  readonly ok: boolean;
  readonly message: string;
}

export interface InfoFormRunOptions extends RunControl {
  readonly orgTaxId: string;
  readonly newSerial?: () => string;
  /** Identical repeated lines: send once (the clerk's choice) instead of refusing the form. */
  readonly sendIdenticalOnce?: boolean;
}

/** The serial of the red invoice of a form: derived from the form number, so a re-run re-uses it. */
export function redSerialOfInfoForm(formNo: string): string {
  return `HC-IFR-${formNo.replace(/[^A-Za-z0-9]/g, "")}`.slice(0, 30);
}

/**
 * The planner's plan of one selected form (the same rules as 批量引入 and the gateway's 2.2.04):
 * the org is the filing party, lines within 0.06, 税收分类编码 19 digits, one blue line once …
 */
export function planOfEntry(e: InfoFormEntry, orgTaxId: string, sendIdenticalOnce = false) {
  const plan = planInfoForms(
    e.draftRows,
    { orgTaxId: orgTaxId.trim() || null },
    {
      codes: INFO_FORM_WIRE_CODES,
      sendIdenticalOnce,
    }
  );
  return { plan, document: plan.documents.length === 1 ? plan.documents[0] : null };
}

/** The first refusal of the planner on a form, as "第N行 列名：message", or null. */
function planRefusal(e: InfoFormEntry, orgTaxId: string): string | null {
  const { plan } = planOfEntry(e, orgTaxId);
  for (const v of plan.rows) {
    const c = v.cells[0];
    if (c) return `第${v.rowIndex + 1}行 ${INFO_FORM_FIELDS[c.key]}：${c.refusal.message}`;
  }
  return null;
}

// Label ⇄ code is codes.ts's (aliases included); the row was checked, the default only types the call.
const INVOICE_TYPE_CODE = (t: string | null): "004" | "028" => infoFormInvoiceTypeCode(t) ?? "004";

type Values = Record<string, string | undefined>;

function rowsOf(e: InfoFormEntry, values: Values, cellErrors: readonly CellMark[] = []) {
  return e.rowIndexes.map((rowIndex) => writeBackFor("infoForms", rowIndex, values, cellErrors));
}

/** The message of a refused extension: GW_SANDBOX_ONLY says to do it in 发票云. */
export function extensionMessage(r: Refusal): string {
  return isSandboxOnly(r) ? `${r.message}：当前连接的是真实发票云，请在发票云中完成此操作` : r.message;
}

/**
 * [decision] 红冲 of an approved 红字信息表 goes through 2.2.01 税控发票开具 (invoiceProperty 1), full
 * and partial forms alike: 001 3.3.5 issues the red 专票 from the form (its lines, its amounts, its
 * 红字信息表编号), while 2.2.02 is the quick red of a whole blue invoice — a full form's amounts equal
 * the blue's remaining only by coincidence, and one path keeps 已开票 and the red number the same for
 * every form. Refusals are placed with the sheet's 2.2.01 map (src/sheet/wireFields.ts).
 */
const RED_ISSUE_WIRE_MAP = "2.2.01" as const;

/**
 * The 2.2.01 red item of an approved form: by its 红字信息表编号 — the red is issued for the form's
 * own amounts and lines as the bureau approved them, so no invoiceDetail is sent (that is the 普票
 * partial red's, by blue line).
 */
export function redIssueItemOfForm(
  e: InfoFormEntry,
  orgTaxId: string,
  serialNo: string
): TaxControlIssueItem {
  return {
    serialNo,
    sellerTaxpayerId: orgTaxId,
    invoiceType: INVOICE_TYPE_CODE(e.invoiceType),
    invoiceProperty: "1",
    ...(e.blueInvoiceCode ? { originalInvoiceCode: e.blueInvoiceCode } : {}),
    ...(e.blueInvoiceNo ? { originalInvoiceNumber: e.blueInvoiceNo } : {}),
    redInfoBillNo: e.form.formNo ?? "",
  };
}

/** An element as it arrives (a vendor may send success as text; our refusalField/refusalParams beside). */
type RedIssueElement = Omit<TaxControlRedElementResult, "success"> & {
  readonly success: boolean | string;
  readonly refusalField?: unknown;
  readonly refusalParams?: unknown;
};

/** The answer element of `serialNo` in a per-element (2.2.01 / 2.2.02) answer, or null. */
function elementOf(data: unknown, serialNo: string): RedIssueElement | null {
  if (!Array.isArray(data)) return null;
  const hit = (data as unknown[]).find(
    (a) => typeof a === "object" && a !== null && (a as { serialNo?: unknown }).serialNo === serialNo
  );
  return (hit as RedIssueElement | undefined) ?? null;
}

const isSuccess = (a: RedIssueElement): boolean => a.success === true || a.success === "true";

/** A refused element as a refusal (our refusalCode / refusalField when the gateway sent them). */
function elementRefusal(a: RedIssueElement, fallback: Refusal | null): Refusal {
  const text = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));
  const params = a.refusalParams as Readonly<Record<string, string>> | undefined;
  const r = refusalFromBusinessFailure(
    {
      success: false,
      errorCode: text(a.errorCode),
      message: text(a.message) || fallback?.message || "",
      data: undefined,
      ...(typeof a.refusalCode === "string" ? { refusalCode: a.refusalCode } : {}),
      ...(params ? { refusalParams: params } : {}),
      ...(typeof a.refusalField === "string" ? { refusalField: a.refusalField } : {}),
    },
    { serialNo: a.serialNo }
  );
  return r;
}

async function runOne(
  button: Exclude<InfoFormButton, "download" | "print">,
  client: WorkflowClient,
  e: InfoFormEntry,
  opts: InfoFormRunOptions,
  persist: (values: Values) => Promise<void>
): Promise<{ outcome: InfoFormOutcome; values: Values; cellErrors?: readonly CellMark[] }> {
  const done = (ok: boolean, message: string, values: Values) => ({
    outcome: { key: e.key, rowLabel: e.rowLabel, row: e.rowIndexes[0], ok, message },
    values: {
      ...values,
      processStatus: ok ? PROCESS_STATUS.success : PROCESS_STATUS.failure,
      failureReason: ok ? "" : message,
    },
  });
  // A refusal of the request: the cell it names marked, the message worded with the headers.
  const refused = (iface: "2.2.04" | "2.2.01" | "2.2.02", r: Refusal) => {
    const lineRows =
      iface === "2.2.04" ? e.lines.filter((l) => l.amount !== null).map((l) => l.rowIndex) : [];
    const placed = refusalOnSheet("infoForms", iface, r, { rows: e.rowIndexes, lineRows });
    return { ...done(false, placed.message, {}), cellErrors: placed.cellErrors };
  };
  const pendingRed = (serialNo: string) => ({
    outcome: {
      key: e.key,
      rowLabel: e.rowLabel,
      row: e.rowIndexes[0],
      ok: true,
      message: refusal("PANE_RESULT_PENDING", { serialNo }).message,
    },
    values: { processStatus: PROCESS_STATUS.pending, failureReason: "" },
  });
  const taxNo = opts.orgTaxId;
  switch (button) {
    case "submit": {
      // The request is the planner's (the button state ran the same checks; a refusal here is stale).
      const { document } = planOfEntry(e, taxNo, opts.sendIdenticalOnce);
      if (!document?.request) return done(false, planRefusal(e, taxNo) ?? "红字信息表未通过检查", {});
      const serialNo = e.serialNo ?? (opts.newSerial ?? (() => newSerialNo({ prefix: "HC-RIF" })))();
      await persist({ serialNo, processStatus: PROCESS_STATUS.pending });
      const r = await client.applyRedInfoForm({ serialNo, ...document.request });
      if (!r.ok) {
        return isUnknownOutcome(r.refusal)
          ? {
              outcome: {
                key: e.key,
                rowLabel: e.rowLabel,
                row: e.rowIndexes[0],
                ok: false,
                message: r.refusal.message,
              },
              values: {
                serialNo,
                processStatus: PROCESS_STATUS.pending,
                failureReason: refusal("PANE_RESULT_PENDING", { serialNo }).message,
              },
            }
          : refused("2.2.04", r.refusal);
      }
      const status = r.data.status;
      const values: Values = {
        infoFormStatus: status,
        infoFormNumber: r.data.redInfoBillNo || undefined,
        auditDate: status === "审核成功" ? chinaDate(Date.now()) : undefined,
      };
      return status === "审核失败"
        ? done(false, r.data.failReason || "税局审核失败", values)
        : done(true, `红字信息表${status}`, values);
    }
    case "redFlush": {
      // 001 3.3.5: an approved form is issued as a red 专票 with its own lines and amounts, quoted by
      // its 红字信息表编号 (2.2.01 invoiceProperty 1) — full and partial forms alike (RED_ISSUE_WIRE_MAP).
      const formNo = e.form.formNo ?? "";
      const serialNo = redSerialOfInfoForm(formNo);
      // A client without 2.2.01 (an older gateway build) refuses rather than falling back to 2.2.02.
      const issue = client.issueTaxControlRed?.bind(client);
      if (issue === undefined)
        return done(false, refusal("GW_NOT_IMPLEMENTED", { interfaceCode: "2.2.01" }).message, {});
      const r = await issue([redIssueItemOfForm(e, taxNo, serialNo)]);
      if (!r.ok && isUnknownOutcome(r.refusal)) return pendingRed(serialNo);
      if (!r.ok && r.refusal.code !== "GW_DUPLICATE_SERIAL") {
        const element = elementOf(r.data, serialNo);
        return refused(RED_ISSUE_WIRE_MAP, element ? elementRefusal(element, r.refusal) : r.refusal);
      }
      const element = r.ok ? elementOf(r.data, serialNo) : null;
      if (element && !isSuccess(element)) return refused(RED_ISSUE_WIRE_MAP, elementRefusal(element, null));
      if (element?.invoiceNum) {
        return done(true, "已开具红字发票", {
          infoFormStatus: "已开票",
          redInvoiceCode: element.invoiceCode || undefined,
          redInvoiceNumber: element.invoiceNum,
        });
      }
      // A repeat of the serial (or an answer without the number): what the serial made, by 4.1.04.
      const q = await client.queryInvoice({ serialNo, sellerTaxpayerId: taxNo });
      if (
        q.ok &&
        q.data.invoiceNum &&
        q.data.invoiceStatus !== DIGITAL_INVOICE_STATUS.issuing &&
        q.data.invoiceStatus !== DIGITAL_INVOICE_STATUS.failed
      ) {
        return done(true, "已开具红字发票", {
          infoFormStatus: "已开票",
          redInvoiceNumber: q.data.invoiceNum,
        });
      }
      if (q.ok && q.data.invoiceStatus === DIGITAL_INVOICE_STATUS.failed)
        return done(false, q.data.issueErrorMessage || "开票失败", {});
      return pendingRed(serialNo);
    }
    case "revoke":
    case "rollback":
    case "delete": {
      const spec = {
        revoke: EXTENSIONS.redInfoFormRevoke,
        rollback: EXTENSIONS.redInfoFormRollback,
        delete: EXTENSIONS.redInfoFormDelete,
      }[button];
      const r = await callExtension<FormActionResult>(client, spec, {
        taxNo,
        ...(e.form.formNo ? { formNo: e.form.formNo } : {}),
        ...(e.serialNo ? { serialNo: e.serialNo } : {}),
      });
      if (!r.ok) return done(false, extensionMessage(r.refusal), {});
      if (r.value?.deleted) return done(true, "已删除", { infoFormStatus: "" });
      const status = r.value?.status ?? (button === "revoke" ? "已撤销" : undefined);
      const app = r.value?.applicationStatus;
      const message =
        button === "rollback"
          ? `已退回开票申请单${app ? `（${app.from} → ${app.to}）` : ""}`
          : button === "revoke"
            ? "已撤销"
            : "已删除";
      return done(true, message, { infoFormStatus: status ?? undefined });
    }
  }
}

/** Run a button on every selected form (the caller checked `infoFormButtonStates` first). */
export async function runInfoFormButton(
  button: Exclude<InfoFormButton, "download" | "print">,
  port: WorkbookPort,
  client: WorkflowClient,
  sel: InfoFormSelection,
  opts: InfoFormRunOptions
): Promise<{ outcomes: InfoFormOutcome[]; cancelled: boolean; refusal: Refusal | null }> {
  if (opts.orgTaxId.trim() === "")
    return { outcomes: [], cancelled: false, refusal: refusal("PANE_ORG_TAX_ID_MISSING") };
  const outcomes: InfoFormOutcome[] = [];
  const total = sel.entries.length;
  for (const e of sel.entries) {
    if (aborted(opts)) return { outcomes, cancelled: true, refusal: null };
    opts.onProgress?.({
      done: outcomes.length,
      total,
      label: `${e.form.formNo ?? e.blueInvoiceNo ?? e.rowLabel}`,
    });
    let writeFailure: Refusal | null = null;
    const persist = async (values: Values) => {
      const w = await port.writeResults("infoForms", rowsOf(e, values), { layout: sel.layout });
      if (!w.ok) writeFailure = w.refusal;
    };
    const { outcome, values, cellErrors } = await runOne(button, client, e, opts, persist);
    if (writeFailure) return { outcomes, cancelled: false, refusal: writeFailure };
    outcomes.push(outcome);
    const w = await port.writeResults("infoForms", rowsOf(e, values, cellErrors), { layout: sel.layout });
    if (!w.ok) return { outcomes, cancelled: false, refusal: w.refusal };
    opts.onProgress?.({ done: outcomes.length, total, label: outcome.message });
    await (opts.yieldNow ?? yieldToUi)();
  }
  return { outcomes, cancelled: false, refusal: null };
}

// ── 下载 ─────────────────────────────────────────────────────────────────────

export interface InfoFormDownloadRequest {
  readonly orgTaxId: string;
  /** 本企业申请 */
  readonly own: boolean;
  /** 其他企业申请 */
  readonly others: boolean;
  readonly startDate?: string;
  readonly endDate?: string;
}

export interface InfoFormDownloadResult {
  readonly forms: readonly RedInfoFormSummary[];
  /** Selected forms whose status was refreshed from the download. */
  readonly updatedRows: number;
}

/** 下载 (2.2.05): scope checked first (至少勾选一项); matching selected rows get the bureau's status. */
export async function downloadInfoForms(
  client: WorkflowClient,
  req: InfoFormDownloadRequest,
  target?: { port: WorkbookPort; sel: InfoFormSelection }
): Promise<Result<InfoFormDownloadResult>> {
  const scope = checkDownloadScope(req.own, req.others);
  if (!scope.ok) return scope;
  if (req.orgTaxId.trim() === "") return { ok: false, refusal: refusal("PANE_ORG_TAX_ID_MISSING") };
  // At least one box is ticked (checked above), so there is a scope code.
  const code = downloadScopeCode(req) ?? INFO_FORM_DOWNLOAD_SCOPE_CODES.both;
  const r = await client.downloadRedInfoForms({
    taxNo: req.orgTaxId,
    scope: code,
    ...(req.startDate ? { startDate: req.startDate } : {}),
    ...(req.endDate ? { endDate: req.endDate } : {}),
  });
  if (!r.ok) return { ok: false, refusal: r.refusal };
  const whole = wholeList(r.data.dataList ?? [], r.data.total, {
    list: "红字信息表",
    maxItems: MAX_LIST_ITEMS,
  });
  if (!whole.ok) return whole;
  const forms = whole.value;
  let updatedRows = 0;
  if (target) {
    const writes = target.sel.entries.flatMap((e) => {
      const hit = forms.find((f) => f.redInfoBillNo && f.redInfoBillNo === e.form.formNo);
      if (!hit) return [];
      updatedRows += e.rowIndexes.length;
      return rowsOf(e, {
        infoFormStatus: hit.status,
        auditDate: hit.auditDate,
        redInvoiceCode: hit.redInvoiceCode,
        redInvoiceNumber: hit.redInvoiceNumber,
      });
    });
    if (writes.length > 0) {
      const w = await target.port.writeResults("infoForms", writes, { layout: target.sel.layout });
      if (!w.ok) return w;
    }
  }
  return { ok: true, value: { forms, updatedRows } };
}

// ── 打印 ─────────────────────────────────────────────────────────────────────

const escapeHtml = (s: string | null | undefined): string =>
  (s ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!
  );

/** A print-friendly page of the forms: header fields, then a table of lines with totals. */
export function infoFormPrintHtml(entries: readonly InfoFormEntry[]): string {
  const forms = entries.map((e) => {
    const fields: Array<[string, string | null | undefined]> = [
      ["红字信息表编码", e.form.formNo],
      ["信息表状态", e.form.status],
      ["申请方", e.applicant],
      ["发票类型", e.invoiceType],
      ["原发票代码", e.blueInvoiceCode],
      ["原发票号码", e.blueInvoiceNo],
      ["蓝票开票日期", e.blueIssueDate],
      ["销方名称", e.sellerName],
      ["销方税号", e.sellerTaxId],
      ["购方名称", e.buyerName],
      ["购方税号", e.buyerTaxId],
      ["税局审核日期", e.auditDate],
      ["红票号码", e.form.redInvoiceNo],
    ];
    let amount = magnitude("0");
    let tax = magnitude("0");
    const lines = e.lines
      .map((l) => {
        if (l.amount) amount = amount.plus(magnitude(l.amount));
        if (l.tax) tax = tax.plus(magnitude(l.tax));
        const cells = [
          l.goodsName,
          l.spec,
          l.unit,
          l.quantity ? formatQty(toRed(l.quantity)) : "",
          l.unitPrice ? formatQty(l.unitPrice.abs()) : "",
          l.amount ? formatAmount(toRed(l.amount)) : "",
          l.taxRate ? `${formatQty(l.taxRate.times(100))}%` : "",
          l.tax ? formatAmount(toRed(l.tax)) : "",
        ];
        return `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`;
      })
      .join("");
    return `<section class="form"><h1>开具红字增值税专用发票信息表</h1>
<table class="fields">${fields
      .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
      .join("")}</table>
<table class="lines"><thead><tr><th>货物名称</th><th>规格型号</th><th>单位</th><th>数量</th><th>单价</th><th>金额</th><th>税率</th><th>税额</th></tr></thead>
<tbody>${lines}</tbody>
<tfoot><tr><th colspan="5">合计</th><td>${formatAmount(toRed(amount))}</td><td></td><td>${formatAmount(toRed(tax))}</td></tr></tfoot></table></section>`;
  });
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>红字信息表</title><style>
body{font-family:"Microsoft YaHei",sans-serif;font-size:12px;margin:16px}
h1{font-size:18px;text-align:center}
table{border-collapse:collapse;width:100%;margin-bottom:12px}
th,td{border:1px solid #000;padding:4px;text-align:left}
.lines td:nth-child(n+4){text-align:right}
.form{page-break-after:always}
</style></head><body>${forms.join("")}</body></html>`;
}
