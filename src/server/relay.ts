/**
 * Relay mode: the invoice cloud's paths, forwarded to the real service (`hongchong serve --relay URL`).
 */
import { Transform, type TransformCallback } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AUTH_PATHS, ENDPOINT_PATHS } from "../gateway/interfaces";
import { isJsonObject, stringifyJson } from "../gateway/json";
import { extensionByCode } from "../gateway/extensions";
import type { Clock } from "./clock";
import { type Db, appendAudit } from "./db/tx";
import { DETAIL_HEADER, type ReplyMode, familyOf, refusalEnvelope, replyStyleOf, sendJson } from "./reply";

export interface RelayOptions {
  /** The tenant base URL of the real invoice cloud (piaozone-api §1.1), e.g. https://…/tenant. */
  readonly upstreamBaseUrl: string;
  readonly timeoutMs?: number;
}

/**
 * The request body's bytes as the client sent them, recorded while the JSON parser reads the stream.
 * The parsed body decides only whether we forward (HC.* refused, audit fields); what goes upstream is
 * these bytes, so digits, key order, spacing and the exact `data` text reach the cloud unchanged.
 */
const rawBodies = new WeakMap<FastifyRequest, Buffer[]>();

function recordBody(req: FastifyRequest, limit: number): Transform {
  const chunks: Buffer[] = [];
  let size = 0;
  rawBodies.set(req, chunks);
  return new Transform({
    transform(chunk: Buffer | string, _enc: BufferEncoding, cb: TransformCallback) {
      const b = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      size += b.length;
      // Past the limit the parser refuses the body (GW_BODY_TOO_LARGE); keep no more of it.
      if (size <= limit) chunks.push(b);
      cb(null, b);
    },
  });
}

/** Request headers the upstream reads: the token (both documented spellings) and our detail header. */
const FORWARDED_HEADERS = ["access_token", "access-token", DETAIL_HEADER] as const;

/**
 * Relay mode: every call is audited (path, interfaceCode, requestId, HTTP status, errorCode and the
 * upstream's refusalCode — never tokens, credentials or `data`). Our HC.* extensions exist only in the
 * sandbox: a relayed request for one is refused with GW_SANDBOX_ONLY before anything goes upstream.
 */
export function registerRelay(
  app: FastifyInstance,
  relay: RelayOptions,
  db: Db,
  clock: Clock,
  mode: ReplyMode
): void {
  const base = relay.upstreamBaseUrl.replace(/\/+$/, "");
  // The audited upstream: no user:password@ of a URL, should one have been configured.
  const upstreamForAudit = (() => {
    try {
      const u = new URL(base);
      u.username = "";
      u.password = "";
      return u.toString().replace(/\/+$/, "");
    } catch {
      return "";
    }
  })();
  const bodyLimit = app.initialConfig.bodyLimit ?? 1024 * 1024;
  const audit = async (
    req: FastifyRequest,
    path: string,
    after: { status: number | null; errorCode?: string; refusalCode?: string; detail?: string }
  ) => {
    const body = isJsonObject(req.body) ? req.body : {};
    const interfaceCode = typeof body.interfaceCode === "string" ? body.interfaceCode.trim() : "";
    try {
      await appendAudit(db, {
        orgId: null,
        actor: "relay",
        entity: "relay",
        entityId: typeof body.requestId === "string" ? body.requestId : req.id,
        action: interfaceCode || path,
        after: { path, interfaceCode, upstream: upstreamForAudit, ...after },
        at: clock.now(),
      });
    } catch (e) {
      req.log.error({ err: e }, "relay audit failed");
    }
  };
  const forward = async (req: FastifyRequest, reply: FastifyReply) => {
    const family = familyOf(req.url);
    const query = req.url.includes("?") ? req.url.slice(req.url.indexOf("?")) : "";
    const path = req.url.split("?")[0];
    if (family !== "auth" && isJsonObject(req.body) && typeof req.body.interfaceCode === "string") {
      const ext = extensionByCode(req.body.interfaceCode);
      if (ext) {
        await audit(req, path, { status: null, refusalCode: "GW_SANDBOX_ONLY" });
        return sendJson(reply, refusalEnvelope(family, { code: "GW_SANDBOX_ONLY" }, replyStyleOf(req, mode)));
      }
    }
    const headers: Record<string, string> = {
      "content-type": req.headers["content-type"] ?? "application/json;charset=UTF-8",
    };
    for (const h of FORWARDED_HEADERS) {
      const v = req.headers[h];
      if (typeof v === "string") headers[h] = v;
    }
    const chunks = rawBodies.get(req);
    const body = chunks && chunks.length > 0 ? Buffer.concat(chunks) : stringifyJson(req.body ?? {});
    try {
      const res = await fetch(base + path + query, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(relay.timeoutMs ?? 30_000),
      });
      const answer = Buffer.from(await res.arrayBuffer());
      let errorCode: string | undefined;
      let refusalCode: string | undefined;
      try {
        const parsed = JSON.parse(answer.toString("utf8")) as {
          errorCode?: unknown;
          refusalCode?: unknown;
          data?: { error_code?: unknown };
        };
        const code = parsed.errorCode ?? parsed.data?.error_code;
        if (code !== undefined && code !== null) errorCode = String(code);
        if (typeof parsed.refusalCode === "string") refusalCode = parsed.refusalCode;
      } catch {
        // not JSON: audited without a code
      }
      await audit(req, path, {
        status: res.status,
        ...(errorCode !== undefined ? { errorCode } : {}),
        ...(refusalCode !== undefined ? { refusalCode } : {}),
      });
      return reply
        .code(res.status)
        .type(res.headers.get("content-type") ?? "application/json")
        .send(answer);
    } catch (e) {
      let detail = e instanceof Error ? e.message : String(e);
      // A transport error never carries the caller's token into the audit or the answer.
      for (const h of ["access_token", "access-token"]) {
        const t = headers[h];
        if (t) detail = detail.split(t).join("***");
      }
      const q = new URLSearchParams(query).get("access_token");
      if (q) detail = detail.split(q).join("***");
      await audit(req, path, { status: null, refusalCode: "GW_RELAY_FAILED", detail });
      return sendJson(
        reply,
        refusalEnvelope(family, { code: "GW_RELAY_FAILED", params: { detail } }, replyStyleOf(req, mode))
      );
    }
  };
  for (const p of [
    AUTH_PATHS.appToken,
    AUTH_PATHS.login,
    AUTH_PATHS.logout,
    ENDPOINT_PATHS.sim,
    ENDPOINT_PATHS.rim,
  ]) {
    app.post(
      p,
      {
        preParsing: async (req, _reply, payload) => {
          const recorder = recordBody(req, bodyLimit);
          payload.on("error", (e) => recorder.destroy(e)); // an aborted upload fails the parse, as before
          return payload.pipe(recorder);
        },
      },
      forward
    );
  }
}
