/**
 * The interface registry: interfaceCode → { endpoint family, data schema, idempotency key, handler }.
 * Adding an interface to the gateway = writing one `InterfaceHandler` and registering it (README.md).
 *
 * A handler receives the decoded, schema-checked `data` (every JSON number as its exact decimal
 * text, e.g. "-100.00") and a `HandlerContext` (transaction, org scope, clock, callbacks…), and
 * returns an `Outcome`: `ok(data)` or `refuse(code, params)`. It never builds the envelope, never
 * encodes, never opens its own transaction and never throws for a business refusal.
 */
import type { Endpoint } from "../gateway/interfaces";
import { type Refusal, type RefusalCode, type RefusalParams, refusal } from "../domain/refusals";
import type { HandlerContext } from "./context";
import type { TSchema } from "@sinclair/typebox";

export type Outcome =
  | {
      readonly ok: true;
      /** Response `data`: a string is sent as is (a serial number); objects/arrays are encoded per the org. */
      readonly data?: unknown;
      readonly message?: string;
    }
  | {
      readonly ok: false;
      readonly refusal: Refusal;
      /** Extra `data` on the refusal (e.g. the 红字确认单 state when 2.1.04 issues nothing). */
      readonly data?: unknown;
      /**
       * Keep the transaction's writes although the answer is a refusal (2.1.04 entered a 红字确认单
       * awaiting confirmation: the bill exists, no invoice was issued). Default: roll back.
       */
      readonly keep?: boolean;
      /** Wire errorCode instead of the refusal code (when a documented code exists). */
      readonly errorCode?: string;
    };

export function ok(data?: unknown, message?: string): Outcome {
  return { ok: true, ...(data === undefined ? {} : { data }), ...(message === undefined ? {} : { message }) };
}

export function refuse(
  code: RefusalCode,
  params?: RefusalParams,
  extra: { data?: unknown; keep?: boolean; errorCode?: string } = {}
): Outcome {
  return { ok: false, refusal: refusal(code, params), ...extra };
}

/** A domain guard's refusal (src/domain `Result`) as an outcome. */
export function refused(
  r: Refusal,
  extra: { data?: unknown; keep?: boolean; errorCode?: string } = {}
): Outcome {
  return { ok: false, refusal: r, ...extra };
}

/** Payload fields that name the caller's own enterprise; checked against the caller's org (GW_FORBIDDEN_ORG). */
export const DEFAULT_ORG_TAX_ID_FIELDS = ["sellerTaxpayerId", "taxNo", "taxpayerId", "taxno"] as const;

export interface InterfaceHandler<D = unknown> {
  /** Exactly as on the wire, e.g. "ALLE.INVOICE.QUERY". */
  readonly interfaceCode: string;
  /** sim: /kapi/app/sim/openApi; rim: /kapi/app/rim/deduction. */
  readonly endpoint: Endpoint;
  readonly description?: string;
  /**
   * The interface's wire schema (src/gateway/schemas `WIRE_SCHEMAS[interfaceCode]`, the object the
   * client checks requests with), compiled by ajv against the decoded `data`. Numbers are checked as
   * numbers, then handed to the handler as exact decimal text: declare `D` as `WireIn<Static<…>>`.
   */
  readonly dataSchema: TSchema;
  /**
   * Fields (top level, or of each element when `data` is an array) that must equal the caller's tax
   * ID when present. Default DEFAULT_ORG_TAX_ID_FIELDS; `[]` turns the check off.
   */
  readonly orgTaxIdFields?: readonly string[];
  /**
   * The idempotency key (the caller's serialNo). When it returns a string, the call runs at most
   * once per org and key; repeats answer the recorded outcome. Omit for queries.
   */
  readonly idempotencyKey?: (data: D) => string | undefined;
  /** Encode object/array response `data` per the org's setting (default true). */
  readonly encodeResponse?: boolean;
  /** Vendor mode answers success with `"success": "true"` (a string), as 2.1.13 documents it. */
  readonly successAsText?: boolean;
  handle(ctx: HandlerContext, data: D): Promise<Outcome>;
}

/**
 * Kinds of asynchronous tasks (下载 / 归集) and how each is settled once the clock reaches its due
 * time (tasks.ts). Registered next to the interfaces that create them.
 */
export interface TaskSettler {
  readonly kind: string;
  /** Compute the task's result; runs in the transaction of the read that found the task due. */
  settle(ctx: HandlerContext, task: import("./db/schema").Row<"tasks">): Promise<TaskSettlement>;
}

export interface TaskSettlement {
  /**
   * 成功 / 失败 finish the task. 进行中 = one pass done, more to come (the 乐企 channel re-runs a
   * download every minute until complete): the progress is stored and the task is due again at
   * `nextDueAt`.
   */
  readonly status: "成功" | "失败" | "进行中";
  /** With 进行中: when the next pass runs (clock ms). */
  readonly nextDueAt?: number;
  readonly total: number;
  readonly successCount: number;
  readonly failReason?: string;
  /** Result rows (JSON-serializable: strings, Dec/JsonDecimal, integers). */
  readonly rows: readonly unknown[];
}

export class InterfaceRegistry {
  private readonly handlers = new Map<string, InterfaceHandler<never>>();
  private readonly settlers = new Map<string, TaskSettler>();

  /** Register a handler; a second handler for the same code replaces nothing — it is an error. */
  register<D>(handler: InterfaceHandler<D>): this {
    const code = handler.interfaceCode.trim();
    if (this.handlers.has(code)) throw new Error(`interface ${code} registered twice`);
    this.handlers.set(code, handler as unknown as InterfaceHandler<never>);
    return this;
  }

  registerTaskSettler(settler: TaskSettler): this {
    if (this.settlers.has(settler.kind)) throw new Error(`task kind ${settler.kind} registered twice`);
    this.settlers.set(settler.kind, settler);
    return this;
  }

  /** The handler for an interfaceCode (trimmed: the 2.1.04 doc example carries a leading space). */
  get(interfaceCode: string): InterfaceHandler<unknown> | undefined {
    return this.handlers.get(interfaceCode.trim()) as InterfaceHandler<unknown> | undefined;
  }

  taskSettler(kind: string): TaskSettler | undefined {
    return this.settlers.get(kind);
  }

  codes(): string[] {
    return [...this.handlers.keys()].sort();
  }
}
