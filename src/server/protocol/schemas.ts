/**
 * JSON schemas of the HTTP bodies (envelope, auth, sandbox admin). An interface's `data` schema is
 * not here: it is the interface's wire schema in src/gateway/schemas (shared with the client).
 * Validation runs with type coercion off; the few documented strings that may arrive as numbers are read as their text before (app.ts bodyView, schemas/coerce.ts).
 */

import { SAFE_TEXT_PATTERN } from "../../domain/parse/text";

/** A JSON schema object (draft-07 subset as ajv 8 reads it). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** POST /kapi/app/{sim/openApi, rim/deduction} body (piaozone-api §1.3). */
export const ENVELOPE_BODY_SCHEMA: JsonSchema = {
  type: "object",
  required: ["requestId", "businessSystemCode", "interfaceCode", "data"],
  properties: {
    requestId: { type: "string", minLength: 1, maxLength: 64, pattern: SAFE_TEXT_PATTERN },
    businessSystemCode: { type: "string", minLength: 1, maxLength: 50, pattern: SAFE_TEXT_PATTERN },
    interfaceCode: { type: "string", minLength: 1, maxLength: 100, pattern: SAFE_TEXT_PATTERN },
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
  required: ["user", "apptoken", "accountId"],
  properties: {
    user: { type: "string", minLength: 1, maxLength: 100 },
    apptoken: { type: "string", minLength: 1, maxLength: 200 },
    accountId: { type: "string", minLength: 1, maxLength: 64 },
    // Optional: absent means UserName (V8; a public PHP client omits it).
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
    businessSystemCode: { type: "string", minLength: 1, maxLength: 30, pattern: SAFE_TEXT_PATTERN },
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
