/**
 * 2.2.01 税控发票开具 (red, invoiceProperty 1) in the sandbox with the real client (issueTaxControlRed):
 * an approved PARTIAL 红字信息表 is issued as a red 专票 for the form's own amounts and lines (001), the
 * blue → 部分红冲 with its remaining amounts moved, the form → 已开票; a repeated serial is settled by
 * 4.1.04 to the same red; a 税控普票 partial is refused while the domain keeps it full-only
 * (TAX_CONTROL_ORDINARY_PARTIAL_ALLOWED; the flipped case is taxControlIssue.ordinaryPartial.test.ts).
 */
import type { GatewayClient } from "../../../src/gateway/client";
import { type TestServer, account, startTestServer } from "../server/helpers";
import { TAXCTL_BLUES, blueByNo, clientFor, infoFormBySerial } from "./taxControlHelpers";

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

test("an approved partial 红字信息表 → red 专票 of the form's amounts and lines; blue 部分红冲, remaining moved; form 已开票; a repeat settles to the same red", async () => {
  const blue = TAXCTL_BLUES.paperSpecial;
  const applied = await taxctl.applyRedInfoForm({
    serialNo: "TCI-RIF-0001",
    sellerTaxpayerId: taxId,
    applyType: "seller",
    originalInvoiceCode: blue.code,
    originalInvoiceNumber: blue.no,
    originalIssueTime: blue.date,
    invoiceType: "004",
    buyerName: "广东蓝海采购有限公司",
    buyerTaxpayerId: account(server, "buyer").taxId,
    invoiceDetail: [
      {
        goodsName: "机械零件",
        revenueCode: "1090199000000000000",
        amount: "-1000.00" as never,
        taxRate: "0.13",
        taxAmount: "-130.00" as never,
      },
    ],
  });
  expect(applied.ok && applied.data.status).toBe("审核成功");
  const formNo = applied.ok ? applied.data.redInfoBillNo! : "";

  const item = {
    serialNo: "TCI-RED-0001",
    sellerTaxpayerId: taxId,
    invoiceProperty: "1" as const,
    redInfoBillNo: formNo,
  };
  const r = await taxctl.issueTaxControlRed([item]);
  expect(r.ok).toBe(true);
  const [a] = (r.ok ? r.data : []) as any[];
  expect(a).toMatchObject({
    serialNo: "TCI-RED-0001",
    success: true,
    invoiceProperty: "1",
    invoiceCode: blue.code,
    originalInvoiceCode: blue.code,
    originalInvoiceNumber: blue.no,
    redInfoBillNo: formNo,
    totalAmount: "-1000.00",
    totalTaxAmount: "-130.00",
    includeTaxAmount: "-1130.00",
  });
  expect(a.invoiceNum).toMatch(/^\d{8}$/);

  const b = await blueByNo(server, blue.code, blue.no);
  expect([b.status, b.remaining_amount, b.remaining_tax]).toEqual(["部分红冲", "7888.88", "1025.55"]);
  const red = await server.db.db
    .selectFrom("red_invoices")
    .selectAll()
    .where("serial_no", "=", "TCI-RED-0001")
    .executeTakeFirstOrThrow();
  expect([red.invoice_no, red.amount, red.tax_amount, red.total_amount]).toEqual([
    a.invoiceNum,
    "-1000.00",
    "-130.00",
    "-1130.00",
  ]);
  const redLines = await server.db.db
    .selectFrom("red_invoice_lines")
    .selectAll()
    .where("red_invoice_id", "=", red.id)
    .execute();
  expect(redLines.map((l) => [l.goods_name, l.amount, l.tax_rate, l.tax_amount])).toEqual([
    ["机械零件", "-1000.00", "0.13", "-130.00"],
  ]);
  const form = await infoFormBySerial(server, taxId, "TCI-RIF-0001");
  expect([form!.status, form!.red_invoice_code, form!.red_invoice_no]).toEqual([
    "已开票",
    blue.code,
    a.invoiceNum,
  ]);

  // The same serial again: the vendor answers 10127, the client settles it by 4.1.04 to the same red.
  const again = await taxctl.issueTaxControlRed([item]);
  expect(again.ok).toBe(true);
  const [a2] = (again.ok ? again.data : []) as any[];
  expect(a2.invoiceNum).toBe(a.invoiceNum);
  expect(
    await server.db.db
      .selectFrom("red_invoices")
      .select("id")
      .where("serial_no", "=", "TCI-RED-0001")
      .execute()
  ).toHaveLength(1);

  // The form is 已开票: a second red on it is refused by the engine.
  const twice = await taxctl.issueTaxControlRed([{ ...item, serialNo: "TCI-RED-0002" }]);
  expect(twice.ok ? "" : twice.refusal.code).toBe("INFO_FORM_ALREADY_RED_FLUSHED");
});

test("税控普票 through 2.2.01: a part (the engine's line) then the whole remaining", async () => {
  const blue = TAXCTL_BLUES.paperOrdinary;
  const base = {
    sellerTaxpayerId: taxId,
    invoiceProperty: "1" as const,
    originalInvoiceCode: blue.code,
    originalInvoiceNumber: blue.no,
  };
  const partial = await taxctl.issueTaxControlRed([
    {
      ...base,
      serialNo: "TCI-ORD-0001",
      invoiceDetail: [{ originalSeq: "0", amount: "-100.00", taxAmount: "-13.00" }],
    },
  ]);
  // Seed 000: a part of a 税控普票 may be red-flushed (redFlush.TAX_CONTROL_ORDINARY_PARTIAL_ALLOWED).
  expect(partial.ok).toBe(true);
  expect((partial.ok ? (partial.data as any[]) : [])[0]).toMatchObject({
    totalAmount: "-100.00",
    totalTaxAmount: "-13.00",
  });
  expect((await blueByNo(server, blue.code, blue.no)).status).toBe("部分红冲");
  const full = await taxctl.issueTaxControlRed([{ ...base, serialNo: "TCI-ORD-0002" }]);
  expect(full.ok).toBe(true);
  expect((full.ok ? (full.data as any[]) : [])[0]).toMatchObject({
    totalAmount: "-460.00",
    totalTaxAmount: "-59.80",
  });
  expect((await blueByNo(server, blue.code, blue.no)).status).toBe("全额红冲");
});

test("a blue issue (invoiceProperty 0) is not simulated", async () => {
  const r = await taxctl.issueTaxControlRed([
    {
      serialNo: "TCI-BLUE-1",
      sellerTaxpayerId: taxId,
      invoiceProperty: "0",
      originalInvoiceNumber: "12345678",
    },
  ]);
  expect(r.ok ? "" : r.refusal.code).toBe("TAX_CONTROL_BLUE_ISSUE_NOT_SIMULATED");
});
