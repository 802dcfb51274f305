/**
 * Every guess the gateway makes where piaozone-api.md says INFERRED or lists a gap (§5), in one
 * place. Each is a named constant the client can override per deployment (GatewayConfig), and each
 * is explained in ASSUMPTIONS.md next to this file (what the spec says, what we chose, why, how to
 * change it). Nothing else in src/gateway invents a wire value. These are the values only: every
 * conversion over them (label ⇄ code, inverses, aliases) is in codes.ts, the one API of the tables.
 */
import type { InfoFormApplicant, RedReason, Role } from "../domain/labels";

// ── interfaceCodes not found in the docs (§0.3, §5.2) ───────────────────────────

/**
 * A1 — interfaceCodes of the interfaces whose doc pages were not stored. sim codes follow the
 * dotted UPPER style of their documented siblings (REDCONFIRMBILL.APPLY / .REVOKE); rim codes the
 * lowerCamelCase of taxLogin / invoiceSelect / statisticCreateQuery.
 */
export const ASSUMED_INTERFACE_CODES = {
  "2.1.09": "REDCONFIRMBILL.CONFIRM",
  "2.1.12": "REDCONFIRMBILL.DOWNLOAD",
  /**
   * 2.2.01's example shows "string". Not "INVOICE.OPEN": that is the 开票 callback's code (5.1.03);
   * the 税控 family prefix instead of the 数电 ALLE. of ALLE.INVOICE.OPEN.
   */
  "2.2.01": "TAXCONTROL.INVOICE.OPEN",
  "2.2.02": "INVOICE.RED.QUICK",
  "2.2.04": "REDINFOBILL.APPLY",
  "2.2.05": "REDINFOBILL.DOWNLOAD",
  "4.02": "invoiceHeaderCollect",
  "4.03": "invoiceHeaderCollectResult",
} as const;

// ── 红冲原因 codes (§1.8, §5.7) ────────────────────────────────────────────────

/** Ordinal of each 红冲原因 on the wire ("1".."4"); the width per interface is applied separately. */
export type RedReasonCodeMapping = Readonly<Record<RedReason, "1" | "2" | "3" | "4">>;

/**
 * A2 — the two conventions the spec names. Default: the tax bureau's order (01 开票有误, 02 销货退回,
 * 03 服务中止, 04 销售折让), also used by another vendor's 数电 API (domain-rules §10). Kingdee's
 * *standard* edition documents 1 销货退回 / 2 开票有误; a deployment that finds the ultimate edition
 * uses that order sets `reasonCodeMapping: RED_REASON_CODE_MAPPINGS.kingdeeStandard`.
 */
export const RED_REASON_CODE_MAPPINGS = {
  bureau: { 开票有误: "1", 销售退回: "2", 服务终止: "3", 销售折让: "4" },
  kingdeeStandard: { 销售退回: "1", 开票有误: "2", 服务终止: "3", 销售折让: "4" },
} as const satisfies Record<string, RedReasonCodeMapping>;

export const DEFAULT_RED_REASON_CODE_MAPPING: RedReasonCodeMapping = RED_REASON_CODE_MAPPINGS.bureau;

/**
 * A3 — code width per interface: 2.1.03 documents the enum `1`..`4`, the 2.1.04 example sends `"01"`.
 * We send what each page shows; decoding accepts both widths everywhere.
 */
export const RED_REASON_CODE_WIDTH = { "2.1.03": 1, "2.1.04": 2 } as const;
export type RedReasonInterface = keyof typeof RED_REASON_CODE_WIDTH;

// The conversions over these mappings (reasonToCode / codeToReason) are codes.ts's.

// ── party identity and confirm-type codes (2.1.08 / 2.1.09 / 2.1.12 / 2.1.13) ────

/** A4 — 录入方身份 / 购销身份 (`enteridentity`, `identity`): 0 seller, 1 buyer (§2.1.08 note, §2.1.13). */
export const PARTY_IDENTITY_CODES: Readonly<Record<Role, "0" | "1">> = { 销方: "0", 购方: "1" };

/** A5 — `qrlx` (确认类型): C revoke is SEEN on 2.1.08; Y confirm / N reject follow the bureau's protocol. */
export const CONFIRM_TYPE_CODES = { revoke: "C", confirm: "Y", reject: "N" } as const;

// ── 税控 红字信息表 (2.2.04 / 2.2.05) ─────────────────────────────────────────────

/** A6 — 2.2.04 `applyType` (the field name itself is the spec's invention; codes unknown). */
export const INFO_FORM_APPLY_TYPE_CODES: Readonly<Record<InfoFormApplicant, string>> = {
  销方申请: "seller",
  "购方申请-未抵扣": "buyer-not-deducted",
  "购方申请-已抵扣": "buyer-deducted",
};

/** A7 — 2.2.05 `scope`: 本企业申请 / 其他企业申请 / both (codes unknown). */
export const INFO_FORM_DOWNLOAD_SCOPE_CODES = { own: "own", others: "others", both: "both" } as const;

// ── error codes (§1.6, §5.8) ─────────────────────────────────────────────────

export interface ErrorCodeAssumptions {
  /** A8 — duplicate serialNo (10127 from the third-party SDK's tests). */
  readonly duplicateSerial: readonly string[];
  /** A9 — access token expired/invalid (401 appears as a business code in the SDK's tests). */
  readonly tokenExpired: readonly string[];
  /** Token-expired answers recognised by their message when the code is unknown. */
  readonly tokenExpiredMessage: RegExp;
  /** A10 — "no such serial / bill" answers; codes unknown, recognised by message. */
  readonly notFound: readonly string[];
  readonly notFoundMessage: RegExp;
  /** Rate limiting; only HTTP 429 is certain. */
  readonly rateLimited: readonly string[];
  readonly rateLimitedMessage: RegExp;
}

/**
 * V1–V3 — the errorCodes the vendor answers with, as far as public material shows them: 10127 for a
 * serialNo already used (a third-party SDK's tests and README: "重复号 10127", never re-sent); 401 for
 * a token the cloud does not accept (the same tests list it as a business code; the Kingdee platform
 * answers HTTP-style 401 for authentication); 9999 for every other failure (the one failure code the docs
 * show, callback `returnCode`; the real list, doc-3799582, was not readable). The sandbox answers with
 * these in its default (vendor) reply mode; the client reads them (DEFAULT_ERROR_CODES).
 */
export const VENDOR_REPLY_CODES = {
  duplicateSerial: "10127",
  tokenInvalid: "401",
  failure: "9999",
} as const;

/**
 * V5 — the request header with which a caller asks a hongchong gateway for our own refusal detail
 * beside the vendor's answer (`refusalCode`, `refusalParams`, `refusalField`). The add-in sends it;
 * the real cloud ignores an unknown header.
 */
export const DETAIL_HEADER = "x-hongchong-detail";

export const DEFAULT_ERROR_CODES: ErrorCodeAssumptions = {
  duplicateSerial: [VENDOR_REPLY_CODES.duplicateSerial],
  tokenExpired: [VENDOR_REPLY_CODES.tokenInvalid],
  tokenExpiredMessage:
    /(token|令牌).{0,12}(过期|失效|无效|不存在|expired|invalid)|(登录|会话).{0,6}(过期|失效|超时)/i,
  notFound: [],
  notFoundMessage: /不存在|未找到|未查询到|查无/,
  rateLimited: [],
  rateLimitedMessage: /频繁|限流|too many requests/i,
};

// ── 2.1.04 "awaiting confirmation, nothing issued" (§2.1.04, §5.3) ───────────────

/**
 * A11 — how 2.1.04 reports a bill that needs the counterparty: the client does not rely on a code or
 * on `success`; a response whose decoded `data` is an object carrying `redConfirmBillStatus` that is
 * not invoiceable (not 01/04) means "bill entered, no invoice issued". The simulator answers with
 * this envelope (errorCode invented; message wording per the spec's example).
 */
export const RED_FLUSH_AWAITING_REPLY = {
  success: false,
  errorCode: "10301",
  message: "红字确认单状态为{statusLabel}，未开具发票",
} as const;

// ── tokens (§1.2) ─────────────────────────────────────────────────────────────

/** Token lifetime when a reply has no usable expire_time (有效期两小时, SEEN). */
export const DEFAULT_TOKEN_LIFETIME_MS = 2 * 60 * 60 * 1000;
/** Refresh this long before expire_time (the third-party SDK refreshes 60 s early). */
export const DEFAULT_TOKEN_REFRESH_MARGIN_MS = 60 * 1000;
