/**
 * Every [INFERRED] or [AMBIGUOUS → resolved] reading of shared/spec/domain-rules.md that is not a
 * plain constant of one rule module lives here, one named constant or function each, with the
 * section it comes from, so changing a reading is a one-line change (style.md).
 * Rule modules import from here; they do not restate these decisions.
 */
import { Dec } from "./money";

/** §1.4 — computed 数量/单价 are rounded to 13 dp (the 数电 platform's limit). See money.QTY_PRICE_DP. */
export const COMPUTED_QTY_PRICE_DP = 13;

/** §2 A1 — batch limit of the 发票红冲 list (stated by the manual; kept here as it is a policy number). */
export const RED_FLUSH_BATCH_LIMIT = 10;

/** §4.11 A2 — quantity tolerance when entering matched forms. */
export const ENTRY_QTY_TOLERANCE = new Dec("0.001");

/** §4.3 — hours a 02/03 form may wait for the counterparty before the bureau voids it (07). */
export const CONFIRM_DEADLINE_HOURS = 72;

/** §4.10 A9 — 乐企: re-run the download task every minute when the range has more than 15 detail lines. */
export const LEQI_RERUN_DETAIL_LINES_THRESHOLD = 15;
export const LEQI_RERUN_INTERVAL_SECONDS = 60;

/** §5 — 数电 flight tickets dated on/after this day (China time) get the totalTaxInclAmount rule. */
export const FLIGHT_TOTAL_RULE_FROM = "2025-07-28";

/**
 * §4.4 [EXT/INFERRED — the manual's formula is an image] 可红冲单价 when the blue line's stored value
 * is empty (or 0): 剩余可红冲不含税金额 ÷ 剩余可红冲数量, 13 dp half-up ("dynamic price"). "NONE" would
 * leave the line without a unit price, so 数量 edits are refused (NO_UNIT_PRICE). Used by
 * confirmForm/calcRedLine (effectiveUnitPrice and every red line).
 */
export type ReversibleUnitPriceFallback = "REMAINING_AMOUNT_DIV_REMAINING_QTY" | "NONE";
export const REVERSIBLE_UNIT_PRICE_FALLBACK: ReversibleUnitPriceFallback =
  "REMAINING_AMOUNT_DIV_REMAINING_QTY";

/**
 * §4.7 / piaozone-api §1.8 — the privilegeType (优惠政策) code of 按5%简易征收减按1.5%计征. The API lists
 * 01–18 by name only; counting its order (01 简易征收, 02 稀土产品, 03 免税, 04 不征税, 05–07 先征后退,
 * 08 按3%简易征收, 09 按5%简易征收, 10 按5%简易征收减按1.5%计征, 11–14 即征即退, 15–18 超税负) gives "10"
 * [INFERRED]. The policy's own name is accepted as well (a sheet cell, a downloaded label).
 */
export const RENTAL_REDUCED_LEVY_PRIVILEGE_TYPE = "10";
export const RENTAL_REDUCED_LEVY_PRIVILEGE_LABEL = "按5%简易征收减按1.5%计征";

/**
 * §4.7 [INFERRED — the manual has a branch for "code ≠ 3040502020102000000" and one for "policy
 * 按5%简易征收减按1.5%计征 AND code 3040502020102000000", none for the code without the policy]:
 * such a line is refused for partial edits (REDUCED_LEVY_RENTAL_POLICY_MISSING; the full line stays
 * allowed), never computed with the rental formula. A caller that does not know the policy at all
 * (privilegeType undefined, e.g. the eval contract's calcRedLine and a sheet without a 优惠政策 column)
 * keeps the code-only reading the examples were written with (EX-06/EX-07).
 */
export const RENTAL_CODE_WITHOUT_POLICY_REFUSED = true;

/**
 * §5 [INFERRED — the rule is an image in 003 V2.0] The note written on a 进项发票池 row that the
 * 价税合计（电子税局） rule applies to (数电飞机票, 开票日期 ≥ 2025-07-28), in the manual's words.
 */
export const FLIGHT_TOTAL_POOL_NOTE =
  "数电飞机票（开票日期2025年7月28日及以后）：价税合计（电子税局）按税局规则计算（公式以税局为准）";

/**
 * §4.1 / 002 ("购方仅下载获取红字确认单编号"; 收购票 step 2 ①) [INFERRED for the 收购票 direction by
 * symmetry with §4.5]: the party who issues the red invoice of a 红字确认单 — the seller, or the buyer
 * for a 收购票 (the buyer issues a purchase invoice, so the identities flip).
 */
export const CONFIRM_FORM_RED_FLUSH_PARTY = { ordinary: "销方", purchaseInvoice: "购方" } as const;

/**
 * §4.3 特别提示 — the add-in cannot see whether a 税控 blue's seller has moved to 数电: a buyer working on
 * a 税控 blue is warned as if the seller still issues 税控 invoices (the warning says what the bureau may
 * return — a 红字信息表 — and nothing is refused). The sandbox knows the seller, so it decides by fact.
 */
export const SELLER_STILL_ON_TAX_CONTROL_WHEN_UNKNOWN = true;

/*
 * Readings of issue 10 that belong to the module of their rule (one named constant each, there), listed
 * here so every open decision can be found in one place:
 * - src/server/sandbox/interfaces/redConfirmIssue.ts API_PUSHED_UNLINKED_CALLBACK_UNDER_RED_NOT_CALLBACK_1:
 *   callback config value 1 — an API-pushed 红字确认单 not linked to a 负数开票申请单 gets no callback.
 * - src/server/sandbox/interfaces/redInfoFormApply.ts INFO_FORM_RESUBMIT_AFTER_FAILURE: after 审核失败 the
 *   same blue may be filed again under a new 流水号; the failed form stays.
 * - src/domain/confirmForm/calcRedLine.ts via REVERSIBLE_UNIT_PRICE_FALLBACK (above): the 可红冲单价 when the
 *   stored price is empty.
 * - src/server/sandbox/interfaces/redConfirmDownload.ts DOWNLOAD_OWNED_BY_OTHER_ACTION: the first
 *   organisation to download a 红字确认单 keeps it; a later download of another organisation inserts nothing.
 * - src/server/sandbox/interfaces/redConfirmTaxControlEntry.ts BUYER_APPLY_DEDUCTED_WHEN_USAGE_CONFIRMED: the
 *   特别提示 信息表's 申请方 is 购方申请-已抵扣 when the buyer confirmed usage, else -未抵扣.
 * - src/server/sandbox/interfaces/taxControlShared.ts APPLICATION_STATUS_AFTER_ORDINARY_RED: after a 税控普票
 *   red the 开票申请单 returns to 未提交 (000: 可再次下推开票).
 * - src/server/sandbox/interfaces/taxControlIssue.ts INFO_FORM_LINE_MATCH: a 信息表 line (no blue line id on
 *   the wire) goes on the first blue line with the same 商品名称 and 税率 whose remaining covers it.
 * - src/server/sandbox/redIssue.ts FAILED_RED_SOURCE: a red that failed after acceptance stays in 待开 as
 *   未开票 with 来源 单张开票.
 * - src/server/sandbox/interfaces/redConfirmShared.ts PURCHASE_ISSUER_ENTRY_RULE_ROLE: a 收购票's issuer (the
 *   buyer of the goods, on the bill's 购方 side) enters like an ordinary seller (01 without usage
 *   confirmation, else 03 for the other side to confirm); the issuer holds the blue (blueHolderTaxId).
 * - src/server/sandbox/interfaces/redConfirmShared.ts PURCHASE_INVOICE_SPECIAL_TYPES: a 收购票 is a blue with
 *   special type 16 (农产品收购).
 * - taskpane/workflows/infoForms.ts RED_ISSUE_WIRE_MAP: an approved 信息表 (full or partial) is red-flushed by
 *   2.2.01 with its 红字信息表编号, never by 2.2.02.
 */
