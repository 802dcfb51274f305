/**
 * The gateway's HTTP face (Fastify): the invoice cloud's open-API paths, answered by the interface
 * registry (sandbox) or forwarded upstream (relay).
 *
 * Protocol rules kept here, once: HTTP 200 with the protocol envelope for every business refusal —
 * malformed JSON, wrong types, unknown interfaceCode, undecodable data, oversized body included —
 * with `errorCode` = our stable refusal code, `refusalCode` = the same, `message` in Chinese, and
 * `refusalField` = the `data` path it concerns when it names one (so the add-in can mark that cell).
 */
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import pkg from "../../package.json";
import { type Endpoint, ENDPOINT_PATHS, AUTH_PATHS, isDocumentedInterface } from "../gateway/interfaces";
import { JsonDecimal, JsonSyntaxError, isJsonObject, parseJsonExact } from "../gateway/json";
import { numbersAsDocumentedText } from "../gateway/schemas/coerce";
import { successEnvelope } from "../gateway/protocol";
import { authenticate, issueAppToken, login, logout } from "./auth";
import {
  type Clock,
  SettableClock,
  chinaDateTime,
  parseChinaDateTime,
  systemClock as realClock,
} from "./clock";
import { type Caller, type RequestInfo, buildContext, orgCodec } from "./context";
import { type DbHandle, pingDatabase } from "./db/connect";
import { RollbackWith, appendAudit, withTxOrRollback } from "./db/tx";
import { runIdempotent } from "./idempotency";
import { decodeRequestData, encodeResponseData, exactView, requestHash, typedView } from "./protocol/payload";
import {
  APP_TOKEN_BODY_SCHEMA,
  CALLBACK_ENDPOINT_BODY_SCHEMA,
  CLOCK_BODY_SCHEMA,
  ENVELOPE_BODY_SCHEMA,
  LOGIN_BODY_SCHEMA,
  LOGOUT_BODY_SCHEMA,
} from "./protocol/schemas";
import { describeSchemaErrors, schemaErrorField, type SchemaError } from "./protocol/validation";
import {
  DEFAULT_ORG_TAX_ID_FIELDS,
  type InterfaceHandler,
  InterfaceRegistry,
  type Outcome,
  refuse as refuseOutcome,
} from "./registry";
import { type RelayOptions, registerRelay } from "./relay";
import {
  DETAIL_HEADER,
  type Family,
  type Refusing,
  type ReplyMode,
  type ReplyStyle,
  familyOf,
  refusalEnvelope,
  replyStyleOf,
  sendJson,
} from "./reply";

export type { RelayOptions } from "./relay";
export type { ReplyMode } from "./reply";

export type ServerMode = "sandbox" | "relay";

export const DEFAULT_BODY_LIMIT = 2 * 1024 * 1024;
/** The task pane's dev origin (webpack dev server, package.json config.dev_server_port). */
export const DEFAULT_CORS_ORIGINS: readonly string[] = ["https://localhost:3000"];
export const SERVER_VERSION: string = pkg.version;

export interface BuildServerOptions {
  readonly db: DbHandle;
  /** Default: a SettableClock running with real time (movable through /sandbox/clock in sandbox mode). */
  readonly clock?: Clock;
  /**
   * The wall clock: token lifetimes (`expire_time`) and token checks, which a client compares with its
   * own clock. Default: real time. `clock` above is business time only (form deadlines, invoice dates).
   */
  readonly wallClock?: Clock;
  readonly mode?: ServerMode;
  /** How refusals are answered (src/server/reply.ts). Default: `vendor`. */
  readonly replyMode?: ReplyMode;
  /** The interfaces served in sandbox mode. Default: an empty registry (serve.ts passes the sandbox's). */
  readonly registry?: InterfaceRegistry;
  readonly bodyLimit?: number;
  /** Allowed browser origins; "*" allows any. */
  readonly corsOrigins?: readonly string[];
  readonly logger?: boolean | { level: string; stream?: { write(line: string): void } };
  readonly relay?: RelayOptions;
}

/** A URL with the value of an access_token query parameter replaced by `***` (for log lines). */
export function redactToken(url: string): string {
  return url.replace(/([?&]access[_-]token=)[^&#]*/gi, "$1***");
}

/** access_token from the query string (documented) or the header (also documented). */
function presentedToken(req: FastifyRequest): string | undefined {
  const q = (req.query as Record<string, unknown> | undefined)?.access_token;
  if (typeof q === "string" && q !== "") return q;
  const h = req.headers["access_token"] ?? req.headers["access-token"];
  if (typeof h === "string" && h !== "") return h;
  return undefined;
}

/**
 * Top-level body fields the protocol documents as strings (envelope §1.3, auth §1.2): a JSON number
 * there is read as its text, as the vendor does (`"requestId": 1733212345` from a PHP client; V7).
 */
const TEXT_BODY_FIELDS = new Set([
  "requestId",
  "businessSystemCode",
  "interfaceCode",
  "appId",
  "accountId",
  "tenantid",
  "user",
]);

/** The parsed body as the schema should see it: JS types everywhere except inside `data`. */
function bodyView(parsed: unknown): unknown {
  if (!isJsonObject(parsed)) return typedView(parsed);
  const { data, ...rest } = parsed;
  for (const k of Object.keys(rest))
    if (TEXT_BODY_FIELDS.has(k) && rest[k] instanceof JsonDecimal) rest[k] = (rest[k] as JsonDecimal).text;
  const view = typedView(rest) as Record<string, unknown>;
  return "data" in parsed ? { ...view, data } : view;
}

/** The first payload field naming an enterprise other than the caller's, if any. */
function foreignTaxId(data: unknown, fields: readonly string[], ownTaxId: string): string | undefined {
  const items = Array.isArray(data) ? data : [data];
  for (const item of items) {
    if (!isJsonObject(item)) continue;
    for (const f of fields) {
      const v = item[f];
      if (typeof v === "string" && v.trim() !== "" && v.trim().toUpperCase() !== ownTaxId) return v;
    }
  }
  return undefined;
}

function mapFrameworkError(
  err: FastifyError & { validation?: SchemaError[] },
  family: Family,
  bodyLimit: number
): Refusing | undefined {
  if (err instanceof JsonSyntaxError || err.code === "FST_ERR_CTP_EMPTY_JSON_BODY") {
    const detail =
      err instanceof JsonSyntaxError
        ? err.position === 0 && err.message.startsWith("empty")
          ? "请求体为空"
          : `第 ${err.position} 个字符附近有语法错误（${err.message.replace(/ at position \d+$/, "")}）`
        : "请求体为空";
    return { code: "GW_BAD_JSON", params: { detail } };
  }
  if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE" || err.statusCode === 413) {
    return { code: "GW_BODY_TOO_LARGE", params: { limit: bodyLimit } };
  }
  if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE" || err.statusCode === 415) {
    return { code: "GW_UNSUPPORTED_MEDIA_TYPE", params: { contentType: "未知" } };
  }
  if (err.code === "FST_ERR_CTP_INVALID_CONTENT_LENGTH") {
    return { code: "GW_BAD_JSON", params: { detail: "Content-Length 与实际长度不符" } };
  }
  if (err.validation) {
    const detail = describeSchemaErrors(err.validation, "");
    return family === "auth"
      ? { code: "GW_VALIDATION", params: { detail } }
      : { code: "GW_BAD_ENVELOPE", params: { detail } };
  }
  return undefined;
}

export function buildServer(opts: BuildServerOptions): FastifyInstance {
  const mode = opts.mode ?? "sandbox";
  const clock = opts.clock ?? new SettableClock();
  const wallClock = opts.wallClock ?? realClock;
  const replyMode = opts.replyMode ?? "vendor";
  const styleOf = (req: FastifyRequest): ReplyStyle => replyStyleOf(req, replyMode);
  const registry = opts.registry ?? new InterfaceRegistry();
  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const corsOrigins = new Set(opts.corsOrigins ?? DEFAULT_CORS_ORIGINS);
  const { db, dialect } = opts.db;
  if (mode === "relay" && !opts.relay) throw new Error("relay mode needs relay.upstreamBaseUrl");

  const app = Fastify({
    // The access_token rides in the query string (§1.2): request log lines show the URL without it.
    logger: opts.logger
      ? {
          ...(typeof opts.logger === "object" ? opts.logger : {}),
          serializers: {
            req: (r: FastifyRequest) => ({ method: r.method, url: redactToken(r.url), remoteAddress: r.ip }),
          },
        }
      : false,
    bodyLimit,
    // Wrong JSON types are refused, not coerced; union types are used on purpose (data: string|object).
    ajv: { customOptions: { coerceTypes: false, allowUnionTypes: true, multipleOfPrecision: 9 } },
  });

  // JSON bodies are parsed exactly: a raw (lenient) `data` object keeps its numbers' digits; the other
  // fields get plain JSON types so the body schema sees numbers as numbers.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === "") {
      done(new JsonSyntaxError("empty body", 0), undefined);
      return;
    }
    try {
      done(null, bodyView(parseJsonExact(text, { numbers: "decimal" })));
    } catch (e) {
      done(e as Error, undefined);
    }
  });

  // CORS for the task pane (no @fastify/cors: four headers and a preflight answer).
  app.addHook("onRequest", async (req, reply) => {
    const origin = req.headers.origin;
    if (origin && (corsOrigins.has("*") || corsOrigins.has(origin))) {
      reply.header("Access-Control-Allow-Origin", origin);
      reply.header("Vary", "Origin");
      if (req.method === "OPTIONS") {
        reply.header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        reply.header("Access-Control-Allow-Headers", `Content-Type, access_token, Accept, ${DETAIL_HEADER}`);
        reply.header("Access-Control-Max-Age", "600");
        // Chrome's Private Network Access: an https page calling a loopback server asks first.
        if (req.headers["access-control-request-private-network"] === "true") {
          reply.header("Access-Control-Allow-Private-Network", "true");
        }
      }
    }
    if (req.method === "OPTIONS") return reply.code(204).send();
  });

  app.setErrorHandler((err: FastifyError & { validation?: SchemaError[] }, req, reply) => {
    const family = familyOf(req.url);
    const mapped = mapFrameworkError(err, family, bodyLimit);
    if (mapped) {
      if (mapped.code === "GW_UNSUPPORTED_MEDIA_TYPE")
        mapped.params = { contentType: req.headers["content-type"] ?? "（无）" };
      return sendJson(reply, refusalEnvelope(family, mapped, styleOf(req)));
    }
    req.log.error({ err }, "unhandled error");
    return sendJson(
      reply,
      refusalEnvelope(family, { code: "GW_INTERNAL_ERROR", params: { requestId: req.id } }, styleOf(req)),
      500
    );
  });

  app.setNotFoundHandler((req, reply) =>
    sendJson(
      reply,
      refusalEnvelope(
        familyOf(req.url),
        { code: "GW_ROUTE_NOT_FOUND", params: { method: req.method, url: req.url.split("?")[0] } },
        styleOf(req)
      ),
      404
    )
  );

  app.get("/health", async (_req, reply) => {
    const dbOk = await pingDatabase(db);
    return sendJson(
      reply,
      {
        ok: dbOk,
        db: dbOk ? "ok" : "down",
        dialect,
        mode,
        version: SERVER_VERSION,
        now: clock.now(),
      },
      dbOk ? 200 : 503
    );
  });

  if (mode === "relay") {
    registerRelay(app, opts.relay as RelayOptions, db, clock, replyMode);
    return app;
  }

  // ── auth (1.01, 1.02, logout) ──────────────────────────────────────────────────

  const authReply = (
    reply: FastifyReply,
    field: "app_token" | "access_token",
    token: string,
    expireTime: number
  ) =>
    sendJson(reply, {
      data: { [field]: token, success: true, error_desc: "", expire_time: expireTime, error_code: "0" },
      state: "success",
      status: true,
      errorCode: "0",
      success: true,
      message: "",
    });

  app.post(AUTH_PATHS.appToken, { schema: { body: APP_TOKEN_BODY_SCHEMA } }, async (req, reply) => {
    const body = req.body as { appId: string; appSecret: string; accountId: string };
    const r = await issueAppToken(db, body, wallClock.now());
    if (!r.ok)
      return sendJson(
        reply,
        refusalEnvelope("auth", { code: r.code, ...(r.params ? { params: r.params } : {}) }, styleOf(req))
      );
    return authReply(reply, "app_token", r.value.token, r.value.expireTime);
  });

  app.post(AUTH_PATHS.login, { schema: { body: LOGIN_BODY_SCHEMA } }, async (req, reply) => {
    const body = req.body as {
      user: string;
      apptoken: string;
      accountId: string;
      /** Optional on the wire: an absent usertype means UserName (a public PHP client omits it). */
      usertype?: "UserName" | "Mobile";
    };
    const r = await login(db, { ...body, usertype: body.usertype ?? "UserName" }, wallClock.now());
    if (!r.ok)
      return sendJson(
        reply,
        refusalEnvelope("auth", { code: r.code, ...(r.params ? { params: r.params } : {}) }, styleOf(req))
      );
    return authReply(reply, "access_token", r.value.token, r.value.expireTime);
  });

  app.post(AUTH_PATHS.logout, { schema: { body: LOGOUT_BODY_SCHEMA } }, async (req, reply) => {
    const token = (req.body as { access_token?: string } | undefined)?.access_token || presentedToken(req);
    if (!token) return sendJson(reply, refusalEnvelope("auth", { code: "GW_TOKEN_MISSING" }, styleOf(req)));
    await logout(db, token, wallClock.now());
    return sendJson(reply, {
      data: { success: true, error_code: "0", error_desc: "" },
      state: "success",
      status: true,
      errorCode: "0",
      success: true,
      message: "",
    });
  });

  // ── the open API (sim / rim) ───────────────────────────────────────────────────

  const openApi = (endpoint: Endpoint) => async (req: FastifyRequest, reply: FastifyReply) => {
    const style = styleOf(req);
    const refuse = (r: Refusing) => sendJson(reply, refusalEnvelope(endpoint, r, style));
    const now = clock.now();
    const auth = await authenticate(db, presentedToken(req), wallClock.now());
    if (!auth.ok) return refuse({ code: auth.code });
    const caller = auth.value;
    const body = req.body as {
      requestId: string;
      businessSystemCode: string;
      interfaceCode: string;
      data: unknown;
    };
    const interfaceCode = body.interfaceCode.trim();

    const handler = registry.get(interfaceCode);
    if (!handler) {
      return refuse({
        code: isDocumentedInterface(interfaceCode) ? "GW_NOT_IMPLEMENTED" : "GW_UNKNOWN_INTERFACE",
        params: { interfaceCode },
      });
    }
    if (handler.endpoint !== endpoint) {
      return refuse({
        code: "GW_WRONG_ENDPOINT",
        params: { interfaceCode, path: ENDPOINT_PATHS[handler.endpoint] },
      });
    }

    const codec = orgCodec(caller.org);
    const decoded = await decodeRequestData(body.data, codec);
    if (!decoded.ok) {
      if (decoded.reason === "absent")
        return refuse({ code: "GW_BAD_ENVELOPE", params: { detail: "data 不能为空" } });
      return refuse({
        code: "GW_BAD_DATA_ENCODING",
        params: {
          detail:
            decoded.reason === "notEncrypted"
              ? "本组织的数据加密方式为 AES，data 须为 AES 密文，不接受未加密的 base64 或 JSON（请检查接入配置的加密方式）"
              : codec.encoding === "aes"
                ? "不是用本组织 AES 密钥加密的 JSON"
                : "不是 base64 编码的 UTF-8 JSON",
        },
      });
    }
    const value = numbersAsDocumentedText(handler.dataSchema, decoded.value);
    const validate = req.compileValidationSchema(handler.dataSchema);
    if (!validate(typedView(value))) {
      const detail = describeSchemaErrors(validate.errors as SchemaError[], "data");
      const field = schemaErrorField(validate.errors as SchemaError[]);
      return refuse({ code: "GW_VALIDATION", params: { detail }, ...(field ? { field } : {}) });
    }
    const data = exactView(value);
    const foreign = foreignTaxId(
      data,
      handler.orgTaxIdFields ?? DEFAULT_ORG_TAX_ID_FIELDS,
      caller.org.tax_id
    );
    if (foreign !== undefined) return refuse({ code: "GW_FORBIDDEN_ORG", params: { taxNo: foreign } });

    const executed = await execute(
      handler,
      caller,
      { requestId: body.requestId, businessSystemCode: body.businessSystemCode, interfaceCode, reply: style },
      data,
      now
    );
    // The vendor answers a serialNo it has seen with 10127, whatever the body (V9): the caller
    // queries by that serial. `hc` mode replays the recorded answer instead.
    const outcome: Outcome =
      executed.replayed &&
      replyMode === "vendor" &&
      !(executed.outcome.ok === false && executed.outcome.refusal.code === "GW_DUPLICATE_SERIAL")
        ? refuseOutcome("GW_DUPLICATE_SERIAL", { serialNo: executed.key ?? "" })
        : executed.outcome;
    const encode = handler.encodeResponse ?? true;
    const payload = await encodeResponseData(outcome.data, codec, encode);
    if (outcome.ok) {
      const env = successEnvelope(endpoint, payload, outcome.message ?? "");
      // 2.1.13 documents `success` as a string ("true"); V10.
      if (replyMode === "vendor" && handler.successAsText) env.success = "true";
      return sendJson(reply, env);
    }
    const r = outcome.refusal;
    return sendJson(
      reply,
      refusalEnvelope(
        endpoint,
        { code: r.code, ...(r.params ? { params: r.params } : {}), ...(r.field ? { field: r.field } : {}) },
        style,
        payload,
        outcome.errorCode
      )
    );
  };

  async function execute(
    handler: InterfaceHandler<unknown>,
    caller: Caller,
    request: RequestInfo,
    data: unknown,
    now: number
  ): Promise<{ outcome: Outcome; replayed: boolean; key?: string }> {
    const run = (tx: Parameters<typeof buildContext>[0]["tx"]) =>
      handler.handle(buildContext({ tx, caller, request, clock, now, dialect, registry }), data);
    const key = handler.idempotencyKey?.(data);
    if (key !== undefined && key !== "") {
      const r = await runIdempotent(
        db,
        {
          orgId: caller.org.id,
          serialNo: key,
          interfaceCode: request.interfaceCode,
          requestHash: requestHash(request.interfaceCode, data),
        },
        now,
        run
      );
      return { outcome: r.outcome, replayed: r.replayed, key };
    }
    const outcome = await withTxOrRollback<Outcome>(db, async (tx) => {
      const o = await run(tx);
      if (!o.ok && !o.keep) throw new RollbackWith(o);
      return o;
    });
    return { outcome, replayed: false };
  }

  app.post(ENDPOINT_PATHS.sim, { schema: { body: ENVELOPE_BODY_SCHEMA } }, openApi("sim"));
  app.post(ENDPOINT_PATHS.rim, { schema: { body: ENVELOPE_BODY_SCHEMA } }, openApi("rim"));

  // ── sandbox admin: move the clock ─────────────────────────────────────────────

  const clockState = () => ({
    now: clock.now(),
    iso: new Date(clock.now()).toISOString(),
    china: chinaDateTime(clock.now()),
    frozen: clock instanceof SettableClock ? clock.frozen : false,
  });
  app.get("/sandbox/clock", async (_req, reply) =>
    sendJson(reply, { success: true, errorCode: "0", message: "", data: clockState() })
  );
  app.post("/sandbox/clock", { schema: { body: CLOCK_BODY_SCHEMA } }, async (req, reply) => {
    if (!(clock instanceof SettableClock))
      return sendJson(reply, refusalEnvelope("sim", { code: "GW_SANDBOX_ONLY" }, styleOf(req)));
    const body = req.body as { advanceMs?: number; set?: number | string; frozen?: boolean };
    if (body.set !== undefined) {
      const at = typeof body.set === "string" ? parseInstant(body.set) : body.set;
      if (at === undefined || !Number.isSafeInteger(at)) {
        return sendJson(
          reply,
          refusalEnvelope(
            "sim",
            {
              code: "GW_VALIDATION",
              params: { detail: "set 须为毫秒时间戳、ISO 时间或 yyyy-MM-dd HH:mm:ss（北京时间）" },
            },
            styleOf(req)
          )
        );
      }
      clock.set(at);
    }
    if (body.advanceMs !== undefined) clock.advance(body.advanceMs);
    if (body.frozen === true) clock.freeze();
    if (body.frozen === false) clock.unfreeze();
    return sendJson(reply, { success: true, errorCode: "0", message: "", data: clockState() });
  });

  // ── sandbox admin: callback registration (what 发票云's 系统管理 → 业务系统 does) ──────────────

  if (mode === "sandbox") {
    /** The caller's org from its access_token, or the refusal envelope already sent. */
    const callerOrg = async (req: FastifyRequest, reply: FastifyReply) => {
      const auth = await authenticate(db, presentedToken(req), wallClock.now());
      if (auth.ok) return auth.value;
      await sendJson(reply, refusalEnvelope("sim", { code: auth.code }, styleOf(req)));
      return undefined;
    };
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
      const caller = await callerOrg(req, reply);
      if (!caller) return reply;
      return sendJson(reply, {
        success: true,
        errorCode: "0",
        message: "",
        data: await listEndpoints(caller.org.id),
      });
    });
    app.put("/sandbox/callbacks", { schema: { body: CALLBACK_ENDPOINT_BODY_SCHEMA } }, async (req, reply) => {
      const caller = await callerOrg(req, reply);
      if (!caller) return reply;
      const body = req.body as { businessSystemCode: string; url: string };
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
  }

  return app;
}

/** An ISO instant (with zone) or a China-time `yyyy-MM-dd[ HH:mm:ss]`. */
function parseInstant(s: string): number | undefined {
  const china = parseChinaDateTime(s);
  if (china !== undefined) return china;
  if (!/[zZ]|[+-]\d{2}:?\d{2}$/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}
