/**
 * The 发票红冲 planner (src/domain/plan/redFlush.ts): duplicates never merged silently, header + line
 * rows combined, the 税控普票 full-only rule shared by the planner, the CLI's blue-red-flush check and
 * =HC.CANREDFLUSH, and partial 税控专票 lines from calcRedLine (减按计征 included).
 */
import { asExcelCalls } from "../../functions/cfStub";
import * as hc from "../../../../functions/functions";
import { calcRedLine } from "../../../../src/domain/confirmForm";
import { Dec, toDec } from "../../../../src/domain/money";
import {
  BLUE_INVOICE_FIELDS,
  CONFLICT_FIELD_LABEL,
  planRedFlush,
  redFlushChecks,
  TAX_CONTROL_PARTIAL_LINE_REASON,
  type BlueFieldValue,
  type BlueInvoiceField,
  type RedFlushRow,
} from "../../../../src/domain/plan/redFlush";
import { TAX_CONTROL_ORDINARY_PARTIAL_ALLOWED } from "../../../../src/domain/redFlush";
import { refusalMessage } from "../../../../src/domain/refusals";
import type { BlueInvoiceInfo } from "../../../../src/gateway/extensions";
import { blueInvoicesSchema } from "../../../../src/sheet/schemas";
import { validateSheetData } from "../../../../src/sheet/xlsx/core";

const CANREDFLUSH = asExcelCalls(hc.canRedFlush);
const REDTAX = asExcelCalls(hc.redTax);

const DIGITAL_NO = "24330000000012345678";

type Cells = Partial<Record<BlueInvoiceField, string | number>>;
const AMOUNT_FIELDS = new Set<BlueInvoiceField>([
  "reversibleAmount",
  "pendingRedAmount",
  "redAmount",
  "taxRate",
  "taxAmount",
  "amount",
  "totalAmount",
]);

/** A parsed row as the sheet layer gives it: Dec for amounts and rates, strings for the rest. */
function row(rowIndex: number, cells: Cells): RedFlushRow {
  const values: Partial<Record<BlueInvoiceField, BlueFieldValue>> = {};
  for (const [k, v] of Object.entries(cells) as [BlueInvoiceField, string | number][]) {
    values[k] = AMOUNT_FIELDS.has(k) ? toDec(String(v)) : v;
  }
  return { rowIndex, values };
}

const digital = (rowIndex: number, extra: Cells = {}): RedFlushRow =>
  row(rowIndex, {
    invoiceNumber: DIGITAL_NO,
    invoiceKind: "数电发票（普通发票）",
    invoiceStatus: "正常",
    reversibleAmount: "1000.00",
    redReason: "开票有误",
    ...extra,
  });

describe("duplicates of one blue invoice", () => {
  it("refuses both 本次红冲金额 cells of 100 vs 300, each naming the other row; nothing is planned", () => {
    const plan = planRedFlush(
      [
        digital(1, { redAmount: "100.00", redReason: "销售折让" }),
        digital(2, { redAmount: "300.00", redReason: "销售折让" }),
      ],
      null
    );
    expect(plan.invoices).toHaveLength(1);
    const inv = plan.invoices[0];
    expect([inv.eligible, inv.willSend, inv.plan]).toEqual([false, false, null]);
    const values = "第2行 100.00，第3行 300.00";
    expect(inv.refusals.map((r) => [r.refusal.code, r.field, r.rows, r.refusal.message])).toEqual([
      [
        "DUPLICATE_ROW_CONFLICT",
        "redAmount",
        [1],
        refusalMessage("DUPLICATE_ROW_CONFLICT", { rows: "3", field: "本次红冲金额", values }),
      ],
      [
        "DUPLICATE_ROW_CONFLICT",
        "redAmount",
        [2],
        refusalMessage("DUPLICATE_ROW_CONFLICT", { rows: "2", field: "本次红冲金额", values }),
      ],
    ]);
    expect(inv.refusals[0].refusal.message).toBe(
      "与第3行是同一张蓝票，本次红冲金额却不一致（第2行 100.00，第3行 300.00）：请改成一致的值，或删除多余的行后重新预检"
    );
    expect(plan.rows.map((r) => [r.rowIndex, r.ok, r.refusals.length])).toEqual([
      [1, false, 1],
      [2, false, 1],
    ]);
    expect(plan.counts).toEqual({ eligible: 0, refused: 1, done: 0, send: 0, groups: 0 });
  });

  it("the CLI's blue-red-flush check marks the same cells with the same codes", () => {
    const r = validateSheetData(
      "blue-red-flush",
      [
        ["发票号码", "发票种类", "发票状态", "可红冲金额", "本次红冲金额", "红冲原因"],
        [DIGITAL_NO, "数电发票（普通发票）", "正常", "1000.00", "100.00", "销售折让"],
        [DIGITAL_NO, "数电发票（普通发票）", "正常", "1000.00", "300.00", "销售折让"],
        ["24330000000012345679", "数电发票（普通发票）", "正常", "1000.00", "", "开票有误"],
        ["24330000000012345679", "数电发票（普通发票）", "正常", "1000.00", "", "开票有误"],
      ],
      { sheetName: "蓝票红冲清单", merges: [], hiddenRows: [] }
    );
    if (!r.ok) throw new Error(r.refusal.message);
    expect(
      r.value.validation.rows.map((x) =>
        x.cellErrors.map((e) => [e.cellAddress, e.refusal.code, e.refusal.params?.rows])
      )
    ).toEqual([
      [["E2", "DUPLICATE_ROW_CONFLICT", "3"]],
      [["E3", "DUPLICATE_ROW_CONFLICT", "2"]],
      [],
      [["A5", "DUPLICATE_ROW", "4"]],
    ]);
  });

  it("refuses 税率 and 红冲原因 conflicts too, on every conflicting cell", () => {
    const plan = planRedFlush(
      [
        digital(1, { redReason: "开票有误" }),
        digital(2, { redReason: "销售退回" }),
        digital(3, { redReason: "开票有误" }),
      ],
      null
    );
    const inv = plan.invoices[0];
    expect(inv.refusals.map((r) => [r.field, r.rows, r.refusal.params?.rows])).toEqual([
      ["redReason", [1], "3"],
      ["redReason", [2], "2、4"],
      ["redReason", [3], "3"],
      // Rows 2 and 4 are also the same row twice.
      ["invoiceNumber", [3], "2"],
    ]);
    // A 税控专票 without the gateway's record takes 税率 from the rows: a second rate is a conflict.
    const special = planRedFlush(
      [
        row(1, {
          invoiceCode: "033002300111",
          invoiceNumber: "12345678",
          invoiceKind: "增值税专用发票",
          invoiceStatus: "正常",
          reversibleAmount: "200.00",
          taxRate: "0.13",
        }),
        row(2, { invoiceCode: "033002300111", invoiceNumber: "12345678", taxRate: "0.06" }),
      ],
      null
    );
    expect(special.invoices[0].refusals.map((r) => [r.refusal.code, r.field, r.rows])).toEqual([
      ["DUPLICATE_ROW_CONFLICT", "taxRate", [1]],
      ["DUPLICATE_ROW_CONFLICT", "taxRate", [2]],
    ]);
  });

  it("flags an identical repeat on the repeat row, and sends it once when asked", () => {
    const rows = [digital(1), digital(2)];
    const refused = planRedFlush(rows, null);
    expect(refused.duplicateInvoices).toBe(1);
    const inv = refused.invoices[0];
    expect(inv.eligible).toBe(false);
    expect(inv.refusals.map((r) => [r.refusal.code, r.field, r.rows, r.refusal.message])).toEqual([
      [
        "DUPLICATE_ROW",
        "invoiceNumber",
        [2],
        "本行与第2行是同一张蓝票的重复行（各列相同），未提交：请删除重复的行，或勾选“重复行只提交一次”后重新预检",
      ],
    ]);

    const once = planRedFlush(rows, null, { sendDuplicatesOnce: true });
    const sent = once.invoices[0];
    expect([sent.eligible, sent.willSend, sent.refusals]).toEqual([true, true, []]);
    expect(sent.mergedRepeats).toEqual([2]);
    expect(sent.plan).toEqual({
      family: "数电",
      invoiceType: "02",
      blue: { invoiceNo: DIGITAL_NO, invoiceCode: null },
      reason: "开票有误",
    });
    expect(once.rows.map((r) => [r.rowIndex, r.ok, r.merged])).toEqual([
      [1, true, null],
      [2, true, "repeat"],
    ]);
    expect(once.counts.send).toBe(1);
  });

  it("combines a header row and its line row into one request with the header's amount", () => {
    const header = row(1, {
      invoiceCode: "033002300111",
      invoiceNumber: "12345678",
      invoiceKind: "增值税专用发票",
      invoiceStatus: "正常",
      reversibleAmount: "200.00",
      redAmount: "-40.00",
      buyerName: "买方",
      buyerTaxId: "91110000600037341L",
      blueIssueDate: "2024-10-22",
    });
    const line = row(2, {
      invoiceCode: "033002300111",
      invoiceNumber: "12345678",
      lineNo: 1,
      goodsName: "*软件*服务",
      taxCode: "3040201000000000000",
      taxRate: "0.13",
    });
    const plan = planRedFlush([header, line], null);
    const inv = plan.invoices[0];
    expect(inv.refusals).toEqual([]);
    expect(inv.requestAmount.toFixed(2)).toBe("40.00");
    expect(inv.combinedRows).toEqual([2]);
    expect(plan.rows.map((r) => r.merged)).toEqual([null, "combined"]);
    const lines = inv.plan?.family === "税控专票" ? inv.plan.lines : [];
    expect(
      lines.map((l) => [l.goodsName, l.revenueCode, String(l.amount), l.taxRate, String(l.taxAmount)])
    ).toEqual([["*软件*服务", "3040201000000000000", "-40", "0.13", "-5.2"]]);
    expect(inv.plan?.family === "税控专票" && inv.plan.buyerName).toBe("买方");
  });

  it("refuses locally what 2.2.04 would refuse: the 蓝票开票日期 of a 销方申请, a 税收分类编码 not of 19 digits", () => {
    const header = (extra: Cells) =>
      row(1, {
        invoiceCode: "033002300111",
        invoiceNumber: "12345678",
        invoiceKind: "增值税专用发票",
        invoiceStatus: "正常",
        reversibleAmount: "200.00",
        buyerName: "买方",
        buyerTaxId: "91110000600037341L",
        goodsName: "*软件*服务",
        taxRate: "0.13",
        ...extra,
      });
    const first = (cells: Cells) => {
      const r = planRedFlush([header(cells)], null).invoices[0].refusals[0];
      return [r.refusal.code, r.field, r.rows];
    };
    expect(first({ taxCode: "3040201000000000000" })).toEqual([
      "INFO_FORM_BLUE_FIELD_REQUIRED",
      "blueIssueDate",
      [1],
    ]);
    expect(first({ blueIssueDate: "2024-10-22", taxCode: "304020100" })).toEqual([
      "TAX_CODE_FORMAT",
      "taxCode",
      [1],
    ]);
    // The sheet's 税额 for a full line must agree with 金额 × 税率 within 0.06, as the gateway checks.
    expect(
      first({ blueIssueDate: "2024-10-22", taxCode: "3040201000000000000", taxAmount: "20.00" })
    ).toEqual(["LINE_TAX_OUT_OF_TOLERANCE", "taxAmount", [1]]);
    expect(
      planRedFlush([header({ blueIssueDate: "2024-10-22", taxCode: "3040201000000000000" })], null)
        .invoices[0].eligible
    ).toBe(true);
  });

  it("reads an earlier run's success first: a done invoice is neither checked nor sent", () => {
    const done: RedFlushRow = { ...digital(1, { invoiceStatus: "全额红冲" }), resume: "done" };
    const plan = planRedFlush([done, { ...digital(2, { invoiceStatus: "全额红冲" }), resume: "done" }], null);
    expect(plan.invoices[0]).toMatchObject({ eligible: true, willSend: false, refusals: [], plan: null });
    expect(plan.counts).toEqual({ eligible: 0, refused: 0, done: 1, send: 0, groups: 0 });
  });
});

describe("税控普票: partial allowed (seed 000), the same verdict everywhere", () => {
  const values = [
    ["发票号码", "发票种类", "发票状态", "可红冲金额", "税率", "本次红冲金额"],
    ["00000001", "增值税普通发票", "正常", "1000.00", "13%", "500.00"],
    ["00000002", "增值税普通发票", "正常", "1000.00", "13%", "1000.00"],
    ["00000003", "增值税普通发票", "正常", "1000.00", "13%", "1000.01"],
  ];

  it("is one named constant", () => expect(TAX_CONTROL_ORDINARY_PARTIAL_ALLOWED).toBe(true));

  it("the planner sends 500 of 1000 with the engine's line, the whole 1000 without lines (2.2.02)", () => {
    const plan = planRedFlush(
      [
        row(1, {
          invoiceCode: "033002300111",
          invoiceNumber: "00000001",
          invoiceKind: "增值税普通发票",
          invoiceStatus: "正常",
          reversibleAmount: "1000.00",
          taxRate: "0.13",
          redAmount: "500.00",
        }),
        row(2, {
          invoiceCode: "033002300111",
          invoiceNumber: "00000002",
          invoiceKind: "增值税普通发票",
          invoiceStatus: "正常",
          reversibleAmount: "1000.00",
          redAmount: "1000.00",
        }),
      ],
      null
    );
    expect(plan.invoices.map((i) => [i.eligible, i.refusals.length])).toEqual([
      [true, 0],
      [true, 0],
    ]);
    const partial = plan.invoices[0].plan as {
      lines?: readonly { amount: Dec; taxAmount: Dec }[];
    } | null;
    const full = plan.invoices[1].plan as { lines?: readonly unknown[] } | null;
    expect(partial?.lines?.map((l) => [l.amount.toFixed(2), l.taxAmount.toFixed(2)])).toEqual([
      ["-500.00", "-65.00"],
    ]);
    expect(full?.lines).toBeUndefined();
  });

  it("the CLI's blue-red-flush check accepts the partial row and refuses more than remains, on the same cell", () => {
    const r = validateSheetData("blue-red-flush", values, {
      sheetName: "蓝票红冲清单",
      merges: [],
      hiddenRows: [],
    });
    if (!r.ok) throw new Error(r.refusal.message);
    expect(r.value.validation.rows.map((x) => x.cellErrors.map((e) => e.header))).toEqual([
      [],
      [],
      ["本次红冲金额"],
    ]);
  });

  it("=HC.CANREDFLUSH: TRUE for a part of a 税控普票, as in the pane", () => {
    expect(CANREDFLUSH("正常", 1000, null, 500, "增值税普通发票")).toBe(true);
    expect(CANREDFLUSH([["正常"]], [["1000.00"]], [[null]], [["-1000.00"]], [["增值税普通发票"]])).toBe(true);
    expect(CANREDFLUSH("正常", 1000, null, 500)).toBe(true);
    // 数电 needs a 红冲原因, and 开票有误 is full only — as in the pane.
    expect(CANREDFLUSH("正常", 1000, null, 500, "数电发票（普通发票）")).toBe(
      refusalMessage("FIELD_REQUIRED", { field: "红冲原因" })
    );
    expect(CANREDFLUSH("正常", 1000, null, 500, "数电发票（普通发票）", "开票有误")).toBe(
      refusalMessage("ISSUE_ERROR_FULL_ONLY")
    );
    expect(CANREDFLUSH("正常", 1000, null, 500, "数电发票（普通发票）", "销售折让")).toBe(true);
    expect(CANREDFLUSH("正常", 1000, null, 500, "纸票")).toBe(
      refusalMessage("UNKNOWN_INVOICE_KIND", { value: "纸票" })
    );
  });

  it("redFlushChecks: a part of a 税控普票 passes", () => {
    const base = {
      invoiceKind: "增值税普通发票",
      invoiceStatus: null,
      reversibleAmount: new Dec("1000"),
      pendingRedAmounts: [],
      redAmount: new Dec("500"),
      redReason: null,
    };
    expect(redFlushChecks(base)).toBeNull();
  });
});

describe("partial 税控专票 lines come from calcRedLine", () => {
  const RENTAL = "3040502020102000000";
  const record: BlueInvoiceInfo = {
    invoiceCode: "033002300111",
    invoiceNo: "12345678",
    kind: "增值税专用发票",
    status: "正常",
    approvalStatus: "无需审批",
    issueDate: "2024-10-22",
    buyerName: "租户",
    buyerTaxId: "91110000600037341L",
    sellerName: "我方",
    sellerTaxId: "91310000MA1FL0XX0X",
    drawer: null,
    amount: "1000.00",
    tax: "14.49",
    totalAmount: "1014.49",
    reversibleAmount: "1000.00",
    reversibleTax: "14.49",
    pendingRedAmounts: [],
    buyerUsageConfirmed: false,
    isPurchaseInvoice: false,
    lines: [
      {
        seq: 0,
        goodsName: "*经营租赁*住房租金",
        revenueCode: RENTAL,
        quantity: null,
        unitPrice: null,
        amount: "1000.00",
        taxRate: "0.015",
        tax: "14.49",
        taxMode: "减按计征",
        remainingAmount: "1000.00",
        remainingTax: "14.49",
        remainingQuantity: null,
        redUnitPrice: null,
        hasDiscountLine: false,
      },
    ],
  };

  it("a 减按计征 (个人出租住房) line gets the engine's tax, not request × rate", () => {
    const plan = planRedFlush(
      [
        row(1, {
          invoiceCode: "033002300111",
          invoiceNumber: "12345678",
          invoiceKind: "增值税专用发票",
          invoiceStatus: "正常",
          reversibleAmount: "1000.00",
          redAmount: "333.33",
        }),
      ],
      [record]
    );
    const inv = plan.invoices[0];
    expect(inv.refusals).toEqual([]);
    const lines = inv.plan?.family === "税控专票" ? inv.plan.lines : [];
    // 333.33 × 1.5% ÷ 1.035 = 4.8308… → −4.83 (request × 税率 would give −5.00).
    expect(
      lines.map((l) => [toDec(String(l.amount)).toFixed(2), toDec(String(l.taxAmount)).toFixed(2)])
    ).toEqual([["-333.33", "-4.83"]]);
    const engine = calcRedLine({
      reason: TAX_CONTROL_PARTIAL_LINE_REASON,
      taxMode: "减按计征",
      taxCode: RENTAL,
      taxRate: "0.015",
      hasDiscountLine: false,
      remaining: { amount: "1000.00", tax: "14.49", quantity: null, unitPrice: null },
      edit: { field: "amountExclTax", value: "333.33" },
    });
    if (!engine.ok) throw new Error(engine.refusal.message);
    expect(String(lines[0].taxAmount)).toBe(engine.value.tax.toFixed());
    // =HC.REDTAX with the same line gives the same tax.
    expect(
      REDTAX(
        TAX_CONTROL_PARTIAL_LINE_REASON,
        "减按计征",
        "1.5%",
        1000,
        14.49,
        null,
        null,
        "不含税金额",
        333.33,
        RENTAL
      )
    ).toEqual([[-4.83]]);
    expect(inv.plan?.family === "税控专票" && [inv.plan.buyerName, inv.plan.originalIssueTime]).toEqual([
      "租户",
      "2024-10-22",
    ]);
  });
});

describe("the planner's vocabulary", () => {
  it("names exactly the 蓝票清单 column keys, and conflicts by their headers", () => {
    expect([...BLUE_INVOICE_FIELDS].sort()).toEqual(blueInvoicesSchema.columns.map((c) => c.key).sort());
    for (const [key, label] of Object.entries(CONFLICT_FIELD_LABEL)) {
      expect(blueInvoicesSchema.columns.find((c) => c.key === key)?.header).toBe(label);
    }
  });
});
