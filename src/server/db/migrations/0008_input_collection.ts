/**
 * 0008 — issue 12 §3: 4.02/4.03 input collection at the storage floor. Same DDL on SQLite and
 * PostgreSQL.
 *
 * - `input_collection_items`: the change report of a settled collection task, one row per invoice in
 *   the task's order (`seq` 1…n) — the pool row it merged into, the engine's mergeAction, the changes
 *   (JSON `[{field,label,from,to}]`) and notes (JSON `["FLIGHT_TOTAL_RULE_UNKNOWN"]`), and whether the
 *   价税合计（电子税局） rule applies. 4.03 reads a page as a `seq` range on the primary key
 *   `(task_id, seq)` joined to the pool, instead of parsing the whole report from `tasks.result_json`
 *   on every page. Tasks settled before 0008 are copied over from their `result_json`.
 * - `input_pool (org_id, invoice_no)`: the merge loads the pool rows of one page of downloaded keys
 *   (`invoice_no in (…)`; the unique key leads with invoice_code, which a download page does not share).
 * - `input_pool (org_id, invoice_date, id)`: HC.INPUTPOOL.QUERY's order, paged in SQL.
 * - the bureau-side sources of a buyer in id order, read in keyset pages: `bureau_invoices`,
 *   `blue_invoices`, `red_invoices` on `(buyer_tax_id, id)`.
 */
import { type Kysely, sql } from "kysely";
import type { SqlDialectName } from "../dialect";

export const INPUT_COLLECTION_INDEXES: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  ["input_pool_invoice_no_ix", "input_pool", ["org_id", "invoice_no"]],
  ["input_pool_date_ix", "input_pool", ["org_id", "invoice_date", "id"]],
  ["bureau_invoices_buyer_ix", "bureau_invoices", ["buyer_tax_id", "id"]],
  ["blue_invoices_buyer_ix", "blue_invoices", ["buyer_tax_id", "id"]],
  ["red_invoices_buyer_ix", "red_invoices", ["buyer_tax_id", "id"]],
];

/** A row of a pre-0008 report in `tasks.result_json` (integers and strings only). */
interface StoredResultRow {
  readonly id: number;
  readonly action: string;
  readonly changes?: unknown[];
  readonly notes?: string[];
  readonly flightTotalRule?: boolean;
}

const BACKFILL_CHUNK = 500;

export function inputCollectionMigration(_dialect: SqlDialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("input_collection_items")
        .addColumn("org_id", "bigint", (c) => c.notNull())
        .addColumn("task_id", "bigint", (c) => c.notNull())
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("pool_id", "bigint", (c) => c.notNull())
        .addColumn("merge_action", "text", (c) => c.notNull())
        .addColumn("changes_json", "text")
        .addColumn("notes_json", "text")
        .addColumn("flight_total_rule", "integer", (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint("input_collection_items_pk", ["task_id", "seq"])
        .execute();
      for (const [name, table, columns] of INPUT_COLLECTION_INDEXES)
        await db.schema
          .createIndex(name)
          .on(table)
          .columns([...columns])
          .execute();

      // Reports settled before 0008 (sandbox data dirs survive upgrades): one task at a time.
      const settled = await sql<{ id: number | string; org_id: number | string }>`
        select id, org_id from tasks
        where kind = 'inputCollection' and status = ${"成功"} and result_json is not null`.execute(db);
      for (const t of settled.rows) {
        const one = await sql<{ result_json: string }>`
          select result_json from tasks where id = ${t.id}`.execute(db);
        const rows = JSON.parse(one.rows[0]?.result_json || "[]") as StoredResultRow[];
        if (!Array.isArray(rows)) continue;
        for (let i = 0; i < rows.length; i += BACKFILL_CHUNK) {
          const values = rows.slice(i, i + BACKFILL_CHUNK).map(
            (r, k) =>
              sql`(${Number(t.org_id)}, ${Number(t.id)}, ${i + k + 1}, ${Number(r.id)}, ${r.action},
                ${r.changes?.length ? JSON.stringify(r.changes) : null},
                ${r.notes?.length ? JSON.stringify(r.notes) : null}, ${r.flightTotalRule ? 1 : 0})`
          );
          if (values.length === 0) continue;
          await sql`insert into input_collection_items
            (org_id, task_id, seq, pool_id, merge_action, changes_json, notes_json, flight_total_rule)
            values ${sql.join(values)}`.execute(db);
        }
        // The report now lives in input_collection_items; the task keeps only its totals.
        await sql`update tasks set result_json = ${"[]"} where id = ${t.id}`.execute(db);
      }
    },
  };
}
