/**
 * 数电 interfaces (piaozone-api §2.1, §4.1.04): the request `data` of each, one TypeBox schema that the
 * client's types and pre-send check and the sandbox's validation all use (conventions in common.ts).
 * The doc's marks (SEEN / INFERRED) are in src/gateway/payloads.ts beside the derived request types.
 */
import { type Static, type TUnsafe, Type } from "@sinclair/typebox";
import { CONFIRM_TYPE_CODES, DIGITAL_INVOICE_TYPE_CODES, PARTY_IDENTITY_CODE_VALUES } from "../codes";
import { REVENUE_CODE_PATTERN, type ScalarKeywords, W } from "./common";

const { Optional } = Type;

export const LINE_PROPERTY = W.enumOf(["0", "1", "2"]);
export const DIGITAL_INVOICE_TYPE = W.enumOf(DIGITAL_INVOICE_TYPE_CODES);
/** 录入方身份 / 购销身份 (assumptions A4). */
export const IDENTITY = W.enumOf(PARTY_IDENTITY_CODE_VALUES);
/** Red reason codes: 2.1.03 documents 1–4, 2.1.04's example sends 01 (assumptions A3): both accepted. */
export const RED_REASON_CODE = W.string(2, { pattern: "^0?[1-4]$" });

/**
 * A scalar block that also takes "" (an empty string), which the handler reads as "not given": the
 * vendor's Java backend binds "" to null for a number field, and third-party clients send
 * `"price": ""` on 2.1.01 lines (ASSUMPTIONS.md C7).
 */
function orEmpty<T>(block: TUnsafe<T>): TUnsafe<T> {
  const alternatives = (block as unknown as ScalarKeywords).anyOf ?? [];
  return { ...block, anyOf: [...alternatives, { type: "string", maxLength: 0 }] };
}

/**
 * An integer in [minimum, maximum], as a JSON number or as digits in a string (W.integerLike with
 * bounds); `digits` is the string form of the same range.
 */
function boundedInteger(minimum: number, maximum: number, digits: string): TUnsafe<number | string> {
  return {
    ...W.integerLike(),
    anyOf: [
      { type: "integer", minimum, maximum },
      { type: "string", pattern: digits },
    ],
  };
}

/** Bank, address and contact details of both parties (2.1.01 / 2.1.04; optional, free text). */
const PARTY_DETAILS = {
  sellerBank: Optional(W.string()),
  sellerBankAccount: Optional(W.string()),
  sellerAddress: Optional(W.string()),
  sellerTel: Optional(W.string()),
  buyerBank: Optional(W.string()),
  buyerBankAccount: Optional(W.string()),
  buyerAddress: Optional(W.string()),
  buyerTel: Optional(W.string()),
  buyerRecipientPhone: Optional(W.string()),
  buyerRecipientMail: Optional(W.string()),
  naturalPersonFlag: Optional(W.enumOf(["Y", "N"])),
};

// ── 2.1.01 ALLE.INVOICE.OPEN ─────────────────────────────────────────────────────────────────

export const BlueInvoiceLineData = Type.Object({
  lineProperty: LINE_PROPERTY,
  goodsName: W.text(100),
  revenueCode: W.string(19, { pattern: REVENUE_CODE_PATTERN }),
  /** Tax-inclusive when the invoice's includeTaxFlag is "1". */
  amount: W.amount(),
  taxRate: W.decimal(),
  /** Absent or "": the sandbox computes it as the engine does (invoiceOpen.ts); clients omit it. */
  taxAmount: Optional(orEmpty(W.amount())),
  /** "" = absent (see orEmpty). */
  quantity: Optional(orEmpty(W.decimal())),
  /** "" = absent (see orEmpty). */
  price: Optional(orEmpty(W.decimal())),
  units: Optional(W.string(22)),
  specification: Optional(W.string(40)),
  goodsCode: Optional(W.string(32)),
  billSourceId: Optional(W.string(32)),
  privilegeType: Optional(W.string(2)),
  discountAmount: Optional(W.amount()),
  discountRate: Optional(W.string()),
});
export type BlueInvoiceLineWire = Static<typeof BlueInvoiceLineData>;

export const BlueInvoiceOpenData = Type.Object({
  serialNo: W.text(50),
  invoiceType: DIGITAL_INVOICE_TYPE,
  invoiceProperty: Optional(W.enumOf(["0"])),
  includeTaxFlag: Optional(W.enumOf(["0", "1"])),
  sellerName: W.text(100),
  sellerTaxpayerId: W.text(20),
  buyerName: W.text(100),
  buyerTaxpayerId: Optional(W.string(20)),
  drawer: Optional(W.string(10)),
  remark: Optional(W.string(230)),
  specialType: Optional(W.string(4)),
  deduction: Optional(W.amount()),
  deductionType: Optional(W.string()),
  invoiceDetail: W.array(BlueInvoiceLineData, { minItems: 1, maxItems: 2000 }),
  ...PARTY_DETAILS,
});
export type BlueInvoiceOpenWire = Static<typeof BlueInvoiceOpenData>;

// ── 2.1.03 / 2.1.04 lines: the blue line by originalSeq (or originaldetailRowNo) ─────────────────

export const BillLineData = W.oneOf(
  Type.Object({
    lineProperty: Optional(LINE_PROPERTY),
    originalSeq: Optional(W.integerLike()),
    originaldetailRowNo: Optional(W.integerLike()),
    billSourceId: Optional(W.string(32)),
    goodsCode: Optional(W.string(32)),
    goodsName: Optional(W.string(100)),
    revenueCode: Optional(W.string(19)),
    specification: Optional(W.string(40)),
    units: Optional(W.string(22)),
    quantity: Optional(W.decimal()),
    price: Optional(W.decimal()),
    amount: Optional(W.amount()),
    taxRate: Optional(W.decimal()),
    taxAmount: Optional(W.amount()),
  }),
  [["originalSeq"], ["originaldetailRowNo"]]
);
export type BillLineWire = Static<typeof BillLineData>;

// ── 2.1.03 REDCONFIRMBILL.APPLY ──────────────────────────────────────────────────────────────

export const RedConfirmBillApplyData = Type.Object({
  orderNo: W.text(50),
  invoiceCode: Optional(W.string(100)),
  invoiceNo: W.text(100),
  redReason: RED_REASON_CODE,
  invoiceType: Optional(DIGITAL_INVOICE_TYPE),
  /** "I am the buyer" (我是购方), assumptions A12. */
  enteridentity: Optional(IDENTITY),
  invoiceDetail: Optional(W.array(BillLineData, { maxItems: 2000 })),
  /**
   * Sandbox extension (assumptions A26): "匹配结果推送" = the lines are 负数匹蓝 matching results
   * pushed by the business system (数据来源 匹配结果推送, ±0.001 quantity tolerance on 录入).
   */
  dataSource: Optional(W.enumOf(["匹配结果推送"])),
});
export type RedConfirmBillApplyWire = Static<typeof RedConfirmBillApplyData>;

// ── 2.1.04 ALLE.INVOICE.RED ──────────────────────────────────────────────────────────────────

export const RedFlushDigitalData = Type.Object({
  serialNo: W.text(50),
  invoiceCode: Optional(W.string(12)),
  invoiceNum: W.text(20),
  originalIssueTime: Optional(W.string(19)),
  originalInvoiceAmount: Optional(W.amount()),
  originalTotalTaxAmount: Optional(W.amount()),
  redReason: RED_REASON_CODE,
  govRedConfirmBillUuid: Optional(W.string(32)),
  redInfoBillNo: Optional(W.string(30)),
  account: Optional(W.string(100)),
  drawer: Optional(W.string(10)),
  invoiceType: DIGITAL_INVOICE_TYPE,
  orgCode: Optional(W.string(20)),
  sellerName: Optional(W.string(100)),
  sellerTaxpayerId: W.text(20),
  buyerName: Optional(W.string(100)),
  buyerTaxpayerId: Optional(W.string(20)),
  specialType: Optional(W.string(8)),
  /** Omit for a full reversal (required for 开票有误 and 差额征税). */
  invoiceDetail: Optional(W.array(BillLineData, { maxItems: 2000 })),
  ...PARTY_DETAILS,
});
export type RedFlushDigitalWire = Static<typeof RedFlushDigitalData>;

// ── 2.1.08 REDCONFIRMBILL.REVOKE / 2.1.09 确认或拒绝 ────────────────────────────────────────

const billAction = <const Q extends string>(qrlx: readonly Q[]) =>
  Type.Object({
    /** Requester's tax id (请求方税号). */
    taxNo: W.text(20),
    /** Bureau bill number (税局红字确认单单号). */
    number: W.text(30),
    enteridentity: IDENTITY,
    qrlx: W.enumOf(qrlx),
  });

/** qrlx: 撤销 only. */
export const RedConfirmBillRevokeData = billAction([CONFIRM_TYPE_CODES.revoke]);
export type RedConfirmBillRevokeWire = Static<typeof RedConfirmBillRevokeData>;
/** qrlx Y confirm, N reject (assumptions A5). */
export const RedConfirmBillConfirmData = billAction([CONFIRM_TYPE_CODES.confirm, CONFIRM_TYPE_CODES.reject]);
export type RedConfirmBillConfirmWire = Static<typeof RedConfirmBillConfirmData>;

// ── 2.1.12 红字确认单下载 / 2.1.13 ALLE.REDCONFIRMBILL.QUERY ────────────────────────────────────

export const RedConfirmBillDownloadData = Type.Object({
  taxpayerId: W.text(20),
  orgCode: Optional(W.string(20)),
  identity: Optional(IDENTITY),
  startDate: Optional(W.date()),
  endDate: Optional(W.date()),
  redInfoBillNo: Optional(W.string(30)),
  /** download (default) or statusUpdate (更新确认单状态, header only; ASSUMPTIONS.md A20). */
  mode: Optional(W.enumOf(["download", "statusUpdate"])),
  /** Poll an existing task instead of starting one. */
  taskNo: Optional(W.string(30)),
});
export type RedConfirmBillDownloadWire = Static<typeof RedConfirmBillDownloadData>;

export const RedConfirmBillQueryData = Type.Object({
  taxpayerId: Optional(W.string(20)),
  orgCode: Optional(W.string(20)),
  redInfoBillNo: Optional(W.string(30)),
  /** 购销身份 of the caller: 0 seller, 1 buyer (assumptions A4). */
  identity: Optional(IDENTITY),
  /** 录入日期 yyyy-MM-dd, inclusive. */
  startDate: Optional(W.date()),
  endDate: Optional(W.date()),
  pageNo: Optional(W.integerLike()),
  pageSize: Optional(W.integerLike()),
});
export type RedConfirmBillQueryWire = Static<typeof RedConfirmBillQueryData>;

// ── 4.1.04 ALLE.INVOICE.QUERY ────────────────────────────────────────────────────────────────

/** Either serialNo or invoiceNum (≥ v5.0.027). */
export const InvoiceQueryData = W.oneOf(
  Type.Object({
    serialNo: Optional(W.string(50)),
    invoiceNum: Optional(W.string(50)),
    sellerTaxpayerId: Optional(W.string(20)),
  }),
  [["serialNo"], ["invoiceNum"]]
);
export type InvoiceQueryWire = Static<typeof InvoiceQueryData>;

// ── 4.1.03 ALLE.BATCH.QUERY ──────────────────────────────────────────────────────────────────

/** 4.1.03 page size: default and largest (ASSUMPTIONS.md C6). */
export const INVOICE_BATCH_PAGE_SIZE = { default: 50, max: 100 } as const;
/** Largest 4.1.03 page number (0-based), so an offset always fits an SQL integer. */
export const INVOICE_BATCH_MAX_PAGE_NO = 999_999;

/**
 * The caller's 数电 invoices, a page at a time (third-party clients; the doc page was not stored).
 * `pageNo` is 0-based: the first page is 0.
 */
export const InvoiceBatchQueryData = Type.Object({
  sellerTaxpayerId: W.text(20),
  invoiceType: Optional(DIGITAL_INVOICE_TYPE),
  /** 0 blue, 1 red; absent = both. */
  invoiceProperty: Optional(W.enumOf(["0", "1"])),
  /** invoiceDate yyyy-MM-dd, inclusive. */
  startDate: Optional(W.date()),
  endDate: Optional(W.date()),
  pageNo: Optional(boundedInteger(0, INVOICE_BATCH_MAX_PAGE_NO, "^\\d{1,6}$")),
  pageSize: Optional(boundedInteger(1, INVOICE_BATCH_PAGE_SIZE.max, "^(100|[1-9]\\d?)$")),
});
export type InvoiceBatchQueryWire = Static<typeof InvoiceBatchQueryData>;
