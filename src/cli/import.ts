/**
 * `hongchong import <file.xlsx> [--kind K] [--sheet S] [--out 结果.xlsx | --in-place] [--submit
 * [--gateway URL] [--as 沙箱企业]] [--max-rows N] [--max-mb N] [--batch N]`: validate, write the
 * annotated workbook, optionally submit. Prints one line on stdout — `校验通过 N 行（未提交）, N 行失败`
 * when only checked, `N 行成功, N 行失败` after --submit — and the rest (result file, progress with
 * ETA) on stderr; exit 0 when no row failed, 1 when some did, 2 when the file was refused (nothing
 * written). The input file is never overwritten unless --in-place is given (importer.ts).
 */
import { isTemplateKind, kindSpec } from "../sheet/xlsx/kinds";
import { defaultOutPath, importXlsxFile } from "../sheet/xlsx/importer";
import { checkedLine, summaryLine } from "../sheet/xlsx/grid";
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, DEFAULT_SUBMIT_BATCH } from "../sheet/xlsx/limits";
import { gatewaySubmitter } from "../sheet/xlsx/submit";
import { importXlsxStreaming } from "../sheet/xlsx/streaming";
import { flagText, parseArgs } from "../sheet/xlsx/cliSupport";
import { resolveLogin } from "./login";
import { progressReporter } from "./progress";

const USAGE = `用法: hongchong import <file.xlsx> [--kind K] [--sheet 工作表] [--out 结果.xlsx | --in-place]
                       [--submit [--gateway URL] [--as 沙箱企业]] [--stream] [--max-rows ${DEFAULT_MAX_ROWS}] [--max-mb ${DEFAULT_MAX_BYTES / 1024 / 1024}] [--batch ${DEFAULT_SUBMIT_BATCH}]
  不加 --submit：只校验，不提交；结果写到 <文件名>.校验结果.xlsx（或 --out；--in-place 写回原文件）。
  加 --submit：先把流水号写入结果文件 <文件名>.提交结果.xlsx，再把校验通过的单据提交发票云，结果写回该文件；
              对结果文件重新运行 --submit 会跳过已成功的行，处理中的行用原流水号重发。
              网关默认为 npm start 启动的沙箱（或 HONGCHONG_GATEWAY_URL）；凭据取自环境变量 HONGCHONG_APP_ID 等，
              未设置时用本机沙箱的企业（--as seller | buyer | taxctl | small | leqi）。
  --stream：超大文件用流式读写（须同时给 --kind，不能与 --submit 同用）；结果文件只保留数据，不保留原格式。
`;

function positiveInt(s: string | undefined, fallback: number): number | null {
  if (s === undefined) return fallback;
  return /^\d+$/.test(s) && Number(s) > 0 ? Number(s) : null;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ["submit", "stream", "in-place"]);
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
    const out =
      flagText(args, "out") ?? (args.flags["in-place"] === true ? file : defaultOutPath(file, false));
    const r = await importXlsxStreaming(file, { kind, out, limits });
    if (!r.ok) {
      process.stderr.write(`${r.refusal.message}\n`);
      return 2;
    }
    process.stdout.write(`${checkedLine(r.value.succeeded - r.value.skippedDone, r.value.failed)}\n`);
    process.stderr.write(
      (r.value.skippedDone ? `此前已成功 ${r.value.skippedDone} 行（未重新校验）\n` : "") +
        `结果文件：${out}\n`
    );
    return r.value.failed > 0 ? 1 : 0;
  }
  let submitter;
  if (args.flags.submit === true) {
    const login = resolveLogin(args);
    if (!login.ok) {
      process.stderr.write(`${login.refusal.message}\n`);
      return 2;
    }
    process.stderr.write(`网关 ${login.value.url}，${login.value.who}\n`);
    submitter = gatewaySubmitter(login.value.client);
  }
  const out = flagText(args, "out");
  const sheet = flagText(args, "sheet");
  const r = await importXlsxFile(file, {
    ...(kind !== undefined && isTemplateKind(kind) ? { kind } : {}),
    ...(out !== undefined ? { out } : {}),
    ...(sheet !== undefined ? { sheet } : {}),
    ...(submitter ? { submitter } : {}),
    ...(args.flags["in-place"] === true ? { inPlace: true } : {}),
    onProgress: progressReporter(process.stderr, "提交发票云", "张单据"),
    limits,
    batchSize: batch,
  });
  if (!r.ok) {
    process.stderr.write(`${r.refusal.message}\n`);
    return 2;
  }
  const rep = r.value;
  process.stdout.write(
    `${submitter ? summaryLine(rep.succeeded, rep.failed) : checkedLine(rep.succeeded - rep.skippedDone, rep.failed)}\n`
  );
  process.stderr.write(
    `模板：${rep.validation.spec.title}（工作表“${rep.sheetName}”）` +
      (submitter ? `，申请批次号：${rep.batchNo}` : "") +
      (rep.skippedDone ? `，已跳过此前成功的 ${rep.skippedDone} 行` : "") +
      `\n结果文件：${rep.out}\n` +
      (submitter ? "" : "只做了校验，没有提交；提交请加 --submit\n")
  );
  return rep.failed > 0 ? 1 : 0;
}
