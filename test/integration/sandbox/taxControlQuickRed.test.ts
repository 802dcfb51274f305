/**
 * 2.2.02 税控发票快速红冲（仅支持全额红冲） against the sandbox with the REAL client over loopback:
 * 普票 directly, 专票 only with an approved 红字信息表, the engine's checks (status, 待开 remaining),
 * per-element answers and per-serialNo idempotency (also under concurrency), bad input.
 */
import { decodeData } from "../../../src/gateway/codec";
import { refusalMessage } from "../../../src/domain/refusals";
import type { GatewayClient } from "../../../src/gateway/client";
import { type TestServer, account, startTestServer } from "../server/helpers";
import { TAXCTL_BLUES, blueByNo, clientFor, countRows, infoFormBySerial } from "./taxControlHelpers";

let server: TestServer;
let taxctl: GatewayClient;
let taxctlTaxId: string;

beforeAll(async () => {
  server = await startTestServer();
  taxctl = clientFor(server, "taxctl");
  taxctlTaxId = account(server, "taxctl").taxId;
  const org = await server.db.db
    .selectFrom("orgs")
    .select("id")
    .where("tax_id", "=", taxctlTaxId)
    .executeTakeFirstOrThrow();
  await server.db.db
    .insertInto("callback_endpoints")
    .values({ org_id: org.id, business_system_code: "EXCEL_RED", url: "http://127.0.0.1:9/callback" })
    .execute();
});
afterAll(async () => {
  await server.close();
});

const item = (serialNo: string, blue: { code: string; no: string }, extra: Record<string, unknown> = {}) => ({
  serialNo,
  sellerTaxpayerId: taxctlTaxId,
  originalInvoiceCode: blue.code,
  originalInvoiceNumber: blue.no,
  ...extra,
});

test("税控普票: red at once, blue → 全额红冲, red invoice with negative amounts, INVOICE.RED callback queued", async () => {
  const blue = TAXCTL_BLUES.paperOrdinary;
  const r = await taxctl.quickRedFlushTaxControl([item("TQR-0001", blue)]);
  expect(r.ok).toBe(true);
  const [a] = (r.ok ? r.data : []) as any[];
  expect(a).toMatchObject({
    serialNo: "TQR-0001",
    success: true,
    invoiceCode: blue.code,
    invoiceProperty: "1",
    originalInvoiceCode: blue.code,
    originalInvoiceNumber: blue.no,
    originalInvoiceStatus: "3",
    totalAmount: "-560.00",
    totalTaxAmount: "-72.80",
    includeTaxAmount: "-632.80",
    invoiceDate: "2025-10-10 10:00:00",
  });
  expect(a.invoiceNum).toMatch(/^\d{8}$/);

  const b = await blueByNo(server, blue.code, blue.no);
  expect(b.status).toBe("全额红冲");
  expect(b.remaining_amount).toBe("0.00");
  expect(b.remaining_tax).toBe("0.00");
  const lines = await server.db.db
    .selectFrom("blue_invoice_lines")
    .selectAll()
    .where("invoice_id", "=", b.id)
    .execute();
  expect(lines.map((l) => [l.remaining_amount, l.remaining_quantity])).toEqual([["0.00", "0"]]);
  const red = await server.db.db
    .selectFrom("red_invoices")
    .selectAll()
    .where("serial_no", "=", "TQR-0001")
    .executeTakeFirstOrThrow();
  expect([red.invoice_no, red.amount, red.tax_amount, red.total_amount]).toEqual([
    a.invoiceNum,
    "-560.00",
    "-72.80",
    "-632.80",
  ]);
  const redLines = await server.db.db
    .selectFrom("red_invoice_lines")
    .selectAll()
    .where("red_invoice_id", "=", red.id)
    .execute();
  expect(redLines.map((l) => [l.goods_name, l.quantity, l.amount, l.tax_amount])).toEqual([
    ["包装材料", "-40", "-560.00", "-72.80"],
  ]);

  const cb = await server.db.db
    .selectFrom("callbacks")
    .selectAll()
    .where("interface_code", "=", "INVOICE.RED")
    .execute();
  expect(cb).toHaveLength(1);
  const body = JSON.parse(cb[0].body);
  const decoded = await decodeData(body.data, { encoding: "base64", numbers: "string" });
  expect(decoded.kind).toBe("json");
  expect((decoded as any).value).toMatchObject({
    serialNo: "TQR-0001",
    invoiceNum: a.invoiceNum,
    originalInvoiceNumber: blue.no,
    originalInvoiceStatus: "3",
    includeTaxAmount: "-632.80",
  });

  // Already 全额红冲: the engine's button precondition refuses a second reversal.
  const again = await taxctl.quickRedFlushTaxControl([item("TQR-0002", blue)]);
  expect(again.ok).toBe(false);
  expect(again.ok ? "" : again.refusal.code).toBe("INVOICE_STATUS_NOT_REVERSIBLE");
});

test("a pending 待开 red of the same amount blocks the reversal with the manual's message; nothing is stored", async () => {
  const before = await Promise.all([countRows(server, "red_invoices"), countRows(server, "idempotency")]);
  const r = await taxctl.quickRedFlushTaxControl([item("TQR-PEND-1", TAXCTL_BLUES.eOrdinaryPending)]);
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.refusal.code).toBe("INSUFFICIENT_REMAINING");
  expect(r.refusal.message).toBe(
    "剩余可红冲金额不足。开票管理→待开发票页面中可能存在本发票的未开票的数据，请先处理。"
  );
  expect((r.data as any[])[0]).toMatchObject({
    serialNo: "TQR-PEND-1",
    success: false,
    refusalCode: "INSUFFICIENT_REMAINING",
  });
  expect(await Promise.all([countRows(server, "red_invoices"), countRows(server, "idempotency")])).toEqual(
    before
  );
  expect(
    (await blueByNo(server, TAXCTL_BLUES.eOrdinaryPending.code, TAXCTL_BLUES.eOrdinaryPending.no)).status
  ).toBe("正常");
});

test("税控专票 without an approved 红字信息表 is refused; apply → approve → quick red → form 已开票, blue 全额红冲", async () => {
  const blue = TAXCTL_BLUES.paperSpecial;
  const noForm = await taxctl.quickRedFlushTaxControl([item("TQR-SP-1", blue)]);
  expect(noForm.ok ? "" : noForm.refusal.code).toBe("INFO_FORM_NUMBER_MISSING");
  expect(noForm.ok ? "" : noForm.refusal.message).toBe(refusalMessage("INFO_FORM_NUMBER_MISSING"));

  // The seeded revoked form of this invoice: terminal.
  const revoked = await infoFormBySerial(server, taxctlTaxId, "SEED-RIF-0005");
  const withRevoked = await taxctl.quickRedFlushTaxControl([
    item("TQR-SP-1", blue, { redInfoBillNo: revoked!.bill_no }),
  ]);
  expect(withRevoked.ok ? "" : withRevoked.refusal.code).toBe("INFO_FORM_REVOKED_TERMINAL");

  // A partial form is approved, but quick red-flush is full reversal only.
  const partial = await taxctl.applyRedInfoForm({
    serialNo: "RIF-SP-PART",
    sellerTaxpayerId: taxctlTaxId,
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
  expect(partial.ok && partial.data.status).toBe("审核成功");
  const partialNo = partial.ok ? partial.data.redInfoBillNo! : "";
  const notFull = await taxctl.quickRedFlushTaxControl([
    item("TQR-SP-1", blue, { redInfoBillNo: partialNo }),
  ]);
  expect(notFull.ok ? "" : notFull.refusal.code).toBe("QUICK_RED_FULL_ONLY");
  expect(notFull.ok ? "" : notFull.refusal.message).toBe(
    "税控发票快速红冲仅支持全额红冲：红字信息表红冲金额 1000.00 与蓝票可红冲金额 8888.88 不一致"
  );

  // A form of another invoice does not cover this one.
  const other = await infoFormBySerial(server, taxctlTaxId, "SEED-RIF-0002");
  const mismatch = await taxctl.quickRedFlushTaxControl([
    item("TQR-SP-1", blue, { redInfoBillNo: other!.bill_no }),
  ]);
  expect(mismatch.ok ? "" : mismatch.refusal.code).toBe("INFO_FORM_BLUE_MISMATCH");

  const full = await taxctl.applyRedInfoForm({
    serialNo: "RIF-SP-FULL",
    sellerTaxpayerId: taxctlTaxId,
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
        amount: "-8888.88" as never,
        taxRate: "0.13",
        taxAmount: "-1155.55" as never,
      },
    ],
  });
  expect(full.ok).toBe(true);
  if (!full.ok) return;
  expect(full.data).toMatchObject({ status: "审核成功", auditDate: "2025-10-10 10:00:00", failReason: "" });
  expect(full.data.redInfoBillNo).toMatch(/^\d{16}$/);

  const r = await taxctl.quickRedFlushTaxControl([
    item("TQR-SP-1", blue, { redInfoBillNo: full.data.redInfoBillNo }),
  ]);
  expect(r.ok).toBe(true);
  const [a] = (r.ok ? r.data : []) as any[];
  expect(a).toMatchObject({
    success: true,
    redInfoBillNo: full.data.redInfoBillNo,
    totalAmount: "-8888.88",
    totalTaxAmount: "-1155.55",
  });
  const form = await infoFormBySerial(server, taxctlTaxId, "RIF-SP-FULL");
  expect([form!.status, form!.red_invoice_code, form!.red_invoice_no]).toEqual([
    "已开票",
    blue.code,
    a.invoiceNum,
  ]);
  const bureau = await server.db.db
    .selectFrom("bureau_info_forms")
    .selectAll()
    .where("bill_no", "=", full.data.redInfoBillNo!)
    .executeTakeFirstOrThrow();
  expect([bureau.status, bureau.red_invoice_no]).toEqual(["已开票", a.invoiceNum]);
  const b = await blueByNo(server, blue.code, blue.no);
  expect([b.status, b.remaining_amount, b.remaining_tax]).toEqual(["全额红冲", "0.00", "0.00"]);

  // The form is 已开票 now: a second red with it is refused by the engine.
  const twice = await taxctl.quickRedFlushTaxControl([
    item("TQR-SP-2", blue, { redInfoBillNo: full.data.redInfoBillNo }),
  ]);
  expect(twice.ok ? "" : twice.refusal.code).toBe("INVOICE_STATUS_NOT_REVERSIBLE");
});

test("idempotent by serialNo: a repeat answers the same red invoice; concurrent repeats issue one; another request under the serial is refused", async () => {
  const form = await infoFormBySerial(server, taxctlTaxId, "SEED-RIF-0002");
  const blue = TAXCTL_BLUES.eSpecialPartial;
  const req = [item("TQR-IDEM-1", blue, { redInfoBillNo: form!.bill_no })];
  const [r1, r2] = await Promise.all([
    taxctl.quickRedFlushTaxControl(req),
    taxctl.quickRedFlushTaxControl(req),
  ]);
  expect(r1.ok && r2.ok).toBe(true);
  const a1 = (r1.ok ? r1.data : []) as any[];
  const a2 = (r2.ok ? r2.data : []) as any[];
  expect(a1[0].invoiceNum).toBe(a2[0].invoiceNum);
  expect(a1[0]).toMatchObject({ totalAmount: "-3000.00", totalTaxAmount: "-390.00" });
  const r3 = await taxctl.quickRedFlushTaxControl(req);
  expect(r3.ok && (r3.data as any[])[0].invoiceNum).toBe(a1[0].invoiceNum);
  expect(await countRows(server, "red_invoices", { column: "serial_no", value: "TQR-IDEM-1" })).toBe(1);
  const blueRow = await blueByNo(server, blue.code, blue.no);
  const reds = await server.db.db
    .selectFrom("red_invoices")
    .select("id")
    .where("blue_invoice_id", "=", blueRow.id)
    .execute();
  expect(reds).toHaveLength(2); // the seeded partial red + this one

  const other = await taxctl.quickRedFlushTaxControl([item("TQR-IDEM-1", TAXCTL_BLUES.eSpecial)]);
  expect(other.ok ? "" : other.refusal.code).toBe("GW_DUPLICATE_SERIAL");
});

test("a batch answers per element: passing invoices are red-flushed, failing ones are reported; a refused serial can be resent", async () => {
  // A fresh 税控 普票 for this test (inserted as the seller's record).
  const org = await server.db.db
    .selectFrom("orgs")
    .selectAll()
    .where("tax_id", "=", taxctlTaxId)
    .executeTakeFirstOrThrow();
  const blueId = Number(
    (
      await server.db.db
        .insertInto("blue_invoices")
        .values({
          org_id: org.id,
          kind: "增值税电子普通发票",
          invoice_type: "026",
          invoice_code: "032002300211",
          invoice_no: "30000009",
          invoice_date: "2025-09-01 10:00:00",
          serial_no: null,
          seller_name: org.name,
          seller_tax_id: org.tax_id,
          buyer_name: "广东蓝海采购有限公司",
          buyer_tax_id: account(server, "buyer").taxId,
          amount: "100.00",
          tax_amount: "13.00",
          total_amount: "113.00",
          remaining_amount: "100.00",
          remaining_tax: "13.00",
          status: "正常",
          issue_status: "已开票",
          tax_mode: "普通征税",
          deduction: null,
          buyer_usage_confirmed: 0,
          special_type: "",
          drawer: "王五",
          remark: "",
          application_id: null,
          created_at: 0,
          updated_at: 0,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id
  );
  await server.db.db
    .insertInto("blue_invoice_lines")
    .values({
      org_id: org.id,
      invoice_id: blueId,
      line_no: 1,
      line_property: "0",
      goods_name: "劳保手套",
      revenue_code: "1060599000000000000",
      specification: "",
      units: "副",
      quantity: "10",
      price: "10",
      amount: "100.00",
      tax_rate: "0.13",
      tax_amount: "13.00",
      remaining_amount: "100.00",
      remaining_tax: "13.00",
      remaining_quantity: "10",
      reversible_unit_price: null,
      has_discount_line: 0,
      privilege_type: "",
    })
    .execute();

  const r = await taxctl.quickRedFlushTaxControl([
    item("TQR-B-1", { code: "032002300211", no: "30000009" }),
    item("TQR-B-2", { code: "032002300211", no: "39999999" }),
  ]);
  expect(r.ok).toBe(true);
  if (!r.ok) return;
  expect(r.message).toBe("成功1张，失败1张");
  const [ok1, bad] = r.data as any[];
  expect(ok1).toMatchObject({
    serialNo: "TQR-B-1",
    success: true,
    totalAmount: "-100.00",
    includeTaxAmount: "-113.00",
  });
  expect(bad).toMatchObject({ serialNo: "TQR-B-2", success: false, refusalCode: "GW_NOT_FOUND" });
  expect(bad.message).toContain("39999999");
  // The refused element released its serialNo: resent for another invoice it is processed, not a duplicate.
  expect(await countRows(server, "idempotency", { column: "serial_no", value: "TQR-B-2" })).toBe(0);
  const resent = await taxctl.quickRedFlushTaxControl([item("TQR-B-2", TAXCTL_BLUES.eOrdinaryPending)]);
  expect(resent.ok ? "" : resent.refusal.code).toBe("INSUFFICIENT_REMAINING");
});

test("refusals before anything runs: wrong types, bad numbers, missing identification, 11 invoices, another seller, a 数电 org", async () => {
  const before = await Promise.all([
    countRows(server, "red_invoices"),
    countRows(server, "idempotency"),
    countRows(server, "info_forms"),
  ]);
  const bad = async (data: unknown) => {
    const r = await taxctl.call("2.2.02", data);
    expect(r.ok).toBe(false);
    return r.ok ? "" : r.refusal.code;
  };
  expect(
    await bad([
      {
        serialNo: false,
        sellerTaxpayerId: taxctlTaxId,
        originalInvoiceCode: "3200231320",
        originalInvoiceNumber: "40000001",
      },
    ])
  ).toBe("GW_VALIDATION");
  expect(await bad([item("TQR-X", { code: "3200231320", no: "4000001" })])).toBe("GW_VALIDATION");
  expect(await bad([item("TQR-X", { code: "32002313A0", no: "40000001" })])).toBe("GW_VALIDATION");
  expect(await bad([{ serialNo: "TQR-X", sellerTaxpayerId: taxctlTaxId }])).toBe("GW_VALIDATION");
  expect(await bad([])).toBe("GW_VALIDATION");
  expect(await bad({ serialNo: "TQR-X" })).toBe("GW_VALIDATION");
  expect(
    await bad(Array.from({ length: 11 }, (_, i) => item(`TQR-L-${i}`, TAXCTL_BLUES.paperOrdinary)))
  ).toBe("BATCH_LIMIT_EXCEEDED");
  expect(
    await bad([
      { ...item("TQR-X", TAXCTL_BLUES.paperOrdinary), sellerTaxpayerId: account(server, "seller").taxId },
    ])
  ).toBe("GW_FORBIDDEN_ORG");
  const digital = clientFor(server, "seller");
  const d = await digital.quickRedFlushTaxControl([
    {
      serialNo: "TQR-D",
      sellerTaxpayerId: account(server, "seller").taxId,
      originalInvoiceCode: "3200231320",
      originalInvoiceNumber: "40000001",
    },
  ]);
  expect(d.ok ? "" : d.refusal.code).toBe("GW_VALIDATION");
  expect(
    await Promise.all([
      countRows(server, "red_invoices"),
      countRows(server, "idempotency"),
      countRows(server, "info_forms"),
    ])
  ).toEqual(before);
});
