import { MAX_AREAS_ADDRESS_CHARS } from "../../../src/sheet/address";
import type { RowWriteBack } from "../../../src/sheet/port";
import { SCHEMAS } from "../../../src/sheet/schemas";
import { MARK_PREFIX, cellKey, planWrite, utf8Bytes } from "../../../src/sheet/writePlan";

const blue = SCHEMAS.blueInvoices;
// A: 发票号码, B: 发票种类, C: 发票状态, D: 购方税号, E: 流水号, F: 处理状态, G: 失败原因, H: 红票号码
const columns = {
  invoiceNumber: 0,
  invoiceKind: 1,
  invoiceStatus: 2,
  buyerTaxId: 3,
  serialNo: 4,
  processStatus: 5,
  failureReason: 6,
  redInvoiceNumber: 7,
};
const ok = (rowIndex: number, values: RowWriteBack["values"] = { processStatus: "成功" }): RowWriteBack => ({
  rowIndex,
  values,
  cellErrors: [],
});

describe("planWrite", () => {
  test("contiguous rows become one 2-D block; unset keys are null (cell kept); text results get '@'", () => {
    const [chunk] = planWrite(
      blue,
      columns,
      [
        ok(3, { serialNo: "000123", processStatus: "成功" }),
        ok(1, { processStatus: "成功" }),
        ok(2, { processStatus: "失败" }),
      ],
      { mode: "notes" }
    );
    expect(chunk.rows).toEqual([1, 2, 3]);
    expect(chunk.blocks).toEqual([
      {
        row: 1,
        column: 4,
        values: [
          [null, "成功"],
          [null, "失败"],
          ["000123", "成功"],
        ],
        numberFormat: [
          [null, "@"],
          [null, "@"],
          ["@", "@"],
        ],
      },
    ]);
  });

  test("separate row runs and separate column runs give separate blocks", () => {
    const [chunk] = planWrite(
      blue,
      columns,
      [ok(1, { serialNo: "a", redInvoiceNumber: "12345678" }), ok(5, { serialNo: "b" })],
      {
        mode: "notes",
      }
    );
    expect(chunk.blocks.map((b) => [b.row, b.column, b.values])).toEqual([
      [1, 4, [["a"]]],
      [1, 7, [["12345678"]]],
      [5, 4, [["b"]]],
    ]);
  });

  test("bad cells: red marks, one note per cell with our prefix, a summary in 失败原因", () => {
    const [chunk] = planWrite(
      blue,
      columns,
      [
        {
          rowIndex: 4,
          values: { processStatus: "失败" },
          cellErrors: [
            { columnKey: "buyerTaxId", message: "购方税号校验位错误" },
            { columnKey: "buyerTaxId", message: "另一条" },
            { columnKey: "invoiceKind", message: "无法识别的发票种类" },
          ],
        },
      ],
      { mode: "notes" }
    );
    expect(chunk.markAddresses).toEqual(["B5,D5"]);
    expect(chunk.annotations).toEqual([
      { row: 4, column: 1, address: "B5", text: `${MARK_PREFIX}无法识别的发票种类` },
      { row: 4, column: 3, address: "D5", text: `${MARK_PREFIX}购方税号校验位错误\n另一条` },
    ]);
    expect(chunk.blocks[0].values).toEqual([["失败", "有2个单元格有误，详见红色单元格的备注"]]);
  });

  test("column mode (no notes, no comments): the messages go into 失败原因 with the cell address", () => {
    const [chunk] = planWrite(
      blue,
      columns,
      [
        {
          rowIndex: 4,
          values: { failureReason: "校验失败" },
          cellErrors: [{ columnKey: "buyerTaxId", message: "校验位错误" }],
        },
      ],
      { mode: "column" }
    );
    expect(chunk.annotations).toEqual([]);
    expect(chunk.markAddresses).toEqual(["D5"]);
    expect(chunk.blocks[0].values).toEqual([["校验失败；购方税号（D5）：校验位错误"]]);
  });

  test("a cell that already has someone's note is filled but explained in 失败原因 instead", () => {
    const [chunk] = planWrite(
      blue,
      columns,
      [{ rowIndex: 4, values: {}, cellErrors: [{ columnKey: "buyerTaxId", message: "校验位错误" }] }],
      { mode: "comments", occupied: new Set([cellKey(4, 3)]) }
    );
    expect(chunk.annotations).toEqual([]);
    expect(chunk.markAddresses).toEqual(["D5"]);
    expect(chunk.blocks[0].values).toEqual([["购方税号（D5）：校验位错误"]]);
  });

  test("an error on a column the sheet lacks is a row message", () => {
    const [chunk] = planWrite(
      blue,
      columns,
      [{ rowIndex: 2, values: {}, cellErrors: [{ columnKey: "redAmount", message: "须大于0" }] }],
      { mode: "notes" }
    );
    expect(chunk.markAddresses).toEqual([]);
    expect(chunk.blocks[0].values).toEqual([["本次红冲金额：须大于0"]]);
  });

  test("writing a non-result column is a programming error", () => {
    expect(() => planWrite(blue, columns, [ok(1, { invoiceStatus: "正常" })], { mode: "notes" })).toThrow(
      /not a result column/
    );
  });

  test("chunks close at the row limit", () => {
    const results = Array.from({ length: 12_001 }, (_, i) => ok(i + 1));
    const chunks = planWrite(blue, columns, results, { mode: "notes", maxRowsPerChunk: 5000 });
    expect(chunks.map((c) => c.rows.length)).toEqual([5000, 5000, 2001]);
  });

  test("chunks close early on bytes: long messages split the rows, each chunk under the budget", () => {
    const long = "错".repeat(2000); // 6 kB a message
    const results: RowWriteBack[] = Array.from({ length: 1000 }, (_, i) => ({
      rowIndex: i + 1,
      values: { processStatus: "失败" },
      cellErrors: [{ columnKey: "buyerTaxId", message: long }],
    }));
    const budget = 1_000_000;
    const chunks = planWrite(blue, columns, results, { mode: "notes", byteBudget: budget });
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.reduce((n, c) => n + c.rows.length, 0)).toBe(1000);
    for (const c of chunks) {
      expect(c.estimatedBytes).toBeLessThanOrEqual(budget);
      expect(c.annotations.reduce((n, a) => n + utf8Bytes(a.text), 0)).toBeLessThanOrEqual(budget);
      for (const a of c.markAddresses) expect(a.length).toBeLessThanOrEqual(MAX_AREAS_ADDRESS_CHARS);
    }
  });
});
