/**
 * JSON for the wire without binary floats (domain-rules §1.1, piaozone-api §1.4 "keep decimals as JSON
 * numbers with 2 decimals"). `JSON.stringify` cannot write `0.10` and `JSON.parse` turns `0.10` into
 * 0.1 and `12345678901234567.89` into 12345678901234568, so both directions are done here:
 *
 * - `stringifyJson` writes `Dec` and `JsonDecimal` values as JSON numbers, digit for digit. A `Dec`
 *   under an amount key (金额/税额/价税合计…) is written with exactly 2 decimals (`-106.00`).
 *   A non-integer JS number is refused: it has already lost its exact value.
 * - `parseJsonExact` reads every JSON number as its exact source text (a string, or a `JsonDecimal`
 *   when the value must be re-sent unchanged, e.g. by a relay).
 */
import { AMOUNT_DP, Dec } from "../domain/money";

/** JSON number grammar (RFC 8259 §6). */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** A JSON number kept as its exact text. Written verbatim by `stringifyJson`. */
export class JsonDecimal {
  readonly text: string;
  constructor(text: string) {
    if (!JSON_NUMBER.test(text)) throw new TypeError(`not a JSON number: ${JSON.stringify(text)}`);
    this.text = text;
  }
  /** An amount (金额): exactly 2 decimals; refuses more than 2 (round first with round2HalfUp). */
  static amount(v: Dec | string): JsonDecimal {
    return new JsonDecimal(amountText(v instanceof Dec ? v : new Dec(v)));
  }
  toString(): string {
    return this.text;
  }
  /** For logs only (JSON.stringify prints it as a string); the wire uses stringifyJson. */
  toJSON(): string {
    return this.text;
  }
}

/**
 * Keys whose values are amounts (14,2) in the piaozone payloads (§1.8 "amounts"): a `Dec` under one
 * of these keys is written with exactly 2 decimals. Quantities, prices and rates are written exactly.
 */
export const AMOUNT_JSON_KEYS: ReadonlySet<string> = new Set([
  "amount",
  "taxAmount",
  "includeTaxAmount",
  "totalAmount",
  "totalTaxAmount",
  "deduction",
  "discountAmount",
  "originalInvoiceAmount",
  "originalTotalTaxAmount",
  "invoiceAmount",
  "redAmount",
  "redTaxAmount",
  "canRedAmount",
  "canRedTaxAmount",
  "remainRedAmount",
  "remainRedTax",
  "totalTaxInclAmount",
]);

function amountText(d: Dec): string {
  if (d.decimalPlaces() > AMOUNT_DP) {
    throw new RangeError(`amount has more than ${AMOUNT_DP} decimals: ${d.toFixed()} (round it first)`);
  }
  return d.isZero() ? "0.00" : d.toFixed(AMOUNT_DP);
}

function exactText(d: Dec): string {
  return d.isZero() ? "0" : d.toFixed();
}

export interface StringifyOptions {
  /** Keys whose `Dec` values get exactly 2 decimals. Default AMOUNT_JSON_KEYS. */
  readonly amountKeys?: ReadonlySet<string>;
}

/** Serialize to JSON text, writing decimals exactly. Throws TypeError on values JSON cannot carry. */
export function stringifyJson(value: unknown, options: StringifyOptions = {}): string {
  const amountKeys = options.amountKeys ?? AMOUNT_JSON_KEYS;
  const seen = new Set<object>();

  function write(v: unknown, key: string | undefined): string | undefined {
    if (v === null) return "null";
    if (v instanceof JsonDecimal) return v.text;
    if (v instanceof Dec) {
      if (!v.isFinite()) throw new TypeError(`non-finite decimal under "${key ?? ""}"`);
      return key !== undefined && amountKeys.has(key) ? amountText(v) : exactText(v);
    }
    switch (typeof v) {
      case "string":
        return JSON.stringify(v);
      case "boolean":
        return v ? "true" : "false";
      case "bigint":
        return v.toString();
      case "number":
        // Integers (page numbers, line indexes) are exact; anything else already lost digits.
        if (Number.isSafeInteger(v)) return String(v);
        throw new TypeError(`JS number ${v} under "${key ?? ""}" on a wire payload: use Dec or JsonDecimal`);
      case "undefined":
      case "function":
      case "symbol":
        return undefined;
      default:
        break;
    }
    const obj = v as object;
    if (seen.has(obj)) throw new TypeError("circular structure in a wire payload");
    seen.add(obj);
    try {
      if (Array.isArray(obj)) {
        return "[" + obj.map((item) => write(item, key) ?? "null").join(",") + "]";
      }
      const proto = Object.getPrototypeOf(obj) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError(`unsupported value of type ${obj.constructor?.name ?? "?"} under "${key ?? ""}"`);
      }
      const parts: string[] = [];
      for (const [k, item] of Object.entries(obj)) {
        const s = write(item, k);
        if (s !== undefined) parts.push(JSON.stringify(k) + ":" + s);
      }
      return "{" + parts.join(",") + "}";
    } finally {
      seen.delete(obj);
    }
  }

  const out = write(value, undefined);
  if (out === undefined) throw new TypeError("value is not serializable to JSON");
  return out;
}

/** A JSON value as `parseJsonExact` returns it in "string" mode: numbers are exact decimal strings. */
export type ExactJson = string | boolean | null | ExactJson[] | { [key: string]: ExactJson };

export interface ParseOptions {
  /** "string" (default): numbers become their source text; "decimal": JsonDecimal instances. */
  readonly numbers?: "string" | "decimal";
  /** Nesting limit, so hostile input cannot exhaust the stack. Default 256. */
  readonly maxDepth?: number;
}

export class JsonSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly position: number
  ) {
    super(`${message} at position ${position}`);
    this.name = "JsonSyntaxError";
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/**
 * Parse JSON text (RFC 8259) keeping numbers exact. Objects are plain; a `__proto__` key becomes an
 * ordinary own property (no prototype change).
 */
export function parseJsonExact(text: string, options: { numbers?: "string"; maxDepth?: number }): ExactJson;
export function parseJsonExact(text: string, options: ParseOptions): unknown;
export function parseJsonExact(text: string): ExactJson;
export function parseJsonExact(text: string, options: ParseOptions = {}): unknown {
  const asDecimal = options.numbers === "decimal";
  const maxDepth = options.maxDepth ?? 256;
  let i = 0;

  const fail = (msg: string): never => {
    throw new JsonSyntaxError(msg, i);
  };
  const skipWs = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };

  function parseString(): string {
    i++; // opening quote
    let out = "";
    let start = i;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 0x20) fail("control character in string");
      if (c === 0x5c) {
        out += text.slice(start, i);
        const e = text[i + 1];
        if (e === "u") {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape");
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else if (e !== undefined && Object.prototype.hasOwnProperty.call(ESCAPES, e)) {
          out += ESCAPES[e];
          i += 2;
        } else {
          fail("bad escape");
        }
        start = i;
        continue;
      }
      i++;
    }
    return fail("unterminated string");
  }

  function parseNumber(): unknown {
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = i;
    const found = m.exec(text);
    if (!found) fail("bad number");
    const numText = (found as RegExpExecArray)[0];
    i += numText.length;
    return asDecimal ? new JsonDecimal(numText) : numText;
  }

  function parseValue(depth: number): unknown {
    skipWs();
    if (depth > maxDepth) fail("nesting too deep");
    const c = text[i];
    if (c === "{") {
      i++;
      const obj: Record<string, unknown> = {};
      skipWs();
      if (text[i] === "}") {
        i++;
        return obj;
      }
      for (;;) {
        skipWs();
        if (text[i] !== '"') fail("expected key");
        const key = parseString();
        skipWs();
        if (text[i] !== ":") fail("expected ':'");
        i++;
        const value = parseValue(depth + 1);
        if (key === "__proto__") {
          Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
        } else {
          obj[key] = value;
        }
        skipWs();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const arr: unknown[] = [];
      skipWs();
      if (text[i] === "]") {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(depth + 1));
        skipWs();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return parseString();
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return parseNumber();
    if (text.startsWith("true", i)) {
      i += 4;
      return true;
    }
    if (text.startsWith("false", i)) {
      i += 5;
      return false;
    }
    if (text.startsWith("null", i)) {
      i += 4;
      return null;
    }
    return fail(c === undefined ? "unexpected end of input" : `unexpected character ${JSON.stringify(c)}`);
  }

  // A UTF-8 BOM is tolerated at the start (some servers send one).
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  const value = parseValue(0);
  skipWs();
  if (i < text.length) fail("trailing characters");
  return value;
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof JsonDecimal);
}
