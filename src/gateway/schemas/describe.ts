/**
 * Schema errors → one Chinese sentence naming the field (GW_BAD_ENVELOPE / GW_VALIDATION messages),
 * and the field as a path relative to the checked value (`invoiceDetail[0].revenueCode`, Refusal.field).
 * The errors are ajv's shape (keyword, instancePath, params); the client's pre-send check
 * (./check.ts) translates TypeBox's errors into the same shape, so both sides say the same words.
 */
import { SAFE_TEXT_PATTERN } from "../../domain/parse/text";

export interface SchemaError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: "字符串",
  number: "数字",
  integer: "整数",
  boolean: "布尔值",
  object: "对象",
  array: "数组",
  null: "null",
};

/** A JSON pointer (`/invoiceDetail/0/revenueCode`) as a field path (`invoiceDetail[0].revenueCode`). */
export function fieldPath(instancePath: string, extra?: string): string {
  const parts = instancePath
    .split("/")
    .filter((p) => p !== "")
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p.replace(/~1/g, "/").replace(/~0/g, "~")}`));
  if (extra !== undefined) parts.push(`.${extra}`);
  return parts.join("").replace(/^\./, "");
}

function fieldName(prefix: string, instancePath: string, extra?: string): string {
  const path = fieldPath(instancePath, extra);
  return path ? `${prefix}${prefix ? "." : ""}${path}`.replace(/\.\[/g, "[") : prefix || "报文";
}

function typeList(t: unknown): string {
  const list = Array.isArray(t) ? t : [t];
  return list.map((x) => TYPE_NAMES[String(x)] ?? String(x)).join("或");
}

/** One error as Chinese text; `prefix` names the root ("data" for the payload, "" for the body). */
export function describeSchemaError(e: SchemaError, prefix: string): string {
  const p = e.params;
  switch (e.keyword) {
    case "required":
      return `缺少必填字段 ${fieldName(prefix, e.instancePath, String(p.missingProperty))}`;
    case "type":
      return `字段 ${fieldName(prefix, e.instancePath)} 应为${typeList(p.type)}`;
    case "maxLength":
      return `字段 ${fieldName(prefix, e.instancePath)} 超过最大长度 ${String(p.limit)}`;
    case "minLength":
      return `字段 ${fieldName(prefix, e.instancePath)} 不能为空`;
    case "enum":
      return `字段 ${fieldName(prefix, e.instancePath)} 的值无效，可选：${(p.allowedValues as unknown[]).map(String).join("、")}`;
    case "pattern":
      if (p.pattern === SAFE_TEXT_PATTERN)
        return `字段 ${fieldName(prefix, e.instancePath)} 含有不可见的控制字符、方向控制符或不成对的代理字符`;
      return `字段 ${fieldName(prefix, e.instancePath)} 格式不正确`;
    case "format":
      return `字段 ${fieldName(prefix, e.instancePath)} 格式不正确`;
    case "minimum":
    case "exclusiveMinimum":
      return `字段 ${fieldName(prefix, e.instancePath)} 不能小于 ${String(p.limit)}`;
    case "maximum":
    case "exclusiveMaximum":
      return `字段 ${fieldName(prefix, e.instancePath)} 不能大于 ${String(p.limit)}`;
    case "multipleOf":
      return `字段 ${fieldName(prefix, e.instancePath)} 最多两位小数`;
    case "minItems":
      return `字段 ${fieldName(prefix, e.instancePath)} 至少需要 ${String(p.limit)} 项`;
    case "maxItems":
      return `字段 ${fieldName(prefix, e.instancePath)} 最多 ${String(p.limit)} 项`;
    case "additionalProperties":
      return `不支持的字段 ${fieldName(prefix, e.instancePath, String(p.additionalProperty))}`;
    case "anyOf":
    case "oneOf":
      return `字段 ${fieldName(prefix, e.instancePath)} 的类型或格式不正确`;
    default:
      return `字段 ${fieldName(prefix, e.instancePath)} 不合法（${e.keyword}）`;
  }
}

/** The error reported: an anyOf wrapper (ajv lists it after its branches), else the first one. */
function reported(errors: readonly SchemaError[]): SchemaError {
  return errors.find((e) => e.keyword === "anyOf" || e.keyword === "oneOf") ?? errors[0];
}

export function describeSchemaErrors(
  errors: readonly SchemaError[] | null | undefined,
  prefix: string
): string {
  if (!errors || errors.length === 0) return "格式不正确";
  return describeSchemaError(reported(errors), prefix);
}

/**
 * The field the reported error names, relative to the checked value (`invoiceDetail[0].revenueCode`;
 * the missing property for `required`); undefined when it is the value itself.
 */
export function schemaErrorField(errors: readonly SchemaError[] | null | undefined): string | undefined {
  if (!errors || errors.length === 0) return undefined;
  const path = errorFieldPath(reported(errors));
  return path === "" ? undefined : path;
}

/** The field one error concerns: its path, or the missing / unexpected property below it. */
export function errorFieldPath(e: SchemaError): string {
  const extra =
    e.keyword === "required"
      ? String(e.params.missingProperty)
      : e.keyword === "additionalProperties"
        ? String(e.params.additionalProperty)
        : undefined;
  return fieldPath(e.instancePath, extra);
}
