/**
 * Bulk import: validate + annotate 10,000 and 100,000-row files, against exceljs's own read + write
 * of the same file measured in the same run (the floor), for both paths:
 * - full load (fidelity: the user's formats survive) vs exceljs `xlsx.readFile` + `xlsx.writeFile`;
 * - streaming (values only) vs exceljs's streaming WorkbookReader + WorkbookWriter.
 * Figures: seconds (ratio to the floor), rows/s, peak RSS (sampled every 20 ms).
 * Each measurement runs in its own process (worker.js), so neither pays for the other's garbage.
 * `{quick: true}`: 10,000 rows only.
 *
 * The full load refuses a file whose estimated memory is over its budget (limits.ts
 * DEFAULT_MAX_LOAD_BYTES, FILE_TOO_LARGE_TO_LOAD): 100,000 rows is. Its line then says `refused` with
 * the code, and its seconds and peak RSS are those of the refusal, still against the floor's full load.
 *
 * [decision] `hongchong import` loads the file whole by default (fidelity: the user's workbook comes
 * back with its formats); `--stream` is for files too big for that and returns values only.
 */
import ExcelJS from "exceljs";
import { fork } from "child_process";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { Readable } from "stream";
import { readFileSync } from "fs";
import type { Report } from "../run";
import { uscCheckChar } from "../../src/domain/parse";
import { importXlsxFile } from "../../src/sheet/xlsx/importer";
import { importXlsxStreaming } from "../../src/sheet/xlsx/streaming";
import { templateSheetData } from "../../src/sheet/xlsx/template";

const BUYER = "91440300MA5EXAMPL" + uscCheckChar("91440300MA5EXAMPL");
const SELLER = "91440101MA5EXAMPL" + uscCheckChar("91440101MA5EXAMPL");

/** A 红字信息表 import file: every 50th row has a bad tax ID and a bad amount. */
export async function makeFile(file: string, rows: number): Promise<void> {
  const headers = templateSheetData("info-form-import").columns.map((c) => c.header);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useSharedStrings: true,
    useStyles: true,
  });
  const ws = wb.addWorksheet("红字信息表批量引入");
  ws.addRow(headers).commit();
  for (let i = 0; i < rows; i++) {
    const bad = i % 50 === 49;
    const row: Record<string, unknown> = {
      申请方: "销方申请",
      发票类型: "增值税纸质专用发票",
      原发票代码: "044031900111",
      原发票号码: String(10000000 + i),
      蓝票开票日期: "2024-10-22",
      购方名称: "深圳市甲科技有限公司",
      购方税号: bad ? "123" : BUYER,
      销方名称: "广州市乙贸易有限公司",
      销方税号: SELLER,
      货物名称: "*电子元件*电阻",
      // 必填 since the template follows 2.2.04 (issue 8): without it every row would be a failure to annotate.
      税收分类编码: "1090199000000000000",
      数量: "-1.1234567890123",
      单价: "100",
      金额: bad ? "abc" : "-112.35",
      税率: "13%",
      税额: "-14.61",
    };
    ws.addRow(headers.map((h) => row[h] ?? null)).commit();
  }
  ws.commit();
  await wb.commit();
}

export interface Measured {
  readonly seconds: number;
  readonly peakMb: number;
  /** The refusal code when our import refused the file (the full load over its budget). */
  readonly refused?: string;
}

/** Run `f`, sampling RSS; seconds and peak RSS in MB. */
async function measure(f: () => Promise<string | void>): Promise<Measured> {
  (global as { gc?: () => void }).gc?.();
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const t0 = process.hrtime.bigint();
  let refused: string | void;
  try {
    refused = await f();
  } finally {
    clearInterval(timer);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  peak = Math.max(peak, process.memoryUsage().rss);
  return { seconds, peakMb: Math.round(peak / 1024 / 1024), ...(refused ? { refused } : {}) };
}

async function floorFull(file: string, out: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  await wb.xlsx.writeFile(out);
}

async function floorStream(file: string, out: string): Promise<void> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([readFileSync(file)]), {
    worksheets: "emit",
    sharedStrings: "cache",
    styles: "ignore",
    hyperlinks: "ignore",
  } as Partial<ExcelJS.stream.xlsx.WorkbookStreamReaderOptions>);
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: out,
    useSharedStrings: true,
    useStyles: true,
  });
  for await (const ws of reader) {
    const sheet = ws as unknown as AsyncIterable<ExcelJS.Row> & { name: string };
    const w = writer.addWorksheet(sheet.name);
    for await (const row of sheet) {
      const r = w.getRow(row.number);
      r.values = (row.values as ExcelJS.CellValue[]).slice(1);
      r.commit();
    }
    w.commit();
  }
  await writer.commit();
}

export type TaskName = "floor-full" | "ours-full" | "floor-stream" | "ours-stream";

const TASKS: Readonly<Record<TaskName, (file: string, out: string) => Promise<string | void>>> = {
  "floor-full": floorFull,
  "ours-full": async (file, out) => {
    const r = await importXlsxFile(file, { kind: "info-form-import", out });
    if (r.ok) return;
    if (r.refusal.code === "FILE_TOO_LARGE_TO_LOAD") return r.refusal.code;
    throw new Error(r.refusal.message);
  },
  "floor-stream": floorStream,
  "ours-stream": async (file, out) => {
    const r = await importXlsxStreaming(file, { kind: "info-form-import", out });
    if (!r.ok) throw new Error(r.refusal.message);
  },
};

/** Runs in worker.js (a fresh process per measurement). */
export function measureTask(t: { task: TaskName; file: string; out: string }): Promise<Measured> {
  return measure(() => TASKS[t.task](t.file, t.out));
}

function inChild(task: TaskName, file: string, out: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, "worker.js"), [], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
    child.once("message", (m: Measured & { error?: string }) =>
      m.error ? reject(new Error(m.error)) : resolve(m)
    );
    child.once("error", reject);
    child.send({ task, file, out });
  });
}

export async function run(report: Report, opts: { quick: boolean }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "hongchong-bench-template-"));
  try {
    for (const rows of opts.quick ? [10_000] : [10_000, 100_000]) {
      const file = join(dir, `in-${rows}.xlsx`);
      await makeFile(file, rows);
      for (const path of ["full", "stream"] as const) {
        const floor = await inChild(`floor-${path}`, file, join(dir, `floor-${path}.xlsx`));
        const ours = await inChild(`ours-${path}`, file, join(dir, `ours-${path}.xlsx`));
        report({
          bench: `template.import.${path}.${rows}`,
          value: +ours.seconds.toFixed(3),
          unit: "s",
          ratio: +(ours.seconds / floor.seconds).toFixed(2),
          floorSeconds: +floor.seconds.toFixed(3),
          rowsPerSecond: Math.round(rows / ours.seconds),
          peakRssMb: ours.peakMb,
          floorPeakRssMb: floor.peakMb,
          ...(ours.refused ? { refused: ours.refused } : {}),
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
