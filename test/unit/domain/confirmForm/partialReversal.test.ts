import { partialReversalRefusal } from "../../../../src/domain/confirmForm";

describe("partialReversalRefusal (domain-rules §4, §4.6)", () => {
  test("差额征税 is full only, whatever the reason and status", () => {
    expect(
      partialReversalRefusal({ reason: "销售折让", taxMode: "差额征税", entryConfirmStatus: "02" })?.code
    ).toBe("DIFF_TAX_FULL_ONLY");
  });
  test("开票有误 is full only", () => {
    expect(
      partialReversalRefusal({ reason: "开票有误", taxMode: "普通征税", entryConfirmStatus: "02" })?.code
    ).toBe("ISSUE_ERROR_FULL_ONLY");
  });
  test("a form needing no confirmation (01) is full only", () => {
    const r = partialReversalRefusal({ reason: "销售退回", taxMode: "普通征税", entryConfirmStatus: "01" });
    expect(r?.code).toBe("NO_CONFIRMATION_FULL_ONLY");
    expect(r?.message).toContain("只能全额红冲");
  });
  test("02/03 forms with the other reasons may reverse in part", () => {
    for (const s of ["02", "03"])
      for (const reason of ["销售折让", "销售退回", "服务终止"] as const)
        expect(partialReversalRefusal({ reason, taxMode: "普通征税", entryConfirmStatus: s })).toBeNull();
    expect(
      partialReversalRefusal({ reason: "服务终止", taxMode: "减按计征", entryConfirmStatus: "03" })
    ).toBeNull();
  });
});
