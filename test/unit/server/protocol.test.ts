/**
 * Server-side protocol pieces without a database: the clock, data decoding (base64, AES with the
 * spec's vector, lenient plain objects), exact vs typed views, the request fingerprint, Chinese
 * schema messages, and the CLI argument parsing.
 */
import { JsonDecimal } from "../../../src/gateway/json";
import { SettableClock, chinaDateTime, parseChinaDateTime } from "../../../src/server/clock";
import { decodeRequestData, exactView, requestHash, typedView } from "../../../src/server/protocol/payload";
import { describeSchemaErrors } from "../../../src/server/protocol/validation";
import { parseServeArgs } from "../../../src/cli/serve";
import { formatAccountsTable } from "../../../src/cli/sandbox";

describe("clock", () => {
  test("a frozen clock moves only when told; a running one keeps its offset", () => {
    const c = new SettableClock({ start: 1_000, frozen: true });
    expect(c.now()).toBe(1_000);
    expect(c.advance(500)).toBe(1_500);
    expect(c.set(10_000)).toBe(10_000);
    let base = 100;
    const r = new SettableClock({ start: 5_000 }, () => base);
    expect(r.now()).toBe(5_000);
    base = 130;
    expect(r.now()).toBe(5_030);
    r.advance(70);
    expect(r.now()).toBe(5_100);
    expect(() => r.advance(0.5)).toThrow(RangeError);
  });

  test("China time formatting and parsing (UTC+8, no DST)", () => {
    const ms = Date.UTC(2025, 6, 27, 16, 0, 0); // 2025-07-28 00:00:00 in China
    expect(chinaDateTime(ms)).toBe("2025-07-28 00:00:00");
    expect(parseChinaDateTime("2025-07-28 00:00:00")).toBe(ms);
    expect(parseChinaDateTime("2025-07-28")).toBe(ms);
    expect(parseChinaDateTime("2025-02-30 00:00:00")).toBeUndefined();
  });
});

describe("data decoding", () => {
  test("base64 JSON keeps every number's digits for handlers; typed view is for schema checks only", async () => {
    const b64 = Buffer.from('{"amount":0.10,"big":12345678901234567.89,"n":3,"list":[1.50]}').toString(
      "base64"
    );
    const d = await decodeRequestData(b64, { encoding: "base64" });
    expect(d.ok).toBe(true);
    const value = (d as { value: unknown }).value;
    expect(exactView(value)).toEqual({ amount: "0.10", big: "12345678901234567.89", n: "3", list: ["1.50"] });
    expect(typedView(value)).toEqual({ amount: 0.1, big: Number("12345678901234567.89"), n: 3, list: [1.5] });
  });

  test("AES (spec test vector: password synthetic-key, IV 0..11)", async () => {
    const wire = "AAECAwQFBgcICQoLGuEesMoFwoz9IFDkmSlYGGeiA1vuby/hOAw8dtO2rM5e+94T5SmL/UCVK3JkYOo=";
    const d = await decodeRequestData(wire, { encoding: "aes", aesPassword: "synthetic-key" });
    expect(d.ok && exactView(d.value)).toEqual({ amount: "0.10", name: "测试" });
    const wrongKey = await decodeRequestData(wire, { encoding: "aes", aesPassword: "other" });
    expect(wrongKey).toEqual({ ok: false, reason: "undecodable" });
  });

  test("garbage, non-JSON base64 and absence are told apart; a plain object passes (lenient)", async () => {
    expect(await decodeRequestData("%%%", { encoding: "base64" })).toEqual({
      ok: false,
      reason: "undecodable",
    });
    expect(await decodeRequestData(Buffer.from("hello").toString("base64"), { encoding: "base64" })).toEqual({
      ok: false,
      reason: "undecodable",
    });
    expect(await decodeRequestData("", { encoding: "base64" })).toEqual({ ok: false, reason: "absent" });
    const plain = await decodeRequestData({ a: new JsonDecimal("1.0") }, { encoding: "base64" });
    expect(plain.ok && exactView(plain.value)).toEqual({ a: "1.0" });
  });

  test("request fingerprint ignores key order but not values or interface", () => {
    const a = requestHash("ALLE.INVOICE.OPEN", {
      serialNo: "S",
      amount: "1.00",
      lines: [{ x: "1", y: "2" }],
    });
    const b = requestHash(" ALLE.INVOICE.OPEN", {
      lines: [{ y: "2", x: "1" }],
      amount: "1.00",
      serialNo: "S",
    });
    expect(b).toBe(a);
    expect(
      requestHash("ALLE.INVOICE.OPEN", { serialNo: "S", amount: "1.0", lines: [{ x: "1", y: "2" }] })
    ).not.toBe(a);
    expect(
      requestHash("ALLE.INVOICE.RED", { serialNo: "S", amount: "1.00", lines: [{ x: "1", y: "2" }] })
    ).not.toBe(a);
  });
});

describe("schema messages", () => {
  test("ajv errors read as Chinese sentences naming the field", () => {
    expect(
      describeSchemaErrors(
        [{ keyword: "required", instancePath: "/invoiceDetail/0", params: { missingProperty: "amount" } }],
        "data"
      )
    ).toBe("缺少必填字段 data.invoiceDetail[0].amount");
    expect(
      describeSchemaErrors([{ keyword: "type", instancePath: "/requestId", params: { type: "string" } }], "")
    ).toBe("字段 requestId 应为字符串");
    expect(
      describeSchemaErrors(
        [{ keyword: "enum", instancePath: "/usertype", params: { allowedValues: ["UserName", "Mobile"] } }],
        ""
      )
    ).toBe("字段 usertype 的值无效，可选：UserName、Mobile");
    expect(
      describeSchemaErrors(
        [{ keyword: "maxLength", instancePath: "/serialNo", params: { limit: 50 } }],
        "data"
      )
    ).toBe("字段 data.serialNo 超过最大长度 50");
  });
});

describe("CLI", () => {
  test("serve arguments: defaults, --port/--data/--host, inline values, errors in Chinese", () => {
    expect(parseServeArgs([], {})).toEqual({
      port: 8787,
      clock: "story",
      reply: "vendor",
      host: "127.0.0.1",
      dataDir: undefined,
      relay: undefined,
      corsOrigins: undefined,
      allowLoopbackCallbacks: false,
    });
    expect(
      parseServeArgs(
        [
          "--port",
          "0",
          "--data",
          "/tmp/x",
          "--host=0.0.0.0",
          "--cors",
          "https://a, https://b",
          "--clock",
          "real",
          "--reply",
          "hc",
          "--allow-loopback-callbacks",
        ],
        {}
      )
    ).toEqual({
      port: 0,
      clock: "real",
      reply: "hc",
      host: "0.0.0.0",
      dataDir: "/tmp/x",
      relay: undefined,
      corsOrigins: ["https://a", "https://b"],
      allowLoopbackCallbacks: true,
    });
    expect(parseServeArgs([], { HONGCHONG_ALLOW_LOOPBACK_CALLBACKS: "1" }).allowLoopbackCallbacks).toBe(true);
    expect(() => parseServeArgs(["--allow-loopback-callbacks=yes"], {})).toThrow(
      "--allow-loopback-callbacks 不带值"
    );
    expect(() => parseServeArgs(["--port", "x"], {})).toThrow("端口无效：x");
    expect(() => parseServeArgs(["--nope"], {})).toThrow("未知参数：--nope");
    expect(() => parseServeArgs(["--clock", "fast"], {})).toThrow("--clock 只能是 story 或 real");
    expect(() => parseServeArgs(["--reply", "json"], {})).toThrow("--reply 只能是 vendor 或 hc");
  });

  test("accounts table aligns CJK columns", () => {
    const text = formatAccountsTable([
      {
        name: "甲公司",
        taxId: "91330100MA2HC0001L",
        taxpayerType: "一般纳税人",
        channel: "数电（RPA）",
        dataEncoding: "base64",
        appId: "a",
        appSecret: "s",
        accountId: "1",
        user: "u",
        mobile: "1",
        aesPassword: null,
      },
      {
        name: "乙有限公司",
        taxId: "91440300MA5HC0002F",
        taxpayerType: "小规模纳税人",
        channel: "税控",
        dataEncoding: "aes",
        appId: "b",
        appSecret: "t",
        accountId: "2",
        user: "v",
        mobile: "2",
        aesPassword: "k",
      },
    ]);
    const [header, , row1, row2] = text.split("\n");
    expect(header.startsWith("企业名称    税号")).toBe(true);
    expect(row1.startsWith("甲公司      91330100MA2HC0001L")).toBe(true);
    expect(row2.startsWith("乙有限公司  91440300MA5HC0002F")).toBe(true);
    expect(text).toContain("乙有限公司 的 data 使用 AES 加密，密钥：k");
  });
});
