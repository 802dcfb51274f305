/**
 * `hongchong eval` kinds of module 003 — 进项发票关键要素同步 (eval-contract.md; domain-rules §5).
 */
import {
  chinaCalendarDay,
  flightTotalRuleApplies,
  inputDownloadPrecheck,
  mergePlan,
  INPUT_INVOICE_FIELD_LABELS,
  STATUS_FIELDS_UPDATED_WHEN_VERIFIED,
} from "../../domain/inputSync";
import { EnterpriseNature } from "../../domain/labels";
import { refusedOutput } from "./redFlush";
import { bool, EvalHandlers, EvalInputError, label, str } from "./types";

export const inputSyncHandlers: EvalHandlers = {
  inputDownloadPrecheck(inputs) {
    const surface = inputs.surface === undefined ? "UI" : str(inputs, "surface");
    if (surface !== "UI" && surface !== "API")
      throw new EvalInputError("surface 须为 UI 或 API", "surface must be UI or API");
    const r = inputDownloadPrecheck({
      channel: str(inputs, "channel"),
      enterpriseNature: label(inputs, "enterpriseNature", EnterpriseNature),
      deductionCheckData: bool(inputs, "deductionCheckData"),
      surface,
    });
    return r.ok
      ? { allowed: true, taskCreated: true }
      : { allowed: false, ...refusedOutput(r.refusal), taskCreated: false };
  },

  inputInvoiceMerge(inputs) {
    const exists = bool(inputs, "existsInPool");
    const verified = exists && bool(inputs, "verified", false);
    const plan = mergePlan(exists, verified);
    if (!exists)
      return { action: plan.action, callVerificationApi: plan.callVerificationApi, verifyStatus: "未验" };
    if (verified) {
      return {
        action: plan.action,
        callVerificationApi: plan.callVerificationApi,
        updatesInclude: STATUS_FIELDS_UPDATED_WHEN_VERIFIED.map((f) => INPUT_INVOICE_FIELD_LABELS[f]),
        otherFieldsOverwritten: false,
      };
    }
    return {
      action: plan.action,
      callVerificationApi: plan.callVerificationApi,
      verifyStatus: "未验",
      otherFieldsOverwritten: true,
    };
  },

  flightTotalRuleApplies(inputs) {
    const invoiceType = str(inputs, "invoiceType");
    const issueDate = str(inputs, "issueDate");
    if (chinaCalendarDay(issueDate) === undefined) {
      throw new EvalInputError(
        `issueDate 须为日期（yyyy-MM-dd[ HH:mm:ss]），收到 ${JSON.stringify(issueDate)}`,
        `issueDate must be a date (yyyy-MM-dd[ HH:mm:ss]), got ${JSON.stringify(issueDate)}`
      );
    }
    return { applies: flightTotalRuleApplies(invoiceType, issueDate) };
  },
};
