/**
 * JSON schemas: the HTTP bodies (envelope, auth) and building blocks for interface `data` schemas.
 * Validation runs with type coercion off: `"requestId": 123` is refused, not turned into "123".
 */

/** A JSON schema object (draft-07 subset as ajv 8 reads it). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** The exact-decimal grammar we accept inside a string (the wire also sends amounts as strings). */
export const DECIMAL_PATTERN = "^[+-]?(\\d+(\\.\\d+)?|\\.\\d+)$";

/** Building blocks for data schemas. */
export const S = {
  string(maxLength?: number, opts: { minLength?: number; pattern?: string } = {}): JsonSchema {
    return {
      type: "string",
      ...(maxLength === undefined ? {} : { maxLength }),
      ...(opts.minLength === undefined ? {} : { minLength: opts.minLength }),
      ...(opts.pattern === undefined ? {} : { pattern: opts.pattern }),
    };
  },
  /** A required non-empty string. */
  text(maxLength?: number): JsonSchema {
    return S.string(maxLength, { minLength: 1 });
  },
  enumOf(values: readonly string[]): JsonSchema {
    return { type: "string", enum: [...values] };
  },
  integer(opts: { minimum?: number; maximum?: number } = {}): JsonSchema {
    return { type: "integer", ...opts };
  },
  /** Integer sent as a number or as digits in a string (originaldetailRowNo is a string on 2.1.04). */
  integerLike(): JsonSchema {
    return { anyOf: [{ type: "integer" }, { type: "string", pattern: "^\\d+$" }] };
  },
  /** A decimal as a JSON number or as a decimal string (taxRate is a string on most pages, a number on 2.1.04). */
  decimal(): JsonSchema {
    return { anyOf: [{ type: "number" }, { type: "string", pattern: DECIMAL_PATTERN }] };
  },
  /** An amount (14,2): number or string, at most 2 decimals. */
  amount(): JsonSchema {
    return {
      anyOf: [
        { type: "number", multipleOf: 0.01 },
        { type: "string", pattern: "^[+-]?\\d{1,12}(\\.\\d{1,2})?$" },
      ],
    };
  },
  /** `yyyy-MM-dd` */
  date(): JsonSchema {
    return { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" };
  },
  /** `yyyy-MM-dd HH:mm:ss` (a bare date is tolerated). */
  dateTime(): JsonSchema {
    return { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}( \\d{2}:\\d{2}:\\d{2})?$" };
  },
  object(properties: Record<string, JsonSchema>, required: readonly string[] = []): JsonSchema {
    return { type: "object", properties, ...(required.length ? { required: [...required] } : {}) };
  },
  array(items: JsonSchema, opts: { minItems?: number; maxItems?: number } = {}): JsonSchema {
    return { type: "array", items, ...opts };
  },
};

/** POST /kapi/app/{sim/openApi, rim/deduction} body (piaozone-api §1.3). */
export const ENVELOPE_BODY_SCHEMA: JsonSchema = {
  type: "object",
  required: ["requestId", "businessSystemCode", "interfaceCode", "data"],
  properties: {
    requestId: { type: "string", minLength: 1, maxLength: 64 },
    businessSystemCode: { type: "string", minLength: 1, maxLength: 50 },
    interfaceCode: { type: "string", minLength: 1, maxLength: 100 },
    // Encoded string, or (lenient, §1.4) the plain object/array.
    data: { type: ["string", "object", "array"] },
  },
};

/** 1.01 获取app_token */
export const APP_TOKEN_BODY_SCHEMA: JsonSchema = {
  type: "object",
  required: ["appId", "appSecret", "accountId"],
  properties: {
    appId: { type: "string", minLength: 1, maxLength: 100 },
    appSecret: { type: "string", minLength: 1, maxLength: 200 },
    accountId: { type: "string", minLength: 1, maxLength: 64 },
    tenantid: { type: "string", maxLength: 100 },
    language: { type: "string", maxLength: 20 },
  },
};

/** 1.02 获取access_token */
export const LOGIN_BODY_SCHEMA: JsonSchema = {
  type: "object",
  required: ["user", "apptoken", "accountId", "usertype"],
  properties: {
    user: { type: "string", minLength: 1, maxLength: 100 },
    apptoken: { type: "string", minLength: 1, maxLength: 200 },
    accountId: { type: "string", minLength: 1, maxLength: 64 },
    usertype: { type: "string", enum: ["UserName", "Mobile"] },
    tenantid: { type: "string", maxLength: 100 },
  },
};

/** logout: `{ "access_token": "…" }` (or the query parameter / header). */
export const LOGOUT_BODY_SCHEMA: JsonSchema = {
  type: "object",
  properties: { access_token: { type: "string", maxLength: 300 } },
};

/** PUT /sandbox/callbacks: where 2.1.02 callbacks of a businessSystemCode go (发票云 系统管理 → 业务系统). */
export const CALLBACK_ENDPOINT_BODY_SCHEMA: JsonSchema = {
  type: "object",
  required: ["businessSystemCode", "url"],
  additionalProperties: false,
  properties: {
    businessSystemCode: { type: "string", minLength: 1, maxLength: 30 },
    url: { type: "string", minLength: 8, maxLength: 500, pattern: "^https?://" },
  },
};

/** POST /sandbox/clock */
export const CLOCK_BODY_SCHEMA: JsonSchema = {
  type: "object",
  properties: {
    advanceMs: { type: "integer" },
    set: {
      anyOf: [
        { type: "integer", minimum: 0 },
        { type: "string", minLength: 10, maxLength: 40 },
      ],
    },
    frozen: { type: "boolean" },
  },
};
