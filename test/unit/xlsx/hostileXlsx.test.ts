/**
 * Issue 11 D4: the import's pre-flight (src/sheet/xlsx/preflight.ts) on hand-built hostile files —
 * zip structure, lying sizes, long cells, shared strings, row counts — in process. The memory each
 * hostile file costs the CLI is test/integration/hostileXlsx.test.ts.
 */
import { writeFileSync } from "fs";
import { join } from "path";
import fc from "fast-check";
import { isRefusalCode, refusalMessage } from "../../../src/domain/refusals";
import { readCell } from "../../../src/domain/parse/cell";
import { importXlsxFile } from "../../../src/sheet/xlsx/importer";
import { importXlsxStreaming } from "../../../src/sheet/xlsx/streaming";
import { preflightXlsx } from "../../../src/sheet/xlsx/preflight";
import { buildTemplateWorkbook } from "../../../src/sheet/xlsx/template";
import { TEMPLATE_KINDS } from "../../../src/sheet/xlsx/kinds";
import { DEFAULT_LIMITS, MAX_CELL_CHARS, MAX_ZIP_ENTRIES } from "../../../src/sheet/xlsx/limits";
import { readZipDirectory } from "../../../src/sheet/xlsx/zipGuard";
import { XmlScanner, type TagAttributes } from "../../../src/sheet/xlsx/xmlScan";
import {
  deflatePieces,
  hostileWorkbook,
  infoFormHeaderRow,
  inlineCell,
  INFO_FORM_SHEET,
  manyRowsWorkbook,
  zip,
  type ZipPart,
} from "../../support/hostileXlsx";
import { columnOfHeader, tempDir, templateWithRows, validInfoFormRow } from "./helpers";
import { columnLetters } from "../../../src/sheet/address";

const dir = tempDir();
const FILE = "hostile.xlsx";
const preflight = (b: Buffer, limits = DEFAULT_LIMITS) => preflightXlsx(b, join(dir, FILE), limits);
const codeOf = (r: { ok: boolean; refusal?: { code: string } }) => (r.ok ? "ok" : r.refusal!.code);

/** The valid data row every structural variant carries (so exceljs's load can be checked too). */
const DATA_ROW = (() => {
  const header = infoFormHeaderRow();
  const headers = [...header.matchAll(/<t>([^<]*)<\/t>/g)].map((m) => m[1]);
  const row = validInfoFormRow(1);
  const cells = headers
    .map((h, i) =>
      row[h] === undefined ? "" : inlineCell(`${String.fromCharCode(65 + i)}2`, String(row[h]))
    )
    .join("");
  return `<row r="2">${cells}</row>`;
})();

async function importBuffer(b: Buffer, name: string) {
  const f = join(dir, name);
  writeFileSync(f, b);
  return importXlsxFile(f, { kind: "info-form-import", out: join(dir, `${name}.out.xlsx`) });
}

/** A central directory record's signature. */
const CENTRAL = Buffer.from([0x50, 0x4b, 0x01, 0x02]);

describe("the zip directory", () => {
  const parts = (): ZipPart[] => [
    { name: "a.xml", data: deflatePieces(["<a/>"]) },
    { name: "b.xml", data: deflatePieces(["<b/>"]) },
  ];

  it("reads a plain, a zip64 and a data-descriptor zip alike", () => {
    for (const opts of [
      {},
      { zip64: true },
      { dataDescriptor: true },
      { zip64: true, dataDescriptor: true },
    ]) {
      const d = readZipDirectory(zip(parts(), opts), MAX_ZIP_ENTRIES);
      expect(d.ok && d.entries.map((e) => [e.names[0], e.uncompressedSize])).toEqual([
        ["a.xml", 4],
        ["b.xml", 4],
      ]);
    }
  });

  it("and both exceljs readers load each of those layouts after the pre-flight passed them", async () => {
    for (const opts of [{}, { zip64: true }, { dataDescriptor: true }]) {
      const b = hostileWorkbook({ rows: [infoFormHeaderRow(), DATA_ROW], zip: opts });
      const r = await importBuffer(b, "layout.xlsx");
      expect([JSON.stringify(opts), r.ok ? r.value.failed : r.refusal.message]).toEqual([
        JSON.stringify(opts),
        0,
      ]);
      const s = await importXlsxStreaming(join(dir, "layout.xlsx"), {
        kind: "info-form-import",
        out: join(dir, "layout.s.xlsx"),
      });
      expect([JSON.stringify(opts), s.ok ? s.value.failed : s.refusal.message]).toEqual([
        JSON.stringify(opts),
        0,
      ]);
    }
  });

  it("refuses a zip without an end record, with an unknown method, or with entries that overlap or hide", async () => {
    const good = zip(parts());
    expect(readZipDirectory(good.subarray(0, good.length - 22), MAX_ZIP_ENTRIES).ok).toBe(false);

    const bzip = Buffer.from(good);
    bzip.writeUInt16LE(12, 8); // local header of a.xml: method 12 (bzip2)
    const cdAt = bzip.indexOf(CENTRAL);
    bzip.writeUInt16LE(12, cdAt + 10);
    expect(readZipDirectory(bzip, MAX_ZIP_ENTRIES).ok).toBe(false);

    // Two directory records pointing at one local header: the "overlapping entries" bomb.
    const overlap = Buffer.from(good);
    const second = overlap.indexOf(CENTRAL, cdAt + 4);
    overlap.writeUInt32LE(0, second + 42);
    expect(readZipDirectory(overlap, MAX_ZIP_ENTRIES).ok).toBe(false);

    // A local entry the directory does not list (the streaming reader would still read it).
    const hidden = zip([parts()[0], { name: "hidden.xml", data: deflatePieces(["<h/>"]) }, parts()[1]]);
    const r1 = hidden.indexOf(CENTRAL);
    const next = (at: number) => at + 46 + hidden.readUInt16LE(at + 28);
    const [r2, r3] = [next(r1), next(next(r1))];
    const endAt = next(r3);
    const cd = Buffer.concat([hidden.subarray(r1, r2), hidden.subarray(r3, endAt)]);
    const end = Buffer.from(hidden.subarray(endAt));
    end.writeUInt16LE(2, 8);
    end.writeUInt16LE(2, 10);
    end.writeUInt32LE(cd.length, 12);
    const forged = Buffer.concat([hidden.subarray(0, r1), cd, end]);
    expect(readZipDirectory(forged, MAX_ZIP_ENTRIES).ok).toBe(false);
    expect(codeOf(await preflight(forged))).toBe("FILE_NOT_XLSX");
  });

  it("refuses more entries than the limit before reading them", async () => {
    const many = Array.from({ length: MAX_ZIP_ENTRIES + 1 }, (_, i) => ({
      name: `x/${i}.bin`,
      data: deflatePieces([""]),
    }));
    const r = await preflight(zip(many));
    expect(r.ok ? "ok" : r.refusal.message).toBe(
      refusalMessage("FILE_ZIP_TOO_MANY_ENTRIES", {
        file: FILE,
        count: MAX_ZIP_ENTRIES + 1,
        limit: MAX_ZIP_ENTRIES,
      })
    );
  });

  it("reads 64-bit declared sizes: a part declaring 5 GB is refused from the directory alone", async () => {
    const b = hostileWorkbook({
      rows: [infoFormHeaderRow()],
      declare: { "xl/worksheets/sheet1.xml": 5 * 1024 ** 3 },
      zip: { zip64: true },
    });
    const r = await preflight(b);
    expect(r.ok ? "ok" : r.refusal.message).toBe(
      refusalMessage("FILE_UNCOMPRESSED_TOO_LARGE", { file: FILE, size: "5120.0 MB", limit: "200.0 MB" })
    );
  });

  it("refuses a truncated deflate stream as not a workbook (zlib's error, not a stack trace)", async () => {
    const b = hostileWorkbook({ rows: [infoFormHeaderRow(), DATA_ROW] });
    const d = readZipDirectory(b, MAX_ZIP_ENTRIES);
    if (!d.ok) throw new Error("unreadable");
    const sheet = d.entries.find((e) => e.names[0] === "xl/worksheets/sheet1.xml")!;
    const broken = Buffer.from(b);
    broken.fill(0xff, sheet.dataStart, sheet.dataStart + sheet.compressedSize);
    expect(codeOf(await preflight(broken))).toBe("FILE_NOT_XLSX");
  });
});

describe("a corrupted workbook", () => {
  it("is a refusal or passes, never an exception (random bytes overwritten anywhere)", async () => {
    const good = hostileWorkbook({
      rows: [infoFormHeaderRow(), DATA_ROW],
      strings: ["<si><t>x</t></si>"],
      zip: { zip64: true },
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        async (edits) => {
          const b = Buffer.from(good);
          for (const [at, v] of edits) b[at] = v;
          const r = await preflight(b);
          expect(r.ok || isRefusalCode(r.refusal.code)).toBe(true);
        }
      ),
      { numRuns: 300 }
    );
  });
});

describe("the XML scanner", () => {
  function events(xml: string, chunk: number): string[] {
    const out: string[] = [];
    const s = new XmlScanner(
      {
        open: (name: string, a: TagAttributes, selfClosing: boolean) =>
          out.push(
            `<${name} r=${a.get("r")} t=${a.is("t", "s")} col=${a.column("r")}${selfClosing ? "/" : ""}>`
          ),
        close: (name: string) => out.push(`</${name}>`),
        text: (_b: Buffer, _s: number, _e: number, chars: number, blank: boolean) =>
          out.push(`#${chars}${blank ? "b" : ""}`),
      },
      ["c", "v", "t", "row"]
    );
    const b = Buffer.from(xml, "utf8");
    for (let i = 0; i < b.length; i += chunk) s.feed(b.subarray(i, i + chunk));
    // Text may arrive in pieces: merge consecutive counts.
    return out.reduce<string[]>((acc, e) => {
      const last = acc[acc.length - 1];
      if (e.startsWith("#") && last?.startsWith("#")) {
        const n = parseInt(last.slice(1), 10) + parseInt(e.slice(1), 10);
        acc[acc.length - 1] = `#${n}${last.endsWith("b") && e.endsWith("b") ? "b" : ""}`;
      } else acc.push(e);
      return acc;
    }, []);
  }

  const XML =
    `<?xml version="1.0"?><!-- <c r="Z9"> a comment --><!DOCTYPE x [<!ENTITY e "v">]>` +
    `<x:row r="3"><c r="AB3" t="s" odd=">"><v>12</v></c><c r='C3'/>` +
    `<t>a&amp;b&#x1F600;长😀</t><t><![CDATA[<v>]]]]></t><t>  </t><other>zz</other></x:row>`;

  it("gives the same events whatever the chunking", () => {
    const whole = events(XML, XML.length * 4);
    expect(whole).toEqual([
      "<row r=3 t=false col=-1>",
      "<c r=AB3 t=true col=27>",
      "<v r=undefined t=false col=-1>",
      "#2",
      "</v>",
      "</c>",
      "<c r=C3 t=false col=2/>",
      "<t r=undefined t=false col=-1>",
      // a & b (entity: 1) + 😀 as an entity (1) + 长 (1) + 😀 (2 UTF-16 units)
      "#7",
      "</t>",
      "<t r=undefined t=false col=-1>",
      // <v>]] inside CDATA: 5 characters
      "#5",
      "</t>",
      "<t r=undefined t=false col=-1>",
      "#2b",
      "</t>",
      "#2",
      "</row>",
    ]);
    for (const chunk of [1, 2, 3, 7]) expect(events(XML, chunk)).toEqual(whole);
  });
});

describe("cells, strings and rows", () => {
  const LONG = MAX_CELL_CHARS + 1;

  it("refuses an inline cell over Excel's 32,767 characters, naming the cell", async () => {
    const b = hostileWorkbook({
      rows: [
        infoFormHeaderRow(),
        `<row r="5"><c r="G5" t="inlineStr"><is><t>${"长".repeat(LONG)}</t></is></c></row>`,
      ],
    });
    const r = await preflight(b);
    expect(r.ok ? "ok" : r.refusal.message).toBe(
      refusalMessage("FILE_CELL_TOO_LONG", {
        cell: `工作表“${INFO_FORM_SHEET}”的G5`,
        length: LONG,
        limit: MAX_CELL_CHARS,
      })
    );
    expect(
      codeOf(
        await preflight(hostileWorkbook({ rows: [`<row><c><v>${"1".repeat(MAX_CELL_CHARS)}</v></c></row>`] }))
      )
    ).toBe("ok");
  });

  it("names the cell that uses a too-long shared string, or the string when no cell does", async () => {
    const strings = ["<si><t>短</t></si>", `<si><r><t>${"A".repeat(LONG - 1)}</t></r><r><t>B</t></r></si>`];
    const used = await preflight(
      hostileWorkbook({ rows: [`<row r="9"><c r="D9" t="s"><v>1</v></c></row>`], strings })
    );
    expect(used.ok ? "ok" : used.refusal.params).toEqual({
      cell: `工作表“${INFO_FORM_SHEET}”的D9`,
      length: LONG,
      limit: MAX_CELL_CHARS,
    });
    const unused = await preflight(
      hostileWorkbook({ rows: [`<row r="9"><c r="D9" t="s"><v>0</v></c></row>`], strings })
    );
    expect(unused.ok ? "ok" : unused.refusal.params?.cell).toBe("共享字符串第2项");
  });

  it("refuses a template cell of 40,000 characters on both import paths, before exceljs loads it", async () => {
    const wb = templateWithRows("info-form-import", [
      { ...validInfoFormRow(1), 购方名称: "长".repeat(40_000) },
    ]);
    const f = join(dir, "long-cell.xlsx");
    await wb.xlsx.writeFile(f);
    const column = columnLetters(columnOfHeader(wb.worksheets[0], "购方名称") - 1);
    const expected = refusalMessage("FILE_CELL_TOO_LONG", {
      cell: `工作表“${INFO_FORM_SHEET}”的${column}2`,
      length: 40_000,
      limit: MAX_CELL_CHARS,
    });
    const full = await importXlsxFile(f, { kind: "info-form-import", out: join(dir, "long.out.xlsx") });
    expect(full.ok ? "ok" : full.refusal.message).toBe(expected);
    const streamed = await importXlsxStreaming(f, {
      kind: "info-form-import",
      out: join(dir, "long.s.xlsx"),
    });
    expect(streamed.ok ? "ok" : streamed.refusal.message).toBe(expected);
  });

  it("counts rows with a value, stops past the limit, and takes the figure from <dimension>", async () => {
    const r = await preflight(manyRowsWorkbook(150_000));
    expect(r.ok ? "ok" : r.refusal.message).toBe(
      refusalMessage("FILE_TOO_MANY_ROWS", { sheet: INFO_FORM_SHEET, rows: 150_000, limit: 100_000 })
    );
    // A dimension that lies small does not hide the rows.
    const lying = await preflight(manyRowsWorkbook(150_000, "A1:A2"));
    expect(codeOf(lying)).toBe("FILE_TOO_MANY_ROWS");
    // One value far down is as many rows as grid.ts will count after loading.
    const far = await preflight(
      hostileWorkbook({ rows: [infoFormHeaderRow(), `<row r="100022"><c><v>1</v></c></row>`] })
    );
    expect(far.ok ? "ok" : far.refusal.params).toEqual({
      sheet: INFO_FORM_SHEET,
      rows: 100_021,
      limit: 100_000,
    });
    // Exactly as many as the header search allows, rows without r: accepted.
    const rows = Array.from({ length: 100_020 }, (_, i) => `<row><c><v>${i}</v></c></row>`).join("");
    expect(codeOf(await preflight(hostileWorkbook({ rows: [rows] })))).toBe("ok");
  });

  it("does not count rows that hold nothing: styled cells, formulas without a value, blank strings", async () => {
    const filledDown = Array.from(
      { length: 110_000 },
      (_, i) =>
        `<row r="${i + 2}"><c r="A${i + 2}" s="1"/><c r="B${i + 2}" t="str"><f>IF(A2="","",A2)</f><v></v></c>` +
        `<c r="C${i + 2}" t="s"><v>${i % 2}</v></c></row>`
    ).join("");
    const b = hostileWorkbook({
      rows: [infoFormHeaderRow(), filledDown],
      strings: ["<si><t></t></si>", '<si><t xml:space="preserve">  </t></si>'],
    });
    expect(codeOf(await preflight(b))).toBe("ok");
  });

  it("passes every template the CLI writes, with rows", async () => {
    for (const kind of TEMPLATE_KINDS) {
      const b = Buffer.from(await buildTemplateWorkbook(kind).xlsx.writeBuffer());
      expect([kind, codeOf(await preflight(b))]).toEqual([kind, "ok"]);
    }
    const rows = Array.from({ length: 200 }, (_, i) => validInfoFormRow(i));
    const b = Buffer.from(await templateWithRows("info-form-import", rows).xlsx.writeBuffer());
    expect(codeOf(await preflight(b))).toBe("ok");
  });
});

describe("readCell of a huge string (the clip of cell.ts)", () => {
  it("shows 40 characters without building an array of all of them", () => {
    // Beyond V8's largest array (~134M elements): Array.from threw "Invalid array length" here.
    const c = readCell("A".repeat(2 ** 27 + 16));
    expect(c.kind === "text" && c.shown).toBe("A".repeat(40) + "…");
  });
});
