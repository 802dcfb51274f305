/**
 * 待开 records (000 ②) in the sandbox with the real client: a record holds its amount in every status
 * but 已开票 (待开 and 未开票 after a failed issue) in 2.2.02, 2.1.03 and HC.BLUEINVOICE.QUERY; a red
 * accepted for issue and then refused (2.1.04 via a bill) stays in 待开 as 未开票; HC.PENDINGRED.LIST /
 * HC.PENDINGRED.DELETE list and delete the caller's own records, and deleting releases the amount.
 */
import type { GatewayClient } from "../../../src/gateway/client";
import { EXTENSIONS } from "../../../src/gateway/extensions";
import { type TestServer, account, startTestServer } from "../server/helpers";
import { SEEDED, ext, issueBlue, value } from "./confirmFormsHelpers";
import { TAXCTL_BLUES, blueByNo, clientFor } from "./taxControlHelpers";

jest.setTimeout(60_000);

let server: TestServer;
let taxctl: GatewayClient;
let seller: GatewayClient;

beforeAll(async () => {
  server = await startTestServer();
  taxctl = clientFor(server, "taxctl");
  seller = clientFor(server, "seller");
});
afterAll(async () => {
  await server?.close();
});

async function orgId(key: "taxctl" | "seller"): Promise<number> {
  const r = await server.db.db
    .selectFrom("orgs")
    .select("id")
    .where("tax_id", "=", account(server, key).taxId)
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

async function insertPending(key: "taxctl" | "seller", blueId: number, amount: string, status: string) {
  const r = await server.db.db
    .insertInto("pending_reds")
    .values({
      org_id: await orgId(key),
      blue_invoice_id: blueId,
      serial_no: null,
      source: "单张开票",
      amount,
      tax_amount: "0.00",
      status,
      created_at: server.clock.now(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

test("2.2.02: a 未开票 record (failed issue) holds its amount; LIST shows it; another org cannot delete it; DELETE releases it", async () => {
  const blue = TAXCTL_BLUES.paperOrdinary;
  const b = await blueByNo(server, blue.code, blue.no);
  await insertPending("taxctl", b.id, "-0.01", "未开票");
  const item = (serialNo: string) => ({
    serialNo,
    sellerTaxpayerId: account(server, "taxctl").taxId,
    originalInvoiceCode: blue.code,
    originalInvoiceNumber: blue.no,
  });
  const refused = await taxctl.quickRedFlushTaxControl([item("PEND-TQR-1")]);
  expect(refused.ok ? "" : refused.refusal.code).toBe("INSUFFICIENT_REMAINING");

  const list = await ext(taxctl, EXTENSIONS.pendingRedList, {
    blueInvoiceCode: blue.code,
    blueInvoiceNo: blue.no,
  });
  expect(list.dataList).toHaveLength(1);
  const [rec] = list.dataList;
  expect(rec).toMatchObject({
    blueInvoiceCode: blue.code,
    blueInvoiceNo: blue.no,
    serialNo: null,
    source: "单张开票",
    amount: "-0.01",
    taxAmount: "0.00",
    status: "未开票",
  });
  expect(rec.createdAt).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  // HC.BLUEINVOICE.QUERY reports it among the 待开 reds too.
  const q = await ext(taxctl, EXTENSIONS.blueInvoiceQuery, { invoiceNos: [blue.no] });
  expect(q.items.find((i: any) => i.invoiceCode === blue.code).pendingRedAmounts).toEqual(["-0.01"]);

  // Only the caller organisation's records: the seller's delete touches nothing.
  expect(await ext(seller, EXTENSIONS.pendingRedDelete, { ids: [rec.id] })).toEqual({ deleted: "0" });
  expect(await ext(taxctl, EXTENSIONS.pendingRedDelete, { ids: [rec.id] })).toEqual({ deleted: "1" });
  expect((await ext(taxctl, EXTENSIONS.pendingRedList, { blueInvoiceNo: blue.no })).dataList).toEqual([]);
  const audit = await server.db.db
    .selectFrom("audit")
    .select(["action"])
    .where("entity", "=", "pending_reds")
    .where("entity_id", "=", String(rec.id))
    .execute();
  expect(audit.map((a) => a.action)).toEqual(["delete"]);

  const issued = await taxctl.quickRedFlushTaxControl([item("PEND-TQR-2")]);
  expect(issued.ok).toBe(true);
  expect((issued.ok ? (issued.data as any[]) : [])[0]).toMatchObject({
    success: true,
    totalAmount: "-560.00",
  });
});

test("2.1.03: a 未开票 record of the blue counts against the remaining amount", async () => {
  const blueNo = await issueBlue(seller, server, "PEND-BLUE-0001", [
    { amount: "1000.00", rate: "0.13", qty: "10" },
  ]);
  const b = await server.db.db
    .selectFrom("blue_invoices")
    .selectAll()
    .where("invoice_no", "=", blueNo)
    .executeTakeFirstOrThrow();
  const pendingId = await insertPending("seller", b.id, "-0.01", "未开票");
  const apply = (orderNo: string) =>
    seller.applyRedConfirmBill({
      orderNo,
      invoiceNo: blueNo,
      redReason: seller.reasonCode("开票有误", "2.1.03") as string,
      invoiceType: "01",
    });
  const r = await apply("PEND-RCF-0001");
  expect(r.ok ? "" : r.refusal.code).toBe("INSUFFICIENT_REMAINING");
  expect(await ext(seller, EXTENSIONS.pendingRedDelete, { ids: [pendingId] })).toEqual({ deleted: "1" });
  const entered = value(await apply("PEND-RCF-0002"));
  expect(entered.redConfirmBillStatus).toBe("01");
});

test("2.1.04 via a bill: accepted, then refused at issue (the blue's lines no longer cover it) → a 未开票 record holding the bill's amount, kept", async () => {
  const bill = await server.db.db
    .selectFrom("bureau_confirm_bills")
    .selectAll()
    .where("blue_invoice_no", "=", SEEDED.confirmed04)
    .executeTakeFirstOrThrow();
  expect(bill.confirm_status).toBe("04");
  const b = await server.db.db
    .selectFrom("blue_invoices")
    .selectAll()
    .where("invoice_no", "=", SEEDED.confirmed04)
    .executeTakeFirstOrThrow();
  // Something else reversed the lines meanwhile (the header still says 正常).
  await server.db.db
    .updateTable("blue_invoice_lines")
    .set({ remaining_amount: "0.01", remaining_tax: "0.00" })
    .where("invoice_id", "=", b.id)
    .execute();
  const r = await seller.redFlushDigital({
    serialNo: "PEND-RED-0001",
    invoiceNum: SEEDED.confirmed04,
    redReason: seller.reasonCode(bill.red_reason, "2.1.04") as string,
    invoiceType: "01",
    sellerTaxpayerId: account(server, "seller").taxId,
    redInfoBillNo: bill.bill_no,
    govRedConfirmBillUuid: bill.gov_uuid,
  });
  expect(r.ok ? "" : r.refusal.code).toBe("INSUFFICIENT_REMAINING");
  const reds = await server.db.db
    .selectFrom("red_invoices")
    .select("id")
    .where("serial_no", "=", "PEND-RED-0001")
    .execute();
  expect(reds).toEqual([]);
  const list = await ext(seller, EXTENSIONS.pendingRedList, { blueInvoiceNo: SEEDED.confirmed04 });
  expect(list.dataList).toHaveLength(1);
  expect(list.dataList[0]).toMatchObject({
    serialNo: "PEND-RED-0001",
    source: "单张开票",
    amount: bill.amount,
    taxAmount: bill.tax_amount,
    status: "未开票",
  });
});
