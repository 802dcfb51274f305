/**
 * bench/gateway: the gateway server in sandbox mode over loopback with the REAL client
 * (src/gateway), on a throwaway database — SQLite in a temp dir, and PostgreSQL (a temp schema) when
 * DATABASE_URL is set. Nothing is written under .data/.
 *
 * (a) protocol latency: the 数电 红字确认单 flow between the two seeded enterprises — 2.1.03 APPLY (the
 *     seller enters the bill; the buyer has confirmed usage → 02) + 2.1.09 confirm by the buyer (→ 04);
 *     requests/s and p50/p99 per request. Baseline: GET /health round trips in the same run
 *     (ratio = p50 of a protocol request / p50 of /health).
 * (b) 10,000 税控 quick red-flushes (2.2.02, one invoice per call, 8 in flight) on generated 普票 with
 *     10% forced client retries (the same serialNo re-sent while the first is still in flight, as after
 *     a timeout): red-flushes/s and duplicates (must be 0). Baseline: /health round trips per second.
 * (c) 100,000 input invoices at the simulated bureau collected into the buyer's pool (4.02 + paging
 *     4.03 with 2,000 per page): seconds and invoices/s. Baseline: bulk-inserting the same 100,000
 *     rows into the bureau's table (the database's own write speed for that volume).
 * (d) 2.1.13 requests/s at 1,000, 10,000 and 100,000 bills, ratio vs 1,000 (confirmQuery.ts).
 * (e) two `hongchong serve` processes on one PostgreSQL (twoGateways.ts; only with DATABASE_URL).
 * quick: (a) 100 flows, (b) 1,000, (c) 10,000, (d) 1,000 and 10,000 bills.
 */
import type { Report } from "../run";
import { benchCollection } from "./collection";
import { benchConfirmQuery } from "./confirmQuery";
import { startEnv } from "./env";
import { benchLatency } from "./latency";
import { benchRedFlush } from "./redFlush";
import { benchTwoGateways } from "./twoGateways";

/** `BENCH_GATEWAY_PARTS=latency,redflush,collection,confirmquery,two` runs only those parts (default: all). */
function wanted(part: string): boolean {
  const parts = process.env.BENCH_GATEWAY_PARTS;
  return !parts || parts.split(",").includes(part);
}

export async function run(report: Report, opts: { quick: boolean }): Promise<void> {
  const labels: ("sqlite" | "postgres")[] = process.env.DATABASE_URL ? ["sqlite", "postgres"] : ["sqlite"];
  const perDatabase = ["latency", "redflush", "collection", "confirmquery"].some(wanted);
  for (const label of perDatabase ? labels : []) {
    const env = await startEnv(label);
    try {
      if (wanted("latency")) await benchLatency(env, report, opts.quick);
      if (wanted("redflush")) await benchRedFlush(env, report, opts.quick);
      if (wanted("collection")) await benchCollection(env, report, opts.quick);
      if (wanted("confirmquery")) await benchConfirmQuery(env, report, opts.quick);
    } finally {
      await env.close();
    }
  }
  if (wanted("two")) await benchTwoGateways(report, opts.quick);
}
