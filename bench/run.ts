/**
 * Benchmark runner: `npm run bench [-- engine gateway sheet template]`. Each bench/<name>/index.ts exports
 * `run(report)`; every figure is printed as one JSON line {"bench","value","unit","ratio"} where `ratio`
 * compares against a baseline measured in the same run (never an absolute time budget).
 */
import { existsSync, readdirSync, statSync } from "fs";
import { join } from "path";

export interface Figure {
  bench: string;
  value: number;
  unit: string;
  ratio: number | null;
  [extra: string]: unknown;
}

export type Report = (f: Figure) => void;

export interface Bench {
  run(report: Report, opts: { quick: boolean }): Promise<void>;
}

const report: Report = (f) => process.stdout.write(JSON.stringify(f) + "\n");

export async function runBenches(argv: string[]): Promise<number> {
  const quick = argv.includes("--quick") || process.env.BENCH_QUICK === "1";
  const names = argv.filter((a) => !a.startsWith("--"));
  const dir = __dirname;
  const all = readdirSync(dir).filter(
    (d) => statSync(join(dir, d)).isDirectory() && existsSync(join(dir, d, "index.ts"))
  );
  const chosen = names.length ? names : all;
  for (const name of chosen) {
    if (!all.includes(name)) {
      process.stderr.write(`unknown bench: ${name} (have: ${all.join(", ")})\n`);
      return 2;
    }
    const mod = require(join(dir, name, "index.ts")) as Bench;
    await mod.run(report, { quick });
  }
  return 0;
}
