/** bench/gateway: the throwaway gateway, its clients and the generated data every gateway bench uses. */
import fs from "fs";
import os from "os";
import path from "path";
import { Dec, formatAmount, round2HalfUp } from "../../src/domain/money";
import { type GatewayClient, createGatewayClient } from "../../src/gateway/client";
import { buildServer } from "../../src/server/app";
import { SettableClock } from "../../src/server/clock";
import { type DbHandle, dropPgSchema, openDatabase } from "../../src/server/db/connect";
import { OrgScope } from "../../src/server/db/repo";
import { withTx } from "../../src/server/db/tx";
import { createSandboxRegistry } from "../../src/server/sandbox";
import { type SandboxAccount, sandboxAccounts, seedIfEmpty } from "../../src/server/sandbox/seed";
import { derivedSandboxSecrets } from "../../src/server/sandbox/secrets";

/** The bench's throwaway databases get secrets derived from a phrase (a real install: random ones). */
export const BENCH_SECRETS = derivedSandboxSecrets("bench");

/** 2025-10-10 10:00:00 China time; the clock stands still unless the bench moves it. */
export const BENCH_NOW = Date.UTC(2025, 9, 10, 2, 0, 0);

export interface Env {
  readonly db: DbHandle;
  readonly label: "sqlite" | "postgres";
  readonly url: string;
  readonly clock: SettableClock;
  readonly accounts: SandboxAccount[];
  readonly registryCodes: string[];
  close(): Promise<void>;
}

export async function startEnv(label: "sqlite" | "postgres"): Promise<Env> {
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

export function client(env: Env, key: string, timeoutMs = 120_000): GatewayClient {
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

export const taxIdOf = (env: Env, key: string) => env.accounts.find((x) => x.appId === `hcsbx_${key}`)!.taxId;

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return 0;
  const i = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, i)];
}
export const round = (x: number, dp = 3) => Number(x.toFixed(dp));
export const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** GET /health round trips: the transport + framework baseline of the same run. */
export async function healthBaseline(
  env: Env,
  n: number
): Promise<{ p50: number; p99: number; rps: number }> {
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

export interface BlueGen {
  readonly sellerKey: string;
  readonly buyerKey: string;
  readonly kind: string;
  readonly type: string;
  readonly code: string;
  readonly no: (i: number) => string;
  readonly usageConfirmed: boolean;
}

/** n blue invoices (one line, 1000.00 at 13%) for the seller → buyer. */
export async function generateBlues(env: Env, g: BlueGen, n: number): Promise<string[]> {
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
export async function pool<T>(
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
