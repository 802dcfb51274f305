/**
 * Issue 11 D2 at delivery: the dispatcher POSTs a callback only where the URL policy allows — checked
 * on the URL and on every address DNS answers, before connecting — follows no redirect, and gives a
 * receiver one deadline and a size cap. Real receivers on 127.0.0.1; a refused delivery makes no
 * connection at all.
 */
import { CallbackDispatcher, CALLBACK_RETRY_DELAYS_MS } from "../../../src/server/callbacks";
import type { CallbackPolicy } from "../../../src/server/callbackPolicy";
import { SettableClock } from "../../../src/server/clock";
import { type TestDb, TEST_NOW, openTestDb } from "./helpers";
import { ACK, type Receiver, callbackRow, queueCallback, startReceiver } from "./callbackHelpers";

const LOCAL_DEV: CallbackPolicy = { allowLoopback: true };
const STRICT: CallbackPolicy = { allowLoopback: false };

let t: TestDb;
let clock: SettableClock;
const receivers: Receiver[] = [];

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

beforeEach(async () => {
  t = await openTestDb();
  clock = new SettableClock({ start: TEST_NOW, frozen: true });
});

afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
  await t.cleanup();
});

const dispatcher = (
  policy: CallbackPolicy,
  extra: Partial<ConstructorParameters<typeof CallbackDispatcher>[0]> = {}
) => new CallbackDispatcher({ db: t.handle.db, clock, policy, ...extra });

test("a 307 is a failed attempt: the payload is not re-sent to the Location", async () => {
  const second = await receiver();
  const first = await receiver((_req, res) => {
    res.writeHead(307, { location: second.url });
    res.end();
  });
  const id = await queueCallback(t.handle.db, first.url, clock.now());
  expect(await dispatcher(LOCAL_DEV).runOnce()).toBe(0);
  expect(first.bodies).toHaveLength(1);
  expect(second.connections).toBe(0);
  const row = await callbackRow(t.handle.db, id);
  expect(row).toMatchObject({
    status: "pending",
    attempts: 1,
    next_attempt_at: clock.now() + CALLBACK_RETRY_DELAYS_MS[0],
  });
  expect(row.last_error).toContain("HTTP 307");
  expect(row.last_error).toContain("不跟随重定向");
  expect(row.last_error).toContain(second.url);
});

test.each([
  ["127.0.0.1", (u: string) => u, "不能指向本机"],
  ["0x7f000001", (u: string) => u.replace("127.0.0.1", "0x7f000001"), "不能指向本机"],
  ["localhost", (u: string) => u.replace("127.0.0.1", "localhost"), "不能指向本机"],
  ["user:pw@", (u: string) => u.replace("http://", "http://user:pw@"), "用户名或密码"],
])(
  "loopback not allowed: a queued callback to %s is refused without connecting",
  async (_name, urlOf, why) => {
    const r = await receiver();
    const id = await queueCallback(t.handle.db, urlOf(r.url), clock.now());
    expect(await dispatcher(STRICT).runOnce()).toBe(0);
    expect(r.connections).toBe(0);
    const row = await callbackRow(t.handle.db, id);
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row.last_error).toMatch(/^回调地址不可用：/);
    expect(row.last_error).toContain(why);
  }
);

test("DNS is checked at delivery: a name resolving to 127.0.0.1 is refused; with loopback allowed it is reached there", async () => {
  const r = await receiver();
  const url = `http://erp.example.test:${r.port}/hook`;
  const lookups: string[] = [];
  const lookup = async (host: string) => {
    lookups.push(host);
    return [{ address: "127.0.0.1", family: 4 }];
  };
  const id = await queueCallback(t.handle.db, url, clock.now());
  expect(await dispatcher(STRICT, { lookup }).runOnce()).toBe(0);
  expect(lookups).toEqual(["erp.example.test"]);
  expect(r.connections).toBe(0);
  const row = await callbackRow(t.handle.db, id);
  expect(row.last_error).toContain("“erp.example.test”解析到 127.0.0.1");

  // One answer inside is enough to refuse, whatever the others are.
  clock.advance(CALLBACK_RETRY_DELAYS_MS[0]);
  const mixed = async () => [
    { address: "93.184.216.34", family: 4 },
    { address: "169.254.169.254", family: 4 },
  ];
  expect(await dispatcher(LOCAL_DEV, { lookup: mixed }).runOnce()).toBe(0);
  expect((await callbackRow(t.handle.db, id)).last_error).toContain("169.254.169.254");
  expect(r.connections).toBe(0);

  clock.advance(CALLBACK_RETRY_DELAYS_MS[1]);
  expect(await dispatcher(LOCAL_DEV, { lookup }).runOnce()).toBe(1);
  expect(r.bodies).toHaveLength(1);
  expect(await callbackRow(t.handle.db, id)).toMatchObject({ status: "acked", attempts: 3, last_error: "" });
});

test("the system resolver goes through the same check: localhost is reached only with loopback allowed", async () => {
  const r = await receiver();
  const id = await queueCallback(t.handle.db, r.url.replace("127.0.0.1", "localhost"), clock.now());
  expect(await dispatcher(LOCAL_DEV).runOnce()).toBe(1);
  expect(r.bodies).toHaveLength(1);
  expect(await callbackRow(t.handle.db, id)).toMatchObject({ status: "acked", attempts: 1 });
});

test("a receiver that does not answer in time is a failed attempt (timeout)", async () => {
  const hanging = await receiver(() => undefined);
  const id = await queueCallback(t.handle.db, hanging.url, clock.now());
  expect(await dispatcher(LOCAL_DEV, { timeoutMs: 300 }).runOnce()).toBe(0);
  const row = await callbackRow(t.handle.db, id);
  expect(row).toMatchObject({ status: "pending", attempts: 1 });
  expect(row.last_error).toContain("回调超时");
});

test("an answer over the size cap is not read on and is not an ack", async () => {
  const big = await receiver((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    // An ack followed by a megabyte: a receiver cannot make the gateway read without end.
    res.write(ACK);
    res.end(" ".repeat(1024 * 1024));
  });
  const id = await queueCallback(t.handle.db, big.url, clock.now());
  expect(await dispatcher(LOCAL_DEV).runOnce()).toBe(0);
  const row = await callbackRow(t.handle.db, id);
  expect(row).toMatchObject({ status: "pending", attempts: 1 });
  expect(row.last_error).toContain("应答超过 65536 字节");
});
