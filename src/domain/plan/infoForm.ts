/**
 * The 红字信息表 draft planner (module 001, domain-rules §3.1, §3.8; wire 2.2.04): parsed rows in,
 * a verdict per row and per cell, the rows grouped into forms, and the 2.2.04 request of every
 * form whose rows all pass. `hongchong import [--submit]`, the pane's 批量引入 (both through the
 * sheet schema's row and document checks), the pane's 上传 and the sandbox's 2.2.04 handler call
 * these functions, so a form refused by the gateway for a reason knowable here is refused here first.
 *
 * Wire codes (applyType, invoiceType) are passed in (`InfoFormWireCodes`, from src/gateway/codes):
 * the code tables live in src/gateway, which itself imports the domain's labels, so a run-time
 * import from here would be a cycle — the planner stays label-based and the caller hands it the
 * converters.
 */
import type { RedInfoFormApplyRequest, RedInfoFormLine } from "../../gateway/payloads";
import { INFO_FORM_IMPORT_ALWAYS_REQUIRED, validateImportRow, type InfoFormImportField } from "../infoForm";
import { InfoFormApplicant, InfoFormInvoiceType } from "../labels";
import { magnitude, toRed } from "../money";
import { parseTaxId } from "../parse/taxId";
import { refusal } from "../refusals";
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
import { WIRE_TEXT_LIMITS, lineTaxRefusal, rateRefusal, taxCodeRefusal, textLimitRefusal } from "./lineRules";

/**
 * The planner's fields: the column keys of src/sheet/schemas/infoForms.ts, with the header the
 * clerk sees (messages name the column by it; a unit test keeps the two equal).
 */
export const INFO_FORM_FIELDS = {
  formKey: "申请单号",
  applicant: "申请方",
  invoiceType: "发票类型",
  blueInvoiceCode: "原发票代码",
  blueInvoiceNo: "原发票号码",
  blueIssueDate: "蓝票开票日期",
  buyerName: "购方名称",
  buyerTaxId: "购方税号",
  sellerName: "销方名称",
  sellerTaxId: "销方税号",
  reversibleAmount: "蓝票可红冲金额",
  goodsName: "货物名称",
  taxCode: "税收分类编码",
  spec: "规格型号",
  unit: "单位",
  quantity: "数量",
  unitPrice: "单价",
  redAmount: "金额",
  taxRate: "税率",
  redTax: "税额",
  infoFormNumber: "红字信息表编码",
} as const;
export type InfoFormKey = keyof typeof INFO_FORM_FIELDS;

/** 2.2.04 红字信息表申请: wire field → planner key (one row per line of the form). */
export const INFO_FORM_WIRE_FIELDS: WireFields<InfoFormKey> = {
  header: {
    sellerTaxpayerId: "sellerTaxId",
    sellerName: "sellerName",
    buyerTaxpayerId: "buyerTaxId",
    buyerName: "buyerName",
    applyType: "applicant",
    invoiceType: "invoiceType",
    originalInvoiceCode: "blueInvoiceCode",
    originalInvoiceNumber: "blueInvoiceNo",
    originalIssueTime: "blueIssueDate",
  },
  line: {
    goodsName: "goodsName",
    revenueCode: "taxCode",
    specification: "spec",
    units: "unit",
    quantity: "quantity",
    price: "unitPrice",
    amount: "redAmount",
    taxRate: "taxRate",
    taxAmount: "redTax",
  },
};

export type InfoFormRow = DraftRow<InfoFormKey>;
export type InfoFormCellRefusal = CellRefusal<InfoFormKey>;
export type InfoFormRowVerdict = RowVerdict<InfoFormKey>;

/**
 * Fields every row must fill: what the 2.2.04 request requires (sellerTaxpayerId, applyType,
 * invoiceType, buyerName, buyerTaxpayerId; per line goodsName, revenueCode, amount, taxRate,
 * taxAmount) plus 销方名称 (the form prints it). The template marks exactly these 必填
 * (the schema's `required` comes from here); the blue-invoice columns depend on 申请方 (§3.1).
 */
export const INFO_FORM_REQUIRED_KEYS: readonly InfoFormKey[] = [
  ...INFO_FORM_IMPORT_ALWAYS_REQUIRED,
  "goodsName",
  "taxCode",
  "taxRate",
];

/** Column limits (characters) — the schema's `maxLength` — from the 2.2.04 request table. */
export const INFO_FORM_TEXT_LIMITS: Readonly<Partial<Record<InfoFormKey, number>>> = {
  formKey: WIRE_TEXT_LIMITS.documentKey,
  buyerName: WIRE_TEXT_LIMITS.partyName,
  sellerName: WIRE_TEXT_LIMITS.partyName,
  goodsName: WIRE_TEXT_LIMITS.goodsName,
  spec: WIRE_TEXT_LIMITS.specification,
  unit: WIRE_TEXT_LIMITS.units,
};

/** Header fields: one value per form (the request carries them once). */
const HEADER_FIELDS: readonly InfoFormKey[] = [
  "applicant",
  "invoiceType",
  "blueInvoiceCode",
  "blueInvoiceNo",
  "blueIssueDate",
  "buyerName",
  "buyerTaxId",
  "sellerName",
  "sellerTaxId",
];

/** What a duplicate line is compared on (the blue line is named by its goods, there is no 行号). */
const LINE_VALUES: readonly InfoFormKey[] = ["quantity", "unitPrice", "redAmount", "redTax"];

const field = (k: InfoFormKey) => ({ key: k, label: INFO_FORM_FIELDS[k] });

/** The import validator's field names → ours (it speaks 蓝票代码/红冲金额, the sheet 原发票代码/金额). */
const IMPORT_KEY: Readonly<Record<InfoFormImportField, InfoFormKey>> = {
  applicant: "applicant",
  invoiceType: "invoiceType",
  blueInvoiceCode: "blueInvoiceCode",
  blueInvoiceNo: "blueInvoiceNo",
  blueIssueDate: "blueIssueDate",
  buyerName: "buyerName",
  buyerTaxId: "buyerTaxId",
  sellerName: "sellerName",
  sellerTaxId: "sellerTaxId",
  redAmount: "redAmount",
  redTax: "redTax",
  reversibleAmount: "reversibleAmount",
};

/** What the planner knows beyond the rows. */
export interface InfoFormFacts {
  /** The org's tax ID, when known: the filing party (销方 for 销方申请, else 购方) must be it. */
  readonly orgTaxId?: string | null;
}

/** The wire converters (src/gateway/codes: applyTypeCode, infoFormInvoiceTypeCode). */
export interface InfoFormWireCodes {
  applyType(applicant: InfoFormApplicant): string;
  invoiceType(label: string): "004" | "028" | undefined;
}

export interface InfoFormPlanOptions {
  readonly codes: InfoFormWireCodes;
  /** Identical repeated lines: false (default) refuses them; true sends them once. */
  readonly sendIdenticalOnce?: boolean;
}

/** 2.2.04 without its 流水号 (the caller owns serials: a re-run re-uses the one in the file). */
export type InfoFormRequestBody = Omit<RedInfoFormApplyRequest, "serialNo">;

export type InfoFormDocumentPlan = DraftDocumentPlan<InfoFormRequestBody>;
export type InfoFormPlan = DraftPlan<InfoFormKey, InfoFormRequestBody>;

/**
 * [decision] Rows of one 红字信息表: the same 申请单号; else the same 红字信息表编码 (forms already
 * filed); else the same blue invoice (code + number). A 购方申请-已抵扣 row without either names no
 * blue invoice and is a form of its own.
 */
export function infoFormDocumentKey(
  values: Readonly<Partial<Record<InfoFormKey, CellValue>>>
): string | null {
  const formKey = text(values.formKey);
  if (formKey !== null) return `申请单号 ${formKey}`;
  const number = text(values.infoFormNumber);
  if (number !== null) return `红字信息表编码 ${number}`;
  const no = text(values.blueInvoiceNo);
  if (no === null) return null;
  const code = text(values.blueInvoiceCode);
  return `蓝票 ${code ? `${code}-` : ""}${no}`;
}

function isBlank(v: CellValue | undefined): boolean {
  return text(v) === null;
}

/**
 * Every rule of one row (§3.1, §3.8 and the 2.2.04 line rules), each on the cell it concerns:
 * required fields (those of the template and those of the 申请方), the 税收分类编码 format, the rate's
 * precision, |金额 × 税率 − 税额| ≤ 0.06, the text limits, the tax IDs' check characters, and —
 * when the org is known — that the filing party is the org.
 */
export function checkInfoFormRow(
  values: Readonly<Partial<Record<InfoFormKey, CellValue>>>,
  facts: InfoFormFacts = {}
): InfoFormCellRefusal[] {
  const out: InfoFormCellRefusal[] = [];
  const add = (key: InfoFormKey, r: ReturnType<typeof refusal> | null) => {
    if (r && !out.some((c) => c.key === key)) out.push({ key, refusal: r });
  };
  for (const k of INFO_FORM_REQUIRED_KEYS) {
    if (isBlank(values[k])) add(k, refusal("FIELD_REQUIRED", { field: INFO_FORM_FIELDS[k] }));
  }
  const applicant = InfoFormApplicant.normalize(text(values.applicant) ?? "") ?? null;
  const invoiceType = InfoFormInvoiceType.normalize(text(values.invoiceType) ?? "") ?? null;
  if (!isBlank(values.applicant) && applicant === null) {
    add(
      "applicant",
      refusal("BAD_ENUM", {
        field: INFO_FORM_FIELDS.applicant,
        value: text(values.applicant)!,
        allowed: InfoFormApplicant.values.join("、"),
      })
    );
  }
  if (!isBlank(values.invoiceType) && invoiceType === null) {
    add(
      "invoiceType",
      refusal("BAD_ENUM", {
        field: INFO_FORM_FIELDS.invoiceType,
        value: text(values.invoiceType)!,
        allowed: InfoFormInvoiceType.values.join("、"),
      })
    );
  }
  // §3.1 blue fields per 申请方 and §3.8 amount rules (the engine's validator; its FIELD_REQUIRED are ours above).
  for (const e of validateImportRow({
    applicant,
    invoiceType,
    blueInvoiceCode: text(values.blueInvoiceCode),
    blueInvoiceNo: text(values.blueInvoiceNo),
    blueIssueDate: text(values.blueIssueDate),
    buyerName: text(values.buyerName),
    buyerTaxId: text(values.buyerTaxId),
    sellerName: text(values.sellerName),
    sellerTaxId: text(values.sellerTaxId),
    redAmount: dec(values.redAmount),
    redTax: dec(values.redTax),
    reversibleAmount: dec(values.reversibleAmount),
  })) {
    if (e.refusal.code !== "FIELD_REQUIRED") add(IMPORT_KEY[e.field], e.refusal);
  }
  const code = text(values.taxCode);
  if (code !== null) add("taxCode", taxCodeRefusal(INFO_FORM_FIELDS.taxCode, code));
  const rate = dec(values.taxRate);
  if (rate) add("taxRate", rateRefusal(INFO_FORM_FIELDS.taxRate, rate));
  const amount = dec(values.redAmount);
  const tax = dec(values.redTax);
  if (amount && rate && tax && !out.some((c) => c.key === "taxRate")) {
    add("redTax", lineTaxRefusal(amount, rate, tax));
  }
  for (const [k, max] of Object.entries(INFO_FORM_TEXT_LIMITS) as [InfoFormKey, number][]) {
    const t = text(values[k]);
    if (t !== null) add(k, textLimitRefusal(INFO_FORM_FIELDS[k], t, max));
  }
  for (const k of ["buyerTaxId", "sellerTaxId"] as const) {
    const t = text(values[k]);
    if (t === null) continue;
    const r = parseTaxId(t, INFO_FORM_FIELDS[k]);
    if (!r.ok) add(k, r.refusal);
  }
  const org = facts.orgTaxId?.trim().toUpperCase();
  if (org && applicant) {
    const filer = applicant === "销方申请" ? "sellerTaxId" : "buyerTaxId";
    const id = text(values[filer])?.toUpperCase();
    if (id && id !== org) {
      add(
        filer,
        refusal("INFO_FORM_FILER_NOT_ORG", {
          applicant,
          field: INFO_FORM_FIELDS[filer],
          orgTaxId: org,
          value: id,
        })
      );
    }
  }
  return out;
}

/**
 * The rules across the rows of one form: header fields agree, and no blue line (its goods) appears
 * twice with different values (conflict on every differing cell) or twice identically (flagged on
 * 货物名称, or sent once when the clerk chose to).
 */
export function checkInfoFormDocument(
  key: string,
  rows: readonly InfoFormRow[],
  sendIdenticalOnce = false
): { cells: Map<number, InfoFormCellRefusal[]>; sentWith: Map<number, number> } {
  const cells = headerConflicts(key, rows, HEADER_FIELDS.map(field));
  const dup = duplicateLines(
    rows,
    (r) => {
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
    "goodsName",
    sendIdenticalOnce
  );
  for (const [row, list] of dup.cells) cells.set(row, [...(cells.get(row) ?? []), ...list]);
  return { cells, sentWith: dup.sentWith };
}

/** The 2.2.04 lines and header of one form's (valid) rows: red amounts negative, 单价 positive (§1.6). */
export function infoFormRequest(rows: readonly InfoFormRow[], codes: InfoFormWireCodes): InfoFormRequestBody {
  const head = rows[0].values;
  const applicant = InfoFormApplicant.normalize(text(head.applicant) ?? "") ?? "销方申请";
  const invoiceType = codes.invoiceType(text(head.invoiceType) ?? "");
  if (invoiceType === undefined) throw new Error("infoFormRequest: a row the planner refused was sent");
  const lines: RedInfoFormLine[] = rows.map(({ values: v }) => {
    const quantity = dec(v.quantity);
    const price = dec(v.unitPrice);
    const spec = text(v.spec);
    const unit = text(v.unit);
    return {
      goodsName: text(v.goodsName) ?? "",
      revenueCode: text(v.taxCode) ?? "",
      amount: toRed(dec(v.redAmount)!),
      taxRate: dec(v.taxRate)!.toFixed(),
      taxAmount: toRed(dec(v.redTax)!),
      ...(quantity ? { quantity: toRed(quantity) } : {}),
      ...(price ? { price: magnitude(price) } : {}),
      ...(unit ? { units: unit } : {}),
      ...(spec ? { specification: spec } : {}),
    };
  });
  const code = text(head.blueInvoiceCode);
  const no = text(head.blueInvoiceNo);
  const date = text(head.blueIssueDate);
  return {
    sellerTaxpayerId: text(head.sellerTaxId) ?? "",
    applyType: codes.applyType(applicant),
    ...(code ? { originalInvoiceCode: code } : {}),
    ...(no ? { originalInvoiceNumber: no } : {}),
    ...(date ? { originalIssueTime: date } : {}),
    invoiceType,
    buyerName: text(head.buyerName) ?? "",
    buyerTaxpayerId: text(head.buyerTaxId) ?? "",
    invoiceDetail: lines,
  };
}

/**
 * The plan: every row's verdict (parse errors, row rules, document rules), the rows grouped into
 * forms, and the 2.2.04 request of each form whose rows all pass. A form is sent whole or not at all.
 */
export function planInfoForms(
  rows: readonly InfoFormRow[],
  facts: InfoFormFacts,
  options: InfoFormPlanOptions
): InfoFormPlan {
  return planDrafts(rows, {
    documentKey: infoFormDocumentKey,
    rowCheck: (values) => checkInfoFormRow(values, facts),
    documentCheck: (key, group) => checkInfoFormDocument(key, group, options.sendIdenticalOnce),
    request: (_group, sent) => infoFormRequest(sent, options.codes),
  });
}
