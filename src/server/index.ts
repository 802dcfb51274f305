/**
 * Start/stop the whole gateway (database + HTTP + callback dispatcher) — what `hongchong serve` and
 * the integration tests run. Library users who need only the HTTP app call `buildServer`.
 */
import type { FastifyInstance } from "fastify";
import { type BuildServerOptions, type ServerMode, buildServer } from "./app";
import {
  type CallbackPolicy,
  DEFAULT_CALLBACK_POLICY,
  checkCallbackUrl,
  listeningOrigins,
} from "./callbackPolicy";
import { CallbackDispatcher } from "./callbacks";
import { type Clock, SettableClock } from "./clock";
import { type DbHandle, openDatabase, resolveDataDir } from "./db/connect";
import { type SandboxSecrets, createSandboxRegistry, prepareSandboxSecrets, seedIfEmpty } from "./sandbox";

export { buildServer, DEFAULT_BODY_LIMIT, DEFAULT_CORS_ORIGINS, SERVER_VERSION } from "./app";
export type { BuildServerOptions, ServerMode } from "./app";
export { InterfaceRegistry, ok, refuse, refused } from "./registry";
export type { InterfaceHandler, Outcome, TaskSettler } from "./registry";
export type { HandlerContext } from "./context";
export { SettableClock, systemClock, chinaDateTime, chinaDate } from "./clock";
export type { Clock } from "./clock";
export type { CallbackPolicy } from "./callbackPolicy";
export { openDatabase, resolveDataDir } from "./db/connect";
export type { DbHandle } from "./db/connect";

export interface StartGatewayOptions {
  readonly port?: number;
  readonly host?: string;
  readonly mode?: ServerMode;
  /** The data directory: the SQLite file (unless databaseUrl is set) and the sandbox secrets file. */
  readonly dataDir?: string;
  readonly databaseUrl?: string;
  readonly pgSchema?: string;
  readonly clock?: Clock;
  /** Builds the clock from the opened database (e.g. the sandbox's persisted calendar); ignored with `clock`. */
  readonly clockFactory?: (db: DbHandle["db"]) => Promise<Clock>;
  readonly corsOrigins?: readonly string[];
  /** `vendor` (default): answers as the invoice cloud does; `hc`: our refusal codes as errorCode. */
  readonly replyMode?: BuildServerOptions["replyMode"];
  readonly bodyLimit?: number;
  readonly relay?: BuildServerOptions["relay"];
  readonly logger?: BuildServerOptions["logger"];
  /** Seed an empty database in sandbox mode (default true). */
  readonly seed?: boolean;
  /**
   * The sandbox's secrets. Default: the data directory's sandbox-secrets.json, created with random
   * secrets on the first seed (src/server/sandbox/secrets.ts).
   */
  readonly secrets?: SandboxSecrets;
  /** Callback dispatcher poll interval (ms); 0 disables the dispatcher. Default 1000. */
  readonly callbackIntervalMs?: number;
  /**
   * Where callbacks may go, at registration (PUT /sandbox/callbacks) and at every delivery. Default
   * DEFAULT_CALLBACK_POLICY (no loopback, no private ranges); the gateway's own listening origins are
   * always added to forbiddenOrigins.
   */
  readonly callbackPolicy?: CallbackPolicy;
}

export interface RunningGateway {
  readonly app: FastifyInstance;
  readonly db: DbHandle;
  readonly url: string;
  readonly port: number;
  readonly clock: Clock;
  readonly dispatcher: CallbackDispatcher;
  readonly seeded: boolean;
  /** Sandbox mode: the install's secrets (admin key, appSecrets, AES passwords). */
  readonly secrets?: SandboxSecrets;
  /** Sandbox mode: the secrets file does not hold the database's secrets (`sandbox accounts --reset-secrets`). */
  readonly secretsLost?: boolean;
  /** Sandbox mode: an earlier version's constant secrets were replaced by random ones at this start. */
  readonly secretsRotated?: boolean;
  close(): Promise<void>;
}

export async function startGateway(opts: StartGatewayOptions = {}): Promise<RunningGateway> {
  const mode = opts.mode ?? "sandbox";
  const db = await openDatabase({
    ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : {}),
    ...(opts.pgSchema ? { pgSchema: opts.pgSchema } : {}),
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
  });
  let app: FastifyInstance | undefined;
  try {
    const prepared =
      mode === "sandbox"
        ? opts.secrets
          ? { secrets: opts.secrets, lost: false, rotated: false }
          : await prepareSandboxSecrets(db.db, resolveDataDir(opts.dataDir))
        : undefined;
    const seeded =
      prepared && (opts.seed ?? true) ? await seedIfEmpty(db.db, db.dialect, prepared.secrets) : false;
    const clock = opts.clock ?? (opts.clockFactory ? await opts.clockFactory(db.db) : new SettableClock());
    const base = opts.callbackPolicy ?? DEFAULT_CALLBACK_POLICY;
    // Completed with the listening origins once listening (a port 0 is known only then).
    const forbiddenOrigins = [...(base.forbiddenOrigins ?? [])];
    const callbackPolicy: CallbackPolicy = { ...base, forbiddenOrigins };
    app = buildServer({
      db,
      clock,
      mode,
      registry: createSandboxRegistry(),
      ...(opts.corsOrigins ? { corsOrigins: opts.corsOrigins } : {}),
      ...(opts.replyMode ? { replyMode: opts.replyMode } : {}),
      ...(opts.bodyLimit ? { bodyLimit: opts.bodyLimit } : {}),
      ...(opts.relay ? { relay: opts.relay } : {}),
      ...(opts.logger !== undefined ? { logger: opts.logger } : {}),
      checkCallbackUrl: (url) => checkCallbackUrl(url, callbackPolicy)?.refusal,
    });
    const host = opts.host ?? "127.0.0.1";
    await app.listen({ port: opts.port ?? 8787, host });
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : (opts.port ?? 8787);
    forbiddenOrigins.push(...listeningOrigins(app.addresses()));
    const dispatcher = new CallbackDispatcher({
      db: db.db,
      clock,
      policy: callbackPolicy,
      log: (m) => app?.log.warn(m),
    });
    if ((opts.callbackIntervalMs ?? 1000) > 0 && mode === "sandbox")
      dispatcher.start(opts.callbackIntervalMs ?? 1000);
    const shownHost = host.includes(":") ? `[${host}]` : host;
    let closed: Promise<void> | undefined;
    const running: RunningGateway = {
      app,
      db,
      url: `http://${shownHost === "0.0.0.0" ? "127.0.0.1" : shownHost}:${port}`,
      port,
      clock,
      dispatcher,
      seeded,
      ...(prepared
        ? { secrets: prepared.secrets, secretsLost: prepared.lost, secretsRotated: prepared.rotated }
        : {}),
      close: () =>
        (closed ??= (async () => {
          await dispatcher.stop();
          await (app as FastifyInstance).close();
          await db.close();
        })()),
    };
    return running;
  } catch (e) {
    await app?.close().catch(() => undefined);
    await db.close();
    throw e;
  }
}
