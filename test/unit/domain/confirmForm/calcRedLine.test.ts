import {
  calcRedLine,
  effectiveUnitPrice,
  formatRedLine,
  formatRedTotals,
  fullRedLine,
  RedLineInput,
  redFormTotals,
} from "../../../../src/domain/confirmForm";
import { RedReason } from "../../../../src/domain/labels";

type Partial2 = Omit<Partial<RedLineInput>, "remaining" | "edit"> & {
  remaining?: Partial<RedLineInput["remaining"]>;
  edit: RedLineInput["edit"];
};

/** A normal-tax 13% line of 10 × 100.00 unless overridden. */
function input(over: Partial2): RedLineInput {
  return {
    reason: "销售退回",
    taxMode: "普通征税",
    taxCode: null,
    taxRate: "0.13",
    hasDiscountLine: false,
    ...over,
    remaining: { amount: "1000.00", tax: "130.00", quantity: "10", unitPrice: "100", ...over.remaining },
  };
}

function calc(over: Partial2) {
  const r = calcRedLine(input(over));
  if (!r.ok) throw new Error(`refused ${r.refusal.code}`);
  return formatRedLine(r.value);
}

function refusedCode(over: Partial2): string | null {
  const r = calcRedLine(input(over));
  return r.ok ? null : r.refusal.code;
}

describe("calcRedLine — examples.json (EX-01…EX-08)", () => {
  test("EX-01 销售退回 普通征税 数量 5 of 50 at 10", () => {
    expect(
      calc({
        remaining: { amount: "500.00", tax: "65.00", quantity: "50", unitPrice: "10" },
        edit: { field: "quantity", value: "5" },
      })
    ).toEqual({ amount: "-50.00", tax: "-6.50", amountInclTax: "-56.50", quantity: "-5", unitPrice: "10" });
  });

  test("EX-02 销售折让 普通征税 不含税 200.00", () => {
    const l = calc({
      reason: "销售折让",
      remaining: { amount: "1000.00", tax: "130.00", quantity: null, unitPrice: null },
      edit: { field: "amountExclTax", value: "200.00" },
    });
    expect([l.amount, l.tax, l.amountInclTax]).toEqual(["-200.00", "-26.00", "-226.00"]);
  });

  test("EX-03 销售折让 普通征税 含税 226.00", () => {
    const l = calc({
      reason: "销售折让",
      remaining: { amount: "1000.00", tax: "130.00", quantity: null, unitPrice: null },
      edit: { field: "amountInclTax", value: "226.00" },
    });
    expect([l.amount, l.tax, l.amountInclTax]).toEqual(["-200.00", "-26.00", "-226.00"]);
  });

  test("EX-04 服务终止 普通征税 不含税 60.00 → 数量 = 60 / 12 = 5", () => {
    expect(
      calc({
        reason: "服务终止",
        taxRate: "0.06",
        remaining: { amount: "600.00", tax: "36.00", quantity: "50", unitPrice: "12" },
        edit: { field: "amountExclTax", value: "60.00" },
      })
    ).toEqual({ amount: "-60.00", tax: "-3.60", amountInclTax: "-63.60", quantity: "-5", unitPrice: "12" });
  });

  test("EX-05 销售折让 减按计征 (generic 1.5%) 含税 1015.00", () => {
    const l = calc({
      reason: "销售折让",
      taxMode: "减按计征",
      taxRate: "0.015",
      taxCode: "3040502020101000000",
      remaining: { amount: "3000.00", tax: "45.00", quantity: null, unitPrice: null },
      edit: { field: "amountInclTax", value: "1015.00" },
    });
    expect([l.amount, l.tax, l.amountInclTax]).toEqual(["-1000.00", "-15.00", "-1015.00"]);
  });

  test("EX-06 销售折让 减按计征 个人出租住房 含税 1050.00", () => {
    const l = calc({
      reason: "销售折让",
      taxMode: "减按计征",
      taxRate: "0.015",
      taxCode: "3040502020102000000",
      remaining: { amount: "3105.00", tax: "45.00", quantity: null, unitPrice: null },
      edit: { field: "amountInclTax", value: "1050.00" },
    });
    expect([l.amount, l.tax, l.amountInclTax]).toEqual(["-1035.00", "-15.00", "-1050.00"]);
  });

  test("EX-07 服务终止 减按计征 个人出租住房 数量 2 at 517.50", () => {
    expect(
      calc({
        reason: "服务终止",
        taxMode: "减按计征",
        taxRate: "0.015",
        taxCode: "3040502020102000000",
        remaining: { amount: "5175.00", tax: "75.00", quantity: "10", unitPrice: "517.50" },
        edit: { field: "quantity", value: "2" },
      })
    ).toEqual({
      amount: "-1035.00",
      tax: "-15.00",
      amountInclTax: "-1050.00",
      quantity: "-2",
      unitPrice: "517.5",
    });
  });

  test("EX-08 开票有误 is full only", () => {
    expect(refusedCode({ reason: "开票有误", edit: { field: "quantity", value: "1" } })).toBe(
      "ISSUE_ERROR_FULL_ONLY"
    );
  });
});

describe("calcRedLine — float traps (exact decimals)", () => {
  test("3 × 0.145 = 0.435 → 0.44 (a double gives 0.43499999…)", () => {
    expect(
      calc({
        remaining: { amount: "1.45", tax: "0.19", quantity: "10", unitPrice: "0.145" },
        edit: { field: "quantity", value: "3" },
      })
    ).toEqual({ amount: "-0.44", tax: "-0.06", amountInclTax: "-0.50", quantity: "-3", unitPrice: "0.145" });
  });

  test("11.50 × 9% = 1.035 → 1.04", () => {
    const l = calc({
      reason: "销售折让",
      taxRate: "0.09",
      remaining: { amount: "100.00", tax: "9.00", quantity: null, unitPrice: null },
      edit: { field: "amountExclTax", value: "11.50" },
    });
    expect([l.amount, l.tax, l.amountInclTax]).toEqual(["-11.50", "-1.04", "-12.54"]);
  });

  test("rental 含税 0.35: 0.35 ÷ 1.05 × 1.5% = 0.005 → 税额 0.01, 不含税 0.34", () => {
    const l = calc({
      reason: "销售折让",
      taxMode: "减按计征",
      taxRate: "0.015",
      taxCode: "3040502020102000000",
      remaining: { amount: "10.35", tax: "0.15", quantity: null, unitPrice: null },
      edit: { field: "amountInclTax", value: "0.35" },
    });
    expect([l.amount, l.tax, l.amountInclTax]).toEqual(["-0.34", "-0.01", "-0.35"]);
  });

  test("rental 不含税 0.34: 0.34 × 1.5% ÷ 1.035 = 0.0049… → 税额 0.00 (not -0.00), 含税 0.34", () => {
    const l = calc({
      reason: "销售折让",
      taxMode: "减按计征",
      taxRate: "0.015",
      taxCode: "3040502020102000000",
      remaining: { amount: "10.35", tax: "0.15", quantity: null, unitPrice: null },
      edit: { field: "amountExclTax", value: "0.34" },
    });
    expect([l.amount, l.tax, l.amountInclTax]).toEqual(["-0.34", "0.00", "-0.34"]);
  });
});

describe("calcRedLine — formulas (§4.7)", () => {
  test("数量 edit: the unrounded 不含税 feeds the tax (7 × 1.005 = 7.035: 税额 0.91, not 7.04 × 13% = 0.92)", () => {
    expect(
      calc({
        remaining: { amount: "10.05", tax: "1.31", quantity: "10", unitPrice: "1.005" },
        edit: { field: "quantity", value: "7" },
      })
    ).toEqual({ amount: "-7.04", tax: "-0.91", amountInclTax: "-7.95", quantity: "-7", unitPrice: "1.005" });
  });

  test("服务终止 含税 edit: quantity from the unrounded 不含税 (10 ÷ 1.13 ÷ 3, 13 dp)", () => {
    expect(
      calc({
        reason: "服务终止",
        remaining: { amount: "300.00", tax: "39.00", quantity: "100", unitPrice: "3" },
        edit: { field: "amountInclTax", value: "10.00" },
      })
    ).toEqual({
      amount: "-8.85",
      tax: "-1.15",
      amountInclTax: "-10.00",
      quantity: "-2.9498525073746",
      unitPrice: "3",
    });
  });

  test("服务终止 数量 edit, 普通征税", () => {
    expect(
      calc({
        reason: "服务终止",
        taxRate: "0.06",
        remaining: { amount: "600.00", tax: "36.00", quantity: "50", unitPrice: "12" },
        edit: { field: "quantity", value: "2.5" },
      })
    ).toEqual({ amount: "-30.00", tax: "-1.80", amountInclTax: "-31.80", quantity: "-2.5", unitPrice: "12" });
  });

  test("减按计征 generic: 不含税 1000 → 税额 15.00, 含税 1015.00", () => {
    const l = calc({
      reason: "销售折让",
      taxMode: "减按计征",
      taxRate: "0.015",
      taxCode: "3040502020101000000",
      remaining: { amount: "3000.00", tax: "45.00", quantity: null, unitPrice: null },
      edit: { field: "amountExclTax", value: "1000" },
    });
    expect([l.amount, l.tax, l.amountInclTax]).toEqual(["-1000.00", "-15.00", "-1015.00"]);
  });

  test("减按计征 rental: 不含税 1035 → 1035 × 1.5% ÷ 1.035 = 15.00", () => {
    const l = calc({
      reason: "销售折让",
      taxMode: "减按计征",
      taxRate: "0.015",
      taxCode: "3040502020102000000",
      remaining: { amount: "3105.00", tax: "45.00", quantity: null, unitPrice: null },
      edit: { field: "amountExclTax", value: "1035.00" },
    });
    expect([l.amount, l.tax, l.amountInclTax]).toEqual(["-1035.00", "-15.00", "-1050.00"]);
  });

  test("减按计征 generic 服务终止 数量: 税额 = U × 1.5%", () => {
    expect(
      calc({
        reason: "服务终止",
        taxMode: "减按计征",
        taxRate: "0.015",
        taxCode: "3040502020101000000",
        remaining: { amount: "1000.00", tax: "15.00", quantity: "10", unitPrice: "100" },
        edit: { field: "quantity", value: "3" },
      })
    ).toEqual({
      amount: "-300.00",
      tax: "-4.50",
      amountInclTax: "-304.50",
      quantity: "-3",
      unitPrice: "100",
    });
  });

  test("减按计征 服务终止 含税: quantity from 不含税 = 含税 − 税额 (generic 1015 → 1000 ÷ 100 = 10)", () => {
    expect(
      calc({
        reason: "服务终止",
        taxMode: "减按计征",
        taxRate: "0.015",
        taxCode: "3040502020101000000",
        remaining: { amount: "3000.00", tax: "45.00", quantity: "30", unitPrice: "100" },
        edit: { field: "amountInclTax", value: "1015.00" },
      })
    ).toEqual({
      amount: "-1000.00",
      tax: "-15.00",
      amountInclTax: "-1015.00",
      quantity: "-10",
      unitPrice: "100",
    });
  });

  test("without a tax code 减按计征 takes the generic 1.5% branch", () => {
    const l = calc({
      reason: "销售折让",
      taxMode: "减按计征",
      taxCode: null,
      remaining: { amount: "3105.00", tax: "45.00", quantity: null, unitPrice: null },
      edit: { field: "amountInclTax", value: "1050.00" },
    });
    // 1050 ÷ 1.015 × 1.5% = 15.517… → 15.52 (the rental branch would give 15.00)
    expect([l.amount, l.tax]).toEqual(["-1034.48", "-15.52"]);
  });

  test("typed amounts are first rounded half-up to 2 dp; either sign is accepted", () => {
    const a = calc({
      reason: "销售折让",
      remaining: { quantity: null, unitPrice: null },
      edit: { field: "amountExclTax", value: "-200.005" },
    });
    expect([a.amount, a.tax, a.amountInclTax]).toEqual(["-200.01", "-26.00", "-226.01"]);
  });

  test("negative remaining values (red-signed input) give the same line", () => {
    expect(
      calc({
        remaining: { amount: "-500.00", tax: "-65.00", quantity: "-50", unitPrice: "10" },
        edit: { field: "quantity", value: "-5" },
      })
    ).toEqual({ amount: "-50.00", tax: "-6.50", amountInclTax: "-56.50", quantity: "-5", unitPrice: "10" });
  });

  test("销售折让 partial lines carry no 数量/单价 [INFERRED]", () => {
    expect(calc({ reason: "销售折让", edit: { field: "amountExclTax", value: "100" } })).toEqual({
      amount: "-100.00",
      tax: "-13.00",
      amountInclTax: "-113.00",
      quantity: null,
      unitPrice: null,
    });
  });

  test("服务终止 amount edit on a line without quantity: no 数量/单价", () => {
    expect(
      calc({
        reason: "服务终止",
        remaining: { quantity: null, unitPrice: null },
        edit: { field: "amountExclTax", value: "100" },
      })
    ).toEqual({
      amount: "-100.00",
      tax: "-13.00",
      amountInclTax: "-113.00",
      quantity: null,
      unitPrice: null,
    });
  });
});

describe("calcRedLine — 可红冲单价 fallback (§4.4)", () => {
  test("empty 可红冲单价 → 剩余金额 ÷ 剩余数量 at 13 dp", () => {
    expect(
      effectiveUnitPrice({ amount: "100.00", tax: "13.00", quantity: "3", unitPrice: null })?.toFixed()
    ).toBe("33.3333333333333");
    expect(
      calc({
        remaining: { amount: "100.00", tax: "13.00", quantity: "3", unitPrice: null },
        edit: { field: "quantity", value: "1" },
      })
    ).toEqual({
      amount: "-33.33",
      tax: "-4.33",
      amountInclTax: "-37.66",
      quantity: "-1",
      unitPrice: "33.3333333333333",
    });
  });

  test("a stored 可红冲单价 is used exactly", () => {
    expect(
      effectiveUnitPrice({ amount: "100.00", tax: "13.00", quantity: "3", unitPrice: "33.30" })?.toFixed()
    ).toBe("33.3");
  });

  test("no quantity → no unit price → quantity edits refused", () => {
    expect(
      effectiveUnitPrice({ amount: "100.00", tax: "13.00", quantity: null, unitPrice: null })
    ).toBeNull();
    expect(
      refusedCode({ remaining: { quantity: null, unitPrice: null }, edit: { field: "quantity", value: "1" } })
    ).toBe("NO_UNIT_PRICE");
  });
});

describe("calcRedLine — over-quantity is EXCEEDS_REMAINING on 数量, never NO_UNIT_PRICE (issue 11 D15)", () => {
  const refused = (over: Partial2) => {
    const r = calcRedLine(input(over));
    return r.ok ? null : { code: r.refusal.code, message: r.refusal.message };
  };

  test("a line whose 剩余可红冲数量 is used up (0, amount still left): 数量 1 is over 0", () => {
    expect(
      refused({
        remaining: { amount: "0.50", tax: "0.07", quantity: "0", unitPrice: "5" },
        edit: { field: "quantity", value: "1" },
      })
    ).toEqual({ code: "EXCEEDS_REMAINING", message: "数量不能超过剩余可红冲值 0" });
    // Red-signed and many-decimal zeros are the same zero; 服务终止 takes the same limit.
    expect(
      refused({
        reason: "服务终止",
        remaining: { amount: "0.00", tax: "0.00", quantity: "-0.0000000000000", unitPrice: null },
        edit: { field: "quantity", value: "-0.0000000000001" },
      })
    ).toEqual({ code: "EXCEEDS_REMAINING", message: "数量不能超过剩余可红冲值 0" });
  });

  test("数量 10.0000000000001 on 10 × 100.00: over by one 13-dp step", () => {
    expect(refused({ edit: { field: "quantity", value: "10.0000000000001" } })).toEqual({
      code: "EXCEEDS_REMAINING",
      message: "数量不能超过剩余可红冲值 10",
    });
    // Typed beyond 13 dp rounds half-up first (§1.5): 10.00000000000004 → 10, the whole line.
    expect(calc({ edit: { field: "quantity", value: "10.00000000000004" } }).quantity).toBe("-10");
  });

  test("a typed 0 on a used-up line is still 须大于0; a line without any quantity still has no unit price", () => {
    expect(
      refused({ remaining: { quantity: "0", unitPrice: "5" }, edit: { field: "quantity", value: "0" } })?.code
    ).toBe("NON_POSITIVE");
    expect(
      refused({ remaining: { quantity: "", unitPrice: null }, edit: { field: "quantity", value: "1" } })?.code
    ).toBe("NO_UNIT_PRICE");
  });
});

describe("calcRedLine — check order and limits (§4.6, §8)", () => {
  const q1 = { field: "quantity", value: "1" } as const;
  test("discount line beats everything", () => {
    expect(refusedCode({ hasDiscountLine: true, taxMode: "差额征税", reason: "开票有误", edit: q1 })).toBe(
      "DISCOUNT_LINE_NOT_EDITABLE"
    );
  });
  test("差额征税 before 开票有误", () => {
    expect(refusedCode({ taxMode: "差额征税", reason: "开票有误", edit: q1 })).toBe("DIFF_TAX_FULL_ONLY");
    expect(refusedCode({ taxMode: "差额征税", reason: "销售退回", edit: q1 })).toBe("DIFF_TAX_FULL_ONLY");
  });
  test("开票有误 before 减按计征+销售退回 and before field checks", () => {
    expect(refusedCode({ taxMode: "减按计征", reason: "开票有误", edit: q1 })).toBe("ISSUE_ERROR_FULL_ONLY");
  });
  test("减按计征 + 销售退回 is refused even for a field 销售退回 cannot edit", () => {
    expect(refusedCode({ taxMode: "减按计征", reason: "销售退回", edit: q1 })).toBe(
      "REDUCED_LEVY_NO_SALES_RETURN"
    );
    expect(
      refusedCode({ taxMode: "减按计征", reason: "销售退回", edit: { field: "amountExclTax", value: "1" } })
    ).toBe("REDUCED_LEVY_NO_SALES_RETURN");
  });

  const editable: Record<RedReason, string[]> = {
    开票有误: [],
    销售折让: ["amountInclTax", "amountExclTax"],
    销售退回: ["quantity"],
    服务终止: ["quantity", "amountInclTax", "amountExclTax"],
  };
  for (const reason of ["销售折让", "销售退回", "服务终止"] as RedReason[]) {
    for (const field of ["quantity", "amountExclTax", "amountInclTax"] as const) {
      const allowed = editable[reason].includes(field);
      test(`${reason} ${field}: ${allowed ? "editable" : "FIELD_NOT_EDITABLE"} (§9 A6)`, () => {
        expect(refusedCode({ reason, edit: { field, value: "1" } })).toBe(
          allowed ? null : "FIELD_NOT_EDITABLE"
        );
      });
    }
  }

  test("field check precedes the value check", () => {
    expect(refusedCode({ reason: "销售折让", edit: { field: "quantity", value: "0" } })).toBe(
      "FIELD_NOT_EDITABLE"
    );
  });

  test("value must be > 0 after rounding to field precision", () => {
    expect(refusedCode({ edit: { field: "quantity", value: "0" } })).toBe("NON_POSITIVE");
    expect(refusedCode({ edit: { field: "quantity", value: "0.00000000000004" } })).toBe("NON_POSITIVE");
    expect(refusedCode({ reason: "销售折让", edit: { field: "amountExclTax", value: "0.004" } })).toBe(
      "NON_POSITIVE"
    );
    expect(refusedCode({ reason: "销售折让", edit: { field: "amountExclTax", value: "0.005" } })).toBeNull();
  });

  test("value must be ≤ remaining: 数量, 不含税 ≤ 剩余金额, 含税 ≤ 剩余金额 + 剩余税额", () => {
    expect(refusedCode({ edit: { field: "quantity", value: "10.0000000000001" } })).toBe("EXCEEDS_REMAINING");
    expect(refusedCode({ reason: "销售折让", edit: { field: "amountExclTax", value: "1000.01" } })).toBe(
      "EXCEEDS_REMAINING"
    );
    expect(refusedCode({ reason: "销售折让", edit: { field: "amountInclTax", value: "1130.01" } })).toBe(
      "EXCEEDS_REMAINING"
    );
    // 1000.004 rounds to 1000.00: equal, not above.
    expect(
      refusedCode({ reason: "销售折让", edit: { field: "amountExclTax", value: "1000.004" } })
    ).toBeNull();
    const r = calcRedLine(input({ reason: "销售折让", edit: { field: "amountInclTax", value: "1130.01" } }));
    expect(r.ok ? "" : r.refusal.message).toBe("含税金额不能超过剩余可红冲值 1130.00");
  });

  test("snap-to-remaining: an edit equal to the remaining value takes the remaining values unchanged", () => {
    // Blue tax computed from a tax-inclusive price: 112.99 ÷ 1.13 would give 99.99 + 13.00.
    const rem = { amount: "100.00", tax: "12.99", quantity: "10", unitPrice: "10" };
    const full = {
      amount: "-100.00",
      tax: "-12.99",
      amountInclTax: "-112.99",
      quantity: "-10",
      unitPrice: "10",
    };
    expect(
      calc({ reason: "服务终止", remaining: rem, edit: { field: "amountInclTax", value: "112.99" } })
    ).toEqual(full);
    expect(
      calc({ reason: "服务终止", remaining: rem, edit: { field: "amountExclTax", value: "100" } })
    ).toEqual(full);
    expect(calc({ reason: "销售退回", remaining: rem, edit: { field: "quantity", value: "10" } })).toEqual(
      full
    );
    // A typed quantity is rounded to 13 dp before the comparison: 9.99999999999995 → 10.
    expect(
      calc({ reason: "销售退回", remaining: rem, edit: { field: "quantity", value: "9.99999999999995" } })
    ).toEqual(full);
    const r = calcRedLine(input({ remaining: rem, edit: { field: "quantity", value: "10" } }));
    expect(r.ok && r.value.full).toBe(true);
  });

  test("a computed value above the remaining one is refused (inconsistent blue tax) [INFERRED]", () => {
    const r = calcRedLine(
      input({
        remaining: { amount: "100.00", tax: "12.99", quantity: "10", unitPrice: "10" },
        edit: { field: "quantity", value: "9.9999" },
      })
    );
    expect(r.ok ? null : [r.refusal.code, r.refusal.message]).toEqual([
      "EXCEEDS_REMAINING",
      "税额不能超过剩余可红冲值 12.99",
    ]);
  });
});

describe("full lines and header totals", () => {
  test("a full line takes the remaining values, red-signed", () => {
    expect(
      formatRedLine(fullRedLine({ amount: "1.45", tax: "0.19", quantity: "10", unitPrice: null }))
    ).toEqual({
      amount: "-1.45",
      tax: "-0.19",
      amountInclTax: "-1.64",
      quantity: "-10",
      unitPrice: "0.145",
    });
    expect(formatRedLine(fullRedLine({ amount: "0", tax: "0", quantity: null, unitPrice: null }))).toEqual({
      amount: "0.00",
      tax: "0.00",
      amountInclTax: "0.00",
      quantity: null,
      unitPrice: null,
    });
  });

  test("header totals are sums of the rounded line values", () => {
    const lines = [
      calcRedLine(
        input({
          remaining: { amount: "1.45", tax: "0.19", quantity: "10", unitPrice: "0.145" },
          edit: { field: "quantity", value: "3" },
        })
      ),
      calcRedLine(
        input({
          remaining: { amount: "1.45", tax: "0.19", quantity: "10", unitPrice: "0.145" },
          edit: { field: "quantity", value: "3" },
        })
      ),
    ].map((r) => {
      if (!r.ok) throw new Error("refused");
      return r.value;
    });
    // 2 × 0.44 (not R2(6 × 0.145) = 0.87), 2 × 0.06, 2 × 0.50
    expect(formatRedTotals(redFormTotals(lines))).toEqual({
      amount: "-0.88",
      tax: "-0.12",
      amountInclTax: "-1.00",
    });
    expect(formatRedTotals(redFormTotals([]))).toEqual({
      amount: "0.00",
      tax: "0.00",
      amountInclTax: "0.00",
    });
  });
});
