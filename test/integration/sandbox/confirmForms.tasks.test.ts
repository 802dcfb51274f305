/**
 * The seeded 红字确认单 states, 2.1.12 download / 更新确认单状态 as clock-settled tasks (乐企: passes
 * every minute), the HC.* extensions (blue invoices, 回退, 删除, task records) and the 72-hour rule
 * on the injected clock — with the real client over loopback.
 */
import type { GatewayClient } from "../../../src/gateway/client";
import { EXTENSIONS } from "../../../src/gateway/extensions";
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

async function billsByInvoice(client: GatewayClient, taxpayerId: string, identity?: "0" | "1") {
  const r = value(await client.queryRedConfirmBills({ taxpayerId, ...(identity ? { identity } : {}) }));
  return new Map(r.dataList.map((b: any) => [b.originalInvoiceNumber as string, b]));
}

async function poolStatus(invoiceNo: string): Promise<string> {
  const row = await server.db.db
    .selectFrom("input_pool")
    .select("invoice_status")
    .where("invoice_no", "=", invoiceNo)
    .executeTakeFirstOrThrow();
  return row.invoice_status;
}

async function runTask(client: GatewayClient, taskNo: string, advanceMs = 5_000) {
  server.clock.advance(advanceMs);
  return (await ext(client, EXTENSIONS.taskQuery, { taskNo })).items[0];
}

test("the seed: one bill per state between the 数电 seller and buyer, as each party sees it", async () => {
  const s = await billsByInvoice(seller, sellerTax, "0");
  expect(s.get(SEEDED.invoiced01)).toMatchObject({
    redConfirmBillStatus: "01",
    invoicedFlag: "1",
    redInvoiceNumber: expect.stringMatching(/^\d{20}$/),
    invoiceStatus: "已开票",
    serialNo: "SEED-RCF-101",
    confirmDate: "",
  });
  expect(s.get(SEEDED.awaitingBuyer02)).toMatchObject({
    redConfirmBillStatus: "02",
    redAmount: "-2000.00",
    redTaxAmount: "-120.00",
  });
  expect(s.get(SEEDED.awaitingSeller03)).toMatchObject({
    redConfirmBillStatus: "03",
    enteridentity: "1",
    serialNo: "",
    dataSource: "",
  });
  expect(s.get(SEEDED.confirmed04)).toMatchObject({
    redConfirmBillStatus: "04",
    confirmDate: "2025-10-08 16:00:00",
    invoicedFlag: "0",
  });
  expect(s.get(SEEDED.expired07)?.redConfirmBillStatus).toBe("07");
  expect(s.get(SEEDED.revoked08)?.redConfirmBillStatus).toBe("08");
  expect(s.get(SEEDED.expiringSoon02)).toMatchObject({
    redConfirmBillStatus: "02",
    confirmDeadline: "2025-10-10 12:00:00",
  });
  expect(s.has(SEEDED.linkedDraft)).toBe(false); // 未录入: no bureau number yet
  const b = await billsByInvoice(buyer, buyerTax, "1");
  expect(b.get(SEEDED.awaitingSeller03)).toMatchObject({
    identity: "1",
    serialNo: "SEED-RCF-103",
    dataSource: "API接口",
    redAmount: "-500.00",
  });
  expect(b.get(SEEDED.confirmed04)).toMatchObject({ dataSource: "税局下载" });
  for (const no of [SEEDED.awaitingBuyer02, SEEDED.awaitingSeller03, SEEDED.expiringSoon02])
    expect(await poolStatus(no)).toBe("红字发票待确认");
  expect(await poolStatus(SEEDED.confirmed04)).toBe("正常");
  // Filters: 录入日期 range and number.
  const range = value(
    await seller.queryRedConfirmBills({
      taxpayerId: sellerTax,
      startDate: "2025-10-09",
      endDate: "2025-10-09",
    })
  );
  expect(range.dataList.map((x: any) => x.originalInvoiceNumber).sort()).toEqual(
    [SEEDED.awaitingBuyer02, SEEDED.awaitingSeller03].sort()
  );
  expect(range).toMatchObject({ pageNo: "1", totalElement: "2" });
  const paged = value(await seller.call("2.1.13", { taxpayerId: sellerTax, pageNo: 2, pageSize: 3 }));
  expect((paged.value as any).dataList).toHaveLength(3);
  expect((paged.value as any).totalElement).toBe("7");
});

test("HC.BLUEINVOICE.QUERY: remaining values, lines, 待开 reds and the bills still reserving amounts", async () => {
  const page = await ext(seller, EXTENSIONS.blueInvoiceQuery, {
    invoiceNos: [SEEDED.awaitingBuyer02, SEEDED.invoiced01],
  });
  expect(page.total).toBe("2");
  const byNo = new Map(page.items.map((i: any) => [i.invoiceNo, i]));
  expect(byNo.get(SEEDED.awaitingBuyer02)).toMatchObject({
    invoiceCode: null,
    kind: "数电发票（增值税专用发票）",
    status: "正常",
    reversibleAmount: "6000.00",
    reversibleTax: "360.00",
    buyerUsageConfirmed: true,
    isPurchaseInvoice: false,
    pendingRedAmounts: [],
    pendingConfirmBills: [expect.objectContaining({ redConfirmBillStatus: "02", amount: "-2000.00" })],
    lines: [
      expect.objectContaining({
        seq: "0",
        remainingAmount: "6000.00",
        remainingQuantity: "6",
        unitPrice: "1000",
        taxMode: "普通征税",
      }),
    ],
  });
  expect(byNo.get(SEEDED.invoiced01)).toMatchObject({
    status: "全额红冲",
    reversibleAmount: "0.00",
    buyerUsageConfirmed: false,
  });
  // The base seed's partially reversed invoice carries a 待开 red of 1000.00.
  const all = await ext(seller, EXTENSIONS.blueInvoiceQuery, {
    startDate: "2025-05-20",
    endDate: "2025-05-20",
  });
  expect(all.items).toHaveLength(1);
  expect(all.items[0]).toMatchObject({ status: "部分红冲", pendingRedAmounts: ["-1000.00"] });
});

test("download as the seller: the buyer-entered 03 arrives as 税局下载; held records unchanged; task record fields", async () => {
  const start = value(
    await seller.downloadRedConfirmBills({
      taxpayerId: sellerTax,
      identity: "0",
      startDate: "2025-10-01",
      endDate: "2025-10-10",
    })
  );
  const task = await runTask(seller, start.taskNo as string);
  expect(task).toMatchObject({ status: "成功", total: "6", succeeded: "6", role: "销方", channel: "RPA" });
  const inserted = task.items.filter((i: any) => i.action === "INSERT");
  expect(inserted.map((i: any) => i.blueInvoiceNo)).toEqual([SEEDED.awaitingSeller03]);
  const s = await billsByInvoice(seller, sellerTax);
  expect(s.get(SEEDED.awaitingSeller03)).toMatchObject({
    dataSource: "税局下载",
    entryStatus: "录入成功",
    identity: "0",
  });

  // The seller confirms the buyer's bill; the buyer's 更新确认单状态 (header only) refreshes its record.
  const number = s.get(SEEDED.awaitingSeller03).redInfoBillNo;
  value(await seller.confirmRedConfirmBill({ taxNo: sellerTax, number, enteridentity: "0", qrlx: "Y" }));
  const before = await server.db.db
    .selectFrom("red_confirm_forms")
    .select("confirm_status")
    .where("serial_no", "=", "SEED-RCF-103")
    .executeTakeFirstOrThrow();
  expect(before.confirm_status).toBe("03");
  const upd = value(
    await buyer.downloadRedConfirmBills({
      taxpayerId: buyerTax,
      identity: "1",
      startDate: "2025-10-01",
      endDate: "2025-10-10",
      mode: "statusUpdate",
    } as any)
  );
  const t2 = await runTask(buyer, upd.taskNo as string);
  expect(t2).toMatchObject({ type: "redConfirmStatusUpdate", status: "成功", total: "2", succeeded: "2" });
  expect(t2.items.find((i: any) => i.blueInvoiceNo === SEEDED.awaitingSeller03).action).toBe("UPDATE");
  const after = await server.db.db
    .selectFrom("red_confirm_forms")
    .select(["confirm_status", "confirmed_at"])
    .where("serial_no", "=", "SEED-RCF-103")
    .executeTakeFirstOrThrow();
  expect(after).toEqual({ confirm_status: "04", confirmed_at: "2025-10-10 10:00:05" });
  expect(await poolStatus(SEEDED.awaitingSeller03)).toBe("正常");

  // A reversed date range and a 税控 enterprise's download.
  const reversed = await seller.downloadRedConfirmBills({
    taxpayerId: sellerTax,
    startDate: "2025-10-10",
    endDate: "2025-10-01",
  });
  expect(reversed.ok).toBe(false);
  const taxctl = clientFor(server, "taxctl");
  const tc = value(
    await taxctl.downloadRedConfirmBills({
      taxpayerId: account(server, "taxctl").taxId,
      startDate: "2025-10-01",
      endDate: "2025-10-10",
    })
  );
  const failed = await runTask(taxctl, tc.taskNo as string);
  expect(failed).toMatchObject({
    status: "失败",
    failReason: "本企业未配置数电开票通道，无法从税局下载红字确认单",
  });
});

test("乐企: more than 15 detail lines in the range → a pass per minute until complete; RPA downloads the same in one pass", async () => {
  const leqi = clientFor(server, "leqi");
  const leqiTax = account(server, "leqi").taxId;
  const nine = Array.from({ length: 9 }, (_, i) => ({ amount: `${100 + i}.00`, rate: "0.06", qty: "1" }));
  for (const n of [1, 2]) {
    const no = await issueBlue(leqi, server, `LEQI-BLUE-${n}`, nine, "leqi");
    const r = value(
      await leqi.applyRedConfirmBill({
        orderNo: `LEQI-RCF-${n}`,
        invoiceNo: no,
        redReason: leqi.reasonCode("开票有误", "2.1.03") as string,
      })
    );
    expect(r.redConfirmBillStatus).toBe("01");
  }
  const start = value(
    await leqi.downloadRedConfirmBills({
      taxpayerId: leqiTax,
      identity: "0",
      startDate: "2025-10-10",
      endDate: "2025-10-10",
    })
  );
  const first = await runTask(leqi, start.taskNo as string);
  expect(first).toMatchObject({
    status: "进行中",
    total: "2",
    succeeded: "1",
    channel: "乐企",
    finishedAt: null,
  });
  const still = await runTask(leqi, start.taskNo as string, 59_000);
  expect(still).toMatchObject({ status: "进行中", succeeded: "1" });
  const done = await runTask(leqi, start.taskNo as string, 1_000);
  expect(done).toMatchObject({ status: "成功", total: "2", succeeded: "2" });
  expect(done.items).toHaveLength(2);

  // The buyer (RPA) sees 18 lines in its range too, and finishes in one pass.
  const b = value(
    await buyer.downloadRedConfirmBills({
      taxpayerId: buyerTax,
      identity: "1",
      startDate: "2025-10-10",
      endDate: "2025-10-10",
    })
  );
  const bt = await runTask(buyer, b.taskNo as string);
  expect(bt).toMatchObject({ status: "成功", total: "2", succeeded: "2" });
  expect(bt.items.every((i: any) => i.action === "INSERT")).toBe(true);
});

test("HC.REDCONFIRMBILL.ROLLBACK / DELETE: the manual's conditions, all failing ones reported; rollback writes the application back", async () => {
  const del = await seller.call(EXTENSIONS.redConfirmBillDelete, {
    taxNo: sellerTax,
    serialNo: "SEED-RCF-108",
  });
  expect(del.ok).toBe(false);
  if (!del.ok)
    expect(del.refusal.message).toBe("数据来源为“匹配结果推送”或“单据开票”的数据不能删除，请使用回退。");

  const bad = await seller.call(EXTENSIONS.redConfirmBillRollback, {
    taxNo: sellerTax,
    serialNo: "SEED-RCF-102",
  });
  expect(bad.ok).toBe(false);
  if (!bad.ok) {
    expect(bad.refusal.message).toBe("只有数据来源为“匹配结果推送”或“单据开票”的数据才可以回退。");
    expect((bad.data as any).refusals.map((r: any) => r.code)).toEqual([
      "ROLLBACK_SOURCE_NOT_ALLOWED",
      "ROLLBACK_ENTRY_STATUS",
    ]);
  }

  const rb = await ext(seller, EXTENSIONS.redConfirmBillRollback, {
    taxNo: sellerTax,
    serialNo: "SEED-RCF-108",
  });
  expect(rb).toEqual({ deleted: true, status: null, applicationStatus: { from: "已提交", to: "未提交" } });
  const app = await server.db.db
    .selectFrom("applications")
    .selectAll()
    .where("bill_no", "=", "NEG-20251009-0001")
    .executeTakeFirstOrThrow();
  expect(app.status).toBe("未提交");
  expect(
    await server.db.db
      .selectFrom("red_confirm_forms")
      .select("id")
      .where("serial_no", "=", "SEED-RCF-108")
      .execute()
  ).toEqual([]);

  const notDeletable = await seller.call(EXTENSIONS.redConfirmBillDelete, {
    taxNo: sellerTax,
    serialNo: "SEED-RCF-104",
  });
  expect(notDeletable.ok).toBe(false);
  if (!notDeletable.ok) expect(notDeletable.refusal.code).toBe("DELETE_ENTRY_STATUS");
  // A downloaded, entered, not invoiced record may be deleted (by number).
  const s = await billsByInvoice(seller, sellerTax);
  const downloaded = s.get(SEEDED.awaitingSeller03);
  expect(downloaded.dataSource).toBe("税局下载");
  const gone = await ext(seller, EXTENSIONS.redConfirmBillDelete, {
    taxNo: sellerTax,
    number: downloaded.redInfoBillNo,
  });
  expect(gone.deleted).toBe(true);
  const lines = await server.db.db
    .selectFrom("red_confirm_form_lines")
    .leftJoin("red_confirm_forms", "red_confirm_forms.id", "red_confirm_form_lines.form_id")
    .select("red_confirm_form_lines.id")
    .where("red_confirm_forms.id", "is", null)
    .execute();
  expect(lines).toEqual([]); // no orphan lines
});

test("72 hours after 录入日期 an unconfirmed bill becomes 07 (not at the deadline itself); it can then not be invoiced", async () => {
  server.clock.set(Date.UTC(2025, 9, 10, 4, 0, 0)); // 2025-10-10 12:00:00 China time: the deadline
  let s = await billsByInvoice(seller, sellerTax);
  expect(s.get(SEEDED.expiringSoon02).redConfirmBillStatus).toBe("02");
  server.clock.advance(1_000);
  s = await billsByInvoice(seller, sellerTax);
  const expired = s.get(SEEDED.expiringSoon02);
  expect(expired.redConfirmBillStatus).toBe("07");
  expect(await poolStatus(SEEDED.expiringSoon02)).toBe("正常");
  const held = await server.db.db
    .selectFrom("red_confirm_forms")
    .select("confirm_status")
    .where("serial_no", "=", "SEED-RCF-107")
    .executeTakeFirstOrThrow();
  expect(held.confirm_status).toBe("07");

  const confirm = await buyer.confirmRedConfirmBill({
    taxNo: buyerTax,
    number: expired.redInfoBillNo,
    enteridentity: "1",
    qrlx: "Y",
  });
  expect(confirm.ok).toBe(false);
  const red = value(
    await seller.redFlushDigital({
      serialNo: "EXP-RED-0001",
      invoiceNum: SEEDED.expiringSoon02,
      redReason: seller.reasonCode("服务终止", "2.1.04") as string,
      invoiceType: "01",
      sellerTaxpayerId: sellerTax,
      redInfoBillNo: expired.redInfoBillNo,
    })
  );
  expect(red.kind).toBe("awaitingConfirmation");
  if (red.kind === "awaitingConfirmation") {
    expect(red.bill.redConfirmBillStatus).toBe("07");
    expect(red.message).toContain("只有确认状态为“无需确认”或“购销双方已确认”的红字确认单才允许红冲");
  }
  expect(
    await server.db.db
      .selectFrom("red_invoices")
      .select("id")
      .where("serial_no", "=", "EXP-RED-0001")
      .execute()
  ).toEqual([]);

  // Acting on a bill settles it too: the seeded 02 of 2025-10-09 09:00 expires at 2025-10-12 09:00.
  server.clock.set(Date.UTC(2025, 9, 12, 1, 0, 1));
  const revoke = await seller.revokeRedConfirmBill({
    taxNo: sellerTax,
    number: s.get(SEEDED.awaitingBuyer02).redInfoBillNo,
    enteridentity: "0",
    qrlx: "C",
  });
  expect(revoke.ok).toBe(false);
  if (!revoke.ok) expect(revoke.refusal.message).toContain("撤销时要求红字确认单状态为有效");
  const bureau = await server.db.db
    .selectFrom("bureau_confirm_bills")
    .select("confirm_status")
    .where("blue_invoice_no", "=", SEEDED.awaitingBuyer02)
    .executeTakeFirstOrThrow();
  expect(bureau.confirm_status).toBe("07");
});
