/**
 * `hongchong eval` kinds of module 001 — 红字信息表 (eval-contract.md; domain-rules §3).
 * Thin adapters over src/domain/infoForm: every state change goes through applyInfoFormAction.
 */
import {
  applyInfoFormAction,
  checkDownloadScope,
  InfoForm,
  InfoFormAction,
  InfoFormDecision,
  requiredBlueFields,
  validateRedAmount,
} from "../../domain/infoForm";
import { InfoFormApplicant, InfoFormStatus } from "../../domain/labels";
import { Result } from "../../domain/refusals";
import { refusedOutput } from "./redFlush";
import {
  arr,
  bool,
  dec,
  decList,
  EvalHandlers,
  EvalInputError,
  EvalOutput,
  label,
  obj,
  optStr,
  str,
} from "./types";

type Obj = Record<string, unknown>;

/** The `form` input: `status` (null or absent = a new, unsaved form) and the fields a kind reads. */
function readForm(inputs: Obj): InfoForm {
  const f = obj(inputs, "form");
  const status = f.status === undefined || f.status === null ? null : label(f, "status", InfoFormStatus);
  return {
    status,
    formNo: optStr(f, "formNo"),
    sellerTaxId: optStr(f, "sellerTaxId"),
    linkedApplication: optStr(f, "linkedApplication"),
  };
}

function run(inputs: Obj, action: InfoFormAction, onOk: (d: InfoFormDecision) => EvalOutput): EvalOutput {
  const r: Result<InfoFormDecision> = applyInfoFormAction(readForm(inputs), action);
  return r.ok ? { allowed: true, ...onOk(r.value) } : { allowed: false, ...refusedOutput(r.refusal) };
}

export const infoFormHandlers: EvalHandlers = {
  "infoForm.requiredBlueFields"(inputs) {
    const applicants = arr(inputs, "applicants").map((a, i) =>
      label({ [`applicants[${i}]`]: a }, `applicants[${i}]`, InfoFormApplicant)
    );
    return { required: applicants.map((a) => [...requiredBlueFields(a)]) };
  },

  "infoForm.validateRedAmount"(inputs) {
    const reversible = dec(inputs, "reversibleAmount");
    return {
      results: decList(inputs, "redAmounts").map((amount) => {
        const r = validateRedAmount(reversible, amount);
        return r.ok ? { allowed: true } : { allowed: false, ...refusedOutput(r.refusal) };
      }),
    };
  },

  "infoForm.submit"(inputs) {
    const b = obj(inputs, "bureauResult");
    const approved = bool(b, "approved");
    const action: InfoFormAction = {
      type: "submit",
      bureau: approved
        ? { approved: true, formNo: optStr(b, "formNo"), auditDate: optStr(b, "auditDate") }
        : { approved: false, reason: optStr(b, "reason") },
    };
    return run(inputs, action, (d) => ({
      status: d.form?.status,
      ...(d.form?.status === "审核失败" ? { failReason: d.form.failReason ?? null } : {}),
      ...(d.form?.formNo ? { formNo: d.form.formNo } : {}),
    }));
  },

  "infoForm.redFlush"(inputs) {
    return run(inputs, { type: "redFlush", orgTaxId: str(inputs, "orgTaxId") }, (d) => ({
      status: d.form?.status,
    }));
  },

  "infoForm.revoke"(inputs) {
    return run(inputs, { type: "revoke" }, (d) => ({
      requiresSecondConfirmation: d.requiresSecondConfirmation,
      status: d.form?.status,
    }));
  },

  "infoForm.delete"(inputs) {
    return run(inputs, { type: "delete" }, (d) => ({ deleted: d.deleted }));
  },

  "infoForm.rollback"(inputs) {
    const f = obj(inputs, "form");
    if (
      f.linkedApplication !== undefined &&
      f.linkedApplication !== null &&
      typeof f.linkedApplication !== "string"
    ) {
      throw new EvalInputError(
        "form.linkedApplication 须为开票申请单号（字符串）或 null",
        "form.linkedApplication must be an application number (string) or null"
      );
    }
    return run(inputs, { type: "rollback" }, (d) => ({
      applicationStatus: d.application ? { from: d.application.from, to: d.application.to } : null,
      formDeleted: d.deleted,
      linkRemoved: true,
      ...(d.form ? { status: d.form.status } : {}),
    }));
  },

  "infoForm.downloadScope"(inputs) {
    const r = checkDownloadScope(bool(inputs, "本企业申请", false), bool(inputs, "其他企业申请", false));
    return r.ok ? { allowed: true, scopes: r.value } : { allowed: false, ...refusedOutput(r.refusal) };
  },
};
