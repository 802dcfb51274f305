/**
 * serialNo idempotency over HTTP (sequential repeats, concurrent duplicates, reuse with another
 * request), ALLE.INVOICE.OPEN end to end, and the callback outbox with retries on the clock.
 * The server runs in `hc` reply mode, which replays a repeat's recorded answer; the vendor mode
 * (10127 for every repeat) is test/integration/server/vendorReplies.test.ts.
 */
import http from "http";
import type { AddressInfo } from "net";
import { decodeData } from "../../../src/gateway/codec";
import { JsonDecimal } from "../../../src/gateway/json";
import { CallbackDispatcher } from "../../../src/server/callbacks";
import { OrgScope } from "../../../src/server/db/repo";
import { type InterfaceHandler, ok, refuse } from "../../../src/server/registry";
import { Type } from "@sinclair/typebox";
import { W } from "../../../src/gateway/schemas";
import { createSandboxRegistry } from "../../../src/server/sandbox";
import { type TestServer, accessToken, account, call, startTestServer } from "./helpers";

jest.setTimeout(30_000);

/** A test interface that counts executions and writes one row per execution. */
let executions = 0;
const slowWrite: InterfaceHandler<{ serialNo: string; refuse?: string; note?: string }> = {
  interfaceCode: "TEST.SLOW.WRITE",
  endpoint: "sim",
  dataSchema: Type.Object({
    serialNo: W.text(50),
    refuse: Type.Optional(W.string(10)),
    note: Type.Optional(W.string(50)),
  }),
  idempotencyKey: (d) => d.serialNo,
  async handle(ctx, d) {
    executions++;
    const n = executions;
    // Widen the race window while the transaction is open.
    await new Promise((r) => setTimeout(r, 40));
    if (d.refuse === "yes") return refuse("GW_VALIDATION", { detail: "refused on purpose" });
    const id = await ctx.repo.insertReturningId("applications", {
      bill_no: d.serialNo,
      direction: "negative",
      status: "已提交",
      business_system_code: ctx.request.businessSystemCode,
      delivery_email: "",
      delivery_phone: "",
      red_invoice_no: null,
      created_at: ctx.now,
      updated_at: ctx.now,
    });
    await ctx.repo.audit("applications", id, "create");
    return ok({ serialNo: d.serialNo, execution: n, amount: new JsonDecimal("10.50") });
  },
};

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer({ registry: createSandboxRegistry().register(slowWrite), replyMode: "hc" });
  token = await accessToken(server, account(server, "seller"));
});
afterAll(async () => {
  await server.close();
});

async function countApplications(billNo: string): Promise<number> {
  const rows = await server.db.db
    .selectFrom("applications")
    .select("id")
    .where("bill_no", "=", billNo)
    .execute();
  return rows.length;
}

describe("serialNo idempotency", () => {
  test("the same serialNo twice in a row: one execution, the same answer byte for byte", async () => {
    const before = executions;
    const first = await call(server, token, "TEST.SLOW.WRITE", { serialNo: "SEQ-0001" });
    const second = await call(server, token, "TEST.SLOW.WRITE", { serialNo: "SEQ-0001" });
    expect(first.success).toBe(true);
    expect(second).toEqual(first);
    expect(first.decoded).toEqual({ serialNo: "SEQ-0001", execution: String(before + 1), amount: "10.50" });
    expect(executions).toBe(before + 1);
    expect(await countApplications("SEQ-0001")).toBe(1);
  });

  test("eight concurrent duplicates: exactly one execution, every caller gets its answer", async () => {
    const before = executions;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => call(server, token, "TEST.SLOW.WRITE", { serialNo: "CONC-0001" }))
    );
    expect(executions).toBe(before + 1);
    expect(await countApplications("CONC-0001")).toBe(1);
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(answers[0].decoded.execution).toBe(String(before + 1));
  });

  test("a serialNo reused for a different request is refused (GW_DUPLICATE_SERIAL), nothing runs", async () => {
    await call(server, token, "TEST.SLOW.WRITE", { serialNo: "REUSE-0001", note: "a" });
    const before = executions;
    const other = await call(server, token, "TEST.SLOW.WRITE", { serialNo: "REUSE-0001", note: "b" });
    expect(other).toMatchObject({ success: false, refusalCode: "GW_DUPLICATE_SERIAL" });
    expect(executions).toBe(before);
  });

  test("serialNo is per organisation: another org may use the same one", async () => {
    const buyerToken = await accessToken(server, account(server, "buyer"));
    const a = await call(server, buyerToken, "TEST.SLOW.WRITE", { serialNo: "SEQ-0001" });
    expect(a.success).toBe(true);
    expect(await countApplications("SEQ-0001")).toBe(2);
  });

  test("a refusal leaves no record: the corrected request with the same serialNo runs", async () => {
    const before = executions;
    const refused = await call(server, token, "TEST.SLOW.WRITE", { serialNo: "FIX-0001", refuse: "yes" });
    expect(refused).toMatchObject({ success: false, refusalCode: "GW_VALIDATION" });
    expect(await countApplications("FIX-0001")).toBe(0);
    const fixed = await call(server, token, "TEST.SLOW.WRITE", { serialNo: "FIX-0001" });
    expect(fixed.success).toBe(true);
    expect(executions).toBe(before + 2);
  });
});

const OPEN_DATA = (serialNo: string, sellerTaxId: string, buyerTaxId: string) => ({
  serialNo,
  invoiceType: "01",
  sellerName: "浙江红冲数电科技有限公司",
  sellerTaxpayerId: sellerTaxId,
  buyerName: "广东蓝海采购有限公司",
  buyerTaxpayerId: buyerTaxId,
  drawer: "张三",
  invoiceDetail: [
    {
      lineProperty: "0",
      goodsName: "信息技术服务",
      revenueCode: "3040201010000000000",
      quantity: new JsonDecimal("3"),
      price: new JsonDecimal("33.335"),
      amount: new JsonDecimal("100.01"),
      taxRate: "0.06",
      taxAmount: new JsonDecimal("6.00"),
    },
    {
      lineProperty: "0",
      goodsName: "办公用品",
      revenueCode: "1060512990000000000",
      amount: new JsonDecimal("0.10"),
      taxRate: new JsonDecimal("0.13"),
      taxAmount: new JsonDecimal("0.01"),
    },
  ],
});

describe("ALLE.INVOICE.OPEN and the callback outbox", () => {
  test("issues once per serialNo with exact totals; concurrent repeats make one invoice", async () => {
    const seller = account(server, "seller");
    const buyer = account(server, "buyer");
    const data = OPEN_DATA("BLUE-IDEM-0001", seller.taxId, buyer.taxId);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => call(server, token, "ALLE.INVOICE.OPEN", data))
    );
    for (const a of answers)
      expect(a).toMatchObject({ errorCode: "0", success: true, data: "BLUE-IDEM-0001" });
    const rows = await server.db.db
      .selectFrom("blue_invoices")
      .selectAll()
      .where("serial_no", "=", "BLUE-IDEM-0001")
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      amount: "100.11",
      tax_amount: "6.01",
      total_amount: "106.12",
      remaining_amount: "100.11",
      status: "正常",
    });
    expect(rows[0].invoice_no).toMatch(/^\d{20}$/);
    const q = await call(server, token, "ALLE.INVOICE.QUERY", { serialNo: "BLUE-IDEM-0001" });
    expect(
      q.decoded.invoiceDetail.map((l: { amount: string; price?: string }) => [l.amount, l.price])
    ).toEqual([
      ["100.01", "33.335"],
      ["0.10", undefined],
    ]);
  });

  test("value rules: tax off by more than 0.06 is refused and leaves nothing", async () => {
    const seller = account(server, "seller");
    const d = OPEN_DATA("BLUE-BADTAX-0001", seller.taxId, account(server, "buyer").taxId);
    const bad = { ...d, invoiceDetail: [{ ...d.invoiceDetail[0], taxAmount: new JsonDecimal("6.07") }] };
    const r = await call(server, token, "ALLE.INVOICE.OPEN", bad);
    // The engine's tolerance rule (the same the pane and the import apply), naming the field.
    expect(r).toMatchObject({
      success: false,
      refusalCode: "LINE_TAX_OUT_OF_TOLERANCE",
      refusalField: "invoiceDetail[0].taxAmount",
    });
    expect(r.message).toContain("6.07");
    const rows = await server.db.db
      .selectFrom("blue_invoices")
      .select("id")
      .where("serial_no", "=", "BLUE-BADTAX-0001")
      .execute();
    expect(rows).toHaveLength(0);
  });

  test("the INVOICE.OPEN callback is delivered, retried on failure after the backoff, acked once", async () => {
    const received: string[] = [];
    let failFirst = true;
    const receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push(body);
        res.setHeader("content-type", "application/json");
        if (failFirst) {
          failFirst = false;
          res.statusCode = 500;
          res.end("{}");
        } else {
          res.end(JSON.stringify({ message: "回调成功", errorCode: "0", success: true }));
        }
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    const port = (receiver.address() as AddressInfo).port;
    try {
      const seller = account(server, "seller");
      const sellerOrg = await server.db.db
        .selectFrom("orgs")
        .select("id")
        .where("tax_id", "=", seller.taxId)
        .executeTakeFirstOrThrow();
      const scope = new OrgScope(server.db.db, sellerOrg.id, server.db.dialect, "test", server.clock.now());
      await scope
        .insertInto("callback_endpoints", {
          business_system_code: "CB_TEST",
          url: `http://127.0.0.1:${port}/cb`,
        })
        .execute();

      const r = await call(
        server,
        token,
        "ALLE.INVOICE.OPEN",
        OPEN_DATA("BLUE-CB-0001", seller.taxId, account(server, "buyer").taxId),
        { businessSystemCode: "CB_TEST" }
      );
      expect(r.success).toBe(true);
      const dispatcher = new CallbackDispatcher({
        db: server.db.db,
        clock: server.clock,
        policy: server.callbackPolicy,
      });
      expect(await dispatcher.runOnce()).toBe(0);
      expect(received).toHaveLength(1);
      expect(await dispatcher.runOnce()).toBe(0); // not due yet: the clock has not moved
      expect(received).toHaveLength(1);
      server.clock.advance(10_000);
      expect(await dispatcher.runOnce()).toBe(1);
      expect(received).toHaveLength(2);
      expect(await dispatcher.runOnce()).toBe(0);

      const body = JSON.parse(received[1]);
      expect(body).toMatchObject({ returnCode: "0", returnMsg: "success", interfaceCode: "INVOICE.OPEN" });
      const data = await decodeData(body.data, { encoding: "base64", numbers: "string" });
      expect(data.kind === "json" && data.value).toMatchObject({
        serialNo: "BLUE-CB-0001",
        invoiceProperty: "0",
        includeTaxAmount: "106.12",
      });
      const row = await server.db.db
        .selectFrom("callbacks")
        .selectAll()
        .where("business_system_code", "=", "CB_TEST")
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: "acked", attempts: 2 });
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });
});
