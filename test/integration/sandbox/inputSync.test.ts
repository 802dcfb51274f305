/**
 * 4.02 / 4.03 进项发票表头归集 and HC.INPUTPOOL.QUERY against the sandbox with the REAL client (rim
 * endpoint): the engine's precheck (小规模 / 乐企 → no task), the async task on the clock, the merge into
 * the 全票池 (first time → 已验 after the simulated 查验; verified → status fields only), flight tickets
 * ≥ 2025-07-28 without an invented totalTaxInclAmount, toll invoices, and statuses that follow the other
 * flows (a seller's red-flush shows in the buyer's next collection).
 */
import type { GatewayClient } from "../../../src/gateway/client";
import { type TestServer, account, call, accessToken, startTestServer } from "../server/helpers";
import { TAXCTL_BLUES, clientFor, countRows, ext, valueOf } from "./taxControlHelpers";

let server: TestServer;
let buyer: GatewayClient;
let B: string;

beforeAll(async () => {
  server = await startTestServer();
  buyer = clientFor(server, "buyer");
  B = account(server, "buyer").taxId;
});
afterAll(async () => {
  await server.close();
});

const RANGE = { startDate: "2025-01-01", endDate: "2025-10-10" };

/** 4.02 → advance the clock past the task's duration → every page of 4.03. */
async function collectAll(client: GatewayClient, taxNo: string, filters: Record<string, string> = {}) {
  const start = await client.startInputCollection({ taxNo, ...RANGE, ...filters });
  expect(start.ok).toBe(true);
  const taskNo = start.ok ? start.data.taskNo : "";
  const running = await client.queryInputCollection({ taxNo, taskNo });
  expect(running.ok && [running.data.taskStatus, running.data.invoices.length]).toEqual(["running", 0]);
  server.clock.advance(5_000);
  const invoices: any[] = [];
  let total = 0;
  for (let pageNo = 1; ; pageNo++) {
    const r = await client.queryInputCollection({ taxNo, taskNo, pageNo, pageSize: 4 });
    expect(r.ok).toBe(true);
    if (!r.ok) break;
    expect(r.data.taskStatus).toBe("success");
    total = Number(r.data.total);
    invoices.push(...r.data.invoices);
    if (r.data.invoices.length < 4) break;
  }
  expect(invoices).toHaveLength(total);
  return { taskNo, invoices, byNo: (no: string) => invoices.find((i) => i.invoiceNo === no) };
}

test("小规模纳税人 and 乐企 are refused by the engine's precheck and no task is created", async () => {
  const tasks = await countRows(server, "tasks");
  const small = clientFor(server, "small");
  const s = await small.startInputCollection({ taxNo: account(server, "small").taxId, ...RANGE });
  expect(s.ok).toBe(false);
  if (!s.ok) {
    expect(s.refusal.code).toBe("SMALL_SCALE_NO_DEDUCTION_API");
    expect(s.refusal.message).toBe("小规模纳税人不支持抵扣类勾选");
  }
  const leqi = clientFor(server, "leqi"); // AES data encoding
  const l = await leqi.startInputCollection({ taxNo: account(server, "leqi").taxId, ...RANGE });
  expect(l.ok ? "" : l.refusal.message).toBe("目前此功能不支持乐企通道使用");
  expect(await countRows(server, "tasks")).toBe(tasks);
});

test("bad filters and dates are refused before a task exists; the rim answer uses errorCode 0000", async () => {
  const tasks = await countRows(server, "tasks");
  const bad = async (data: unknown) => {
    const r = await buyer.call("4.02", data);
    return r.ok ? "ok" : r.refusal.code;
  };
  expect(await bad({ taxNo: B, startDate: "2025-10-01", endDate: "2025-09-01" })).toBe("DATE_RANGE_REVERSED");
  expect(await bad({ taxNo: B, startDate: "2025/10/01", endDate: "2025-10-02" })).toBe("GW_VALIDATION");
  expect(await bad({ taxNo: B, ...RANGE, invoiceStatus: "半红冲" })).toBe("GW_VALIDATION");
  expect(await bad({ taxNo: B, ...RANGE, deductionStatus: 1 })).toBe("GW_VALIDATION");
  expect(await bad({ taxNo: account(server, "seller").taxId, ...RANGE })).toBe("GW_FORBIDDEN_ORG");
  expect(await countRows(server, "tasks")).toBe(tasks);

  // The wire: rim path, errorCode "0000"; the sim path is the wrong endpoint for 4.02.
  const token = await accessToken(server, account(server, "buyer"));
  const env = await call(server, token, "invoiceHeaderCollect", { taxNo: B, ...RANGE }, { endpoint: "rim" });
  expect([env.errorCode, env.success, typeof env.decoded.taskNo]).toEqual(["0000", true, "string"]);
  const wrong = await call(server, token, "invoiceHeaderCollect", { taxNo: B, ...RANGE });
  expect(wrong.refusalCode).toBe("GW_WRONG_ENDPOINT");
  const unknownTask = await buyer.queryInputCollection({ taxNo: B, taskNo: "T20990101000001" });
  expect(unknownTask.ok ? "" : unknownTask.refusal.code).toBe("GW_NOT_FOUND");
  // Another org cannot read the buyer's task.
  const other = clientFor(server, "seller");
  const stolen = await other.queryInputCollection({
    taxNo: account(server, "seller").taxId,
    taskNo: env.decoded.taskNo,
  });
  expect(stolen.ok ? "" : stolen.refusal.code).toBe("GW_NOT_FOUND");
});

test("collection merges the bureau's invoices into the pool with their statuses; flight ticket total left empty; toll invoice included", async () => {
  const { invoices, byNo } = await collectAll(buyer, B);
  // Bureau records (flight ×2, toll, 失控) + every invoice sandbox sellers issued to the buyer + the seeded reds.
  const issued = await server.db.db
    .selectFrom("blue_invoices")
    .select("id")
    .where("buyer_tax_id", "=", B)
    .execute();
  const reds = await server.db.db
    .selectFrom("red_invoices")
    .select("id")
    .where("buyer_tax_id", "=", B)
    .execute();
  expect(invoices).toHaveLength(4 + issued.length + reds.length);

  const flightNew = byNo("25310000000000880001");
  expect(flightNew).toMatchObject({
    invoiceType: "61",
    invoiceTypeName: "数电发票（航空运输电子客票行程单）",
    invoiceDate: "2025-08-15 07:40:00",
    invoiceAmount: "1000.00",
    totalTaxAmount: "90.00",
    totalAmount: "1090.00",
    totalTaxInclAmount: null,
    mergeAction: "INSERT",
    verifyStatus: "已验",
    etaxInvoiceNo: "25310000000000880001",
  });
  expect(flightNew.notes).toEqual([
    {
      code: "FLIGHT_TOTAL_RULE_UNKNOWN",
      message: "开票日期为2025年7月28日及以后的数电飞机票的价税合计（电子税局）计算规则尚未提供，未计算",
    },
  ]);
  // Dated before 2025-07-28: the rule does not apply, no note; it was already verified in the pool.
  expect(byNo("25310000000000880002")).toMatchObject({
    mergeAction: "UPDATE_STATUS",
    notes: [],
    changes: [],
    selectStatus: "已勾选",
  });
  expect(byNo("25440000000000590001")).toMatchObject({
    invoiceType: "59",
    invoiceTypeName: "数电发票（通行费发票）",
    invoiceAmount: "97.09",
    totalTaxAmount: "2.91",
  });
  expect(byNo("25440000000000770001")).toMatchObject({ invoiceStatus: "失控", mergeAction: "UPDATE_STATUS" });

  // Statuses of invoices the sandbox sellers issued, as each tax system reports them (§5).
  expect(byNo("25330000000000000003")).toMatchObject({
    invoiceStatus: "部分红冲",
    salerTaxNo: account(server, "seller").taxId,
  });
  expect(byNo("25330000000000000008").invoiceStatus).toBe("全额红冲");
  expect(byNo(TAXCTL_BLUES.eSpecialPartial.no)).toMatchObject({
    invoiceStatus: "红冲",
    invoiceCode: "032002300111",
    etaxInvoiceNo: "",
  });
  expect(byNo(TAXCTL_BLUES.paperOrdinary.no)).toMatchObject({
    invoiceStatus: "正常",
    selectStatus: "未勾选",
    deductionStatus: "未勾选",
  });
  expect(byNo(TAXCTL_BLUES.eSpecial.no)).toMatchObject({
    invoiceStatus: "正常",
    selectStatus: "已勾选",
    deductionStatus: "已勾选或已认证抵扣",
    usagePeriod: "202506",
  });

  // A 数电 blue whose 红字确认单 awaits a party's confirmation (02/03) is 红字发票待确认 at the bureau.
  const awaiting = await server.db.db
    .selectFrom("bureau_confirm_bills")
    .select("blue_invoice_no")
    .where("buyer_tax_id", "=", B)
    .where("confirm_status", "in", ["02", "03"])
    .execute();
  expect(awaiting.length).toBeGreaterThan(0);
  for (const b of awaiting) expect(byNo(b.blue_invoice_no).invoiceStatus).toBe("红字发票待确认");

  const pool = valueOf(await buyer.call(ext.inputPoolQuery, { taxNo: B, pageSize: 1000 }));
  expect(Number(pool.total)).toBe(invoices.length);
  const flightInPool = pool.items.find((i: any) => i.invoiceNo === "25310000000000880001");
  expect(flightInPool).toMatchObject({
    verifyStatus: "已验",
    totalTaxInclAmount: null,
    amount: "1000.00",
    billKind: "发票",
  });
  const onlyRed = valueOf(await buyer.call(ext.inputPoolQuery, { taxNo: B, invoiceStatus: "红冲" }));
  expect(onlyRed.items.map((i: any) => i.invoiceNo)).toEqual([TAXCTL_BLUES.eSpecialPartial.no]);
});

test("a repeated collection after the seller's red-flush shows the status change on the verified record", async () => {
  const taxctl = clientFor(server, "taxctl");
  const T = account(server, "taxctl").taxId;
  const r = await taxctl.quickRedFlushTaxControl([
    {
      serialNo: "IS-RED-1",
      sellerTaxpayerId: T,
      originalInvoiceCode: TAXCTL_BLUES.paperOrdinary.code,
      originalInvoiceNumber: TAXCTL_BLUES.paperOrdinary.no,
    },
  ]);
  expect(r.ok).toBe(true);
  const redNo = r.ok ? (r.data as any[])[0].invoiceNum : "";

  const poolBefore = await countRows(server, "input_pool");
  const { byNo } = await collectAll(buyer, B);
  expect(byNo(TAXCTL_BLUES.paperOrdinary.no)).toMatchObject({
    invoiceStatus: "红冲", // Golden Tax III reports no full/partial split
    mergeAction: "UPDATE_STATUS",
    changes: [{ field: "invoiceStatus", label: "发票状态", from: "正常", to: "红冲" }],
  });
  // The red invoice itself is new in the pool; nothing else changed.
  expect(byNo(redNo)).toMatchObject({
    mergeAction: "INSERT",
    invoiceAmount: "-560.00",
    totalTaxAmount: "-72.80",
    invoiceStatus: "正常",
  });
  expect(await countRows(server, "input_pool")).toBe(poolBefore + 1);
  expect(byNo("25310000000000880001")).toMatchObject({
    mergeAction: "UPDATE_STATUS",
    changes: [],
    totalTaxInclAmount: null,
  });
  expect(byNo("25310000000000880001").notes.map((n: any) => n.code)).toEqual(["FLIGHT_TOTAL_RULE_UNKNOWN"]);
});

test("filters: 发票状态, 发票类型 (code or name), 票据类型 海关缴款书, 抵扣状态", async () => {
  const lost = await collectAll(buyer, B, { invoiceStatus: "失控" });
  expect(lost.invoices.map((i) => i.invoiceNo)).toEqual(["25440000000000770001"]);
  const flights = await collectAll(buyer, B, { invoiceType: "61" });
  expect(flights.invoices.map((i) => i.invoiceNo).sort()).toEqual([
    "25310000000000880001",
    "25310000000000880002",
  ]);
  const tolls = await collectAll(buyer, B, { invoiceType: "数电发票（通行费发票）" });
  expect(tolls.invoices.map((i) => i.invoiceNo)).toEqual(["25440000000000590001"]);
  const customs = await collectAll(buyer, B, { billKind: "海关缴款书" });
  expect(customs.invoices).toEqual([]);
  const deducted = await collectAll(buyer, B, { deductionStatus: "已勾选或已认证抵扣" });
  expect(deducted.invoices.length).toBeGreaterThan(0);
  expect(deducted.invoices.every((i) => i.deductionStatus === "已勾选或已认证抵扣")).toBe(true);
  const narrow = await buyer.startInputCollection({
    taxNo: B,
    startDate: "2025-09-01",
    endDate: "2025-09-01",
  });
  server.clock.advance(5_000);
  const page = await buyer.queryInputCollection({ taxNo: B, taskNo: narrow.ok ? narrow.data.taskNo : "" });
  expect(page.ok && page.data.invoices.map((i) => i.invoiceNo)).toEqual(["25440000000000590001"]);
});
