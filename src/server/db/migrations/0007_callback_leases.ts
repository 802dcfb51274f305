/**
 * 0007 — issue 12 §7, more than one gateway on one database: `callback_leases`, one row per destination
 * whose lane a dispatcher (a `hongchong serve` process) holds — `owner` (the dispatcher's random id) until
 * `until_ms` (wall-clock ms). A lane runs only under its lease, so two gateways never POST the same
 * callback, nor one destination's callbacks out of order. Same DDL on SQLite and PostgreSQL.
 */
import type { Kysely } from "kysely";
import type { SqlDialectName } from "../dialect";

export function callbackLeasesMigration(_dialect: SqlDialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("callback_leases")
        .addColumn("destination", "text", (c) => c.primaryKey())
        .addColumn("owner", "text", (c) => c.notNull())
        .addColumn("until_ms", "bigint", (c) => c.notNull())
        .execute();
    },
  };
}
