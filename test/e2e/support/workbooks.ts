/**
 * Sheets a clerk would have open, built from the sandbox's own seeded records (read from the gateway's
 * database, so the sheet and the sandbox always agree), with the values Excel would hold: numbers
 * as numbers, invoice numbers and tax IDs as text, dates as serials.
 */
import type { RunningGateway } from "../../../src/server";
import { BLUE_HEADERS } from "../../support/blueInvoiceWorkbook";

export type Cell = string | number;

/** A seeded blue invoice as the sheet shows it. */
export interface BlueInvoiceRecord {
  readonly invoiceCode: string;
  readonly invoiceNo: string;
  readonly kind: string;
  readonly status: string;
  readonly buyerName: string;
  readonly buyerTaxId: string;
  readonly sellerTaxId: string;
  readonly amount: string;
  readonly taxAmount: string;
  readonly totalAmount: string;
  readonly remainingAmount: string;
  readonly pendingRed: string;
  readonly issueDate: string;
}

export async function blueInvoices(
  gw: RunningGateway,
  invoiceNos: readonly string[]
): Promise<BlueInvoiceRecord[]> {
  const db = gw.db.db;
  const rows = await db
    .selectFrom("blue_invoices")
    .selectAll()
    .where("invoice_no", "in", [...invoiceNos])
    .execute();
  const pending = await db
    .selectFrom("pending_reds")
    .select(["blue_invoice_id", "amount", "status"])
    .where(
      "blue_invoice_id",
      "in",
      rows.map((r) => Number(r.id))
    )
    .execute();
  return invoiceNos.map((no) => {
    const r = rows.find((x) => x.invoice_no === no);
    if (!r) throw new Error(`no seeded blue invoice ${no}`);
    const p = pending.find((x) => Number(x.blue_invoice_id) === Number(r.id) && x.status === "待开");
    return {
      invoiceCode: r.invoice_code,
      invoiceNo: r.invoice_no,
      kind: r.kind,
      status: r.status,
      buyerName: r.buyer_name,
      buyerTaxId: r.buyer_tax_id,
      sellerTaxId: r.seller_tax_id,
      amount: r.amount,
      taxAmount: r.tax_amount,
      totalAmount: r.total_amount,
      remainingAmount: r.remaining_amount,
      pendingRed: p ? p.amount.replace(/^-/, "") : "0",
      issueDate: r.invoice_date,
    };
  });
}

/** "2025-06-10 10:00:00" → the Excel date serial of the day (a clerk's date cell). */
export function excelDate(dateTime: string): number {
  const [y, m, d] = dateTime.slice(0, 10).split("-").map(Number);
  return Date.UTC(y, m - 1, d) / 86_400_000 + 25_569;
}

/** What a clerk typed in a cell of a row: overrides by header (a string where a number belongs, …). */
export type RowOverrides = Readonly<Record<string, Cell>>;

/** The 蓝票清单 rows (header first) of `invoices`, 本次红冲金额 = the full remaining amount by default. */
export function blueInvoiceSheet(
  invoices: readonly BlueInvoiceRecord[],
  overrides: ReadonlyArray<RowOverrides | undefined> = []
): Cell[][] {
  const num = (s: string): number => Number(s);
  const rows = invoices.map((inv, i) => {
    const byHeader: Record<string, Cell> = {
      发票代码: inv.invoiceCode,
      发票号码: inv.invoiceNo,
      发票种类: inv.kind,
      审批状态: "无需审批",
      购方名称: inv.buyerName,
      购方税号: inv.buyerTaxId,
      销方税号: inv.sellerTaxId,
      发票状态: inv.status,
      价税合计: num(inv.totalAmount),
      不含税金额: num(inv.amount),
      税额: num(inv.taxAmount),
      可红冲金额: num(inv.remainingAmount),
      待开红冲金额: num(inv.pendingRed),
      本次红冲金额: num(inv.remainingAmount),
      红冲原因: "开票有误",
      开票人: "张三",
      原蓝票日期: excelDate(inv.issueDate),
      ...(overrides[i] ?? {}),
    };
    return BLUE_HEADERS.map((h) => byHeader[h] ?? "");
  });
  return [[...BLUE_HEADERS], ...rows];
}
