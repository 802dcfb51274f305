/**
 * The one client of the invoice cloud's open API (piaozone-api §1–§3), used by the task pane
 * (browser), the CLI (Node) and the gateway server's relay mode. axios + WebCrypto only.
 *
 * - Auth: 1.01 app_token → 1.02 access_token, cached until `expire_time` minus a margin, refreshed
 *   once more when a call is answered "token expired". The token goes in the query string and header.
 * - `call(id, data)`: envelope with a fresh requestId, `data` encoded (base64 / AES-GCM) with exact
 *   decimals, posted to the interface's endpoint, answer decoded with exact decimals.
 * - Retries (exponential backoff + jitter) only when no answer came back: network failure or timeout.
 *   The identical body is re-sent, so the caller's persisted serialNo is never replaced (§1.7).
 *   A business refusal is never retried.
 * - Every failure is a refusal code from src/domain/refusals.ts (GW_…, or the domain code a
 *   hongchong server sent back).
 * - Pre-send check: every typed method, and `call` given an interface spec with a wire schema (the
 *   HC.* extensions: `call(EXTENSIONS.x, …)`), checks the request against the interface's wire
 *   schema (src/gateway/schemas) as it will be serialized; a request the gateway would refuse for
 *   its form is refused here with the same GW_VALIDATION message and `field`, and nothing is sent.
 *   `call` by doc id is the raw door (tests of the server's own checks) and sends what it is given.
 */
import type { TSchema } from "@sinclair/typebox";
import axios, { AxiosError, AxiosInstance } from "axios";
import { confirmStatusLabel, isInvoiceableConfirmStatus } from "../domain/confirmForm/status";
import { Refusal, refusal } from "../domain/refusals";
import {
  DEFAULT_ERROR_CODES,
  DEFAULT_RED_REASON_CODE_MAPPING,
  DEFAULT_TOKEN_LIFETIME_MS,
  DEFAULT_TOKEN_REFRESH_MARGIN_MS,
  ErrorCodeAssumptions,
  RED_FLUSH_AWAITING_REPLY,
  RedReasonCodeMapping,
  RedReasonInterface,
  DETAIL_HEADER,
} from "./assumptions";
import { codeToReason, reasonToCode } from "./codes";
import { DataEncoding, DecodedData, decodeData, encodeData } from "./codec";
import { isTokenExpiredAnswer, refusalFromBusinessFailure, refusalFromHttpStatus } from "./errors";
import {
  AUTH_PATHS,
  ENDPOINT_PATHS,
  InterfaceId,
  InterfaceOverrides,
  InterfaceSpec,
  InterfaceTable,
  isInterfaceId,
  resolveInterfaces,
} from "./interfaces";
import { isJsonObject, parseJsonExact, stringifyJson } from "./json";
import type {
  BlueInvoiceOpenRequest,
  InputCollectionQueryRequest,
  InputCollectionQueryResult,
  InputCollectionStartRequest,
  InputCollectionStartResult,
  InvoiceQueryRequest,
  InvoiceQueryResult,
  RedConfirmBillApplyRequest,
  RedConfirmBillApplyResult,
  RedConfirmBillConfirmRequest,
  RedConfirmBillConfirmResult,
  RedConfirmBillDownloadRequest,
  RedConfirmBillDownloadResult,
  RedConfirmBillQueryRequest,
  RedConfirmBillQueryResult,
  RedConfirmBillRevokeRequest,
  RedConfirmBillState,
  RedFlushDigitalRequest,
  RedFlushOutcome,
  RedInfoFormApplyRequest,
  RedInfoFormApplyResult,
  RedInfoFormDownloadRequest,
  RedInfoFormDownloadResult,
  TaxControlIssueRequest,
  TaxControlQuickRedRequest,
} from "./payloads";
import {
  AppTokenRequest,
  LoginRequest,
  RequestEnvelope,
  UserType,
  normalizeResponse,
  readAuthFailure,
  readAuthReply,
} from "./protocol";
import { WIRE_SCHEMAS, WIRE_SCHEMAS_BY_ID, checkWireData } from "./schemas";
import { newRequestId } from "./serial";
import type { RedReason } from "../domain/labels";

export interface GatewayConfig {
  /** Tenant base URL incl. its path segment, e.g. https://cosmic-sandbox.piaozone.com/jdpjykjyxgs */
  readonly baseUrl: string;
  readonly appId: string;
  readonly appSecret: string;
  /** 数据中心id */
  readonly accountId: string;
  readonly tenantId?: string;
  readonly user: string;
  readonly userType: UserType;
  readonly businessSystemCode: string;
  readonly encoding: DataEncoding;
  readonly aesPassword?: string;
  /** Per HTTP attempt. */
  readonly timeoutMs: number;
  /** Extra attempts after a network failure or timeout (0 = none). */
  readonly retries: number;
  readonly interfaceOverrides?: InterfaceOverrides;
  readonly reasonCodeMapping?: RedReasonCodeMapping;
  readonly errorCodes?: Partial<ErrorCodeAssumptions>;
  /** Refresh the token this long before its expire_time. Default 60 s. */
  readonly tokenRefreshMarginMs?: number;
  /** First backoff delay; doubles per retry, capped by backoffMaxMs. Defaults 300 ms / 5 s. */
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Also send access_token as a header (the docs list it as optional). Default true. */
  readonly sendTokenHeader?: boolean;
  /**
   * Ask a hongchong gateway for its own refusal detail (refusalCode, refusalField) beside the vendor's
   * answer, with the DETAIL_HEADER request header (ASSUMPTIONS.md V5). Default true; the real cloud
   * ignores the header, so every vendor-code path still runs there.
   */
  readonly askForDetail?: boolean;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Uniform [0,1) for the backoff jitter. */
  readonly random?: () => number;
  /** A preconfigured axios instance (proxies, custom adapters); its baseURL is ignored. */
  readonly axiosInstance?: AxiosInstance;
}

export type GatewayResult<T> =
  | {
      readonly ok: true;
      readonly data: T;
      readonly message: string;
      /** The parsed response envelope (numbers as exact strings). */
      readonly raw: unknown;
      readonly requestId: string;
      readonly attempts: number;
      /**
       * The cloud answered "serial already used" (10127) and this answer is what that serial made,
       * read back by 4.1.04 (ASSUMPTIONS.md V9).
       */
      readonly settledBySerial?: true;
    }
  | {
      readonly ok: false;
      readonly refusal: Refusal;
      readonly raw?: unknown;
      readonly errorCode?: string;
      /** The decoded `data` of a business failure, when it had one. */
      readonly data?: unknown;
      readonly requestId?: string;
      readonly attempts: number;
    };

export interface CallOptions {
  /** The serialNo the caller persisted; must equal data.serialNo when both are present. */
  readonly serialNo?: string;
  readonly signal?: AbortSignal;
}

/** A raw call's success value: the decoded data plus how it was found. */
export interface CallData {
  readonly decoded: DecodedData;
  /** JSON value, opaque text, or undefined. */
  readonly value: unknown;
}

type Transport =
  | { readonly kind: "response"; readonly status: number; readonly text: string }
  | { readonly kind: "network"; readonly detail: string }
  | { readonly kind: "timeout" }
  | { readonly kind: "canceled" };

interface Token {
  readonly value: string;
  readonly expiresAt: number;
}

function valueOf(decoded: DecodedData): unknown {
  if (decoded.kind === "json") return decoded.value;
  if (decoded.kind === "opaque") return decoded.text;
  return undefined;
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** The confirmation bill state in a decoded 2.1.03/2.1.04 data, if present. */
export function readBillState(v: unknown): RedConfirmBillState | undefined {
  if (!isJsonObject(v) || typeof v.redConfirmBillStatus !== "string") return undefined;
  return {
    redInfoBillNo: typeof v.redInfoBillNo === "string" ? v.redInfoBillNo : "",
    govRedConfirmBillUuid: typeof v.govRedConfirmBillUuid === "string" ? v.govRedConfirmBillUuid : "",
    redConfirmBillStatus: v.redConfirmBillStatus,
  };
}

/**
 * What a 2.1.04 answer means (assumptions A11): a bill state that is not invoiceable (not 01/04)
 * means "bill entered, nothing issued" whatever `success` says; otherwise a success is "accepted".
 */
export function interpretRedFlushResult(
  result: GatewayResult<unknown>,
  serialNo: string
): GatewayResult<RedFlushOutcome> {
  const data = result.data;
  const bill = readBillState(data);
  if (bill && !isInvoiceableConfirmStatus(bill.redConfirmBillStatus)) {
    const cloudMessage = result.ok
      ? result.message
      : isJsonObject(result.raw)
        ? result.raw.message
        : undefined;
    const message =
      typeof cloudMessage === "string" && cloudMessage.trim() !== ""
        ? cloudMessage
        : RED_FLUSH_AWAITING_REPLY.message.replace(
            "{statusLabel}",
            confirmStatusLabel(bill.redConfirmBillStatus)
          );
    return {
      ok: true,
      data: { kind: "awaitingConfirmation", bill, message },
      message,
      raw: result.raw,
      requestId: result.requestId ?? "",
      attempts: result.attempts,
    };
  }
  if (!result.ok) return result;
  const echoed =
    typeof data === "string" && data !== ""
      ? data
      : isJsonObject(data) && typeof data.serialNo === "string"
        ? data.serialNo
        : serialNo;
  return {
    ...result,
    data: bill ? { kind: "accepted", serialNo: echoed, bill } : { kind: "accepted", serialNo: echoed },
  };
}

export interface GatewayClient {
  readonly config: GatewayConfig;
  readonly interfaces: InterfaceTable;
  /** 1.01 → 1.02 (or the cached token). */
  login(): Promise<GatewayResult<{ accessToken: string; expiresAt: number }>>;
  logout(): Promise<GatewayResult<undefined>>;
  /** Drop cached tokens (e.g. after a configuration change). */
  invalidateToken(): void;
  call(
    interfaceId: InterfaceId | InterfaceSpec,
    data: unknown,
    options?: CallOptions
  ): Promise<GatewayResult<CallData>>;
  /** The wire code of a 红冲原因 for 2.1.03 ("1".."4") or 2.1.04 ("01".."04"), per the configured mapping. */
  reasonCode(reason: string, interfaceId: RedReasonInterface): string | undefined;
  reasonOf(code: string): RedReason | undefined;

  openBlueInvoice(req: BlueInvoiceOpenRequest): Promise<GatewayResult<string>>;
  applyRedConfirmBill(req: RedConfirmBillApplyRequest): Promise<GatewayResult<RedConfirmBillApplyResult>>;
  redFlushDigital(req: RedFlushDigitalRequest): Promise<GatewayResult<RedFlushOutcome>>;
  revokeRedConfirmBill(req: RedConfirmBillRevokeRequest): Promise<GatewayResult<unknown>>;
  confirmRedConfirmBill(
    req: RedConfirmBillConfirmRequest
  ): Promise<GatewayResult<RedConfirmBillConfirmResult>>;
  queryRedConfirmBills(req: RedConfirmBillQueryRequest): Promise<GatewayResult<RedConfirmBillQueryResult>>;
  downloadRedConfirmBills(
    req: RedConfirmBillDownloadRequest
  ): Promise<GatewayResult<RedConfirmBillDownloadResult>>;
  quickRedFlushTaxControl(req: TaxControlQuickRedRequest): Promise<GatewayResult<unknown>>;
  /**
   * 2.2.01 税控发票开具 with invoiceProperty "1": a red 专票 for an approved 红字信息表 (its own amounts
   * and lines, partial allowed) or a 税控普票 red (invoiceDetail: partial lines). Answers one element
   * per item like 2.2.02; an element refused as a seen serial is settled by 4.1.04.
   */
  issueTaxControlRed(req: TaxControlIssueRequest): Promise<GatewayResult<unknown>>;
  applyRedInfoForm(req: RedInfoFormApplyRequest): Promise<GatewayResult<RedInfoFormApplyResult>>;
  downloadRedInfoForms(req: RedInfoFormDownloadRequest): Promise<GatewayResult<RedInfoFormDownloadResult>>;
  startInputCollection(req: InputCollectionStartRequest): Promise<GatewayResult<InputCollectionStartResult>>;
  queryInputCollection(req: InputCollectionQueryRequest): Promise<GatewayResult<InputCollectionQueryResult>>;
  queryInvoice(req: InvoiceQueryRequest): Promise<GatewayResult<InvoiceQueryResult>>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createGatewayClient(config: GatewayConfig): GatewayClient {
  const now = config.now ?? (() => Date.now());
  const sleep = config.sleep ?? defaultSleep;
  const random = config.random ?? Math.random;
  const margin = config.tokenRefreshMarginMs ?? DEFAULT_TOKEN_REFRESH_MARGIN_MS;
  const backoffBase = config.backoffBaseMs ?? 300;
  const backoffMax = config.backoffMaxMs ?? 5000;
  const errorCodes: ErrorCodeAssumptions = { ...DEFAULT_ERROR_CODES, ...config.errorCodes };
  const reasonMapping = config.reasonCodeMapping ?? DEFAULT_RED_REASON_CODE_MAPPING;
  const interfaces = resolveInterfaces(config.interfaceOverrides);
  const baseUrl = stripSlash(config.baseUrl);
  const http =
    config.axiosInstance ??
    axios.create({
      // Bodies and answers are text: JSON.parse/stringify would turn 0.10 into 0.1.
      transformRequest: [(d: unknown) => d],
      transformResponse: [(d: unknown) => d],
      responseType: "text",
      validateStatus: () => true,
    });

  let accessToken: Token | undefined;
  let appToken: Token | undefined;
  let pendingLogin: Promise<{ ok: true; token: Token } | { ok: false; refusal: Refusal }> | undefined;

  const fresh = (t: Token | undefined): t is Token => t !== undefined && now() < t.expiresAt - margin;

  async function postOnce(
    path: string,
    body: string,
    token: string | undefined,
    signal: AbortSignal | undefined
  ): Promise<Transport> {
    try {
      const headers: Record<string, string> = { "Content-Type": "application/json;charset=UTF-8" };
      if (token && config.sendTokenHeader !== false) headers.access_token = token;
      if (config.askForDetail !== false) headers[DETAIL_HEADER] = "1";
      const res = await http.request<string>({
        method: "POST",
        url: baseUrl + path,
        params: token ? { access_token: token } : undefined,
        data: body,
        headers,
        timeout: config.timeoutMs,
        responseType: "text",
        transformRequest: [(d: unknown) => d],
        transformResponse: [(d: unknown) => d],
        validateStatus: () => true,
        signal,
      });
      const text = typeof res.data === "string" ? res.data : res.data == null ? "" : String(res.data);
      return { kind: "response", status: res.status, text };
    } catch (e) {
      if (axios.isCancel(e)) return { kind: "canceled" };
      if (e instanceof AxiosError) {
        if (
          e.code === AxiosError.ETIMEDOUT ||
          (e.code === AxiosError.ECONNABORTED && /timeout/i.test(e.message))
        ) {
          return { kind: "timeout" };
        }
        if (e.response) {
          return { kind: "response", status: e.response.status, text: String(e.response.data ?? "") };
        }
        return { kind: "network", detail: e.code ? `${e.code} ${e.message}` : e.message };
      }
      return { kind: "network", detail: e instanceof Error ? e.message : String(e) };
    }
  }

  function backoffDelay(retryNo: number): number {
    const cap = Math.min(backoffMax, backoffBase * 2 ** (retryNo - 1));
    // "Equal jitter": at least half the step, so retries never bunch up at zero.
    return Math.round(cap / 2 + (random() * cap) / 2);
  }

  /** Send `body` until an answer arrives or the retries are spent; the body never changes. */
  async function postWithRetry(
    path: string,
    body: string,
    token: string | undefined,
    signal?: AbortSignal
  ): Promise<{ transport: Transport; attempts: number }> {
    let attempts = 0;
    for (;;) {
      attempts++;
      const transport = await postOnce(path, body, token, signal);
      const retryable = transport.kind === "network" || transport.kind === "timeout";
      if (!retryable || attempts > config.retries) return { transport, attempts };
      await sleep(backoffDelay(attempts));
    }
  }

  function transportRefusal(t: Exclude<Transport, { kind: "response" }>): Refusal {
    if (t.kind === "timeout") return refusal("GW_TIMEOUT", { timeoutMs: config.timeoutMs });
    if (t.kind === "canceled") return refusal("GW_NETWORK", { detail: "请求已取消" });
    return refusal("GW_NETWORK", { detail: t.detail });
  }

  function parseBody(text: string): unknown {
    try {
      return parseJsonExact(text);
    } catch {
      return undefined;
    }
  }

  /** One auth step (1.01 or 1.02): post, read the wrapper, or a refusal. */
  async function authStep(
    path: string,
    payload: AppTokenRequest | LoginRequest,
    tokenField: "app_token" | "access_token"
  ): Promise<{ ok: true; token: Token } | { ok: false; refusal: Refusal }> {
    const { transport } = await postWithRetry(path, stringifyJson(payload), undefined);
    if (transport.kind !== "response") return { ok: false, refusal: transportRefusal(transport) };
    const raw = parseBody(transport.text);
    const reply = readAuthReply(raw, tokenField);
    if (!reply) {
      if (transport.status !== 200)
        return { ok: false, refusal: refusalFromHttpStatus(transport.status, "") };
      return { ok: false, refusal: refusal("GW_BAD_RESPONSE", { detail: `${path} 应答不是有效的认证结果` }) };
    }
    if (!reply.ok) {
      const message = reply.message || `错误码 ${reply.errorCode || "（无）"}`;
      return { ok: false, refusal: refusal("GW_AUTH_FAILED", { message }) };
    }
    const expiresAt = reply.expireTime ?? now() + DEFAULT_TOKEN_LIFETIME_MS;
    return { ok: true, token: { value: reply.token, expiresAt } };
  }

  function configProblem(): string | undefined {
    const missing = (
      ["baseUrl", "appId", "appSecret", "accountId", "user", "businessSystemCode"] as const
    ).filter((k) => !config[k]);
    if (missing.length) return `缺少 ${missing.join("、")}`;
    if (config.encoding === "aes" && !config.aesPassword)
      return "加密方式为 AES 时须配置加密密钥（aesPassword）";
    return undefined;
  }

  async function obtainAccessToken(): Promise<{ ok: true; token: Token } | { ok: false; refusal: Refusal }> {
    if (fresh(accessToken)) return { ok: true, token: accessToken };
    // One login at a time: concurrent calls share the same 1.01 → 1.02 round trip.
    if (pendingLogin) return pendingLogin;
    pendingLogin = (async () => {
      try {
        if (!fresh(appToken)) {
          const step = await authStep(
            AUTH_PATHS.appToken,
            {
              appId: config.appId,
              appSecret: config.appSecret,
              accountId: config.accountId,
              ...(config.tenantId ? { tenantid: config.tenantId } : {}),
            },
            "app_token"
          );
          if (!step.ok) return step;
          appToken = step.token;
        }
        const login = await authStep(
          AUTH_PATHS.login,
          {
            user: config.user,
            apptoken: appToken.value,
            accountId: config.accountId,
            usertype: config.userType,
            ...(config.tenantId ? { tenantid: config.tenantId } : {}),
          },
          "access_token"
        );
        if (!login.ok) {
          // A refused app_token may itself be stale: fetch a new one next time.
          appToken = undefined;
          return login;
        }
        accessToken = login.token;
        return login;
      } finally {
        pendingLogin = undefined;
      }
    })();
    return pendingLogin;
  }

  function invalidateToken(): void {
    accessToken = undefined;
    appToken = undefined;
  }

  async function login(): Promise<GatewayResult<{ accessToken: string; expiresAt: number }>> {
    const problem = configProblem();
    if (problem)
      return { ok: false, refusal: refusal("GW_CONFIG_INVALID", { detail: problem }), attempts: 0 };
    const t = await obtainAccessToken();
    if (!t.ok) return { ok: false, refusal: t.refusal, attempts: 1 };
    return {
      ok: true,
      data: { accessToken: t.token.value, expiresAt: t.token.expiresAt },
      message: "",
      raw: undefined,
      requestId: "",
      attempts: 1,
    };
  }

  async function logout(): Promise<GatewayResult<undefined>> {
    const token = accessToken?.value;
    invalidateToken();
    if (!token) return { ok: true, data: undefined, message: "", raw: undefined, requestId: "", attempts: 0 };
    const { transport, attempts } = await postWithRetry(
      AUTH_PATHS.logout,
      stringifyJson({ access_token: token }),
      undefined
    );
    if (transport.kind !== "response") return { ok: false, refusal: transportRefusal(transport), attempts };
    const raw = parseBody(transport.text);
    const failure = readAuthFailure(raw);
    if (failure) {
      const message = failure.message || `错误码 ${failure.errorCode}`;
      return { ok: false, refusal: refusal("GW_AUTH_FAILED", { message }), raw, attempts };
    }
    if (transport.status >= 400)
      return { ok: false, refusal: refusalFromHttpStatus(transport.status, ""), raw, attempts };
    return { ok: true, data: undefined, message: "", raw, requestId: "", attempts };
  }

  const codecOptions = () => ({ encoding: config.encoding, aesPassword: config.aesPassword });

  async function call(
    interfaceId: InterfaceId | InterfaceSpec,
    data: unknown,
    options: CallOptions = {}
  ): Promise<GatewayResult<CallData>> {
    const problem = configProblem();
    if (problem)
      return { ok: false, refusal: refusal("GW_CONFIG_INVALID", { detail: problem }), attempts: 0 };
    let spec: InterfaceSpec;
    if (typeof interfaceId === "string") {
      if (!isInterfaceId(interfaceId)) {
        return {
          ok: false,
          refusal: refusal("GW_UNKNOWN_INTERFACE", { interfaceCode: interfaceId }),
          attempts: 0,
        };
      }
      spec = interfaces[interfaceId];
    } else {
      spec = interfaceId;
      const schema = WIRE_SCHEMAS[spec.interfaceCode.trim()];
      const invalid = schema && preSendRefusal(schema, data);
      if (invalid) return invalid;
    }
    const serialNo =
      options.serialNo ??
      (isJsonObject(data) && typeof data.serialNo === "string" ? data.serialNo : undefined);
    if (
      options.serialNo &&
      isJsonObject(data) &&
      data.serialNo !== undefined &&
      data.serialNo !== options.serialNo
    ) {
      return {
        ok: false,
        refusal: refusal("GW_VALIDATION", {
          detail: `流水号不一致（${String(data.serialNo)} ≠ ${options.serialNo}）`,
        }),
        attempts: 0,
      };
    }

    let encoded: string;
    try {
      encoded = await encodeData(data, codecOptions());
    } catch (e) {
      return {
        ok: false,
        refusal: refusal("GW_VALIDATION", { detail: e instanceof Error ? e.message : String(e) }),
        attempts: 0,
      };
    }
    const envelope: RequestEnvelope = {
      requestId: newRequestId(now()),
      businessSystemCode: config.businessSystemCode,
      interfaceCode: spec.interfaceCode.trim(),
      data: encoded,
    };
    // Serialized once: every retry and the post-refresh re-send carry these exact bytes.
    const body = stringifyJson(envelope);
    const path = ENDPOINT_PATHS[spec.endpoint];
    let attempts = 0;
    let refreshed = false;

    for (;;) {
      const token = await obtainAccessToken();
      if (!token.ok) return { ok: false, refusal: token.refusal, requestId: envelope.requestId, attempts };
      const sent = await postWithRetry(path, body, token.token.value, options.signal);
      attempts += sent.attempts;
      const t = sent.transport;
      if (t.kind !== "response") {
        return { ok: false, refusal: transportRefusal(t), requestId: envelope.requestId, attempts };
      }
      const raw = parseBody(t.text);
      const resp = normalizeResponse(raw, spec.endpoint);
      const tokenRejected = resp ? !resp.success && isTokenExpiredAnswer(resp, errorCodes) : t.status === 401;
      if (tokenRejected) {
        accessToken = undefined;
        if (!refreshed) {
          refreshed = true;
          continue;
        }
        appToken = undefined;
        return {
          ok: false,
          refusal: refusal("GW_TOKEN_EXPIRED"),
          raw: raw ?? t.text,
          errorCode: resp?.errorCode,
          requestId: envelope.requestId,
          attempts,
        };
      }
      if (!resp) {
        const failure =
          t.status >= 200 && t.status < 300
            ? refusal("GW_BAD_RESPONSE", {
                detail: raw === undefined ? "应答不是 JSON" : "应答缺少 success / errorCode",
              })
            : refusalFromHttpStatus(t.status, "");
        return { ok: false, refusal: failure, raw: raw ?? t.text, requestId: envelope.requestId, attempts };
      }
      let decoded: DecodedData;
      try {
        decoded = await decodeData(resp.data, codecOptions());
      } catch (e) {
        return {
          ok: false,
          refusal: refusal("GW_BAD_RESPONSE", { detail: e instanceof Error ? e.message : String(e) }),
          raw,
          requestId: envelope.requestId,
          attempts,
        };
      }
      if (!resp.success) {
        return {
          ok: false,
          refusal: refusalFromBusinessFailure(resp, { serialNo, errorCodes }),
          raw,
          errorCode: resp.errorCode,
          data: valueOf(decoded),
          requestId: envelope.requestId,
          attempts,
        };
      }
      return {
        ok: true,
        data: { decoded, value: valueOf(decoded) },
        message: resp.message,
        raw,
        requestId: envelope.requestId,
        attempts,
      };
    }
  }

  /** call + shape the value: `shape` returns the typed value or undefined when the answer is unusable. */
  async function typed<T>(
    id: InterfaceId,
    data: unknown,
    shape: (value: unknown) => T | undefined,
    options?: CallOptions
  ): Promise<GatewayResult<T>> {
    const invalid = preSendRefusal(WIRE_SCHEMAS_BY_ID[id], data);
    if (invalid) return invalid;
    const r = await call(id, data, options);
    if (!r.ok) return r;
    const value = shape(r.data.value);
    if (value === undefined) {
      return {
        ok: false,
        refusal: refusal("GW_BAD_RESPONSE", {
          detail: `${id} ${interfaces[id].description}应答的 data 不符合约定`,
        }),
        raw: r.raw,
        data: r.data.value,
        requestId: r.requestId,
        attempts: r.attempts,
      };
    }
    return { ...r, data: value };
  }

  const asObject = <T>(v: unknown): T | undefined => (isJsonObject(v) ? (v as T) : undefined);
  const objectOrEmpty = <T>(v: unknown): T | undefined => (v === undefined ? ({} as T) : asObject<T>(v));
  const withList =
    <T>(key: string) =>
    (v: unknown): T | undefined => {
      const o = v === undefined ? {} : v;
      if (!isJsonObject(o)) return undefined;
      const list = o[key] ?? [];
      return Array.isArray(list) ? ({ ...o, [key]: list } as T) : undefined;
    };

  return {
    config,
    interfaces,
    login,
    logout,
    invalidateToken,
    call,
    reasonCode: (reason, interfaceId) => reasonToCode(reason, interfaceId, reasonMapping),
    reasonOf: (code) => codeToReason(code, reasonMapping),

    openBlueInvoice: async (req) => {
      const r = await typed(
        "2.1.01",
        req,
        (v) => (typeof v === "string" && v !== "" ? v : v === undefined ? req.serialNo : undefined),
        { serialNo: req.serialNo }
      );
      if (!isDuplicate(r)) return r;
      const held = await invoiceBySerial(req.serialNo, req.sellerTaxpayerId);
      // Only what this request would have made: a blue invoice to the same buyer.
      const same =
        held && held.invoiceProperty !== "1" && (held.buyerName ?? req.buyerName) === req.buyerName;
      return same ? { ...settled(r), data: req.serialNo } : r;
    },
    applyRedConfirmBill: (req) =>
      typed("2.1.03", req, (v): RedConfirmBillApplyResult | undefined =>
        isJsonObject(v) && v.yields === "红字信息表" && typeof v.redInfoBillNo === "string"
          ? {
              yields: "红字信息表",
              redInfoBillNo: v.redInfoBillNo,
              notice: typeof v.notice === "string" ? v.notice : "",
              ...(typeof v.status === "string" ? { status: v.status } : {}),
            }
          : readBillState(v)
      ),
    redFlushDigital: async (req) => {
      const r = interpretRedFlushResult(
        await rawValue("2.1.04", req, { serialNo: req.serialNo }),
        req.serialNo
      );
      if (!isDuplicate(r)) return r;
      // The serial was sent before (a re-send after a lost answer): the red it made is the answer.
      const held = await invoiceBySerial(req.serialNo, req.sellerTaxpayerId);
      // Only a red of the same blue invoice is this request's answer; another request under the
      // serial stays refused.
      const reasonOf = (v: string) => codeToReason(v, reasonMapping) ?? v.trim();
      const otherReason =
        held?.redReason && req.redReason && reasonOf(held.redReason) !== reasonOf(req.redReason);
      if (
        !held ||
        otherReason ||
        (held.originalInvoiceNumber && held.originalInvoiceNumber !== req.invoiceNum)
      )
        return r;
      const bill = held.redInfoBillNo
        ? await billByNumber(held.redInfoBillNo, req.sellerTaxpayerId)
        : undefined;
      return {
        ...settled(r),
        data: bill
          ? { kind: "accepted", serialNo: req.serialNo, bill }
          : { kind: "accepted", serialNo: req.serialNo },
      };
    },
    revokeRedConfirmBill: (req) => typed("2.1.08", req, (v) => v ?? null),
    confirmRedConfirmBill: (req) =>
      typed("2.1.09", req, (v) => objectOrEmpty<RedConfirmBillConfirmResult>(v)),
    queryRedConfirmBills: (req) => typed("2.1.13", req, withList<RedConfirmBillQueryResult>("dataList")),
    downloadRedConfirmBills: (req) =>
      typed("2.1.12", req, (v) => objectOrEmpty<RedConfirmBillDownloadResult>(v)),
    quickRedFlushTaxControl: async (req) =>
      settleQuickRedElements(req, await typed("2.2.02", req, (v) => v ?? null)),
    issueTaxControlRed: async (req) =>
      settleQuickRedElements(req, await typed("2.2.01", req, (v) => v ?? null)),
    applyRedInfoForm: (req) =>
      typed("2.2.04", req, (v) => asObject<RedInfoFormApplyResult>(v), { serialNo: req.serialNo }),
    downloadRedInfoForms: (req) => typed("2.2.05", req, withList<RedInfoFormDownloadResult>("dataList")),
    startInputCollection: (req) =>
      typed("4.02", req, (v) =>
        isJsonObject(v) && typeof v.taskNo === "string"
          ? (v as unknown as InputCollectionStartResult)
          : undefined
      ),
    queryInputCollection: (req) => typed("4.03", req, withList<InputCollectionQueryResult>("invoices")),
    queryInvoice: (req) => typed("4.1.04", req, (v) => asObject<InvoiceQueryResult>(v)),
  };

  // ── a serial sent before (ASSUMPTIONS.md V9) ────────────────────────────────────
  // The vendor answers a serialNo it holds with 10127 whatever the body; what that serial made is
  // then read back by 4.1.04 and returned as the answer (marked `settledBySerial`), so a re-send after
  // a lost answer never needs a new serial and never makes a second invoice. Not found (the first
  // request issued nothing, e.g. a bill awaiting confirmation): the duplicate refusal stands.

  function isDuplicate(r: GatewayResult<unknown>): boolean {
    return !r.ok && r.refusal.code === "GW_DUPLICATE_SERIAL";
  }

  function settled(r: GatewayResult<unknown>) {
    return {
      ok: true as const,
      message: "",
      raw: r.raw,
      requestId: r.requestId ?? "",
      attempts: r.attempts,
      settledBySerial: true as const,
    };
  }

  async function invoiceBySerial(
    serialNo: string,
    sellerTaxpayerId?: string
  ): Promise<InvoiceQueryResult | undefined> {
    const q = await typed("4.1.04", { serialNo, ...(sellerTaxpayerId ? { sellerTaxpayerId } : {}) }, (v) =>
      asObject<InvoiceQueryResult>(v)
    );
    return q.ok && q.data.invoiceNum ? q.data : undefined;
  }

  /** The 红字确认单 a red was issued on, as 2.1.13 lists it (its state, for the settled answer). */
  async function billByNumber(redInfoBillNo: string, taxpayerId?: string) {
    const q = await typed(
      "2.1.13",
      { redInfoBillNo, ...(taxpayerId ? { taxpayerId } : {}) },
      withList<RedConfirmBillQueryResult>("dataList")
    );
    const item = q.ok ? q.data.dataList.find((b) => b.redInfoBillNo === redInfoBillNo) : undefined;
    return item ? readBillState(item) : undefined;
  }

  /** 2.2.02 / 2.2.01: each element refused as a duplicate is replaced by the red its serial made, when there is one. */
  async function settleQuickRedElements(
    req: TaxControlQuickRedRequest | TaxControlIssueRequest,
    r: GatewayResult<unknown>
  ): Promise<GatewayResult<unknown>> {
    const answers = r.data;
    if (!Array.isArray(answers)) return r;
    const dup = (a: unknown) =>
      isJsonObject(a) &&
      a.success !== true &&
      (a.refusalCode === "GW_DUPLICATE_SERIAL" ||
        errorCodes.duplicateSerial.includes(String(a.errorCode ?? "")));
    if (!answers.some(dup)) return r;
    const items = req as readonly { serialNo: string; sellerTaxpayerId?: string }[];
    const out: unknown[] = [];
    for (const a of answers) {
      if (!dup(a)) {
        out.push(a);
        continue;
      }
      const serialNo = String((a as Record<string, unknown>).serialNo ?? "");
      const item = items.find((i) => i.serialNo === serialNo);
      const found = serialNo ? await invoiceBySerial(serialNo, item?.sellerTaxpayerId) : undefined;
      const wanted = (item as { originalInvoiceNumber?: string } | undefined)?.originalInvoiceNumber;
      const held =
        found && (!wanted || !found.originalInvoiceNumber || found.originalInvoiceNumber === wanted)
          ? found
          : undefined;
      out.push(
        held
          ? {
              serialNo,
              success: true,
              errorCode: "0",
              message: "",
              invoiceCode: (held as { invoiceCode?: string }).invoiceCode ?? "",
              invoiceNum: held.invoiceNum,
              invoiceDate: held.invoiceDate ?? "",
              redInfoBillNo: held.redInfoBillNo ?? "",
              totalAmount: held.totalAmount,
              totalTaxAmount: held.totalTaxAmount,
              includeTaxAmount: held.includeTaxAmount,
              settledBySerial: true,
            }
          : a
      );
    }
    if (!out.some((a) => isJsonObject(a) && a.success === true)) return { ...r, data: out };
    return { ...settled(r), data: out };
  }

  /** call, with the success value flattened to the decoded value (for interpreters such as 2.1.04's). */
  async function rawValue(
    id: InterfaceId,
    data: unknown,
    options?: CallOptions
  ): Promise<GatewayResult<unknown>> {
    const invalid = preSendRefusal(WIRE_SCHEMAS_BY_ID[id], data);
    if (invalid) return invalid;
    const r = await call(id, data, options);
    return r.ok ? { ...r, data: r.data.value } : r;
  }

  /** The request checked as it will be sent (module header); a refusal naming the field, or undefined. */
  function preSendRefusal(schema: TSchema, data: unknown): GatewayResult<never> | undefined {
    const check = checkWireData(schema, data);
    if (check.ok) return undefined;
    const r = refusal("GW_VALIDATION", { detail: check.detail });
    return { ok: false, refusal: check.field ? { ...r, field: check.field } : r, attempts: 0 };
  }
}
