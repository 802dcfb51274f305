/**
 * Background tasks (下载 / 更新确认单状态 run like the invoice cloud's 后台运行 with a task ball): a
 * tiny observable store. The pane stays usable while a task runs; a small indicator shows its state.
 */
import type { Result } from "../../src/domain/refusals";
import type { WorkflowProgress } from "./common";

export type TaskState = "running" | "succeeded" | "failed" | "cancelled";

export interface BackgroundTask {
  readonly id: number;
  readonly title: string;
  readonly state: TaskState;
  readonly progress: WorkflowProgress | null;
  /** Final message (success summary or refusal). */
  readonly message: string;
}

export type TaskRunner = (ctl: {
  signal: AbortSignal;
  onProgress: (p: WorkflowProgress) => void;
}) => Promise<Result<string>>;

export class TaskStore {
  private tasks: BackgroundTask[] = [];
  private readonly controllers = new Map<number, AbortController>();
  private readonly listeners = new Set<() => void>();
  private nextId = 1;

  list(): readonly BackgroundTask[] {
    return this.tasks;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private update(id: number, patch: Partial<BackgroundTask>): void {
    this.tasks = this.tasks.map((t) => (t.id === id ? { ...t, ...patch } : t));
    this.listeners.forEach((l) => l());
  }

  /** Start a task; resolves when it ends (callers usually do not await it). */
  start(title: string, run: TaskRunner): { id: number; done: Promise<BackgroundTask> } {
    const id = this.nextId++;
    const ac = new AbortController();
    this.controllers.set(id, ac);
    this.tasks = [...this.tasks, { id, title, state: "running", progress: null, message: "" }];
    this.listeners.forEach((l) => l());
    const done = run({ signal: ac.signal, onProgress: (progress) => this.update(id, { progress }) })
      .then((r) => {
        if (ac.signal.aborted) this.update(id, { state: "cancelled", message: "已取消" });
        else
          this.update(
            id,
            r.ok ? { state: "succeeded", message: r.value } : { state: "failed", message: r.refusal.message }
          );
      })
      .catch((e: unknown) =>
        this.update(id, { state: "failed", message: e instanceof Error ? e.message : String(e) })
      )
      .then(() => {
        this.controllers.delete(id);
        return this.tasks.find((t) => t.id === id)!;
      });
    return { id, done };
  }

  cancel(id: number): void {
    this.controllers.get(id)?.abort();
  }

  /** Forget finished tasks. */
  clearFinished(): void {
    this.tasks = this.tasks.filter((t) => t.state === "running");
    this.listeners.forEach((l) => l());
  }

  running(): number {
    return this.tasks.filter((t) => t.state === "running").length;
  }
}
