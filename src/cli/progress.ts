/**
 * Progress of a long CLI run on stderr (stdout keeps the one summary line scripts read): a bar
 * redrawn in place when stderr is a terminal, a plain line every PROGRESS_LINE_INTERVAL_MS (and at the
 * end) when it is a file or a pipe, so a CI log or `2> log` gets a readable history, not \r soup.
 */
/** Least time between two lines when stderr is not a terminal. */
export const PROGRESS_LINE_INTERVAL_MS = 5000;
const BAR_WIDTH = 20;

export interface ProgressSink {
  readonly isTTY?: boolean;
  write(s: string): unknown;
}

function duration(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 60) return `${s} 秒`;
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m} 分` : `${m} 分 ${s % 60} 秒`;
}

/** `(done, total)` → what to print; the unit names what is counted (张单据). */
export function progressReporter(
  sink: ProgressSink,
  label: string,
  unit: string,
  now: () => number = Date.now
): (done: number, total: number) => void {
  const start = now();
  let lastLine = -Infinity;
  let finished = false;
  return (done, total) => {
    if (finished || total <= 0) return;
    const t = now();
    const pct = Math.floor((done * 100) / total);
    const eta =
      done > 0 && done < total ? `，预计还需 ${duration(((t - start) / done) * (total - done))}` : "";
    const text = `${label} ${done}/${total} ${unit}（${pct}%）${eta}`;
    const end = done >= total;
    if (sink.isTTY) {
      const filled = Math.round((done / total) * BAR_WIDTH);
      sink.write(
        `\r[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${text}\x1b[K${end ? "\n" : ""}`
      );
    } else if (end || t - lastLine >= PROGRESS_LINE_INTERVAL_MS) {
      sink.write(`${text}${end ? `，用时 ${duration(t - start)}` : ""}\n`);
      lastLine = t;
    }
    if (end) finished = true;
  };
}
