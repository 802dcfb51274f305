/**
 * Issue 11 D15: a partial 红字确认单 line whose 数量 exceeds what remains on the blue line is refused as
 * over-quantity (EXCEEDS_REMAINING on 数量), never as "no unit price" — also when another bill
 * awaiting confirmation already holds the whole remaining quantity.
 */
import type { GatewayClient } from "../../../src/gateway/client";
import { type TestServer, startTestServer } from "../server/helpers";
import { SEEDED, clientFor, value } from "./confirmFormsHelpers";

jest.setTimeout(60_000);

let server: TestServer;
let seller: GatewayClient;

beforeAll(async () => {
  server = await startTestServer();
  seller = clientFor(server, "seller");
});
afterAll(async () => {
  await server?.close();
});

test("数量 beyond what a pending bill left on the line: over-quantity, not NO_UNIT_PRICE", async () => {
  const reason = seller.reasonCode("销售退回", "2.1.03") as string;
  // spare109 line 0: 10 × 1000.00. A first bill returns all 10 (awaiting the buyer: it holds them).
  value(
    await seller.applyRedConfirmBill({
      orderNo: "OVQ-0001",
      invoiceNo: SEEDED.spareTwoLines,
      redReason: reason,
      invoiceDetail: [{ originalSeq: 0, quantity: "-10" }],
    })
  );
  const r = await seller.applyRedConfirmBill({
    orderNo: "OVQ-0002",
    invoiceNo: SEEDED.spareTwoLines,
    redReason: reason,
    invoiceDetail: [{ originalSeq: 0, quantity: "-1" }],
  });
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.refusal.code).toBe("EXCEEDS_REMAINING");
    expect(r.refusal.message).toBe("数量不能超过剩余可红冲值 0");
  }
});
