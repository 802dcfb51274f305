/**
 * Issue 12 §2: on SQLite, transactions that queue for the one connection share a COMMIT (tx.ts group
 * commit): each still commits or rolls back alone as far as anyone can see, and no caller is answered
 * before the COMMIT that holds its writes. Also the prepared-statement cache (connect.ts StatementCache).
 */
import { sql } from "kysely";
import { StatementCache } from "../../../src/server/db/connect";
import { groupCommitStats, nextSequence, withTx } from "../../../src/server/db/tx";
import { PG_URL, type TestDb, openTestDb } from "./helpers";
import BetterSqlite3 from "better-sqlite3";

const sqliteOnly = PG_URL ? describe.skip : describe;

sqliteOnly("group commit (SQLite)", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await openTestDb();
  });
  afterEach(() => t.cleanup());

  it("20 queued transactions share COMMITs; the one that throws leaves nothing, the others all stay", async () => {
    const { db } = t.handle;
    const before = groupCommitStats(db)!;
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        withTx(db, async (tx) => {
          const n = await nextSequence(tx, `gc-${i % 2}`);
          if (i === 7) throw new Error("member 7 refuses");
          return n;
        })
      )
    );
    const after = groupCommitStats(db)!;
    expect(
      results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.message)
    ).toEqual(["member 7 refuses"]);
    // Counter gc-1 was advanced by members 1,3,…,19 except 7: 9 values, gap-free (7's draw rolled back).
    const odd = results
      .filter((r, i) => i % 2 === 1 && r.status === "fulfilled")
      .map((r) => (r as PromiseFulfilledResult<number>).value);
    expect(odd).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const even = results
      .filter((_r, i) => i % 2 === 0)
      .map((r) => (r as PromiseFulfilledResult<number>).value);
    expect(even).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(after.transactions - before.transactions).toBe(20); // members carried, the rolled-back one too
    // Queued members shared: fewer physical COMMITs than transactions.
    expect(after.commits - before.commits).toBeLessThan(19);
    // And it is all in the database, read afresh.
    expect(await withTx(db, (tx) => nextSequence(tx, "gc-1"))).toBe(10);
  });

  it("a failing COMMIT rejects every member of its group (none answered success)", async () => {
    const { db } = t.handle;
    // A deferred foreign key that the group violates fails at COMMIT, not at the statement.
    await sql`create table gc_parent (id integer primary key)`.execute(db);
    await sql`create table gc_child (id integer primary key, parent integer references gc_parent(id) deferrable initially deferred)`.execute(
      db
    );
    const results = await Promise.allSettled([
      withTx(db, async (tx) => {
        await sql`insert into gc_child (id, parent) values (1, 99)`.execute(tx);
        return "first";
      }),
      withTx(db, async (tx) => {
        await sql`insert into gc_parent (id) values (5)`.execute(tx);
        return "second";
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    const rows = await sql<{
      n: number;
    }>`select (select count(*) from gc_child) + (select count(*) from gc_parent) as n`.execute(db);
    expect(Number(rows.rows[0].n)).toBe(0);
  });
});

describe("StatementCache", () => {
  it("prepares a SQL text once, re-prepares while a statement is still iterating, and drops the least recently used", () => {
    const raw = new BetterSqlite3(":memory:");
    let prepared = 0;
    const counting = new Proxy(raw, {
      get(target, p, r) {
        if (p === "prepare") return (s: string) => (prepared++, target.prepare(s));
        const v = Reflect.get(target, p, r);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const cache = new StatementCache(counting, 2);
    const a = cache.prepare("select 1 as x");
    expect(cache.prepare("select 1 as x")).toBe(a);
    expect(prepared).toBe(1);
    const it = (a as unknown as BetterSqlite3.Statement).iterate();
    it.next(); // busy
    expect(cache.prepare("select 1 as x")).not.toBe(a);
    expect(prepared).toBe(2);
    it.return?.();
    cache.prepare("select 2");
    cache.prepare("select 3"); // "select 1 as x" is the oldest: dropped
    cache.prepare("select 1 as x");
    expect(prepared).toBe(5);
    cache.close();
  });
});
