/**
 * The open-API envelope and auth calls (piaozone-api §1), with the quirks the docs show:
 * `success` is a boolean or the string "true"/"false"; the message is `message` or `errorMsg`;
 * success is errorCode "0" on /kapi/app/sim/openApi and "0000" on the rim family; HTTP is 200
 * for business failures too.
 */
import { isJsonObject } from "./json";
import type { Endpoint } from "./interfaces";

// ── request envelope (§1.3, SEEN) ───────────────────────────────────────────────

export interface RequestEnvelope {
  /** 13-digit epoch ms + 3 random digits; transport id only (idempotency is by serialNo). */
  readonly requestId: string;
  /** The calling business system as registered in 发票云; selects the callback URL. */
  readonly businessSystemCode: string;
  readonly interfaceCode: string;
  /** The business payload, encoded per §1.4 (a plain object/array only in lenient servers). */
  readonly data: string;
}

// ── response envelope (§1.5) ────────────────────────────────────────────────────

/** A response as it may arrive: every quirk the docs show. */
export interface ResponseEnvelopeWire {
  readonly errorCode?: string;
  readonly success?: boolean | string;
  readonly message?: string;
  /** 4.1.04's example uses errorMsg instead of message. */
  readonly errorMsg?: string;
  readonly data?: unknown;
  /**
   * Our extension (the hongchong gateway server / simulator): the refusal code of src/domain/refusals
   * and its params, so a refusal crosses the wire as a code, not just as text.
   */
  readonly refusalCode?: string;
  readonly refusalParams?: Readonly<Record<string, string>>;
  /**
   * Our extension too: the request field the refusal concerns, as a path relative to `data`
   * (e.g. `invoiceDetail[0].revenueCode`), so the add-in can mark the cell that produced it.
   */
  readonly refusalField?: string;
}

/** Success errorCode per endpoint family (§1.6, SEEN). */
export const SUCCESS_ERROR_CODES: Readonly<Record<Endpoint, string>> = { sim: "0", rim: "0000" };

/** A response reduced to what callers need, quirks resolved. */
export interface NormalizedResponse {
  readonly success: boolean;
  /** "" when absent. */
  readonly errorCode: string;
  /** message ?? errorMsg ?? "". */
  readonly message: string;
  /** Still encoded (or plain); decode with codec.decodeData. */
  readonly data: unknown;
  readonly refusalCode?: string;
  readonly refusalParams?: Readonly<Record<string, string>>;
  /** The `data` path the refusal names (our extension; see ResponseEnvelopeWire.refusalField). */
  readonly refusalField?: string;
}

/** "true"/"false" in any case, or a boolean; undefined for anything else. */
export function readFlag(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    const t = v.trim().toLowerCase();
    if (t === "true") return true;
    if (t === "false") return false;
  }
  return undefined;
}

function readText(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  return undefined;
}

/**
 * Read a response envelope (already parsed, numbers as exact strings). undefined when it is not
 * an envelope at all (neither `success` nor `errorCode`). When `success` is absent the errorCode
 * decides: "0" or "0000" count as success on either family (a reply never uses the other's code
 * for a failure).
 */
export function normalizeResponse(raw: unknown, endpoint: Endpoint): NormalizedResponse | undefined {
  if (!isJsonObject(raw)) return undefined;
  const flag = readFlag(raw.success);
  const errorCode = (readText(raw.errorCode) ?? "").trim();
  if (flag === undefined && errorCode === "") return undefined;
  const successCodes = new Set([SUCCESS_ERROR_CODES[endpoint], ...Object.values(SUCCESS_ERROR_CODES)]);
  const success = flag ?? successCodes.has(errorCode);
  const message = readText(raw.message) ?? readText(raw.errorMsg) ?? "";
  const refusalCode =
    typeof raw.refusalCode === "string" && raw.refusalCode !== "" ? raw.refusalCode : undefined;
  const refusalField =
    typeof raw.refusalField === "string" && raw.refusalField.trim() !== ""
      ? raw.refusalField.trim()
      : undefined;
  let refusalParams: Record<string, string> | undefined;
  if (isJsonObject(raw.refusalParams)) {
    refusalParams = {};
    for (const [k, v] of Object.entries(raw.refusalParams)) {
      const t = readText(v);
      if (t !== undefined) refusalParams[k] = t;
    }
  }
  return {
    success,
    errorCode,
    message,
    data: raw.data,
    ...(refusalCode ? { refusalCode } : {}),
    ...(refusalParams ? { refusalParams } : {}),
    ...(refusalField ? { refusalField } : {}),
  };
}

/** A success reply in the family's convention (for servers and the simulator). */
export function successEnvelope(endpoint: Endpoint, data?: unknown, message = ""): Record<string, unknown> {
  return {
    errorCode: SUCCESS_ERROR_CODES[endpoint],
    success: true,
    // `status` beside `success`: clients check it on every reply (`status == 1`, ASSUMPTIONS.md V4).
    status: true,
    message,
    ...(data === undefined ? {} : { data }),
  };
}

/** A failure reply; `refusalCode`, `refusalParams`, `refusalField` are our extension fields (ignored by other clients). */
export function failureEnvelope(
  errorCode: string,
  message: string,
  extra: {
    data?: unknown;
    refusalCode?: string;
    refusalParams?: Readonly<Record<string, string | number>>;
    refusalField?: string;
  } = {}
): Record<string, unknown> {
  return {
    errorCode,
    success: false,
    status: false,
    message,
    ...(extra.data === undefined ? {} : { data: extra.data }),
    ...(extra.refusalCode ? { refusalCode: extra.refusalCode } : {}),
    ...(extra.refusalParams
      ? {
          refusalParams: Object.fromEntries(
            Object.entries(extra.refusalParams).map(([k, v]) => [k, String(v)])
          ),
        }
      : {}),
    ...(extra.refusalField ? { refusalField: extra.refusalField } : {}),
  };
}

// ── auth (§1.2, SEEN) ──────────────────────────────────────────────────────────

/** 1.01 获取app_token — POST {base}/api/getAppToken.do */
export interface AppTokenRequest {
  readonly appId: string;
  readonly appSecret: string;
  readonly tenantid?: string;
  /** 数据中心id */
  readonly accountId: string;
  readonly language?: string;
}

export type UserType = "UserName" | "Mobile";

/** 1.02 获取access_token — POST {base}/api/login.do */
export interface LoginRequest {
  readonly user: string;
  readonly apptoken: string;
  readonly tenantid?: string;
  readonly accountId: string;
  readonly usertype: UserType;
}

/** POST {base}/api/logout.do */
export interface LogoutRequest {
  readonly access_token: string;
}

/** The auth wrapper: `{ data: {…}, state, status }`. */
export interface AuthReplyWire {
  readonly data?: {
    readonly app_token?: string;
    readonly access_token?: string;
    readonly success?: boolean | string;
    readonly error_desc?: string;
    /** Epoch milliseconds. */
    readonly expire_time?: number | string;
    readonly error_code?: string;
  };
  readonly state?: string;
  readonly status?: boolean | string;
}

export type AuthReply =
  | { readonly ok: true; readonly token: string; readonly expireTime?: number }
  | { readonly ok: false; readonly errorCode: string; readonly message: string };

/**
 * The failure an auth-family reply (1.01, 1.02, logout) states, if it states one: data.success false,
 * an error_code other than "0", a state other than "success", or status/success false.
 */
export function readAuthFailure(raw: unknown): { errorCode: string; message: string } | undefined {
  if (!isJsonObject(raw)) return undefined;
  const data = isJsonObject(raw.data) ? raw.data : undefined;
  const errorCode = (readText(data?.error_code) ?? readText(raw.errorCode) ?? "").trim();
  const message = readText(data?.error_desc) ?? readText(raw.message) ?? readText(raw.errorMsg) ?? "";
  const failed =
    readFlag(data?.success) === false ||
    readFlag(raw.success) === false ||
    (errorCode !== "" && errorCode !== "0" && errorCode !== "0000") ||
    (typeof raw.state === "string" && raw.state !== "success") ||
    readFlag(raw.status) === false;
  return failed ? { errorCode, message } : undefined;
}

/** Read a 1.01/1.02 reply: ok when the token field is present and nothing says failure. */
export function readAuthReply(raw: unknown, tokenField: "app_token" | "access_token"): AuthReply | undefined {
  if (!isJsonObject(raw)) return undefined;
  const failure = readAuthFailure(raw);
  if (failure) return { ok: false, ...failure };
  const data = isJsonObject(raw.data) ? raw.data : undefined;
  const token = readText(data?.[tokenField]);
  if (!token) return data ? { ok: false, errorCode: "", message: `应答缺少${tokenField}` } : undefined;
  const expire = readText(data?.expire_time);
  const expireTime = expire !== undefined && /^\d+$/.test(expire.trim()) ? Number(expire.trim()) : undefined;
  return expireTime === undefined ? { ok: true, token } : { ok: true, token, expireTime };
}
