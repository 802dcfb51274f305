/**
 * The one source of "now" for the server: token expiry, the 72-hour confirmation deadline, task
 * completion and callback retries all read `clock.now()` (epoch ms), never `Date.now()`, so tests and
 * the sandbox (`POST /sandbox/clock`) can move time.
 */

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that runs with real time plus an offset (default), or stands still (`frozen`).
 * `advance` and `set` move it; a running clock keeps ticking from the new instant.
 */
export class SettableClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | undefined;

  constructor(
    opts: { start?: number; frozen?: boolean } = {},
    private readonly base: () => number = Date.now
  ) {
    if (opts.start !== undefined) this.offsetMs = opts.start - base();
    if (opts.frozen) this.frozenAt = opts.start ?? base();
  }

  now(): number {
    return this.frozenAt ?? this.base() + this.offsetMs;
  }

  advance(ms: number): number {
    if (!Number.isSafeInteger(ms)) throw new RangeError(`advance needs an integer number of ms: ${ms}`);
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offsetMs += ms;
    return this.now();
  }

  set(epochMs: number): number {
    if (!Number.isSafeInteger(epochMs)) throw new RangeError(`set needs integer epoch ms: ${epochMs}`);
    if (this.frozenAt !== undefined) this.frozenAt = epochMs;
    else this.offsetMs = epochMs - this.base();
    return this.now();
  }

  get frozen(): boolean {
    return this.frozenAt !== undefined;
  }

  freeze(): void {
    this.frozenAt = this.now();
  }

  unfreeze(): void {
    if (this.frozenAt === undefined) return;
    this.offsetMs = this.frozenAt - this.base();
    this.frozenAt = undefined;
  }
}

/** China Standard Time is UTC+8 all year (no DST): dates on invoices and forms are printed in it. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** `yyyy-MM-dd HH:mm:ss` in China time (开票日期, 录入日期 …). */
export function chinaDateTime(epochMs: number): string {
  const d = new Date(epochMs + CHINA_OFFSET_MS);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

/** `yyyy-MM-dd` in China time. */
export function chinaDate(epochMs: number): string {
  return chinaDateTime(epochMs).slice(0, 10);
}

/** Epoch ms of a China-time `yyyy-MM-dd[ HH:mm:ss]`; undefined if malformed. */
export function parseChinaDateTime(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0"] = m;
  const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) - CHINA_OFFSET_MS;
  return chinaDateTime(ms).startsWith(`${y}-${mo}-${d}`) ? ms : undefined;
}
