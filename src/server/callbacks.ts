/**
 * The callback outbox (2.1.02 数电票回调, 5.1.03 按单回调). A handler queues a callback in its own
 * transaction (`enqueueCallback`), so a callback exists iff the change it reports was committed;
 * the dispatcher POSTs it afterwards and retries until the receiver acknowledges
 * (`{"errorCode":"0","success":true}`, piaozone-api §2.1.02). Delivery is at-least-once: receivers
 * key on serialNo. The retry policy is not documented (§5.11); ours is CALLBACK_RETRY_DELAYS_MS.
 */
import { readFlag } from "../gateway/protocol";
import { stringifyJson } from "../gateway/json";
import type { Clock } from "./clock";
import { type OrgScope, callbackUrlFor } from "./db/repo";
import type { Row } from "./db/schema";
import type { Db } from "./db/tx";
import { type OrgCodec, encodeResponseData } from "./protocol/payload";

export interface CallbackRequest {
  /** INVOICE.OPEN / INVOICE.RED … */
  readonly interfaceCode: string;
  /** The payload (encoded per the org on the way out). */
  readonly data: unknown;
  /** "0" success (default), "9999" failure. */
  readonly returnCode?: "0" | "9999";
  readonly returnMsg?: string;
  /** Selects the URL; default: the businessSystemCode of the current request. */
  readonly businessSystemCode?: string;
  /** Explicit URL (skips the lookup). */
  readonly url?: string;
  readonly codec?: OrgCodec;
}

/**
 * Queue a callback in the scope's transaction. Returns the outbox id, or undefined when the org has
 * no URL registered for the businessSystemCode (nothing to call — as in 发票云 without a 业务系统).
 */
export async function enqueueCallback(
  scope: OrgScope,
  cb: CallbackRequest & { businessSystemCode: string; codec: OrgCodec }
): Promise<number | undefined> {
  const url = cb.url ?? (await callbackUrlFor(scope, cb.businessSystemCode));
  if (!url) return undefined;
  const body = stringifyJson({
    returnMsg: cb.returnMsg ?? "success",
    returnCode: cb.returnCode ?? "0",
    interfaceCode: cb.interfaceCode,
    data: await encodeResponseData(cb.data, cb.codec, true),
  });
  const id = await scope.insertReturningId("callbacks", {
    url,
    business_system_code: cb.businessSystemCode,
    interface_code: cb.interfaceCode,
    body,
    status: "pending",
    attempts: 0,
    next_attempt_at: scope.at,
    last_error: "",
    created_at: scope.at,
    acked_at: null,
  });
  await scope.audit("callbacks", id, "enqueue", undefined, { interfaceCode: cb.interfaceCode, url });
  return id;
}

/** Delay before attempt n+1 after n failures; after the last one the callback is dead. */
export const CALLBACK_RETRY_DELAYS_MS = [
  10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000, 7_200_000,
] as const;
export const CALLBACK_TIMEOUT_MS = 10_000;

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

/** The receiver's answer counts as an ack when errorCode is "0" or success is true. */
export function isAck(status: number, text: string): boolean {
  if (status < 200 || status >= 300) return false;
  try {
    const body = JSON.parse(text) as { errorCode?: unknown; success?: unknown };
    return String(body.errorCode ?? "").trim() === "0" || readFlag(body.success) === true;
  } catch {
    return false;
  }
}

export interface DispatcherOptions {
  readonly db: Db;
  readonly clock: Clock;
  readonly fetch?: FetchLike;
  readonly batchSize?: number;
  readonly timeoutMs?: number;
  readonly log?: (msg: string) => void;
}

export class CallbackDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly opts: DispatcherOptions) {}

  /** Deliver every due callback once; resolves to the number acknowledged. */
  runOnce(): Promise<number> {
    // One pass at a time per process: a slow receiver must not get the same callback twice from us.
    if (!this.running) {
      this.running = this.deliverDue().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  start(intervalMs = 1000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.runOnce().catch((e) => this.opts.log?.(`callback dispatch failed: ${String(e)}`));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.running) await this.running.catch(() => undefined);
  }

  private async deliverDue(): Promise<number> {
    const { db, clock } = this.opts;
    const due = await db
      .selectFrom("callbacks")
      .selectAll()
      .where("status", "=", "pending")
      .where("next_attempt_at", "<=", clock.now())
      .orderBy("id")
      .limit(this.opts.batchSize ?? 20)
      .execute();
    let acked = 0;
    for (const cb of due) if (await this.deliver(cb)) acked++;
    return acked;
  }

  private async deliver(cb: Row<"callbacks">): Promise<boolean> {
    const { db, clock } = this.opts;
    const send: FetchLike = this.opts.fetch ?? (globalThis.fetch as unknown as FetchLike);
    let error = "";
    try {
      const res = await send(cb.url, {
        method: "POST",
        headers: { "content-type": "application/json;charset=UTF-8" },
        body: cb.body,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? CALLBACK_TIMEOUT_MS),
      });
      const text = await res.text();
      if (isAck(res.status, text)) {
        const at = clock.now();
        await db
          .updateTable("callbacks")
          .set({ status: "acked", acked_at: at, attempts: cb.attempts + 1, last_error: "" })
          .where("id", "=", cb.id)
          .execute();
        return true;
      }
      error = `HTTP ${res.status}: ${text.slice(0, 200)}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const attempts = cb.attempts + 1;
    const delay = CALLBACK_RETRY_DELAYS_MS[attempts - 1];
    await db
      .updateTable("callbacks")
      .set({
        attempts,
        last_error: error,
        status: delay === undefined ? "dead" : "pending",
        next_attempt_at: clock.now() + (delay ?? 0),
      })
      .where("id", "=", cb.id)
      .execute();
    this.opts.log?.(`callback ${cb.id} to ${cb.url} failed (attempt ${attempts}): ${error}`);
    return false;
  }
}
