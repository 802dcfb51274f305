/**
 * Issue 13 §1–2: what an accountant sees from `hongchong import` / `export` — the result file never
 * over the user's own, a check that says nothing was sent, 处理状态 on every row (a 处理中 row left
 * alone by a check), progress with ETA on stderr, the export's default range on the gateway's calendar.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { defaultRange } from "../../../src/sheet/xlsx/exportGateway";
import { writeExportWorkbook } from "../../../src/sheet/xlsx/export";
import { defaultOutPath, importXlsxFile, resolveOutPath } from "../../../src/sheet/xlsx/importer";
import { importXlsxStreaming } from "../../../src/sheet/xlsx/streaming";
import type { SubmitOutcome, SubmitUnit } from "../../../src/sheet/xlsx/plan";
import { progressReporter } from "../../../src/cli/progress";
import { gatewayToday } from "../../../src/cli/login";
import { instructionLines } from "../../../src/sheet/xlsx/instructions";
import { KIND_SPECS, TEMPLATE_KINDS } from "../../../src/sheet/xlsx/kinds";
import { validateGrid } from "../../../src/sheet/xlsx/grid";
import { DEFAULT_LIMITS } from "../../../src/sheet/xlsx/limits";
import { parseTaxId } from "../../../src/domain/parse";
import { poolInvoiceTypeLabel } from "../../../src/gateway/codes";
import { columnOfHeader, readBack, tempDir, templateWithRows, validInfoFormRow } from "../xlsx/helpers";

const dir = tempDir();

describe("where an import writes", () => {
  it("a check → <name>.校验结果.xlsx, a submission → <name>.提交结果.xlsx; our own result files in place", () => {
    expect(defaultOutPath("/d/申请.xlsx", false)).toBe("/d/申请.校验结果.xlsx");
    expect(defaultOutPath("/d/申请.xlsx", true)).toBe("/d/申请.提交结果.xlsx");
    expect(defaultOutPath("/d/申请.校验结果.xlsx", false)).toBe("/d/申请.校验结果.xlsx");
    expect(defaultOutPath("/d/申请.校验结果.xlsx", true)).toBe("/d/申请.提交结果.xlsx");
    expect(defaultOutPath("/d/申请.提交结果.xlsx", true)).toBe("/d/申请.提交结果.xlsx");
    expect(defaultOutPath("/d/申请.提交结果.xlsx", false)).toBe("/d/申请.提交结果.xlsx");
  });

  it("--in-place and --out are obeyed; a second submission of the original is refused while its result file exists", async () => {
    const file = join(dir, "again.xlsx");
    await templateWithRows("info-form-import", [validInfoFormRow(1)]).xlsx.writeFile(file);
    const before = readFileSync(file);
    const sent: string[] = [];
    const submitter = {
      submit: async (_k: unknown, units: readonly SubmitUnit[]): Promise<SubmitOutcome[]> =>
        units.map((u) => {
          sent.push(u.serialNo);
          return { serialNo: u.serialNo, kind: "success", number: "HZ-1", status: "审核成功" };
        }),
    };
    const first = await importXlsxFile(file, { submitter, newSerialNo: () => "S-1" });
    if (!first.ok) throw new Error(first.refusal.message);
    expect(first.value.out).toBe(join(dir, "again.提交结果.xlsx"));
    expect(readFileSync(file).equals(before)).toBe(true);
    const second = await importXlsxFile(file, { submitter, newSerialNo: () => "S-2" });
    expect(second.ok ? "" : second.refusal.code).toBe("FILE_SUBMIT_RESULT_EXISTS");
    expect(second.ok ? "" : second.refusal.message).toContain(
      "hongchong import “again.提交结果.xlsx” --submit"
    );
    expect(sent).toEqual(["S-1"]);
    // Re-run on the result file: in place, the done row skipped, nothing sent.
    const rerun = await importXlsxFile(join(dir, "again.提交结果.xlsx"), { submitter });
    expect(rerun.ok && [rerun.value.out, rerun.value.skippedDone]).toEqual([
      join(dir, "again.提交结果.xlsx"),
      1,
    ]);
    expect(sent).toEqual(["S-1"]);
    expect(await resolveOutPath(file, { submit: true, inPlace: true })).toEqual({ ok: true, value: file });
    expect(await resolveOutPath(file, { submit: true, out: "/x.xlsx" })).toEqual({
      ok: true,
      value: "/x.xlsx",
    });
  });
});

describe("a check only", () => {
  const rows = [validInfoFormRow(1), { ...validInfoFormRow(2), 购方税号: "x" }, validInfoFormRow(3)];

  async function checked(streaming: boolean, statuses: readonly string[]) {
    const file = join(dir, `check-${streaming}.xlsx`);
    const wb = templateWithRows("info-form-import", rows);
    const ws = wb.worksheets[0];
    const statusCol = columnOfHeader(ws, "处理状态");
    statuses.forEach((s, i) => (ws.getCell(i + 2, statusCol).value = s || null));
    await wb.xlsx.writeFile(file);
    const r = streaming
      ? await importXlsxStreaming(file, { kind: "info-form-import", out: defaultOutPath(file, false) })
      : await importXlsxFile(file, {});
    if (!r.ok) throw new Error(r.refusal.message);
    const out = (await readBack(defaultOutPath(file, false))).worksheets[0];
    // A list to work through: the header frozen, an autofilter from A1 over every column and row.
    expect(out.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    const ref = /^A1:([A-Z]+)4$/.exec(String(out.autoFilter));
    expect(ref).not.toBeNull();
    const filterEnd = out.getColumn(ref![1]).number;
    for (const h of ["失败原因", "处理状态"])
      expect(filterEnd).toBeGreaterThanOrEqual(columnOfHeader(out, h));
    return [2, 3, 4].map((row) => String(out.getCell(row, columnOfHeader(out, "处理状态")).value ?? ""));
  }

  it.each([false, true])(
    "writes 未提交 / 失败 and leaves a 处理中 row (sent, no known result) alone (streaming: %s)",
    async (s) => {
      expect(await checked(s, ["", "", ""])).toEqual(["未提交", "失败", "未提交"]);
      expect(await checked(s, ["处理中", "处理中", "失败"])).toEqual(["处理中", "处理中", "未提交"]);
    }
  );
});

describe("progress on stderr", () => {
  it("a terminal gets one bar redrawn in place, with the ETA", () => {
    let out = "";
    let t = 0;
    const p = progressReporter({ isTTY: true, write: (s) => (out += s) }, "提交发票云", "张单据", () => t);
    p(0, 40);
    t = 10_000;
    p(10, 40);
    t = 40_000;
    p(40, 40);
    const frames = out.split("\r").filter(Boolean);
    expect(frames[1]).toBe("[#####---------------] 提交发票云 10/40 张单据（25%），预计还需 30 秒\x1b[K");
    expect(frames[2]).toBe("[####################] 提交发票云 40/40 张单据（100%）\x1b[K\n");
  });

  it("a pipe or file gets a plain line at most every 5 s, and the last with the time taken", () => {
    const lines: string[] = [];
    let t = 0;
    const p = progressReporter(
      { isTTY: false, write: (s) => lines.push(s) },
      "提交发票云",
      "张单据",
      () => t
    );
    p(0, 200);
    for (let i = 1; i <= 200; i++) {
      t = i * 100;
      p(i, 200);
    }
    expect(lines[0]).toBe("提交发票云 0/200 张单据（0%）\n");
    expect(lines[1]).toBe("提交发票云 50/200 张单据（25%），预计还需 15 秒\n");
    expect(lines.at(-1)).toBe("提交发票云 200/200 张单据（100%），用时 20 秒\n");
    expect(lines).toHaveLength(5);
  });
});

describe("export's default range", () => {
  it("this month and the two before it, ending on the gateway's day; --from/--to win", () => {
    expect(defaultRange({}, "2025-10-10")).toEqual({ startDate: "2025-08-01", endDate: "2025-10-10" });
    expect(defaultRange({}, "2026-02-28")).toEqual({ startDate: "2025-12-01", endDate: "2026-02-28" });
    expect(defaultRange({ from: "2025-01-05" }, "2025-10-10")).toEqual({
      startDate: "2025-01-05",
      endDate: "2025-10-10",
    });
    expect(defaultRange({ to: "2025-03-31" }, "2025-10-10")).toEqual({
      startDate: "2025-01-01",
      endDate: "2025-03-31",
    });
  });

  it("the gateway's day comes from GET /health's business clock, in China time", async () => {
    const at = Date.UTC(2025, 9, 10, 17, 0, 0); // 2025-10-11 01:00 in China
    const fake = (async () => ({ json: async () => ({ now: at }) })) as unknown as typeof fetch;
    expect(await gatewayToday("http://gw", fake)).toBe("2025-10-11");
  });
});

describe("the 说明 sheet's examples", () => {
  it.each([...TEMPLATE_KINDS])("%s: the example row, typed into the template, passes every check", (kind) => {
    const lines = instructionLines(KIND_SPECS[kind]).filter((l) => l.example);
    const v = validateGrid(
      KIND_SPECS[kind],
      [lines.map((l) => l.header), lines.map((l) => l.example)],
      { sheetName: "s", merges: [], hiddenRows: [] },
      DEFAULT_LIMITS
    );
    if (!v.ok) throw new Error(v.refusal.message);
    expect(v.value.rows.flatMap((r) => r.cellErrors.map((e) => `${e.header}: ${e.refusal.message}`))).toEqual(
      []
    );
    // A tax ID example is a real 统一社会信用代码 (its check character right).
    for (const l of lines.filter((x) => x.header.includes("税号")))
      expect(parseTaxId(l.example, l.header).ok).toBe(true);
    // No description asks for "大于0" next to a negative example.
    for (const l of lines) if (l.example.startsWith("-")) expect(l.description).not.toMatch(/大于\s*0/);
  });
});

describe("our own exports", () => {
  it("the 进项发票池 export is not taken for a 蓝票红冲清单: one clear refusal, no row failures", async () => {
    const file = join(dir, "pool.xlsx");
    // Written by the real exporter, as `hongchong export input-pool` writes it.
    const none = async () => ({ ok: true as const, value: [] });
    const written = await writeExportWorkbook(
      "input-pool",
      {
        infoForms: none,
        confirmForms: none,
        downloadTasks: none,
        inputPool: async () => ({
          ok: true as const,
          value: [
            {
              invoiceType: "61",
              etaxInvoiceNo: "25442000000012345678",
              invoiceDate: "2025-09-01",
              invoiceAmount: "100.00",
              totalTaxAmount: "9.00",
              salerName: "测试航空有限公司",
              salerTaxNo: "91440300MA5EXAMPLA",
              invoiceStatus: "正常",
              selectStatus: "未勾选",
              deductionStatus: "未勾选",
            },
          ],
        }),
      },
      { org: "91440300MA5EXAMPLA" },
      file
    );
    expect(written.ok).toBe(true);
    const back = (await readBack(file)).worksheets[0];
    expect(back.getCell(2, columnOfHeader(back, "发票类型")).value).toBe(
      "数电发票（航空运输电子客票行程单）"
    );
    const r = await importXlsxFile(file, {});
    expect(r.ok ? "imported" : r.refusal.code).toBe("FILE_IS_POOL_EXPORT");
    expect(r.ok ? "" : r.refusal.message).toContain("工作表“进项发票池”是进项发票池的列表");
  });

  it("the 进项发票池 export shows 发票类型 as labels, not codes", () => {
    expect(["61", "59", "01", "02", "004"].map((c) => poolInvoiceTypeLabel(c))).toEqual([
      "数电发票（航空运输电子客票行程单）",
      "数电发票（通行费发票）",
      "数电发票（增值税专用发票）",
      "数电发票（普通发票）",
      "增值税专用发票",
    ]);
    expect(poolInvoiceTypeLabel("88")).toBe("88");
  });
});
