/**
 * Module 003 — 进项发票关键要素同步 (input-invoice key-element sync; domain-rules §5).
 *
 * Download precheck (乐企, small-scale taxpayers), the merge of a downloaded invoice into the
 * 全票池, the status vocabulary of Golden Tax III vs IV, and the 数电 flight-ticket
 * totalTaxInclAmount rule — whose formula the manual shows only as an image, so it is injected
 * and by default reports "not computed" rather than inventing a value.
 */
import { FLIGHT_TOTAL_POOL_NOTE, FLIGHT_TOTAL_RULE_FROM } from "./inferred";
import {
  Channel,
  DeductionStatus,
  EnterpriseNature,
  InputInvoiceStatus,
  SelectStatus,
  VerifyStatus,
} from "./labels";
import { Amount, Dec, round2HalfUp } from "./money";
import { fail, ok, Refusal, Result } from "./refusals";

// ── Download precheck ────────────────────────────────────────────────────────

/** Where the download is requested: the 下载发票 button, or the 4.02 进项发票表头归集 API. */
export type DownloadSurface = "UI" | "API";

export interface DownloadRequest {
  /** Channel of the org; any other string is a channel this rule has nothing against. */
  readonly channel: Channel | (string & {});
  /** 企业性质 of the org's 上查税号 in base data. */
  readonly enterpriseNature: EnterpriseNature;
  /** Whether 抵扣类勾选 data is being downloaded. */
  readonly deductionCheckData: boolean;
  readonly surface?: DownloadSurface;
}

/**
 * 乐企 first (the whole function is unavailable there), then the small-scale rule: a 小规模纳税人
 * cannot download 抵扣类勾选 data. The UI and the 4.02 API word the refusal differently; the API
 * creates no task. Allowed → a download task is created (results in 数据同步日志查询).
 */
export function inputDownloadPrecheck(req: DownloadRequest): Result<{ taskCreated: true }> {
  if (Channel.normalize(req.channel) === "乐企") return fail("LEQI_NOT_SUPPORTED");
  if (req.enterpriseNature === "小规模纳税人" && req.deductionCheckData) {
    return fail(req.surface === "API" ? "SMALL_SCALE_NO_DEDUCTION_API" : "SMALL_SCALE_NO_DEDUCTION_DOWNLOAD");
  }
  return ok({ taskCreated: true });
}

// ── Status vocabulary ────────────────────────────────────────────────────────

/**
 * 红冲 as each system reports it (§5): Golden Tax III's 增值税发票管理系统 only says 红冲; Golden Tax
 * IV's 电子税局 says 部分红冲 / 全额红冲.
 */
export const RED_FLUSH_STATUSES_BY_SYSTEM = {
  金税三期: ["红冲"],
  金税四期: ["部分红冲", "全额红冲"],
} as const satisfies Record<string, readonly InputInvoiceStatus[]>;

/**
 * 发票状态 the bureau reports to the buyer for an invoice (§5): 作废 stays 作废; a 数电 invoice whose
 * 红字确认单 awaits confirmation (02/03) is 红字发票待确认; a reversed invoice is 红冲 under Golden Tax III
 * (税控, no full/partial split) or 部分红冲 / 全额红冲 under Golden Tax IV; otherwise 正常 (作废中 is the
 * seller's pending state, still 正常 at the bureau).
 * [INFERRED §5] A partly reversed invoice with another form awaiting confirmation shows 红字发票待确认:
 * it is the state the buyer has to act on within 72 hours, and the manual defines it by that form alone.
 */
export function bureauInputStatus(input: {
  readonly system: keyof typeof RED_FLUSH_STATUSES_BY_SYSTEM;
  readonly blueStatus: string;
  readonly awaitingConfirmation: boolean;
}): InputInvoiceStatus {
  if (input.blueStatus === "作废") return "作废";
  if (input.system === "金税四期" && input.awaitingConfirmation) return "红字发票待确认";
  if (input.blueStatus === "部分红冲" || input.blueStatus === "全额红冲") {
    return input.system === "金税三期" ? RED_FLUSH_STATUSES_BY_SYSTEM.金税三期[0] : input.blueStatus;
  }
  return "正常";
}

/** Whether the invoice has been reversed at all, whichever system reported it. */
export function isRedFlushed(status: InputInvoiceStatus): boolean {
  return status === "红冲" || status === "部分红冲" || status === "全额红冲";
}

/** How much was reversed: 部分 / 全额 (Golden Tax IV), 未区分 (Golden Tax III's 红冲), or null. */
export function redFlushExtent(status: InputInvoiceStatus): "部分" | "全额" | "未区分" | null {
  switch (status) {
    case "部分红冲":
      return "部分";
    case "全额红冲":
      return "全额";
    case "红冲":
      return "未区分";
    default:
      return null;
  }
}

// ── Invoice types named by the manual ────────────────────────────────────────

/** 发票类型 codes for the two types the V2.0 manual adds ([EXT] §10). */
export const FLIGHT_TICKET_TYPE_CODE = "61";
export const TOLL_INVOICE_TYPE_CODE = "59";
export const FLIGHT_TICKET_TYPE_LABEL = "数电发票（航空运输电子客票行程单）";
export const TOLL_INVOICE_TYPE_LABEL = "数电发票（通行费发票）";
/** The bureau's own names of type 61 (电子税局 files, 4.03 invoiceTypeName): the same flight ticket. */
export const FLIGHT_TICKET_BUREAU_LABELS: readonly string[] = [
  "电子发票（航空运输电子客票行程单）",
  "航空运输电子客票行程单",
];

/** V2.0 (2025-11-22): 支持下载数电发票（通行费发票）. */
export const TOLL_INVOICES_DOWNLOADABLE = true;

function compactTypeLabel(s: string): string {
  return s
    .replace(/\s+/g, "")
    .replace(/\(/g, "（")
    .replace(/\)/g, "）")
    .replace(/^数电票（/, "数电发票（");
}

const FLIGHT_TICKET_LABELS = new Set(
  [FLIGHT_TICKET_TYPE_LABEL, ...FLIGHT_TICKET_BUREAU_LABELS].map(compactTypeLabel)
);

/** Code, our label or the bureau's (half-width brackets and the 数电票 spelling accepted) → 61? */
export function isFlightTicketType(invoiceType: string): boolean {
  const t = invoiceType.trim();
  return t === FLIGHT_TICKET_TYPE_CODE || FLIGHT_TICKET_LABELS.has(compactTypeLabel(t));
}

export function isTollInvoiceType(invoiceType: string): boolean {
  const t = invoiceType.trim();
  return t === TOLL_INVOICE_TYPE_CODE || compactTypeLabel(t) === TOLL_INVOICE_TYPE_LABEL;
}

// ── Flight tickets: totalTaxInclAmount (价税合计（电子税局）) ──────────────────────

const DATE_RE =
  /^(\d{4})[-/]?(\d{2})[-/]?(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * The China-time calendar day (yyyy-MM-dd) of a date or date-time, or undefined when it is not one.
 * Dates without an offset are already China time (the bureau's and the manuals' convention); an
 * explicit offset (Z, +00:00…) is converted to UTC+8, so 2025-07-27T16:30:00Z is 2025-07-28.
 */
export function chinaCalendarDay(s: string): string | undefined {
  const m = DATE_RE.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo, d, hh = "00", mm = "00", ss = "00", zone] = m;
  const fields = [Number(y), Number(mo) - 1, Number(d), Number(hh), Number(mm), Number(ss)] as const;
  const asUtc = Date.UTC(...fields);
  const back = new Date(asUtc);
  // Reject 2025-02-30, 25:00 and the like: Date.UTC silently rolls them over.
  if (
    back.getUTCFullYear() !== fields[0] ||
    back.getUTCMonth() !== fields[1] ||
    back.getUTCDate() !== fields[2] ||
    back.getUTCHours() !== fields[3] ||
    back.getUTCMinutes() !== fields[4]
  ) {
    return undefined;
  }
  let chinaMs = asUtc;
  if (zone !== undefined) {
    const offsetMin =
      zone === "Z"
        ? 0
        : (zone[0] === "-" ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
    chinaMs = asUtc - offsetMin * 60_000 + 8 * 60 * 60_000;
  }
  return new Date(chinaMs).toISOString().slice(0, 10);
}

/**
 * The totalTaxInclAmount rule applies to 数电 flight tickets (type 61) with 开票日期 on or after
 * 2025-07-28, China time (FLIGHT_TOTAL_RULE_FROM). Throws RangeError on a date that is not one:
 * callers validate dates at the edge; silently answering "no" would hide a bad cell.
 */
export function flightTotalRuleApplies(invoiceType: string, issueDate: string): boolean {
  const day = chinaCalendarDay(issueDate);
  if (day === undefined) throw new RangeError(`not a date: ${JSON.stringify(issueDate)}`);
  return isFlightTicketType(invoiceType) && day >= FLIGHT_TOTAL_RULE_FROM;
}

/** What a formula may read from a downloaded flight ticket (all amounts as downloaded, exact). */
export interface FlightTicket {
  readonly invoiceType: string;
  readonly issueDate: string;
  /** Any amounts the bureau gives (票价, 燃油附加费, 民航发展基金, 其他税费, 合计, 税额…), by name. */
  readonly amounts: Readonly<Record<string, Dec>>;
}

/** The pluggable rule: a value, or a refusal saying why it cannot be computed. */
export type FlightTotalFormula = (ticket: FlightTicket) => Result<Dec>;

/**
 * The default formula: the manual's rule is an image nobody has the text of (domain-rules §10 open
 * gap), so it computes nothing and says so. Replace it via `computeFlightTotalTaxIncl(…, formula)`.
 */
export const UNKNOWN_FLIGHT_TOTAL_FORMULA: FlightTotalFormula = () => fail("FLIGHT_TOTAL_RULE_UNKNOWN");

export type FlightTotal =
  { readonly applies: false } | { readonly applies: true; readonly computed: Result<Amount> };

/** totalTaxInclAmount for one ticket: not applicable, computed (2 dp half-up), or not computed + why. */
export function computeFlightTotalTaxIncl(
  ticket: FlightTicket,
  formula: FlightTotalFormula = UNKNOWN_FLIGHT_TOTAL_FORMULA
): FlightTotal {
  if (!isFlightTicketType(ticket.invoiceType)) return { applies: false };
  // A downloaded flight ticket without a readable 开票日期: whether the rule applies cannot be told,
  // so nothing is computed and the note says why (never a thrown error in the middle of a sync).
  if (chinaCalendarDay(ticket.issueDate) === undefined)
    return { applies: true, computed: fail("NOT_A_DATE", { field: "开票日期", value: ticket.issueDate }) };
  if (!flightTotalRuleApplies(ticket.invoiceType, ticket.issueDate)) return { applies: false };
  const r = formula(ticket);
  return { applies: true, computed: r.ok ? ok(round2HalfUp(r.value)) : r };
}

// ── Merge into the 全票池 ─────────────────────────────────────────────────────

/** The status fields the bureau syncs (§5 field list + 用途属期 from the 下载发票 button text). */
export interface InputInvoiceStatusFields {
  readonly invoiceStatus: InputInvoiceStatus; // 发票状态
  readonly usagePeriod: string | null; // 用途属期
  readonly selectStatus: SelectStatus | null; // 勾选状态
  readonly deductionStatus: DeductionStatus | null; // 抵扣状态
  readonly selectTime: string | null; // 勾选时间
  readonly certifyTime: string | null; // 认证时间
}

/** Key elements (关键要素): what identifies and values the invoice. */
export interface InputInvoiceKeyElements {
  readonly invoiceType: string; // 发票类型 (label or code)
  readonly invoiceCode: string | null; // 发票代码 (null for 数电)
  readonly invoiceNo: string; // 发票号码
  readonly issueDate: string; // 开票日期
  readonly sellerTaxId: string | null; // 销方税号
  readonly sellerName: string | null; // 销方名称
  readonly amountExclTax: Dec | null; // 金额
  readonly tax: Dec | null; // 税额
  readonly totalAmount: Dec | null; // 价税合计
  /** 价税合计（电子税局）: flight tickets dated ≥ 2025-07-28 only; null when not computed. */
  readonly totalTaxInclAmount?: Dec | null;
  /** Amounts of a flight ticket the formula may need, by name. */
  readonly flightAmounts?: Readonly<Record<string, Dec>>;
}

/** An invoice as the bureau sends it. */
export type DownloadedInvoice = InputInvoiceKeyElements & InputInvoiceStatusFields;

/** An invoice held in the 全票池. */
export type PoolInvoice = DownloadedInvoice & { readonly verifyStatus: VerifyStatus };

type FieldKey = keyof InputInvoiceStatusFields | Exclude<keyof InputInvoiceKeyElements, "flightAmounts">;

/** Field labels for the "what changed" sheet. */
export const INPUT_INVOICE_FIELD_LABELS: Readonly<Record<FieldKey, string>> = {
  invoiceStatus: "发票状态",
  usagePeriod: "用途属期",
  selectStatus: "勾选状态",
  deductionStatus: "抵扣状态",
  selectTime: "勾选时间",
  certifyTime: "认证时间",
  invoiceType: "发票类型",
  invoiceCode: "发票代码",
  invoiceNo: "发票号码",
  issueDate: "开票日期",
  sellerTaxId: "销方税号",
  sellerName: "销方名称",
  amountExclTax: "金额",
  tax: "税额",
  totalAmount: "价税合计",
  totalTaxInclAmount: "价税合计（电子税局）",
};

/**
 * [INFERRED §5] "只更新发票状态、用途属期等信息": the "等" is read as the bureau-synced status fields
 * of the field list (勾选状态, 抵扣状态, 勾选时间, 认证时间). Key elements of a verified invoice come
 * from 查验 and are never overwritten by a download.
 */
export const STATUS_FIELDS_UPDATED_WHEN_VERIFIED: readonly (keyof InputInvoiceStatusFields)[] = [
  "invoiceStatus",
  "usagePeriod",
  "selectStatus",
  "deductionStatus",
  "selectTime",
  "certifyTime",
];

const KEY_ELEMENT_FIELDS: readonly FieldKey[] = [
  "invoiceType",
  "invoiceCode",
  "invoiceNo",
  "issueDate",
  "sellerTaxId",
  "sellerName",
  "amountExclTax",
  "tax",
  "totalAmount",
  "totalTaxInclAmount",
];

export type MergeAction = "INSERT" | "UPDATE_STATUS" | "REPLACE_AND_VERIFY";

/**
 * The merge policy as data: (existsInPool, verified) → action. [INFERRED §5] an existing but
 * unverified invoice is refreshed from the download (it holds nothing more trustworthy) and verified.
 */
export const MERGE_POLICY: Readonly<
  Record<"new" | "unverified" | "verified", { action: MergeAction; callVerificationApi: boolean }>
> = {
  new: { action: "INSERT", callVerificationApi: true },
  unverified: { action: "REPLACE_AND_VERIFY", callVerificationApi: true },
  verified: { action: "UPDATE_STATUS", callVerificationApi: false },
};

export function mergePlan(
  existsInPool: boolean,
  verified: boolean
): (typeof MERGE_POLICY)[keyof typeof MERGE_POLICY] {
  return MERGE_POLICY[!existsInPool ? "new" : verified ? "verified" : "unverified"];
}

export type FieldValue = string | Dec | null | undefined;

export interface FieldChange {
  readonly field: FieldKey;
  /** Chinese label of the field. */
  readonly label: string;
  readonly from: FieldValue;
  readonly to: FieldValue;
}

export interface MergeOutcome {
  readonly action: MergeAction;
  /** The record to store. */
  readonly record: PoolInvoice;
  /** Call 查验 for this invoice. */
  readonly callVerificationApi: boolean;
  /** Fields whose value differs from the pool's (empty on INSERT: everything is new). */
  readonly changes: readonly FieldChange[];
  /** Why a derived field was left empty (e.g. FLIGHT_TOTAL_RULE_UNKNOWN). */
  readonly notes: readonly Refusal[];
  /** The 价税合计（电子税局） rule applies to this invoice (数电飞机票 dated ≥ 2025-07-28): flag the row. */
  readonly flightTotalRule?: boolean;
}

/**
 * The 提示 of a 进项发票池 row: for a flight ticket the rule applies to, FLIGHT_TOTAL_POOL_NOTE, followed
 * by why the value is still empty (the notes' messages); "" for any other invoice. The pane writes it
 * in the 提示 column; the sandbox's 4.03 items carry the same as `notes`.
 */
export function poolRowNote(outcome: Pick<MergeOutcome, "notes" | "flightTotalRule">): string {
  if (!outcome.flightTotalRule) return outcome.notes.map((n) => n.message).join("；");
  return [FLIGHT_TOTAL_POOL_NOTE, ...outcome.notes.map((n) => n.message)].join("；");
}

function sameValue(a: FieldValue, b: FieldValue): boolean {
  const na = a ?? null;
  const nb = b ?? null;
  if (na instanceof Dec || nb instanceof Dec) {
    return na instanceof Dec && nb instanceof Dec && na.eq(nb);
  }
  return na === nb;
}

function diff(from: PoolInvoice, to: PoolInvoice, fields: readonly FieldKey[]): FieldChange[] {
  return fields
    .filter((f) => !sameValue(from[f], to[f]))
    .map((f) => ({ field: f, label: INPUT_INVOICE_FIELD_LABELS[f], from: from[f], to: to[f] }));
}

/** The fields of STATUS_FIELDS_UPDATED_WHEN_VERIFIED, so that constant alone decides what is updated. */
function pickUpdatedStatusFields(d: InputInvoiceStatusFields): Partial<InputInvoiceStatusFields> {
  return Object.fromEntries(STATUS_FIELDS_UPDATED_WHEN_VERIFIED.map((f) => [f, d[f]]));
}

/**
 * Merge a downloaded invoice into the pool (first time → 未验 + 查验; verified → status fields only;
 * existing unverified → refreshed + 查验) and report every field that changed, old → new
 * (e.g. 发票状态 正常 → 部分红冲). totalTaxInclAmount is computed for flight tickets it applies to
 * with the injected formula; on a verified record it is only filled when empty, never overwritten.
 */
export function mergeDownloadedInvoice(
  existing: PoolInvoice | null,
  downloaded: DownloadedInvoice,
  formula: FlightTotalFormula = UNKNOWN_FLIGHT_TOTAL_FORMULA
): MergeOutcome {
  const plan = mergePlan(existing !== null, existing?.verifyStatus === "已验");
  const flight = computeFlightTotalTaxIncl(
    {
      invoiceType: downloaded.invoiceType,
      issueDate: downloaded.issueDate,
      amounts: downloaded.flightAmounts ?? {},
    },
    formula
  );
  const computedTotal = flight.applies && flight.computed.ok ? flight.computed.value : null;
  const downloadedTotal: Dec | null = computedTotal ?? downloaded.totalTaxInclAmount ?? null;

  let record: PoolInvoice;
  let changes: FieldChange[];
  if (existing === null || plan.action !== "UPDATE_STATUS") {
    record = { ...downloaded, totalTaxInclAmount: downloadedTotal, verifyStatus: "未验" };
    changes =
      existing === null
        ? []
        : diff(existing, record, [...STATUS_FIELDS_UPDATED_WHEN_VERIFIED, ...KEY_ELEMENT_FIELDS]);
  } else {
    record = {
      ...existing,
      ...pickUpdatedStatusFields(downloaded),
      totalTaxInclAmount: existing.totalTaxInclAmount ?? downloadedTotal,
    };
    changes = diff(existing, record, [...STATUS_FIELDS_UPDATED_WHEN_VERIFIED, "totalTaxInclAmount"]);
  }
  // Say why 价税合计（电子税局） is empty only when it applies and is still empty.
  const notes =
    flight.applies && !flight.computed.ok && (record.totalTaxInclAmount ?? null) === null
      ? [flight.computed.refusal]
      : [];
  return {
    action: plan.action,
    record,
    callVerificationApi: plan.callVerificationApi,
    changes,
    notes,
    flightTotalRule: flight.applies,
  };
}
