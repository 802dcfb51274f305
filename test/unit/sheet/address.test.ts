import {
  MAX_AREAS_ADDRESS_CHARS,
  MAX_ROWS,
  cellAddress,
  chunkRuns,
  columnIndex,
  columnLetters,
  mergeRuns,
  packAddresses,
  parseRect,
  qualifiedAddress,
  splitSheet,
  toRowRuns,
} from "../../../src/sheet/address";

describe("A1 addresses", () => {
  test("column letters round-trip at the 1- and 2-letter boundaries", () => {
    expect([0, 25, 26, 701, 702, 16383].map(columnLetters)).toEqual(["A", "Z", "AA", "ZZ", "AAA", "XFD"]);
    for (const i of [0, 25, 26, 51, 52, 701, 702, 16383]) expect(columnIndex(columnLetters(i))).toBe(i);
  });

  test("cells, ranges, whole columns and whole rows parse to 0-based rectangles", () => {
    expect(cellAddress(4, 2)).toBe("C5");
    expect(parseRect("C5")).toEqual({ row: 4, column: 2, rows: 1, columns: 1 });
    expect(parseRect("$B$2:D9")).toEqual({ row: 1, column: 1, rows: 8, columns: 3 });
    expect(parseRect("A:C")).toEqual({ row: 0, column: 0, rows: MAX_ROWS, columns: 3 });
    expect(parseRect("3:5")).toEqual({ row: 2, column: 0, rows: 3, columns: 16384 });
    expect(parseRect("not an address")).toBeNull();
  });

  test("sheet names with spaces are quoted and unquoted", () => {
    const a = qualifiedAddress("My sheet", { row: 0, column: 0, rows: 2, columns: 2 });
    expect(a).toBe("'My sheet'!A1:B2");
    expect(splitSheet(a)).toEqual({ sheet: "My sheet", local: "A1:B2" });
    expect(qualifiedAddress("蓝票清单", { row: 1, column: 0, rows: 1, columns: 1 })).toBe("蓝票清单!A2");
  });
});

describe("row runs", () => {
  test("rows become maximal runs; overlapping areas merge", () => {
    expect(toRowRuns([5, 3, 4, 9, 10, 3])).toEqual([
      { start: 3, count: 3 },
      { start: 9, count: 2 },
    ]);
    expect(
      mergeRuns([
        { start: 10, count: 5 },
        { start: 2, count: 3 },
        { start: 12, count: 10 },
        { start: 5, count: 1 },
      ])
    ).toEqual([
      { start: 2, count: 4 },
      { start: 10, count: 12 },
    ]);
  });

  test("chunks hold at most maxRows rows, splitting a long run", () => {
    const chunks = chunkRuns(
      [
        { start: 1, count: 7 },
        { start: 20, count: 2 },
      ],
      4
    );
    expect(chunks).toEqual([
      [{ start: 1, count: 4 }],
      [
        { start: 5, count: 3 },
        { start: 20, count: 1 },
      ],
      [{ start: 21, count: 1 }],
    ]);
  });
});

describe("packAddresses (getRanges strings)", () => {
  test("adjacent cells of a column merge into one area", () => {
    expect(
      packAddresses([
        { row: 4, column: 2 },
        { row: 5, column: 2 },
        { row: 6, column: 2 },
        { row: 1, column: 0 },
      ])
    ).toEqual(["A2,C5:C7"]);
  });

  test("every string stays within the length limit and all cells are kept", () => {
    const cells = Array.from({ length: 5000 }, (_, i) => ({ row: i * 2, column: i % 7 }));
    const packed = packAddresses(cells);
    expect(packed.length).toBeGreaterThan(1);
    for (const s of packed) expect(s.length).toBeLessThanOrEqual(MAX_AREAS_ADDRESS_CHARS);
    const all = packed.flatMap((s) => s.split(","));
    expect(all).toHaveLength(5000);
    expect(new Set(all)).toEqual(new Set(cells.map((c) => cellAddress(c.row, c.column))));
  });
});
