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
