import type { Refusal, Result } from "../../../../src/domain/refusals";

/** The value of a successful result; fails the test with the refusal's message otherwise. */
export function valueOf<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.refusal.code}: ${r.refusal.message}`);
  return r.value;
}

/** The refusal of a failed result; fails the test if it succeeded. */
export function refusalOf<T>(r: Result<T>): Refusal {
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(String(r.value))}`);
  return r.refusal;
}

/** A decimal-ish value as a plain string ("1234.5"); null stays null. */
export function plain(v: { toFixed(): string } | null): string | null {
  return v === null ? null : v.toFixed();
}
