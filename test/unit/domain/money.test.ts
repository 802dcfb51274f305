/** money.ts formatAmount: the manuals' 2-decimal amounts (domain-rules §1.1). */
import { Dec, formatAmount } from "../../../src/domain/money";
describe("formatAmount rounds half up once, and never prints -0.00", () => {
  it.each([
    ["0.005", "0.01"],
    ["-0.005", "-0.01"],
    ["-0.004", "0.00"],
    ["-0", "0.00"],
    ["1.235", "1.24"],
    ["-1.235", "-1.24"],
    ["12345678901234567.895", "12345678901234567.90"],
    ["100", "100.00"],
  ])("%s → %s", (v, text) => {
    expect(formatAmount(v)).toBe(text);
    expect(formatAmount(new Dec(v))).toBe(text);
  });
});
