/**
 * The storage layer on SQLite, and on PostgreSQL when DATABASE_URL is set (CI's second run):
 * migrations, exact decimals, one-transaction writes with audit, org scoping, bureau view,
 * sequences, and the idempotency registry without HTTP.
 */
import { sql } from "kysely";
import { JsonDecimal, stringifyJson } from "../../../src/gateway/json";
import { BureauView, OrgScope } from "../../../src/server/db/repo";
import { migrateToLatest } from "../../../src/server/db/connect";
import {
  RollbackWith,
  isUniqueViolation,
  nextSequence,
  withTx,
  withTxOrRollback,
} from "../../../src/server/db/tx";
import { runIdempotent } from "../../../src/server/idempotency";
import { ok, refuse } from "../../../src/server/registry";
import { PG_URL, type TestDb, openTestDb } from "./helpers";

jest.setTimeout(30_000);

let t: TestDb;
let orgA: number;
let orgB: number;

beforeAll(async () => {
  t = await openTestDb();
  const db = t.handle.db;
  const tenant = await db
    .insertInto("tenants")
    .values({ code: "t", name: "测试", created_at: 1 })
    .returning("id")
    .executeTakeFirstOrThrow();
  const org = (code: string, taxId: string) =>
    db
      .insertInto("orgs")
      .values({
        tenant_id: tenant.id,
        code,
        name: code,
        tax_id: taxId,
        taxpayer_type: "一般纳税人",
        issue_system: "数电",
        digital_channel: "RPA",
        address: "",
        tel: "",
        bank: "",
        bank_account: "",
        data_encoding: "base64",
        aes_password: null,
        red_not_callback: "",
        red_confirm_approval: "D",
        created_at: 1,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
  orgA = (await org("A", "91330100MA2HC0001L")).id;
  orgB = (await org("B", "91440300MA5HC0002F")).id;
});
afterAll(async () => {
  await t.cleanup();
});

const scope = (orgId: number, q = t.handle.db) => new OrgScope(q, orgId, t.handle.dialect, "test", 1000);

function app(billNo: string) {
  return {
    bill_no: billNo,
    direction: "negative" as const,
    status: "已提交",
    business_system_code: "",
    delivery_email: "",
    delivery_phone: "",
    red_invoice_no: null,
    created_at: 1,
    updated_at: 1,
  };
}

test("runs on the configured engine, and migrating again is a no-op", async () => {
  expect(t.handle.dialect).toBe(PG_URL ? "postgres" : "sqlite");
  await migrateToLatest(t.handle.db, t.handle.dialect, t.handle.pgSchema);
  const n = await t.handle.db
    .selectFrom("orgs")
    .select(sql<number>`count(*)`.as("n"))
    .executeTakeFirstOrThrow();
  expect(Number(n.n)).toBe(2);
});

test("SQLite runs with WAL and synchronous=FULL", async () => {
  if (t.handle.dialect !== "sqlite") {
    expect(t.handle.dialect).toBe("postgres");
    return;
  }
  const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(t.handle.db);
  const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(t.handle.db);
  expect(mode.rows[0].journal_mode).toBe("wal");
  expect(Number(sync.rows[0].synchronous)).toBe(2);
});

test("money round-trips as exact decimal text (no float anywhere)", async () => {
  const amounts = ["12345678901234567.89", "0.10", "-0.35", "1.005"];
  for (const [i, a] of amounts.entries()) {
    await scope(orgA)
      .insertInto("pending_reds", {
        blue_invoice_id: 1,
        serial_no: `M${i}`,
        source: "单张开票",
        amount: a,
        tax_amount: "0.00",
        status: "待开",
        created_at: 1,
      })
      .execute();
  }
  const rows = await scope(orgA)
    .selectFrom("pending_reds")
    .select(["serial_no", "amount"])
    .orderBy("serial_no")
    .execute();
  expect(rows.map((r) => r.amount)).toEqual(amounts);
});

test("OrgScope: reads, updates and deletes see only the scope's org; inserts carry it", async () => {
  await scope(orgA).insertInto("applications", app("APP-A")).execute();
  await scope(orgB).insertInto("applications", app("APP-B")).execute();
  const seenByA = await scope(orgA).selectFrom("applications").select(["bill_no", "org_id"]).execute();
  expect(seenByA).toEqual([{ bill_no: "APP-A", org_id: orgA }]);
  // A's update and delete cannot touch B's row even when filtered to it.
  const upd = await scope(orgA)
    .updateTable("applications")
    .set({ status: "未提交" })
    .where("bill_no", "=", "APP-B")
    .executeTakeFirst();
  expect(Number(upd.numUpdatedRows)).toBe(0);
  const del = await scope(orgA).deleteFrom("applications").where("bill_no", "=", "APP-B").executeTakeFirst();
  expect(Number(del.numDeletedRows)).toBe(0);
  const b = await scope(orgB)
    .selectFrom("applications")
    .select("status")
    .where("bill_no", "=", "APP-B")
    .executeTakeFirstOrThrow();
  expect(b.status).toBe("已提交");
  expect(() => new OrgScope(t.handle.db, 0, t.handle.dialect, "x", 1)).toThrow(RangeError);
});

test("withTx: a multi-step write and its audit rows commit together or not at all", async () => {
  await expect(
    withTx(t.handle.db, async (tx) => {
      const s = scope(orgA, tx);
      const id = await s.insertReturningId("applications", app("TX-FAIL"));
      await s.audit("applications", id, "create", undefined, {
        billNo: "TX-FAIL",
        amount: new JsonDecimal("1.50"),
      });
      throw new Error("boom");
    })
  ).rejects.toThrow("boom");
  expect(
    await scope(orgA).selectFrom("applications").select("id").where("bill_no", "=", "TX-FAIL").execute()
  ).toHaveLength(0);
  const audits = await t.handle.db
    .selectFrom("audit")
    .select("id")
    .where("after_json", "like", "%TX-FAIL%")
    .execute();
  expect(audits).toHaveLength(0);

  const id = await withTx(t.handle.db, async (tx) => {
    const s = scope(orgA, tx);
    const newId = await s.insertReturningId("applications", app("TX-OK"));
    await s.audit(
      "applications",
      newId,
      "create",
      { before: 1 },
      { billNo: "TX-OK", amount: new JsonDecimal("1.50") }
    );
    return newId;
  });
  const audit = await t.handle.db
    .selectFrom("audit")
    .selectAll()
    .where("entity_id", "=", String(id))
    .where("entity", "=", "applications")
    .executeTakeFirstOrThrow();
  expect(audit).toMatchObject({
    org_id: orgA,
    actor: "test",
    action: "create",
    before_json: '{"before":1}',
    after_json: '{"billNo":"TX-OK","amount":1.50}',
    at: 1000,
  });

  const rolled = await withTxOrRollback(t.handle.db, async (tx) => {
    await scope(orgA, tx).insertInto("applications", app("TX-ROLLBACK")).execute();
    throw new RollbackWith("answered");
  });
  expect(rolled).toBe("answered");
  expect(
    await scope(orgA).selectFrom("applications").select("id").where("bill_no", "=", "TX-ROLLBACK").execute()
  ).toHaveLength(0);
});

test("unique violations are recognised on both engines", async () => {
  await scope(orgA).insertInto("applications", app("DUP")).execute();
  const err = await scope(orgA)
    .insertInto("applications", app("DUP"))
    .execute()
    .catch((e: unknown) => e);
  expect(isUniqueViolation(err)).toBe(true);
  expect(isUniqueViolation(new Error("other"))).toBe(false);
});

test("nextSequence is gap-free, per name, and rolls back with its transaction", async () => {
  expect(await nextSequence(t.handle.db, "s1")).toBe(1);
  expect(await nextSequence(t.handle.db, "s1")).toBe(2);
  expect(await nextSequence(t.handle.db, "s2")).toBe(1);
  await withTxOrRollback(t.handle.db, async (tx) => {
    await nextSequence(tx, "s1");
    throw new RollbackWith(null);
  });
  expect(await nextSequence(t.handle.db, "s1")).toBe(3);
  const many = await Promise.all(
    Array.from({ length: 10 }, () => withTx(t.handle.db, (tx) => nextSequence(tx, "s3")))
  );
  expect([...many].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
});

test("BureauView reads only records where its tax ID is a party", async () => {
  const base = {
    bill_no: "",
    gov_uuid: "",
    seller_name: "S",
    buyer_name: "B",
    entrant_role: "销方" as const,
    confirm_status: "02",
    blue_invoice_code: "",
    blue_invoice_no: "1",
    blue_invoice_date: "",
    invoice_type: "01",
    red_reason: "开票有误",
    amount: "-1.00",
    tax_amount: "-0.06",
    lines_json: "[]",
    entered_at: "2025-10-01 00:00:00",
    entered_at_ms: 1,
    confirmed_at: null,
    red_invoice_no: null,
    red_invoice_date: null,
    updated_at: 1,
  };
  const bureau = new BureauView(t.handle.db, "X1", 1);
  await bureau
    .insertInto("bureau_confirm_bills", {
      ...base,
      bill_no: "B1",
      gov_uuid: "U1",
      seller_tax_id: "X1",
      buyer_tax_id: "X2",
    })
    .execute();
  await bureau
    .insertInto("bureau_confirm_bills", {
      ...base,
      bill_no: "B2",
      gov_uuid: "U2",
      seller_tax_id: "X3",
      buyer_tax_id: "X1",
    })
    .execute();
  await bureau
    .insertInto("bureau_confirm_bills", {
      ...base,
      bill_no: "B3",
      gov_uuid: "U3",
      seller_tax_id: "X3",
      buyer_tax_id: "X4",
    })
    .execute();
  const seen = await bureau.selectFrom("bureau_confirm_bills").select("bill_no").orderBy("bill_no").execute();
  expect(seen.map((r) => r.bill_no)).toEqual(["B1", "B2"]);
  // By primary key: the same rule, on every id asked for (B3 is another pair's bill).
  const all = await t.handle.db.selectFrom("bureau_confirm_bills").select(["id", "bill_no"]).execute();
  const ids = all.map((r) => Number(r.id));
  const byId = await bureau.selectByIds("bureau_confirm_bills", [...ids, 999_999]);
  expect(byId.map((r) => r.bill_no).sort()).toEqual(["B1", "B2"]);
  expect(
    (await new BureauView(t.handle.db, "X4", 1).selectByIds("bureau_confirm_bills", ids)).map(
      (r) => r.bill_no
    )
  ).toEqual(["B3"]);
  const upd = await new BureauView(t.handle.db, "X2", 1)
    .updateTable("bureau_confirm_bills")
    .set({ confirm_status: "04" })
    .executeTakeFirst();
  expect(Number(upd.numUpdatedRows)).toBe(1);
});

describe("idempotency registry (runIdempotent)", () => {
  const key = (serialNo: string, hash = "h1") => ({
    orgId: orgA,
    serialNo,
    interfaceCode: "X",
    requestHash: hash,
  });

  test("sequential: the second call answers the recorded outcome without executing", async () => {
    let runs = 0;
    const exec = async () => {
      runs++;
      return ok({ n: runs, amount: new JsonDecimal("0.10") });
    };
    const a = await runIdempotent(t.handle.db, key("S-1"), 1, exec);
    const b = await runIdempotent(t.handle.db, key("S-1"), 2, exec);
    expect(runs).toBe(1);
    expect(a.replayed).toBe(false);
    expect(b.replayed).toBe(true);
    // What goes on the wire is identical: `{"ok":true,"data":{"n":1,"amount":0.10}}` both times.
    expect(stringifyJson(b.outcome)).toBe(stringifyJson(a.outcome));
    expect(stringifyJson(b.outcome)).toBe('{"ok":true,"data":{"n":1,"amount":0.10}}');
  });

  test("concurrent: ten in flight, one execution and one row, all answer the same", async () => {
    let runs = 0;
    const exec = async (tx: Parameters<Parameters<typeof runIdempotent>[3]>[0]) => {
      runs++;
      await new Promise((r) => setTimeout(r, 20));
      await scope(orgA, tx).insertInto("applications", app("CONC-REG")).execute();
      return ok("CONC-REG");
    };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => runIdempotent(t.handle.db, key("C-1"), 1, exec))
    );
    expect(runs).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    for (const r of results) expect(r.outcome).toEqual({ ok: true, data: "CONC-REG" });
    expect(
      await scope(orgA).selectFrom("applications").select("id").where("bill_no", "=", "CONC-REG").execute()
    ).toHaveLength(1);
  });

  test("a different request under a recorded serialNo is GW_DUPLICATE_SERIAL; refusals record nothing; kept refusals replay", async () => {
    await runIdempotent(t.handle.db, key("D-1", "h1"), 1, async () => ok("x"));
    const dup = await runIdempotent(t.handle.db, key("D-1", "h2"), 1, async () => ok("y"));
    expect(dup.outcome).toMatchObject({
      ok: false,
      refusal: {
        code: "GW_DUPLICATE_SERIAL",
        message: "流水号“D-1”已提交过，发票云不接受重复流水号，请按该流水号查询处理结果",
      },
    });

    const r1 = await runIdempotent(t.handle.db, key("R-1"), 1, async () =>
      refuse("GW_VALIDATION", { detail: "x" })
    );
    expect(r1.replayed).toBe(false);
    const rows = await t.handle.db
      .selectFrom("idempotency")
      .select("id")
      .where("serial_no", "=", "R-1")
      .execute();
    expect(rows).toHaveLength(0);

    const kept = await runIdempotent(t.handle.db, key("K-1"), 1, async () =>
      refuse("NOT_INVOICEABLE_STATUS", undefined, {
        keep: true,
        data: { redConfirmBillStatus: "02" },
        errorCode: "10301",
      })
    );
    const again = await runIdempotent(t.handle.db, key("K-1"), 2, async () => ok("never"));
    expect(again.replayed).toBe(true);
    expect(again.outcome).toEqual({ ...kept.outcome, keep: true });
  });
});
