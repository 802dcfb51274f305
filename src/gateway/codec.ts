/**
 * Encoding of the envelope's `data` field (piaozone-api §1.4).
 *
 * - base64 (the tenant default): data = base64(UTF-8 JSON).
 * - aes: AES-128-GCM, key = first 16 bytes of SHA1(SHA1(UTF-8 password)) (what Java's
 *   SecureRandom("SHA1PRNG") seeded with the password feeds KeyGenerator), random 12-byte IV,
 *   128-bit tag, wire = base64(IV ‖ ciphertext ‖ tag). [INFERRED §1.4: third-party SDK, which
 *   reports agreement with Kingdee's Java sample; our test vector is the spec's.]
 *
 * WebCrypto only (globalThis.crypto.subtle), so the task pane and Node share this file.
 * Decoding is lenient (§1.4 "Simulator: optionally accept a raw JSON object"; "tolerate a
 * non-decodable data"): a plain JSON object/array, a JSON text string, or an opaque string
 * (a submission's serial number) are all results, not errors.
 */
import {
  base64ToBytes,
  bytesToBase64,
  concatBytes,
  isBase64,
  randomBytes,
  utf8Decode,
  utf8Encode,
} from "./bytes";
import { JsonSyntaxError, ParseOptions, StringifyOptions, parseJsonExact, stringifyJson } from "./json";

export type DataEncoding = "base64" | "aes";

export interface CodecOptions {
  readonly encoding: DataEncoding;
  /** The tenant's AES password (aesKey); required when encoding is "aes". */
  readonly aesPassword?: string;
}

export const AES_IV_BYTES = 12;
export const AES_TAG_BYTES = 16;
const AES_KEY_BYTES = 16;

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  // Browsers expose subtle only in secure contexts (https); the task pane is always served over https.
  if (!s)
    throw new Error("WebCrypto (crypto.subtle) is not available: AES data encoding needs https or Node ≥ 20");
  return s;
}

/** AES key bytes for a password: SHA1(SHA1(password))[0..16). */
export async function deriveAesKeyBytes(password: string): Promise<Uint8Array<ArrayBuffer>> {
  const first = new Uint8Array(await subtle().digest("SHA-1", utf8Encode(password)));
  const second = new Uint8Array(await subtle().digest("SHA-1", first));
  return second.slice(0, AES_KEY_BYTES);
}

async function importKey(password: string): Promise<CryptoKey> {
  return subtle().importKey("raw", await deriveAesKeyBytes(password), { name: "AES-GCM" }, false, [
    "encrypt",
    "decrypt",
  ]);
}

/** Encrypt UTF-8 text; `iv` is injectable for test vectors only (never reuse an IV in production). */
export async function aesGcmEncrypt(plaintext: string, password: string, iv?: Uint8Array): Promise<string> {
  const ivBytes = iv ? concatBytes(iv) : randomBytes(AES_IV_BYTES);
  if (ivBytes.length !== AES_IV_BYTES) throw new RangeError(`AES-GCM IV must be ${AES_IV_BYTES} bytes`);
  const key = await importKey(password);
  const sealed = new Uint8Array(
    await subtle().encrypt(
      { name: "AES-GCM", iv: ivBytes, tagLength: AES_TAG_BYTES * 8 },
      key,
      utf8Encode(plaintext)
    )
  );
  return bytesToBase64(concatBytes(ivBytes, sealed));
}

/** Decrypt wire text to UTF-8; undefined when it is not our ciphertext (wrong key, not base64, tampered). */
export async function aesGcmDecrypt(wire: string, password: string): Promise<string | undefined> {
  const bytes = base64ToBytes(wire);
  if (!bytes || bytes.length < AES_IV_BYTES + AES_TAG_BYTES) return undefined;
  try {
    const key = await importKey(password);
    const plain = await subtle().decrypt(
      { name: "AES-GCM", iv: bytes.slice(0, AES_IV_BYTES), tagLength: AES_TAG_BYTES * 8 },
      key,
      bytes.slice(AES_IV_BYTES)
    );
    return utf8Decode(new Uint8Array(plain));
  } catch {
    return undefined;
  }
}

export function base64EncodeText(text: string): string {
  return bytesToBase64(utf8Encode(text));
}

/** base64 → UTF-8 text; undefined if not base64 or not valid UTF-8. */
export function base64DecodeText(b64: string): string | undefined {
  const bytes = base64ToBytes(b64);
  return bytes ? utf8Decode(bytes) : undefined;
}

export interface EncodeOptions extends CodecOptions, StringifyOptions {
  /** Test vectors only. */
  readonly iv?: Uint8Array;
}

/** JSON-serialize (exact decimals) and encode a business payload into the envelope's `data` string. */
export async function encodeData(payload: unknown, options: EncodeOptions): Promise<string> {
  const json = stringifyJson(payload, options);
  return encodeText(json, options);
}

/** Encode already-serialized JSON text. */
export async function encodeText(json: string, options: EncodeOptions): Promise<string> {
  if (options.encoding === "base64") return base64EncodeText(json);
  if (!options.aesPassword) throw new Error("AES data encoding needs aesPassword");
  return aesGcmEncrypt(json, options.aesPassword, options.iv);
}

/**
 * What a `data` field turned out to be:
 * - json: decoded JSON value (from base64, AES, a JSON text, or a plain object/array on the wire);
 * - opaque: a string we could not decode — e.g. the plain serial number 2.1.01/2.1.04 return;
 * - absent: no `data` (undefined, null or "").
 */
export type DecodedData =
  | { readonly kind: "json"; readonly value: unknown; readonly via: "base64" | "aes" | "text" | "plain" }
  | { readonly kind: "opaque"; readonly text: string }
  | { readonly kind: "absent" };

export interface DecodeOptions extends CodecOptions, ParseOptions {
  /** Accept a plain (unencoded) JSON object/array in `data`. Default true (§1.4 lenient). */
  readonly lenient?: boolean;
}

/** Only containers and strings count as decoded JSON: a bare number from base64 garbage is not trusted. */
function tryParse(text: string, options: ParseOptions): { value: unknown } | undefined {
  const t = text.trim();
  if (!(t.startsWith("{") || t.startsWith("[") || t.startsWith('"'))) return undefined;
  try {
    return { value: parseJsonExact(t, options) };
  } catch (e) {
    if (e instanceof JsonSyntaxError) return undefined;
    throw e;
  }
}

/**
 * Decode a `data` field. With `lenient` (default), a value that is already JSON (object/array
 * parsed from the envelope) is returned as is; a string is tried as AES (in aes mode), then
 * base64, then a JSON text; anything else is opaque.
 */
export async function decodeData(data: unknown, options: DecodeOptions): Promise<DecodedData> {
  const lenient = options.lenient ?? true;
  if (data === undefined || data === null || data === "") return { kind: "absent" };
  if (typeof data !== "string") {
    if (lenient) return { kind: "json", value: data, via: "plain" };
    return { kind: "opaque", text: String(data) };
  }
  const parse: ParseOptions = { numbers: options.numbers, maxDepth: options.maxDepth };
  if (options.encoding === "aes" && options.aesPassword) {
    const plain = await aesGcmDecrypt(data, options.aesPassword);
    const parsed = plain === undefined ? undefined : tryParse(plain, parse);
    if (parsed) return { kind: "json", value: parsed.value, via: "aes" };
  }
  // base64 is also tried in AES mode: tenants switch modes, and some replies are never encrypted.
  if (isBase64(data)) {
    const text = base64DecodeText(data);
    const parsed = text === undefined ? undefined : tryParse(text, parse);
    if (parsed) return { kind: "json", value: parsed.value, via: "base64" };
  }
  if (lenient) {
    const parsed = tryParse(data, parse);
    if (parsed) return { kind: "json", value: parsed.value, via: "text" };
  }
  return { kind: "opaque", text: data };
}
