/**
 * Whole workflows through a relay (issue 9 item 6): the REAL client talks to gateway A (relay mode),
 * which forwards to gateway B (the sandbox, vendor replies). Recording taps sit on both sides of A:
 *
 *   client → front tap → A (relay) → back tap → B (sandbox)
 *
 * so every exchange A forwarded is compared byte for byte (request body, query, token and detail
 * headers; answer status, type and body). Flows: 红字确认单 between two enterprises (2.1.03 → 2.1.12 /
 * 2.1.13 → 2.1.09 → 2.1.04 via the bill → 4.1.04), 红字信息表 (2.2.04 → 2.2.02 by the form number),
 * 进项归集 (4.02 → 4.03); one login per client for many calls; serialNo idempotency (10127); B's
 * callback for a 2.1.04 made through A; HC.* refused by A; no token, secret, password or data in A's audit.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { decodeData } from "../../../src/gateway/codec";
import type { GatewayClient } from "../../../src/gateway/client";
import { CallbackDispatcher } from "../../../src/server/callbacks";
import { type TestServer, accessToken, account, startTestServer } from "../server/helpers";
import { SEEDED } from "./confirmFormsHelpers";
import { type Relay, type Tap, jsonOf, startRelay, startTap } from "./relayHelpers";
import { TAXCTL_BLUES, blueByNo, clientFor, ext, infoFormBySerial } from "./taxControlHelpers";

jest.setTimeout(60_000);

let B: TestServer;
let back: Tap;
let A: Relay;
let front: Tap;
let receiver: http.Server;
const callbacks: Array<Record<string, unknown>> = [];
let loginsBefore: number;
const clients: Record<string, GatewayClient> = {};

/** The real client of a seeded enterprise, pointed at the relay (through the front tap). */
const viaRelay = (key: "seller" | "buyer" | "taxctl" | "leqi"): GatewayClient =>
  (clients[key] ??= clientFor(B, key, front.url));

const accessLogins = async () =>
  (await B.db.db.selectFrom("tokens").select("id").where("kind", "=", "access").execute()).length;

beforeAll(async () => {
  B = await startTestServer();
  back = await startTap(B.url);
  A = await startRelay(back.url);
  front = await startTap(A.url);

  // The seller's business system: B calls it back (registered in B directly, as in 发票云's 系统管理).
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      callbacks.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "回调成功", errorCode: "0", success: true }));
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const token = await accessToken(B, account(B, "seller"));
  const put = await fetch(`${B.url}/sandbox/callbacks`, {
    method: "PUT",
    headers: { "content-type": "application/json", access_token: token },
    body: JSON.stringify({
      businessSystemCode: "EXCEL_RED",
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    }),
  });
  expect(((await put.json()) as { success: boolean }).success).toBe(true);
  loginsBefore = await accessLogins();
});

afterAll(async () => {
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
  await front?.close();
  await A?.close();
  await back?.close();
  await B?.close();
});

const sellerTax = () => account(B, "seller").taxId;
const buyerTax = () => account(B, "buyer").taxId;

function value<T>(r: { ok: true; data: T } | { ok: false; refusal: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(`expected success, got ${r.refusal.code}: ${r.refusal.message}`);
  return r.data;
}

async function redInvoicesOfBill(billNo: string): Promise<number> {
  const rows = await B.db.db
    .selectFrom("red_invoices")
    .innerJoin("red_confirm_forms", "red_confirm_forms.id", "red_invoices.confirm_form_id")
    .select("red_invoices.id")
    .where("red_confirm_forms.bill_no", "=", billNo)
    .execute();
  return rows.length;
}

describe("红字确认单 between two enterprises, every call through the relay", () => {
  let billNo = "";
  let uuid = "";
  let redNo = "";
  const reason03 = () => viaRelay("seller").reasonCode("销售退回", "2.1.03") as string;
  const reason04 = () => viaRelay("seller").reasonCode("销售退回", "2.1.04") as string;

  test("2.1.03: the seller applies (partial, 3 of 10 on line 0) → 02 with the bureau's number and UUID", async () => {
    const r = value(
      await viaRelay("seller").applyRedConfirmBill({
        orderNo: "RELAY-APPLY-0001",
        invoiceNo: SEEDED.spareTwoLines,
        redReason: reason03(),
        invoiceType: "01",
        invoiceDetail: [{ originalSeq: 0, quantity: "-3", amount: "-3000.00", taxAmount: "-180.00" }],
      })
    );
    expect(r.redConfirmBillStatus).toBe("02");
    expect(r.redInfoBillNo).toMatch(/^\d{16}$/);
    expect(r.govRedConfirmBillUuid).toMatch(/^[0-9a-f]{32}$/);
    billNo = r.redInfoBillNo;
    uuid = r.govRedConfirmBillUuid ?? "";
    const inB = await B.db.db
      .selectFrom("red_confirm_forms")
      .select(["confirm_status", "serial_no"])
      .where("bill_no", "=", billNo)
      .execute();
    expect(inB).toEqual([{ confirm_status: "02", serial_no: "RELAY-APPLY-0001" }]);
    expect(await A.db.handle.db.selectFrom("red_confirm_forms").select("id").execute()).toEqual([]);
  });

  test("2.1.12 / 2.1.13: the buyer downloads (task, then polled by taskNo) and queries: the bill awaits it", async () => {
    const buyer = viaRelay("buyer");
    const start = value(
      await buyer.downloadRedConfirmBills({
        taxpayerId: buyerTax(),
        identity: "1",
        startDate: "2025-10-10",
        endDate: "2025-10-10",
      })
    );
    expect(start.taskNo).toMatch(/^T20251010\d{6}$/);
    // The pane polls the task with HC.TASK.QUERY in the sandbox; through a relay that is refused and the
    // protocol's own way is left: 2.1.12 again with the taskNo.
    const task = await buyer.call(ext.taskQuery, { taskNo: start.taskNo });
    expect(task.ok ? "" : [task.refusal.code, task.refusal.message]).toEqual([
      "GW_SANDBOX_ONLY",
      "该功能仅在沙箱模式下可用",
    ]);
    B.clock.advance(5_000);
    const polled = value(
      await buyer.downloadRedConfirmBills({ taxpayerId: buyerTax(), taskNo: start.taskNo } as any)
    ) as any;
    expect(polled.dataList).toHaveLength(1);
    expect(polled.dataList[0]).toMatchObject({ redInfoBillNo: billNo });
    expect(polled.dataList[0].invoiceDetail).toEqual([
      expect.objectContaining({ originalSeq: "0", quantity: "-3", amount: "-3000.00", taxAmount: "-180.00" }),
    ]);

    const seen = value(await buyer.queryRedConfirmBills({ taxpayerId: buyerTax(), redInfoBillNo: billNo }));
    expect(seen.dataList).toHaveLength(1);
    expect(seen.dataList[0]).toMatchObject({
      govRedConfirmBillUuid: uuid,
      redConfirmBillStatus: "02",
      identity: "1",
      enteridentity: "0",
      sellerTaxpayerId: sellerTax(),
      buyerTaxpayerId: buyerTax(),
      dataSource: "税局下载",
    });
  });

  test("2.1.09: the buyer confirms → 04; the seller's 2.1.13 shows it", async () => {
    B.clock.advance(60_000);
    const r = value(
      await viaRelay("buyer").confirmRedConfirmBill({
        taxNo: buyerTax(),
        number: billNo,
        enteridentity: "1",
        qrlx: "Y",
      })
    );
    expect(r.redConfirmBillStatus).toBe("04");
    const mine = value(
      await viaRelay("seller").queryRedConfirmBills({ taxpayerId: sellerTax(), redInfoBillNo: billNo })
    );
    expect(mine.dataList[0]).toMatchObject({
      redConfirmBillStatus: "04",
      confirmDate: "2025-10-10 10:01:05",
    });
  });

  test("2.1.04 via the bill issues one red invoice; 4.1.04 shows it; B calls the seller's system back", async () => {
    const seller = viaRelay("seller");
    const r = value(
      await seller.redFlushDigital({
        serialNo: "RELAY-RED-0001",
        invoiceNum: SEEDED.spareTwoLines,
        redReason: reason04(),
        invoiceType: "02",
        sellerTaxpayerId: sellerTax(),
        redInfoBillNo: billNo,
      })
    );
    expect(r.kind).toBe("accepted");
    const red = value(
      await seller.queryInvoice({ serialNo: "RELAY-RED-0001", sellerTaxpayerId: sellerTax() })
    );
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
    redNo = red.invoiceNum as string;
    expect(await redInvoicesOfBill(billNo)).toBe(1);

    // B's callback for the red made through A reaches the seller's registered system.
    expect(
      await new CallbackDispatcher({ db: B.db.db, clock: B.clock, policy: B.callbackPolicy }).runOnce()
    ).toBe(1);
    expect(callbacks).toHaveLength(1);
    expect(callbacks[0]).toMatchObject({
      interfaceCode: "INVOICE.RED",
      returnCode: "0",
      returnMsg: "success",
    });
    const data = await decodeData(callbacks[0].data, { encoding: "base64" });
    expect(data.kind === "json" ? data.value : undefined).toMatchObject({
      serialNo: "RELAY-RED-0001",
      invoiceNum: redNo,
      invoiceProperty: "1",
      originalInvoiceNumber: SEEDED.spareTwoLines,
      redInfoBillNo: billNo,
    });
  });

  test("the same 2.1.04 serialNo again through A: B answers 10127 (GW_DUPLICATE_SERIAL), the client reads the red back by the serial, still ONE red invoice", async () => {
    const before = back.exchanges.length;
    const again = await viaRelay("seller").redFlushDigital({
      serialNo: "RELAY-RED-0001",
      invoiceNum: SEEDED.spareTwoLines,
      redReason: reason04(),
      invoiceType: "02",
      sellerTaxpayerId: sellerTax(),
      redInfoBillNo: billNo,
    });
    // B refused the serial (10127 + our detail); the client settled it by reading what the serial made.
    const upstream = back.exchanges
      .slice(before)
      .map((x) => [jsonOf(x.body).interfaceCode, jsonOf(x.answer)]);
    expect(upstream.map(([code]) => code)).toEqual([
      "ALLE.INVOICE.RED",
      "ALLE.INVOICE.QUERY",
      "ALLE.REDCONFIRMBILL.QUERY",
    ]);
    expect(upstream[0][1]).toMatchObject({
      errorCode: "10127",
      success: false,
      refusalCode: "GW_DUPLICATE_SERIAL",
      refusalParams: { serialNo: "RELAY-RED-0001" },
    });
    expect(again.ok && again.settledBySerial).toBe(true);
    expect(again.ok && again.data).toMatchObject({
      kind: "accepted",
      serialNo: "RELAY-RED-0001",
      bill: { redInfoBillNo: billNo, redConfirmBillStatus: "04" },
    });
    expect(await redInvoicesOfBill(billNo)).toBe(1);
    const reds = await B.db.db
      .selectFrom("red_invoices")
      .select("invoice_no")
      .where("serial_no", "=", "RELAY-RED-0001")
      .execute();
    expect(reds).toEqual([{ invoice_no: redNo }]);
  });
});

test("红字信息表 through the relay: 2.2.04 apply (税控专票, full) → 审核成功 → 2.2.02 red by the form number → 已开票", async () => {
  const taxctl = viaRelay("taxctl");
  const T = account(B, "taxctl").taxId;
  const blue = TAXCTL_BLUES.paperSpecial;
  const applied = await taxctl.applyRedInfoForm({
    serialNo: "RELAY-RIF-FULL",
    sellerTaxpayerId: T,
    applyType: "seller",
    originalInvoiceCode: blue.code,
    originalInvoiceNumber: blue.no,
    originalIssueTime: blue.date,
    invoiceType: "004",
    buyerName: "广东蓝海采购有限公司",
    buyerTaxpayerId: buyerTax(),
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
  expect(applied.ok).toBe(true);
  if (!applied.ok) return;
  expect(applied.data).toMatchObject({
    status: "审核成功",
    auditDate: "2025-10-10 10:01:05",
    failReason: "",
  });
  const formNo = applied.data.redInfoBillNo!;
  expect(formNo).toMatch(/^\d{16}$/);

  const r = await taxctl.quickRedFlushTaxControl([
    {
      serialNo: "RELAY-TQR-1",
      sellerTaxpayerId: T,
      originalInvoiceCode: blue.code,
      originalInvoiceNumber: blue.no,
      redInfoBillNo: formNo,
    },
  ]);
  expect(r.ok).toBe(true);
  const [a] = (r.ok ? r.data : []) as any[];
  expect(a).toMatchObject({
    serialNo: "RELAY-TQR-1",
    success: true,
    redInfoBillNo: formNo,
    totalAmount: "-8888.88",
    totalTaxAmount: "-1155.55",
  });
  const form = await infoFormBySerial(B, T, "RELAY-RIF-FULL");
  expect([form!.status, form!.red_invoice_code, form!.red_invoice_no]).toEqual([
    "已开票",
    blue.code,
    a.invoiceNum,
  ]);
  const b = await blueByNo(B, blue.code, blue.no);
  expect([b.status, b.remaining_amount, b.remaining_tax]).toEqual(["全额红冲", "0.00", "0.00"]);
});

test("进项归集 through the relay: 4.02 → 4.03 pages; the red the seller issued through A is in the buyer's collection", async () => {
  const buyer = viaRelay("buyer");
  const start = await buyer.startInputCollection({
    taxNo: buyerTax(),
    startDate: "2025-01-01",
    endDate: "2025-10-10",
  });
  expect(start.ok).toBe(true);
  const taskNo = start.ok ? start.data.taskNo : "";
  const running = await buyer.queryInputCollection({ taxNo: buyerTax(), taskNo });
  expect(running.ok && [running.data.taskStatus, running.data.invoices.length]).toEqual(["running", 0]);
  B.clock.advance(5_000);
  const invoices: any[] = [];
  let total = 0;
  for (let pageNo = 1; ; pageNo++) {
    const page = await buyer.queryInputCollection({ taxNo: buyerTax(), taskNo, pageNo, pageSize: 4 });
    expect(page.ok && page.data.taskStatus).toBe("success");
    if (!page.ok) break;
    total = Number(page.data.total);
    invoices.push(...page.data.invoices);
    if (page.data.invoices.length < 4) break;
  }
  expect(total).toBeGreaterThan(4);
  expect(invoices).toHaveLength(total);
  const red = await B.db.db
    .selectFrom("red_invoices")
    .select("invoice_no")
    .where("serial_no", "=", "RELAY-RED-0001")
    .executeTakeFirstOrThrow();
  expect(invoices.filter((i) => i.invoiceNo === red.invoice_no)).toHaveLength(1);
  // The blue it reversed shows its new status in the buyer's pool.
  expect(invoices.find((i) => i.invoiceNo === SEEDED.spareTwoLines)).toMatchObject({
    invoiceStatus: "部分红冲",
  });

  // An AES tenant's call goes through too (its ciphertext is forwarded as it is): refused by B's engine.
  const leqi = await viaRelay("leqi").startInputCollection({
    taxNo: account(B, "leqi").taxId,
    startDate: "2025-01-01",
    endDate: "2025-10-10",
  });
  expect(leqi.ok ? "" : leqi.refusal.message).toBe("目前此功能不支持乐企通道使用");
});

describe("what the relay did over all of the above", () => {
  const forwarded = () =>
    front.exchanges.filter((x) => {
      const code = jsonOf(x.body).interfaceCode;
      return !(typeof code === "string" && code.startsWith("HC."));
    });

  test("every exchange reached B byte for byte and came back unchanged; HC.* stopped at A", async () => {
    const sent = forwarded();
    expect(back.exchanges).toHaveLength(sent.length);
    expect(front.exchanges.length - sent.length).toBe(1); // the HC.TASK.QUERY above
    sent.forEach((x, i) => {
      const y = back.exchanges[i];
      expect([y.method, y.url]).toEqual([x.method, x.url]);
      expect(y.body.equals(x.body)).toBe(true);
      for (const h of ["content-type", "access_token", "x-hongchong-detail"])
        expect(y.headers[h]).toBe(x.headers[h]);
      expect([y.status, y.contentType]).toEqual([x.status, x.contentType]);
      expect(y.answer.equals(x.answer)).toBe(true);
    });
    // The token travelled in the query string and the header, as the client sends it.
    const call = sent.find((x) => x.url.startsWith("/kapi/"))!;
    expect(call.url).toMatch(/\?access_token=[^&]+$/);
    expect(call.headers.access_token).toBe(new URLSearchParams(call.url.split("?")[1]).get("access_token"));
  });

  test("one login per client served all its calls (B's tokens table)", async () => {
    expect((await accessLogins()) - loginsBefore).toBe(Object.keys(clients).length);
    expect(Object.keys(clients).sort()).toEqual(["buyer", "leqi", "seller", "taxctl"]);
    const logins = back.exchanges.filter((x) => x.url === "/api/login.do").length;
    const calls = back.exchanges.filter((x) => x.url.startsWith("/kapi/")).length;
    expect(logins).toBe(4);
    expect(calls).toBeGreaterThan(15);
  });

  test("A's audit holds every call and no token, app secret, AES password, login user or data", async () => {
    const rows = await A.auditRows();
    expect(rows).toHaveLength(front.exchanges.length);
    const secrets = new Set<string>();
    for (const k of ["seller", "buyer", "taxctl", "leqi"] as const) {
      const a = account(B, k);
      secrets.add(a.appSecret);
      secrets.add(a.user);
      if (a.aesPassword) secrets.add(a.aesPassword);
    }
    expect(account(B, "leqi").aesPassword).toBeTruthy();
    for (const x of front.exchanges) {
      const q = new URLSearchParams(x.url.split("?")[1] ?? "").get("access_token");
      if (q) secrets.add(q);
      if (typeof x.headers.access_token === "string") secrets.add(x.headers.access_token);
      const body = jsonOf(x.body);
      if (typeof body.data === "string") secrets.add(body.data);
      if (typeof body.apptoken === "string") secrets.add(body.apptoken);
      const answer = jsonOf(x.answer) as { data?: unknown };
      if (typeof answer.data === "string" && answer.data.length > 8) secrets.add(answer.data);
      const tokens = answer.data as { app_token?: unknown; access_token?: unknown } | undefined;
      if (typeof tokens?.app_token === "string") secrets.add(tokens.app_token);
      if (typeof tokens?.access_token === "string") secrets.add(tokens.access_token);
    }
    const dataStrings = [...secrets].filter((s) => s.length > 40);
    expect(dataStrings.length).toBeGreaterThan(15);
    const text = rows
      .map((r) => [r.action, r.entity_id, r.before_json ?? "", r.after_json ?? ""].join("\n"))
      .join("\n");
    expect([...secrets].filter((s) => text.includes(s))).toEqual([]);
    // Nor the business content (serial numbers, invoice numbers) — only what the audit is for.
    expect(text).not.toMatch(/RELAY-|\d{20}/);
    expect(rows.map((r) => r.action)).toContain("ALLE.INVOICE.RED");
  });
});
