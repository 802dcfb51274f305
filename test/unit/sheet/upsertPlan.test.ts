import { headerIsKind } from "../../../src/sheet/office";
import { blueInvoicesSchema, inputPoolSchema, type ColumnSpec } from "../../../src/sheet/schemas";
import {
  OP_OVERHEAD_BYTES,
  UPSERT_KEYS,
  cellForColumn,
  excelSerial,
  planCellChunks,
  prepareUpserts,
  rowKey,
  sameCellValue,
  type CellWrite,
  type RowCells,
} from "../../../src/sheet/writePlan";

const pool = (key: string): ColumnSpec => {
  const c = inputPoolSchema.columns.find((x) => x.key === key);
  if (!c) throw new Error(key);
  return c;
};
const keyOf = (cells: Record<string, unknown>) =>
  rowKey(inputPoolSchema, UPSERT_KEYS.inputPool, (k) => cells[k] ?? null);

describe("rowKey", () => {
  test("发票代码 + 发票号码; a number cell that kept its digits matches the text", () => {
    expect(keyOf({ invoiceCode: "033001900111", invoiceNumber: "00000001" })).toBe(
      keyOf({ invoiceCode: " 0330 0190 0111 ", invoiceNumber: "00000001" })
    );
    expect(keyOf({ invoiceCode: "3300190011", invoiceNumber: 12345678 })).toBe(
      keyOf({ invoiceCode: "3300190011", invoiceNumber: "12345678" })
    );
    expect(keyOf({ invoiceCode: "033001900111", invoiceNumber: "00000001" })).not.toBe(
      keyOf({ invoiceCode: "033001900112", invoiceNumber: "00000001" })
    );
  });

  test("数电 (20-digit 发票号码): the number alone, whatever the code cell holds; blank keys match nothing", () => {
    const no = "24332000000012345678";
    expect(keyOf({ invoiceCode: "243320000000", invoiceNumber: no })).toBe(
      keyOf({ invoiceCode: "", invoiceNumber: no })
    );
    // An 8-digit number keeps its code in the key.
    expect(keyOf({ invoiceCode: "", invoiceNumber: "00000001" })).not.toBe(
      keyOf({ invoiceCode: "033001900111", invoiceNumber: "00000001" })
    );
    expect(keyOf({ invoiceCode: "", invoiceNumber: "  " })).toBeNull();
  });
});

describe("cellForColumn", () => {
  const ok = (col: string, v: string): CellWrite => {
    const r = cellForColumn(pool(col), v, 1);
    if (!r.ok) throw new Error(r.refusal.message);
    return r.value;
  };

  test("amounts become numbers in the column format, exactly; codes and free text stay text", () => {
    expect(ok("amount", "-1234.50")).toEqual({ value: -1234.5, format: "#,##0.00" });
    expect(ok("amount", "999999999999.99")).toEqual({ value: 999999999999.99, format: "#,##0.00" });
    expect(ok("amount", "-0.00")).toEqual({ value: 0, format: "#,##0.00" });
    expect(ok("invoiceCode", "033001900111")).toEqual({ value: "033001900111", format: "@" });
    expect(ok("usagePeriod", "202410")).toEqual({ value: "202410", format: "@" });
    expect(ok("amount", "")).toEqual({ value: "", format: null });
  });

  test("dates and date-times become Excel serials", () => {
    expect(ok("issueDate", "2024-10-22")).toEqual({ value: 45587, format: "yyyy-mm-dd" });
    expect(ok("selectTime", "2024-10-22 12:00:00")).toEqual({
      value: 45587.5,
      format: "yyyy-mm-dd hh:mm:ss",
    });
    expect(excelSerial("1900-03-01")).toBe(61);
    expect(excelSerial("1900-02-28")).toBeNull();
  });

  test("refused: rounding needed, 13 integer digits, words, an impossible day", () => {
    const code = (col: string, v: string) => {
      const r = cellForColumn(pool(col), v, 7);
      return r.ok ? "ok" : r.refusal.message;
    };
    expect(code("amount", "1.005")).toBe("第7条数据的金额“1.005”无法写入工作表：金额须为最多两位小数的数字");
    expect(code("amount", "1000000000000.00")).toMatch(/金额须为最多两位小数的数字$/);
    expect(code("taxAmount", "一百")).toMatch(/^第7条数据的税额“一百”/);
    expect(code("issueDate", "2024-02-30")).toMatch(/日期须为yyyy-mm-dd格式/);
  });
});

describe("sameCellValue", () => {
  test("as the column parses both: amounts by value, days by day, text trimmed, blank only equals blank", () => {
    expect(sameCellValue(pool("totalAmount"), 1130, "1130.00")).toBe(true);
    expect(sameCellValue(pool("totalAmount"), "¥1,130.00", "1130.00")).toBe(true);
    expect(sameCellValue(pool("totalAmount"), 1130.01, "1130.00")).toBe(false);
    expect(sameCellValue(pool("issueDate"), 45587, "2024-10-22")).toBe(true);
    expect(sameCellValue(pool("invoiceStatus"), " 正常 ", "正常")).toBe(true);
    expect(sameCellValue(pool("invoiceStatus"), "正常", "部分红冲")).toBe(false);
    expect(sameCellValue(pool("sellerName"), null, "")).toBe(true);
    expect(sameCellValue(pool("sellerName"), "某公司", "")).toBe(false);
    expect(sameCellValue(pool("sellerName"), "", "某公司")).toBe(false);
  });
});

describe("prepareUpserts", () => {
  test("merges repeated keys (later wins) and lists the given columns in schema order", () => {
    const r = prepareUpserts(
      inputPoolSchema,
      UPSERT_KEYS.inputPool,
      [
        { values: { invoiceStatus: "正常", invoiceNumber: "00000001", invoiceCode: "033001900111" } },
        { values: { invoiceNumber: "00000002", invoiceCode: "033001900111", amount: "1.00" } },
        { values: { invoiceNumber: "00000001", invoiceCode: "033001900111", invoiceStatus: "作废" } },
      ],
      "进项发票池"
    );
    if (!r.ok) throw new Error(r.refusal.message);
    expect(r.value.itemOf).toEqual([0, 1, 0]);
    expect(r.value.rows[0].values.get("invoiceStatus")?.text).toBe("作废");
    expect(r.value.givenColumns).toEqual(["invoiceCode", "invoiceNumber", "amount", "invoiceStatus"]);
  });

  test("an unknown column is a programming error", () => {
    expect(() =>
      prepareUpserts(inputPoolSchema, UPSERT_KEYS.inputPool, [{ values: { nope: "1" } }], "进项发票池")
    ).toThrow(TypeError);
  });
});

describe("planCellChunks", () => {
  const text = (v: string): CellWrite => ({ value: v, format: "@" });
  const rowOf = (row: number, cols: number[]): RowCells => ({
    row,
    cells: new Map(cols.map((c) => [c, text(`r${row}c${c}`)])),
  });

  test("blocks per run of rows × run of columns: gaps in rows or columns are never written over", () => {
    const [chunk] = planCellChunks([rowOf(5, [0, 1, 4]), rowOf(3, [1]), rowOf(4, [0])]);
    expect(chunk.rows).toEqual([3, 4, 5]);
    // Rows 3–5 are one run; columns 0–1 and 4 are two runs (2–3 belong to the user).
    expect(chunk.blocks.map((b) => [b.row, b.column, b.values.length, b.values[0].length])).toEqual([
      [3, 0, 3, 2],
      [3, 4, 3, 1],
    ]);
    expect(chunk.blocks[0].values).toEqual([
      [null, "r3c1"],
      ["r4c0", null],
      ["r5c0", "r5c1"],
    ]);
    expect(chunk.blocks[0].numberFormat).toEqual([
      [null, "@"],
      ["@", null],
      ["@", "@"],
    ]);
  });

  test("chunks close at the row limit and at the byte budget (scattered rows pay for their range calls)", () => {
    const many = Array.from({ length: 12_000 }, (_, i) => rowOf(i + 1, [0]));
    expect(planCellChunks(many).map((c) => c.rows.length)).toEqual([5_000, 5_000, 2_000]);
    const scattered = Array.from({ length: 1_000 }, (_, i) => rowOf(2 * i + 1, [0]));
    const chunks = planCellChunks(scattered, { byteBudget: 100 * 3 * OP_OVERHEAD_BYTES });
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks.every((c) => c.rows.length < 100)).toBe(true);
  });
});

describe("headerIsKind", () => {
  const headers = (s: { columns: readonly ColumnSpec[] }) => s.columns.map((c) => c.header);
  test("a 蓝票清单 header is not the pool's, the pool's is; ties only in a sheet named after the kind", () => {
    expect(headerIsKind("inputPool", headers(blueInvoicesSchema), false)).toBe(false);
    expect(headerIsKind("blueInvoices", headers(blueInvoicesSchema), false)).toBe(true);
    expect(headerIsKind("inputPool", headers(inputPoolSchema), false)).toBe(true);
    const shared = ["发票代码", "发票号码", "发票状态"];
    expect(headerIsKind("inputPool", shared, false)).toBe(false);
    expect(headerIsKind("inputPool", shared, true)).toBe(true);
    expect(headerIsKind("inputPool", ["发票号码"], true)).toBe(false);
  });
});
