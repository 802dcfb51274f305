/**
 * 002 特别提示 through the add-in's client (issue 10 item 7): a buyer's 2.1.03 for a 税控 blue of a seller
 * still on 税控 comes back as a 红字信息表 — applyRedConfirmBill says so (`yields`, the engine's notice,
 * the info form's number) instead of failing to read a bill state.
 */
import { TAX_CONTROL_ENTRY_NOTICE } from "../../../src/domain/confirmForm";
import { type TestServer, startTestServer } from "../server/helpers";
import { clientFor } from "./taxControlHelpers";

jest.setTimeout(30_000);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

test("applyRedConfirmBill answers the 红字信息表 the bureau made of the buyer's entry", async () => {
  const buyer = clientFor(server, "buyer");
  const r = await buyer.applyRedConfirmBill({
    orderNo: "TCE-CLIENT-1",
    invoiceNo: "20000001",
    invoiceCode: "3200231130",
    enteridentity: "1",
    redReason: buyer.reasonCode("开票有误", "2.1.03") as string,
    invoiceType: "01",
  });
  if (!r.ok) throw new Error(`${r.refusal.code} ${r.refusal.message}`);
  expect(r.data).toMatchObject({
    yields: "红字信息表",
    notice: TAX_CONTROL_ENTRY_NOTICE,
    status: "审核成功",
  });
  expect(r.data.redInfoBillNo).toMatch(/^\d{16}$/);
  expect(r.data.redConfirmBillStatus).toBeUndefined();
});
