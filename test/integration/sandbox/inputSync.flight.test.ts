/**
 * Issue 10 item 6 on the sandbox's 4.02/4.03 (REAL client): a 数电飞机票 ≥ 2025-07-28 is flagged — its
 * item carries the 进项发票池's 提示 (the engine's poolRowNote) next to the FLIGHT_TOTAL_RULE_UNKNOWN
 * note — also when the bureau's record names the type (航空运输电子客票行程单, as a 税局 file does)
 * instead of coding it 61.
 */
import type { GatewayClient } from "../../../src/gateway/client";
import { FLIGHT_TOTAL_POOL_NOTE } from "../../../src/domain/inferred";
import { refusalMessage } from "../../../src/domain/refusals";
import { type TestServer, account, startTestServer } from "../server/helpers";
import { clientFor } from "./taxControlHelpers";

let server: TestServer;
let buyer: GatewayClient;
let B: string;

const SEEDED = "25310000000000880001";
const NAMED = "25310000000000889999";

beforeAll(async () => {
  server = await startTestServer();
  buyer = clientFor(server, "buyer");
  B = account(server, "buyer").taxId;
  const seeded = await server.db.db
    .selectFrom("bureau_invoices")
    .selectAll()
    .where("invoice_no", "=", SEEDED)
    .executeTakeFirstOrThrow();
  const { id: _id, ...copy } = seeded as typeof seeded & { id: unknown };
  await server.db.db
    .insertInto("bureau_invoices")
    .values({
      ...copy,
      invoice_no: NAMED,
      invoice_type: "",
      invoice_type_name: "航空运输电子客票行程单",
    } as never)
    .execute();
});
afterAll(async () => {
  await server.close();
});

async function collect() {
  const start = await buyer.startInputCollection({
    taxNo: B,
    startDate: "2025-01-01",
    endDate: "2025-10-10",
  });
  expect(start.ok).toBe(true);
  const taskNo = start.ok ? start.data.taskNo : "";
  server.clock.advance(5_000);
  const invoices: any[] = [];
  for (let pageNo = 1; ; pageNo++) {
    const r = await buyer.queryInputCollection({ taxNo: B, taskNo, pageNo, pageSize: 100 });
    expect(r.ok).toBe(true);
    if (!r.ok) break;
    invoices.push(...r.data.invoices);
    if (r.data.invoices.length < 100) break;
  }
  return { invoices, byNo: (no: string) => invoices.find((i) => i.invoiceNo === no) };
}

test("flight tickets are flagged in the pool's 提示, the bureau's type name included; others are not", async () => {
  const { invoices, byNo } = await collect();
  const flagged = `${FLIGHT_TOTAL_POOL_NOTE}；${refusalMessage("FLIGHT_TOTAL_RULE_UNKNOWN")}`;
  expect(byNo(SEEDED)).toMatchObject({ totalTaxInclAmount: null, poolNote: flagged });
  const named = byNo(NAMED);
  expect(named).toMatchObject({ totalTaxInclAmount: null, poolNote: flagged });
  expect(named.notes.map((n: any) => n.code)).toEqual(["FLIGHT_TOTAL_RULE_UNKNOWN"]);
  // Every other invoice (880002 is a flight ticket dated 2025-07-20, before the rule) has an empty 提示.
  expect(byNo("25310000000000880002")?.poolNote).toBe("");
  const others = invoices.filter((i) => ![SEEDED, NAMED].includes(i.invoiceNo));
  expect(others.length).toBeGreaterThan(0);
  expect(others.map((o) => [o.invoiceNo, o.poolNote])).toEqual(others.map((o) => [o.invoiceNo, ""]));
});
