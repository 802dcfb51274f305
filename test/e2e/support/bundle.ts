/**
 * The fake Excel for the browser: test/support/fakeExcel.ts bundled with esbuild (installed as tsx's
 * dependency) into one IIFE that page.addInitScript runs before the pane loads. Built once per process.
 */
import path from "path";

interface EsbuildLike {
  buildSync(opts: Record<string, unknown>): { outputFiles?: Array<{ text: string }> };
}

let cached: string | null = null;

export function fakeExcelBundle(): string {
  if (cached !== null) return cached;
  // esbuild is not a direct dependency: it comes with tsx; required at run time, untyped.
  const esbuild = require("esbuild") as EsbuildLike;
  const out = esbuild.buildSync({
    entryPoints: [path.join(__dirname, "browser", "fakeExcelEntry.ts")],
    inject: [path.join(__dirname, "browser", "bufferShim.ts")],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    write: false,
    logLevel: "silent",
  });
  const text = out.outputFiles?.[0]?.text;
  if (!text) throw new Error("esbuild produced no fake Excel bundle");
  cached = text;
  return text;
}
