/**
 * 1.01 / 1.02 tokens (piaozone-api §1.2): app_token = UUID, access_token = `{accountId}_{~100
 * alphanumerics}`, both valid for two hours by the injected clock. Tokens are stored as sha256
 * hashes; a forged token (right shape, never issued) is simply not found.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "crypto";
import { DEFAULT_TOKEN_LIFETIME_MS } from "../gateway/assumptions";
import type { RefusalCode } from "../domain/refusals";
import type { Caller } from "./context";
import type { Row } from "./db/schema";
import type { Db } from "./db/tx";

export const TOKEN_LIFETIME_MS = DEFAULT_TOKEN_LIFETIME_MS;
/** Length of the random part of an access token (doc examples show ~100 alphanumerics). */
export const ACCESS_TOKEN_RANDOM_LENGTH = 100;

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function sha256Hex(s: string): string {
  return createHash("sha256").update(s, "utf8").digest("hex");
}

/** Uniform random alphanumerics (rejection sampling: no modulo bias). */
export function randomAlnum(n: number): string {
  let out = "";
  while (out.length < n) {
    for (const b of randomBytes(n * 2)) {
      if (b < 248) out += ALNUM[b % 62];
      if (out.length === n) break;
    }
  }
  return out;
}

export function hashSecret(secret: string): string {
  return sha256Hex(`hongchong-app-secret:${secret}`);
}

/** meta key of the sandbox admin key's hash (src/server/sandbox/secrets.ts). */
export const ADMIN_KEY_HASH_META = "sandbox_admin_key_hash";

export function adminKeyHash(key: string): string {
  return sha256Hex(`hongchong-sandbox-admin:${key}`);
}

function secretMatches(secret: string, hash: string): boolean {
  const a = Buffer.from(hashSecret(secret), "hex");
  const b = Buffer.from(hash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

export type AuthResult<T> =
  { ok: true; value: T } | { ok: false; code: RefusalCode; params?: Record<string, string> };

export interface IssuedToken {
  readonly token: string;
  readonly expireTime: number;
}

/** 1.01: check appId/appSecret/accountId, issue an app_token. */
export async function issueAppToken(
  db: Db,
  req: { appId: string; appSecret: string; accountId: string },
  now: number
): Promise<AuthResult<IssuedToken>> {
  const app = await db.selectFrom("apps").selectAll().where("app_id", "=", req.appId).executeTakeFirst();
  if (!app || app.account_id !== req.accountId || !secretMatches(req.appSecret, app.app_secret_hash)) {
    return { ok: false, code: "GW_APP_CREDENTIALS_INVALID" };
  }
  const token = randomUUID();
  const expireTime = now + TOKEN_LIFETIME_MS;
  await db
    .insertInto("tokens")
    .values({
      kind: "app",
      token_hash: sha256Hex(token),
      app_ref: app.id,
      user_id: null,
      org_id: null,
      created_at: now,
      expires_at: expireTime,
      revoked_at: null,
    })
    .execute();
  return { ok: true, value: { token, expireTime } };
}

async function liveToken(
  db: Db,
  token: string,
  kind: "app" | "access",
  now: number
): Promise<Row<"tokens"> | undefined> {
  const row = await db
    .selectFrom("tokens")
    .selectAll()
    .where("token_hash", "=", sha256Hex(token))
    .executeTakeFirst();
  if (!row || row.kind !== kind || row.revoked_at !== null || row.expires_at <= now) return undefined;
  return row;
}

/** 1.02: check the app_token and the user, issue an access_token bound to the user's org. */
export async function login(
  db: Db,
  req: { user: string; apptoken: string; accountId: string; usertype: "UserName" | "Mobile" },
  now: number
): Promise<AuthResult<IssuedToken>> {
  const appToken = await liveToken(db, req.apptoken, "app", now);
  if (!appToken) return { ok: false, code: "GW_APP_TOKEN_INVALID" };
  const app = await db.selectFrom("apps").selectAll().where("id", "=", appToken.app_ref).executeTakeFirst();
  if (!app || app.account_id !== req.accountId) return { ok: false, code: "GW_APP_TOKEN_INVALID" };
  const user = await db
    .selectFrom("users")
    .selectAll()
    .where(req.usertype === "Mobile" ? "mobile" : "username", "=", req.user)
    .where("org_id", "=", app.org_id)
    .executeTakeFirst();
  if (!user) return { ok: false, code: "GW_LOGIN_USER_INVALID", params: { user: req.user } };
  const token = `${app.account_id}_${randomAlnum(ACCESS_TOKEN_RANDOM_LENGTH)}`;
  const expireTime = now + TOKEN_LIFETIME_MS;
  await db
    .insertInto("tokens")
    .values({
      kind: "access",
      token_hash: sha256Hex(token),
      app_ref: app.id,
      user_id: user.id,
      org_id: user.org_id,
      created_at: now,
      expires_at: expireTime,
      revoked_at: null,
    })
    .execute();
  return { ok: true, value: { token, expireTime } };
}

/** The caller behind an access_token; GW_TOKEN_INVALID for unknown, forged, expired or revoked tokens. */
export async function authenticate(
  db: Db,
  token: string | undefined,
  now: number
): Promise<AuthResult<Caller>> {
  if (!token) return { ok: false, code: "GW_TOKEN_MISSING" };
  const row = await liveToken(db, token, "access", now);
  if (!row || row.user_id === null || row.org_id === null) return { ok: false, code: "GW_TOKEN_INVALID" };
  const [user, org, app] = await Promise.all([
    db.selectFrom("users").selectAll().where("id", "=", row.user_id).executeTakeFirst(),
    db.selectFrom("orgs").selectAll().where("id", "=", row.org_id).executeTakeFirst(),
    db.selectFrom("apps").selectAll().where("id", "=", row.app_ref).executeTakeFirst(),
  ]);
  if (!user || !org || !app) return { ok: false, code: "GW_TOKEN_INVALID" };
  return { ok: true, value: { user, org, app } };
}

/** logout: revoke the access token (unknown tokens are a no-op, as logging out twice is harmless). */
export async function logout(db: Db, token: string, now: number): Promise<void> {
  await db
    .updateTable("tokens")
    .set({ revoked_at: now })
    .where("token_hash", "=", sha256Hex(token))
    .where("revoked_at", "is", null)
    .execute();
}
