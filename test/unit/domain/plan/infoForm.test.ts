/**
 * The 红字信息表 draft planner: per-cell verdicts with exact refusal codes and messages, grouping,
 * duplicate lines, and the 2.2.04 request it builds.
 */
import { Dec } from "../../../../src/domain/money";
import {
  INFO_FORM_FIELDS,
  INFO_FORM_REQUIRED_KEYS,
  checkInfoFormRow,
  planInfoForms,
  type InfoFormKey,
  type InfoFormRow,
} from "../../../../src/domain/plan/infoForm";
import type { CellValue } from "../../../../src/domain/plan/drafts";
import { LINE_TAX_TOLERANCE } from "../../../../src/domain/plan/lineRules";
import { isValidResidentId, uscCheckChar } from "../../../../src/domain/parse";
import { applyTypeCode, infoFormInvoiceTypeCode } from "../../../../src/gateway/codes";
import { infoFormsSchema } from "../../../../src/sheet/schemas";

const usc = (body: string) => body + uscCheckChar(body);
const SELLER = usc("91440101MA5EXAMPL");
const BUYER = usc("91440300MA5EXAMPL");
const codes = { applyType: applyTypeCode, invoiceType: infoFormInvoiceTypeCode };

function values(over: Partial<Record<InfoFormKey, CellValue>> = {}): Partial<Record<InfoFormKey, CellValue>> {
  return {
    applicant: "销方申请",
    invoiceType: "增值税专用发票",
    blueInvoiceCode: "044031900111",
    blueInvoiceNo: "10000001",
    blueIssueDate: "2024-10-22",
    buyerName: "深圳市甲科技有限公司",
    buyerTaxId: BUYER,
    sellerName: "广州市乙贸易有限公司",
    sellerTaxId: SELLER,
    goodsName: "*电子元件*电阻",
    taxCode: "1090416000000000000",
    redAmount: new Dec("-1000.00"),
    taxRate: new Dec("0.13"),
    redTax: new Dec("-130.00"),
    ...over,
  };
}
const row = (rowIndex: number, over: Partial<Record<InfoFormKey, CellValue>> = {}): InfoFormRow => ({
  rowIndex,
  values: values(over),
  cellErrors: [],
});
const cells = (v: Partial<Record<InfoFormKey, CellValue>>) =>
  checkInfoFormRow(v).map((c) => [c.key, c.refusal.code, c.refusal.message]);

describe("checkInfoFormRow", () => {
  it("a valid line has no refusal", () => {
    expect(cells(values())).toEqual([]);
  });

  it("−1000.00 at 13% with tax −200.00: refused on 税额, naming −130.00 and the 0.06 tolerance", () => {
    expect(LINE_TAX_TOLERANCE.toFixed(2)).toBe("0.06");
    expect(cells(values({ redTax: new Dec("-200.00") }))).toEqual([
      [
        "redTax",
        "LINE_TAX_OUT_OF_TOLERANCE",
        "税额“-200.00”与金额×税率（-1000.00 × 0.13 = -130.00）相差70.00，超过允许误差0.06，请把税额改为-130.00",
      ],
    ]);
  });

  it("a tax within 0.06 passes, 0.07 off is refused", () => {
    expect(cells(values({ redTax: new Dec("-130.06") }))).toEqual([]);
    expect(cells(values({ redTax: new Dec("-130.07") })).map((c) => c[1])).toEqual([
      "LINE_TAX_OUT_OF_TOLERANCE",
    ]);
  });

  it("an 18-digit 税收分类编码 is refused on its cell", () => {
    expect(cells(values({ taxCode: "109041600000000000" }))).toEqual([
      [
        "taxCode",
        "TAX_CODE_FORMAT",
        "税收分类编码须为19位数字：“109041600000000000”（商品和服务税收分类编码，不足19位请在末尾补0）",
      ],
    ]);
  });

  it("a blank 税收分类编码 is refused as required, and the template marks it 必填", () => {
    expect(cells(values({ taxCode: null }))).toEqual([["taxCode", "FIELD_REQUIRED", "税收分类编码不能为空"]]);
    expect(INFO_FORM_REQUIRED_KEYS).toContain("taxCode");
    const col = infoFormsSchema.columns.find((c) => c.key === "taxCode")!;
    expect(col.required).toBe(true);
  });

  it("the schema's headers are the planner's field names, and required columns are the planner's", () => {
    for (const [key, header] of Object.entries(INFO_FORM_FIELDS)) {
      expect(infoFormsSchema.columns.find((c) => c.key === key)?.header).toBe(header);
    }
    expect(
      infoFormsSchema.columns
        .filter((c) => c.required)
        .map((c) => c.key)
        .sort()
    ).toEqual([...INFO_FORM_REQUIRED_KEYS].sort());
  });

  it("a natural person's 身份证号 is accepted as 购方税号; a wrong check digit is refused", () => {
    expect(isValidResidentId("11010519491231002X")).toBe(true);
    expect(cells(values({ buyerTaxId: "11010519491231002X" }))).toEqual([]);
    expect(cells(values({ buyerTaxId: "110105194912310021" }))).toEqual([
      [
        "buyerTaxId",
        "BAD_TAX_ID_CHECK_EITHER",
        "购方税号校验位错误：“110105194912310021”（按统一社会信用代码GB 32100第18位应为“B”，按居民身份证号GB 11643应为“X”）",
      ],
    ]);
  });

  it("limits of the 2.2.04 lines: 货物名称 100, 规格型号 40, 单位 22 characters", () => {
    expect(
      cells(values({ goodsName: "长".repeat(101), spec: "x".repeat(41), unit: "个".repeat(23) })).map((c) => [
        c[0],
        c[1],
      ])
    ).toEqual([
      ["goodsName", "TEXT_TOO_LONG"],
      ["spec", "TEXT_TOO_LONG"],
      ["unit", "TEXT_TOO_LONG"],
    ]);
  });

  it("required blue fields per 申请方 (§3.1), and the filing party must be the org when known", () => {
    expect(cells(values({ blueIssueDate: null }))).toEqual([
      ["blueIssueDate", "INFO_FORM_BLUE_FIELD_REQUIRED", "销方申请须填写蓝票开票日期"],
    ]);
    expect(
      cells(
        values({
          applicant: "购方申请-已抵扣",
          blueInvoiceCode: null,
          blueInvoiceNo: null,
          blueIssueDate: null,
        })
      )
    ).toEqual([]);
    const r = checkInfoFormRow(values(), { orgTaxId: BUYER });
    expect(r.map((c) => [c.key, c.refusal.code])).toEqual([["sellerTaxId", "INFO_FORM_FILER_NOT_ORG"]]);
  });

  it("a rate with more than 4 decimals (the wire's) is refused", () => {
    expect(cells(values({ taxRate: new Dec("0.13005") })).map((c) => [c[0], c[1]])).toEqual([
      ["taxRate", "RATE_TOO_MANY_DECIMALS"],
    ]);
  });
});

describe("planInfoForms", () => {
  it("groups rows by 申请单号 and builds one 2.2.04 request with red-signed lines", () => {
    const plan = planInfoForms(
      [
        row(1, {
          formKey: "A1",
          redAmount: new Dec("1000"),
          redTax: new Dec("130"),
          quantity: new Dec("10"),
          unitPrice: new Dec("100"),
        }),
        row(2, {
          formKey: "A1",
          goodsName: "*电子元件*电容",
          redAmount: new Dec("-50.00"),
          redTax: new Dec("-6.50"),
        }),
      ],
      {},
      { codes }
    );
    expect(plan.rows.map((r) => r.ok)).toEqual([true, true]);
    expect(plan.documents).toHaveLength(1);
    const req = JSON.parse(JSON.stringify(plan.documents[0].request));
    expect(req).toEqual({
      sellerTaxpayerId: SELLER,
      applyType: applyTypeCode("销方申请"),
      originalInvoiceCode: "044031900111",
      originalInvoiceNumber: "10000001",
      originalIssueTime: "2024-10-22",
      invoiceType: "004",
      buyerName: "深圳市甲科技有限公司",
      buyerTaxpayerId: BUYER,
      invoiceDetail: [
        {
          goodsName: "*电子元件*电阻",
          revenueCode: "1090416000000000000",
          amount: "-1000",
          taxRate: "0.13",
          taxAmount: "-130",
          quantity: "-10",
          price: "100",
        },
        {
          goodsName: "*电子元件*电容",
          revenueCode: "1090416000000000000",
          amount: "-50",
          taxRate: "0.13",
          taxAmount: "-6.5",
        },
      ],
    });
  });

  it("conflicting duplicate lines: every differing cell refused, naming the other row; no request", () => {
    const plan = planInfoForms(
      [
        row(4, { formKey: "A1" }),
        row(6, { formKey: "A1", redAmount: new Dec("-900.00"), redTax: new Dec("-117.00") }),
      ],
      {},
      { codes }
    );
    expect(plan.rows.map((r) => r.cells.map((c) => [c.key, c.refusal.code]))).toEqual([
      [
        ["redAmount", "DUPLICATE_LINE_CONFLICT"],
        ["redTax", "DUPLICATE_LINE_CONFLICT"],
      ],
      [
        ["redAmount", "DUPLICATE_LINE_CONFLICT"],
        ["redTax", "DUPLICATE_LINE_CONFLICT"],
      ],
    ]);
    expect(plan.rows[0].cells[0].refusal.message).toBe(
      "与第7行是同一张单据的同一明细行（货物名称“*电子元件*电阻”），但金额不同（本行“-1000.00”，第7行“-900.00”），请只保留正确的一行"
    );
    expect(plan.documents[0]).toEqual(
      expect.objectContaining({ ok: false, request: null, rowIndexes: [4, 6] })
    );
  });

  it("identical repeats are flagged, or sent once when the clerk chooses to", () => {
    const rows = [row(1, { formKey: "A1" }), row(2, { formKey: "A1" })];
    const flagged = planInfoForms(rows, {}, { codes });
    expect(flagged.rows.map((r) => r.cells.map((c) => [c.key, c.refusal.message]))).toEqual([
      [
        [
          "goodsName",
          "与第3行完全相同（同一张单据的同一明细行货物名称“*电子元件*电阻”），重复的行请删除，否则会被重复红冲",
        ],
      ],
      [
        [
          "goodsName",
          "与第2行完全相同（同一张单据的同一明细行货物名称“*电子元件*电阻”），重复的行请删除，否则会被重复红冲",
        ],
      ],
    ]);
    const once = planInfoForms(rows, {}, { codes, sendIdenticalOnce: true });
    expect(once.rows.map((r) => [r.ok, r.sentWith])).toEqual([
      [true, undefined],
      [true, 1],
    ]);
    expect(once.documents[0].request?.invoiceDetail).toHaveLength(1);
  });

  it("header fields of one form must agree: both cells refused", () => {
    const plan = planInfoForms(
      [row(1, { formKey: "A1" }), row(2, { formKey: "A1", goodsName: "其他", buyerName: "丙公司" })],
      {},
      { codes }
    );
    expect(plan.rows.map((r) => r.cells.map((c) => [c.key, c.refusal.code]))).toEqual([
      [["buyerName", "DOCUMENT_FIELD_CONFLICT"]],
      [["buyerName", "DOCUMENT_FIELD_CONFLICT"]],
    ]);
    expect(plan.rows[1].cells[0].refusal.message).toBe(
      "同一张单据（申请单号 A1）的购方名称须一致：本行“丙公司”，第2行“深圳市甲科技有限公司”，请改为一致后再引入"
    );
  });

  it("parse errors stay on their cell and are not judged again", () => {
    const r: InfoFormRow = {
      rowIndex: 3,
      values: values({ redAmount: null }),
      cellErrors: [
        {
          key: "redAmount",
          refusal: { code: "TOO_MANY_DECIMALS", message: "金额最多保留2位小数：“-1000.005”" },
        },
      ],
    };
    const plan = planInfoForms([r], {}, { codes });
    expect(plan.rows[0].cells.map((c) => [c.key, c.refusal.code])).toEqual([
      ["redAmount", "TOO_MANY_DECIMALS"],
    ]);
  });
});
