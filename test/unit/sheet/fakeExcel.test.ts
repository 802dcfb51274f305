/** The fake must behave like Excel where the adapter's correctness depends on it. */
/* eslint-disable office-addins/call-sync-before-read, office-addins/load-object-before-read, office-addins/call-sync-after-load --
   these tests break the load/sync rules on purpose, to show the fake enforces them. */
import { FakeExcelError, FakeWorkbook, SyncBudgetExceeded, type FakeContext } from "../../support/fakeExcel";

const run = <T>(wb: FakeWorkbook, f: (ctx: FakeContext) => Promise<T>) => wb.excel.run(f);

describe("fake Excel", () => {
  test("reading a property before load + sync throws PropertyNotLoaded", async () => {
    const wb = new FakeWorkbook();
    wb.addSheet("S", [["a"]]);
    await run(wb, async (ctx) => {
      const r = ctx.workbook.worksheets.getItem("S").getRange("A1");
      expect(() => r.values).toThrow(/PropertyNotLoaded/);
      r.load("values");
      expect(() => r.values).toThrow(/PropertyNotLoaded/);
      await ctx.sync();
      expect(r.values).toEqual([["a"]]);
    });
  });

  test("writes apply at sync, in order; null keeps a cell, '' clears it; numeric text becomes a number unless '@'", async () => {
    const wb = new FakeWorkbook();
    const s = wb.addSheet("S", [["x", "y", "z"]]);
    await run(wb, async (ctx) => {
      const sheet = ctx.workbook.worksheets.getItem("S");
      const text = sheet.getRange("D1:D1");
      text.numberFormat = [["@"]];
      sheet.getRange("A1:D1").values = [[null, "", "00123", "00123"]];
      expect(s.value("B1")).toBe("y");
      await ctx.sync();
    });
    expect([s.value("A1"), s.value("B1"), s.value("C1"), s.value("D1")]).toEqual(["x", "", 123, "00123"]);
  });

  test("a 1×1 array is applied to the whole range; other shape mismatches throw", async () => {
    const wb = new FakeWorkbook();
    const s = wb.addSheet("S");
    await run(wb, async (ctx) => {
      const sheet = ctx.workbook.worksheets.getItem("S");
      sheet.getRange("B2:B1048576").numberFormat = [["@"]];
      await ctx.sync();
      sheet.getRange("A1:B1").values = [["only one"], ["two"]];
      await expect(ctx.sync()).rejects.toThrow(FakeExcelError);
    });
    expect(s.numberFormatAt("B500000")).toBe("@");
    expect(s.numberFormatAt("A2")).toBe("General");
  });

  test("a request over the limit throws like Excel on the web", async () => {
    const wb = new FakeWorkbook({ requestLimitBytes: 100_000 });
    wb.addSheet("S");
    await run(wb, async (ctx) => {
      const big = Array.from({ length: 2000 }, () => ["一二三四五六七八九十一二三四五六七八九十"]);
      ctx.workbook.worksheets.getItem("S").getRangeByIndexes(0, 0, 2000, 1).values = big;
      await expect(ctx.sync()).rejects.toMatchObject({ code: "RequestPayloadSizeLimitExceeded" });
    });
    expect(wb.syncLog[0].requestBytes).toBeGreaterThan(100_000);
  });

  test("the sync budget fails a per-row loop", async () => {
    const wb = new FakeWorkbook();
    wb.addSheet("S");
    wb.limitSyncs(10);
    await expect(
      run(wb, async (ctx) => {
        for (let i = 0; i < 50; i++) {
          ctx.workbook.worksheets.getItem("S").getRangeByIndexes(i, 0, 1, 1).values = [[i]];
          await ctx.sync();
        }
      })
    ).rejects.toThrow(SyncBudgetExceeded);
  });

  test("notes: one per cell, single cells only; hidden rows per row; used range", async () => {
    const wb = new FakeWorkbook();
    const s = wb.addSheet("S");
    s.setValues(2, 1, [["a"], ["b"]]).hideRows(3);
    await run(wb, async (ctx) => {
      ctx.workbook.notes.add("S!B3", "hello");
      await ctx.sync();
      ctx.workbook.notes.add("S!B3", "again");
      await expect(ctx.sync()).rejects.toMatchObject({ code: "InvalidArgument" });
      ctx.workbook.notes.add("S!B3:B4", "two cells");
      await expect(ctx.sync()).rejects.toMatchObject({ code: "InvalidCellAddress" });
      const sheet = ctx.workbook.worksheets.getItem("S");
      const used = sheet.getUsedRangeOrNullObject(true);
      used.load("address");
      const props = sheet.getRangeByIndexes(2, 0, 2, 1).getRowProperties({ rowHidden: true });
      await ctx.sync();
      expect(used.address).toBe("S!B3:B4");
      expect(props.value).toEqual([{ rowHidden: false }, { rowHidden: true }]);
    });
    expect(s.noteAt("B3")?.content).toBe("hello");
  });

  test("table rows.add inserts above the totals row and shifts the cells below; null cells are refused", async () => {
    const wb = new FakeWorkbook();
    const s = wb.addSheet("S", [["a", "b"], ["1", "2"], ["合计", "2"], [], ["below"]]);
    s.addTable("T", "A1:B3", true);
    await run(wb, async (ctx) => {
      ctx.workbook.worksheets
        .getItem("S")
        .tables.getItem("T")
        .rows.add(undefined, [
          ["3", "4"],
          ["5", "6"],
        ]);
      await ctx.sync();
    });
    expect(s.tables[0].rect).toEqual({ row: 0, column: 0, rows: 5, columns: 2 });
    expect([s.value("A3"), s.value("A4"), s.value("A5"), s.value("A7")]).toEqual([3, 5, "合计", "below"]);
    await expect(
      run(wb, async (ctx) => {
        ctx.workbook.worksheets
          .getItem("S")
          .tables.getItem("T")
          .rows.add(undefined, [["x", null]]);
        await ctx.sync();
      })
    ).rejects.toThrow(FakeExcelError);
  });

  test("range.clear removes values and formats; 'Contents' keeps formats", async () => {
    const wb = new FakeWorkbook();
    const s = wb.addSheet("S", [
      ["a", "b"],
      ["c", "d"],
    ]);
    s.fill.setCell(0, 0, "#FF0000");
    s.numberFormat.setCell(1, 1, "@");
    await run(wb, async (ctx) => {
      ctx.workbook.worksheets.getItem("S").getRange("B1:B2").clear("Contents");
      await ctx.sync();
    });
    expect([s.value("A1"), s.value("B1"), s.value("B2"), s.numberFormatAt("B2")]).toEqual(["a", "", "", "@"]);
    await run(wb, async (ctx) => {
      ctx.workbook.worksheets.getItem("S").getRange().clear();
      await ctx.sync();
    });
    expect([s.value("A1"), s.fillAt("A1"), s.numberFormatAt("B2"), s.usedRect()]).toEqual([
      "",
      undefined,
      "General",
      null,
    ]);
  });
});
