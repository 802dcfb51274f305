import { Dec } from "../../../src/domain/money";
import {
  findHeaderRow,
  matchHeader,
  normalizeHeader,
  parseBlock,
  parseRow,
} from "../../../src/sheet/mapping";
import { SCHEMAS } from "../../../src/sheet/schemas";
import { badTaxIdFor, taxIdFor } from "../../support/blueInvoiceWorkbook";

const blue = SCHEMAS.blueInvoices;

describe("header detection", () => {
  test("columns are found in any order, by canonical header or alias; unknown columns are kept as extras", () => {
    const header = [
      "备注（我们自己的）",
      "蓝票号码",
      "发票状态",
      "价税合计",
      "发票类型",
      " 购方税号 ",
      "处理状态",
    ];
    const m = matchHeader(blue, header, 2);
    expect(m.columns).toMatchObject({
      invoiceNumber: 3,
      invoiceStatus: 4,
      totalAmount: 5,
      invoiceKind: 6,
      buyerTaxId: 7,
      processStatus: 8,
    });
    expect(m.extras).toEqual([{ column: 2, header: "备注（我们自己的）" }]);
    expect(m.missingRequired).toEqual([]);
    expect(m.missingResult.map((c) => c.header)).toEqual(expect.arrayContaining(["流水号", "失败原因"]));
    expect(m.missingResult.map((c) => c.key)).not.toContain("processStatus");
    expect(m.lastColumn).toBe(8);
  });

  test("required markers, full-width characters and spaces do not matter", () => {
    expect(normalizeHeader("＊购方 税号：")).toBe(normalizeHeader("购方税号"));
    expect(normalizeHeader("价税合计(电子税局)")).toBe(normalizeHeader("价税合计（电子税局）"));
  });

  test("a missing required column is reported, a repeated header is an extra", () => {
    const m = matchHeader(blue, ["发票号码", "发票种类", "发票号码"]);
    expect(m.missingRequired.map((c) => c.header)).toEqual(["发票状态"]);
    expect(m.extras).toEqual([{ column: 2, header: "发票号码" }]);
  });

  test("the header row is found below a title row", () => {
    const rows = [
      ["2024年10月 蓝票清单", "", ""],
      ["", "", ""],
      ["发票号码", "发票种类", "发票状态"],
      ["12345678", "x", "正常"],
    ];
    expect(findHeaderRow(blue, rows)).toBe(2);
    expect(findHeaderRow(blue, [["税额"], ["100"]])).toBe(-1);
  });
});

describe("row parsing", () => {
  const header = matchHeader(blue, [
    "发票号码",
    "发票种类",
    "发票状态",
    "不含税金额",
    "购方税号",
    "可红冲金额",
    "我的备注",
  ]);
  const at = (rowIndex: number) => ({ rowIndex, firstColumn: 0, sheetName: "蓝票清单" });

  test("values are parsed by column type; full-width digits are accepted", () => {
    const row = parseRow(
      blue,
      header,
      ["00012345", "数电专票", "正常", "１２３．４５", taxIdFor(7), "1,000.00", "随便写"],
      at(4)
    );
    expect(row).not.toBeNull();
    expect(row?.errors).toEqual([]);
    expect(row?.values.invoiceNumber).toBe("00012345");
    expect(row?.values.invoiceKind).toBe("数电发票（增值税专用发票）");
    expect((row?.values.amount as Dec).toFixed()).toBe("123.45");
    expect((row?.values.reversibleAmount as Dec).toFixed()).toBe("1000");
    expect(row?.values.buyerTaxId).toBe(taxIdFor(7));
    expect(row?.address).toBe("蓝票清单!A5:G5");
  });

  test("each bad cell is reported at its exact address, the others still parse", () => {
    const row = parseRow(
      blue,
      header,
      ["00012345", "增值税专用发票", "正常", "一百元", badTaxIdFor(3), "50", ""],
      at(9)
    );
    expect(row?.errors.map((e) => [e.cellAddress, e.columnKey, e.refusal.code])).toEqual([
      ["D10", "amount", "NOT_A_NUMBER"],
      ["E10", "buyerTaxId", "BAD_TAX_ID_CHECK"],
    ]);
    expect(row?.errors[0].refusal.message).toContain("不含税金额");
    expect(row?.values.amount).toBeNull();
    expect((row?.values.reversibleAmount as Dec).toFixed()).toBe("50");
  });

  test("a blank required cell is FIELD_REQUIRED at that cell", () => {
    const row = parseRow(blue, header, ["00012345", "", "正常", "1", "", "", ""], at(1));
    expect(row?.errors.map((e) => [e.cellAddress, e.refusal.code])).toEqual([["B2", "FIELD_REQUIRED"]]);
  });

  test("blank rows are skipped, an extra column alone does not make a row", () => {
    const block = parseBlock(blue, header, {
      values: [
        ["00012345", "增值税专用发票", "正常", "1", "", "", ""],
        ["", "  ", "", "", "", "", "只有备注"],
        ["00012346", "增值税专用发票", "正常", "2", "", "", ""],
      ],
      firstRow: 1,
      firstColumn: 0,
    });
    expect(block.rows.map((r) => r.rowIndex)).toEqual([1, 3]);
    expect(block.blankRows).toEqual([2]);
  });

  test("result columns are read, and a result cell that does not parse is kept as text without an error", () => {
    const h = matchHeader(blue, ["发票号码", "发票种类", "发票状态", "红票号码", "流水号"]);
    const row = parseRow(blue, h, ["00012345", "增值税专用发票", "正常", "待返回", "LS-0001"], at(1));
    expect(row?.errors).toEqual([]);
    expect(row?.values.redInvoiceNumber).toBe("待返回");
    expect(row?.values.serialNo).toBe("LS-0001");
  });
});

describe("红字信息表 rows: applicant-dependent blue fields (domain §3.1)", () => {
  const s = SCHEMAS.infoForms;
  const header = matchHeader(s, [
    "申请方",
    "发票类型",
    "原发票代码",
    "原发票号码",
    "蓝票开票日期",
    "购方名称",
    "购方税号",
    "销方名称",
    "销方税号",
    "金额",
    "税额",
  ]);
  const base = [
    "",
    "增值税专用发票",
    "3300194130",
    "01234567",
    "",
    "购方",
    taxIdFor(1),
    "销方",
    taxIdFor(2),
    "-100",
    "-13",
  ];

  test("销方申请 without 蓝票开票日期: the error sits on that cell", () => {
    const cells = [...base];
    cells[0] = "销方申请";
    const row = parseRow(s, header, cells, { rowIndex: 6, firstColumn: 0 });
    expect(row?.errors.map((e) => [e.cellAddress, e.refusal.code, e.refusal.message])).toEqual([
      ["E7", "INFO_FORM_BLUE_FIELD_REQUIRED", "销方申请须填写蓝票开票日期"],
    ]);
  });

  test("购方申请-已抵扣 needs no blue fields; negative red amounts are accepted", () => {
    const cells = [...base];
    cells[0] = "购方申请-已抵扣";
    cells[2] = "";
    cells[3] = "";
    const row = parseRow(s, header, cells, { rowIndex: 6, firstColumn: 0 });
    expect(row?.errors).toEqual([]);
    expect((row?.values.redAmount as Dec).toFixed(2)).toBe("-100.00");
  });
});
