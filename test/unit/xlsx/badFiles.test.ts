/**
 * Files the import must refuse with a clear Chinese message, changing nothing: no output written,
 * the input byte-for-byte the same.
 */
import ExcelJS from "exceljs";
import { existsSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import type { RefusalCode } from "../../../src/domain/refusals";
import { importXlsxFile } from "../../../src/sheet/xlsx/importer";
import type { ImportLimits } from "../../../src/sheet/xlsx/limits";
import { DEFAULT_LIMITS } from "../../../src/sheet/xlsx/limits";
import { tempDir, templateWithRows, validInfoFormRow } from "./helpers";

const dir = tempDir();

/** A CFB container header; with an EncryptionInfo stream name it is a password-protected xlsx. */
function cfb(withEncryptionInfo: boolean): Buffer {
  const header = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  const body = Buffer.alloc(1024);
  if (withEncryptionInfo) Buffer.from("EncryptionInfo", "utf16le").copy(body, 512);
  return Buffer.concat([header, body]);
}

async function save(wb: ExcelJS.Workbook, name: string): Promise<string> {
  const f = join(dir, name);
  await wb.xlsx.writeFile(f);
  return f;
}

const rows = (n: number) => Array.from({ length: n }, (_, i) => validInfoFormRow(i));

interface BadCase {
  readonly name: string;
  readonly code: RefusalCode;
  readonly make: () => Promise<string>;
  readonly limits?: ImportLimits;
  readonly message?: RegExp;
}

const CASES: BadCase[] = [
  {
    name: "not an xlsx (a CSV renamed)",
    code: "FILE_NOT_XLSX",
    make: async () => {
      const f = join(dir, "csv.xlsx");
      writeFileSync(f, "申请方,发票类型\n销方申请,增值税纸质专用发票\n");
      return f;
    },
  },
  {
    name: "a zip that is not a workbook",
    code: "FILE_NOT_XLSX",
    make: async () => {
      const f = join(dir, "zip.xlsx");
      writeFileSync(f, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64)]));
      return f;
    },
  },
  {
    name: "password-protected (encrypted OLE container)",
    code: "FILE_ENCRYPTED",
    message: /打开密码/,
    make: async () => {
      const f = join(dir, "encrypted.xlsx");
      writeFileSync(f, cfb(true));
      return f;
    },
  },
  {
    name: "a legacy .xls (OLE, not encrypted)",
    code: "FILE_NOT_XLSX",
    make: async () => {
      const f = join(dir, "legacy.xls");
      writeFileSync(f, cfb(false));
      return f;
    },
  },
  {
    name: "no recognisable header",
    code: "FILE_NO_HEADER",
    make: async () => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet("Sheet1");
      ws.addRow(["姓名", "年龄"]);
      ws.addRow(["张三", 30]);
      return save(wb, "noheader.xlsx");
    },
  },
  {
    name: "a required column missing",
    code: "FILE_NO_HEADER",
    message: /购方税号/,
    make: async () => {
      const wb = templateWithRows("info-form-import", rows(1));
      wb.worksheets[0].spliceColumns(8, 1);
      return save(wb, "missing-col.xlsx");
    },
  },
  {
    name: "merged header cells",
    code: "FILE_MERGED_HEADER",
    message: /A1:B1/,
    make: async () => {
      const wb = templateWithRows("info-form-import", rows(1));
      wb.worksheets[0].mergeCells("A1:B1");
      return save(wb, "merged.xlsx");
    },
  },
  {
    name: "a duplicated column",
    code: "FILE_DUPLICATE_COLUMN",
    message: /“购方税号”.*H1、AC1/,
    make: async () => {
      const wb = templateWithRows("info-form-import", rows(1));
      wb.worksheets[0].getCell("AC1").value = "购方纳税人识别号";
      return save(wb, "dup.xlsx");
    },
  },
  {
    name: "hidden rows",
    code: "FILE_HIDDEN_ROWS",
    message: /第3-4行/,
    make: async () => {
      const wb = templateWithRows("info-form-import", rows(4));
      wb.worksheets[0].getRow(3).hidden = true;
      wb.worksheets[0].getRow(4).hidden = true;
      return save(wb, "hidden.xlsx");
    },
  },
  {
    name: "more rows than the limit",
    code: "FILE_TOO_MANY_ROWS",
    limits: { ...DEFAULT_LIMITS, maxRows: 5 },
    message: /6行数据，超过上限5行/,
    make: async () => save(templateWithRows("info-form-import", rows(6)), "many.xlsx"),
  },
  {
    name: "a file over the size limit",
    code: "FILE_TOO_LARGE",
    limits: { ...DEFAULT_LIMITS, maxBytes: 1000 },
    make: async () => save(templateWithRows("info-form-import", rows(1)), "large.xlsx"),
  },
  {
    name: "a header without data",
    code: "FILE_NO_DATA",
    make: async () => save(templateWithRows("info-form-import", []), "empty.xlsx"),
  },
];

describe.each(CASES)("refuses $name", ({ code, make, limits, message }) => {
  it(`with ${code}, writing nothing`, async () => {
    const file = await make();
    const before = readFileSync(file);
    const out = join(dir, `out-${code}-${Math.random().toString(36).slice(2)}.xlsx`);
    const r = await importXlsxFile(file, { out, kind: "info-form-import", ...(limits ? { limits } : {}) });
    expect(r.ok ? "ok" : r.refusal.code).toBe(code);
    if (!r.ok && message) expect(r.refusal.message).toMatch(message);
    if (!r.ok) expect(r.refusal.message).toMatch(/[\u4e00-\u9fff]/);
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});

it("refuses a missing file with FILE_NOT_FOUND", async () => {
  const r = await importXlsxFile(join(dir, "nope.xlsx"));
  expect(r.ok ? "ok" : r.refusal.code).toBe("FILE_NOT_FOUND");
});
