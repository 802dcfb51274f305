/**
 * Tolerance the vendor shows (ASSUMPTIONS.md V7): a field its documentation types as a string that
 * arrives as a JSON number (`"lineProperty": 0`, `"requestId": 1733212345`) is read as that number's
 * exact text, as the invoice cloud's Java backend binds it. Only fields whose schema accepts nothing
 * but a string are touched; a field that takes numbers keeps its number. The sandbox applies this
 * before it validates; the client never needs it (it sends what the schemas say).
 */
import { JsonDecimal, isJsonObject } from "../json";

type Node = Readonly<Record<string, unknown>>;

const asNode = (s: unknown): Node | undefined => (isJsonObject(s) ? (s as Node) : undefined);

/** The schema accepts strings and no number (a plain `type: "string"`, or a union of only such). */
function stringOnly(schema: Node): boolean {
  if (schema.type === "string") return true;
  const alts = Array.isArray(schema.anyOf)
    ? schema.anyOf
    : Array.isArray(schema.oneOf)
      ? schema.oneOf
      : undefined;
  if (!alts || alts.length === 0) return false;
  return alts.every((a) => {
    const n = asNode(a);
    return n !== undefined && stringOnly(n);
  });
}

/** Every object-shaped alternative of a schema (itself, its anyOf / oneOf / allOf members). */
function objectShapes(schema: Node): Node[] {
  const out: Node[] = [];
  if (asNode(schema.properties)) out.push(schema);
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const alts = schema[key];
    if (Array.isArray(alts))
      for (const a of alts) {
        const n = asNode(a);
        if (n) out.push(...objectShapes(n));
      }
  }
  return out;
}

function itemSchema(schema: Node): Node | undefined {
  const direct = asNode(schema.items);
  if (direct) return direct;
  for (const key of ["anyOf", "oneOf"]) {
    const alts = schema[key];
    if (Array.isArray(alts))
      for (const a of alts) {
        const n = asNode(a);
        const items = n && asNode(n.items);
        if (items) return items;
      }
  }
  return undefined;
}

/** `value` with every JSON number (JsonDecimal) in a string-only position replaced by its text. */
export function numbersAsDocumentedText(schema: unknown, value: unknown): unknown {
  const node = asNode(schema);
  if (!node) return value;
  if (value instanceof JsonDecimal) return stringOnly(node) ? value.text : value;
  if (Array.isArray(value)) {
    const items = itemSchema(node);
    return items ? value.map((v) => numbersAsDocumentedText(items, v)) : value;
  }
  if (isJsonObject(value)) {
    const shapes = objectShapes(node);
    if (shapes.length === 0) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const prop = shapes.map((s) => asNode((s.properties as Node)[k])).find((p) => p !== undefined);
      const next = prop ? numbersAsDocumentedText(prop, v) : v;
      if (k === "__proto__")
        Object.defineProperty(out, k, { value: next, enumerable: true, writable: true, configurable: true });
      else out[k] = next;
    }
    return out;
  }
  return value;
}
