/**
 * The eval adapters of modules 000, 001 and 003 (shared/spec/eval-contract.md): the contract's input
 * keys, output keys and formats (2-dp amount strings, `allowed`, `refused`, `message`).
 */
import { infoFormHandlers } from "../../../src/cli/eval/infoForm";
import { inputSyncHandlers } from "../../../src/cli/eval/inputSync";
import { redFlushHandlers } from "../../../src/cli/eval/redFlush";
import { EvalHandlers, EvalInputError } from "../../../src/cli/eval/types";

const all: EvalHandlers = { ...redFlushHandlers, ...infoFormHandlers, ...inputSyncHandlers };
const run = (kind: string, inputs: Record<string, unknown>) => all[kind](inputs);

describe("000 发票红冲", () => {
  it("canRedFlushInvoice", () => {
    expect(run("canRedFlushInvoice", { invoiceStatus: "部分红冲", reversibleAmount: "0.01" })).toEqual({
      allowed: true,
    });
    expect(run("canRedFlushInvoice", { invoiceStatus: "全额红冲", reversibleAmount: "10.00" })).toMatchObject(
      {
        allowed: false,
        refused: "INVOICE_STATUS_NOT_REVERSIBLE",
      }
    );
    expect(run("canRedFlushInvoice", { invoiceStatus: "正常", reversibleAmount: "0.00" })).toMatchObject({
      allowed: false,
      refused: "NO_REVERSIBLE_AMOUNT",
    });
  });

  it("batchSizeCheck: 10 allowed, 11 and 12 (EX-13) refused with the manual's message", () => {
    expect(run("batchSizeCheck", { selectedCount: 10 })).toEqual({ allowed: true });
    for (const n of [11, 12]) {
      expect(run("batchSizeCheck", { selectedCount: n })).toEqual({
        allowed: false,
        refused: "BATCH_LIMIT_EXCEEDED",
        message: "一次最多只能批量红冲10张",
      });
    }
    expect(() => run("batchSizeCheck", { selectedCount: "11" })).toThrow(EvalInputError);
  });

  it("checkRemainingReversible: EX-09 / EX-10 and 2-dp output", () => {
    expect(
      run("checkRemainingReversible", {
        reversibleAmount: "100",
        pendingRedAmounts: ["-40"],
        requestAmount: "60",
      })
    ).toEqual({ allowed: true, available: "60.00" });
    expect(
      run("checkRemainingReversible", {
        reversibleAmount: "100.00",
        pendingRedAmounts: ["-40.00"],
        requestAmount: "60.01",
      })
    ).toEqual({
      allowed: false,
      available: "60.00",
      refused: "INSUFFICIENT_REMAINING",
      message: "剩余可红冲金额不足。开票管理→待开发票页面中可能存在本发票的未开票的数据，请先处理。",
    });
    expect(
      run("checkRemainingReversible", {
        reversibleAmount: "10.00",
        pendingRedAmounts: ["-15.00"],
        requestAmount: "1",
      }).available
    ).toBe("0.00");
    // Amounts are decimal strings: a JS number is not exact and is an input error.
    expect(() =>
      run("checkRemainingReversible", { reversibleAmount: 100, pendingRedAmounts: [], requestAmount: "1" })
    ).toThrow(EvalInputError);
  });

  it("singleRedFlushClick", () => {
    expect(
      run("singleRedFlushClick", { reversibleAmount: "100.00", pendingRedAmounts: ["-100.00"] })
    ).toMatchObject({
      entersPage: false,
      refused: "DUPLICATE_PENDING_SAME_AMOUNT",
    });
    expect(run("singleRedFlushClick", { reversibleAmount: "100.00", pendingRedAmounts: ["-30.00"] })).toEqual(
      {
        entersPage: true,
        defaultRequestAmount: "100.00",
        submitWithDefault: {
          allowed: false,
          available: "70.00",
          refused: "INSUFFICIENT_REMAINING",
          message: "剩余可红冲金额不足。开票管理→待开发票页面中可能存在本发票的未开票的数据，请先处理。",
        },
      }
    );
    expect(run("singleRedFlushClick", { reversibleAmount: "100.00", pendingRedAmounts: [] })).toEqual({
      entersPage: true,
      defaultRequestAmount: "100.00",
      submitWithDefault: { allowed: true, available: "100.00" },
    });
  });

  it("batchRedFlush", () => {
    const out = run("batchRedFlush", {
      invoices: [
        { no: "001", reversibleAmount: "100.00", pendingRedAmounts: ["-40.00"], requestAmount: "60.01" },
        { no: "002", reversibleAmount: "100.00", pendingRedAmounts: [], requestAmount: "100.00" },
        { no: "003", reversibleAmount: "50.00", pendingRedAmounts: ["-10.00"], requestAmount: "40.00" },
      ],
    });
    expect(out).toEqual({
      processed: ["002", "003"],
      rejected: [{ no: "001", refused: "INSUFFICIENT_REMAINING", message: expect.any(String) }],
      popupShown: true,
    });
    const ok = run("batchRedFlush", {
      invoices: [{ no: "1", reversibleAmount: "1.00", pendingRedAmounts: [], requestAmount: "1.00" }],
    });
    expect(ok).toEqual({ processed: ["1"], rejected: [], popupShown: false });
    const eleven = Array.from({ length: 11 }, (_, i) => ({
      no: String(i),
      reversibleAmount: "1.00",
      pendingRedAmounts: [],
      requestAmount: "1.00",
    }));
    expect(run("batchRedFlush", { invoices: eleven })).toMatchObject({
      allowed: false,
      refused: "BATCH_LIMIT_EXCEEDED",
      processed: [],
      rejected: [],
    });
  });

  it("routeRedFlush", () => {
    expect(
      run("routeRedFlush", {
        invoiceKinds: [
          "增值税普通发票",
          "增值税电子普通发票",
          "增值税专用发票",
          "增值税电子专用发票",
          "数电发票（普通发票）",
          "数电发票（增值税专用发票）",
        ],
      })
    ).toEqual({
      targets: [
        "发票红冲详情页",
        "发票红冲详情页",
        "红字信息表申请页",
        "红字信息表申请页",
        "红字确认单申请页",
        "红字确认单申请页",
      ],
    });
    expect(() => run("routeRedFlush", { invoiceKinds: ["卷票"] })).toThrow(EvalInputError);
  });
});

describe("001 红字信息表", () => {
  it("infoForm.requiredBlueFields", () => {
    expect(
      run("infoForm.requiredBlueFields", { applicants: ["销方申请", "购方申请-未抵扣", "购方申请-已抵扣"] })
    ).toEqual({ required: [["蓝票代码", "蓝票号码", "蓝票开票日期"], ["蓝票代码", "蓝票号码"], []] });
  });

  it("infoForm.validateRedAmount: 60.00 vs 60.01, equality allowed", () => {
    expect(
      run("infoForm.validateRedAmount", {
        reversibleAmount: "60.00",
        redAmounts: ["60.00", "-60.00", "60.01"],
      })
    ).toMatchObject({
      results: [
        { allowed: true },
        { allowed: true },
        { allowed: false, refused: "AMOUNT_EXCEEDS_REVERSIBLE" },
      ],
    });
  });

  it("infoForm.submit", () => {
    expect(
      run("infoForm.submit", { form: { status: "未上传" }, bureauResult: { approved: true } })
    ).toMatchObject({
      status: "审核成功",
    });
    expect(
      run("infoForm.submit", {
        form: { status: "审核失败" },
        bureauResult: { approved: false, reason: "信息有误" },
      })
    ).toMatchObject({ status: "审核失败", failReason: "信息有误" });
    expect(
      run("infoForm.submit", { form: { status: "未提交" }, bureauResult: { approved: true } }).status
    ).toBe("审核成功");
    expect(
      run("infoForm.submit", { form: { status: "审核成功" }, bureauResult: { approved: true } })
    ).toMatchObject({
      allowed: false,
      refused: "INFO_FORM_SUBMIT_STATUS",
    });
  });

  it("infoForm.redFlush", () => {
    const form = { status: "审核成功", formNo: "4403012311000123", sellerTaxId: "91440300MA5FXXXX1Q" };
    expect(run("infoForm.redFlush", { form, orgTaxId: "91440300MA5FXXXX1Q" })).toEqual({
      allowed: true,
      status: "已开票",
    });
    expect(run("infoForm.redFlush", { form, orgTaxId: "91110000100000000X" })).toMatchObject({
      allowed: false,
      refused: "SELLER_TAX_ID_MISMATCH",
    });
    expect(
      run("infoForm.redFlush", { form: { ...form, formNo: null }, orgTaxId: form.sellerTaxId })
    ).toMatchObject({
      refused: "INFO_FORM_NUMBER_MISSING",
    });
    expect(
      run("infoForm.redFlush", { form: { ...form, status: "未上传" }, orgTaxId: form.sellerTaxId })
    ).toMatchObject({ refused: "INFO_FORM_NOT_APPROVED" });
  });

  it("infoForm.revoke", () => {
    expect(run("infoForm.revoke", { form: { status: "审核成功" } })).toEqual({
      allowed: true,
      requiresSecondConfirmation: true,
      status: "已撤销",
    });
    expect(run("infoForm.revoke", { form: { status: "已开票" } })).toMatchObject({
      allowed: false,
      refused: "INFO_FORM_ALREADY_INVOICED",
    });
    expect(run("infoForm.revoke", { form: { status: "未上传" } })).toMatchObject({
      refused: "INFO_FORM_REVOKE_NOT_APPROVED",
    });
  });

  it("infoForm.delete", () => {
    expect(run("infoForm.delete", { form: { status: "未上传" } })).toMatchObject({ allowed: true });
    expect(run("infoForm.delete", { form: { status: "审核失败" } })).toMatchObject({ allowed: true });
    expect(run("infoForm.delete", { form: { status: "审核通过" } })).toMatchObject({
      allowed: false,
      refused: "INFO_FORM_APPROVED_NOT_DELETABLE",
      message: "审核通过的红字信息表，不允许删除",
    });
    expect(run("infoForm.delete", { form: { status: "已开票" } }).refused).toBe(
      "INFO_FORM_INVOICED_NOT_DELETABLE"
    );
    expect(() => run("infoForm.delete", { form: { status: "草稿" } })).toThrow(EvalInputError);
  });

  it("infoForm.rollback", () => {
    expect(
      run("infoForm.rollback", { form: { status: "未上传", linkedApplication: "SQ001" } })
    ).toMatchObject({
      allowed: true,
      applicationStatus: { from: "已提交", to: "未提交" },
      formDeleted: true,
    });
    expect(
      run("infoForm.rollback", { form: { status: "审核成功", linkedApplication: "SQ001" } })
    ).toMatchObject({
      allowed: true,
      formDeleted: false,
      status: "审核成功",
    });
    expect(run("infoForm.rollback", { form: { status: "未上传", linkedApplication: null } })).toMatchObject({
      allowed: false,
      refused: "INFO_FORM_NOT_LINKED",
    });
    expect(run("infoForm.rollback", { form: { status: "已开票", linkedApplication: "SQ001" } }).refused).toBe(
      "INFO_FORM_ROLLBACK_INVOICED"
    );
  });

  it("infoForm.downloadScope", () => {
    expect(run("infoForm.downloadScope", { 本企业申请: false, 其他企业申请: false })).toMatchObject({
      allowed: false,
      refused: "DOWNLOAD_SCOPE_REQUIRED",
    });
    expect(run("infoForm.downloadScope", { 本企业申请: true, 其他企业申请: false })).toMatchObject({
      allowed: true,
    });
    expect(run("infoForm.downloadScope", { 本企业申请: false, 其他企业申请: true })).toMatchObject({
      allowed: true,
    });
  });
});

describe("003 进项同步", () => {
  it("inputDownloadPrecheck", () => {
    expect(
      run("inputDownloadPrecheck", {
        channel: "乐企",
        enterpriseNature: "一般纳税人",
        deductionCheckData: false,
      })
    ).toMatchObject({
      allowed: false,
      refused: "LEQI_NOT_SUPPORTED",
      message: "目前此功能不支持乐企通道使用",
    });
    expect(
      run("inputDownloadPrecheck", {
        channel: "RPA",
        enterpriseNature: "小规模纳税人",
        deductionCheckData: true,
      })
    ).toMatchObject({ allowed: false, refused: "SMALL_SCALE_NO_DEDUCTION_DOWNLOAD", taskCreated: false });
    expect(
      run("inputDownloadPrecheck", {
        channel: "RPA",
        enterpriseNature: "一般纳税人",
        deductionCheckData: true,
      })
    ).toEqual({ allowed: true, taskCreated: true });
  });

  it("inputInvoiceMerge", () => {
    expect(run("inputInvoiceMerge", { existsInPool: false, verified: false })).toMatchObject({
      callVerificationApi: true,
      verifyStatus: "未验",
    });
    const v = run("inputInvoiceMerge", { existsInPool: true, verified: true });
    expect(v).toMatchObject({ callVerificationApi: false, otherFieldsOverwritten: false });
    expect(v.updatesInclude).toEqual(expect.arrayContaining(["发票状态", "用途属期"]));
    expect(run("inputInvoiceMerge", { existsInPool: true, verified: false })).toMatchObject({
      callVerificationApi: true,
    });
  });

  it("flightTotalRuleApplies", () => {
    const t = "数电发票（航空运输电子客票行程单）";
    expect(run("flightTotalRuleApplies", { invoiceType: t, issueDate: "2025-07-28" })).toEqual({
      applies: true,
    });
    expect(run("flightTotalRuleApplies", { invoiceType: t, issueDate: "2025-07-27" })).toEqual({
      applies: false,
    });
    expect(
      run("flightTotalRuleApplies", { invoiceType: "数电发票（通行费发票）", issueDate: "2025-08-01" })
    ).toEqual({
      applies: false,
    });
    expect(() => run("flightTotalRuleApplies", { invoiceType: t, issueDate: "28/07/2025" })).toThrow(
      EvalInputError
    );
  });
});
