/**
 * Callback receivers for the dispatcher's tests: real HTTP servers on 127.0.0.1 that count
 * connections and requests, and a way to queue a callback row without a business flow.
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { callbackDestination } from "../../../src/server/callbackPolicy";
import type { Db } from "../../../src/server/db/tx";

export const ACK = JSON.stringify({ message: "回调成功", errorCode: "0", success: true });

export interface Receiver {
  readonly url: string;
  readonly port: number;
  /** TCP connections accepted (a refused delivery makes none). */
  connections: number;
  /** Bodies of the requests received, in order. */
  readonly bodies: string[];
  /** Requests whose answer has not been sent yet. */
  open: number;
  close(): Promise<void>;
}

/**
 * `answer` gets each request with its body; it answers with `res` (or never, for a hanging
 * receiver). Default: the documented ack.
 */
export async function startReceiver(
  answer: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void = (_q, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(ACK);
  }
): Promise<Receiver> {
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      r.bodies.push(body);
      r.open++;
      res.on("close", () => r.open--);
      answer(req, res, body);
    });
  });
  server.on("connection", (s: Socket) => {
    r.connections++;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const r: Receiver = {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    connections: 0,
    bodies: [],
    open: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return r;
}

/** Queue a callback as enqueueCallback does (same columns), due at `at`; its id. */
export async function queueCallback(
  db: Db,
  url: string,
  at: number,
  body = `{"n":"${url}"}`
): Promise<number> {
  const row = await db
    .insertInto("callbacks")
    .values({
      org_id: 1,
      url,
      destination: callbackDestination(url),
      business_system_code: "CB_TEST",
      interface_code: "INVOICE.OPEN",
      body,
      status: "pending",
      attempts: 0,
      next_attempt_at: at,
      last_error: "",
      created_at: at,
      acked_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function callbackRow(db: Db, id: number) {
  return db.selectFrom("callbacks").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

/** Wait until `done()` or `ms` pass; true when done. */
export async function waitFor(done: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await done()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return done();
}
