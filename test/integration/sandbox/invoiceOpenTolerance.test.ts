/**
 * 2.1.01 ALLE.INVOICE.OPEN as public third-party clients call it: lines without taxAmount (the
 * vendor computes it, with the engine's rounding), lineProperty as a JSON number, quantity 1 with
 * `"price": ""`. Each issued invoice is read back with 4.1.04 and its figures checked to the cent.
 */
import { JsonDecimal } from "../../../src/gateway/json";
import { BlueInvoiceOpenData, checkWireData } from "../../../src/gateway/schemas";
import { type TestServer, accessToken, account, call, startTestServer } from "../server/helpers";

jest.setTimeout(30_000);

let server: TestServer;
let token: string;
let serial = 0;

const d = (s: string) => new JsonDecimal(s);

function invoice(lines: Record<string, unknown>[], top: Record<string, unknown> = {}) {
  serial++;
  return {
    serialNo: `TOL-${String(serial).padStart(4, "0")}`,
    invoiceType: "02",
    sellerName: "浙江红冲数电科技有限公司",
    sellerTaxpayerId: account(server, "seller").taxId,
    buyerName: "广东蓝海采购有限公司",
    buyerTaxpayerId: account(server, "buyer").taxId,
    invoiceDetail: lines.map((l) => ({
      lineProperty: "0",
      goodsName: "信息技术服务",
      revenueCode: "3040201010000000000",
      ...l,
    })),
    ...top,
  };
}

/** Issue, then read the invoice back with 4.1.04. */
async function issue(data: ReturnType<typeof invoice>): Promise<any> {
  const r = await call(server, token, "ALLE.INVOICE.OPEN", data);
  expect(r).toMatchObject({ success: true, errorCode: "0", data: data.serialNo });
  const q = await call(server, token, "ALLE.INVOICE.QUERY", { serialNo: data.serialNo });
  expect(q.success).toBe(true);
  return q.decoded;
}

const figures = (inv: any) => ({
  totalAmount: inv.totalAmount,
  totalTaxAmount: inv.totalTaxAmount,
  includeTaxAmount: inv.includeTaxAmount,
  lines: inv.invoiceDetail.map((l: any) => [l.lineProperty, l.amount, l.taxAmount, l.includeTaxAmount]),
});

beforeAll(async () => {
  server = await startTestServer();
  token = await accessToken(server, account(server, "seller"));
});
afterAll(async () => {
  await server.close();
});

describe("a line without taxAmount: the tax is computed", () => {
  test.each([
    ["100.00 at text rate 0.13 → 13.00", d("100.00"), "0.13", "13.00"],
    ["33.33 at 0.06 (1.9998) → 2.00", d("33.33"), d("0.06"), "2.00"],
    ["0.10 at 0.13 (0.013) → 0.01", d("0.10"), "0.13", "0.01"],
    ["10.05 at 0.09 (0.9045, half up) → 0.90", d("10.05"), "0.09", "0.90"],
    ["12.50 at 0.06 (0.75) → 0.75", d("12.50"), "0.06", "0.75"],
    ["99.99 at 0.03 (2.9997) → 3.00", d("99.99"), "0.03", "3.00"],
    ["500.00 at 0 (免税) → 0.00", d("500.00"), "0", "0.00"],
  ])("tax-exclusive %s", async (_label, amount, taxRate, tax) => {
    const inv = await issue(invoice([{ amount, taxRate }]));
    const a = new JsonDecimal(String(amount)).text;
    expect(inv.invoiceDetail[0]).toMatchObject({ amount: a, taxAmount: tax });
    expect(inv).toMatchObject({ totalAmount: a, totalTaxAmount: tax });
  });

  test.each([
    ["113.00 at 0.13 → 100.00 + 13.00", "113.00", "0.13", "100.00", "13.00"],
    ["100.00 at 0.13 (88.4955…) → 88.50 + 11.50", "100.00", "0.13", "88.50", "11.50"],
    ["10.00 at 0.06 (9.43396…) → 9.43 + 0.57", "10.00", "0.06", "9.43", "0.57"],
    ["1.00 at 0.09 (0.91743…) → 0.92 + 0.08", "1.00", "0.09", "0.92", "0.08"],
  ])("tax-inclusive (includeTaxFlag 1) %s, 含税 unchanged", async (_label, incl, taxRate, amount, tax) => {
    const inv = await issue(invoice([{ amount: d(incl), taxRate }], { includeTaxFlag: "1" }));
    expect(inv.invoiceDetail[0]).toMatchObject({ amount, taxAmount: tax, includeTaxAmount: incl });
    expect(inv).toMatchObject({ totalAmount: amount, totalTaxAmount: tax, includeTaxAmount: incl });
  });

  test("several lines: totals are the sums of the computed line figures", async () => {
    const inv = await issue(
      invoice([
        { amount: d("33.33"), taxRate: "0.06" },
        { amount: d("0.10"), taxRate: "0.13" },
        { amount: d("10.05"), taxRate: "0.09", taxAmount: d("0.91") },
      ])
    );
    expect(figures(inv)).toEqual({
      totalAmount: "43.48",
      totalTaxAmount: "2.92",
      includeTaxAmount: "46.40",
      lines: [
        ["0", "33.33", "2.00", "35.33"],
        ["0", "0.10", "0.01", "0.11"],
        ["0", "10.05", "0.91", "10.96"],
      ],
    });
  });

  test('taxAmount "" is the same as no taxAmount', async () => {
    const inv = await issue(invoice([{ amount: d("33.33"), taxRate: "0.06", taxAmount: "" }]));
    expect(inv.invoiceDetail[0]).toMatchObject({ amount: "33.33", taxAmount: "2.00" });
  });
});

describe("a provided taxAmount keeps today's rules", () => {
  test("within 0.06 of 金额 × 税率 it is taken as sent", async () => {
    const inv = await issue(invoice([{ amount: d("100.00"), taxRate: "0.13", taxAmount: d("13.05") }]));
    expect(inv.invoiceDetail[0]).toMatchObject({ amount: "100.00", taxAmount: "13.05" });
    const incl = await issue(
      invoice([{ amount: d("113.00"), taxRate: "0.13", taxAmount: d("13.02") }], { includeTaxFlag: "1" })
    );
    expect(incl.invoiceDetail[0]).toMatchObject({ amount: "99.98", taxAmount: "13.02" });
  });

  test("more than 0.06 off is refused on that line's taxAmount, and nothing is issued", async () => {
    const data = invoice([
      { amount: d("100.00"), taxRate: "0.13" },
      { amount: d("100.00"), taxRate: "0.13", taxAmount: d("13.07") },
    ]);
    const r = await call(server, token, "ALLE.INVOICE.OPEN", data);
    expect(r).toMatchObject({
      success: false,
      refusalCode: "LINE_TAX_OUT_OF_TOLERANCE",
      refusalField: "invoiceDetail[1].taxAmount",
    });
    const q = await call(server, token, "ALLE.INVOICE.QUERY", { serialNo: data.serialNo });
    expect(q.success).toBe(false);
  });
});

describe("other line quirks of those clients", () => {
  test("lineProperty as a JSON number (0, 2 and 1) is read as its text", async () => {
    const inv = await issue(
      invoice([
        { lineProperty: 0, amount: d("50.00"), taxRate: "0.06" },
        { lineProperty: 2, amount: d("100.00"), taxRate: "0.13" },
        { lineProperty: 1, amount: d("-10.00"), taxRate: "0.13" },
      ])
    );
    expect(figures(inv)).toEqual({
      totalAmount: "140.00",
      totalTaxAmount: "14.70",
      includeTaxAmount: "154.70",
      lines: [
        ["0", "50.00", "3.00", "53.00"],
        ["2", "100.00", "13.00", "113.00"],
        ["1", "-10.00", "-1.30", "-11.30"],
      ],
    });
  });

  test("a discount line's tax from a tax-inclusive amount is negative too", async () => {
    const inv = await issue(
      invoice(
        [
          { lineProperty: 2, amount: d("113.00"), taxRate: "0.13" },
          { lineProperty: 1, amount: d("-11.30"), taxRate: "0.13" },
        ],
        { includeTaxFlag: "1" }
      )
    );
    expect(figures(inv).lines).toEqual([
      ["2", "100.00", "13.00", "113.00"],
      ["1", "-10.00", "-1.30", "-11.30"],
    ]);
  });

  test('quantity 1 with price "": the price is absent, the quantity kept', async () => {
    const inv = await issue(
      invoice([{ amount: d("100.00"), taxRate: "0.06", quantity: 1, price: "", units: "项" }])
    );
    const line = inv.invoiceDetail[0];
    expect(line).toMatchObject({ quantity: "1", amount: "100.00", taxAmount: "6.00" });
    expect(line).not.toHaveProperty("price");
  });

  test('quantity "" is absent too; a real price is kept', async () => {
    const inv = await issue(invoice([{ amount: d("30.00"), taxRate: "0.06", quantity: "", price: "10" }]));
    const line = inv.invoiceDetail[0];
    expect(line).not.toHaveProperty("quantity");
    expect(line).toMatchObject({ price: "10", taxAmount: "1.80" });
  });

  test("a non-empty price that is not a number is still refused", async () => {
    const r = await call(
      server,
      token,
      "ALLE.INVOICE.OPEN",
      invoice([{ amount: d("30.00"), taxRate: "0.06", price: "abc" }])
    );
    expect(r).toMatchObject({
      success: false,
      refusalCode: "GW_VALIDATION",
      refusalField: "invoiceDetail[0].price",
    });
  });

  test("the client's pre-send check agrees: no taxAmount and empty price pass, a bad price does not", () => {
    const ok = invoice([{ amount: d("30.00"), taxRate: "0.06", quantity: d("1"), price: "" }]);
    expect(checkWireData(BlueInvoiceOpenData, ok)).toEqual({ ok: true });
    const bad = invoice([{ amount: d("30.00"), taxRate: "0.06", price: "abc" }]);
    expect(checkWireData(BlueInvoiceOpenData, bad)).toMatchObject({
      ok: false,
      field: "invoiceDetail[0].price",
    });
  });
});
