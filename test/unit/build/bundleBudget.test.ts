/**
 * The bundle's size budget (issue 12 §6): scripts/bundle-budget.js on small webpack builds (a file over its
 * gzip budget, a module in two initial files, a server package in the pane: each a build error), the
 * production config that wires it, and — when dist/ holds a production build, as in CI after
 * `npm run build` — that build's own report and page.
 */
import fs from "fs";
import os from "os";
import path from "path";
import webpack from "webpack";

// Plain CommonJS used by webpack.config.js; required as is (jest does not transform .js).
const budgetModule = require("../../../scripts/bundle-budget.js") as {
  BundleBudgetPlugin: new (o: {
    budget: Budget;
    report?: string | false;
  }) => webpack.WebpackPluginInstance & {
    lastReport: Report | null;
  };
  checkBudget(report: Report, budget: Budget): Array<{ what: string; message: string }>;
  gzipSize(buf: Buffer): number;
  GZIP_LEVEL: number;
};
const { BundleBudgetPlugin, checkBudget } = budgetModule;

interface Budget {
  files?: Record<string, number>;
  otherFile?: number;
  page?: number;
  forbid?: string[];
}
interface Report {
  files: Array<{ name: string; raw: number; gzip: number; initial: boolean }>;
  page: { files: string[]; raw: number; gzip: number };
  duplicated: Array<{ module: string; files: string[] }>;
  forbidden: Array<{ package: string; module: string; files: string[] }>;
  violations?: string[];
}

const ROOT = path.resolve(__dirname, "../../..");
const DIST = path.join(ROOT, "dist");

const report = (over: Partial<Report> = {}): Report => ({
  files: [
    { name: "runtime.js", raw: 2000, gzip: 1000, initial: true },
    { name: "taskpane.js", raw: 90_000, gzip: 30_000, initial: true },
    { name: "tab-x.1234abcd.js", raw: 9000, gzip: 3000, initial: false },
  ],
  page: { files: ["runtime.js", "taskpane.js"], raw: 92_000, gzip: 31_000 },
  duplicated: [],
  forbidden: [],
  ...over,
});

describe("checkBudget", () => {
  it("passes a report within every limit", () => {
    expect(
      checkBudget(report(), {
        files: { "runtime.js": 1000, "taskpane.js": 30_000 },
        otherFile: 3000,
        page: 31_000,
      })
    ).toEqual([]);
  });

  it("names the file, its gzip size and its limit when one is over", () => {
    const v = checkBudget(report(), { files: { "taskpane.js": 29_999 } });
    expect(v).toEqual([
      {
        what: "taskpane.js",
        size: 30_000,
        limit: 29_999,
        message: "taskpane.js is 29.3 KB gzip, 1 B over its budget of 29.3 KB",
      },
    ]);
  });

  it("limits lazy chunks by otherFile, the page by page, and refuses a budgeted file that was not emitted", () => {
    const v = checkBudget(report(), { files: { "functions.js": 5000 }, otherFile: 2999, page: 30_999 });
    expect(v.map((x) => x.message)).toEqual([
      "functions.js: in the budget but not emitted",
      "tab-x.1234abcd.js is 2.9 KB gzip, 1 B over the 2.9 KB budget of a lazy chunk",
      "the page loads 30.3 KB gzip (runtime.js + taskpane.js), 1 B over its budget of 30.3 KB",
    ]);
  });

  it("refuses duplicated and forbidden modules whatever the sizes", () => {
    const v = checkBudget(
      report({
        duplicated: [
          { module: "node_modules/decimal.js/decimal.mjs", files: ["functions.js", "taskpane.js"] },
        ],
        forbidden: [{ package: "exceljs", module: "node_modules/exceljs/index.js", files: ["taskpane.js"] }],
      }),
      {}
    );
    expect(v.map((x) => x.message)).toEqual([
      "exceljs is bundled into taskpane.js (via node_modules/exceljs/index.js): it is not for the task pane",
      "node_modules/decimal.js/decimal.mjs is shipped in functions.js and taskpane.js: code both entries use " +
        "belongs in one shared chunk",
    ]);
  });
});

// ── The plugin in real (small) webpack builds ───────────────────────────────

let fixture: string;

beforeAll(() => {
  fixture = fs.mkdtempSync(path.join(os.tmpdir(), "hc-budget-"));
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(fixture, rel)), { recursive: true });
    fs.writeFileSync(path.join(fixture, rel), text);
  };
  // Incompressible enough that gzip cannot hide it: 20 KB of pseudo-random digits.
  let seed = 7;
  const digits = Array.from({ length: 20_000 }, () => ((seed = (seed * 48271) % 2147483647) % 10).toString());
  write("common.js", `export const TABLE = "${digits.join("")}";\nexport const pick = (i) => TABLE[i];\n`);
  write("a.js", `import { pick } from "./common.js";\nwindow.a = pick(1);\n`);
  write("b.js", `import { pick } from "./common.js";\nwindow.b = pick(2);\n`);
  write("c.js", `import ExcelJS from "exceljs";\nwindow.c = ExcelJS.version;\n`);
  write("node_modules/exceljs/package.json", `{"name":"exceljs","version":"0.0.0","main":"index.js"}`);
  write("node_modules/exceljs/index.js", `module.exports = { version: "0.0.0" };\n`);
});

afterAll(() => {
  fs.rmSync(fixture, { recursive: true, force: true });
});

async function build(
  entry: Record<string, string>,
  budget: Budget,
  optimization: webpack.Configuration["optimization"] = {}
): Promise<{ errors: string[]; report: Report | null; emitted: string[]; out: string }> {
  const plugin = new BundleBudgetPlugin({ budget });
  const out = fs.mkdtempSync(path.join(fixture, "out-"));
  const compiler = webpack({
    mode: "production",
    context: fixture,
    entry,
    output: { path: out, filename: "[name].js", clean: true },
    optimization,
    plugins: [plugin],
    performance: false,
    infrastructureLogging: { level: "error" },
  });
  const stats = await new Promise<webpack.Stats>((resolve, reject) =>
    compiler.run((err, s) => (err || !s ? reject(err) : resolve(s)))
  );
  await new Promise<void>((resolve) => compiler.close(() => resolve()));
  const errors = stats.toJson({ all: false, errors: true }).errors?.map((e) => e.message) ?? [];
  const emitted = fs.existsSync(out) ? fs.readdirSync(out).sort() : [];
  return { errors, report: plugin.lastReport, emitted, out };
}

const sharedChunk = {
  runtimeChunk: "single" as const,
  splitChunks: {
    cacheGroups: { shared: { name: "shared", chunks: "initial" as const, minChunks: 2, enforce: true } },
  },
};

describe("BundleBudgetPlugin in a webpack build", () => {
  jest.setTimeout(60_000);

  it("passes one shared chunk within budget and writes the size report", async () => {
    const r = await build(
      { a: "./a.js", b: "./b.js" },
      { files: { "shared.js": 20_000 }, page: 20_000 },
      sharedChunk
    );
    expect(r.errors).toEqual([]);
    expect(r.emitted).toEqual(
      expect.arrayContaining(["a.js", "b.js", "runtime.js", "shared.js", "bundle-sizes.json"])
    );
    const written = JSON.parse(fs.readFileSync(path.join(r.out, "bundle-sizes.json"), "utf8")) as Report;
    expect(written.page.files.sort()).toEqual(["a.js", "b.js", "runtime.js", "shared.js"]);
    // The sizes are those of the files on disk: raw bytes, and gzip -6 of exactly those bytes.
    for (const f of written.files) {
      const bytes = fs.readFileSync(path.join(r.out, f.name));
      expect([f.name, f.raw, f.gzip]).toEqual([f.name, bytes.length, budgetModule.gzipSize(bytes)]);
    }
    const shared = written.files.find((f) => f.name === "shared.js")!;
    // 20,000 random digits: gzip cannot take them below ~8.3 KB (log2(10) bits each).
    expect(shared.gzip).toBeGreaterThan(8_300);
    expect(written.page.gzip).toBe(written.files.reduce((n, f) => n + f.gzip, 0));
    expect(written.duplicated).toEqual([]);
    expect(written.violations).toEqual([]);
  });

  it("fails the build, emitting nothing, when a file is over its gzip budget", async () => {
    const r = await build({ a: "./a.js", b: "./b.js" }, { files: { "shared.js": 4_000 } }, sharedChunk);
    const shared = r.report!.files.find((f) => f.name === "shared.js")!;
    expect(r.errors).toEqual([
      `size budget: shared.js is ${(shared.gzip / 1024).toFixed(1)} KB gzip, ${shared.gzip - 4_000} B over ` +
        "its budget of 3.9 KB " +
        "(budget in webpack.config.js)",
    ]);
    expect(r.emitted).toEqual([]);
  });

  it("fails the build when two entries each carry their own copy of a module", async () => {
    const r = await build({ a: "./a.js", b: "./b.js" }, {});
    expect(r.report!.duplicated).toEqual([{ module: "common.js", files: ["a.js", "b.js"] }]);
    expect(r.errors).toEqual([
      "size budget: common.js is shipped in a.js and b.js: code both entries use belongs in one shared chunk " +
        "(budget in webpack.config.js)",
    ]);
  });

  it("fails the build when a forbidden (server-side) package is bundled", async () => {
    const r = await build({ c: "./c.js" }, { forbid: ["exceljs"] });
    expect(r.report!.forbidden.map((f) => f.package)).toEqual(["exceljs"]);
    expect(r.errors).toEqual([
      "size budget: exceljs is bundled into c.js (via node_modules/exceljs/index.js): it is not for the task " +
        "pane (budget in webpack.config.js)",
    ]);
  });
});

// ── The project's configuration ─────────────────────────────────────────────

type ConfigFn = (env: Record<string, unknown>, argv: { mode: string }) => Promise<webpack.Configuration>;
const projectConfig = require("../../../webpack.config.js") as ConfigFn;

describe("webpack.config.js", () => {
  it("production: one runtime, one shared chunk, the gzip budget plugin (the only size check)", async () => {
    const c = await projectConfig({ WEBPACK_BUILD: true }, { mode: "production" });
    expect(Object.keys(c.entry as object).sort()).toEqual(["functions", "taskpane"]);
    expect(c.optimization?.runtimeChunk).toBe("single");
    const groups = (c.optimization?.splitChunks as { cacheGroups: Record<string, Record<string, unknown>> })
      .cacheGroups;
    expect(groups.shared).toMatchObject({ name: "shared", chunks: "initial", minChunks: 2 });
    expect(c.performance).toEqual({ hints: false });
    const plugin = c.plugins!.find((p) => p instanceof BundleBudgetPlugin) as unknown as { budget: Budget };
    expect(plugin).toBeDefined();
    // Every initial file has its own limit, and the page one; the server packages are forbidden.
    expect(Object.keys(plugin.budget.files!).sort()).toEqual([
      "functions.js",
      "runtime.js",
      "shared.js",
      "taskpane.js",
    ]);
    expect(plugin.budget.page).toBeGreaterThan(0);
    expect(plugin.budget.forbid).toEqual(expect.arrayContaining(["exceljs", "fastify", "kysely"]));
  });

  it("development: the same chunks, no budget (unminified sizes mean nothing)", async () => {
    const c = await projectConfig({ WEBPACK_BUILD: true }, { mode: "development" });
    expect(c.plugins!.some((p) => p instanceof BundleBudgetPlugin)).toBe(false);
    expect(c.optimization?.runtimeChunk).toBe("single");
    expect(c.performance).toEqual({ hints: false });
  });
});

// ── The production build in dist/ (CI builds before it tests) ────────────────

const reportFile = path.join(DIST, "bundle-sizes.json");
const inCi = process.env.CI === "true" || process.env.CI === "1";
const built = fs.existsSync(reportFile);
if (!built && !inCi)
  console.warn("bundleBudget: no dist/bundle-sizes.json (run npm run build): build checks skipped");

(built || inCi ? describe : describe.skip)("the production build in dist/", () => {
  it("is within its budget, with nothing duplicated or forbidden", () => {
    const r = JSON.parse(fs.readFileSync(reportFile, "utf8")) as Report & { gzipLevel: number };
    expect(r.gzipLevel).toBe(budgetModule.GZIP_LEVEL);
    expect(r.violations).toEqual([]);
    expect(r.duplicated).toEqual([]);
    expect(r.forbidden).toEqual([]);
    expect(r.page.files.sort()).toEqual(["functions.js", "runtime.js", "shared.js", "taskpane.js"]);
  });

  it("taskpane.html loads the runtime, the shared chunk, the functions and the pane, in that order", () => {
    const html = fs.readFileSync(path.join(DIST, "taskpane.html"), "utf8");
    const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="?([^" >]+)/g)].map((m) => m[1]);
    expect(scripts).toEqual([
      "https://appsforoffice.microsoft.com/lib/1/hosted/office.js",
      "runtime.js",
      "shared.js",
      "functions.js",
      "taskpane.js",
    ]);
  });

  it("serves the files the manifest's runtime names: the shared page, the functions script and metadata", () => {
    const manifest = fs.readFileSync(path.join(DIST, "manifest.xml"), "utf8");
    const urls = [
      ...manifest.matchAll(/<bt:Url id="(Shared\.Url|Functions\.[^"]+)" DefaultValue="([^"]+)"/g),
    ];
    const files = urls.map((m) => new URL(m[2]).pathname.replace(/^\//, "")).sort();
    expect(files).toEqual(["functions.js", "functions.json", "taskpane.html"]);
    for (const f of files) expect(fs.existsSync(path.join(DIST, f))).toBe(true);
  });
});
