/**
 * Display deadline of a form awaiting the counterparty (02/03): 录入日期 + 72 h (domain-rules §4.3).
 * The add-in only shows it; the bureau itself sets 07 and we learn it via 更新确认单状态 [INFERRED].
 *
 * Times are China time (UTC+8, no daylight saving) as `yyyy-MM-dd HH:mm:ss`. The arithmetic works on
 * the written components (as a naive UTC clock), never on the machine's local time zone.
 */
import { CONFIRM_DEADLINE_HOURS } from "../inferred";
import { fail, ok, Result } from "../refusals";

const DATE_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** Milliseconds of a naive China-time clock reading, or null if the text is not a real date-time. */
export function parseChinaDateTime(text: string): number | null {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? "0", m[5] ?? "0", m[6] ?? "0"].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 02-30 over to March; a real date reads back unchanged.
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

export function formatChinaDateTime(ms: number): string {
  const t = new Date(ms);
  return (
    `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ` +
    `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`
  );
}

export interface ConfirmDeadline {
  /** 录入日期 + 72 h, `yyyy-MM-dd HH:mm:ss`. */
  readonly deadline: string;
  /** `now` is strictly later than the deadline (at the deadline itself it is not yet overdue). */
  readonly overdue: boolean;
}

export function confirmDeadline(entryDate: string, now: string): Result<ConfirmDeadline> {
  const entry = parseChinaDateTime(entryDate);
  if (entry === null) return fail("NOT_A_DATE", { field: "录入日期", value: entryDate });
  const current = parseChinaDateTime(now);
  if (current === null) return fail("NOT_A_DATE", { field: "当前时间", value: now });
  const deadline = entry + CONFIRM_DEADLINE_HOURS * 3600 * 1000;
  return ok({ deadline: formatChinaDateTime(deadline), overdue: current > deadline });
}
