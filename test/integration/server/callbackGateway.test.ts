/**
 * startGateway's callback policy (issue 11 D2), one policy for registration and delivery: by default
 * PUT /sandbox/callbacks refuses metadata, loopback and private addresses and the dispatcher refuses
 * a loopback callback queued anyway; with loopback allowed (`serve --allow-loopback-callbacks`) the
 * gateway's own listening origin stays refused.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DETAIL_HEADER } from "../../../src/gateway/assumptions";
import { type RunningGateway, startGateway } from "../../../src/server";
import { sandboxAccounts } from "../../../src/server/sandbox/seed";
import { type TestServer, TEST_SECRETS, accessToken } from "./helpers";
import { type Receiver, callbackRow, queueCallback, startReceiver } from "./callbackHelpers";

const started: Array<{ gw: RunningGateway; dir: string }> = [];

async function gateway(allowLoopback: boolean): Promise<{ gw: RunningGateway; token: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hc-cbgw-"));
  const gw = await startGateway({
    port: 0,
    dataDir: dir,
    logger: false,
    callbackIntervalMs: 0,
    secrets: TEST_SECRETS,
    ...(allowLoopback ? { callbackPolicy: { allowLoopback: true } } : {}),
  });
  started.push({ gw, dir });
  const seller = (await sandboxAccounts(gw.db.db, TEST_SECRETS)).find((a) => a.appId === "hcsbx_seller");
  if (!seller) throw new Error("no seller account");
  return { gw, token: await accessToken({ url: gw.url } as TestServer, seller) };
}

async function register(gw: RunningGateway, token: string, url: string) {
  const res = await fetch(`${gw.url}/sandbox/callbacks`, {
    method: "PUT",
    headers: { "content-type": "application/json", access_token: token, [DETAIL_HEADER]: "1" },
    body: JSON.stringify({ businessSystemCode: "ERP", url }),
  });
  return (await res.json()) as {
    success: boolean;
    message: string;
    refusalCode?: string;
    refusalField?: string;
  };
}

let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver.close();
  for (const { gw, dir } of started) {
    await gw.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("by default: metadata, loopback and private URLs are refused at registration, a public one is kept", async () => {
  const { gw, token } = await gateway(false);
  for (const [url, why] of [
    ["http://169.254.169.254/latest/meta-data/", "云元数据"],
    ["http://0x7f000001:9000/hook", "不能指向本机"],
    [receiver.url, "不能指向本机"],
    ["http://192.168.1.10/hook", "内网"],
    ["https://user:pass@erp.example.com/hook", "用户名或密码"],
    [`${gw.url}/sandbox/clock`, "网关自身"],
  ] as const) {
    const r = await register(gw, token, url);
    expect(r).toMatchObject({
      success: false,
      refusalCode: "GW_CALLBACK_URL_FORBIDDEN",
      refusalField: "url",
    });
    expect(r.message).toContain(why);
  }
  expect((await register(gw, token, "https://erp.example.com/hook")).success).toBe(true);

  // A loopback callback queued before the policy existed is refused at delivery, not sent.
  const id = await queueCallback(gw.db.db, receiver.url, gw.clock.now());
  expect(await gw.dispatcher.runOnce()).toBe(0);
  expect(receiver.connections).toBe(0);
  expect((await callbackRow(gw.db.db, id)).last_error).toContain("不能指向本机");
});

test("loopback allowed: a 127.0.0.1 receiver is registered and reached, the gateway itself is not", async () => {
  const { gw, token } = await gateway(true);
  expect((await register(gw, token, receiver.url)).success).toBe(true);
  for (const own of [`${gw.url}/sandbox/clock`, gw.url.replace("127.0.0.1", "localhost")]) {
    const r = await register(gw, token, own);
    expect(r).toMatchObject({ success: false, refusalCode: "GW_CALLBACK_URL_FORBIDDEN" });
    expect(r.message).toContain("网关自身");
  }
  const id = await queueCallback(gw.db.db, receiver.url, gw.clock.now());
  expect(await gw.dispatcher.runOnce()).toBe(1);
  expect(await callbackRow(gw.db.db, id)).toMatchObject({ status: "acked" });
});
