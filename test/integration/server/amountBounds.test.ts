/**
 * Issue 11 D6: a JSON-number amount has the bounds of the string rule (12 integer digits, 2 decimals).
 * `"amount": 1e21` once issued a blue invoice of 1,000,000,000,000,000,000,000.00; now the sandbox refuses it
 * on the field, and the add-in's client refuses it before sending.
 */
import { JsonDecimal } from "../../../src/gateway/json";
import { type TestServer, account, accessToken, call, startTestServer } from "./helpers";
import { clientFor } from "../sandbox/taxControlHelpers";

jest.setTimeout(30_000);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

const blue = (serialNo: string, amount: JsonDecimal) => {
  const seller = account(server, "seller");
  const buyer = account(server, "buyer");
  return {
    serialNo,
    invoiceType: "02",
    sellerName: "浙江红冲数电科技有限公司",
    sellerTaxpayerId: seller.taxId,
    buyerName: "广东蓝海采购有限公司",
    buyerTaxpayerId: buyer.taxId,
    drawer: "张三",
    invoiceDetail: [
      {
        lineProperty: "0",
        goodsName: "办公用品",
        revenueCode: "1060512990000000000",
        amount,
        taxRate: "0.13",
      },
    ],
  };
};

test("the sandbox refuses 1e21 as an amount on its field; 999999999999.99 is still an amount", async () => {
  const token = await accessToken(server, account(server, "seller"));
  const huge = await call(server, token, "ALLE.INVOICE.OPEN", blue("BOUND-1", new JsonDecimal("1e21")));
  expect(huge).toMatchObject({
    success: false,
    refusalCode: "GW_VALIDATION",
    refusalField: "invoiceDetail[0].amount",
  });
  const rows = await server.db.db
    .selectFrom("blue_invoices")
    .select("id")
    .where("serial_no", "=", "BOUND-1")
    .execute();
  expect(rows).toHaveLength(0);
  const max = await call(
    server,
    token,
    "ALLE.INVOICE.OPEN",
    blue("BOUND-2", new JsonDecimal("999999999999.99"))
  );
  expect(max.refusalField).not.toBe("invoiceDetail[0].amount");
});

test("the client refuses it before sending (the same wire schema)", async () => {
  const c = clientFor(server, "seller");
  const r = await c.openBlueInvoice(blue("BOUND-3", new JsonDecimal("1e21")) as never);
  expect(r).toMatchObject({
    ok: false,
    attempts: 0,
    refusal: { code: "GW_VALIDATION", field: "invoiceDetail[0].amount" },
  });
});
