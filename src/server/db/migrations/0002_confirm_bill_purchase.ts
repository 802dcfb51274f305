/**
 * 0002 — the 收购票 fact of a 红字确认单 (issue 10 item 4): `bureau_confirm_bills.is_purchase_invoice`
 * (0/1, default 0). Set when the bill's blue invoice is a 收购票; with it the engine
 * (src/domain/confirmForm/identity.ts) decides which party may red-flush (the seller, or the buyer
 * for a 收购票, whose identities flip). Same DDL on SQLite and PostgreSQL.
 */
import type { Kysely } from "kysely";
import type { SqlDialectName } from "../dialect";

export function confirmBillPurchaseMigration(_dialect: SqlDialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable("bureau_confirm_bills")
        .addColumn("is_purchase_invoice", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
    },
  };
}
