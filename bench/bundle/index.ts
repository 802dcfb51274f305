/**
 * bench/bundle: the task pane page's size (issue 12 §6). The production build of webpack.config.js, and as the
 * same run's baseline the same sources built with webpack's default layout (each entry a self-contained
 * bundle with its own runtime: how functions.js and taskpane.js were built before the shared chunk), both
 * into temporary directories. Sizes are of the minified files, gzip level 6 (scripts/bundle-budget.js);
 * `ratio` = this build / the baseline for what taskpane.html loads (runtime, shared, functions, taskpane).
 * Sizes do not depend on the machine's load; each build takes about a minute on 2 cores.
 */
import fs from "fs";
import os from "os";
import path from "path";
import webpack from "webpack";
import type { Report } from "../run";

interface SizeReport {
  files: Array<{ name: string; raw: number; gzip: number; initial: boolean }>;
  page: { files: string[]; raw: number; gzip: number };
  duplicated: Array<{ module: string; files: string[] }>;
  violations: string[];
}
type ConfigFn = (env: Record<string, unknown>, argv: { mode: string }) => Promise<webpack.Configuration>;

const ROOT = path.resolve(__dirname, "../..");
const projectConfig = require(path.join(ROOT, "webpack.config.js")) as ConfigFn;
const { BundleBudgetPlugin } = require(path.join(ROOT, "scripts", "bundle-budget.js")) as {
  BundleBudgetPlugin: new (o: {
    budget: object;
    report?: string | false;
  }) => webpack.WebpackPluginInstance & {
    lastReport: SizeReport | null;
  };
};

/** Builds the production config (optionally with its optimization replaced) and returns the size report. */
async function build(optimization?: webpack.Configuration["optimization"]): Promise<SizeReport> {
  const config = await projectConfig({ WEBPACK_BUILD: true }, { mode: "production" });
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "hc-bench-bundle-"));
  config.output = { ...config.output, path: out };
  config.infrastructureLogging = { level: "error" };
  let plugin = config.plugins!.find((p) => p instanceof BundleBudgetPlugin) as
    InstanceType<typeof BundleBudgetPlugin> | undefined;
  if (optimization !== undefined) {
    config.optimization = optimization;
    // The baseline is over the budget by design (its duplicates): measure it with an empty budget.
    config.plugins = config.plugins!.filter((p) => !(p instanceof BundleBudgetPlugin));
    plugin = new BundleBudgetPlugin({ budget: {}, report: false });
    config.plugins.unshift(plugin);
  }
  const compiler = webpack(config);
  try {
    const stats = await new Promise<webpack.Stats>((resolve, reject) =>
      compiler.run((err, s) => (err || !s ? reject(err) : resolve(s)))
    );
    // Over budget is a figure (reported as violations); any other build error makes the sizes meaningless.
    const broken = stats.compilation.errors.filter((e) => e.name !== "BundleBudgetError");
    if (broken.length)
      throw new Error(`bench/bundle: the build failed:\n${broken.map((e) => e.message).join("\n")}`);
  } finally {
    await new Promise<void>((resolve) => compiler.close(() => resolve()));
    fs.rmSync(out, { recursive: true, force: true });
  }
  if (!plugin?.lastReport) throw new Error("bench/bundle: the build produced no size report");
  return plugin.lastReport;
}

const kb = (n: number) => +(n / 1024).toFixed(1);
const sizes = (r: SizeReport) =>
  Object.fromEntries(r.files.map((f) => [f.name, { raw: f.raw, gzip: f.gzip, initial: f.initial }]));

export async function run(report: Report): Promise<void> {
  const before = await build({}); // webpack's defaults: no runtime chunk, no initial split
  const after = await build();
  report({
    bench: "bundle.pageGzip",
    value: kb(after.page.gzip),
    unit: "KB",
    ratio: +(after.page.gzip / before.page.gzip).toFixed(3),
    baseline: kb(before.page.gzip),
    files: sizes(after),
    baselineFiles: sizes(before),
    violations: after.violations,
  });
  report({
    bench: "bundle.pageRaw",
    value: kb(after.page.raw),
    unit: "KB",
    ratio: +(after.page.raw / before.page.raw).toFixed(3),
    baseline: kb(before.page.raw),
  });
  report({
    bench: "bundle.modulesLoadedTwice",
    value: after.duplicated.length,
    unit: "modules",
    ratio: null,
    baseline: before.duplicated.length,
  });
}
