/**
 * The port's bulk-template methods on the Office adapter over the in-memory Excel: createTemplateSheet
 * (the same sheet as `hongchong template`), readValues (values from A1 with the facts the import
 * checks) and applyImportPlan (the import's write-back plan, as annotate.ts applies it to a file).
 */
import { columnLetters, intersect, type Rect } from "../../../../src/sheet/address";
import { OfficeWorkbook } from "../../../../src/sheet/office";
import { USER_NOTE_SEPARATOR } from "../../../../src/sheet/office/applyPlan";
import {
  TEMPLATE_HEADER_FILL,
  TEMPLATE_RESULT_HEADER_FILL,
} from "../../../../src/sheet/office/templateSheet";
import { FAILURE_FILL, MARK_PREFIX } from "../../../../src/sheet/writePlan";
import { TEMPLATE_KINDS } from "../../../../src/sheet/xlsx/kinds";
import {
  DEFAULT_MAX_ROWS,
  OFFICE_TEMPLATE_VALIDATED_ROWS,
  TEMPLATE_VALIDATED_ROWS,
} from "../../../../src/sheet/xlsx/limits";
import { NOTE_PREFIX, type AnnotationPlan } from "../../../../src/sheet/xlsx/plan";
import { buildTemplateWorkbook } from "../../../../src/sheet/xlsx/template";
import { templateSheetData } from "../../../../src/sheet/xlsx/templateData";
import { FakeRange, FakeWorkbook, type FakeSheet } from "../../../support/fakeExcel";
import { snap } from "../../xlsx/helpers";
import { fakeHost } from "../../../support/fakeHost";

/**
 * The fake does not model merged cells; Range.getMergedAreasOrNullObject (ExcelApi 1.13) is added
 * here for these tests: merged areas per sheet, those intersecting the range, or a null object.
 */
const MERGES = new WeakMap<FakeSheet, Rect[]>();
type Patched = { getMergedAreasOrNullObject?: () => unknown };
beforeAll(() => {
  (FakeRange.prototype as unknown as Patched).getMergedAreasOrNullObject = function (this: FakeRange) {
    const found = (): Rect[] => {
      const t = this.target.get();
      return t ? (MERGES.get(t.sheet) ?? []).filter((m) => intersect(m, t.rect)) : [];
    };
    const areas = {
      load: () => areas,
      get items() {
        return found().map((r) => ({
          rowIndex: r.row,
          columnIndex: r.column,
          rowCount: r.rows,
          columnCount: r.columns,
        }));
      },
    };
    const merged = {
      load: () => merged,
      areas,
      get isNullObject() {
        return found().length === 0;
      },
    };
    return merged;
  };
});
afterAll(() => {
  delete (FakeRange.prototype as unknown as Patched).getMergedAreasOrNullObject;
});

const portOf = (wb: FakeWorkbook, api = "1.18") => new OfficeWorkbook(fakeHost(wb, api));
const A = (row: number, column: number) => `${columnLetters(column)}${row + 1}`;

describe("createTemplateSheet", () => {
  test.each(TEMPLATE_KINDS)(
    "%s: the same headers, fonts, formats and drop-downs as the CLI's",
    async (kind) => {
      const wb = new FakeWorkbook();
      wb.addSheet("Sheet1");
      const data = templateSheetData(kind);
      const r = await portOf(wb).createTemplateSheet(data);
      if (!r.ok) throw new Error(r.refusal.message);
      expect(r.value).toEqual({
        sheetName: data.sheetName,
        instructionsSheetName: "说明",
        columns: data.columns.length,
      });
      expect(wb.syncs).toBe(2);
      const s = wb.sheet(data.sheetName)!;
      expect(wb.active).toBe(s);
      expect(s.frozenRows).toBe(1);

      // The CLI's exceljs template of the same kind, cell by cell.
      const cli = buildTemplateWorkbook(kind).getWorksheet(data.sheetName)!;
      const cliValidations = (cli as unknown as { dataValidations: { model: Record<string, unknown> } })
        .dataValidations.model;
      data.columns.forEach((c, i) => {
        const head = snap(cli.getCell(1, i + 1));
        expect(s.value(A(0, i))).toBe(head.value);
        expect(s.boldAt(A(0, i))).toBe(true);
        const cliFont = head.font?.color?.argb;
        expect([c.header, s.fontColorAt(A(0, i))]).toEqual([
          c.header,
          cliFont ? `#${cliFont.slice(2)}` : undefined,
        ]);
        expect(s.fontColorAt(A(0, i)) === "#FF0000").toBe(c.required);
        const fill = (head.fill as { fgColor?: { argb?: string } }).fgColor?.argb;
        expect(s.fillAt(A(0, i))).toBe(`#${fill?.slice(2)}`);
        expect(s.fillAt(A(0, i))).toBe(c.result ? TEMPLATE_RESULT_HEADER_FILL : TEMPLATE_HEADER_FILL);
        // Number format down the column, as the CLI's column style.
        expect(s.numberFormatAt(A(1, i))).toBe(cli.getColumn(i + 1).numFmt);
        expect(s.numberFormatAt(A(99_999, i))).toBe(c.numberFormat);
        const letters = columnLetters(i);
        const cliRule = cliValidations[`${letters}2:${letters}${TEMPLATE_VALIDATED_ROWS + 1}`] as
          { type: string; formulae: unknown[] } | undefined;
        const rule = s.validationAt(A(1, i));
        if (cliRule?.type === "list") {
          expect(rule).toEqual({ list: { inCellDropDown: true, source: c.validationList!.join(",") } });
          expect(`"${(rule!.list as { source: string }).source}"`).toBe(cliRule.formulae[0]);
        } else if (cliRule?.type === "textLength") {
          expect(rule).toEqual({ textLength: { formula1: 19, operator: "LessThanOrEqualTo" } });
        } else {
          expect(rule).toBeUndefined();
        }
        // In Excel the lists reach the import's row limit (one rule per range costs nothing there).
        expect(s.validationAt(A(OFFICE_TEMPLATE_VALIDATED_ROWS, i))).toEqual(rule);
        expect(s.validationAt(A(OFFICE_TEMPLATE_VALIDATED_ROWS + 1, i))).toBeUndefined();
        expect(OFFICE_TEMPLATE_VALIDATED_ROWS).toBe(DEFAULT_MAX_ROWS);
        expect(s.validationAt(A(0, i))).toBeUndefined();
      });
      // Every enum column has its drop-down (none is over the 255-character limit).
      for (const [i, c] of data.columns.entries()) {
        if (c.validationList) expect(s.validationAt(A(5, i))?.list).toBeDefined();
      }

      // The 说明 sheet: notes, the column table, required names in red; examples stay text.
      const ins = wb.sheet("说明")!;
      const cliIns = buildTemplateWorkbook(kind).getWorksheet("说明")!;
      data.instructions.notes.forEach((n, i) => expect(ins.value(A(i, 0))).toBe(n));
      const top = data.instructions.notes.length + 1;
      expect(data.instructions.header.map((_, j) => ins.value(A(top, j)))).toEqual([
        ...data.instructions.header,
      ]);
      data.instructions.rows.forEach((row, i) => {
        row.forEach((v, j) => {
          expect(ins.value(A(top + 1 + i, j))).toBe(v);
          expect(ins.value(A(top + 1 + i, j))).toBe(cliIns.getCell(top + 2 + i, j + 1).value ?? "");
        });
        expect(ins.fontColorAt(A(top + 1 + i, 0))).toBe(data.columns[i].required ? "#FF0000" : undefined);
      });
    }
  );

  test("a second insertion gets numbered sheet names", async () => {
    const wb = new FakeWorkbook();
    wb.addSheet("Sheet1");
    const port = portOf(wb);
    const data = templateSheetData("confirm-form-drafts");
    await port.createTemplateSheet(data);
    const r = await port.createTemplateSheet(data);
    expect(r.ok && r.value).toMatchObject({ sheetName: "红字确认单 (2)", instructionsSheetName: "说明 (2)" });
  });

  test("quantities, unit prices, codes and tax IDs typed into the template stay text", async () => {
    const wb = new FakeWorkbook();
    wb.addSheet("Sheet1");
    const data = templateSheetData("info-form-import");
    await portOf(wb).createTemplateSheet(data);
    const s = wb.sheet(data.sheetName)!;
    const at = (h: string) => data.columns.findIndex((c) => c.header === h);
    s.writeValue(1, at("数量"), "-1.1234567890123");
    s.writeValue(1, at("单价"), "100.1000000000001");
    s.writeValue(1, at("原发票代码"), "044031900111");
    s.writeValue(1, at("金额"), "-112.35");
    expect(s.value(A(1, at("数量")))).toBe("-1.1234567890123");
    expect(s.value(A(1, at("单价")))).toBe("100.1000000000001");
    expect(s.value(A(1, at("原发票代码")))).toBe("044031900111");
    expect(s.value(A(1, at("金额")))).toBe(-112.35);
  });
});

describe("readValues", () => {
  test("values from A1 (padded), hidden rows, merged header cells, in chunks of rows", async () => {
    const wb = new FakeWorkbook();
    const s = wb.addSheet("数据");
    s.setValues(2, 1, [["标题"], [], ["申请方", "金额"], ["销方申请", -1]]);
    s.hideRows(4);
    MERGES.set(s, [{ row: 2, column: 1, rows: 1, columns: 2 }]);
    const r = await portOf(wb).readValues();
    if (!r.ok) throw new Error(r.refusal.message);
    expect(r.value.sheetName).toBe("数据");
    expect(r.value.values).toEqual([
      [],
      [],
      ["", "标题", ""],
      ["", "", ""],
      ["", "申请方", "金额"],
      ["", "销方申请", -1],
    ]);
    expect(r.value.hiddenRows).toEqual([4]);
    expect(r.value.merges).toEqual([{ row: 2, column: 1, rows: 1, columns: 2 }]);
    expect(r.value.selectedRows).toBeNull();
  });

  test("without ExcelApi 1.13 merges are not asked for", async () => {
    const wb = new FakeWorkbook();
    const s = wb.addSheet("数据", [["a", "b"]]);
    MERGES.set(s, [{ row: 0, column: 0, rows: 1, columns: 2 }]);
    const r = await portOf(wb, "1.12").readValues();
    expect(r.ok && r.value.merges).toEqual([]);
  });

  test("the rows a multi-area selection touches, clipped to the used range", async () => {
    const wb = new FakeWorkbook();
    wb.addSheet("数据", [["h"], ["1"], ["2"], ["3"], ["4"], ["5"]]);
    wb.select("数据", "A3:A4,C6:D9");
    const r = await portOf(wb).readValues({ selectionOnly: true });
    expect(r.ok && r.value.selectedRows).toEqual([2, 3, 5]);
  });

  test("a named sheet; an empty sheet; a missing sheet; too many rows refused before reading", async () => {
    const wb = new FakeWorkbook();
    wb.addSheet("Sheet1");
    const big = wb.addSheet("大");
    big.setValues(30_020, 0, [["x"]]);
    const port = portOf(wb);
    const empty = await port.readValues();
    expect(empty.ok && empty.value.values).toEqual([]);
    const missing = await port.readValues({ sheetName: "无" });
    expect(!missing.ok && missing.refusal.code).toBe("SHEET_NOT_FOUND");
    wb.resetStats();
    const tooMany = await port.readValues({ sheetName: "大", maxRows: 30_000 });
    expect(!tooMany.ok && tooMany.refusal.code).toBe("FILE_TOO_MANY_ROWS");
    // Found and sized, nothing read.
    expect(wb.syncs).toBe(2);
  });

  test("12,000 rows are read in a few syncs and cancel stops between chunks", async () => {
    const wb = new FakeWorkbook();
    const rows = [["h1", "h2"], ...Array.from({ length: 12_000 }, (_, i) => [`r${i}`, i])];
    wb.addSheet("数据", rows);
    wb.limitSyncs(5);
    const phases: number[] = [];
    const r = await portOf(wb).readValues({ onProgress: (p) => phases.push(p.done) });
    expect(r.ok && r.value.values.length).toBe(12_001);
    expect(r.ok && r.value.values[12_000]).toEqual(["r11999", 11999]);
    expect(phases).toEqual([5000, 10000, 12001]);
    const ac = new AbortController();
    wb.resetStats();
    const cancelled = await portOf(wb).readValues({
      signal: ac.signal,
      onProgress: () => ac.abort(),
    });
    expect(!cancelled.ok && cancelled.refusal.code).toBe("SHEET_CANCELLED");
  });
});

describe("applyImportPlan", () => {
  const sheetName = "导入";
  const basePlan = (over: Partial<AnnotationPlan> = {}): AnnotationPlan => ({
    sheetName,
    headerRow: 0,
    addColumns: [{ key: "failureReason", header: "失败原因", column: 2, numberFormat: "@" }],
    columnOf: { a: 0, b: 1, failureReason: 2 },
    marks: [{ row: 1, column: 1, message: "金额不能为空" }],
    clearRows: [1, 2],
    clearColumns: [0, 1],
    writes: [
      { row: 1, column: 2, value: "金额不能为空" },
      { row: 2, column: 2, value: null },
    ],
    ...over,
  });
  const build = () => {
    const wb = new FakeWorkbook();
    const s = wb.addSheet(sheetName, [
      ["a", "b"],
      ["x", ""],
      ["y", "2"],
    ]);
    return { wb, s };
  };

  test("appends headers, fills bad cells red with a note, writes text; clears earlier marks", async () => {
    const { wb, s } = build();
    // An earlier run: B3 red with our note, 失败原因 filled; the user's own note on A2.
    s.fill.setCell(2, 1, FAILURE_FILL);
    s.addNote("B3", `${NOTE_PREFIX}旧的原因`);
    s.addNote("A2", "用户的批注");
    s.setValues(2, 2, [["旧的原因"]]);
    const r = await portOf(wb).applyImportPlan(basePlan(), { expectedHeader: ["a", "b"] });
    if (!r.ok) throw new Error(r.refusal.message);
    expect(r.value).toEqual({
      sheetName,
      appendedColumns: ["失败原因"],
      cellsMarked: 1,
      // B3: fill and note, one cell.
      marksCleared: 1,
      cellsWritten: 2,
      annotationMode: "notes",
      cancelled: false,
    });
    expect(s.value("C1")).toBe("失败原因");
    expect(s.boldAt("C1")).toBe(true);
    expect(s.filledCells(FAILURE_FILL)).toEqual(["B2"]);
    expect(s.noteAt("B2")?.content).toBe(`${NOTE_PREFIX}金额不能为空`);
    expect(s.noteAt("B3")).toBeUndefined();
    expect(s.noteAt("A2")?.content).toBe("用户的批注");
    expect(s.value("C2")).toBe("金额不能为空");
    expect(s.numberFormatAt("C2")).toBe("@");
    expect(s.value("C3")).toBe("");
    expect(wb.enableEvents).toBe(true);
  });

  test("a user's note on a bad cell is folded into ours and comes back when the mark is cleared", async () => {
    const { wb, s } = build();
    s.addNote("B2", "请找张三核对");
    const port = portOf(wb);
    await port.applyImportPlan(basePlan());
    expect(s.noteAt("B2")?.content).toBe(`${NOTE_PREFIX}金额不能为空${USER_NOTE_SEPARATOR}请找张三核对`);
    const again = await port.applyImportPlan(basePlan({ addColumns: [], marks: [], writes: [] }));
    expect(again.ok && again.value.marksCleared).toBe(1);
    expect(s.noteAt("B2")?.content).toBe("请找张三核对");
    expect(s.filledCells(FAILURE_FILL)).toEqual([]);
  });

  test("the pane's other marks (【红冲助手】) in the planned rows are cleared too; other rows untouched", async () => {
    const { wb, s } = build();
    s.setValues(3, 0, [["z", "3"]]);
    s.addNote("A3", `${MARK_PREFIX}旧`);
    s.addNote("A4", `${NOTE_PREFIX}别的行`);
    s.fill.setCell(3, 0, FAILURE_FILL);
    await portOf(wb).applyImportPlan(basePlan());
    expect(s.noteAt("A3")).toBeUndefined();
    expect(s.noteAt("A4")?.content).toBe(`${NOTE_PREFIX}别的行`);
    expect(s.filledCells(FAILURE_FILL)).toEqual(["A4", "B2"]);
  });

  test("threaded comments before ExcelApi 1.18; only the 失败原因 column before 1.10", async () => {
    const c = build();
    c.s.addComment("A2", "用户评论");
    const withComments = await portOf(c.wb, "1.10").applyImportPlan(
      basePlan({ marks: [...basePlan().marks, { row: 1, column: 0, message: "申请方不能为空" }] })
    );
    expect(withComments.ok && withComments.value.annotationMode).toBe("comments");
    expect(c.s.commentAt("B2")?.content).toBe(`${NOTE_PREFIX}金额不能为空`);
    // A user's comment thread is never replaced.
    expect(c.s.commentAt("A2")?.content).toBe("用户评论");
    expect(c.s.filledCells(FAILURE_FILL)).toEqual(["A2", "B2"]);

    const n = build();
    const column = await portOf(n.wb, "1.9").applyImportPlan(basePlan());
    expect(column.ok && column.value.annotationMode).toBe("column");
    expect(n.s.noteAddresses()).toEqual([]);
    expect(n.s.commentAddresses()).toEqual([]);
    expect(n.s.filledCells(FAILURE_FILL)).toEqual(["B2"]);
    expect(n.s.value("C2")).toBe("金额不能为空");
  });

  test("refuses when the header moved, or the sheet is gone; writes nothing", async () => {
    const { wb, s } = build();
    const moved = await portOf(wb).applyImportPlan(basePlan(), { expectedHeader: ["b", "a"] });
    expect(!moved.ok && moved.refusal.code).toBe("SHEET_HEADER_CHANGED");
    expect(s.value("C1")).toBe("");
    const gone = await portOf(wb).applyImportPlan(basePlan({ sheetName: "无" }));
    expect(!gone.ok && gone.refusal.code).toBe("SHEET_NOT_FOUND");
  });

  test("12,000 rows: chunked syncs, every row written, earlier fills found by scanning", async () => {
    const wb = new FakeWorkbook();
    const rows = [["a", "b"], ...Array.from({ length: 12_000 }, (_, i) => [`x${i}`, i])];
    const s = wb.addSheet(sheetName, rows);
    for (let r = 1; r <= 12_000; r += 1000) s.fill.setCell(r, 0, FAILURE_FILL);
    const all = Array.from({ length: 12_000 }, (_, i) => i + 1);
    const plan = basePlan({
      marks: all.filter((r) => r % 7 === 0).map((row) => ({ row, column: 1, message: "错" })),
      clearRows: all,
      writes: all.map((row) => ({ row, column: 2, value: row % 7 === 0 ? "错" : null })),
    });
    wb.resetStats();
    wb.limitSyncs(20);
    const progress: number[] = [];
    const r = await portOf(wb).applyImportPlan(plan, { onProgress: (p) => progress.push(p.done) });
    if (!r.ok) throw new Error(r.refusal.message);
    expect(progress[progress.length - 1]).toBe(12_000);
    expect(r.value.cellsMarked).toBe(Math.floor(12_000 / 7));
    expect(r.value.marksCleared).toBe(12);
    expect(s.value("C8")).toBe("错");
    expect(s.value("C9")).toBe("");
    expect(s.noteAt("B11992")?.content).toBe(`${NOTE_PREFIX}错`);
    expect(s.filledCells(FAILURE_FILL)).toHaveLength(Math.floor(12_000 / 7));
  });

  test("cancel stops between chunks and says so", async () => {
    const wb = new FakeWorkbook();
    wb.addSheet(sheetName, [["a", "b"], ...Array.from({ length: 12_000 }, (_, i) => [`x${i}`, i])]);
    const all = Array.from({ length: 12_000 }, (_, i) => i + 1);
    const ac = new AbortController();
    const r = await portOf(wb).applyImportPlan(
      basePlan({ marks: [], clearRows: all, writes: all.map((row) => ({ row, column: 2, value: "v" })) }),
      { signal: ac.signal, onProgress: () => ac.abort() }
    );
    expect(r.ok && r.value.cancelled).toBe(true);
    expect(r.ok && r.value.cellsWritten).toBeLessThan(12_000);
  });
});
