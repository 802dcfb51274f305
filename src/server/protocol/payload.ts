/**
 * The envelope's `data` on the server side: decode it per the caller's org setting (base64 / AES,
 * piaozone-api §1.4; codec from src/gateway/codec), and produce the two views the server needs:
 *
 * - `typed`: JSON numbers as JS numbers — only to check JSON types against the schema;
 * - `exact`: JSON numbers as their exact source text ("-100.00") — what handlers compute with.
 *
 * Numbers never pass through a float on their way to a handler.
 */
import { createHash } from "crypto";
import { type DataEncoding, decodeData, encodeData } from "../../gateway/codec";
import { JsonDecimal, isJsonObject, stringifyJson } from "../../gateway/json";

export interface OrgCodec {
  readonly encoding: DataEncoding;
  readonly aesPassword?: string;
}

export type DecodeOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: "absent" | "undecodable" | "notEncrypted" };

/**
 * Decode `data`. A base64 tenant's `data` is base64 JSON, or (leniently, the docs print it so) a plain
 * object/array already parsed with JsonDecimal numbers. An AES tenant's `data` must be the AES
 * ciphertext, as the invoice cloud requires (ASSUMPTIONS.md V6): base64 or plain JSON there is
 * `notEncrypted`, so a client with the wrong encoding setting fails here as it would at the vendor.
 */
export async function decodeRequestData(data: unknown, codec: OrgCodec): Promise<DecodeOutcome> {
  if (codec.encoding === "aes") {
    const strict = await decodeData(data, {
      encoding: "aes",
      ...(codec.aesPassword ? { aesPassword: codec.aesPassword } : {}),
      numbers: "decimal",
      lenient: false,
    });
    if (strict.kind === "absent") return { ok: false, reason: "absent" };
    if (strict.kind === "json" && strict.via === "aes") return { ok: true, value: strict.value };
    const readable = await decodeData(data, { encoding: "base64", numbers: "decimal", lenient: true });
    return { ok: false, reason: readable.kind === "json" ? "notEncrypted" : "undecodable" };
  }
  const decoded = await decodeData(data, {
    encoding: codec.encoding,
    ...(codec.aesPassword ? { aesPassword: codec.aesPassword } : {}),
    numbers: "decimal",
    lenient: true,
  });
  if (decoded.kind === "absent") return { ok: false, reason: "absent" };
  if (decoded.kind === "opaque") return { ok: false, reason: "undecodable" };
  return { ok: true, value: decoded.value };
}

function mapNumbers(v: unknown, f: (d: JsonDecimal) => unknown): unknown {
  if (v instanceof JsonDecimal) return f(v);
  if (Array.isArray(v)) return v.map((x) => mapNumbers(x, f));
  if (isJsonObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === "__proto__")
        Object.defineProperty(out, k, {
          value: mapNumbers(x, f),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else out[k] = mapNumbers(x, f);
    }
    return out;
  }
  return v;
}

/** JSON numbers as JS numbers, for type checking only (precision is irrelevant there). */
export function typedView(v: unknown): unknown {
  return mapNumbers(v, (d) => Number(d.text));
}

/** JSON numbers as exact decimal text: the view handlers get. */
export function exactView(v: unknown): unknown {
  return mapNumbers(v, (d) => d.text);
}

function canonical(v: unknown): unknown {
  // Surrounding blanks are no part of a value: handlers read serialNo, tax numbers and names trimmed,
  // so `"serialNo": "X "` is a retry of `"X"`, not a different request under the same key (D12).
  if (typeof v === "string") return v.trim();
  if (Array.isArray(v)) return v.map(canonical);
  if (isJsonObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical(v[k]);
    return out;
  }
  return v;
}

/**
 * Fingerprint of a request for the idempotency registry: interfaceCode + the decoded data with keys
 * sorted, numbers as their text and strings trimmed. A retry of the same request (any encoding, any key order)
 * matches; a different request under the same serialNo does not.
 */
export function requestHash(interfaceCode: string, exactData: unknown): string {
  return createHash("sha256")
    .update(interfaceCode.trim() + "\n" + stringifyJson(canonical(exactData)))
    .digest("hex");
}

/** Response `data`: strings as is (serial numbers), objects/arrays encoded per the org. */
export async function encodeResponseData(data: unknown, codec: OrgCodec, encode: boolean): Promise<unknown> {
  if (data === undefined || data === null || typeof data === "string" || !encode) return data;
  return encodeData(data, {
    encoding: codec.encoding,
    ...(codec.aesPassword ? { aesPassword: codec.aesPassword } : {}),
  });
}
