/**
 * The zip layer of the import's pre-flight: read a workbook's entries from its central directory
 * (no inflation, no dependency), refuse what no spreadsheet writer produces, and inflate one entry
 * as a stream of small chunks, so a part that inflates to a gigabyte costs a chunk, not a gigabyte.
 *
 * Both readers exceljs uses must see the entries checked here: the full load (JSZip) goes by the
 * central directory, the streaming reader (unzipper) by the local headers in file order. So the local
 * headers must tile the file exactly as the central directory says — same names, no gaps, no overlap
 * (the "overlapping entries" bomb points many directory records at one compressed stream).
 */
import { createInflateRaw } from "zlib";

export interface ZipEntry {
  /** UTF-8 name; also the Info-ZIP Unicode Path name when the entry has one (JSZip prefers it). */
  readonly names: readonly string[];
  /** 0 stored, 8 deflated (JSZip and unzipper read nothing else). */
  readonly method: 0 | 8;
  readonly compressedSize: number;
  /** As declared by the central directory — it can lie; inflation counts the real bytes. */
  readonly uncompressedSize: number;
  /** Offset of the compressed bytes. */
  readonly dataStart: number;
}

/** Why a buffer is not a zip we read: a malformed zip, or more entries than `maxEntries`. */
export type ZipDirectory =
  | { readonly ok: true; readonly entries: readonly ZipEntry[] }
  | { readonly ok: false; readonly tooManyEntries?: number };

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
const EXTRA_ZIP64 = 0x0001;
const EXTRA_UNICODE_PATH = 0x7075;
/** General-purpose flag bit 3: sizes follow the data in a data descriptor. */
const FLAG_DATA_DESCRIPTOR = 0x0008;
/** A data descriptor: crc + 2 sizes of 4 or 8 bytes, with or without its signature. */
const DESCRIPTOR_SIZES: ReadonlySet<number> = new Set([12, 16, 20, 24]);

const BAD: ZipDirectory = { ok: false };

function u64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

interface EndRecord {
  readonly entries: number;
  readonly cdOffset: number;
  readonly cdSize: number;
  /** Where the (zip64) end records start: the central directory must end before it. */
  readonly end: number;
}

function endRecord(buf: Buffer): EndRecord | null {
  const lowest = Math.max(0, buf.length - EOCD_SIZE - MAX_COMMENT);
  let at = -1;
  for (let i = buf.length - EOCD_SIZE; i >= lowest; i--) {
    if (buf.readUInt32LE(i) === SIG_EOCD && i + EOCD_SIZE + buf.readUInt16LE(i + 20) <= buf.length) {
      at = i;
      break;
    }
  }
  if (at < 0) return null;
  if (buf.readUInt16LE(at + 4) !== 0 || buf.readUInt16LE(at + 6) !== 0) return null; // multi-disk
  let entries = buf.readUInt16LE(at + 10);
  let cdSize = buf.readUInt32LE(at + 12);
  let cdOffset = buf.readUInt32LE(at + 16);
  let end = at;
  if (entries === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX) {
    const loc = at - 20;
    if (loc < 0 || buf.readUInt32LE(loc) !== SIG_ZIP64_LOCATOR) return null;
    const z = u64(buf, loc + 8);
    if (z + 56 > loc || buf.readUInt32LE(z) !== SIG_ZIP64_EOCD) return null;
    entries = u64(buf, z + 32);
    cdSize = u64(buf, z + 40);
    cdOffset = u64(buf, z + 48);
    end = z;
  }
  if (cdOffset + cdSize > end) return null;
  return { entries, cdOffset, cdSize, end };
}

interface CentralRecord {
  readonly flags: number;
  readonly method: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localOffset: number;
  readonly rawName: Buffer;
  readonly names: string[];
}

/** The zip64 and Unicode Path fields of an extra block. */
function readExtra(
  extra: Buffer,
  sizes: { usize: number; csize: number; offset: number }
): { usize: number; csize: number; offset: number; unicodeName: string | null } | null {
  let { usize, csize, offset } = sizes;
  let unicodeName: string | null = null;
  for (let i = 0; i + 4 <= extra.length;) {
    const id = extra.readUInt16LE(i);
    const len = extra.readUInt16LE(i + 2);
    const body = i + 4;
    if (body + len > extra.length) return null;
    if (id === EXTRA_ZIP64) {
      // Only the fields whose 32-bit slot is saturated are present, in this order.
      let p = body;
      const take = (): number | null => {
        if (p + 8 > body + len) return null;
        const v = u64(extra, p);
        p += 8;
        return v;
      };
      if (usize === U32_MAX) usize = take() ?? -1;
      if (csize === U32_MAX) csize = take() ?? -1;
      if (offset === U32_MAX) offset = take() ?? -1;
      if (usize < 0 || csize < 0 || offset < 0) return null;
    } else if (id === EXTRA_UNICODE_PATH && len > 5) {
      unicodeName = extra.toString("utf8", body + 5, body + len);
    }
    i = body + len;
  }
  return { usize, csize, offset, unicodeName };
}

function centralRecords(buf: Buffer, end: EndRecord): CentralRecord[] | null {
  const records: CentralRecord[] = [];
  let p = end.cdOffset;
  const stop = end.cdOffset + end.cdSize;
  for (let n = 0; n < end.entries; n++) {
    if (p + CENTRAL_SIZE > stop || buf.readUInt32LE(p) !== SIG_CENTRAL) return null;
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const next = p + CENTRAL_SIZE + nameLen + extraLen + commentLen;
    if (next > stop) return null;
    const rawName = buf.subarray(p + CENTRAL_SIZE, p + CENTRAL_SIZE + nameLen);
    const extra = readExtra(buf.subarray(p + CENTRAL_SIZE + nameLen, p + CENTRAL_SIZE + nameLen + extraLen), {
      usize: buf.readUInt32LE(p + 24),
      csize: buf.readUInt32LE(p + 20),
      offset: buf.readUInt32LE(p + 42),
    });
    if (!extra) return null;
    const names = [rawName.toString("utf8")];
    if (extra.unicodeName !== null && extra.unicodeName !== names[0]) names.push(extra.unicodeName);
    records.push({
      flags: buf.readUInt16LE(p + 8),
      method: buf.readUInt16LE(p + 10),
      compressedSize: extra.csize,
      uncompressedSize: extra.usize,
      localOffset: extra.offset,
      rawName,
      names,
    });
    p = next;
  }
  return records;
}

/**
 * The entries of `buf`, or why not. Checked: one disk, the directory inside the file, at most
 * `maxEntries`, methods stored/deflate, and the local headers tiling [0, directory) in order.
 */
export function readZipDirectory(buf: Buffer, maxEntries: number): ZipDirectory {
  if (buf.length < EOCD_SIZE) return BAD;
  const end = endRecord(buf);
  if (!end) return BAD;
  if (end.entries > maxEntries) return { ok: false, tooManyEntries: end.entries };
  const records = centralRecords(buf, end);
  if (!records) return BAD;
  const byOffset = [...records].sort((a, b) => a.localOffset - b.localOffset);
  const entries: ZipEntry[] = [];
  let expected = 0;
  for (let i = 0; i < byOffset.length; i++) {
    const r = byOffset[i];
    const at = r.localOffset;
    if (at !== expected || at + LOCAL_SIZE > end.cdOffset || buf.readUInt32LE(at) !== SIG_LOCAL) return BAD;
    if (r.method !== 0 && r.method !== 8) return BAD;
    if (buf.readUInt16LE(at + 8) !== r.method) return BAD;
    const nameLen = buf.readUInt16LE(at + 26);
    const extraLen = buf.readUInt16LE(at + 28);
    const dataStart = at + LOCAL_SIZE + nameLen + extraLen;
    if (!buf.subarray(at + LOCAL_SIZE, at + LOCAL_SIZE + nameLen).equals(r.rawName)) return BAD;
    const localCsize = buf.readUInt32LE(at + 18);
    const described = (buf.readUInt16LE(at + 6) & FLAG_DATA_DESCRIPTOR) !== 0;
    if (!described && localCsize !== U32_MAX && localCsize !== r.compressedSize) return BAD;
    if (r.method === 0 && r.compressedSize !== r.uncompressedSize) return BAD;
    const dataEnd = dataStart + r.compressedSize;
    const next = i + 1 < byOffset.length ? byOffset[i + 1].localOffset : end.cdOffset;
    const gap = next - dataEnd;
    if (!(gap === 0 || (described && DESCRIPTOR_SIZES.has(gap)))) return BAD;
    expected = next;
    entries.push({
      names: r.names,
      method: r.method,
      compressedSize: r.compressedSize,
      uncompressedSize: r.uncompressedSize,
      dataStart,
    });
  }
  return { ok: true, entries };
}

/** Output chunk of the inflater; the input goes in whole, zlib holds output back until it is read. */
const INFLATE_CHUNK = 64 * 1024;

/**
 * The entry's bytes, inflated, as chunks of at most 64 KB. Stop reading (break, return, throw) and
 * the inflater is destroyed. A stream zlib cannot inflate throws zlib's error (`code` Z_…).
 */
export async function* inflateEntry(buf: Buffer, entry: ZipEntry): AsyncGenerator<Buffer> {
  const data = buf.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  if (entry.method === 0) {
    for (let i = 0; i < data.length; i += INFLATE_CHUNK) yield data.subarray(i, i + INFLATE_CHUNK);
    return;
  }
  const inflater = createInflateRaw({ chunkSize: INFLATE_CHUNK });
  try {
    inflater.end(data);
    for await (const chunk of inflater) yield chunk as Buffer;
  } finally {
    inflater.destroy();
  }
}

/** A zlib failure (corrupt or truncated deflate data), as opposed to a bug of ours. */
export function isZlibError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("Z_");
}
