import type { Dec } from "../../../../src/domain/money";
import { columnLetters } from "../../../../src/sheet/address";
import { OfficeWorkbook } from "../../../../src/sheet/office";
import type { UpsertRow, UpsertSummary } from "../../../../src/sheet/port";
import { inputPoolSchema } from "../../../../src/sheet/schemas";
import { MAX_ROWS_PER_CHUNK } from "../../../../src/sheet/writePlan";
import { BLUE_HEADERS } from "../../../support/blueInvoiceWorkbook";
import { DEFAULT_PAYLOAD_LIMIT, FakeWorkbook, type FakeSheet } from "../../../support/fakeExcel";
import { fakeHost } from "../../../support/fakeHost";

const DIGITAL_NO = "24332000000012345678"; // 数电 发票号码, 20 digits

/** A pool invoice as the input-invoice sync hands it over (domain strings). */
function poolRow(i: number, over: Record<string, string> = {}): UpsertRow {
  return {
    values: {
      billKind: "发票",
      invoiceType: "增值税专用发票",
      invoiceCode: "033001900111",
      invoiceNumber: String(i).padStart(8, "0"),
      issueDate: "2024-10-22",
      sellerName: `销方${i}`,
      amount: "1000.00",
      taxAmount: "130.00",
      totalAmount: "1130.00",
      invoiceStatus: "正常",
      ...over,
    },
  };
}

const letterOf = (header: string) =>
  columnLetters(inputPoolSchema.columns.findIndex((c) => c.header === header));

async function upsertOk(wb: FakeWorkbook, rows: UpsertRow[], opts = {}): Promise<UpsertSummary> {
  const r = await new OfficeWorkbook(fakeHost(wb)).upsertRows("inputPool", rows, opts);
  if (!r.ok) throw new Error(`${r.refusal.code}: ${r.refusal.message}`);
  return r.value;
}

function sheetOf(wb: FakeWorkbook, name: string): FakeSheet {
  const s = wb.sheet(name);
  if (!s) throw new Error(`no sheet ${name}`);
  return s;
}

describe("upsertRows into a workbook without the kind's sheet", () => {
  test("creates 进项发票池 with the kind's header; amounts numbers, codes text, dates serials; reads back exact", async () => {
    const wb = new FakeWorkbook();
    wb.addSheet("Sheet1");
    // A 蓝票清单 shares 发票代码/发票号码/发票状态/价税合计 … with the pool: it must not be taken for it.
    wb.addSheet("蓝票清单", [BLUE_HEADERS]);
    const summary = await upsertOk(wb, [
      poolRow(1234567, { amount: "-1234.50", taxAmount: "-160.49", totalAmount: "-1394.99" }),
      poolRow(2, { invoiceCode: "", invoiceNumber: DIGITAL_NO, invoiceType: "数电发票（增值税专用发票）" }),
    ]);
    expect(summary).toMatchObject({
      sheetName: "进项发票池",
      created: true,
      inserted: 2,
      updated: 0,
      unchanged: 0,
      appendedColumns: [],
      rowIndexes: [1, 2],
      cancelled: false,
    });
    expect(wb.syncs).toBeLessThanOrEqual(5); // 3 to look, 1 to create + write, 1 to restore events
    const s = sheetOf(wb, "进项发票池");
    expect(inputPoolSchema.columns.map((_, i) => s.value(`${columnLetters(i)}1`))).toEqual(
      inputPoolSchema.columns.map((c) => c.header)
    );
    expect(s.value(`${letterOf("发票号码")}2`)).toBe("01234567");
    expect(s.value(`${letterOf("发票代码")}2`)).toBe("033001900111");
    expect(s.numberFormatAt(`${letterOf("发票代码")}2`)).toBe("@");
    expect(s.value(`${letterOf("金额")}2`)).toBe(-1234.5);
    expect(s.numberFormatAt(`${letterOf("金额")}2`)).toBe("#,##0.00");
    expect(s.value(`${letterOf("开票日期")}2`)).toBe(45587);
    expect(s.value(`${letterOf("发票号码")}3`)).toBe(DIGITAL_NO);
    expect(s.value(`${letterOf("发票代码")}3`)).toBe("");
    expect(wb.enableEvents).toBe(true);

    const read = await new OfficeWorkbook(fakeHost(wb)).readAll("inputPool");
    if (!read.ok) throw new Error(read.refusal.message);
    expect(read.value.layout.sheetName).toBe("进项发票池");
    expect(read.value.rows.map((r) => r.errors)).toEqual([[], []]);
    const first = read.value.rows[0].values;
    expect((first.amount as Dec).toFixed(2)).toBe("-1234.50");
    expect((first.taxAmount as Dec).toFixed(2)).toBe("-160.49");
    expect(first.issueDate).toBe("2024-10-22");
    expect(read.value.rows[1].values.invoiceNumber).toBe(DIGITAL_NO);
  });

  test("bad values are refused before Excel is touched, naming the row and the field", async () => {
    const wb = new FakeWorkbook();
    const port = new OfficeWorkbook(fakeHost(wb));
    const tooPrecise = await port.upsertRows("inputPool", [poolRow(1), poolRow(2, { taxAmount: "1.005" })]);
    expect(!tooPrecise.ok && tooPrecise.refusal.code).toBe("SHEET_VALUE_INVALID");
    expect(!tooPrecise.ok && tooPrecise.refusal.message).toBe(
      "第2条数据的税额“1.005”无法写入工作表：金额须为最多两位小数的数字"
    );
    const badDate = await port.upsertRows("inputPool", [poolRow(1, { issueDate: "2024-02-30" })]);
    expect(!badDate.ok && badDate.refusal.code).toBe("SHEET_VALUE_INVALID");
    const noKey = await port.upsertRows("inputPool", [poolRow(1, { invoiceCode: "", invoiceNumber: "" })]);
    expect(!noKey.ok && noKey.refusal.message).toBe(
      "第1条数据缺少发票代码、发票号码，无法与工作表“进项发票池”中已有的行对应，未写入任何数据"
    );
    expect(wb.syncs).toBe(0);
    expect(wb.runs).toBe(0);
  });
});

describe("upsertRows into an existing sheet", () => {
  /** A user's pool: own columns at both ends, columns in another order, 数电 code filled by an export. */
  function userPool(): { wb: FakeWorkbook; s: FakeSheet } {
    const wb = new FakeWorkbook();
    wb.addSheet("说明", [["本工作簿用于进项管理"]]);
    const s = wb.addSheet("我的进项", [
      ["2024年进项台账"],
      ["我的备注", "发票号码", "发票代码", "销方名称", "价税合计", "发票状态", "我的标签"],
      ["先核对", "00000001", "033001900111", "销方1", 1130, "正常", "A类"],
      ["", DIGITAL_NO, "243320000000", "数电销方", "2,260.00", "正常", "B类"],
      ["已付款", "00000003", "033001900111", "销方3", 339, "正常", "C类"],
    ]);
    s.numberFormat.set({ row: 2, column: 1, rows: 3, columns: 2 }, "@");
    return { wb, s };
  }

  test("matches by 发票代码+发票号码 (数电: 号码 alone) in any order, updates changed cells only, appends new rows, keeps user columns", async () => {
    const { wb, s } = userPool();
    const summary = await upsertOk(wb, [
      poolRow(9), // new
      { values: { invoiceCode: "", invoiceNumber: DIGITAL_NO, invoiceStatus: "部分红冲" } },
      {
        values: {
          invoiceCode: "033001900111",
          invoiceNumber: "00000001",
          totalAmount: "1130.00",
          invoiceStatus: "正常",
        },
      },
      {
        values: {
          invoiceCode: "033001900111",
          invoiceNumber: "00000003",
          totalAmount: "-339.00",
          invoiceStatus: "红冲",
        },
      },
    ]);
    expect(summary).toMatchObject({
      sheetName: "我的进项",
      created: false,
      inserted: 1,
      updated: 2,
      unchanged: 1,
      rowIndexes: [5, 3, 2, 4],
      cancelled: false,
    });
    // Columns the new row fills that the sheet lacks are appended at the right of the header.
    expect(summary.appendedColumns).toEqual(["票据类型", "发票类型", "开票日期", "金额", "税额"]);
    expect(["H2", "I2", "J2", "K2", "L2"].map((a) => s.value(a))).toEqual(summary.appendedColumns);
    expect(s.boldAt("H2")).toBe(true);
    expect(summary.layout).toMatchObject({
      sheetName: "我的进项",
      headerRowIndex: 1,
      tableName: null,
      extraColumns: [
        { column: 0, header: "我的备注" },
        { column: 6, header: "我的标签" },
      ],
    });
    expect(summary.layout.columns).toMatchObject({
      invoiceNumber: 1,
      totalAmount: 4,
      billKind: 7,
      taxAmount: 11,
    });

    // Row 4 (数电): only 发票状态 changed; its code cell and everything else stay.
    expect(["A4", "B4", "C4", "D4", "E4", "F4", "G4"].map((a) => s.value(a))).toEqual([
      "",
      DIGITAL_NO,
      "243320000000",
      "数电销方",
      "2,260.00",
      "部分红冲",
      "B类",
    ]);
    // Row 3 unchanged (1130 and "1130.00" are the same amount): untouched.
    expect(s.value("E3")).toBe(1130);
    expect(s.value("A3")).toBe("先核对");
    // Row 5 updated in place; the user's cells stay.
    expect(["A5", "E5", "F5", "G5"].map((a) => s.value(a))).toEqual(["已付款", -339, "红冲", "C类"]);
    // New row 6 below the data; the user's columns of it stay empty.
    expect(["A6", "B6", "C6", "D6", "E6", "F6", "G6", "H6", "L6"].map((a) => s.value(a))).toEqual([
      "",
      "00000009",
      "033001900111",
      "销方9",
      1130,
      "正常",
      "",
      "发票",
      130,
    ]);
    expect(s.numberFormatAt("E6")).toBe("#,##0.00");
    // The sheet is not renamed and 说明 is untouched.
    expect(sheetOf(wb, "说明").value("A1")).toBe("本工作簿用于进项管理");
  });

  test("a second run with the same rows changes nothing and writes nothing", async () => {
    const { wb } = userPool();
    const rows = [poolRow(7), poolRow(8, { invoiceStatus: "作废" })];
    await upsertOk(wb, rows);
    wb.resetStats();
    const again = await upsertOk(wb, rows);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, rowIndexes: [5, 6] });
    expect(wb.syncLog.filter((x) => x.calcSuspended)).toEqual([]);
  });

  test("repeated keys in the input are merged, later values winning", async () => {
    const { wb, s } = userPool();
    const summary = await upsertOk(wb, [
      poolRow(9, { invoiceStatus: "正常" }),
      poolRow(9, { invoiceStatus: "作废", sellerName: "" }),
    ]);
    expect(summary).toMatchObject({ inserted: 1, rowIndexes: [5, 5] });
    expect(s.value("F6")).toBe("作废");
    expect(s.value("D6")).toBe("");
  });

  test("an explicit sheet name: a missing one is created, an empty one gets the header", async () => {
    const wb = new FakeWorkbook();
    wb.addSheet("空表");
    const intoEmpty = await upsertOk(wb, [poolRow(1)], { sheetName: "空表" });
    expect(intoEmpty).toMatchObject({ sheetName: "空表", created: false, inserted: 1 });
    expect(sheetOf(wb, "空表").value("A1")).toBe("票据类型");
    const fresh = await upsertOk(wb, [poolRow(1)], { sheetName: "2024进项" });
    expect(fresh).toMatchObject({ sheetName: "2024进项", created: true, inserted: 1 });
    wb.addSheet("杂项", [["随便写的"], ["内容"]]);
    const r = await new OfficeWorkbook(fakeHost(wb)).upsertRows("inputPool", [poolRow(1)], {
      sheetName: "杂项",
    });
    expect(!r.ok && r.refusal.code).toBe("SHEET_HEADER_NOT_FOUND");
  });
});

describe("upsertRows into an Excel table", () => {
  test("updates rows in the table and adds new ones as table rows above the totals row", async () => {
    const wb = new FakeWorkbook();
    const s = wb.addSheet("进项发票池", [
      ["发票代码", "发票号码", "发票状态", "价税合计", "备注"],
      ["033001900111", "00000001", "正常", 1130, "留着"],
      ["033001900111", "00000002", "正常", 2260, ""],
      ["", "", "", 3390, ""],
      [],
      ["表格下方的说明"],
    ]);
    s.numberFormat.set({ row: 1, column: 0, rows: 2, columns: 2 }, "@");
    s.addTable("进项表", "A1:E4", true);
    const summary = await upsertOk(wb, [
      { values: { invoiceCode: "033001900111", invoiceNumber: "00000002", invoiceStatus: "全额红冲" } },
      poolRow(3, { invoiceStatus: "正常" }),
      poolRow(4, { invoiceStatus: "作废" }),
    ]);
    expect(summary).toMatchObject({ inserted: 2, updated: 1, unchanged: 0, rowIndexes: [2, 3, 4] });
    expect(summary.layout.tableName).toBe("进项表");
    const table = s.tables[0];
    // 2 rows added, and the 6 columns the new rows fill (票据类型 … 税额) appended to the table.
    expect(table.rect).toEqual({ row: 0, column: 0, rows: 6, columns: 11 });
    expect(summary.appendedColumns).toEqual(["票据类型", "发票类型", "开票日期", "销方名称", "金额", "税额"]);
    expect(s.value("C3")).toBe("全额红冲");
    expect(["A4", "B4", "C4", "D4", "E4"].map((a) => s.value(a))).toEqual([
      "033001900111",
      "00000003",
      "正常",
      1130,
      "",
    ]);
    expect(s.value("B5")).toBe("00000004");
    expect(s.value("I5")).toBe("销方4");
    // The totals row and the note below the table moved down with the new rows.
    expect(s.value("D6")).toBe(3390);
    expect(s.value("A8")).toBe("表格下方的说明");
    expect(s.value("E2")).toBe("留着");
  });
});

describe("upsertRows at scale", () => {
  const N_EXISTING = 10_000;

  function bigPool(): { wb: FakeWorkbook; s: FakeSheet } {
    const wb = new FakeWorkbook();
    const s = wb.addSheet("进项发票池", [inputPoolSchema.columns.map((c) => c.header)]);
    s.numberFormat.set({ row: 1, column: 0, rows: 1_048_575, columns: 4 }, "@");
    const at = (header: string) => inputPoolSchema.columns.findIndex((c) => c.header === header);
    for (let i = 0; i < N_EXISTING; i++) {
      s.putValue(i + 1, at("发票代码"), "033001900111");
      s.putValue(i + 1, at("发票号码"), String(i).padStart(8, "0"));
      s.putValue(i + 1, at("发票状态"), "正常");
      s.putValue(i + 1, at("价税合计"), 1130);
    }
    return { wb, s };
  }

  /** 20,000 rows, shuffled: 10,000 existing (every other one with a new status), 10,000 new. */
  function twentyThousand(): UpsertRow[] {
    const rows: UpsertRow[] = [];
    for (let i = 0; i < 2 * N_EXISTING; i++) {
      rows.push({
        values: {
          invoiceCode: "033001900111",
          invoiceNumber: String(i).padStart(8, "0"),
          invoiceStatus: i < N_EXISTING && i % 2 === 1 ? "部分红冲" : "正常",
          totalAmount: "1130.00",
          sellerName: i < N_EXISTING ? "" : `销方${i}`,
        },
      });
    }
    // Deterministic shuffle.
    let seed = 7;
    for (let i = rows.length - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const j = seed % (i + 1);
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    return rows;
  }

  test("20,000 rows: one sync per read chunk and per write chunk, every request under the limit", async () => {
    const { wb, s } = bigPool();
    const rows = twentyThousand();
    const syncsAt: Array<{ phase: string; syncs: number }> = [];
    // 3 to look + 2 read chunks + ≤ 6 write chunks + 1 to restore events, with room for a split.
    wb.limitSyncs(20);
    const summary = await upsertOk(wb, rows, {
      onProgress: (p: { phase: string }) => syncsAt.push({ phase: p.phase, syncs: wb.syncs }),
    });
    // Existing rows with an empty 销方名称 in the sheet and "" given: the same, so half are unchanged.
    expect(summary).toMatchObject({ inserted: 10_000, updated: 5_000, unchanged: 5_000, cancelled: false });
    const perChunk = syncsAt.map((p, i) => p.syncs - (i === 0 ? 3 : syncsAt[i - 1].syncs));
    expect(syncsAt.filter((p) => p.phase === "read")).toHaveLength(
      Math.ceil(N_EXISTING / MAX_ROWS_PER_CHUNK)
    );
    expect(perChunk.every((n) => n === 1)).toBe(true);
    expect(wb.syncs).toBe(3 + syncsAt.length + 1);
    expect(wb.maxRequestBytes).toBeLessThan(DEFAULT_PAYLOAD_LIMIT / 2);
    for (const x of wb.syncLog) expect(x.responseBytes).toBeLessThan(DEFAULT_PAYLOAD_LIMIT);
    expect(wb.syncLog.slice(0, -1).every((x) => !x.eventsEnabled)).toBe(true);
    expect(wb.enableEvents).toBe(true);

    // Spot checks: an updated row, an untouched row, a new row (appended in input order).
    const status = letterOf("发票状态");
    expect(s.value(`${status}${1 + 1 + 1}`)).toBe("部分红冲"); // invoice 00000001 at sheet row 3
    expect(s.value(`${status}${1 + 1}`)).toBe("正常");
    const newRows = summary.rowIndexes.filter((r) => r > N_EXISTING);
    expect(new Set(newRows).size).toBe(10_000);
    expect(Math.min(...newRows)).toBe(N_EXISTING + 1);
    const firstNew = rows.findIndex((r) => Number(r.values.invoiceNumber) >= N_EXISTING);
    expect(summary.rowIndexes[firstNew]).toBe(N_EXISTING + 1);
    expect(s.value(`${letterOf("发票号码")}${N_EXISTING + 2}`)).toBe(rows[firstNew].values.invoiceNumber);
  });

  test("cancelled mid-run: stops after the chunk in flight, reports what was written, events back on", async () => {
    const { wb, s } = bigPool();
    const controller = new AbortController();
    const summary = await upsertOk(wb, twentyThousand(), {
      signal: controller.signal,
      onProgress: (p: { phase: string; done: number }) => {
        if (p.phase === "write" && p.done >= 5_000) controller.abort();
      },
    });
    expect(summary.cancelled).toBe(true);
    const written = summary.inserted + summary.updated;
    expect(written).toBeGreaterThan(0);
    expect(summary.inserted).toBeGreaterThan(0);
    expect(summary.inserted).toBeLessThan(10_000);
    expect(written).toBeLessThan(15_000);
    // Appended rows not reached have no row; the sheet ends where the written ones end.
    const appended = summary.rowIndexes.filter((r) => r > N_EXISTING);
    expect(appended).toHaveLength(summary.inserted);
    expect(summary.rowIndexes.filter((r) => r === -1)).toHaveLength(10_000 - summary.inserted);
    expect(s.usedRect()?.rows).toBe(1 + N_EXISTING + summary.inserted);
    expect(wb.enableEvents).toBe(true);
  });
});
