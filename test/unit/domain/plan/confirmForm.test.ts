/**
 * The 红字确认单 draft planner: per-cell verdicts, duplicate lines by 行号, full vs partial requests.
 */
import { Dec } from "../../../../src/domain/money";
import {
  CONFIRM_FORM_FIELDS,
  checkConfirmFormRow,
  planConfirmForms,
  type ConfirmFormKey,
  type ConfirmFormRow,
} from "../../../../src/domain/plan/confirmForm";
import type { CellValue } from "../../../../src/domain/plan/drafts";
import { confirmFormsSchema } from "../../../../src/sheet/schemas";

const REASON_CODES: Record<string, string> = { 开票有误: "1", 销售折让: "2", 销售退回: "3", 服务终止: "4" };
const codes = {
  reasonCode: (r: string) => REASON_CODES[r],
  identityCode: (role: string) => (role === "购方" ? ("1" as const) : ("0" as const)),
};

function values(
  over: Partial<Record<ConfirmFormKey, CellValue>> = {}
): Partial<Record<ConfirmFormKey, CellValue>> {
  return {
    blueInvoiceNumber: "24442000000012345678",
    redReason: "销售折让",
    lineNo: 0,
    goodsName: "*信息技术服务*软件",
    taxCode: "3040201010000000000",
    amount: new Dec("-1000.00"),
    taxRate: new Dec("0.13"),
    taxAmount: new Dec("-130.00"),
    ...over,
  };
}
const row = (rowIndex: number, over: Partial<Record<ConfirmFormKey, CellValue>> = {}): ConfirmFormRow => ({
  rowIndex,
  values: values(over),
  cellErrors: [],
});
const cells = (v: Partial<Record<ConfirmFormKey, CellValue>>) =>
  checkConfirmFormRow(v, codes).map((c) => [c.key, c.refusal.code, c.refusal.message]);

describe("checkConfirmFormRow", () => {
  it("a valid partial line has no refusal", () => {
    expect(cells(values())).toEqual([]);
  });

  it("−1000.00 at 13% with tax −200.00: refused on 税额, naming −130.00 and the 0.06 tolerance", () => {
    expect(cells(values({ taxAmount: new Dec("-200.00") }))).toEqual([
      [
        "taxAmount",
        "LINE_TAX_OUT_OF_TOLERANCE",
        "税额“-200.00”与金额×税率（-1000.00 × 0.13 = -130.00）相差70.00，超过允许误差0.06，请把税额改为-130.00",
      ],
    ]);
  });

  it("含税金额 within 0.01 of 金额 + 税额", () => {
    expect(cells(values({ totalAmount: new Dec("-1130.01") }))).toEqual([]);
    expect(cells(values({ totalAmount: new Dec("-1130.02") }))).toEqual([
      [
        "totalAmount",
        "TOTAL_OUT_OF_TOLERANCE",
        "含税金额“-1130.02”与金额+税额（-1130.00）相差0.02，超过允许误差0.01，请核对金额、税额和含税金额",
      ],
    ]);
  });

  it("an 18-digit 税收分类编码 is refused; a partial line needs its 行号", () => {
    expect(cells(values({ taxCode: "304020101000000000", lineNo: null })).map((c) => [c[0], c[1]])).toEqual([
      ["lineNo", "CONFIRM_LINE_NO_REQUIRED"],
      ["taxCode", "TAX_CODE_FORMAT"],
    ]);
  });

  it("a red reason the client cannot code is refused on its cell; a full-reversal row needs no line", () => {
    expect(cells({ blueInvoiceNumber: "24442000000012345678", redReason: "退款" })).toEqual([
      ["redReason", "BAD_ENUM", "红冲原因的值“退款”无效，可选：开票有误、销售折让、销售退回、服务终止"],
    ]);
    expect(cells({ blueInvoiceNumber: "24442000000012345678", redReason: "开票有误" })).toEqual([]);
  });

  it("the schema's headers are the planner's field names", () => {
    for (const [key, header] of Object.entries(CONFIRM_FORM_FIELDS)) {
      expect(confirmFormsSchema.columns.find((c) => c.key === key)?.header).toBe(header);
    }
  });
});

describe("planConfirmForms", () => {
  it("same 行号 twice with different amounts: both rows refused on the differing cells", () => {
    const plan = planConfirmForms(
      [row(2), row(5, { amount: new Dec("-500.00"), taxAmount: new Dec("-65.00") })],
      { codes }
    );
    expect(plan.rows.map((r) => r.cells.map((c) => [c.key, c.refusal.code]))).toEqual([
      [
        ["amount", "DUPLICATE_LINE_CONFLICT"],
        ["taxAmount", "DUPLICATE_LINE_CONFLICT"],
      ],
      [
        ["amount", "DUPLICATE_LINE_CONFLICT"],
        ["taxAmount", "DUPLICATE_LINE_CONFLICT"],
      ],
    ]);
    expect(plan.rows[1].cells[0].refusal.message).toBe(
      "与第3行是同一张单据的同一明细行（行号 0），但金额不同（本行“-500.00”，第3行“-1000.00”），请只保留正确的一行"
    );
    expect(plan.documents).toEqual([
      { key: "原蓝票号码 24442000000012345678", rowIndexes: [2, 5], ok: false, request: null },
    ]);
  });

  it("an identical repeat of 行号 is flagged on 行号", () => {
    const plan = planConfirmForms([row(2), row(3)], { codes });
    expect(plan.rows.map((r) => r.cells.map((c) => [c.key, c.refusal.code]))).toEqual([
      [["lineNo", "DUPLICATE_LINE_REPEAT"]],
      [["lineNo", "DUPLICATE_LINE_REPEAT"]],
    ]);
  });

  it("two red reasons in one form: both cells refused", () => {
    const plan = planConfirmForms([row(2), row(3, { lineNo: 1, redReason: "销售退回" })], { codes });
    expect(plan.rows.map((r) => r.cells.map((c) => [c.key, c.refusal.code]))).toEqual([
      [["redReason", "DOCUMENT_FIELD_CONFLICT"]],
      [["redReason", "DOCUMENT_FIELD_CONFLICT"]],
    ]);
  });

  it("partial: 2.1.03 lines red-signed by 行号; full (no 金额): no invoiceDetail", () => {
    const partial = planConfirmForms(
      [row(2, { myRole: "购方", quantity: new Dec("2"), unitPrice: new Dec("500") })],
      {
        codes,
      }
    );
    expect(partial.documents[0].request).toEqual({
      invoiceNo: "24442000000012345678",
      redReason: "2",
      enteridentity: "1",
      invoiceDetail: [
        {
          lineProperty: "0",
          originalSeq: 0,
          goodsName: "*信息技术服务*软件",
          revenueCode: "3040201010000000000",
          quantity: "-2",
          price: "500",
          amount: "-1000.00",
          taxRate: "0.13",
          taxAmount: "-130.00",
        },
      ],
    });
    const full = planConfirmForms(
      [
        {
          rowIndex: 2,
          cellErrors: [],
          values: { blueInvoiceNumber: "24442000000012345678", redReason: "开票有误" },
        },
      ],
      { codes }
    );
    expect(full.documents[0].request).toEqual({ invoiceNo: "24442000000012345678", redReason: "1" });
  });
});
