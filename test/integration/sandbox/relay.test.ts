/**
 * Relay mode (`hongchong serve --relay URL`): the REAL client talks to a relay gateway that forwards to
 * a second gateway running the sandbox (two servers on port 0: client → relay → sandbox). Auth, 2.2.04
 * and 4.02/4.03 go through unchanged; our HC.* extensions are refused with GW_SANDBOX_ONLY before
 * anything goes upstream; every relayed call is in the relay's audit table.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { buildServer } from "../../../src/server/app";
import { SettableClock } from "../../../src/server/clock";
import {
  type TestDb,
  type TestServer,
  TEST_NOW,
  account,
  openTestDb,
  startTestServer,
} from "../server/helpers";
import { startRelay } from "./relayHelpers";
import { TAXCTL_BLUES, clientFor, ext } from "./taxControlHelpers";

let sandbox: TestServer;
let relayDb: TestDb;
let relay: FastifyInstance;
let relayUrl: string;

beforeAll(async () => {
  sandbox = await startTestServer();
  relayDb = await openTestDb();
  relay = buildServer({
    db: relayDb.handle,
    mode: "relay",
    relay: { upstreamBaseUrl: sandbox.url, timeoutMs: 10_000 },
    clock: new SettableClock({ start: TEST_NOW, frozen: true }),
  });
  await relay.listen({ port: 0, host: "127.0.0.1" });
  const address = relay.server.address();
  relayUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(async () => {
  await relay.close();
  await relayDb.cleanup();
  await sandbox.close();
});

const relayAudit = () =>
  relayDb.handle.db.selectFrom("audit").selectAll().where("entity", "=", "relay").orderBy("id").execute();

test("client → relay → sandbox: auth, 2.2.04 and 4.02/4.03 work unchanged; extensions are refused; every call is audited", async () => {
  const taxctl = clientFor(sandbox, "taxctl", relayUrl);
  const T = account(sandbox, "taxctl").taxId;
  const health = await (await fetch(`${relayUrl}/health`)).json();
  expect(health).toMatchObject({ mode: "relay", ok: true });

  const login = await taxctl.login();
  expect(login.ok).toBe(true);

  const applied = await taxctl.applyRedInfoForm({
    serialNo: "RELAY-RIF-1",
    sellerTaxpayerId: T,
    applyType: "seller",
    originalInvoiceCode: TAXCTL_BLUES.eSpecial.code,
    originalInvoiceNumber: TAXCTL_BLUES.eSpecial.no,
    originalIssueTime: "2025-06-05 10:00:00",
    invoiceType: "028",
    buyerName: "广东蓝海采购有限公司",
    buyerTaxpayerId: account(sandbox, "buyer").taxId,
    invoiceDetail: [
      {
        goodsName: "钢材",
        revenueCode: "1080299000000000000",
        amount: "-100.00" as never,
        taxRate: "0.13",
        taxAmount: "-13.00" as never,
      },
    ],
  });
  expect(applied.ok).toBe(true);
  expect(applied.ok && applied.data).toMatchObject({ status: "审核成功", redAmount: "-100.00" });
  // It happened in the sandbox behind the relay, not in the relay's own database.
  const inSandbox = await sandbox.db.db
    .selectFrom("info_forms")
    .select("status")
    .where("serial_no", "=", "RELAY-RIF-1")
    .execute();
  expect(inSandbox).toEqual([{ status: "审核成功" }]);
  const inRelay = await relayDb.handle.db.selectFrom("info_forms").select("id").execute();
  expect(inRelay).toEqual([]);

  // A business refusal comes back as the sandbox worded it.
  const refused = await taxctl.downloadRedInfoForms({ taxNo: T, scope: "" });
  expect(refused.ok ? "" : refused.refusal.code).toBe("DOWNLOAD_SCOPE_REQUIRED");

  // rim family through the relay (errorCode "0000" passes through; the client reads it).
  const buyer = clientFor(sandbox, "buyer", relayUrl);
  const B = account(sandbox, "buyer").taxId;
  const start = await buyer.startInputCollection({
    taxNo: B,
    startDate: "2025-01-01",
    endDate: "2025-10-10",
  });
  expect(start.ok).toBe(true);
  const taskNo = start.ok ? start.data.taskNo : "";
  sandbox.clock.advance(5_000);
  const page = await buyer.queryInputCollection({ taxNo: B, taskNo, pageSize: 2 });
  expect(page.ok && [page.data.taskStatus, page.data.invoices.length]).toEqual(["success", 2]);

  // Our extensions exist only in the sandbox.
  const auditBefore = await sandbox.db.db.selectFrom("audit").select("id").execute();
  for (const spec of [ext.redInfoFormList, ext.inputPoolQuery, ext.redInfoFormRevoke]) {
    const r = await (spec.endpoint === "rim" ? buyer : taxctl).call(spec, {
      taxNo: spec.endpoint === "rim" ? B : T,
      serialNo: "RELAY-RIF-1",
    });
    expect(r.ok ? "" : r.refusal.code).toBe("GW_SANDBOX_ONLY");
    expect(r.ok ? "" : r.refusal.message).toBe("该功能仅在沙箱模式下可用");
  }
  // Nothing reached the sandbox for them (its audit log did not grow, the form is not revoked).
  expect(await sandbox.db.db.selectFrom("audit").select("id").execute()).toHaveLength(auditBefore.length);
  expect(
    (
      await sandbox.db.db
        .selectFrom("info_forms")
        .select("status")
        .where("serial_no", "=", "RELAY-RIF-1")
        .executeTakeFirstOrThrow()
    ).status
  ).toBe("审核成功");

  // Every relayed call is audited: path, interfaceCode, status, errorCode — never tokens or data.
  const rows = await relayAudit();
  const actions = rows.map((r) => r.action);
  expect(actions).toEqual([
    "/api/getAppToken.do",
    "/api/login.do",
    "REDINFOBILL.APPLY",
    "REDINFOBILL.DOWNLOAD",
    "/api/getAppToken.do",
    "/api/login.do",
    "invoiceHeaderCollect",
    "invoiceHeaderCollectResult",
    "HC.REDINFOBILL.LIST",
    "HC.INPUTPOOL.QUERY",
    "HC.REDINFOBILL.REVOKE",
  ]);
  const byAction = (a: string) => JSON.parse(rows.find((r) => r.action === a)!.after_json!);
  expect(byAction("REDINFOBILL.APPLY")).toMatchObject({
    path: "/kapi/app/sim/openApi",
    status: 200,
    errorCode: "0",
  });
  expect(byAction("REDINFOBILL.DOWNLOAD")).toMatchObject({
    status: 200,
    refusalCode: "DOWNLOAD_SCOPE_REQUIRED",
  });
  expect(byAction("invoiceHeaderCollect")).toMatchObject({
    path: "/kapi/app/rim/deduction",
    errorCode: "0000",
  });
  expect(byAction("HC.REDINFOBILL.LIST")).toMatchObject({ status: null, refusalCode: "GW_SANDBOX_ONLY" });
  expect(rows.every((r) => r.actor === "relay" && r.org_id === null)).toBe(true);
  const texts = rows.map((r) => r.after_json ?? "").join("\n");
  expect(texts).not.toMatch(/access_token|appSecret|RELAY-RIF-1/);
});

test("an unreachable upstream answers GW_RELAY_FAILED in the envelope, and is audited", async () => {
  const deadDb = await openTestDb();
  const dead = buildServer({
    db: deadDb.handle,
    mode: "relay",
    relay: { upstreamBaseUrl: "http://127.0.0.1:9", timeoutMs: 2_000 },
  });
  await dead.listen({ port: 0, host: "127.0.0.1" });
  try {
    const address = dead.server.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    const client = clientFor(sandbox, "taxctl", url);
    const r = await client.login();
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.refusal.code).toBe("GW_AUTH_FAILED");
    expect(r.ok ? "" : r.refusal.message).toContain("转发到发票云失败");
    const rows = await deadDb.handle.db
      .selectFrom("audit")
      .selectAll()
      .where("entity", "=", "relay")
      .execute();
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0].after_json!)).toMatchObject({
      path: "/api/getAppToken.do",
      refusalCode: "GW_RELAY_FAILED",
    });
  } finally {
    await dead.close();
    await deadDb.cleanup();
  }
});

test("the relay forwards the body, query and token/detail headers byte for byte, and answers the upstream's status, type and bytes unchanged", async () => {
  // An upstream that records what reached it and answers with a status, type and bytes of its own.
  const seen: Array<{ url: string; headers: http.IncomingHttpHeaders; body: Buffer }> = [];
  // A byte that is not UTF-8 (0xff, inside the message) must reach the client as it is.
  const answer = Buffer.concat([
    Buffer.from('{"errorCode":"0","message":"好'),
    Buffer.from([0xff]),
    Buffer.from('","x":0.10}\n'),
  ]);
  const upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(202, { "content-type": "application/json;charset=GBK" });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const r = await startRelay(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}/tenant/`);
  try {
    // Spacing, key order, a numeric requestId, 0.10 and 1.0E2 in a raw `data` object, a non-ASCII string:
    // re-serialising the parsed body would change every one of them.
    const sent =
      '{ "requestId" : 1733212345,\n  "interfaceCode":"REDINFOBILL.APPLY", "businessSystemCode":"X",' +
      ' "data":{"amount":0.10,"q":1.0E2,"name":"钢材\\u00e9"} }';
    const res = await fetch(`${r.url}/kapi/app/sim/openApi?access_token=TOK-Q&x=1`, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        access_token: "TOK-H",
        "x-hongchong-detail": "1",
        "x-other": "not forwarded",
      },
      body: sent,
    });
    expect(res.status).toBe(202);
    expect(res.headers.get("content-type")).toBe("application/json;charset=GBK");
    expect(Buffer.from(await res.arrayBuffer()).equals(answer)).toBe(true);

    expect(seen).toHaveLength(1);
    expect(seen[0].url).toBe("/tenant/kapi/app/sim/openApi?access_token=TOK-Q&x=1");
    expect(seen[0].body.equals(Buffer.from(sent, "utf8"))).toBe(true);
    expect([
      seen[0].headers["content-type"],
      seen[0].headers["access_token"],
      seen[0].headers["x-hongchong-detail"],
      seen[0].headers["x-other"],
    ]).toEqual(["application/json; charset=utf-8", "TOK-H", "1", undefined]);

    // The audit row: the path, the code, the status — none of the token, the query or the data.
    const rows = await r.auditRows();
    expect(rows.map((x) => [x.action, x.entity_id])).toEqual([["REDINFOBILL.APPLY", "1733212345"]]);
    expect(JSON.parse(rows[0].after_json!)).toEqual({
      path: "/kapi/app/sim/openApi",
      interfaceCode: "REDINFOBILL.APPLY",
      upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/tenant`,
      status: 202,
      errorCode: "0",
    });
    expect(JSON.stringify(rows)).not.toMatch(/TOK-|钢材|amount|0\.10/);
  } finally {
    await r.close();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  }
});
