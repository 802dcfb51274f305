/**
 * The business payloads (`data`) of every interface the add-in uses, as piaozone-api.md §2–§3
 * documents them. Field names are the wire names, verbatim (including `originaldetailRowNo`,
 * `enteridentity`, `qrlx`). Per interface the doc's marks are repeated: SEEN / SEEN-EXAMPLE /
 * INFERRED; INFERRED shapes are our reading and may change with the real doc (see ASSUMPTIONS.md).
 *
 * Requests are not declared here: each is `WireOut<Static<typeof XxxData>>` of its wire schema in
 * src/gateway/schemas (one definition shared with the client's pre-send check and the sandbox's
 * validation); only the names are kept so callers read `RedInfoFormApplyRequest`.
 *
 * Number conventions:
 * - requests (`WireOut`): a decimal field (money, rate, quantity, price) takes `Dec` or `JsonDecimal`
 *   (a JSON number; money with exactly 2 decimals) or a decimal string; never a JS float. Integers
 *   (line index, page) are JS numbers.
 * - responses/callbacks (decoded with parseJsonExact): every JSON number arrives as its exact source
 *   text, typed `DecimalText`, so `0.10` stays "0.10" and a 20-digit number stays whole.
 */
import type { Dec } from "../domain/money";
import type { JsonDecimal } from "./json";
import type {
  ConfirmStatus,
  DigitalInvoiceTypeCode,
  PartyIdentityCode,
  TaxControlInvoiceTypeCode,
} from "./codes";
import type {
  BillLineWire,
  BlueInvoiceLineWire,
  BlueInvoiceOpenWire,
  InputCollectionQueryWire,
  InputCollectionStartWire,
  InvoiceQueryWire,
  RedConfirmBillApplyWire,
  RedConfirmBillConfirmWire,
  RedConfirmBillDownloadWire,
  RedConfirmBillQueryWire,
  RedConfirmBillRevokeWire,
  RedFlushDigitalWire,
  RedInfoFormApplyWire,
  RedInfoFormDownloadWire,
  RedInfoFormLineWire,
  TaxControlIssueItemWire,
  TaxControlQuickRedItemWire,
  TaxControlRedLineWire,
  TaxControlQuickRedWire,
  WireOut,
} from "./schemas";

/** A money value on a request: written as a JSON number with exactly 2 decimals. */
export type WireAmount = Dec | JsonDecimal;
/** A quantity / unit price on a request: written as a JSON number, digit for digit. */
export type WireDecimal = Dec | JsonDecimal;
/** A number read from a response: its exact JSON source text (e.g. "-106.00"), or a string value. */
export type DecimalText = string;

/** 数电 / 税控 invoiceType (§1.8): the code table is codes.ts's. */
export type DigitalInvoiceType = DigitalInvoiceTypeCode;
export type TaxControlInvoiceType = TaxControlInvoiceTypeCode;
/** lineProperty: 0 normal, 1 discount line, 2 discounted line. */
export type LineProperty = "0" | "1" | "2";
/** invoiceProperty: 0 blue, 1 red. */
export type InvoiceProperty = "0" | "1";
/** 录入方身份 / 购销身份: 0 seller, 1 buyer (assumptions A4, codes.ts). */
export type IdentityCode = PartyIdentityCode;
/** redConfirmBillStatus 01–10 (§1.8, the domain's table via codes.ts); unknown codes are kept verbatim. */
export type RedConfirmBillStatusCode = ConfirmStatus;

// ── 2.1.01 ALLE.INVOICE.OPEN 数电票蓝字发票开具 (request INFERRED from 2.1.02) ─────────────

export type BlueInvoiceLine = WireOut<BlueInvoiceLineWire>;
export type BlueInvoiceOpenRequest = WireOut<BlueInvoiceOpenWire>;
/** Response data: the accepted serialNo, plain (opaque) per the official example. */
export type BlueInvoiceOpenResult = string;

// ── 2.1.02 数电票回调 INVOICE.OPEN / INVOICE.RED (SEEN) ────────────────────────────────────

export type CallbackInterfaceCode = "INVOICE.OPEN" | "INVOICE.RED";

/** The body 发票云 POSTs to the registered callback URL; `data` encoded per §1.4. */
export interface InvoiceCallbackBody {
  readonly returnMsg: string;
  /** "0" success, "9999" failure. */
  readonly returnCode: string;
  readonly interfaceCode: CallbackInterfaceCode | string;
  readonly data: unknown;
}

export interface InvoiceCallbackLine {
  readonly seq: DecimalText;
  readonly detailRowNo: DecimalText;
  readonly lineProperty: string;
  readonly billSourceId: string;
  readonly goodsCode?: string;
  readonly goodsName: string;
  readonly revenueCode: string;
  readonly specification?: string;
  readonly units?: string;
  readonly quantity?: DecimalText;
  readonly price?: DecimalText;
  readonly amount: DecimalText;
  readonly taxRate: DecimalText;
  readonly taxAmount: DecimalText;
  readonly discountAmount?: DecimalText;
  readonly discountRate?: string;
  readonly privilegeType?: string;
}

export interface InvoiceCallbackData {
  readonly serialNo: string;
  /** 20-digit 数电 number: a string on the wire. */
  readonly invoiceNum: string;
  readonly invoiceProperty: string;
  readonly invoiceDate: string;
  readonly invoiceType: string;
  readonly includeTaxAmount: DecimalText;
  readonly sellerName: string;
  readonly sellerTaxpayerId: string;
  readonly sellerBank?: string;
  readonly sellerBankAccount?: string;
  readonly sellerAddress?: string;
  readonly sellerTel?: string;
  readonly naturalPersonFlag?: string;
  readonly buyerName: string;
  readonly buyerTaxpayerId?: string;
  readonly buyerBank?: string;
  readonly buyerBankAccount?: string;
  readonly buyerAddress?: string;
  readonly buyerTel?: string;
  readonly specialType?: string;
  readonly buyerRecipientPhone?: string;
  readonly buyerRecipientMail?: string;
  readonly remark?: string;
  readonly drawer: string;
  readonly deduction?: DecimalText;
  readonly deductionType?: string;
  readonly purchaseType?: string;
  readonly exportationType?: string;
  readonly vatTaxRefundType?: string;
  readonly originalInvoiceNumber?: string;
  readonly originalIssueTime?: string;
  readonly redInfoBillNo?: string;
  readonly govRedConfirmBillUuid?: string;
  readonly redConfirmBillStatus?: RedConfirmBillStatusCode;
  readonly agentUser?: string;
  readonly agentCardType?: string;
  readonly agentCardNo?: string;
  readonly agentCountry?: string;
  readonly agentTaxNo?: string;
  readonly invoiceFileUrl?: string;
  readonly xmlFileUrl?: string;
  readonly ofdFileUrl?: string;
  readonly invoiceDetail: readonly InvoiceCallbackLine[];
  readonly estateSaleInfo?: unknown;
  readonly estateLeaseInfo?: unknown;
  readonly buildInfo?: unknown;
  readonly travelerList?: unknown;
}

/** The reply a callback receiver must return, exactly (SEEN). */
export const CALLBACK_ACK = { message: "回调成功", errorCode: "0", success: true } as const;
export const CALLBACK_RETURN_CODES = { success: "0", failure: "9999" } as const;

// ── 2.1.03 REDCONFIRMBILL.APPLY 红字确认单生成 (request SEEN; response INFERRED) ─────────────

/** A line of a partial bill by originalSeq (or originaldetailRowNo); the doc types the numbers as strings. */
export type RedConfirmBillApplyLine = WireOut<BillLineWire>;

/**
 * invoiceNo: the blue invoice to reverse (要红冲的蓝票号); redReason "1".."4" on this interface
 * (assumptions A2/A3, reasonToCode(…, "2.1.03")); enteridentity: "I am the buyer" (我是购方) —
 * field name not in the stored table (assumptions A12), sent only when set.
 */
export type RedConfirmBillApplyRequest = WireOut<RedConfirmBillApplyWire>;

/** The confirmation bill's identity and state, as 2.1.03 / 2.1.04 / 2.1.13 / the callback name them. */
export interface RedConfirmBillState {
  readonly redInfoBillNo: string;
  readonly govRedConfirmBillUuid: string;
  readonly redConfirmBillStatus: RedConfirmBillStatusCode;
}
/**
 * The answer of 2.1.03: the bill's state, or — 002 特别提示: a buyer entering for a 税控 blue whose seller
 * is still on 税控 — a 红字信息表 (`yields`), with its number in `redInfoBillNo` and no bill status
 * (ASSUMPTIONS A23).
 */
export type RedConfirmBillApplyResult =
  | (RedConfirmBillState & { readonly yields?: undefined })
  | {
      readonly yields: "红字信息表";
      readonly redInfoBillNo: string;
      readonly notice: string;
      readonly status?: string;
      readonly govRedConfirmBillUuid?: undefined;
      readonly redConfirmBillStatus?: undefined;
    };

// ── 2.1.04 ALLE.INVOICE.RED 数电票红冲 (request SEEN-EXAMPLE; response INFERRED) ───────────

/** A red line: the blue line by originalSeq (or originaldetailRowNo, a string); negative quantity/amounts. */
export type RedFlushLine = WireOut<BillLineWire>;

/**
 * serialNo: the red invoice's new serial (persist it before sending); invoiceNum: the blue invoice
 * (20 digits); redReason "01".."04" (reasonToCode(…, "2.1.04")); invoiceDetail omitted for a full
 * reversal (required for 开票有误 and 差额征税).
 */
export type RedFlushDigitalRequest = WireOut<RedFlushDigitalWire>;

/**
 * What a 2.1.04 answer means (assumptions A11):
 * - accepted: the red invoice is being issued; its outcome comes by callback / 4.1.04 by serialNo;
 * - awaitingConfirmation: a bill was entered but needs the counterparty (02/03) or is otherwise not
 *   invoiceable; nothing was issued. Poll 2.1.13, then call again with the bill and a new serialNo.
 */
export type RedFlushOutcome =
  | { readonly kind: "accepted"; readonly serialNo: string; readonly bill?: RedConfirmBillState }
  | { readonly kind: "awaitingConfirmation"; readonly bill: RedConfirmBillState; readonly message: string };

// ── 2.1.08 REDCONFIRMBILL.REVOKE 红字确认单撤销 (request SEEN) ─────────────────────────────

/** taxNo: requester's tax id (请求方税号); number: bureau bill number (税局红字确认单单号); qrlx C. */
export type RedConfirmBillRevokeRequest = WireOut<RedConfirmBillRevokeWire>;

// ── 2.1.09 红字确认单确认或拒绝 (INFERRED, same shape as 2.1.08) ──────────────────────────

/** Same shape as 2.1.08; qrlx Y confirm, N reject (assumptions A5). */
export type RedConfirmBillConfirmRequest = WireOut<RedConfirmBillConfirmWire>;
export interface RedConfirmBillConfirmResult {
  readonly redConfirmBillStatus?: RedConfirmBillStatusCode;
}

// ── 2.1.13 ALLE.REDCONFIRMBILL.QUERY 红字确认单编号查询 (request SEEN; items partly SEEN) ─────

/** All optional; dates yyyy-MM-dd. */
export type RedConfirmBillQueryRequest = WireOut<RedConfirmBillQueryWire>;

/** One bill. The first four fields are SEEN; the rest are INFERRED names from the callback/query vocabulary. */
export interface RedConfirmBillSummary extends RedConfirmBillState {
  readonly redConfirmEnterDate: string;
  readonly enteridentity?: string;
  readonly sellerTaxpayerId?: string;
  readonly sellerName?: string;
  readonly buyerTaxpayerId?: string;
  readonly buyerName?: string;
  readonly originalInvoiceNumber?: string;
  readonly originalInvoiceCode?: string;
  readonly originalIssueTime?: string;
  readonly originalInvoiceAmount?: DecimalText;
  readonly originalTotalTaxAmount?: DecimalText;
  readonly redAmount?: DecimalText;
  readonly redTaxAmount?: DecimalText;
  readonly redReason?: string;
  readonly confirmDate?: string;
  readonly invoicedFlag?: string;
  readonly redInvoiceNumber?: string;
  readonly invoiceType?: string;
  readonly specialType?: string;
}

export interface RedConfirmBillQueryResult {
  readonly pageNo?: DecimalText;
  readonly pageSize?: DecimalText;
  readonly totalElement?: DecimalText;
  readonly dataList: readonly RedConfirmBillSummary[];
}

// ── 2.1.12 红字确认单下载 (INFERRED) ───────────────────────────────────────────────────

export type RedConfirmBillDownloadRequest = WireOut<RedConfirmBillDownloadWire>;

/** A line of a downloaded bill (response: numbers as their exact text). */
export interface RedConfirmBillDetailLine {
  readonly lineProperty?: string;
  readonly originalSeq?: number;
  readonly billSourceId?: string;
  readonly goodsCode?: string;
  readonly goodsName?: string;
  readonly revenueCode?: string;
  readonly specification?: string;
  readonly units?: string;
  readonly quantity?: DecimalText;
  readonly price?: DecimalText;
  readonly amount?: DecimalText;
  readonly taxRate?: DecimalText;
  readonly taxAmount?: DecimalText;
}

export interface RedConfirmBillDetail extends RedConfirmBillSummary {
  readonly invoiceDetail?: readonly RedConfirmBillDetailLine[];
}

export interface RedConfirmBillDownloadResult {
  readonly taskNo?: string;
  readonly dataList?: readonly RedConfirmBillDetail[];
}

// ── 2.2.01 税控发票开具 (INFERRED; `data` is an array; the sandbox issues reds only) ───────────

export type TaxControlRedLine = WireOut<TaxControlRedLineWire>;
/** invoiceProperty "1" (red) + redInfoBillNo (专票) or original code/number (+ invoiceDetail, 普票 partial). */
export type TaxControlIssueItem = Omit<WireOut<TaxControlIssueItemWire>, "invoiceDetail"> & {
  /** TaxControlRedLine fields; typed loosely so a planner's line records pass as they are. */
  readonly invoiceDetail?: ReadonlyArray<Readonly<Record<string, unknown>>>;
};
export type TaxControlIssueRequest = readonly TaxControlIssueItem[];

/** One element's answer (2.2.01 and 2.2.02 answer alike). */
export interface TaxControlRedElementResult {
  readonly serialNo: string;
  readonly success: boolean;
  readonly errorCode: string;
  readonly message: string;
  readonly refusalCode?: string;
  readonly invoiceType?: string;
  readonly invoiceProperty?: string;
  readonly invoiceCode?: string;
  readonly invoiceNum?: string;
  readonly invoiceDate?: string;
  readonly invoiceStatus?: string;
  readonly originalInvoiceCode?: string;
  readonly originalInvoiceNumber?: string;
  readonly originalIssueTime?: string;
  readonly originalInvoiceStatus?: string;
  readonly redInfoBillNo?: string;
  readonly totalAmount?: DecimalText;
  readonly totalTaxAmount?: DecimalText;
  readonly includeTaxAmount?: DecimalText;
}

// ── 2.2.02 税控发票快速红冲 (INFERRED; `data` is an array like 2.2.01) ─────────────────────

/** redInfoBillNo: required for special invoices, the approved 红字信息表 number (16). */
export type TaxControlQuickRedItem = WireOut<TaxControlQuickRedItemWire>;
export type TaxControlQuickRedRequest = WireOut<TaxControlQuickRedWire>;

// ── 2.2.04 税控红字信息表申请 (INFERRED) ────────────────────────────────────────────────

export type RedInfoFormLine = WireOut<RedInfoFormLineWire>;

/** applyType: assumptions A6 (seller / buyer-not-deducted / buyer-deducted). */
export type RedInfoFormApplyRequest = WireOut<RedInfoFormApplyWire>;

export interface RedInfoFormApplyResult {
  readonly serialNo: string;
  readonly redInfoBillNo?: string;
  /** 未上传 / 审核失败 / 审核成功 / 已开票 (labels; codes unknown). */
  readonly status: string;
  readonly failReason?: string;
}

// ── 2.2.05 税控红字信息表下载 (INFERRED) ────────────────────────────────────────────────

/** scope: assumptions A7 (own / others / both). */
export type RedInfoFormDownloadRequest = WireOut<RedInfoFormDownloadWire>;

export interface RedInfoFormSummary {
  readonly redInfoBillNo: string;
  readonly originalInvoiceCode?: string;
  readonly originalInvoiceNumber?: string;
  readonly applyType?: string;
  readonly invoiceType?: string;
  readonly buyerName?: string;
  readonly buyerTaxpayerId?: string;
  readonly redInvoiceCode?: string;
  readonly redInvoiceNumber?: string;
  readonly auditDate?: string;
  readonly fillDate?: string;
  readonly status?: string;
  readonly failReason?: string;
}

export interface RedInfoFormDownloadResult {
  readonly total?: DecimalText;
  readonly dataList: readonly RedInfoFormSummary[];
}

// ── 4.02 / 4.03 进项发票表头归集 (rim; INFERRED) ──────────────────────────────────────────

/** Dates yyyy-MM-dd; billKind 票据类型: 发票 / 海关缴款书. */
export type InputCollectionStartRequest = WireOut<InputCollectionStartWire>;
export interface InputCollectionStartResult {
  readonly taskNo: string;
}

export type InputCollectionQueryRequest = WireOut<InputCollectionQueryWire>;

export interface InputInvoiceHeader {
  readonly invoiceType?: string;
  readonly invoiceCode?: string;
  readonly invoiceNo?: string;
  readonly etaxInvoiceNo?: string;
  readonly invoiceDate?: string;
  readonly invoiceAmount?: DecimalText;
  readonly totalTaxAmount?: DecimalText;
  readonly totalTaxInclAmount?: DecimalText;
  readonly salerName?: string;
  readonly salerTaxNo?: string;
  readonly invoiceStatus?: string;
  readonly selectStatus?: string;
  readonly deductionStatus?: string;
}

export interface InputCollectionQueryResult {
  /** running / success / failed */
  readonly taskStatus: string;
  readonly total?: DecimalText;
  readonly invoices: readonly InputInvoiceHeader[];
}

// ── 4.1.04 ALLE.INVOICE.QUERY 数电票发票单张查询 (SEEN) ───────────────────────────────────

/** Either serialNo or invoiceNum (≥ v5.0.027). */
export type InvoiceQueryRequest = WireOut<InvoiceQueryWire>;

export interface InvoiceQueryLine {
  readonly seq?: DecimalText;
  readonly billSourceId?: string;
  readonly goodsCode?: string;
  readonly revenueName?: string;
  readonly revenueCode?: string;
  readonly goodsName?: string;
  readonly specification?: string;
  readonly units?: string;
  readonly quantity?: DecimalText;
  readonly price?: DecimalText;
  readonly taxUnitPrice?: DecimalText;
  readonly amount?: DecimalText;
  readonly includeTaxAmount?: DecimalText;
  readonly taxRate?: DecimalText;
  readonly taxAmount?: DecimalText;
  readonly discountAmount?: DecimalText;
  readonly discountRate?: string;
  readonly privilegeType?: string;
  readonly lineProperty?: string;
}

/** 数电 invoiceStatus (§1.7): 0 normal, 2 issuing, 3 reversed, 4 failed. */
export const DIGITAL_INVOICE_STATUS = { normal: "0", issuing: "2", reversed: "3", failed: "4" } as const;

export interface InvoiceQueryResult {
  readonly batch?: string;
  readonly orderNo?: string;
  readonly serialNo: string;
  readonly buyerType?: string;
  readonly buyerName?: string;
  readonly buyerTaxpayerId?: string;
  readonly buyerBank?: string;
  readonly buyerBankAccount?: string;
  readonly buyerAddress?: string;
  readonly buyerTel?: string;
  readonly buyerProperty?: string;
  readonly buyerRecipientMail?: string;
  readonly buyerRecipientPhone?: string;
  readonly deduction?: DecimalText;
  readonly drawer?: string;
  readonly payee?: string;
  readonly reviewer?: string;
  readonly invoiceType?: string;
  readonly includeTaxAmount?: DecimalText;
  readonly totalAmount?: DecimalText;
  readonly totalTaxAmount?: DecimalText;
  readonly invoiceNum?: string;
  readonly invoiceDate?: string;
  readonly specialType?: string;
  readonly invoiceProperty?: string;
  readonly originalInvoiceNumber?: string;
  readonly govRedConfirmBillUuid?: string;
  readonly redInfoBillNo?: string;
  readonly redReason?: string;
  readonly remark?: string;
  readonly sellerName?: string;
  readonly sellerTaxpayerId?: string;
  readonly invoiceStatus?: string;
  readonly issueErrorMessage?: string;
  readonly invoiceFileUrl?: string;
  readonly invoiceImageUrl?: string;
  readonly ofdFileUrl?: string;
  readonly xmlFileUrl?: string;
  readonly invoiceDetail?: readonly InvoiceQueryLine[];
}
