/**
 * `hongchong eval` as a user runs it: a child process on the real bin, reading a file, printing JSON.
 */
import { execFileSync, spawnSync } from "child_process";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

const root = join(__dirname, "../..");
const bin = join(root, "bin/hongchong.js");

function run(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8" });
}

describe("hongchong eval", () => {
  it("reproduces every expected output of examples.json", () => {
    const out = JSON.parse(
      execFileSync(process.execPath, [bin, "eval", "test/fixtures/examples.json"], {
        cwd: root,
        encoding: "utf8",
      })
    );
    const doc = require(join(root, "test/fixtures/examples.json"));
    expect(out.results).toHaveLength(doc.vectors.length);
    doc.vectors.forEach((v: { id: string; kind: string; expected: Record<string, unknown> }, i: number) => {
      const r = out.results[i];
      expect({ id: r.id, kind: r.kind }).toEqual({ id: v.id, kind: v.kind });
      for (const [k, want] of Object.entries(v.expected))
        expect([v.id, k, r.output[k]]).toEqual([v.id, k, want]);
    });
  });

  it("answers a bad vector with an error for that vector only", () => {
    const dir = mkdtempSync(join(tmpdir(), "hc-eval-"));
    const file = join(dir, "mixed.json");
    writeFileSync(
      file,
      JSON.stringify({
        vectors: [
          { id: "ok", kind: "batchSizeCheck", inputs: { selectedCount: 3 } },
          { id: "unknown", kind: "teleport", inputs: {} },
          {
            id: "bad",
            kind: "checkRemainingReversible",
            inputs: { reversibleAmount: 100, pendingRedAmounts: [], requestAmount: "1" },
          },
        ],
      })
    );
    const r = run(["eval", file]);
    // Every result is printed; the exit code and stderr say that some vectors had input errors.
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      '3 个向量中有 2 个输入有误：\n  unknown: 未知的 kind：teleport\n  bad: reversibleAmount 须为十进制数字字符串（如 "100.00"）\n'
    );
    expect(run(["eval", file, "--lang", "en"]).stderr).toBe(
      "2 of 3 vectors have input errors:\n  unknown: unknown kind: teleport\n  bad: reversibleAmount must be a decimal string\n"
    );
    const out = JSON.parse(r.stdout);
    expect(out.results[0]).toEqual({
      id: "ok",
      kind: "batchSizeCheck",
      output: expect.objectContaining({ allowed: true }),
    });
    expect(out.results[1].error).toBe("未知的 kind：teleport");
    expect(out.results[2].error).toMatch(/reversibleAmount/);
  });

  it("words the rules' refusals in English with --lang en or HONGCHONG_LANG=en (issue 13 §8)", () => {
    const dir = mkdtempSync(join(tmpdir(), "hc-eval-"));
    const file = join(dir, "big.json");
    writeFileSync(
      file,
      JSON.stringify({ vectors: [{ id: "big", kind: "batchSizeCheck", inputs: { selectedCount: 11 } }] })
    );
    const output = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
      JSON.parse(spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8", env }).stdout)
        .results[0].output;
    const zh = { allowed: false, refused: "BATCH_LIMIT_EXCEEDED", message: "一次最多只能批量红冲10张" };
    const en = { ...zh, message: "At most 10 invoices can be reversed in one batch" };
    const noLang = { ...process.env };
    delete noLang.HONGCHONG_LANG;
    expect(output(["eval", file], noLang)).toEqual(zh);
    expect(output(["eval", file, "--lang", "en"], noLang)).toEqual(en);
    expect(output(["eval", "--lang", "en", file], noLang)).toEqual(en);
    expect(output(["eval", file], { ...noLang, HONGCHONG_LANG: "en" })).toEqual(en);
  });

  it("refuses a file that is not JSON with exit code 2 and a Chinese message", () => {
    const dir = mkdtempSync(join(tmpdir(), "hc-eval-"));
    const file = join(dir, "broken.json");
    writeFileSync(file, "{ not json");
    const r = run(["eval", file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/无法读取或解析 JSON 文件/);
  });
});
