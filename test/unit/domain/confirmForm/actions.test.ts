import fc from "fast-check";
import {
  ActionOutcome,
  availableActions,
  CONFIRM_FORM_ACTIONS,
  ConfirmForm,
  confirmForm,
  ConfirmFormAction,
  confirmFormByUs,
  dataSourceAfterLink,
  deleteForm,
  enterForm,
  LINK_PATHS,
  linkFormToApplication,
  redFlushForm,
  redFlushWriteBackTarget,
  rejectForm,
  revokeForm,
  rollbackForm,
  runConfirmFormAction,
} from "../../../../src/domain/confirmForm";
import { AuditStatus, DataSource, EntryStatus, FormInvoiceStatus, Role } from "../../../../src/domain/labels";

const ENTRY: EntryStatus[] = ["未录入", "录入成功", "录入失败"];
const INVOICE: FormInvoiceStatus[] = ["未开票", "已开票", "开票失败"];
const SOURCES: DataSource[] = ["手工新增", "税局下载", "API接口", "单据开票", "匹配结果推送"];
const AUDIT: AuditStatus[] = ["无需审批", "暂存", "已提交", "已审核"];
const ROLES: Role[] = ["销方", "购方"];
const STATUSES = [null, "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11"];

function codes(o: ActionOutcome): string[] | null {
  return o.ok ? null : o.refusals.map((r) => r.code).sort();
}
function code(o: ActionOutcome): string | null {
  return o.ok ? null : o.refusal.code;
}
function after(o: ActionOutcome): ConfirmForm {
  if (!o.ok || !o.form) throw new Error("expected a form");
  return o.form;
}

describe("录入 enter (§4.3)", () => {
  const base = { entryStatus: "未录入", auditStatus: "无需审批" } as const;
  test("seller entry, buyer usage not confirmed → 01; confirmed → 02; buyer entry (usage confirmed) → 03", () => {
    const f01 = after(enterForm(confirmForm({ ...base, entrantRole: "销方", buyerUsageConfirmed: false })));
    expect([f01.entryStatus, f01.confirmStatus, f01.confirmDate]).toEqual(["录入成功", "01", null]);
    expect(
      after(enterForm(confirmForm({ ...base, entrantRole: "销方", buyerUsageConfirmed: true }))).confirmStatus
    ).toBe("02");
    expect(
      after(
        enterForm(confirmForm({ ...base, entrantRole: "购方", myRole: "购方", buyerUsageConfirmed: true }))
      ).confirmStatus
    ).toBe("03");
  });

  test("the buyer cannot enter before its usage confirmation", () => {
    expect(code(enterForm(confirmForm({ ...base, entrantRole: "购方", buyerUsageConfirmed: false })))).toBe(
      "BUYER_ENTRY_NEEDS_USAGE_CONFIRMED"
    );
  });

  test("without 录入方身份 the current organisation enters", () => {
    const f = after(enterForm(confirmForm({ ...base, myRole: "购方", buyerUsageConfirmed: true })));
    expect([f.entrantRole, f.confirmStatus]).toEqual(["购方", "03"]);
  });

  test("only 未录入 / 录入失败 may be entered", () => {
    expect(enterForm(confirmForm({ ...base, entryStatus: "录入失败" })).ok).toBe(true);
    expect(code(enterForm(confirmForm({ ...base, entryStatus: "录入成功", confirmStatus: "01" })))).toBe(
      "ENTRY_ALREADY_ENTERED"
    );
  });

  test.each(AUDIT)("审核状态 %s [INFERRED: only 已审核 / 无需审批]", (auditStatus) => {
    const ok = auditStatus === "已审核" || auditStatus === "无需审批";
    expect(code(enterForm(confirmForm({ ...base, auditStatus })))).toBe(ok ? null : "ENTRY_AUDIT_STATUS");
  });

  test("the bureau's time becomes 录入日期", () => {
    expect(after(enterForm(confirmForm(base), { now: "2025-01-02 03:04:05" })).entryDate).toBe(
      "2025-01-02 03:04:05"
    );
  });
});

describe("确认 / 拒绝 (§4.3)", () => {
  const entered = { entryStatus: "录入成功" } as const;
  test("EX-12: the seller confirms a buyer-entered form → 04, 确认日期 set, invoiceable", () => {
    const o = confirmFormByUs(
      confirmForm({ ...entered, confirmStatus: "03", entrantRole: "购方", myRole: "销方" }),
      { now: "2025-03-01 10:00:00" }
    );
    expect(o.ok && o.effects.confirmDateSet).toBe(true);
    expect([after(o).confirmStatus, after(o).confirmDate]).toEqual(["04", "2025-03-01 10:00:00"]);
  });

  test.each([
    ["02", "购方", "04", "05"],
    ["03", "销方", "04", "06"],
  ])("status %s awaiting %s: confirm → %s, reject → %s", (status, us, confirmed, rejected) => {
    const f = confirmForm({ ...entered, confirmStatus: status, myRole: us as Role });
    expect(after(confirmFormByUs(f)).confirmStatus).toBe(confirmed);
    expect(after(rejectForm(f)).confirmStatus).toBe(rejected);
  });

  test("a form not awaiting us cannot be confirmed or rejected", () => {
    for (const status of STATUSES) {
      for (const myRole of ROLES) {
        const awaitingUs = (status === "02" && myRole === "购方") || (status === "03" && myRole === "销方");
        const f = confirmForm({ ...entered, confirmStatus: status, myRole });
        expect(code(confirmFormByUs(f))).toBe(awaitingUs ? null : "NOT_PENDING_OUR_CONFIRMATION");
        expect(code(rejectForm(f))).toBe(awaitingUs ? null : "NOT_PENDING_OUR_CONFIRMATION");
      }
    }
  });
});

describe("撤销 revoke: every row of the who-may-revoke table (§4.3)", () => {
  const rows: [string, Role, Role][] = [
    ["01", "销方", "销方"],
    ["02", "销方", "销方"],
    ["03", "购方", "购方"],
    ["04", "销方", "购方"],
    ["04", "购方", "销方"],
  ];
  for (const [status, entrant, only] of rows) {
    for (const myRole of ROLES) {
      test(`${status} entered by ${entrant}, we are ${myRole}: ${myRole === only ? "revoked" : `only ${only}`}`, () => {
        const o = revokeForm(
          confirmForm({ entryStatus: "录入成功", confirmStatus: status, entrantRole: entrant, myRole })
        );
        if (myRole === only) {
          expect(after(o).confirmStatus).toBe(status === "04" ? "09" : "08");
        } else {
          expect(o.ok).toBe(false);
          expect(!o.ok && [o.refusal.code, o.onlyParty, o.refusal.message]).toEqual([
            "REVOKE_WRONG_PARTY",
            only,
            `红字确认单撤销只能由最后操作方申请，当前只允许${only}撤销`,
          ]);
        }
      });
    }
  }

  test("only valid (01–04) forms: 作废 and unknown codes are refused", () => {
    for (const status of [null, "05", "06", "07", "08", "09", "10", "11"]) {
      expect(code(revokeForm(confirmForm({ entryStatus: "录入成功", confirmStatus: status })))).toBe(
        "REVOKE_NOT_VALID_STATUS"
      );
    }
  });

  test("a form with a red invoice cannot be revoked", () => {
    expect(
      code(revokeForm(confirmForm({ entryStatus: "录入成功", confirmStatus: "01", invoiceStatus: "已开票" })))
    ).toBe("REVOKE_ALREADY_INVOICED");
  });

  test("04 without 录入方身份 cannot tell the party", () => {
    expect(
      code(revokeForm(confirmForm({ entryStatus: "录入成功", confirmStatus: "04", entrantRole: null })))
    ).toBe("REVOKE_ENTRANT_UNKNOWN");
  });
});

describe("红冲 redFlush (§4.3, §9 A4)", () => {
  test("every 录入状态 × 确认状态 × 开票状态", () => {
    for (const entryStatus of ENTRY) {
      for (const confirmStatus of STATUSES) {
        for (const invoiceStatus of INVOICE) {
          const o = redFlushForm(confirmForm({ entryStatus, confirmStatus, invoiceStatus }));
          const expected =
            entryStatus !== "录入成功"
              ? "NOT_ENTERED"
              : confirmStatus !== "01" && confirmStatus !== "04"
                ? "NOT_INVOICEABLE_STATUS"
                : invoiceStatus === "已开票"
                  ? "ALREADY_INVOICED"
                  : null;
          expect(code(o)).toBe(expected);
          if (o.ok) expect(after(o).invoiceStatus).toBe("已开票");
        }
      }
    }
  });

  test("write-back: negative application first, else the blue's positive application", () => {
    expect(redFlushWriteBackTarget(true, true)).toBe("负数开票申请单");
    expect(redFlushWriteBackTarget(false, true)).toBe("开票申请单");
    expect(redFlushWriteBackTarget(false, false)).toBeNull();
  });
});

describe("回退 rollback: every condition combination (§4.8)", () => {
  test("all 数据来源 × 开票状态 × 录入状态 × 确认状态: refused = set of failing conditions", () => {
    for (const dataSource of SOURCES) {
      for (const invoiceStatus of INVOICE) {
        for (const entryStatus of ENTRY) {
          for (const confirmStatus of STATUSES) {
            const expected: string[] = [];
            if (dataSource !== "匹配结果推送" && dataSource !== "单据开票")
              expected.push("ROLLBACK_SOURCE_NOT_ALLOWED");
            if (invoiceStatus === "已开票") expected.push("ROLLBACK_INVOICE_STATUS");
            const voidStatus = ["05", "06", "07", "08", "09", "10"].includes(confirmStatus ?? "");
            if (entryStatus === "录入成功" && !voidStatus) expected.push("ROLLBACK_ENTRY_STATUS");
            const o = rollbackForm(confirmForm({ dataSource, invoiceStatus, entryStatus, confirmStatus }), {
              channel: "乐企",
            });
            expect(codes(o)).toEqual(expected.length ? expected.sort() : null);
            if (o.ok) {
              expect(o.effects).toEqual({
                deleted: entryStatus !== "录入成功",
                unlinkedFromApplication: true,
                applicationWrittenBack: true,
              });
              expect(o.form === null).toBe(entryStatus !== "录入成功");
            }
          }
        }
      }
    }
  });

  const failed = confirmForm({ dataSource: "单据开票", entryStatus: "录入失败", invoiceStatus: "未开票" });

  test("录入失败 on RPA: re-query first; still failed → deleted, with the update reported", () => {
    const o = rollbackForm(failed, {
      channel: "RPA",
      requery: { entryStatus: "录入失败", confirmStatus: null },
    });
    expect(o.ok && o.effects).toEqual({
      deleted: true,
      unlinkedFromApplication: true,
      applicationWrittenBack: true,
      statusUpdatedTo: { entryStatus: "录入失败", confirmStatus: null },
    });
  });

  test("录入失败 on RPA that was in fact entered and is valid → refused, the re-queried status still reported", () => {
    const o = rollbackForm(failed, { requery: { entryStatus: "录入成功", confirmStatus: "02" } });
    expect(codes(o)).toEqual(["ROLLBACK_ENTRY_STATUS"]);
    expect(!o.ok && o.statusUpdatedTo).toEqual({ entryStatus: "录入成功", confirmStatus: "02" });
  });

  test("录入失败 on RPA that was in fact entered and voided → kept", () => {
    const o = rollbackForm(failed, { requery: { entryStatus: "录入成功", confirmStatus: "07" } });
    expect(o.ok && o.effects.deleted).toBe(false);
    expect(after(o).entryStatus).toBe("录入成功");
  });

  test("乐企 cannot re-query: the stored 录入失败 is used", () => {
    const o = rollbackForm(failed, {
      channel: "乐企",
      requery: { entryStatus: "录入成功", confirmStatus: "02" },
    });
    expect(o.ok && o.effects).toEqual({
      deleted: true,
      unlinkedFromApplication: true,
      applicationWrittenBack: true,
    });
  });

  test("no re-query for forms that are not 录入失败", () => {
    const o = rollbackForm(confirmForm({ dataSource: "单据开票", entryStatus: "未录入" }), {
      requery: { entryStatus: "录入成功", confirmStatus: "04" },
    });
    expect(o.ok && o.effects.statusUpdatedTo).toBeUndefined();
  });
});

describe("删除 delete: every condition combination (§4.9)", () => {
  test("all 录入状态 × 开票状态 × 数据来源 × 审核状态 × 分配", () => {
    for (const entryStatus of ENTRY) {
      for (const invoiceStatus of INVOICE) {
        for (const dataSource of SOURCES) {
          for (const auditStatus of AUDIT) {
            for (const allocated of [false, true]) {
              const expected: string[] = [];
              const entryOk =
                entryStatus !== "录入成功" || (invoiceStatus === "未开票" && dataSource === "税局下载");
              if (!entryOk) expected.push("DELETE_ENTRY_STATUS");
              if (auditStatus !== "暂存" && auditStatus !== "无需审批") expected.push("DELETE_AUDIT_STATUS");
              if (allocated) expected.push("DELETE_ALLOCATED");
              if (dataSource === "单据开票" || dataSource === "匹配结果推送")
                expected.push("DELETE_SOURCE_USE_ROLLBACK");
              const o = deleteForm(
                confirmForm({
                  entryStatus,
                  invoiceStatus,
                  dataSource,
                  auditStatus,
                  allocated,
                  confirmStatus: "01",
                })
              );
              expect(codes(o)).toEqual(expected.length ? expected.sort() : null);
              if (o.ok) expect([o.form, o.effects.deleted]).toEqual([null, true]);
            }
          }
        }
      }
    }
  });

  test("manual wording", () => {
    const o = deleteForm(confirmForm({ dataSource: "匹配结果推送", allocated: true }));
    expect(!o.ok && o.refusals.map((r) => r.message)).toEqual([
      "当前数据已被分配，不允许删除。",
      "数据来源为“匹配结果推送”或“单据开票”的数据不能删除，请使用回退。",
    ]);
  });
});

describe("关联开票申请单 linkToApplication (§4.2, §9 A11)", () => {
  test.each([
    ["手工新增", "开票申请单直接关联", "单据开票"],
    ["税局下载", "负数开票申请单自动匹配", "匹配结果推送"],
    ["API接口", "数电工作台手工指定", "匹配结果推送"],
    ["单据开票", "负数开票申请单自动匹配", "单据开票"],
    ["匹配结果推送", "开票申请单直接关联", "匹配结果推送"],
  ] as [DataSource, (typeof LINK_PATHS)[number], DataSource][])("%s via %s → %s", (src, path, expected) => {
    expect(dataSourceAfterLink(src, path)).toBe(expected);
    expect(after(linkFormToApplication(confirmForm({ dataSource: src }), path)).dataSource).toBe(expected);
  });

  test("a linked 手工新增 form is no longer deletable, only rollback-able", () => {
    const linked = after(
      linkFormToApplication(confirmForm({ dataSource: "手工新增" }), "开票申请单直接关联")
    );
    expect(codes(deleteForm(linked))).toEqual(["DELETE_SOURCE_USE_ROLLBACK"]);
    expect(rollbackForm(linked).ok).toBe(true);
  });
});

describe("the action table", () => {
  test("availableActions of a fresh form", () => {
    expect(availableActions(confirmForm())).toEqual({
      enter: true,
      confirm: false,
      reject: false,
      revoke: false,
      redFlush: false,
      rollback: false,
      delete: true,
      linkToApplication: true,
    });
  });

  const formArb = fc.record({
    entryStatus: fc.constantFrom(...ENTRY),
    confirmStatus: fc.constantFrom(...STATUSES),
    invoiceStatus: fc.constantFrom(...INVOICE),
    entrantRole: fc.constantFrom<Role | null>("销方", "购方", null),
    myRole: fc.constantFrom(...ROLES),
    dataSource: fc.constantFrom(...SOURCES),
    auditStatus: fc.constantFrom(...AUDIT),
    allocated: fc.boolean(),
    buyerUsageConfirmed: fc.boolean(),
    entryDate: fc.constant(null),
    confirmDate: fc.constant(null),
  });
  const actionArb = fc.constantFrom<ConfirmFormAction>(...CONFIRM_FORM_ACTIONS);

  test("a rejected action changes nothing; no action mutates its input", () => {
    fc.assert(
      fc.property(formArb, actionArb, fc.constantFrom(...LINK_PATHS), (form, action, linkPath) => {
        const snapshot = JSON.stringify(form);
        const frozen = Object.freeze({ ...form });
        const o = runConfirmFormAction(action, frozen, {
          linkPath,
          requery: { entryStatus: "录入成功", confirmStatus: "02" },
        });
        expect(JSON.stringify(frozen)).toBe(snapshot);
        if (!o.ok) {
          expect("form" in o).toBe(false);
          expect(o.refusals.length).toBeGreaterThan(0);
          expect(o.refusal).toBe(o.refusals[0]);
        } else if (o.form) {
          expect(o.form).not.toBe(frozen);
        }
      }),
      { numRuns: 3000 }
    );
  });

  test("an allowed action's result keeps the status dimensions inside their label sets", () => {
    fc.assert(
      fc.property(formArb, actionArb, (form, action) => {
        const o = runConfirmFormAction(action, form, { linkPath: "开票申请单直接关联" });
        if (!o.ok || !o.form) return;
        expect(ENTRY).toContain(o.form.entryStatus);
        expect(INVOICE).toContain(o.form.invoiceStatus);
        expect(STATUSES).toContain(o.form.confirmStatus);
      }),
      { numRuns: 2000 }
    );
  });
});
