/**
 * Module 001 — 红字信息表 (red info form for Golden Tax III 税控专票; domain-rules §3).
 *
 * The life of a form is one data table (§3.9): `(state, action) → refusal | next state + guards`,
 * read by `decideInfoFormAction`. `applyInfoFormAction` then builds the new form from the decision.
 * Also here: which blue fields each applicant must fill (§3.1), the red-amount limit, the download
 * scope (§3.7) and the 批量引入 row validator (§3.8).
 */
import {
  ApplicationStatus,
  InfoFormApplicant,
  InfoFormBlueField,
  InfoFormInvoiceType,
  InfoFormStatus,
} from "./labels";
import { Dec, DecimalLike, magnitude } from "./money";
import { fail, ok, refusal, Refusal, RefusalCode, Result } from "./refusals";

// ── §3.1 Required blue-invoice fields ────────────────────────────────────────

/**
 * 销方申请 names the blue invoice fully; a buyer that has not deducted gives code and number; a buyer
 * that has already deducted cannot point at one blue invoice and gives none.
 */
export const REQUIRED_BLUE_FIELDS: Readonly<Record<InfoFormApplicant, readonly InfoFormBlueField[]>> = {
  销方申请: ["蓝票代码", "蓝票号码", "蓝票开票日期"],
  "购方申请-未抵扣": ["蓝票代码", "蓝票号码"],
  "购方申请-已抵扣": [],
};

export function requiredBlueFields(applicant: InfoFormApplicant): readonly InfoFormBlueField[] {
  return REQUIRED_BLUE_FIELDS[applicant];
}

// ── Red amount ───────────────────────────────────────────────────────────────

/**
 * Full or partial reversal: 0 < |红冲金额| ≤ 蓝票可红冲金额 (小于等于: equality is the full reversal).
 * Magnitudes, exactly: the red amount may be typed negative.
 */
export function validateRedAmount(reversibleAmount: DecimalLike, redAmount: DecimalLike): Result<true> {
  const red = magnitude(redAmount);
  if (red.isZero()) return fail("NON_POSITIVE", { field: "红冲金额" });
  return red.lte(magnitude(reversibleAmount)) ? ok(true) : fail("AMOUNT_EXCEEDS_REVERSIBLE");
}

// ── The form ─────────────────────────────────────────────────────────────────

export interface InfoForm {
  /** 信息表状态; null = a new form not yet saved. */
  readonly status: InfoFormStatus | null;
  /** 红字信息表编号, given by the bureau on approval. */
  readonly formNo?: string | null;
  /** 税局审核日期. */
  readonly bureauAuditDate?: string | null;
  /** 失败原因 of the last rejected submission. */
  readonly failReason?: string | null;
  /** 销方税号 on the form. */
  readonly sellerTaxId?: string | null;
  /** The 开票申请单 this form was pushed from, or null (手工新增, 下载, 批量引入). */
  readonly linkedApplication?: string | null;
  /** 红票代码 / 红票号码, once red-flushed. */
  readonly redInvoiceCode?: string | null;
  readonly redInvoiceNo?: string | null;
}

/** The bureau's answer to an upload (提交 / 上传). */
export type BureauAnswer =
  | { readonly approved: true; readonly formNo?: string | null; readonly auditDate?: string | null }
  | { readonly approved: false; readonly reason?: string | null };

/** What the user asks for; each carries what its guard or effect needs. */
export type InfoFormAction =
  | { readonly type: "save" } // 仅保存
  | { readonly type: "edit" } // 编辑
  | { readonly type: "submit"; readonly bureau: BureauAnswer } // 提交 / 上传
  | {
      readonly type: "redFlush"; // 红冲
      /** 当前业务单元下的企业信息中的税号. */
      readonly orgTaxId: string;
      /** The red invoice issued, when known (filled into 红票代码/号码). */
      readonly redInvoice?: { readonly code?: string | null; readonly no?: string | null };
    }
  | { readonly type: "revoke" } // 撤销
  | { readonly type: "delete" } // 删除
  | { readonly type: "rollback" }; // 退回开票申请单 / 回退

export type InfoFormActionType = InfoFormAction["type"];

/** A state as the table sees it: the form's status, or 新建 for an unsaved form. */
export type InfoFormState = InfoFormStatus | "新建";

/**
 * Where an allowed action leaves the form: a status, 按税局结果 (submit: the bureau decides),
 * 不变 (the status stays), 删除 (the form is removed), or 按回退规则 (see ROLLBACK_DELETES_FORM).
 */
type Next = InfoFormStatus | "按税局结果" | "不变" | "删除" | "按回退规则";

/** Guards checked, in order, after the state allows the action. Each names the refusal it raises. */
type Guard = (form: InfoForm, action: InfoFormAction) => RefusalCode | null;

const hasText = (s: string | null | undefined): boolean => typeof s === "string" && s.trim() !== "";
/** Tax IDs are upper-case alphanumerics; a lower-case or padded copy is the same ID. */
const sameTaxId = (a: string | null | undefined, b: string | null | undefined): boolean =>
  hasText(a) && hasText(b) && a!.trim().toUpperCase() === b!.trim().toUpperCase();

const GUARDS = {
  /** 必须成功获取到红字信息表编号 (§3.3). */
  formNoPresent: (form) => (hasText(form.formNo) ? null : "INFO_FORM_NUMBER_MISSING"),
  /** 销方税号与当前业务单元下的企业信息中的税号一致 (§3.3). */
  sellerIsCurrentOrg: (form, action) =>
    action.type === "redFlush" && sameTaxId(form.sellerTaxId, action.orgTaxId)
      ? null
      : "SELLER_TAX_ID_MISMATCH",
  /** 只允许回退关联开票业务单据的红字信息表 (§3.5). */
  linkedToApplication: (form) => (hasText(form.linkedApplication) ? null : "INFO_FORM_NOT_LINKED"),
} as const satisfies Record<string, Guard>;
type GuardName = keyof typeof GUARDS;

type Rule =
  | { readonly refuse: RefusalCode }
  | {
      readonly to: Next;
      readonly guards?: readonly GuardName[];
      /** The surface must ask the user to confirm a second time before committing (二次确认). */
      readonly secondConfirmation?: boolean;
    };

const R = (refuse: RefusalCode): Rule => ({ refuse });

/**
 * §3.9 as data. Rows are actions, columns states. [INFERRED] cells:
 * - 审核失败 stays 审核失败 on 仅保存/编辑 (its 失败原因 stays until the next upload).
 * - 已撤销 is terminal (§3.4): every status-changing action is refused. Rollback is the exception:
 *   it does not touch the form's status, and refusing it would leave the 开票申请单 stuck at 已提交.
 * - 已开票 is not deletable and not rolled back (§3.5/§3.6); a second 红冲 of it is refused saying it is
 *   already invoiced (INFO_FORM_ALREADY_RED_FLUSHED), which tells the clerk more than 状态须为审核成功.
 * - An unsaved form (新建) can be discarded (删除) and behaves as 未上传 for rollback.
 */
export const INFO_FORM_TRANSITIONS: Readonly<
  Record<InfoFormActionType, Readonly<Record<InfoFormState, Rule>>>
> = {
  save: {
    新建: { to: "未上传" },
    未上传: { to: "未上传" },
    审核失败: { to: "不变" },
    审核成功: R("INFO_FORM_EDIT_STATUS"),
    已开票: R("INFO_FORM_EDIT_STATUS"),
    已撤销: R("INFO_FORM_REVOKED_TERMINAL"),
  },
  edit: {
    新建: { to: "未上传" },
    未上传: { to: "不变" },
    审核失败: { to: "不变" },
    审核成功: R("INFO_FORM_EDIT_STATUS"),
    已开票: R("INFO_FORM_EDIT_STATUS"),
    已撤销: R("INFO_FORM_REVOKED_TERMINAL"),
  },
  submit: {
    新建: { to: "按税局结果" },
    未上传: { to: "按税局结果" },
    审核失败: { to: "按税局结果" },
    审核成功: R("INFO_FORM_SUBMIT_STATUS"),
    已开票: R("INFO_FORM_SUBMIT_STATUS"),
    已撤销: R("INFO_FORM_REVOKED_TERMINAL"),
  },
  redFlush: {
    新建: R("INFO_FORM_NOT_APPROVED"),
    未上传: R("INFO_FORM_NOT_APPROVED"),
    审核失败: R("INFO_FORM_NOT_APPROVED"),
    审核成功: { to: "已开票", guards: ["formNoPresent", "sellerIsCurrentOrg"] },
    已开票: R("INFO_FORM_ALREADY_RED_FLUSHED"),
    已撤销: R("INFO_FORM_REVOKED_TERMINAL"),
  },
  revoke: {
    新建: R("INFO_FORM_REVOKE_NOT_APPROVED"),
    未上传: R("INFO_FORM_REVOKE_NOT_APPROVED"),
    审核失败: R("INFO_FORM_REVOKE_NOT_APPROVED"),
    审核成功: { to: "已撤销", secondConfirmation: true },
    已开票: R("INFO_FORM_ALREADY_INVOICED"),
    已撤销: R("INFO_FORM_REVOKED_TERMINAL"),
  },
  delete: {
    新建: { to: "删除" },
    未上传: { to: "删除" },
    审核失败: { to: "删除" },
    审核成功: R("INFO_FORM_APPROVED_NOT_DELETABLE"),
    已开票: R("INFO_FORM_INVOICED_NOT_DELETABLE"),
    已撤销: R("INFO_FORM_REVOKED_TERMINAL"),
  },
  rollback: {
    新建: { to: "按回退规则", guards: ["linkedToApplication"] },
    未上传: { to: "按回退规则", guards: ["linkedToApplication"] },
    审核失败: { to: "按回退规则", guards: ["linkedToApplication"] },
    审核成功: { to: "按回退规则", guards: ["linkedToApplication"] },
    已开票: R("INFO_FORM_ROLLBACK_INVOICED"),
    已撤销: { to: "按回退规则", guards: ["linkedToApplication"] },
  },
};

/**
 * [INFERRED §3.5] What 退回开票申请单 does to the form itself: a form never uploaded (未上传, or
 * unsaved) is deleted — it only existed for that application; any other form has a bureau history
 * and is kept, unlinked.
 */
export function rollbackDeletesForm(state: InfoFormState): boolean {
  return state === "未上传" || state === "新建";
}

/** The 开票申请单's status change on rollback (§3.5: 已提交 → 未提交). */
export const ROLLBACK_APPLICATION_STATUS: {
  readonly from: ApplicationStatus;
  readonly to: ApplicationStatus;
} = {
  from: "已提交",
  to: "未提交",
};

export interface InfoFormDecision {
  /** The form after the action; null when it is removed. */
  readonly form: InfoForm | null;
  readonly deleted: boolean;
  /** 二次确认 required before committing (撤销). */
  readonly requiresSecondConfirmation: boolean;
  /** Set by rollback: the linked 开票申请单 and its status change. */
  readonly application?: {
    readonly no: string;
    readonly from: ApplicationStatus;
    readonly to: ApplicationStatus;
  };
}

export function infoFormState(form: InfoForm): InfoFormState {
  return form.status ?? "新建";
}

/**
 * The one reader of INFO_FORM_TRANSITIONS: the state's rule, then its guards in order, then the
 * new form. A refusal leaves the input form untouched (nothing here mutates).
 */
export function applyInfoFormAction(form: InfoForm, action: InfoFormAction): Result<InfoFormDecision> {
  const state = infoFormState(form);
  const rule = INFO_FORM_TRANSITIONS[action.type][state];
  if ("refuse" in rule) return fail(rule.refuse);
  for (const g of rule.guards ?? []) {
    const code = GUARDS[g](form, action);
    if (code) return fail(code);
  }
  const base = { deleted: false, requiresSecondConfirmation: rule.secondConfirmation === true };
  switch (rule.to) {
    case "删除":
      return ok({ ...base, form: null, deleted: true });
    case "不变":
      return ok({ ...base, form });
    case "按税局结果":
      return ok({ ...base, form: afterBureauAnswer(form, action) });
    case "按回退规则": {
      const application = { no: form.linkedApplication!.trim(), ...ROLLBACK_APPLICATION_STATUS };
      return rollbackDeletesForm(state)
        ? ok({ ...base, form: null, deleted: true, application })
        : ok({ ...base, form: { ...form, linkedApplication: null }, application });
    }
    default:
      return ok({ ...base, form: withStatus(form, rule.to, action) });
  }
}

function afterBureauAnswer(form: InfoForm, action: InfoFormAction): InfoForm {
  if (action.type !== "submit") throw new Error("按税局结果 is only reachable by submit");
  const b = action.bureau;
  return b.approved
    ? {
        ...form,
        status: "审核成功",
        formNo: b.formNo ?? null,
        bureauAuditDate: b.auditDate ?? null,
        failReason: null,
      }
    : { ...form, status: "审核失败", failReason: b.reason ?? null };
}

function withStatus(form: InfoForm, to: InfoFormStatus, action: InfoFormAction): InfoForm {
  if (action.type === "redFlush" && action.redInvoice) {
    return {
      ...form,
      status: to,
      redInvoiceCode: action.redInvoice.code ?? form.redInvoiceCode ?? null,
      redInvoiceNo: action.redInvoice.no ?? form.redInvoiceNo ?? null,
    };
  }
  return { ...form, status: to };
}

/** Whether the action is allowed in principle (no bureau answer needed): for enabling buttons. */
export function infoFormActionRefusal(form: InfoForm, action: InfoFormAction): Refusal | null {
  const r = applyInfoFormAction(form, action);
  return r.ok ? null : r.refusal;
}

// ── §3.7 Download scope ──────────────────────────────────────────────────────

export type DownloadScope = "本企业申请" | "其他企业申请";

/** “本企业申请” “其他企业申请”至少勾选一项. Returns the chosen scopes. */
export function checkDownloadScope(
  ownApplications: boolean,
  otherApplications: boolean
): Result<DownloadScope[]> {
  const scopes: DownloadScope[] = [];
  if (ownApplications) scopes.push("本企业申请");
  if (otherApplications) scopes.push("其他企业申请");
  return scopes.length === 0 ? fail("DOWNLOAD_SCOPE_REQUIRED") : ok(scopes);
}

/** What the scope rule needs to know of a form held by the bureau. */
export interface BureauInfoForm {
  /** 申请方: the seller or the buyer filed it. */
  readonly applicantRole: "销方" | "购方";
  readonly sellerTaxId: string;
  readonly buyerTaxId: string;
}

/**
 * Which scope a bureau form falls under for this enterprise (§3.7):
 * 本企业申请 — this enterprise filed it, as seller or as buyer;
 * 其他企业申请 — this enterprise is the seller and the buyer (having certified/deducted) filed it.
 * null — neither (the form does not concern this enterprise as the manual's scopes define them).
 */
export function downloadScopeOf(form: BureauInfoForm, orgTaxId: string): DownloadScope | null {
  const filer = form.applicantRole === "销方" ? form.sellerTaxId : form.buyerTaxId;
  if (sameTaxId(filer, orgTaxId)) return "本企业申请";
  if (form.applicantRole === "购方" && sameTaxId(form.sellerTaxId, orgTaxId)) return "其他企业申请";
  return null;
}

export function downloadCovers(
  scopes: readonly DownloadScope[],
  form: BureauInfoForm,
  orgTaxId: string
): boolean {
  const s = downloadScopeOf(form, orgTaxId);
  return s !== null && scopes.includes(s);
}

// ── §3.8 批量引入 row validation ──────────────────────────────────────────────

/** A row of the import template, already parsed (labels normalized, amounts as Dec, blanks null). */
export interface InfoFormImportRow {
  readonly applicant: InfoFormApplicant | null; // 申请方
  readonly invoiceType: InfoFormInvoiceType | null; // 发票类型
  readonly blueInvoiceCode: string | null; // 蓝票代码
  readonly blueInvoiceNo: string | null; // 蓝票号码
  readonly blueIssueDate: string | null; // 蓝票开票日期
  readonly buyerName: string | null; // 购方名称
  readonly buyerTaxId: string | null; // 购方税号
  readonly sellerName: string | null; // 销方名称
  readonly sellerTaxId: string | null; // 销方税号
  readonly redAmount: Dec | null; // 红冲金额 (不含税)
  readonly redTax: Dec | null; // 红冲税额
  /** 蓝票可红冲金额 when known (the blue invoice is usually not in the system, §3.8). */
  readonly reversibleAmount?: Dec | null;
}

/** Column names of the template, as the error sheet marks them. */
export const INFO_FORM_IMPORT_FIELDS = {
  applicant: "申请方",
  invoiceType: "发票类型",
  blueInvoiceCode: "蓝票代码",
  blueInvoiceNo: "蓝票号码",
  blueIssueDate: "蓝票开票日期",
  buyerName: "购方名称",
  buyerTaxId: "购方税号",
  sellerName: "销方名称",
  sellerTaxId: "销方税号",
  redAmount: "红冲金额",
  redTax: "红冲税额",
  reversibleAmount: "蓝票可红冲金额",
} as const satisfies Record<keyof InfoFormImportRow, string>;
export type InfoFormImportField = keyof InfoFormImportRow;

/**
 * [INFERRED §3.8] The template's red-font (mandatory) columns are only shown in an image; we require
 * what a form cannot be uploaded without: applicant, invoice type, both parties, amount and tax.
 * The blue-invoice columns depend on the applicant (REQUIRED_BLUE_FIELDS).
 */
export const INFO_FORM_IMPORT_ALWAYS_REQUIRED: readonly InfoFormImportField[] = [
  "applicant",
  "invoiceType",
  "buyerName",
  "buyerTaxId",
  "sellerName",
  "sellerTaxId",
  "redAmount",
  "redTax",
];

const BLUE_FIELD_KEY: Readonly<Record<InfoFormBlueField, InfoFormImportField>> = {
  蓝票代码: "blueInvoiceCode",
  蓝票号码: "blueInvoiceNo",
  蓝票开票日期: "blueIssueDate",
};

export interface ImportCellError {
  /** The row's key, to find the cell. */
  readonly field: InfoFormImportField;
  /** The column name as the template shows it. */
  readonly fieldLabel: string;
  readonly refusal: Refusal;
}

function isBlank(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "string" && v.trim() === "");
}

/** Every error of the row (not only the first), so the error workbook can mark each bad cell. */
export function validateImportRow(row: InfoFormImportRow): ImportCellError[] {
  const errors: ImportCellError[] = [];
  const add = (field: InfoFormImportField, r: Refusal): void => {
    errors.push({ field, fieldLabel: INFO_FORM_IMPORT_FIELDS[field], refusal: r });
  };
  for (const f of INFO_FORM_IMPORT_ALWAYS_REQUIRED) {
    if (isBlank(row[f])) add(f, refusal("FIELD_REQUIRED", { field: INFO_FORM_IMPORT_FIELDS[f] }));
  }
  if (row.applicant !== null) {
    for (const blue of REQUIRED_BLUE_FIELDS[row.applicant]) {
      const key = BLUE_FIELD_KEY[blue];
      if (isBlank(row[key])) {
        add(key, refusal("INFO_FORM_BLUE_FIELD_REQUIRED", { applicant: row.applicant, field: blue }));
      }
    }
  }
  if (row.redAmount !== null) {
    if (row.redAmount.isZero()) {
      add("redAmount", refusal("NON_POSITIVE", { field: INFO_FORM_IMPORT_FIELDS.redAmount }));
    } else if (row.reversibleAmount != null) {
      const r = validateRedAmount(row.reversibleAmount, row.redAmount);
      if (!r.ok) add("redAmount", r.refusal);
    }
  }
  return errors;
}
