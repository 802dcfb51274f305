import {
  callbackDecision,
  confirmDeadline,
  deliveryContact,
  downloadMerge,
  entryYields,
  leqiRerun,
  parseChinaDateTime,
  purchaseInvoiceIdentity,
} from "../../../../src/domain/confirmForm";
import { DataSource } from "../../../../src/domain/labels";

describe("callbackDecision (§4.12)", () => {
  const SOURCES: DataSource[] = ["手工新增", "税局下载", "API接口", "单据开票", "匹配结果推送"];
  test("1: only forms linked to a 负数开票申请单 call back (the blue's application is not looked up)", () => {
    for (const dataSource of SOURCES) {
      for (const linked of [true, false]) {
        for (const blueApp of [true, false]) {
          expect(
            callbackDecision({
              redNotCallback: "1",
              dataSource,
              linkedNegativeApplication: linked,
              blueHasPositiveApplication: blueApp,
            })
          ).toBe(linked);
        }
      }
    }
  });
  test("2: business-pushed forms call back whether linked or not; 手工新增/税局下载 never", () => {
    for (const dataSource of SOURCES) {
      for (const linked of [true, false]) {
        const expected = !(dataSource === "手工新增" || dataSource === "税局下载");
        expect(
          callbackDecision({
            redNotCallback: "2",
            dataSource,
            linkedNegativeApplication: linked,
            blueHasPositiveApplication: false,
          })
        ).toBe(expected);
      }
    }
  });
  test.each(["", null, "0", "3", "abc"])("other value %p: everything calls back", (v) => {
    expect(
      callbackDecision({
        redNotCallback: v,
        dataSource: "手工新增",
        linkedNegativeApplication: false,
        blueHasPositiveApplication: false,
      })
    ).toBe(true);
  });
});

describe("deliveryContact (§4.13)", () => {
  test("EX-14: application contacts take precedence", () => {
    expect(
      deliveryContact(
        { email: "a@buyer.example", phone: "13700000000" },
        { email: "b@buyer.example", phone: null }
      )
    ).toEqual({ from: "开票申请单", email: "a@buyer.example", phone: "13700000000" });
  });
  test("the pair is one group: an empty member is not filled from the form", () => {
    expect(
      deliveryContact({ email: null, phone: "13700000000" }, { email: "b@x.example", phone: "139" })
    ).toEqual({
      from: "开票申请单",
      email: null,
      phone: "13700000000",
    });
  });
  test("application without contacts (or none) → the form's pair; neither → null", () => {
    expect(deliveryContact({ email: " ", phone: "" }, { email: "b@x.example", phone: null })).toEqual({
      from: "红字确认单",
      email: "b@x.example",
      phone: null,
    });
    expect(deliveryContact(null, { email: null, phone: "139" })).toEqual({
      from: "红字确认单",
      email: null,
      phone: "139",
    });
    expect(deliveryContact(null, { email: null, phone: null })).toEqual({
      from: null,
      email: null,
      phone: null,
    });
  });
});

describe("purchaseInvoiceIdentity (§4.5)", () => {
  test("收购票 flips the role and shows the seller's enterprise type", () => {
    expect(purchaseInvoiceIdentity(true, "销方")).toEqual({
      formRole: "购方",
      enterpriseTypeShows: "销方企业类型",
    });
    expect(purchaseInvoiceIdentity(true, "购方")).toEqual({
      formRole: "销方",
      enterpriseTypeShows: "销方企业类型",
    });
  });
  test("other invoices keep the role and show the buyer's enterprise type", () => {
    expect(purchaseInvoiceIdentity(false, "销方")).toEqual({
      formRole: "销方",
      enterpriseTypeShows: "购方企业类型",
    });
    expect(purchaseInvoiceIdentity(false, "购方")).toEqual({
      formRole: "购方",
      enterpriseTypeShows: "购方企业类型",
    });
  });
});

describe("confirmDeadline (§4.3 72 h)", () => {
  const dl = (e: string, n: string) => {
    const r = confirmDeadline(e, n);
    if (!r.ok) throw new Error(r.refusal.message);
    return r.value;
  };
  test("录入日期 + 72 h; overdue only when strictly later", () => {
    expect(dl("2025-03-01 10:00:00", "2025-03-04 10:00:00")).toEqual({
      deadline: "2025-03-04 10:00:00",
      overdue: false,
    });
    expect(dl("2025-03-01 10:00:00", "2025-03-04 10:00:01")).toEqual({
      deadline: "2025-03-04 10:00:00",
      overdue: true,
    });
    expect(dl("2025-03-01 10:00:00", "2025-03-04 09:59:59").overdue).toBe(false);
  });
  test("month, leap-day and year boundaries", () => {
    expect(dl("2024-02-27 23:30:15", "2024-02-28 00:00:00").deadline).toBe("2024-03-01 23:30:15");
    expect(dl("2025-02-27 23:30:15", "2025-02-28 00:00:00").deadline).toBe("2025-03-02 23:30:15");
    expect(dl("2024-12-30 08:00:00", "2025-01-02 08:00:00")).toEqual({
      deadline: "2025-01-02 08:00:00",
      overdue: false,
    });
  });
  test("not affected by the machine's time zone (China has no DST; components are used)", () => {
    const saved = process.env.TZ;
    process.env.TZ = "America/New_York"; // DST switch 2025-03-09
    try {
      expect(dl("2025-03-07 12:00:00", "2025-03-10 12:00:00")).toEqual({
        deadline: "2025-03-10 12:00:00",
        overdue: false,
      });
    } finally {
      process.env.TZ = saved;
    }
  });
  test("bad dates are refused", () => {
    expect(parseChinaDateTime("2025-02-30 00:00:00")).toBeNull();
    expect(parseChinaDateTime("2025-13-01 00:00:00")).toBeNull();
    expect(parseChinaDateTime("2025-01-01 24:00:00")).toBeNull();
    const r = confirmDeadline("yesterday", "2025-01-01 00:00:00");
    expect(r.ok ? null : r.refusal.code).toBe("NOT_A_DATE");
  });
});

describe("download (§4.10)", () => {
  test("new forms are inserted", () => {
    expect(
      downloadMerge({ existing: false, myRole: "购方", bothPartiesInCloud: false, bureauInvoiced: true })
    ).toEqual({
      action: "INSERT",
    });
  });
  test("existing: 确认状态 always; 开票状态 + 红票号码 only for a buyer alone in 发票云 when issued", () => {
    for (const myRole of ["销方", "购方"] as const) {
      for (const both of [false, true]) {
        for (const invoiced of [false, true]) {
          const r = downloadMerge({
            existing: true,
            myRole,
            bothPartiesInCloud: both,
            bureauInvoiced: invoiced,
          });
          const full = myRole === "购方" && !both && invoiced;
          expect(r).toEqual({
            action: "UPDATE",
            updatedFields: full ? ["确认状态", "开票状态", "红票号码"] : ["确认状态"],
          });
        }
      }
    }
  });
  test("乐企 re-runs every 60 s above 15 detail lines; exactly 15 → single pass; other channels never", () => {
    expect(leqiRerun("乐企", 16)).toEqual({ autoRerun: true, intervalSeconds: 60 });
    expect(leqiRerun("乐企", 15)).toEqual({ autoRerun: false });
    expect(leqiRerun("RPA", 100)).toEqual({ autoRerun: false });
  });
});

describe("特别提示: 税控 blue entered by the buyer while the seller is still on 税控 (§4.3)", () => {
  test("only that combination yields a 红字信息表", () => {
    for (const blueIsTaxControl of [true, false]) {
      for (const myRole of ["销方", "购方"] as const) {
        for (const sellerStillOnTaxControl of [true, false]) {
          const expected =
            blueIsTaxControl && myRole === "购方" && sellerStillOnTaxControl ? "红字信息表" : "红字确认单";
          expect(entryYields({ blueIsTaxControl, myRole, sellerStillOnTaxControl })).toBe(expected);
        }
      }
    }
  });
});
