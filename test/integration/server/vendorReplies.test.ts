/**
 * The sandbox answers as the vendor does (issue 9): vendor errorCodes and `status` by default, our
 * refusal detail only when asked for, tokens on the wall clock, the tolerance and the strictness the
 * vendor shows — and the add-in's client on the vendor's own answers (no detail header): duplicate
 * serial settled by 4.1.04, expired token refreshed once, messages mapped back to our refusals.
 */
import type { GatewayClient } from "../../../src/gateway/client";
import { clientFor } from "../sandbox/taxControlHelpers";
import { encodeData } from "../../../src/gateway/codec";
import { JsonDecimal } from "../../../src/gateway/json";
import { REFUSALS } from "../../../src/domain/refusals";
import { TOKEN_LIFETIME_MS } from "../../../src/server/auth";
import { buildServer } from "../../../src/server/app";
import type { SandboxAccount } from "../../../src/server/sandbox/seed";
import { type TestServer, account, accessToken, call, postJson, startTestServer } from "./helpers";

jest.setTimeout(30_000);

const SELLER_INVOICE = "25330000000000000003";

let server: TestServer;
let hc: TestServer;
let sellerToken: string;

beforeAll(async () => {
  server = await startTestServer();
  hc = await startTestServer({ replyMode: "hc" });
  sellerToken = await accessToken(server, account(server, "seller"));
});
afterAll(async () => {
  await server.close();
  await hc.close();
});

/** Our client as it runs against the real cloud: no detail header, the vendor's codes only. */
const vendorClient = (a: SandboxAccount, s: TestServer = server): GatewayClient =>
  clientFor(s, a, undefined, false);

const blue = (serialNo: string, seller: SandboxAccount, buyer: SandboxAccount, taxAmount = "13.00") => ({
  serialNo,
  invoiceType: "02" as const,
  sellerName: "浙江红冲数电科技有限公司",
  sellerTaxpayerId: seller.taxId,
  buyerName: "广东蓝海采购有限公司",
  buyerTaxpayerId: buyer.taxId,
  drawer: "张三",
  invoiceDetail: [
    {
      lineProperty: "0" as const,
      goodsName: "办公用品",
      revenueCode: "1060512990000000000",
      amount: new JsonDecimal("100.00"),
      taxRate: "0.13",
      taxAmount: new JsonDecimal(taxAmount),
    },
  ],
});

async function countAccessTokens(s: TestServer, userName: string): Promise<number> {
  const user = await s.db.db
    .selectFrom("users")
    .select("id")
    .where("username", "=", userName)
    .executeTakeFirstOrThrow();
  const rows = await s.db.db
    .selectFrom("tokens")
    .select("id")
    .where("kind", "=", "access")
    .where("user_id", "=", user.id)
    .execute();
  return rows.length;
}

describe("the envelope a third-party client gets", () => {
  test("a refusal: errorCode 9999, status false, Chinese message, none of our extension fields; with the detail header our code beside it", async () => {
    const plain = await call(
      server,
      sellerToken,
      "ALLE.INVOICE.QUERY",
      { invoiceNum: true },
      { vendorOnly: true }
    );
    expect(plain).toEqual({
      httpStatus: 200,
      errorCode: "9999",
      success: false,
      status: false,
      message: "请求数据不合法：字段 data.invoiceNum 应为字符串",
    });
    const detailed = await call(server, sellerToken, "ALLE.INVOICE.QUERY", { invoiceNum: true });
    expect(detailed).toMatchObject({
      errorCode: "9999",
      status: false,
      refusalCode: "GW_VALIDATION",
      refusalField: "invoiceNum",
    });
    // `hc` mode: our code is the errorCode.
    const hcToken = await accessToken(hc, account(hc, "seller"));
    const old = await call(hc, hcToken, "ALLE.INVOICE.QUERY", { invoiceNum: true }, { vendorOnly: true });
    expect(old).toMatchObject({ errorCode: "GW_VALIDATION", refusalCode: "GW_VALIDATION" });
  });

  test('a success carries status true beside success; 2.1.13 answers success as the string "true" with its page', async () => {
    const q = await call(
      server,
      sellerToken,
      "ALLE.INVOICE.QUERY",
      { invoiceNum: SELLER_INVOICE },
      { vendorOnly: true }
    );
    expect(q).toMatchObject({ errorCode: "0", success: true, status: true });
    const seller = account(server, "seller");
    const bills = await call(
      server,
      sellerToken,
      "ALLE.REDCONFIRMBILL.QUERY",
      { taxpayerId: seller.taxId, identity: "0" },
      { vendorOnly: true }
    );
    expect(bills).toMatchObject({ errorCode: "0", success: "true", status: true });
    expect(Object.keys(bills.decoded).sort()).toEqual(["dataList", "pageNo", "pageSize", "totalElement"]);
    // Our client reads the string flag as success.
    const r = await vendorClient(seller).queryRedConfirmBills({ taxpayerId: seller.taxId, identity: "0" });
    expect(r.ok).toBe(true);
  });

  test("tokens: expire_time is on the wall clock, a missing or forged token is errorCode 401, login without usertype is UserName", async () => {
    const a = account(server, "seller");
    const t = await postJson(
      `${server.url}/api/getAppToken.do`,
      {
        appId: a.appId,
        appSecret: a.appSecret,
        accountId: a.accountId,
      },
      {},
      true
    );
    const l = await postJson(
      `${server.url}/api/login.do`,
      {
        user: a.user,
        apptoken: t.data.app_token,
        accountId: a.accountId,
      },
      {},
      true
    );
    expect(l).toMatchObject({ success: true, status: true, data: { success: true, error_code: "0" } });
    expect(l.data.expire_time).toBeGreaterThan(Date.now() + TOKEN_LIFETIME_MS - 60_000);
    const forged = await call(
      server,
      `${a.accountId}_${"A".repeat(100)}`,
      "ALLE.INVOICE.QUERY",
      { invoiceNum: SELLER_INVOICE },
      { vendorOnly: true }
    );
    expect(forged).toMatchObject({
      errorCode: "401",
      success: false,
      status: false,
      message: REFUSALS.GW_TOKEN_INVALID,
    });
  });

  test("a documented string sent as a JSON number is read as its text; a base64 body to an AES tenant is refused in words", async () => {
    const leqi = account(server, "leqi");
    const token = await accessToken(server, leqi);
    const plain = await call(server, token, "ALLE.INVOICE.QUERY", { invoiceNum: "x" }, { vendorOnly: true });
    expect(plain).toMatchObject({ errorCode: "9999", success: false });
    expect(plain.message).toBe(
      "请求数据（data）无法解码：本组织的数据加密方式为 AES，data 须为 AES 密文，不接受未加密的 base64 或 JSON（请检查接入配置的加密方式）"
    );
    const raw = await call(
      server,
      token,
      "ALLE.INVOICE.QUERY",
      { invoiceNum: "x" },
      { vendorOnly: true, raw: true }
    );
    expect(raw.message).toBe(plain.message);
    const aes = await call(
      server,
      token,
      "ALLE.INVOICE.QUERY",
      { serialNo: "NO-SUCH" },
      { vendorOnly: true, as: leqi }
    );
    expect(aes.message).not.toBe(plain.message);
  });
});

describe("the add-in's client on the vendor's answers (no detail header)", () => {
  test("100 calls log in once: the token outlives the story clock", async () => {
    const seller = account(server, "seller");
    const c = vendorClient(seller);
    const before = await countAccessTokens(server, seller.user);
    for (let i = 0; i < 100; i++) {
      const r = await c.queryInvoice({ invoiceNum: SELLER_INVOICE });
      expect(r.ok).toBe(true);
    }
    expect((await countAccessTokens(server, seller.user)) - before).toBe(1);
  });

  test("a token the cloud no longer accepts (401) is refreshed once and the same request re-sent", async () => {
    const seller = account(server, "seller");
    const c = vendorClient(seller);
    expect((await c.queryInvoice({ invoiceNum: SELLER_INVOICE })).ok).toBe(true);
    const before = await countAccessTokens(server, seller.user);
    // Revoke every token of the user behind the client's back (what an expiry at the cloud looks like).
    await server.db.db.updateTable("tokens").set({ revoked_at: 1 }).where("kind", "=", "access").execute();
    const r = await c.queryInvoice({ invoiceNum: SELLER_INVOICE });
    expect(r.ok).toBe(true);
    expect((await countAccessTokens(server, seller.user)) - before).toBe(1);
  });

  test("a re-sent serial (10127) is settled by 4.1.04: the same invoice, not a second one; another request under it stays refused", async () => {
    const seller = account(server, "seller");
    const buyer = account(server, "buyer");
    const c = vendorClient(seller);
    const req = blue("VEND-BLUE-0001", seller, buyer);
    const first = await c.openBlueInvoice(req);
    expect(first).toMatchObject({ ok: true, data: "VEND-BLUE-0001" });
    const again = await c.openBlueInvoice(req);
    expect(again).toMatchObject({ ok: true, data: "VEND-BLUE-0001", settledBySerial: true });
    expect((again as { raw: unknown }).raw).toMatchObject({
      errorCode: "10127",
      success: false,
      status: false,
    });
    const rows = await server.db.db
      .selectFrom("blue_invoices")
      .select("id")
      .where("serial_no", "=", "VEND-BLUE-0001")
      .execute();
    expect(rows).toHaveLength(1);
    const other = await c.openBlueInvoice({ ...req, buyerName: "另一家公司" });
    expect(other).toMatchObject({ ok: false, errorCode: "10127", refusal: { code: "GW_DUPLICATE_SERIAL" } });
  });

  test("a refusal's message is mapped back to our refusal (the catalogue wording), the field from the schema wording", async () => {
    const seller = account(server, "seller");
    const buyer = account(server, "buyer");
    const c = vendorClient(seller);
    const off = await c.call("2.1.01", {
      ...blue("VEND-BLUE-0002", seller, buyer, "13.07"),
    });
    expect(off.ok).toBe(false);
    if (!off.ok) {
      expect(off.errorCode).toBe("9999");
      expect(off.refusal.code).toBe("LINE_TAX_OUT_OF_TOLERANCE");
    }
    const schema = await c.call("4.1.04", { invoiceNum: true });
    expect(schema.ok).toBe(false);
    if (!schema.ok) {
      expect(schema.errorCode).toBe("9999");
      expect(schema.refusal.code).toBe("GW_BUSINESS_ERROR");
      expect(schema.refusal.field).toBe("invoiceNum");
    }
    const missing = await c.queryInvoice({ serialNo: "VEND-NO-SUCH-SERIAL" });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.refusal.code).toBe("GW_NOT_FOUND");
  });
});

test("a serial seen before answers 10127 in vendor mode (one execution), the recorded answer in hc mode", async () => {
  const seller = account(server, "seller");
  const buyer = account(server, "buyer");
  const data = blue("VEND-BLUE-0003", seller, buyer);
  const token = await accessToken(server, seller);
  const answers = await Promise.all(
    Array.from({ length: 4 }, () => call(server, token, "ALLE.INVOICE.OPEN", data, { vendorOnly: true }))
  );
  expect(answers.filter((a) => a.success === true)).toHaveLength(1);
  for (const a of answers.filter((x) => x.success !== true))
    expect(a).toEqual({
      httpStatus: 200,
      errorCode: "10127",
      success: false,
      status: false,
      message: REFUSALS.GW_DUPLICATE_SERIAL.replace("{serialNo}", "VEND-BLUE-0003"),
    });
  const hcToken = await accessToken(hc, account(hc, "seller"));
  const h1 = await call(hc, hcToken, "ALLE.INVOICE.OPEN", data);
  const h2 = await call(hc, hcToken, "ALLE.INVOICE.OPEN", data);
  expect(h2).toEqual(h1);
  expect(h1).toMatchObject({ success: true, data: "VEND-BLUE-0003" });
  // encodeData is the encoding every client above used for its base64 data.
  expect(await encodeData({ a: 1 }, { encoding: "base64" })).toBe("eyJhIjoxfQ==");
});

test("no access_token in a log line: the request URL is logged with the token as ***", async () => {
  const lines: string[] = [];
  const app = buildServer({
    db: server.db,
    logger: { level: "info", stream: { write: (l: string) => void lines.push(l) } },
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await postJson(`http://127.0.0.1:${port}/kapi/app/sim/openApi?access_token=${sellerToken}`, {
    requestId: "1",
    businessSystemCode: "X",
    interfaceCode: "ALLE.INVOICE.QUERY",
    data: "e30=",
  });
  await app.close();
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.join("\n")).not.toContain(sellerToken);
  expect(lines.join("\n")).toContain("access_token=***");
});

describe.each([["vendor"], ["hc"]] as const)(
  "the add-in's client (detail header on) against a %s-mode gateway",
  (mode) => {
    const gw = () => (mode === "vendor" ? server : hc);

    test("a repeat gives the first answer, a line refusal lands on its field, a missing token refreshes", async () => {
      const s = gw();
      const seller = account(s, "seller");
      const buyer = account(s, "buyer");
      const c = clientFor(s, seller);
      const req = blue(`BOTH-${mode}-0001`, seller, buyer);
      const first = await c.openBlueInvoice(req);
      const again = await c.openBlueInvoice(req);
      expect(first).toMatchObject({ ok: true, data: req.serialNo });
      expect(again).toMatchObject({ ok: true, data: req.serialNo });
      // vendor: 10127, read back by 4.1.04; hc: the recorded answer replayed.
      expect((again as { settledBySerial?: true }).settledBySerial).toBe(
        mode === "vendor" ? true : undefined
      );
      const rows = await s.db.db
        .selectFrom("blue_invoices")
        .select("id")
        .where("serial_no", "=", req.serialNo)
        .execute();
      expect(rows).toHaveLength(1);

      const off = await c.call("2.1.01", blue(`BOTH-${mode}-0002`, seller, buyer, "13.07"));
      expect(off.ok).toBe(false);
      if (!off.ok) {
        expect(off.errorCode).toBe(mode === "vendor" ? "9999" : "LINE_TAX_OUT_OF_TOLERANCE");
        expect(off.refusal).toMatchObject({
          code: "LINE_TAX_OUT_OF_TOLERANCE",
          field: "invoiceDetail[0].taxAmount",
        });
      }

      await s.db.db.updateTable("tokens").set({ revoked_at: 1 }).where("kind", "=", "access").execute();
      expect((await c.queryInvoice({ serialNo: req.serialNo })).ok).toBe(true);
    });
  }
);
