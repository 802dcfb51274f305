/**
 * 2.1.04 ALLE.INVOICE.RED in the sandbox, with the real client over loopback: the direct mode
 * (auto-apply: 01 issues at once, 02 issues nothing and answers the bill), idempotency by serialNo
 * (sequential and concurrent repeats → one red invoice, identical answers), the INVOICE.RED callback
 * (registered receiver, ack, red_not_callback=1), and isolation between the two enterprises.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { GatewayClient } from "../../../src/gateway/client";
import { decodeData } from "../../../src/gateway/codec";
import { EXTENSIONS } from "../../../src/gateway/extensions";
import { CallbackDispatcher } from "../../../src/server/callbacks";
import { type TestServer, account, startTestServer } from "../server/helpers";
import { SEEDED, clientFor, ext, issueBlue, value } from "./confirmFormsHelpers";

jest.setTimeout(60_000);

let server: TestServer;
let seller: GatewayClient;
let buyer: GatewayClient;
let sellerTax: string;
let buyerTax: string;

beforeAll(async () => {
  server = await startTestServer();
  seller = clientFor(server, "seller");
  buyer = clientFor(server, "buyer");
  sellerTax = account(server, "seller").taxId;
  buyerTax = account(server, "buyer").taxId;
});
afterAll(async () => {
  await server?.close();
});

const code04 = (label: string) => seller.reasonCode(label, "2.1.04") as string;

function redRequest(serialNo: string, invoiceNum: string, extra: Record<string, unknown> = {}) {
  return {
    serialNo,
    invoiceNum,
    redReason: code04("开票有误"),
    invoiceType: "01" as const,
    sellerTaxpayerId: sellerTax,
    ...extra,
  };
}

async function redRows(serialNo: string) {
  return server.db.db.selectFrom("red_invoices").selectAll().where("serial_no", "=", serialNo).execute();
}

describe("direct mode (no bill given): the interface applies by itself", () => {
  test("no usage confirmation → 01 → the red invoice is issued at once (full), blue 全额红冲, 4.1.04 by serialNo", async () => {
    const blueNo = await issueBlue(seller, server, "DIR-BLUE-0001", [
      { amount: "1000.00", rate: "0.13", qty: "10" },
      { amount: "250.50", rate: "0.06", qty: "3" },
    ]);
    const r = value(await seller.redFlushDigital(redRequest("DIR-RED-0001", blueNo)));
    expect(r.kind).toBe("accepted");
    if (r.kind === "accepted") {
      expect(r.serialNo).toBe("DIR-RED-0001");
      expect(r.bill?.redConfirmBillStatus).toBe("01");
    }
    const q = value(await seller.queryInvoice({ serialNo: "DIR-RED-0001", sellerTaxpayerId: sellerTax }));
    expect(q).toMatchObject({
      invoiceProperty: "1",
      invoiceStatus: "0",
      totalAmount: "-1250.50",
      totalTaxAmount: "-145.03",
      includeTaxAmount: "-1395.53",
      originalInvoiceNumber: blueNo,
    });
    expect(q.invoiceNum).toMatch(/^\d{20}$/);
    expect(q.invoiceDetail?.map((l: any) => [l.amount, l.taxAmount, l.quantity])).toEqual([
      ["-1000.00", "-130.00", "-10"],
      ["-250.50", "-15.03", "-3"],
    ]);
    const blue = value(await seller.queryInvoice({ invoiceNum: blueNo, sellerTaxpayerId: sellerTax }));
    expect(blue).toMatchObject({ invoiceStatus: "3", canRedAmount: "0.00", canRedTaxAmount: "0.00" });
    // The form of the direct mode: 流水号 = serialNo, API接口, 01, 已开票.
    const forms = await server.db.db
      .selectFrom("red_confirm_forms")
      .selectAll()
      .where("serial_no", "=", "DIR-RED-0001")
      .execute();
    expect(forms).toHaveLength(1);
    expect(forms[0]).toMatchObject({
      confirm_status: "01",
      data_source: "API接口",
      entry_status: "录入成功",
      invoice_status: "已开票",
      red_invoice_no: q.invoiceNum,
    });
    // A fully reversed invoice cannot be reversed again.
    const again = await seller.redFlushDigital(redRequest("DIR-RED-0002", blueNo));
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.refusal.message).toBe("只有发票状态为“正常”或“部分红冲”的发票才允许红冲");
  });

  test("usage confirmed → 02: nothing is issued, the answer is the bill (awaitingConfirmation); after the buyer confirms, via the bill it issues", async () => {
    const r = value(await seller.redFlushDigital(redRequest("DIR-RED-0101", SEEDED.spare112)));
    expect(r.kind).toBe("awaitingConfirmation");
    if (r.kind !== "awaitingConfirmation") return;
    expect(r.message).toBe("红字确认单状态为销方录入 待购方确认，未开具发票");
    expect(r.bill.redConfirmBillStatus).toBe("02");
    expect(await redRows("DIR-RED-0101")).toHaveLength(0);
    // The same serial again is 10127 (the vendor does not answer a serial twice, V9), and nothing
    // was issued to settle it with: the duplicate refusal stands.
    const again = (await seller.call("2.1.04", redRequest("DIR-RED-0101", SEEDED.spare112))) as any;
    expect(again).toMatchObject({ ok: false, errorCode: "10127", refusal: { code: "GW_DUPLICATE_SERIAL" } });

    // Kept: the bill is at the bureau, the buyer can confirm it.
    value(
      await buyer.confirmRedConfirmBill({
        taxNo: buyerTax,
        number: r.bill.redInfoBillNo,
        enteridentity: "1",
        qrlx: "Y",
      })
    );
    const issued = value(
      await seller.redFlushDigital(
        redRequest("DIR-RED-0102", SEEDED.spare112, {
          redInfoBillNo: r.bill.redInfoBillNo,
          govRedConfirmBillUuid: r.bill.govRedConfirmBillUuid,
        })
      )
    );
    expect(issued.kind).toBe("accepted");
    expect(await redRows("DIR-RED-0102")).toHaveLength(1);
    // The bill and the invoice number must belong together.
    const mismatch = await seller.redFlushDigital(
      redRequest("DIR-RED-0103", SEEDED.spare110, { redInfoBillNo: r.bill.redInfoBillNo })
    );
    expect(mismatch.ok).toBe(false);
    if (!mismatch.ok) expect(mismatch.refusal.message).toContain("与请求的蓝票号码");
  });
});

describe("idempotency by serialNo", () => {
  test("the same serialNo twice at once (Promise.all) → exactly one red invoice; the repeat (10127) is settled by 4.1.04 to the same answer", async () => {
    const blueNo = await issueBlue(seller, server, "IDEM-BLUE-0001");
    const [a, b] = await Promise.all([
      seller.redFlushDigital(redRequest("IDEM-RED-0001", blueNo)),
      seller.redFlushDigital(redRequest("IDEM-RED-0001", blueNo)),
    ]);
    expect(value(a)).toEqual(value(b));
    expect([(a as any).settledBySerial, (b as any).settledBySerial].filter(Boolean)).toHaveLength(1);
    expect(await redRows("IDEM-RED-0001")).toHaveLength(1);
    const bills = await server.db.db
      .selectFrom("bureau_confirm_bills")
      .select("id")
      .where("blue_invoice_no", "=", blueNo)
      .execute();
    expect(bills).toHaveLength(1);
  });

  test("sequentially (a re-send after a timeout) → the first result again; a different request with that serial is refused", async () => {
    const blueNo = await issueBlue(seller, server, "IDEM-BLUE-0002");
    const first = await seller.redFlushDigital(redRequest("IDEM-RED-0002", blueNo));
    const second = await seller.redFlushDigital(redRequest("IDEM-RED-0002", blueNo));
    // The cloud answered 10127; the client read back what the serial made.
    expect((second as any).raw).toMatchObject({ errorCode: "10127", success: false });
    expect(second).toMatchObject({ ok: true, settledBySerial: true });
    expect(value(second)).toEqual(value(first));
    expect(await redRows("IDEM-RED-0002")).toHaveLength(1);
    const other = await seller.redFlushDigital(
      redRequest("IDEM-RED-0002", blueNo, { redReason: code04("销售退回") })
    );
    expect(other.ok).toBe(false);
    if (!other.ok) expect(other.refusal.code).toBe("GW_DUPLICATE_SERIAL");
    // The awaiting answer is recorded too: repeated concurrently it stays one bill, no invoice; the
    // repeat is 10127 and, nothing having been issued, stays the duplicate refusal.
    const [x, y] = await Promise.all([
      seller.redFlushDigital(redRequest("IDEM-RED-0003", SEEDED.spare111)),
      seller.redFlushDigital(redRequest("IDEM-RED-0003", SEEDED.spare111)),
    ]);
    const kinds = [x, y].map((r) => (r.ok ? r.data.kind : r.refusal.code)).sort();
    expect(kinds).toEqual(["GW_DUPLICATE_SERIAL", "awaitingConfirmation"]);
    const bills = await server.db.db
      .selectFrom("red_confirm_forms")
      .select("id")
      .where("serial_no", "=", "IDEM-RED-0003")
      .execute();
    expect(bills).toHaveLength(1);
    expect(await redRows("IDEM-RED-0003")).toHaveLength(0);
  });
});

describe("INVOICE.RED callback (2.1.02)", () => {
  interface Received {
    body: any;
  }
  let receiver: http.Server;
  let url: string;
  let received: Received[];
  let reply: unknown;

  beforeAll(async () => {
    received = [];
    reply = { message: "回调成功", errorCode: "0", success: true };
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(reply));
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/callback`;
    const org = await server.db.db
      .selectFrom("orgs")
      .select("id")
      .where("tax_id", "=", sellerTax)
      .executeTakeFirstOrThrow();
    await server.db.db
      .insertInto("callback_endpoints")
      .values({ org_id: org.id, business_system_code: "CB_TEST", url })
      .execute();
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  test("the registered receiver gets INVOICE.RED with the red invoice; its ack marks the callback delivered", async () => {
    const cbSeller = clientFor(server, "seller", "CB_TEST");
    const blueNo = await issueBlue(cbSeller, server, "CB-BLUE-0001");
    value(await cbSeller.redFlushDigital(redRequest("CB-RED-0001", blueNo)));
    const dispatcher = new CallbackDispatcher({
      db: server.db.db,
      clock: server.clock,
      policy: server.callbackPolicy,
    });
    received.length = 0;
    expect(await dispatcher.runOnce()).toBe(2); // INVOICE.OPEN of the blue, INVOICE.RED of the red
    const red = received.find((r) => r.body.interfaceCode === "INVOICE.RED");
    expect(red?.body).toMatchObject({ returnCode: "0", returnMsg: "success" });
    const data = await decodeData(red?.body.data, { encoding: "base64" });
    expect(data.kind).toBe("json");
    const q = value(await cbSeller.queryInvoice({ serialNo: "CB-RED-0001", sellerTaxpayerId: sellerTax }));
    expect(data.kind === "json" ? data.value : undefined).toMatchObject({
      serialNo: "CB-RED-0001",
      invoiceNum: q.invoiceNum,
      invoiceProperty: "1",
      includeTaxAmount: "-1130.00",
      originalInvoiceNumber: blueNo,
      redConfirmBillStatus: "01",
      invoiceDetail: [expect.objectContaining({ amount: "-1000.00", taxAmount: "-130.00", quantity: "-10" })],
    });
    const rows = await server.db.db
      .selectFrom("callbacks")
      .selectAll()
      .where("interface_code", "=", "INVOICE.RED")
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "acked", attempts: 1 });
  });

  test("a receiver that does not ack keeps the callback pending for a retry", async () => {
    const cbSeller = clientFor(server, "seller", "CB_TEST");
    reply = { errorCode: "500", success: false, message: "busy" };
    const blueNo = await issueBlue(cbSeller, server, "CB-BLUE-0002");
    value(await cbSeller.redFlushDigital(redRequest("CB-RED-0002", blueNo)));
    const dispatcher = new CallbackDispatcher({
      db: server.db.db,
      clock: server.clock,
      policy: server.callbackPolicy,
    });
    expect(await dispatcher.runOnce()).toBe(0);
    // The blue's INVOICE.OPEN went first and was not acked; the receiver's INVOICE.RED waits behind it
    // (one destination's callbacks go in order, and a receiver that just failed is not sent the next).
    const pending = await server.db.db
      .selectFrom("callbacks")
      .select(["id", "interface_code", "attempts"])
      .where("business_system_code", "=", "CB_TEST")
      .where("status", "=", "pending")
      .orderBy("id")
      .execute();
    expect(pending).toMatchObject([
      { interface_code: "INVOICE.OPEN", attempts: 1 },
      { interface_code: "INVOICE.RED", attempts: 0 },
    ]);
    reply = { message: "回调成功", errorCode: "0", success: true };
    expect(await dispatcher.runOnce()).toBe(0); // the OPEN's retry is not due yet
    server.clock.advance(10_000);
    expect(await dispatcher.runOnce()).toBe(2); // the OPEN's retry, then the RED
    const rows = await server.db.db
      .selectFrom("callbacks")
      .select(["id", "status", "attempts"])
      .where(
        "id",
        "in",
        pending.map((p) => p.id)
      )
      .orderBy("id")
      .execute();
    expect(rows).toMatchObject([
      { status: "acked", attempts: 2 },
      { status: "acked", attempts: 1 },
    ]);
  });

  test("red_not_callback=1: a form not linked to a 负数开票申请单 is not called back", async () => {
    await server.db.db
      .updateTable("orgs")
      .set({ red_not_callback: "1" })
      .where("tax_id", "=", sellerTax)
      .execute();
    try {
      const cbSeller = clientFor(server, "seller", "CB_TEST");
      const blueNo = await issueBlue(cbSeller, server, "CB-BLUE-0003");
      value(await cbSeller.redFlushDigital(redRequest("CB-RED-0003", blueNo)));
      const reds = await server.db.db
        .selectFrom("callbacks")
        .selectAll()
        .where("interface_code", "=", "INVOICE.RED")
        .execute();
      expect(reds).toHaveLength(2); // the two above, none for CB-RED-0003
      expect(await redRows("CB-RED-0003")).toHaveLength(1);
    } finally {
      await server.db.db
        .updateTable("orgs")
        .set({ red_not_callback: "" })
        .where("tax_id", "=", sellerTax)
        .execute();
    }
  });
});

describe("isolation: one enterprise cannot act for the other", () => {
  test("the buyer's token with the seller's tax ID is refused (GW_FORBIDDEN_ORG) on revoke, red-flush and query", async () => {
    const bills = value(await seller.queryRedConfirmBills({ taxpayerId: sellerTax, identity: "0" }));
    const awaiting = bills.dataList.find((b) => b.originalInvoiceNumber === SEEDED.awaitingBuyer02);
    expect(awaiting?.redConfirmBillStatus).toBe("02");
    const number = awaiting?.redInfoBillNo as string;
    const revoke = await buyer.revokeRedConfirmBill({
      taxNo: sellerTax,
      number,
      enteridentity: "0",
      qrlx: "C",
    });
    expect(revoke.ok).toBe(false);
    if (!revoke.ok) expect(revoke.refusal.message).toBe(`当前账号无权操作该组织或税号：${sellerTax}`);
    const red = await buyer.redFlushDigital(redRequest("ISO-RED-0001", SEEDED.confirmed04));
    expect(red.ok).toBe(false);
    if (!red.ok) expect(red.refusal.message).toContain("无权操作");
    const q = await buyer.queryRedConfirmBills({ taxpayerId: sellerTax });
    expect(q.ok).toBe(false);
    // With its own tax ID the buyer is refused by the rules: not the party that may revoke, not the seller.
    const own = await buyer.revokeRedConfirmBill({ taxNo: buyerTax, number, enteridentity: "1", qrlx: "C" });
    expect(own.ok).toBe(false);
    if (!own.ok) expect(own.refusal.message).toBe("红字确认单撤销只能由最后操作方申请，当前只允许销方撤销");
    const redOwn = await buyer.redFlushDigital({
      ...redRequest("ISO-RED-0002", SEEDED.confirmed04),
      sellerTaxpayerId: buyerTax,
    });
    expect(redOwn.ok).toBe(false);
    if (!redOwn.ok)
      expect(redOwn.refusal.message).toBe(`蓝票“${SEEDED.confirmed04}”不存在，或本企业不是它的销方`);
    // The seller's form records are not the buyer's.
    const del = await buyer.call(EXTENSIONS.redConfirmBillDelete, {
      taxNo: buyerTax,
      serialNo: "SEED-RCF-102",
    });
    expect(del.ok).toBe(false);
    if (!del.ok) expect(del.refusal.message).toBe("本企业没有流水号或编号为“SEED-RCF-102”的红字确认单");
    // An enterprise that is no party does not see the bill at all.
    const taxctl = clientFor(server, "taxctl");
    const taxctlTax = account(server, "taxctl").taxId;
    const stranger = await taxctl.revokeRedConfirmBill({
      taxNo: taxctlTax,
      number,
      enteridentity: "0",
      qrlx: "C",
    });
    expect(stranger.ok).toBe(false);
    if (!stranger.ok)
      expect(stranger.refusal.message).toBe(`红字确认单“${number}”不存在，或本企业不是它的购销方`);
    expect(value(await taxctl.queryRedConfirmBills({ taxpayerId: taxctlTax })).dataList).toEqual([]);
    // Nothing changed.
    const after = value(await seller.queryRedConfirmBills({ taxpayerId: sellerTax, redInfoBillNo: number }));
    expect(after.dataList[0].redConfirmBillStatus).toBe("02");
    const tasks = await ext(buyer, EXTENSIONS.taskQuery, {});
    expect(tasks.items).toEqual([]);
  });
});
