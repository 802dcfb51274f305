import { OfficeWorkbook, tableCell } from "../../../../src/sheet/office";
import type { TableCell, WriteTableOptions } from "../../../../src/sheet/port";
import { DEFAULT_PAYLOAD_LIMIT, FakeWorkbook, type FakeSheet } from "../../../support/fakeExcel";
import { fakeHost } from "../../../support/fakeHost";

const HEADERS = ["发票代码", "发票号码", "字段", "原值", "新值", "金额"];
const CHANGES: TableCell[][] = [
  ["033001900111", "00000001", "发票状态", "正常", "部分红冲", "-100.50"],
  ["", "24332000000012345678", "用途属期", "202409", "202410", "0.00"],
  ["033001900111", "00000003", "是否查验", false, true, 12],
];
const AMOUNT_FORMAT: WriteTableOptions = { numberFormats: [null, null, null, null, null, "#,##0.00"] };

async function writeOk(
  wb: FakeWorkbook,
  name: string,
  headers: readonly string[],
  rows: TableCell[][],
  opts?: WriteTableOptions
) {
  const r = await new OfficeWorkbook(fakeHost(wb)).writeTable(name, headers, rows, opts);
  if (!r.ok) throw new Error(`${r.refusal.code}: ${r.refusal.message}`);
  return r.value;
}

function sheetOf(wb: FakeWorkbook, name: string): FakeSheet {
  const s = wb.sheet(name);
  if (!s) throw new Error(`no sheet ${name}`);
  return s;
}

const rowValues = (s: FakeSheet, row: number) =>
  ["A", "B", "C", "D", "E", "F"].map((c) => s.value(`${c}${row}`));

describe("writeTable", () => {
  test("creates the sheet: bold frozen header, text kept as typed, decimals as numbers only where formatted", async () => {
    const wb = new FakeWorkbook();
    wb.addSheet("Sheet1");
    const summary = await writeOk(wb, "变更记录", HEADERS, CHANGES, { ...AMOUNT_FORMAT, activate: true });
    expect(summary).toEqual({ sheetName: "变更记录", rows: 3, created: true, cancelled: false });
    const s = sheetOf(wb, "变更记录");
    expect(rowValues(s, 1)).toEqual(HEADERS);
    expect(s.boldAt("A1") && s.boldAt("F1")).toBe(true);
    expect(s.boldAt("A2")).toBe(false);
    expect(s.frozenRows).toBe(1);
    expect(s.autofitCalls).toBe(1);
    expect(wb.active).toBe(s);
    expect(rowValues(s, 2)).toEqual(["033001900111", "00000001", "发票状态", "正常", "部分红冲", -100.5]);
    expect(s.numberFormatAt("B2")).toBe("@");
    expect(s.numberFormatAt("F2")).toBe("#,##0.00");
    // "202409" stays text (no format on the column), 0.00 is the number 0, null leaves the cell empty.
    expect(rowValues(s, 3)).toEqual(["", "24332000000012345678", "用途属期", "202409", "202410", 0]);
    expect(rowValues(s, 4)).toEqual(["033001900111", "00000003", "是否查验", "否", "是", 12]);
    expect(wb.syncs).toBeLessThanOrEqual(3);
    expect(wb.enableEvents).toBe(true);
  });

  test("replace clears what the sheet held before (values and formats)", async () => {
    const wb = new FakeWorkbook();
    const old = wb.addSheet("变更记录", [["旧表头"], ["1"], ["2"], ["3"], ["4"], ["5"]]);
    old.fill.setCell(4, 0, "#FFFF00");
    const summary = await writeOk(wb, "变更记录", HEADERS, CHANGES.slice(0, 1));
    expect(summary).toMatchObject({ created: false, rows: 1 });
    expect(rowValues(old, 1)).toEqual(HEADERS);
    expect(old.value("A3")).toBe("");
    expect(old.value("A6")).toBe("");
    expect(old.fillAt("A5")).toBeUndefined();
    expect(old.usedRect()).toEqual({ row: 0, column: 0, rows: 2, columns: 6 });
  });

  test("append adds below the last used row; a missing sheet gets the header; a different header is refused", async () => {
    const wb = new FakeWorkbook();
    await writeOk(wb, "变更记录", HEADERS, CHANGES.slice(0, 2), { mode: "append" });
    const s = sheetOf(wb, "变更记录");
    expect(rowValues(s, 1)).toEqual(HEADERS);
    const more = await writeOk(wb, "变更记录", HEADERS, CHANGES.slice(2), { mode: "append" });
    expect(more).toEqual({ sheetName: "变更记录", rows: 1, created: false, cancelled: false });
    expect(s.value("B4")).toBe("00000003");
    expect(s.value("B2")).toBe("00000001");
    expect(s.usedRect()?.rows).toBe(4);

    const r = await new OfficeWorkbook(fakeHost(wb)).writeTable(
      "变更记录",
      ["发票号码", "状态"],
      [["1", "2"]],
      {
        mode: "append",
      }
    );
    expect(!r.ok && r.refusal.message).toBe(
      "工作表“变更记录”第1行的表头（发票代码、发票号码）与要追加的表头（发票号码、状态）不一致，请改用新的工作表或选择“覆盖”"
    );
    expect(s.usedRect()?.rows).toBe(4);
  });

  test("a name Excel refuses is cleaned, not renumbered", async () => {
    const wb = new FakeWorkbook();
    const summary = await writeOk(wb, "看板/2024[10]", ["a"], [["x"]]);
    expect(summary.sheetName).toBe("看板_2024_10_");
    const again = await writeOk(wb, "看板/2024[10]", ["a"], [["y"]]);
    expect(again).toMatchObject({ sheetName: "看板_2024_10_", created: false });
    expect(sheetOf(wb, "看板_2024_10_").value("A2")).toBe("y");
  });

  test("30,000 rows: one sync per chunk, requests under the limit; cancelling stops after the chunk in flight", async () => {
    const rows: TableCell[][] = Array.from({ length: 30_000 }, (_, i) => [
      "033001900111",
      String(i).padStart(8, "0"),
      "发票状态",
      "正常",
      "部分红冲",
      `${i}.25`,
    ]);
    const wb = new FakeWorkbook();
    const progress: number[] = [];
    wb.limitSyncs(2 + 6 + 1 + 2);
    const summary = await writeOk(wb, "看板导出", HEADERS, rows, {
      ...AMOUNT_FORMAT,
      onProgress: () => progress.push(wb.syncs),
    });
    expect(summary.rows).toBe(30_000);
    expect(progress).toEqual([2, 3, 4, 5, 6, 7]); // 1 to look, then 1 per 5,000-row chunk
    expect(wb.maxRequestBytes).toBeLessThan(DEFAULT_PAYLOAD_LIMIT / 2);
    const s = sheetOf(wb, "看板导出");
    expect(s.value("F30001")).toBe(29_999.25);
    expect(s.value("B30001")).toBe("00029999");

    const wb2 = new FakeWorkbook();
    const controller = new AbortController();
    const cancelled = await writeOk(wb2, "看板导出", HEADERS, rows, {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    expect(cancelled).toMatchObject({ rows: 5_000, cancelled: true });
    expect(sheetOf(wb2, "看板导出").usedRect()?.rows).toBe(5_001);
    expect(wb2.enableEvents).toBe(true);
  });
});

describe("tableCell", () => {
  test("strings stay text unless the column is numeric and the string an exact decimal", () => {
    expect(tableCell("0.10", "#,##0.00")).toEqual({ value: 0.1, format: "#,##0.00" });
    expect(tableCell("-0.00", "#,##0.00")).toEqual({ value: 0, format: "#,##0.00" });
    expect(tableCell("0.10", null)).toEqual({ value: "0.10", format: "@" });
    // More digits than a double holds: kept as text rather than rounded.
    expect(tableCell("12345678901234567.89", "#,##0.00")).toEqual({
      value: "12345678901234567.89",
      format: "@",
    });
    expect(tableCell("¥1.00", "#,##0.00")).toEqual({ value: "¥1.00", format: "@" });
    expect(tableCell(null, null)).toBeNull();
    expect(tableCell("", "@")).toBeNull();
  });
});
