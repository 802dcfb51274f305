/**
 * 2.2.01 税控普票 partial red (seed 000; redFlush.TAX_CONTROL_ORDINARY_PARTIAL_ALLOWED): the lines must
 * carry exactly the engine's figures (calcRedLine, reason TAX_CONTROL_PARTIAL_LINE_REASON), else
 * RCF_LINE_MISMATCH; 待开 records count; the blue → 部分红冲 with the remaining moved.
 */

import type { GatewayClient } from "../../../src/gateway/client";
import { type TestServer, account, startTestServer } from "../server/helpers";
import { TAXCTL_BLUES, blueByNo, clientFor } from "./taxControlHelpers";

jest.setTimeout(60_000);

let server: TestServer;
let taxctl: GatewayClient;
let taxId: string;

beforeAll(async () => {
  server = await startTestServer();
  taxctl = clientFor(server, "taxctl");
  taxId = account(server, "taxctl").taxId;
});
afterAll(async () => {
  await server?.close();
});

test("partial 税控普票: the engine's line is issued, a different 税额 is RCF_LINE_MISMATCH, the blue → 部分红冲", async () => {
  const blue = TAXCTL_BLUES.paperOrdinary;
  const base = {
    sellerTaxpayerId: taxId,
    invoiceProperty: "1" as const,
    originalInvoiceCode: blue.code,
    originalInvoiceNumber: blue.no,
  };
  const wrong = await taxctl.issueTaxControlRed([
    {
      ...base,
      serialNo: "TCO-0001",
      invoiceDetail: [{ originalSeq: "0", amount: "-100.00", taxAmount: "-12.99" }],
    },
  ]);
  expect(wrong.ok ? "" : wrong.refusal.code).toBe("RCF_LINE_MISMATCH");

  const r = await taxctl.issueTaxControlRed([
    {
      ...base,
      serialNo: "TCO-0002",
      invoiceDetail: [{ originalSeq: "0", amount: "-100.00", taxAmount: "-13.00" }],
    },
  ]);
  expect(r.ok).toBe(true);
  expect((r.ok ? (r.data as any[]) : [])[0]).toMatchObject({
    success: true,
    totalAmount: "-100.00",
    totalTaxAmount: "-13.00",
    includeTaxAmount: "-113.00",
  });
  const b = await blueByNo(server, blue.code, blue.no);
  expect([b.status, b.remaining_amount, b.remaining_tax]).toEqual(["部分红冲", "460.00", "59.80"]);
  const line = await server.db.db
    .selectFrom("blue_invoice_lines")
    .selectAll()
    .where("invoice_id", "=", b.id)
    .executeTakeFirstOrThrow();
  expect([line.remaining_amount, line.remaining_tax]).toEqual(["460.00", "59.80"]);

  // The rest is reversed as a whole line: 全额红冲.
  const rest = await taxctl.issueTaxControlRed([
    {
      ...base,
      serialNo: "TCO-0003",
      invoiceDetail: [{ originalSeq: "0", amount: "-460.00", taxAmount: "-59.80" }],
    },
  ]);
  expect(rest.ok).toBe(true);
  expect((await blueByNo(server, blue.code, blue.no)).status).toBe("全额红冲");
});
