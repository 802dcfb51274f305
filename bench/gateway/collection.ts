/** (c) input collection (see index.ts). */
import type { Report } from "../run";
import { Dec, formatAmount, round2HalfUp } from "../../src/domain/money";
import { withTx } from "../../src/server/db/tx";
import { digitalInvoiceNo } from "../../src/server/sandbox/seed";
import { type Env, client, ms, round, taxIdOf } from "./env";

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

// ── (c) input collection ─────────────────────────────────────────────────────────

export async function benchCollection(env: Env, report: Report, quick: boolean): Promise<void> {
  const n = quick ? 10_000 : 100_000;
  const buyerTaxId = taxIdOf(env, "buyer");
  const statuses = ["正常", "正常", "正常", "红冲", "部分红冲", "全额红冲", "作废", "失控"] as const;
  // Baseline: the database writing the same rows (bulk insert into the bureau's table).
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  await withTx(env.db.db, async (tx) => {
    for (let start = 0; start < n; start += 500) {
      const rows = Array.from({ length: Math.min(500, n - start) }, (_, k) => {
        const i = start + k;
        const amount = new Dec(100 + (i % 9000)).add("0.25");
        const tax = round2HalfUp(amount.mul("0.13"));
        const digital = i % 2 === 0;
        return {
          buyer_tax_id: buyerTaxId,
          ticket_kind: "发票" as const,
          invoice_type: digital ? "01" : "004",
          invoice_type_name: digital ? "数电发票（增值税专用发票）" : "增值税专用发票",
          invoice_code: digital ? "" : "4400231130",
          invoice_no: digital ? digitalInvoiceNo("25", "44", 60_000_000 + i) : String(60_000_000 + i),
          invoice_date: `2025-08-${String(1 + (i % 28)).padStart(2, "0")} 10:00:00`,
          seller_name: `供应商${i % 500}`,
          seller_tax_id: `91440300MA5B${String(i % 500).padStart(5, "0")}X`,
          amount: formatAmount(amount),
          tax_amount: formatAmount(tax),
          total_amount: formatAmount(amount.add(tax)),
          invoice_status: statuses[i % statuses.length],
          select_status: i % 3 === 0 ? ("已勾选" as const) : ("未勾选" as const),
          deduction_status: i % 3 === 0 ? ("已勾选或已认证抵扣" as const) : ("未勾选" as const),
          select_time: null,
          certify_time: null,
          usage_period: i % 3 === 0 ? "202508" : null,
          updated_at: env.clock.now(),
        };
      });
      await tx.insertInto("bureau_invoices").values(rows).execute();
    }
  });
  const baselineMs = ms(t0);
  const baselineCpu = cpuSeconds(c0);

  const buyer = client(env, "buyer", 600_000);
  await buyer.login();
  const t1 = process.hrtime.bigint();
  const c1 = process.cpuUsage();
  const start = await buyer.startInputCollection({
    taxNo: buyerTaxId,
    startDate: "2025-08-01",
    endDate: "2025-08-31",
  });
  if (!start.ok) throw new Error(`4.02 refused: ${start.refusal.message}`);
  env.clock.advance(5_000);
  let collected = 0;
  let total = -1;
  let settleMs = 0;
  for (let pageNo = 1; total < 0 || collected < total; pageNo++) {
    const tp = process.hrtime.bigint();
    const page = await buyer.queryInputCollection({
      taxNo: buyerTaxId,
      taskNo: start.data.taskNo,
      pageNo,
      pageSize: 2_000,
    });
    if (!page.ok) throw new Error(`4.03 refused: ${page.refusal.message}`);
    // The first 4.03 read settles the task (collect + merge + report) and answers page 1.
    if (pageNo === 1) settleMs = ms(tp);
    total = Number(page.data.total);
    collected += page.data.invoices.length;
    if (page.data.invoices.length === 0) break;
  }
  const seconds = ms(t1) / 1000;
  const cpu = cpuSeconds(c1);
  const poolRows = await env.db.db
    .selectFrom("input_pool")
    .innerJoin("orgs", "orgs.id", "input_pool.org_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("orgs.tax_id", "=", buyerTaxId)
    .executeTakeFirstOrThrow();
  const common = {
    db: env.label,
    invoices: n,
    collected,
    pool: Number(poolRows.n),
    baseline: "bulk insert of the same rows",
    baselineSeconds: round(baselineMs / 1000),
    // Where the time goes: the settling read (4.02's task collected and merged, page 1 answered)
    // and the other 4.03 pages (report read + the wire: JSON, base64, the client's decode).
    settleSeconds: round(settleMs / 1000),
    pagingSeconds: round(seconds - settleMs / 1000),
    // CPU of this process (server, database driver and client all run in it; PostgreSQL's own work
    // is not counted): the same comparison, less at the mercy of a busy machine than wall time.
    cpuSeconds: round(cpu),
    baselineCpuSeconds: round(baselineCpu),
    cpuRatio: round(cpu / baselineCpu),
  };
  report({
    bench: "gateway.collection.seconds",
    value: round(seconds),
    unit: "s",
    ratio: round((seconds * 1000) / baselineMs),
    ...common,
  });
  report({
    bench: "gateway.collection.throughput",
    value: round(collected / seconds, 1),
    unit: "invoices/s",
    ratio: round(baselineMs / (seconds * 1000)),
    ...common,
  });
}
