import { readFileSync } from "fs";
import { join } from "path";
import { confirmFormHandlers } from "../../../../src/cli/eval/confirmForm";
import { EvalInputError } from "../../../../src/cli/eval/types";

interface Vector {
  id: string;
  kind: string;
  inputs: Record<string, unknown>;
  expected: Record<string, unknown>;
}

const examples = JSON.parse(readFileSync(join(__dirname, "../../../fixtures/examples.json"), "utf8")) as {
  vectors: Vector[];
};
const mine = examples.vectors.filter((v) => v.kind in confirmFormHandlers);

describe("eval handlers of module 002 on examples.json", () => {
  test("the fixture holds the module-002 examples", () => {
    expect(mine.map((v) => v.id)).toEqual([
      "EX-01",
      "EX-02",
      "EX-03",
      "EX-04",
      "EX-05",
      "EX-06",
      "EX-07",
      "EX-08",
      "EX-11",
      "EX-12",
      "EX-14",
    ]);
  });
  test.each(mine.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    expect(confirmFormHandlers[v.kind](v.inputs)).toMatchObject(v.expected);
  });
});

describe("eval handlers of module 002 on the golden contract vectors", () => {
  const golden = JSON.parse(
    readFileSync(join(__dirname, "../../../fixtures/eval/contract-vectors.json"), "utf8")
  ) as { vectors: Vector[] };
  const vectors = golden.vectors.filter((v) => v.kind in confirmFormHandlers);
  const unordered = (x: unknown) => (Array.isArray(x) ? [...x].sort() : x);
  test("every module-002 kind is covered", () => {
    expect(new Set(vectors.map((v) => v.kind)).size).toBe(Object.keys(confirmFormHandlers).length);
  });
  test.each(vectors.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    const out = confirmFormHandlers[v.kind](v.inputs);
    for (const [key, expected] of Object.entries(v.expected)) {
      // "refused" lists (rollback, delete) are unordered sets.
      expect([key, unordered(out[key])]).toEqual([key, unordered(expected)]);
    }
  });
});

describe("eval handlers: contract shapes", () => {
  const h = confirmFormHandlers;
  test("rcf.rollback: refused is the list of every failing condition", () => {
    const out = h["rcf.rollback"]({
      form: { entryStatus: "录入成功", confirmStatus: "04", invoiceStatus: "已开票", dataSource: "手工新增" },
    });
    expect(out.allowed).toBe(false);
    expect([...(out.refused as string[])].sort()).toEqual([
      "ROLLBACK_ENTRY_STATUS",
      "ROLLBACK_INVOICE_STATUS",
      "ROLLBACK_SOURCE_NOT_ALLOWED",
    ]);
  });
  test("rcf.rollback with an RPA re-query", () => {
    expect(
      h["rcf.rollback"]({
        form: { entryStatus: "录入失败", dataSource: "匹配结果推送", invoiceStatus: "开票失败" },
        channel: "RPA",
        requeryResult: { entryStatus: "录入成功", confirmStatus: "08" },
      })
    ).toEqual({
      allowed: true,
      deleted: false,
      unlinkedFromApplication: true,
      applicationWrittenBack: true,
      statusUpdatedTo: { entryStatus: "录入成功", confirmStatus: "08" },
    });
  });
  test("rcf.revoke refused by the party rule names the party", () => {
    expect(
      h["rcf.revoke"]({
        form: { entryStatus: "录入成功", confirmStatus: "04", entrantRole: "销方", myRole: "销方" },
      })
    ).toMatchObject({ allowed: false, refused: "REVOKE_WRONG_PARTY", onlyParty: "购方" });
    expect(
      h["rcf.revoke"]({
        form: { entryStatus: "录入成功", confirmStatus: "04", entrantRole: "销方", myRole: "购方" },
      })
    ).toEqual({ allowed: true, confirmStatus: "09" });
  });
  test("rcf.enter / redFlush / delete / linkToApplication", () => {
    expect(
      h["rcf.enter"]({
        form: {
          entryStatus: "未录入",
          entrantRole: "销方",
          buyerUsageConfirmed: true,
          auditStatus: "已审核",
        },
      })
    ).toEqual({ allowed: true, entryStatus: "录入成功", confirmStatus: "02", confirmDate: null });
    expect(h["rcf.redFlush"]({ form: { entryStatus: "录入成功", confirmStatus: "02" } })).toMatchObject({
      allowed: false,
      refused: "NOT_INVOICEABLE_STATUS",
    });
    expect(h["rcf.delete"]({ form: { auditStatus: "已提交", allocated: true } })).toMatchObject({
      allowed: false,
      refused: ["DELETE_AUDIT_STATUS", "DELETE_ALLOCATED"],
    });
    expect(h["rcf.linkToApplication"]({ dataSource: "API接口", linkPath: "数电工作台手工指定" })).toEqual({
      dataSource: "匹配结果推送",
    });
  });
  test("calcRedLine refusals use the §7 codes", () => {
    const base = {
      reason: "销售退回",
      taxMode: "普通征税",
      taxRate: "0.13",
      hasDiscountLine: false,
      remaining: { amount: "100.00", tax: "13.00", quantity: "10", unitPrice: "10" },
    };
    expect(h.calcRedLine({ ...base, edit: { field: "quantity", value: "11" } })).toMatchObject({
      refused: "EXCEEDS_REMAINING",
    });
    expect(h.calcRedLine({ ...base, edit: { field: "quantity", value: "0" } })).toMatchObject({
      refused: "NON_POSITIVE",
    });
  });
  test("entryQuantityCheck with match rows; other small kinds", () => {
    expect(
      h.entryQuantityCheck({
        dataSource: "匹配结果推送",
        formQuantity: "10.0008",
        remainingQuantity: "10",
        matchRowQuantities: ["4", "6.0008"],
      })
    ).toEqual({
      allowed: true,
      diff: "0.0008",
      branch: "USE_REMAINING_QTY",
      finalQty: "10",
      updatedMatchRows: ["4", "6"],
      updatedRowIndex: 1,
    });
    expect(h.leqiRerun({ channel: "乐企", detailLinesInRange: 16 })).toEqual({
      autoRerun: true,
      intervalSeconds: 60,
    });
    expect(h.confirmDeadline({ entryDate: "2025-01-01 00:00:00", now: "2025-01-04 00:00:01" })).toEqual({
      deadline: "2025-01-04 00:00:00",
      overdue: true,
    });
    expect(
      h.callbackDecision({
        red_not_callback: "",
        dataSource: "手工新增",
        linkedNegativeApplication: false,
        blueHasPositiveApplication: false,
      })
    ).toEqual({ callback: true });
    expect(
      h["rcf.downloadMerge"]({
        existing: true,
        myRole: "销方",
        bothPartiesInCloud: false,
        bureauInvoiced: true,
      })
    ).toEqual({ action: "UPDATE", updatedFields: ["确认状态"] });
    expect(h.purchaseInvoiceIdentity({ isPurchaseInvoice: true, selectedRole: "销方" })).toEqual({
      formRole: "购方",
      enterpriseTypeShows: "销方企业类型",
    });
  });
  test("inputs that do not fit the shape are input errors", () => {
    expect(() => h["rcf.confirm"]({ form: { entryStatus: "已开票" } })).toThrow(EvalInputError);
    expect(() => h["rcf.confirm"]({ form: { confirmStatus: "作废吧" } })).toThrow(EvalInputError);
    expect(() =>
      h.calcRedLine({
        reason: "销售退回",
        taxMode: "普通征税",
        taxRate: 0.13,
        remaining: { amount: "1", tax: "0", quantity: null, unitPrice: null },
        edit: { field: "quantity", value: "1" },
      })
    ).toThrow(EvalInputError);
    expect(() => h.confirmDeadline({ entryDate: "2025-02-30 00:00:00", now: "2025-03-01 00:00:00" })).toThrow(
      EvalInputError
    );
  });
});
