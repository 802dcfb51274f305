/**
 * One callback POST under the URL policy (issue 11 D2): the URL is checked before anything happens,
 * every address DNS answers is checked inside the socket's own lookup (what is checked is what is
 * connected to), redirects are answers, never followed, and the whole exchange (connect, request,
 * answer) has one deadline and a size cap on the answer.
 */
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import {
  type CallbackPolicy,
  type CallbackUrlProblem,
  checkCallbackUrl,
  checkResolvedAddress,
} from "./callbackPolicy";

/** Connect + request + the whole answer (the protocol gives none; a receiver answers an ack at once). */
export const CALLBACK_TIMEOUT_MS = 5_000;
/** An ack is a few dozen bytes; more than this is read no further. */
export const CALLBACK_MAX_ANSWER_BYTES = 64 * 1024;

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** DNS for a callback host (all addresses); injectable so tests can point a name anywhere. */
export type CallbackResolver = (hostname: string, family: number) => Promise<readonly ResolvedAddress[]>;

const systemResolver: CallbackResolver = (hostname, family) =>
  dns.promises.lookup(hostname, { all: true, family });

/** The policy refused the URL or an address its host resolved to: nothing was sent. */
export class CallbackRefused extends Error {
  constructor(readonly problem: CallbackUrlProblem) {
    super(problem.refusal.message);
  }
}

export interface CallbackAnswer {
  readonly status: number;
  /** The first CALLBACK_MAX_ANSWER_BYTES of the body. */
  readonly text: string;
  /** The body was longer than the cap (the rest was not read). */
  readonly truncated: boolean;
  /** A 3xx's Location, reported, never visited. */
  readonly location?: string;
}

export interface PostOptions {
  readonly policy: CallbackPolicy;
  readonly timeoutMs?: number;
  readonly maxAnswerBytes?: number;
  readonly resolver?: CallbackResolver;
}

const familyHint = (f: dns.LookupOptions["family"]): number =>
  f === 6 || f === "IPv6" ? 6 : f === 4 || f === "IPv4" ? 4 : 0;

/** net's lookup hook: resolve, refuse if any answer is off limits, else connect to those answers. */
function guardedLookup(policy: CallbackPolicy, port: number, resolver: CallbackResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolver(hostname, familyHint(options.family)).then(
      (addresses) => {
        for (const a of addresses) {
          const p = checkResolvedAddress(a.address, a.family, policy, port, hostname);
          if (p) return callback(new CallbackRefused(p), "");
        }
        const first = addresses[0];
        if (!first) {
          const e: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          e.code = "ENOTFOUND";
          return callback(e, "");
        }
        if (options.all) return callback(null, [...addresses]);
        return callback(null, first.address, first.family);
      },
      (e: NodeJS.ErrnoException) => callback(e, "")
    );
  };
}

export function postCallback(url: string, body: string, opts: PostOptions): Promise<CallbackAnswer> {
  const refused = checkCallbackUrl(url, opts.policy);
  if (refused) return Promise.reject(new CallbackRefused(refused));
  const u = new URL(url);
  const port = u.port !== "" ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
  const timeoutMs = opts.timeoutMs ?? CALLBACK_TIMEOUT_MS;
  const cap = opts.maxAnswerBytes ?? CALLBACK_MAX_ANSWER_BYTES;
  return new Promise<CallbackAnswer>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      f();
    };
    const req = (u.protocol === "https:" ? https : http).request(
      u,
      {
        method: "POST",
        headers: {
          "content-type": "application/json;charset=UTF-8",
          "content-length": Buffer.byteLength(body),
        },
        // A fresh connection each time: a kept-alive socket would outlive the dispatcher's stop().
        agent: false,
        lookup: guardedLookup(opts.policy, port, opts.resolver ?? systemResolver),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const answer = (truncated: boolean): CallbackAnswer => {
          const location = res.headers.location;
          return {
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString("utf8"),
            truncated,
            ...(location ? { location } : {}),
          };
        };
        res.on("data", (c: Buffer) => {
          if (settled) return;
          if (size + c.length > cap) {
            chunks.push(c.subarray(0, cap - size));
            settle(() => resolve(answer(true)));
            res.destroy();
            return;
          }
          chunks.push(c);
          size += c.length;
        });
        res.on("end", () => settle(() => resolve(answer(false))));
        res.on("error", (e) => settle(() => reject(e)));
      }
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`回调超时（${timeoutMs} 毫秒内未完成应答）`)),
      timeoutMs
    );
    req.on("error", (e) => settle(() => reject(e)));
    req.end(body);
  });
}
