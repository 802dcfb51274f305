/** (a) protocol latency (see index.ts). */
import type { Report } from "../run";
import { Dec } from "../../src/domain/money";
import { digitalInvoiceNo } from "../../src/server/sandbox/seed";
import { type Env, client, generateBlues, healthBaseline, ms, percentile, round, taxIdOf } from "./env";

// ── (a) protocol latency ─────────────────────────────────────────────────────────

/** Clerks (requests) in flight at once in the concurrent run. */
const IN_FLIGHT = 8;

/** /health requests/s with `inFlight` requests at a time. */
async function healthConcurrent(env: Env, n: number, inFlight: number): Promise<number> {
  let left = n;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (left-- > 0) await (await fetch(`${env.url}/health`)).text();
    })
  );
  return (n * 1000) / ms(t0);
}

export async function benchLatency(env: Env, report: Report, quick: boolean): Promise<void> {
  const n = quick ? 100 : 1000;
  const health = await healthBaseline(env, quick ? 300 : 2000);
  const seller = client(env, "seller");
  const buyer = client(env, "buyer");
  const buyerTaxId = taxIdOf(env, "buyer");
  const confirmFlow =
    env.registryCodes.includes("REDCONFIRMBILL.APPLY") &&
    env.registryCodes.includes("REDCONFIRMBILL.CONFIRM");
  const lat: number[] = [];
  let failures = 0;
  let workload: string;
  if (confirmFlow) {
    workload = "2.1.03 APPLY (seller) + 2.1.09 confirm (buyer)";
    const nos = await generateBlues(
      env,
      {
        sellerKey: "seller",
        buyerKey: "buyer",
        kind: "数电发票（增值税专用发票）",
        type: "01",
        code: "",
        no: (i) => digitalInvoiceNo("25", "33", 7_000_000 + i),
        usageConfirmed: true,
      },
      2 * n + 5
    );
    const step = async (f: () => Promise<{ ok: boolean }>) => {
      const t = process.hrtime.bigint();
      const r = await f();
      lat.push(ms(t));
      if (!r.ok) failures++;
      return r;
    };
    const flow = async (i: number) => {
      const applied = await step(() =>
        seller.applyRedConfirmBill({
          orderNo: `BENCH-RCF-${env.label}-${i}`,
          invoiceNo: nos[i],
          redReason: seller.reasonCode("开票有误", "2.1.03")!,
        })
      );
      const bill = (applied as { ok: boolean; data?: { redInfoBillNo: string } }).data?.redInfoBillNo ?? "";
      await step(() =>
        buyer.confirmRedConfirmBill({ taxNo: buyerTaxId, number: bill, enteridentity: "1", qrlx: "Y" })
      );
    };
    for (let i = 0; i < 5; i++) await flow(n + i); // warm-up (tokens, statement caches)
    lat.length = 0;
    failures = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await flow(i);
    const total = ms(t0);
    lat.sort((a, b) => a - b);
    emitLatency(report, env, workload, lat, total, failures, health);
    // The same flows with IN_FLIGHT clerks at once (where transactions queue and share COMMITs, tx.ts),
    // against /health with as many requests in flight.
    const healthN = await healthConcurrent(env, quick ? 600 : 4000, IN_FLIGHT);
    lat.length = 0;
    failures = 0;
    let next = n + 5;
    const end = 2 * n + 5;
    const t1 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < end) await flow(next++);
      })
    );
    const rps = (lat.length * 1000) / ms(t1);
    report({
      bench: "gateway.protocol.rps.concurrent",
      value: round(rps, 1),
      unit: "requests/s",
      ratio: round(rps / healthN),
      db: env.label,
      workload,
      inFlight: IN_FLIGHT,
      requests: lat.length,
      failures,
      baseline: `GET /health, ${IN_FLIGHT} in flight`,
      baselineRps: round(healthN, 1),
    });
  } else {
    // The 数电 handlers are not registered: measure 2.2.04 apply + 2.2.05 download instead.
    workload = "2.2.04 apply + 2.2.05 download (2.1.03/2.1.09 not registered)";
    const taxctl = client(env, "taxctl");
    const T = taxIdOf(env, "taxctl");
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      let t = process.hrtime.bigint();
      const a = await taxctl.applyRedInfoForm({
        serialNo: `BENCH-RIF-${i}`,
        sellerTaxpayerId: T,
        applyType: "seller",
        originalInvoiceCode: "032002300111",
        originalInvoiceNumber: "10000001",
        originalIssueTime: "2025-06-05 10:00:00",
        invoiceType: "028",
        buyerName: "广东蓝海采购有限公司",
        buyerTaxpayerId: taxIdOf(env, "buyer"),
        invoiceDetail: [
          {
            goodsName: "钢材",
            revenueCode: "1080299000000000000",
            amount: new Dec("-1.00"),
            taxRate: "0.13",
            taxAmount: new Dec("-0.13"),
          },
        ],
      });
      lat.push(ms(t));
      if (!a.ok) failures++;
      t = process.hrtime.bigint();
      const d = await taxctl.downloadRedInfoForms({
        taxNo: T,
        scope: "own",
        redInfoBillNo: a.ok ? a.data.redInfoBillNo : "",
      });
      lat.push(ms(t));
      if (!d.ok) failures++;
    }
    const total = ms(t0);
    lat.sort((a, b) => a - b);
    emitLatency(report, env, workload, lat, total, failures, health);
  }
}

export function emitLatency(
  report: Report,
  env: Env,
  workload: string,
  lat: number[],
  totalMs: number,
  failures: number,
  health: { p50: number; p99: number; rps: number }
): void {
  const p50 = percentile(lat, 50);
  const p99 = percentile(lat, 99);
  const rps = (lat.length * 1000) / totalMs;
  const common = { db: env.label, workload, requests: lat.length, failures };
  report({
    bench: "gateway.protocol.rps",
    value: round(rps, 1),
    unit: "requests/s",
    ratio: round(rps / health.rps),
    ...common,
    baseline: "GET /health",
    baselineRps: round(health.rps, 1),
  });
  report({
    bench: "gateway.protocol.p50",
    value: round(p50),
    unit: "ms",
    ratio: round(p50 / health.p50),
    ...common,
    baselineP50Ms: round(health.p50),
  });
  report({
    bench: "gateway.protocol.p99",
    value: round(p99),
    unit: "ms",
    ratio: round(p99 / health.p99),
    ...common,
    baselineP99Ms: round(health.p99),
  });
}
