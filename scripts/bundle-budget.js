// The add-in's size budget (issue 12 §6), checked by webpack in `npm run build`: every JavaScript file the
// build emits, and the page as a whole (everything taskpane.html loads before the pane renders), measured
// minified and gzipped. A file over its budget, a module shipped in two initial files, or a server-side
// package (exceljs, fastify, …) in any file is a build error.
// The shared runtime loads the pane and the custom functions into one page, so "initial" means every file of
// every entry point; lazy tabs (async chunks) are budgeted one by one and are not part of the page.
// The sizes go to bundle-sizes.json beside the bundles, for the tests, the bench and the closing notes.
"use strict";
const zlib = require("zlib");

const NAME = "BundleBudgetPlugin";
/** gzip's default level (what `gzip` and most servers use); brotli would be smaller still. */
const GZIP_LEVEL = 6;

function gzipSize(buf) {
  return zlib.gzipSync(buf, { level: GZIP_LEVEL }).length;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/**
 * Budget violations of a size report: [{ what, size, limit, message }]. `budget.files` maps an emitted file
 * name to its gzip limit; `budget.otherFile` limits every lazy (async) file not named there; `budget.page`
 * limits the gzip sum of the initial files. A named file the build did not emit is a violation too: a
 * renamed chunk must not slip out of its budget. `report.forbidden` lists packages of `budget.forbid` found
 * in the bundle, `report.duplicated` modules carried by two initial files.
 */
function checkBudget(report, budget) {
  const out = [];
  const byName = new Map(report.files.map((f) => [f.name, f]));
  for (const [name, limit] of Object.entries(budget.files || {})) {
    const f = byName.get(name);
    if (!f) {
      out.push({ what: name, size: null, limit, message: `${name}: in the budget but not emitted` });
    } else if (f.gzip > limit) {
      out.push({
        what: name,
        size: f.gzip,
        limit,
        message: `${name} is ${kb(f.gzip)} gzip, ${f.gzip - limit} B over its budget of ${kb(limit)}`,
      });
    }
  }
  if (budget.otherFile != null) {
    for (const f of report.files) {
      if (f.initial || (budget.files && Object.prototype.hasOwnProperty.call(budget.files, f.name))) continue;
      if (f.gzip > budget.otherFile) {
        out.push({
          what: f.name,
          size: f.gzip,
          limit: budget.otherFile,
          message: `${f.name} is ${kb(f.gzip)} gzip, ${f.gzip - budget.otherFile} B over the ${kb(budget.otherFile)} budget of a lazy chunk`,
        });
      }
    }
  }
  if (budget.page != null && report.page.gzip > budget.page) {
    out.push({
      what: "page",
      size: report.page.gzip,
      limit: budget.page,
      message: `the page loads ${kb(report.page.gzip)} gzip (${report.page.files.join(" + ")}), ${report.page.gzip - budget.page} B over its budget of ${kb(budget.page)}`,
    });
  }
  for (const f of report.forbidden || []) {
    out.push({
      what: f.package,
      size: null,
      limit: null,
      message: `${f.package} is bundled into ${f.files.join(", ")} (via ${f.module}): it is not for the task pane`,
    });
  }
  for (const d of report.duplicated) {
    out.push({
      what: d.module,
      size: null,
      limit: null,
      message: `${d.module} is shipped in ${d.files.join(" and ")}: code both entries use belongs in one shared chunk`,
    });
  }
  return out;
}

/** Every module's resource (or identifier) with the chunks that carry it, inner modules of concatenations too. */
function moduleChunks(compilation) {
  const { chunkGraph } = compilation;
  const chunksOf = new Map();
  const note = (module, chunks) => {
    const id = module.nameForCondition() || module.identifier();
    let set = chunksOf.get(id);
    if (!set) chunksOf.set(id, (set = new Set()));
    for (const c of chunks) set.add(c);
  };
  for (const module of compilation.modules) {
    const chunks = chunkGraph.getModuleChunks(module);
    note(module, chunks);
    // A concatenated module carries its inner modules: a copy inside each root is still a copy.
    if (Array.isArray(module.modules)) for (const inner of module.modules) note(inner, chunks);
  }
  return chunksOf;
}

const jsFiles = (chunks) =>
  [...new Set([...chunks].flatMap((c) => [...c.files]))].filter((f) => f.endsWith(".js")).sort();

/** Modules that more than one initial chunk carries, with those chunks' files. */
function duplicatedInitialModules(compilation, chunksOf) {
  const out = [];
  for (const [id, chunks] of chunksOf) {
    const initial = [...chunks].filter((c) => c.canBeInitial());
    if (initial.length < 2) continue;
    out.push({ module: id.replace(compilation.compiler.context + "/", ""), files: jsFiles(initial) });
  }
  return out.sort((a, b) => a.module.localeCompare(b.module));
}

/** The packages of `forbid` that any chunk carries: the first module of each, and the files. */
function forbiddenPackages(compilation, chunksOf, forbid) {
  const out = new Map();
  for (const [id, chunks] of chunksOf) {
    if (chunks.size === 0) continue;
    for (const name of forbid) {
      if (out.has(name) || !id.replace(/\\/g, "/").includes(`/node_modules/${name}/`)) continue;
      out.set(name, {
        package: name,
        module: id.replace(compilation.compiler.context + "/", ""),
        files: jsFiles(chunks),
      });
    }
  }
  return [...out.values()].sort((a, b) => a.package.localeCompare(b.package));
}

/** Raw and gzip size of every emitted .js file, the page (all initial files), duplicated and forbidden modules. */
function sizeReport(compilation, forbid = []) {
  const initial = new Set();
  for (const ep of compilation.entrypoints.values()) {
    for (const f of ep.getFiles()) if (f.endsWith(".js")) initial.add(f);
  }
  const files = [];
  for (const asset of compilation.getAssets()) {
    if (!asset.name.endsWith(".js")) continue;
    const buf = asset.source.buffer();
    files.push({ name: asset.name, raw: buf.length, gzip: gzipSize(buf), initial: initial.has(asset.name) });
  }
  files.sort((a, b) => Number(b.initial) - Number(a.initial) || a.name.localeCompare(b.name));
  const pageFiles = files.filter((f) => f.initial);
  const chunksOf = moduleChunks(compilation);
  return {
    gzipLevel: GZIP_LEVEL,
    files,
    page: {
      files: pageFiles.map((f) => f.name),
      raw: pageFiles.reduce((s, f) => s + f.raw, 0),
      gzip: pageFiles.reduce((s, f) => s + f.gzip, 0),
    },
    duplicated: duplicatedInitialModules(compilation, chunksOf),
    forbidden: forbiddenPackages(compilation, chunksOf, forbid),
  };
}

function table(report) {
  const rows = report.files.map(
    (f) =>
      `  ${f.name.padEnd(34)} ${String(f.raw).padStart(9)} ${String(f.gzip).padStart(8)}${f.initial ? "" : "  (lazy)"}`
  );
  return [
    `  ${"file".padEnd(34)} ${"raw B".padStart(9)} ${"gzip B".padStart(8)}`,
    ...rows,
    `  ${"page (initial files)".padEnd(34)} ${String(report.page.raw).padStart(9)} ${String(report.page.gzip).padStart(8)}`,
  ].join("\n");
}

class BundleBudgetPlugin {
  /** @param {{ budget: object, report?: string | false }} options `report`: file name of the size report */
  constructor(options) {
    this.budget = options.budget;
    this.reportName = options.report === undefined ? "bundle-sizes.json" : options.report;
    /** The last compilation's report (also when the budget failed and nothing was emitted). */
    this.lastReport = null;
  }

  apply(compiler) {
    const { Compilation, WebpackError, sources } = compiler.webpack;
    compiler.hooks.thisCompilation.tap(NAME, (compilation) => {
      // After minification and the hashes (OPTIMIZE_SIZE, OPTIMIZE_HASH): the bytes that will be served.
      compilation.hooks.processAssets.tap(
        { name: NAME, stage: Compilation.PROCESS_ASSETS_STAGE_ANALYSE },
        () => {
          const report = sizeReport(compilation, this.budget.forbid || []);
          const violations = checkBudget(report, this.budget);
          report.budget = this.budget;
          report.violations = violations.map((v) => v.message);
          this.lastReport = report;
          compilation.getLogger(NAME).info(`bundle sizes (gzip -${GZIP_LEVEL}):\n${table(report)}`);
          for (const v of violations) {
            const e = new WebpackError(`size budget: ${v.message} (budget in webpack.config.js)`);
            e.name = "BundleBudgetError";
            compilation.errors.push(e);
          }
          if (this.reportName) {
            compilation.emitAsset(
              this.reportName,
              new sources.RawSource(JSON.stringify(report, null, 2) + "\n")
            );
          }
        }
      );
    });
  }
}

module.exports = { BundleBudgetPlugin, checkBudget, gzipSize, GZIP_LEVEL };
