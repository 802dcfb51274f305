/**
 * Sending the valid documents of an import to the invoice cloud (--submit). The importer only knows
 * `Submitter`; `gatewaySubmitter` implements it with src/gateway's client (2.2.04 红字信息表申请,
 * 2.1.03 红字确认单生成, 4.02 进项发票表头归集), tests use a fake. The 2.2.04 / 2.1.03 requests are
 * built by the domain planners (src/domain/plan/infoForm.ts, confirmForm.ts): this module only
 * hands them the wire codes, sends what they built and maps the answers onto outcomes.
 */
import type { GatewayClient, GatewayResult } from "../../gateway/client";
import { applyTypeCode, identityCode, infoFormInvoiceTypeCode } from "../../gateway/codes";
import { planConfirmForms, type ConfirmFormWireCodes } from "../../domain/plan/confirmForm";
import { planInfoForms, type InfoFormWireCodes } from "../../domain/plan/infoForm";
import { Dec } from "../../domain/money";
import { refusal, type Refusal } from "../../domain/refusals";
import type { ParsedValue } from "../mapping";
import type { TemplateKind } from "./kinds";
import { DEFAULT_SUBMIT_BATCH } from "./limits";
import type { SubmitOutcome, SubmitUnit } from "./plan";

export interface Submitter {
  /** One outcome per unit, by 流水号. Never throws for a cloud refusal: that is an outcome. */
  submit(kind: TemplateKind, units: readonly SubmitUnit[]): Promise<SubmitOutcome[]>;
}

/** Sends `units` in batches; `afterBatch` runs after each (the importer saves the file there). */
export async function submitInBatches(
  submitter: Submitter,
  kind: TemplateKind,
  units: readonly SubmitUnit[],
  afterBatch: (outcomes: readonly SubmitOutcome[]) => Promise<void>,
  batchSize = DEFAULT_SUBMIT_BATCH
): Promise<SubmitOutcome[]> {
  const all: SubmitOutcome[] = [];
  for (let i = 0; i < units.length; i += batchSize) {
    const outcomes = await submitter.submit(kind, units.slice(i, i + batchSize));
    all.push(...outcomes);
    await afterBatch(all);
  }
  return all;
}

/** The client calls the submitter needs (a fake implements just these). */
export type SubmitClient = Pick<
  GatewayClient,
  "applyRedInfoForm" | "applyRedConfirmBill" | "startInputCollection" | "reasonCode"
>;

/**
 * No answer came back: the result is unknown, the 流水号 must be re-sent as is (§1.7). A serial the
 * cloud already holds (10127, a re-run of a file already submitted) is not a failure of the row
 * either: what it made stands, and the row says to look it up by that 流水号 (the message does).
 */
const UNKNOWN_RESULT_CODES: ReadonlySet<string> = new Set([
  "GW_TIMEOUT",
  "GW_NETWORK",
  "GW_DUPLICATE_SERIAL",
]);

/** `lineRows`: the rows of the request's invoiceDetail when not every row made a line (plan.ts). */
function outcomeOfFailure(
  serialNo: string,
  r: { refusal: Refusal },
  lineRows?: readonly number[]
): SubmitOutcome {
  return UNKNOWN_RESULT_CODES.has(r.refusal.code)
    ? { serialNo, kind: "pending", refusal: r.refusal }
    : { serialNo, kind: "failure", refusal: r.refusal, ...(lineRows ? { lineRows } : {}) };
}

const str = (v: ParsedValue | undefined): string | undefined =>
  v === null || v === undefined ? undefined : v instanceof Dec ? v.toFixed() : String(v);

/** The planners' rows of a unit (valid rows: the import sends only documents whose rows all passed). */
const draftRows = (unit: SubmitUnit) =>
  unit.rows.map((r) => ({ rowIndex: r.rowIndex, values: r.parsed.values, cellErrors: [] }));

/** Wire codes of 2.2.04 (src/gateway/codes), handed to the domain planner. */
export const INFO_FORM_WIRE_CODES: InfoFormWireCodes = {
  applyType: applyTypeCode,
  invoiceType: infoFormInvoiceTypeCode,
};

/** Wire codes of 2.1.03: the client's red-reason mapping (configuration) and the identity table. */
export function confirmFormWireCodes(client: Pick<SubmitClient, "reasonCode">): ConfirmFormWireCodes {
  return {
    reasonCode: (reason) => client.reasonCode(reason, "2.1.03"),
    identityCode: (role) => identityCode(role),
  };
}

/** The one document of a unit as the planner plans it (the importer grouped by the same key). */
function plannedInfoForm(unit: SubmitUnit) {
  const plan = planInfoForms(draftRows(unit), {}, { codes: INFO_FORM_WIRE_CODES });
  return plan.documents.length === 1 ? plan.documents[0] : null;
}

async function submitInfoForm(client: SubmitClient, unit: SubmitUnit): Promise<SubmitOutcome> {
  const doc = plannedInfoForm(unit);
  if (!doc?.request) throw new Error(`submitInfoForm: unit ${unit.serialNo} was not a valid form`);
  const r = await client.applyRedInfoForm({ serialNo: unit.serialNo, ...doc.request });
  if (!r.ok) return outcomeOfFailure(unit.serialNo, r);
  const d = r.data;
  if (d.status === "审核失败") {
    return {
      serialNo: unit.serialNo,
      kind: "failure",
      refusal: refusal("GW_BUSINESS_ERROR", { message: d.failReason ?? d.status }),
      status: d.status,
    };
  }
  return {
    serialNo: unit.serialNo,
    kind: "success",
    ...(d.redInfoBillNo ? { number: d.redInfoBillNo } : {}),
    status: d.status,
  };
}

async function submitConfirmForm(client: SubmitClient, unit: SubmitUnit): Promise<SubmitOutcome> {
  const plan = planConfirmForms(draftRows(unit), { codes: confirmFormWireCodes(client) });
  const doc = plan.documents.length === 1 ? plan.documents[0] : null;
  if (!doc?.request) {
    // The grid ran the same checks; a refusal here means the client's reason mapping differs.
    const first = plan.rows.flatMap((v) => v.cells)[0];
    return {
      serialNo: unit.serialNo,
      kind: "failure",
      refusal: first?.refusal ?? refusal("FIELD_REQUIRED", { field: "红冲原因" }),
    };
  }
  // Rows with an amount are the lines of a partial reversal; none means a full one (no invoiceDetail).
  const lineRows = unit.rows.filter((r) => r.parsed.values.amount instanceof Dec);
  const r = await client.applyRedConfirmBill({ orderNo: unit.serialNo, ...doc.request });
  if (!r.ok)
    return outcomeOfFailure(
      unit.serialNo,
      r,
      lineRows.map((row) => row.rowIndex)
    );
  // 002 特别提示: the bureau answered with a 红字信息表 (a buyer's entry for a 税控 blue).
  if (r.data.yields === "红字信息表")
    return { serialNo: unit.serialNo, kind: "success", number: r.data.redInfoBillNo, status: r.data.notice };
  return {
    serialNo: unit.serialNo,
    kind: "success",
    number: r.data.redInfoBillNo,
    status: r.data.redConfirmBillStatus,
  };
}

async function submitInputDownload(client: SubmitClient, unit: SubmitUnit): Promise<SubmitOutcome> {
  const v = unit.rows[0].parsed.values;
  const r: GatewayResult<{ taskNo: string }> = await client.startInputCollection({
    taxNo: str(v.orgTaxId) ?? "",
    startDate: str(v.startDate) ?? "",
    endDate: str(v.endDate) ?? "",
    ...(str(v.billKind) ? { billKind: str(v.billKind)! } : {}),
    ...(str(v.invoiceType) ? { invoiceType: str(v.invoiceType)! } : {}),
    ...(str(v.deductionStatus) ? { deductionStatus: str(v.deductionStatus)! } : {}),
    ...(str(v.invoiceStatus) ? { invoiceStatus: str(v.invoiceStatus)! } : {}),
  });
  if (!r.ok) return outcomeOfFailure(unit.serialNo, r);
  // §4.10 download status labels: the task now runs in the cloud.
  return { serialNo: unit.serialNo, kind: "success", number: r.data.taskNo, status: "进行中" };
}

const SENDERS: Partial<Record<TemplateKind, (c: SubmitClient, u: SubmitUnit) => Promise<SubmitOutcome>>> = {
  "info-form-import": submitInfoForm,
  "confirm-form-drafts": submitConfirmForm,
  "input-download": submitInputDownload,
};

export function canSubmit(kind: TemplateKind): boolean {
  return SENDERS[kind] !== undefined;
}

/**
 * The gateway-backed submitter. Units of a batch go out concurrently (the client retries transport
 * failures itself, with the same body and so the same 流水号).
 */
export function gatewaySubmitter(client: SubmitClient): Submitter {
  return {
    async submit(kind, units) {
      const send = SENDERS[kind];
      if (!send) {
        return units.map((u) => ({
          serialNo: u.serialNo,
          kind: "failure" as const,
          refusal: refusal("FILE_SUBMIT_NOT_SUPPORTED", { kind }),
        }));
      }
      return Promise.all(units.map((u) => send(client, u)));
    },
  };
}
