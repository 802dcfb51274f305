/**
 * Callback registration in the sandbox (发票云: 系统管理 → 业务系统): an organisation registers the URL of
 * its business system over HTTP with its own token, and 2.1.02 callbacks for that businessSystemCode go
 * there. Another organisation's token neither sees nor changes it; bad URLs are refused.
 */
import { DETAIL_HEADER } from "../../../src/gateway/assumptions";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { CallbackDispatcher } from "../../../src/server/callbacks";
import { type TestServer, accessToken, account, startTestServer } from "../server/helpers";
import { clientFor, issueBlue, value } from "./confirmFormsHelpers";

let server: TestServer;
let receiver: http.Server;
let receiverUrl: string;
const received: Array<{ interfaceCode: string; returnCode: string }> = [];

async function put(path: string, token: string, body: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method: "PUT",
    headers: { "content-type": "application/json", access_token: token, [DETAIL_HEADER]: "1" },
    body: JSON.stringify(body),
  });
  return (await res.json()) as { success: boolean; errorCode: string; message: string; data?: unknown };
}

async function get(path: string, token: string) {
  const res = await fetch(`${server.url}${path}`, { headers: { access_token: token } });
  return (await res.json()) as { success: boolean; errorCode: string; data?: unknown };
}

beforeAll(async () => {
  server = await startTestServer();
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      received.push({ interfaceCode: body.interfaceCode, returnCode: body.returnCode });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "回调成功", errorCode: "0", success: true }));
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  await server.close();
});

test("an organisation registers its callback URL and receives INVOICE.RED there", async () => {
  const token = await accessToken(server, account(server, "seller"));
  const saved = await put("/sandbox/callbacks", token, { businessSystemCode: "ERP_HOOK", url: receiverUrl });
  expect(saved).toMatchObject({
    success: true,
    data: [{ businessSystemCode: "ERP_HOOK", url: receiverUrl }],
  });

  const seller = clientFor(server, "seller", "ERP_HOOK");
  const sellerTax = account(server, "seller").taxId;
  const blueNo = await issueBlue(seller, server, "REG-BLUE-0001");
  value(
    await seller.redFlushDigital({
      serialNo: "REG-RED-0001",
      invoiceNum: blueNo,
      redReason: seller.reasonCode("开票有误", "2.1.04") as string,
      invoiceType: "01",
      sellerTaxpayerId: sellerTax,
    })
  );
  await new CallbackDispatcher({
    db: server.db.db,
    clock: server.clock,
    policy: server.callbackPolicy,
  }).runOnce();
  expect(received.map((r) => r.interfaceCode).sort()).toEqual(["INVOICE.OPEN", "INVOICE.RED"]);
  expect(received.every((r) => r.returnCode === "0")).toBe(true);
});

test("another organisation neither sees nor overwrites it", async () => {
  const buyerToken = await accessToken(server, account(server, "buyer"));
  expect((await get("/sandbox/callbacks", buyerToken)).data).toEqual([]);
  await put("/sandbox/callbacks", buyerToken, {
    businessSystemCode: "ERP_HOOK",
    url: "http://127.0.0.1:9/other",
  });
  const sellerToken = await accessToken(server, account(server, "seller"));
  expect((await get("/sandbox/callbacks", sellerToken)).data).toEqual([
    { businessSystemCode: "ERP_HOOK", url: receiverUrl },
  ]);
});

test("refuses a missing token and a URL that is not http(s), storing nothing", async () => {
  const noToken = await put("/sandbox/callbacks", "", { businessSystemCode: "X", url: "http://127.0.0.1/x" });
  expect(noToken).toMatchObject({ success: false, refusalCode: "GW_ADMIN_UNAUTHORIZED" });
  const token = await accessToken(server, account(server, "taxctl"));
  const bad = await put("/sandbox/callbacks", token, { businessSystemCode: "X", url: "ftp://example/x" });
  expect(bad.success).toBe(false);
  expect(bad.message).toMatch(/[\u4e00-\u9fa5]/);
  expect((await get("/sandbox/callbacks", token)).data).toEqual([]);
});
