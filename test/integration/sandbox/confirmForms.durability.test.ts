/**
 * Durability of 2.1.04 red-flushes: `hongchong serve` as a child process (embedded SQLite, or
 * PostgreSQL when DATABASE_URL is set), a
 * batch of direct red-flushes (each enters a 红字确认单 and issues its red invoice), SIGKILL in the
 * middle, restart on the same data directory, the whole batch re-sent with the same serialNos.
 * Every blue invoice ends reversed exactly once; nothing is half-written (a form has all its lines,
 * a red invoice all its lines, the bureau bill and the blue's remaining values agree with it).
 */
import fs from "fs";
import { type ServeChild, spawnServe } from "../server/spawnServe";
import os from "os";
import path from "path";
import { Dec } from "../../../src/domain/money";
import { type GatewayClient, createGatewayClient } from "../../../src/gateway/client";
import { JsonDecimal } from "../../../src/gateway/json";
import { Pool } from "pg";
import { type DbHandle, openDatabase } from "../../../src/server/db/connect";
import { SEED_ORGS, seedCredentials, seedTaxId } from "../../../src/server/sandbox/seed";
import { derivedSandboxSecrets, writeSecretsFile } from "../../../src/server/sandbox/secrets";

/** The child seeds with the secrets file it finds in its data directory (written before it starts). */
const SECRETS = derivedSandboxSecrets("rcf-durability");

jest.setTimeout(180_000);

const BATCH = 24;
const LINES = 2;

type Child = ServeChild;

/**
 * Where the child keeps its data: a SQLite directory, or — when DATABASE_URL is set — a fresh
 * PostgreSQL database on that server (dropped afterwards).
 */
interface Store {
  readonly label: string;
  readonly args: string[];
  readonly env: NodeJS.ProcessEnv;
  open(migrate: boolean): Promise<DbHandle>;
  cleanup(): Promise<void>;
}

async function freshStore(): Promise<Store> {
  const env = { ...process.env };
  const pgUrl = process.env.DATABASE_URL || undefined;
  if (!pgUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hc-rcf-durability-"));
    writeSecretsFile(dataDir, SECRETS);
    delete env.DATABASE_URL;
    return {
      label: "SQLite",
      args: ["--data", dataDir],
      env,
      open: (migrate) => openDatabase({ dataDir, migrate }),
      cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `hc_rcf_dur_${process.pid}_${Date.now().toString(36)}`;
  const admin = new Pool({ connectionString: pgUrl, max: 1 });
  await admin.query(`create database ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
  // With PostgreSQL the data directory holds only the secrets file.
  const secretsDir = fs.mkdtempSync(path.join(os.tmpdir(), "hc-rcf-durability-pg-"));
  writeSecretsFile(secretsDir, SECRETS);
  return {
    label: "PostgreSQL",
    args: ["--data", secretsDir],
    env,
    open: (migrate) => openDatabase({ databaseUrl: url.toString(), migrate }),
    cleanup: async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
      fs.rmSync(secretsDir, { recursive: true, force: true });
    },
  };
}

function startServe(store: Store): Promise<Child> {
  return spawnServe(store.args, store.env);
}

const seller = SEED_ORGS.find((o) => o.key === "seller")!;
const buyer = SEED_ORGS.find((o) => o.key === "buyer")!;
const sellerTaxId = seedTaxId(seller.taxIdBody);
const cred = seedCredentials(seller, SEED_ORGS.indexOf(seller), SECRETS);

function client(url: string): GatewayClient {
  return createGatewayClient({
    baseUrl: url,
    appId: cred.appId,
    appSecret: cred.appSecret,
    accountId: cred.accountId,
    user: seller.user.username,
    userType: "UserName",
    businessSystemCode: "EXCEL_RED",
    encoding: "base64",
    timeoutMs: 30_000,
    retries: 0,
  });
}

const blueSerial = (i: number) => `DURB-${String(i).padStart(3, "0")}`;
const redSerial = (i: number) => `DURR-${String(i).padStart(3, "0")}`;

async function issueBlue(c: GatewayClient, i: number): Promise<string> {
  const r = await c.openBlueInvoice({
    serialNo: blueSerial(i),
    invoiceType: "02",
    sellerName: seller.name,
    sellerTaxpayerId: sellerTaxId,
    buyerName: buyer.name,
    buyerTaxpayerId: seedTaxId(buyer.taxIdBody),
    invoiceDetail: Array.from({ length: LINES }, (_, k) => {
      const amount = new Dec(200 + i).add(new Dec(k).div(100));
      return {
        lineProperty: "0" as const,
        goodsName: `耐久测试商品${k + 1}`,
        revenueCode: "1060512990000000000",
        amount: JsonDecimal.amount(amount),
        taxRate: "0.13",
        taxAmount: JsonDecimal.amount(amount.mul("0.13").toDecimalPlaces(2, Dec.ROUND_HALF_UP)),
        quantity: new JsonDecimal("1"),
        price: new JsonDecimal(amount.toFixed(2)),
      };
    }),
  });
  if (!r.ok) throw new Error(r.refusal.message);
  const q = await c.queryInvoice({ serialNo: blueSerial(i), sellerTaxpayerId: sellerTaxId });
  if (!q.ok) throw new Error(q.refusal.message);
  return q.data.invoiceNum as string;
}

const redFlush = (c: GatewayClient, blueNo: string, i: number) =>
  c.redFlushDigital({
    serialNo: redSerial(i),
    invoiceNum: blueNo,
    redReason: c.reasonCode("开票有误", "2.1.04") as string,
    invoiceType: "02",
    sellerTaxpayerId: sellerTaxId,
  });

test("SIGKILL in a batch of 2.1.04 red-flushes, restart, re-send with the same serialNos: every blue reversed exactly once, nothing half-written", async () => {
  const store = await freshStore();
  let child: Child | undefined;
  try {
    child = await startServe(store);
    const first = child;
    const c1 = client(first.url);
    const blues: string[] = [];
    for (let i = 0; i < BATCH; i++) blues.push(await issueBlue(c1, i));

    const acked = new Set<number>();
    let next = 0;
    const worker = async () => {
      while (next < BATCH) {
        const i = next++;
        const r = await redFlush(c1, blues[i], i).catch(() => undefined);
        if (r?.ok && r.data.kind === "accepted") acked.add(i);
        if (acked.size === 8) first.proc.kill("SIGKILL");
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    expect(await first.exited).toBeNull();
    expect(acked.size).toBeGreaterThanOrEqual(8);
    expect(acked.size).toBeLessThan(BATCH);

    // After the kill, before any re-send: all-or-nothing per red-flush.
    const reader = await store.open(false);
    try {
      const reds = await reader.db
        .selectFrom("red_invoices")
        .selectAll()
        .where("serial_no", "like", "DURR-%")
        .execute();
      expect(reds.length).toBeGreaterThanOrEqual(acked.size);
      const redSerials = new Set(reds.map((r) => r.serial_no));
      for (const i of acked) expect(redSerials.has(redSerial(i))).toBe(true);
      const forms = await reader.db
        .selectFrom("red_confirm_forms")
        .selectAll()
        .where("serial_no", "like", "DURR-%")
        .execute();
      expect(forms.map((f) => f.serial_no).sort()).toEqual([...redSerials].sort());
      for (const f of forms) {
        const lines = await reader.db
          .selectFrom("red_confirm_form_lines")
          .select("id")
          .where("form_id", "=", f.id)
          .execute();
        expect(lines).toHaveLength(LINES);
      }
      const blueRows = await reader.db
        .selectFrom("blue_invoices")
        .selectAll()
        .where("serial_no", "like", "DURB-%")
        .execute();
      for (const b of blueRows) {
        const reversed = reds.some((r) => r.blue_invoice_id === b.id);
        expect(b.status).toBe(reversed ? "全额红冲" : "正常");
        expect(b.remaining_amount).toBe(reversed ? "0.00" : b.amount);
      }
      const bills = await reader.db
        .selectFrom("bureau_confirm_bills")
        .select("blue_invoice_no")
        .where("blue_invoice_no", "in", blues)
        .execute();
      expect(bills).toHaveLength(reds.length);
    } finally {
      await reader.close();
    }

    // Restart; re-send the whole batch, same serialNos (what a client does after a crash).
    child = await startServe(store);
    const c2 = client(child.url);
    const answers = await Promise.all(blues.map((no, i) => redFlush(c2, no, i)));
    for (const a of answers) {
      expect(a.ok).toBe(true);
      if (a.ok) expect(a.data.kind).toBe("accepted");
    }
    child.proc.kill("SIGTERM");
    expect(await child.exited).toBe(0);
    child = undefined;

    const db = await store.open(true);
    try {
      const reds = await db.db
        .selectFrom("red_invoices")
        .selectAll()
        .where("serial_no", "like", "DURR-%")
        .execute();
      expect(reds).toHaveLength(BATCH);
      expect(new Set(reds.map((r) => r.blue_invoice_id)).size).toBe(BATCH);
      expect(new Set(reds.map((r) => r.invoice_no)).size).toBe(BATCH);
      for (const r of reds) {
        expect(r.invoice_no).toMatch(/^\d{20}$/);
        const lines = await db.db
          .selectFrom("red_invoice_lines")
          .selectAll()
          .where("red_invoice_id", "=", r.id)
          .execute();
        expect(lines).toHaveLength(LINES);
        expect(lines.reduce((s, l) => s.add(l.amount), new Dec(0)).toFixed(2)).toBe(r.amount);
      }
      const blueRows = await db.db
        .selectFrom("blue_invoices")
        .selectAll()
        .where("serial_no", "like", "DURB-%")
        .execute();
      expect(blueRows).toHaveLength(BATCH);
      for (const b of blueRows) {
        expect(b).toMatchObject({ status: "全额红冲", remaining_amount: "0.00", remaining_tax: "0.00" });
        const red = reds.find((r) => r.blue_invoice_id === b.id)!;
        expect(new Dec(red.amount).neg().toFixed(2)).toBe(b.amount);
      }
      // Headers vs lines: every form has its lines; one bureau bill per blue, invoiced once.
      const forms = await db.db
        .selectFrom("red_confirm_forms")
        .selectAll()
        .where("serial_no", "like", "DURR-%")
        .execute();
      expect(forms).toHaveLength(BATCH);
      const formLines = await db.db
        .selectFrom("red_confirm_form_lines")
        .select("form_id")
        .where(
          "form_id",
          "in",
          forms.map((f) => f.id)
        )
        .execute();
      expect(formLines).toHaveLength(BATCH * LINES);
      for (const f of forms)
        expect(f).toMatchObject({ confirm_status: "01", invoice_status: "已开票", entry_status: "录入成功" });
      const bills = await db.db
        .selectFrom("bureau_confirm_bills")
        .selectAll()
        .where("blue_invoice_no", "in", blues)
        .execute();
      expect(bills).toHaveLength(BATCH);
      expect(bills.every((b) => b.red_invoice_no !== null)).toBe(true);
      const idem = await db.db
        .selectFrom("idempotency")
        .selectAll()
        .where("serial_no", "like", "DURR-%")
        .execute();
      expect(idem).toHaveLength(BATCH);
      expect(idem.every((r) => r.status === "done")).toBe(true);
    } finally {
      await db.close();
    }
  } finally {
    if (child) {
      child.proc.kill("SIGKILL");
      await child.exited;
    }
    await store.cleanup();
  }
});
