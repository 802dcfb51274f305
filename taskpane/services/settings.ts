/**
 * Settings of the pane: gateway URL and login, organisation, data encoding, red-reason code mapping,
 * language. Public settings and secrets (appSecret, AES password) are stored under separate keys;
 * secrets only when the user asks to remember them and the store may hold them (an Office partition),
 * otherwise they live in memory for the session.
 */
import { DEFAULT_CHANNEL } from "../../src/domain/confirmForm";
import type { Channel, EnterpriseNature } from "../../src/domain/labels";
import type { DataEncoding, RED_REASON_CODE_MAPPINGS, UserType } from "../../src/gateway";
import type { Lang } from "../i18n";
import type { KeyValueStore } from "./storage";

export type ReasonMappingName = keyof typeof RED_REASON_CODE_MAPPINGS;

export interface Settings {
  /** "" = the pane's own origin (webpack-dev-server proxies /api, /kapi, /health to the gateway). */
  readonly gatewayUrl: string;
  readonly appId: string;
  readonly accountId: string;
  readonly user: string;
  readonly userType: UserType;
  readonly businessSystemCode: string;
  readonly orgName: string;
  readonly orgTaxId: string;
  readonly enterpriseNature: EnterpriseNature;
  readonly channel: Channel;
  readonly encoding: DataEncoding;
  readonly reasonMapping: ReasonMappingName;
  readonly language: Lang;
  readonly rememberSecrets: boolean;
}

export interface Secrets {
  readonly appSecret: string;
  readonly aesPassword: string;
}

export const DEFAULT_SETTINGS: Settings = {
  gatewayUrl: "",
  appId: "",
  accountId: "",
  user: "",
  userType: "UserName",
  businessSystemCode: "EXCEL_RED",
  orgName: "",
  orgTaxId: "",
  enterpriseNature: "一般纳税人",
  channel: DEFAULT_CHANNEL,
  encoding: "base64",
  reasonMapping: "bureau",
  language: "zh-CN",
  rememberSecrets: false,
};

export const EMPTY_SECRETS: Secrets = { appSecret: "", aesPassword: "" };

const SETTINGS_KEY = "hongchong:settings";
const SECRETS_KEY = "hongchong:secrets";

function parse<T extends object>(text: string | null, defaults: T): T {
  if (!text) return defaults;
  try {
    const v = JSON.parse(text) as Partial<T>;
    return { ...defaults, ...(typeof v === "object" && v !== null ? v : {}) };
  } catch {
    return defaults;
  }
}

/** 记住密钥 as it can be honoured: never where the store may not hold secrets (no Office partition). */
const remembering = (store: KeyValueStore, settings: Settings): boolean =>
  settings.rememberSecrets && store.holdsSecrets;

export function loadSettings(store: KeyValueStore): { settings: Settings; secrets: Secrets } {
  const stored = parse(store.get(SETTINGS_KEY), DEFAULT_SETTINGS);
  const settings = { ...stored, rememberSecrets: remembering(store, stored) };
  // Secrets an earlier version left in the origin's shared storage are removed, not read.
  if (!store.holdsSecrets) store.remove(SECRETS_KEY);
  const secrets = settings.rememberSecrets ? parse(store.get(SECRETS_KEY), EMPTY_SECRETS) : EMPTY_SECRETS;
  return { settings, secrets };
}

/** Settings are stored; secrets only when remembered in a store that may hold them, else memory only. */
export function saveSettings(store: KeyValueStore, settings: Settings, secrets: Secrets): void {
  const remember = remembering(store, settings);
  store.set(SETTINGS_KEY, JSON.stringify({ ...settings, rememberSecrets: remember }));
  if (remember) store.set(SECRETS_KEY, JSON.stringify(secrets));
  else store.remove(SECRETS_KEY);
}

/** The gateway base URL: the setting, or the pane's own origin. Trailing slashes removed. */
export function gatewayBaseUrl(settings: Pick<Settings, "gatewayUrl">, origin: string): string {
  const url = settings.gatewayUrl.trim() || origin;
  return url.replace(/\/+$/, "");
}

/** Enough to log in. */
export function canSignIn(settings: Settings, secrets: Secrets): boolean {
  return [settings.appId, settings.accountId, settings.user, secrets.appSecret].every((s) => s.trim() !== "");
}
