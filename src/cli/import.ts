/**
 * `hongchong import <file.xlsx> [--kind K] [--sheet S] [--out annotated.xlsx] [--submit --gateway URL]
 * [--max-rows N] [--max-mb N] [--batch N]`: validate, write the annotated workbook, optionally submit.
 * Prints exactly `N 行成功, N 行失败`; exit 0 when no row failed, 1 when some did, 2 when the file
 * was refused (nothing written).
 */
import { isTemplateKind, kindSpec } from "../sheet/xlsx/kinds";
import { defaultOutPath, importXlsxFile } from "../sheet/xlsx/importer";
import { summaryLine } from "../sheet/xlsx/grid";
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, DEFAULT_SUBMIT_BATCH } from "../sheet/xlsx/limits";
import { gatewaySubmitter } from "../sheet/xlsx/submit";
import { importXlsxStreaming } from "../sheet/xlsx/streaming";
import { flagText, gatewayClient, parseArgs } from "../sheet/xlsx/cliSupport";

const USAGE = `用法: hongchong import <file.xlsx> [--kind K] [--sheet 工作表] [--out 结果.xlsx]
                       [--submit --gateway URL] [--stream] [--max-rows ${DEFAULT_MAX_ROWS}] [--max-mb ${DEFAULT_MAX_BYTES / 1024 / 1024}] [--batch ${DEFAULT_SUBMIT_BATCH}]
  不加 --submit：只校验，结果写到 <文件名>.校验结果.xlsx（或 --out）。
  加 --submit：先把流水号写入文件，再把校验通过的单据提交发票云，结果写回该文件（或 --out）；
              重新引入同一文件会跳过已成功的行。网关凭据取自环境变量 HONGCHONG_APP_ID 等。
  --stream：超大文件用流式读写（须同时给 --kind，不能与 --submit 同用）；结果文件只保留数据，不保留原格式。
`;

function positiveInt(s: string | undefined, fallback: number): number | null {
  if (s === undefined) return fallback;
  return /^\d+$/.test(s) && Number(s) > 0 ? Number(s) : null;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ["submit", "stream"]);
  const [file] = args.positional;
  if (!file) {
    process.stderr.write(USAGE);
    return 2;
  }
  const kind = flagText(args, "kind");
  if (kind !== undefined && !isTemplateKind(kind)) {
    const r = kindSpec(kind);
    process.stderr.write(`${r.ok ? "" : r.refusal.message}\n`);
    return 2;
  }
  const maxRows = positiveInt(flagText(args, "max-rows"), DEFAULT_MAX_ROWS);
  const maxMb = positiveInt(flagText(args, "max-mb"), DEFAULT_MAX_BYTES / 1024 / 1024);
  const batch = positiveInt(flagText(args, "batch"), DEFAULT_SUBMIT_BATCH);
  if (maxRows === null || maxMb === null || batch === null) {
    process.stderr.write(USAGE);
    return 2;
  }
  const limits = { maxRows, maxBytes: maxMb * 1024 * 1024 };
  if (args.flags.stream === true) {
    if (kind === undefined || !isTemplateKind(kind) || args.flags.submit === true) {
      process.stderr.write(USAGE);
      return 2;
    }
    const out = flagText(args, "out") ?? defaultOutPath(file, false);
    const r = await importXlsxStreaming(file, { kind, out, limits });
    if (!r.ok) {
      process.stderr.write(`${r.refusal.message}\n`);
      return 2;
    }
    process.stdout.write(`${summaryLine(r.value.succeeded, r.value.failed)}\n`);
    process.stderr.write(`申请批次号：${r.value.batchNo}\n结果文件：${out}\n`);
    return r.value.failed > 0 ? 1 : 0;
  }
  let submitter;
  if (args.flags.submit === true) {
    const url = flagText(args, "gateway");
    if (!url) {
      process.stderr.write("--submit 需要 --gateway URL\n");
      return 2;
    }
    const client = gatewayClient(url);
    if (!client.ok) {
      process.stderr.write(`${client.refusal.message}\n`);
      return 2;
    }
    submitter = gatewaySubmitter(client.value);
  }
  const out = flagText(args, "out");
  const sheet = flagText(args, "sheet");
  const r = await importXlsxFile(file, {
    ...(kind !== undefined && isTemplateKind(kind) ? { kind } : {}),
    ...(out !== undefined ? { out } : {}),
    ...(sheet !== undefined ? { sheet } : {}),
    ...(submitter ? { submitter } : {}),
    limits,
    batchSize: batch,
  });
  if (!r.ok) {
    process.stderr.write(`${r.refusal.message}\n`);
    return 2;
  }
  const rep = r.value;
  process.stdout.write(`${summaryLine(rep.succeeded, rep.failed)}\n`);
  process.stderr.write(
    `模板：${rep.validation.spec.title}（工作表“${rep.sheetName}”），申请批次号：${rep.batchNo}` +
      (rep.skippedDone ? `，已跳过此前成功的 ${rep.skippedDone} 行` : "") +
      `\n结果文件：${rep.out}\n`
  );
  return rep.failed > 0 ? 1 : 0;
}
