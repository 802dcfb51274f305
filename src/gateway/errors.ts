/**
 * Every way a gateway call can fail, mapped to one refusal code of src/domain/refusals.ts (the
 * "Gateway / protocol" section), so surfaces show the catalogue's Chinese text. A business failure
 * whose message is one of our own domain messages (a hongchong server refusing with the catalogue's
 * wording) or that carries our `refusalCode` extension maps back to that domain code. A refusal
 * that names a request field keeps it (`Refusal.field`, a path relative to `data`): from our
 * `refusalField` extension, else from the wording of a schema refusal, so surfaces can mark the cell.
 */
import { REFUSALS, Refusal, RefusalCode, isRefusalCode, refusal } from "../domain/refusals";
import { DEFAULT_ERROR_CODES, ErrorCodeAssumptions } from "./assumptions";
import type { NormalizedResponse } from "./protocol";

interface DomainPattern {
  readonly code: RefusalCode;
  readonly re: RegExp;
  readonly names: readonly string[];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

let domainPatterns: readonly DomainPattern[] | undefined;

/** Domain (non-GW_) messages as anchored patterns; templates without placeholders first. */
function getDomainPatterns(): readonly DomainPattern[] {
  if (domainPatterns) return domainPatterns;
  const rows = (Object.entries(REFUSALS) as [RefusalCode, string][])
    .filter(([code]) => !code.startsWith("GW_"))
    .map(([code, template]) => {
      const names: string[] = [];
      const body = template
        .split(/(\{\w+\})/)
        .map((part) => {
          const m = /^\{(\w+)\}$/.exec(part);
          if (!m) return escapeRegExp(part);
          names.push(m[1]);
          return "(.+?)";
        })
        .join("");
      return { code, re: new RegExp(`^${body}$`, "s"), names };
    });
  domainPatterns = [...rows.filter((r) => r.names.length === 0), ...rows.filter((r) => r.names.length > 0)];
  return domainPatterns;
}

/** The domain refusal whose catalogue message `message` is (params recovered), if any. */
export function matchDomainRefusal(message: string): Refusal | undefined {
  const text = message.trim();
  if (text === "") return undefined;
  for (const p of getDomainPatterns()) {
    const m = p.re.exec(text);
    if (!m) continue;
    if (p.names.length === 0) return refusal(p.code);
    const params: Record<string, string> = {};
    p.names.forEach((n, i) => (params[n] = m[i + 1]));
    return refusal(p.code, params);
  }
  return undefined;
}

/** `data` followed by its path (`data.invoiceDetail[0].taxAmount`, `data[0].serialNo`); group 1 the path. */
const DATA_PATH = /data((?:\.[A-Za-z_$][\w$]*|\[\d+\])+)/;

/**
 * The `data` path a schema refusal's message names — the sentences of
 * src/gateway/schemas/describe.ts `describeSchemaError`: `字段 data.invoiceDetail[0].revenueCode 格式不正确`,
 * `缺少必填字段 data.buyerTaxpayerId`, `不支持的字段 data.x` (a 2.2.02 item: `data[0].serialNo`).
 * Returns the path without `data.` (`invoiceDetail[0].revenueCode`, `[0].serialNo`), or undefined.
 */
export function fieldOfSchemaMessage(message: string): string | undefined {
  const m = new RegExp(`(?:缺少必填字段|不支持的字段|字段)\\s*${DATA_PATH.source}`).exec(message);
  return m ? m[1].replace(/^\./, "") : undefined;
}

/**
 * The first `data` path a message names anywhere (`data.invoiceDetail[0].taxAmount 与 金额×税率 相差超过0.06`),
 * without `data.`. For our own server's wording only: a vendor's free text is read with fieldOfSchemaMessage.
 */
export function firstDataPath(message: string): string | undefined {
  const m = DATA_PATH.exec(message);
  return m ? m[1].replace(/^\./, "") : undefined;
}

/** `r` with the field the answer names (our extension first, then the schema wording), if any. */
function withField(r: Refusal, resp: NormalizedResponse): Refusal {
  const field = resp.refusalField ?? fieldOfSchemaMessage(resp.message);
  return field ? { ...r, field } : r;
}

export function isTokenExpiredAnswer(
  resp: Pick<NormalizedResponse, "errorCode" | "message">,
  codes: ErrorCodeAssumptions = DEFAULT_ERROR_CODES
): boolean {
  return codes.tokenExpired.includes(resp.errorCode) || codes.tokenExpiredMessage.test(resp.message);
}

export interface BusinessFailureContext {
  readonly serialNo?: string;
  readonly errorCodes?: ErrorCodeAssumptions;
}

/**
 * The refusal for a `success:false` answer. Order: our refusalCode extension → duplicate serial →
 * a domain message → not found → rate limited → GW_BUSINESS_ERROR with the cloud's message.
 * (Token expiry is handled by the client before this: it refreshes and re-sends once.)
 */
export function refusalFromBusinessFailure(
  resp: NormalizedResponse,
  ctx: BusinessFailureContext = {}
): Refusal {
  return withField(refusalOfAnswer(resp, ctx), resp);
}

function refusalOfAnswer(resp: NormalizedResponse, ctx: BusinessFailureContext): Refusal {
  const codes = ctx.errorCodes ?? DEFAULT_ERROR_CODES;
  const message = resp.message.trim();
  if (resp.refusalCode && isRefusalCode(resp.refusalCode)) {
    const params = resp.refusalParams;
    const rendered = params ? refusal(resp.refusalCode, params) : refusal(resp.refusalCode);
    // The server filled the placeholders from the same catalogue; keep its text when it has one.
    return message ? { ...rendered, message } : rendered;
  }
  if (codes.duplicateSerial.includes(resp.errorCode)) {
    return refusal("GW_DUPLICATE_SERIAL", { serialNo: ctx.serialNo ?? "" });
  }
  const domain = matchDomainRefusal(message);
  if (domain) return domain;
  const fallbackMessage = message || `错误码 ${resp.errorCode || "（无）"}`;
  if (codes.notFound.includes(resp.errorCode) || codes.notFoundMessage.test(message)) {
    return refusal("GW_NOT_FOUND", { message: fallbackMessage });
  }
  if (codes.rateLimited.includes(resp.errorCode) || codes.rateLimitedMessage.test(message)) {
    return refusal("GW_RATE_LIMITED");
  }
  return refusal("GW_BUSINESS_ERROR", {
    message: resp.errorCode && message ? `${message}（错误码 ${resp.errorCode}）` : fallbackMessage,
  });
}

/** The refusal for an HTTP status that carried no readable envelope. */
export function refusalFromHttpStatus(status: number, detail: string): Refusal {
  if (status === 401 || status === 403) return refusal("GW_AUTH_FAILED", { message: `HTTP ${status}` });
  if (status === 404) return refusal("GW_NOT_FOUND", { message: `HTTP 404 ${detail}`.trim() });
  if (status === 413) return refusal("GW_BODY_TOO_LARGE", { limit: "?" });
  if (status === 429) return refusal("GW_RATE_LIMITED");
  if (status >= 500) return refusal("GW_SERVER_ERROR", { status });
  return refusal("GW_BAD_RESPONSE", { detail: `HTTP ${status} ${detail}`.trim() });
}
