/**
 * What every route plugin of the gateway shares: the server's settings (`GatewaySettings`, built once by
 * buildServer), the token a request presents, and answering a refusal in the request's reply style.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Clock } from "../clock";
import type { DbHandle } from "../db/connect";
import type { InterfaceRegistry } from "../registry";
import {
  type Family,
  type Refusing,
  type ReplyMode,
  refusalEnvelope,
  replyStyleOf,
  sendJson,
} from "../reply";

export interface GatewaySettings {
  readonly db: DbHandle["db"];
  readonly dialect: DbHandle["dialect"];
  /** Business (story) time: form deadlines, invoice dates, callbacks' schedule. */
  readonly clock: Clock;
  /** Token lifetimes and checks (a client compares them with its own clock). */
  readonly wallClock: Clock;
  readonly replyMode: ReplyMode;
  readonly registry: InterfaceRegistry;
}

/** access_token from the query string (documented) or the header (also documented). */
export function presentedToken(req: FastifyRequest): string | undefined {
  const q = (req.query as Record<string, unknown> | undefined)?.access_token;
  if (typeof q === "string" && q !== "") return q;
  const h = req.headers["access_token"] ?? req.headers["access-token"];
  if (typeof h === "string" && h !== "") return h;
  return undefined;
}

/** Send the refusal envelope of `family` in the request's reply style. */
export function sendRefusal(
  settings: Pick<GatewaySettings, "replyMode">,
  req: FastifyRequest,
  reply: FastifyReply,
  family: Family,
  r: Refusing,
  status = 200
): FastifyReply {
  return sendJson(reply, refusalEnvelope(family, r, replyStyleOf(req, settings.replyMode)), status);
}
