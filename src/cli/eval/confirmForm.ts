/**
 * `hongchong eval` kinds of module 002 — 红字确认单 (shared/spec/eval-contract.md). Thin adapters:
 * read the contract's inputs, call src/domain/confirmForm, print the contract's outputs.
 */
import {
  ActionContext,
  ActionOutcome,
  ConfirmForm,
  ConfirmFormAction,
  CONFIRM_FORM_DEFAULTS,
  DEFAULT_CHANNEL,
  EDITABLE_FIELDS,
  callbackDecision,
  calcRedLine,
  confirmDeadline,
  Contacts,
  deliveryContact,
  downloadMerge,
  entryQuantityCheck,
  EntryRequery,
  formatRedLine,
  isInvoiceableConfirmStatus,
  isLinkPath,
  leqiRerun,
  LINK_PATHS,
  parseConfirmStatus,
  purchaseInvoiceIdentity,
  RED_LINE_FIELDS,
  RedLineField,
  runConfirmFormAction,
} from "../../domain/confirmForm";
import {
  AuditStatus,
  Channel,
  DataSource,
  EntryStatus,
  FormInvoiceStatus,
  RedReason,
  Role,
  TaxMode,
} from "../../domain/labels";
import { formatQty } from "../../domain/money";
import {
  bool,
  dec,
  decList,
  EvalHandlers,
  EvalInputError,
  EvalOutput,
  int,
  label,
  obj,
  optDec,
  optLabel,
  optObj,
  optStr,
  str,
} from "./types";

type Obj = Record<string, unknown>;

function confirmStatusOf(o: Obj, key: string): string | null {
  const v = o[key];
  if (v === undefined || v === null || v === "") return null;
  if (typeof v !== "string")
    throw new EvalInputError(
      `${key} 须为状态代码字符串（"01"…"10"）或 null`,
      `${key} must be a status code string ("01"…"10") or null`
    );
  const r = parseConfirmStatus(v);
  if (!r.ok) throw new EvalInputError(`${key}：${r.refusal.message}`, `${key}: ${r.refusal.message}`);
  return r.value;
}

function optRole(o: Obj, key: string): Role | null {
  return o[key] === undefined || o[key] === null ? null : label(o, key, Role);
}

/** The shared `form` object of the rcf.* kinds; missing optional fields take their defaults. */
export function readConfirmForm(inputs: Obj): ConfirmForm {
  const f = obj(inputs, "form");
  const d = CONFIRM_FORM_DEFAULTS;
  return {
    entryStatus: optLabel(f, "entryStatus", EntryStatus, d.entryStatus),
    confirmStatus: confirmStatusOf(f, "confirmStatus"),
    invoiceStatus: optLabel(f, "invoiceStatus", FormInvoiceStatus, d.invoiceStatus),
    entrantRole: optRole(f, "entrantRole"),
    myRole: optLabel(f, "myRole", Role, d.myRole),
    dataSource: optLabel(f, "dataSource", DataSource, d.dataSource),
    auditStatus: optLabel(f, "auditStatus", AuditStatus, d.auditStatus),
    allocated: bool(f, "allocated", d.allocated),
    buyerUsageConfirmed: bool(f, "buyerUsageConfirmed", d.buyerUsageConfirmed),
    entryDate: optStr(f, "entryDate"),
    confirmDate: optStr(f, "confirmDate"),
  };
}

/** Single-code refusal output. */
function refusedOne(out: Extract<ActionOutcome, { ok: false }>): EvalOutput {
  return { allowed: false, refused: out.refusal.code, message: out.refusal.message };
}

/** "All failing conditions" refusal output (rollback, delete). */
function refusedAll(out: Extract<ActionOutcome, { ok: false }>): EvalOutput {
  return {
    allowed: false,
    refused: out.refusals.map((r) => r.code),
    message: out.refusals.map((r) => r.message).join(""),
  };
}

function act(action: ConfirmFormAction, inputs: Obj, ctx: ActionContext = {}): ActionOutcome {
  return runConfirmFormAction(action, readConfirmForm(inputs), ctx);
}

function requeryOf(inputs: Obj): EntryRequery | null {
  const r = optObj(inputs, "requeryResult");
  if (!r) return null;
  return {
    entryStatus: label(r, "entryStatus", EntryStatus),
    confirmStatus: confirmStatusOf(r, "confirmStatus"),
  };
}

function contactsOf(o: Obj | null): Contacts | null {
  return o ? { email: optStr(o, "email"), phone: optStr(o, "phone") } : null;
}

export const confirmFormHandlers: EvalHandlers = {
  calcRedLine(inputs) {
    const remaining = obj(inputs, "remaining");
    const edit = obj(inputs, "edit");
    const field = str(edit, "field");
    if (!(RED_LINE_FIELDS as readonly string[]).includes(field)) {
      throw new EvalInputError(
        `edit.field 须为 ${RED_LINE_FIELDS.join("、")} 之一`,
        `edit.field must be one of ${RED_LINE_FIELDS.join(", ")}`
      );
    }
    const reason = label(inputs, "reason", RedReason);
    const r = calcRedLine({
      reason,
      taxMode: label(inputs, "taxMode", TaxMode),
      taxCode: optStr(inputs, "taxCode"),
      taxRate: dec(inputs, "taxRate"),
      // Only when the input states it: without the key the code-only reading stands (EX-06/07).
      ...("privilegeType" in inputs ? { privilegeType: optStr(inputs, "privilegeType") } : {}),
      hasDiscountLine: bool(inputs, "hasDiscountLine", false),
      remaining: {
        amount: dec(remaining, "amount"),
        tax: dec(remaining, "tax"),
        quantity: optDec(remaining, "quantity"),
        unitPrice: optDec(remaining, "unitPrice"),
      },
      edit: { field: field as RedLineField, value: dec(edit, "value") },
    });
    if (!r.ok) return { refused: r.refusal.code, message: r.refusal.message };
    const line = formatRedLine(r.value);
    const out: EvalOutput = { amount: line.amount, tax: line.tax, amountInclTax: line.amountInclTax };
    // 数量 and 单价 are reported for the reasons whose editable fields include 数量 (销售退回 / 服务终止).
    if (EDITABLE_FIELDS[reason].includes("quantity")) {
      out.quantity = line.quantity;
      out.unitPrice = line.unitPrice;
    }
    return out;
  },

  "rcf.enter"(inputs) {
    const out = act("enter", inputs);
    if (!out.ok) return refusedOne(out);
    const f = out.form as ConfirmForm;
    return {
      allowed: true,
      entryStatus: f.entryStatus,
      confirmStatus: f.confirmStatus,
      confirmDate: f.confirmDate ?? null,
    };
  },

  "rcf.confirm"(inputs) {
    const out = act("confirm", inputs);
    if (!out.ok) return refusedOne(out);
    const f = out.form as ConfirmForm;
    return {
      allowed: true,
      confirmStatus: f.confirmStatus,
      confirmDateSet: out.effects.confirmDateSet === true,
      invoiceable: isInvoiceableConfirmStatus(f.confirmStatus),
    };
  },

  "rcf.reject"(inputs) {
    const out = act("reject", inputs);
    if (!out.ok) return refusedOne(out);
    const f = out.form as ConfirmForm;
    return {
      allowed: true,
      confirmStatus: f.confirmStatus,
      invoiceable: isInvoiceableConfirmStatus(f.confirmStatus),
    };
  },

  "rcf.revoke"(inputs) {
    const out = act("revoke", inputs);
    if (!out.ok) return out.onlyParty ? { ...refusedOne(out), onlyParty: out.onlyParty } : refusedOne(out);
    return { allowed: true, confirmStatus: (out.form as ConfirmForm).confirmStatus };
  },

  "rcf.redFlush"(inputs) {
    const out = act("redFlush", inputs);
    if (!out.ok) return refusedOne(out);
    return { allowed: true, invoiceStatus: (out.form as ConfirmForm).invoiceStatus };
  },

  "rcf.rollback"(inputs) {
    const out = act("rollback", inputs, {
      channel: optLabel(inputs, "channel", Channel, DEFAULT_CHANNEL),
      requery: requeryOf(inputs),
    });
    if (!out.ok) {
      const res = refusedAll(out);
      return out.statusUpdatedTo ? { ...res, statusUpdatedTo: out.statusUpdatedTo } : res;
    }
    const e = out.effects;
    return {
      allowed: true,
      deleted: e.deleted === true,
      unlinkedFromApplication: e.unlinkedFromApplication === true,
      applicationWrittenBack: e.applicationWrittenBack === true,
      ...(e.statusUpdatedTo ? { statusUpdatedTo: e.statusUpdatedTo } : {}),
    };
  },

  "rcf.delete"(inputs) {
    const out = act("delete", inputs);
    return out.ok ? { allowed: true, deleted: true } : refusedAll(out);
  },

  "rcf.linkToApplication"(inputs) {
    const dataSource = label(inputs, "dataSource", DataSource);
    const linkPath = inputs.linkPath;
    if (!isLinkPath(linkPath))
      throw new EvalInputError(
        `linkPath 须为 ${LINK_PATHS.join("、")} 之一`,
        `linkPath must be one of ${LINK_PATHS.join(", ")}`
      );
    const out = runConfirmFormAction(
      "linkToApplication",
      { ...CONFIRM_FORM_DEFAULTS, dataSource },
      { linkPath }
    );
    return { dataSource: out.ok ? (out.form as ConfirmForm).dataSource : dataSource };
  },

  "rcf.downloadMerge"(inputs) {
    const r = downloadMerge({
      existing: bool(inputs, "existing"),
      myRole: label(inputs, "myRole", Role),
      bothPartiesInCloud: bool(inputs, "bothPartiesInCloud", false),
      bureauInvoiced: bool(inputs, "bureauInvoiced", false),
    });
    return r.action === "INSERT"
      ? { action: r.action }
      : { action: r.action, updatedFields: [...r.updatedFields] };
  },

  entryQuantityCheck(inputs) {
    const rows =
      inputs.matchRowQuantities === undefined || inputs.matchRowQuantities === null
        ? null
        : decList(inputs, "matchRowQuantities");
    const r = entryQuantityCheck({
      dataSource: label(inputs, "dataSource", DataSource),
      formQuantity: dec(inputs, "formQuantity"),
      remainingQuantity: dec(inputs, "remainingQuantity"),
      matchRowQuantities: rows,
    });
    const out: EvalOutput = { allowed: r.allowed, diff: formatQty(r.diff) };
    if (r.refusal) {
      out.refused = r.refusal.code;
      out.message = r.refusal.message;
    }
    if (r.branch) out.branch = r.branch;
    if (r.finalQty) out.finalQty = formatQty(r.finalQty);
    if (r.updatedMatchRows) {
      out.updatedMatchRows = r.updatedMatchRows.map((q) => formatQty(q));
      out.updatedRowIndex = r.updatedRowIndex;
    }
    return out;
  },

  callbackDecision(inputs) {
    const v = inputs.red_not_callback;
    if (v !== undefined && v !== null && typeof v !== "string" && typeof v !== "number") {
      throw new EvalInputError("red_not_callback 须为字符串", "red_not_callback must be a string");
    }
    return {
      callback: callbackDecision({
        redNotCallback: v === undefined || v === null ? null : String(v),
        dataSource: label(inputs, "dataSource", DataSource),
        linkedNegativeApplication: bool(inputs, "linkedNegativeApplication", false),
        blueHasPositiveApplication: bool(inputs, "blueHasPositiveApplication", false),
      }),
    };
  },

  deliveryContact(inputs) {
    const form = optObj(inputs, "form");
    const r = deliveryContact(contactsOf(optObj(inputs, "application")), contactsOf(form));
    return { from: r.from, email: r.email, phone: r.phone };
  },

  purchaseInvoiceIdentity(inputs) {
    const r = purchaseInvoiceIdentity(bool(inputs, "isPurchaseInvoice"), label(inputs, "selectedRole", Role));
    return { formRole: r.formRole, enterpriseTypeShows: r.enterpriseTypeShows };
  },

  confirmDeadline(inputs) {
    const r = confirmDeadline(str(inputs, "entryDate"), str(inputs, "now"));
    if (!r.ok) throw new EvalInputError(r.refusal.message, r.refusal.message);
    return { deadline: r.value.deadline, overdue: r.value.overdue };
  },

  leqiRerun(inputs) {
    const r = leqiRerun(label(inputs, "channel", Channel), int(inputs, "detailLinesInRange"));
    return r.autoRerun ? { autoRerun: true, intervalSeconds: r.intervalSeconds } : { autoRerun: false };
  },
};
