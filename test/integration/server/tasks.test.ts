/**
 * Asynchronous tasks settle by the clock: 进行中 until due, then the registered settler's result,
 * visible only to the organisation that created the task.
 */
import { type InterfaceHandler, ok, refuse } from "../../../src/server/registry";
import { Type } from "@sinclair/typebox";
import { W } from "../../../src/gateway/schemas";
import { createSandboxRegistry } from "../../../src/server/sandbox";
import { createTask, readTask, taskParams, taskRows } from "../../../src/server/tasks";
import { type TestServer, accessToken, account, call, startTestServer } from "./helpers";

jest.setTimeout(30_000);

const start: InterfaceHandler<{ taxNo: string; startDate: string }> = {
  interfaceCode: "test.taskStart",
  endpoint: "rim",
  dataSchema: Type.Object({ taxNo: W.text(20), startDate: W.date() }),
  async handle(ctx, d) {
    return ok({
      taskNo: await createTask(ctx, { kind: "test-download", params: d, durationMs: 5_000, channel: "RPA" }),
    });
  },
};

const poll: InterfaceHandler<{ taxNo: string; taskNo: string }> = {
  interfaceCode: "test.taskQuery",
  endpoint: "rim",
  dataSchema: Type.Object({ taxNo: W.text(20), taskNo: W.text(30) }),
  async handle(ctx, d) {
    const task = await readTask(ctx, d.taskNo);
    if (!task) return refuse("GW_NOT_FOUND", { message: `任务“${d.taskNo}”不存在` });
    return ok({ taskStatus: task.status, total: task.total, rows: taskRows(task) });
  },
};

let server: TestServer;
beforeAll(async () => {
  const registry = createSandboxRegistry()
    .register(start)
    .register(poll)
    .registerTaskSettler({
      kind: "test-download",
      async settle(_ctx, task) {
        const p = taskParams<{ startDate: string }>(task);
        return { status: "成功", total: 2, successCount: 2, rows: [{ from: p.startDate }, { n: 2 }] };
      },
    });
  server = await startTestServer({ registry });
});
afterAll(async () => {
  await server.close();
});

test("a task is 进行中 until the clock reaches its due time, then settled once; other orgs cannot see it", async () => {
  const seller = account(server, "seller");
  const token = await accessToken(server, seller);
  const started = await call(
    server,
    token,
    "test.taskStart",
    { taxNo: seller.taxId, startDate: "2025-06-01" },
    { endpoint: "rim" }
  );
  expect(started).toMatchObject({ errorCode: "0000", success: true });
  const taskNo = started.decoded.taskNo as string;
  expect(taskNo).toMatch(/^T20251010\d{6}$/);

  const early = await call(
    server,
    token,
    "test.taskQuery",
    { taxNo: seller.taxId, taskNo },
    { endpoint: "rim" }
  );
  expect(early.decoded).toEqual({ taskStatus: "进行中", total: "0", rows: [] });

  server.clock.advance(5_000);
  const done = await call(
    server,
    token,
    "test.taskQuery",
    { taxNo: seller.taxId, taskNo },
    { endpoint: "rim" }
  );
  expect(done.decoded).toEqual({
    taskStatus: "成功",
    total: "2",
    rows: [{ from: "2025-06-01" }, { n: "2" }],
  });
  const settles = await server.db.db
    .selectFrom("audit")
    .select("id")
    .where("entity", "=", "tasks")
    .where("action", "=", "settle")
    .execute();
  expect(settles).toHaveLength(1);

  const buyer = account(server, "buyer");
  const other = await call(
    server,
    await accessToken(server, buyer),
    "test.taskQuery",
    { taxNo: buyer.taxId, taskNo },
    { endpoint: "rim" }
  );
  expect(other).toMatchObject({ success: false, refusalCode: "GW_NOT_FOUND" });
});
