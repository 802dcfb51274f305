/**
 * Who red-flushes a 红字确认单, end to end over 2.1.03 / 2.1.04 (issue 10 item 4; 002 收购票 step 2 ①;
 * domain confirmForm/identity.ts): an ordinary bill — the seller may, the buyer is refused; a 收购票 —
 * the buyer of the goods issued the blue (blue_invoices.org_id = the issuer, who stands on the 购方
 * side of the invoice and the bill), so that 购方 red-flushes via the bill and the other side is refused.
 * And (item 10) the sandbox's remaining check at issue time is the engine's (remainingAfter), to 13 dp.
 */
import { Dec } from "../../../src/domain/money";
import { purchaseInvoiceIdentity, redFlushPartyRefusal } from "../../../src/domain/confirmForm";
import type { GatewayClient } from "../../../src/gateway/client";
import { type TestServer, account, startTestServer } from "../server/helpers";
import { clientFor, issueBlue, value } from "./confirmFormsHelpers";

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

const db = () => server.db.db;
const orgIdOf = async (taxId: string) =>
  (await db().selectFrom("orgs").select("id").where("tax_id", "=", taxId).executeTakeFirstOrThrow()).id;
const blueRow = (invoiceNo: string) =>
  db().selectFrom("blue_invoices").selectAll().where("invoice_no", "=", invoiceNo).executeTakeFirstOrThrow();
const blueLines = async (invoiceNo: string) =>
  db()
    .selectFrom("blue_invoice_lines")
    .selectAll()
    .where("invoice_id", "=", (await blueRow(invoiceNo)).id)
    .orderBy("line_no")
    .execute();
const redRows = (serialNo: string) =>
  db().selectFrom("red_invoices").selectAll().where("serial_no", "=", serialNo).execute();

/**
 * A 收购票 issued by the cloud organisation "buyer" (the buyer of the goods) to the seller "seller":
 * 特定要素 16, held by its issuer (org_id), the issuer on the 购方 side (buyer_tax_id).
 */
async function purchaseBlue(serialNo: string, lines: Parameters<typeof issueBlue>[3]): Promise<string> {
  const no = await issueBlue(seller, server, serialNo, lines);
  const issuer = await orgIdOf(buyerTax);
  const blue = await blueRow(no);
  await db()
    .updateTable("blue_invoices")
    .set({ org_id: issuer, special_type: "16" })
    .where("id", "=", blue.id)
    .execute();
  await db()
    .updateTable("blue_invoice_lines")
    .set({ org_id: issuer })
    .where("invoice_id", "=", blue.id)
    .execute();
  return no;
}

describe("收购票: the 购方 side that issued the blue red-flushes via the bill", () => {
  let blueNo: string;
  let billNo: string;

  test("2.1.03 by the issuer (我是销方 → the form's 购销身份 我是购方): bill on the 购方 side, 收购票, 01", async () => {
    blueNo = await purchaseBlue("PRF-BLUE-0001", [
      { amount: "1000.00", rate: "0.09", qty: "10" },
      { amount: "250.50", rate: "0.09", qty: "3" },
    ]);
    const applied = value(
      await buyer.applyRedConfirmBill({
        orderNo: "PRF-RCF-0001",
        invoiceNo: blueNo,
        redReason: buyer.reasonCode("开票有误", "2.1.03") as string,
        invoiceType: "01",
        enteridentity: "0",
      })
    );
    expect(applied.redConfirmBillStatus).toBe("01");
    billNo = applied.redInfoBillNo;
    const bill = await db()
      .selectFrom("bureau_confirm_bills")
      .selectAll()
      .where("bill_no", "=", billNo)
      .executeTakeFirstOrThrow();
    expect(bill).toMatchObject({
      is_purchase_invoice: 1,
      seller_tax_id: sellerTax,
      buyer_tax_id: buyerTax,
      entrant_role: purchaseInvoiceIdentity(true, "销方").formRole,
      amount: "-1250.50",
      tax_amount: "-112.55",
    });
    expect(bill.entrant_role).toBe("购方");
    const form = await db()
      .selectFrom("red_confirm_forms")
      .selectAll()
      .where("bill_no", "=", billNo)
      .executeTakeFirstOrThrow();
    expect(form).toMatchObject({
      org_id: await orgIdOf(buyerTax),
      my_role: "购方",
      blue_invoice_id: (await blueRow(blueNo)).id,
    });
  });

  test("the other side (the 销方 of the 收购票) is refused with RCF_RED_FLUSH_WRONG_PARTY", async () => {
    const r = await seller.redFlushDigital({
      serialNo: "PRF-RED-SELLER",
      invoiceNum: blueNo,
      redReason: seller.reasonCode("开票有误", "2.1.04") as string,
      invoiceType: "01",
      sellerTaxpayerId: sellerTax,
      redInfoBillNo: billNo,
    });
    expect(r.ok ? "" : r.refusal.code).toBe("RCF_RED_FLUSH_WRONG_PARTY");
    expect(r.ok ? "" : r.refusal.message).toBe(redFlushPartyRefusal("销方", true)?.message);
    expect(r.ok ? "" : r.refusal.message).toBe("红字确认单只能由购方红冲（收购票由购方开具，购销身份互换）");
    expect(await redRows("PRF-RED-SELLER")).toEqual([]);
    expect((await blueRow(blueNo)).status).toBe("正常");
  });

  test("the issuer red-flushes via the bill → red invoice issued, blue 全额红冲 in the issuer's scope", async () => {
    const r = value(
      await buyer.redFlushDigital({
        serialNo: "PRF-RED-ISSUER",
        invoiceNum: blueNo,
        redReason: buyer.reasonCode("开票有误", "2.1.04") as string,
        invoiceType: "01",
        sellerTaxpayerId: buyerTax,
        redInfoBillNo: billNo,
      })
    );
    expect(r.kind).toBe("accepted");
    const reds = await redRows("PRF-RED-ISSUER");
    expect(reds).toHaveLength(1);
    expect(reds[0]).toMatchObject({
      org_id: await orgIdOf(buyerTax),
      amount: "-1250.50",
      tax_amount: "-112.55",
      total_amount: "-1363.05",
      issue_status: "已开票",
      seller_tax_id: sellerTax,
      buyer_tax_id: buyerTax,
    });
    const blue = await blueRow(blueNo);
    expect(blue).toMatchObject({ status: "全额红冲", remaining_amount: "0.00", remaining_tax: "0.00" });
    expect(
      (await blueLines(blueNo)).map((l) => [l.remaining_amount, l.remaining_tax, l.remaining_quantity])
    ).toEqual([
      ["0.00", "0.00", "0"],
      ["0.00", "0.00", "0"],
    ]);
    const form = await db()
      .selectFrom("red_confirm_forms")
      .selectAll()
      .where("bill_no", "=", billNo)
      .executeTakeFirstOrThrow();
    expect(form).toMatchObject({ invoice_status: "已开票", red_invoice_no: reds[0].invoice_no });
    const bill = await db()
      .selectFrom("bureau_confirm_bills")
      .selectAll()
      .where("bill_no", "=", billNo)
      .executeTakeFirstOrThrow();
    expect(bill.red_invoice_no).toBe(reds[0].invoice_no);
  });

  test("direct mode (no bill given) by the issuer: enters and red-flushes its 收购票 at once", async () => {
    const no = await purchaseBlue("PRF-BLUE-0002", [{ amount: "300.00", rate: "0.09", qty: "3" }]);
    value(
      await buyer.redFlushDigital({
        serialNo: "PRF-RED-DIRECT",
        invoiceNum: no,
        redReason: buyer.reasonCode("开票有误", "2.1.04") as string,
        invoiceType: "01",
        sellerTaxpayerId: buyerTax,
      })
    );
    expect((await redRows("PRF-RED-DIRECT")).map((x) => [x.amount, x.tax_amount])).toEqual([
      ["-300.00", "-27.00"],
    ]);
    const bill = await db()
      .selectFrom("bureau_confirm_bills")
      .selectAll()
      .where("blue_invoice_no", "=", no)
      .executeTakeFirstOrThrow();
    expect(bill).toMatchObject({ is_purchase_invoice: 1, entrant_role: "购方", buyer_tax_id: buyerTax });
    expect(await blueRow(no)).toMatchObject({ status: "全额红冲", remaining_amount: "0.00" });
  });
});

describe("收购票 with usage confirmed: 03 awaits the 销方 side, then the issuer red-flushes part → 部分红冲", () => {
  test("2.1.03 partial by the issuer → 03; the issuer cannot confirm; the 销方 confirms → 04; issuer 2.1.04 → 部分红冲", async () => {
    const no = await purchaseBlue("PRF-BLUE-0201", [{ amount: "1000.00", rate: "0.09", qty: "10" }]);
    await db()
      .updateTable("blue_invoices")
      .set({ buyer_usage_confirmed: 1 })
      .where("invoice_no", "=", no)
      .execute();
    const applied = value(
      await buyer.applyRedConfirmBill({
        orderNo: "PRF-RCF-0201",
        invoiceNo: no,
        redReason: buyer.reasonCode("销售退回", "2.1.03") as string,
        invoiceType: "01",
        enteridentity: "0",
        invoiceDetail: [{ originalSeq: 0, quantity: "-4", amount: "-400.00", taxAmount: "-36.00" }],
      })
    );
    expect(applied.redConfirmBillStatus).toBe("03");
    const own = await buyer.confirmRedConfirmBill({
      taxNo: buyerTax,
      number: applied.redInfoBillNo,
      enteridentity: "1",
      qrlx: "Y",
    });
    expect(own.ok ? "" : own.refusal.code).toBe("NOT_PENDING_OUR_CONFIRMATION");
    const confirmed = value(
      await seller.confirmRedConfirmBill({
        taxNo: sellerTax,
        number: applied.redInfoBillNo,
        enteridentity: "0",
        qrlx: "Y",
      })
    );
    expect(confirmed.redConfirmBillStatus).toBe("04");
    value(
      await buyer.redFlushDigital({
        serialNo: "PRF-RED-0201",
        invoiceNum: no,
        redReason: buyer.reasonCode("销售退回", "2.1.04") as string,
        invoiceType: "01",
        sellerTaxpayerId: buyerTax,
        redInfoBillNo: applied.redInfoBillNo,
      })
    );
    expect((await redRows("PRF-RED-0201")).map((x) => [x.amount, x.tax_amount])).toEqual([
      ["-400.00", "-36.00"],
    ]);
    expect(await blueRow(no)).toMatchObject({
      status: "部分红冲",
      remaining_amount: "600.00",
      remaining_tax: "54.00",
    });
    expect(
      (await blueLines(no)).map((l) => [l.remaining_amount, l.remaining_tax, l.remaining_quantity])
    ).toEqual([["600.00", "54.00", "6"]]);
  });
});

describe("an ordinary invoice: the seller may red-flush its bill, the buyer is refused", () => {
  test("buyer via the bill → RCF_RED_FLUSH_WRONG_PARTY with the domain's text; seller → issued", async () => {
    const no = await issueBlue(seller, server, "PRF-BLUE-0101", [
      { amount: "1000.00", rate: "0.13", qty: "10" },
    ]);
    const applied = value(
      await seller.applyRedConfirmBill({
        orderNo: "PRF-RCF-0101",
        invoiceNo: no,
        redReason: seller.reasonCode("开票有误", "2.1.03") as string,
        invoiceType: "01",
      })
    );
    const asBuyer = await buyer.redFlushDigital({
      serialNo: "PRF-RED-0101B",
      invoiceNum: no,
      redReason: buyer.reasonCode("开票有误", "2.1.04") as string,
      invoiceType: "01",
      sellerTaxpayerId: buyerTax,
      redInfoBillNo: applied.redInfoBillNo,
    });
    expect(asBuyer.ok ? "" : asBuyer.refusal.code).toBe("RCF_RED_FLUSH_WRONG_PARTY");
    expect(asBuyer.ok ? "" : asBuyer.refusal.message).toBe(
      "红字确认单只能由销方红冲（购方仅通过下载获取红字确认单编号）"
    );
    expect(await redRows("PRF-RED-0101B")).toEqual([]);

    value(
      await seller.redFlushDigital({
        serialNo: "PRF-RED-0101S",
        invoiceNum: no,
        redReason: seller.reasonCode("开票有误", "2.1.04") as string,
        invoiceType: "01",
        sellerTaxpayerId: sellerTax,
        redInfoBillNo: applied.redInfoBillNo,
      })
    );
    expect((await redRows("PRF-RED-0101S")).map((x) => [x.amount, x.tax_amount])).toEqual([
      ["-1000.00", "-130.00"],
    ]);
    expect(await blueRow(no)).toMatchObject({ status: "全额红冲", remaining_amount: "0.00" });
  });
});

describe("item 10: the remaining check at issue time is the engine's (remainingAfter), to 13 dp", () => {
  /** An entered 01 bill (full) whose blue line's 剩余可红冲数量 is then set, as if moved elsewhere. */
  async function billWithRemainingQuantity(tag: string, remainingQty: string) {
    const no = await issueBlue(seller, server, `PRQ-BLUE-${tag}`, [
      { amount: "1000.00", rate: "0.13", qty: "3.3333333333333" },
    ]);
    const applied = value(
      await seller.applyRedConfirmBill({
        orderNo: `PRQ-RCF-${tag}`,
        invoiceNo: no,
        redReason: seller.reasonCode("开票有误", "2.1.03") as string,
        invoiceType: "01",
      })
    );
    const line = (await blueLines(no))[0];
    await db()
      .updateTable("blue_invoice_lines")
      .set({ remaining_quantity: remainingQty })
      .where("id", "=", line.id)
      .execute();
    return { no, billNo: applied.redInfoBillNo };
  }
  const flush = (serialNo: string, no: string, billNo: string) =>
    seller.redFlushDigital({
      serialNo,
      invoiceNum: no,
      redReason: seller.reasonCode("开票有误", "2.1.04") as string,
      invoiceType: "01",
      sellerTaxpayerId: sellerTax,
      redInfoBillNo: billNo,
    });

  test("数量 short by 0.0000000000001 → refused INSUFFICIENT_REMAINING, kept as a 未开票 待开 record", async () => {
    const { no, billNo } = await billWithRemainingQuantity("0001", "3.3333333333332");
    const r = await flush("PRQ-RED-0001", no, billNo);
    expect(r.ok ? "" : r.refusal.code).toBe("INSUFFICIENT_REMAINING");
    expect(await redRows("PRQ-RED-0001")).toEqual([]);
    const pending = await db()
      .selectFrom("pending_reds")
      .selectAll()
      .where("serial_no", "=", "PRQ-RED-0001")
      .execute();
    expect(pending.map((p) => [p.status, p.amount, p.tax_amount])).toEqual([
      ["未开票", "-1000.00", "-130.00"],
    ]);
    expect(await blueRow(no)).toMatchObject({ status: "正常", remaining_amount: "1000.00" });
  });

  test("数量 exactly what remains (13 dp) → issued, 剩余可红冲数量 0, blue 全额红冲", async () => {
    const { no, billNo } = await billWithRemainingQuantity("0002", "3.3333333333333");
    const bill = await db()
      .selectFrom("bureau_confirm_bills")
      .select("lines_json")
      .where("bill_no", "=", billNo)
      .executeTakeFirstOrThrow();
    expect(new Dec(JSON.parse(bill.lines_json)[0].quantity).toFixed()).toBe("-3.3333333333333");
    value(await flush("PRQ-RED-0002", no, billNo));
    expect(
      (await blueLines(no)).map((l) => [l.remaining_amount, l.remaining_tax, l.remaining_quantity])
    ).toEqual([["0.00", "0.00", "0"]]);
    expect(await blueRow(no)).toMatchObject({ status: "全额红冲", remaining_amount: "0.00" });
  });
});
