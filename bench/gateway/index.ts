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
 * quick: (a) 100 flows, (b) 1,000, (c) 10,000.
 */
import fs from "fs";
import os from "os";
import path from "path";
import type { Report } from "../run";
import { Dec, formatAmount, round2HalfUp } from "../../src/domain/money";
import { type GatewayClient, createGatewayClient } from "../../src/gateway/client";
import { buildServer } from "../../src/server/app";
import { SettableClock } from "../../src/server/clock";
import { type DbHandle, dropPgSchema, openDatabase } from "../../src/server/db/connect";
import { OrgScope } from "../../src/server/db/repo";
import { withTx } from "../../src/server/db/tx";
import { createSandboxRegistry } from "../../src/server/sandbox";
import {
  type SandboxAccount,
  digitalInvoiceNo,
  sandboxAccounts,
  seedIfEmpty,
} from "../../src/server/sandbox/seed";
import { derivedSandboxSecrets } from "../../src/server/sandbox/secrets";

/** The bench's throwaway databases get secrets derived from a phrase (a real install: random ones). */
const BENCH_SECRETS = derivedSandboxSecrets("bench");

/** 2025-10-10 10:00:00 China time; the clock stands still unless the bench moves it. */
const BENCH_NOW = Date.UTC(2025, 9, 10, 2, 0, 0);

interface Env {
  readonly db: DbHandle;
  readonly label: "sqlite" | "postgres";
  readonly url: string;
  readonly clock: SettableClock;
  readonly accounts: SandboxAccount[];
  readonly registryCodes: string[];
  close(): Promise<void>;
}

async function startEnv(label: "sqlite" | "postgres"): Promise<Env> {
  let db: DbHandle;
  let cleanup: () => Promise<void>;
  if (label === "postgres") {
    const url = process.env.DATABASE_URL as string;
    const schema = `hc_bench_${process.pid}_${Date.now().toString(36)}`;
    db = await openDatabase({ databaseUrl: url, pgSchema: schema });
    cleanup = async () => {
      await db.close();
      await dropPgSchema(url, schema);
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hc-bench-gateway-"));
    db = await openDatabase({ dataDir: dir });
    cleanup = async () => {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  }
  await seedIfEmpty(db.db, db.dialect, BENCH_SECRETS);
  const clock = new SettableClock({ start: BENCH_NOW, frozen: true });
  const registry = createSandboxRegistry();
  const app = buildServer({ db, clock, mode: "sandbox", registry, bodyLimit: 64 * 1024 * 1024 });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    db,
    label,
    url: `http://127.0.0.1:${port}`,
    clock,
    accounts: await sandboxAccounts(db.db, BENCH_SECRETS),
    registryCodes: registry.codes(),
    close: async () => {
      await app.close();
      await cleanup();
    },
  };
}

function client(env: Env, key: string, timeoutMs = 120_000): GatewayClient {
  const a = env.accounts.find((x) => x.appId === `hcsbx_${key}`);
  if (!a) throw new Error(`no sandbox account ${key}`);
  return createGatewayClient({
    baseUrl: env.url,
    appId: a.appId,
    appSecret: a.appSecret,
    accountId: a.accountId,
    user: a.user,
    userType: "UserName",
    businessSystemCode: "BENCH",
    encoding: a.dataEncoding === "aes" ? "aes" : "base64",
    ...(a.aesPassword ? { aesPassword: a.aesPassword } : {}),
    timeoutMs,
    retries: 0,
    now: () => env.clock.now(),
  });
}

const taxIdOf = (env: Env, key: string) => env.accounts.find((x) => x.appId === `hcsbx_${key}`)!.taxId;

function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return 0;
  const i = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, i)];
}
const round = (x: number, dp = 3) => Number(x.toFixed(dp));
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** GET /health round trips: the transport + framework baseline of the same run. */
async function healthBaseline(env: Env, n: number): Promise<{ p50: number; p99: number; rps: number }> {
  for (let i = 0; i < 20; i++) await (await fetch(`${env.url}/health`)).text();
  const lat: number[] = [];
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await (await fetch(`${env.url}/health`)).text();
    lat.push(ms(t));
  }
  const total = ms(t0);
  lat.sort((a, b) => a - b);
  return { p50: percentile(lat, 50), p99: percentile(lat, 99), rps: (n * 1000) / total };
}

// ── bench data (written straight into the throwaway database) ───────────────────────

interface BlueGen {
  readonly sellerKey: string;
  readonly buyerKey: string;
  readonly kind: string;
  readonly type: string;
  readonly code: string;
  readonly no: (i: number) => string;
  readonly usageConfirmed: boolean;
}

/** n blue invoices (one line, 1000.00 at 13%) for the seller → buyer. */
async function generateBlues(env: Env, g: BlueGen, n: number): Promise<string[]> {
  const seller = await env.db.db
    .selectFrom("orgs")
    .selectAll()
    .where("tax_id", "=", taxIdOf(env, g.sellerKey))
    .executeTakeFirstOrThrow();
  const buyer = await env.db.db
    .selectFrom("orgs")
    .selectAll()
    .where("tax_id", "=", taxIdOf(env, g.buyerKey))
    .executeTakeFirstOrThrow();
  const amount = new Dec("1000.00");
  const tax = round2HalfUp(amount.mul("0.13"));
  const nos: string[] = [];
  await withTx(env.db.db, async (tx) => {
    const scope = new OrgScope(tx, seller.id, env.db.dialect, "bench", env.clock.now());
    for (let start = 0; start < n; start += 500) {
      const chunk = Array.from({ length: Math.min(500, n - start) }, (_, k) => g.no(start + k));
      nos.push(...chunk);
      await scope
        .insertInto(
          "blue_invoices",
          chunk.map((no) => ({
            kind: g.kind,
            invoice_type: g.type,
            invoice_code: g.code,
            invoice_no: no,
            invoice_date: "2025-09-15 10:00:00",
            serial_no: null,
            seller_name: seller.name,
            seller_tax_id: seller.tax_id,
            buyer_name: buyer.name,
            buyer_tax_id: buyer.tax_id,
            amount: formatAmount(amount),
            tax_amount: formatAmount(tax),
            total_amount: formatAmount(amount.add(tax)),
            remaining_amount: formatAmount(amount),
            remaining_tax: formatAmount(tax),
            status: "正常" as const,
            issue_status: "已开票" as const,
            tax_mode: "普通征税" as const,
            deduction: null,
            buyer_usage_confirmed: g.usageConfirmed ? (1 as const) : (0 as const),
            special_type: "",
            drawer: "bench",
            remark: "bench",
            application_id: null,
            created_at: env.clock.now(),
            updated_at: env.clock.now(),
          }))
        )
        .execute();
      const ids = await scope
        .selectFrom("blue_invoices")
        .select(["id"])
        .where("invoice_code", "=", g.code)
        .where("invoice_no", "in", chunk)
        .execute();
      await scope
        .insertInto(
          "blue_invoice_lines",
          ids.map((r) => ({
            invoice_id: r.id,
            line_no: 1,
            line_property: "0" as const,
            goods_name: "钢材",
            revenue_code: "1080299000000000000",
            specification: "",
            units: "吨",
            quantity: "10",
            price: "100",
            amount: formatAmount(amount),
            tax_rate: "0.13",
            tax_amount: formatAmount(tax),
            remaining_amount: formatAmount(amount),
            remaining_tax: formatAmount(tax),
            remaining_quantity: "10",
            reversible_unit_price: null,
            has_discount_line: 0 as const,
            privilege_type: "",
          }))
        )
        .execute();
    }
  });
  return nos;
}

/** Run `tasks` with at most `width` in flight. */
async function pool<T>(
  items: readonly T[],
  width: number,
  fn: (item: T, i: number) => Promise<void>
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        await fn(items[i], i);
      }
    })
  );
}

// ── (a) protocol latency ─────────────────────────────────────────────────────────

async function benchLatency(env: Env, report: Report, quick: boolean): Promise<void> {
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
      n + 5
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

function emitLatency(
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

// ── (b) red-flushes with forced retries ─────────────────────────────────────────────

async function benchRedFlush(env: Env, report: Report, quick: boolean): Promise<void> {
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

// ── (c) input collection ─────────────────────────────────────────────────────────

async function benchCollection(env: Env, report: Report, quick: boolean): Promise<void> {
  const n = quick ? 10_000 : 100_000;
  const buyerTaxId = taxIdOf(env, "buyer");
  const statuses = ["正常", "正常", "正常", "红冲", "部分红冲", "全额红冲", "作废", "失控"] as const;
  // Baseline: the database writing the same rows (bulk insert into the bureau's table).
  const t0 = process.hrtime.bigint();
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

  const buyer = client(env, "buyer", 600_000);
  await buyer.login();
  const t1 = process.hrtime.bigint();
  const start = await buyer.startInputCollection({
    taxNo: buyerTaxId,
    startDate: "2025-08-01",
    endDate: "2025-08-31",
  });
  if (!start.ok) throw new Error(`4.02 refused: ${start.refusal.message}`);
  env.clock.advance(5_000);
  let collected = 0;
  let total = -1;
  for (let pageNo = 1; total < 0 || collected < total; pageNo++) {
    const page = await buyer.queryInputCollection({
      taxNo: buyerTaxId,
      taskNo: start.data.taskNo,
      pageNo,
      pageSize: 2_000,
    });
    if (!page.ok) throw new Error(`4.03 refused: ${page.refusal.message}`);
    total = Number(page.data.total);
    collected += page.data.invoices.length;
    if (page.data.invoices.length === 0) break;
  }
  const seconds = ms(t1) / 1000;
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

export async function run(report: Report, opts: { quick: boolean }): Promise<void> {
  const labels: ("sqlite" | "postgres")[] = process.env.DATABASE_URL ? ["sqlite", "postgres"] : ["sqlite"];
  for (const label of labels) {
    const env = await startEnv(label);
    try {
      await benchLatency(env, report, opts.quick);
      await benchRedFlush(env, report, opts.quick);
      await benchCollection(env, report, opts.quick);
    } finally {
      await env.close();
    }
  }
}
