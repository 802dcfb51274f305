/**
 * Hostile .xlsx files for the import's pre-flight, built by hand so they stay small on disk and in
 * the test's memory: a part that inflates to hundreds of megabytes is a run of identical deflate
 * blocks (each compressed once, repeated), and the zip's directory can declare any size we like.
 */
import { constants, crc32, deflateRawSync } from "zlib";
import { templateSheetData } from "../../src/sheet/xlsx/template";
import { KIND_SPECS } from "../../src/sheet/xlsx/kinds";
import { columnLetters } from "../../src/sheet/address";

/** A part, already deflated: `size` and `crc` of what it inflates to. */
export interface Deflated {
  readonly raw: Buffer;
  readonly size: number;
  readonly crc: number;
}

/** Pieces of a part: text, or `times` copies of one buffer (deflated once, repeated as blocks). */
export type Piece = string | Buffer | { readonly repeat: Buffer; readonly times: number };

/**
 * Deflate `pieces` as one raw deflate stream. Each piece is compressed alone and sync-flushed (a
 * non-final block ending on a byte boundary), so blocks can be concatenated: back-references never
 * reach before a block's own start. A final empty block closes the stream.
 */
export function deflatePieces(pieces: readonly Piece[]): Deflated {
  const parts: Buffer[] = [];
  let size = 0;
  let crc = 0;
  const flushed = (b: Buffer, level: number) =>
    deflateRawSync(b, { finishFlush: constants.Z_SYNC_FLUSH, level });
  for (const p of pieces) {
    if (typeof p === "string" || Buffer.isBuffer(p)) {
      const b = typeof p === "string" ? Buffer.from(p, "utf8") : p;
      parts.push(flushed(b, 1));
      size += b.length;
      crc = crc32(b, crc);
    } else {
      const block = flushed(p.repeat, 9);
      for (let i = 0; i < p.times; i++) {
        parts.push(block);
        crc = crc32(p.repeat, crc);
      }
      size += p.repeat.length * p.times;
    }
  }
  parts.push(deflateRawSync(Buffer.alloc(0)));
  return { raw: Buffer.concat(parts), size, crc };
}

export interface ZipPart {
  readonly name: string;
  readonly data: Deflated;
  /** What the directory says it inflates to (default: the truth). */
  readonly declaredSize?: number;
}

export interface ZipOptions {
  /** Sizes and offsets in zip64 extra fields, and zip64 end records (as writers of >4 GB zips do). */
  readonly zip64?: boolean;
  /** Local headers without sizes (flag bit 3), a data descriptor after each part (streaming writers). */
  readonly dataDescriptor?: boolean;
}

const U32 = 0xffffffff;

/** A zip of deflated parts; local headers and central directory agree (both carry declaredSize). */
export function zip(parts: readonly ZipPart[], opts: ZipOptions = {}): Buffer {
  const out: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const flags = 0x0800 | (opts.dataDescriptor ? 0x0008 : 0); // UTF-8 names
  for (const p of parts) {
    const name = Buffer.from(p.name, "utf8");
    const size = p.declaredSize ?? p.data.size;
    const csize = p.data.raw.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(opts.zip64 ? 45 : 20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(8, 8);
    if (!opts.dataDescriptor) {
      local.writeUInt32LE(p.data.crc >>> 0, 14);
      local.writeUInt32LE(opts.zip64 ? U32 : csize, 18);
      local.writeUInt32LE(opts.zip64 ? U32 : size, 22);
    }
    const localExtra = Buffer.alloc(opts.zip64 && !opts.dataDescriptor ? 20 : 0);
    if (localExtra.length) {
      localExtra.writeUInt16LE(1, 0);
      localExtra.writeUInt16LE(16, 2);
      localExtra.writeBigUInt64LE(BigInt(size), 4);
      localExtra.writeBigUInt64LE(BigInt(csize), 12);
    }
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    out.push(local, name, localExtra, p.data.raw);
    let written = 30 + name.length + localExtra.length + csize;
    if (opts.dataDescriptor) {
      const d = Buffer.alloc(opts.zip64 ? 24 : 16);
      d.writeUInt32LE(0x08074b50, 0);
      d.writeUInt32LE(p.data.crc >>> 0, 4);
      if (opts.zip64) {
        d.writeBigUInt64LE(BigInt(csize), 8);
        d.writeBigUInt64LE(BigInt(size), 16);
      } else {
        d.writeUInt32LE(csize, 8);
        d.writeUInt32LE(size, 12);
      }
      out.push(d);
      written += d.length;
    }
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(opts.zip64 ? 45 : 20, 4);
    central.writeUInt16LE(opts.zip64 ? 45 : 20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(p.data.crc >>> 0, 16);
    central.writeUInt32LE(opts.zip64 ? U32 : csize, 20);
    central.writeUInt32LE(opts.zip64 ? U32 : size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(opts.zip64 ? U32 : offset, 42);
    const extra = Buffer.alloc(opts.zip64 ? 28 : 0);
    if (opts.zip64) {
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(size), 4);
      extra.writeBigUInt64LE(BigInt(csize), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
    }
    central.writeUInt16LE(extra.length, 30);
    centrals.push(central, name, extra);
    offset += written;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  if (opts.zip64) {
    const z = Buffer.alloc(56);
    z.writeUInt32LE(0x06064b50, 0);
    z.writeBigUInt64LE(44n, 4);
    z.writeUInt16LE(45, 12);
    z.writeUInt16LE(45, 14);
    z.writeBigUInt64LE(BigInt(parts.length), 24);
    z.writeBigUInt64LE(BigInt(parts.length), 32);
    z.writeBigUInt64LE(BigInt(cd.length), 40);
    z.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + cd.length), 8);
    locator.writeUInt32LE(1, 16);
    end.writeUInt16LE(0xffff, 8);
    end.writeUInt16LE(0xffff, 10);
    end.writeUInt32LE(U32, 12);
    end.writeUInt32LE(U32, 16);
    return Buffer.concat([...out, cd, z, locator, end]);
  }
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...out, cd, end]);
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The parts every workbook has, for one sheet named `sheetName` (+ sharedStrings when `strings`). */
function skeleton(sheetName: string, strings: boolean): ZipPart[] {
  const ct =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
    `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
    `<Default Extension="xml" ContentType="application/xml"/>` +
    `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
    `<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
    (strings
      ? `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
      : "") +
    `</Types>`;
  const rels =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
    `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
    `</Relationships>`;
  const workbook =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
    `<workbook ${NS} ${REL_NS}><sheets><sheet name="${xmlEscape(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`;
  const wbRels =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
    `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
    (strings
      ? `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
      : "") +
    `</Relationships>`;
  return [
    { name: "[Content_Types].xml", data: deflatePieces([ct]) },
    { name: "_rels/.rels", data: deflatePieces([rels]) },
    { name: "xl/workbook.xml", data: deflatePieces([workbook]) },
    { name: "xl/_rels/workbook.xml.rels", data: deflatePieces([wbRels]) },
  ];
}

/** An inline-string cell. */
export const inlineCell = (ref: string, text: string) =>
  `<c r="${ref}" t="inlineStr"><is><t>${xmlEscape(text)}</t></is></c>`;

/** The 红字信息表 template's header row as inline strings (row 1). */
export function infoFormHeaderRow(): string {
  const headers = templateSheetData("info-form-import").columns.map((c) => c.header);
  return `<row r="1">${headers.map((h, i) => inlineCell(`${columnLetters(i)}1`, h)).join("")}</row>`;
}

export const INFO_FORM_SHEET = KIND_SPECS["info-form-import"].title;

export interface HostileSheet {
  /** Sheet XML pieces between <sheetData> and </sheetData>. */
  readonly rows: readonly Piece[];
  /** <dimension ref>, as Excel writes it before the data (absent when not given). */
  readonly dimension?: string;
  /** xl/sharedStrings.xml pieces between <sst> and </sst>, when the file has shared strings. */
  readonly strings?: readonly Piece[];
  /** Declared (lying) sizes by part name. */
  readonly declare?: Readonly<Record<string, number>>;
  readonly zip?: ZipOptions;
}

/** A one-sheet workbook named like the 红字信息表 template, from hand-written sheet XML. */
export function hostileWorkbook(s: HostileSheet): Buffer {
  const parts = skeleton(INFO_FORM_SHEET, s.strings !== undefined);
  parts.push({
    name: "xl/worksheets/sheet1.xml",
    data: deflatePieces([
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ${NS}>` +
        (s.dimension ? `<dimension ref="${s.dimension}"/>` : "") +
        `<sheetData>`,
      ...s.rows,
      `</sheetData></worksheet>`,
    ]),
  });
  if (s.strings) {
    parts.push({
      name: "xl/sharedStrings.xml",
      data: deflatePieces([
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst ${NS}>`,
        ...s.strings,
        `</sst>`,
      ]),
    });
  }
  return zip(
    parts.map((p) => (s.declare?.[p.name] !== undefined ? { ...p, declaredSize: s.declare[p.name] } : p)),
    s.zip
  );
}

const MB = 1024 * 1024;

/** One cell (F2, 购方名称) whose shared string is `mb` MB of "A" — the file is ~1 KB per MB. */
export function giantCellWorkbook(mb: number, declare?: number): Buffer {
  return hostileWorkbook({
    rows: [infoFormHeaderRow(), `<row r="2"><c r="F2" t="s"><v>0</v></c></row>`],
    strings: ["<si><t>", { repeat: Buffer.alloc(MB, "A"), times: mb }, "</t></si>"],
    ...(declare !== undefined ? { declare: { "xl/sharedStrings.xml": declare } } : {}),
  });
}

/** sharedStrings of `mb` MB of one-letter strings (`<si><t>x</t></si>` repeated). */
export function sharedStringsBomb(mb: number): Buffer {
  const unit = Buffer.from("<si><t>x</t></si>".repeat(Math.floor(MB / 17)));
  return hostileWorkbook({
    rows: [infoFormHeaderRow()],
    strings: [{ repeat: unit, times: mb }],
  });
}

/**
 * `blocks` × 100,000 short strings, within the size and ratio caps (a block of distinct numbers
 * compresses ~9:1; it is deflated once and repeated — the count is of <si>, not of distinct texts).
 */
export function manyStringsWorkbook(blocks: number): Buffer {
  let s = "";
  for (let i = 0; i < 100_000; i++) s += `<si><t>${1_000_000 + i}</t></si>`;
  return hostileWorkbook({
    rows: [infoFormHeaderRow()],
    strings: [{ repeat: Buffer.from(s), times: blocks }],
  });
}

/** The header and `rows` data rows of one number cell each (A2…), with the <dimension> Excel writes. */
export function manyRowsWorkbook(rows: number, dimension = `A1:AB${rows + 1}`): Buffer {
  const pieces: Piece[] = [infoFormHeaderRow()];
  const BLOCK = 50_000;
  for (let start = 2; start < rows + 2; start += BLOCK) {
    let s = "";
    const end = Math.min(rows + 2, start + BLOCK);
    for (let r = start; r < end; r++) s += `<row r="${r}"><c r="A${r}"><v>1</v></c></row>`;
    pieces.push(s);
  }
  return hostileWorkbook({ rows: pieces, dimension });
}
