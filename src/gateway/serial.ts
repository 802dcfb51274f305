/**
 * Identifiers we generate: the envelope's requestId (§1.3 recipe) and serialNo, the caller-owned
 * business key of an issuance or reversal (流水号, §1.7). A serialNo is generated once, persisted by
 * the caller before the first send, and re-used on every retry — never regenerated.
 */
import { randomBytes } from "./bytes";

/** serialNo length limit: 30 (the 4.1.04 echo), the stricter of the two documented (§5.10). */
export const SERIAL_NO_MAX_LENGTH = 30;

/** Crockford base32 without I, L, O, U: nothing a user can misread when quoting it on the phone. */
const SERIAL_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** China Standard Time (UTC+8, no DST): the date in a serial is the tax-office calendar day. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

export type RandomSource = (n: number) => Uint8Array;

function yyyymmddInChina(epochMs: number): string {
  const d = new Date(epochMs + CHINA_OFFSET_MS);
  const y = d.getUTCFullYear();
  const m = String(d.getUTCMonth() + 1).padStart(2, "0");
  const day = String(d.getUTCDate()).padStart(2, "0");
  return `${y}${m}${day}`;
}

function randomSymbols(n: number, random: RandomSource): string {
  // 256 is a multiple of 32, so `byte % 32` is unbiased.
  return Array.from(random(n), (b) => SERIAL_ALPHABET[b % SERIAL_ALPHABET.length]).join("");
}

export interface SerialOptions {
  /** e.g. "HC-RED" (default), "HC-BLUE", "HC-RCB"; upper-case letters, digits and '-'. */
  readonly prefix?: string;
  readonly now?: number;
  /** Number of random symbols (default 8: 32^8 ≈ 10^12 per prefix and day). */
  readonly randomLength?: number;
  readonly random?: RandomSource;
}

/**
 * A new serialNo: `{prefix}-{yyyyMMdd}-{random}`, e.g. `HC-RED-20241022-7F3K9Q2M`, at most 30 chars.
 * Throws RangeError when the prefix would push it past the limit (a programming error, not user input).
 */
export function newSerialNo(options: SerialOptions = {}): string {
  const prefix = options.prefix ?? "HC-RED";
  if (!/^[A-Z0-9][A-Z0-9-]*$/.test(prefix)) throw new RangeError(`bad serialNo prefix: ${prefix}`);
  const randomLength = options.randomLength ?? 8;
  const serial = `${prefix}-${yyyymmddInChina(options.now ?? Date.now())}-${randomSymbols(
    randomLength,
    options.random ?? randomBytes
  )}`;
  if (serial.length > SERIAL_NO_MAX_LENGTH) {
    throw new RangeError(`serialNo longer than ${SERIAL_NO_MAX_LENGTH}: ${serial}`);
  }
  return serial;
}

/** True for a serial we may send: 1–30 chars of letters, digits, '-' and '_'. */
export function isValidSerialNo(s: unknown): s is string {
  return (
    typeof s === "string" && s.length > 0 && s.length <= SERIAL_NO_MAX_LENGTH && /^[A-Za-z0-9_-]+$/.test(s)
  );
}

/** requestId recipe (§1.3): 13-digit epoch milliseconds + 3 random digits = 16 chars. */
export function newRequestId(now: number = Date.now(), random: RandomSource = randomBytes): string {
  const ms = String(Math.floor(now)).padStart(13, "0").slice(-13);
  const r = random(2);
  // 65536 % 1000 ≠ 0 gives a bias of < 0.1 % — irrelevant for a transport id.
  const three = String(((r[0] << 8) | r[1]) % 1000).padStart(3, "0");
  return ms + three;
}
