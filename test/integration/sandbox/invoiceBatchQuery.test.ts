/**
 * 4.1.03 ALLE.BATCH.QUERY over HTTP: a 0-based pageNo, pages cut in a stable order (invoiceDate,
 * blue before red, row id), an empty page after the last, the filters, the caller's org only, and
 * every element exactly what 4.1.04 answers for the same invoice. The loop of the public PHP client
 * (pageNo = its page − 1 from page 1, until a page comes back empty) must read every invoice once.
 */
import { JsonDecimal } from "../../../src/gateway/json";
import { type TestServer, accessToken, account, call, startTestServer } from "../server/helpers";

jest.setTimeout(60_000);

const BATCH = "ALLE.BATCH.QUERY";

interface Item {
  serialNo: string;
  invoiceNum: string;
  invoiceDate: string;
  invoiceProperty: string;
  invoiceType: string;
  [k: string]: unknown;
}

let server: TestServer;
let token: string;
let sellerTaxId: string;
/** The seller org's 数电 invoices (seed + the ones issued below), as the database orders them. */
let expectedKeys: string[];

const keyOf = (i: Item) => `${i.invoiceProperty}:${i.invoiceNum}`;

async function batch(data: Record<string, unknown>, t = token): Promise<any> {
  return call(server, t, BATCH, data);
}

async function page(data: Record<string, unknown>): Promise<Item[]> {
  const r = await batch({ sellerTaxpayerId: sellerTaxId, ...data });
  expect(r).toMatchObject({ success: true, errorCode: "0" });
  expect(Array.isArray(r.decoded)).toBe(true);
  return r.decoded as Item[];
}

/** What the database holds for the seller org, in the documented order. */
async function dbKeys(filter: (r: { invoice_type: string; invoice_date: string }) => boolean = () => true) {
  const org = await server.db.db
    .selectFrom("orgs")
    .select("id")
    .where("tax_id", "=", sellerTaxId)
    .executeTakeFirstOrThrow();
  const cols = ["id", "invoice_no", "invoice_type", "invoice_date"] as const;
  const blue = await server.db.db
    .selectFrom("blue_invoices")
    .select(cols)
    .where("org_id", "=", org.id)
    .execute();
  const red = await server.db.db
    .selectFrom("red_invoices")
    .select(cols)
    .where("org_id", "=", org.id)
    .execute();
  return [...blue.map((r) => ({ ...r, p: "0" })), ...red.map((r) => ({ ...r, p: "1" }))]
    .filter((r) => (r.invoice_type === "01" || r.invoice_type === "02") && filter(r))
    .sort((a, b) =>
      a.invoice_date !== b.invoice_date
        ? a.invoice_date < b.invoice_date
          ? -1
          : 1
        : a.p !== b.p
          ? a.p < b.p
            ? -1
            : 1
          : Number(a.id) - Number(b.id)
    )
    .map((r) => `${r.p}:${r.invoice_no}`);
}

beforeAll(async () => {
  server = await startTestServer();
  const seller = account(server, "seller");
  sellerTaxId = seller.taxId;
  token = await accessToken(server, seller);
  // 30 more blue invoices, all issued at the same instant: their order is the row id.
  for (let n = 1; n <= 30; n++) {
    const r = await call(server, token, "ALLE.INVOICE.OPEN", {
      serialNo: `BATCH-${String(n).padStart(3, "0")}`,
      invoiceType: n % 3 === 0 ? "02" : "01",
      sellerName: "浙江红冲数电科技有限公司",
      sellerTaxpayerId: sellerTaxId,
      buyerName: "广东蓝海采购有限公司",
      buyerTaxpayerId: account(server, "buyer").taxId,
      invoiceDetail: [
        {
          lineProperty: "0",
          goodsName: "信息技术服务",
          revenueCode: "3040201010000000000",
          amount: new JsonDecimal(`${n}.00`),
          taxRate: "0.06",
          taxAmount: new JsonDecimal((n * 0.06).toFixed(2)),
        },
      ],
    });
    expect(r).toMatchObject({ success: true, data: `BATCH-${String(n).padStart(3, "0")}` });
  }
  expectedKeys = await dbKeys();
});
afterAll(async () => {
  await server.close();
});

describe("paging", () => {
  test("the seller has more than 50 数电 invoices, blue and red, to page through", () => {
    expect(expectedKeys.length).toBeGreaterThan(50);
    expect(expectedKeys.length).toBeLessThanOrEqual(100);
    expect(expectedKeys.some((k) => k.startsWith("1:"))).toBe(true);
  });

  test("defaults: pageNo 0, pageSize 50", async () => {
    const first = await page({});
    expect(first.map(keyOf)).toEqual(expectedKeys.slice(0, 50));
    expect(await page({ pageNo: 0 })).toEqual(first);
    const second = await page({ pageNo: 1 });
    expect(second.map(keyOf)).toEqual(expectedKeys.slice(50, 100));
    expect(second.length).toBe(expectedKeys.length - 50);
  });

  test("the PHP client's loop (pageNo = page − 1 until an empty page) reads every invoice exactly once", async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    for (let phpPage = 1; phpPage < 20; phpPage++) {
      const items = await page({ pageNo: phpPage - 1, pageSize: 7, invoiceType: undefined });
      sizes.push(items.length);
      if (items.length === 0) break;
      seen.push(...items.map(keyOf));
    }
    expect(seen).toEqual(expectedKeys);
    const full = Math.floor(expectedKeys.length / 7);
    const rest = expectedKeys.length % 7;
    expect(sizes).toEqual([...Array(full).fill(7), ...(rest ? [rest] : []), 0]);
  });

  test("page boundaries: the last item of a page is followed by the first of the next", async () => {
    const p0 = await page({ pageNo: 0, pageSize: 25 });
    const p1 = await page({ pageNo: 1, pageSize: 25 });
    const p2 = await page({ pageNo: 2, pageSize: 25 });
    expect(p0).toHaveLength(25);
    expect(p1).toHaveLength(25);
    expect(p2).toHaveLength(expectedKeys.length - 50);
    expect([...p0, ...p1, ...p2].map(keyOf)).toEqual(expectedKeys);
    // The 30 issued at one instant keep their issue order (row id).
    const issued = [...p0, ...p1, ...p2]
      .filter((i) => i.serialNo.startsWith("BATCH-"))
      .map((i) => i.serialNo);
    expect(issued).toEqual(Array.from({ length: 30 }, (_, k) => `BATCH-${String(k + 1).padStart(3, "0")}`));
  });

  test("a page past the end is an empty array, not a refusal", async () => {
    const r = await batch({ sellerTaxpayerId: sellerTaxId, pageNo: 3, pageSize: 50 });
    expect(r).toMatchObject({ success: true, errorCode: "0" });
    expect(r.decoded).toEqual([]);
    expect(await page({ pageNo: 999999, pageSize: 100 })).toEqual([]);
  });

  test("pageNo and pageSize may be digit strings", async () => {
    expect((await page({ pageNo: "1", pageSize: "20" })).map(keyOf)).toEqual(expectedKeys.slice(20, 40));
    expect((await page({ pageSize: "100" })).map(keyOf)).toEqual(expectedKeys);
  });

  test.each([
    ["pageNo -1", { pageNo: -1 }, "pageNo"],
    ["pageNo 1.5", { pageNo: new JsonDecimal("1.5") }, "pageNo"],
    ["pageNo 1000000", { pageNo: 1000000 }, "pageNo"],
    ["pageNo as text -1", { pageNo: "-1" }, "pageNo"],
    ["pageSize 0", { pageSize: 0 }, "pageSize"],
    ["pageSize 101", { pageSize: 101 }, "pageSize"],
    ["pageSize as text 101", { pageSize: "101" }, "pageSize"],
    ["invoiceType 004", { invoiceType: "004" }, "invoiceType"],
    ["invoiceProperty 2", { invoiceProperty: "2" }, "invoiceProperty"],
    ["startDate 2025-13-01", { startDate: "2025-13-01" }, "startDate"],
  ])("refuses %s, naming the field", async (_label, extra, field) => {
    const r = await batch({ sellerTaxpayerId: sellerTaxId, ...extra });
    expect(r).toMatchObject({ success: false, refusalCode: "GW_VALIDATION", refusalField: field });
  });

  test("sellerTaxpayerId is required", async () => {
    const r = await batch({ pageNo: 0 });
    expect(r).toMatchObject({
      success: false,
      refusalCode: "GW_VALIDATION",
      refusalField: "sellerTaxpayerId",
    });
  });
});

describe("filters", () => {
  test("invoiceType", async () => {
    const ordinary = await page({ invoiceType: "02", pageSize: 100 });
    const expected = await dbKeys((r) => r.invoice_type === "02");
    expect(expected.length).toBeGreaterThan(5);
    expect(ordinary.map(keyOf)).toEqual(expected);
    expect(new Set(ordinary.map((i) => i.invoiceType))).toEqual(new Set(["02"]));
  });

  test("invoiceProperty: 0 blue only, 1 red only (a JSON number is read as its text)", async () => {
    const reds = await page({ invoiceProperty: "1", pageSize: 100 });
    expect(reds.map(keyOf)).toEqual(expectedKeys.filter((k) => k.startsWith("1:")));
    expect(reds.length).toBeGreaterThan(0);
    expect(await page({ invoiceProperty: 1, pageSize: 100 })).toEqual(reds);
    const blues = await page({ invoiceProperty: "0", pageSize: 100 });
    expect(blues.map(keyOf)).toEqual(expectedKeys.filter((k) => k.startsWith("0:")));
    // Paging applies to the filtered list.
    expect((await page({ invoiceProperty: "0", pageNo: 1, pageSize: 10 })).map(keyOf)).toEqual(
      blues.slice(10, 20).map(keyOf)
    );
  });

  test("startDate / endDate on invoiceDate, both inclusive", async () => {
    const day = await page({ startDate: "2025-09-20", endDate: "2025-09-20" });
    expect(day.map(keyOf)).toEqual(await dbKeys((r) => r.invoice_date.startsWith("2025-09-20")));
    expect(day.length).toBeGreaterThan(0);
    expect(day.every((i) => i.invoiceDate.startsWith("2025-09-20"))).toBe(true);
    const june = await page({ startDate: "2025-06-01", endDate: "2025-06-30", pageSize: 100 });
    expect(june.map(keyOf)).toEqual(
      await dbKeys((r) => r.invoice_date >= "2025-06-01" && r.invoice_date <= "2025-06-30 23:59:59")
    );
    expect(june.length).toBeGreaterThan(3);
    const fromOctober = await page({ startDate: "2025-10-01", pageSize: 100 });
    expect(fromOctober.map((i) => i.serialNo)).toEqual(
      Array.from({ length: 30 }, (_, k) => `BATCH-${String(k + 1).padStart(3, "0")}`)
    );
    expect(await page({ endDate: "2020-01-01" })).toEqual([]);
  });

  test("filters combine", async () => {
    const r = await page({ invoiceType: "02", startDate: "2025-10-10", invoiceProperty: "0", pageSize: 100 });
    expect(r.map((i) => i.serialNo)).toEqual([
      "BATCH-003",
      "BATCH-006",
      "BATCH-009",
      "BATCH-012",
      "BATCH-015",
      "BATCH-018",
      "BATCH-021",
      "BATCH-024",
      "BATCH-027",
      "BATCH-030",
    ]);
  });
});

describe("the caller's org only", () => {
  test("another org sees only its own invoices, never the seller's", async () => {
    const small = account(server, "small");
    const smallToken = await accessToken(server, small);
    const r = await batch({ sellerTaxpayerId: small.taxId, pageSize: 100 }, smallToken);
    expect(r.success).toBe(true);
    const items = r.decoded as Item[];
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items.map((i) => i.sellerTaxpayerId))).toEqual(new Set([small.taxId]));
    expect(items.filter((i) => expectedKeys.includes(keyOf(i)))).toEqual([]);
  });

  test("an org that issued nothing gets an empty array", async () => {
    const buyer = account(server, "buyer");
    const r = await batch({ sellerTaxpayerId: buyer.taxId }, await accessToken(server, buyer));
    expect(r).toMatchObject({ success: true, errorCode: "0" });
    expect(r.decoded).toEqual([]);
  });

  test("asking for another org's tax ID is refused, with no data", async () => {
    const buyer = account(server, "buyer");
    const r = await batch({ sellerTaxpayerId: sellerTaxId }, await accessToken(server, buyer));
    expect(r).toMatchObject({ success: false, refusalCode: "GW_FORBIDDEN_ORG" });
    expect(r.decoded === undefined || r.decoded === null || r.decoded === "").toBe(true);
  });

  test("an AES tenant gets its page AES-encrypted", async () => {
    const leqi = account(server, "leqi");
    const t = await accessToken(server, leqi);
    const r = await call(server, t, BATCH, { sellerTaxpayerId: leqi.taxId }, { as: leqi });
    expect(r.success).toBe(true);
    expect((r.decoded as Item[]).map((i) => i.sellerTaxpayerId)).toEqual([leqi.taxId]);
  });
});

describe("the shape", () => {
  test("every element equals what 4.1.04 answers for the same invoice (blue and red)", async () => {
    const all = await page({ pageSize: 100 });
    expect(all.map(keyOf)).toEqual(expectedKeys);
    for (const item of all) {
      const q = await call(
        server,
        token,
        "ALLE.INVOICE.QUERY",
        item.serialNo ? { serialNo: item.serialNo } : { invoiceNum: item.invoiceNum }
      );
      expect(q.success).toBe(true);
      expect(item).toEqual(q.decoded);
    }
  });

  test("a line's figures are the exact decimals issued", async () => {
    const [item] = await page({ startDate: "2025-10-10", pageSize: 1 });
    expect(item).toMatchObject({
      serialNo: "BATCH-001",
      invoiceProperty: "0",
      invoiceStatus: "0",
      totalAmount: "1.00",
      totalTaxAmount: "0.06",
      includeTaxAmount: "1.06",
    });
    expect(item.invoiceDetail).toEqual([
      expect.objectContaining({ amount: "1.00", taxRate: "0.06", taxAmount: "0.06", lineProperty: "0" }),
    ]);
  });
});
