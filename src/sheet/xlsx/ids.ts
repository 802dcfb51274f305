/**
 * Identifiers an import writes into the user's file: the 申请批次号 of the run (§3.8: 由系统自动生成)
 * and one 流水号 per document, persisted in the file before anything is sent (piaozone-api §1.7).
 */
import { randomBytes } from "../../gateway/bytes";
import { newSerialNo } from "../../gateway/serial";

/** China Standard Time: the batch number's clock is the tax office's. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

/**
 * [decision] 申请批次号 = "PC" + yyyyMMddHHmmss (China time) + 4 random digits, e.g. PC202410221044247381.
 * The manual only says the system generates it; this shape sorts by time and is easy to read aloud.
 */
export function newBatchNo(
  now: number = Date.now(),
  random: (n: number) => Uint8Array = randomBytes
): string {
  const d = new Date(now + CHINA_OFFSET_MS);
  const stamp =
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  const r = random(2);
  return `PC${stamp}${pad(((r[0] << 8) | r[1]) % 10000, 4)}`;
}

/** Serial prefix of documents created by a bulk import. */
export const IMPORT_SERIAL_PREFIX = "HC-IMP";

export function newImportSerialNo(now?: number): string {
  return newSerialNo({ prefix: IMPORT_SERIAL_PREFIX, ...(now !== undefined ? { now } : {}) });
}
