/**
 * `hongchong sandbox accounts [--json] [--data DIR] [--reset-secrets]` — the seeded sandbox enterprises
 * and their login credentials, and the sandbox admin key (seeded first if the database is empty).
 * The secrets are this install's own, drawn at random on the first seed and kept in
 * `<data dir>/sandbox-secrets.json` (0600); the database holds only their hashes (src/server/sandbox/
 * secrets.ts). `--reset-secrets` draws new ones. DATABASE_URL selects PostgreSQL.
 */
import { openDatabase, resolveDataDir } from "../server/db/connect";
import {
  type SandboxAccount,
  prepareSandboxSecrets,
  resetSandboxSecrets,
  sandboxAccounts,
  secretsFile,
  seedIfEmpty,
} from "../server/sandbox";

const USAGE = "用法: hongchong sandbox accounts [--json] [--data DIR] [--reset-secrets]";

/** Terminal columns of a string: CJK and full-width characters take two. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(
      ch
    )
      ? 2
      : 1;
  return w;
}

function pad(s: string, width: number): string {
  return s + " ".repeat(Math.max(0, width - displayWidth(s)));
}

export function formatAccountsTable(
  accounts: readonly SandboxAccount[],
  admin?: { adminKey: string; file: string }
): string {
  const header = ["企业名称", "税号", "纳税人类型", "通道", "appId", "appSecret", "accountId", "用户"];
  const rows = accounts.map((a) => [
    a.name,
    a.taxId,
    a.taxpayerType,
    a.channel,
    a.appId,
    a.appSecret,
    a.accountId,
    a.user,
  ]);
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i]))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]))
      .join("  ")
      .trimEnd();
  const aes = accounts.filter((a) => a.dataEncoding === "aes" && a.aesPassword);
  return (
    [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n") +
    "\n" +
    (aes.length
      ? "\n" + aes.map((a) => `${a.name} 的 data 使用 AES 加密，密钥：${a.aesPassword}`).join("\n") + "\n"
      : "") +
    "\n登录：usertype=UserName，user=用户；数据中心 accountId 如上。\n" +
    (admin
      ? `沙箱管理密钥（调整沙箱时钟等，请求头 Authorization: Bearer <密钥>）：${admin.adminKey}\n` +
        `这些密钥为本机随机生成，只保存在 ${admin.file}（仅本用户可读）；数据库中只有其哈希。\n`
      : "")
  );
}

export async function runSandbox(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== "accounts") throw new Error(`${sub ? `未知子命令：${sub}\n` : ""}${USAGE}`);
  let json = false;
  let reset = false;
  let dataDir: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "--json") json = true;
    else if (rest[i] === "--reset-secrets") reset = true;
    else if (rest[i] === "--data" && rest[i + 1] !== undefined) dataDir = rest[++i];
    else if (rest[i].startsWith("--data=")) dataDir = rest[i].slice("--data=".length);
    else throw new Error(`未知参数：${rest[i]}\n${USAGE}`);
  }
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const dir = resolveDataDir(dataDir);
  const db = await openDatabase(databaseUrl ? { databaseUrl } : { dataDir: dir });
  try {
    const prepared = await prepareSandboxSecrets(db.db, dir);
    await seedIfEmpty(db.db, db.dialect, prepared.secrets);
    let secrets = prepared.secrets;
    if (reset) secrets = await resetSandboxSecrets(db.db, dir);
    else if (prepared.lost)
      throw new Error(
        `沙箱数据库的密钥与 ${secretsFile(dir)} 不符（文件丢失、被改动，或数据库来自另一台机器），无法显示 appSecret。\n` +
          `运行 hongchong sandbox accounts --reset-secrets${dataDir ? ` --data ${dataDir}` : ""} 重新生成（旧的 appSecret 随即失效）。`
      );
    const accounts = await sandboxAccounts(db.db, secrets);
    const file = secretsFile(dir);
    const notice = prepared.rotated
      ? "注意：此沙箱数据库由旧版本创建，使用的是源代码中固定的密钥，已改为本机随机生成的新密钥。\n\n"
      : reset
        ? "已重新生成全部密钥，旧的 appSecret、AES 密钥和管理密钥已失效。\n\n"
        : "";
    process.stdout.write(
      json
        ? JSON.stringify({ accounts, adminKey: secrets.adminKey, secretsFile: file }, null, 2) + "\n"
        : notice + formatAccountsTable(accounts, { adminKey: secrets.adminKey, file })
    );
  } finally {
    await db.close();
  }
}
