/**
 * Which gateway, login and organisation `import --submit` and `export` use, so that on the sandbox
 * `npm start` runs they need no flags:
 * - gateway: `--gateway URL`, else HONGCHONG_GATEWAY_URL, else `npm start`'s gateway
 *   (http://127.0.0.1:$HONGCHONG_GATEWAY_PORT, 8787);
 * - login: the HONGCHONG_APP_ID / _APP_SECRET / _ACCOUNT_ID / _USER environment variables when they
 *   are set (a real tenant; credentials never go on the command line), else an enterprise of the local
 *   sandbox, read from its secrets file (`--data DIR`, else HONGCHONG_DATA_DIR, else `.data/`) —
 *   `--as` names it by key, 税号 or name (default: the first, the 数电 seller);
 * - organisation (the 税号 the lists are asked for): `--org`, else HONGCHONG_TAX_ID, else the sandbox
 *   enterprise logged in as. [decision] The vendor's protocol has no interface that says which
 *   organisation a login belongs to, so with a real tenant's login the 税号 must be given.
 */
import { createGatewayClient, type GatewayClient } from "../gateway/client";
import { fail, ok, type Result } from "../domain/refusals";
import {
  GATEWAY_ENV,
  cliClientConfig,
  flagText,
  gatewayConfig,
  type ParsedArgs,
} from "../sheet/xlsx/cliSupport";
import { resolveDataDir } from "../server/db/connect";
import { chinaDate } from "../server/clock";
import { readSecretsFile, secretsFile } from "../server/sandbox/secrets";
import { SEED_ORGS, seedCredentials, seedTaxId } from "../server/sandbox/seed";

export const GATEWAY_URL_ENV = "HONGCHONG_GATEWAY_URL";
export const TAX_ID_ENV = "HONGCHONG_TAX_ID";
/** `npm start`'s gateway port (scripts/start.js reads the same variable). */
export const DEFAULT_GATEWAY_PORT = 8787;

export interface CliLogin {
  readonly url: string;
  readonly client: GatewayClient;
  /** The organisation's 税号, when known (see the header). */
  readonly org?: string;
  /** Who is logged in, for the line the command prints: "沙箱企业 浙江…（税号）" or the appId. */
  readonly who: string;
}

export function gatewayUrl(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): string {
  return (
    flagText(args, "gateway") ??
    env[GATEWAY_URL_ENV] ??
    `http://127.0.0.1:${env.HONGCHONG_GATEWAY_PORT ?? DEFAULT_GATEWAY_PORT}`
  );
}

export function resolveLogin(
  args: ParsedArgs,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd()
): Result<CliLogin> {
  const url = gatewayUrl(args, env);
  const orgFlag = flagText(args, "org") ?? env[TAX_ID_ENV];
  const credentialKeys = ["appId", "appSecret", "accountId", "user"] as const;
  if (credentialKeys.some((k) => env[GATEWAY_ENV[k]])) {
    const c = gatewayConfig(url, env);
    if (!c.ok) return c;
    return ok({
      url,
      client: createGatewayClient(c.value),
      ...(orgFlag ? { org: orgFlag } : {}),
      who: `appId ${c.value.appId}`,
    });
  }
  const dir = resolveDataDir(flagText(args, "data"), env, cwd);
  const secrets = readSecretsFile(dir);
  if (!secrets) {
    return fail("GW_CONFIG_INVALID", {
      detail:
        `未设置环境变量 ${credentialKeys.map((k) => GATEWAY_ENV[k]).join("、")}，` +
        `也没有找到本机沙箱的密钥文件 ${secretsFile(dir)}（先运行 npm start 或 hongchong serve；或用 --data 指定沙箱数据目录）`,
    });
  }
  const as = flagText(args, "as");
  const index = as
    ? SEED_ORGS.findIndex((o) => o.key === as || seedTaxId(o.taxIdBody) === as || o.name === as)
    : 0;
  if (index < 0) {
    return fail("GW_CONFIG_INVALID", {
      detail: `沙箱中没有企业“${as}”；可用：${SEED_ORGS.map((o) => `${o.key}（${o.name}）`).join("、")}`,
    });
  }
  const seed = SEED_ORGS[index];
  const cred = seedCredentials(seed, index, secrets);
  const taxId = seedTaxId(seed.taxIdBody);
  return ok({
    url,
    client: createGatewayClient(
      cliClientConfig(
        url,
        {
          appId: cred.appId,
          appSecret: cred.appSecret,
          accountId: cred.accountId,
          user: seed.user.username,
          encoding: seed.dataEncoding,
          ...(cred.aesPassword ? { aesPassword: cred.aesPassword } : {}),
        },
        env
      )
    ),
    org: orgFlag ?? taxId,
    who: `沙箱企业 ${seed.name}（${taxId}）`,
  });
}

/**
 * Today on the gateway's calendar (yyyy-MM-dd, China time): the sandbox runs a story calendar
 * (2025-10 by default), so the system date would select nothing there. GET /health carries the
 * business clock; a gateway that does not answer it leaves the system date.
 */
export async function gatewayToday(url: string, fetchImpl: typeof fetch = fetch): Promise<string> {
  let now = Date.now();
  try {
    const r = await fetchImpl(`${url.replace(/\/+$/, "")}/health`, { signal: AbortSignal.timeout(5000) });
    const body = (await r.json()) as { now?: unknown };
    if (typeof body.now === "number" && Number.isFinite(body.now)) now = body.now;
  } catch {
    // no calendar from the gateway: the system date
  }
  return chinaDate(now);
}
