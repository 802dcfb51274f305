/**
 * Asynchronous tasks (下载 / 归集 / 更新确认单状态; domain-rules §4.10, §5; piaozone-api §1.7 rim).
 * A task is created 进行中 with a due time on the clock; the first read at or after that time settles
 * it (the registered TaskSettler computes the result) in the reader's transaction. No timers: moving
 * the sandbox clock is enough to finish tasks, and a restart loses nothing.
 */
import { parseJsonExact, stringifyJson } from "../gateway/json";
import { chinaDate } from "./clock";
import type { HandlerContext } from "./context";
import type { Row } from "./db/schema";

/** How long a sandbox task runs by default before it completes (clock time). */
export const DEFAULT_TASK_DURATION_MS = 5_000;

export interface NewTask {
  readonly kind: string;
  readonly params: unknown;
  readonly channel?: string;
  /** Clock ms until it completes (default DEFAULT_TASK_DURATION_MS; 0 = settled on the first read). */
  readonly durationMs?: number;
}

/** Create a task; returns its task_no, e.g. `T20240601000001`. */
export async function createTask(ctx: HandlerContext, t: NewTask): Promise<string> {
  const seq = await ctx.nextSequence("task");
  const taskNo = `T${chinaDate(ctx.now).replace(/-/g, "")}${String(seq).padStart(6, "0")}`;
  const id = await ctx.repo.insertReturningId("tasks", {
    task_no: taskNo,
    kind: t.kind,
    status: "进行中",
    params_json: stringifyJson(t.params ?? {}),
    channel: t.channel ?? "",
    total: 0,
    success_count: 0,
    fail_reason: "",
    result_json: null,
    created_by: ctx.caller.user.username,
    created_at: ctx.now,
    due_at: ctx.now + (t.durationMs ?? DEFAULT_TASK_DURATION_MS),
    finished_at: null,
  });
  await ctx.repo.audit("tasks", id, "create", undefined, { taskNo, kind: t.kind });
  return taskNo;
}

export function taskParams<T>(task: Row<"tasks">): T {
  return parseJsonExact(task.params_json) as T;
}

export function taskRows(task: Row<"tasks">): unknown[] {
  return task.result_json ? (parseJsonExact(task.result_json, { numbers: "decimal" }) as unknown[]) : [];
}

/**
 * The caller's task by number, settled first if it is due. undefined when the org has no such task
 * (another org's task number reads as unknown).
 */
export async function readTask(ctx: HandlerContext, taskNo: string): Promise<Row<"tasks"> | undefined> {
  let task = await ctx.repo
    .selectForUpdate("tasks")
    .selectAll()
    .where("task_no", "=", taskNo)
    .executeTakeFirst();
  // Several passes may have fallen due since the last read (a multi-pass task re-runs on the clock).
  for (let pass = 0; pass < MAX_PASSES_PER_READ; pass++) {
    if (!task || task.status !== "进行中" || task.due_at > ctx.now) return task;
    const settler = ctx.registry.taskSettler(task.kind);
    if (!settler) return task;
    const result = await settler.settle(ctx, task);
    const running = result.status === "进行中";
    const patch = {
      status: result.status,
      total: result.total,
      success_count: result.successCount,
      fail_reason: result.failReason ?? "",
      result_json: stringifyJson(result.rows),
      finished_at: running ? null : ctx.now,
      due_at: running ? Math.max(result.nextDueAt ?? ctx.now, task.due_at + 1) : task.due_at,
    };
    await ctx.repo.updateTable("tasks").set(patch).where("id", "=", task.id).execute();
    await ctx.repo.audit(
      "tasks",
      task.id,
      running ? "pass" : "settle",
      { status: task.status },
      { status: result.status, total: result.total, successCount: result.successCount }
    );
    task = { ...task, ...patch };
  }
  return task;
}

/** Upper bound of passes settled by one read (a day of minute-passes), so a read always ends. */
const MAX_PASSES_PER_READ = 1440;
