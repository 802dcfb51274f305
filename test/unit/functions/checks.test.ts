/**
 * HC.CANREDFLUSH, HC.REDREMAIN, HC.CONFIRMSTATUS and HC.TAXID against the engine and the golden
 * vectors (canRedFlushInvoice, checkRemainingReversible).
 */
import { asExcelCalls, plain, thrown, valueError } from "./cfStub";
import * as hc from "../../../functions/functions";
import {
  CONFIRM_STATUS_CODES,
  confirmStatusLabel,
  isInvoiceableConfirmStatus,
} from "../../../src/domain/confirmForm";
import {
  availableAfterPending,
  canRedFlushInvoice,
  checkRemainingReversible,
} from "../../../src/domain/redFlush";
import { parseTaxId, uscCheckChar } from "../../../src/domain/parse";
import { REFUSALS, refusalMessage, type RefusalCode } from "../../../src/domain/refusals";
import { vectorsOf } from "./vectors";

const CANREDFLUSH = asExcelCalls(hc.canRedFlush);
const REDREMAIN = asExcelCalls(hc.redRemain);
const CONFIRMSTATUS = asExcelCalls(hc.confirmStatus);
const TAXID = asExcelCalls(hc.checkTaxId);

const column = (values: readonly unknown[]): unknown[][] => values.map((v) => [v]);

// ── CANREDFLUSH / REDREMAIN ──────────────────────────────────────────────────

describe("CANREDFLUSH against the canRedFlushInvoice vectors", () => {
  const vectors = vectorsOf("canRedFlushInvoice");
  test("there are vectors", () => expect(vectors.length).toBeGreaterThanOrEqual(5));
  test.each(vectors.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    const status = v.inputs.invoiceStatus as string;
    const amount = v.inputs.reversibleAmount as string;
    const fromEngine = canRedFlushInvoice(status, amount);
    const want = v.expected.allowed ? true : REFUSALS[v.expected.refused as RefusalCode];
    expect(fromEngine.ok ? true : fromEngine.refusal.message).toBe(want);
    expect(CANREDFLUSH([[status]], [[amount]])).toBe(want);
    expect(CANREDFLUSH(status, Number(amount))).toBe(want);
  });
});

describe("CANREDFLUSH and REDREMAIN against the checkRemainingReversible vectors", () => {
  const vectors = vectorsOf("checkRemainingReversible");
  test("there are vectors", () => expect(vectors.length).toBeGreaterThanOrEqual(5));
  test.each(vectors.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    const reversible = v.inputs.reversibleAmount as string;
    const pending = v.inputs.pendingRedAmounts as string[];
    const request = v.inputs.requestAmount as string;
    const check = checkRemainingReversible(reversible, pending, request);
    const want = v.expected.allowed ? true : REFUSALS[v.expected.refused as RefusalCode];
    expect(check.refusal ? check.refusal.message : true).toBe(want);
    const available = Number(v.expected.available as string);
    expect(available).toBe(Number(availableAfterPending(reversible, pending).available.toFixed(2)));

    // As text cells, as doubles (a blank pending range arrives as [[null]] or desktop's [[0]]).
    const asText = pending.length ? column(pending) : [[null]];
    const asDoubles = pending.length ? column(pending.map(Number)) : [[0]];
    expect(CANREDFLUSH("正常", reversible, asText, request)).toBe(want);
    expect(CANREDFLUSH([["部分红冲"]], [[Number(reversible)]], asDoubles, [[Number(request)]])).toBe(want);
    expect(REDREMAIN([[reversible]], asText)).toBe(available);
    expect(REDREMAIN(Number(reversible), asDoubles)).toBe(available);
  });
});

test("CANREDFLUSH without a request checks the full reversible amount against the pending reds", () => {
  expect(CANREDFLUSH("正常", 100, column([-40]))).toBe(REFUSALS.INSUFFICIENT_REMAINING);
  expect(CANREDFLUSH("正常", 100)).toBe(true);
  expect(CANREDFLUSH("正常", 100, undefined, 100)).toBe(true);
  expect(CANREDFLUSH("正常", 100, column([-40]), "-60.00")).toBe(true); // a red-signed request
  expect(CANREDFLUSH("正常", 100, undefined, 0)).toBe(
    refusalMessage("NON_POSITIVE", { field: "本次红冲金额" })
  );
});

test("CANREDFLUSH checks the status first, and an unknown status is simply not reversible", () => {
  expect(CANREDFLUSH("全额红冲", 0)).toBe(REFUSALS.INVOICE_STATUS_NOT_REVERSIBLE);
  expect(CANREDFLUSH("正长", 100)).toBe(REFUSALS.INVOICE_STATUS_NOT_REVERSIBLE);
});

test("REDREMAIN: 0.1 + 0.2 as doubles is exactly 0.30; pending over the amount floors at 0", () => {
  expect(REDREMAIN(0.3, column([-0.1, -0.2]))).toBe(0);
  expect(REDREMAIN(0.1 + 0.2, column([0.1, "", null, 0]))).toBe(0.2);
  expect(REDREMAIN("100.00", column(["-60.00", "-50.00"]))).toBe(0);
  expect(REDREMAIN("１００．００", [["－４０"], ["¥10.00"]])).toBe(50);
});

test("REDREMAIN / CANREDFLUSH refuse bad input for the whole call", () => {
  const bad = thrown(() => REDREMAIN(100, column([-10, "abc"])));
  expect(bad.code).toBe("#VALUE!");
  expect(bad.message).toBe(refusalMessage("NOT_A_NUMBER", { field: "待开红冲金额", value: "abc" }));
  expect(thrown(() => REDREMAIN(column([100, 200]), [[null]])).message).toBe(
    refusalMessage("CF_SINGLE_CELL_ONLY", { field: "发票可红冲金额" })
  );
  expect(thrown(() => REDREMAIN(null, [[null]])).message).toBe(
    refusalMessage("FIELD_REQUIRED", { field: "发票可红冲金额" })
  );
  expect(thrown(() => CANREDFLUSH(null, 100)).message).toBe(
    refusalMessage("FIELD_REQUIRED", { field: "发票状态" })
  );
  expect(thrown(() => CANREDFLUSH(0, 100)).message).toBe(
    refusalMessage("FIELD_REQUIRED", { field: "发票状态" })
  );
  expect(thrown(() => CANREDFLUSH("正常", 100, undefined, "一百")).message).toMatch(
    /^本次红冲金额不是有效的数字/
  );
});

// ── CONFIRMSTATUS ────────────────────────────────────────────────────────────

describe("CONFIRMSTATUS", () => {
  test.each([...CONFIRM_STATUS_CODES])("%s → the engine's label and invoiceable flag", (code) => {
    const want = [[confirmStatusLabel(code), isInvoiceableConfirmStatus(code)]];
    expect(CONFIRMSTATUS([[code]])).toEqual(want);
    expect(CONFIRMSTATUS(Number(code))).toEqual(want); // typed into a number cell: 4 for 04
  });

  test("only 01 无需确认 and 04 购销双方 已确认 can be invoiced (manual 002, field 6)", () => {
    const invoiceable = CONFIRM_STATUS_CODES.filter((c) => CONFIRMSTATUS(c)[0][1] === true);
    expect(invoiceable).toEqual(["01", "04"]);
    expect(CONFIRMSTATUS("01")).toEqual([["无需确认", true]]);
    expect(CONFIRMSTATUS("04")).toEqual([["购销双方 已确认", true]]);
  });

  test("a code outside 01–10 is a #VALUE! that says so, not FALSE", () => {
    for (const [input, shown] of [
      ["99", "99"],
      [11, "11"],
      ["11", "11"],
    ] as const) {
      expect(thrown(() => CONFIRMSTATUS(input)).message).toBe(
        refusalMessage("UNKNOWN_CONFIRM_STATUS", { value: shown })
      );
    }
    expect(refusalMessage("UNKNOWN_CONFIRM_STATUS", { value: "99" })).toBe(
      "未知的确认状态代码：99（应为 01–10 或其名称）"
    );
  });

  test("labels in other spellings are read back to their code", () => {
    expect(CONFIRMSTATUS("购销双方已确认")).toEqual([["购销双方 已确认", true]]);
    expect(CONFIRMSTATUS("作废(超72小时未确认)")).toEqual([[confirmStatusLabel("07"), false]]);
    expect(CONFIRMSTATUS("０４")).toEqual([["购销双方 已确认", true]]);
  });

  test("a column of codes spills a column of [label, invoiceable] rows; a blank row is empty", () => {
    const unknown = valueError(refusalMessage("UNKNOWN_CONFIRM_STATUS", { value: "待确认" }));
    const eleven = valueError(refusalMessage("UNKNOWN_CONFIRM_STATUS", { value: "11" }));
    expect(plain(CONFIRMSTATUS(column(["01", 2, "11", "", 0, "待确认"])))).toEqual([
      ["无需确认", true],
      [confirmStatusLabel("02"), false],
      [eleven, eleven],
      ["", false],
      ["", false],
      [unknown, unknown],
    ]);
  });

  test("unreadable text alone is a #VALUE! with the engine's message; a 2-D block is refused", () => {
    expect(thrown(() => CONFIRMSTATUS("待确认")).message).toBe(
      refusalMessage("UNKNOWN_CONFIRM_STATUS", { value: "待确认" })
    );
    expect(thrown(() => CONFIRMSTATUS([["01", "04"]])).message).toBe(
      refusalMessage("CF_SINGLE_COLUMN_ONLY", { fn: "CONFIRMSTATUS", shape: "1行×2列" })
    );
  });
});

// ── TAXID ────────────────────────────────────────────────────────────────────

describe("TAXID", () => {
  const body = "91350100M000100Y4";
  const valid = body + uscCheckChar(body);
  const wrongCheck = body + (uscCheckChar(body) === "0" ? "1" : "0");

  test("a 统一社会信用代码 with the right GB 32100 check character is TRUE", () => {
    expect(valid).toBe("91350100M000100Y43"); // a widely published valid example
    expect(TAXID(valid)).toEqual([[true]]);
    expect(TAXID([[" 91350100m000100y43 "]])).toEqual([[true]]);
  });

  test("a wrong check character gives the message naming the expected one", () => {
    const got = TAXID(wrongCheck);
    expect(got).toEqual([
      [
        refusalMessage("BAD_TAX_ID_CHECK", {
          field: "税号",
          value: wrongCheck,
          expected: uscCheckChar(body),
        }),
      ],
    ]);
    expect(got[0][0]).toContain("第18位应为“3”");
  });

  test("each answer is exactly the parser's", () => {
    const inputs = [valid, wrongCheck, "11010519491231002X", "123", "110108123456789", 110108123456789, ""];
    for (const input of inputs) {
      const r = parseTaxId(input, "税号", { required: true });
      expect([input, TAXID(input)]).toEqual([input, [[r.ok ? true : r.refusal.message]]]);
    }
  });

  test("an 18-digit number has lost digits in a number cell; blank is required", () => {
    expect(TAXID(Number("913501001234567890"))[0][0]).toMatch(/^税号“.*”超过Excel数字单元格能精确保存的15位/);
    expect(TAXID(null)).toEqual([[refusalMessage("FIELD_REQUIRED", { field: "税号" })]]);
    expect(TAXID(0)).toEqual([[refusalMessage("FIELD_REQUIRED", { field: "税号" })]]);
  });

  test("a column of tax IDs gives a column of answers", () => {
    const got = TAXID(column([valid, wrongCheck, "11010519491231002X"]));
    expect(got.map((r) => r[0] === true)).toEqual([true, false, true]);
    expect(got).toHaveLength(3);
  });
});
