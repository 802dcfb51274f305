/**
 * 收购票 on a 红字确认单 (002, domain confirmForm/identity.ts): 2.1.03 on a 收购票 blue records the fact
 * on the bill, 2.1.13 shows it as isPurchaseInvoice "1" (other bills "0"), and the seller's 2.1.04
 * via the bill is refused by the engine (RCF_RED_FLUSH_WRONG_PARTY: the buyer red-flushes a 收购票).
 */
import type { GatewayClient } from "../../../src/gateway/client";
import { type TestServer, account, startTestServer } from "../server/helpers";
import { SEEDED, clientFor, issueBlue, value } from "./confirmFormsHelpers";

jest.setTimeout(60_000);

let server: TestServer;
let seller: GatewayClient;
let sellerTax: string;

beforeAll(async () => {
  server = await startTestServer();
  seller = clientFor(server, "seller");
  sellerTax = account(server, "seller").taxId;
});
afterAll(async () => {
  await server?.close();
});

test("收购票: the bill carries isPurchaseInvoice; the seller may not red-flush it; an ordinary bill says 0", async () => {
  const blueNo = await issueBlue(seller, server, "PUR-BLUE-0001");
  await server.db.db
    .updateTable("blue_invoices")
    .set({ special_type: "16" })
    .where("invoice_no", "=", blueNo)
    .execute();
  const applied = value(
    await seller.applyRedConfirmBill({
      orderNo: "PUR-RCF-0001",
      invoiceNo: blueNo,
      redReason: seller.reasonCode("开票有误", "2.1.03") as string,
      invoiceType: "01",
    })
  );
  expect(applied.redConfirmBillStatus).toBe("01");
  const bill = await server.db.db
    .selectFrom("bureau_confirm_bills")
    .selectAll()
    .where("bill_no", "=", applied.redInfoBillNo)
    .executeTakeFirstOrThrow();
  expect(bill.is_purchase_invoice).toBe(1);

  const listed = value(
    await seller.queryRedConfirmBills({ taxpayerId: sellerTax, redInfoBillNo: applied.redInfoBillNo })
  );
  expect((listed.dataList[0] as any).isPurchaseInvoice).toBe("1");
  const ordinary = value(
    await seller.queryRedConfirmBills({
      taxpayerId: sellerTax,
      redInfoBillNo: (
        await server.db.db
          .selectFrom("bureau_confirm_bills")
          .select("bill_no")
          .where("blue_invoice_no", "=", SEEDED.confirmed04)
          .executeTakeFirstOrThrow()
      ).bill_no,
    })
  );
  expect((ordinary.dataList[0] as any).isPurchaseInvoice).toBe("0");

  const r = await seller.redFlushDigital({
    serialNo: "PUR-RED-0001",
    invoiceNum: blueNo,
    redReason: seller.reasonCode("开票有误", "2.1.04") as string,
    invoiceType: "01",
    sellerTaxpayerId: sellerTax,
    redInfoBillNo: applied.redInfoBillNo,
  });
  expect(r.ok ? "" : r.refusal.code).toBe("RCF_RED_FLUSH_WRONG_PARTY");
  expect(r.ok ? "" : r.refusal.message).toBe("红字确认单只能由购方红冲（收购票由购方开具，购销身份互换）");
  const reds = await server.db.db
    .selectFrom("red_invoices")
    .select("id")
    .where("serial_no", "=", "PUR-RED-0001")
    .execute();
  expect(reds).toEqual([]);
});
