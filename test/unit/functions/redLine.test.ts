/**
 * HC.REDAMOUNT / REDTAX / REDTOTAL / REDQTY / REDLINE give exactly the engine's red line for every
 * calcRedLine golden vector, however an Excel user types the inputs (text, doubles, percent text,
 * full-width characters, blank cells as null or as Excel desktop's 0).
 */
import { asExcelCalls, plain, thrown, valueError } from "./cfStub";
import * as hc from "../../../functions/functions";
import {
  calcRedLine,
  formatRedLine,
  RED_LINE_FIELD_LABEL,
  type RedLine,
} from "../../../src/domain/confirmForm";
import { RedReason, TaxMode } from "../../../src/domain/labels";
import { Dec } from "../../../src/domain/money";
import { REFUSALS, refusalMessage, type RefusalCode, type Result } from "../../../src/domain/refusals";
import { parseAmount, parseLabel } from "../../../src/domain/parse";
import { vectorsOf, type CalcInputs } from "./vectors";

type Args = unknown[];

const REDAMOUNT = asExcelCalls(hc.redAmount);
const REDTAX = asExcelCalls(hc.redTax);
const REDTOTAL = asExcelCalls(hc.redTotal);
const REDQTY = asExcelCalls(hc.redQty);
const REDLINE = asExcelCalls(hc.redLine);
const FUNCTIONS = { REDAMOUNT, REDTAX, REDTOTAL, REDQTY, REDLINE };

const cell = (v: unknown): unknown[][] => [[v]]; // what Excel hands an any[][] parameter for one cell

const FULL_WIDTH: Record<string, string> = { ".": "．", "-": "－", "%": "％" };
function fullWidth(s: string): string {
  return s.replace(/[0-9.%-]/g, (c) => FULL_WIDTH[c] ?? String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}
const percent = (rate: string): string => `${new Dec(rate).times(100).toFixed()}%`;

/** The eleven arguments, typed the way a user might. */
const TYPINGS: Record<string, (i: CalcInputs) => Args> = {
  "text cells as in the vector": (i) => [
    cell(i.reason),
    cell(i.taxMode),
    cell(i.taxRate),
    cell(i.remaining.amount),
    cell(i.remaining.tax),
    cell(i.remaining.quantity),
    cell(i.remaining.unitPrice),
    cell(i.edit.field),
    cell(i.edit.value),
    i.taxCode === undefined ? undefined : cell(i.taxCode),
    i.hasDiscountLine === undefined ? undefined : cell(i.hasDiscountLine),
  ],
  "number cells (Excel doubles), Chinese field label, 是/否, blanks as null": (i) => [
    cell(i.reason),
    cell(i.taxMode),
    cell(Number(i.taxRate)),
    cell(Number(i.remaining.amount)),
    cell(Number(i.remaining.tax)),
    cell(i.remaining.quantity === null ? null : Number(i.remaining.quantity)),
    cell(i.remaining.unitPrice === null ? null : Number(i.remaining.unitPrice)),
    cell(RED_LINE_FIELD_LABEL[i.edit.field]),
    cell(Number(i.edit.value)),
    cell(i.taxCode ?? null),
    cell(i.hasDiscountLine ? "是" : "否"),
  ],
  "percent-text rate, upper-case field id, blanks as Excel desktop's 0, plain scalars": (i) => [
    i.reason,
    i.taxMode,
    percent(i.taxRate),
    Number(i.remaining.amount),
    Number(i.remaining.tax),
    i.remaining.quantity === null ? 0 : Number(i.remaining.quantity),
    i.remaining.unitPrice === null ? 0 : Number(i.remaining.unitPrice),
    i.edit.field.toUpperCase(),
    Number(i.edit.value),
    i.taxCode ?? 0,
    i.hasDiscountLine ?? 0,
  ],
  "full-width text with ideographic spaces": (i) => [
    cell(`\u3000${i.reason}\u3000`),
    cell(i.taxMode),
    cell(fullWidth(percent(i.taxRate))),
    cell(fullWidth(i.remaining.amount)),
    cell(fullWidth(i.remaining.tax)),
    cell(i.remaining.quantity === null ? "" : fullWidth(i.remaining.quantity)),
    cell(i.remaining.unitPrice === null ? "" : fullWidth(i.remaining.unitPrice)),
    cell(RED_LINE_FIELD_LABEL[i.edit.field]),
    cell(fullWidth(i.edit.value)),
    cell(i.taxCode === undefined ? "" : fullWidth(i.taxCode)),
    cell(i.hasDiscountLine ? "TRUE" : ""),
  ],
};

/** The engine's own answer for a vector (strings straight from the fixture). */
function engine(i: CalcInputs): Result<RedLine> {
  return calcRedLine({
    reason: RedReason.normalize(i.reason)!,
    taxMode: TaxMode.normalize(i.taxMode)!,
    taxCode: i.taxCode ?? null,
    taxRate: i.taxRate,
    hasDiscountLine: i.hasDiscountLine ?? false,
    remaining: i.remaining,
    edit: i.edit,
  });
}

/** A catalogue message with its {placeholders} as wildcards. */
function catalogueRegExp(code: RefusalCode): RegExp {
  const parts = REFUSALS[code].split(/\{\w+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join(".+")}$`);
}

/** The cells each function should give for an engine line. */
function expectedCells(line: RedLine): Record<string, unknown[]> {
  const f = formatRedLine(line);
  const q = f.quantity ?? "";
  const p = f.unitPrice ?? "";
  return {
    REDAMOUNT: [Number(f.amount)],
    REDTAX: [Number(f.tax)],
    REDTOTAL: [Number(f.amountInclTax)],
    REDQTY: [q],
    REDLINE: [Number(f.amount), Number(f.tax), Number(f.amountInclTax), q, p],
  };
}

const VECTORS = vectorsOf("calcRedLine");

test("the fixtures hold the calcRedLine vectors (examples.json + contract vectors)", () => {
  expect(VECTORS.length).toBeGreaterThanOrEqual(29);
});

describe.each(Object.entries(TYPINGS))("typed as %s", (_typing, typeArgs) => {
  test.each(VECTORS.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    const inputs = v.inputs as unknown as CalcInputs;
    const expected = v.expected as Record<string, string | undefined>;
    const args = typeArgs(inputs);
    const fromEngine = engine(inputs);

    if (expected.refused !== undefined) {
      expect(fromEngine.ok).toBe(false);
      if (fromEngine.ok) return;
      expect(fromEngine.refusal.code).toBe(expected.refused);
      for (const fn of Object.values(FUNCTIONS)) {
        const e = thrown(() => fn(...args));
        expect(e.code).toBe("#VALUE!");
        expect(e.message).toBe(fromEngine.refusal.message);
        expect(e.message).toMatch(catalogueRegExp(expected.refused as RefusalCode));
      }
      return;
    }

    expect(fromEngine.ok).toBe(true);
    if (!fromEngine.ok) return;
    const want = expectedCells(fromEngine.value);
    // The fixture's own numbers, independently of the engine.
    expect(want.REDAMOUNT).toEqual([Number(expected.amount)]);
    expect(want.REDTAX).toEqual([Number(expected.tax)]);
    expect(want.REDTOTAL).toEqual([Number(expected.amountInclTax)]);
    if (expected.quantity !== undefined) expect(want.REDQTY).toEqual([expected.quantity]);
    if (expected.unitPrice !== undefined) expect(want.REDLINE[4]).toBe(expected.unitPrice);

    for (const [name, fn] of Object.entries(FUNCTIONS)) {
      expect([name, fn(...args)]).toEqual([name, [want[name]]]);
    }
  });
});

// ── Single values ────────────────────────────────────────────────────────────

/** EX-01's line: 销售退回, 普通征税 13%, 500.00 / 65.00 left, 50 units at 10. */
function salesReturn(editValue: unknown, over: Partial<Record<number, unknown>> = {}): Args {
  const args: Args = ["销售退回", "普通征税", 0.13, 500, 65, 50, 10, "数量", editValue, undefined, undefined];
  for (const [k, v] of Object.entries(over)) args[Number(k)] = v;
  return args;
}

/** A 销售折让 line without quantity: 100.00 / 13.00 left at 13%. */
function allowance(editField: unknown, editValue: unknown): Args {
  return ["销售折让", "普通征税", "13%", "100.00", "13.00", null, null, editField, editValue];
}

test("amounts come back as numbers that sum, quantities and prices as exact text", () => {
  const line = REDLINE(...salesReturn(3, { 6: "0.145", 3: "1.45", 4: "0.19", 5: 10 }));
  expect(line).toEqual([[-0.44, -0.06, -0.5, "-3", "0.145"]]);
  expect(typeof line[0][0]).toBe("number");
  expect(typeof line[0][3]).toBe("string");
});

test("a quantity with 13 decimals stays exact as text", () => {
  // 可红冲单价 falls back to 100.00 ÷ 3 at 13 dp.
  const qty = REDQTY("服务终止", "普通征税", 0.06, "100.00", "6.00", 3, null, "数量", "1.0000000000001");
  expect(qty).toEqual([["-1.0000000000001"]]);
  const price = REDLINE("服务终止", "普通征税", 0.06, "100.00", "6.00", 3, "", "数量", 1);
  expect(price[0][4]).toBe("33.3333333333333");
});

test("0.1 + 0.2 typed as a double is the amount 0.30, not 0.30000000000000004", () => {
  const typed = 0.1 + 0.2;
  expect(String(typed)).toBe("0.30000000000000004");
  const fromEngine = engine({
    reason: "销售折让",
    taxMode: "普通征税",
    taxRate: "0.13",
    remaining: { amount: "100.00", tax: "13.00", quantity: null, unitPrice: null },
    edit: { field: "amountExclTax", value: "0.30" },
  });
  expect(fromEngine.ok).toBe(true);
  if (!fromEngine.ok) return;
  expect(REDLINE(...allowance("不含税金额", typed))).toEqual([expectedCells(fromEngine.value).REDLINE]);
  expect(REDAMOUNT(...allowance("不含税金额", typed))).toEqual([[-0.3]]);
  expect(REDTAX(...allowance("不含税金额", typed))).toEqual([[-0.04]]); // 0.039 → 0.04
  // Remaining values summed in the sheet work the same way.
  expect(
    REDTOTAL("销售折让", "普通征税", 0.13, 0.1 + 0.2, 0.039 + 0.001, null, null, "含税金额", 0.34)
  ).toEqual([[-0.34]]);
});

test("a zero result is 0, never -0", () => {
  // 0.04 excl. at 6% → tax 0.0024 → 0.00.
  const tax = REDTAX("销售折让", "普通征税", 0.06, 100, 6, null, null, "不含税金额", 0.04);
  expect(tax).toEqual([[0]]);
  expect(Object.is(tax[0][0], -0)).toBe(false);
});

test("a line without quantity gives empty text for 数量 and 单价", () => {
  expect(REDQTY(...allowance("含税金额", 11.3))).toEqual([[""]]);
  expect(REDLINE(...allowance("含税金额", 11.3))).toEqual([[-10, -1.3, -11.3, "", ""]]);
});

test("编辑字段 accepts the invoice column titles 金额 and 价税合计", () => {
  expect(REDAMOUNT(...allowance("金额", 10))).toEqual(REDAMOUNT(...allowance("不含税金额", 10)));
  expect(REDAMOUNT(...allowance("价税合计", 11.3))).toEqual(REDAMOUNT(...allowance("amountInclTax", 11.3)));
});

test("blank optional arguments: taxCode and hasDiscountLine omitted, null, empty or 0", () => {
  const base = ["销售折让", "减按计征", null, 3000, 45, null, null, "含税金额", 1015];
  const want = [[-1000]];
  expect(REDAMOUNT(...base)).toEqual(want);
  for (const blank of [null, "", 0, [[null]], [[""]]]) {
    expect(REDAMOUNT(...base, blank, blank)).toEqual(want);
  }
});

test("the rental tax code as text picks the 个人出租住房 branch; as a number it has lost digits", () => {
  const args = ["销售折让", "减按计征", 0.015, 3105, 45, null, null, "含税金额", 1050];
  expect(REDAMOUNT(...args, "3040502020102000000")).toEqual([[-1035]]);
  expect(REDAMOUNT(...args, "3040502020101000000")).toEqual([[-1034.48]]); // generic: 1050 ÷ 1.015
  const e = thrown(() => REDAMOUNT(...args, 3040502020102000000));
  expect(e.message).toMatch(catalogueRegExp("DIGITS_LOST_IN_NUMBER_CELL"));
  expect(e.message).toContain("税收分类编码");
});

test("a missing tax rate is refused for 普通征税 only", () => {
  const e = thrown(() => REDAMOUNT(...allowance("不含税金额", 10).map((a, k) => (k === 2 ? "" : a))));
  expect(e.message).toBe(refusalMessage("FIELD_REQUIRED", { field: "税率" }));
  expect(REDTAX("销售折让", "减按计征", "", 3000, 45, null, null, "不含税金额", 1000)).toEqual([[-15]]);
});

test("hasDiscountLine 是 refuses the edit with the engine's message", () => {
  const e = thrown(() => REDAMOUNT(...allowance("不含税金额", 10), undefined, "是"));
  expect(e.message).toBe(REFUSALS.DISCOUNT_LINE_NOT_EDITABLE);
});

test("bad input throws #VALUE! with the parser's Chinese message", () => {
  const reason = thrown(() => REDAMOUNT(...salesReturn(1, { 0: "退货" })));
  expect(reason.code).toBe("#VALUE!");
  const parsed = parseLabel("退货", "红冲原因", RedReason);
  expect(parsed.ok).toBe(false);
  if (!parsed.ok) expect(reason.message).toBe(parsed.refusal.message);

  const value = thrown(() => REDAMOUNT(...allowance("不含税金额", "十元")));
  const parsedValue = parseAmount("十元", "不含税金额");
  if (!parsedValue.ok) expect(value.message).toBe(parsedValue.refusal.message);
  expect(value.message).toMatch(catalogueRegExp("NOT_A_NUMBER"));

  expect(thrown(() => REDAMOUNT(...salesReturn(1, { 7: "单价" }))).message).toMatch(
    catalogueRegExp("BAD_ENUM")
  );
  expect(thrown(() => REDAMOUNT(...salesReturn(1, { 7: null }))).message).toBe(
    refusalMessage("FIELD_REQUIRED", { field: "编辑字段" })
  );
  expect(thrown(() => REDAMOUNT(...salesReturn(1, { 2: 13 }))).message).toMatch(
    catalogueRegExp("NOT_A_RATE")
  );
  expect(thrown(() => REDAMOUNT(...salesReturn(1, { 3: null }))).message).toBe(
    refusalMessage("FIELD_REQUIRED", { field: "剩余可红冲金额" })
  );
});

// ── Ranges ───────────────────────────────────────────────────────────────────

test("a column of edit values gives a column of results, with errors only where they belong", () => {
  const values = [[5], ["5"], [50], [51], ["abc"], [0.5]];
  const got = plain(REDAMOUNT(...salesReturn(values)));
  const exceeds = refusalMessage("EXCEEDS_REMAINING", { field: "数量", remaining: "50" });
  const notNumber = refusalMessage("NOT_A_NUMBER", { field: "数量", value: "abc" });
  expect(got).toEqual([[-50], [-50], [-500], [valueError(exceeds)], [valueError(notNumber)], [-5]]);
  // Each element is exactly what the single-cell call gives.
  expect(REDTAX(...salesReturn(values))[5]).toEqual(REDTAX(...salesReturn(0.5))[0]);
});

test("REDLINE spills one row per input row, a bad row as a row of errors", () => {
  const got = plain(REDLINE(...salesReturn([[5], [0], [50]])));
  const nonPositive = valueError(refusalMessage("NON_POSITIVE", { field: "数量" }));
  expect(got).toEqual([
    [-50, -6.5, -56.5, "-5", "10"],
    [nonPositive, nonPositive, nonPositive, nonPositive, nonPositive],
    [-500, -65, -565, "-50", "10"],
  ]);
});

test("several ranges of the same size pair up element by element; single cells broadcast", () => {
  const reasons = [["销售退回"], ["销售折让"]];
  const fields = [["数量"], ["不含税金额"]];
  const values = [[5], [100]];
  const got = REDTOTAL(reasons, "普通征税", 0.13, 500, 65, [[50], [null]], [[10], [null]], fields, values);
  expect(got).toEqual([[-56.5], [-113]]);
});

test("a row or a 2-D block keeps its shape", () => {
  expect(REDQTY(...salesReturn([[1, 2, 3]]))).toEqual([["-1", "-2", "-3"]]);
  expect(
    REDAMOUNT(
      ...salesReturn([
        [1, 2],
        [3, 4],
      ])
    )
  ).toEqual([
    [-10, -20],
    [-30, -40],
  ]);
});

test("ranges of different sizes are refused for the whole call", () => {
  const e = thrown(() => REDAMOUNT(...salesReturn([[1], [2], [3]], { 6: [[10], [11]] })));
  expect(e.code).toBe("#VALUE!");
  expect(e.message).toBe(refusalMessage("CF_SHAPE_MISMATCH", { shapes: "2行×1列与3行×1列" }));
});

test("REDLINE needs single cells or single columns", () => {
  const e = thrown(() => REDLINE(...salesReturn([[1, 2]])));
  expect(e.message).toBe(refusalMessage("CF_SINGLE_COLUMN_ONLY", { fn: "REDLINE", shape: "1行×2列" }));
});
