/**
 * Shared plumbing of `hongchong eval` (shared/spec/eval-contract.md): each module contributes
 * a table kind → handler; a handler reads `inputs`, calls src/domain, and returns the output
 * object with the contract's keys and value formats. Shape errors throw EvalInputError, which the
 * dispatcher turns into `{"error": ...}` for that vector only.
 */
import { Dec, isDecimalText } from "../../domain/money";

/** A vector's input that does not fit its kind: the message in Chinese (default) and in English (`--lang en`). */
export class EvalInputError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string
  ) {
    super(zh);
  }
}

export type EvalLang = "zh" | "en";

export type EvalOutput = Record<string, unknown>;
export type EvalHandler = (inputs: Record<string, unknown>) => EvalOutput;
export type EvalHandlers = Readonly<Record<string, EvalHandler>>;

type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function obj(o: Obj, key: string): Obj {
  const v = o[key];
  if (!isObj(v)) throw new EvalInputError(`inputs.${key} 须为对象`, `inputs.${key} must be an object`);
  return v;
}

export function optObj(o: Obj, key: string): Obj | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (!isObj(v))
    throw new EvalInputError(`inputs.${key} 须为对象或 null`, `inputs.${key} must be an object or null`);
  return v;
}

export function str(o: Obj, key: string): string {
  const v = o[key];
  if (typeof v !== "string") throw new EvalInputError(`${key} 须为字符串`, `${key} must be a string`);
  return v;
}

export function optStr(o: Obj, key: string): string | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== "string")
    throw new EvalInputError(`${key} 须为字符串或 null`, `${key} must be a string or null`);
  return v;
}

export function bool(o: Obj, key: string, dflt?: boolean): boolean {
  const v = o[key];
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== "boolean")
    throw new EvalInputError(`${key} 须为 true 或 false`, `${key} must be a boolean`);
  return v;
}

export function int(o: Obj, key: string): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isInteger(v))
    throw new EvalInputError(`${key} 须为整数`, `${key} must be an integer`);
  return v;
}

/** A decimal given as a string (the contract's convention). Numbers are refused: they are not exact. */
export function dec(o: Obj, key: string): Dec {
  const v = o[key];
  if (typeof v !== "string" || !isDecimalText(v)) {
    throw new EvalInputError(`${key} 须为十进制数字字符串（如 "100.00"）`, `${key} must be a decimal string`);
  }
  return new Dec(v.trim());
}

export function optDec(o: Obj, key: string): Dec | null {
  const v = o[key];
  if (v === undefined || v === null || v === "") return null;
  return dec(o, key);
}

export function arr(o: Obj, key: string): unknown[] {
  const v = o[key];
  if (!Array.isArray(v)) throw new EvalInputError(`${key} 须为列表`, `${key} must be a list`);
  return v;
}

export function decList(o: Obj, key: string): Dec[] {
  return arr(o, key).map((v, i) => {
    if (typeof v !== "string" || !isDecimalText(v)) {
      throw new EvalInputError(`${key}[${i}] 须为十进制数字字符串`, `${key}[${i}] must be a decimal string`);
    }
    return new Dec(v.trim());
  });
}

/** A label from one of domain/labels' sets; unknown labels are input errors. */
export function label<T extends string>(
  o: Obj,
  key: string,
  set: { normalize(s: unknown): T | undefined; values: readonly string[] }
): T {
  const v = set.normalize(o[key]);
  if (v === undefined) {
    throw new EvalInputError(
      `${key} 须为 ${set.values.join("、")} 之一（收到 ${JSON.stringify(o[key])}）`,
      `${key} must be one of ${set.values.join(", ")} (got ${JSON.stringify(o[key])})`
    );
  }
  return v;
}

export function optLabel<T extends string>(
  o: Obj,
  key: string,
  set: { normalize(s: unknown): T | undefined; values: readonly string[] },
  dflt: T
): T {
  if (o[key] === undefined || o[key] === null) return dflt;
  return label(o, key, set);
}
