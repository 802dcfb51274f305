/**
 * `hongchong export <kind> [-o file.xlsx] [--gateway URL] [--org 税号] [--as 沙箱企业]
 * [--from yyyy-MM-dd --to yyyy-MM-dd] [--task 任务号,…]`: a list from the cloud as a workbook
 * (src/sheet/xlsx/export.ts). On `npm start`'s sandbox the kind alone is enough: gateway, login and
 * organisation as src/cli/login.ts says, the range ending on the gateway's calendar day
 * (exportGateway.ts defaultRange), the file named after the list and the range, never over an
 * existing file unless -o names it. The whole list or nothing: an incomplete list, or one above the
 * export's row cap, exits 1 with the figures and writes no file.
 */
import fs from "fs";
import path from "path";
import { EXPORT_KINDS, EXPORT_SHEET_NAMES, isExportKind, writeExportWorkbook } from "../sheet/xlsx/export";
import { defaultRange, gatewayExportSource } from "../sheet/xlsx/exportGateway";
import { flagText, parseArgs } from "../sheet/xlsx/cliSupport";
import { parseDate } from "../domain/parse/date";
import { gatewayToday, resolveLogin } from "./login";

const USAGE = `用法: hongchong export <kind> [-o 文件.xlsx] [--from yyyy-MM-dd] [--to yyyy-MM-dd] [--task 任务号,…]
                       [--gateway URL] [--org 组织税号] [--as 沙箱企业] [--data 沙箱数据目录]
  kind: ${EXPORT_KINDS.join(" | ")}
  默认：npm start 启动的网关（或 HONGCHONG_GATEWAY_URL）；登录用 HONGCHONG_APP_ID 等环境变量，未设置时用本机沙箱的企业
  （--as seller | buyer | taxctl | small | leqi，默认 seller）；组织税号为登录的沙箱企业（真实租户请用 --org 或 HONGCHONG_TAX_ID）；
  日期范围为网关日历的本月及前两个月；文件名为“列表名_起_止.xlsx”，已存在时不覆盖，另取新名。
`;

/** `<dir>/<base>.xlsx`, or `<base> (2).xlsx`, … — the first name not taken. */
export function freeFileName(dir: string, base: string): string {
  for (let i = 1; ; i++) {
    const f = path.join(dir, i === 1 ? `${base}.xlsx` : `${base} (${i}).xlsx`);
    if (!fs.existsSync(f)) return f;
  }
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const [kind] = args.positional;
  if (!kind || !isExportKind(kind) || args.flags.help) {
    process.stderr.write(USAGE);
    return 2;
  }
  const dates: { from?: string; to?: string } = {};
  for (const flag of ["from", "to"] as const) {
    const v = flagText(args, flag);
    if (v === undefined) continue;
    const d = parseDate(v, `--${flag}`);
    if (!d.ok || d.value === null) {
      process.stderr.write(`${d.ok ? `--${flag} 不能为空` : d.refusal.message}\n`);
      return 2;
    }
    dates[flag] = d.value;
  }
  const { from, to } = dates;
  if (from && to && from > to) {
    process.stderr.write(`--from ${from} 晚于 --to ${to}\n`);
    return 2;
  }
  const login = resolveLogin(args);
  if (!login.ok) {
    process.stderr.write(`${login.refusal.message}\n`);
    return 2;
  }
  const { url, client, org, who } = login.value;
  if (!org) {
    process.stderr.write(
      "请用 --org 或环境变量 HONGCHONG_TAX_ID 指定组织税号（发票云的接口不提供登录所属的组织）\n"
    );
    return 2;
  }
  const tasks = flagText(args, "task")
    ?.split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  if (kind === "download-tasks" && !tasks?.length) {
    process.stderr.write("download-tasks 需要 --task 任务号,…（进项发票归集 4.02 返回的任务号）\n");
    return 2;
  }
  const today = await gatewayToday(url);
  const q = {
    org,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(tasks !== undefined ? { tasks } : {}),
  };
  const { startDate, endDate } = defaultRange(q, today);
  const out =
    flagText(args, "out") ??
    freeFileName(
      process.cwd(),
      kind === "download-tasks"
        ? EXPORT_SHEET_NAMES[kind]
        : `${EXPORT_SHEET_NAMES[kind]}_${startDate}_${endDate}`
    );
  process.stderr.write(
    `网关 ${url}，${who}，组织税号 ${org}` +
      (kind === "download-tasks" ? "" : `，日期 ${startDate} 至 ${endDate}`) +
      "\n"
  );
  const r = await writeExportWorkbook(kind, gatewayExportSource(client, { today: () => today }), q, out);
  if (!r.ok) {
    process.stderr.write(`${r.refusal.message}\n`);
    return 1;
  }
  process.stdout.write(`已导出 ${r.value.rows} 行：${out}\n`);
  return 0;
}
