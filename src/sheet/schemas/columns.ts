/**
 * What a sheet column is: its key in our row objects, the header the manuals print, the variants
 * users type, how a cell is parsed, and how the column is formatted when we create the sheet.
 */
import * as Labels from "../../domain/labels";
import type { LabelSetLike } from "../../domain/parse";
import type { Refusal } from "../../domain/refusals";

/** Label sets a column may take its values from (labels.ts, plus sheet-only sets below). */
export const LABEL_SETS = {
  BlueInvoiceStatus: Labels.BlueInvoiceStatus,
  ApprovalStatus: Labels.ApprovalStatus,
  InvoiceKind: Labels.InvoiceKind,
  RedFlushTarget: Labels.RedFlushTarget,
  InfoFormStatus: Labels.InfoFormStatus,
  InfoFormApplicant: Labels.InfoFormApplicant,
  InfoFormInvoiceType: Labels.InfoFormInvoiceType,
  RedReason: Labels.RedReason,
  TaxMode: Labels.TaxMode,
  EntryStatus: Labels.EntryStatus,
  FormInvoiceStatus: Labels.FormInvoiceStatus,
  Role: Labels.Role,
  DataSource: Labels.DataSource,
  AuditStatus: Labels.AuditStatus,
  BillKind: Labels.BillKind,
  InputInvoiceStatus: Labels.InputInvoiceStatus,
  SelectStatus: Labels.SelectStatus,
  DeductionStatus: Labels.DeductionStatus,
  VerifyStatus: Labels.VerifyStatus,
  /** 编辑字段 of a 红字确认单 line: what the user edits (§4.6). Sheet-only set. */
  LineEditField: sheetLabelSet(["数量", "不含税金额", "含税金额"], {
    金额: "不含税金额",
    价税合计: "含税金额",
    红冲数量: "数量",
  }),
} as const satisfies Record<string, LabelSetLike<string>>;

export type LabelSetName = keyof typeof LABEL_SETS;

/** A small label set for values only sheets use (same shape as labels.ts sets). */
function sheetLabelSet(
  values: readonly string[],
  aliases: Readonly<Record<string, string>>
): LabelSetLike<string> {
  const all = new Set(values);
  return {
    values,
    normalize(s: unknown): string | undefined {
      if (typeof s !== "string") return undefined;
      const t = s.trim();
      return all.has(t) ? t : aliases[t];
    },
  };
}

/** How a cell is read (one parser each, see mapping.ts). */
export type ColumnType =
  | "text"
  | "amount"
  | "quantity"
  | "unitPrice"
  | "rate"
  | "date"
  | "datetime"
  | "taxId"
  | "invoiceCode"
  | "invoiceNumber"
  | "boolean"
  | "integer"
  | `label:${LabelSetName}`;

export interface ColumnSpec {
  /** Key in parsed rows and write-back values. */
  readonly key: string;
  /** Canonical Chinese header (the manuals' field name). */
  readonly header: string;
  /** Other headers accepted on read (manual variants: 原发票号码 / 蓝票号码 / 对应蓝票号码 …). */
  readonly aliases: readonly string[];
  readonly type: ColumnType;
  /** Blank is FIELD_REQUIRED; the header is red in templates (the manuals' 红色字体为必填项). */
  readonly required: boolean;
  /** Written by us (流水号, 处理状态 …): appended at the right when missing. Still read when present. */
  readonly result: boolean;
  /** Excel number format for the column. "@" = text: keeps leading zeros and all 13 decimals. */
  readonly numberFormat: string;
  /** Data-validation list for enum columns (the label set's canonical values). */
  readonly validationList: readonly string[] | null;
  /** Amount columns of red documents accept a minus sign (§1.6: either sign, magnitude used). */
  readonly allowNegative: boolean;
  /** Amount columns sent on the wire as typed: more than 2 decimals is refused, not rounded (parseAmount). */
  readonly exactDecimals?: boolean;
  /** Text columns: maximum characters. */
  readonly maxLength?: number;
  /** Invoice-number columns: which numbers they hold. */
  readonly invoiceNumberKind?: "taxControl" | "digital" | "any";
}

export interface ColumnOptions {
  readonly aliases?: readonly string[];
  readonly required?: boolean;
  readonly result?: boolean;
  readonly allowNegative?: boolean;
  readonly exactDecimals?: boolean;
  readonly maxLength?: number;
  readonly invoiceNumberKind?: "taxControl" | "digital" | "any";
}

/** Number formats per type (the brief: amounts #,##0.00; quantities and prices as text). */
export const NUMBER_FORMATS: Readonly<Record<Exclude<ColumnType, `label:${string}`> | "label", string>> = {
  text: "@",
  amount: "#,##0.00",
  // Excel keeps 15 significant digits; 数量/单价 carry up to 23 (§1.1), so they live as text.
  quantity: "@",
  unitPrice: "@",
  // [decision] rates as text: "13%", "1.5%", "免税" all survive; a percent format would round 1.5% to 2%.
  rate: "@",
  date: "yyyy-mm-dd",
  datetime: "yyyy-mm-dd hh:mm:ss",
  taxId: "@",
  invoiceCode: "@",
  invoiceNumber: "@",
  boolean: "General",
  integer: "0",
  label: "@",
};

export function labelSetOf(type: ColumnType): LabelSetLike<string> | null {
  return type.startsWith("label:") ? LABEL_SETS[type.slice("label:".length) as LabelSetName] : null;
}

/** Build a column; number format and validation list follow from the type. */
export function column(key: string, header: string, type: ColumnType, opts: ColumnOptions = {}): ColumnSpec {
  const set = labelSetOf(type);
  const formatKey = set ? "label" : (type as Exclude<ColumnType, `label:${string}`>);
  return {
    key,
    header,
    aliases: opts.aliases ?? [],
    type,
    required: opts.required ?? false,
    result: opts.result ?? false,
    numberFormat: NUMBER_FORMATS[formatKey],
    validationList: set ? set.values : type === "boolean" ? ["是", "否"] : null,
    allowNegative: opts.allowNegative ?? false,
    ...(opts.exactDecimals ? { exactDecimals: true } : {}),
    ...(opts.maxLength !== undefined ? { maxLength: opts.maxLength } : {}),
    ...(opts.invoiceNumberKind !== undefined ? { invoiceNumberKind: opts.invoiceNumberKind } : {}),
  };
}

/** The four sheet kinds. */
export type SheetKind = "blueInvoices" | "infoForms" | "confirmForms" | "inputPool";

/** An error a whole-row rule puts on one cell (e.g. 销方申请 must fill 蓝票开票日期). */
export interface RowCheckError {
  readonly key: string;
  readonly refusal: Refusal;
}

export interface SheetSchema {
  readonly kind: SheetKind;
  /** Default sheet name, also the kind's Chinese name. */
  readonly title: string;
  readonly columns: readonly ColumnSpec[];
  /**
   * Cross-field rules after each cell parsed (values hold null for blank or failed cells); keys
   * that already have a cell error are skipped by the caller.
   */
  readonly rowCheck?: (values: Readonly<Record<string, unknown>>) => readonly RowCheckError[];
}

/** 处理状态 values we write (sheet-only; the task pane shows them as-is). */
export const PROCESS_STATUS = {
  success: "成功",
  failure: "失败",
  skipped: "已跳过",
  pending: "处理中",
  /** Checked and valid, nothing sent (an import without --submit, the pane's 校验并标记). */
  notSubmitted: "未提交",
} as const;

/** The two result columns every kind has. */
export function processColumns(): ColumnSpec[] {
  return [
    column("processStatus", "处理状态", "text", { result: true, aliases: ["执行状态", "处理结果"] }),
    column("failureReason", "失败原因", "text", {
      result: true,
      aliases: ["错误原因", "错误信息", "失败信息"],
    }),
  ];
}
