/**
 * bench/sheet: 10,000 and 100,000 蓝票清单 rows (5% bad: a wrong 购方税号 check character or text in
 * 本次红冲金额) through the task pane's path on the in-memory Excel fake: read (port.readSelection)
 * → pre-flight (src/domain/redFlush `preflight`) → write-back (port.writeResults: statuses, 失败原因,
 * red cells and notes, previous marks cleared first).
 *
 * Per phase: seconds, syncs per chunk, total syncs, largest request. `ratio` compares with a baseline
 * measured in the same run on an identical workbook: the fake host's own cost of a bare 2-D values
 * read of the same range and a bare values write of the same result block, in the same 5,000-row
 * chunks, without any of our logic. Request sizes are compared with Excel on the web's 5 MB limit.
 */
import type { Report } from "../run";
import { preflight, type PreflightInput } from "../../src/domain/redFlush";
import type { Dec } from "../../src/domain/money";
import { OfficeWorkbook } from "../../src/sheet/office";
import type { ExcelHost } from "../../src/sheet/office/host";
import type { Progress, RowWriteBack, SelectionRead } from "../../src/sheet/port";
import { PROCESS_STATUS, resultColumns, blueInvoicesSchema } from "../../src/sheet/schemas";
import { MAX_ROWS_PER_CHUNK } from "../../src/sheet/writePlan";
import { BLUE_HEADERS, buildBlueInvoiceWorkbook } from "../../test/support/blueInvoiceWorkbook";
import { DEFAULT_PAYLOAD_LIMIT, type FakeContext, type FakeWorkbook } from "../../test/support/fakeExcel";
import { fakeHost } from "../../test/support/fakeHost";

/** 5% bad rows: a bad tax ID every 40th row and text in an amount every 40th row, never the same row. */
const BAD_EVERY = 40;

const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;
const round = (x: number, dp = 4): number => Number(x.toFixed(dp));

function workbookOf(n: number) {
  return buildBlueInvoiceWorkbook(n, { badTaxIdEvery: BAD_EVERY, badAmountEvery: BAD_EVERY });
}

interface PhaseStats {
  readonly time: number;
  readonly syncs: number;
  readonly chunks: number;
  /** Most syncs any chunk after the first needed (the first also carries the run's fixed syncs). */
  readonly syncsPerChunk: number;
  /** Syncs not spent on chunks: locating the data, restoring events. */
  readonly fixedSyncs: number;
  readonly maxRequestBytes: number;
  readonly maxResponseBytes: number;
}

/** Time one phase and read its sync log; `onProgress` marks the end of each chunk. */
async function measure(
  wb: FakeWorkbook,
  body: (onProgress: (p: Progress) => void) => Promise<unknown>
): Promise<PhaseStats> {
  wb.resetStats();
  const marks: number[] = [];
  const t0 = process.hrtime.bigint();
  await body(() => marks.push(wb.syncs));
  const time = seconds(t0);
  const diffs = marks.slice(1).map((m, i) => m - marks[i]);
  const syncsPerChunk = diffs.length > 0 ? Math.max(...diffs) : marks.length;
  return {
    time,
    syncs: wb.syncs,
    chunks: marks.length,
    syncsPerChunk,
    fixedSyncs: wb.syncs - marks.length * syncsPerChunk,
    maxRequestBytes: wb.maxRequestBytes,
    maxResponseBytes: wb.syncLog.reduce((m, s) => Math.max(m, s.responseBytes), 0),
  };
}

/** The baseline: bare values read of the input block and bare values write of the result block. */
async function baseline(n: number): Promise<{ read: PhaseStats; write: PhaseStats }> {
  const { workbook } = workbookOf(n);
  const run = workbook.excel.run;
  const width = BLUE_HEADERS.length;
  const resultWidth = resultColumns(blueInvoicesSchema).length;
  const results = Array.from({ length: MAX_ROWS_PER_CHUNK }, (_, i) =>
    Array.from({ length: resultWidth }, (_, j) => (j === resultWidth - 2 ? PROCESS_STATUS.pending : `r${i}`))
  );
  const read = await measure(workbook, (onProgress) =>
    run(async (ctx: FakeContext) => {
      const sheet = ctx.workbook.worksheets.getItem("蓝票清单");
      for (let start = 1; start <= n; start += MAX_ROWS_PER_CHUNK) {
        const count = Math.min(MAX_ROWS_PER_CHUNK, n + 1 - start);
        const range = sheet.getRangeByIndexes(start, 0, count, width);
        range.load("values");
        await ctx.sync();
        // Loaded and synced just above; the rule does not follow the loop.
        // eslint-disable-next-line office-addins/call-sync-before-read, office-addins/load-object-before-read
        if (range.values.length !== count) throw new Error("short read");
        onProgress({ phase: "read", done: start + count - 1, total: n });
      }
    })
  );
  const write = await measure(workbook, (onProgress) =>
    run(async (ctx: FakeContext) => {
      const sheet = ctx.workbook.worksheets.getItem("蓝票清单");
      for (let start = 1; start <= n; start += MAX_ROWS_PER_CHUNK) {
        const count = Math.min(MAX_ROWS_PER_CHUNK, n + 1 - start);
        sheet.getRangeByIndexes(start, width, count, resultWidth).values = results.slice(0, count);
        await ctx.sync();
        onProgress({ phase: "write", done: start + count - 1, total: n });
      }
    })
  );
  return { read, write };
}

/** What the task pane does with a read: pre-flight the clean rows, mark the bad ones. */
function preflightAndOutcomes(read: SelectionRead): {
  outcomes: RowWriteBack[];
  eligible: number;
  refused: number;
} {
  const clean = read.rows.filter((r) => r.errors.length === 0);
  const inputs: PreflightInput<number>[] = clean.map((r) => ({
    no: r.rowIndex,
    kind: r.values.invoiceKind as string,
    status: r.values.invoiceStatus as string,
    reversibleAmount: r.values.reversibleAmount as Dec,
    pendingRedAmounts: r.values.pendingRedAmount === null ? [] : [r.values.pendingRedAmount as Dec],
    requestAmount: r.values.redAmount as Dec | null,
  }));
  const checked = preflight(inputs);
  const outcomes: RowWriteBack[] = checked.rows.map((p) => ({
    rowIndex: p.no,
    values: p.eligible
      ? { route: p.route ?? "", processStatus: PROCESS_STATUS.pending, failureReason: "" }
      : { processStatus: PROCESS_STATUS.failure, failureReason: p.refusal?.message ?? "" },
    cellErrors: [],
  }));
  for (const r of read.rows) {
    if (r.errors.length === 0) continue;
    outcomes.push({
      rowIndex: r.rowIndex,
      values: { processStatus: PROCESS_STATUS.failure },
      cellErrors: r.errors.map((e) => ({ columnKey: e.columnKey, message: e.refusal.message })),
    });
  }
  return { outcomes, eligible: checked.eligibleCount, refused: checked.refusedCount };
}

async function pipeline(n: number) {
  const { workbook } = workbookOf(n);
  const host: ExcelHost = fakeHost(workbook);
  const port = new OfficeWorkbook(host);
  let read: SelectionRead | null = null;
  const readStats = await measure(workbook, async (onProgress) => {
    const r = await port.readSelection("blueInvoices", { onProgress });
    if (!r.ok) throw new Error(r.refusal.message);
    read = r.value;
  });
  const data = read as unknown as SelectionRead;
  let planned: ReturnType<typeof preflightAndOutcomes> | null = null;
  const t0 = process.hrtime.bigint();
  planned = preflightAndOutcomes(data);
  const preflightTime = seconds(t0);
  const { outcomes, eligible, refused } = planned;
  let cellsMarked = 0;
  const writeStats = await measure(workbook, async (onProgress) => {
    const w = await port.writeResults("blueInvoices", outcomes, { layout: data.layout, onProgress });
    if (!w.ok) throw new Error(w.refusal.message);
    cellsMarked = w.value.cellsMarked;
  });
  const badRows = data.rows.filter((r) => r.errors.length > 0).length;
  return {
    readStats,
    preflightTime,
    writeStats,
    badRows,
    eligible,
    refused,
    cellsMarked,
    rows: data.rows.length,
  };
}

function phaseFigures(
  report: Report,
  name: string,
  stats: PhaseStats,
  base: PhaseStats,
  extra: Record<string, unknown>
): void {
  report({
    bench: `${name}.time`,
    value: round(stats.time),
    unit: "s",
    ratio: round(stats.time / base.time, 2),
    baselineSeconds: round(base.time),
    ...extra,
  });
  report({
    bench: `${name}.syncsPerChunk`,
    value: stats.syncsPerChunk,
    unit: "syncs",
    ratio: round(stats.syncsPerChunk / base.syncsPerChunk, 2),
    chunks: stats.chunks,
    fixedSyncs: stats.fixedSyncs,
  });
  report({
    bench: `${name}.syncs`,
    value: stats.syncs,
    unit: "syncs",
    ratio: round(stats.syncs / base.syncs, 2),
    baselineSyncs: base.syncs,
  });
  report({
    bench: `${name}.maxRequest`,
    value: stats.maxRequestBytes,
    unit: "bytes",
    ratio: round(stats.maxRequestBytes / DEFAULT_PAYLOAD_LIMIT, 3),
    against: "5 MB request limit (Excel on the web)",
    maxResponseBytes: stats.maxResponseBytes,
  });
}

export async function run(report: Report, opts: { quick: boolean }): Promise<void> {
  // Warm the JIT on a small workbook so the first measured size is not penalised.
  await baseline(2_000);
  await pipeline(2_000);
  for (const n of opts.quick ? [10_000] : [10_000, 100_000]) {
    const base = await baseline(n);
    const p = await pipeline(n);
    const tag = `sheet.${n}`;
    report({
      bench: `${tag}.baseline.read`,
      value: round(base.read.time),
      unit: "s",
      ratio: 1,
      syncs: base.read.syncs,
    });
    report({
      bench: `${tag}.baseline.write`,
      value: round(base.write.time),
      unit: "s",
      ratio: 1,
      syncs: base.write.syncs,
    });
    phaseFigures(report, `${tag}.read`, p.readStats, base.read, { rows: p.rows, badRows: p.badRows });
    report({
      bench: `${tag}.preflight.time`,
      value: round(p.preflightTime),
      unit: "s",
      ratio: round(p.preflightTime / base.read.time, 2),
      against: "bare read",
      eligible: p.eligible,
      refused: p.refused,
    });
    phaseFigures(report, `${tag}.writeBack`, p.writeStats, base.write, { cellsMarked: p.cellsMarked });
    const total = p.readStats.time + p.preflightTime + p.writeStats.time;
    report({
      bench: `${tag}.total.time`,
      value: round(total),
      unit: "s",
      ratio: round(total / (base.read.time + base.write.time), 2),
      against: "bare read + bare write",
    });
  }
}
