/** (b) red-flushes with forced retries (see index.ts). */
import type { Report } from "../run";
import { type Env, client, generateBlues, healthBaseline, ms, pool, round, taxIdOf } from "./env";

// ── (b) red-flushes with forced retries ─────────────────────────────────────────────

export async function benchRedFlush(env: Env, report: Report, quick: boolean): Promise<void> {
  const n = quick ? 1_000 : 10_000;
  const code = "032002300299";
  const nos = await generateBlues(
    env,
    {
      sellerKey: "taxctl",
      buyerKey: "buyer",
      kind: "增值税电子普通发票",
      type: "026",
      code,
      no: (i) => String(50_000_000 + i),
      usageConfirmed: false,
    },
    n
  );
  const health = await healthBaseline(env, quick ? 300 : 2000);
  const taxctl = client(env, "taxctl");
  const T = taxIdOf(env, "taxctl");
  await taxctl.login();
  let retried = 0;
  let refused = 0;
  let mismatched = 0;
  const t0 = process.hrtime.bigint();
  await pool(nos, 8, async (no, i) => {
    const req = [
      {
        serialNo: `BENCH-TQR-${env.label}-${i}`,
        sellerTaxpayerId: T,
        originalInvoiceCode: code,
        originalInvoiceNumber: no,
      },
    ];
    const retry = i % 10 === 0;
    const answers = retry
      ? await Promise.all([taxctl.quickRedFlushTaxControl(req), taxctl.quickRedFlushTaxControl(req)])
      : [await taxctl.quickRedFlushTaxControl(req)];
    if (retry) retried++;
    const numbers = answers.map((a) => (a.ok ? (a.data as { invoiceNum: string }[])[0].invoiceNum : null));
    if (numbers.some((x) => x === null)) refused++;
    if (new Set(numbers).size > 1) mismatched++;
  });
  const total = ms(t0);
  const reds = await env.db.db
    .selectFrom("red_invoices")
    .innerJoin("blue_invoices", "blue_invoices.id", "red_invoices.blue_invoice_id")
    .select((eb) => [
      eb.fn.countAll<number>().as("reds"),
      eb.fn.count<number>("red_invoices.blue_invoice_id").distinct().as("blues"),
    ])
    .where("blue_invoices.invoice_code", "=", code)
    .executeTakeFirstOrThrow();
  const duplicates = Number(reds.reds) - Number(reds.blues);
  const perSecond = (n * 1000) / total;
  const common = {
    db: env.label,
    redFlushes: n,
    forcedRetries: retried,
    refused,
    answersDisagreeing: mismatched,
    redInvoices: Number(reds.reds),
  };
  report({
    bench: "gateway.redflush.throughput",
    value: round(perSecond, 1),
    unit: "red-flushes/s",
    ratio: round(perSecond / health.rps),
    ...common,
    baseline: "GET /health requests/s",
    baselineRps: round(health.rps, 1),
  });
  report({
    bench: "gateway.redflush.duplicates",
    value: duplicates,
    unit: "duplicate red invoices",
    ratio: null,
    ...common,
  });
}
