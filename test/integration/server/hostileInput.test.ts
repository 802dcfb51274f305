/**
 * Issue 11 D8–D13: what a careless or hostile caller sends is refused at the right field, in Chinese,
 * and nothing is stored — a GBK body, bytes that are not UTF-8, invisible control characters, a
 * serialNo with a trailing blank, a seller name that is not the caller's — and no log line carries a
 * credential.
 */
import { JsonDecimal } from "../../../src/gateway/json";
import { buildServer } from "../../../src/server/app";
import { encodeData } from "../../../src/gateway/codec";
import { type SandboxAccount } from "../../../src/server/sandbox/seed";
import {
  type TestServer,
  accessToken,
  account,
  adminHeaders,
  call,
  postJson,
  startTestServer,
} from "./helpers";
import { rowCounts } from "./rowCounts";

jest.setTimeout(30_000);

let server: TestServer;
let hc: TestServer;
let token: string;
let seller: SandboxAccount;
let buyer: SandboxAccount;
beforeAll(async () => {
  server = await startTestServer();
  hc = await startTestServer({ replyMode: "hc" });
  seller = account(server, "seller");
  buyer = account(server, "buyer");
  token = await accessToken(server, seller);
});
afterAll(async () => {
  await server.close();
  await hc.close();
});

const blue = (serialNo: string, over: Record<string, unknown> = {}) => ({
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
      taxAmount: new JsonDecimal("13.00"),
    },
  ],
  ...over,
});

const openApi = () => `${server.url}/kapi/app/sim/openApi?access_token=${encodeURIComponent(token)}`;

async function rawPost(body: Buffer | string, contentType: string): Promise<any> {
  const res = await fetch(openApi(), {
    method: "POST",
    headers: { "content-type": contentType, "x-hongchong-detail": "1" },
    body: body as unknown as string, // a Buffer is sent as its bytes
  });
  return { httpStatus: res.status, ...((await res.json()) as object) };
}

describe("D9: only UTF-8 bodies", () => {
  const envelope = async () =>
    JSON.stringify({
      requestId: "1",
      businessSystemCode: "EXCEL_RED",
      interfaceCode: "ALLE.INVOICE.OPEN",
      data: await encodeData(blue("GBK-0001"), { encoding: "base64" }),
    });

  test("charset=gbk is refused by name, nothing stored", async () => {
    const before = await rowCounts(server.db);
    const r = await rawPost(await envelope(), "application/json; charset=gbk");
    expect(r).toMatchObject({ httpStatus: 200, success: false, refusalCode: "GW_UNSUPPORTED_CHARSET" });
    expect(r.message).toBe("请求报文须为 UTF-8 编码，收到 charset=gbk");
    expect(await rowCounts(server.db)).toEqual(before);
  });

  test("GBK bytes sent without a charset are refused at the first bad byte, not stored as U+FFFD", async () => {
    // {"requestId":"红"} with 红 in GBK (BA EC): not UTF-8.
    const gbk = Buffer.concat([Buffer.from('{"requestId":"'), Buffer.from([0xba, 0xec]), Buffer.from('"}')]);
    const before = await rowCounts(server.db);
    const r = await rawPost(gbk, "application/json");
    expect(r).toMatchObject({ success: false, refusalCode: "GW_BAD_UTF8" });
    expect(r.message).toBe("请求报文不是合法的 UTF-8 文本（第 15 个字节处）");
    expect(await rowCounts(server.db)).toEqual(before);
  });

  test("charset=UTF-8 (any case) and a real U+FFFD in the text are accepted", async () => {
    const r = await rawPost(
      JSON.stringify({
        requestId: "1",
        businessSystemCode: "X\uFFFD",
        interfaceCode: "ALLE.INVOICE.QUERY",
        data: "e30=",
      }),
      "application/json;charset=UTF-8"
    );
    expect(r.refusalCode).not.toBe("GW_UNSUPPORTED_CHARSET");
    expect(r.refusalCode).not.toBe("GW_BAD_UTF8");
    expect(r.refusalCode).toBe("GW_VALIDATION"); // it reached the interface's own checks
  });
});

describe("D10: text fields refuse control characters, direction overrides and unpaired surrogates", () => {
  test.each([
    ["NUL", "办公\u0000用品"],
    ["U+202E (right-to-left override)", "办公\u202E品用"],
    ["an unpaired surrogate", "办公\uD800用品"],
    ["U+0007 (bell)", "办公\u0007用品"],
  ])("%s in goodsName: refused on that field, nothing stored", async (_label, goodsName) => {
    const before = await rowCounts(server.db);
    const body = blue(`CTRL-${goodsName.length}-${goodsName.codePointAt(2)}`);
    body.invoiceDetail[0].goodsName = goodsName;
    const r = await call(server, token, "ALLE.INVOICE.OPEN", body);
    expect(r).toMatchObject({
      success: false,
      refusalCode: "GW_VALIDATION",
      refusalField: "invoiceDetail[0].goodsName",
    });
    expect(r.message).toBe(
      "请求数据不合法：字段 data.invoiceDetail[0].goodsName 含有不可见的控制字符、方向控制符或不成对的代理字符"
    );
    expect(await rowCounts(server.db)).toEqual(before);
  });

  test("a line break in a remark and an emoji (a surrogate pair) are text and accepted", async () => {
    const r = await call(
      server,
      token,
      "ALLE.INVOICE.OPEN",
      blue("CTRL-OK-0001", { remark: "第一行\r\n第二行 📦" })
    );
    expect(r).toMatchObject({ success: true });
  });
});

describe("D12: serialNo is canonical before the request is fingerprinted", () => {
  test('"X" then "X " is a replay of the first answer (hc mode), not a different request', async () => {
    const hcToken = await accessToken(hc, account(hc, "seller"));
    const first = await call(hc, hcToken, "ALLE.INVOICE.OPEN", blue("TRIM-0001"));
    expect(first.success).toBe(true);
    const before = await rowCounts(hc.db);
    const again = await call(hc, hcToken, "ALLE.INVOICE.OPEN", blue("TRIM-0001 "));
    expect(again).toMatchObject({ success: true, data: first.data });
    expect(await rowCounts(hc.db)).toEqual(before);
    const different = await call(hc, hcToken, "ALLE.INVOICE.OPEN", blue(" TRIM-0001", { drawer: "李四" }));
    expect(different).toMatchObject({ success: false, refusalCode: "GW_DUPLICATE_SERIAL" });
  });
});

describe("D13: a name beside the caller's own tax ID is the caller's registered name", () => {
  test("another seller name is refused on sellerName, nothing stored", async () => {
    const before = await rowCounts(server.db);
    const r = await call(
      server,
      token,
      "ALLE.INVOICE.OPEN",
      blue("NAME-0001", { sellerName: "别家贸易有限公司" })
    );
    expect(r).toMatchObject({
      success: false,
      refusalCode: "GW_OWN_NAME_MISMATCH",
      refusalField: "sellerName",
    });
    expect(r.message).toBe(
      `名称“别家贸易有限公司”与税号 ${seller.taxId} 登记的名称“浙江红冲数电科技有限公司”不一致，请按登记名称填写`
    );
    expect(await rowCounts(server.db)).toEqual(before);
  });

  test("the same name with half-width brackets, spaces or full-width letters is the same name", async () => {
    const org = await server.db.db
      .selectFrom("orgs")
      .select("name")
      .where("tax_id", "=", seller.taxId)
      .executeTakeFirstOrThrow();
    const spaced = ` ${org.name.slice(0, 2)} ${org.name.slice(2)} `;
    const r = await call(server, token, "ALLE.INVOICE.OPEN", blue("NAME-0002", { sellerName: spaced }));
    expect(r.success).toBe(true);
  });
});

test("D8: no log line carries a token, the admin key or an Authorization header, at the most verbose level", async () => {
  const lines: string[] = [];
  const app = buildServer({
    db: server.db,
    logger: { level: "trace", stream: { write: (l: string) => void lines.push(l) } },
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as { port: number };
  const base = `http://127.0.0.1:${port}`;
  const env = { requestId: "1", businessSystemCode: "X", interfaceCode: "ALLE.INVOICE.QUERY", data: "e30=" };
  await postJson(`${base}/kapi/app/sim/openApi?access_token=${token}`, env);
  await postJson(`${base}/kapi/app/sim/openApi`, env, { access_token: token });
  await postJson(`${base}/kapi/app/sim/openApi`, env, { "access-token": token });
  await postJson(`${base}/sandbox/clock`, { advanceMs: 0 }, adminHeaders());
  await postJson(`${base}/sandbox/clock`, { advanceMs: 0 }, { authorization: "Bearer wrong-key-123" });
  await app.close();
  const all = lines.join("\n");
  expect(lines.length).toBeGreaterThan(4);
  expect(all).toContain('"headers"'); // headers are logged …
  expect(all).not.toContain(token); // … without the token,
  expect(all).not.toContain(adminHeaders().authorization.slice(7)); // the admin key
  expect(all).not.toContain("wrong-key-123"); // or a wrong one
});
