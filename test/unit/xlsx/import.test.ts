/**
 * §3.8 批量引入: a workbook with one error of every kind comes back as the user's own workbook with
 * exactly those cells filled red and commented, a 失败原因 column holding all messages of each row,
 * the 申请批次号 on valid rows — and everything else untouched.
 */
import ExcelJS from "exceljs";
import { join } from "path";
import { refusalMessage, type RefusalCode, type RefusalParams } from "../../../src/domain/refusals";
import { uscCheckChar } from "../../../src/domain/parse";
import { importXlsxFile } from "../../../src/sheet/xlsx/importer";
import { NOTE_PREFIX } from "../../../src/sheet/xlsx/plan";
import { isErrorFill, noteText } from "../../../src/sheet/xlsx/annotate";
import { run as runImport } from "../../../src/cli/import";
import {
  columnOfHeader,
  readBack,
  SELLER_TAX_ID,
  snap,
  tempDir,
  templateWithRows,
  validInfoFormRow,
} from "./helpers";

const dir = tempDir();
const LONG_NAME = "长".repeat(301);
const WRONG_CHECK = (() => {
  const body = SELLER_TAX_ID.slice(0, 17);
  const right = uscCheckChar(body);
  return { value: body + (right === "0" ? "1" : "0"), expected: right };
})();

/** Row n (sheet row n+1): the change from a valid row, and the errors expected on it. */
interface Case {
  readonly change: Record<string, unknown>;
  readonly marks: Record<string, [RefusalCode, RefusalParams?]>;
}

const CASES: Case[] = [
  { change: {}, marks: {} },
  {
    change: { 申请方: "销售方x" },
    marks: {
      申请方: [
        "BAD_ENUM",
        { field: "申请方", value: "销售方x", allowed: "销方申请、购方申请-未抵扣、购方申请-已抵扣" },
      ],
    },
  },
  {
    change: { 购方税号: "123" },
    marks: { 购方税号: ["BAD_TAX_ID_FORMAT", { field: "购方税号", value: "123" }] },
  },
  { change: { 金额: "abc" }, marks: { 金额: ["NOT_A_NUMBER", { field: "金额", value: "abc" }] } },
  { change: { 购方名称: null }, marks: { 购方名称: ["FIELD_REQUIRED", { field: "购方名称" }] } },
  {
    change: { 蓝票开票日期: null },
    marks: {
      蓝票开票日期: ["INFO_FORM_BLUE_FIELD_REQUIRED", { applicant: "销方申请", field: "蓝票开票日期" }],
    },
  },
  {
    change: { 蓝票开票日期: "2024-13-45" },
    marks: { 蓝票开票日期: ["NOT_A_DATE", { field: "蓝票开票日期", value: "2024-13-45" }] },
  },
  {
    change: { 原发票代码: 44031900111 },
    marks: {
      原发票代码: [
        "LEADING_ZEROS_LOST",
        { field: "原发票代码", value: "44031900111", expected: "发票代码应为12位，现只有11位" },
      ],
    },
  },
  { change: { 金额: "0", 税额: "0" }, marks: { 金额: ["NON_POSITIVE", { field: "红冲金额" }] } },
  { change: { 蓝票可红冲金额: "50.00" }, marks: { 金额: ["AMOUNT_EXCEEDS_REVERSIBLE"] } },
  {
    change: { 金额: "1.1234567" },
    marks: { 金额: ["TOO_MANY_DECIMALS", { field: "金额", dp: 2, value: "1.1234567" }] },
  },
  {
    change: { 税额: { error: "#N/A" } },
    marks: { 税额: ["CELL_ERROR_VALUE", { field: "税额", value: "#N/A" }] },
  },
  { change: { 税率: "13" }, marks: { 税率: ["NOT_A_RATE", { field: "税率", value: "13" }] } },
  {
    change: { 原发票号码: "123" },
    marks: { 原发票号码: ["BAD_INVOICE_NUMBER", { field: "原发票号码", value: "123" }] },
  },
  {
    change: { 货物名称: LONG_NAME },
    marks: {
      货物名称: ["TEXT_TOO_LONG", { field: "货物名称", max: "100个字符", value: "长".repeat(40) + "…" }],
    },
  },
  {
    change: { 销方税号: WRONG_CHECK.value },
    marks: {
      销方税号: [
        "BAD_TAX_ID_CHECK",
        { field: "销方税号", value: WRONG_CHECK.value, expected: WRONG_CHECK.expected },
      ],
    },
  },
  {
    // Every error of a row, not only the first.
    change: { 申请方: "?", 购方税号: "abc", 税额: "x" },
    marks: {
      申请方: [
        "BAD_ENUM",
        { field: "申请方", value: "?", allowed: "销方申请、购方申请-未抵扣、购方申请-已抵扣" },
      ],
      购方税号: ["BAD_TAX_ID_FORMAT", { field: "购方税号", value: "abc" }],
      税额: ["NOT_A_NUMBER", { field: "税额", value: "x" }],
    },
  },
];

/** Two lines of one form (申请单号 G1); the second is bad, so the first fails with it, unmarked. */
const GROUP_ROWS = [
  { ...validInfoFormRow(900), 申请单号: "G1" },
  { ...validInfoFormRow(900), 申请单号: "G1", 货物名称: "*电子元件*电容", 购方税号: "BAD" },
];

function inputWorkbook(): ExcelJS.Workbook {
  const rows = [...CASES.map((c, i) => ({ ...validInfoFormRow(i), ...c.change })), ...GROUP_ROWS];
  const wb = templateWithRows("info-form-import", rows);
  const ws = wb.worksheets[0];
  // The user's own things, which must survive: a column, a format, a width, a comment, another sheet.
  const lastCol = ws.getRow(1).cellCount;
  ws.getCell(1, lastCol + 1).value = "我的备注";
  ws.getCell(3, lastCol + 1).value = "=不是公式";
  ws.getCell(2, 3).style = { ...ws.getCell(2, 3).style, font: { bold: true, italic: true } };
  ws.getColumn(columnOfHeader(ws, "购方名称")).width = 33;
  ws.getCell(4, columnOfHeader(ws, "购方税号")).note = "客户提供";
  const other = wb.addWorksheet("其他");
  other.getCell("A1").value = "自己的表";
  other.getCell("B2").value = { formula: "1+1", result: 2 };
  other.mergeCells("C3:D4");
  other.getColumn(1).width = 41;
  return wb;
}

describe("import with annotated errors (info-form-import)", () => {
  const input = join(dir, "errors.xlsx");
  const out = join(dir, "errors.out.xlsx");
  let report: Awaited<ReturnType<typeof importXlsxFile>>;
  let inWs: ExcelJS.Worksheet;
  let outWb: ExcelJS.Workbook;
  let ws: ExcelJS.Worksheet;

  beforeAll(async () => {
    await inputWorkbook().xlsx.writeFile(input);
    report = await importXlsxFile(input, { out, batchNo: "PC202410221044240001" });
    inWs = (await readBack(input)).worksheets[0];
    outWb = await readBack(out);
    ws = outWb.worksheets[0];
  });

  it("counts rows: one valid, every other row failed", () => {
    if (!report.ok) throw new Error(report.refusal.message);
    expect([report.value.succeeded, report.value.failed]).toEqual([1, CASES.length - 1 + GROUP_ROWS.length]);
  });

  it("marks exactly the bad cells, each red with the reason as a note", () => {
    const expected = new Map<string, string>();
    CASES.forEach((c, i) => {
      for (const [h, [code, params]] of Object.entries(c.marks)) {
        expected.set(ws.getCell(i + 2, columnOfHeader(ws, h)).address, refusalMessage(code, params));
      }
    });
    const g = CASES.length + 3;
    expected.set(
      ws.getCell(g, columnOfHeader(ws, "购方税号")).address,
      refusalMessage("BAD_TAX_ID_FORMAT", { field: "购方税号", value: "BAD" })
    );

    const found = new Map<string, string>();
    ws.eachRow((row) =>
      row.eachCell({ includeEmpty: true }, (cell) => {
        if (isErrorFill(cell.fill) || noteText(cell.note).startsWith(NOTE_PREFIX)) {
          expect(isErrorFill(cell.fill)).toBe(true);
          found.set(cell.address, noteText(cell.note).slice(NOTE_PREFIX.length).split("\n——原批注：")[0]);
        }
      })
    );
    expect(Object.fromEntries(found)).toEqual(Object.fromEntries(expected));
  });

  it("keeps the user's own comment under ours", () => {
    const note = noteText(ws.getCell(4, columnOfHeader(ws, "购方税号")).note);
    expect(note).toBe(
      `${NOTE_PREFIX}${refusalMessage("BAD_TAX_ID_FORMAT", { field: "购方税号", value: "123" })}\n——原批注：客户提供`
    );
  });

  it("writes all messages of a row into 失败原因, and the group message on the other line", () => {
    const col = columnOfHeader(ws, "失败原因");
    expect(ws.getCell(2, col).value).toBeNull();
    const multi = String(ws.getCell(CASES.length + 1, col).value);
    expect(multi.split("；")).toHaveLength(3);
    expect(ws.getCell(CASES.length + 2, col).value).toBe(
      refusalMessage("FILE_GROUP_HAS_ERRORS", { group: "申请单号 G1", rows: String(CASES.length + 3) })
    );
  });

  it("writes 处理状态: 未提交 on valid rows, 失败 on the others; no 申请批次号 (nothing was sent)", () => {
    const statusCol = columnOfHeader(ws, "处理状态");
    expect(ws.getCell(2, statusCol).value).toBe("未提交");
    expect(ws.getCell(3, statusCol).value).toBe("失败");
    expect(() => columnOfHeader(ws, "申请批次号")).toThrow("header 申请批次号 not found");
  });

  it("leaves every other cell, the user's format, width, column and other sheet as they were", () => {
    const failCol = columnOfHeader(ws, "失败原因");
    const statusCol = columnOfHeader(ws, "处理状态");
    inWs.eachRow((row, r) =>
      row.eachCell({ includeEmpty: true }, (cell, c) => {
        if (c === failCol || c === statusCol) return;
        expect([cell.address, ws.getCell(r, c).value]).toEqual([cell.address, cell.value]);
        expect(ws.getCell(r, c).numFmt).toEqual(cell.numFmt);
      })
    );
    expect(ws.getCell(2, 3).font).toMatchObject({ bold: true, italic: true });
    expect(ws.getColumn(columnOfHeader(ws, "购方名称")).width).toBe(33);
    expect(ws.getCell(3, columnOfHeader(ws, "我的备注")).value).toBe("=不是公式");
    const other = outWb.getWorksheet("其他")!;
    expect(other.getCell("A1").value).toBe("自己的表");
    expect(other.getCell("B2").value).toEqual({ formula: "1+1", result: 2 });
    expect(other.getCell("D4").isMerged).toBe(true);
    expect(other.getColumn(1).width).toBe(41);
    expect(outWb.getWorksheet("说明")).toBeDefined();
  });

  it("a re-run after a fix clears the fixed cell's mark and restores the user's comment", async () => {
    const fixed = join(dir, "fixed.xlsx");
    const wb = await readBack(out);
    const w = wb.worksheets[0];
    w.getCell(3, columnOfHeader(w, "申请方")).value = "销方申请";
    w.getCell(4, columnOfHeader(w, "购方税号")).value = validInfoFormRow(0).购方税号 as string;
    await wb.xlsx.writeFile(fixed);
    const again = await importXlsxFile(fixed, { out: fixed });
    expect(again.ok && [again.value.succeeded, again.value.failed]).toEqual([
      3,
      CASES.length - 3 + GROUP_ROWS.length,
    ]);
    const back = (await readBack(fixed)).worksheets[0];
    const b3 = snap(back.getCell(3, columnOfHeader(back, "申请方")));
    expect([isErrorFill(b3.fill), noteText(b3.note)]).toEqual([false, ""]);
    expect(noteText(back.getCell(4, columnOfHeader(back, "购方税号")).note)).toBe("客户提供");
    expect(back.getCell(3, columnOfHeader(back, "失败原因")).value).toBeNull();
  });

  it("hongchong import without --submit prints exactly `校验通过 N 行（未提交）, N 行失败`", async () => {
    const out2 = join(dir, "cli.out.xlsx");
    const stdout = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    let code: number;
    let printed: string[];
    try {
      code = await runImport([input, "--kind", "info-form-import", "--out", out2]);
      printed = stdout.mock.calls.map((c) => String(c[0]));
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(code).toBe(1);
    expect(printed).toEqual([`校验通过 1 行（未提交）, ${CASES.length - 1 + GROUP_ROWS.length} 行失败\n`]);
  });
});
