/**
 * Workflow 红字确认单 (module 002, domain-rules §4): the selected forms of a 红字确认单 sheet (header +
 * lines), their per-reason line calculations with a diff (field, before → after), and the buttons
 * 录入 (2.1.03), 撤销 (2.1.08), 确认 / 拒绝 (2.1.09), 红冲 (2.1.04 with the bill), 回退 / 删除 (HC.*),
 * 更新确认单状态 (2.1.13) and 下载 (2.1.12) — the last two as background tasks.
 */
import { SELLER_STILL_ON_TAX_CONTROL_WHEN_UNKNOWN } from "../../src/domain/inferred";
import {
  availableActions,
  calcRedLine,
  confirmForm,
  confirmStatusLabel,
  deliveryContact,
  entryYields,
  formatRedLine,
  fullRedLine,
  parseConfirmStatus,
  purchaseInvoiceIdentity,
  redFormTotals,
  formatRedTotals,
  revokingParty,
  runConfirmFormAction,
  TAX_CONTROL_ENTRY_NOTICE,
  type ConfirmForm,
  type ConfirmFormAction,
  type RedLine,
  type RedLineField,
} from "../../src/domain/confirmForm";
import {
  AuditStatus,
  DataSource,
  EntryStatus,
  FormInvoiceStatus,
  RedReason,
  Role,
  TaxMode,
} from "../../src/domain/labels";
import { formatAmount, formatQty, toRed, type Dec } from "../../src/domain/money";
import { refusal, type Refusal, type Result } from "../../src/domain/refusals";
import {
  CONFIRM_TYPE_CODES,
  DIGITAL_INVOICE_STATUS,
  EXTENSIONS,
  TAX_CONTROL_NO_PATTERN,
  identityCode,
  newSerialNo,
  type FormActionResult,
  type RedConfirmBillSummary,
  type TaskInfo,
  type Page,
} from "../../src/gateway";
import {
  CONFIRM_FORM_FIELDS,
  checkConfirmFormDocument,
  checkConfirmFormRow,
  confirmFormRequest,
  type ConfirmFormKey,
  type ConfirmFormRow,
  type ConfirmFormWireCodes,
  type ConfirmRequestLine,
} from "../../src/domain/plan/confirmForm";
import type { ParsedRow } from "../../src/sheet/mapping";
import { confirmFormWireCodes } from "../../src/sheet/xlsx/submit";
import type { SheetLayout, WorkbookPort } from "../../src/sheet/port";
import { allRedConfirmBills, MAX_LIST_ITEMS } from "../../src/sheet/paging";
import { PROCESS_STATUS } from "../../src/sheet/schemas";
import {
  aborted,
  callExtension,
  chinaDateTime,
  decOf,
  isUnknownOutcome,
  queryBlueInvoices,
  refusalOnSheet,
  sleep,
  textOf,
  writeBackFor,
  yieldToUi,
  type CellMark,
  type RunControl,
  type WorkflowClient,
} from "./common";
import { extensionMessage, type ButtonState, type RowRefusal } from "./infoForms";

export interface ConfirmLineDraft {
  readonly rowIndex: number;
  readonly lineNo: number | null;
  readonly goodsName: string | null;
  readonly taxCode: string | null;
  readonly taxMode: string | null;
  readonly taxRate: Dec | null;
  /**
   * 优惠政策 of the blue line (calcRedLine's privilegeType). [reading] A blank or absent 优惠政策 cell is
   * "not known" (undefined: the code-only reading); the sheet can state a policy, and the gateway's
   * record of the blue invoice (发票红冲's planner) is the authoritative source.
   */
  readonly privilegeType?: string;
  readonly hasDiscountLine: boolean;
  /** What the sheet shows now. */
  readonly sheet: {
    amount: Dec | null;
    tax: Dec | null;
    total: Dec | null;
    quantity: Dec | null;
    unitPrice: Dec | null;
  };
  /** 剩余可红冲… of the blue line, when the sheet has them. */
  readonly remaining: { amount: Dec; tax: Dec; quantity: Dec | null; unitPrice: Dec | null } | null;
  readonly edit: { field: RedLineField; value: Dec } | null;
}

export interface ConfirmFormEntry {
  readonly key: string;
  readonly rowIndexes: readonly number[];
  readonly rowLabel: string;
  readonly form: ConfirmForm;
  readonly serialNo: string | null;
  readonly formNumber: string | null;
  readonly billNo: string | null;
  readonly blueInvoiceNumber: string | null;
  readonly blueInvoiceCode: string | null;
  readonly blueIssueDate: string | null;
  readonly redReason: string | null;
  readonly redInvoiceNumber: string | null;
  /** 购销身份 as the clerk chose it on the sheet; `form.myRole` is the form's (flipped for a 收购票). */
  readonly chosenRole: Role;
  /** 收购票 (§4.5): from the sheet's column when it has one, else from the gateway on read; null = unknown. */
  readonly isPurchaseInvoice: boolean | null;
  /** 交付邮箱 / 交付手机 of the form (§4.13). */
  readonly deliveryEmail: string | null;
  readonly deliveryPhone: string | null;
  readonly lines: readonly ConfirmLineDraft[];
  readonly cellErrors: ReadonlyArray<{ columnKey: string; cellAddress: string; message: string }>;
  /** The form's rows as the planner takes them (src/domain/plan/confirmForm.ts). */
  readonly draftRows: readonly ConfirmFormRow[];
}

const first = (rows: readonly ParsedRow[], key: string): string | null => {
  for (const r of rows) {
    const t = textOf(r.values[key]);
    if (t !== null) return t;
  }
  return null;
};

const EDIT_FIELD: Readonly<Record<string, RedLineField>> = {
  数量: "quantity",
  不含税金额: "amountExclTax",
  含税金额: "amountInclTax",
};

/**
 * [reading §4.5] The sheet's 购销身份 is the identity the clerk chose (as on the manual's 新增 page);
 * the form's own 购销身份 follows purchaseInvoiceIdentity — for a 收购票 the other party. An unknown
 * 收购票 fact (no column, nothing from the gateway) reads as an ordinary invoice.
 */
function formRoleOf(chosen: Role, isPurchaseInvoice: boolean | null): Role {
  return purchaseInvoiceIdentity(isPurchaseInvoice === true, chosen).formRole;
}

/** The entry with its 收购票 fact known: the form's 购销身份 follows it. */
export function withPurchaseInvoice(e: ConfirmFormEntry, isPurchaseInvoice: boolean): ConfirmFormEntry {
  return {
    ...e,
    isPurchaseInvoice,
    form: { ...e.form, myRole: formRoleOf(e.chosenRole, isPurchaseInvoice), isPurchaseInvoice },
  };
}

/** Rows → forms: same 流水号, else same 红字确认单编号, else same 单据编号 + 原蓝票号码. */
export function groupConfirmRows(rows: readonly ParsedRow[]): ConfirmFormEntry[] {
  const groups = new Map<string, ParsedRow[]>();
  for (const r of rows) {
    const v = r.values;
    const blue = textOf(v.blueInvoiceNumber);
    const key =
      textOf(v.serialNo) ??
      textOf(v.formNumber) ??
      (blue ? `${textOf(v.billNo) ?? ""}|${blue}` : `row:${r.rowIndex}`);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return Array.from(groups.entries()).map(([key, list]) => {
    const statusText = first(list, "confirmStatus");
    const parsedStatus = statusText === null ? null : parseConfirmStatus(statusText);
    const role = (k: string) => Role.normalize(first(list, k) ?? "") ?? null;
    const chosenRole = role("myRole") ?? "销方";
    const purchase = list.map((r) => r.values.isPurchaseInvoice).find((v) => typeof v === "boolean");
    const isPurchaseInvoice = typeof purchase === "boolean" ? purchase : null;
    const form = confirmForm({
      entryStatus: EntryStatus.normalize(first(list, "entryStatus") ?? "") ?? "未录入",
      confirmStatus: parsedStatus && parsedStatus.ok ? parsedStatus.value : null,
      invoiceStatus: FormInvoiceStatus.normalize(first(list, "invoiceStatus") ?? "") ?? "未开票",
      entrantRole: role("entrantRole"),
      myRole: formRoleOf(chosenRole, isPurchaseInvoice),
      // 红冲 is the issuing party's (the state table's guard reads it): unknown reads as ordinary.
      isPurchaseInvoice: isPurchaseInvoice === true,
      dataSource: DataSource.normalize(first(list, "dataSource") ?? "") ?? "手工新增",
      auditStatus: AuditStatus.normalize(first(list, "auditStatus") ?? "") ?? "无需审批",
      entryDate: first(list, "entryDate"),
      confirmDate: first(list, "confirmDate"),
    });
    return {
      key,
      rowIndexes: list.map((r) => r.rowIndex),
      rowLabel: list.map((r) => String(r.rowIndex + 1)).join("、"),
      form,
      serialNo: first(list, "serialNo"),
      formNumber: first(list, "formNumber"),
      billNo: first(list, "billNo"),
      blueInvoiceNumber: first(list, "blueInvoiceNumber"),
      blueInvoiceCode: first(list, "blueInvoiceCode"),
      blueIssueDate: first(list, "blueIssueDate"),
      redReason: first(list, "redReason"),
      redInvoiceNumber: first(list, "redInvoiceNumber"),
      chosenRole,
      isPurchaseInvoice,
      deliveryEmail: first(list, "deliveryEmail"),
      deliveryPhone: first(list, "deliveryPhone"),
      lines: list.map((r): ConfirmLineDraft => {
        const v = r.values;
        const remAmount = decOf(v.remainingAmount);
        const remTax = decOf(v.remainingTax);
        const field = EDIT_FIELD[textOf(v.editField) ?? ""];
        const value = decOf(v.editValue);
        const lineNo = decOf(v.lineNo);
        return {
          rowIndex: r.rowIndex,
          lineNo: typeof v.lineNo === "number" ? v.lineNo : lineNo ? lineNo.toNumber() : null,
          goodsName: textOf(v.goodsName),
          taxCode: textOf(v.taxCode),
          taxMode: textOf(v.taxMode),
          taxRate: decOf(v.taxRate),
          ...(textOf(v.privilegeType) ? { privilegeType: textOf(v.privilegeType) as string } : {}),
          hasDiscountLine: v.hasDiscountLine === true,
          sheet: {
            amount: decOf(v.amount),
            tax: decOf(v.taxAmount),
            total: decOf(v.totalAmount),
            quantity: decOf(v.quantity),
            unitPrice: decOf(v.unitPrice),
          },
          remaining:
            remAmount !== null && remTax !== null
              ? {
                  amount: remAmount,
                  tax: remTax,
                  quantity: decOf(v.remainingQuantity),
                  unitPrice: decOf(v.reversibleUnitPrice),
                }
              : null,
          edit: field && value !== null ? { field, value } : null,
        };
      }),
      draftRows: list.map((r) => ({
        rowIndex: r.rowIndex,
        values: r.values as ConfirmFormRow["values"],
        cellErrors: r.errors.map((x) => ({ key: x.columnKey as ConfirmFormKey, refusal: x.refusal })),
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

// ── Line calculations and the diff ───────────────────────────────────────────

export interface DiffRow {
  readonly rowIndex: number;
  readonly lineLabel: string;
  /** Chinese field name. */
  readonly field: string;
  readonly before: string;
  readonly after: string;
  readonly changed: boolean;
}

export interface ComputedLine {
  readonly rowIndex: number;
  readonly lineNo: number | null;
  readonly result: Result<RedLine> | null;
}

export interface FormDraft {
  readonly lines: readonly ComputedLine[];
  readonly diff: readonly DiffRow[];
  readonly totals: { amount: string; tax: string; amountInclTax: string } | null;
  /** Per line refusals (开票有误仅支持全额红冲 …), with the sheet row. */
  readonly refusals: readonly RowRefusal[];
  /** Every line reverses all that remained: the form is a full reversal (no detail on 2.1.03). */
  readonly full: boolean;
}

const fmtAmount = (d: Dec | null | undefined): string => (d ? formatAmount(d) : "");
const fmtQty = (d: Dec | null | undefined): string => (d ? formatQty(d) : "");

/**
 * The red lines of a form from its remaining values and the user's edit (calcRedLine), or the full
 * remaining line when nothing is edited (fullRedLine), and what that changes on the sheet.
 */
export function computeDraft(e: ConfirmFormEntry): FormDraft {
  const reason = RedReason.normalize(e.redReason ?? "");
  const lines: ComputedLine[] = [];
  const diff: DiffRow[] = [];
  const refusals: RowRefusal[] = [];
  const ok: RedLine[] = [];
  for (const l of e.lines) {
    if (l.remaining === null) {
      lines.push({ rowIndex: l.rowIndex, lineNo: l.lineNo, result: null });
      continue;
    }
    const result: Result<RedLine> =
      l.edit === null || reason === undefined
        ? { ok: true, value: fullRedLine(l.remaining) }
        : calcRedLine({
            reason,
            taxMode: TaxMode.normalize(l.taxMode ?? "") ?? "普通征税",
            taxCode: l.taxCode,
            taxRate: l.taxRate ?? "0",
            ...(l.privilegeType !== undefined ? { privilegeType: l.privilegeType } : {}),
            hasDiscountLine: l.hasDiscountLine,
            remaining: l.remaining,
            edit: l.edit,
          });
    lines.push({ rowIndex: l.rowIndex, lineNo: l.lineNo, result });
    const lineLabel = `第${l.rowIndex + 1}行${l.goodsName ? ` ${l.goodsName}` : ""}`;
    if (!result.ok) {
      refusals.push({
        rowLabel: String(l.rowIndex + 1),
        key: e.key,
        message: result.refusal.message,
        row: l.rowIndex,
      });
      continue;
    }
    ok.push(result.value);
    const f = formatRedLine(result.value);
    const pairs: Array<[string, string, string]> = [
      ["金额", fmtAmount(l.sheet.amount ? toRed(l.sheet.amount) : null), f.amount],
      ["税额", fmtAmount(l.sheet.tax ? toRed(l.sheet.tax) : null), f.tax],
      ["含税金额", fmtAmount(l.sheet.total ? toRed(l.sheet.total) : null), f.amountInclTax],
      ["数量", fmtQty(l.sheet.quantity ? toRed(l.sheet.quantity) : null), f.quantity ?? ""],
      ["单价", fmtQty(l.sheet.unitPrice), f.unitPrice ?? ""],
    ];
    for (const [field, before, after] of pairs) {
      diff.push({ rowIndex: l.rowIndex, lineLabel, field, before, after, changed: before !== after });
    }
  }
  if (reason === undefined) {
    refusals.push({
      rowLabel: e.rowLabel,
      key: e.key,
      message: refusal("FIELD_REQUIRED", { field: "红冲原因" }).message,
      row: e.rowIndexes[0],
      columnKey: "redReason",
    });
  }
  return {
    lines,
    diff,
    totals: ok.length > 0 ? formatRedTotals(redFormTotals(ok)) : null,
    refusals,
    full: lines.every((l) => l.result === null || (l.result.ok && l.result.value.full)),
  };
}

// ── Buttons ──────────────────────────────────────────────────────────────────

export const CONFIRM_FORM_BUTTONS = [
  "enter",
  "revoke",
  "confirm",
  "reject",
  "redFlush",
  "rollback",
  "delete",
  "statusUpdate",
  "download",
] as const;
export type ConfirmFormButton = (typeof CONFIRM_FORM_BUTTONS)[number];

const RULE_OF: Readonly<Partial<Record<ConfirmFormButton, ConfirmFormAction>>> = {
  enter: "enter",
  revoke: "revoke",
  confirm: "confirm",
  reject: "reject",
  redFlush: "redFlush",
  rollback: "rollback",
  delete: "delete",
};

/** Buttons that address the bureau's form by its 红字确认单编号. */
const NEEDS_NUMBER: readonly ConfirmFormButton[] = [
  "revoke",
  "confirm",
  "reject",
  "redFlush",
  "statusUpdate",
];

export interface ConfirmButtonState extends ButtonState {
  /** 撤销: who may revoke each selected form (only the last operator, §4.3). */
  readonly revokeParties?: ReadonlyArray<{ rowLabel: string; party: string | null }>;
}

/** Button states from `availableActions` / the rules, for every selected form. */
export function confirmFormButtonStates(
  entries: readonly ConfirmFormEntry[]
): Readonly<Record<ConfirmFormButton, ConfirmButtonState>> {
  const out = {} as Record<ConfirmFormButton, ConfirmButtonState>;
  for (const b of CONFIRM_FORM_BUTTONS) {
    const action = RULE_OF[b];
    const refusals: RowRefusal[] = [];
    const numberMissing = (e: ConfirmFormEntry): RowRefusal => ({
      rowLabel: e.rowLabel,
      key: e.key,
      row: e.rowIndexes[0],
      message: refusal("PANE_FORM_NUMBER_MISSING", { form: "红字确认单" }).message,
    });
    for (const e of entries) {
      if (action && !availableActions(e.form)[action]) {
        const r = runConfirmFormAction(action, e.form);
        if (!r.ok)
          for (const x of r.refusals)
            refusals.push({ rowLabel: e.rowLabel, key: e.key, message: x.message, row: e.rowIndexes[0] });
      } else if (b === "enter") {
        refusals.push(...computeDraft(e).refusals, ...plannerRefusals(e));
      } else if (NEEDS_NUMBER.includes(b) && !e.formNumber) {
        refusals.push(numberMissing(e));
      }
    }
    const needsRows = b !== "download";
    out[b] = {
      enabled: (!needsRows || entries.length > 0) && refusals.length === 0,
      refusals,
      ...(b === "revoke"
        ? { revokeParties: entries.map((e) => ({ rowLabel: e.rowLabel, party: revokingParty(e.form) })) }
        : {}),
    };
  }
  return out;
}

// ── Reading ──────────────────────────────────────────────────────────────────

export interface ConfirmFormSelection {
  readonly layout: SheetLayout;
  readonly entries: readonly ConfirmFormEntry[];
}

/** The gateway the read asks for what the sheet does not hold (the 收购票 fact). */
export interface ConfirmReadGateway {
  readonly client: WorkflowClient;
  readonly orgTaxId: string;
}

export async function readConfirmForms(
  port: WorkbookPort,
  ctl: RunControl = {},
  gateway: ConfirmReadGateway | null = null
): Promise<Result<ConfirmFormSelection>> {
  const read = await port.readSelection("confirmForms", { signal: ctl.signal });
  if (!read.ok) return read;
  const entries = groupConfirmRows(read.value.rows);
  return {
    ok: true,
    value: {
      layout: read.value.layout,
      entries: gateway ? await withPurchaseInvoiceFacts(gateway, entries) : entries,
    },
  };
}

/**
 * 收购票 of each form whose sheet does not say: the blue invoice's record (HC.BLUEINVOICE.QUERY, the
 * issuing org's), else the bureau's form by its number (2.1.13 isPurchaseInvoice "1"). Nothing found
 * (or relay mode without the extension): left unknown.
 */
export async function withPurchaseInvoiceFacts(
  gateway: ConfirmReadGateway,
  entries: readonly ConfirmFormEntry[]
): Promise<ConfirmFormEntry[]> {
  const open = entries.filter((e) => e.isPurchaseInvoice === null && e.blueInvoiceNumber);
  if (open.length === 0) return [...entries];
  const numbers = Array.from(new Set(open.map((e) => e.blueInvoiceNumber!)));
  const blues = await queryBlueInvoices(gateway.client, numbers);
  const known = new Map<string, boolean>();
  if (blues.ok) for (const b of blues.value) known.set(b.invoiceNo, b.isPurchaseInvoice === true);
  const out: ConfirmFormEntry[] = [];
  for (const e of entries) {
    if (e.isPurchaseInvoice !== null || !e.blueInvoiceNumber) {
      out.push(e);
      continue;
    }
    let fact = known.get(e.blueInvoiceNumber);
    if (fact === undefined && e.formNumber && gateway.orgTaxId.trim() !== "") {
      const q = await gateway.client.queryRedConfirmBills({
        taxpayerId: gateway.orgTaxId,
        redInfoBillNo: e.formNumber,
      });
      const bill = q.ok ? q.data.dataList.find((b) => b.redInfoBillNo === e.formNumber) : undefined;
      const flag = (bill as { isPurchaseInvoice?: unknown } | undefined)?.isPurchaseInvoice;
      if (flag === "1" || flag === "0") fact = flag === "1";
    }
    out.push(fact === undefined ? e : withPurchaseInvoice(e, fact));
  }
  return out;
}

// ── 特别提示 (§4.3) ──────────────────────────────────────────────────────────

const TAX_CONTROL_NUMBER = new RegExp(TAX_CONTROL_NO_PATTERN);

/** Forms whose 录入 will come back as a 红字信息表 (entryYields), with the manual's notice. */
export function entryNotices(entries: readonly ConfirmFormEntry[]): RowRefusal[] {
  return entries
    .filter(
      (e) =>
        entryYields({
          blueIsTaxControl: TAX_CONTROL_NUMBER.test(e.blueInvoiceNumber ?? ""),
          myRole: e.form.myRole,
          sellerStillOnTaxControl: SELLER_STILL_ON_TAX_CONTROL_WHEN_UNKNOWN,
        }) === "红字信息表"
    )
    .map((e) => ({
      rowLabel: e.rowLabel,
      key: e.key,
      message: TAX_CONTROL_ENTRY_NOTICE,
      row: e.rowIndexes[0],
    }));
}

// ── Running a button ─────────────────────────────────────────────────────────

export interface ConfirmFormOutcome {
  readonly key: string;
  readonly rowLabel: string;
  /** 0-based sheet row of the form's first row, for the link to it. */
  readonly row?: number;
  readonly ok: boolean;
  readonly message: string;
}

export interface ConfirmRunOptions extends RunControl {
  readonly orgTaxId: string;
  readonly newSerial?: () => string;
  /** China time of the operation (录入日期/确认日期); injected for tests. */
  readonly now?: () => number;
}

/**
 * [INFERRED §4.3, piaozone-api 2.1.04] the red invoice's serial of a form, derived from the form's own
 * 流水号 (or its number), so 红冲 run twice sends the same serial and the gateway dedups it.
 */
export function redSerialOfForm(e: Pick<ConfirmFormEntry, "serialNo" | "formNumber">): string {
  const base = (e.serialNo ?? `HC-RCB-${e.formNumber ?? ""}`).replace(/[^A-Za-z0-9_-]/g, "");
  return `${base.slice(0, 27)}-R`;
}

/**
 * [INFERRED] 2.1.04 needs the blue invoice's 数电 type (01 专票 / 02 普票), which the 红字确认单 sheet
 * does not hold; the gateway identifies the blue invoice by its number, so 02 is sent when unknown.
 */
export const DIGITAL_TYPE_WHEN_UNKNOWN = "02" as const;

type Values = Record<string, string | undefined>;

/**
 * The planner's rules that hold for what 录入 sends as the sheet has it: the header (blue number,
 * a red reason the client can code, one value per form), the 税收分类编码 sent as revenueCode, and
 * one blue line (行号) once. The amounts are not the sheet's: they are computed (calcRedLine).
 */
const SENT_AS_TYPED: ReadonlySet<ConfirmFormKey> = new Set([
  "blueInvoiceNumber",
  "redReason",
  "myRole",
  "taxCode",
  "goodsName",
]);

export function plannerRefusals(e: ConfirmFormEntry, codes?: ConfirmFormWireCodes): RowRefusal[] {
  const doc = checkConfirmFormDocument(e.key, e.draftRows);
  return e.draftRows.flatMap((r) => {
    const own = checkConfirmFormRow(r.values, codes).filter((c) => SENT_AS_TYPED.has(c.key));
    const cells = [...own, ...(doc.cells.get(r.rowIndex) ?? [])];
    const failed = new Set(r.cellErrors.map((c) => c.key));
    return cells
      .filter((c) => !failed.has(c.key))
      .slice(0, 1)
      .map((c) => ({
        rowLabel: String(r.rowIndex + 1),
        key: e.key,
        row: r.rowIndex,
        columnKey: c.key,
        message: `${CONFIRM_FORM_FIELDS[c.key]}：${c.refusal.message}`,
      }));
  });
}

/** The 2.1.03 lines of a partial draft: the computed red lines, built by the planner. */
function apiLines(e: ConfirmFormEntry, draft: FormDraft): ConfirmRequestLine[] {
  return draft.lines.flatMap((c) => {
    const l = e.lines.find((x) => x.rowIndex === c.rowIndex)!;
    if (!c.result || !c.result.ok) return [];
    const red = c.result.value;
    return [
      {
        lineNo: l.lineNo,
        goodsName: l.goodsName,
        taxCode: l.taxCode,
        spec: null,
        unit: null,
        quantity: red.quantity,
        unitPrice: red.unitPrice,
        amount: red.amount,
        taxRate: l.taxRate,
        tax: red.tax,
      },
    ];
  });
}

async function runOne(
  button: Exclude<ConfirmFormButton, "download">,
  client: WorkflowClient,
  e: ConfirmFormEntry,
  opts: ConfirmRunOptions,
  persist: (v: Values) => Promise<void>
): Promise<{ ok: boolean; message: string; values: Values; cellErrors?: readonly CellMark[] }> {
  const taxNo = opts.orgTaxId;
  const now = chinaDateTime((opts.now ?? Date.now)());
  const fail = (message: string, values: Values = {}) => ({ ok: false, message, values });
  // A refusal of the request: the cell it names marked (lineRows: the rows apiLines sent), headers in the text.
  const refused = (
    iface: "2.1.03" | "2.1.04",
    r: Refusal,
    lineRows: readonly number[],
    values: Values = {}
  ) => {
    const placed = refusalOnSheet("confirmForms", iface, r, { rows: e.rowIndexes, lineRows });
    return { ...fail(placed.message, values), cellErrors: placed.cellErrors };
  };
  const number = e.formNumber ?? "";
  const identity = identityCode(e.form.myRole) ?? "0";
  switch (button) {
    case "enter": {
      const draft = computeDraft(e);
      const codes = confirmFormWireCodes(client);
      const reason = RedReason.normalize(e.redReason ?? "");
      // The button state ran the same checks; a refusal here means the sheet changed since.
      const stale = plannerRefusals(e, codes)[0];
      if (reason === undefined || stale)
        return fail(stale?.message ?? refusal("FIELD_REQUIRED", { field: "红冲原因" }).message);
      const serialNo = e.serialNo ?? (opts.newSerial ?? (() => newSerialNo({ prefix: "HC-RCB" })))();
      await persist({ serialNo, processStatus: PROCESS_STATUS.pending });
      // The seller is the default entrant: enteridentity is sent only for "I am the buyer" (A12).
      const body = confirmFormRequest(
        {
          blueInvoiceNumber: e.blueInvoiceNumber ?? "",
          blueInvoiceCode: e.blueInvoiceCode,
          redReason: reason,
          myRole: e.form.myRole === "购方" ? "购方" : null,
        },
        draft.full ? null : apiLines(e, draft),
        codes
      );
      const r = await client.applyRedConfirmBill({ orderNo: serialNo, ...body });
      if (!r.ok) {
        if (isUnknownOutcome(r.refusal)) {
          return { ok: false, message: r.refusal.message, values: { processStatus: PROCESS_STATUS.pending } };
        }
        const lineRows = draft.full
          ? []
          : draft.lines.filter((c) => c.result && c.result.ok).map((c) => c.rowIndex);
        return refused("2.1.03", r.refusal, lineRows, { entryStatus: "录入失败" });
      }
      // 002 特别提示: for a 税控 blue the buyer's entry came back as a 红字信息表, not a 红字确认单.
      if (r.data.yields === "红字信息表") {
        return {
          ok: true,
          message: `${r.data.notice}（红字信息表编号 ${r.data.redInfoBillNo}）`,
          values: { entryStatus: "未录入" },
        };
      }
      const label = confirmStatusLabel(r.data.redConfirmBillStatus);
      return {
        ok: true,
        message: `录入成功：${label}`,
        values: {
          formNumber: r.data.redInfoBillNo,
          confirmStatus: label,
          entryStatus: "录入成功",
          entrantRole: e.form.myRole,
          entryDate: now,
        },
      };
    }
    case "revoke": {
      const r = await client.revokeRedConfirmBill({
        taxNo,
        number,
        enteridentity: identity,
        qrlx: CONFIRM_TYPE_CODES.revoke,
      });
      if (!r.ok) return fail(r.refusal.message);
      const after = runConfirmFormAction("revoke", e.form);
      return {
        ok: true,
        message: "已撤销",
        values: { confirmStatus: after.ok ? confirmStatusLabel(after.form?.confirmStatus) : undefined },
      };
    }
    case "confirm":
    case "reject": {
      const r = await client.confirmRedConfirmBill({
        taxNo,
        number,
        enteridentity: identity,
        qrlx: CONFIRM_TYPE_CODES[button],
      });
      if (!r.ok) return fail(r.refusal.message);
      const local = runConfirmFormAction(button, e.form, { now });
      const code = r.data?.redConfirmBillStatus ?? (local.ok ? local.form?.confirmStatus : undefined);
      return {
        ok: true,
        message: button === "confirm" ? "已确认" : "已拒绝",
        values: {
          confirmStatus: confirmStatusLabel(code),
          ...(button === "confirm" ? { confirmDate: now } : {}),
        },
      };
    }
    case "redFlush": {
      const serialNo = redSerialOfForm(e);
      // §4.13: the 开票申请单's pair first — the pane has no link to one, so the form's pair.
      const contact = deliveryContact(null, { email: e.deliveryEmail, phone: e.deliveryPhone });
      const r = await client.redFlushDigital({
        serialNo,
        ...(contact.email ? { buyerRecipientMail: contact.email } : {}),
        ...(contact.phone ? { buyerRecipientPhone: contact.phone } : {}),
        invoiceNum: e.blueInvoiceNumber ?? "",
        redReason: client.reasonCode(e.redReason ?? "", "2.1.04") ?? "",
        redInfoBillNo: number,
        invoiceType: DIGITAL_TYPE_WHEN_UNKNOWN,
        sellerTaxpayerId: taxNo,
      });
      if (!r.ok && r.refusal.code !== "GW_DUPLICATE_SERIAL") return refused("2.1.04", r.refusal, []);
      if (r.ok && r.data.kind === "awaitingConfirmation") {
        return fail(r.data.message, { confirmStatus: confirmStatusLabel(r.data.bill.redConfirmBillStatus) });
      }
      const q = await client.queryInvoice({ serialNo, sellerTaxpayerId: taxNo });
      if (
        q.ok &&
        q.data.invoiceNum &&
        q.data.invoiceStatus !== DIGITAL_INVOICE_STATUS.issuing &&
        q.data.invoiceStatus !== DIGITAL_INVOICE_STATUS.failed
      ) {
        return {
          ok: true,
          message: "已开具红字发票",
          values: {
            invoiceStatus: "已开票",
            redInvoiceNumber: q.data.invoiceNum,
            redIssueDate: q.data.invoiceDate,
          },
        };
      }
      if (q.ok && q.data.invoiceStatus === DIGITAL_INVOICE_STATUS.failed)
        return fail(q.data.issueErrorMessage || "开票失败", { invoiceStatus: "开票失败" });
      return { ok: true, message: refusal("PANE_RESULT_PENDING", { serialNo }).message, values: {} };
    }
    case "rollback":
    case "delete": {
      const spec =
        button === "rollback" ? EXTENSIONS.redConfirmBillRollback : EXTENSIONS.redConfirmBillDelete;
      const r = await callExtension<FormActionResult>(client, spec, {
        taxNo,
        ...(e.serialNo ? { serialNo: e.serialNo } : {}),
        ...(e.formNumber ? { number: e.formNumber } : {}),
      });
      if (!r.ok) return fail(extensionMessage(r.refusal));
      return {
        ok: true,
        message: r.value?.deleted ? "已删除" : button === "rollback" ? "已回退" : "已删除",
        values: r.value?.status ? { confirmStatus: confirmStatusLabel(r.value.status) } : {},
      };
    }
    case "statusUpdate": {
      const r = await client.queryRedConfirmBills({ taxpayerId: taxNo, redInfoBillNo: number });
      if (!r.ok) return fail(r.refusal.message);
      const bill = r.data.dataList.find((b) => b.redInfoBillNo === number);
      if (!bill) return fail(refusal("GW_NOT_FOUND", { message: number }).message);
      return { ok: true, message: confirmStatusLabel(bill.redConfirmBillStatus), values: billValues(bill) };
    }
  }
}

function billValues(b: RedConfirmBillSummary): Values {
  return {
    confirmStatus: confirmStatusLabel(b.redConfirmBillStatus),
    ...(b.confirmDate ? { confirmDate: b.confirmDate } : {}),
    ...(b.redConfirmEnterDate ? { entryDate: b.redConfirmEnterDate } : {}),
    ...(b.redInvoiceNumber ? { redInvoiceNumber: b.redInvoiceNumber } : {}),
  };
}

/** Run a button on every selected form, writing each form's result back as it comes. */
export async function runConfirmFormButton(
  button: Exclude<ConfirmFormButton, "download">,
  port: WorkbookPort,
  client: WorkflowClient,
  sel: ConfirmFormSelection,
  opts: ConfirmRunOptions
): Promise<{ outcomes: ConfirmFormOutcome[]; cancelled: boolean; refusal: Refusal | null }> {
  if (opts.orgTaxId.trim() === "")
    return { outcomes: [], cancelled: false, refusal: refusal("PANE_ORG_TAX_ID_MISSING") };
  const outcomes: ConfirmFormOutcome[] = [];
  const total = sel.entries.length;
  const write = (e: ConfirmFormEntry, values: Values, cellErrors: readonly CellMark[] = []) =>
    port.writeResults(
      "confirmForms",
      e.rowIndexes.map((rowIndex) => writeBackFor("confirmForms", rowIndex, values, cellErrors)),
      { layout: sel.layout }
    );
  for (const e of sel.entries) {
    if (aborted(opts)) return { outcomes, cancelled: true, refusal: null };
    opts.onProgress?.({
      done: outcomes.length,
      total,
      label: e.formNumber ?? e.blueInvoiceNumber ?? e.rowLabel,
    });
    let writeFailure: Refusal | null = null;
    const r = await runOne(button, client, e, opts, async (v) => {
      const w = await write(e, v);
      if (!w.ok) writeFailure = w.refusal;
    });
    if (writeFailure) return { outcomes, cancelled: false, refusal: writeFailure };
    outcomes.push({ key: e.key, rowLabel: e.rowLabel, row: e.rowIndexes[0], ok: r.ok, message: r.message });
    const w = await write(
      e,
      {
        ...r.values,
        processStatus: r.values.processStatus ?? (r.ok ? PROCESS_STATUS.success : PROCESS_STATUS.failure),
        failureReason: r.ok ? "" : r.message,
      },
      r.cellErrors
    );
    if (!w.ok) return { outcomes, cancelled: false, refusal: w.refusal };
    opts.onProgress?.({ done: outcomes.length, total, label: r.message });
    await (opts.yieldNow ?? yieldToUi)();
  }
  return { outcomes, cancelled: false, refusal: null };
}

// ── 下载 (2.1.12): an asynchronous task ──────────────────────────────────────

export interface ConfirmDownloadRequest {
  readonly orgTaxId: string;
  /** 购销身份 chosen. */
  readonly role: "销方" | "购方";
  readonly startDate: string;
  readonly endDate: string;
}

export interface ConfirmDownloadResult {
  readonly bills: readonly RedConfirmBillSummary[];
  readonly taskNo: string | null;
  /** Selected forms refreshed from the downloaded bills. */
  readonly updatedForms: number;
}

export interface DownloadOptions extends RunControl {
  /** Poll interval for the task record (HC.TASK.QUERY). */
  readonly pollMs?: number;
  readonly maxPolls?: number;
}

/**
 * 下载: 2.1.12 starts the download; when it answers with a task, HC.TASK.QUERY is polled until the
 * task is no longer 进行中; the bills of the range are then listed with 2.1.13. Selected forms with a
 * matching number get the bureau's status.
 */
export async function downloadConfirmForms(
  client: WorkflowClient,
  req: ConfirmDownloadRequest,
  opts: DownloadOptions = {},
  target?: { port: WorkbookPort; sel: ConfirmFormSelection }
): Promise<Result<ConfirmDownloadResult>> {
  if (req.orgTaxId.trim() === "") return { ok: false, refusal: refusal("PANE_ORG_TAX_ID_MISSING") };
  const identity = identityCode(req.role) ?? "0";
  opts.onProgress?.({ done: 0, total: 1, label: "已创建下载任务" });
  const start = await client.downloadRedConfirmBills({
    taxpayerId: req.orgTaxId,
    identity,
    startDate: req.startDate,
    endDate: req.endDate,
  });
  if (!start.ok) return { ok: false, refusal: start.refusal };
  const taskNo = start.data.taskNo ?? null;
  let bills: readonly RedConfirmBillSummary[] = start.data.dataList ?? [];
  if (taskNo && bills.length === 0) {
    const maxPolls = opts.maxPolls ?? 120;
    for (let i = 0; i < maxPolls; i++) {
      if (aborted(opts)) return { ok: false, refusal: refusal("SHEET_CANCELLED") };
      const t = await callExtension<Page<TaskInfo>>(client, EXTENSIONS.taskQuery, { taskNo });
      if (!t.ok) break; // relay mode: no task records; list the range below
      const task = (t.value.items ?? [])[0];
      if (task)
        opts.onProgress?.({
          done: task.succeeded,
          total: Math.max(task.total, 1),
          label: `下载状态：${task.status}`,
        });
      if (!task || task.status !== "进行中") {
        if (task?.status === "失败") {
          return {
            ok: false,
            refusal: refusal("GW_BUSINESS_ERROR", { message: task.failReason ?? "下载失败" }),
          };
        }
        break;
      }
      await sleep(opts.pollMs ?? 1000, opts.signal);
    }
    // Every page of the range (issue 11 D5: not the first 100 only).
    const list = await allRedConfirmBills(
      client,
      { taxpayerId: req.orgTaxId, identity, startDate: req.startDate, endDate: req.endDate },
      {
        maxItems: MAX_LIST_ITEMS,
        onPage: (read, total) =>
          opts.onProgress?.({
            done: read,
            total: Math.max(total ?? read, read, 1),
            label: `已取回 ${read} 张`,
          }),
      }
    );
    if (!list.ok) return list;
    bills = list.value;
  }
  let updatedForms = 0;
  if (target) {
    const writes = target.sel.entries.flatMap((e) => {
      const bill = bills.find((b) => b.redInfoBillNo && b.redInfoBillNo === e.formNumber);
      if (!bill) return [];
      updatedForms++;
      return e.rowIndexes.map((rowIndex) => writeBackFor("confirmForms", rowIndex, billValues(bill)));
    });
    if (writes.length > 0) {
      const w = await target.port.writeResults("confirmForms", writes, { layout: target.sel.layout });
      if (!w.ok) return w;
    }
  }
  opts.onProgress?.({ done: 1, total: 1, label: `下载完成：${bills.length} 张` });
  return { ok: true, value: { bills, taskNo, updatedForms } };
}

export { confirmStatusLabel };
