/**
 * 0004 — issue 11 D3, per-destination callback delivery: `callbacks.destination` (text, default ''),
 * the URL's origin (scheme://host[:port], `callbackDestination`), backfilled from `url`; and the
 * index the dispatcher reads by — the oldest pending callback of a destination and a destination's
 * queue in id order — `(status, destination, id)`. Same DDL on SQLite and PostgreSQL.
 */
import { type Kysely, sql } from "kysely";
import { callbackDestination } from "../../callbackPolicy";
import type { SqlDialectName } from "../dialect";

export function callbackDestinationMigration(_dialect: SqlDialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable("callbacks")
        .addColumn("destination", "text", (c) => c.notNull().defaultTo(""))
        .execute();
      // One UPDATE per distinct URL (an outbox has few receivers and many callbacks).
      const urls = await sql<{ url: string }>`select distinct url from callbacks`.execute(db);
      for (const { url } of urls.rows)
        await sql`update callbacks set destination = ${callbackDestination(url)} where url = ${url}`.execute(
          db
        );
      await db.schema
        .createIndex("callbacks_destination_ix")
        .on("callbacks")
        .columns(["status", "destination", "id"])
        .execute();
    },
  };
}
