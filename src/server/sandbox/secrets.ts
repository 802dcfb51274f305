/**
 * The sandbox's secrets (D7): every install gets its own, drawn at random when it is first seeded —
 * an appSecret per enterprise, an AES password per AES enterprise and the sandbox admin key that
 * `/sandbox/*` operations affecting every organisation need (the story clock).
 *
 * Where they live:
 * - the database keeps only what the protocol needs: the appSecret as a hash (1.01 compares hashes),
 *   the AES password in clear (the sandbox must decrypt and encrypt `data` with it), the admin key as
 *   a hash in `meta`;
 * - `<data dir>/sandbox-secrets.json` (mode 0600, its directory 0700) keeps the clear values so that
 *   `hongchong sandbox accounts` can show them to the machine's owner. It is written before the
 *   seed's transaction, so a crash between the two leaves a file the next start reuses.
 *
 * A database seeded by an earlier version carries the old constant secrets (`apps.app_secret_plain`,
 * derived from names anyone can read in the source): opening it rotates them to random ones once.
 * `hongchong sandbox accounts --reset-secrets` rotates on demand (e.g. the file was lost).
 */
import { createHash, timingSafeEqual } from "crypto";
import fs from "fs";
import path from "path";
import { ADMIN_KEY_HASH_META, adminKeyHash, hashSecret, randomAlnum } from "../auth";
import type { Db } from "../db/tx";
import { getMeta, setMeta, withTx } from "../db/tx";
import { SEED_ORGS, isSeeded } from "./seed";

export const SECRETS_FILE_NAME = "sandbox-secrets.json";
/** Length of a generated appSecret (the doc examples show 32 alphanumerics). */
const APP_SECRET_LENGTH = 32;
/** An AES password (any length: the key is SHA1(SHA1(password)), src/gateway/codec.ts). */
const AES_PASSWORD_LENGTH = 24;
const ADMIN_KEY_LENGTH = 40;

export interface SandboxSecrets {
  /** `Authorization: Bearer <adminKey>` for /sandbox/* operations that concern every organisation. */
  readonly adminKey: string;
  /** appSecret per SEED_ORGS key. */
  readonly appSecrets: Readonly<Record<string, string>>;
  /** AES password per SEED_ORGS key of an AES enterprise. */
  readonly aesPasswords: Readonly<Record<string, string>>;
}

/** Fresh random secrets (what a real install gets). */
export function generateSandboxSecrets(): SandboxSecrets {
  const appSecrets: Record<string, string> = {};
  const aesPasswords: Record<string, string> = {};
  for (const o of SEED_ORGS) {
    appSecrets[o.key] = randomAlnum(APP_SECRET_LENGTH);
    if (o.dataEncoding === "aes") aesPasswords[o.key] = randomAlnum(AES_PASSWORD_LENGTH);
  }
  return { adminKey: randomAlnum(ADMIN_KEY_LENGTH), appSecrets, aesPasswords };
}

/**
 * Secrets derived from a phrase: the same phrase gives the same secrets. For tests and benches, which
 * seed throwaway databases and need credentials without a file; never used by `serve`.
 */
export function derivedSandboxSecrets(phrase: string): SandboxSecrets {
  const digest = (label: string) =>
    createHash("sha256").update(`hongchong-sandbox:${phrase}:${label}`).digest("hex");
  const appSecrets: Record<string, string> = {};
  const aesPasswords: Record<string, string> = {};
  for (const o of SEED_ORGS) {
    appSecrets[o.key] = digest(`app-secret:${o.key}`).slice(0, APP_SECRET_LENGTH);
    if (o.dataEncoding === "aes") aesPasswords[o.key] = digest(`aes:${o.key}`).slice(0, AES_PASSWORD_LENGTH);
  }
  return { adminKey: digest("admin").slice(0, ADMIN_KEY_LENGTH), appSecrets, aesPasswords };
}

function isSecrets(v: unknown): v is SandboxSecrets {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  const strings = (x: unknown) =>
    typeof x === "object" && x !== null && Object.values(x).every((s) => typeof s === "string" && s !== "");
  return (
    typeof o.adminKey === "string" && o.adminKey !== "" && strings(o.appSecrets) && strings(o.aesPasswords)
  );
}

export function secretsFile(dataDir: string): string {
  return path.join(dataDir, SECRETS_FILE_NAME);
}

/** The secrets file's content, or undefined when there is none (or it is not ours). */
export function readSecretsFile(dataDir: string): SandboxSecrets | undefined {
  let text: string;
  try {
    text = fs.readFileSync(secretsFile(dataDir), "utf8");
  } catch {
    return undefined;
  }
  try {
    const v: unknown = JSON.parse(text);
    return isSecrets(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Write the file 0600 in a 0700 directory, atomically (a crash leaves the old file or the new one). */
export function writeSecretsFile(dataDir: string, secrets: SandboxSecrets): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = secretsFile(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600 });
  fs.chmodSync(tmp, 0o600); // the umask may have narrowed nothing, but never widen
  fs.renameSync(tmp, file);
}

/** Store the secrets' hashes (and the AES passwords the protocol needs) on a seeded database. */
export async function applySecrets(db: Db, secrets: SandboxSecrets): Promise<void> {
  await withTx(db, async (tx) => {
    const apps = await tx
      .selectFrom("apps")
      .innerJoin("orgs", "orgs.id", "apps.org_id")
      .select(["apps.id", "apps.app_id", "orgs.id as org_id"])
      .execute();
    for (const o of SEED_ORGS) {
      const app = apps.find((a) => a.app_id === `hcsbx_${o.key}`);
      if (!app) continue;
      await tx
        .updateTable("apps")
        .set({ app_secret_hash: hashSecret(secrets.appSecrets[o.key] ?? ""), app_secret_plain: null })
        .where("id", "=", app.id)
        .execute();
      if (o.dataEncoding === "aes")
        await tx
          .updateTable("orgs")
          .set({ aes_password: secrets.aesPasswords[o.key] ?? null })
          .where("id", "=", app.org_id)
          .execute();
    }
    await setMeta(tx, ADMIN_KEY_HASH_META, adminKeyHash(secrets.adminKey));
  });
}

/** Whether `key` is this sandbox's admin key (constant-time comparison of hashes). */
export async function isAdminKey(db: Db, key: string): Promise<boolean> {
  const stored = await getMeta(db, ADMIN_KEY_HASH_META);
  if (!stored || !/^[0-9a-f]{64}$/.test(stored)) return false;
  return timingSafeEqual(Buffer.from(adminKeyHash(key), "hex"), Buffer.from(stored, "hex"));
}

/** True when `secrets` are the ones the database holds hashes of (so `accounts` shows working ones). */
export async function secretsMatch(db: Db, secrets: SandboxSecrets): Promise<boolean> {
  if (!(await isAdminKey(db, secrets.adminKey))) return false;
  const apps = await db.selectFrom("apps").select(["app_id", "app_secret_hash"]).execute();
  return SEED_ORGS.every((o) => {
    const app = apps.find((a) => a.app_id === `hcsbx_${o.key}`);
    return !app || app.app_secret_hash === hashSecret(secrets.appSecrets[o.key] ?? "");
  });
}

/** A database seeded before issue 11 still holds constant secrets in clear. */
async function holdsLegacySecrets(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom("apps")
    .select("id")
    .where("app_secret_plain", "is not", null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined || (await getMeta(db, ADMIN_KEY_HASH_META)) === undefined;
}

export interface SecretsState {
  /** The secrets, when the file holds the ones the database knows. */
  readonly secrets?: SandboxSecrets;
  /** The database holds secrets whose clear values are lost (file deleted, database moved). */
  readonly lost: boolean;
  /** Legacy constant secrets were replaced by random ones now. */
  readonly rotated: boolean;
}

/**
 * The secrets for a sandbox database whose file lives in `dataDir`, before the seed: reuse the file's,
 * or draw new ones and write the file (an empty database), or rotate legacy constant secrets.
 * Call before seedIfEmpty and pass `secrets` to it.
 */
export async function prepareSandboxSecrets(
  db: Db,
  dataDir: string
): Promise<SecretsState & { secrets: SandboxSecrets }> {
  const fromFile = readSecretsFile(dataDir);
  if (!(await isSeeded(db))) {
    const secrets = fromFile ?? generateSandboxSecrets();
    if (!fromFile) writeSecretsFile(dataDir, secrets);
    return { secrets, lost: false, rotated: false };
  }
  if (await holdsLegacySecrets(db)) {
    const secrets = generateSandboxSecrets();
    writeSecretsFile(dataDir, secrets);
    await applySecrets(db, secrets);
    return { secrets, lost: false, rotated: true };
  }
  if (fromFile && (await secretsMatch(db, fromFile)))
    return { secrets: fromFile, lost: false, rotated: false };
  // Seeded with secrets we cannot show: keep serving; `sandbox accounts --reset-secrets` draws new ones.
  return { secrets: fromFile ?? generateSandboxSecrets(), lost: true, rotated: false };
}

/** Draw new secrets for a seeded database and write the file (`sandbox accounts --reset-secrets`). */
export async function resetSandboxSecrets(db: Db, dataDir: string): Promise<SandboxSecrets> {
  const secrets = generateSandboxSecrets();
  writeSecretsFile(dataDir, secrets);
  await applySecrets(db, secrets);
  return secrets;
}
