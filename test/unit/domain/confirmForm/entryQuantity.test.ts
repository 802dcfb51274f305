import { entryQuantityCheck, EntryQuantityInput, largestRowIndex } from "../../../../src/domain/confirmForm";
import { Dec, formatQty } from "../../../../src/domain/money";

function check(formQuantity: string, remainingQuantity: string, matchRowQuantities?: string[]) {
  const input: EntryQuantityInput = {
    dataSource: "匹配结果推送",
    formQuantity,
    remainingQuantity,
    matchRowQuantities,
  };
  const r = entryQuantityCheck(input);
  return {
    allowed: r.allowed,
    diff: formatQty(r.diff),
    branch: r.branch,
    finalQty: r.finalQty && formatQty(r.finalQty),
    refused: r.refusal?.code,
    rows: r.updatedMatchRows?.map((q) => formatQty(q)),
    index: r.updatedRowIndex,
  };
}

describe("entryQuantityCheck (§4.11, §9 A2)", () => {
  test("EX-11: +0.0005 snaps to the remaining quantity", () => {
    expect(check("20.0005", "20")).toMatchObject({
      allowed: true,
      branch: "USE_REMAINING_QTY",
      finalQty: "20",
      diff: "0.0005",
    });
  });

  test("0.010 − 0.009 is exactly 0.001: inside the tolerance (a double gives 0.0010000000000000009)", () => {
    expect(check("0.010", "0.009")).toMatchObject({
      allowed: true,
      branch: "USE_REMAINING_QTY",
      diff: "0.001",
      finalQty: "0.009",
    });
  });

  test("boundaries: d = −0.001 own qty; d = +0.001 remaining; just above +0.001 refused", () => {
    expect(check("9.999", "10")).toMatchObject({ branch: "USE_FORM_QTY", finalQty: "9.999", diff: "-0.001" });
    expect(check("9.9990000001", "10")).toMatchObject({ branch: "USE_REMAINING_QTY", finalQty: "10" });
    expect(check("10.001", "10")).toMatchObject({ branch: "USE_REMAINING_QTY", finalQty: "10" });
    expect(check("10.0010000000001", "10")).toMatchObject({
      allowed: false,
      refused: "QTY_TOLERANCE_EXCEEDED",
      diff: "0.0010000000001",
      branch: undefined,
      finalQty: undefined,
    });
    expect(check("10", "10")).toMatchObject({ branch: "USE_REMAINING_QTY", diff: "0", finalQty: "10" });
  });

  test("magnitudes are compared; the form's sign is kept on the remaining quantity", () => {
    expect(check("-20.0005", "20")).toMatchObject({ diff: "0.0005", finalQty: "-20" });
    expect(check("-5", "-10")).toMatchObject({ diff: "-5", branch: "USE_FORM_QTY", finalQty: "-5" });
  });

  test("refusal message names the difference", () => {
    const r = entryQuantityCheck({ dataSource: "匹配结果推送", formQuantity: "12", remainingQuantity: "10" });
    expect(r.refusal?.message).toBe(
      "红字确认单待冲数量超过原蓝票剩余可红冲数量（差额 2，超过 0.001），不可录入"
    );
  });

  test("the largest match row takes the difference; input order kept", () => {
    expect(check("30.0006", "30", ["10", "15.0006", "5"])).toMatchObject({
      rows: ["10", "15", "5"],
      index: 1,
    });
    // negative difference: the largest row grows
    expect(check("29.9995", "30", ["-5", "-24.9995"])).toMatchObject({ rows: ["-5", "-25"], index: 1 });
  });

  test("ties: the first largest row [INFERRED]", () => {
    expect(check("20.0004", "20", ["10.0002", "10.0002"])).toMatchObject({
      rows: ["9.9998", "10.0002"],
      index: 0,
    });
    expect(largestRowIndex([new Dec("-3"), new Dec("3"), new Dec("2")])).toBe(0);
  });

  test("no adjustment outside the snap branch", () => {
    expect(check("5", "10", ["2", "3"])).toMatchObject({ rows: undefined, index: undefined });
  });

  test("other data sources enter with their own quantity, unchecked", () => {
    for (const dataSource of ["手工新增", "税局下载", "API接口", "单据开票"] as const) {
      const r = entryQuantityCheck({ dataSource, formQuantity: "25", remainingQuantity: "10" });
      expect([r.allowed, r.branch, r.finalQty && formatQty(r.finalQty)]).toEqual([
        true,
        "USE_FORM_QTY",
        "25",
      ]);
    }
  });
});
