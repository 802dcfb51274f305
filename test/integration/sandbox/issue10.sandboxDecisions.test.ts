/**
 * Issue 10 item 11 — decisions the manuals leave open, each one named constant in the sandbox module
 * that owns it: callback config value 1 for an API-pushed unlinked 红字确认单; resubmitting a
 * 审核失败 红字信息表.
 */
import type { GatewayClient } from "../../../src/gateway/client";
import type { RedInfoFormApplyRequest } from "../../../src/gateway/payloads";
import { API_PUSHED_UNLINKED_CALLBACK_UNDER_RED_NOT_CALLBACK_1 } from "../../../src/server/sandbox/interfaces/redConfirmIssue";
import { INFO_FORM_RESUBMIT_AFTER_FAILURE } from "../../../src/server/sandbox/interfaces/redInfoFormApply";
import { type TestServer, account, startTestServer } from "../server/helpers";
import { clientFor as confirmClient, issueBlue } from "./confirmFormsHelpers";
import { TAXCTL_BLUES, clientFor, valueOf } from "./taxControlHelpers";

jest.setTimeout(60_000);

let server: TestServer;
let taxctl: GatewayClient;
let T: string;
let B: string;

beforeAll(async () => {
  server = await startTestServer();
  taxctl = clientFor(server, "taxctl");
  T = account(server, "taxctl").taxId;
  B = account(server, "buyer").taxId;
});
afterAll(async () => {
  await server?.close();
});

type Line = RedInfoFormApplyRequest["invoiceDetail"][number];
const line = (amount: string, tax: string): Line =>
  ({
    goodsName: "钢材",
    revenueCode: "1080299000000000000",
    amount,
    taxRate: "0.13",
    taxAmount: tax,
  }) as unknown as Line;

const apply = (serialNo: string, amount: string, tax: string): RedInfoFormApplyRequest => ({
  serialNo,
  sellerTaxpayerId: T,
  applyType: "seller",
  originalInvoiceCode: TAXCTL_BLUES.eSpecial.code,
  originalInvoiceNumber: TAXCTL_BLUES.eSpecial.no,
  originalIssueTime: "2025-06-05 10:00:00",
  invoiceType: "028",
  buyerName: "广东蓝海采购有限公司",
  buyerTaxpayerId: B,
  invoiceDetail: [line(amount, tax)],
});

test("INFO_FORM_RESUBMIT_AFTER_FAILURE = 新流水号: after 审核失败 the same blue is filed again under a new 流水号; the same 流水号 changed is a duplicate", async () => {
  expect(INFO_FORM_RESUBMIT_AFTER_FAILURE).toBe("新流水号");
  const failed = valueOf(await taxctl.applyRedInfoForm(apply("I10-RIF-1", "-50000.01", "-6500.00")));
  expect([failed.status, failed.failReason]).toEqual(["审核失败", "红冲金额超过蓝票剩余可红冲金额"]);
  // The same 流水号 again, corrected: serialNo idempotency (§1.7) → a duplicate, nothing re-filed.
  const same = await taxctl.applyRedInfoForm(apply("I10-RIF-1", "-50000.00", "-6500.00"));
  expect(same.ok ? "" : same.refusal.code).toBe("GW_DUPLICATE_SERIAL");
  // A new 流水号 for the same blue: reviewed afresh and approved.
  const again = valueOf(await taxctl.applyRedInfoForm(apply("I10-RIF-2", "-50000.00", "-6500.00")));
  expect(again.status).toBe("审核成功");
  expect(again.redInfoBillNo).toMatch(/^\d{16}$/);
  const rows = await server.db.db
    .selectFrom("info_forms")
    .select(["serial_no", "status"])
    .where("serial_no", "in", ["I10-RIF-1", "I10-RIF-2"])
    .orderBy("serial_no")
    .execute();
  expect(rows).toEqual([
    { serial_no: "I10-RIF-1", status: "审核失败" },
    { serial_no: "I10-RIF-2", status: "审核成功" },
  ]);
});

test("API_PUSHED_UNLINKED_CALLBACK_UNDER_RED_NOT_CALLBACK_1 = false: red_not_callback 1, an API-pushed form not linked to a 负数开票申请单 is not called back", async () => {
  expect(API_PUSHED_UNLINKED_CALLBACK_UNDER_RED_NOT_CALLBACK_1).toBe(false);
  const sellerTax = account(server, "seller").taxId;
  await server.db.db
    .updateTable("orgs")
    .set({ red_not_callback: "1" })
    .where("tax_id", "=", sellerTax)
    .execute();
  const seller = confirmClient(server, "seller", "CB_TEST");
  const blueNo = await issueBlue(seller, server, "I10-CB-BLUE-1");
  const before = await server.db.db
    .selectFrom("callbacks")
    .select("id")
    .where("interface_code", "=", "INVOICE.RED")
    .execute();
  const r = await seller.redFlushDigital({
    serialNo: "I10-CB-RED-1",
    invoiceNum: blueNo,
    redReason: seller.reasonCode("开票有误", "2.1.04") as string,
    invoiceType: "01",
    sellerTaxpayerId: sellerTax,
  });
  expect(r.ok).toBe(true);
  const after = await server.db.db
    .selectFrom("callbacks")
    .select("id")
    .where("interface_code", "=", "INVOICE.RED")
    .execute();
  expect(after).toHaveLength(before.length);
});

test("A8 (domain-rules §9): a downloaded 购方申请 partial 信息表 (其他企业申请) is red-flushed by the seller for the form's own amounts (2.2.01)", async () => {
  const buyer = clientFor(server, "buyer");
  const blue = TAXCTL_BLUES.paperSpecial;
  const applied = valueOf(
    await buyer.applyRedInfoForm({
      serialNo: "I10-A8-RIF-1",
      sellerTaxpayerId: T,
      applyType: "buyer-not-deducted",
      originalInvoiceCode: blue.code,
      originalInvoiceNumber: blue.no,
      invoiceType: "004",
      buyerName: "广东蓝海采购有限公司",
      buyerTaxpayerId: B,
      invoiceDetail: [
        {
          goodsName: "机械零件",
          revenueCode: "1090199000000000000",
          amount: "-1000.00" as never,
          taxRate: "0.13",
          taxAmount: "-130.00" as never,
        },
      ],
    })
  );
  expect(applied.status).toBe("审核成功");
  const formNo = applied.redInfoBillNo as string;
  const dl = valueOf(await taxctl.downloadRedInfoForms({ taxNo: T, scope: "others" }));
  expect(dl.dataList.find((f: any) => f.redInfoBillNo === formNo)).toMatchObject({
    applyType: "buyer-not-deducted",
  });
  const r = await taxctl.issueTaxControlRed([
    { serialNo: "I10-A8-RED-1", sellerTaxpayerId: T, invoiceProperty: "1", redInfoBillNo: formNo },
  ]);
  expect(r.ok).toBe(true);
  const [a] = (r.ok ? r.data : []) as any[];
  expect(a).toMatchObject({
    success: true,
    redInfoBillNo: formNo,
    totalAmount: "-1000.00",
    totalTaxAmount: "-130.00",
    includeTaxAmount: "-1130.00",
  });
});

test("000: after a 税控普票 red the blue's 开票申请单 gets the red number and returns to 未提交 (may be pushed again)", async () => {
  const blue = TAXCTL_BLUES.paperOrdinary;
  const org = await server.db.db
    .selectFrom("orgs")
    .select("id")
    .where("tax_id", "=", T)
    .executeTakeFirstOrThrow();
  const appId = Number(
    (
      await server.db.db
        .insertInto("applications")
        .values({
          org_id: org.id,
          bill_no: "I10-APP-ORD-1",
          direction: "positive",
          status: "已提交",
          business_system_code: "EXCEL_RED",
          delivery_email: "",
          delivery_phone: "",
          red_invoice_no: null,
          created_at: 0,
          updated_at: 0,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id
  );
  await server.db.db
    .updateTable("blue_invoices")
    .set({ application_id: appId })
    .where("invoice_code", "=", blue.code)
    .where("invoice_no", "=", blue.no)
    .execute();
  const r = await taxctl.quickRedFlushTaxControl([
    {
      serialNo: "I10-ORD-RED-1",
      sellerTaxpayerId: T,
      originalInvoiceCode: blue.code,
      originalInvoiceNumber: blue.no,
    },
  ]);
  expect(r.ok).toBe(true);
  const [a] = (r.ok ? r.data : []) as any[];
  const app = await server.db.db
    .selectFrom("applications")
    .select(["status", "red_invoice_no"])
    .where("id", "=", appId)
    .executeTakeFirstOrThrow();
  expect(app).toEqual({ status: "未提交", red_invoice_no: a.invoiceNum });
});
