/**
 * The callback URL policy (issue 11 D2): what PUT /sandbox/callbacks and every delivery refuse.
 * The probes are the ones the issue found accepted.
 */
import { refusalMessage } from "../../../src/domain/refusals";
import {
  type CallbackPolicy,
  callbackDestination,
  checkCallbackUrl,
  checkResolvedAddress,
  listeningOrigins,
} from "../../../src/server/callbackPolicy";

const STRICT: CallbackPolicy = { allowLoopback: false, forbiddenOrigins: ["http://127.0.0.1:8787"] };
const DEV: CallbackPolicy = { ...STRICT, allowLoopback: true };
const kind = (url: string, policy = STRICT) => checkCallbackUrl(url, policy)?.kind;

describe("checkCallbackUrl", () => {
  test.each([
    ["http://169.254.169.254/latest/meta-data/", "internal"],
    ["http://100.100.100.200/latest/meta-data/", "internal"], // Alibaba Cloud metadata
    ["http://[fd00:ec2::254]/", "internal"], // AWS IPv6 metadata
    ["http://127.0.0.1:9000/hook", "loopback"],
    ["http://127.8.9.10/hook", "loopback"],
    ["http://localhost/hook", "loopback"],
    ["http://LOCALHOST./hook", "loopback"],
    ["http://erp.localhost/hook", "loopback"],
    ["http://0x7f000001/hook", "loopback"],
    ["http://2130706433/hook", "loopback"],
    ["http://0177.0.0.1/hook", "loopback"],
    ["http://127.1/hook", "loopback"],
    ["http://[::1]/hook", "loopback"],
    ["http://[::ffff:127.0.0.1]/hook", "loopback"],
    ["http://[::ffff:169.254.169.254]/", "internal"],
    ["http://[64:ff9b::a9fe:a9fe]/", "internal"], // NAT64 of 169.254.169.254
    ["http://[2002:a9fe:a9fe::]/", "internal"], // 6to4 of 169.254.169.254
    ["http://0.0.0.0:8787/", "internal"],
    ["http://[::]/", "internal"],
    ["http://[fe80::1]/", "internal"],
    ["http://224.0.0.1/", "internal"],
    ["http://255.255.255.255/", "internal"],
    ["http://10.0.0.1/hook", "private"],
    ["http://192.168.1.1/hook", "private"],
    ["http://172.16.0.1/hook", "private"],
    ["http://172.31.255.255/hook", "private"],
    ["http://[fd12:3456::1]/hook", "private"],
    ["https://user:pass@example.com/hook", "userinfo"],
    ["https://user@example.com/hook", "userinfo"],
    ["ftp://example.com/hook", "scheme"],
    ["file:///etc/passwd", "scheme"],
    ["javascript:alert(1)", "scheme"],
    ["not a url", "invalid"],
    ["http://127.0.0.1:8787/sandbox/clock", "gateway"],
  ])("%s is refused (%s)", (url, expected) => {
    expect(kind(url)).toBe(expected);
  });

  test.each([
    "https://erp.example.com/hook",
    "http://8.8.8.8/hook",
    "https://erp.example.com:8443/callback?key=1",
    "http://172.32.0.1/hook", // just outside 172.16/12
    "http://[2001:4860:4860::8888]/hook",
  ])("%s is allowed", (url) => {
    expect(checkCallbackUrl(url, STRICT)).toBeUndefined();
  });

  test("allowLoopback opens 127/8, ::1 and localhost only — never the gateway, link-local, metadata or private", () => {
    for (const url of [
      "http://127.0.0.1:9000/hook",
      "http://localhost:9000/",
      "http://[::1]:9000/",
      "http://0x7f000001:9000/",
    ])
      expect(checkCallbackUrl(url, DEV)).toBeUndefined();
    for (const url of [
      "http://127.0.0.1:8787/sandbox/clock",
      "http://localhost:8787/sandbox/clock",
      "http://[::1]:8787/",
      "http://127.0.0.2:8787/",
      "http://2130706433:8787/",
    ])
      expect(kind(url, DEV)).toBe("gateway");
    expect(kind("http://169.254.169.254/", DEV)).toBe("internal");
    expect(kind("http://10.0.0.1/", DEV)).toBe("private");
    expect(kind("http://0.0.0.0:9000/", DEV)).toBe("internal");
  });

  test("allowPrivate opens RFC 1918 and ULA, not metadata or link-local", () => {
    const intranet: CallbackPolicy = { allowLoopback: false, allowPrivate: true };
    expect(checkCallbackUrl("http://10.1.2.3/hook", intranet)).toBeUndefined();
    expect(checkCallbackUrl("http://[fd12::1]/hook", intranet)).toBeUndefined();
    expect(kind("http://[fd00:ec2::254]/", intranet)).toBe("internal");
    expect(kind("http://100.100.100.200/", intranet)).toBe("internal");
    expect(kind("http://169.254.169.254/", intranet)).toBe("internal");
    expect(kind("http://127.0.0.1/", intranet)).toBe("loopback");
  });

  test("a gateway listening on every interface: its addresses on its port are itself", () => {
    const policy: CallbackPolicy = { allowLoopback: true, forbiddenOrigins: ["http://0.0.0.0:8787"] };
    expect(kind("http://localhost:8787/", policy)).toBe("gateway");
    expect(checkCallbackUrl("http://localhost:8788/", policy)).toBeUndefined();
  });

  test("the refusal is GW_CALLBACK_URL_FORBIDDEN with the reason in Chinese", () => {
    expect(checkCallbackUrl("http://169.254.169.254/", STRICT)?.refusal).toEqual({
      code: "GW_CALLBACK_URL_FORBIDDEN",
      params: { reason: "不能指向链路本地、云元数据、组播或保留地址" },
      message: refusalMessage("GW_CALLBACK_URL_FORBIDDEN", {
        reason: "不能指向链路本地、云元数据、组播或保留地址",
      }),
    });
    expect(checkCallbackUrl("https://u:p@example.com/", STRICT)?.refusal.message).toBe(
      "回调地址不可用：地址中不能包含用户名或密码"
    );
    expect(checkCallbackUrl("http://127.0.0.1/", STRICT)?.refusal.message).toContain(
      "--allow-loopback-callbacks"
    );
  });
});

describe("checkResolvedAddress", () => {
  test("an address DNS answered is judged like a literal, naming the host", () => {
    const p = checkResolvedAddress("127.0.0.1", 4, STRICT, 443, "hook.example.com");
    expect(p?.kind).toBe("loopback");
    expect(p?.refusal.message).toContain("“hook.example.com”解析到 127.0.0.1");
    expect(checkResolvedAddress("::ffff:a9fe:a9fe", 6, DEV, 80)?.kind).toBe("internal");
    expect(checkResolvedAddress("10.0.0.1", "IPv4", STRICT, 80)?.kind).toBe("private");
    expect(checkResolvedAddress("93.184.216.34", 4, STRICT, 80)).toBeUndefined();
    expect(checkResolvedAddress("2606:2800:220:1::", 6, STRICT, 80)).toBeUndefined();
  });

  test("the gateway's own address and port is refused even with loopback allowed", () => {
    expect(checkResolvedAddress("127.0.0.1", 4, DEV, 8787)?.kind).toBe("gateway");
    expect(checkResolvedAddress("::1", 6, DEV, 8787)?.kind).toBe("gateway");
    expect(checkResolvedAddress("127.0.0.1", 4, DEV, 9000)).toBeUndefined();
  });

  test("an answer that is not an address of its family is refused", () => {
    expect(checkResolvedAddress("not-an-ip", 4, DEV)?.kind).toBe("invalid");
    expect(checkResolvedAddress("127.0.0.1", 6, DEV)?.kind).toBe("invalid");
  });
});

test("a callback's destination is its URL's origin", () => {
  expect(callbackDestination("https://erp.example.com/hook?x=1")).toBe("https://erp.example.com");
  expect(callbackDestination("https://erp.example.com:443/other")).toBe("https://erp.example.com");
  expect(callbackDestination("http://127.0.0.1:9000/a")).toBe("http://127.0.0.1:9000");
  expect(callbackDestination("http://user:pw@erp.example.com/a")).toBe("http://erp.example.com");
  expect(callbackDestination("no url")).toBe("no url");
});

test("listeningOrigins: each address; a wildcard one expands to every interface address", () => {
  expect(listeningOrigins([{ address: "127.0.0.1", port: 8787 }])).toEqual(["http://127.0.0.1:8787"]);
  const interfaces = () =>
    ({
      lo: [
        { address: "127.0.0.1", family: "IPv4" },
        { address: "::1", family: "IPv6" },
      ],
      eth0: [{ address: "203.0.113.7", family: "IPv4" }],
    }) as unknown as ReturnType<typeof import("os").networkInterfaces>;
  expect(listeningOrigins([{ address: "0.0.0.0", port: 8787 }], interfaces)).toEqual([
    "http://127.0.0.1:8787",
    "http://203.0.113.7:8787",
    "http://0.0.0.0:8787",
  ]);
  expect(listeningOrigins([{ address: "::", port: 1 }], interfaces)).toEqual([
    "http://127.0.0.1:1",
    "http://[::1]:1",
    "http://203.0.113.7:1",
    "http://[::]:1",
  ]);
});
