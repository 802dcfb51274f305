/**
 * The buttons of the 红字确认单 page (domain-rules §4.3, §4.8, §4.9, §4.2 数据来源) as one data table
 * `action → guards → result`, read by `runConfirmFormAction`. Pure: a refused action returns the
 * refusal(s) and no form, so the caller's form is untouched; an allowed one returns a new form.
 */
import type { AuditStatus, Channel, DataSource, EntryStatus, FormInvoiceStatus, Role } from "../labels";
import { Refusal, refusal } from "../refusals";
import { ConfirmForm } from "./form";
import { redFlushPartyRefusal } from "./identity";
import {
  ConfirmStatus,
  ConfirmStatusCode,
  isInvoiceableConfirmStatus,
  isValidConfirmStatus,
  isVoidConfirmStatus,
} from "./status";

export const CONFIRM_FORM_ACTIONS = [
  "enter", // 录入
  "confirm", // 确认
  "reject", // 拒绝
  "revoke", // 撤销
  "redFlush", // 红冲
  "rollback", // 回退
  "delete", // 删除
  "linkToApplication", // 关联开票申请单
] as const;
export type ConfirmFormAction = (typeof CONFIRM_FORM_ACTIONS)[number];

/** How a form gets linked to an application (§4.2 数据来源). */
export const LINK_PATHS = ["开票申请单直接关联", "负数开票申请单自动匹配", "数电工作台手工指定"] as const;
export type LinkPath = (typeof LINK_PATHS)[number];
export function isLinkPath(s: unknown): s is LinkPath {
  return typeof s === "string" && (LINK_PATHS as readonly string[]).includes(s);
}

/** What the bureau says about a 录入失败 form when re-queried by 流水号 (§4.8). */
export interface EntryRequery {
  readonly entryStatus: EntryStatus;
  readonly confirmStatus: ConfirmStatus | null;
}

/** Facts from outside the form that some actions need. */
export interface ActionContext {
  /** The bureau's time of the operation (`yyyy-MM-dd HH:mm:ss`), stored as 录入日期/确认日期 when given. */
  readonly now?: string;
  /** 数电开票通道 of the enterprise; decides whether rollback re-queries a 录入失败 form. Default RPA. */
  readonly channel?: Channel;
  /** Result of re-querying a 录入失败 form (RPA); absent = not queried, the stored status is used. */
  readonly requery?: EntryRequery | null;
  /** For linkToApplication. */
  readonly linkPath?: LinkPath;
}

export interface ActionEffects {
  /** 确认日期 is set by this action (confirm). */
  readonly confirmDateSet?: boolean;
  /** The form is removed (rollback of a not-entered form, delete). */
  readonly deleted?: boolean;
  /** Rollback: the link to the upstream 开票申请单 is removed … */
  readonly unlinkedFromApplication?: boolean;
  /** … and the application's status is written back so it can push a new form. */
  readonly applicationWrittenBack?: boolean;
  /** Rollback of a 录入失败 form: what the re-query updated the form to. */
  readonly statusUpdatedTo?: EntryRequery;
}

export type ActionOutcome =
  | {
      readonly ok: true;
      readonly action: ConfirmFormAction;
      /** The form after the action; null when it is deleted. */
      readonly form: ConfirmForm | null;
      readonly effects: ActionEffects;
    }
  | {
      readonly ok: false;
      readonly action: ConfirmFormAction;
      /** The first failing condition (what a single-code surface shows). */
      readonly refusal: Refusal;
      /** Every failing condition for rollback/delete (the manual lists them as one set); else just one. */
      readonly refusals: readonly Refusal[];
      /** Revoke refused by the last-operator rule: the party that may revoke. */
      readonly onlyParty?: Role;
      /**
       * Rollback: the re-query is an observation of the bureau, not part of the refused action —
       * the caller should store this state even though the rollback was refused.
       */
      readonly statusUpdatedTo?: EntryRequery;
    };

type Guard = (form: ConfirmForm, ctx: ActionContext) => Refusal | null;

interface ActionRule {
  /** Report every failing guard (rollback, delete: §7 "set of all failing conditions") or stop at the first. */
  readonly reportAll: boolean;
  /** An observation applied before the guards (rollback's re-query of a 录入失败 form). */
  readonly refresh?: (form: ConfirmForm, ctx: ActionContext) => ConfirmForm;
  readonly guards: readonly Guard[];
  readonly result: (
    form: ConfirmForm,
    ctx: ActionContext
  ) => { form: ConfirmForm | null; effects: ActionEffects };
}

// ── Transition data ────────────────────────────────────────────────────────────────────────────

/**
 * 录入 result by who enters and whether the buyer confirmed usage (§4.3, [INFERRED from field 6]).
 * A missing cell is a refusal: the buyer can only enter after its own usage confirmation.
 */
export const ENTRY_RESULT: Readonly<
  Record<Role, Readonly<Record<"usageConfirmed" | "usageNotConfirmed", ConfirmStatusCode | null>>>
> = {
  销方: { usageNotConfirmed: "01", usageConfirmed: "02" },
  购方: { usageNotConfirmed: null, usageConfirmed: "03" },
};

/** 录入 is possible from these 录入状态 (§4.3). */
export const ENTERABLE_ENTRY_STATUSES: readonly EntryStatus[] = ["未录入", "录入失败"];

/**
 * [INFERRED §4.2] 录入 only once approval is through (or not needed); one line to change if the
 * approval flow should let 暂存/已提交 forms go to the bureau.
 */
export const ENTERABLE_AUDIT_STATUSES: readonly AuditStatus[] = ["已审核", "无需审批"];

/** A pending form awaits this party (§4.3 确认/拒绝). */
export const AWAITING_PARTY: Readonly<Partial<Record<ConfirmStatusCode, Role>>> = {
  "02": "购方",
  "03": "销方",
};

export const CONFIRM_RESULT: Readonly<Partial<Record<ConfirmStatusCode, ConfirmStatusCode>>> = {
  "02": "04",
  "03": "04",
};
export const REJECT_RESULT: Readonly<Partial<Record<ConfirmStatusCode, ConfirmStatusCode>>> = {
  "02": "05",
  "03": "06",
};

/** [AMBIGUOUS → §9 A12] the manual only says 撤销后作废: before confirmation → 08, after → 09. */
export const REVOKE_RESULT: Readonly<Partial<Record<ConfirmStatusCode, ConfirmStatusCode>>> = {
  "01": "08",
  "02": "08",
  "03": "08",
  "04": "09",
};

/**
 * Who may revoke — only the last operator (§4.3, manual button 3 rules 1–5). 01/02 are always seller
 * entries and 03 a buyer entry, so only 04 needs 录入方身份.
 */
export const REVOKE_PARTY_TABLE: readonly {
  readonly confirmStatus: ConfirmStatusCode;
  readonly entrantRole: Role;
  readonly onlyParty: Role;
}[] = [
  { confirmStatus: "01", entrantRole: "销方", onlyParty: "销方" }, // buyer did no 勾选/入账
  { confirmStatus: "02", entrantRole: "销方", onlyParty: "销方" }, // buyer has not confirmed yet
  { confirmStatus: "03", entrantRole: "购方", onlyParty: "购方" }, // seller has not confirmed yet
  { confirmStatus: "04", entrantRole: "销方", onlyParty: "购方" }, // buyer confirmed last
  { confirmStatus: "04", entrantRole: "购方", onlyParty: "销方" }, // seller confirmed last
];

/** The party that may revoke a form, or null when it cannot be told (04 without 录入方身份, invalid status). */
export function revokingParty(form: Pick<ConfirmForm, "confirmStatus" | "entrantRole">): Role | null {
  const rows = REVOKE_PARTY_TABLE.filter((r) => r.confirmStatus === form.confirmStatus);
  if (rows.length === 1) return rows[0].onlyParty;
  return rows.find((r) => r.entrantRole === form.entrantRole)?.onlyParty ?? null;
}

export const RED_FLUSHABLE_ENTRY_STATUS: EntryStatus = "录入成功";
export const INVOICED: FormInvoiceStatus = "已开票";

/** §4.8 condition 1 and the sources §4.9 sends to rollback instead of delete. */
export const APPLICATION_SOURCES: readonly DataSource[] = ["匹配结果推送", "单据开票"];
/** §4.8 condition 2. */
export const ROLLBACK_INVOICE_STATUSES: readonly FormInvoiceStatus[] = ["未开票", "开票失败"];
/** §4.9 condition 2. */
export const DELETABLE_AUDIT_STATUSES: readonly AuditStatus[] = ["暂存", "无需审批"];
/** §4.9 condition 4. */
export const DELETABLE_SOURCES: readonly DataSource[] = ["手工新增", "税局下载", "API接口"];

/** §4.2 数据来源 after linking, per path; applied at link time (§9 A11). */
export const DATA_SOURCE_AFTER_LINK: Readonly<Record<LinkPath, DataSource>> = {
  开票申请单直接关联: "单据开票",
  负数开票申请单自动匹配: "匹配结果推送",
  数电工作台手工指定: "匹配结果推送",
};
/** Only these sources change on linking; a form already coming from an application keeps its source [INFERRED §4.2]. */
export const SOURCES_CHANGED_BY_LINK: readonly DataSource[] = DELETABLE_SOURCES;

export function dataSourceAfterLink(dataSource: DataSource, linkPath: LinkPath): DataSource {
  return SOURCES_CHANGED_BY_LINK.includes(dataSource) ? DATA_SOURCE_AFTER_LINK[linkPath] : dataSource;
}

/** [INFERRED §4.8] Only 乐企 cannot re-query a 录入失败 form; RPA (and any other channel) re-queries. */
export function channelCanRequeryEntry(channel: Channel): boolean {
  return channel !== "乐企";
}
export const DEFAULT_CHANNEL: Channel = "RPA";

// ── Guards ─────────────────────────────────────────────────────────────────────────────────────

const entrantOf = (form: ConfirmForm): Role => form.entrantRole ?? form.myRole;

const pendingOnUs: Guard = (f) =>
  f.confirmStatus !== null && AWAITING_PARTY[f.confirmStatus as ConfirmStatusCode] === f.myRole
    ? null
    : refusal("NOT_PENDING_OUR_CONFIRMATION");

const notInvoiced =
  (code: "REVOKE_ALREADY_INVOICED" | "ALREADY_INVOICED"): Guard =>
  (f) =>
    f.invoiceStatus === INVOICED ? refusal(code) : null;

const canEnterEntryStatus: Guard = (f) =>
  ENTERABLE_ENTRY_STATUSES.includes(f.entryStatus) ? null : refusal("ENTRY_ALREADY_ENTERED");

function rollbackEntryOk(f: ConfirmForm): boolean {
  if (f.entryStatus === "未录入" || f.entryStatus === "录入失败") return true;
  return f.entryStatus === "录入成功" && isVoidConfirmStatus(f.confirmStatus);
}

function deleteEntryOk(f: ConfirmForm): boolean {
  if (f.entryStatus === "未录入" || f.entryStatus === "录入失败") return true;
  // 已录入未开票 (数据来源为税局下载): the literal 未开票, not 开票失败.
  return f.entryStatus === "录入成功" && f.invoiceStatus === "未开票" && f.dataSource === "税局下载";
}

// ── The table ──────────────────────────────────────────────────────────────────────────────────

const unchangedEffects: ActionEffects = {};

export const CONFIRM_FORM_RULES: Readonly<Record<ConfirmFormAction, ActionRule>> = {
  enter: {
    reportAll: false,
    guards: [
      canEnterEntryStatus,
      (f) => (ENTERABLE_AUDIT_STATUSES.includes(f.auditStatus) ? null : refusal("ENTRY_AUDIT_STATUS")),
      (f) =>
        ENTRY_RESULT[entrantOf(f)][f.buyerUsageConfirmed ? "usageConfirmed" : "usageNotConfirmed"] === null
          ? refusal("BUYER_ENTRY_NEEDS_USAGE_CONFIRMED")
          : null,
    ],
    result: (f, ctx) => {
      const entrant = entrantOf(f);
      const status = ENTRY_RESULT[entrant][f.buyerUsageConfirmed ? "usageConfirmed" : "usageNotConfirmed"];
      return {
        form: {
          ...f,
          entryStatus: "录入成功",
          confirmStatus: status,
          entrantRole: entrant,
          entryDate: ctx.now ?? f.entryDate ?? null,
          confirmDate: null,
        },
        effects: unchangedEffects,
      };
    },
  },
  confirm: {
    reportAll: false,
    guards: [pendingOnUs],
    result: (f, ctx) => ({
      form: {
        ...f,
        confirmStatus: CONFIRM_RESULT[f.confirmStatus as ConfirmStatusCode] as ConfirmStatusCode,
        confirmDate: ctx.now ?? f.confirmDate ?? null,
      },
      effects: { confirmDateSet: true },
    }),
  },
  reject: {
    reportAll: false,
    guards: [pendingOnUs],
    result: (f) => ({
      form: { ...f, confirmStatus: REJECT_RESULT[f.confirmStatus as ConfirmStatusCode] as ConfirmStatusCode },
      effects: unchangedEffects,
    }),
  },
  revoke: {
    reportAll: false,
    guards: [
      (f) => (isValidConfirmStatus(f.confirmStatus) ? null : refusal("REVOKE_NOT_VALID_STATUS")),
      notInvoiced("REVOKE_ALREADY_INVOICED"),
      (f) => {
        const party = revokingParty(f);
        if (party === null) return refusal("REVOKE_ENTRANT_UNKNOWN");
        return party === f.myRole ? null : refusal("REVOKE_WRONG_PARTY", { party });
      },
    ],
    result: (f) => ({
      form: { ...f, confirmStatus: REVOKE_RESULT[f.confirmStatus as ConfirmStatusCode] as ConfirmStatusCode },
      effects: unchangedEffects,
    }),
  },
  redFlush: {
    reportAll: false,
    guards: [
      (f) => (f.entryStatus === RED_FLUSHABLE_ENTRY_STATUS ? null : refusal("NOT_ENTERED")),
      (f) => (isInvoiceableConfirmStatus(f.confirmStatus) ? null : refusal("NOT_INVOICEABLE_STATUS")),
      notInvoiced("ALREADY_INVOICED"),
      // The seller red-flushes (the buyer only downloads the number); a 收购票 flips it (identity.ts).
      (f) => redFlushPartyRefusal(f.myRole, f.isPurchaseInvoice === true),
    ],
    result: (f) => ({ form: { ...f, invoiceStatus: INVOICED }, effects: unchangedEffects }),
  },
  rollback: {
    reportAll: true,
    refresh: (f, ctx) =>
      f.entryStatus === "录入失败" && ctx.requery && channelCanRequeryEntry(ctx.channel ?? DEFAULT_CHANNEL)
        ? { ...f, entryStatus: ctx.requery.entryStatus, confirmStatus: ctx.requery.confirmStatus }
        : f,
    guards: [
      (f) => (APPLICATION_SOURCES.includes(f.dataSource) ? null : refusal("ROLLBACK_SOURCE_NOT_ALLOWED")),
      (f) =>
        ROLLBACK_INVOICE_STATUSES.includes(f.invoiceStatus) ? null : refusal("ROLLBACK_INVOICE_STATUS"),
      (f) => (rollbackEntryOk(f) ? null : refusal("ROLLBACK_ENTRY_STATUS")),
    ],
    result: (f) => {
      // 未录入 / 录入失败 → deleted; 已录入 + 作废 → kept. Either way the application link is undone.
      const deleted = f.entryStatus !== "录入成功";
      return {
        form: deleted ? null : { ...f },
        effects: { deleted, unlinkedFromApplication: true, applicationWrittenBack: true },
      };
    },
  },
  delete: {
    reportAll: true,
    guards: [
      (f) => (deleteEntryOk(f) ? null : refusal("DELETE_ENTRY_STATUS")),
      (f) => (DELETABLE_AUDIT_STATUSES.includes(f.auditStatus) ? null : refusal("DELETE_AUDIT_STATUS")),
      (f) => (f.allocated ? refusal("DELETE_ALLOCATED") : null),
      (f) => (DELETABLE_SOURCES.includes(f.dataSource) ? null : refusal("DELETE_SOURCE_USE_ROLLBACK")),
    ],
    result: () => ({ form: null, effects: { deleted: true } }),
  },
  linkToApplication: {
    reportAll: false,
    guards: [],
    result: (f, ctx) => {
      if (!ctx.linkPath) throw new TypeError("linkToApplication needs ctx.linkPath");
      return {
        form: { ...f, dataSource: dataSourceAfterLink(f.dataSource, ctx.linkPath) },
        effects: unchangedEffects,
      };
    },
  },
};

/** The one function that reads the table. */
export function runConfirmFormAction(
  action: ConfirmFormAction,
  form: ConfirmForm,
  ctx: ActionContext = {}
): ActionOutcome {
  const rule = CONFIRM_FORM_RULES[action];
  const seen = rule.refresh ? rule.refresh(form, ctx) : form;
  const statusUpdatedTo: EntryRequery | undefined =
    seen === form ? undefined : { entryStatus: seen.entryStatus, confirmStatus: seen.confirmStatus };

  const refusals: Refusal[] = [];
  for (const guard of rule.guards) {
    const r = guard(seen, ctx);
    if (r) {
      refusals.push(r);
      if (!rule.reportAll) break;
    }
  }
  if (refusals.length > 0) {
    const first = refusals[0];
    const onlyParty =
      first.code === "REVOKE_WRONG_PARTY" || first.code === "RCF_RED_FLUSH_WRONG_PARTY"
        ? (first.params?.party as Role | undefined)
        : undefined;
    return {
      ok: false,
      action,
      refusal: first,
      refusals,
      ...(onlyParty ? { onlyParty } : {}),
      ...(statusUpdatedTo ? { statusUpdatedTo } : {}),
    };
  }
  const { form: after, effects } = rule.result(seen, ctx);
  return {
    ok: true,
    action,
    form: after,
    effects: statusUpdatedTo ? { ...effects, statusUpdatedTo } : effects,
  };
}

/** Convenience wrappers: one per button, typed for what each needs. */
export const enterForm = (form: ConfirmForm, ctx: Pick<ActionContext, "now"> = {}) =>
  runConfirmFormAction("enter", form, ctx);
export const confirmFormByUs = (form: ConfirmForm, ctx: Pick<ActionContext, "now"> = {}) =>
  runConfirmFormAction("confirm", form, ctx);
export const rejectForm = (form: ConfirmForm) => runConfirmFormAction("reject", form);
export const revokeForm = (form: ConfirmForm) => runConfirmFormAction("revoke", form);
export const redFlushForm = (form: ConfirmForm) => runConfirmFormAction("redFlush", form);
export const rollbackForm = (form: ConfirmForm, ctx: Pick<ActionContext, "channel" | "requery"> = {}) =>
  runConfirmFormAction("rollback", form, ctx);
export const deleteForm = (form: ConfirmForm) => runConfirmFormAction("delete", form);
export const linkFormToApplication = (form: ConfirmForm, linkPath: LinkPath) =>
  runConfirmFormAction("linkToApplication", form, { linkPath });

/**
 * Which buttons are enabled for a form (task pane, sheet status column). Rollback is judged on the
 * stored status; a 录入失败 form may still change after the RPA re-query.
 */
export function availableActions(form: ConfirmForm): Readonly<Record<ConfirmFormAction, boolean>> {
  const out = {} as Record<ConfirmFormAction, boolean>;
  for (const a of CONFIRM_FORM_ACTIONS) {
    out[a] = a === "linkToApplication" ? true : runConfirmFormAction(a, form).ok;
  }
  return out;
}

/** Where the red invoice is written back after 红冲 (§4.3 Red-flush write-back). */
export type WriteBackTarget = "负数开票申请单" | "开票申请单" | null;
export function redFlushWriteBackTarget(
  linkedNegativeApplication: boolean,
  blueHasPositiveApplication: boolean
): WriteBackTarget {
  if (linkedNegativeApplication) return "负数开票申请单";
  return blueHasPositiveApplication ? "开票申请单" : null;
}
