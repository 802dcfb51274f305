/**
 * The gateway client of the pane, built from the settings (the token stays inside the client, in
 * memory), and the 测试连接 check: login, then GET /health.
 */
import { createGatewayClient, RED_REASON_CODE_MAPPINGS, type GatewayClient } from "../../src/gateway";
import type { Refusal } from "../../src/domain/refusals";
import { gatewayBaseUrl, type Secrets, type Settings } from "./settings";

export function createClientFromSettings(
  settings: Settings,
  secrets: Secrets,
  origin: string
): GatewayClient {
  return createGatewayClient({
    baseUrl: gatewayBaseUrl(settings, origin),
    appId: settings.appId.trim(),
    appSecret: secrets.appSecret,
    accountId: settings.accountId.trim(),
    user: settings.user.trim(),
    userType: settings.userType,
    businessSystemCode: settings.businessSystemCode.trim() || "EXCEL_RED",
    encoding: settings.encoding,
    ...(settings.encoding === "aes" ? { aesPassword: secrets.aesPassword } : {}),
    timeoutMs: 30_000,
    retries: 2,
    reasonCodeMapping: RED_REASON_CODE_MAPPINGS[settings.reasonMapping],
  });
}

export type ConnectionTest =
  | { readonly ok: true }
  | { readonly ok: false; readonly stage: "login"; readonly refusal: Refusal }
  | { readonly ok: false; readonly stage: "health"; readonly message: string };

export type FetchLike = (url: string) => Promise<{ ok: boolean; status: number }>;

export async function testConnection(
  client: Pick<GatewayClient, "login">,
  baseUrl: string,
  fetcher: FetchLike
): Promise<ConnectionTest> {
  const login = await client.login();
  if (!login.ok) return { ok: false, stage: "login", refusal: login.refusal };
  try {
    const r = await fetcher(`${baseUrl}/health`);
    return r.ok ? { ok: true } : { ok: false, stage: "health", message: `HTTP ${r.status}` };
  } catch (e) {
    return { ok: false, stage: "health", message: e instanceof Error ? e.message : String(e) };
  }
}
