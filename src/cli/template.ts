/** `hongchong template <kind> -o file.xlsx`: write a bulk template (src/sheet/xlsx/template.ts). */
import { kindSpec, TEMPLATE_KINDS } from "../sheet/xlsx/kinds";
import { writeTemplate } from "../sheet/xlsx/template";
import { flagText, parseArgs } from "../sheet/xlsx/cliSupport";

const USAGE = `用法: hongchong template <kind> -o file.xlsx
  kind: ${TEMPLATE_KINDS.join(" | ")}
`;

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const [kind] = args.positional;
  const out = flagText(args, "out");
  if (!kind || !out) {
    process.stderr.write(USAGE);
    return 2;
  }
  const spec = kindSpec(kind);
  if (!spec.ok) {
    process.stderr.write(`${spec.refusal.message}\n`);
    return 2;
  }
  await writeTemplate(spec.value.kind, out);
  process.stdout.write(`已生成模板“${spec.value.title}”：${out}\n`);
  return 0;
}
