/**
 * The rules the sandbox's red issue calls instead of restating them (issue 10 item 10): the blue's
 * 发票状态 after a red, and whether a red line fits what remains on its blue line (remainingAfter).
 */
import { lineFitsRemaining } from "../../../src/domain/confirmForm";
import { Dec } from "../../../src/domain/money";
import { blueStatusAfterRed } from "../../../src/domain/redFlush";

describe("blueStatusAfterRed", () => {
  it("全额红冲 only when no line has 金额 or 税额 left", () => {
    expect(blueStatusAfterRed([{ remainingAmount: "0.00", remainingTax: "0.00" }])).toBe("全额红冲");
    expect(
      blueStatusAfterRed([
        { remainingAmount: "0.00", remainingTax: "0.00" },
        { remainingAmount: "0.00", remainingTax: "0.01" },
      ])
    ).toBe("部分红冲");
    expect(blueStatusAfterRed([{ remainingAmount: new Dec("600.00"), remainingTax: "54.00" }])).toBe(
      "部分红冲"
    );
  });
});

describe("lineFitsRemaining", () => {
  const remaining = { amount: "1000.00", tax: "130.00", quantity: "10", unitPrice: "100" };
  const line = (amount: string, tax: string, quantity: string | null) => ({
    amount: new Dec(amount),
    tax: new Dec(tax),
    amountInclTax: new Dec(amount).plus(tax),
    quantity: quantity === null ? null : new Dec(quantity),
    unitPrice: quantity === null ? null : new Dec("100"),
    full: false,
  });
  it("the whole remaining fits; a cent, a fen of tax or 1e-13 of 数量 more does not", () => {
    expect(lineFitsRemaining(remaining, line("-1000.00", "-130.00", "-10"))).toBe(true);
    expect(lineFitsRemaining(remaining, line("-1000.01", "-130.00", "-10"))).toBe(false);
    expect(lineFitsRemaining(remaining, line("-1000.00", "-130.01", "-10"))).toBe(false);
    expect(lineFitsRemaining(remaining, line("-1000.00", "-130.00", "-10.0000000000001"))).toBe(false);
    expect(lineFitsRemaining({ ...remaining, quantity: null }, line("-400.00", "-52.00", null))).toBe(true);
  });
});
