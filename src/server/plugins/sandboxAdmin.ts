/**
 * The sandbox's own surface (absent in relay mode): the story clock and callback registration.
 * Nothing here is anonymous (D1). A request presents either
 * - the sandbox admin key, `Authorization: Bearer <key>` (shown by `hongchong sandbox accounts`), for
 *   what concerns every organisation: moving the story clock; or
 * - an organisation's access_token (query or header, as on the open API), for what concerns only that
 *   organisation: its callback URLs. Reading the clock is allowed to both.
 * Credentials are checked in `onRequest`, before the body is read or validated, so an anonymous caller
 * learns nothing about the bodies these routes accept (D14).
 *
 * The clock moves only within [the story's start, or the last business instant already recorded if
 * later; the wall clock + CLOCK_MAX_AHEAD_MS]: going back past recorded activity would put invoices,
 * forms and deadlines in the future of "now", and an unbounded instant is no date (`set` near 2^53
 * made every later request fail).
 */
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { authenticate } from "../auth";
import { SettableClock, chinaDateTime, parseChinaDateTime } from "../clock";
import type { Caller } from "../context";
import { appendAudit, withTxOrRollback } from "../db/tx";
import { CALLBACK_ENDPOINT_BODY_SCHEMA, CLOCK_BODY_SCHEMA } from "../protocol/schemas";
import { describeSchemaErrors, schemaErrorField, type SchemaError } from "../protocol/validation";
import { type Refusing, sendJson } from "../reply";
import { SANDBOX_STORY_START_MS } from "../sandbox/storyClock";
import { isAdminKey } from "../sandbox/secrets";
import { type GatewaySettings, presentedToken, sendRefusal } from "./shared";

/** [decision] How far past the wall clock the story clock may be set: ten years of 365.25 days. */
export const CLOCK_MAX_AHEAD_MS = Math.round(10 * 365.25 * 24 * 3600 * 1000);

export type Principal = { readonly kind: "admin" } | { readonly kind: "org"; readonly caller: Caller };

declare module "fastify" {
  interface FastifyRequest {
    sandboxPrincipal?: Principal;
  }
}

export interface SandboxAdminOptions {
  readonly settings: GatewaySettings;
  /** A refusal for a callback URL the gateway must not call (src/server/callbackPolicy.ts), or undefined. */
  readonly checkCallbackUrl?: (url: string) => Refusing | undefined;
}

/** "Bearer <key>" from the Authorization header. */
function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  const m = typeof h === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m?.[1];
}

/** An ISO instant (with zone) or a China-time `yyyy-MM-dd[ HH:mm:ss]`. */
function parseInstant(s: string): number | undefined {
  const china = parseChinaDateTime(s);
  if (china !== undefined) return china;
  if (!/[zZ]|[+-]\d{2}:?\d{2}$/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

export const sandboxAdminPlugin: FastifyPluginAsync<SandboxAdminOptions> = async (app, opts) => {
  const { settings } = opts;
  const { db, clock, wallClock } = settings;
  const refuse = (req: FastifyRequest, reply: FastifyReply, r: Refusing, status = 200) =>
    sendRefusal(settings, req, reply, "sim", r, status);

  app.addHook("onRequest", async (req, reply) => {
    const key = bearer(req);
    if (key !== undefined) {
      if (await isAdminKey(db, key)) {
        req.sandboxPrincipal = { kind: "admin" };
        return;
      }
      return refuse(req, reply, { code: "GW_ADMIN_UNAUTHORIZED" }, 401);
    }
    const token = presentedToken(req);
    if (token === undefined) return refuse(req, reply, { code: "GW_ADMIN_UNAUTHORIZED" }, 401);
    const auth = await authenticate(db, token, wallClock.now());
    if (!auth.ok) return refuse(req, reply, { code: auth.code }, 401);
    req.sandboxPrincipal = { kind: "org", caller: auth.value };
  });

  // Our own routes' bodies: a schema failure names the field of this body, not the protocol envelope.
  app.setErrorHandler((err: FastifyError & { validation?: SchemaError[] }, req, reply) => {
    if (err.validation) {
      const field = schemaErrorField(err.validation);
      return refuse(req, reply, {
        code: "GW_VALIDATION",
        params: { detail: describeSchemaErrors(err.validation, "") },
        ...(field ? { field } : {}),
      });
    }
    throw err; // the root handler answers JSON syntax, size and media-type errors
  });

  const adminOnly = (req: FastifyRequest, reply: FastifyReply, what: string) =>
    req.sandboxPrincipal?.kind === "admin"
      ? undefined
      : refuse(req, reply, { code: "GW_ADMIN_ONLY", params: { what } }, 403);
  const orgOnly = (req: FastifyRequest, reply: FastifyReply, what: string): Caller | undefined => {
    const p = req.sandboxPrincipal;
    if (p?.kind === "org") return p.caller;
    void refuse(req, reply, { code: "GW_ADMIN_NEEDS_ORG", params: { what } }, 403);
    return undefined;
  };

  // ── the story clock ──────────────────────────────────────────────────────────────

  /** The earliest instant the clock may take: the story's start or the last recorded business write. */
  const lowerBound = async (): Promise<number> => {
    const last = await db.selectFrom("audit").select("at").orderBy("id", "desc").limit(1).executeTakeFirst();
    return Math.max(SANDBOX_STORY_START_MS, last?.at ?? 0);
  };
  const clockState = async () => {
    const now = clock.now();
    const from = await lowerBound();
    const to = wallClock.now() + CLOCK_MAX_AHEAD_MS;
    return {
      now,
      iso: new Date(now).toISOString(),
      china: chinaDateTime(now),
      frozen: clock instanceof SettableClock ? clock.frozen : false,
      range: { from, to, fromChina: chinaDateTime(from), toChina: chinaDateTime(to) },
    };
  };
  const ok = async (reply: FastifyReply) =>
    sendJson(reply, { success: true, errorCode: "0", message: "", data: await clockState() });

  app.get("/sandbox/clock", async (_req, reply) => ok(reply));

  app.post("/sandbox/clock", { schema: { body: CLOCK_BODY_SCHEMA } }, async (req, reply) => {
    if (adminOnly(req, reply, "调整沙箱时钟")) return reply;
    if (!(clock instanceof SettableClock)) return refuse(req, reply, { code: "GW_SANDBOX_ONLY" });
    const body = req.body as { advanceMs?: number; set?: number | string; frozen?: boolean };
    let target = clock.now();
    if (body.set !== undefined) {
      const at = typeof body.set === "string" ? parseInstant(body.set) : body.set;
      if (at === undefined || !Number.isSafeInteger(at))
        return refuse(req, reply, {
          code: "GW_VALIDATION",
          params: { detail: "set 须为毫秒时间戳、ISO 时间或 yyyy-MM-dd HH:mm:ss（北京时间）" },
          field: "set",
        });
      target = at;
    }
    if (body.advanceMs !== undefined) target += body.advanceMs;
    const from = await lowerBound();
    const to = wallClock.now() + CLOCK_MAX_AHEAD_MS;
    if (!Number.isSafeInteger(target) || target < from || target > to) {
      const shown =
        Number.isSafeInteger(target) && Math.abs(target) < 8.64e15 ? chinaDateTime(target) : String(target);
      return refuse(req, reply, {
        code: "GW_CLOCK_OUT_OF_RANGE",
        params: {
          at: shown,
          reason:
            target < from
              ? from === SANDBOX_STORY_START_MS
                ? "早于沙箱故事的开始"
                : "早于已记录的最后一笔业务（时钟倒退会让已开的发票、已作废的确认单出现在“将来”）"
              : "超出允许的上限（当前时间后十年）",
          from: chinaDateTime(from),
          to: chinaDateTime(to),
        },
        field: body.set !== undefined ? "set" : "advanceMs",
      });
    }
    if (target !== clock.now()) clock.set(target);
    if (body.frozen === true) clock.freeze();
    if (body.frozen === false) clock.unfreeze();
    return ok(reply);
  });

  // ── callback registration (what 发票云's 系统管理 → 业务系统 does) ────────────────────

  const listEndpoints = async (orgId: number) =>
    (
      await db
        .selectFrom("callback_endpoints")
        .select(["business_system_code", "url"])
        .where("org_id", "=", orgId)
        .orderBy("business_system_code")
        .execute()
    ).map((r) => ({ businessSystemCode: r.business_system_code, url: r.url })); // plain objects for stringifyJson

  app.get("/sandbox/callbacks", async (req, reply) => {
    const caller = orgOnly(req, reply, "回调地址");
    if (!caller) return reply;
    return sendJson(reply, {
      success: true,
      errorCode: "0",
      message: "",
      data: await listEndpoints(caller.org.id),
    });
  });

  app.put("/sandbox/callbacks", { schema: { body: CALLBACK_ENDPOINT_BODY_SCHEMA } }, async (req, reply) => {
    const caller = orgOnly(req, reply, "回调地址");
    if (!caller) return reply;
    const body = req.body as { businessSystemCode: string; url: string };
    const problem = opts.checkCallbackUrl?.(body.url);
    if (problem) return refuse(req, reply, { ...problem, field: "url" });
    await withTxOrRollback(db, async (tx) => {
      const before = await tx
        .selectFrom("callback_endpoints")
        .selectAll()
        .where("org_id", "=", caller.org.id)
        .where("business_system_code", "=", body.businessSystemCode)
        .executeTakeFirst();
      if (before) {
        await tx
          .updateTable("callback_endpoints")
          .set({ url: body.url })
          .where("id", "=", before.id)
          .execute();
      } else {
        await tx
          .insertInto("callback_endpoints")
          .values({ org_id: caller.org.id, business_system_code: body.businessSystemCode, url: body.url })
          .execute();
      }
      await appendAudit(tx, {
        orgId: caller.org.id,
        actor: caller.user.username,
        entity: "callback_endpoints",
        entityId: body.businessSystemCode,
        action: before ? "update" : "create",
        before: before ? { url: before.url } : undefined,
        after: { url: body.url },
        at: clock.now(),
      });
    });
    return sendJson(reply, {
      success: true,
      errorCode: "0",
      message: "回调地址已保存",
      data: await listEndpoints(caller.org.id),
    });
  });
};
