/**
 * `hongchong export <kind> --gateway URL [--org 税号] [--from yyyy-MM-dd --to yyyy-MM-dd]
 * [--task 任务号,…] -o file.xlsx`: a list from the cloud as a workbook (src/sheet/xlsx/export.ts).
 * The whole list or nothing: an incomplete list, or one above the export's row cap, exits 1 with
 * the figures and writes no file.
 */
import { EXPORT_KINDS, isExportKind, writeExportWorkbook } from "../sheet/xlsx/export";
import { gatewayExportSource } from "../sheet/xlsx/exportGateway";
import { flagText, gatewayClient, parseArgs } from "../sheet/xlsx/cliSupport";

const USAGE = `用法: hongchong export <kind> --gateway URL [--org 组织税号] [--from yyyy-MM-dd] [--to yyyy-MM-dd] [--task 任务号,…] -o file.xlsx
  kind: ${EXPORT_KINDS.join(" | ")}
`;

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const [kind] = args.positional;
  const out = flagText(args, "out");
  const url = flagText(args, "gateway");
  if (!kind || !isExportKind(kind) || !out || !url) {
    process.stderr.write(USAGE);
    return 2;
  }
  const client = gatewayClient(url);
  if (!client.ok) {
    process.stderr.write(`${client.refusal.message}\n`);
    return 2;
  }
  const org = flagText(args, "org");
  const from = flagText(args, "from");
  const to = flagText(args, "to");
  const tasks = flagText(args, "task")
    ?.split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  const r = await writeExportWorkbook(
    kind,
    gatewayExportSource(client.value),
    {
      ...(org !== undefined ? { org } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(tasks !== undefined ? { tasks } : {}),
    },
    out
  );
  if (!r.ok) {
    process.stderr.write(`${r.refusal.message}\n`);
    return 1;
  }
  process.stdout.write(`已导出 ${r.value.rows} 行：${out}\n`);
  return 0;
}
