/**
 * The client's pre-send check: a request is checked against its interface's wire schema as it will
 * be SENT — serialized by json.ts (amounts with 2 decimals, quantities digit for digit) and read back
 * with the project's exact parser — then each JSON number is seen as a number, like the server's ajv
 * sees it (src/server/protocol/payload.ts `typedView`). TypeBox `Value.Errors` does the checking, so
 * no ajv reaches the browser bundle; errors are described with the server's words (./describe.ts).
 */
import { Kind, type TSchema } from "@sinclair/typebox";
import { type ValueError, ValueErrorType, Value } from "@sinclair/typebox/value";
import { JsonDecimal, isJsonObject, parseJsonExact, stringifyJson } from "../json";
import { type ScalarKeywords, isOneOfKind, isScalarKind, oneOfInner, scalarFailure } from "./common";
import { type SchemaError, describeSchemaError, errorFieldPath } from "./describe";

export type WireCheck =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** Chinese, e.g. `字段 data.invoiceDetail[0].revenueCode 格式不正确`. */
      readonly detail: string;
      /** Path relative to `data` (`invoiceDetail[0].revenueCode`); absent when it is `data` itself. */
      readonly field?: string;
    };

function typedView(v: unknown): unknown {
  if (v instanceof JsonDecimal) return Number(v.text);
  if (Array.isArray(v)) return v.map(typedView);
  if (isJsonObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = typedView(x);
    return out;
  }
  return v;
}

/**
 * The JSON the client would send, read back with numbers as JsonDecimal. An amount with more than 2
 * decimals makes json.ts refuse to serialize; it is then written exactly so the schema can name the
 * field (`multipleOf`), instead of a bare serializer error.
 */
function sentView(data: unknown): { ok: true; value: unknown } | { ok: false; detail: string } {
  let text: string;
  try {
    text = stringifyJson(data);
  } catch (e) {
    if (!(e instanceof RangeError)) return { ok: false, detail: e instanceof Error ? e.message : String(e) };
    try {
      text = stringifyJson(data, { amountKeys: new Set() });
    } catch (e2) {
      return { ok: false, detail: e2 instanceof Error ? e2.message : String(e2) };
    }
  }
  return { ok: true, value: parseJsonExact(text, { numbers: "decimal" }) };
}

const TYPE_ERRORS: Partial<Record<ValueErrorType, string>> = {
  [ValueErrorType.String]: "string",
  [ValueErrorType.Number]: "number",
  [ValueErrorType.Integer]: "integer",
  [ValueErrorType.Boolean]: "boolean",
  [ValueErrorType.Object]: "object",
  [ValueErrorType.Array]: "array",
};

/** A scalar kind's failure in ajv's words: the keyword ajv reports for that JSON, with its params. */
function scalarError(e: ValueError): SchemaError {
  const s = e.schema as ScalarKeywords;
  const keyword = scalarFailure(s, e.value) ?? "anyOf";
  const params: Record<string, unknown> =
    keyword === "type"
      ? { type: s.type }
      : keyword === "enum"
        ? { allowedValues: s.enum }
        : keyword === "maxLength"
          ? { limit: s.maxLength }
          : keyword === "minLength"
            ? { limit: s.minLength }
            : keyword === "minimum"
              ? { limit: s.minimum }
              : keyword === "maximum"
                ? { limit: s.maximum }
                : keyword === "pattern"
                  ? { pattern: s.pattern }
                  : {};
  return { keyword, instancePath: e.path, params };
}

/** One TypeBox error as ajv would report it (keyword, instancePath, params). */
function asSchemaError(e: ValueError): SchemaError | undefined {
  const s = e.schema as Record<string, unknown>;
  const at = (keyword: string, params: Record<string, unknown> = {}): SchemaError => ({
    keyword,
    instancePath: e.path,
    params,
  });
  const type = TYPE_ERRORS[e.type];
  if (type !== undefined) return at("type", { type });
  switch (e.type) {
    case ValueErrorType.ObjectRequiredProperty: {
      const cut = e.path.lastIndexOf("/");
      const key = e.path
        .slice(cut + 1)
        .replace(/~1/g, "/")
        .replace(/~0/g, "~");
      return { keyword: "required", instancePath: e.path.slice(0, cut), params: { missingProperty: key } };
    }
    case ValueErrorType.StringMaxLength:
      return at("maxLength", { limit: s.maxLength });
    case ValueErrorType.StringMinLength:
      return at("minLength", { limit: s.minLength });
    case ValueErrorType.StringPattern:
      return at("pattern", { pattern: s.pattern });
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return at("minimum", { limit: s.minimum });
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return at("maximum", { limit: s.maximum });
    case ValueErrorType.ArrayMinItems:
      return at("minItems", { limit: s.minItems });
    case ValueErrorType.ArrayMaxItems:
      return at("maxItems", { limit: s.maxItems });
    case ValueErrorType.ObjectAdditionalProperties: {
      const cut = e.path.lastIndexOf("/");
      return {
        keyword: "additionalProperties",
        instancePath: e.path.slice(0, cut),
        params: { additionalProperty: e.path.slice(cut + 1) },
      };
    }
    case ValueErrorType.Union:
      return at("anyOf");
    case ValueErrorType.Kind:
      if (isScalarKind(e.schema)) return scalarError(e);
      return undefined; // HcOneOf: resolved by the caller
    default:
      return at(String(ValueErrorType[e.type] ?? e.type));
  }
}

function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const p of pointer.split("/").filter((x) => x !== "")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[p.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return v;
}

/** The first error, looking inside an at-least-one-of object for the property that failed. */
function firstError(schema: TSchema, value: unknown, base: string): SchemaError | undefined {
  const first = Value.Errors(schema, value).First();
  if (!first) return undefined;
  if (first.type === ValueErrorType.Kind && isOneOfKind(first.schema)) {
    const inner = oneOfInner(first.schema);
    const here = valueAt(value, first.path);
    const deeper = Value.Check(inner, here) ? undefined : firstError(inner, here, base + first.path);
    return deeper ?? { keyword: "anyOf", instancePath: base + first.path, params: {} };
  }
  const e = asSchemaError(first);
  return e && { ...e, instancePath: base + e.instancePath };
}

/** Check a request's `data` against its wire schema as it will be sent. */
export function checkWireData(schema: TSchema, data: unknown): WireCheck {
  const sent = sentView(data);
  if (!sent.ok) return { ok: false, detail: sent.detail };
  const typed = typedView(sent.value);
  if (Value.Check(schema, typed)) return { ok: true };
  const e = firstError(schema, typed, "") ?? { keyword: String(schema[Kind]), instancePath: "", params: {} };
  const field = errorFieldPath(e);
  return { ok: false, detail: describeSchemaError(e, "data"), ...(field ? { field } : {}) };
}
