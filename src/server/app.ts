/**
 * The gateway's HTTP face (Fastify): the invoice cloud's open-API paths, answered by the interface
 * registry (sandbox) or forwarded upstream (relay).
 *
 * This module builds the instance and keeps what every route shares, once: the exact JSON body parser
 * (UTF-8 only), CORS for the task pane, log lines without tokens or keys, and HTTP 200 with the
 * protocol envelope for every business refusal — malformed JSON, wrong types, unknown interfaceCode,
 * undecodable data, oversized body included (src/server/reply.ts). The routes are Fastify plugins,
 * each with its own hooks and tests (src/server/plugins/): health, auth (1.01/1.02/logout), the open
 * API (sim/rim) and the sandbox's admin surface — or the relay, in relay mode.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from "fastify";
import { JsonDecimal, JsonSyntaxError, isJsonObject, parseJsonExact } from "../gateway/json";
import { type Clock, SettableClock, systemClock as realClock } from "./clock";
import type { DbHandle } from "./db/connect";
import { authApiPlugin } from "./plugins/authApi";
import { SERVER_VERSION, healthPlugin } from "./plugins/health";
import { openApiPlugin } from "./plugins/openApi";
import { type SandboxAdminOptions, sandboxAdminPlugin } from "./plugins/sandboxAdmin";
import type { GatewaySettings } from "./plugins/shared";
import { typedView } from "./protocol/payload";
import { describeSchemaErrors, type SchemaError } from "./protocol/validation";
import { InterfaceRegistry } from "./registry";
import { type RelayOptions, registerRelay } from "./relay";
import {
  DETAIL_HEADER,
  type Family,
  type Refusing,
  type ReplyMode,
  familyOf,
  refusalEnvelope,
  replyStyleOf,
  sendJson,
} from "./reply";

export type { RelayOptions } from "./relay";
export type { ReplyMode } from "./reply";
export { SERVER_VERSION };

export type ServerMode = "sandbox" | "relay";

export const DEFAULT_BODY_LIMIT = 2 * 1024 * 1024;
/** The task pane's dev origin (webpack dev server, package.json config.dev_server_port). */
export const DEFAULT_CORS_ORIGINS: readonly string[] = ["https://localhost:3000"];

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
  /** Refuses a callback URL at registration (PUT /sandbox/callbacks); see src/server/callbackPolicy.ts. */
  readonly checkCallbackUrl?: SandboxAdminOptions["checkCallbackUrl"];
}

/** A URL with the value of an access_token query parameter replaced by `***` (for log lines). */
export function redactToken(url: string): string {
  return url.replace(/([?&]access[_-]token=)[^&#]*/gi, "$1***");
}

/** Request headers that carry a credential: never written to a log line. */
const SECRET_HEADERS = new Set([
  "access_token",
  "access-token",
  "authorization",
  "cookie",
  "proxy-authorization",
]);

/** Request headers for a log line, credentials replaced by `***`. */
export function redactHeaders(headers: FastifyRequest["headers"]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = SECRET_HEADERS.has(k.toLowerCase()) ? "***" : v;
  return out;
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

/** A refusal of the body's bytes before JSON parsing (charset, UTF-8), carried to the error handler. */
class BodyEncodingError extends Error {
  constructor(readonly refusal: Refusing) {
    super(refusal.code);
  }
}

/** The `charset` parameter of a Content-Type, lower-cased, or undefined. */
function charsetOf(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? "");
  return m?.[1].toLowerCase();
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * The body as text, only if it is UTF-8 (D9): the protocol is UTF-8 (§1.3). A `charset=gbk` body, or
 * bytes that are not UTF-8, would otherwise be read with U+FFFD in place of every 汉字 and stored so.
 */
function utf8Body(buf: Buffer, contentType: string | undefined): string {
  const charset = charsetOf(contentType);
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8")
    throw new BodyEncodingError({ code: "GW_UNSUPPORTED_CHARSET", params: { charset } });
  try {
    return UTF8.decode(buf);
  } catch {
    throw new BodyEncodingError({ code: "GW_BAD_UTF8", params: { position: firstBadUtf8Byte(buf) + 1 } });
  }
}

/** Offset of the first byte that is not well-formed UTF-8 (lenient decoding puts U+FFFD there). */
function firstBadUtf8Byte(buf: Buffer): number {
  const lenient = buf.toString("utf8");
  let offset = 0;
  for (const ch of lenient) {
    const n = Buffer.byteLength(ch, "utf8");
    // A real U+FFFD in the body is the three bytes EF BF BD; a replacement is anything else.
    if (ch === "\uFFFD" && !(buf[offset] === 0xef && buf[offset + 1] === 0xbf && buf[offset + 2] === 0xbd))
      return offset;
    offset += n;
  }
  return offset;
}

function mapFrameworkError(
  err: FastifyError & { validation?: SchemaError[] },
  family: Family,
  bodyLimit: number
): Refusing | undefined {
  if (err instanceof BodyEncodingError) return err.refusal;
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
  const replyMode = opts.replyMode ?? "vendor";
  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const corsOrigins = new Set(opts.corsOrigins ?? DEFAULT_CORS_ORIGINS);
  if (mode === "relay" && !opts.relay) throw new Error("relay mode needs relay.upstreamBaseUrl");
  const settings: GatewaySettings = {
    db: opts.db.db,
    dialect: opts.db.dialect,
    clock,
    wallClock: opts.wallClock ?? realClock,
    replyMode,
    registry: opts.registry ?? new InterfaceRegistry(),
  };

  const app = Fastify({
    // Tokens ride in the query string (§1.2) and in headers; the admin key in Authorization: no log
    // line carries any of them (D8). Only these serializers describe a request in a log line.
    logger: opts.logger
      ? {
          ...(typeof opts.logger === "object" ? opts.logger : {}),
          serializers: {
            req: (r: FastifyRequest) => ({
              method: r.method,
              url: redactToken(r.url),
              remoteAddress: r.ip,
              headers: redactHeaders(r.headers),
            }),
          },
          redact: { paths: ["req.headers.authorization", "req.headers.access_token"], censor: "***" },
        }
      : false,
    bodyLimit,
    // Wrong JSON types are refused, not coerced; union types are used on purpose (data: string|object).
    ajv: { customOptions: { coerceTypes: false, allowUnionTypes: true, multipleOfPrecision: 9 } },
  });

  // JSON bodies are parsed exactly: a raw (lenient) `data` object keeps its numbers' digits; the other
  // fields get plain JSON types so the body schema sees numbers as numbers. UTF-8 only.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (req, body, done) => {
    try {
      const text = utf8Body(body as Buffer, req.headers["content-type"]);
      if (text.trim() === "") throw new JsonSyntaxError("empty body", 0);
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
        reply.header("Access-Control-Allow-Methods", "GET, POST, PUT, OPTIONS");
        reply.header(
          "Access-Control-Allow-Headers",
          `Content-Type, access_token, Authorization, Accept, ${DETAIL_HEADER}`
        );
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
    const style = replyStyleOf(req, replyMode);
    const mapped = mapFrameworkError(err, family, bodyLimit);
    if (mapped) {
      if (mapped.code === "GW_UNSUPPORTED_MEDIA_TYPE")
        mapped.params = { contentType: req.headers["content-type"] ?? "（无）" };
      return sendJson(reply, refusalEnvelope(family, mapped, style));
    }
    req.log.error({ err }, "unhandled error");
    return sendJson(
      reply,
      refusalEnvelope(family, { code: "GW_INTERNAL_ERROR", params: { requestId: req.id } }, style),
      500
    );
  });

  app.setNotFoundHandler((req, reply) =>
    sendJson(
      reply,
      refusalEnvelope(
        familyOf(req.url),
        { code: "GW_ROUTE_NOT_FOUND", params: { method: req.method, url: req.url.split("?")[0] } },
        replyStyleOf(req, replyMode)
      ),
      404
    )
  );

  void app.register(healthPlugin, { settings, mode });
  if (mode === "relay") {
    // The relay forwards the same paths; the sandbox's admin surface does not exist here.
    registerRelay(app, opts.relay as RelayOptions, settings.db, clock, replyMode);
    return app;
  }
  void app.register(authApiPlugin, { settings });
  void app.register(openApiPlugin, { settings });
  void app.register(sandboxAdminPlugin, {
    settings,
    ...(opts.checkCallbackUrl ? { checkCallbackUrl: opts.checkCallbackUrl } : {}),
  });
  return app;
}
