/**
 * Workflow 状态看板: counts by status of the rows of a sheet kind, bar geometry for a plain SVG chart,
 * and the 红字确认单 awaiting the counterparty (02/03) with the time left before the 72-hour deadline
 * (confirmDeadline from the engine; the bureau sets 07 itself, we only show it).
 */
import {
  AWAITING_PARTY,
  confirmDeadline,
  confirmStatusLabel,
  isKnownConfirmStatus,
  parseChinaDateTime,
} from "../../src/domain/confirmForm";
import type { ParsedRow } from "../../src/sheet/mapping";
import type { SheetKind } from "../../src/sheet/schemas";
import { chinaDateTime, textOf } from "./common";
import { groupConfirmRows, type ConfirmFormEntry } from "./confirmForms";
import { groupInfoFormRows } from "./infoForms";

export interface StatusCount {
  readonly label: string;
  readonly count: number;
}

/** What a row's status is, per kind (forms are counted once, not per line). */
export function countByStatus(kind: SheetKind, rows: readonly ParsedRow[]): StatusCount[] {
  let labels: string[];
  switch (kind) {
    case "confirmForms":
      labels = groupConfirmRows(rows).map((e) =>
        e.form.confirmStatus ? confirmStatusLabel(e.form.confirmStatus) : e.form.entryStatus
      );
      break;
    case "infoForms":
      labels = groupInfoFormRows(rows).map((e) => e.form.status ?? "未上传");
      break;
    default:
      labels = rows.map((r) => textOf(r.values.invoiceStatus) ?? "（空）");
  }
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return (
    Array.from(counts.entries())
      .map(([label, count]) => ({ label, count }))
      // Stable sort: equal counts keep the order they first appear in (locale collation varies by host).
      .sort((a, b) => b.count - a.count)
  );
}

export interface Bar {
  readonly label: string;
  readonly count: number;
  readonly y: number;
  readonly width: number;
}

/** Horizontal bars: one row each, widths proportional to the largest count. */
export function barGeometry(counts: readonly StatusCount[], maxWidth: number, rowHeight: number): Bar[] {
  const max = Math.max(1, ...counts.map((c) => c.count));
  return counts.map((c, i) => ({
    label: c.label,
    count: c.count,
    y: i * rowHeight,
    width: Math.max(c.count > 0 ? 2 : 0, Math.round((c.count / max) * maxWidth)),
  }));
}

export interface AwaitingForm {
  readonly key: string;
  readonly rowLabel: string;
  readonly formNumber: string | null;
  readonly statusLabel: string;
  readonly entryDate: string | null;
  /** 录入日期 + 72 h, or null when the entry date is unknown. */
  readonly deadline: string | null;
  readonly overdue: boolean;
  /** Minutes left (negative when overdue), or null. */
  readonly minutesLeft: number | null;
}

/** 02/03: a status in which the form awaits a party (the engine's AWAITING_PARTY). */
function isAwaitingConfirmation(status: string | null | undefined): boolean {
  return isKnownConfirmStatus(status) && AWAITING_PARTY[status] !== undefined;
}

/** Forms in 02/03, soonest deadline first. */
export function awaitingConfirmation(entries: readonly ConfirmFormEntry[], nowMs: number): AwaitingForm[] {
  const now = chinaDateTime(nowMs);
  const out = entries
    .filter((e) => isAwaitingConfirmation(e.form.confirmStatus))
    .map((e): AwaitingForm => {
      const base = {
        key: e.key,
        rowLabel: e.rowLabel,
        formNumber: e.formNumber,
        statusLabel: confirmStatusLabel(e.form.confirmStatus),
        entryDate: e.form.entryDate ?? null,
      };
      const d = e.form.entryDate ? confirmDeadline(e.form.entryDate, now) : null;
      if (!d || !d.ok) return { ...base, deadline: null, overdue: false, minutesLeft: null };
      const left = (parseChinaDateTime(d.value.deadline)! - parseChinaDateTime(now)!) / 60000;
      return { ...base, deadline: d.value.deadline, overdue: d.value.overdue, minutesLeft: Math.floor(left) };
    });
  return out.sort((a, b) => (a.minutesLeft ?? Infinity) - (b.minutesLeft ?? Infinity));
}

/** "2天3小时" / "45分钟" / "已超时 5小时". */
export function formatTimeLeft(minutes: number | null): string {
  if (minutes === null) return "—";
  const m = Math.abs(minutes);
  const days = Math.floor(m / 1440);
  const hours = Math.floor((m % 1440) / 60);
  const mins = m % 60;
  const text = days > 0 ? `${days}天${hours}小时` : hours > 0 ? `${hours}小时${mins}分钟` : `${mins}分钟`;
  return minutes < 0 ? `已超时 ${text}` : text;
}
