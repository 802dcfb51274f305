/**
 * 4.02 / 4.03 at volume (issue 12 §3): 4,500 bureau records — more than two source pages
 * (SOURCE_PAGE_SIZE) and many pool write chunks — collected twice into the buyer's 全票池. The change
 * report stays exact per invoice (INSERT the first time; UPDATE_STATUS with or without changes the
 * second), in the bureau's order, stored as rows of input_collection_items (4.03 pages a seq range),
 * and a task settles once however often it is read.
 */
import type { GatewayClient } from "../../../src/gateway/client";
import { SOURCE_PAGE_SIZE } from "../../../src/server/sandbox/interfaces/inputCollection";
import { clientFor } from "../sandbox/taxControlHelpers";
import { type TestServer, account, startTestServer } from "./helpers";

const N = 4_500;
const RANGE = { startDate: "2024-03-01", endDate: "2024-03-31" };
const no = (i: number) => `24440000000${String(31_000_000 + i)}`;

let server: TestServer;
let buyer: GatewayClient;
let B: string;

beforeAll(async () => {
  server = await startTestServer();
  buyer = clientFor(server, "buyer");
  B = account(server, "buyer").taxId;
  const rows = Array.from({ length: N }, (_, i) => ({
    buyer_tax_id: B,
    ticket_kind: "发票" as const,
    invoice_type: "01",
    invoice_type_name: "数电发票（增值税专用发票）",
    invoice_code: "",
    invoice_no: no(i),
    invoice_date: `2024-03-${String(1 + (i % 28)).padStart(2, "0")} 09:00:00`,
    seller_name: `供应商${i % 7}`,
    seller_tax_id: "91440300MA5B00007X",
    amount: `${100 + i}.10`,
    tax_amount: "13.01",
    total_amount: `${113 + i}.11`,
    invoice_status: "正常" as const,
    select_status: "未勾选" as const,
    deduction_status: "未勾选" as const,
    select_time: null,
    certify_time: null,
    usage_period: null,
    updated_at: server.clock.now(),
  }));
  for (let i = 0; i < N; i += 500)
    await server.db.db
      .insertInto("bureau_invoices")
      .values(rows.slice(i, i + 500))
      .execute();
}, 60_000);
afterAll(async () => {
  await server.close();
});

async function collect(pageSize: number) {
  const start = await buyer.startInputCollection({ taxNo: B, ...RANGE });
  if (!start.ok) throw new Error(start.refusal.message);
  const taskNo = start.data.taskNo;
  server.clock.advance(5_000);
  const invoices: any[] = [];
  const pageLengths: number[] = [];
  let total = -1;
  for (let pageNo = 1; total < 0 || invoices.length < total; pageNo++) {
    const r = await buyer.queryInputCollection({ taxNo: B, taskNo, pageNo, pageSize });
    if (!r.ok) throw new Error(r.refusal.message);
    total = Number(r.data.total);
    pageLengths.push(r.data.invoices.length);
    invoices.push(...r.data.invoices);
    if (r.data.invoices.length === 0) break;
  }
  const task = await server.db.db
    .selectFrom("tasks")
    .selectAll()
    .where("task_no", "=", taskNo)
    .executeTakeFirstOrThrow();
  return { taskNo, task, total, invoices, pageLengths };
}

const audits = (entity: string, entityId: string, action: string) =>
  server.db.db
    .selectFrom("audit")
    .select("after_json")
    .where("entity", "=", entity)
    .where("entity_id", "=", entityId)
    .where("action", "=", action)
    .execute();

test("a first collection over several source pages reports every invoice INSERT, in the bureau's order", async () => {
  expect(N).toBeGreaterThan(2 * SOURCE_PAGE_SIZE);
  const { task, total, invoices, pageLengths } = await collect(1_000);
  expect(total).toBe(N);
  expect(pageLengths).toEqual([1000, 1000, 1000, 1000, 500]);
  expect(invoices.map((i) => i.invoiceNo)).toEqual(Array.from({ length: N }, (_, i) => no(i)));
  expect(new Set(invoices.map((i) => i.mergeAction))).toEqual(new Set(["INSERT"]));
  expect(invoices.every((i) => i.changes.length === 0 && i.notes.length === 0)).toBe(true);
  expect(invoices[4321]).toMatchObject({
    invoiceAmount: "4421.10",
    totalTaxAmount: "13.01",
    totalAmount: "4434.11",
    invoiceStatus: "正常",
    verifyStatus: "已验",
    invoiceDate: "2024-03-10 09:00:00",
  });
  // The report is rows of input_collection_items (seq 1…N), not a JSON array on the task.
  expect(task.result_json).toBe("[]");
  const items = await server.db.db
    .selectFrom("input_collection_items")
    .select(["seq", "merge_action"])
    .where("task_id", "=", task.id)
    .orderBy("seq")
    .execute();
  expect(items.map((r) => Number(r.seq))).toEqual(Array.from({ length: N }, (_, i) => i + 1));
  const merged = await audits("input_pool", task.task_no, "collect");
  expect(merged.map((a) => JSON.parse(a.after_json ?? "null"))).toEqual([
    { total: N, inserted: N, updated: 0 },
  ]);
}, 60_000);

test("a second collection reports changed and unchanged invoices exactly; the pool gains nothing", async () => {
  const poolBefore = await server.db.db
    .selectFrom("input_pool")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .executeTakeFirstOrThrow();
  // Every 3rd record red-flushed at the bureau, every 5th 勾选ed.
  const flushed = Array.from({ length: N }, (_, i) => i).filter((i) => i % 3 === 0);
  for (let k = 0; k < flushed.length; k += 500)
    await server.db.db
      .updateTable("bureau_invoices")
      .set({ invoice_status: "红冲" })
      .where("invoice_no", "in", flushed.slice(k, k + 500).map(no))
      .execute();
  await server.db.db
    .updateTable("bureau_invoices")
    .set({ select_status: "已勾选", deduction_status: "已勾选或已认证抵扣", usage_period: "202403" })
    .where("invoice_no", "=", no(5))
    .execute();

  const { task, total, invoices } = await collect(5_000);
  expect(total).toBe(N);
  expect(new Set(invoices.map((i) => i.mergeAction))).toEqual(new Set(["UPDATE_STATUS"]));
  expect(invoices[3]).toMatchObject({
    invoiceStatus: "红冲",
    changes: [{ field: "invoiceStatus", label: "发票状态", from: "正常", to: "红冲" }],
  });
  expect(invoices[4]).toMatchObject({ invoiceStatus: "正常", changes: [] });
  expect(invoices[5].changes.map((c: any) => [c.field, c.from, c.to])).toEqual([
    ["usagePeriod", null, "202403"],
    ["selectStatus", "未勾选", "已勾选"],
    ["deductionStatus", "未勾选", "已勾选或已认证抵扣"],
  ]);
  const changed = invoices.filter((i) => i.changes.length > 0).map((i) => i.invoiceNo);
  expect(changed).toEqual([...new Set([...flushed, 5])].sort((a, b) => a - b).map(no));
  const merged = await audits("input_pool", task.task_no, "collect");
  expect(merged.map((a) => JSON.parse(a.after_json ?? "null"))).toEqual([
    { total: N, inserted: 0, updated: flushed.length + 1 },
  ]);
  const poolAfter = await server.db.db
    .selectFrom("input_pool")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .executeTakeFirstOrThrow();
  expect(Number(poolAfter.n)).toBe(Number(poolBefore.n));
}, 60_000);

test("a settled task is read again without settling again: same report, one settle, one merge", async () => {
  const { taskNo, task, invoices } = await collect(2_000);
  server.clock.advance(60_000);
  const again = await buyer.queryInputCollection({ taxNo: B, taskNo, pageNo: 3, pageSize: 2_000 });
  expect(
    again.ok && (again.data.invoices as any[]).map((i) => [i.invoiceNo, i.mergeAction, i.changes.length])
  ).toEqual(invoices.slice(4_000).map((i) => [i.invoiceNo, i.mergeAction, i.changes.length]));
  expect(await audits("tasks", String(task.id), "settle")).toHaveLength(1);
  expect(await audits("input_pool", taskNo, "collect")).toHaveLength(1);
  const items = await server.db.db
    .selectFrom("input_collection_items")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("task_id", "=", task.id)
    .executeTakeFirstOrThrow();
  expect(Number(items.n)).toBe(N);
}, 60_000);
