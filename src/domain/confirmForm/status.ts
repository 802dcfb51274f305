/**
 * 确认状态 of a 红字确认单 (domain-rules §4.2): codes set by the tax bureau, their labels, and what
 * each permits. Unknown codes are tolerated (other platforms use 11, one vendor reuses 10): they show
 * their raw code and permit nothing.
 */
import { fail, ok, Result } from "../refusals";

export const CONFIRM_STATUS_CODES = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10"] as const;
export type ConfirmStatusCode = (typeof CONFIRM_STATUS_CODES)[number];

/**
 * A 确认状态 as carried by a form: one of the known codes, or a code we do not know (kept verbatim).
 * The `string & {}` keeps editor completion for the known codes while accepting any code.
 */
export type ConfirmStatus = ConfirmStatusCode | (string & {});

interface StatusRow {
  /** Canonical label (the manual's, spacing as in domain-rules §4.2; 08 gets its 作废 per §9 A5). */
  readonly label: string;
  /** 有效: the form is alive (01–04); the others are 作废. */
  readonly valid: boolean;
  /** 可开票: only 01 and 04 (field 6 of the manual; §9 A4). */
  readonly invoiceable: boolean;
}

/** The status table, one row per code. */
export const CONFIRM_STATUS_TABLE: Readonly<Record<ConfirmStatusCode, StatusRow>> = {
  "01": { label: "无需确认", valid: true, invoiceable: true },
  "02": { label: "销方录入 待购方确认", valid: true, invoiceable: false },
  "03": { label: "购方录入 待销方确认", valid: true, invoiceable: false },
  "04": { label: "购销双方 已确认", valid: true, invoiceable: true },
  "05": { label: "作废（销方录入购方否认）", valid: false, invoiceable: false },
  "06": { label: "作废（购方录入销方否认）", valid: false, invoiceable: false },
  "07": { label: "作废（超72小时未确认）", valid: false, invoiceable: false },
  "08": { label: "作废（发起方撤销）", valid: false, invoiceable: false },
  "09": { label: "作废（确认后撤销）", valid: false, invoiceable: false },
  "10": { label: "作废（异常凭证）", valid: false, invoiceable: false },
};

export function isKnownConfirmStatus(code: unknown): code is ConfirmStatusCode {
  return typeof code === "string" && Object.prototype.hasOwnProperty.call(CONFIRM_STATUS_TABLE, code);
}

/** The label to show; an unknown code shows as itself, no status shows as empty. */
export function confirmStatusLabel(code: ConfirmStatus | null | undefined): string {
  if (code === null || code === undefined) return "";
  return isKnownConfirmStatus(code) ? CONFIRM_STATUS_TABLE[code].label : code;
}

/** 有效 (01–04). Unknown codes are not valid: nothing may be done on a state we cannot read. */
export function isValidConfirmStatus(code: ConfirmStatus | null | undefined): boolean {
  return isKnownConfirmStatus(code) && CONFIRM_STATUS_TABLE[code].valid;
}

/**
 * 作废 (05–10). [INFERRED §4.2] An unknown code is neither valid nor void: rollback of an entered form
 * needs a *known* void state, so an unreadable one is refused rather than guessed.
 */
export function isVoidConfirmStatus(code: ConfirmStatus | null | undefined): boolean {
  return isKnownConfirmStatus(code) && !CONFIRM_STATUS_TABLE[code].valid;
}

/** 可开票: 01 无需确认 and 04 购销双方 已确认 only (§9 A4); unknown codes are not invoiceable. */
export function isInvoiceableConfirmStatus(code: ConfirmStatus | null | undefined): boolean {
  return isKnownConfirmStatus(code) && CONFIRM_STATUS_TABLE[code].invoiceable;
}

/** Labels as they appear in exports and other vendors' screens, mapped to their codes. */
function compact(s: string): string {
  return s.replace(/\s+/g, "").replace(/\(/g, "（").replace(/\)/g, "）");
}
const CODE_BY_LABEL: ReadonlyMap<string, ConfirmStatusCode> = new Map(
  CONFIRM_STATUS_CODES.map((c) => [compact(CONFIRM_STATUS_TABLE[c].label), c] as const).concat([
    // The manual prints 08 without 作废 (§9 A5) and some screens say 发起方已撤销.
    ["（发起方撤销）", "08"],
    ["发起方撤销", "08"],
    ["作废（发起方已撤销）", "08"],
  ])
);

/**
 * Read a 确认状态 from text: a code ("4", "04", "11"), or a known label in any spacing/bracket variant.
 * Unknown two-digit codes are kept verbatim (tolerated); anything else is UNKNOWN_CONFIRM_STATUS.
 */
/**
 * A status a clerk typed (=HC.CONFIRMSTATUS): only the manual's 01–10. parseConfirmStatus keeps an
 * unknown code a list of the cloud's carries (a new code must not break a download); a typed 99 is a
 * typo, and saying FALSE ("cannot be invoiced") would answer a question about a status that does not exist.
 */
export function parseKnownConfirmStatus(text: string): Result<ConfirmStatus> {
  const r = parseConfirmStatus(text);
  if (r.ok && !isKnownConfirmStatus(r.value)) return fail("UNKNOWN_CONFIRM_STATUS", { value: text.trim() });
  return r;
}

export function parseConfirmStatus(text: string): Result<ConfirmStatus> {
  const t = text.trim();
  if (/^\d{1,2}$/.test(t)) return ok(t.padStart(2, "0"));
  const byLabel = CODE_BY_LABEL.get(compact(t));
  if (byLabel) return ok(byLabel);
  const leadingCode = /^(\d{2})\s*[:：]/.exec(t);
  if (leadingCode) return ok(leadingCode[1]);
  return fail("UNKNOWN_CONFIRM_STATUS", { value: text });
}
