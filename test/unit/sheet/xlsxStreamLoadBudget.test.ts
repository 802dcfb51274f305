/**
 * Issue 12 §4: the full load refuses, before exceljs loads anything, a file whose estimated memory is
 * over its budget (limits.ts fullLoadEstimate from the pre-flight's counts), and points to --stream.
 */
import ExcelJS from "exceljs";
import { existsSync } from "fs";
import { join } from "path";
import { refusalMessage } from "../../../src/domain/refusals";
import { importXlsxFile } from "../../../src/sheet/xlsx/importer";
import {
  DEFAULT_LIMITS,
  DEFAULT_MAX_LOAD_BYTES,
  formatBytes,
  fullLoadEstimate,
} from "../../../src/sheet/xlsx/limits";
import { importXlsxStreaming } from "../../../src/sheet/xlsx/streaming";
import * as workbook from "../../../src/sheet/xlsx/workbook";
import { tempDir, templateWithRows, validInfoFormRow } from "../xlsx/helpers";

const dir = tempDir();

afterEach(() => jest.restoreAllMocks());

/** A plain sheet (no template styles): 20 headers and two rows of 16 values, 52 `<c>` elements. */
async function smallFile(): Promise<string> {
  const file = join(dir, "small.xlsx");
  const wb = templateWithRows("info-form-import", []);
  const headers = (wb.worksheets[0].getRow(1).values as unknown[]).slice(1).map(String);
  const plain = new ExcelJS.Workbook();
  const ws = plain.addWorksheet("红字信息表批量引入");
  const inputs = headers.slice(0, 20);
  ws.addRow(inputs);
  for (const n of [1, 2]) {
    const row = validInfoFormRow(n);
    ws.addRow(inputs.map((h) => (row[h] as string | undefined) ?? null));
  }
  await plain.xlsx.writeFile(file);
  return file;
}

it("refuses above the budget with FILE_TOO_LARGE_TO_LOAD, before loading, writing nothing", async () => {
  const file = await smallFile();
  const load = jest.spyOn(workbook, "loadWorkbook");
  const out = join(dir, "small.out.xlsx");
  const r = await importXlsxFile(file, {
    out,
    limits: { ...DEFAULT_LIMITS, maxLoadBytes: 100 * 1024 * 1024 },
  });
  expect(r.ok ? "ok" : r.refusal.code).toBe("FILE_TOO_LARGE_TO_LOAD");
  expect(r.ok ? "" : r.refusal.message).toBe(
    "文件“small.xlsx”有52个单元格，整个载入（保留原格式）约需120.1 MB内存，超过上限100.0 MB，未引入；" +
      "请加 --stream 流式引入（须同时给 --kind，结果文件只保留数据、不保留原格式），或拆分成多个文件后分批引入"
  );
  expect(load).not.toHaveBeenCalled();
  expect(existsSync(out)).toBe(false);

  // The same file within the default budget loads; through --stream it has no such budget.
  const ok = await importXlsxFile(file, { out });
  expect(ok.ok && [ok.value.succeeded, ok.value.failed]).toEqual([2, 0]);
  expect(load).toHaveBeenCalledTimes(1);
  const streamed = await importXlsxStreaming(file, {
    kind: "info-form-import",
    out: join(dir, "small.stream.xlsx"),
    limits: { ...DEFAULT_LIMITS, maxLoadBytes: 1 },
  });
  expect(streamed.ok && [streamed.value.succeeded, streamed.value.failed]).toEqual([2, 0]);
});

it("the model: the bench's 100,000-row file is over the default budget, 10,000 rows well under", () => {
  // The pre-flight's counts of bench/template's files (cells = 16 per row + the header's 28).
  const rows100k = { cells: 1_600_028, uncompressedBytes: 61_017_535 };
  const rows10k = { cells: 160_028, uncompressedBytes: 5_937_454 };
  expect(formatBytes(fullLoadEstimate(rows100k))).toBe("3135.6 MB");
  expect(formatBytes(fullLoadEstimate(rows10k))).toBe("421.3 MB");
  expect(fullLoadEstimate(rows100k) > DEFAULT_MAX_LOAD_BYTES).toBe(true);
  expect(fullLoadEstimate(rows10k) < DEFAULT_MAX_LOAD_BYTES / 2).toBe(true);
  expect(
    refusalMessage("FILE_TOO_LARGE_TO_LOAD", { file: "f", cells: 1, estimate: "a", limit: "b" })
  ).toContain("--stream");
});
