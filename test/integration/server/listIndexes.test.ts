/**
 * Issue 12 §1: the lists read an index, never the whole history. SQLite's EXPLAIN QUERY PLAN of the
 * queries 2.1.13 and the 72-hour settlement run: a search on the named index (0005), no temporary
 * B-tree for the order, no full scan of bureau_confirm_bills.
 */
import { sql } from "kysely";
import { LIST_INDEXES } from "../../../src/server/db/migrations/0005_list_indexes";
import { BureauView } from "../../../src/server/db/repo";
import { PG_URL, type TestDb, openTestDb } from "./helpers";

const sqliteOnly = PG_URL ? describe.skip : describe;

sqliteOnly("list indexes (SQLite plans)", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb();
  });
  afterAll(() => t.cleanup());

  async function plan(query: string): Promise<string> {
    const r = await sql<{ detail: string }>`${sql.raw(`explain query plan ${query}`)}`.execute(t.handle.db);
    return r.rows.map((x) => x.detail).join(" | ");
  }

  it("0005 created every list index", async () => {
    const r = await sql<{ name: string }>`select name from sqlite_master where type = 'index'`.execute(
      t.handle.db
    );
    const names = new Set(r.rows.map((x) => x.name));
    expect(LIST_INDEXES.map(([n]) => n).filter((n) => !names.has(n))).toEqual([]);
  });

  it("2.1.13's page of one side walks (tax ID, 录入 instant, id) in order", async () => {
    const p = await plan(
      "select id, entered_at_ms from bureau_confirm_bills where seller_tax_id = 'X' order by entered_at_ms, id limit 100 offset 900"
    );
    expect(p).toMatch(/USING (COVERING )?INDEX bureau_confirm_bills_seller_entry_ix/);
    expect(p).not.toMatch(/TEMP B-TREE/);
  });

  it("the buyer's side leaves out its own sales inside the index", async () => {
    const p = await plan(
      "select count(*) from bureau_confirm_bills where buyer_tax_id = 'X' and seller_tax_id != 'X'"
    );
    expect(p).toMatch(/USING COVERING INDEX bureau_confirm_bills_buyer_entry_ix/);
  });

  it("the 72-hour settlement reads only what is due, by deadline", async () => {
    const p = await plan(
      "select * from bureau_confirm_bills where confirm_status in ('02', '03') and confirm_deadline < '2025-10-13 10:00:00'"
    );
    expect(p).toMatch(
      /USING INDEX bureau_confirm_bills_due_ix \(confirm_status=\? AND confirm_deadline<\?\)/
    );
    expect(p).not.toMatch(/^SCAN bureau_confirm_bills/);
  });

  /** The plan of a query as BureauView builds it: its party filter is an OR of party columns. */
  async function bureauPlan(q: {
    compile(): { sql: string; parameters: readonly unknown[] };
  }): Promise<string> {
    const c = q.compile();
    const r = await t.handle.db.executeQuery<{ detail: string }>({
      ...c,
      sql: `explain query plan ${c.sql}`,
      query: { kind: "RawNode", sqlFragments: [], parameters: [] },
    } as never);
    return r.rows.map((x) => x.detail).join(" | ");
  }

  it("the bureau's party OR does not steer a keyed read onto a party index (a walk of the whole history)", async () => {
    const b = new BureauView(t.handle.db, "X", 1);
    const bills = () => b.selectFrom("bureau_confirm_bills").selectAll();
    // The 72-hour settlement as settleOverdueBills asks it.
    expect(
      await bureauPlan(
        bills().where("confirm_status", "in", ["02", "03"]).where("confirm_deadline", "<", "2025")
      )
    ).toMatch(/USING INDEX bureau_confirm_bills_due_ix/);
    // HC.BLUEINVOICE.QUERY's and 4.02's bills of a page of blues: by blue number, the party on the rows.
    expect(
      await bureauPlan(
        bills().where("blue_invoice_no", "in", ["1", "2"]).where("confirm_status", "in", ["02", "03"])
      )
    ).toMatch(/USING INDEX bureau_confirm_bills_blue_ix/);
    // What the code no longer does: the party column in SQL next to the blue numbers walks the party.
    expect(
      await bureauPlan(bills().where("seller_tax_id", "=", "X").where("blue_invoice_no", "in", ["1", "2"]))
    ).toMatch(/USING INDEX bureau_confirm_bills_seller_entry_ix/);
    // 2.1.03's reserving bills (seller, code and number): the blue index.
    expect(
      await bureauPlan(
        bills()
          .where("seller_tax_id", "=", "X")
          .where("blue_invoice_code", "=", "")
          .where("blue_invoice_no", "=", "1")
          .where("confirm_status", "in", ["01", "02"])
      )
    ).toMatch(/USING INDEX bureau_confirm_bills_blue_ix/);
  });
});
