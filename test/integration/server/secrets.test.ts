/**
 * Issue 11 D7: every install has its own secrets, the database keeps none of them in clear, the files
 * are the owner's only, an old database with the source's constant secrets is rotated, and
 * `hongchong sandbox accounts` shows what works.
 */
import { execFile } from "child_process";
import { createHash } from "crypto";
import fs from "fs";
import os from "os";
import path from "path";
import { promisify } from "util";
import { hashSecret } from "../../../src/server/auth";
import { SQLITE_FILE_NAME, openDatabase } from "../../../src/server/db/connect";
import { SEED_ORGS, seedIfEmpty } from "../../../src/server/sandbox/seed";
import {
  SECRETS_FILE_NAME,
  isAdminKey,
  prepareSandboxSecrets,
  readSecretsFile,
} from "../../../src/server/sandbox/secrets";

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, "../../..");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh SQLite install in a new data directory (what `hongchong serve --data DIR` does first). */
async function install() {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), "hc-secrets-"));
  dirs.push(parent);
  const dataDir = path.join(parent, "data"); // created by the gateway, as on a fresh machine
  const db = await openDatabase({ dataDir });
  const prepared = await prepareSandboxSecrets(db.db, dataDir);
  await seedIfEmpty(db.db, db.dialect, prepared.secrets);
  return { dataDir, db, secrets: prepared.secrets };
}

/** What main's seed derived from the source: sha256("hongchong-sandbox:app-secret:<key>")[0..32). */
const constantSecret = (key: string) =>
  createHash("sha256").update(`hongchong-sandbox:app-secret:${key}`).digest("hex").slice(0, 32);

const mode = (p: string) => fs.statSync(p).mode & 0o777;

test("two installs draw different secrets, none of them the source's constants", async () => {
  const a = await install();
  const b = await install();
  try {
    for (const o of SEED_ORGS) {
      expect(a.secrets.appSecrets[o.key]).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(a.secrets.appSecrets[o.key]).not.toBe(b.secrets.appSecrets[o.key]);
      expect(a.secrets.appSecrets[o.key]).not.toBe(constantSecret(o.key));
    }
    expect(a.secrets.adminKey).not.toBe(b.secrets.adminKey);
  } finally {
    await a.db.close();
    await b.db.close();
  }
});

test("the database holds hashes only; the secrets file, the database and the directory are the owner's", async () => {
  const { dataDir, db, secrets } = await install();
  const apps = await db.db.selectFrom("apps").select(["app_secret_plain", "app_secret_hash"]).execute();
  expect(apps.every((a) => a.app_secret_plain === null)).toBe(true);
  await db.close();
  const file = path.join(dataDir, SQLITE_FILE_NAME);
  const bytes = Buffer.concat(
    [file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f))
  );
  for (const s of Object.values(secrets.appSecrets)) expect(bytes.includes(Buffer.from(s))).toBe(false);
  expect(bytes.includes(Buffer.from(secrets.adminKey))).toBe(false);
  expect(mode(dataDir)).toBe(0o700);
  expect(mode(file)).toBe(0o600);
  expect(mode(path.join(dataDir, SECRETS_FILE_NAME))).toBe(0o600);
  expect(readSecretsFile(dataDir)).toEqual(secrets);
});

test("a database seeded by an earlier version (constant secrets in clear) is rotated on open", async () => {
  const { dataDir, db } = await install();
  // As main left it: the constant secret beside its hash, no admin key.
  for (const o of SEED_ORGS)
    await db.db
      .updateTable("apps")
      .set({ app_secret_plain: constantSecret(o.key), app_secret_hash: hashSecret(constantSecret(o.key)) })
      .where("app_id", "=", `hcsbx_${o.key}`)
      .execute();
  await db.db.deleteFrom("meta").where("key", "=", "sandbox_admin_key_hash").execute();
  fs.rmSync(path.join(dataDir, SECRETS_FILE_NAME));

  const state = await prepareSandboxSecrets(db.db, dataDir);
  expect(state.rotated).toBe(true);
  const apps = await db.db
    .selectFrom("apps")
    .select(["app_id", "app_secret_plain", "app_secret_hash"])
    .execute();
  for (const a of apps) {
    const key = a.app_id.replace("hcsbx_", "");
    expect(a.app_secret_plain).toBeNull();
    expect(a.app_secret_hash).not.toBe(hashSecret(constantSecret(key)));
    expect(a.app_secret_hash).toBe(hashSecret(state.secrets.appSecrets[key]));
  }
  expect(await isAdminKey(db.db, state.secrets.adminKey)).toBe(true);
  expect(readSecretsFile(dataDir)).toEqual(state.secrets);
  // Opening again changes nothing.
  const again = await prepareSandboxSecrets(db.db, dataDir);
  expect(again).toMatchObject({ rotated: false, lost: false, secrets: state.secrets });
  await db.close();
});

test("`hongchong sandbox accounts --json` shows this install's secrets; a lost file is said, --reset-secrets draws new ones", async () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), "hc-accounts-"));
  dirs.push(parent);
  const dataDir = path.join(parent, "data");
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const run = (...args: string[]) =>
    promisify(execFile)(
      process.execPath,
      [path.join(ROOT, "bin/hongchong.js"), "sandbox", "accounts", ...args],
      {
        cwd: ROOT,
        env,
      }
    );
  const first = JSON.parse((await run("--json", "--data", dataDir)).stdout);
  const fromFile = readSecretsFile(dataDir);
  expect(first.adminKey).toBe(fromFile?.adminKey);
  expect(first.accounts.find((a: any) => a.appId === "hcsbx_seller").appSecret).toBe(
    fromFile?.appSecrets.seller
  );

  fs.rmSync(path.join(dataDir, SECRETS_FILE_NAME));
  const lost = await run("--data", dataDir).then(
    () => undefined,
    (e: { code: number; stderr: string }) => e
  );
  expect(lost?.code).toBe(1);
  expect(lost?.stderr).toContain("--reset-secrets");
  expect(lost?.stderr).not.toMatch(/\n\s+at /); // no stack trace

  const reset = JSON.parse((await run("--json", "--reset-secrets", "--data", dataDir)).stdout);
  expect(reset.adminKey).not.toBe(first.adminKey);
  const db = await openDatabase({ dataDir });
  try {
    expect(await isAdminKey(db.db, reset.adminKey)).toBe(true);
    expect(await isAdminKey(db.db, first.adminKey)).toBe(false);
  } finally {
    await db.close();
  }
});
