/**
 * 0005 — issue 12 item 1: every list pages, filters and sorts in SQL on an index, and the 72-hour
 * settlement reads only what is due. Same DDL on SQLite and PostgreSQL.
 *
 * - `bureau_confirm_bills.confirm_deadline` (text, nullable): 录入日期 + 72 h as the engine's
 *   confirmDeadline writes it (`yyyy-MM-dd HH:mm:ss`, China time), backfilled here with that function;
 *   NULL when 录入日期 does not read as a date. The settlement asks `confirm_status in (02, 03) and
 *   confirm_deadline < now` on `(confirm_status, confirm_deadline)` — fixed-width text sorts as time.
 * - the bills of one party in 2.1.13's order (录入 instant, id): `(seller_tax_id, entered_at_ms, id)` and
 *   `(buyer_tax_id, entered_at_ms, id)` — page and COUNT read the index, never the whole list;
 * - lookups that scanned a table: bills by blue invoice (the reserving bills of 2.1.03, the buyer's
 *   pool status, HC.BLUEINVOICE.QUERY), by 流水号 (回退's re-query); an org's forms by bill number
 *   across orgs (2.1.12's first downloader); invoices by number without a code (4.1.04, 2.1.03's blue,
 *   2.1.13's blue amounts); 待开 reds by blue invoice; 红字信息表 by number;
 * - list orders: invoices by 开票日期 (4.1.03, HC.BLUEINVOICE.QUERY), tasks newest first
 *   (HC.TASK.QUERY), an org's 红字信息表 by id (HC.REDINFOBILL.LIST), the bureau's 红字信息表 of a party
 *   (2.2.05).
 */
import { type Kysely, sql } from "kysely";
import { confirmDeadline } from "../../../domain/confirmForm";
import type { SqlDialectName } from "../dialect";

/** [name, table, columns] — ids last where a list orders by them (PostgreSQL has no implicit rowid). */
export const LIST_INDEXES: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  ["bureau_confirm_bills_seller_entry_ix", "bureau_confirm_bills", ["seller_tax_id", "entered_at_ms", "id"]],
  // seller_tax_id last: 2.1.13 on both sides leaves out the caller's own sales inside the index.
  [
    "bureau_confirm_bills_buyer_entry_ix",
    "bureau_confirm_bills",
    ["buyer_tax_id", "entered_at_ms", "id", "seller_tax_id"],
  ],
  ["bureau_confirm_bills_due_ix", "bureau_confirm_bills", ["confirm_status", "confirm_deadline"]],
  ["bureau_confirm_bills_blue_ix", "bureau_confirm_bills", ["blue_invoice_no", "blue_invoice_code"]],
  ["bureau_confirm_bills_entry_serial_ix", "bureau_confirm_bills", ["entry_serial_no"]],
  ["red_confirm_forms_bill_no_ix", "red_confirm_forms", ["bill_no"]],
  ["blue_invoices_date_ix", "blue_invoices", ["org_id", "invoice_date", "id"]],
  ["blue_invoices_invoice_no_ix", "blue_invoices", ["org_id", "invoice_no"]],
  ["red_invoices_date_ix", "red_invoices", ["org_id", "invoice_date", "id"]],
  ["red_invoices_invoice_no_ix", "red_invoices", ["org_id", "invoice_no"]],
  ["pending_reds_blue_ix", "pending_reds", ["org_id", "blue_invoice_id"]],
  ["tasks_created_ix", "tasks", ["org_id", "created_at", "id"]],
  ["info_forms_org_ix", "info_forms", ["org_id", "id"]],
  ["info_forms_bill_ix", "info_forms", ["org_id", "bill_no"]],
  ["bureau_info_forms_seller_ix", "bureau_info_forms", ["seller_tax_id", "id"]],
  ["bureau_info_forms_buyer_ix", "bureau_info_forms", ["buyer_tax_id", "id"]],
];

/** The stored deadline of a bill entered at `enteredAt`, or null when it does not read as a date. */
function storedConfirmDeadline(enteredAt: string): string | null {
  const d = confirmDeadline(enteredAt, enteredAt);
  return d.ok ? d.value.deadline : null;
}

export function listIndexesMigration(_dialect: SqlDialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("bureau_confirm_bills").addColumn("confirm_deadline", "text").execute();
      // One UPDATE per distinct 录入日期 (the engine computes each deadline; SQL date functions differ).
      const entered = await sql<{
        entered_at: string;
      }>`select distinct entered_at from bureau_confirm_bills`.execute(db);
      for (const { entered_at } of entered.rows) {
        const deadline = storedConfirmDeadline(entered_at);
        if (deadline === null) continue;
        await sql`update bureau_confirm_bills set confirm_deadline = ${deadline} where entered_at = ${entered_at}`.execute(
          db
        );
      }
      for (const [name, table, columns] of LIST_INDEXES)
        await db.schema
          .createIndex(name)
          .on(table)
          .columns([...columns])
          .execute();
    },
  };
}
