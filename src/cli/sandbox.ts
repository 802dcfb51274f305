/**
 * `hongchong sandbox accounts [--json] [--data DIR]` — the seeded sandbox enterprises and their login
 * credentials, read from the database (seeded first if it is empty). DATABASE_URL selects PostgreSQL.
 */
import { openDatabase, resolveDataDir } from "../server/db/connect";
import { type SandboxAccount, sandboxAccounts, seedIfEmpty } from "../server/sandbox";

const USAGE = "用法: hongchong sandbox accounts [--json] [--data DIR]";

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

export function formatAccountsTable(accounts: readonly SandboxAccount[]): string {
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
    "\n登录：usertype=UserName，user=用户；数据中心 accountId 如上。\n"
  );
}

export async function runSandbox(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== "accounts") throw new Error(`${sub ? `未知子命令：${sub}\n` : ""}${USAGE}`);
  let json = false;
  let dataDir: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "--json") json = true;
    else if (rest[i] === "--data" && rest[i + 1] !== undefined) dataDir = rest[++i];
    else if (rest[i].startsWith("--data=")) dataDir = rest[i].slice("--data=".length);
    else throw new Error(`未知参数：${rest[i]}\n${USAGE}`);
  }
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const db = await openDatabase(databaseUrl ? { databaseUrl } : { dataDir: resolveDataDir(dataDir) });
  try {
    await seedIfEmpty(db.db, db.dialect);
    const accounts = await sandboxAccounts(db.db);
    process.stdout.write(json ? JSON.stringify({ accounts }, null, 2) + "\n" : formatAccountsTable(accounts));
  } finally {
    await db.close();
  }
}
