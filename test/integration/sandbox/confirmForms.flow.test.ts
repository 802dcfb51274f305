/**
 * 红字确认单 (数电) between two enterprises of the sandbox, with the real client over loopback:
 * 2.1.03 apply → 2.1.12/2.1.13 the buyer sees it → 2.1.09 confirm/reject → 2.1.04 via bill;
 * 2.1.08 revoke by the last acting party only; buyer-side entry; line validation by the engine.
 */
import type { GatewayClient } from "../../../src/gateway/client";
import { EXTENSIONS } from "../../../src/gateway/extensions";
import { JsonDecimal } from "../../../src/gateway/json";
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

const reason = (label: string) => seller.reasonCode(label, "2.1.03") as string;
const reason04 = (label: string) => seller.reasonCode(label, "2.1.04") as string;

async function poolStatus(invoiceNo: string): Promise<string> {
  const row = await server.db.db
    .selectFrom("input_pool")
    .innerJoin("orgs", "orgs.id", "input_pool.org_id")
    .select("input_pool.invoice_status")
    .where("orgs.tax_id", "=", buyerTax)
    .where("input_pool.invoice_no", "=", invoiceNo)
    .executeTakeFirstOrThrow();
  return row.invoice_status;
}

async function blueInfo(client: GatewayClient, invoiceNo: string) {
  const page = await ext(client, EXTENSIONS.blueInvoiceQuery, { invoiceNos: [invoiceNo] });
  expect(page.items).toHaveLength(1);
  return page.items[0];
}

async function billOf(client: GatewayClient, taxpayerId: string, number: string) {
  const r = value(await client.queryRedConfirmBills({ taxpayerId, redInfoBillNo: number }));
  expect(r.dataList).toHaveLength(1);
  return r.dataList[0] as any;
}

/**
 * A via-bill 2.1.04 on a bill that is not invoiceable: the refusal carries the bill's state, which the
 * client reads as "not issued, awaiting" (assumptions A11) with the sandbox's Chinese reason.
 */
function expectNotIssued(
  r: Awaited<ReturnType<GatewayClient["redFlushDigital"]>>,
  status: string,
  message: string
) {
  const out = value(r);
  expect(out.kind).toBe("awaitingConfirmation");
  if (out.kind === "awaitingConfirmation") {
    expect(out.bill.redConfirmBillStatus).toBe(status);
    expect(out.message).toContain(message);
  }
}

async function redInvoicesOfBill(billNo: string): Promise<number> {
  const rows = await server.db.db
    .selectFrom("red_invoices")
    .innerJoin("red_confirm_forms", "red_confirm_forms.id", "red_invoices.confirm_form_id")
    .select("red_invoices.id")
    .where("red_confirm_forms.bill_no", "=", billNo)
    .execute();
  return rows.length;
}

describe("two enterprises: seller applies, buyer downloads and confirms, seller red-flushes via the bill", () => {
  let billNo: string;
  let uuid: string;

  test("2.1.03 partial (销售退回 3 of 10 on line 0) → 02, bureau number and UUID; buyer's pool shows 红字发票待确认", async () => {
    const r = value(
      await seller.applyRedConfirmBill({
        orderNo: "FLOW-APPLY-0001",
        invoiceNo: SEEDED.spareTwoLines,
        redReason: reason("销售退回"),
        invoiceType: "01",
        invoiceDetail: [{ originalSeq: 0, quantity: "-3", amount: "-3000.00", taxAmount: "-180.00" }],
      })
    );
    if (r.yields) throw new Error("a 红字确认单 was expected");
    expect(r.redConfirmBillStatus).toBe("02");
    expect(r.redInfoBillNo).toMatch(/^\d{16}$/);
    expect(r.govRedConfirmBillUuid).toMatch(/^[0-9a-f]{32}$/);
    billNo = r.redInfoBillNo;
    uuid = r.govRedConfirmBillUuid;
    expect(await poolStatus(SEEDED.spareTwoLines)).toBe("红字发票待确认");

    // The seller's record: 流水号 = orderNo, API接口, 录入成功, 录入日期 = now, the engine's line.
    const mine = await billOf(seller, sellerTax, billNo);
    expect(mine).toMatchObject({
      redConfirmBillStatus: "02",
      redConfirmEnterDate: "2025-10-10 10:00:00",
      serialNo: "FLOW-APPLY-0001",
      dataSource: "API接口",
      entryStatus: "录入成功",
      invoiceStatus: "未开票",
      identity: "0",
      enteridentity: "0",
      redAmount: "-3000.00",
      redTaxAmount: "-180.00",
      redReason: reason("销售退回"),
      originalInvoiceNumber: SEEDED.spareTwoLines,
      originalInvoiceAmount: "12000.00",
      confirmDeadline: "2025-10-13 10:00:00",
      invoicedFlag: "0",
    });
    const lines = await server.db.db
      .selectFrom("red_confirm_form_lines")
      .innerJoin("red_confirm_forms", "red_confirm_forms.id", "red_confirm_form_lines.form_id")
      .select([
        "red_confirm_form_lines.quantity",
        "red_confirm_form_lines.amount",
        "red_confirm_form_lines.tax_amount",
        "red_confirm_form_lines.price",
      ])
      .where("red_confirm_forms.bill_no", "=", billNo)
      .execute();
    expect(lines).toEqual([{ quantity: "-3", amount: "-3000.00", tax_amount: "-180.00", price: "1000" }]);
  });

  test("the same orderNo again is refused as a used serial (10127), no second bill", async () => {
    const again = await seller.applyRedConfirmBill({
      orderNo: "FLOW-APPLY-0001",
      invoiceNo: SEEDED.spareTwoLines,
      redReason: reason("销售退回"),
      invoiceType: "01",
      invoiceDetail: [{ originalSeq: 0, quantity: "-3", amount: "-3000.00", taxAmount: "-180.00" }],
    });
    expect(again).toMatchObject({ ok: false, errorCode: "10127", refusal: { code: "GW_DUPLICATE_SERIAL" } });
    expect(billNo).toMatch(/^\d{16}$/);
    expect(uuid).toMatch(/^[0-9a-f]{32}$/);
    const bills = await server.db.db
      .selectFrom("bureau_confirm_bills")
      .select("id")
      .where("blue_invoice_no", "=", SEEDED.spareTwoLines)
      .execute();
    expect(bills).toHaveLength(1);
  });

  test("the seller cannot issue yet: 02 is not invoiceable", async () => {
    const r = await seller.redFlushDigital({
      serialNo: "FLOW-RED-EARLY",
      invoiceNum: SEEDED.spareTwoLines,
      redReason: reason04("销售退回"),
      invoiceType: "01",
      sellerTaxpayerId: sellerTax,
      redInfoBillNo: billNo,
    });
    expectNotIssued(r, "02", "只有确认状态为“无需确认”或“购销双方已确认”的红字确认单才允许红冲");
    expect(await redInvoicesOfBill(billNo)).toBe(0);
  });

  test("the buyer downloads (2.1.12 task, HC.TASK.QUERY) and queries (2.1.13): it sees the bill awaiting it", async () => {
    const start = value(
      await buyer.downloadRedConfirmBills({
        taxpayerId: buyerTax,
        identity: "1",
        startDate: "2025-10-10",
        endDate: "2025-10-10",
      })
    );
    expect(start.taskNo).toMatch(/^T20251010\d{6}$/);
    const running = await ext(buyer, EXTENSIONS.taskQuery, { taskNo: start.taskNo });
    expect(running.items[0]).toMatchObject({
      status: "进行中",
      finishedAt: null,
      role: "购方",
      channel: "RPA",
    });
    server.clock.advance(5_000);
    const done = await ext(buyer, EXTENSIONS.taskQuery, { taskNo: start.taskNo });
    expect(done.items[0]).toMatchObject({
      taskNo: start.taskNo,
      type: "redConfirmDownload",
      status: "成功",
      orgName: account(server, "buyer").name,
      taxNo: buyerTax,
      role: "购方",
      startDate: "2025-10-10",
      endDate: "2025-10-10",
      createdBy: account(server, "buyer").user,
      startedAt: "2025-10-10 10:00:00",
      finishedAt: "2025-10-10 10:00:05",
      channel: "RPA",
      total: "1",
      succeeded: "1",
      failReason: null,
    });
    expect(done.items[0].items).toEqual([
      { number: billNo, blueInvoiceNo: SEEDED.spareTwoLines, blueInvoiceCode: null, action: "INSERT" },
    ]);

    const seen = await billOf(buyer, buyerTax, billNo);
    expect(seen).toMatchObject({
      govRedConfirmBillUuid: uuid,
      redConfirmBillStatus: "02",
      identity: "1",
      enteridentity: "0",
      sellerTaxpayerId: sellerTax,
      buyerTaxpayerId: buyerTax,
      dataSource: "税局下载",
      entryStatus: "录入成功",
    });
    // The downloaded bill's lines are the bureau's.
    const polled = value(
      await buyer.downloadRedConfirmBills({ taxpayerId: buyerTax, taskNo: start.taskNo } as any)
    ) as any;
    expect(polled.dataList[0].invoiceDetail).toEqual([
      expect.objectContaining({ originalSeq: "0", quantity: "-3", amount: "-3000.00", taxAmount: "-180.00" }),
    ]);
  });

  test("only the awaited party confirms: the seller is refused, the buyer confirms → 04 with 确认日期", async () => {
    const own = await seller.confirmRedConfirmBill({
      taxNo: sellerTax,
      number: billNo,
      enteridentity: "0",
      qrlx: "Y",
    });
    expect(own.ok).toBe(false);
    if (!own.ok) expect(own.refusal.message).toContain("只能确认或拒绝待本企业确认的红字确认单");
    server.clock.advance(60_000);
    const r = value(
      await buyer.confirmRedConfirmBill({ taxNo: buyerTax, number: billNo, enteridentity: "1", qrlx: "Y" })
    );
    expect(r.redConfirmBillStatus).toBe("04");
    expect(await poolStatus(SEEDED.spareTwoLines)).toBe("正常");
    const sellerView = await billOf(seller, sellerTax, billNo);
    expect(sellerView).toMatchObject({ redConfirmBillStatus: "04", confirmDate: "2025-10-10 10:01:05" });
  });

  test("2.1.04 via the bill (number only, as the task pane sends it) issues one 20-digit red invoice", async () => {
    const r = value(
      await seller.redFlushDigital({
        serialNo: "FLOW-RED-0001",
        invoiceNum: SEEDED.spareTwoLines,
        redReason: reason04("销售退回"),
        invoiceType: "02",
        sellerTaxpayerId: sellerTax,
        redInfoBillNo: billNo,
      })
    );
    expect(r.kind).toBe("accepted");
    const red = value(await seller.queryInvoice({ serialNo: "FLOW-RED-0001", sellerTaxpayerId: sellerTax }));
    expect(red).toMatchObject({
      invoiceProperty: "1",
      invoiceStatus: "0",
      totalAmount: "-3000.00",
      totalTaxAmount: "-180.00",
      includeTaxAmount: "-3180.00",
      originalInvoiceNumber: SEEDED.spareTwoLines,
      redInfoBillNo: billNo,
      govRedConfirmBillUuid: uuid,
    });
    expect(red.invoiceNum).toMatch(/^\d{20}$/);

    const blue = await blueInfo(seller, SEEDED.spareTwoLines);
    expect(blue).toMatchObject({
      status: "部分红冲",
      reversibleAmount: "9000.00",
      reversibleTax: "680.00",
      pendingConfirmBills: [],
    });
    expect(blue.lines[0]).toMatchObject({
      remainingAmount: "7000.00",
      remainingTax: "420.00",
      remainingQuantity: "7",
    });
    expect(blue.lines[1]).toMatchObject({
      remainingAmount: "2000.00",
      remainingTax: "260.00",
      remainingQuantity: "20",
    });
    expect(await poolStatus(SEEDED.spareTwoLines)).toBe("部分红冲");
    expect(await billOf(seller, sellerTax, billNo)).toMatchObject({
      invoicedFlag: "1",
      redInvoiceNumber: red.invoiceNum,
      invoiceStatus: "已开票",
    });
  });

  test("exactly one red invoice per bill: a second serial on the same bill is refused", async () => {
    const r = await seller.redFlushDigital({
      serialNo: "FLOW-RED-0002",
      invoiceNum: SEEDED.spareTwoLines,
      redReason: reason04("销售退回"),
      invoiceType: "01",
      sellerTaxpayerId: sellerTax,
      govRedConfirmBillUuid: uuid,
      redInfoBillNo: billNo,
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.refusal.message).toContain("红字确认单已开具红票，不能重复红冲");
    expect(await redInvoicesOfBill(billNo)).toBe(1);
  });

  test("the rest in full: second bill → 04 → red → 全额红冲 everywhere; the buyer's download keeps its 开票状态 (both in the cloud)", async () => {
    const second = value(
      await seller.applyRedConfirmBill({
        orderNo: "FLOW-APPLY-0002",
        invoiceNo: SEEDED.spareTwoLines,
        redReason: reason("销售退回"),
      })
    );
    expect(second.redConfirmBillStatus).toBe("02");
    const bill = await billOf(seller, sellerTax, second.redInfoBillNo);
    expect(bill).toMatchObject({ redAmount: "-9000.00", redTaxAmount: "-680.00" });
    value(
      await buyer.confirmRedConfirmBill({
        taxNo: buyerTax,
        number: second.redInfoBillNo,
        enteridentity: "1",
        qrlx: "Y",
      })
    );
    const red = value(
      await seller.redFlushDigital({
        serialNo: "FLOW-RED-0003",
        invoiceNum: SEEDED.spareTwoLines,
        redReason: reason04("销售退回"),
        invoiceType: "01",
        sellerTaxpayerId: sellerTax,
        govRedConfirmBillUuid: second.govRedConfirmBillUuid,
        redInfoBillNo: second.redInfoBillNo,
      })
    );
    expect(red.kind).toBe("accepted");
    const blue = await blueInfo(seller, SEEDED.spareTwoLines);
    expect(blue).toMatchObject({ status: "全额红冲", reversibleAmount: "0.00", reversibleTax: "0.00" });
    expect(blue.lines.map((l: any) => l.remainingQuantity)).toEqual(["0", "0"]);
    expect(await poolStatus(SEEDED.spareTwoLines)).toBe("全额红冲");

    const dl = value(
      await buyer.downloadRedConfirmBills({
        taxpayerId: buyerTax,
        identity: "1",
        startDate: "2025-10-10",
        endDate: "2025-10-10",
      })
    );
    server.clock.advance(5_000);
    const task = (await ext(buyer, EXTENSIONS.taskQuery, { taskNo: dl.taskNo })).items[0];
    expect(task).toMatchObject({ status: "成功", total: "2", succeeded: "2" });
    const held = await server.db.db
      .selectFrom("red_confirm_forms")
      .innerJoin("orgs", "orgs.id", "red_confirm_forms.org_id")
      .select([
        "red_confirm_forms.bill_no",
        "red_confirm_forms.confirm_status",
        "red_confirm_forms.invoice_status",
        "red_confirm_forms.red_invoice_no",
      ])
      .where("orgs.tax_id", "=", buyerTax)
      .where("red_confirm_forms.blue_invoice_no", "=", SEEDED.spareTwoLines)
      .orderBy("red_confirm_forms.id")
      .execute();
    // First bill: held since the first download → 确认状态 updated, 开票状态 not (both parties in 发票云).
    expect(held[0]).toMatchObject({
      bill_no: billNo,
      confirm_status: "04",
      invoice_status: "未开票",
      red_invoice_no: null,
    });
    expect(held[1]).toMatchObject({ bill_no: second.redInfoBillNo, confirm_status: "04" });
  });
});

describe("reject, revoke by the last acting party", () => {
  test("buyer rejects → 05; the pool returns to 正常; the bill cannot be invoiced", async () => {
    const a = value(
      await seller.applyRedConfirmBill({
        orderNo: "REJ-0001",
        invoiceNo: SEEDED.spare110,
        redReason: reason("开票有误"),
      })
    );
    expect(a.redConfirmBillStatus).toBe("02");
    expect(await poolStatus(SEEDED.spare110)).toBe("红字发票待确认");
    const r = value(
      await buyer.confirmRedConfirmBill({
        taxNo: buyerTax,
        number: a.redInfoBillNo,
        enteridentity: "1",
        qrlx: "N",
      })
    );
    expect(r.redConfirmBillStatus).toBe("05");
    expect(await poolStatus(SEEDED.spare110)).toBe("正常");
    const red = await seller.redFlushDigital({
      serialNo: "REJ-RED-0001",
      invoiceNum: SEEDED.spare110,
      redReason: reason04("开票有误"),
      invoiceType: "01",
      sellerTaxpayerId: sellerTax,
      redInfoBillNo: a.redInfoBillNo,
    });
    expectNotIssued(red, "05", "只有确认状态为“无需确认”或“购销双方已确认”的红字确认单才允许红冲");
    // A void bill cannot be revoked either.
    const rv = await seller.revokeRedConfirmBill({
      taxNo: sellerTax,
      number: a.redInfoBillNo,
      enteridentity: "0",
      qrlx: "C",
    });
    expect(rv.ok).toBe(false);
    if (!rv.ok) expect(rv.refusal.message).toContain("撤销时要求红字确认单状态为有效");
  });

  test("02: the buyer may not revoke (only the seller) → the seller revokes → 08, both parties see it", async () => {
    const a = value(
      await seller.applyRedConfirmBill({
        orderNo: "REV-0001",
        invoiceNo: SEEDED.spare111,
        redReason: reason("服务终止"),
      })
    );
    const wrong = await buyer.revokeRedConfirmBill({
      taxNo: buyerTax,
      number: a.redInfoBillNo,
      enteridentity: "1",
      qrlx: "C",
    });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) {
      expect(wrong.refusal.message).toContain("红字确认单撤销只能由最后操作方申请，当前只允许销方撤销");
    }
    const mismatch = await seller.revokeRedConfirmBill({
      taxNo: sellerTax,
      number: a.redInfoBillNo,
      enteridentity: "1",
      qrlx: "C",
    });
    expect(mismatch.ok).toBe(false);
    value(
      await seller.revokeRedConfirmBill({
        taxNo: sellerTax,
        number: a.redInfoBillNo,
        enteridentity: "0",
        qrlx: "C",
      })
    );
    expect((await billOf(seller, sellerTax, a.redInfoBillNo)).redConfirmBillStatus).toBe("08");
    expect((await billOf(buyer, buyerTax, a.redInfoBillNo)).redConfirmBillStatus).toBe("08");
    expect(await poolStatus(SEEDED.spare111)).toBe("正常");
  });

  test("04 entered by the seller: only the buyer may revoke → 09", async () => {
    const a = value(
      await seller.applyRedConfirmBill({
        orderNo: "REV-0002",
        invoiceNo: SEEDED.spare110,
        redReason: reason("服务终止"),
      })
    );
    value(
      await buyer.confirmRedConfirmBill({
        taxNo: buyerTax,
        number: a.redInfoBillNo,
        enteridentity: "1",
        qrlx: "Y",
      })
    );
    const wrong = await seller.revokeRedConfirmBill({
      taxNo: sellerTax,
      number: a.redInfoBillNo,
      enteridentity: "0",
      qrlx: "C",
    });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok)
      expect(wrong.refusal.message).toBe("红字确认单撤销只能由最后操作方申请，当前只允许购方撤销");
    const r = value(
      await buyer.revokeRedConfirmBill({
        taxNo: buyerTax,
        number: a.redInfoBillNo,
        enteridentity: "1",
        qrlx: "C",
      })
    ) as any;
    expect(r.redConfirmBillStatus).toBe("09");
    expect((await billOf(seller, sellerTax, a.redInfoBillNo)).redConfirmBillStatus).toBe("09");
  });
});

describe("buyer-side entry (我是购方) and the engine's line checks", () => {
  test("the buyer enters (enteridentity 1) → 03 under the buyer org; the seller confirms → 04 and issues", async () => {
    const a = value(
      await buyer.applyRedConfirmBill({
        orderNo: "BUY-0001",
        invoiceNo: SEEDED.spare113,
        redReason: reason("销售退回"),
        enteridentity: "1",
      })
    );
    expect(a.redConfirmBillStatus).toBe("03");
    const buyerView = await billOf(buyer, buyerTax, a.redInfoBillNo);
    expect(buyerView).toMatchObject({
      serialNo: "BUY-0001",
      dataSource: "API接口",
      identity: "1",
      enteridentity: "1",
    });
    const sellerView = await billOf(seller, sellerTax, a.redInfoBillNo);
    expect(sellerView).toMatchObject({
      redConfirmBillStatus: "03",
      identity: "0",
      serialNo: "",
      dataSource: "",
    });
    const wrong = await buyer.confirmRedConfirmBill({
      taxNo: buyerTax,
      number: a.redInfoBillNo,
      enteridentity: "1",
      qrlx: "Y",
    });
    expect(wrong.ok).toBe(false);
    value(
      await seller.confirmRedConfirmBill({
        taxNo: sellerTax,
        number: a.redInfoBillNo,
        enteridentity: "0",
        qrlx: "Y",
      })
    );
    const red = value(
      await seller.redFlushDigital({
        serialNo: "BUY-RED-0001",
        invoiceNum: SEEDED.spare113,
        redReason: reason04("销售退回"),
        invoiceType: "01",
        sellerTaxpayerId: sellerTax,
        govRedConfirmBillUuid: a.govRedConfirmBillUuid,
      })
    );
    expect(red.kind).toBe("accepted");
    expect((await blueInfo(seller, SEEDED.spare113)).status).toBe("全额红冲");
    // 04 entered by the buyer and invoiced: nobody may revoke any more.
    const rv = await seller.revokeRedConfirmBill({
      taxNo: sellerTax,
      number: a.redInfoBillNo,
      enteridentity: "0",
      qrlx: "C",
    });
    expect(rv.ok).toBe(false);
    if (!rv.ok) expect(rv.refusal.message).toContain("撤销时要求红字确认单未开具红票");
  });

  test("the buyer cannot enter for an invoice it made no usage confirmation on", async () => {
    const no = await issueBlue(seller, server, "BUY-BLUE-0001");
    const r = await buyer.applyRedConfirmBill({
      orderNo: "BUY-0002",
      invoiceNo: no,
      redReason: reason("销售退回"),
      enteridentity: "1",
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.refusal.message).toContain("只能由销方录入红字确认单并全额红冲");
  });

  test("no usage confirmation → 01, full only; 开票有误 full only; limits, mismatches and unknown lines refused", async () => {
    const no = await issueBlue(seller, server, "VAL-BLUE-0001", [
      { amount: "1000.00", rate: "0.13", qty: "10" },
      { amount: "500.00", rate: "0.06", qty: "5" },
    ]);
    const partialUnconfirmed = await seller.applyRedConfirmBill({
      orderNo: "VAL-0001",
      invoiceNo: no,
      redReason: reason("销售退回"),
      invoiceDetail: [{ originalSeq: 0, quantity: "-2", amount: "-200.00", taxAmount: "-26.00" }],
    });
    expect(partialUnconfirmed.ok).toBe(false);
    if (!partialUnconfirmed.ok) expect(partialUnconfirmed.refusal.message).toContain("只能全额红冲");

    let n = 100;
    const check = async (invoiceNo: string, redReason: string, line: Record<string, unknown>) => {
      const r = await seller.applyRedConfirmBill({
        orderNo: `VAL-${n++}`,
        invoiceNo,
        redReason,
        invoiceDetail: [line as any],
      });
      expect(r.ok).toBe(false);
      return r.ok ? "" : r.refusal.message;
    };
    expect(await check(SEEDED.spare114, reason("开票有误"), { originalSeq: 0, amount: "-100.00" })).toBe(
      "开票有误仅支持全额红冲"
    );
    expect(await check(SEEDED.spare114, reason("销售退回"), { originalSeq: 0, quantity: "-16" })).toBe(
      "数量不能超过剩余可红冲值 15"
    );
    expect(
      await check(SEEDED.spare114, reason("销售退回"), {
        originalSeq: 0,
        quantity: "-2",
        amount: "-200.00",
        taxAmount: "-25.00",
      })
    ).toBe("第1行税额（按数量计算）与按红冲原因“销售退回”计算的结果不一致：应为 -26.00，收到 -25.00");
    expect(await check(SEEDED.spare114, reason("销售退回"), { originalSeq: 3, quantity: "-1" })).toContain(
      "没有序号为 3 的明细行"
    );
    expect(await check(SEEDED.spare114, reason("销售折让"), { originalSeq: 0, quantity: "-1" })).toBe(
      "红冲原因为“销售折让”时不允许编辑数量"
    );

    // 销售折让 of 100.00 (tax by the engine: 13.00) on the usage-confirmed spare → 02 with that line.
    const ok = value(
      await seller.applyRedConfirmBill({
        orderNo: "VAL-0009",
        invoiceNo: SEEDED.spare114,
        redReason: reason("销售折让"),
        invoiceDetail: [{ originalSeq: 0, amount: "-100.00", taxAmount: "-13.00" }],
      })
    );
    expect(ok.redConfirmBillStatus).toBe("02");
    // What it reserves is no longer available to another bill: 1500.00 − 100.00 left.
    const over = await seller.applyRedConfirmBill({
      orderNo: "VAL-0010",
      invoiceNo: SEEDED.spare114,
      redReason: reason("销售折让"),
      invoiceDetail: [{ originalSeq: 0, amount: "-1450.00" }],
    });
    expect(over.ok).toBe(false);
    if (!over.ok) expect(over.refusal.message).toBe("不含税金额不能超过剩余可红冲值 1400.00");
    expect((await blueInfo(seller, SEEDED.spare114)).pendingConfirmBills).toEqual([
      { redInfoBillNo: ok.redInfoBillNo, redConfirmBillStatus: "02", amount: "-100.00" },
    ]);
    // Amounts sent as JSON numbers are read exactly too.
    const asNumbers = await seller.applyRedConfirmBill({
      orderNo: "VAL-0011",
      invoiceNo: SEEDED.spare114,
      redReason: reason("销售折让"),
      invoiceDetail: [
        {
          originalSeq: 0,
          amount: new JsonDecimal("-0.10") as any,
          taxAmount: new JsonDecimal("-0.01") as any,
        },
      ],
    });
    expect(value(asNumbers).redConfirmBillStatus).toBe("02");
  });

  test("a 税控 invoice, an unknown invoice and another seller's invoice are refused", async () => {
    const taxctl = clientFor(server, "taxctl");
    const r1 = await taxctl.applyRedConfirmBill({
      orderNo: "X-0001",
      invoiceNo: "10000001",
      redReason: reason("开票有误"),
    });
    expect(r1.ok).toBe(false);
    if (!r1.ok) expect(r1.refusal.message).toContain("不是数电发票");
    const r2 = await seller.applyRedConfirmBill({
      orderNo: "X-0002",
      invoiceNo: "25330000000000999999",
      redReason: reason("开票有误"),
    });
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.refusal.message).toBe("蓝票“25330000000000999999”不存在，或本企业不是它的销方");
    const r3 = await buyer.applyRedConfirmBill({
      orderNo: "X-0003",
      invoiceNo: SEEDED.spare112,
      redReason: reason("开票有误"),
    });
    expect(r3.ok).toBe(false);
    if (!r3.ok) expect(r3.refusal.message).toBe(`蓝票“${SEEDED.spare112}”不存在，或本企业不是它的销方`);
  });
});
