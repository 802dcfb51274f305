/**
 * 0008 on a data directory that already holds settled collection tasks: their reports, stored before
 * 0008 as a JSON array in tasks.result_json, are copied into input_collection_items, so 4.03 answers
 * the same pages after the upgrade.
 */
import { sql } from "kysely";
import type { GatewayClient } from "../../../src/gateway/client";
import {
  INPUT_COLLECTION_INDEXES,
  inputCollectionMigration,
} from "../../../src/server/db/migrations/0008_input_collection";
import { clientFor } from "../sandbox/taxControlHelpers";
import { type TestServer, account, startTestServer } from "./helpers";

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

const pages = async (taskNo: string) => {
  const out: unknown[] = [];
  for (let pageNo = 1; pageNo <= 3; pageNo++) {
    const r = await buyer.queryInputCollection({ taxNo: B, taskNo, pageNo, pageSize: 7 });
    if (!r.ok) throw new Error(r.refusal.message);
    out.push(r.data);
  }
  return out;
};

test("a report settled before 0008 is moved from tasks.result_json into input_collection_items", async () => {
  const start = await buyer.startInputCollection({
    taxNo: B,
    startDate: "2025-01-01",
    endDate: "2025-10-10",
  });
  if (!start.ok) throw new Error(start.refusal.message);
  server.clock.advance(5_000);
  const before = await pages(start.data.taskNo);
  const db = server.db.db;
  const task = await db
    .selectFrom("tasks")
    .selectAll()
    .where("task_no", "=", start.data.taskNo)
    .executeTakeFirstOrThrow();
  const items = await db
    .selectFrom("input_collection_items")
    .selectAll()
    .where("task_id", "=", task.id)
    .orderBy("seq")
    .execute();
  expect(items.length).toBeGreaterThan(14);
  expect(items.some((r) => r.changes_json === null) && items.some((r) => r.notes_json !== null)).toBe(true);

  // The data directory as it was before 0008: the report in result_json (the pre-0006 shape), no table.
  const legacy = items.map((r) => ({
    id: Number(r.pool_id),
    action: r.merge_action,
    ...(r.changes_json ? { changes: JSON.parse(r.changes_json) } : {}),
    ...(r.notes_json ? { notes: JSON.parse(r.notes_json) } : {}),
    ...(Number(r.flight_total_rule) === 1 ? { flightTotalRule: true } : {}),
  }));
  await db
    .updateTable("tasks")
    .set({ result_json: JSON.stringify(legacy) })
    .where("id", "=", task.id)
    .execute();
  for (const [name] of INPUT_COLLECTION_INDEXES) await sql`drop index ${sql.ref(name)}`.execute(db);
  await sql`drop table input_collection_items`.execute(db);

  await inputCollectionMigration(server.db.dialect).up(db as never);

  const moved = await db
    .selectFrom("input_collection_items")
    .selectAll()
    .where("task_id", "=", task.id)
    .orderBy("seq")
    .execute();
  const norm = (rs: typeof items) =>
    rs.map((r) => [
      Number(r.org_id),
      Number(r.seq),
      Number(r.pool_id),
      r.merge_action,
      r.changes_json,
      r.notes_json,
      Number(r.flight_total_rule),
    ]);
  expect(norm(moved)).toEqual(norm(items));
  const after = await db
    .selectFrom("tasks")
    .select("result_json")
    .where("id", "=", task.id)
    .executeTakeFirstOrThrow();
  expect(after.result_json).toBe("[]");
  expect(await pages(start.data.taskNo)).toEqual(before);
});
