/**
 * A refusal names its field end to end (issue 8, item 5): the sandbox's answer carries `refusalField`
 * and the REAL client returns the Refusal with `field` — for a request that passes the client's
 * pre-send check and is refused by a sandbox check, and for one refused by the sandbox's schema
 * (sent through `call`, the raw door), whose field and message equal the pre-send check's.
 */
import type { GatewayClient } from "../../../src/gateway/client";
import type { RedInfoFormApplyRequest } from "../../../src/gateway/payloads";
import { placeOfRefusal, withClerkWording } from "../../../src/sheet/wireFields";
import { type TestServer, account, startTestServer } from "../server/helpers";
import { TAXCTL_BLUES, clientFor, countRows } from "./taxControlHelpers";

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
  await server.close();
});

type Line = RedInfoFormApplyRequest["invoiceDetail"][number];
/** A red line; `goodsName` differs per line (a blue line named twice is a conflict of its own). */
const line = (amount: string, tax: string, revenueCode = "1080299000000000000", goodsName = "钢材"): Line =>
  ({ goodsName, revenueCode, amount, taxRate: "0.13", taxAmount: tax }) as unknown as Line;

function apply(serialNo: string, lines: readonly Line[]): RedInfoFormApplyRequest {
  return {
    serialNo,
    sellerTaxpayerId: T,
    applyType: "seller",
    originalInvoiceCode: TAXCTL_BLUES.eSpecial.code,
    originalInvoiceNumber: TAXCTL_BLUES.eSpecial.no,
    originalIssueTime: "2025-06-05 10:00:00",
    invoiceType: "028",
    buyerName: "广东蓝海采购有限公司",
    buyerTaxpayerId: B,
    invoiceDetail: lines,
  };
}

test("passes the pre-send check, refused by the sandbox: the Refusal names invoiceDetail[1].taxAmount", async () => {
  const before = await countRows(server, "info_forms");
  const r = await taxctl.applyRedInfoForm(
    apply("RIF-FIELD-1", [line("-100.00", "-13.00"), line("-100.00", "-13.07", undefined, "钢板")])
  );
  if (r.ok) throw new Error("expected a refusal");
  expect(r.attempts).toBeGreaterThan(0); // it was sent
  // The sandbox runs the domain planner on the lines (src/domain/plan/infoForm.ts) and names the field.
  expect([r.refusal.code, r.refusal.field]).toEqual([
    "LINE_TAX_OUT_OF_TOLERANCE",
    "invoiceDetail[1].taxAmount",
  ]);
  expect(placeOfRefusal("infoForms", "2.2.04", r.refusal, { rows: [7, 8] })).toEqual({
    rowIndex: 8,
    columnKey: "redTax",
  });
  expect(withClerkWording("infoForms", "2.2.04", r.refusal).message).toBe(
    "税额“-13.07”与金额×税率（-100.00 × 0.13 = -13.00）相差0.07，超过允许误差0.06，请把税额改为-13.00"
  );
  expect(await countRows(server, "info_forms")).toBe(before);
});

test("refused by the sandbox's schema: field and message as the client's own pre-send check gives them", async () => {
  const bad = apply("RIF-FIELD-2", [line("-100.00", "-13.00"), line("-100.00", "-13.00", "10802", "钢板")]);
  const remote = await taxctl.call("2.2.04", bad);
  if (remote.ok) throw new Error("expected a refusal");
  expect(remote.attempts).toBeGreaterThan(0);
  expect(remote.refusal.code).toBe("GW_VALIDATION");
  expect(remote.refusal.field).toBe("invoiceDetail[1].revenueCode");
  const local = await taxctl.applyRedInfoForm(bad);
  if (local.ok) throw new Error("expected a refusal");
  expect(local.attempts).toBe(0);
  expect([local.refusal.code, local.refusal.field, local.refusal.message]).toEqual([
    remote.refusal.code,
    remote.refusal.field,
    remote.refusal.message,
  ]);
  expect(withClerkWording("infoForms", "2.2.04", remote.refusal).message).toBe(
    "请求数据不合法：税收分类编码（第 2 条明细）格式不正确"
  );
});
