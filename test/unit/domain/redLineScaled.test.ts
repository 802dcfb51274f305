/**
 * The integer path of the rules engine (src/domain/confirmForm/redLineScaled.ts, src/domain/fixedPoint.ts,
 * money.ts's decOfScaled/scaledOfDec/toDec) against decimal.js: the same red lines, refusals and exceptions,
 * digit for digit (issue 12 §5). The generators lean on small values so rounding ties actually occur.
 */
import fc from "fast-check";
import {
  calcRedLine,
  calcRedLineDecimal,
  fullRedLine,
  fullRedLineDecimal,
  RedLine,
  RedLineField,
  RedLineInput,
  RemainingLine,
} from "../../../src/domain/confirmForm";
import * as integerPath from "../../../src/domain/confirmForm/redLineScaled";
import {
  compareScaled,
  divHalfUp,
  MAX_SAFE,
  mulPow10DivHalfUp,
  parseScaled,
  pow10HalfUp,
} from "../../../src/domain/fixedPoint";
import { RedReason, TaxMode } from "../../../src/domain/labels";
import { Dec, DecimalLike, decOfScaled, scaledOfDec, toDec } from "../../../src/domain/money";
import { checkRemainingReversible } from "../../../src/domain/redFlush";
import { Result } from "../../../src/domain/refusals";

const RENTAL_CODE = "3040502020102000000";

/** n × 10^−dp as decimal text (n a non-negative safe integer). */
function text(n: number, dp: number): string {
  const s = String(n).padStart(dp + 1, "0");
  return dp === 0 ? s : `${s.slice(0, -dp)}.${s.slice(-dp)}`;
}

/** A Decimal as everything a caller can observe of it: its digits and its sign (−0 included). */
function shown(d: Dec | null): string | null {
  if (d === null) return null;
  return `${d.isNegative() ? "-" : "+"}${d.abs().toFixed()}`;
}

function observed(run: () => Result<RedLine>): unknown {
  let r: Result<RedLine>;
  try {
    r = run();
  } catch (e) {
    return { threw: String(e) };
  }
  if (!r.ok) return { refusal: r.refusal };
  return lineShown(r.value);
}

function lineShown(l: RedLine): unknown {
  return {
    amount: shown(l.amount),
    tax: shown(l.tax),
    amountInclTax: shown(l.amountInclTax),
    quantity: shown(l.quantity),
    unitPrice: shown(l.unitPrice),
    full: l.full,
  };
}

/** A decimal value as a caller may hand it over: text of either sign, sometimes padded or exponent, or a Dec. */
const presentedArb = (n: number, dp: number): fc.Arbitrary<DecimalLike> =>
  fc
    .constantFrom(
      ...[
        "plain",
        "plain",
        "plain",
        "plain",
        "neg",
        "neg",
        "dec",
        "dec",
        "decNeg",
        "plus",
        "zeros",
        "blank",
        "exp",
      ]
    )
    .map((how) => {
      const t = text(n, dp);
      switch (how) {
        case "neg":
          return `-${t}`;
        case "plus":
          return `+${t}`;
        case "zeros":
          return `00${t}${dp > 0 ? "00" : ""}`;
        case "dec":
          return new Dec(t);
        case "decNeg":
          return new Dec(t).negated();
        case "blank":
          return ` ${t} `;
        case "exp":
          return `${n}e-${dp}`;
        default:
          return t;
      }
    });

/** Mantissas: mostly small (ties, snapping), sometimes near or above the safe-integer limit. */
const mantissaArb = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 2000 }) },
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 100_000_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(MAX_SAFE, MAX_SAFE - 1, 999_999_999_999_999, 10 ** 15, 2 ** 52) }
);

const valueArb = (maxDp: number): fc.Arbitrary<DecimalLike> =>
  fc.tuple(mantissaArb, fc.integer({ min: 0, max: maxDp })).chain(([n, dp]) => presentedArb(n, dp));

const optionalArb = (maxDp: number): fc.Arbitrary<DecimalLike | null> =>
  fc.oneof(
    { weight: 6, arbitrary: valueArb(maxDp) },
    { weight: 1, arbitrary: fc.constantFrom<DecimalLike | null>(null, "", "0", "0.000") }
  );

const rateArb: fc.Arbitrary<DecimalLike> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("0.13", "0.09", "0.06", "0.03", "0.01", "0", "0.015", "0.05") },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 8 }))
      .chain(([n, dp]) => presentedArb(n, dp)),
  }
);

/** Remaining values: coherent (amount = q × P, tax = amount × rate) or arbitrary. */
const remainingArb: fc.Arbitrary<RemainingLine> = fc.oneof(
  fc.record({
    amount: valueArb(3),
    tax: valueArb(3),
    quantity: optionalArb(14),
    unitPrice: optionalArb(14),
  }),
  fc
    .record({
      q: fc.integer({ min: 1, max: 5000 }),
      qDp: fc.integer({ min: 0, max: 4 }),
      p: fc.integer({ min: 1, max: 1_000_000 }),
      pDp: fc.integer({ min: 0, max: 6 }),
      rate: fc.constantFrom("0.13", "0.09", "0.06", "0.03", "0.015"),
      stored: fc.boolean(),
    })
    .map((g) => {
      const q = new Dec(text(g.q, g.qDp));
      const p = new Dec(text(g.p, g.pDp));
      const amount = q.times(p).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
      return {
        amount: amount.toFixed(2),
        tax: amount.times(g.rate).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2),
        quantity: q.toFixed(),
        unitPrice: g.stored ? p.toFixed() : null,
      };
    })
);

/** An edit value: a fraction of the field's remaining value (sometimes all of it, or more), or anything. */
function editArb(rem: RemainingLine, field: RedLineField): fc.Arbitrary<DecimalLike> {
  let base: Dec | null = null;
  try {
    base =
      field === "quantity"
        ? toDec(rem.quantity || "1").abs()
        : field === "amountExclTax"
          ? toDec(rem.amount).abs()
          : toDec(rem.amount).abs().plus(toDec(rem.tax).abs());
  } catch {
    base = null;
  }
  const fraction = base
    ? fc
        .tuple(fc.integer({ min: 0, max: 1100 }), fc.integer({ min: 0, max: 15 }))
        .map(([per, dp]) => (base as Dec).times(per).div(1000).toDecimalPlaces(dp).toFixed())
    : valueArb(4);
  return fc.oneof(
    { weight: 6, arbitrary: fraction },
    { weight: 1, arbitrary: base ? fc.constant(base.toFixed()) : valueArb(2) },
    { weight: 3, arbitrary: valueArb(15) }
  );
}

const caseArb: fc.Arbitrary<RedLineInput> = fc
  .record({
    reason: fc.constantFrom<RedReason>(
      "销售折让",
      "销售退回",
      "服务终止",
      "销售折让",
      "服务终止",
      "开票有误"
    ),
    taxMode: fc.constantFrom<TaxMode>("普通征税", "减按计征", "普通征税", "减按计征", "差额征税"),
    taxCode: fc.constantFrom<string | null>(RENTAL_CODE, RENTAL_CODE, "3040502020101000000", null),
    privilegeType: fc.constantFrom<string | null | undefined>(
      undefined,
      undefined,
      "10",
      "",
      null,
      "按5%简易征收减按1.5%计征"
    ),
    taxRate: rateArb,
    hasDiscountLine: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
    remaining: remainingArb,
    field: fc.constantFrom<RedLineField>("quantity", "amountExclTax", "amountInclTax"),
  })
  .chain((c) =>
    editArb(c.remaining, c.field).map((value): RedLineInput => ({
      reason: c.reason,
      taxMode: c.taxMode,
      taxCode: c.taxCode,
      privilegeType: c.privilegeType,
      taxRate: c.taxRate,
      hasDiscountLine: c.hasDiscountLine,
      remaining: c.remaining,
      edit: { field: c.field, value },
    }))
  );

/** Runs `body`, counting the lines calcRedLine took from the integer path and all the lines it computed. */
function countingIntegerLines(body: (counts: { computed: number }) => void): {
  integer: number;
  computed: number;
} {
  const original = integerPath.scaledRedLine;
  const counts = { integer: 0, computed: 0 };
  const spy = jest.spyOn(integerPath, "scaledRedLine").mockImplementation((...args) => {
    const l = original(...args);
    if (l !== null) counts.integer++;
    return l;
  });
  try {
    body(counts);
  } finally {
    spy.mockRestore();
  }
  return counts;
}

describe("calcRedLine: integer path = decimal.js path", () => {
  test("same line, refusal or exception on random inputs, every reason, tax mode and field", () => {
    const counts = countingIntegerLines((seen) =>
      fc.assert(
        fc.property(caseArb, (input) => {
          const fast = observed(() => calcRedLine(input));
          expect(fast).toEqual(observed(() => calcRedLineDecimal(input)));
          if (typeof fast === "object" && fast !== null && "full" in fast) seen.computed++;
        }),
        { numRuns: 20_000 }
      )
    );
    // These inputs aim at the edges (3-dp amounts, 14-dp quantities, 16-digit mantissas, odd texts), which
    // the integer path declines; still it must have computed a good share, or the comparison proves little.
    expect(counts.integer / counts.computed).toBeGreaterThan(0.4);
  });

  test("coherent lines, small values (where half-cent and 13th-place ties happen)", () => {
    const tieArb = fc
      .record({
        reason: fc.constantFrom<RedReason>("销售折让", "服务终止", "销售退回"),
        taxMode: fc.constantFrom<TaxMode>("普通征税", "减按计征"),
        rental: fc.boolean(),
        rate: fc.constantFrom("0.13", "0.09", "0.06", "0.03", "0.01", "0.05", "0.125"),
        q: fc.integer({ min: 1, max: 60 }),
        p: fc.integer({ min: 1, max: 900 }),
        pDp: fc.integer({ min: 0, max: 3 }),
        field: fc.constantFrom<RedLineField>("quantity", "amountExclTax", "amountInclTax"),
        v: fc.integer({ min: 1, max: 4000 }),
      })
      .map((c): RedLineInput => {
        const amount = new Dec(text(c.p, c.pDp)).times(c.q).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
        return {
          reason: c.reason,
          taxMode: c.taxMode,
          taxCode: c.rental ? RENTAL_CODE : null,
          taxRate: c.rate,
          hasDiscountLine: false,
          remaining: {
            amount: amount.times(10).toFixed(2),
            tax: amount.times(10).times(c.rate).toDecimalPlaces(2).toFixed(2),
            quantity: String(c.q * 10),
            unitPrice: text(c.p, c.pDp),
          },
          edit: { field: c.field, value: text(c.v, c.field === "quantity" ? 3 : 2) },
        };
      });
    const counts = countingIntegerLines((seen) =>
      fc.assert(
        fc.property(tieArb, (input) => {
          const fast = observed(() => calcRedLine(input));
          expect(fast).toEqual(observed(() => calcRedLineDecimal(input)));
          if (typeof fast === "object" && fast !== null && "full" in fast) seen.computed++;
        }),
        { numRuns: 20_000 }
      )
    );
    expect(counts.integer / counts.computed).toBeGreaterThan(0.99); // ordinary lines: all but ties
  });

  test("fullRedLine = fullRedLineDecimal", () => {
    fc.assert(
      fc.property(remainingArb, (rem) => {
        const run = (f: (r: RemainingLine) => RedLine) => {
          try {
            return lineShown(f(rem));
          } catch (e) {
            return { threw: String(e) };
          }
        };
        expect(run(fullRedLine)).toEqual(run(fullRedLineDecimal));
      }),
      { numRuns: 5000 }
    );
  });
});

const line = (over: Partial<RedLineInput> & Pick<RedLineInput, "edit">): RedLineInput => ({
  reason: "销售折让",
  taxMode: "普通征税",
  taxRate: "0.13",
  hasDiscountLine: false,
  remaining: { amount: "1000.00", tax: "130.00", quantity: "10", unitPrice: "100" },
  ...over,
});

describe("scaledRedLine: exact values, and what it leaves to decimal.js", () => {
  test.each([
    // 含税 1.13 at 13%: U = 1 exactly → 金额 1.00, 税额 0.13
    [line({ edit: { field: "amountInclTax", value: "1.13" } }), ["-1.00", "-0.13", "-1.13", null, null]],
    // 含税 0.01 at 13%: U = 0.00885 → 金额 0.01, 税额 0.00 (zero unsigned)
    [line({ edit: { field: "amountInclTax", value: "0.01" } }), ["-0.01", "0", "-0.01", null, null]],
    // 服务终止 by 不含税 333.33, P = 100 → 数量 3.3333 at 13 dp
    [
      line({ reason: "服务终止", edit: { field: "amountExclTax", value: "333.33" } }),
      ["-333.33", "-43.33", "-376.66", "-3.3333", "100"],
    ],
    // 服务终止 by 含税 1.13 at 13%, P = 3 → 数量 = 1 ÷ 3 = 0.3333333333333 (13 dp)
    [
      line({
        reason: "服务终止",
        remaining: { amount: "30.00", tax: "3.90", quantity: "10", unitPrice: "3" },
        edit: { field: "amountInclTax", value: "1.13" },
      }),
      ["-1.00", "-0.13", "-1.13", "-0.3333333333333", "3"],
    ],
    // 销售退回 of 0.5 at P = 0.01 (half a cent) → 金额 0.01 (half up), 税额 round(0.005 × 0.13) = 0.00
    [
      line({
        reason: "销售退回",
        remaining: { amount: "1.00", tax: "0.13", quantity: "100", unitPrice: "0.01" },
        edit: { field: "quantity", value: "0.5" },
      }),
      ["-0.01", "0", "-0.01", "-0.5", "0.01"],
    ],
    // 减按计征 generic, 不含税 100.00 → 税额 1.50
    [
      line({ taxMode: "减按计征", edit: { field: "amountExclTax", value: "100" } }),
      ["-100.00", "-1.50", "-101.50", null, null],
    ],
    // 个人出租住房, 不含税 100.00 → 税额 100 × 1.5% ÷ 1.035 = 1.4492… → 1.45
    [
      line({ taxMode: "减按计征", taxCode: RENTAL_CODE, edit: { field: "amountExclTax", value: "100" } }),
      ["-100.00", "-1.45", "-101.45", null, null],
    ],
  ])("%#", (input, [amount, tax, incl, qty, price]) => {
    const fast = integerPath.scaledRedLine(input, input.taxCode === RENTAL_CODE, true, false);
    expect(fast).not.toBeNull();
    const l = fast as RedLine;
    expect([
      l.amount.toFixed(2),
      l.tax.isZero() ? l.tax.toFixed() : l.tax.toFixed(2),
      l.amountInclTax.toFixed(2),
      l.quantity && l.quantity.toFixed(),
      l.unitPrice && l.unitPrice.toFixed(),
    ]).toEqual([amount, tax, incl, qty, price]);
    expect(lineShown(l)).toEqual(observed(() => calcRedLineDecimal(input)));
  });

  test("an exact half cent after two decimal.js steps is left to decimal.js (个人出租住房 含税 0.35: 0.35 ÷ 1.05 × 1.5%)", () => {
    const input = line({
      taxMode: "减按计征",
      taxCode: RENTAL_CODE,
      remaining: { amount: "100.00", tax: "1.43", quantity: null, unitPrice: null },
      edit: { field: "amountInclTax", value: "0.35" },
    });
    expect(integerPath.scaledRedLine(input, true, true, false)).toBeNull();
    const r = calcRedLine(input);
    expect(r.ok && [r.value.amount.toFixed(2), r.value.tax.toFixed(2)]).toEqual(["-0.34", "-0.01"]);
  });

  test("refusals, blanks, exponents, > 2-dp remaining amounts and > 6-dp rates are left to decimal.js", () => {
    expect(
      integerPath.scaledRedLine(
        line({ edit: { field: "amountExclTax", value: "1000.01" } }),
        false,
        true,
        false
      )
    ).toBeNull();
    expect(
      integerPath.scaledRedLine(
        line({ edit: { field: "amountExclTax", value: "0.004" } }),
        false,
        true,
        false
      )
    ).toBeNull();
    expect(
      integerPath.scaledRedLine(line({ edit: { field: "amountExclTax", value: " 5" } }), false, true, false)
    ).toBeNull();
    expect(
      integerPath.scaledRedLine(line({ edit: { field: "amountExclTax", value: "5e0" } }), false, true, false)
    ).toBeNull();
    expect(
      integerPath.scaledRedLine(
        line({ taxRate: "0.1300001", edit: { field: "amountExclTax", value: "5" } }),
        false,
        true,
        false
      )
    ).toBeNull();
    expect(
      integerPath.scaledRedLine(
        line({
          remaining: { amount: "1000.001", tax: "130.00", quantity: "10", unitPrice: "100" },
          edit: { field: "amountExclTax", value: "5" },
        }),
        false,
        true,
        false
      )
    ).toBeNull();
  });
});

describe("fixedPoint", () => {
  test("parseScaled reads plain numerals of ≤ 15 significant digits only", () => {
    expect(parseScaled("12.340")).toEqual({ negative: false, m: 12340, s: 3 });
    expect(parseScaled("-0.005")).toEqual({ negative: true, m: 5, s: 3 });
    expect(parseScaled("+.5")).toEqual({ negative: false, m: 5, s: 1 });
    expect(parseScaled("7.")).toEqual({ negative: false, m: 7, s: 0 });
    expect(parseScaled("000000000000000000001.5")).toEqual({ negative: false, m: 15, s: 1 });
    expect(parseScaled("999999999999999")).toEqual({ negative: false, m: 999999999999999, s: 0 });
    for (const t of ["1000000000000000", "", ".", "-", "1e5", " 1", "1,000", "1.2.3", "０"]) {
      expect(parseScaled(t)).toBeNull();
    }
  });

  test("divisions round half up exactly, and mark a tie when asked", () => {
    expect(divHalfUp(5, 10)).toBe(1);
    expect(divHalfUp(4, 10)).toBe(0);
    expect(divHalfUp(5, 10, true)).toBeNaN();
    expect(pow10HalfUp(12345, 2)).toBe(123);
    expect(pow10HalfUp(12350, 2)).toBe(124);
    expect(pow10HalfUp(MAX_SAFE, 30)).toBe(0);
    // 1 × 10^30 ÷ 3 does not fit; 1 × 10^14 ÷ 3 by long division = 33333333333333.33 → 33333333333333
    expect(mulPow10DivHalfUp(1, 14, 3)).toBe(33333333333333);
    expect(mulPow10DivHalfUp(2, 15, 3)).toBe(666666666666667);
    expect(mulPow10DivHalfUp(1, 30, 3)).toBeNaN();
    expect(mulPow10DivHalfUp(MAX_SAFE, 1, MAX_SAFE)).toBeNaN(); // divisor too large for the long division
    expect(mulPow10DivHalfUp(MAX_SAFE, 0, MAX_SAFE)).toBe(1);
    expect(compareScaled(15, 1, 150, 2)).toBe(0);
    expect(compareScaled(1, 0, 99, 2)).toBe(1);
    expect(compareScaled(MAX_SAFE, 0, 1, 30)).toBe(1);
    expect(compareScaled(1, 30, MAX_SAFE, 0)).toBe(-1);
  });

  test("mulPow10DivHalfUp = decimal.js n × 10^k ÷ d rounded half up, on random operands", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_SAFE }),
        fc.integer({ min: 0, max: 30 }),
        fc.oneof(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: Math.floor(MAX_SAFE / 10) })),
        (n, k, d) => {
          const got = mulPow10DivHalfUp(n, k, d);
          const want = new Dec(n).times(new Dec(10).pow(k)).div(d).toDecimalPlaces(0, Dec.ROUND_HALF_UP);
          if (want.gt(MAX_SAFE - 1)) expect(got).toBeNaN();
          else expect(String(got)).toBe(want.toFixed());
        }
      ),
      { numRuns: 5000 }
    );
  });
});

describe("money: Decimals from scaled integers and back", () => {
  const parts = (d: Dec) => {
    const x = d as unknown as { d: number[]; e: number; s: number };
    return { d: [...x.d], e: x.e, s: x.s };
  };

  test("decOfScaled builds decimal.js's own representation of the same text", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 1, max: MAX_SAFE }),
        fc.integer({ min: 0, max: 40 }),
        (neg, m, s) => {
          expect(parts(decOfScaled(neg, m, s))).toEqual(parts(new Dec(`${neg ? "-" : ""}${m}e-${s}`)));
        }
      ),
      { numRuns: 5000 }
    );
    expect(decOfScaled(true, 0, 2)).toBe(toDec("0")); // zero is unsigned ZERO, never −0
    expect(decOfScaled(true, 0, 2).isNegative()).toBe(false);
  });

  test("scaledOfDec reads any finite Decimal whose digits fit, and declines the rest", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 0, max: MAX_SAFE }),
        fc.integer({ min: -20, max: 40 }),
        (neg, m, e) => {
          const d = new Dec(`${neg ? "-" : ""}${m}e${-e}`);
          const x = scaledOfDec(d);
          if (x === null) {
            expect(
              d
                .abs()
                .times(new Dec(10).pow(Math.max(d.decimalPlaces(), 0)))
                .gt(MAX_SAFE)
            ).toBe(true);
            return;
          }
          expect(new Dec(`${x.m}e-${x.s}`).eq(d.abs())).toBe(true);
          expect(x.s === 0 || x.m % 10 !== 0).toBe(true);
          expect(x.negative).toBe(d.isNegative());
        }
      ),
      { numRuns: 5000 }
    );
    expect(scaledOfDec(new Dec("1.50"))).toEqual({ negative: false, m: 15, s: 1 });
    expect(scaledOfDec(new Dec("0.015"))).toEqual({ negative: false, m: 15, s: 3 });
    expect(scaledOfDec(new Dec("-1200"))).toEqual({ negative: true, m: 1200, s: 0 });
    expect(scaledOfDec(new Dec("12345678901234567"))).toBeNull();
    expect(scaledOfDec(new Dec(NaN))).toBeNull();
  });

  test("toDec of text = new Dec(text), −0 included", () => {
    const numeral = fc
      .tuple(
        fc.constantFrom("", "-", "+"),
        fc.stringMatching(/^[0-9]{0,18}$/),
        fc.constantFrom("", "."),
        fc.stringMatching(/^[0-9]{0,18}$/)
      )
      .map(([sign, a, dot, b]) => `${sign}${a}${dot}${dot ? b : ""}`)
      .filter((t) => /[0-9]/.test(t));
    fc.assert(
      fc.property(numeral, (t) => {
        expect(parts(toDec(t))).toEqual(parts(new Dec(t)));
      }),
      { numRuns: 5000 }
    );
    expect(toDec("-0").isNegative()).toBe(true);
    expect(toDec("-0.00").isNegative()).toBe(true);
    expect(() => toDec("1,0")).toThrow(TypeError);
  });
});

describe("checkRemainingReversible reads each amount once, with the same outcome", () => {
  test("allowed ⇔ 0 < |request| and |request| + Σ|pending| ≤ |可红冲金额|; available floored at 0", () => {
    const amountArb = fc
      .tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 3 }))
      .chain(([n, dp]) => presentedArb(n, dp));
    fc.assert(
      fc.property(
        amountArb,
        fc.array(amountArb, { maxLength: 3 }),
        amountArb,
        (reversible, pending, request) => {
          const rev = toDec(reversible).abs();
          const held = pending.reduce<Dec>((a, p) => a.plus(toDec(p).abs()), new Dec(0));
          const req = toDec(request).abs();
          const c = checkRemainingReversible(reversible, pending, request);
          expect(c.allowed).toBe(!req.isZero() && req.plus(held).lte(rev));
          expect(c.available.toFixed()).toBe(Dec.max(rev.minus(held), 0).toFixed());
          expect(c.pendingExcess.toFixed()).toBe(Dec.max(held.minus(rev), 0).toFixed());
          expect(c.refusal?.code).toBe(
            req.isZero() ? "NON_POSITIVE" : req.plus(held).lte(rev) ? undefined : "INSUFFICIENT_REMAINING"
          );
        }
      ),
      { numRuns: 3000 }
    );
    expect(checkRemainingReversible("100.00", [], "-100")).toMatchObject({ allowed: true });
    expect(checkRemainingReversible("100.00", ["60", "-40.00"], "0.01").refusal?.code).toBe(
      "INSUFFICIENT_REMAINING"
    );
  });
});
