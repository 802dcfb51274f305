/**
 * Issue 11 D4 as a user meets it: `hongchong import` (the real bin, a child process) on the hostile
 * files of the probe, generated here and small on disk. Each is refused with its Chinese message,
 * exit 2, no stack trace — and in bounded memory: the child's peak RSS (`process.resourceUsage()
 * .maxRSS`, written at exit by a preloaded probe) stays under MAX_RSS_MB. On main these took 1.15–3.7 GB
 * or crashed with a RangeError.
 */
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { refusalMessage, type RefusalCode, type RefusalParams } from "../../src/domain/refusals";
import {
  giantCellWorkbook,
  INFO_FORM_SHEET,
  manyRowsWorkbook,
  manyStringsWorkbook,
  sharedStringsBomb,
} from "../support/hostileXlsx";
import { templateWithRows, validInfoFormRow } from "../unit/xlsx/helpers";

const root = join(__dirname, "../..");
const bin = join(root, "bin/hongchong.js");
const dir = mkdtempSync(join(tmpdir(), "hc-hostile-"));

/**
 * [decision] The bound: the CLI with exceljs loaded idles at ~100 MB; a refused file may add its own
 * bytes (≤ 50 MB) and the pre-flight's chunks. A full load of the refused files took 1.15–3.7 GB.
 */
const MAX_RSS_MB = 300;

const PROBE = join(dir, "rss-probe.js");
writeFileSync(
  PROBE,
  `process.on("exit", () => require("fs").writeFileSync(process.env.HC_RSS_OUT, String(process.resourceUsage().maxRSS)));\n`
);

interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly maxRssMb: number;
}

function importCli(file: string, extra: readonly string[] = []): CliRun {
  const rssOut = `${file}.rss`;
  const r = spawnSync(
    process.execPath,
    [
      "--require",
      PROBE,
      bin,
      "import",
      file,
      "--kind",
      "info-form-import",
      "--out",
      `${file}.out.xlsx`,
      ...extra,
    ],
    { cwd: root, encoding: "utf8", env: { ...process.env, HC_RSS_OUT: rssOut }, timeout: 180_000 }
  );
  let maxRssMb = Infinity;
  try {
    maxRssMb = Math.round(Number(readFileSync(rssOut, "utf8")) / 1024);
  } catch {
    // killed before exit (out of memory, timeout): no figure, the bound fails
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, maxRssMb };
}

function write(name: string, bytes: Buffer): string {
  const f = join(dir, name);
  writeFileSync(f, bytes);
  return f;
}

interface HostileCase {
  readonly name: string;
  readonly make: () => Buffer;
  readonly code: RefusalCode;
  /** The message's parameters; a "*" value is a figure that depends on where inflation stopped. */
  readonly params: (file: string) => RefusalParams;
  /** Also through `--stream` (the other reader: exceljs's streaming WorkbookReader). */
  readonly stream?: boolean;
}

const CASES: HostileCase[] = [
  {
    name: "one 400 MB cell (a ~400 KB file)",
    make: () => giantCellWorkbook(400),
    code: "FILE_UNCOMPRESSED_TOO_LARGE",
    params: (file) => ({ file, size: "400.0 MB", limit: "200.0 MB" }),
    stream: true,
  },
  {
    name: "one 400 MB cell behind a directory that declares 1 KB",
    make: () => giantCellWorkbook(400, 1024),
    code: "FILE_COMPRESSION_SUSPICIOUS",
    params: (file) => ({
      file,
      part: "xl/sharedStrings.xml",
      compressed: "405.6 KB",
      size: "*",
      limit: 100,
    }),
    stream: true,
  },
  {
    name: "sharedStrings that inflate to 1 GB",
    make: () => sharedStringsBomb(1024),
    code: "FILE_UNCOMPRESSED_TOO_LARGE",
    params: (file) => ({ file, size: "1024.0 MB", limit: "200.0 MB" }),
  },
  {
    name: "5,100,000 shared strings within the size caps",
    make: () => manyStringsWorkbook(51),
    code: "FILE_TOO_MANY_STRINGS",
    params: (file) => ({ file, count: 5_001_001, limit: 5_001_000 }),
  },
  {
    name: "1,000,000 rows",
    make: () => manyRowsWorkbook(1_000_000),
    code: "FILE_TOO_MANY_ROWS",
    params: () => ({ sheet: INFO_FORM_SHEET, rows: 1_000_000, limit: 100_000 }),
    stream: true,
  },
];

/** The refusal's message as a pattern: "*" parameters match any figure. */
function messagePattern(code: RefusalCode, params: RefusalParams): RegExp {
  const WILD = "\u0000";
  const filled = refusalMessage(
    code,
    Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v === "*" ? WILD : v]))
  );
  const escaped = filled.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escaped.split(WILD).join("[\\d.]+ [KM]B")}$`);
}

describe.each(CASES)("hongchong import refuses $name", (c) => {
  const name = `${c.code}-${Math.random().toString(36).slice(2)}.xlsx`;
  let file = "";
  beforeAll(() => {
    file = write(name, c.make());
  });

  for (const extra of c.stream ? [[], ["--stream"]] : [[]]) {
    it(`with ${c.code}${extra.length ? " (--stream)" : ""}, exit 2, no stack trace, under ${MAX_RSS_MB} MB`, () => {
      const r = importCli(file, extra);
      expect(r.stderr.trim()).toMatch(messagePattern(c.code, c.params(name)));
      expect(r.status).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.maxRssMb).toBeLessThan(MAX_RSS_MB);
    }, 200_000);
  }
});

it("still imports a normal template, both ways, in the same bound", async () => {
  const f = join(dir, "normal.xlsx");
  await templateWithRows("info-form-import", [validInfoFormRow(1), validInfoFormRow(2)]).xlsx.writeFile(f);
  for (const extra of [[], ["--stream"]]) {
    const r = importCli(f, extra);
    expect([extra, r.stdout.trim(), r.status]).toEqual([extra, "校验通过 2 行（未提交）, 0 行失败", 0]);
    expect(r.maxRssMb).toBeLessThan(MAX_RSS_MB);
  }
}, 60_000);
