/**
 * Dates and date-times (开票日期, 录入日期 …) → "yyyy-MM-dd" or "yyyy-MM-dd HH:mm:ss".
 * The manuals' format is 2024-10-22 10:44:24 (002 field 13). No time zones: every value is the
 * wall clock the user sees (China time).
 */
import { fail, ok, type Result } from "../refusals";
import { decided, readFilled, type RequiredOption } from "./common";

export interface DateOptions extends RequiredOption {
  /** Return "yyyy-MM-dd HH:mm:ss"; a date without a time gets 00:00:00 (unless timeRequired). */
  readonly withTime?: boolean;
  /** With withTime: a value without a time of day is NOT_A_DATE (fields 精确到秒 such as 原蓝票开票日期). */
  readonly timeRequired?: boolean;
}

interface DateTime {
  readonly y: number;
  readonly mo: number;
  readonly d: number;
  /** null when the input had no time of day. */
  readonly time: { readonly h: number; readonly mi: number; readonly s: number } | null;
}

/** Years we accept: Excel's own range (its 1900 date system cannot show earlier dates). */
const YEAR_MIN = 1900;
const YEAR_MAX = 9999;

/** Serial of 9999-12-31, the last day Excel knows. */
const EXCEL_MAX_SERIAL = 2958465;
/**
 * Excel's 1900 system counts a 1900-02-29 that never existed (serial 60, kept from Lotus 1-2-3):
 * serials 1–59 count from 1899-12-31, serials from 61 on from 1899-12-30.
 */
const EXCEL_FAKE_LEAP_DAY_SERIAL = 60;
const SECONDS_PER_DAY = 86400;
const MS_PER_DAY = SECONDS_PER_DAY * 1000;

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, mo: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
}

function isValid(dt: DateTime): boolean {
  const { y, mo, d, time } = dt;
  if (y < YEAR_MIN || y > YEAR_MAX || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return false;
  return !time || (time.h <= 23 && time.mi <= 59 && time.s <= 59);
}

const TIME_COLON = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?$/;
const TIME_CHINESE = /^(\d{1,2})[时点](\d{1,2})分(?:(\d{1,2})秒)?$/;

function timeFromText(s: string | undefined): DateTime["time"] | undefined {
  if (s === undefined || s === "") return null;
  const m = TIME_COLON.exec(s) ?? TIME_CHINESE.exec(s);
  if (!m) return undefined;
  return { h: Number(m[1]), mi: Number(m[2]), s: Number(m[3] ?? 0) };
}

// 2024-10-22, 2024/10/22, 2024.10.22 (one separator throughout), then " 10:44:24" or "T10:44:24".
const DATE_SEPARATED = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:(?:\s+|T)(.*))?$/;
const DATE_CHINESE = /^(\d{4})年(\d{1,2})月(\d{1,2})日?\s*(.*)$/;
// 20241022 or 20241022104424.
const DATE_COMPACT = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?$/;

/**
 * Text forms. Not accepted [decision]: two-digit years, day-first or month-first orders
 * ("10/22/2024" is ambiguous), time zones and fractions of a second ("…T10:44:24.000Z").
 */
function fromText(text: string): DateTime | null {
  const compact = DATE_COMPACT.exec(text);
  if (compact) {
    const [, y, mo, d, h, mi, s] = compact;
    return {
      y: Number(y),
      mo: Number(mo),
      d: Number(d),
      time: h === undefined ? null : { h: Number(h), mi: Number(mi), s: Number(s) },
    };
  }
  const sep = DATE_SEPARATED.exec(text);
  const cn = sep ? null : DATE_CHINESE.exec(text);
  const m = sep ? [sep[1], sep[3], sep[4], sep[5]] : cn ? [cn[1], cn[2], cn[3], cn[4]] : null;
  if (!m) return null;
  const time = timeFromText(m[3]?.trim());
  if (time === undefined) return null;
  return { y: Number(m[0]), mo: Number(m[1]), d: Number(m[2]), time };
}

function fromUtcMillis(ms: number, withTimeOfDay: boolean): DateTime {
  const t = new Date(ms);
  return {
    y: t.getUTCFullYear(),
    mo: t.getUTCMonth() + 1,
    d: t.getUTCDate(),
    time: withTimeOfDay ? { h: t.getUTCHours(), mi: t.getUTCMinutes(), s: t.getUTCSeconds() } : null,
  };
}

/**
 * An Excel serial (1900 date system; the fraction is the time of day, rounded to the second).
 * Also a yyyymmdd integer: 20241022 typed into a General cell is a number, and no serial is that
 * large (the last, 9999-12-31, is 2958465), so the reading is unambiguous.
 */
function fromNumber(x: number): DateTime | null {
  if (!Number.isFinite(x)) return null;
  if (Number.isInteger(x) && x >= 19000101 && x <= 99991231) {
    return { y: Math.floor(x / 10000), mo: Math.floor(x / 100) % 100, d: x % 100, time: null };
  }
  if (x < 1 || x >= EXCEL_MAX_SERIAL + 1) return null; // < 1 is a time without a date
  const totalSeconds = Math.round(x * SECONDS_PER_DAY);
  const days = Math.floor(totalSeconds / SECONDS_PER_DAY);
  const seconds = totalSeconds - days * SECONDS_PER_DAY;
  if (days === EXCEL_FAKE_LEAP_DAY_SERIAL || days > EXCEL_MAX_SERIAL) return null;
  const epoch = days < EXCEL_FAKE_LEAP_DAY_SERIAL ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
  return fromUtcMillis(epoch + days * MS_PER_DAY + seconds * 1000, !Number.isInteger(x));
}

/** exceljs Dates are UTC instants whose UTC components are the cell's wall clock. */
function fromDate(v: Date): DateTime | null {
  const ms = v.getTime();
  if (Number.isNaN(ms)) return null;
  const rounded = Math.round(ms / 1000) * 1000;
  const midnight = rounded % MS_PER_DAY === 0;
  return fromUtcMillis(rounded, !midnight);
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** "yyyy-MM-dd" (or with withTime "yyyy-MM-dd HH:mm:ss") from any date the user may put in a cell. */
export function parseDate(input: unknown, field: string, opts: DateOptions = {}): Result<string | null> {
  const cell = readFilled(input, field, opts.required);
  if (decided(cell)) return cell;
  const dt =
    cell.kind === "text"
      ? fromText(cell.text)
      : cell.kind === "number"
        ? fromNumber(cell.value)
        : cell.kind === "date"
          ? fromDate(cell.value)
          : null;
  if (!dt || !isValid(dt) || (opts.withTime && opts.timeRequired && !dt.time)) {
    return fail("NOT_A_DATE", { field, value: cell.shown });
  }
  const day = `${pad(dt.y, 4)}-${pad(dt.mo)}-${pad(dt.d)}`;
  if (!opts.withTime) return ok(day);
  const t = dt.time ?? { h: 0, mi: 0, s: 0 };
  return ok(`${day} ${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}`);
}
