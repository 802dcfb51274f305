/**
 * Issue 11 D3: callbacks go in lanes, one per destination (the URL's origin). A receiver that never
 * answers holds up only its own lane; a healthy receiver is served while the dead one's request is
 * still open. One destination's callbacks go one at a time in id order and stop at the first
 * failure; lanes run in parallel up to a bound. Also: migration 0004 backfills the destination.
 */
import { Migrator } from "kysely";
import { type CallbackDispatcher as Dispatcher, CallbackDispatcher } from "../../../src/server/callbacks";
import { type CallbackPolicy, callbackDestination } from "../../../src/server/callbackPolicy";
import { SettableClock } from "../../../src/server/clock";
import { dropPgSchema, openDatabase } from "../../../src/server/db/connect";
import { InCodeMigrationProvider } from "../../../src/server/db/migrations";
import { PG_URL, type TestDb, TEST_NOW, openTestDb } from "./helpers";
import { type Receiver, callbackRow, queueCallback, startReceiver, waitFor } from "./callbackHelpers";

const LOCAL_DEV: CallbackPolicy = { allowLoopback: true };

let t: TestDb;
let clock: SettableClock;
const receivers: Receiver[] = [];
const dispatchers: Dispatcher[] = [];

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

function dispatcher(extra: Partial<ConstructorParameters<typeof CallbackDispatcher>[0]> = {}): Dispatcher {
  const d = new CallbackDispatcher({ db: t.handle.db, clock, policy: LOCAL_DEV, ...extra });
  dispatchers.push(d);
  return d;
}

beforeEach(async () => {
  t = await openTestDb();
  clock = new SettableClock({ start: TEST_NOW, frozen: true });
});

afterEach(async () => {
  // Dead receivers first: their lanes then end at once instead of at the timeout.
  for (const r of receivers.splice(0)) await r.close();
  for (const d of dispatchers.splice(0)) await d.stop();
  await t.cleanup();
});

test("a receiver that never answers delays only itself: a healthy one is acked within 2 s, the dead request still open", async () => {
  const dead = await receiver(() => undefined); // accepts, reads, never answers
  const healthy = await receiver();
  const d = dispatcher();
  d.start(50);
  const deadId = await queueCallback(t.handle.db, dead.url, clock.now());
  expect(await waitFor(() => dead.open === 1, 5_000)).toBe(true);

  const healthyId = await queueCallback(t.handle.db, healthy.url, clock.now());
  const due = Date.now();
  const acked = await waitFor(
    async () => (await callbackRow(t.handle.db, healthyId)).status === "acked",
    2_000
  );
  const servedInMs = Date.now() - due;
  expect(acked).toBe(true);
  expect(servedInMs).toBeLessThan(2_000);
  // …while the dead receiver still holds its request, and its callback is neither acked nor given up.
  expect(dead.open).toBe(1);
  expect(await callbackRow(t.handle.db, deadId)).toMatchObject({ status: "pending", attempts: 0 });
});

test("one destination: in id order, stopping at the first failure; another destination goes on", async () => {
  let failing = true;
  const flaky = await receiver((_req, res) => {
    res.writeHead(failing ? 503 : 200, { "content-type": "application/json" });
    res.end(failing ? "{}" : JSON.stringify({ errorCode: "0", success: true }));
  });
  const other = await receiver();
  const a1 = await queueCallback(t.handle.db, flaky.url, clock.now(), '{"n":"a1"}');
  const b1 = await queueCallback(t.handle.db, other.url, clock.now(), '{"n":"b1"}');
  const a2 = await queueCallback(t.handle.db, `${flaky.url}?second`, clock.now(), '{"n":"a2"}');
  const b2 = await queueCallback(t.handle.db, other.url, clock.now(), '{"n":"b2"}');
  const d = dispatcher();

  expect(await d.runOnce()).toBe(2); // b1, b2
  expect(other.bodies).toEqual(['{"n":"b1"}', '{"n":"b2"}']);
  expect(flaky.bodies).toEqual(['{"n":"a1"}']); // a2 not sent to a receiver that just failed
  expect(await callbackRow(t.handle.db, a1)).toMatchObject({ status: "pending", attempts: 1 });
  expect(await callbackRow(t.handle.db, a2)).toMatchObject({ status: "pending", attempts: 0 });
  for (const id of [b1, b2]) expect(await callbackRow(t.handle.db, id)).toMatchObject({ status: "acked" });

  // A new callback to the failing destination waits behind a1's retry too.
  failing = false;
  const a3 = await queueCallback(t.handle.db, flaky.url, clock.now(), '{"n":"a3"}');
  expect(await d.runOnce()).toBe(0);
  expect(flaky.bodies).toHaveLength(1);

  clock.advance(10_000);
  expect(await d.runOnce()).toBe(3);
  expect(flaky.bodies).toEqual(['{"n":"a1"}', '{"n":"a1"}', '{"n":"a2"}', '{"n":"a3"}']);
  expect(await callbackRow(t.handle.db, a3)).toMatchObject({ status: "acked", attempts: 1 });
});

test("lanes run in parallel up to the bound", async () => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const slow: Receiver[] = [];
  const open = () => slow.reduce((n, r) => n + r.open, 0);
  let maxOpen = 0;
  for (let i = 0; i < 3; i++)
    slow.push(
      await receiver((_req, res) => {
        maxOpen = Math.max(maxOpen, open());
        void gate.then(() => res.end(JSON.stringify({ errorCode: "0", success: true })));
      })
    );
  for (const r of slow) await queueCallback(t.handle.db, r.url, clock.now());
  const d = dispatcher({ maxParallelDestinations: 2 });

  const first = d.runOnce();
  expect(await waitFor(() => open() === 2, 5_000)).toBe(true);
  expect(await d.runOnce()).toBe(0); // no free slot
  release();
  expect(await first).toBe(2);
  expect(maxOpen).toBe(2);
  expect(await d.runOnce()).toBe(1); // the third destination, now that a slot is free
  expect(slow.map((r) => r.bodies.length)).toEqual([1, 1, 1]);
});

test("receivers being retried do not take the slots ahead of ones never failed", async () => {
  const dead = await receiver(() => undefined);
  const healthy = await receiver();
  const retried = await queueCallback(t.handle.db, dead.url, clock.now());
  await t.handle.db.updateTable("callbacks").set({ attempts: 1 }).where("id", "=", retried).execute();
  const fresh = await queueCallback(t.handle.db, healthy.url, clock.now());
  expect(await dispatcher({ maxParallelDestinations: 1 }).runOnce()).toBe(1);
  expect(dead.connections).toBe(0);
  expect(await callbackRow(t.handle.db, fresh)).toMatchObject({ status: "acked" });
});

test("never two deliveries of one callback at a time: a busy destination is not picked again", async () => {
  let answer: () => void = () => undefined;
  const slow = await receiver((_req, res) => {
    answer = () => res.end(JSON.stringify({ errorCode: "0", success: true }));
  });
  const id = await queueCallback(t.handle.db, slow.url, clock.now());
  const d = dispatcher();
  const first = d.runOnce();
  expect(await waitFor(() => slow.open === 1, 5_000)).toBe(true);
  expect(await d.runOnce()).toBe(0); // the same process, while the first delivery is in flight
  answer();
  expect(await first).toBe(1);
  expect(slow.bodies).toHaveLength(1);
  expect(await callbackRow(t.handle.db, id)).toMatchObject({ status: "acked", attempts: 1 });
});

test("stop() waits for the delivery in flight and starts no other", async () => {
  let answer: () => void = () => undefined;
  const slow = await receiver((_req, res) => {
    answer = () => res.end(JSON.stringify({ errorCode: "0", success: true }));
  });
  const ids = [
    await queueCallback(t.handle.db, slow.url, clock.now()),
    await queueCallback(t.handle.db, slow.url, clock.now()),
  ];
  const d = dispatcher();
  const run = d.runOnce();
  expect(await waitFor(() => slow.open === 1, 5_000)).toBe(true);
  const stopped = d.stop();
  answer();
  await stopped;
  expect(await run).toBe(1);
  expect(slow.bodies).toHaveLength(1);
  expect(await callbackRow(t.handle.db, ids[1]!)).toMatchObject({ status: "pending", attempts: 0 });
});

test("migration 0004 backfills each callback's destination from its URL", async () => {
  const schema = PG_URL ? `hc_test_cbmig_${process.pid}_${Date.now().toString(36)}` : undefined;
  const handle = await openDatabase({
    ...(PG_URL && schema ? { databaseUrl: PG_URL, pgSchema: schema } : { sqliteFile: ":memory:" }),
    migrate: false,
  });
  try {
    const migrator = new Migrator({
      db: handle.db,
      provider: new InCodeMigrationProvider(handle.dialect),
      ...(schema ? { migrationTableSchema: schema } : {}),
    });
    expect((await migrator.migrateTo("0003_entry_serial_order_no")).error).toBeUndefined();
    const urls = ["https://erp.example.com/a?x=1", "https://erp.example.com:443/b", "http://10.0.0.1:8080/c"];
    for (const url of urls)
      await (handle.db as unknown as import("kysely").Kysely<Record<string, Record<string, unknown>>>)
        .insertInto("callbacks")
        .values({
          org_id: 1,
          url,
          business_system_code: "X",
          interface_code: "INVOICE.OPEN",
          body: "{}",
          status: "pending",
          attempts: 0,
          next_attempt_at: 0,
          last_error: "",
          created_at: 0,
          acked_at: null,
        })
        .execute();
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const rows = await handle.db
      .selectFrom("callbacks")
      .select(["url", "destination"])
      .orderBy("id")
      .execute();
    expect(rows.map((r) => r.destination)).toEqual(urls.map(callbackDestination));
    expect(rows.map((r) => r.destination)).toEqual([
      "https://erp.example.com",
      "https://erp.example.com",
      "http://10.0.0.1:8080",
    ]);
  } finally {
    await handle.close();
    if (PG_URL && schema) await dropPgSchema(PG_URL, schema);
  }
});

test("two gateways (two dispatchers on one database) deliver every callback once, each destination in id order", async () => {
  const a = await receiver();
  const b = await receiver();
  const ids: number[] = [];
  for (let i = 0; i < 15; i++) {
    ids.push(await queueCallback(t.handle.db, a.url, clock.now(), `{"to":"a","i":${i}}`));
    ids.push(await queueCallback(t.handle.db, b.url, clock.now(), `{"to":"b","i":${i}}`));
  }
  const one = dispatcher({ batchSize: 4 });
  const two = dispatcher({ batchSize: 4 });
  for (let round = 0; round < 20; round++) {
    await Promise.all([one.runOnce(), two.runOnce(), one.runOnce(), two.runOnce()]);
    const rows = await Promise.all(ids.map((id) => callbackRow(t.handle.db, id)));
    if (rows.every((r) => r.status === "acked")) break;
  }
  const rows = await Promise.all(ids.map((id) => callbackRow(t.handle.db, id)));
  expect(rows.every((r) => r.status === "acked" && r.attempts === 1)).toBe(true);
  const order = (r: Receiver) => r.bodies.map((x) => (JSON.parse(x) as { i: number }).i);
  expect(order(a)).toEqual(Array.from({ length: 15 }, (_, i) => i));
  expect(order(b)).toEqual(Array.from({ length: 15 }, (_, i) => i));
  // Every lane released its lease.
  expect(await t.handle.db.selectFrom("callback_leases").selectAll().execute()).toEqual([]);
});

test("a lane held by another gateway is left alone until its lease expires (its holder died)", async () => {
  const r = await receiver();
  const id = await queueCallback(t.handle.db, r.url, clock.now());
  await t.handle.db
    .insertInto("callback_leases")
    .values({
      destination: callbackDestination(r.url),
      owner: "a gateway that died",
      until_ms: Date.now() + 60_000,
    })
    .execute();
  const d = dispatcher();
  expect(await d.runOnce()).toBe(0);
  expect(r.bodies).toEqual([]);
  await t.handle.db
    .updateTable("callback_leases")
    .set({ until_ms: Date.now() - 1 })
    .execute();
  expect(await d.runOnce()).toBe(1);
  expect(await callbackRow(t.handle.db, id)).toMatchObject({ status: "acked" });
});
