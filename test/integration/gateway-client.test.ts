/**
 * The gateway client against a local fake invoice cloud (node http on 127.0.0.1, port 0):
 * auth and token caching, envelope quirks, exact decimals, retries and refusal mapping.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Dec } from "../../src/domain/money";
import { refusalMessage } from "../../src/domain/refusals";
import { GatewayConfig, createGatewayClient } from "../../src/gateway/client";
import { aesGcmEncrypt, decodeData } from "../../src/gateway/codec";
import { parseJsonExact } from "../../src/gateway/json";

const TWO_HOURS = 2 * 60 * 60 * 1000;

interface Received {
  readonly path: string;
  readonly queryToken: string | null;
  readonly headerToken: string | undefined;
  readonly body: string;
}

/** What the fake cloud does with one business request. */
type Reply = { status?: number; body: unknown | string } | "destroy" | "hang";

interface FakeCloud {
  baseUrl: string;
  clock: { now: number };
  received: Received[];
  appTokenCalls: number;
  loginCalls: number;
  authFailure?: string;
  /** Business handler; defaults to success with empty data. */
  handler: (req: Received, n: number) => Reply | Promise<Reply>;
  close(): Promise<void>;
}

function bodyText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

async function startFakeCloud(): Promise<FakeCloud> {
  const hanging: http.ServerResponse[] = [];
  const cloud: FakeCloud = {
    baseUrl: "",
    clock: { now: Date.UTC(2024, 5, 1, 2, 0, 0) },
    received: [],
    appTokenCalls: 0,
    loginCalls: 0,
    handler: () => ({ body: { errorCode: "0", success: true, message: "" } }),
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const url = new URL(req.url ?? "/", "http://x");
        const body = Buffer.concat(chunks).toString("utf8");
        const path = url.pathname.replace(/^\/tenant1/, "");
        const send = (status: number, payload: unknown) => {
          res.writeHead(status, { "Content-Type": "application/json;charset=UTF-8" });
          res.end(bodyText(payload));
        };
        if (path === "/api/getAppToken.do") {
          cloud.appTokenCalls++;
          if (cloud.authFailure) {
            return send(200, {
              data: { success: false, error_desc: cloud.authFailure, error_code: "1" },
              state: "fail",
            });
          }
          return send(200, {
            data: {
              app_token: `app-${cloud.appTokenCalls}`,
              success: true,
              error_desc: "",
              expire_time: cloud.clock.now + TWO_HOURS,
              error_code: "0",
            },
            state: "success",
            status: true,
          });
        }
        if (path === "/api/login.do") {
          cloud.loginCalls++;
          const parsed = JSON.parse(body) as Record<string, string>;
          expect(parsed).toMatchObject({
            user: "13800000000",
            usertype: "Mobile",
            accountId: "1742050739649250304",
          });
          return send(200, {
            data: {
              access_token: `1742050739649250304_acc${cloud.loginCalls}`,
              success: true,
              expire_time: cloud.clock.now + TWO_HOURS,
              error_code: "0",
            },
            state: "success",
          });
        }
        if (path === "/api/logout.do")
          return send(200, { data: { success: true, error_code: "0" }, state: "success" });
        const r: Received = {
          path,
          queryToken: url.searchParams.get("access_token"),
          headerToken: req.headers["access_token"] as string | undefined,
          body,
        };
        cloud.received.push(r);
        const reply = await cloud.handler(r, cloud.received.length);
        if (reply === "destroy") return req.socket.destroy();
        if (reply === "hang") return void hanging.push(res);
        send(reply.status ?? 200, reply.body);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  cloud.baseUrl = `http://127.0.0.1:${port}/tenant1/`;
  cloud.close = () =>
    new Promise<void>((resolve) => {
      hanging.forEach((res) => res.destroy());
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return cloud;
}

let cloud: FakeCloud;
let sleeps: number[];

beforeEach(async () => {
  cloud = await startFakeCloud();
  sleeps = [];
});
afterEach(async () => {
  await cloud.close();
});

function makeClient(overrides: Partial<GatewayConfig> = {}) {
  return createGatewayClient({
    baseUrl: cloud.baseUrl,
    appId: "app-id",
    appSecret: "app-secret",
    accountId: "1742050739649250304",
    user: "13800000000",
    userType: "Mobile",
    businessSystemCode: "EXCEL_RED",
    encoding: "base64",
    timeoutMs: 2000,
    retries: 3,
    backoffBaseMs: 100,
    now: () => cloud.clock.now,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  });
}

const envelopeOf = (r: Received) => JSON.parse(r.body) as Record<string, string>;
const wirePayloadOf = (r: Received) => Buffer.from(envelopeOf(r).data, "base64").toString("utf8");
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

const RED_REQUEST = {
  serialNo: "HC-RED-20240601-7F3K9Q2M",
  invoiceNum: "24330000000012345678",
  redReason: "02",
  invoiceType: "01" as const,
  sellerTaxpayerId: "91330100MA2TEST01X",
  govRedConfirmBillUuid: "5f0c2b7e9a1d4c3e8b6a7d9e0f1a2b3c",
  redInfoBillNo: "4403000000000001",
  invoiceDetail: [
    {
      lineProperty: "0" as const,
      originalSeq: 0,
      originaldetailRowNo: "1",
      goodsName: "信息技术服务",
      revenueCode: "3040201010000000000",
      quantity: new Dec("-1"),
      price: new Dec("50"),
      amount: new Dec("-50"),
      taxRate: "0.06",
      taxAmount: new Dec("-3"),
    },
  ],
};

describe("envelope and encoding on the wire", () => {
  it("posts the §1.3 envelope to the sim endpoint with the token in query and header", async () => {
    cloud.handler = () => ({
      body: { errorCode: "0", success: true, message: "", data: "HC-RED-20240601-7F3K9Q2M" },
    });
    const client = makeClient();
    const r = await client.redFlushDigital(RED_REQUEST);
    expect(r).toMatchObject({
      ok: true,
      data: { kind: "accepted", serialNo: "HC-RED-20240601-7F3K9Q2M" },
      attempts: 1,
    });

    expect(cloud.received).toHaveLength(1);
    const got = cloud.received[0];
    expect(got.path).toBe("/kapi/app/sim/openApi");
    expect(got.queryToken).toBe("1742050739649250304_acc1");
    expect(got.headerToken).toBe("1742050739649250304_acc1");
    const env = envelopeOf(got);
    expect(Object.keys(env)).toEqual(["requestId", "businessSystemCode", "interfaceCode", "data"]);
    expect(env.requestId).toMatch(new RegExp(`^${cloud.clock.now}\\d{3}$`));
    expect(env).toMatchObject({ businessSystemCode: "EXCEL_RED", interfaceCode: "ALLE.INVOICE.RED" });
    expect(wirePayloadOf(got)).toBe(
      '{"serialNo":"HC-RED-20240601-7F3K9Q2M","invoiceNum":"24330000000012345678","redReason":"02","invoiceType":"01",' +
        '"sellerTaxpayerId":"91330100MA2TEST01X","govRedConfirmBillUuid":"5f0c2b7e9a1d4c3e8b6a7d9e0f1a2b3c",' +
        '"redInfoBillNo":"4403000000000001","invoiceDetail":[{"lineProperty":"0","originalSeq":0,' +
        '"originaldetailRowNo":"1","goodsName":"信息技术服务","revenueCode":"3040201010000000000","quantity":-1,' +
        '"price":50,"amount":-50.00,"taxRate":"0.06","taxAmount":-3.00}]}'
    );
  });

  it("decodes a base64 response keeping -106.00 and 20-digit numbers exact", async () => {
    const payload =
      '{"serialNo":"RED-1","invoiceNum":"24330000000087654321","invoiceStatus":"0","includeTaxAmount":-106.00,' +
      '"totalAmount":-100.00,"invoiceDetail":[{"amount":-100.00,"taxRate":0.06,"quantity":-1.0000000000001}]}';
    cloud.handler = () => ({
      body: `{"errorCode":"0","success":true,"errorMsg":"","data":"${b64(payload)}"}`,
    });
    const r = await makeClient().queryInvoice({ serialNo: "RED-1" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data).toMatchObject({
      invoiceNum: "24330000000087654321",
      includeTaxAmount: "-106.00",
      totalAmount: "-100.00",
      invoiceDetail: [{ amount: "-100.00", taxRate: "0.06", quantity: "-1.0000000000001" }],
    });
  });

  it('reads success:"true" and a plain-object data (2.1.13 example)', async () => {
    cloud.handler = () => ({
      body:
        '{"errorCode":"0","success":"true","message":"","data":{"pageNo":1,"pageSize":20,"totalElement":1,' +
        '"dataList":[{"govRedConfirmBillUuid":"5f0c","redConfirmBillStatus":"02","redInfoBillNo":"4403000000000001",' +
        '"redConfirmEnterDate":"2024-03-05 09:30:00"}]}}',
    });
    const r = await makeClient().queryRedConfirmBills({ taxpayerId: "91330100MA2TEST01X", identity: "0" });
    expect(r).toMatchObject({
      ok: true,
      data: {
        pageNo: "1",
        totalElement: "1",
        dataList: [{ redConfirmBillStatus: "02", redInfoBillNo: "4403000000000001" }],
      },
    });
  });

  it('uses the rim endpoint for 4.02 and accepts errorCode "0000" without success', async () => {
    cloud.handler = () => ({
      body: { errorCode: "0000", message: "", data: b64('{"taskNo":"T202406010001"}') },
    });
    const r = await makeClient().startInputCollection({
      taxNo: "91330100MA2TEST01X",
      startDate: "2024-05-01",
      endDate: "2024-05-31",
    });
    expect(r).toMatchObject({ ok: true, data: { taskNo: "T202406010001" } });
    expect(cloud.received[0].path).toBe("/kapi/app/rim/deduction");
    expect(envelopeOf(cloud.received[0]).interfaceCode).toBe("invoiceHeaderCollect");
  });

  it("honours interfaceOverrides", async () => {
    const client = makeClient({
      interfaceOverrides: { "2.1.09": { interfaceCode: "ALLE.REDCONFIRMBILL.CONFIRM" } },
    });
    cloud.handler = () => ({
      body: {
        errorCode: "0",
        success: true,
        message: "确认成功",
        data: b64('{"redConfirmBillStatus":"04"}'),
      },
    });
    const r = await client.confirmRedConfirmBill({
      taxNo: "91440300MA5TEST02Y",
      number: "4403000000000001",
      enteridentity: "1",
      qrlx: "Y",
    });
    expect(r).toMatchObject({ ok: true, data: { redConfirmBillStatus: "04" }, message: "确认成功" });
    expect(envelopeOf(cloud.received[0]).interfaceCode).toBe("ALLE.REDCONFIRMBILL.CONFIRM");
  });

  it("AES mode: encrypted request and response, exact decimals", async () => {
    const password = "tenant-aes-key";
    cloud.handler = async (req) => {
      const decoded = await decodeData(envelopeOf(req).data, {
        encoding: "aes",
        aesPassword: password,
        lenient: false,
      });
      expect(decoded).toMatchObject({
        kind: "json",
        via: "aes",
        value: { orderNo: "RCB-1", redReason: "2" },
      });
      const reply = await aesGcmEncrypt(
        '{"redInfoBillNo":"4403000000000001","govRedConfirmBillUuid":"u1","redConfirmBillStatus":"01"}',
        password
      );
      return { body: { errorCode: "0", success: true, message: "", data: reply } };
    };
    const client = makeClient({ encoding: "aes", aesPassword: password });
    const r = await client.applyRedConfirmBill({
      orderNo: "RCB-1",
      invoiceNo: "24330000000012345678",
      redReason: client.reasonCode("销货退回", "2.1.03") ?? "",
    });
    expect(r).toMatchObject({
      ok: true,
      data: { redInfoBillNo: "4403000000000001", govRedConfirmBillUuid: "u1", redConfirmBillStatus: "01" },
    });
    // Not base64 of JSON: the wire really is ciphertext.
    expect(wirePayloadOf(cloud.received[0]).startsWith("{")).toBe(false);
  });
});

describe("2.1.04 outcomes", () => {
  it("a bill awaiting the buyer means nothing was issued (success:false + bill data)", async () => {
    cloud.handler = () => ({
      body: {
        errorCode: "10301",
        success: false,
        message: "红字确认单状态为销方录入待购方确认，未开具发票",
        data: b64(
          '{"redInfoBillNo":"4403000000000001","govRedConfirmBillUuid":"5f0c","redConfirmBillStatus":"02"}'
        ),
      },
    });
    const r = await makeClient().redFlushDigital({ ...RED_REQUEST, invoiceDetail: undefined });
    expect(r).toMatchObject({
      ok: true,
      data: {
        kind: "awaitingConfirmation",
        bill: { redInfoBillNo: "4403000000000001", redConfirmBillStatus: "02" },
        message: "红字确认单状态为销方录入待购方确认，未开具发票",
      },
      attempts: 1,
    });
  });

  it("a success carrying an invoiceable bill is accepted with the request's serial", async () => {
    cloud.handler = () => ({
      body: {
        errorCode: "0",
        success: true,
        data: b64('{"redInfoBillNo":"1","govRedConfirmBillUuid":"g","redConfirmBillStatus":"01"}'),
      },
    });
    const r = await makeClient().redFlushDigital(RED_REQUEST);
    expect(r).toMatchObject({
      ok: true,
      data: { kind: "accepted", serialNo: RED_REQUEST.serialNo, bill: { redConfirmBillStatus: "01" } },
    });
  });
});

describe("tokens", () => {
  it("caches the token and refreshes ahead of expire_time (60 s margin)", async () => {
    const client = makeClient();
    await client.queryInvoice({ serialNo: "A" }).catch(() => undefined);
    await client.call("4.1.04", { serialNo: "B" });
    expect(cloud.appTokenCalls).toBe(1);
    expect(cloud.loginCalls).toBe(1);

    cloud.clock.now += TWO_HOURS - 61_000; // 61 s before expiry: still fresh
    await client.call("4.1.04", { serialNo: "C" });
    expect(cloud.loginCalls).toBe(1);

    cloud.clock.now += 2_000; // 59 s before expiry: refresh ahead
    await client.call("4.1.04", { serialNo: "D" });
    expect(cloud.loginCalls).toBe(2);
    expect(cloud.appTokenCalls).toBe(2);
    expect(cloud.received.map((r) => r.queryToken)).toEqual([
      "1742050739649250304_acc1",
      "1742050739649250304_acc1",
      "1742050739649250304_acc1",
      "1742050739649250304_acc2",
    ]);
  });

  it("concurrent calls share one login", async () => {
    const client = makeClient();
    await Promise.all([client.call("4.1.04", { serialNo: "A" }), client.call("4.1.04", { serialNo: "B" })]);
    expect(cloud.loginCalls).toBe(1);
  });

  it("refreshes once on a token-expired answer and re-sends the same body", async () => {
    cloud.handler = (req) =>
      req.queryToken?.endsWith("acc1")
        ? { body: { errorCode: "401", success: false, message: "access_token已过期" } }
        : { body: { errorCode: "0", success: true, message: "撤销成功" } };
    const r = await makeClient().revokeRedConfirmBill({
      taxNo: "91330100MA2TEST01X",
      number: "4403000000000001",
      enteridentity: "0",
      qrlx: "C",
    });
    expect(r).toMatchObject({ ok: true, message: "撤销成功", attempts: 2 });
    expect(cloud.loginCalls).toBe(2);
    expect(cloud.received).toHaveLength(2);
    expect(cloud.received[1].body).toBe(cloud.received[0].body);
    expect(cloud.received[1].queryToken).toBe("1742050739649250304_acc2");
  });

  it("gives up with GW_TOKEN_EXPIRED when the fresh token is refused too", async () => {
    cloud.handler = () => ({ body: { errorCode: "0", success: false, message: "token无效" } });
    const r = await makeClient().call("4.1.04", { serialNo: "A" });
    expect(r).toMatchObject({ ok: false, refusal: { code: "GW_TOKEN_EXPIRED" }, attempts: 2 });
    expect(cloud.loginCalls).toBe(2);
  });

  it("maps an auth refusal to GW_AUTH_FAILED without calling the business endpoint", async () => {
    cloud.authFailure = "appSecret错误";
    const r = await makeClient().call("2.1.13", {});
    expect(r).toMatchObject({ ok: false, refusal: { code: "GW_AUTH_FAILED" } });
    expect(!r.ok && r.refusal.message).toBe(refusalMessage("GW_AUTH_FAILED", { message: "appSecret错误" }));
    expect(cloud.received).toHaveLength(0);
  });

  it("login / logout", async () => {
    const client = makeClient();
    const l = await client.login();
    expect(l).toMatchObject({
      ok: true,
      data: { accessToken: "1742050739649250304_acc1", expiresAt: cloud.clock.now + TWO_HOURS },
    });
    expect((await client.logout()).ok).toBe(true);
    await client.call("4.1.04", { serialNo: "A" });
    expect(cloud.loginCalls).toBe(2);
  });
});

describe("retries: only network failures and timeouts", () => {
  it("retries a dropped connection with backoff, re-sending the identical body (same serialNo)", async () => {
    cloud.handler = (_req, n) =>
      n <= 2 ? "destroy" : { body: { errorCode: "0", success: true, data: "HC-RED-20240601-7F3K9Q2M" } };
    const r = await makeClient().redFlushDigital(RED_REQUEST);
    expect(r).toMatchObject({
      ok: true,
      attempts: 3,
      data: { kind: "accepted", serialNo: RED_REQUEST.serialNo },
    });
    expect(cloud.received).toHaveLength(3);
    const bodies = new Set(cloud.received.map((x) => x.body));
    expect(bodies.size).toBe(1);
    expect(JSON.parse(wirePayloadOf(cloud.received[2])).serialNo).toBe(RED_REQUEST.serialNo);
    // equal jitter with random()=0.5: 0.75 × 100, 0.75 × 200
    expect(sleeps).toEqual([75, 150]);
  });

  it("retries a timeout, then reports GW_TIMEOUT when retries are spent", async () => {
    cloud.handler = (_req, n) => (n === 1 ? "hang" : { body: { errorCode: "0", success: true } });
    const ok = await makeClient({ timeoutMs: 150 }).call("4.1.04", { serialNo: "A" });
    expect(ok).toMatchObject({ ok: true, attempts: 2 });

    cloud.received.length = 0;
    cloud.handler = () => "hang";
    const r = await makeClient({ timeoutMs: 100, retries: 1 }).call("4.1.04", { serialNo: "A" });
    expect(r).toMatchObject({ ok: false, refusal: { code: "GW_TIMEOUT" }, attempts: 2 });
    expect(cloud.received).toHaveLength(2);
  });

  it("reports GW_NETWORK when nothing listens", async () => {
    const client = makeClient({ retries: 2 });
    await client.login();
    await cloud.close();
    const r = await client.call("4.1.04", { serialNo: "A" });
    expect(r).toMatchObject({ ok: false, refusal: { code: "GW_NETWORK" }, attempts: 3 });
    expect(sleeps).toEqual([75, 150]);
  });

  it("never retries a business refusal", async () => {
    cloud.handler = () => ({ body: { errorCode: "30001", success: false, message: "开票点未配置" } });
    const r = await makeClient().call("4.1.04", { serialNo: "A" });
    expect(r).toMatchObject({
      ok: false,
      errorCode: "30001",
      attempts: 1,
      refusal: { code: "GW_BUSINESS_ERROR", message: "发票云返回错误：开票点未配置（错误码 30001）" },
    });
    expect(cloud.received).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("maps duplicate serial 10127 to GW_DUPLICATE_SERIAL, not retried", async () => {
    cloud.handler = () => ({ body: { errorCode: "10127", success: false, message: "流水号重复" } });
    const r = await makeClient().redFlushDigital(RED_REQUEST);
    expect(r).toMatchObject({ ok: false, attempts: 1, refusal: { code: "GW_DUPLICATE_SERIAL" } });
    expect(!r.ok && r.refusal.message).toContain(RED_REQUEST.serialNo);
  });

  it("does not retry an HTTP 503 and maps it to GW_SERVER_ERROR", async () => {
    cloud.handler = () => ({ status: 503, body: "<html>busy</html>" });
    const r = await makeClient().call("4.1.04", { serialNo: "A" });
    expect(r).toMatchObject({
      ok: false,
      attempts: 1,
      refusal: { code: "GW_SERVER_ERROR", params: { status: 503 } },
    });
  });

  it("a non-JSON 200 is GW_BAD_RESPONSE", async () => {
    cloud.handler = () => ({ body: "OK" });
    expect(await makeClient().call("4.1.04", {})).toMatchObject({
      ok: false,
      refusal: { code: "GW_BAD_RESPONSE" },
    });
  });

  it("maps our refusalCode extension and domain messages back to domain codes", async () => {
    cloud.handler = (_req, n) =>
      n === 1
        ? { body: { errorCode: "1", success: false, message: "开票有误仅支持全额红冲" } }
        : {
            body: {
              errorCode: "1",
              success: false,
              message: "请求数据不合法：x",
              refusalCode: "GW_VALIDATION",
              refusalParams: { detail: "x" },
            },
          };
    const client = makeClient();
    expect(await client.call("2.1.04", { serialNo: "S1" })).toMatchObject({
      ok: false,
      refusal: { code: "ISSUE_ERROR_FULL_ONLY" },
    });
    expect(await client.call("2.1.04", { serialNo: "S2" })).toMatchObject({
      ok: false,
      refusal: { code: "GW_VALIDATION", message: "请求数据不合法：x" },
    });
  });
});

describe("refused before sending", () => {
  it("unknown interface, float money, serial mismatch, missing AES key", async () => {
    const client = makeClient();
    expect(await client.call("9.9.99" as "2.1.04", {})).toMatchObject({
      ok: false,
      refusal: { code: "GW_UNKNOWN_INTERFACE" },
    });
    expect(await client.call("2.1.04", { serialNo: "S", amount: 0.1 })).toMatchObject({
      ok: false,
      refusal: { code: "GW_VALIDATION" },
    });
    expect(await client.call("2.1.04", { serialNo: "S1" }, { serialNo: "S2" })).toMatchObject({
      ok: false,
      refusal: { code: "GW_VALIDATION" },
    });
    expect(await makeClient({ encoding: "aes" }).call("2.1.04", {})).toMatchObject({
      ok: false,
      refusal: { code: "GW_CONFIG_INVALID" },
    });
    expect(cloud.received).toHaveLength(0);
    expect(cloud.loginCalls).toBe(0);
  });
});

describe("exact parsing of the envelope itself", () => {
  it("does not pass plain-object data through JSON.parse", async () => {
    cloud.handler = () => ({
      body: '{"errorCode":"0","success":true,"data":{"serialNo":"X","includeTaxAmount":12345678901234567.89}}',
    });
    const r = await makeClient().queryInvoice({ serialNo: "X" });
    expect(r).toMatchObject({ ok: true, data: { includeTaxAmount: "12345678901234567.89" } });
    expect(parseJsonExact("12345678901234567.89")).toBe("12345678901234567.89");
  });
});
