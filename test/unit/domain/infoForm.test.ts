/**
 * Module 001 — 红字信息表 (domain-rules §3): required blue fields, the red-amount limit, every cell of
 * the §3.9 state table (allowed and refused), download scope and the 批量引入 row validator.
 */
import fc from "fast-check";
import {
  applyInfoFormAction,
  checkDownloadScope,
  downloadCovers,
  downloadScopeOf,
  INFO_FORM_TRANSITIONS,
  InfoForm,
  InfoFormAction,
  InfoFormImportRow,
  infoFormActionRefusal,
  requiredBlueFields,
  validateImportRow,
  validateRedAmount,
} from "../../../src/domain/infoForm";
import { InfoFormApplicant, InfoFormStatus } from "../../../src/domain/labels";
import { Dec } from "../../../src/domain/money";
import { RefusalCode } from "../../../src/domain/refusals";

const ORG = "91440300MA5FXXXX1Q";
const approved: InfoForm = { status: "审核成功", formNo: "4403012311000123", sellerTaxId: ORG };

function refusalOf(form: InfoForm, action: InfoFormAction): RefusalCode | null {
  const r = applyInfoFormAction(form, action);
  return r.ok ? null : r.refusal.code;
}

describe("required blue fields per applicant (§3.1)", () => {
  it.each([
    ["销方申请", ["蓝票代码", "蓝票号码", "蓝票开票日期"]],
    ["购方申请-未抵扣", ["蓝票代码", "蓝票号码"]],
    ["购方申请-已抵扣", []],
  ] as const)("%s → %j", (applicant, fields) => {
    expect(requiredBlueFields(applicant)).toEqual(fields);
  });

  it("has an entry for every applicant label, and variants normalize to them", () => {
    for (const a of InfoFormApplicant.values) expect(Array.isArray(requiredBlueFields(a))).toBe(true);
    expect(InfoFormApplicant.normalize("销售方申请")).toBe("销方申请");
  });
});

describe("red amount ≤ 蓝票可红冲金额 (§3.1, equality allowed)", () => {
  it.each([
    ["1000.00", "1000.00", null],
    ["1000.00", "-1000.00", null],
    ["1000.00", "999.99", null],
    ["1000.00", "1000.01", "AMOUNT_EXCEEDS_REVERSIBLE"],
    ["1000.00", "-1000.01", "AMOUNT_EXCEEDS_REVERSIBLE"],
    ["0.010", "0.010", null],
    ["0.010", "0.0100000000000000001", "AMOUNT_EXCEEDS_REVERSIBLE"],
    ["1000.00", "0.00", "NON_POSITIVE"],
  ])("reversible %s, red %s → %s", (rev, red, want) => {
    const r = validateRedAmount(rev, red);
    expect(r.ok ? null : r.refusal.code).toBe(want);
  });

  it("uses the manual's wording", () => {
    const r = validateRedAmount("60.00", "60.01");
    expect(!r.ok && r.refusal.message).toBe("红冲金额须小于等于蓝票可红冲金额");
  });
});

describe("save / edit (§3.1, §3.9)", () => {
  it("仅保存 of a new form gives 未上传", () => {
    const r = applyInfoFormAction({ status: null }, { type: "save" });
    expect(r.ok && r.value.form?.status).toBe("未上传");
  });

  it.each([
    ["未上传", null, "未上传"],
    ["审核失败", null, "审核失败"],
    ["审核成功", "INFO_FORM_EDIT_STATUS", null],
    ["已开票", "INFO_FORM_EDIT_STATUS", null],
    ["已撤销", "INFO_FORM_REVOKED_TERMINAL", null],
  ] as const)("edit of %s → refusal %s, status %s", (status, refused, after) => {
    const r = applyInfoFormAction({ status }, { type: "edit" });
    expect(r.ok ? null : r.refusal.code).toBe(refused);
    if (r.ok) expect(r.value.form?.status).toBe(after);
  });

  it("saving an edited 审核失败 form keeps its 失败原因 until the next upload", () => {
    const r = applyInfoFormAction({ status: "审核失败", failReason: "金额有误" }, { type: "save" });
    expect(r.ok && r.value.form).toEqual({ status: "审核失败", failReason: "金额有误" });
  });
});

describe("submit / upload (§3.2)", () => {
  const yes: InfoFormAction = {
    type: "submit",
    bureau: { approved: true, formNo: "4403012311000999", auditDate: "2025-11-03" },
  };
  const no: InfoFormAction = {
    type: "submit",
    bureau: { approved: false, reason: "购方已抵扣，须购方申请" },
  };

  it.each([null, "未上传", "审核失败"] as const)(
    "from %s: approval → 审核成功 with number and date",
    (status) => {
      const r = applyInfoFormAction({ status, failReason: "旧原因" }, yes);
      expect(r.ok && r.value.form).toEqual({
        status: "审核成功",
        formNo: "4403012311000999",
        bureauAuditDate: "2025-11-03",
        failReason: null,
      });
    }
  );

  it("rejection → 审核失败 with the bureau's reason", () => {
    const r = applyInfoFormAction({ status: "未上传" }, no);
    expect(r.ok && r.value.form).toEqual({ status: "审核失败", failReason: "购方已抵扣，须购方申请" });
  });

  it.each([
    ["审核成功", "INFO_FORM_SUBMIT_STATUS"],
    ["已开票", "INFO_FORM_SUBMIT_STATUS"],
    ["已撤销", "INFO_FORM_REVOKED_TERMINAL"],
  ] as const)("from %s is refused with %s", (status, want) => {
    expect(refusalOf({ status }, yes)).toBe(want);
    expect(refusalOf({ status }, no)).toBe(want);
  });
});

describe("red-flush (§3.3)", () => {
  const act = (orgTaxId = ORG): InfoFormAction => ({ type: "redFlush", orgTaxId });

  it("审核成功 + number + 销方税号 = org 税号 → 已开票, red invoice filled in", () => {
    const r = applyInfoFormAction(approved, {
      type: "redFlush",
      orgTaxId: ORG,
      redInvoice: { code: "044031900111", no: "12345678" },
    });
    expect(r.ok && r.value.form).toEqual({
      ...approved,
      status: "已开票",
      redInvoiceCode: "044031900111",
      redInvoiceNo: "12345678",
    });
  });

  it("compares tax IDs ignoring case and padding", () => {
    expect(refusalOf(approved, act(` ${ORG.toLowerCase()} `))).toBeNull();
  });

  it.each([
    ["未上传", "INFO_FORM_NOT_APPROVED"],
    ["审核失败", "INFO_FORM_NOT_APPROVED"],
    ["已开票", "INFO_FORM_ALREADY_RED_FLUSHED"],
    ["已撤销", "INFO_FORM_REVOKED_TERMINAL"],
  ] as const)("%s → %s", (status, want) => {
    expect(refusalOf({ ...approved, status }, act())).toBe(want);
  });

  it("an approved form without its number is refused (must upload to get one)", () => {
    expect(refusalOf({ ...approved, formNo: null }, act())).toBe("INFO_FORM_NUMBER_MISSING");
    expect(refusalOf({ ...approved, formNo: "  " }, act())).toBe("INFO_FORM_NUMBER_MISSING");
  });

  it("another enterprise's 销方税号 is refused with the manual's message", () => {
    const r = applyInfoFormAction(approved, act("91110000100000000X"));
    expect(!r.ok && r.refusal.message).toBe("销方税号与当前业务单元下的企业信息中的税号一致才允许红冲");
    expect(refusalOf({ ...approved, sellerTaxId: null }, act())).toBe("SELLER_TAX_ID_MISMATCH");
  });

  it("checks the number before the tax ID", () => {
    expect(refusalOf({ ...approved, formNo: null, sellerTaxId: "X" }, act())).toBe(
      "INFO_FORM_NUMBER_MISSING"
    );
  });
});

describe("revoke (§3.4)", () => {
  it("审核成功 → 已撤销, after a second confirmation", () => {
    const r = applyInfoFormAction(approved, { type: "revoke" });
    expect(r.ok && r.value.form?.status).toBe("已撤销");
    expect(r.ok && r.value.requiresSecondConfirmation).toBe(true);
  });

  it.each([
    [null, "INFO_FORM_REVOKE_NOT_APPROVED"],
    ["未上传", "INFO_FORM_REVOKE_NOT_APPROVED"],
    ["审核失败", "INFO_FORM_REVOKE_NOT_APPROVED"],
    ["已开票", "INFO_FORM_ALREADY_INVOICED"],
    ["已撤销", "INFO_FORM_REVOKED_TERMINAL"],
  ] as const)("%s → %s", (status, want) => {
    expect(refusalOf({ status }, { type: "revoke" })).toBe(want);
  });

  it("a revoked form is terminal for every status-changing action", () => {
    const revoked: InfoForm = { ...approved, status: "已撤销" };
    for (const a of ["save", "edit", "revoke", "delete"] as const) {
      expect(refusalOf(revoked, { type: a })).toBe("INFO_FORM_REVOKED_TERMINAL");
    }
  });
});

describe("delete (§3.6)", () => {
  it.each([
    [null, null],
    ["未上传", null],
    ["审核失败", null],
    ["审核成功", "INFO_FORM_APPROVED_NOT_DELETABLE"],
    ["已开票", "INFO_FORM_INVOICED_NOT_DELETABLE"],
  ] as const)("%s → %s", (status, want) => {
    const r = applyInfoFormAction({ status }, { type: "delete" });
    expect(r.ok ? null : r.refusal.code).toBe(want);
    if (r.ok) expect(r.value).toMatchObject({ form: null, deleted: true });
  });

  it("an approved form shows the manual's message", () => {
    expect(infoFormActionRefusal(approved, { type: "delete" })?.message).toBe(
      "审核通过的红字信息表，不允许删除"
    );
  });
});

describe("rollback to the application (§3.5)", () => {
  const linked = (status: InfoFormStatus | null): InfoForm => ({
    status,
    linkedApplication: "KPSQ-2025-0001",
  });

  it("a linked 未上传 form is deleted and the application goes 已提交 → 未提交", () => {
    const r = applyInfoFormAction(linked("未上传"), { type: "rollback" });
    expect(r.ok && r.value).toEqual({
      form: null,
      deleted: true,
      requiresSecondConfirmation: false,
      application: { no: "KPSQ-2025-0001", from: "已提交", to: "未提交" },
    });
  });

  it.each(["审核失败", "审核成功", "已撤销"] as const)("a linked %s form is kept, unlinked", (status) => {
    const r = applyInfoFormAction(linked(status), { type: "rollback" });
    expect(r.ok && r.value.form).toEqual({ status, linkedApplication: null });
    expect(r.ok && r.value.application).toEqual({ no: "KPSQ-2025-0001", from: "已提交", to: "未提交" });
  });

  it("refuses unlinked forms with the manual's message, and 已开票 forms", () => {
    const r = applyInfoFormAction({ status: "未上传", linkedApplication: null }, { type: "rollback" });
    expect(!r.ok && r.refusal).toEqual({
      code: "INFO_FORM_NOT_LINKED",
      message: "只允许回退关联开票业务单据的红字信息表",
    });
    expect(refusalOf(linked("已开票"), { type: "rollback" })).toBe("INFO_FORM_ROLLBACK_INVOICED");
  });
});

describe("the state table", () => {
  const states = [null, ...InfoFormStatus.values] as const;
  const actions: InfoFormAction[] = [
    { type: "save" },
    { type: "edit" },
    { type: "submit", bureau: { approved: true, formNo: "1" } },
    { type: "submit", bureau: { approved: false, reason: "x" } },
    { type: "redFlush", orgTaxId: ORG },
    { type: "revoke" },
    { type: "delete" },
    { type: "rollback" },
  ];

  it("has a rule for every (action, state)", () => {
    for (const a of Object.values(INFO_FORM_TRANSITIONS)) {
      expect(Object.keys(a).sort()).toEqual(["新建", ...InfoFormStatus.values].sort());
    }
  });

  it("property: a refused action changes nothing, and no action mutates its input", () => {
    const form = fc.record({
      status: fc.constantFrom(...states),
      formNo: fc.option(fc.constantFrom("", "4403012311000123"), { nil: null }),
      sellerTaxId: fc.option(fc.constantFrom(ORG, "91110000100000000X"), { nil: null }),
      linkedApplication: fc.option(fc.constantFrom("KPSQ-1", ""), { nil: null }),
    });
    fc.assert(
      fc.property(form, fc.constantFrom(...actions), (f, a) => {
        const before = JSON.stringify(f);
        const r = applyInfoFormAction(f, a);
        const unchanged = JSON.stringify(f) === before;
        return unchanged && (r.ok || (r.refusal.code.length > 0 && !("value" in r)));
      })
    );
  });

  it("property: only an approved, numbered form of this org reaches 已开票", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...states),
        fc.option(fc.constantFrom("", "4403"), { nil: null }),
        fc.constantFrom(ORG, "OTHER"),
        (status, formNo, sellerTaxId) => {
          const r = applyInfoFormAction({ status, formNo, sellerTaxId }, { type: "redFlush", orgTaxId: ORG });
          const eligible = status === "审核成功" && !!formNo && sellerTaxId === ORG;
          return r.ok === eligible && (!r.ok || r.value.form?.status === "已开票");
        }
      )
    );
  });
});

describe("download scope (§3.7)", () => {
  it("requires at least one box, with the manual's message", () => {
    const r = checkDownloadScope(false, false);
    expect(!r.ok && r.refusal.message).toBe("“本企业申请” “其他企业申请”至少勾选一项");
    expect(checkDownloadScope(true, false)).toEqual({ ok: true, value: ["本企业申请"] });
    expect(checkDownloadScope(false, true)).toEqual({ ok: true, value: ["其他企业申请"] });
    expect(checkDownloadScope(true, true)).toEqual({ ok: true, value: ["本企业申请", "其他企业申请"] });
  });

  const OTHER = "91110000100000000X";
  it.each([
    // we filed as seller / as buyer → 本企业申请
    [{ applicantRole: "销方", sellerTaxId: ORG, buyerTaxId: OTHER }, "本企业申请"],
    [{ applicantRole: "购方", sellerTaxId: OTHER, buyerTaxId: ORG }, "本企业申请"],
    // we are the seller, the buyer filed it → 其他企业申请
    [{ applicantRole: "购方", sellerTaxId: ORG, buyerTaxId: OTHER }, "其他企业申请"],
    // the seller filed and it is not us → not ours
    [{ applicantRole: "销方", sellerTaxId: OTHER, buyerTaxId: ORG }, null],
  ] as const)("%j → %s", (form, scope) => {
    expect(downloadScopeOf(form, ORG)).toBe(scope);
  });

  it("a scope covers exactly its forms", () => {
    const fromBuyer = { applicantRole: "购方", sellerTaxId: ORG, buyerTaxId: OTHER } as const;
    expect(downloadCovers(["本企业申请"], fromBuyer, ORG)).toBe(false);
    expect(downloadCovers(["其他企业申请"], fromBuyer, ORG)).toBe(true);
  });
});

describe("批量引入 row validation (§3.8)", () => {
  const good: InfoFormImportRow = {
    applicant: "销方申请",
    invoiceType: "增值税专用发票",
    blueInvoiceCode: "4400231130",
    blueInvoiceNo: "01234567",
    blueIssueDate: "2025-10-08",
    buyerName: "深圳某某有限公司",
    buyerTaxId: "91440300MA5FXXXX1Q",
    sellerName: "广州某某有限公司",
    sellerTaxId: "91440101MA5AXXXX2R",
    redAmount: new Dec("-1000.00"),
    redTax: new Dec("-130.00"),
    reversibleAmount: new Dec("1000.00"),
  };

  it("accepts a complete row (red amount equal to the reversible amount)", () => {
    expect(validateImportRow(good)).toEqual([]);
  });

  it("returns every error of the row, each with its field", () => {
    const errs = validateImportRow({
      ...good,
      blueInvoiceNo: null,
      blueIssueDate: " ",
      buyerTaxId: null,
      redAmount: new Dec("1000.01"),
    });
    expect(errs.map((e) => [e.field, e.fieldLabel, e.refusal.code])).toEqual([
      ["buyerTaxId", "购方税号", "FIELD_REQUIRED"],
      ["blueInvoiceNo", "蓝票号码", "INFO_FORM_BLUE_FIELD_REQUIRED"],
      ["blueIssueDate", "蓝票开票日期", "INFO_FORM_BLUE_FIELD_REQUIRED"],
      ["redAmount", "红冲金额", "AMOUNT_EXCEEDS_REVERSIBLE"],
    ]);
    expect(errs[1].refusal.message).toBe("销方申请须填写蓝票号码");
  });

  it("asks the blue fields of the applicant only", () => {
    const noBlue = { ...good, blueInvoiceCode: null, blueInvoiceNo: null, blueIssueDate: null };
    expect(validateImportRow({ ...noBlue, applicant: "购方申请-已抵扣" })).toEqual([]);
    expect(validateImportRow({ ...noBlue, applicant: "购方申请-未抵扣" }).map((e) => e.field)).toEqual([
      "blueInvoiceCode",
      "blueInvoiceNo",
    ]);
    // Without an applicant, only the missing applicant itself is reported.
    expect(validateImportRow({ ...noBlue, applicant: null }).map((e) => e.field)).toEqual(["applicant"]);
  });

  it("refuses a zero amount, and skips the reversible check when it is unknown", () => {
    expect(validateImportRow({ ...good, redAmount: new Dec("0") }).map((e) => e.refusal.code)).toEqual([
      "NON_POSITIVE",
    ]);
    expect(validateImportRow({ ...good, redAmount: new Dec("5000.00"), reversibleAmount: null })).toEqual([]);
    expect(validateImportRow({ ...good, redAmount: null }).map((e) => e.refusal.message)).toEqual([
      "红冲金额不能为空",
    ]);
  });
});
