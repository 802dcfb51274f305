import { OfficeWorkbook } from "../../../../src/sheet/office";
import type { RowWriteBack, SelectionRead } from "../../../../src/sheet/port";
import { FAILURE_FILL, MARK_PREFIX, MAX_ROWS_PER_CHUNK } from "../../../../src/sheet/writePlan";
import { BLUE_HEADERS, blueInvoiceRow, buildBlueInvoiceWorkbook } from "../../../support/blueInvoiceWorkbook";
import { DEFAULT_PAYLOAD_LIMIT, FakeWorkbook, type SyncRecord } from "../../../support/fakeExcel";
import { fakeHost, readBlueSelection } from "../../../support/fakeHost";

// BLUE_HEADERS has 17 input columns (A–Q); result columns are appended from R.
const col = (header: string) => String.fromCharCode(65 + BLUE_HEADERS.indexOf(header));
const TAX_ID = col("购方税号"); // F

const readAll = readBlueSelection;

/** What the task pane would write: status per row, every parse error as a cell error. */
function outcomes(read: SelectionRead): RowWriteBack[] {
  return read.rows.map((row) => ({
    rowIndex: row.rowIndex,
    values:
      row.errors.length > 0
        ? { processStatus: "失败" }
        : {
            processStatus: "成功",
            serialNo: `LS${String(row.rowIndex).padStart(18, "0")}`,
            redInvoiceNumber: "04400000000000000123",
          },
    cellErrors: row.errors.map((e) => ({ columnKey: e.columnKey, message: e.refusal.message })),
  }));
}

async function writeOk(
  port: OfficeWorkbook,
  results: RowWriteBack[],
  read: SelectionRead,
  clearPrevious = true
) {
  const w = await port.writeResults("blueInvoices", results, { layout: read.layout, clearPrevious });
  if (!w.ok) throw new Error(w.refusal.message);
  return w.value;
}

const writeSyncs = (log: readonly SyncRecord[]) => log.filter((s) => s.calcSuspended);

describe("writeResults", () => {
  test("appends missing result columns at the right and writes values that read back", async () => {
    const { workbook, sheet } = buildBlueInvoiceWorkbook(20, { badTaxIdEvery: 5 });
    const port = new OfficeWorkbook(fakeHost(workbook));
    const read = await readAll(port);
    const summary = await writeOk(port, outcomes(read), read);
    expect(summary.appendedColumns).toEqual([
      "流水号",
      "处理路径",
      "红字信息表编号/红字确认单编号",
      "红票代码",
      "红票号码",
      "处理状态",
      "失败原因",
      "确认状态",
    ]);
    expect(["R1", "S1", "T1", "U1", "V1", "W1", "X1", "Y1"].map((a) => sheet.value(a))).toEqual(
      summary.appendedColumns
    );
    expect(sheet.boldAt("X1")).toBe(true);
    // Row 2 (i = 0) succeeded: text results keep their digits and leading zeros.
    expect(sheet.value("R2")).toBe("LS000000000000000001");
    expect(sheet.value("V2")).toBe("04400000000000000123");
    expect(sheet.value("W2")).toBe("成功");
    // Row 6 (i = 4) failed at the tax ID.
    expect(sheet.value("W6")).toBe("失败");
    expect(sheet.value("R6")).toBe("");
    expect(sheet.value("X6")).toBe("有1个单元格有误，详见红色单元格的备注");
    expect(sheet.fillAt(`${TAX_ID}6`)).toBe(FAILURE_FILL);
    expect(sheet.noteAt(`${TAX_ID}6`)?.content).toMatch(new RegExp(`^${MARK_PREFIX}购方税号校验位错误`));
    expect(sheet.filledCells(FAILURE_FILL)).toEqual(["F11", "F16", "F21", "F6"]);
    // Inputs untouched.
    expect(sheet.value("A6")).toBe("033001900111");
    expect(summary).toMatchObject({
      rowsWritten: 20,
      cellsMarked: 4,
      annotationMode: "notes",
      cancelled: false,
    });
  });

  test("ExcelApi 1.10 without notes → threaded comments", async () => {
    const { workbook, sheet } = buildBlueInvoiceWorkbook(10, { badTaxIdEvery: 5 });
    const port = new OfficeWorkbook(fakeHost(workbook, "1.10"));
    const read = await readAll(port);
    const summary = await writeOk(port, outcomes(read), read);
    expect(summary.annotationMode).toBe("comments");
    expect(sheet.noteAddresses()).toEqual([]);
    expect(sheet.commentAddresses().sort()).toEqual(["F11", "F6"]);
    expect(sheet.commentAt("F6")?.content.startsWith(MARK_PREFIX)).toBe(true);
    expect(sheet.value("X6")).toBe("有1个单元格有误，详见红色单元格的批注");
  });

  test("below ExcelApi 1.10 → the message goes into 失败原因 (cells still red), no comment API touched", async () => {
    const { workbook, sheet } = buildBlueInvoiceWorkbook(10, { badTaxIdEvery: 5 });
    const port = new OfficeWorkbook(fakeHost(workbook, "1.9"));
    const read = await readAll(port);
    const summary = await writeOk(port, outcomes(read), read);
    expect(summary.annotationMode).toBe("column");
    expect(sheet.noteAddresses()).toEqual([]);
    expect(sheet.commentAddresses()).toEqual([]);
    expect(sheet.fillAt("F6")).toBe(FAILURE_FILL);
    expect(String(sheet.value("X6"))).toMatch(/^购方税号（F6）：购方税号校验位错误/);
  });

  test("a re-run clears our previous fills and notes on those rows, keeps others' notes and other rows", async () => {
    const { workbook, sheet } = buildBlueInvoiceWorkbook(10, { badTaxIdEvery: 5 });
    const port = new OfficeWorkbook(fakeHost(workbook));
    const read = await readAll(port);
    await writeOk(port, outcomes(read), read);
    expect(sheet.noteAddresses().sort()).toEqual(["F11", "F6"]);
    sheet.addNote("B6", "用户自己的备注");
    sheet.fill.setCell(6, 0, "#FFFF00"); // the user's yellow A7 stays

    // Row 6 fixed by the user and re-run alone: its marks go, row 11's stay.
    workbook.select("蓝票清单", "A6");
    sheet.setValues(5, 0, [blueInvoiceRow(4)]);
    const again = await readAll(port);
    expect(again.rows[0].errors).toEqual([]);
    const summary = await writeOk(
      port,
      [{ rowIndex: 5, values: { processStatus: "成功", failureReason: "" }, cellErrors: [] }],
      again
    );
    expect(summary.marksCleared).toBe(2);
    expect(sheet.fillAt("F6")).toBeUndefined();
    expect(sheet.noteAt("F6")).toBeUndefined();
    expect(sheet.value("X6")).toBe("");
    expect(sheet.noteAt("B6")?.content).toBe("用户自己的备注");
    expect(sheet.fillAt("F11")).toBe(FAILURE_FILL);
    expect(sheet.noteAt("F11")).toBeDefined();
    expect(sheet.fillAt("A7")).toBe("#FFFF00");
  });

  test("a cell with someone else's comment is marked red and explained in 失败原因", async () => {
    const { workbook, sheet } = buildBlueInvoiceWorkbook(5, { badTaxIdEvery: 5 });
    sheet.addComment("F6", "请核对税号");
    const port = new OfficeWorkbook(fakeHost(workbook));
    const read = await readAll(port);
    await writeOk(port, outcomes(read), read);
    expect(sheet.commentAt("F6")?.content).toBe("请核对税号");
    expect(sheet.noteAt("F6")).toBeUndefined();
    expect(sheet.fillAt("F6")).toBe(FAILURE_FILL);
    expect(String(sheet.value("X6"))).toContain("购方税号（F6）：");
  });

  test("clearMarks removes only our marks on the given rows", async () => {
    const { workbook, sheet } = buildBlueInvoiceWorkbook(10, { badTaxIdEvery: 5 });
    const port = new OfficeWorkbook(fakeHost(workbook));
    const read = await readAll(port);
    await writeOk(port, outcomes(read), read);
    const r = await port.clearMarks("blueInvoices", [10], { layout: read.layout });
    expect(r.ok && r.value).toEqual({ marksCleared: 2, cancelled: false });
    expect(sheet.fillAt("F11")).toBeUndefined();
    expect(sheet.noteAt("F11")).toBeUndefined();
    expect(sheet.fillAt("F6")).toBe(FAILURE_FILL);
  });

  test("writes into a table grow the table with the result columns", async () => {
    const wb = new FakeWorkbook();
    const s = wb.addSheet("S");
    s.setValues(0, 0, [BLUE_HEADERS, blueInvoiceRow(0), blueInvoiceRow(1)]);
    s.addTable("T", "A1:Q3");
    s.setValues(0, 18, [["表外的列"]]);
    wb.select("S", "A2:A3");
    const port = new OfficeWorkbook(fakeHost(wb));
    const read = await readAll(port);
    await writeOk(port, outcomes(read), read);
    expect(s.tables[0].rect.columns).toBe(17 + 8);
    expect(s.value("W1")).toBe("处理状态");
    expect(s.value("W2")).toBe("成功");
    // The column right of the table moved over (S → AA), it was not overwritten.
    expect(s.value("AA1")).toBe("表外的列");
  });

  test("a changed header is refused instead of writing into the wrong columns", async () => {
    const { workbook, sheet } = buildBlueInvoiceWorkbook(3);
    const port = new OfficeWorkbook(fakeHost(workbook));
    const read = await readAll(port);
    sheet.setValues(0, 0, [["发票号码", "发票代码"]]); // user swapped two headers
    const r = await port.writeResults("blueInvoices", outcomes(read), { layout: read.layout });
    expect(r.ok || r.refusal.code).toBe("SHEET_HEADER_CHANGED");
    expect(workbook.enableEvents).toBe(true);
    expect(sheet.value("W2")).toBe("");
  });

  test("events are switched back on even when a write sync throws", async () => {
    const { workbook } = buildBlueInvoiceWorkbook(50, { badTaxIdEvery: 5 });
    const port = new OfficeWorkbook(fakeHost(workbook));
    const read = await readAll(port);
    workbook.resetStats();
    workbook.failSyncAfter(3, new Error("GeneralException: 网络中断"));
    await expect(port.writeResults("blueInvoices", outcomes(read), { layout: read.layout })).rejects.toThrow(
      "网络中断"
    );
    expect(workbook.syncLog[0].eventsEnabled).toBe(false);
    expect(workbook.enableEvents).toBe(true);
  });

  test("cancellation stops after the chunk in flight", async () => {
    const { workbook, sheet } = buildBlueInvoiceWorkbook(6_000);
    const port = new OfficeWorkbook(fakeHost(workbook));
    const read = await readAll(port);
    const controller = new AbortController();
    const r = await port.writeResults("blueInvoices", outcomes(read), {
      layout: read.layout,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    expect(r.ok && r.value.cancelled).toBe(true);
    expect(r.ok && r.value.rowsWritten).toBeLessThan(6_000);
    expect(sheet.value("W2")).toBe("成功");
    expect(sheet.value("W6001")).toBe("");
    expect(workbook.enableEvents).toBe(true);
  });
});

describe("writeResults at scale: constant syncs per chunk, every request under the limit", () => {
  async function bulk(n: number, clearPrevious: boolean) {
    const { workbook, sheet } = buildBlueInvoiceWorkbook(n, { badTaxIdEvery: 7 });
    const port = new OfficeWorkbook(fakeHost(workbook));
    const read = await readAll(port);
    workbook.resetStats();
    const results = outcomes(read);
    // Generous ceiling: anything like one sync per row blows through it.
    workbook.limitSyncs(8 + 3 * Math.ceil(n / 1000));
    const summary = await writeOk(port, results, read, clearPrevious);
    return { workbook, sheet, summary, results };
  }

  test.each([
    [10_000, false],
    [50_000, false],
    [10_000, true],
  ])(
    "%i rows (clearing previous marks: %s)",
    async (n, clearPrevious) => {
      const { workbook, sheet, summary } = await bulk(n, clearPrevious);
      const writes = writeSyncs(workbook.syncLog);
      // Each chunk: one write request (calculation suspended), plus one fill scan when clearing.
      const chunks = writes.length;
      expect(chunks).toBeGreaterThanOrEqual(Math.ceil(n / MAX_ROWS_PER_CHUNK));
      const fixed = 2 /* sheet + header/annotations */ + 1; /* events back on */
      expect(workbook.syncs).toBe(fixed + chunks * (clearPrevious ? 2 : 1));
      if (!clearPrevious) expect(chunks).toBe(Math.ceil(n / MAX_ROWS_PER_CHUNK));
      expect(workbook.maxRequestBytes).toBeLessThan(DEFAULT_PAYLOAD_LIMIT);
      for (const s of workbook.syncLog) expect(s.responseBytes).toBeLessThan(DEFAULT_PAYLOAD_LIMIT);
      expect(workbook.syncLog.slice(0, -1).every((s) => !s.eventsEnabled)).toBe(true);
      expect(workbook.enableEvents).toBe(true);
      expect(summary.rowsWritten).toBe(n);
      expect(summary.cellsMarked).toBe(Math.floor(n / 7));
      expect(sheet.value(`W${n + 1}`)).toBe(n % 7 === 0 ? "失败" : "成功");
      expect(sheet.noteAddresses()).toHaveLength(Math.floor(n / 7));
    },
    60_000
  );

  test("long messages: the write is split into more requests, each under 5 MB", async () => {
    const { workbook } = buildBlueInvoiceWorkbook(10_000);
    const port = new OfficeWorkbook(fakeHost(workbook));
    const read = await readAll(port);
    workbook.resetStats();
    const long = "请核对购方税号与税局登记信息是否一致。".repeat(30); // ~1.7 kB of UTF-8
    const results: RowWriteBack[] = read.rows.map((r) => ({
      rowIndex: r.rowIndex,
      values: { processStatus: "失败" },
      cellErrors: [
        { columnKey: "buyerTaxId", message: long },
        { columnKey: "sellerTaxId", message: long },
      ],
    }));
    const summary = await writeOk(port, results, read, false);
    expect(summary.cellsMarked).toBe(20_000);
    const writes = writeSyncs(workbook.syncLog);
    expect(writes.length).toBeGreaterThan(10); // 34 MB of notes cannot go in 2 requests
    expect(workbook.maxRequestBytes).toBeLessThan(DEFAULT_PAYLOAD_LIMIT);
  }, 60_000);
});
