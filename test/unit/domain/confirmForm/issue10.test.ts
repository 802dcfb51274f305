/**
 * Issue 10 (domain parts): 个人出租住房 needs the policy AND the code (item 5), the 可红冲单价 fallback
 * and the ±0.001 entry tolerance as named readings (item 11), and who red-flushes a 红字确认单 (收购票
 * flips it; item 4's domain API). Exact decimals throughout.
 */
import {
  availableActions,
  calcRedLine,
  confirmForm,
  runConfirmFormAction,
  effectiveUnitPrice,
  entryQuantityCheck,
  formatRedLine,
  fullRedLine,
  isRentalReducedLevyPolicy,
  mayRedFlushConfirmForm,
  PERSONAL_HOUSING_RENTAL_TAX_CODE,
  redFlushParty,
  redFlushPartyRefusal,
  reducedLevyBranch,
  TAX_CONTROL_ENTRY_NOTICE,
  taxControlEntryNotice,
  type RedLineInput,
} from "../../../../src/domain/confirmForm";
import {
  CONFIRM_FORM_RED_FLUSH_PARTY,
  ENTRY_QTY_TOLERANCE,
  RENTAL_CODE_WITHOUT_POLICY_REFUSED,
  RENTAL_REDUCED_LEVY_PRIVILEGE_TYPE,
  REVERSIBLE_UNIT_PRICE_FALLBACK,
} from "../../../../src/domain/inferred";
import { formatQty } from "../../../../src/domain/money";
import { refusalMessage } from "../../../../src/domain/refusals";

const RENTAL = PERSONAL_HOUSING_RENTAL_TAX_CODE;

/** EX-06 with a 优惠政策. */
const rentalEdit = (privilegeType: string | null | undefined, taxCode = RENTAL): RedLineInput => ({
  reason: "销售折让",
  taxMode: "减按计征",
  taxCode,
  ...(privilegeType === undefined ? {} : { privilegeType }),
  taxRate: "0.015",
  hasDiscountLine: false,
  remaining: { amount: "3105.00", tax: "45.00", quantity: null, unitPrice: null },
  edit: { field: "amountInclTax", value: "1050.00" },
});

const amounts = (input: RedLineInput) => {
  const r = calcRedLine(input);
  if (!r.ok) return r.refusal.code;
  const f = formatRedLine(r.value);
  return [f.amount, f.tax, f.amountInclTax];
};

describe("个人出租住房: policy 按5%简易征收减按1.5%计征 AND code 3040502020102000000 (item 5)", () => {
  it("the policy by code 10 or by name takes the rental formula: 1050 ÷ 1.05 × 1.5% = 15.00", () => {
    expect(RENTAL_REDUCED_LEVY_PRIVILEGE_TYPE).toBe("10");
    expect(amounts(rentalEdit("10"))).toEqual(["-1035.00", "-15.00", "-1050.00"]);
    expect(amounts(rentalEdit("按5%简易征收减按1.5%计征"))).toEqual(["-1035.00", "-15.00", "-1050.00"]);
    expect(amounts(rentalEdit(" 按5％简易征收减按1.5％计征 "))).toEqual(["-1035.00", "-15.00", "-1050.00"]);
  });

  it("the code without the policy is refused, never computed with the rental formula", () => {
    expect(RENTAL_CODE_WITHOUT_POLICY_REFUSED).toBe(true);
    for (const p of ["", null, "08", "09", "按5%简易征收"]) {
      const r = calcRedLine(rentalEdit(p));
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.refusal.code).toBe("REDUCED_LEVY_RENTAL_POLICY_MISSING");
        expect(r.refusal.message).toBe(refusalMessage("REDUCED_LEVY_RENTAL_POLICY_MISSING"));
      }
    }
    // The same on 不含税 and 数量 edits (服务终止).
    const qty = calcRedLine({
      ...rentalEdit(""),
      reason: "服务终止",
      remaining: { amount: "5175.00", tax: "75.00", quantity: "10", unitPrice: "517.50" },
      edit: { field: "quantity", value: "2" },
    });
    expect(qty.ok ? "computed" : qty.refusal.code).toBe("REDUCED_LEVY_RENTAL_POLICY_MISSING");
  });

  it("the whole line stays reversible (no formula runs)", () => {
    const f = formatRedLine(fullRedLine(rentalEdit("").remaining));
    expect([f.amount, f.tax, f.amountInclTax]).toEqual(["-3105.00", "-45.00", "-3150.00"]);
  });

  it("the policy on another code is the generic 1.5% levy: 1015 ÷ 1.015 × 1.5% = 15.00", () => {
    expect(
      amounts({
        ...rentalEdit("10", "3040502020101000000"),
        edit: { field: "amountInclTax", value: "1015.00" },
      })
    ).toEqual(["-1000.00", "-15.00", "-1015.00"]);
  });

  it("a caller that does not know the policy (undefined) keeps the code-only reading of EX-06", () => {
    expect(amounts(rentalEdit(undefined))).toEqual(["-1035.00", "-15.00", "-1050.00"]);
  });

  it("reducedLevyBranch / isRentalReducedLevyPolicy", () => {
    expect([
      reducedLevyBranch(RENTAL, "10"),
      reducedLevyBranch(RENTAL, ""),
      reducedLevyBranch(RENTAL, null),
      reducedLevyBranch(RENTAL),
      reducedLevyBranch("3040502020101000000", "10"),
      reducedLevyBranch(null, null),
    ]).toEqual(["rental", "refused", "refused", "rental", "generic", "generic"]);
    expect([
      isRentalReducedLevyPolicy("10"),
      isRentalReducedLevyPolicy("01"),
      isRentalReducedLevyPolicy(null),
    ]).toEqual([true, false, false]);
  });
});

describe("可红冲单价 fallback when the stored price is empty (item 11)", () => {
  it("is one named reading: 剩余可红冲金额 ÷ 剩余可红冲数量 at 13 dp half-up", () => {
    expect(REVERSIBLE_UNIT_PRICE_FALLBACK).toBe("REMAINING_AMOUNT_DIV_REMAINING_QTY");
    for (const unitPrice of [null, "", "0"]) {
      const p = effectiveUnitPrice({ amount: "100.00", tax: "13.00", quantity: "3", unitPrice });
      expect(p === null ? null : formatQty(p)).toBe("33.3333333333333");
    }
    // 200 ÷ 3 = 66.666…7 (half-up at the 13th decimal).
    const up = effectiveUnitPrice({ amount: "200.00", tax: "26.00", quantity: "3", unitPrice: null });
    expect(up === null ? null : formatQty(up)).toBe("66.6666666666667");
    // No quantity → no price.
    expect(
      effectiveUnitPrice({ amount: "100.00", tax: "13.00", quantity: null, unitPrice: null })
    ).toBeNull();
  });

  it("a 销售退回 of 1 at the fallback price: 33.33 / 4.33", () => {
    const r = calcRedLine({
      reason: "销售退回",
      taxMode: "普通征税",
      taxRate: "0.13",
      hasDiscountLine: false,
      remaining: { amount: "100.00", tax: "13.00", quantity: "3", unitPrice: "" },
      edit: { field: "quantity", value: "1" },
    });
    expect(r.ok && formatRedLine(r.value)).toEqual({
      amount: "-33.33",
      tax: "-4.33",
      amountInclTax: "-37.66",
      quantity: "-1",
      unitPrice: "33.3333333333333",
    });
  });
});

describe("匹配结果推送 entry tolerance ±0.001 (item 11 / 7)", () => {
  it("is the named reading ENTRY_QTY_TOLERANCE = 0.001, used by entryQuantityCheck at both edges", () => {
    expect(ENTRY_QTY_TOLERANCE.toFixed()).toBe("0.001");
    const check = (form: string, remaining: string) =>
      entryQuantityCheck({ dataSource: "匹配结果推送", formQuantity: form, remainingQuantity: remaining });
    const inside = check("-10.001", "10");
    expect([inside.allowed, inside.branch, inside.finalQty?.toFixed()]).toEqual([
      true,
      "USE_REMAINING_QTY",
      "-10",
    ]);
    const over = check("-10.0011", "10");
    expect([over.allowed, over.refusal?.code, over.diff.toFixed()]).toEqual([
      false,
      "QTY_TOLERANCE_EXCEEDED",
      "0.0011",
    ]);
    const under = check("-9.999", "10");
    expect([under.allowed, under.branch, under.finalQty?.toFixed()]).toEqual([
      true,
      "USE_FORM_QTY",
      "-9.999",
    ]);
  });
});

describe("who red-flushes a 红字确认单 (收购票 flips it)", () => {
  it("the seller, or the buyer for a 收购票", () => {
    expect(CONFIRM_FORM_RED_FLUSH_PARTY).toEqual({ ordinary: "销方", purchaseInvoice: "购方" });
    expect([redFlushParty(false), redFlushParty(true)]).toEqual(["销方", "购方"]);
    expect([
      mayRedFlushConfirmForm("销方", false),
      mayRedFlushConfirmForm("购方", false),
      mayRedFlushConfirmForm("销方", true),
      mayRedFlushConfirmForm("购方", true),
    ]).toEqual([true, false, false, true]);
  });

  it("the disabled 红冲 button's reason, in words", () => {
    expect(redFlushPartyRefusal("销方", false)).toBeNull();
    expect(redFlushPartyRefusal("购方", true)).toBeNull();
    const buyer = redFlushPartyRefusal("购方", false);
    expect([buyer?.code, buyer?.message]).toEqual([
      "RCF_RED_FLUSH_WRONG_PARTY",
      "红字确认单只能由销方红冲（购方仅通过下载获取红字确认单编号）",
    ]);
    const seller = redFlushPartyRefusal("销方", true);
    expect(seller?.message).toBe("红字确认单只能由购方红冲（收购票由购方开具，购销身份互换）");
  });
});

describe("特别提示: a 税控 blue entered by the buyer while the seller is on 税控 (item 7's domain API)", () => {
  it("taxControlEntryNotice gives the notice only for that case", () => {
    const facts = { blueIsTaxControl: true, myRole: "购方" as const, sellerStillOnTaxControl: true };
    expect(taxControlEntryNotice(facts)).toBe(TAX_CONTROL_ENTRY_NOTICE);
    expect(taxControlEntryNotice({ ...facts, myRole: "销方" })).toBeNull();
    expect(taxControlEntryNotice({ ...facts, sellerStillOnTaxControl: false })).toBeNull();
    expect(taxControlEntryNotice({ ...facts, blueIsTaxControl: false })).toBeNull();
  });
});

describe("the redFlush action applies the party rule (form.isPurchaseInvoice)", () => {
  const entered = { entryStatus: "录入成功", confirmStatus: "04", invoiceStatus: "未开票" } as const;

  it("the buyer's copy of an ordinary form is refused, naming the seller; the seller's copy goes", () => {
    const buyer = runConfirmFormAction("redFlush", confirmForm({ ...entered, myRole: "购方" }));
    expect(buyer.ok ? null : [buyer.refusal.code, buyer.onlyParty, buyer.refusal.message]).toEqual([
      "RCF_RED_FLUSH_WRONG_PARTY",
      "销方",
      "红字确认单只能由销方红冲（购方仅通过下载获取红字确认单编号）",
    ]);
    expect(runConfirmFormAction("redFlush", confirmForm({ ...entered, myRole: "销方" })).ok).toBe(true);
    expect(availableActions(confirmForm({ ...entered, myRole: "购方" })).redFlush).toBe(false);
  });

  it("a 收购票 flips it: the buyer goes, the seller is refused", () => {
    const f = (myRole: "购方" | "销方") => confirmForm({ ...entered, myRole, isPurchaseInvoice: true });
    expect(runConfirmFormAction("redFlush", f("购方")).ok).toBe(true);
    const seller = runConfirmFormAction("redFlush", f("销方"));
    expect(seller.ok ? null : [seller.refusal.code, seller.onlyParty]).toEqual([
      "RCF_RED_FLUSH_WRONG_PARTY",
      "购方",
    ]);
  });

  it("status refusals still come first (NOT_ENTERED before the party)", () => {
    const r = runConfirmFormAction("redFlush", confirmForm({ myRole: "购方" }));
    expect(r.ok ? null : r.refusal.code).toBe("NOT_ENTERED");
  });
});
