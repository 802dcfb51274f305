/**
 * In-code migration provider: migrations are TypeScript modules listed here (no directory scan, so
 * tsx, jest and a bundler all see the same list). Add a migration = add a file and one line below;
 * names sort in execution order.
 */
import type { Kysely } from "kysely";
import type { Migration, MigrationProvider } from "kysely";
import type { SqlDialectName } from "../dialect";
import { initialMigration } from "./0001_initial";
import { confirmBillPurchaseMigration } from "./0002_confirm_bill_purchase";
import { entrySerialOrderNoMigration } from "./0003_entry_serial_order_no";
import { callbackDestinationMigration } from "./0004_callback_destination";
import { listIndexesMigration } from "./0005_list_indexes";
import { callbackLeasesMigration } from "./0007_callback_leases";
import { inputCollectionMigration } from "./0008_input_collection";

type MigrationFactory = (dialect: SqlDialectName) => {
  up(db: Kysely<unknown>): Promise<void>;
  down?(db: Kysely<unknown>): Promise<void>;
};

export const MIGRATIONS: ReadonlyArray<readonly [name: string, factory: MigrationFactory]> = [
  ["0001_initial", initialMigration],
  ["0002_confirm_bill_purchase", confirmBillPurchaseMigration],
  ["0003_entry_serial_order_no", entrySerialOrderNoMigration],
  ["0004_callback_destination", callbackDestinationMigration],
  ["0005_list_indexes", listIndexesMigration],
  ["0007_callback_leases", callbackLeasesMigration],
  ["0008_input_collection", inputCollectionMigration],
];

export class InCodeMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: SqlDialectName) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, factory] of MIGRATIONS) {
      const m = factory(this.dialect);
      out[name] = {
        up: (db) => m.up(db as Kysely<unknown>),
        ...(m.down ? { down: (db) => m.down!(db as Kysely<unknown>) } : {}),
      };
    }
    return out;
  }
}
