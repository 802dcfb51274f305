/**
 * How the gateway answers (piaozone-api §1.5): the refusal envelope per endpoint family and reply mode.
 *
 * - `vendor` (the default): as the invoice cloud answers — `errorCode` is the vendor's code where one is
 *   known (10127 duplicate serial, 401 token; VENDOR_REPLY_CODES in src/gateway/assumptions.ts, evidence
 *   in ASSUMPTIONS.md V1–V3), `status` beside `success`, the message in Chinese. Our own stable refusal
 *   code, its params and the field it names (`refusalCode`, `refusalParams`, `refusalField`) are added
 *   only when the caller asks with the DETAIL_HEADER (the add-in does; a third-party client never sees them).
 * - `hc`: `errorCode` is our refusal code and the extension fields are always there (debugging, old tests).
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { type Endpoint, ENDPOINT_PATHS } from "../gateway/interfaces";
import { stringifyJson } from "../gateway/json";
import { firstDataPath } from "../gateway/errors";
import { failureEnvelope } from "../gateway/protocol";
import { DETAIL_HEADER, VENDOR_REPLY_CODES } from "../gateway/assumptions";
import { type RefusalCode, type RefusalParams, refusalMessage } from "../domain/refusals";

export { DETAIL_HEADER };

export type ReplyMode = "vendor" | "hc";
export type Family = Endpoint | "auth";

/** How one request is answered: the server's mode, and whether the caller asked for our detail. */
export interface ReplyStyle {
  readonly mode: ReplyMode;
  readonly detail: boolean;
}

export interface Refusing {
  code: RefusalCode;
  params?: RefusalParams;
  /** The `data` path the refusal concerns (Refusal.field), sent as `refusalField`. */
  field?: string;
}

export function familyOf(url: string): Family {
  if (url.startsWith("/api/")) return "auth";
  if (url.startsWith(ENDPOINT_PATHS.rim)) return "rim";
  return "sim";
}

/** The reply style of a request: detail when the mode is `hc` or the caller sent DETAIL_HEADER: 1. */
export function replyStyleOf(req: FastifyRequest, mode: ReplyMode): ReplyStyle {
  const h = req.headers[DETAIL_HEADER];
  const asked = (Array.isArray(h) ? h[0] : h)?.trim() === "1";
  return { mode, detail: mode === "hc" || asked };
}

/** The vendor's errorCode for one of our refusal codes (VENDOR_REPLY_CODES; `failure` where none is known). */
export function vendorErrorCode(code: RefusalCode): string {
  if (code === "GW_DUPLICATE_SERIAL") return VENDOR_REPLY_CODES.duplicateSerial;
  if (code === "GW_TOKEN_MISSING" || code === "GW_TOKEN_INVALID" || code === "GW_TOKEN_EXPIRED")
    return VENDOR_REPLY_CODES.tokenInvalid;
  return VENDOR_REPLY_CODES.failure;
}

/**
 * The envelope of a refusal in the family's shape (auth replies also carry the 1.01 `data` block).
 * `errorCode` given by a handler (an answer whose code the protocol fixes, e.g. 2.1.04 awaiting
 * confirmation) wins in both modes.
 */
export function refusalEnvelope(
  family: Family,
  r: Refusing,
  style: ReplyStyle,
  data?: unknown,
  errorCode?: string
): Record<string, unknown> {
  const message = refusalMessage(r.code, r.params);
  const code = errorCode ?? (style.mode === "vendor" ? vendorErrorCode(r.code) : r.code);
  // A handler's check that names the path in its wording (`data.invoiceDetail[0].taxAmount 与 …`)
  // but did not set the field still tells the client which field it is.
  const field = r.field ?? (family === "auth" ? undefined : firstDataPath(message));
  const env = failureEnvelope(code, message, {
    ...(data === undefined ? {} : { data }),
    ...(style.detail
      ? {
          refusalCode: r.code,
          ...(r.params ? { refusalParams: r.params } : {}),
          ...(field ? { refusalField: field } : {}),
        }
      : {}),
  });
  if (family !== "auth") return env;
  return {
    ...env,
    data: { success: false, error_code: code, error_desc: message },
    state: "fail",
    status: false,
  };
}

export function sendJson(reply: FastifyReply, body: unknown, status = 200): FastifyReply {
  return reply.code(status).type("application/json; charset=utf-8").send(stringifyJson(body));
}
