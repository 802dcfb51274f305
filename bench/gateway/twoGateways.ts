/**
 * (e) Two gateways on one PostgreSQL (issue 12 §7): two `hongchong serve` processes on one fresh database
 * (the first seeds it; the second starts on the same data directory, so the same sandbox secrets), serving
 * the same tenants. Workload: 税控 quick red-flushes (2.2.x) at 16 in flight; every 10th is sent to both
 * gateways at once with the same serialNo (a client retrying on the other instance). Measured:
 * - red-flushes/s through one gateway, then through both (alternating), on separate blue invoices;
 *   ratio = two / one (goal ≥ 1.3 — on 2 cores the client, both gateways and PostgreSQL share them);
 * - duplicate red invoices (reds − blues reversed; goal 0);
 * - INVOICE.RED callbacks: every queued one delivered once to a receiver on this machine
 *   (`--allow-loopback-callbacks`), both dispatchers running; duplicates = deliveries − distinct bodies.
 * Runs only when DATABASE_URL is set (PostgreSQL); CREATE DATABASE needs a role allowed to.
 */
import fs from "fs";
import http from "http";
import os from "os";
import path from "path";
import { type ChildProcess, spawn } from "child_process";
import { Pool } from "pg";
import type { Report } from "../run";
import { SettableClock } from "../../src/server/clock";
import { openDatabase } from "../../src/server/db/connect";
import { sandboxAccounts } from "../../src/server/sandbox/seed";
import { readSecretsFile } from "../../src/server/sandbox/secrets";
import { type Env, client, generateBlues, ms, pool, round, taxIdOf } from "./env";

const ROOT = path.resolve(__dirname, "../..");
const IN_FLIGHT = 16;

interface Serve {
  proc: ChildProcess;
  url: string;
}

function serve(databaseUrl: string, dataDir: string): Promise<Serve> {
  const proc = spawn(
    process.execPath,
    [
      path.join(ROOT, "bin/hongchong.js"),
      "serve",
      "--port",
      "0",
      "--data",
      dataDir,
      "--clock",
      "real",
      "--allow-loopback-callbacks",
    ],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ["ignore", "pipe", "pipe"] }
  );
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}\n${err}`)), 90_000);
    proc.stderr?.on("data", (c: Buffer) => (err += c.toString()));
    proc.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1] });
      }
    });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}):\n${out}\n${err}`));
    });
  });
}

/** Jiffies of the whole machine (all cores) and of its idle time, from /proc/stat (Linux). */
function machineCpu(): { total: number; idle: number } | null {
  try {
    const f = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    return { total: f.reduce((a, b) => a + b, 0), idle: f[3] + (f[4] ?? 0) };
  } catch {
    return null;
  }
}

/** utime + stime of a process in jiffies (/proc/<pid>/stat), or null. */
function processCpu(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(f[11]) + Number(f[12]);
  } catch {
    return null;
  }
}

/** Where the machine's CPU went during one run: share idle, and each gateway's and this process's share. */
function cpuMeter(pids: ReadonlyArray<number | undefined>) {
  const m0 = machineCpu();
  const p0 = pids.map(processCpu);
  const self0 = processCpu(process.pid);
  return () => {
    const m1 = machineCpu();
    if (!m0 || !m1 || m1.total === m0.total) return null;
    const span = m1.total - m0.total;
    const share = (a: number | null, b: number | null) =>
      a === null || b === null ? null : round((b - a) / span);
    return {
      idleShare: round((m1.idle - m0.idle) / span),
      gatewayShares: pids.map((pid, i) => share(p0[i], processCpu(pid))),
      benchProcessShare: share(self0, processCpu(process.pid)),
    };
  };
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function benchTwoGateways(report: Report, quick: boolean): Promise<void> {
  const base = process.env.DATABASE_URL;
  if (!base) return;
  const name = `hc_two_${process.pid}`;
  const admin = new Pool({ connectionString: base, max: 1 });
  await admin.query(`create database ${name}`);
  const url = withDatabase(base, name);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hc-bench-two-"));
  const procs: ChildProcess[] = [];
  const bodies: string[] = [];
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      bodies.push(Buffer.concat(chunks).toString("utf8"));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ errorCode: "0", success: true }));
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const hook = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  const db = await openDatabase({ databaseUrl: url, migrate: false });
  try {
    const a = await serve(url, dataDir); // migrates and seeds
    procs.push(a.proc);
    const b = await serve(url, dataDir);
    procs.push(b.proc);
    const accounts = await sandboxAccounts(db.db, readSecretsFile(dataDir) ?? undefined);
    const env = (gatewayUrl: string): Env => ({
      db,
      label: "postgres",
      url: gatewayUrl,
      clock: new SettableClock({ start: Date.now(), frozen: false }),
      accounts,
      registryCodes: [],
      close: async () => undefined,
    });
    const envA = env(a.url);
    const envB = env(b.url);
    const taxctl = await db.db
      .selectFrom("orgs")
      .select("id")
      .where("tax_id", "=", taxIdOf(envA, "taxctl"))
      .executeTakeFirstOrThrow();
    await db.db
      .insertInto("callback_endpoints")
      .values({ org_id: taxctl.id, business_system_code: "BENCH", url: hook })
      .execute();
    const n = quick ? 400 : 2_000;
    const code = "032002300377";
    const nos = await generateBlues(
      envA,
      {
        sellerKey: "taxctl",
        buyerKey: "buyer",
        kind: "增值税电子普通发票",
        type: "026",
        code,
        no: (i) => String(60_000_000 + i),
        usageConfirmed: false,
      },
      2 * n
    );
    const T = taxIdOf(envA, "taxctl");
    const clients = [client(envA, "taxctl"), client(envB, "taxctl")];
    for (const c of clients) await c.login();
    let refused = 0;
    let disagreeing = 0;
    const cpu: Record<string, ReturnType<ReturnType<typeof cpuMeter>>> = {};
    const run = async (blues: string[], offset: number, gateways: number) => {
      const meter = cpuMeter([a.proc.pid, b.proc.pid]);
      const t0 = process.hrtime.bigint();
      await pool(blues, IN_FLIGHT, async (no, i) => {
        const req = [
          {
            serialNo: `TWO-${offset + i}`,
            sellerTaxpayerId: T,
            originalInvoiceCode: code,
            originalInvoiceNumber: no,
          },
        ];
        const retry = i % 10 === 0;
        const first = clients[gateways === 1 ? 0 : i % 2];
        const answers = retry
          ? await Promise.all([
              clients[0].quickRedFlushTaxControl(req),
              clients[1].quickRedFlushTaxControl(req),
            ])
          : [await first.quickRedFlushTaxControl(req)];
        const numbers = answers.map((x) =>
          x.ok ? (x.data as { invoiceNum: string }[])[0].invoiceNum : null
        );
        if (numbers.some((x) => x === null)) refused++;
        if (new Set(numbers).size > 1) disagreeing++;
      });
      const rps = (blues.length * 1000) / ms(t0);
      cpu[gateways === 1 ? "one" : "two"] = meter();
      return rps;
    };
    const one = await run(nos.slice(0, n), 0, 1);
    const two = await run(nos.slice(n), n, 2);
    const reds = await db.db
      .selectFrom("red_invoices")
      .innerJoin("blue_invoices", "blue_invoices.id", "red_invoices.blue_invoice_id")
      .select((eb) => [
        eb.fn.countAll<number>().as("reds"),
        eb.fn.count<number>("red_invoices.blue_invoice_id").distinct().as("blues"),
      ])
      .where("blue_invoices.invoice_code", "=", code)
      .executeTakeFirstOrThrow();
    const queued = async () =>
      Number(
        (
          await db.db
            .selectFrom("callbacks")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .where("url", "=", hook)
            .executeTakeFirstOrThrow()
        ).n
      );
    const pending = async () =>
      Number(
        (
          await db.db
            .selectFrom("callbacks")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .where("url", "=", hook)
            .where("status", "=", "pending")
            .executeTakeFirstOrThrow()
        ).n
      );
    const deadline = Date.now() + 120_000;
    while ((await pending()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const callbacks = await queued();
    const common = {
      db: "postgres",
      gateways: 2,
      inFlight: IN_FLIGHT,
      redFlushes: 2 * n,
      refused,
      answersDisagreeing: disagreeing,
    };
    report({
      bench: "gateway.two.throughput",
      value: round(two, 1),
      unit: "red-flushes/s",
      ratio: round(two / one),
      ...common,
      baseline: "the same workload through one gateway",
      baselineRps: round(one, 1),
      // Shares of the whole machine (all cores = 1) during each run: what was left idle for a second
      // gateway to use, and who used the rest (PostgreSQL is the remainder).
      cpuOne: cpu.one,
      cpuTwo: cpu.two,
    });
    report({
      bench: "gateway.two.duplicates",
      value: Number(reds.reds) - Number(reds.blues),
      unit: "duplicate red invoices",
      ratio: null,
      ...common,
      redInvoices: Number(reds.reds),
    });
    report({
      bench: "gateway.two.callbacks",
      value: bodies.length - new Set(bodies).size,
      unit: "callbacks delivered twice",
      ratio: null,
      ...common,
      queued: callbacks,
      delivered: bodies.length,
      stillPending: await pending(),
    });
  } finally {
    for (const p of procs) p.kill("SIGTERM");
    await Promise.all(
      procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once("exit", r))))
    );
    await db.close();
    receiver.close();
    await admin.query(`drop database if exists ${name}`).catch(() => undefined);
    await admin.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
