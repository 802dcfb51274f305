/**
 * 0003 — issue 10 item 8 (sandbox), two text columns (default ''), same DDL on SQLite and PostgreSQL:
 * - `bureau_confirm_bills.entry_serial_no`: the 流水号 a 红字确认单 was entered under (002 回退②): the
 *   bureau is re-queried by it when a form reads 录入失败 — such a form has no 红字确认单编号 to ask by;
 * - `red_invoices.order_no`: the red invoice's 单据编号, taken from the 红字确认单's 单据编号 when the
 *   red is issued from it (002 字段说明 4: "红票开具完成后，保存为红字发票的单据编号");
 * - `red_invoices.delivery_email` / `delivery_phone`: the red's 交付邮箱/手机, by the engine's
 *   deliveryContact (开票申请单 > 红字确认单, one pair, domain-rules §4.13).
 */
import type { Kysely } from "kysely";
import type { SqlDialectName } from "../dialect";

export function entrySerialOrderNoMigration(_dialect: SqlDialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable("bureau_confirm_bills")
        .addColumn("entry_serial_no", "text", (c) => c.notNull().defaultTo(""))
        .execute();
      await db.schema
        .alterTable("red_invoices")
        .addColumn("order_no", "text", (c) => c.notNull().defaultTo(""))
        .execute();
      for (const column of ["delivery_email", "delivery_phone"])
        await db.schema
          .alterTable("red_invoices")
          .addColumn(column, "text", (c) => c.notNull().defaultTo(""))
          .execute();
    },
  };
}
