import fc from "fast-check";
import {
  calcRedLine,
  RedLineField,
  RedLineInput,
  remainingAfter,
  RemainingLine,
} from "../../../../src/domain/confirmForm";
import { RedReason, TaxMode } from "../../../../src/domain/labels";
import { Dec, round2HalfUp } from "../../../../src/domain/money";

/** n/10^dp as an exact decimal string. */
function scaled(n: number, dp: number): string {
  const s = String(n).padStart(dp + 1, "0");
  return dp === 0 ? s : `${s.slice(0, -dp)}.${s.slice(-dp)}`;
}

const rateArb = fc.constantFrom("0", "0.01", "0.03", "0.05", "0.06", "0.09", "0.13", "0.015");
const reasonArb = fc.constantFrom<RedReason>("销售折让", "销售退回", "服务终止");
const modeArb = fc.constantFrom<TaxMode>("普通征税", "减按计征");
const fieldArb = fc.constantFrom<RedLineField>("quantity", "amountExclTax", "amountInclTax");
const codeArb = fc.constantFrom("3040502020102000000", "3040502020101000000", null);

/** A blue line's remaining values: a quantity × unit price line (tax consistent or not), or amounts only. */
const remainingArb: fc.Arbitrary<RemainingLine> = fc
  .record({
    qty: fc.integer({ min: 1, max: 5_000_000 }),
    qtyDp: fc.integer({ min: 0, max: 3 }),
    price: fc.integer({ min: 1, max: 100_000_000 }),
    priceDp: fc.integer({ min: 0, max: 6 }),
    rate: rateArb,
    taxSkew: fc.integer({ min: -2, max: 2 }),
    storedPrice: fc.boolean(),
    hasQty: fc.boolean(),
    cents: fc.integer({ min: 1, max: 1_000_000_000 }),
  })
  .map((g) => {
    if (!g.hasQty) {
      const amount = new Dec(scaled(g.cents, 2));
      const tax = round2HalfUp(amount.times(g.rate)).plus(new Dec(g.taxSkew).div(100)).abs();
      return { amount: amount.toFixed(2), tax: tax.toFixed(2), quantity: null, unitPrice: null };
    }
    const q = new Dec(scaled(g.qty, g.qtyDp));
    const p = new Dec(scaled(g.price, g.priceDp));
    const amount = round2HalfUp(q.times(p));
    const tax = round2HalfUp(amount.times(g.rate)).plus(new Dec(g.taxSkew).div(100)).abs();
    return {
      amount: amount.toFixed(2),
      tax: tax.toFixed(2),
      quantity: q.toFixed(),
      unitPrice: g.storedPrice ? p.toFixed() : null,
    };
  });

/** An edit value as a fraction (in millionths) of the field's remaining value, sometimes above it. */
function editValue(rem: RemainingLine, field: RedLineField, millionths: number): string {
  const base =
    field === "quantity"
      ? new Dec(rem.quantity ?? "1")
      : field === "amountExclTax"
        ? new Dec(rem.amount as string)
        : new Dec(rem.amount as string).plus(rem.tax as string);
  return base
    .times(millionths)
    .div(1_000_000)
    .toDecimalPlaces(field === "quantity" ? 6 : 3)
    .toFixed();
}

const caseArb = fc
  .record({
    reason: reasonArb,
    taxMode: modeArb,
    taxCode: codeArb,
    rate: rateArb,
    field: fieldArb,
    remaining: remainingArb,
    millionths: fc.integer({ min: 0, max: 1_050_000 }),
  })
  .map((c): RedLineInput => ({
    reason: c.reason,
    taxMode: c.taxMode,
    taxCode: c.taxCode,
    taxRate: c.rate,
    hasDiscountLine: false,
    remaining: c.remaining,
    edit: { field: c.field, value: editValue(c.remaining, c.field, c.millionths) },
  }));

describe("calcRedLine properties", () => {
  test("含税 = 不含税 + 税额 on every computed line; amounts at 2 dp, red-signed", () => {
    fc.assert(
      fc.property(caseArb, (input) => {
        const r = calcRedLine(input);
        if (!r.ok) return;
        const l = r.value;
        expect(l.amountInclTax.eq(l.amount.plus(l.tax))).toBe(true);
        for (const v of [l.amount, l.tax, l.amountInclTax]) {
          expect(v.decimalPlaces()).toBeLessThanOrEqual(2);
          expect(v.isPositive() && !v.isZero()).toBe(false);
        }
        if (l.quantity) expect(l.quantity.decimalPlaces()).toBeLessThanOrEqual(13);
        if (l.unitPrice) expect(l.unitPrice.isNegative()).toBe(false);
      }),
      { numRuns: 3000 }
    );
  });

  test("a red line never exceeds the remaining values", () => {
    fc.assert(
      fc.property(caseArb, (input) => {
        const r = calcRedLine(input);
        if (!r.ok) return;
        const rem = input.remaining;
        expect(r.value.amount.abs().lte(new Dec(rem.amount as string).abs())).toBe(true);
        expect(r.value.tax.abs().lte(new Dec(rem.tax as string).abs())).toBe(true);
        if (r.value.quantity && rem.quantity) {
          expect(r.value.quantity.abs().lte(new Dec(rem.quantity as string).abs())).toBe(true);
        }
      }),
      { numRuns: 3000 }
    );
  });

  test("any sequence of partial reversals of one blue line never reverses more than it had", () => {
    const stepArb = fc.record({
      reason: reasonArb,
      field: fieldArb,
      millionths: fc.integer({ min: 1, max: 1_100_000 }),
    });
    fc.assert(
      fc.property(
        remainingArb,
        modeArb,
        codeArb,
        rateArb,
        fc.array(stepArb, { minLength: 1, maxLength: 12 }),
        (blue, taxMode, taxCode, rate, steps) => {
          let rem: RemainingLine = blue;
          let amount = new Dec(0);
          let tax = new Dec(0);
          let qty = new Dec(0);
          for (const s of steps) {
            const r = calcRedLine({
              reason: s.reason,
              taxMode,
              taxCode,
              taxRate: rate,
              hasDiscountLine: false,
              remaining: rem,
              edit: { field: s.field, value: editValue(rem, s.field, s.millionths) },
            });
            if (!r.ok) continue;
            amount = amount.plus(r.value.amount.abs());
            tax = tax.plus(r.value.tax.abs());
            if (r.value.quantity) qty = qty.plus(r.value.quantity.abs());
            rem = remainingAfter(rem, r.value);
            expect(new Dec(rem.amount as Dec).isNegative()).toBe(false);
            expect(new Dec(rem.tax as Dec).isNegative()).toBe(false);
          }
          expect(amount.lte(new Dec(blue.amount as string))).toBe(true);
          expect(tax.lte(new Dec(blue.tax as string))).toBe(true);
          if (blue.quantity) expect(qty.lte(new Dec(blue.quantity as string))).toBe(true);
        }
      ),
      { numRuns: 1500 }
    );
  });
});
