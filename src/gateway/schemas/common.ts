/**
 * Building blocks of the wire schemas (TypeBox): each block is plain JSON Schema for ajv (the
 * sandbox validates with it) and a TypeBox type for the client's pre-send check (`Value.Errors`, no
 * ajv in the browser) and for the static types. They accept exactly the language the server's
 * former `S.*` helpers accepted: numbers or strings with the same patterns.
 *
 * Number conventions (three views of one schema):
 * - `Static<typeof X>`: the JSON value as ajv checks it. A decimal field is `WireNumber | string`
 *   (a branded number, so the mapped types below can tell it from an integer).
 * - `WireOut<T>` (client requests, src/gateway/payloads.ts): a decimal is `Dec | JsonDecimal`
 *   (written digit for digit by json.ts, amounts with 2 decimals) or a decimal string; integers stay
 *   JS numbers; everything readonly.
 * - `WireIn<T>` (sandbox handlers): every JSON number arrives as its exact decimal text (a string),
 *   see src/server/protocol/payload.ts.
 *
 * Why two custom kinds: TypeBox checks `multipleOf` with the float `%` operator (1000.01 % 0.01 ≠ 0),
 * and `enum`/at-least-one-of-these-keys have no native TypeBox type. `HcScalar` and `HcOneOf` carry the
 * same JSON keywords ajv reads, and their TypeBox check evaluates those keywords the way ajv does
 * (ajv runs with `multipleOfPrecision: 9`, src/server/app.ts).
 */
import {
  Kind,
  type Static,
  type TObject,
  type TSchema,
  type TUnsafe,
  Type,
  TypeRegistry,
} from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import type { Dec } from "../../domain/money";
import { SAFE_TEXT_PATTERN } from "../../domain/parse/text";
import type { JsonDecimal } from "../json";

declare const decimalBrand: unique symbol;
/** A JSON number that may carry decimals (amount, rate, quantity, price), as opposed to an integer. */
export type WireNumber = number & { readonly [decimalBrand]: true };

/** A request's view of a schema's static type: what the client builds (see the header). */
export type WireOut<T> = T extends WireNumber
  ? Dec | JsonDecimal
  : T extends string | number | boolean | null | undefined
    ? T
    : T extends readonly (infer E)[]
      ? readonly WireOut<E>[]
      : { readonly [K in keyof T]: WireOut<T[K]> };

/** A handler's view of a schema's static type: every JSON number as its exact decimal text. */
export type WireIn<T> = T extends number
  ? string
  : T extends string | boolean | null | undefined
    ? T
    : T extends readonly (infer E)[]
      ? readonly WireIn<E>[]
      : { readonly [K in keyof T]: WireIn<T[K]> };

/** The exact-decimal grammar accepted inside a string (the wire also sends amounts as strings). */
export const DECIMAL_PATTERN = "^[+-]?(\\d+(\\.\\d+)?|\\.\\d+)$";
/** An amount (14,2) written as a string: at most 12 integer digits and 2 decimals. */
export const AMOUNT_PATTERN = "^[+-]?\\d{1,12}(\\.\\d{1,2})?$";
/** ajv's `multipleOfPrecision` on the server (src/server/app.ts): the client check uses the same. */
export const MULTIPLE_OF_PRECISION = 9;

// ── custom kinds ─────────────────────────────────────────────────────────────────────────────

const SCALAR_KIND = "HcScalar";
const ONE_OF_KIND = "HcOneOf";

export interface ScalarKeywords {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly multipleOf?: number;
  readonly anyOf?: readonly ScalarKeywords[];
}

const patterns = new Map<string, RegExp>();
function regex(p: string): RegExp {
  let r = patterns.get(p);
  if (!r) {
    r = new RegExp(p, "u");
    patterns.set(p, r);
  }
  return r;
}

/**
 * The keyword ajv reports for a scalar value, or undefined when the value is accepted: ajv's reading
 * of the keywords these schemas use (lengths in code points, `multipleOf` with its precision).
 */
export function scalarFailure(s: ScalarKeywords, v: unknown): string | undefined {
  if (s.anyOf) return s.anyOf.some((b) => scalarFailure(b, v) === undefined) ? undefined : "anyOf";
  if (s.type === "string") {
    if (typeof v !== "string") return "type";
    const len = [...v].length;
    if (s.maxLength !== undefined && len > s.maxLength) return "maxLength";
    if (s.minLength !== undefined && len < s.minLength) return "minLength";
    if (s.pattern !== undefined && !regex(s.pattern).test(v)) return "pattern";
  } else if (s.type === "number" || s.type === "integer") {
    if (typeof v !== "number" || !Number.isFinite(v)) return "type";
    if (s.type === "integer" && !Number.isInteger(v)) return "type";
    if (s.maximum !== undefined && v > s.maximum) return "maximum";
    if (s.minimum !== undefined && v < s.minimum) return "minimum";
    if (s.multipleOf !== undefined) {
      const d = v / s.multipleOf;
      if (Math.abs(Math.round(d) - d) > 10 ** -MULTIPLE_OF_PRECISION) return "multipleOf";
    }
  }
  if (s.enum !== undefined && !s.enum.includes(v)) return "enum";
  return undefined;
}

interface OneOfKeywords {
  readonly anyOf: readonly { readonly required: readonly string[] }[];
}

/** The object schema inside an `HcOneOf` (the same keywords, TypeBox kind Object). */
const innerObjects = new WeakMap<object, TSchema>();
export function oneOfInner(schema: TSchema): TSchema {
  let inner = innerObjects.get(schema);
  if (!inner) {
    const { anyOf: _alternatives, ...rest } = schema as TSchema & OneOfKeywords;
    inner = { ...rest, [Kind]: "Object" } as TSchema;
    innerObjects.set(schema, inner);
  }
  return inner;
}

function oneOfSatisfied(schema: OneOfKeywords, v: unknown): boolean {
  const o = v as Record<string, unknown>;
  return schema.anyOf.some((alt) => alt.required.every((k) => Object.prototype.hasOwnProperty.call(o, k)));
}

if (!TypeRegistry.Has(SCALAR_KIND)) {
  TypeRegistry.Set<ScalarKeywords>(
    SCALAR_KIND,
    (schema, value) => scalarFailure(schema, value) === undefined
  );
}
if (!TypeRegistry.Has(ONE_OF_KIND)) {
  TypeRegistry.Set<OneOfKeywords>(
    ONE_OF_KIND,
    (schema, value) =>
      Value.Check(oneOfInner(schema as unknown as TSchema), value) && oneOfSatisfied(schema, value)
  );
}

export function isScalarKind(schema: TSchema): boolean {
  return schema[Kind] === SCALAR_KIND;
}
export function isOneOfKind(schema: TSchema): boolean {
  return schema[Kind] === ONE_OF_KIND;
}

function scalar<T>(keywords: ScalarKeywords): TUnsafe<T> {
  return Type.Unsafe<T>({ ...keywords, [Kind]: SCALAR_KIND });
}

// ── the blocks ───────────────────────────────────────────────────────────────────────────────

/** yyyy-MM-dd with a real month and day number; HH:mm:ss on the 24-hour clock. */
const DATE_PART = "\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])";
const TIME_PART = "([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d";

export const W = {
  /**
   * A string; lengths count code points, as ajv does (TypeBox's own String counts UTF-16 units).
   * Free text (no pattern of its own) must be free of control characters, direction overrides and
   * unpaired surrogates (SAFE_TEXT_PATTERN, D10); a field with its own pattern is already narrower.
   */
  string(maxLength?: number, opts: { minLength?: number; pattern?: string } = {}): TUnsafe<string> {
    return scalar<string>({
      type: "string",
      ...(maxLength === undefined ? {} : { maxLength }),
      ...(opts.minLength === undefined ? {} : { minLength: opts.minLength }),
      pattern: opts.pattern ?? SAFE_TEXT_PATTERN,
    });
  },
  /** A non-empty string. */
  text(maxLength?: number) {
    return W.string(maxLength, { minLength: 1 });
  },
  /** One of these strings (JSON `enum`, so ajv names the allowed values in its message). */
  enumOf<const T extends string>(values: readonly T[]): TUnsafe<T> {
    return scalar<T>({ type: "string", enum: [...values] });
  },
  integer(opts: { minimum?: number; maximum?: number } = {}) {
    return Type.Integer(opts);
  },
  /** An integer as a number or as digits in a string (originaldetailRowNo is a string on 2.1.04). */
  integerLike(): TUnsafe<number | string> {
    return scalar<number | string>({ anyOf: [{ type: "integer" }, { type: "string", pattern: "^\\d+$" }] });
  },
  /** A decimal as a JSON number or a decimal string (taxRate is a string on most pages, a number on 2.1.04). */
  decimal(): TUnsafe<WireNumber | string> {
    return scalar<WireNumber | string>({
      anyOf: [{ type: "number" }, { type: "string", pattern: DECIMAL_PATTERN }],
    });
  },
  /**
   * An amount (14,2): number or string, at most 2 decimals and 12 integer digits either way — a JSON
   * number has the same ±999999999999.99 bounds as the string rule (`"amount": 1e21` is no amount).
   */
  amount(): TUnsafe<WireNumber | string> {
    return scalar<WireNumber | string>({
      anyOf: [
        { type: "number", multipleOf: 0.01, minimum: -999999999999.99, maximum: 999999999999.99 },
        { type: "string", pattern: AMOUNT_PATTERN },
      ],
    });
  },
  /** A tax rate: number or string, 0 ≤ rate ≤ 1, at most 4 decimals as a string. */
  taxRate(): TUnsafe<WireNumber | string> {
    return scalar<WireNumber | string>({
      anyOf: [
        { type: "number", minimum: 0, maximum: 1 },
        { type: "string", pattern: "^(0(\\.\\d{1,4})?|1(\\.0{1,4})?)$" },
      ],
    });
  },
  /** `yyyy-MM-dd` (month 01–12, day 01–31: "2025-13-01" is no date, whatever the bureau's record says). */
  date(): TUnsafe<string> {
    return W.string(undefined, { pattern: `^${DATE_PART}$` });
  },
  /** `yyyy-MM-dd HH:mm:ss` (a bare date is tolerated). */
  dateTime(): TUnsafe<string> {
    return W.string(undefined, { pattern: `^${DATE_PART}( ${TIME_PART})?$` });
  },
  array<T extends TSchema>(items: T, opts: { minItems?: number; maxItems?: number } = {}) {
    return Type.Array(items, opts);
  },
  /**
   * An object that must carry at least one of the key groups (e.g. originalSeq or
   * originaldetailRowNo): JSON `anyOf: [{ required: […] }, …]` beside the properties, as before.
   */
  oneOf<T extends TObject>(object: T, alternatives: readonly (readonly string[])[]): TUnsafe<Static<T>> {
    return Type.Unsafe<Static<T>>({
      ...object,
      anyOf: alternatives.map((keys) => ({ required: [...keys] })),
      [Kind]: ONE_OF_KIND,
    });
  },
};

/** 税控 发票代码 (10 digits paper, 12 digits electronic) and 发票号码 (8 digits). */
export const TAX_CONTROL_CODE_PATTERN = "^\\d{10}(\\d{2})?$";
export const TAX_CONTROL_NO_PATTERN = "^\\d{8}$";
/** 税收分类编码: 19 digits. */
export const REVENUE_CODE_PATTERN = "^\\d{19}$";
