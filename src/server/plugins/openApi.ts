/**
 * The open API (piaozone-api §1.3): `POST /kapi/app/sim/openApi` and `/kapi/app/rim/deduction`.
 * Every business refusal is HTTP 200 with the protocol envelope. The order of checks is the vendor's:
 * token, interfaceCode, endpoint, `data` decoding, the interface's schema, the caller's organisation,
 * then the handler, at most once per serialNo.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { type Endpoint, ENDPOINT_PATHS, isDocumentedInterface } from "../../gateway/interfaces";
import { isJsonObject } from "../../gateway/json";
import { successEnvelope } from "../../gateway/protocol";
import { numbersAsDocumentedText } from "../../gateway/schemas/coerce";
import { sameCompanyName } from "../../domain/parse/text";
import { authenticate } from "../auth";
import { type Caller, type RequestInfo, buildContext, orgCodec } from "../context";
import { RollbackWith, withTxOrRollback } from "../db/tx";
import { runIdempotent } from "../idempotency";
import {
  decodeRequestData,
  encodeResponseData,
  exactView,
  requestHash,
  typedView,
} from "../protocol/payload";
import { ENVELOPE_BODY_SCHEMA } from "../protocol/schemas";
import { describeSchemaErrors, schemaErrorField, type SchemaError } from "../protocol/validation";
import {
  DEFAULT_ORG_TAX_ID_FIELDS,
  type InterfaceHandler,
  type Outcome,
  refuse as refuseOutcome,
} from "../registry";
import { type Refusing, refusalEnvelope, replyStyleOf, sendJson } from "../reply";
import { type GatewaySettings, presentedToken } from "./shared";

/** The first payload field naming an enterprise other than the caller's, if any. */
function foreignTaxId(data: unknown, fields: readonly string[], ownTaxId: string): string | undefined {
  for (const item of Array.isArray(data) ? data : [data]) {
    if (!isJsonObject(item)) continue;
    for (const f of fields) {
      const v = item[f];
      if (typeof v === "string" && v.trim() !== "" && v.trim().toUpperCase() !== ownTaxId) return v;
    }
  }
  return undefined;
}

/** A party's tax-ID field and the name field beside it (both sides of an invoice or form). */
const PARTY_NAME_FIELDS = [
  ["sellerTaxpayerId", "sellerName"],
  ["buyerTaxpayerId", "buyerName"],
] as const;

/**
 * A name given beside the caller's own tax ID that is not the caller's registered name (D13): the
 * bureau prints the registered name, so a different one is a mistake the clerk must see, not a name
 * silently replaced. Returns the field path (relative to `data`) and the name given.
 */
function ownNameMismatch(
  data: unknown,
  org: { tax_id: string; name: string }
): { field: string; name: string } | undefined {
  const items = Array.isArray(data) ? data : [data];
  for (const [i, item] of items.entries()) {
    if (!isJsonObject(item)) continue;
    for (const [idField, nameField] of PARTY_NAME_FIELDS) {
      const id = item[idField];
      const name = item[nameField];
      if (typeof id !== "string" || id.trim().toUpperCase() !== org.tax_id) continue;
      if (typeof name !== "string" || name.trim() === "") continue;
      if (!sameCompanyName(name, org.name))
        return { field: Array.isArray(data) ? `[${i}].${nameField}` : nameField, name };
    }
  }
  return undefined;
}

export const openApiPlugin: FastifyPluginAsync<{ settings: GatewaySettings }> = async (app, { settings }) => {
  const { db, dialect, clock, wallClock, replyMode, registry } = settings;

  async function execute(
    handler: InterfaceHandler<unknown>,
    caller: Caller,
    request: RequestInfo,
    data: unknown,
    now: number
  ): Promise<{ outcome: Outcome; replayed: boolean; key?: string }> {
    const run = (tx: Parameters<typeof buildContext>[0]["tx"]) =>
      handler.handle(buildContext({ tx, caller, request, clock, now, dialect, registry }), data);
    const key = handler.idempotencyKey?.(data);
    if (key !== undefined && key !== "") {
      const r = await runIdempotent(
        db,
        {
          orgId: caller.org.id,
          serialNo: key,
          interfaceCode: request.interfaceCode,
          requestHash: requestHash(request.interfaceCode, data),
        },
        now,
        run
      );
      return { outcome: r.outcome, replayed: r.replayed, key };
    }
    const outcome = await withTxOrRollback<Outcome>(db, async (tx) => {
      const o = await run(tx);
      if (!o.ok && !o.keep) throw new RollbackWith(o);
      return o;
    });
    return { outcome, replayed: false };
  }

  const openApi = (endpoint: Endpoint) => async (req: FastifyRequest, reply: FastifyReply) => {
    const style = replyStyleOf(req, replyMode);
    const refuse = (r: Refusing) => sendJson(reply, refusalEnvelope(endpoint, r, style));
    const now = clock.now();
    const auth = await authenticate(db, presentedToken(req), wallClock.now());
    if (!auth.ok) return refuse({ code: auth.code });
    const caller = auth.value;
    const body = req.body as {
      requestId: string;
      businessSystemCode: string;
      interfaceCode: string;
      data: unknown;
    };
    const interfaceCode = body.interfaceCode.trim();

    const handler = registry.get(interfaceCode);
    if (!handler) {
      return refuse({
        code: isDocumentedInterface(interfaceCode) ? "GW_NOT_IMPLEMENTED" : "GW_UNKNOWN_INTERFACE",
        params: { interfaceCode },
      });
    }
    if (handler.endpoint !== endpoint) {
      return refuse({
        code: "GW_WRONG_ENDPOINT",
        params: { interfaceCode, path: ENDPOINT_PATHS[handler.endpoint] },
      });
    }

    const codec = orgCodec(caller.org);
    const decoded = await decodeRequestData(body.data, codec);
    if (!decoded.ok) {
      if (decoded.reason === "absent")
        return refuse({ code: "GW_BAD_ENVELOPE", params: { detail: "data 不能为空" } });
      return refuse({
        code: "GW_BAD_DATA_ENCODING",
        params: {
          detail:
            decoded.reason === "notEncrypted"
              ? "本组织的数据加密方式为 AES，data 须为 AES 密文，不接受未加密的 base64 或 JSON（请检查接入配置的加密方式）"
              : codec.encoding === "aes"
                ? "不是用本组织 AES 密钥加密的 JSON"
                : "不是 base64 编码的 UTF-8 JSON",
        },
      });
    }
    const value = numbersAsDocumentedText(handler.dataSchema, decoded.value);
    const validate = req.compileValidationSchema(handler.dataSchema);
    if (!validate(typedView(value))) {
      const detail = describeSchemaErrors(validate.errors as SchemaError[], "data");
      const field = schemaErrorField(validate.errors as SchemaError[]);
      return refuse({ code: "GW_VALIDATION", params: { detail }, ...(field ? { field } : {}) });
    }
    const data = exactView(value);
    const foreign = foreignTaxId(
      data,
      handler.orgTaxIdFields ?? DEFAULT_ORG_TAX_ID_FIELDS,
      caller.org.tax_id
    );
    if (foreign !== undefined) return refuse({ code: "GW_FORBIDDEN_ORG", params: { taxNo: foreign } });
    const misnamed = ownNameMismatch(data, caller.org);
    if (misnamed)
      return refuse({
        code: "GW_OWN_NAME_MISMATCH",
        params: { name: misnamed.name, orgName: caller.org.name, taxNo: caller.org.tax_id },
        field: misnamed.field,
      });

    const executed = await execute(
      handler,
      caller,
      { requestId: body.requestId, businessSystemCode: body.businessSystemCode, interfaceCode, reply: style },
      data,
      now
    );
    // The vendor answers a serialNo it has seen with 10127, whatever the body (V9): the caller
    // queries by that serial. `hc` mode replays the recorded answer instead.
    const outcome: Outcome =
      executed.replayed &&
      replyMode === "vendor" &&
      !(executed.outcome.ok === false && executed.outcome.refusal.code === "GW_DUPLICATE_SERIAL")
        ? refuseOutcome("GW_DUPLICATE_SERIAL", { serialNo: executed.key ?? "" })
        : executed.outcome;
    const payload = await encodeResponseData(outcome.data, codec, handler.encodeResponse ?? true);
    if (outcome.ok) {
      const env = successEnvelope(endpoint, payload, outcome.message ?? "");
      // 2.1.13 documents `success` as a string ("true"); V10.
      if (replyMode === "vendor" && handler.successAsText) env.success = "true";
      return sendJson(reply, env);
    }
    const r = outcome.refusal;
    return sendJson(
      reply,
      refusalEnvelope(
        endpoint,
        { code: r.code, ...(r.params ? { params: r.params } : {}), ...(r.field ? { field: r.field } : {}) },
        style,
        payload,
        outcome.errorCode
      )
    );
  };

  app.post(ENDPOINT_PATHS.sim, { schema: { body: ENVELOPE_BODY_SCHEMA } }, openApi("sim"));
  app.post(ENDPOINT_PATHS.rim, { schema: { body: ENVELOPE_BODY_SCHEMA } }, openApi("rim"));
};
