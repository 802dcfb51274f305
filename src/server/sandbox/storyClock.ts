/**
 * The sandbox's calendar. Its seed tells a story dated around 2025-10-10 10:00 China time (forms awaiting
 * confirmation with hours left, one about to pass its 72 hours, pools downloaded days earlier). A fresh
 * sandbox therefore starts its clock at that instant and lets it run in real time from the moment it was
 * seeded, so a demo sees live deadlines instead of everything already voided (07). The real clock is one
 * flag away (`hongchong serve --clock real`), and `POST /sandbox/clock` moves the calendar at any time.
 */
import { SettableClock } from "../clock";
import type { Queryable } from "../db/tx";
import { getMeta, setMeta } from "../db/tx";

/** The seed's "now": 2025-10-10 10:00:00 China time (the integration tests use the same instant). */
export const SANDBOX_STORY_START_MS = Date.UTC(2025, 9, 10, 2, 0, 0);

const SEEDED_AT_KEY = "sandbox_seeded_at_real_ms";

/**
 * A running clock at story start + real time elapsed since the sandbox was first seeded.
 * The real seeding instant is stored in meta on first use, so restarts continue the same calendar.
 */
export async function sandboxStoryClock(
  db: Queryable,
  realNow: () => number = Date.now
): Promise<SettableClock> {
  let seededAt = Number(await getMeta(db, SEEDED_AT_KEY));
  if (!Number.isSafeInteger(seededAt) || seededAt <= 0) {
    seededAt = realNow();
    await setMeta(db, SEEDED_AT_KEY, String(seededAt));
  }
  return new SettableClock({ start: SANDBOX_STORY_START_MS + (realNow() - seededAt) }, realNow);
}
