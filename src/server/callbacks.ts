/**
 * The callback outbox (2.1.02 数电票回调, 5.1.03 按单回调). A handler queues a callback in its own
 * transaction (`enqueueCallback`), so a callback exists iff the change it reports was committed;
 * the dispatcher POSTs it afterwards and retries until the receiver acknowledges
 * (`{"errorCode":"0","success":true}`, piaozone-api §2.1.02). Delivery is at-least-once: receivers
 * key on serialNo. The retry policy is not documented (§5.11); ours is CALLBACK_RETRY_DELAYS_MS.
 *
 * Delivery runs in lanes, one per destination (the URL's origin, issue 11 D3): a lane POSTs its
 * destination's callbacks one at a time in id order and stops at the first failure, so a receiver
 * that hangs or fails holds up only its own callbacks, never another receiver's. Where a callback may
 * go at all is callbackPolicy.ts; how one is POSTed, callbackPost.ts.
 *
 * More than one gateway on one database (issue 12 §7): a lane runs only under its destination's lease
 * (callback_leases, 0007), taken with one INSERT … ON CONFLICT DO UPDATE … WHERE the old lease has
 * expired, renewed before every POST and deleted when the lane ends. The database arbitrates, so two
 * processes never POST the same callback or one destination's callbacks out of order; an ack is written
 * only over a still-pending row. A lease outlives a POST (CALLBACK_LEASE_MS > the timeout), so it
 * expires only when its holder died: then another gateway takes the lane over, and the one callback that
 * holder may have POSTed without recording the ack is sent again — at-least-once, as documented.
 */
import { randomUUID } from "node:crypto";
import { readFlag } from "../gateway/protocol";
import { stringifyJson } from "../gateway/json";
import { type CallbackPolicy, DEFAULT_CALLBACK_POLICY, callbackDestination } from "./callbackPolicy";
import {
  CALLBACK_MAX_ANSWER_BYTES,
  CALLBACK_TIMEOUT_MS,
  type CallbackResolver,
  postCallback,
} from "./callbackPost";
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
    destination: callbackDestination(url),
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
export { CALLBACK_MAX_ANSWER_BYTES, CALLBACK_TIMEOUT_MS } from "./callbackPost";
/** How long a lane's lease lasts past its last renewal (wall clock): a POST's timeout and its write. */
export const CALLBACK_LEASE_MS = 30_000;
/** Destinations delivered to at the same time by one process. */
export const MAX_PARALLEL_DESTINATIONS = 8;

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
  /** Where callbacks may go (checked again at every delivery). Default: no loopback, no private ranges. */
  readonly policy?: CallbackPolicy;
  /** DNS for callback hosts (tests point a name at an address); its answers pass the policy too. */
  readonly lookup?: CallbackResolver;
  /** Callbacks one lane delivers before it gives its slot back (default 20). */
  readonly batchSize?: number;
  readonly timeoutMs?: number;
  /** Destinations delivered to at the same time (default MAX_PARALLEL_DESTINATIONS). */
  readonly maxParallelDestinations?: number;
  readonly log?: (msg: string) => void;
}

export class CallbackDispatcher {
  private timer: NodeJS.Timeout | undefined;
  /** Destinations with a running lane: never two deliveries to one destination (so of one callback). */
  private readonly busy = new Set<string>();
  private readonly lanes = new Set<Promise<number>>();
  /** Lane starts are serialised, so two ticks cannot both pick a destination before either marks it busy. */
  private starting: Promise<unknown> = Promise.resolve();
  private stopping = false;
  /** This dispatcher's name in callback_leases. */
  readonly owner = randomUUID();
  /** CALLBACK_LEASE_MS, longer where the POST timeout is. */
  private readonly leaseMs: number;

  constructor(private readonly opts: DispatcherOptions) {
    this.leaseMs = Math.max(CALLBACK_LEASE_MS, 2 * (opts.timeoutMs ?? CALLBACK_TIMEOUT_MS) + 5_000);
  }

  /** Start lanes for every due destination; resolves when those lanes are done, to the number acked. */
  async runOnce(): Promise<number> {
    const acked = await Promise.all(await this.startDueLanes());
    return acked.reduce((a, b) => a + b, 0);
  }

  /** Poll every intervalMs; a tick starts lanes for due destinations that have none running. */
  start(intervalMs = 1000): void {
    if (this.timer) return;
    this.stopping = false;
    let ticking = false;
    this.timer = setInterval(() => {
      if (ticking) return;
      ticking = true;
      this.startDueLanes()
        .catch((e) => this.opts.log?.(`callback dispatch failed: ${String(e)}`))
        .finally(() => (ticking = false));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stop polling and wait for running lanes: each finishes the delivery in flight (≤ the timeout). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stopping = true;
    await this.starting;
    await Promise.all([...this.lanes]);
    this.stopping = false;
  }

  private startDueLanes(): Promise<Promise<number>[]> {
    const started = this.starting.then(() => this.startLanes());
    this.starting = started.catch(() => undefined);
    return started;
  }

  private async startLanes(): Promise<Promise<number>[]> {
    const free = (this.opts.maxParallelDestinations ?? MAX_PARALLEL_DESTINATIONS) - this.busy.size;
    if (this.stopping || free <= 0) return [];
    const started: Promise<number>[] = [];
    for (const destination of await this.dueDestinations(free)) {
      if (this.busy.has(destination)) continue;
      this.busy.add(destination);
      const lane: Promise<number> = this.runLane(destination).finally(() => {
        this.busy.delete(destination);
        this.lanes.delete(lane);
      });
      this.lanes.add(lane);
      started.push(lane);
    }
    return started;
  }

  /**
   * Idle destinations whose oldest pending callback is due. A destination whose oldest callback waits
   * for its retry waits as a whole: its callbacks go in order, and a receiver that has just failed is
   * not sent the next one. Never-failed heads first, then oldest first: receivers being retried
   * (likely down) do not take the slots ahead of receivers that answer.
   */
  private async dueDestinations(limit: number): Promise<string[]> {
    const { db, clock } = this.opts;
    const rows = await db
      .selectFrom("callbacks as c")
      .select("c.destination")
      .where("c.status", "=", "pending")
      .where("c.next_attempt_at", "<=", clock.now())
      .where("c.id", "=", (eb) =>
        eb
          .selectFrom("callbacks as h")
          .select((h) => h.fn.min("h.id").as("head"))
          .where("h.status", "=", "pending")
          .whereRef("h.destination", "=", "c.destination")
      )
      .$if(this.busy.size > 0, (q) => q.where("c.destination", "not in", [...this.busy]))
      .orderBy("c.attempts")
      .orderBy("c.id")
      .limit(limit)
      .execute();
    return rows.map((r) => r.destination);
  }

  /** Deliver one destination's pending callbacks in id order until one fails; the number acked. */
  private async runLane(destination: string): Promise<number> {
    const { db, clock } = this.opts;
    let acked = 0;
    let leased = false;
    try {
      leased = await this.takeLease(destination);
      if (!leased) return 0; // another gateway runs this lane
      const queue = await db
        .selectFrom("callbacks")
        .selectAll()
        .where("status", "=", "pending")
        .where("destination", "=", destination)
        .orderBy("id")
        .limit(this.opts.batchSize ?? 20)
        .execute();
      for (const cb of queue) {
        if (this.stopping || cb.next_attempt_at > clock.now()) break;
        if (!(await this.renewLease(destination))) break;
        if (!(await this.deliver(cb))) break;
        acked++;
      }
    } catch (e) {
      this.opts.log?.(`callback lane ${destination} failed: ${String(e)}`);
    } finally {
      if (leased)
        await db
          .deleteFrom("callback_leases")
          .where("destination", "=", destination)
          .where("owner", "=", this.owner)
          .execute()
          .catch((e) => this.opts.log?.(`callback lease ${destination} not released: ${String(e)}`));
    }
    return acked;
  }

  /** Take the destination's lane: free, expired or already ours. Wall clock: the story clock can be moved. */
  private async takeLease(destination: string): Promise<boolean> {
    const now = Date.now();
    const row = await this.opts.db
      .insertInto("callback_leases")
      .values({ destination, owner: this.owner, until_ms: now + this.leaseMs })
      .onConflict((oc) =>
        oc
          .column("destination")
          .doUpdateSet({ owner: this.owner, until_ms: now + this.leaseMs })
          .where((eb) =>
            eb.or([eb("callback_leases.until_ms", "<", now), eb("callback_leases.owner", "=", this.owner)])
          )
      )
      .returning("owner")
      .executeTakeFirst();
    return row?.owner === this.owner;
  }

  /** Extend our lease before a POST; false when it was lost (expired and taken over). */
  private async renewLease(destination: string): Promise<boolean> {
    const r = await this.opts.db
      .updateTable("callback_leases")
      .set({ until_ms: Date.now() + this.leaseMs })
      .where("destination", "=", destination)
      .where("owner", "=", this.owner)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  private async deliver(cb: Row<"callbacks">): Promise<boolean> {
    const { db, clock } = this.opts;
    let error: string;
    try {
      const res = await postCallback(cb.url, cb.body, {
        policy: this.opts.policy ?? DEFAULT_CALLBACK_POLICY,
        ...(this.opts.timeoutMs !== undefined ? { timeoutMs: this.opts.timeoutMs } : {}),
        ...(this.opts.lookup ? { resolver: this.opts.lookup } : {}),
      });
      if (res.status >= 300 && res.status < 400) {
        const where = res.location ? `（Location: ${res.location.slice(0, 200)}，未访问）` : "";
        error = `HTTP ${res.status}：回调不跟随重定向${where}`;
      } else if (res.truncated) {
        error = `HTTP ${res.status}：应答超过 ${CALLBACK_MAX_ANSWER_BYTES} 字节，不是回调应答`;
      } else if (isAck(res.status, res.text)) {
        await db
          .updateTable("callbacks")
          .set({ status: "acked", acked_at: clock.now(), attempts: cb.attempts + 1, last_error: "" })
          .where("id", "=", cb.id)
          .where("status", "=", "pending")
          .execute();
        return true;
      } else {
        error = `HTTP ${res.status}: ${res.text.slice(0, 200)}`;
      }
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
      .where("status", "=", "pending")
      .execute();
    // The destination, not the URL: a path or query may carry the receiver's secrets.
    this.opts.log?.(`callback ${cb.id} to ${cb.destination} failed (attempt ${attempts}): ${error}`);
    return false;
  }
}
