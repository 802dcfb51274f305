/**
 * Test harness for the gateway server: a database per test file (SQLite in a temp dir, or a fresh
 * PostgreSQL schema when DATABASE_URL is set), a real listening server on 127.0.0.1:0, and a tiny
 * protocol client (auth + encoded envelope calls).
 */
import fs from "fs";
import os from "os";
import path from "path";
import { encodeData, decodeData } from "../../../src/gateway/codec";
import { DETAIL_HEADER } from "../../../src/gateway/assumptions";
import { buildServer, type BuildServerOptions, type ReplyMode } from "../../../src/server/app";
import { type CallbackPolicy, checkCallbackUrl } from "../../../src/server/callbackPolicy";
import { SettableClock } from "../../../src/server/clock";
import { type DbHandle, dropPgSchema, openDatabase } from "../../../src/server/db/connect";
import type { InterfaceRegistry } from "../../../src/server/registry";
import { createSandboxRegistry } from "../../../src/server/sandbox";
import { type SandboxAccount, sandboxAccounts, seedIfEmpty } from "../../../src/server/sandbox/seed";
import { type SandboxSecrets, derivedSandboxSecrets } from "../../../src/server/sandbox/secrets";

/** The test databases' secrets: derived from a phrase (a real install draws random ones). */
export const TEST_SECRETS: SandboxSecrets = derivedSandboxSecrets("integration-tests");

/** Headers that present the sandbox admin key (POST /sandbox/clock). */
export function adminHeaders(secrets: SandboxSecrets = TEST_SECRETS): Record<string, string> {
  return { authorization: `Bearer ${secrets.adminKey}` };
}

export const PG_URL = process.env.DATABASE_URL || undefined;

let counter = 0;

export interface TestDb {
  readonly handle: DbHandle;
  cleanup(): Promise<void>;
}

/** A fresh, migrated database: PostgreSQL schema when DATABASE_URL is set, else a SQLite file. */
export async function openTestDb(): Promise<TestDb> {
  counter++;
  if (PG_URL) {
    const schema = `hc_test_${process.pid}_${Date.now().toString(36)}_${counter}`;
    const handle = await openDatabase({ databaseUrl: PG_URL, pgSchema: schema });
    return {
      handle,
      cleanup: async () => {
        await handle.close();
        await dropPgSchema(PG_URL, schema);
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hc-db-"));
  const handle = await openDatabase({ dataDir: dir });
  return {
    handle,
    cleanup: async () => {
      await handle.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** 2025-10-10 10:00:00 China time: a fixed "now" for tests. */
export const TEST_NOW = Date.UTC(2025, 9, 10, 2, 0, 0);

export interface TestServer {
  readonly url: string;
  readonly db: DbHandle;
  /** Business (story) time: form deadlines, invoice dates. */
  readonly clock: SettableClock;
  /** Token time (expire_time): runs with real time from the start; advance it to expire tokens. */
  readonly wallClock: SettableClock;
  readonly replyMode: ReplyMode;
  readonly accounts: SandboxAccount[];
  /** Receivers in tests listen on 127.0.0.1: loopback allowed, the server itself not. */
  readonly callbackPolicy: CallbackPolicy;
  close(): Promise<void>;
}

export async function startTestServer(
  opts: {
    registry?: InterfaceRegistry;
    bodyLimit?: number;
    corsOrigins?: readonly string[];
    clock?: SettableClock;
    wallClock?: SettableClock;
    /** Default `vendor`, the product's default. */
    replyMode?: ReplyMode;
  } = {}
): Promise<TestServer> {
  const tdb = await openTestDb();
  await seedIfEmpty(tdb.handle.db, tdb.handle.dialect, TEST_SECRETS);
  const clock = opts.clock ?? new SettableClock({ start: TEST_NOW, frozen: true });
  const wallClock = opts.wallClock ?? new SettableClock({ start: Date.now(), frozen: false });
  const replyMode = opts.replyMode ?? "vendor";
  const forbiddenOrigins: string[] = []; // the server's origin, once listening
  const callbackPolicy: CallbackPolicy = { allowLoopback: true, forbiddenOrigins };
  const serverOpts: BuildServerOptions = {
    db: tdb.handle,
    clock,
    wallClock,
    replyMode,
    mode: "sandbox",
    registry: opts.registry ?? createSandboxRegistry(),
    ...(opts.bodyLimit ? { bodyLimit: opts.bodyLimit } : {}),
    ...(opts.corsOrigins ? { corsOrigins: opts.corsOrigins } : {}),
    checkCallbackUrl: (url) => checkCallbackUrl(url, callbackPolicy)?.refusal,
  };
  const app = buildServer(serverOpts);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  forbiddenOrigins.push(`http://127.0.0.1:${port}`);
  return {
    url: `http://127.0.0.1:${port}`,
    db: tdb.handle,
    clock,
    wallClock,
    replyMode,
    accounts: await sandboxAccounts(tdb.handle.db, TEST_SECRETS),
    callbackPolicy,
    close: async () => {
      await app.close();
      await tdb.cleanup();
    },
  };
}

/**
 * POST a JSON body. Sends DETAIL_HEADER (our refusalCode / refusalField beside the vendor's errorCode)
 * unless `vendorOnly` — what a third-party client sends.
 */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  vendorOnly = false
): Promise<any> {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(vendorOnly ? {} : { [DETAIL_HEADER]: "1" }),
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  expect(res.headers.get("content-type") ?? "").toMatch(/application\/json/);
  return { httpStatus: res.status, ...(JSON.parse(await res.text()) as object) };
}

export function account(
  server: TestServer,
  key: "seller" | "buyer" | "taxctl" | "small" | "leqi"
): SandboxAccount {
  const a = server.accounts.find((x) => x.appId === `hcsbx_${key}`);
  if (!a) throw new Error(`no sandbox account ${key}`);
  return a;
}

/** 1.01 + 1.02 → access_token. */
export async function accessToken(server: TestServer, a: SandboxAccount): Promise<string> {
  const t = await postJson(`${server.url}/api/getAppToken.do`, {
    appId: a.appId,
    appSecret: a.appSecret,
    accountId: a.accountId,
  });
  expect(t.data.success).toBe(true);
  const l = await postJson(`${server.url}/api/login.do`, {
    user: a.user,
    apptoken: t.data.app_token,
    accountId: a.accountId,
    usertype: "UserName",
  });
  expect(l.data.success).toBe(true);
  return l.data.access_token as string;
}

export interface CallOptions {
  readonly endpoint?: "sim" | "rim";
  readonly requestId?: string;
  readonly businessSystemCode?: string;
  /** Encode with this account's setting (default base64). */
  readonly as?: SandboxAccount;
  /** Send `data` as given (no encoding). */
  readonly raw?: boolean;
  /** Do not ask for our refusal detail: the answer a third-party client gets. */
  readonly vendorOnly?: boolean;
}

const PATHS = { sim: "/kapi/app/sim/openApi", rim: "/kapi/app/rim/deduction" } as const;

/** An open-API call; returns the envelope with `decoded` = the decoded response data. */
export async function call(
  server: TestServer,
  token: string,
  interfaceCode: string,
  data: unknown,
  opts: CallOptions = {}
): Promise<any> {
  const codec =
    opts.as?.dataEncoding === "aes" && opts.as.aesPassword
      ? ({ encoding: "aes", aesPassword: opts.as.aesPassword } as const)
      : ({ encoding: "base64" } as const);
  const wireData = opts.raw ? data : await encodeData(data, codec);
  const env = await postJson(
    `${server.url}${PATHS[opts.endpoint ?? "sim"]}?access_token=${encodeURIComponent(token)}`,
    {
      requestId: opts.requestId ?? "1717212345678123",
      businessSystemCode: opts.businessSystemCode ?? "EXCEL_RED",
      interfaceCode,
      data: wireData,
    },
    {},
    opts.vendorOnly ?? false
  );
  if (env.data !== undefined) {
    const d = await decodeData(env.data, { ...codec, numbers: "string" });
    env.decoded = d.kind === "json" ? d.value : d.kind === "opaque" ? d.text : undefined;
  }
  return env;
}
