/**
 * Row counts of every table of the gateway's database (SQLite or the test's PostgreSQL schema): a
 * refused request must leave every count as it was ("never a write on refusal").
 */
import { sql } from "kysely";
import type { DbHandle } from "../../../src/server/db/connect";

export async function rowCounts(db: DbHandle): Promise<Record<string, number>> {
  const tables =
    db.dialect === "sqlite"
      ? (
          await sql<{
            name: string;
          }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db.db)
        ).rows.map((r) => r.name)
      : (
          await sql<{ name: string }>`select table_name as name from information_schema.tables
            where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db.db)
        ).rows.map((r) => r.name);
  const out: Record<string, number> = {};
  for (const t of tables.sort()) {
    if (t.startsWith("kysely_")) continue;
    const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(t)}`.execute(db.db);
    out[t] = Number(r.rows[0].n);
  }
  return out;
}
