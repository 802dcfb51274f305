/**
 * Issue 11 D1 / D14: the sandbox's admin surface is not anonymous, its clock stays within bounds, and
 * callback registration checks the caller before the body. Each probe is the one the issue measured
 * on main (an anonymous `{"set": 9007199254740991}` turned every later request into HTTP 500;
 * `{"advanceMs": 262800000}` voided every tenant's awaiting forms; `set: 0` was accepted).
 */
import { buildServer } from "../../../src/server/app";
import { CLOCK_MAX_AHEAD_MS } from "../../../src/server/plugins/sandboxAdmin";
import { SANDBOX_STORY_START_MS } from "../../../src/server/sandbox/storyClock";
import { derivedSandboxSecrets } from "../../../src/server/sandbox/secrets";
import {
  type TestServer,
  TEST_NOW,
  accessToken,
  account,
  adminHeaders,
  call,
  openTestDb,
  postJson,
  startTestServer,
} from "./helpers";

jest.setTimeout(30_000);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.clock.set(TEST_NOW);
});

const clockUrl = () => `${server.url}/sandbox/clock`;

async function put(path: string, headers: Record<string, string>, body: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method: "PUT",
    headers: { "content-type": "application/json", "x-hongchong-detail": "1", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { httpStatus: res.status, ...((await res.json()) as Record<string, any>) } as Record<string, any>;
}

describe("who may move the story clock", () => {
  test.each([
    ["no credential", {}],
    ["a wrong admin key", { authorization: "Bearer not-the-key" }],
    ["another install's admin key", adminHeaders(derivedSandboxSecrets("someone-else"))],
  ])("%s: 401, the clock does not move", async (_label, headers) => {
    const r = await postJson(clockUrl(), { advanceMs: 262_800_000 }, headers);
    expect(r).toMatchObject({ httpStatus: 401, success: false, refusalCode: "GW_ADMIN_UNAUTHORIZED" });
    expect(r.message).toContain("hongchong sandbox accounts");
    expect(server.clock.now()).toBe(TEST_NOW);
  });

  test("an organisation's token reads the clock but may not move it (403)", async () => {
    const token = await accessToken(server, account(server, "seller"));
    const read = await fetch(clockUrl(), { headers: { access_token: token } });
    expect(read.status).toBe(200);
    expect(((await read.json()) as any).data.now).toBe(TEST_NOW);
    const r = await postJson(clockUrl(), { advanceMs: 60_000 }, { access_token: token });
    expect(r).toMatchObject({ httpStatus: 403, refusalCode: "GW_ADMIN_ONLY" });
    expect(server.clock.now()).toBe(TEST_NOW);
  });

  test("an anonymous GET is refused too", async () => {
    const res = await fetch(clockUrl());
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).success).toBe(false);
  });

  test("the admin key moves it; its answer states the allowed range", async () => {
    const r = await postJson(clockUrl(), { advanceMs: 60_000 }, adminHeaders());
    expect(r).toMatchObject({ httpStatus: 200, success: true, data: { now: TEST_NOW + 60_000 } });
    expect(r.data.range.from).toBeGreaterThanOrEqual(SANDBOX_STORY_START_MS);
    expect(r.data.range.to).toBeGreaterThan(Date.now() + CLOCK_MAX_AHEAD_MS - 60_000);
  });
});

describe("bounds on the clock", () => {
  test.each([
    ["set: 9007199254740991 (2^53 − 1)", { set: 9007199254740991 }],
    ["set: 0", { set: 0 }],
    ["set: the day before the story starts", { set: "2025-10-09 10:00:00" }],
    ["advanceMs: −1 day", { advanceMs: -86_400_000 }],
    ["advanceMs: 1e300", { advanceMs: 1e300 }],
    [
      "set: eleven years ahead",
      { set: new Date(Date.now() + CLOCK_MAX_AHEAD_MS + 86_400_000).toISOString() },
    ],
  ])("%s is refused on its field, and every later request still answers", async (_label, body) => {
    const r = await postJson(clockUrl(), body, adminHeaders());
    expect(r).toMatchObject({ httpStatus: 200, success: false, refusalCode: "GW_CLOCK_OUT_OF_RANGE" });
    expect(r.refusalField).toBe("set" in body ? "set" : "advanceMs");
    expect(r.message).toMatch(/沙箱时钟不能设为 .+（可设范围：2025-10-10 10:00:00 至 \d{4}-/);
    expect(server.clock.now()).toBe(TEST_NOW);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    const token = await accessToken(server, account(server, "buyer")); // login still works
    expect(token).toMatch(/_/);
  });

  test("never back past the last business write: recorded activity stays in the past", async () => {
    server.clock.set(TEST_NOW + 3_600_000); // an hour into the story …
    const seller = account(server, "seller");
    const token = await accessToken(server, seller);
    // … a business write (a callback registration is audited at business time).
    const saved = await put(
      "/sandbox/callbacks",
      { access_token: token },
      {
        businessSystemCode: "BOUNDS",
        url: "https://erp.example.com/hook",
      }
    );
    expect(saved.success).toBe(true);
    const back = await postJson(clockUrl(), { set: "2025-10-10 10:30:00" }, adminHeaders());
    expect(back).toMatchObject({ success: false, refusalCode: "GW_CLOCK_OUT_OF_RANGE" });
    expect(back.message).toContain("早于已记录的最后一笔业务");
    expect(back.message).toContain("2025-10-10 11:00:00 至");
    expect(server.clock.now()).toBe(TEST_NOW + 3_600_000);
    const forward = await postJson(clockUrl(), { set: "2025-10-10 12:00:00" }, adminHeaders());
    expect(forward.success).toBe(true);
  });

  test("moving the story clock neither expires nor revives a token (tokens live on the wall clock)", async () => {
    const token = await accessToken(server, account(server, "seller"));
    const query = () =>
      call(server, token, "ALLE.REDCONFIRMBILL.QUERY", {
        taxpayerId: account(server, "seller").taxId,
        pageNo: 1,
        pageSize: 1,
      });
    const moved = await postJson(clockUrl(), { advanceMs: 3 * 86_400_000 }, adminHeaders());
    expect(moved.success).toBe(true);
    expect((await query()).errorCode).toBe("0");
    server.wallClock.advance(3 * 3_600_000); // the token's two hours pass in real time
    expect((await query()).errorCode).toBe("401");
    // Back as far as the bounds allow (the query settled overdue forms, an audited write, at +3 days).
    const range = (await (await fetch(clockUrl(), { headers: adminHeaders() })).json()) as any;
    const back = await postJson(clockUrl(), { set: range.data.range.from }, adminHeaders());
    expect(back.success).toBe(true);
    expect((await query()).errorCode).toBe("401"); // moving the story clock back revives nothing
  });
});

describe("callback registration checks the caller first (D14)", () => {
  test("no token and a malformed body: refused for the credential, not the body", async () => {
    const r = await put("/sandbox/callbacks", {}, "{not json");
    expect(r).toMatchObject({ httpStatus: 401, refusalCode: "GW_ADMIN_UNAUTHORIZED" });
  });

  test("a bad body with a token names the field of this body, not the protocol envelope", async () => {
    const token = await accessToken(server, account(server, "taxctl"));
    const r = await put("/sandbox/callbacks", { access_token: token }, { businessSystemCode: "X" });
    expect(r).toMatchObject({ success: false, refusalCode: "GW_VALIDATION", refusalField: "url" });
    expect(r.message).toBe("请求数据不合法：缺少必填字段 url");
    expect(r.message).not.toContain("requestId");
  });

  test("the admin key is no organisation: it cannot register a URL", async () => {
    const r = await put("/sandbox/callbacks", adminHeaders(), {
      businessSystemCode: "X",
      url: "https://erp.example.com/hook",
    });
    expect(r).toMatchObject({ httpStatus: 403, refusalCode: "GW_ADMIN_NEEDS_ORG" });
  });
});

test("relay mode has no admin surface at all", async () => {
  const tdb = await openTestDb();
  const app = buildServer({
    db: tdb.handle,
    mode: "relay",
    relay: { upstreamBaseUrl: "http://127.0.0.1:9" },
  });
  try {
    await app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.server.address() as { port: number };
    for (const [method, url] of [
      ["GET", "/sandbox/clock"],
      ["POST", "/sandbox/clock"],
      ["PUT", "/sandbox/callbacks"],
    ] as const) {
      const r = await fetch(`http://127.0.0.1:${port}${url}`, {
        method,
        headers: { "content-type": "application/json", ...adminHeaders() },
        ...(method === "GET" ? {} : { body: JSON.stringify({ advanceMs: 1 }) }),
      });
      expect(r.status).toBe(404);
    }
  } finally {
    await app.close();
    await tdb.cleanup();
  }
});
