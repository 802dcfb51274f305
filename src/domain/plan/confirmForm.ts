/**
 * The 红字确认单 draft planner (module 002, domain-rules §4; wire 2.1.03): parsed rows in, a verdict
 * per row and per cell, the rows grouped into forms, and the 2.1.03 request of every form whose
 * rows all pass. `hongchong import [--submit]`, the pane's 批量引入 (the sheet schema's row and
 * document checks), the pane's 录入 and the sandbox's 2.1.03 handler call these functions.
 *
 * A row with a 金额 is a line of a partial reversal (sent as invoiceDetail, by 行号 = originalSeq);
 * a form none of whose rows has one is a full reversal (no invoiceDetail). What only the bureau
 * knows — the blue invoice, its remaining amounts, the counterparty — is the sandbox's to check.
 *
 * The red-reason and identity codes are configuration of the client (A2/A3 `reasonCode`, A4/A12):
 * passed in as functions, so the planner imports nothing of src/gateway at run time.
 */
import type { RedConfirmBillApplyLine, RedConfirmBillApplyRequest } from "../../gateway/payloads";
import { RedReason, Role } from "../labels";
import { formatAmount, formatQty, magnitude, toRed, type Dec } from "../money";
import { refusal, type Refusal } from "../refusals";
import {
  dec,
  duplicateLines,
  headerConflicts,
  text,
  type CellRefusal,
  type CellValue,
  type DraftRow,
  type RowVerdict,
  type WireFields,
  type DraftDocumentPlan,
  type DraftPlan,
  planDrafts,
} from "./drafts";
import {
  WIRE_TEXT_LIMITS,
  lineTaxRefusal,
  lineTotalRefusal,
  rateRefusal,
  taxCodeRefusal,
  textLimitRefusal,
} from "./lineRules";

/** The planner's fields: the input column keys of src/sheet/schemas/confirmForms.ts and their headers. */
export const CONFIRM_FORM_FIELDS = {
  billNo: "单据编号",
  blueInvoiceNumber: "原蓝票号码",
  blueInvoiceCode: "原蓝票代码",
  blueIssueDate: "原蓝票开票日期",
  redReason: "红冲原因",
  myRole: "购销身份",
  lineNo: "行号",
  goodsName: "货物名称",
  taxCode: "税收分类编码",
  spec: "规格型号",
  unit: "单位",
  quantity: "数量",
  unitPrice: "单价",
  amount: "金额",
  taxRate: "税率",
  taxAmount: "税额",
  totalAmount: "含税金额",
  serialNo: "流水号",
  formNumber: "红字确认单编号",
} as const;
export type ConfirmFormKey = keyof typeof CONFIRM_FORM_FIELDS;

/** 2.1.03 红字确认单生成: wire field → planner key (lines also as 2.1.04 sends them). */
export const CONFIRM_FORM_WIRE_FIELDS: WireFields<ConfirmFormKey> = {
  header: {
    invoiceNo: "blueInvoiceNumber",
    invoiceCode: "blueInvoiceCode",
    redReason: "redReason",
    enteridentity: "myRole",
  },
  line: {
    originalSeq: "lineNo",
    goodsName: "goodsName",
    revenueCode: "taxCode",
    specification: "spec",
    units: "unit",
    quantity: "quantity",
    price: "unitPrice",
    amount: "amount",
    taxRate: "taxRate",
    taxAmount: "taxAmount",
  },
};

export type ConfirmFormRow = DraftRow<ConfirmFormKey>;
export type ConfirmFormCellRefusal = CellRefusal<ConfirmFormKey>;
export type ConfirmFormRowVerdict = RowVerdict<ConfirmFormKey>;

/** Required on every row: what 2.1.03 requires of the header (invoiceNo, redReason; orderNo is ours). */
export const CONFIRM_FORM_REQUIRED_KEYS: readonly ConfirmFormKey[] = ["blueInvoiceNumber", "redReason"];

/** Column limits (characters) from the 2.1.03 request table. */
export const CONFIRM_FORM_TEXT_LIMITS: Readonly<Partial<Record<ConfirmFormKey, number>>> = {
  billNo: WIRE_TEXT_LIMITS.documentKey,
  goodsName: WIRE_TEXT_LIMITS.goodsName,
  spec: WIRE_TEXT_LIMITS.specification,
  unit: WIRE_TEXT_LIMITS.units,
};

const HEADER_FIELDS: readonly ConfirmFormKey[] = ["blueInvoiceCode", "blueIssueDate", "redReason", "myRole"];
const LINE_VALUES: readonly ConfirmFormKey[] = [
  "quantity",
  "unitPrice",
  "amount",
  "taxAmount",
  "totalAmount",
];
const field = (k: ConfirmFormKey) => ({ key: k, label: CONFIRM_FORM_FIELDS[k] });

/** The client's code converters (src/gateway: `client.reasonCode(label, "2.1.03")`, `identityCode`). */
export interface ConfirmFormWireCodes {
  reasonCode(reason: RedReason): string | undefined;
  identityCode(role: Role): "0" | "1" | undefined;
}

export interface ConfirmFormPlanOptions {
  readonly codes: ConfirmFormWireCodes;
  readonly sendIdenticalOnce?: boolean;
}

/** 2.1.03 without its orderNo (流水号: the caller's). */
export type ConfirmFormRequestBody = Omit<RedConfirmBillApplyRequest, "orderNo">;

export type ConfirmFormDocumentPlan = DraftDocumentPlan<ConfirmFormRequestBody>;
export type ConfirmFormPlan = DraftPlan<ConfirmFormKey, ConfirmFormRequestBody>;

/** [decision] Rows of one 红字确认单: the same 单据编号, else the same 原蓝票号码. */
export function confirmFormDocumentKey(
  values: Readonly<Partial<Record<ConfirmFormKey, CellValue>>>
): string | null {
  const bill = text(values.billNo);
  if (bill !== null) return `单据编号 ${bill}`;
  const blue = text(values.blueInvoiceNumber);
  return blue === null ? null : `原蓝票号码 ${blue}`;
}

/**
 * Every rule of one row, on its cell: required header fields, a red reason the client can code,
 * and — for a line with a 金额 (partial reversal) — its 行号, a non-zero amount, the 19-digit
 * 税收分类编码, the rate's precision, |金额 × 税率 − 税额| ≤ 0.06, 含税金额 within 0.01 of 金额 + 税额,
 * and the wire's text limits.
 */
export function checkConfirmFormRow(
  values: Readonly<Partial<Record<ConfirmFormKey, CellValue>>>,
  codes?: ConfirmFormWireCodes
): ConfirmFormCellRefusal[] {
  const out: ConfirmFormCellRefusal[] = [];
  const add = (key: ConfirmFormKey, r: Refusal | null) => {
    if (r && !out.some((c) => c.key === key)) out.push({ key, refusal: r });
  };
  for (const k of CONFIRM_FORM_REQUIRED_KEYS) {
    if (text(values[k]) === null) add(k, refusal("FIELD_REQUIRED", { field: CONFIRM_FORM_FIELDS[k] }));
  }
  const reasonText = text(values.redReason);
  const reason = reasonText === null ? undefined : RedReason.normalize(reasonText);
  if (reasonText !== null && (reason === undefined || (codes && codes.reasonCode(reason) === undefined))) {
    add(
      "redReason",
      refusal("BAD_ENUM", {
        field: CONFIRM_FORM_FIELDS.redReason,
        value: reasonText,
        allowed: RedReason.values.join("、"),
      })
    );
  }
  const roleText = text(values.myRole);
  if (roleText !== null && Role.normalize(roleText) === undefined) {
    add(
      "myRole",
      refusal("BAD_ENUM", {
        field: CONFIRM_FORM_FIELDS.myRole,
        value: roleText,
        allowed: Role.values.join("、"),
      })
    );
  }
  const amount = dec(values.amount);
  const tax = dec(values.taxAmount);
  const rate = dec(values.taxRate);
  const total = dec(values.totalAmount);
  if (amount === null && (tax !== null || dec(values.quantity) !== null)) {
    add("amount", refusal("FIELD_REQUIRED", { field: CONFIRM_FORM_FIELDS.amount }));
  }
  if (amount !== null) {
    if (values.lineNo === null || values.lineNo === undefined)
      add("lineNo", refusal("CONFIRM_LINE_NO_REQUIRED"));
    if (amount.isZero()) add("amount", refusal("NON_POSITIVE", { field: CONFIRM_FORM_FIELDS.amount }));
  }
  const code = text(values.taxCode);
  if (code !== null) add("taxCode", taxCodeRefusal(CONFIRM_FORM_FIELDS.taxCode, code));
  if (rate) add("taxRate", rateRefusal(CONFIRM_FORM_FIELDS.taxRate, rate));
  if (amount && rate && tax && !out.some((c) => c.key === "taxRate")) {
    add("taxAmount", lineTaxRefusal(amount, rate, tax));
  }
  if (amount && tax && total)
    add("totalAmount", lineTotalRefusal(CONFIRM_FORM_FIELDS.totalAmount, amount, tax, total));
  for (const [k, max] of Object.entries(CONFIRM_FORM_TEXT_LIMITS) as [ConfirmFormKey, number][]) {
    const t = text(values[k]);
    if (t !== null) add(k, textLimitRefusal(CONFIRM_FORM_FIELDS[k], t, max));
  }
  return out;
}

/**
 * Rules across one form's rows: header fields agree; a blue line (行号, or its goods when there is
 * no 行号) appears once — different values refused on every differing cell, identical repeats
 * flagged on 行号 (or sent once when the clerk chose to).
 */
export function checkConfirmFormDocument(
  key: string,
  rows: readonly ConfirmFormRow[],
  sendIdenticalOnce = false
): { cells: Map<number, ConfirmFormCellRefusal[]>; sentWith: Map<number, number> } {
  const cells = headerConflicts(key, rows, HEADER_FIELDS.map(field));
  const dup = duplicateLines(
    rows,
    (r) => {
      const no = r.values.lineNo;
      if (typeof no === "number") return { key: `#${no}`, label: `行号 ${no}` };
      const goods = text(r.values.goodsName);
      if (goods === null) return null;
      const parts = [
        goods,
        text(r.values.taxCode),
        text(r.values.spec),
        text(r.values.unit),
        text(r.values.taxRate),
      ];
      return { key: parts.map((p) => p ?? "").join("\u0000"), label: `货物名称“${goods}”` };
    },
    LINE_VALUES.map(field),
    "lineNo",
    sendIdenticalOnce
  );
  for (const [row, list] of dup.cells) cells.set(row, [...(cells.get(row) ?? []), ...list]);
  return { cells, sentWith: dup.sentWith };
}

/** A red line to send: from the sheet's typed values, or from `calcRedLine` in the pane. */
export interface ConfirmRequestLine {
  readonly lineNo: number | null;
  readonly goodsName: string | null;
  readonly taxCode: string | null;
  readonly spec: string | null;
  readonly unit: string | null;
  readonly quantity: Dec | null;
  readonly unitPrice: Dec | null;
  readonly amount: Dec;
  readonly taxRate: Dec | null;
  readonly tax: Dec | null;
}

export interface ConfirmRequestHead {
  readonly blueInvoiceNumber: string;
  readonly blueInvoiceCode: string | null;
  readonly redReason: RedReason;
  readonly myRole: Role | null;
}

/** One 2.1.03 line: red-signed amounts and quantity, positive 单价 (§1.6), 行号 as originalSeq. */
export function confirmRequestLine(l: ConfirmRequestLine): RedConfirmBillApplyLine {
  return {
    lineProperty: "0",
    ...(l.lineNo !== null ? { originalSeq: l.lineNo } : {}),
    ...(l.goodsName ? { goodsName: l.goodsName } : {}),
    ...(l.taxCode ? { revenueCode: l.taxCode } : {}),
    ...(l.spec ? { specification: l.spec } : {}),
    ...(l.unit ? { units: l.unit } : {}),
    ...(l.quantity ? { quantity: formatQty(toRed(l.quantity)) } : {}),
    ...(l.unitPrice ? { price: formatQty(magnitude(l.unitPrice)) } : {}),
    amount: formatAmount(toRed(l.amount)),
    ...(l.taxRate ? { taxRate: l.taxRate.toFixed() } : {}),
    ...(l.tax ? { taxAmount: formatAmount(toRed(l.tax)) } : {}),
  };
}

/** The 2.1.03 body of a form: full reversal when `lines` is null or empty. */
export function confirmFormRequest(
  head: ConfirmRequestHead,
  lines: readonly ConfirmRequestLine[] | null,
  codes: ConfirmFormWireCodes
): ConfirmFormRequestBody {
  const reason = codes.reasonCode(head.redReason);
  if (reason === undefined) throw new Error("confirmFormRequest: a reason the planner refused was sent");
  const identity = head.myRole ? codes.identityCode(head.myRole) : undefined;
  return {
    ...(head.blueInvoiceCode ? { invoiceCode: head.blueInvoiceCode } : {}),
    invoiceNo: head.blueInvoiceNumber,
    redReason: reason,
    ...(lines && lines.length > 0 ? { invoiceDetail: lines.map(confirmRequestLine) } : {}),
    ...(identity ? { enteridentity: identity } : {}),
  };
}

/** A sheet row's line, when it has a 金额 (partial reversal). */
export function confirmLineOfRow(
  v: Readonly<Partial<Record<ConfirmFormKey, CellValue>>>
): ConfirmRequestLine | null {
  const amount = dec(v.amount);
  if (amount === null) return null;
  return {
    lineNo: typeof v.lineNo === "number" ? v.lineNo : null,
    goodsName: text(v.goodsName),
    taxCode: text(v.taxCode),
    spec: text(v.spec),
    unit: text(v.unit),
    quantity: dec(v.quantity),
    unitPrice: dec(v.unitPrice),
    amount,
    taxRate: dec(v.taxRate),
    tax: dec(v.taxAmount),
  };
}

/** The head of a form from its first row (the document check made the rows agree). */
export function confirmHeadOfRows(rows: readonly ConfirmFormRow[]): ConfirmRequestHead {
  const first = (k: ConfirmFormKey) => {
    for (const r of rows) {
      const t = text(r.values[k]);
      if (t !== null) return t;
    }
    return null;
  };
  return {
    blueInvoiceNumber: first("blueInvoiceNumber") ?? "",
    blueInvoiceCode: first("blueInvoiceCode"),
    redReason: RedReason.normalize(first("redReason") ?? "") ?? "开票有误",
    myRole: Role.normalize(first("myRole") ?? "") ?? null,
  };
}

/** Every row's verdict and the 2.1.03 request of each 红字确认单 whose rows all pass. */
export function planConfirmForms(
  rows: readonly ConfirmFormRow[],
  options: ConfirmFormPlanOptions
): ConfirmFormPlan {
  return planDrafts(rows, {
    documentKey: confirmFormDocumentKey,
    rowCheck: (values) => checkConfirmFormRow(values, options.codes),
    documentCheck: (key, group) => checkConfirmFormDocument(key, group, options.sendIdenticalOnce),
    request: (group, sent) =>
      confirmFormRequest(
        confirmHeadOfRows(group),
        sent.map((r) => confirmLineOfRow(r.values)).filter((l): l is ConfirmRequestLine => l !== null),
        options.codes
      ),
  });
}
