/**
 * `hongchong serve [--port N] [--data DIR] [--host H]` — the gateway in sandbox mode on the embedded
 * database (seeded on first run); DATABASE_URL selects PostgreSQL. Relay mode (`--relay URL` or
 * HONGCHONG_UPSTREAM_URL) forwards the same paths to a real invoice cloud instead.
 * `--allow-loopback-callbacks` (or HONGCHONG_ALLOW_LOOPBACK_CALLBACKS=1) lets callbacks go to this machine
 * (local development only; src/server/callbackPolicy.ts).
 * Stops gracefully on SIGTERM / SIGINT (in-flight requests finish, the database closes).
 */
import { chinaDateTime, startGateway } from "../server";
import { resolveDataDir } from "../server/db/connect";
import { sandboxStoryClock } from "../server/sandbox/storyClock";

export interface ServeArgs {
  port: number;
  host: string;
  dataDir: string | undefined;
  relay: string | undefined;
  corsOrigins: string[] | undefined;
  /** story: the sandbox calendar (seed's 2025-10-10 10:00 + real time since seeding); real: the system clock. */
  clock: "story" | "real";
  /** vendor: errorCodes as the invoice cloud answers (default); hc: our refusal codes as errorCode. */
  reply: "vendor" | "hc";
  /** Callbacks to 127.0.0.1 / ::1 / localhost (local development); off by default (issue 11 D2). */
  allowLoopbackCallbacks: boolean;
}

const USAGE =
  "用法: hongchong serve [--port N] [--data DIR] [--host H] [--relay URL] [--cors ORIGIN,…] [--clock story|real] [--reply vendor|hc] [--allow-loopback-callbacks]";

export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServeArgs {
  const args: ServeArgs = {
    port: 8787,
    host: env.HONGCHONG_HOST ?? "127.0.0.1",
    dataDir: undefined,
    relay: env.HONGCHONG_UPSTREAM_URL || undefined,
    corsOrigins: env.HONGCHONG_CORS_ORIGINS
      ? env.HONGCHONG_CORS_ORIGINS.split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined,
    clock: env.HONGCHONG_CLOCK === "real" ? "real" : "story",
    reply: env.HONGCHONG_REPLY === "hc" ? "hc" : "vendor",
    allowLoopbackCallbacks: env.HONGCHONG_ALLOW_LOOPBACK_CALLBACKS === "1",
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] =
      a.startsWith("--") && a.includes("=")
        ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
        : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} 需要一个值\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case "--port": {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) > 65535) throw new Error(`端口无效：${v}\n${USAGE}`);
        args.port = Number(v);
        break;
      }
      case "--host":
        args.host = value();
        break;
      case "--data":
        args.dataDir = value();
        break;
      case "--relay":
        args.relay = value();
        break;
      case "--clock": {
        const v = value();
        if (v !== "story" && v !== "real") throw new Error(`--clock 只能是 story 或 real：${v}\n${USAGE}`);
        args.clock = v;
        break;
      }
      case "--reply": {
        const v = value();
        if (v !== "vendor" && v !== "hc") throw new Error(`--reply 只能是 vendor 或 hc：${v}\n${USAGE}`);
        args.reply = v;
        break;
      }
      case "--allow-loopback-callbacks":
        if (inline !== undefined) throw new Error(`${flag} 不带值\n${USAGE}`);
        args.allowLoopbackCallbacks = true;
        break;
      case "--cors":
        args.corsOrigins = value()
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      default:
        throw new Error(`未知参数：${a}\n${USAGE}`);
    }
  }
  return args;
}

export async function runServe(argv: string[]): Promise<void> {
  const args = parseServeArgs(argv);
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const mode = args.relay ? "relay" : "sandbox";
  const gw = await startGateway({
    port: args.port,
    host: args.host,
    mode,
    // The data directory holds the SQLite file, and in both cases the sandbox's secrets file.
    ...(databaseUrl ? { databaseUrl } : {}),
    dataDir: resolveDataDir(args.dataDir),
    ...(args.corsOrigins ? { corsOrigins: args.corsOrigins } : {}),
    replyMode: args.reply,
    ...(args.relay ? { relay: { upstreamBaseUrl: args.relay } } : {}),
    logger: { level: process.env.HONGCHONG_LOG_LEVEL ?? "warn" },
    ...(mode === "sandbox" && args.clock === "story" ? { clockFactory: (db) => sandboxStoryClock(db) } : {}),
    callbackPolicy: { allowLoopback: args.allowLoopbackCallbacks },
  });
  const where = gw.db.dialect === "sqlite" ? `SQLite ${gw.db.location}` : `PostgreSQL ${gw.db.location}`;
  process.stdout.write(
    `红冲助手网关已启动（${mode === "sandbox" ? "沙箱模式" : `转发模式 → ${args.relay}`}）\n` +
      `  数据库: ${where}${gw.seeded ? "（已写入沙箱种子数据）" : ""}\n` +
      `  查看沙箱账号: hongchong sandbox accounts${args.dataDir ? ` --data ${args.dataDir}` : ""}\n` +
      (gw.secretsRotated
        ? "  注意：此数据库由旧版本创建，使用源代码中固定的密钥，已改为本机随机生成的新密钥（hongchong sandbox accounts 查看）\n"
        : "") +
      (gw.secretsLost
        ? `  注意：沙箱密钥文件与数据库不符，appSecret 无法显示；运行 hongchong sandbox accounts --reset-secrets${args.dataDir ? ` --data ${args.dataDir}` : ""} 重新生成\n`
        : "") +
      (mode === "sandbox"
        ? `  沙箱时钟: ${chinaDateTime(gw.clock.now())}（${args.clock === "story" ? "沙箱日历，随真实时间走；--clock real 使用系统时间" : "系统时间"}；POST /sandbox/clock 可调整）\n` +
          (args.allowLoopbackCallbacks
            ? "  回调地址: 允许本机地址（--allow-loopback-callbacks，仅用于本地开发）\n"
            : "")
        : "") +
      `hongchong gateway listening on ${gw.url}\n`
  );

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`收到 ${signal}，正在停止网关…\n`);
      gw.close().then(
        () => resolve(),
        (e: unknown) => {
          process.stderr.write(`停止时出错: ${e instanceof Error ? e.message : String(e)}\n`);
          resolve();
        }
      );
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
}
