/**
 * Sending the valid documents of an import to the invoice cloud (--submit). The importer only knows
 * `Submitter`; `gatewaySubmitter` implements it with src/gateway's client (2.2.04 红字信息表申请,
 * 2.1.03 红字确认单生成, 4.02 进项发票表头归集), tests use a fake.
 */
import type { GatewayClient, GatewayResult } from "../../gateway/client";
import type { RedConfirmBillApplyLine, RedInfoFormLine } from "../../gateway/payloads";
import { INFO_FORM_APPLY_TYPE_CODES, identityCode } from "../../gateway/assumptions";
import { InfoFormApplicant, InfoFormInvoiceType } from "../../domain/labels";
import { Dec, formatAmount, formatQty } from "../../domain/money";
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

/** No answer came back: the result is unknown, the 流水号 must be re-sent as is (§1.7). */
const UNKNOWN_RESULT_CODES: ReadonlySet<string> = new Set(["GW_TIMEOUT", "GW_NETWORK"]);

function outcomeOfFailure(serialNo: string, r: { refusal: Refusal }): SubmitOutcome {
  return UNKNOWN_RESULT_CODES.has(r.refusal.code)
    ? { serialNo, kind: "pending", refusal: r.refusal }
    : { serialNo, kind: "failure", refusal: r.refusal };
}

const str = (v: ParsedValue | undefined): string | undefined =>
  v === null || v === undefined ? undefined : v instanceof Dec ? v.toFixed() : String(v);
const dec = (v: ParsedValue | undefined): Dec | undefined => (v instanceof Dec ? v : undefined);

/** 税控 invoiceType of a 红字信息表 (piaozone-api §1.8): 004 paper special, 028 e-special. */
const INFO_FORM_INVOICE_TYPE_CODE: Readonly<Record<InfoFormInvoiceType, "004" | "028">> = {
  增值税纸质专用发票: "004",
  增值税电子专用发票: "028",
};

async function submitInfoForm(client: SubmitClient, unit: SubmitUnit): Promise<SubmitOutcome> {
  const head = unit.rows[0].parsed.values;
  const applicant = InfoFormApplicant.normalize(head.applicant) ?? "销方申请";
  const invoiceType = InfoFormInvoiceType.normalize(head.invoiceType) ?? "增值税纸质专用发票";
  const lines: RedInfoFormLine[] = unit.rows.map(({ parsed: { values: v } }) => ({
    goodsName: str(v.goodsName) ?? "",
    revenueCode: str(v.taxCode) ?? "",
    amount: dec(v.redAmount) ?? new Dec(0),
    taxRate: str(v.taxRate) ?? "",
    taxAmount: dec(v.redTax) ?? new Dec(0),
    ...(dec(v.quantity) ? { quantity: dec(v.quantity)! } : {}),
    ...(dec(v.unitPrice) ? { price: dec(v.unitPrice)! } : {}),
    ...(str(v.unit) ? { units: str(v.unit)! } : {}),
    ...(str(v.spec) ? { specification: str(v.spec)! } : {}),
  }));
  const r = await client.applyRedInfoForm({
    serialNo: unit.serialNo,
    sellerTaxpayerId: str(head.sellerTaxId) ?? "",
    applyType: INFO_FORM_APPLY_TYPE_CODES[applicant],
    ...(str(head.blueInvoiceCode) ? { originalInvoiceCode: str(head.blueInvoiceCode)! } : {}),
    ...(str(head.blueInvoiceNo) ? { originalInvoiceNumber: str(head.blueInvoiceNo)! } : {}),
    ...(str(head.blueIssueDate) ? { originalIssueTime: str(head.blueIssueDate)! } : {}),
    invoiceType: INFO_FORM_INVOICE_TYPE_CODE[invoiceType],
    buyerName: str(head.buyerName) ?? "",
    buyerTaxpayerId: str(head.buyerTaxId) ?? "",
    invoiceDetail: lines,
  });
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
  const head = unit.rows[0].parsed.values;
  const reason = client.reasonCode(str(head.redReason) ?? "", "2.1.03");
  if (reason === undefined) {
    return {
      serialNo: unit.serialNo,
      kind: "failure",
      refusal: refusal("BAD_ENUM", {
        field: "红冲原因",
        value: str(head.redReason) ?? "",
        allowed: "开票有误、销售折让、销售退回、服务终止",
      }),
    };
  }
  // Rows with an amount are the lines of a partial reversal; none means a full one (no invoiceDetail).
  const lines: RedConfirmBillApplyLine[] = unit.rows
    .map((r) => r.parsed.values)
    .filter((v) => dec(v.amount) !== undefined)
    .map((v) => ({
      ...(typeof v.lineNo === "number" ? { originalSeq: v.lineNo } : {}),
      ...(str(v.goodsName) ? { goodsName: str(v.goodsName)! } : {}),
      ...(str(v.taxCode) ? { revenueCode: str(v.taxCode)! } : {}),
      ...(str(v.spec) ? { specification: str(v.spec)! } : {}),
      ...(str(v.unit) ? { units: str(v.unit)! } : {}),
      ...(dec(v.quantity) ? { quantity: formatQty(dec(v.quantity)!) } : {}),
      ...(dec(v.unitPrice) ? { price: formatQty(dec(v.unitPrice)!) } : {}),
      amount: formatAmount(dec(v.amount)!),
      ...(dec(v.taxRate) ? { taxRate: dec(v.taxRate)!.toFixed() } : {}),
      ...(dec(v.taxAmount) ? { taxAmount: formatAmount(dec(v.taxAmount)!) } : {}),
    }));
  const identity = str(head.myRole) ? identityCode(str(head.myRole)!) : undefined;
  const r = await client.applyRedConfirmBill({
    orderNo: unit.serialNo,
    ...(str(head.blueInvoiceCode) ? { invoiceCode: str(head.blueInvoiceCode)! } : {}),
    invoiceNo: str(head.blueInvoiceNumber) ?? "",
    redReason: reason,
    ...(lines.length ? { invoiceDetail: lines } : {}),
    ...(identity ? { enteridentity: identity } : {}),
  });
  if (!r.ok) return outcomeOfFailure(unit.serialNo, r);
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
