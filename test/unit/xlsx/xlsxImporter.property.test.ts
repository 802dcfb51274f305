/**
 * Issue 11 deliverable 7: the .xlsx importer over random small workbooks, written with exceljs and
 * imported from disk (pre-flight, load, validation, annotation — the CLI's path). Headers come from
 * the real column schemas (in random order, some left out); cells are valid values, text in number
 * cells, full-width digits, blanks, long strings, dates, numbers of every size.
 * Properties: the import never throws; a refusal is a catalogue code with a Chinese message and
 * writes nothing; every flagged cell is a cell of the sheet, marked red in the result and nothing
 * else is; every cell the user wrote comes back with the value it had.
 */
import ExcelJS from "exceljs";
import fc from "fast-check";
import { existsSync } from "fs";
import { join } from "path";
import { isRefusalCode } from "../../../src/domain/refusals";
import { parseRect } from "../../../src/sheet/address";
import { isErrorFill } from "../../../src/sheet/xlsx/annotate";
import { importXlsxFile } from "../../../src/sheet/xlsx/importer";
import { KIND_SPECS, TEMPLATE_KINDS, type TemplateKind } from "../../../src/sheet/xlsx/kinds";
import { readBack, tempDir, validInfoFormRow } from "./helpers";

const dir = tempDir();
let fileNo = 0;

const FULL_WIDTH = "０１２３４５６７８９．－％";

/** What a clerk (or a copy-paste) puts in a cell. */
const cellArb: fc.Arbitrary<ExcelJS.CellValue> = fc.oneof(
  fc.constant(null),
  fc.constantFrom("", "  ", "\u3000", "abc", "-", "13%", "0.13", "是", "否", "销方申请", "#N/A"),
  fc.string({ unit: fc.constantFrom(...FULL_WIDTH), minLength: 1, maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.string({ unit: fc.constantFrom("长", "A", "😀", " ", "（", "）"), minLength: 200, maxLength: 400 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -1e6, max: 1e15 }),
  fc.date({
    min: new Date("1900-03-01T00:00:00Z"),
    max: new Date("2099-12-31T00:00:00Z"),
    noInvalidDate: true,
  }),
  fc.boolean()
);

interface Sheet {
  readonly kind: TemplateKind;
  readonly headers: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<ExcelJS.CellValue>>;
}

const INFO_FORM_COLUMNS = KIND_SPECS["info-form-import"].schema.columns;
/** The columns validInfoFormRow fills (every required one among them), then the optional others. */
const INFO_FORM_FILLED = Object.keys(validInfoFormRow(0));
const INFO_FORM_OTHERS = INFO_FORM_COLUMNS.map((c) => c.header).filter((h) => !INFO_FORM_FILLED.includes(h));

/** A 红字信息表 sheet of valid rows with a few cells replaced (most rows stay valid). */
const infoFormArb: fc.Arbitrary<Sheet> = fc
  .record({
    order: fc.subarray(INFO_FORM_OTHERS).chain((others) =>
      fc.shuffledSubarray([...INFO_FORM_FILLED, ...others], {
        minLength: INFO_FORM_FILLED.length + others.length,
      })
    ),
    rows: fc.array(fc.array(fc.tuple(fc.nat(30), cellArb), { maxLength: 2 }), { minLength: 1, maxLength: 6 }),
  })
  .map(({ order, rows }) => ({
    kind: "info-form-import" as const,
    headers: order,
    rows: rows.map((changes, i) => {
      const base = validInfoFormRow(i);
      const row = order.map((h) => (base[h] ?? null) as ExcelJS.CellValue);
      for (const [c, v] of changes) if (c < row.length) row[c] = v;
      return row;
    }),
  }));

/** Any kind, its required headers (or not) and any others in any order, random cells. */
const anyKindArb: fc.Arbitrary<Sheet> = fc.constantFrom(...TEMPLATE_KINDS).chain((kind) => {
  const columns = KIND_SPECS[kind].schema.columns;
  const required = columns.filter((c) => c.required && !c.result).map((c) => c.header);
  return fc.record({
    kind: fc.constant(kind),
    headers: fc
      .tuple(
        fc.boolean(),
        fc.shuffledSubarray(
          columns.map((c) => c.header),
          { minLength: 1 }
        )
      )
      .chain(([all, some]) =>
        fc.shuffledSubarray([...new Set(all ? [...required, ...some] : some)], { minLength: 1 })
      ),
    rows: fc.array(fc.array(cellArb, { maxLength: 50 }), { maxLength: 5 }),
  });
});

async function writeSheet(s: Sheet): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(KIND_SPECS[s.kind].title);
  ws.addRow([...s.headers]);
  for (const r of s.rows) ws.addRow(r.slice(0, s.headers.length));
  const f = join(dir, `p${fileNo++}.xlsx`);
  await wb.xlsx.writeFile(f);
  return f;
}

/** The user's non-empty cells by A1 address, as exceljs reads them back: result columns (失败原因 …) are ours. */
function values(ws: ExcelJS.Worksheet, s: Sheet): Map<string, unknown> {
  const results = new Set(KIND_SPECS[s.kind].schema.columns.filter((c) => c.result).map((c) => c.header));
  const out = new Map<string, unknown>();
  ws.eachRow({ includeEmpty: true }, (row) => {
    s.headers.forEach((h, i) => {
      // An empty cell is no value: a row with no values (written as <row/> by exceljs) need not come back.
      const v = row.getCell(i + 1).value;
      if (!results.has(h) && v !== null && v !== undefined) out.set(row.getCell(i + 1).address, v);
    });
  });
  return out;
}

/** What the runs covered, so a property cannot pass by refusing everything. */
const seen = { refused: 0, validRows: 0, flaggedCells: 0 };

async function checkImport(s: Sheet): Promise<void> {
  const input = await writeSheet(s);
  const out = `${input}.out.xlsx`;
  const r = await importXlsxFile(input, { kind: s.kind, out });
  if (!r.ok) {
    seen.refused++;
    expect(isRefusalCode(r.refusal.code)).toBe(true);
    expect(r.refusal.message).toMatch(/[\u4e00-\u9fff]/);
    expect(existsSync(out)).toBe(false);
    return;
  }
  const inWs = (await readBack(input)).worksheets[0];
  const outWs = (await readBack(out)).worksheets[0];

  const flagged = new Set<string>();
  for (const row of r.value.validation.rows) {
    for (const e of row.cellErrors) {
      const at = parseRect(e.cellAddress);
      expect(at).not.toBeNull();
      // A cell of the sheet the user wrote: a data row, a column with a header.
      expect(at!.row).toBeGreaterThanOrEqual(1);
      expect(at!.row).toBeLessThanOrEqual(s.rows.length);
      expect(at!.column).toBeLessThan(s.headers.length);
      flagged.add(e.cellAddress);
    }
    if (row.cellErrors.length === 0 && row.rowErrors.length === 0) seen.validRows++;
  }
  seen.flaggedCells += flagged.size;
  const red = new Set<string>();
  outWs.eachRow({ includeEmpty: true }, (row) =>
    row.eachCell({ includeEmpty: true }, (cell) => {
      if (isErrorFill(cell.fill)) red.add(cell.address);
    })
  );
  expect([...red].sort()).toEqual([...flagged].sort());
  expect(values(outWs, s)).toEqual(values(inWs, s));
  expect(r.value.succeeded + r.value.failed).toBe(r.value.validation.rows.length);
}

describe("importXlsxFile over random small workbooks", () => {
  it("红字信息表 rows, mostly valid: flags only cells it can name, returns every value", async () => {
    await fc.assert(fc.asyncProperty(infoFormArb, checkImport), { numRuns: 40 });
    expect(seen.validRows).toBeGreaterThan(0);
    expect(seen.flaggedCells).toBeGreaterThan(0);
  }, 60_000);

  it("any template, any headers, any cells: never throws, refuses only with catalogue codes", async () => {
    const before = { ...seen };
    // The example is CI's counterexample of stop 19: a trailing row with no values is not written back.
    const emptyLastRow: Sheet = {
      kind: "input-download",
      headers: ["开票日期止", "开票日期起", "票据类型", "核算组织税号", "企业性质"],
      rows: [["!"], [null]],
    };
    await fc.assert(fc.asyncProperty(anyKindArb, checkImport), { numRuns: 60, examples: [[emptyLastRow]] });
    expect(seen.refused).toBeGreaterThan(before.refused);
    expect(seen.flaggedCells).toBeGreaterThan(before.flaggedCells);
  }, 60_000);
});
