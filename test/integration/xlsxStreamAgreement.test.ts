/**
 * Issue 12 §4: `hongchong import --stream` keeps only what the annotation needs (gridStream.ts) and
 * writes as it reads — and still gives the verdicts of the full load, cell for cell: the same values,
 * the same red cells with the same notes, the same 失败原因, 处理状态 and 申请批次号, the same counts.
 * The files are generated: single-line documents, documents of several lines spread across the sheet
 * (a bad line fails its whole document; lines that disagree or repeat fail on the cross-row rules),
 * rows done by an earlier run, a stale 失败原因 on a row now valid.
 */
import type ExcelJS from "exceljs";
import { join } from "path";
import { isErrorFill, noteText } from "../../src/sheet/xlsx/annotate";
import { importXlsxFile } from "../../src/sheet/xlsx/importer";
import type { TemplateKind } from "../../src/sheet/xlsx/kinds";
import { importXlsxStreaming } from "../../src/sheet/xlsx/streaming";
import { readBack, tempDir, templateWithRows, validInfoFormRow } from "../unit/xlsx/helpers";

const dir = tempDir();

// Two imports of a few hundred rows each way, on a busy 2-core runner.
jest.setTimeout(120_000);

interface CellView {
  readonly value: unknown;
  readonly red: boolean;
  readonly note: string;
}

/** Every non-empty, red or annotated cell of every sheet, by "sheet!A1". */
function cellsOf(wb: ExcelJS.Workbook): Record<string, CellView> {
  const out: Record<string, CellView> = {};
  for (const ws of wb.worksheets) {
    ws.eachRow({ includeEmpty: false }, (row) =>
      row.eachCell({ includeEmpty: true }, (cell) => {
        const value = cell.value ?? null;
        const red = isErrorFill(cell.fill);
        const note = noteText(cell.note);
        if (value !== null || red || note !== "") out[`${ws.name}!${cell.address}`] = { value, red, note };
      })
    );
  }
  return out;
}

async function bothWays(kind: TemplateKind, wb: ExcelJS.Workbook, name: string) {
  const input = join(dir, `${name}.xlsx`);
  await wb.xlsx.writeFile(input);
  const fullOut = join(dir, `${name}.full.xlsx`);
  const streamOut = join(dir, `${name}.stream.xlsx`);
  const full = await importXlsxFile(input, { kind, out: fullOut, batchNo: "PC20260101" });
  const stream = await importXlsxStreaming(input, { kind, out: streamOut, batchNo: "PC20260101" });
  if (!full.ok) throw new Error(full.refusal.message);
  if (!stream.ok) throw new Error(stream.refusal.message);
  return {
    full: full.value,
    stream: stream.value,
    fullCells: cellsOf(await readBack(fullOut)),
    streamCells: cellsOf(await readBack(streamOut)),
  };
}

/**
 * 600 红字信息表 rows: every 17th has a bad 购方税号; five documents of three lines (one blue invoice)
 * at rows n, n+200, n+400 for n = 0, 40, …, 160: failing whole when a line fails (n = 0, on the
 * second), failing on 购方名称 when the lines disagree (n = 40, on the third), failing as repeats when
 * two lines are the same line (n = 80, the third repeats the second), valid otherwise; every 50th row
 * done earlier (处理状态 成功, one of them with a bad cell), every 23rd with a stale 失败原因.
 */
function infoFormRows(): Array<Record<string, unknown>> {
  const rows: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 600; i++) {
    const n = i % 200;
    const line = Math.floor(i / 200);
    const multi = n % 40 === 0;
    const row: Record<string, unknown> = {
      ...validInfoFormRow(multi ? n : i + 1000),
      货物名称: multi ? `*电子元件*电阻${line}` : "*电子元件*电阻",
    };
    if (i % 17 === 5) row.购方税号 = "123";
    if (multi && n === 0 && line === 1) row.金额 = "abc";
    if (multi && n === 40 && line === 2) row.购方名称 = "深圳市丙科技有限公司";
    if (multi && n === 80 && line === 2) row.货物名称 = "*电子元件*电阻1";
    if (i % 50 === 49) row.处理状态 = "成功";
    if (i % 23 === 11) row.失败原因 = "上次的失败原因";
    rows.push(row);
  }
  return rows;
}

it("info forms: the streamed result is the full load's, cell for cell", async () => {
  const r = await bothWays("info-form-import", templateWithRows("info-form-import", infoFormRows()), "info");
  expect(r.streamCells).toEqual(r.fullCells);
  expect([r.stream.succeeded, r.stream.failed, r.stream.skippedDone]).toEqual([
    r.full.succeeded,
    r.full.failed,
    r.full.skippedDone,
  ]);
  // Pinned, so that both paths agreeing on nothing cannot pass: 34 single rows fail on 购方税号 (the
  // 35th, row 550, was done earlier), 9 lines of the three failing documents; 12 rows done earlier.
  expect([r.full.succeeded, r.full.failed, r.full.skippedDone]).toEqual([557, 43, 12]);
  // 34 购方税号, 1 金额, 2 购方名称 (the line that differs and the first), 2 货物名称 (both repeats).
  const red = Object.entries(r.streamCells).filter(([, c]) => c.red);
  expect(red.length).toBe(39);
  const sheet = r.stream.sheetName;
  // Row 1 (sheet row 2) is the first line of a document whose second line (sheet row 202) fails.
  expect(r.streamCells[`${sheet}!AA2`].value).toBe(
    "同一张单据（蓝票 044031900111-10000000）的第202行有错误，整张单据未引入，请一并修改后重新引入"
  );
  // Checked only: 处理状态 失败 / 未提交, and no 申请批次号 column (nothing was sent).
  expect(r.streamCells[`${sheet}!Z1`].value).toBe("处理状态");
  expect(r.streamCells[`${sheet}!Z2`].value).toBe("失败");
  expect(r.streamCells[`${sheet}!Z3`].value).toBe("未提交");
  expect(r.streamCells[`${sheet}!AC1`]).toBeUndefined();
  // A stale 失败原因 on a row now valid is cleared.
  expect(r.streamCells[`${sheet}!AA13`]).toBeUndefined();
  // What the streaming validation held: 13 bytes per data row, one key per document, and the
  // errors of the cross-row rules only (2 disagreeing and 2 repeated lines; none of the cell errors);
  // the cross-row check held two lines of each of the five documents until their third.
  expect(r.stream.held).toEqual({ rows: 600, groups: 590, rowsWithKeptErrors: 4, peakOpenRows: 10 });
});

it("the bench's file (bench/template), 2,000 rows: the streamed result is the full load's", async () => {
  const { makeFile } = await import("../../bench/template/index");
  const input = join(dir, "bench-2000.xlsx");
  await makeFile(input, 2000);
  const full = await importXlsxFile(input, {
    kind: "info-form-import",
    out: `${input}.full.xlsx`,
    batchNo: "PC1",
  });
  const stream = await importXlsxStreaming(input, {
    kind: "info-form-import",
    out: `${input}.stream.xlsx`,
    batchNo: "PC1",
  });
  if (!full.ok || !stream.ok) throw new Error("refused");
  expect(cellsOf(await readBack(`${input}.stream.xlsx`))).toEqual(
    cellsOf(await readBack(`${input}.full.xlsx`))
  );
  expect([stream.value.succeeded, stream.value.failed]).toEqual([1960, 40]);
  // Every 50th row fails on two cells; none of their errors is kept between the reads.
  expect(stream.value.held).toEqual({ rows: 2000, groups: 2000, rowsWithKeptErrors: 0, peakOpenRows: 0 });
});

/**
 * 200 蓝票红冲 rows, one invoice each, but: invoice 00000003 twice exactly (rows 4 and 151: the later
 * is a repeat), invoice 00000010 twice with different 本次红冲金额 (rows 11 and 181: both disagree),
 * every 30th row from row 22 作废. The cross-row rules partition by the planner's own invoice key
 * (gridStream.ts), which is not the kind's group (it has none).
 */
it("blue-red flush: the streamed result is the full load's, cell for cell", async () => {
  const rows: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 200; i++) {
    const no = i === 149 ? 2 : i === 179 ? 9 : i;
    rows.push({
      发票号码: String(no + 1).padStart(8, "0"),
      发票种类: "增值税专用发票",
      发票状态: i % 30 === 20 ? "作废" : "正常",
      可红冲金额: "100.00",
      本次红冲金额: i === 179 ? "60.00" : "70.00",
    });
  }
  const r = await bothWays("blue-red-flush", templateWithRows("blue-red-flush", rows), "flush");
  expect(r.streamCells).toEqual(r.fullCells);
  expect([r.stream.succeeded, r.stream.failed, r.stream.skippedDone]).toEqual([
    r.full.succeeded,
    r.full.failed,
    r.full.skippedDone,
  ]);
  const red = Object.entries(r.streamCells)
    .filter(([, c]) => c.red)
    .map(([a, c]) => `${a.split("!")[1]} ${c.note}`);
  const status = "引入校验：只有发票状态为“正常”或“部分红冲”的发票才允许红冲";
  const conflict =
    "引入校验：与第{other}行是同一张蓝票，本次红冲金额却不一致（第11行 70.00，第181行 60.00）：请改成一致的值，或删除多余的行后重新预检";
  expect(red).toEqual([
    `N11 ${conflict.replace("{other}", "181")}`,
    ...[22, 52, 82, 112, 142].map((row) => `H${row} ${status}`),
    "B151 引入校验：本行与第4行是同一张蓝票的重复行（各列相同），未提交：请删除重复的行，或勾选“重复行只提交一次”后重新预检",
    `H172 ${status}`,
    `N181 ${conflict.replace("{other}", "11")}`,
  ]);
  expect([r.full.succeeded, r.full.failed]).toEqual([191, 9]);
  expect(r.stream.held).toEqual({ rows: 200, groups: 0, rowsWithKeptErrors: 3, peakOpenRows: 2 });
});
