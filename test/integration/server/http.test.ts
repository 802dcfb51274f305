/**
 * The gateway over loopback HTTP: auth, token lifetime on the injected clock, envelope refusals,
 * data decoding, isolation between organisations, CORS, the sandbox clock endpoint.
 */
import { DETAIL_HEADER } from "../../../src/gateway/assumptions";
import { JsonDecimal } from "../../../src/gateway/json";
import { REFUSALS } from "../../../src/domain/refusals";
import { TOKEN_LIFETIME_MS } from "../../../src/server/auth";
import { InterfaceRegistry } from "../../../src/server/registry";
import {
  type TestServer,
  TEST_NOW,
  accessToken,
  account,
  adminHeaders,
  call,
  postJson,
  startTestServer,
} from "./helpers";

jest.setTimeout(30_000);

let server: TestServer;
let sellerToken: string;

beforeAll(async () => {
  server = await startTestServer({ bodyLimit: 64 * 1024 });
  sellerToken = await accessToken(server, account(server, "seller"));
});
afterAll(async () => {
  await server.close();
});

const SELLER_INVOICE = "25330000000000000003";

function query(token: string, data: unknown, opts = {}) {
  return call(server, token, "ALLE.INVOICE.QUERY", data, opts);
}

describe("auth (1.01 / 1.02)", () => {
  test("app_token is a UUID and access_token is {accountId}_{100 alphanumerics}, both +2 h on the wall clock, not the story clock", async () => {
    const a = account(server, "seller");
    server.wallClock.freeze();
    const t = await postJson(`${server.url}/api/getAppToken.do`, {
      appId: a.appId,
      appSecret: a.appSecret,
      accountId: a.accountId,
    });
    expect(t).toMatchObject({ httpStatus: 200, state: "success", status: true });
    expect(t.data.app_token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(t.data.expire_time).toBe(server.wallClock.now() + TOKEN_LIFETIME_MS);
    // The story clock (2025-10-10) is business time only: a token must outlive the caller's own clock.
    expect(t.data.expire_time).toBeGreaterThan(Date.now() + TOKEN_LIFETIME_MS - 60_000);
    expect(t.data.error_code).toBe("0");
    const l = await postJson(`${server.url}/api/login.do`, {
      user: a.user,
      apptoken: t.data.app_token,
      accountId: a.accountId,
      usertype: "UserName",
    });
    expect(l.data.access_token).toMatch(new RegExp(`^${a.accountId}_[A-Za-z0-9]{100}$`));
    expect(l.data.expire_time).toBe(server.wallClock.now() + 2 * 60 * 60 * 1000);
    expect(l.data.expire_time).not.toBe(TEST_NOW + 2 * 60 * 60 * 1000);
    server.wallClock.unfreeze();
  });

  test("login by mobile works; wrong secret, wrong accountId, unknown user are refused with stable codes", async () => {
    const a = account(server, "buyer");
    const bad = await postJson(`${server.url}/api/getAppToken.do`, {
      appId: a.appId,
      appSecret: "x" + a.appSecret,
      accountId: a.accountId,
    });
    expect(bad).toMatchObject({
      httpStatus: 200,
      success: false,
      errorCode: "9999",
      refusalCode: "GW_APP_CREDENTIALS_INVALID",
      state: "fail",
    });
    expect(bad.data).toMatchObject({
      success: false,
      error_code: "9999",
      error_desc: REFUSALS.GW_APP_CREDENTIALS_INVALID,
    });
    const wrongAccount = await postJson(`${server.url}/api/getAppToken.do`, {
      appId: a.appId,
      appSecret: a.appSecret,
      accountId: "1900000000000000001",
    });
    expect(wrongAccount.refusalCode).toBe("GW_APP_CREDENTIALS_INVALID");

    const t = await postJson(`${server.url}/api/getAppToken.do`, {
      appId: a.appId,
      appSecret: a.appSecret,
      accountId: a.accountId,
    });
    const byMobile = await postJson(`${server.url}/api/login.do`, {
      user: a.mobile,
      apptoken: t.data.app_token,
      accountId: a.accountId,
      usertype: "Mobile",
    });
    expect(byMobile.data.access_token).toMatch(/^1900000000000000002_/);
    // A user of another organisation cannot log in through this app.
    const other = await postJson(`${server.url}/api/login.do`, {
      user: "hc_seller",
      apptoken: t.data.app_token,
      accountId: a.accountId,
      usertype: "UserName",
    });
    expect(other).toMatchObject({ success: false, refusalCode: "GW_LOGIN_USER_INVALID" });
    expect(other.message).toBe("登录用户“hc_seller”不存在或不属于该应用的数据中心");
  });

  test("an access_token works from the query string or the header; missing and forged tokens are refused", async () => {
    const viaQuery = await query(sellerToken, { invoiceNum: SELLER_INVOICE });
    expect(viaQuery.success).toBe(true);
    const viaHeader = await postJson(
      `${server.url}/kapi/app/sim/openApi`,
      {
        requestId: "1",
        businessSystemCode: "EXCEL_RED",
        interfaceCode: "ALLE.INVOICE.QUERY",
        data: Buffer.from(JSON.stringify({ invoiceNum: SELLER_INVOICE })).toString("base64"),
      },
      { access_token: sellerToken }
    );
    expect(viaHeader.success).toBe(true);

    const none = await postJson(`${server.url}/kapi/app/sim/openApi`, {
      requestId: "1",
      businessSystemCode: "X",
      interfaceCode: "ALLE.INVOICE.QUERY",
      data: "e30=",
    });
    expect(none).toMatchObject({ httpStatus: 200, success: false, refusalCode: "GW_TOKEN_MISSING" });

    const forged = `${account(server, "seller").accountId}_${"A".repeat(100)}`;
    const f = await query(forged, { invoiceNum: SELLER_INVOICE });
    expect(f).toMatchObject({
      success: false,
      refusalCode: "GW_TOKEN_INVALID",
      message: REFUSALS.GW_TOKEN_INVALID,
    });
    // An app_token is not an access_token.
    const a = account(server, "seller");
    const t = await postJson(`${server.url}/api/getAppToken.do`, {
      appId: a.appId,
      appSecret: a.appSecret,
      accountId: a.accountId,
    });
    expect(await query(t.data.app_token, { invoiceNum: SELLER_INVOICE })).toMatchObject({
      errorCode: "401",
      refusalCode: "GW_TOKEN_INVALID",
    });
  });

  test("tokens expire by the wall clock: valid 1 ms before expiry, refused at expiry; app_token too; the story clock does not matter", async () => {
    const a = account(server, "seller");
    server.wallClock.freeze();
    const start = server.wallClock.now();
    const t = await postJson(`${server.url}/api/getAppToken.do`, {
      appId: a.appId,
      appSecret: a.appSecret,
      accountId: a.accountId,
    });
    const token = await accessToken(server, a);
    try {
      // Moving business time by days neither expires nor revives a token.
      server.clock.advance(3 * 24 * 3600 * 1000);
      expect((await query(token, { invoiceNum: SELLER_INVOICE })).success).toBe(true);
      server.clock.set(TEST_NOW);
      server.wallClock.set(start + TOKEN_LIFETIME_MS - 1);
      expect((await query(token, { invoiceNum: SELLER_INVOICE })).success).toBe(true);
      server.wallClock.set(start + TOKEN_LIFETIME_MS);
      expect((await query(token, { invoiceNum: SELLER_INVOICE })).refusalCode).toBe("GW_TOKEN_INVALID");
      const l = await postJson(`${server.url}/api/login.do`, {
        user: a.user,
        apptoken: t.data.app_token,
        accountId: a.accountId,
        usertype: "UserName",
      });
      expect(l.refusalCode).toBe("GW_APP_TOKEN_INVALID");
    } finally {
      server.clock.set(TEST_NOW);
      server.wallClock.set(start);
      server.wallClock.unfreeze();
    }
  });

  test("logout revokes the access token", async () => {
    const token = await accessToken(server, account(server, "seller"));
    const out = await postJson(`${server.url}/api/logout.do`, { access_token: token });
    expect(out.success).toBe(true);
    expect((await query(token, { invoiceNum: SELLER_INVOICE })).refusalCode).toBe("GW_TOKEN_INVALID");
  });

  test("auth bodies are schema-checked: wrong usertype, missing field", async () => {
    const r = await postJson(`${server.url}/api/login.do`, {
      user: "u",
      apptoken: "t",
      accountId: "1",
      usertype: "Email",
    });
    expect(r).toMatchObject({ httpStatus: 200, success: false, refusalCode: "GW_VALIDATION" });
    expect(r.message).toContain("usertype");
    const m = await postJson(`${server.url}/api/getAppToken.do`, { appId: "a", accountId: "1" });
    expect(m.message).toBe("请求数据不合法：缺少必填字段 appSecret");
  });
});

describe("envelope refusals: HTTP 200, stable code, Chinese message", () => {
  const simUrl = () => `${server.url}/kapi/app/sim/openApi?access_token=${sellerToken}`;

  test("malformed JSON", async () => {
    const r = await postJson(simUrl(), '{"requestId":"1","interfaceCode":');
    expect(r).toMatchObject({
      httpStatus: 200,
      success: false,
      errorCode: "9999",
      refusalCode: "GW_BAD_JSON",
    });
    expect(r.message).toMatch(/^请求报文不是合法的 JSON：第 \d+ 个字符附近有语法错误/);
    const empty = await postJson(simUrl(), "");
    expect(empty.refusalCode).toBe("GW_BAD_JSON");
  });

  test("wrong types are refused, not coerced (a documented string sent as a number is read as its text, V7)", async () => {
    const asNumber = await postJson(simUrl(), {
      requestId: 1717212345678123,
      businessSystemCode: "EXCEL_RED",
      interfaceCode: "ALLE.INVOICE.QUERY",
      data: Buffer.from(JSON.stringify({ invoiceNum: SELLER_INVOICE })).toString("base64"),
    });
    expect(asNumber.success).toBe(true);
    const r = await postJson(simUrl(), {
      requestId: true,
      businessSystemCode: "EXCEL_RED",
      interfaceCode: "ALLE.INVOICE.QUERY",
      data: "e30=",
    });
    expect(r).toMatchObject({ httpStatus: 200, success: false, refusalCode: "GW_BAD_ENVELOPE" });
    expect(r.message).toBe(
      "请求报文不合法：字段 requestId 应为字符串（须包含 requestId、businessSystemCode、interfaceCode、data）"
    );
    const missing = await postJson(simUrl(), {
      requestId: "1",
      interfaceCode: "ALLE.INVOICE.QUERY",
      data: "e30=",
    });
    expect(missing.refusalParams.detail).toBe("缺少必填字段 businessSystemCode");
    // Inside data: invoiceNum is documented as a string; a JSON number is read as its digits (V7),
    // a boolean is refused.
    const numberInData = await query(sellerToken, { invoiceNum: new JsonDecimal(SELLER_INVOICE) });
    expect(numberInData.success).toBe(true);
    const inData = await query(sellerToken, { invoiceNum: true });
    expect(inData).toMatchObject({ success: false, refusalCode: "GW_VALIDATION" });
    expect(inData.message).toBe("请求数据不合法：字段 data.invoiceNum 应为字符串");
  });

  test("unknown interfaceCode; a leading space is trimmed; known-but-not-served and wrong endpoint are told apart", async () => {
    const unknown = await call(server, sellerToken, "ALLE.NO.SUCH", {});
    expect(unknown).toMatchObject({
      success: false,
      refusalCode: "GW_UNKNOWN_INTERFACE",
      message: "未知的接口编码：“ALLE.NO.SUCH”",
    });
    const spaced = await call(server, sellerToken, " ALLE.INVOICE.QUERY", { invoiceNum: SELLER_INVOICE });
    expect(spaced.success).toBe(true);
    // A documented interface this registry does not serve (the sandbox's own registry serves them all).
    const bare = await startTestServer({ registry: new InterfaceRegistry() });
    try {
      const bareToken = await accessToken(bare, account(bare, "seller"));
      const notServed = await call(bare, bareToken, "REDCONFIRMBILL.APPLY", {});
      expect(notServed.refusalCode).toBe("GW_NOT_IMPLEMENTED");
    } finally {
      await bare.close();
    }
    const wrongFamily = await call(
      server,
      sellerToken,
      "ALLE.INVOICE.QUERY",
      { invoiceNum: SELLER_INVOICE },
      { endpoint: "rim" }
    );
    expect(wrongFamily).toMatchObject({
      refusalCode: "GW_WRONG_ENDPOINT",
      message: "接口“ALLE.INVOICE.QUERY”不能通过此地址调用，请改用 /kapi/app/sim/openApi",
    });
  });

  test("data that is not base64 JSON, or empty", async () => {
    const bad = await call(server, sellerToken, "ALLE.INVOICE.QUERY", "!!!not-base64!!!", { raw: true });
    expect(bad).toMatchObject({ httpStatus: 200, success: false, refusalCode: "GW_BAD_DATA_ENCODING" });
    const notJson = await call(
      server,
      sellerToken,
      "ALLE.INVOICE.QUERY",
      Buffer.from("hello").toString("base64"),
      { raw: true }
    );
    expect(notJson.refusalCode).toBe("GW_BAD_DATA_ENCODING");
    const empty = await call(server, sellerToken, "ALLE.INVOICE.QUERY", "", { raw: true });
    expect(empty).toMatchObject({
      refusalCode: "GW_BAD_ENVELOPE",
      refusalParams: { detail: "data 不能为空" },
    });
  });

  test("a plain (unencoded) data object is accepted leniently (§1.4)", async () => {
    const r = await call(
      server,
      sellerToken,
      "ALLE.INVOICE.QUERY",
      { invoiceNum: SELLER_INVOICE },
      { raw: true }
    );
    expect(r.success).toBe(true);
    expect(r.decoded.invoiceNum).toBe(SELLER_INVOICE);
  });

  test("oversized body", async () => {
    const big = "A".repeat(70 * 1024);
    const r = await postJson(simUrl(), {
      requestId: "1",
      businessSystemCode: "X",
      interfaceCode: "ALLE.INVOICE.QUERY",
      data: big,
    });
    expect(r).toMatchObject({
      httpStatus: 200,
      success: false,
      refusalCode: "GW_BODY_TOO_LARGE",
      message: `请求报文过大（上限${64 * 1024}字节）`,
    });
  });

  test("non-JSON content type", async () => {
    const res = await fetch(simUrl(), {
      method: "POST",
      headers: { "content-type": "text/plain", [DETAIL_HEADER]: "1" },
      body: "hello",
    });
    const r = JSON.parse(await res.text());
    expect(res.status).toBe(200);
    expect(r).toMatchObject({ success: false, refusalCode: "GW_UNSUPPORTED_MEDIA_TYPE" });
    expect(r.message).toContain("text/plain");
  });

  test("unknown path → 404 with an envelope", async () => {
    const r = await postJson(`${server.url}/kapi/app/nothing`, {});
    expect(r).toMatchObject({ httpStatus: 404, refusalCode: "GW_ROUTE_NOT_FOUND" });
  });
});

describe("business data and isolation", () => {
  test("4.1.04 answers the seller's invoice with exact amounts and remaining reversible values", async () => {
    const r = await query(sellerToken, {
      invoiceNum: SELLER_INVOICE,
      sellerTaxpayerId: account(server, "seller").taxId,
    });
    expect(r).toMatchObject({ errorCode: "0", success: true });
    expect(r.decoded).toMatchObject({
      invoiceNum: SELLER_INVOICE,
      invoiceProperty: "0",
      invoiceStatus: "0",
      totalAmount: "8000.00",
      totalTaxAmount: "480.00",
      includeTaxAmount: "8480.00",
      canRedAmount: "5000.00",
      canRedTaxAmount: "300.00",
    });
    expect(r.decoded.invoiceDetail[0]).toMatchObject({
      quantity: "8",
      price: "1000",
      remainRedQuantity: "5",
      remainRedAmount: "5000.00",
    });
  });

  test("org A cannot read org B's invoice (not found), nor name B's tax ID (GW_FORBIDDEN_ORG)", async () => {
    const buyer = account(server, "buyer");
    const buyerToken = await accessToken(server, buyer);
    const notFound = await query(buyerToken, { invoiceNum: SELLER_INVOICE });
    expect(notFound).toMatchObject({ success: false, refusalCode: "GW_NOT_FOUND" });
    const seller = account(server, "seller");
    const forbidden = await query(buyerToken, { invoiceNum: SELLER_INVOICE, sellerTaxpayerId: seller.taxId });
    expect(forbidden).toMatchObject({
      success: false,
      refusalCode: "GW_FORBIDDEN_ORG",
      message: `当前账号无权操作该组织或税号：${seller.taxId}`,
    });
  });

  test("an AES org's data is decoded and its answers are encrypted with its key", async () => {
    const leqi = account(server, "leqi");
    expect(leqi.dataEncoding).toBe("aes");
    const token = await accessToken(server, leqi);
    const r = await call(
      server,
      token,
      "ALLE.INVOICE.QUERY",
      { invoiceNum: "25110000000000000001" },
      { as: leqi }
    );
    expect(r.success).toBe(true);
    expect(Buffer.from(r.data, "base64").toString("utf8")).not.toContain("invoiceNum");
    expect(r.decoded).toMatchObject({
      invoiceNum: "25110000000000000001",
      totalAmount: "6600.00",
      totalTaxAmount: "396.00",
    });
  });
});

describe("CORS, health, sandbox clock", () => {
  test("preflight from the task pane origin is allowed; others get no CORS headers", async () => {
    const ok = await fetch(`${server.url}/kapi/app/sim/openApi`, {
      method: "OPTIONS",
      headers: {
        Origin: "https://localhost:3000",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,access_token",
      },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://localhost:3000");
    expect(ok.headers.get("access-control-allow-headers")).toContain("access_token");
    const other = await fetch(`${server.url}/health`, { headers: { Origin: "https://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  test("/health reports the database, mode and version", async () => {
    const res = await fetch(`${server.url}/health`);
    const h = JSON.parse(await res.text());
    expect(h).toMatchObject({ ok: true, db: "ok", mode: "sandbox", version: "0.1.0" });
    expect(["sqlite", "postgres"]).toContain(h.dialect);
  });

  test("/sandbox/clock (with the admin key) advances and sets the story clock", async () => {
    const before = server.clock.now();
    const adv = await postJson(`${server.url}/sandbox/clock`, { advanceMs: 60_000 }, adminHeaders());
    expect(adv.data.now).toBe(before + 60_000);
    const set = await postJson(`${server.url}/sandbox/clock`, { set: "2025-10-10 10:00:00" }, adminHeaders());
    expect(set.data).toMatchObject({ now: TEST_NOW, china: "2025-10-10 10:00:00" });
    const bad = await postJson(`${server.url}/sandbox/clock`, { set: "yesterday-ish" }, adminHeaders());
    expect(bad.refusalCode).toBe("GW_VALIDATION");
    server.clock.set(before);
  });
});
