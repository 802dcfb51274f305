/**
 * `hongchong <command>`: the command-line face of the same src/domain, src/gateway and src/server code
 * the add-in uses. Each command lives in its own module and is loaded only when called.
 */
import { readFileSync } from "fs";
import { setRefusalLanguage } from "../domain/refusals";

const USAGE = `用法 / usage: hongchong <command> [options]

  eval FILE [--lang en]        按规则批量求值（JSON: {"vectors":[{"id","kind","inputs"}]}），输出 {"results":[…]}；
                               有向量输入错误时退出码为 1，错误写在该向量的 error 中并汇总到 stderr
  serve [--port N] [--data DIR] [--allow-loopback-callbacks]
                               启动网关（默认沙箱模式，内嵌数据库；DATABASE_URL 选择 PostgreSQL）；
                               回调默认不发往本机和内网地址，本地开发可加 --allow-loopback-callbacks
  sandbox accounts [--json] [--reset-secrets]
                               列出沙箱企业、登录凭据和沙箱管理密钥（本机随机生成）；--reset-secrets 重新生成
  template <kind> -o FILE      生成导入模板 (.xlsx)；kind: info-form-import | confirm-form-drafts | blue-red-flush | input-download
  import FILE [--kind K] [--out FILE | --in-place] [--submit [--gateway URL] [--as 沙箱企业]]
                               校验导入文件，错误单元格标红并加批注，结果写到 FILE.校验结果.xlsx（不改原文件）；
                               --submit 只提交校验通过的行，结果写到 FILE.提交结果.xlsx
  export <kind> [-o FILE] [--from 日期] [--to 日期] [--gateway URL] [--org 税号] [--as 沙箱企业]
                               导出列表 (.xlsx)；kind: info-forms | confirm-forms | input-pool | download-tasks；
                               默认 npm start 的沙箱网关、本机沙箱企业、网关日历的本月及前两个月
  help                         显示本帮助

  每个命令都可加 --lang en（或 HONGCHONG_LANG=en）：拒绝原因用英文 / refusal messages in English
`;

type Command = (argv: string[]) => Promise<number>;

/**
 * Commands are loaded on demand with require(): `hongchong eval` must not pay for Fastify or exceljs, and
 * tsx's CommonJS hook (bin/hongchong.js) handles require() of .ts files, not native dynamic import().
 */
const load = <T>(path: string): T => require(path) as T;

const COMMANDS: Record<string, () => Promise<Command>> = {
  eval: async () => runEval,
  serve: async () => {
    const m = load<typeof import("./serve")>("./serve");
    return async (argv) => {
      await m.runServe(argv);
      return 0;
    };
  },
  template: async () => load<typeof import("./template")>("./template").run,
  import: async () => load<typeof import("./import")>("./import").run,
  export: async () => load<typeof import("./export")>("./export").run,
  sandbox: async () => {
    const m = load<typeof import("./sandbox")>("./sandbox");
    return async (argv) => {
      await m.runSandbox(argv);
      return 0;
    };
  },
};

/** `--lang en` or HONGCHONG_LANG=en: English messages (the eval's input errors). Default Chinese. */
function cliLang(argv: readonly string[]): "zh" | "en" {
  const i = argv.indexOf("--lang");
  const v = i >= 0 ? argv[i + 1] : process.env.HONGCHONG_LANG;
  return v !== undefined && /^en/i.test(v) ? "en" : "zh";
}

/** `--lang X` is the CLI's own option: the commands' parsers never see it. */
function withoutLang(argv: readonly string[]): string[] {
  return argv.filter((a, i) => a !== "--lang" && argv[i - 1] !== "--lang");
}

async function runEval(argv: string[]): Promise<number> {
  const lang = cliLang(argv);
  const file = withoutLang(argv)[0];
  if (!file) {
    process.stderr.write(
      lang === "en" ? "usage: hongchong eval FILE [--lang en]\n" : "用法: hongchong eval FILE [--lang en]\n"
    );
    return 2;
  }
  const { evaluateDocument, evalSummary } = load<typeof import("./eval")>("./eval");
  let doc: unknown;
  try {
    doc = JSON.parse(file === "-" ? readFileSync(0, "utf8") : readFileSync(file, "utf8"));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    process.stderr.write(
      lang === "en"
        ? `cannot read or parse the JSON file ${file}: ${why}\n`
        : `无法读取或解析 JSON 文件 ${file}：${why}\n`
    );
    return 2;
  }
  try {
    const out = evaluateDocument(doc, lang);
    process.stdout.write(JSON.stringify(out, null, 2) + "\n");
    const summary = evalSummary(out.results, lang);
    process.stderr.write(summary.text);
    return summary.code;
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === "help" || cmd === "--help" || cmd === "-h") {
    process.stdout.write(USAGE);
    return cmd ? 0 : 2;
  }
  const command = COMMANDS[cmd];
  if (!command) {
    process.stderr.write(`未知命令: ${cmd}\n\n${USAGE}`);
    return 2;
  }
  // The refusal catalogue's language for the client commands: import's cell notes, eval's messages, export.
  // The gateway (serve) answers in Chinese whatever the shell says, as the vendor does.
  if (cmd !== "serve") setRefusalLanguage(cliLang(rest));
  const args = cmd === "eval" ? rest : withoutLang(rest);
  try {
    return await (
      await command()
    )(args);
  } catch (e) {
    // A user sees the message, never a stack trace (HONGCHONG_DEBUG=1 shows it for a bug report).
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`${message}\n`);
    if (process.env.HONGCHONG_DEBUG === "1" && e instanceof Error && e.stack)
      process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}
