import {
  CONFIRM_STATUS_CODES,
  confirmStatusLabel,
  isInvoiceableConfirmStatus,
  isValidConfirmStatus,
  isVoidConfirmStatus,
  parseConfirmStatus,
} from "../../../../src/domain/confirmForm";

describe("确认状态 (§4.2)", () => {
  test("labels, one canonical spelling per code", () => {
    expect(CONFIRM_STATUS_CODES.map((c) => `${c} ${confirmStatusLabel(c)}`)).toEqual([
      "01 无需确认",
      "02 销方录入 待购方确认",
      "03 购方录入 待销方确认",
      "04 购销双方 已确认",
      "05 作废（销方录入购方否认）",
      "06 作废（购方录入销方否认）",
      "07 作废（超72小时未确认）",
      "08 作废（发起方撤销）",
      "09 作废（确认后撤销）",
      "10 作废（异常凭证）",
    ]);
  });

  test("valid 01–04, void 05–10, invoiceable only 01 and 04 (§9 A4)", () => {
    expect(CONFIRM_STATUS_CODES.filter((c) => isValidConfirmStatus(c))).toEqual(["01", "02", "03", "04"]);
    expect(CONFIRM_STATUS_CODES.filter((c) => isVoidConfirmStatus(c))).toEqual([
      "05",
      "06",
      "07",
      "08",
      "09",
      "10",
    ]);
    expect(CONFIRM_STATUS_CODES.filter((c) => isInvoiceableConfirmStatus(c))).toEqual(["01", "04"]);
  });

  test("unknown codes are tolerated: raw label, not valid, not void, not invoiceable", () => {
    expect(confirmStatusLabel("11")).toBe("11");
    expect([isValidConfirmStatus("11"), isVoidConfirmStatus("11"), isInvoiceableConfirmStatus("11")]).toEqual(
      [false, false, false]
    );
    expect([confirmStatusLabel(null), isInvoiceableConfirmStatus(null)]).toEqual(["", false]);
  });

  test("parsing codes and label variants", () => {
    const parsed = (s: string) => {
      const r = parseConfirmStatus(s);
      return r.ok ? r.value : r.refusal.code;
    };
    expect(parsed("4")).toBe("04");
    expect(parsed(" 01 ")).toBe("01");
    expect(parsed("11")).toBe("11");
    expect(parsed("购销双方已确认")).toBe("04");
    expect(parsed("作废 (销 方录入购方否 认)")).toBe("05");
    expect(parsed("(发起方 撤销)")).toBe("08");
    expect(parsed("07：作废 (超 72 小 时 未 确 认)")).toBe("07");
    expect(parsed("申请中")).toBe("UNKNOWN_CONFIRM_STATUS");
  });
});
