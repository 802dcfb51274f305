/**
 * What the template/import/export commands share: a small flag parser and the gateway client
 * configuration from --gateway plus environment variables (credentials never go on the command line,
 * where `ps` and shell history would show them).
 */
import type { GatewayConfig } from "../../gateway/client";
import type { DataEncoding } from "../../gateway/codec";
import { fail, ok, type Result } from "../../domain/refusals";

export interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Readonly<Record<string, string | true>>;
}

/** `--name value`, `--name=value`, bare `--flag` (when `booleans` has it), `-o value`. */
export function parseArgs(argv: readonly string[], booleans: readonly string[] = []): ParsedArgs {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const long = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (long) {
      const [, name, inline] = long;
      if (inline !== undefined) flags[name] = inline;
      else if (booleans.includes(name) || i + 1 >= argv.length || argv[i + 1].startsWith("--"))
        flags[name] = true;
      else flags[name] = argv[++i];
    } else if (a === "-o" && i + 1 < argv.length) {
      flags.out = argv[++i];
    } else {
      positional.push(a);
    }
  }
  return { positional, flags };
}

export const flagText = (args: ParsedArgs, name: string): string | undefined =>
  typeof args.flags[name] === "string" ? (args.flags[name] as string) : undefined;

/** Environment variables read for the gateway client. */
export const GATEWAY_ENV = {
  appId: "HONGCHONG_APP_ID",
  appSecret: "HONGCHONG_APP_SECRET",
  accountId: "HONGCHONG_ACCOUNT_ID",
  user: "HONGCHONG_USER",
  businessSystemCode: "HONGCHONG_BUSINESS_SYSTEM_CODE",
  encoding: "HONGCHONG_ENCODING",
  aesPassword: "HONGCHONG_AES_PASSWORD",
} as const;

/** One login as the CLI knows it, before the client's defaults are added. */
export interface CliCredentials {
  readonly appId: string;
  readonly appSecret: string;
  readonly accountId: string;
  readonly user: string;
  readonly encoding: DataEncoding;
  readonly aesPassword?: string;
}

/** The client configuration of a login: the CLI's one set of client defaults (timeout, retries, 业务系统编码). */
export function cliClientConfig(
  baseUrl: string,
  creds: CliCredentials,
  env: NodeJS.ProcessEnv = process.env
): GatewayConfig {
  return {
    baseUrl,
    ...creds,
    userType: "UserName",
    businessSystemCode: env[GATEWAY_ENV.businessSystemCode] ?? "HONGCHONG",
    timeoutMs: 30_000,
    retries: 2,
  };
}

export function gatewayConfig(baseUrl: string, env: NodeJS.ProcessEnv = process.env): Result<GatewayConfig> {
  const missing = (["appId", "appSecret", "accountId", "user"] as const).filter((k) => !env[GATEWAY_ENV[k]]);
  if (missing.length > 0) {
    return fail("GW_CONFIG_INVALID", {
      detail: `请设置环境变量 ${missing.map((k) => GATEWAY_ENV[k]).join("、")}`,
    });
  }
  return ok(
    cliClientConfig(
      baseUrl,
      {
        appId: env[GATEWAY_ENV.appId]!,
        appSecret: env[GATEWAY_ENV.appSecret]!,
        accountId: env[GATEWAY_ENV.accountId]!,
        user: env[GATEWAY_ENV.user]!,
        encoding: env[GATEWAY_ENV.encoding] === "aes" ? "aes" : "base64",
        ...(env[GATEWAY_ENV.aesPassword] ? { aesPassword: env[GATEWAY_ENV.aesPassword] } : {}),
      },
      env
    )
  );
}
