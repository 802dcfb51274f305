/**
 * Durability of the embedded database: `hongchong serve` as a child process, a batch of issuing
 * requests, SIGKILL in the middle of it, restart on the same data directory. Nothing acknowledged
 * is lost, nothing is half-written (an invoice is there with all its lines, its idempotency record
 * and its audit row, or not at all), and re-sending the whole batch duplicates nothing.
 */
import fs from "fs";
import { type ServeChild, spawnServe } from "./spawnServe";
import os from "os";
import path from "path";
import { Dec } from "../../../src/domain/money";
import { JsonDecimal } from "../../../src/gateway/json";
import { openDatabase } from "../../../src/server/db/connect";
import { SEED_ORGS, seedCredentials, seedTaxId } from "../../../src/server/sandbox/seed";
import { derivedSandboxSecrets, writeSecretsFile } from "../../../src/server/sandbox/secrets";
import { encodeData } from "../../../src/gateway/codec";

jest.setTimeout(120_000);

const BATCH = 60;
const LINES_PER_INVOICE = 3;

type Child = ServeChild;

function startServe(dataDir: string): Promise<Child> {
  const env = { ...process.env };
  delete env.DATABASE_URL; // this test is about the embedded SQLite database
  return spawnServe(["--data", dataDir], env);
}

async function post(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return JSON.parse(await res.text());
}

const seller = SEED_ORGS[0];
// The child seeds with the secrets file it finds in its data directory (written before it starts).
const SECRETS = derivedSandboxSecrets("durability");
const cred = seedCredentials(seller, 0, SECRETS);
const sellerTaxId = seedTaxId(seller.taxIdBody);

async function login(url: string): Promise<string> {
  const t = await post(`${url}/api/getAppToken.do`, {
    appId: cred.appId,
    appSecret: cred.appSecret,
    accountId: cred.accountId,
  });
  const l = await post(`${url}/api/login.do`, {
    user: seller.user.username,
    apptoken: t.data.app_token,
    accountId: cred.accountId,
    usertype: "UserName",
  });
  return l.data.access_token as string;
}

function invoiceData(i: number) {
  const serial = `DUR-${String(i).padStart(4, "0")}`;
  return {
    serialNo: serial,
    invoiceType: "02",
    sellerName: seller.name,
    sellerTaxpayerId: sellerTaxId,
    buyerName: "广东蓝海采购有限公司",
    invoiceDetail: Array.from({ length: LINES_PER_INVOICE }, (_, k) => {
      const amount = new Dec(100 + i).add(new Dec(k).div(100));
      return {
        lineProperty: "0",
        goodsName: `测试商品${k + 1}`,
        revenueCode: "1060512990000000000",
        amount: new JsonDecimal(amount.toFixed(2)),
        taxRate: "0.13",
        taxAmount: new JsonDecimal(amount.mul("0.13").toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2)),
      };
    }),
  };
}

async function issue(url: string, token: string, i: number): Promise<any> {
  return post(`${url}/kapi/app/sim/openApi?access_token=${token}`, {
    requestId: String(1717212345678000 + i),
    businessSystemCode: "EXCEL_RED",
    interfaceCode: "ALLE.INVOICE.OPEN",
    data: await encodeData(invoiceData(i), { encoding: "base64" }),
  });
}

test("SIGKILL mid-batch loses no acknowledged invoice, leaves no half-written one, and a resend duplicates nothing", async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hc-durability-"));
  writeSecretsFile(dataDir, SECRETS);
  let child: Child | undefined;
  try {
    child = await startServe(dataDir);
    const token = await login(child.url);

    // Send the batch 4 at a time; kill the server once 15 answers are in.
    const acked = new Set<string>();
    const failed = new Set<string>();
    let next = 0;
    const first = child;
    const worker = async () => {
      while (next < BATCH) {
        const i = next++;
        const serial = invoiceData(i).serialNo;
        try {
          const r = await issue(first.url, token, i);
          if (r.success === true && r.data === serial) acked.add(serial);
          else failed.add(serial);
          if (acked.size === 15) first.proc.kill("SIGKILL");
        } catch {
          failed.add(serial); // connection reset by the kill: outcome unknown to the client
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    expect(await first.exited).toBeNull(); // killed by the signal, not exited
    expect(acked.size).toBeGreaterThanOrEqual(15);
    expect(acked.size).toBeLessThan(BATCH);

    // Restart on the same directory: the old token still works (tokens are durable too).
    child = await startServe(dataDir);
    const q = await post(`${child.url}/kapi/app/sim/openApi?access_token=${token}`, {
      requestId: "1",
      businessSystemCode: "EXCEL_RED",
      interfaceCode: "ALLE.INVOICE.QUERY",
      data: await encodeData({ serialNo: [...acked][0] }, { encoding: "base64" }),
    });
    expect(q.success).toBe(true);

    // Before any resend: every acknowledged invoice survived the kill, with the same number.
    const before = new Map<string, string>();
    for (const serial of acked) {
      const r = await post(`${child.url}/kapi/app/sim/openApi?access_token=${token}`, {
        requestId: "2",
        businessSystemCode: "EXCEL_RED",
        interfaceCode: "ALLE.INVOICE.QUERY",
        data: await encodeData({ serialNo: serial }, { encoding: "base64" }),
      });
      expect(r.success).toBe(true);
      const inv = JSON.parse(Buffer.from(r.data, "base64").toString("utf8"));
      expect(inv.invoiceDetail).toHaveLength(LINES_PER_INVOICE);
      before.set(serial, inv.invoiceNum);
    }
    const reader = await openDatabase({ dataDir, migrate: false });
    let survivedSerials: string[] = [];
    try {
      const survived = await reader.db
        .selectFrom("blue_invoices")
        .select(["id", "serial_no"])
        .where("serial_no", "like", "DUR-%")
        .execute();
      survivedSerials = survived.map((r) => r.serial_no as string);
      // Acknowledged ones plus at most the requests that were in flight (committed, answer lost).
      expect(survived.length).toBeGreaterThanOrEqual(acked.size);
      expect(survived.length).toBeLessThanOrEqual(acked.size + 4);
      for (const inv of survived) {
        const lines = await reader.db
          .selectFrom("blue_invoice_lines")
          .select("id")
          .where("invoice_id", "=", inv.id)
          .execute();
        expect(lines).toHaveLength(LINES_PER_INVOICE);
      }
    } finally {
      await reader.close();
    }

    // Resend everything (what a client does after a crash: same serialNo, never a new one). The
    // vendor answers 10127 for a serial it already holds (the caller then queries it), and issues
    // the rest.
    const token2 = await login(child.url);
    const answers = await Promise.all(Array.from({ length: BATCH }, (_, i) => issue(child!.url, token2, i)));
    const held = new Set(survivedSerials);
    for (const [i, a] of answers.entries()) {
      const serialNo = invoiceData(i).serialNo;
      if (held.has(serialNo)) expect(a).toMatchObject({ success: false, errorCode: "10127" });
      else expect(a).toMatchObject({ success: true, errorCode: "0", data: serialNo });
    }

    child.proc.kill("SIGTERM");
    expect(await child.exited).toBe(0);
    child = undefined;

    const db = await openDatabase({ dataDir });
    try {
      const invoices = await db.db
        .selectFrom("blue_invoices")
        .selectAll()
        .where("serial_no", "like", "DUR-%")
        .execute();
      expect(invoices).toHaveLength(BATCH);
      expect(new Set(invoices.map((i) => i.serial_no)).size).toBe(BATCH);
      expect(new Set(invoices.map((i) => i.invoice_no)).size).toBe(BATCH);
      for (const inv of invoices) {
        const lines = await db.db
          .selectFrom("blue_invoice_lines")
          .selectAll()
          .where("invoice_id", "=", inv.id)
          .execute();
        expect(lines).toHaveLength(LINES_PER_INVOICE);
        expect(lines.reduce((a, l) => a.add(l.amount), new Dec(0)).toFixed(2)).toBe(inv.amount);
        expect(lines.reduce((a, l) => a.add(l.tax_amount), new Dec(0)).toFixed(2)).toBe(inv.tax_amount);
        const i = Number((inv.serial_no as string).slice(4));
        expect(inv.amount).toBe(new Dec(100 + i).mul(3).add("0.03").toFixed(2));
      }
      const idem = await db.db
        .selectFrom("idempotency")
        .selectAll()
        .where("serial_no", "like", "DUR-%")
        .execute();
      expect(idem).toHaveLength(BATCH);
      expect(idem.every((r) => r.status === "done")).toBe(true);
      const audits = await db.db
        .selectFrom("audit")
        .select("entity_id")
        .where("entity", "=", "blue_invoices")
        .where("action", "=", "issue")
        .execute();
      const auditIds = new Set(audits.map((a) => a.entity_id));
      for (const inv of invoices) expect(auditIds.has(String(inv.id))).toBe(true);
      expect(audits.length).toBe(BATCH);
      for (const inv of invoices) {
        const was = before.get(inv.serial_no as string);
        if (was !== undefined) expect(inv.invoice_no).toBe(was);
      }
    } finally {
      await db.close();
    }
  } finally {
    if (child) child.proc.kill("SIGKILL");
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
