/**
 * Relay-mode test plumbing: a relay gateway (`buildServer({ mode: "relay" })`) on loopback with its own
 * database, and a recording tap — a plain HTTP pass-through that keeps every request and answer as
 * bytes — to put on either side of the relay and compare what the client sent with what went upstream.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { buildServer } from "../../../src/server/app";
import { SettableClock } from "../../../src/server/clock";
import { type TestDb, TEST_NOW, openTestDb } from "../server/helpers";

export interface Relay {
  readonly url: string;
  readonly db: TestDb;
  readonly app: FastifyInstance;
  /** Every row the relay audited (entity "relay"), oldest first. */
  auditRows(): Promise<
    Array<{ action: string; entity_id: string; after_json: string | null; before_json: string | null }>
  >;
  close(): Promise<void>;
}

export async function startRelay(upstreamBaseUrl: string, timeoutMs = 10_000): Promise<Relay> {
  const db = await openTestDb();
  const app = buildServer({
    db: db.handle,
    mode: "relay",
    relay: { upstreamBaseUrl, timeoutMs },
    clock: new SettableClock({ start: TEST_NOW, frozen: true }),
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const port = (app.server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    app,
    auditRows: () =>
      db.handle.db
        .selectFrom("audit")
        .select(["action", "entity_id", "after_json", "before_json"])
        .where("entity", "=", "relay")
        .orderBy("id")
        .execute(),
    close: async () => {
      await app.close();
      await db.cleanup();
    },
  };
}

export interface Exchange {
  readonly method: string;
  /** Path and query string, as received. */
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly status: number;
  readonly contentType: string | null;
  readonly answer: Buffer;
}

export interface Tap {
  readonly url: string;
  readonly exchanges: Exchange[];
  close(): Promise<void>;
}

/** Headers not passed on (hop-by-hop, or recomputed by fetch). */
const DROPPED = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive"]);

/** An HTTP pass-through to `target` that records every exchange byte for byte. */
export async function startTap(target: string): Promise<Tap> {
  const exchanges: Exchange[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (!DROPPED.has(k) && typeof v === "string") headers[k] = v;
      const method = req.method ?? "GET";
      void (async () => {
        try {
          const up = await fetch(target + (req.url ?? "/"), {
            method,
            headers,
            ...(method === "GET" || method === "HEAD" ? {} : { body }),
          });
          const answer = Buffer.from(await up.arrayBuffer());
          const contentType = up.headers.get("content-type");
          exchanges.push({
            method,
            url: req.url ?? "",
            headers: req.headers,
            body,
            status: up.status,
            contentType,
            answer,
          });
          res.writeHead(up.status, contentType ? { "content-type": contentType } : {});
          res.end(answer);
        } catch (e) {
          res.writeHead(502, { "content-type": "text/plain" });
          res.end(String(e));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The parsed JSON body of an exchange (requests the client sent are JSON). */
export function jsonOf(b: Buffer): Record<string, unknown> {
  return JSON.parse(b.toString("utf8")) as Record<string, unknown>;
}
