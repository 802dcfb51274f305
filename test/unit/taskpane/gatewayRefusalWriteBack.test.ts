/**
 * The pane's write-back of a gateway refusal that names a request field, through the Office adapter
 * on the in-memory Excel: the named cell red with a note in Chinese naming the column header (no
 * JSON path), 处理状态 失败 and 失败原因 on every row of the document; other rows untouched.
 */
import { refusal, type Refusal } from "../../../src/domain/refusals";
import { cellAddress } from "../../../src/sheet/address";
import { OfficeWorkbook } from "../../../src/sheet/office";
import type { SelectionRead } from "../../../src/sheet/port";
import { infoFormsSchema } from "../../../src/sheet/schemas";
import { FAILURE_FILL, MARK_PREFIX } from "../../../src/sheet/writePlan";
import { refusalOnSheet, refusedWriteBacks, writeBackFor } from "../../../taskpane/workflows/common";
import { FakeWorkbook, type FakeSheet } from "../../support/fakeExcel";
import { fakeHost } from "../../support/fakeHost";
import { readConfirmForms, runConfirmFormButton } from "../../../taskpane/workflows/confirmForms";
import { readInfoForms, runInfoFormButton } from "../../../taskpane/workflows/infoForms";
import { FakePort, fakeClient, noYield } from "./fakes";
import { taxIdFor } from "../../support/blueInvoiceWorkbook";

const HEADERS = infoFormsSchema.columns.filter((c) => !c.result).map((c) => c.header);
/** A1 address of `header`'s cell in sheet row `row` (1-based). */
const addr = (header: string, headers: readonly string[], row: number): string => {
  const c = headers.indexOf(header);
  if (c < 0) throw new Error(`no column ${header}`);
  return cellAddress(row - 1, c);
};

function line(goods: string, form: string): Record<string, string | number> {
  return {
    申请单号: form,
    申请方: "销方申请",
    发票类型: "增值税电子专用发票",
    原发票代码: "044031900111",
    原发票号码: form === "A001" ? "10000001" : "10000002",
    蓝票开票日期: "2024-10-22",
    购方名称: "深圳市甲科技有限公司",
    购方税号: taxIdFor(1),
    销方名称: "广州市乙贸易有限公司",
    销方税号: taxIdFor(2),
    货物名称: goods,
    税收分类编码: "1090511010000000000",
    金额: -100,
    税率: "13%",
    税额: -13,
  };
}

function build(): { workbook: FakeWorkbook; sheet: FakeSheet } {
  const workbook = new FakeWorkbook();
  const sheet = workbook.addSheet("红字信息表");
  sheet.setValues(0, 0, [HEADERS]);
  const rows = [
    line("*电子元件*电阻", "A001"),
    line("*电子元件*电容", "A001"),
    line("*电子元件*电感", "B002"),
  ];
  rows.forEach((r, i) =>
    HEADERS.forEach((h, c) => {
      if (r[h] !== undefined) sheet.putValue(i + 1, c, r[h]);
    })
  );
  workbook.select("红字信息表", "A2:A4");
  return { workbook, sheet };
}

const refused: Refusal = {
  ...refusal("GW_VALIDATION", { detail: "字段 data.invoiceDetail[1].revenueCode 格式不正确" }),
  field: "invoiceDetail[1].revenueCode",
};

describe("a gateway refusal in the pane's write-back", () => {
  it("refusalOnSheet: the clerk's wording and the CellMark of the named cell's row", () => {
    expect(refusalOnSheet("infoForms", "2.2.04", refused, { rows: [1, 2] })).toEqual({
      message: "请求数据不合法：税收分类编码（第 2 条明细）格式不正确",
      cellErrors: [
        {
          columnKey: "taxCode",
          message: "请求数据不合法：税收分类编码（第 2 条明细）格式不正确",
          rowIndex: 2,
        },
      ],
    });
    // writeBackFor keeps a row's own marks only.
    const marks = refusalOnSheet("infoForms", "2.2.04", refused, { rows: [1, 2] }).cellErrors;
    expect(writeBackFor("infoForms", 1, {}, marks).cellErrors).toEqual([]);
    expect(writeBackFor("infoForms", 2, {}, marks).cellErrors).toHaveLength(1);
  });

  it("fills the cell red with a note naming 税收分类编码, 处理状态 失败 on every row of the document", async () => {
    const { workbook, sheet } = build();
    const port = new OfficeWorkbook(fakeHost(workbook));
    const read = await port.readSelection("infoForms");
    if (!read.ok) throw new Error(read.refusal.message);
    const layout = (read.value as SelectionRead).layout;
    const results = [
      ...refusedWriteBacks("infoForms", "2.2.04", refused, { rows: [1, 2] }, { serialNo: "HC-RIF-1" }),
      writeBackFor("infoForms", 3, { processStatus: "成功", failureReason: "" }),
    ];
    const w = await port.writeResults("infoForms", results, { layout });
    if (!w.ok) throw new Error(w.refusal.message);

    const taxCode = (r: number) => addr("税收分类编码", HEADERS, r);
    expect(sheet.fillAt(taxCode(3))).toBe(FAILURE_FILL);
    expect(sheet.noteAt(taxCode(3))?.content).toBe(
      `${MARK_PREFIX}请求数据不合法：税收分类编码（第 2 条明细）格式不正确`
    );
    for (const r of [2, 4]) {
      expect(sheet.fillAt(taxCode(r))).toBeUndefined();
      expect(sheet.noteAt(taxCode(r))).toBeUndefined();
    }
    const cols = w.value.appendedColumns;
    expect(cols).toEqual(expect.arrayContaining(["处理状态", "失败原因"]));
    const all = [...HEADERS, ...cols];
    const at = (h: string, r: number) => sheet.value(addr(h, all, r));
    expect([2, 3, 4].map((r) => [at("处理状态", r), at("失败原因", r)])).toEqual([
      ["失败", "请求数据不合法：税收分类编码（第 2 条明细）格式不正确"],
      ["失败", "请求数据不合法：税收分类编码（第 2 条明细）格式不正确"],
      ["成功", ""],
    ]);
    const everything = [2, 3, 4]
      .flatMap((r) =>
        all.map((h) => `${String(at(h, r) ?? "")}${sheet.noteAt(addr(h, all, r))?.content ?? ""}`)
      )
      .join("\n");
    expect(everything).not.toMatch(/invoiceDetail|revenueCode|data\./);
  });
});

describe("the form workflows put a gateway refusal on its cell", () => {
  const ORG = "91110000600037341L";
  const OTHER = "91330106MA2B3C4D5D";

  it("红字信息表 上传 (2.2.04): invoiceDetail[1].revenueCode → 税收分类编码 of the form's 2nd line row", async () => {
    const header = [
      "申请方",
      "发票类型",
      "原发票代码",
      "原发票号码",
      "蓝票开票日期",
      "购方名称",
      "购方税号",
      "销方名称",
      "销方税号",
      "货物名称",
      "税收分类编码",
      "金额",
      "税率",
      "税额",
    ];
    const row = (goods: string) => [
      "销方申请",
      "增值税专用发票",
      "033002300111",
      "12345678",
      "2024-05-20",
      "买方公司",
      OTHER,
      "卖方公司",
      ORG,
      goods,
      "1090511010000000000",
      "-100.00",
      "13%",
      "-13.00",
    ];
    const port = new FakePort({ infoForms: { grid: [header, row("服务费"), row("咨询费")] } });
    const { client } = fakeClient({ applyRedInfoForm: () => ({ ok: false, refusal: refused, attempts: 1 }) });
    const sel = await readInfoForms(port, null);
    if (!sel.ok) throw new Error(sel.refusal.message);
    expect(sel.value.entries).toHaveLength(1);
    const r = await runInfoFormButton("submit", port, client, sel.value, {
      orgTaxId: ORG,
      newSerial: () => "HC-RIF-20250101-00000001",
      yieldNow: noYield,
    });
    const message = "请求数据不合法：税收分类编码（第 2 条明细）格式不正确";
    expect(r.outcomes.map((o) => [o.ok, o.message])).toEqual([[false, message]]);
    expect(Array.from(port.sheets.get("infoForms")!.marks)).toEqual([
      [`2:${header.indexOf("税收分类编码")}`, message],
    ]);
    expect(
      [1, 2].map((i) => [port.cell("infoForms", i, "处理状态"), port.cell("infoForms", i, "失败原因")])
    ).toEqual([
      ["失败", message],
      ["失败", message],
    ]);
  });

  it("红字确认单 录入 (2.1.03): invoiceNo → 原蓝票号码 on the form's first row", async () => {
    const header = ["原蓝票号码", "红冲原因", "税率", "剩余可红冲金额", "剩余可红冲税额"];
    const port = new FakePort({
      confirmForms: { grid: [header, ["24330000000012345678", "销售退回", "13%", "10.00", "1.30"]] },
    });
    const bad: Refusal = {
      ...refusal("GW_VALIDATION", { detail: "字段 data.invoiceNo 格式不正确" }),
      field: "invoiceNo",
    };
    const { client } = fakeClient({ applyRedConfirmBill: () => ({ ok: false, refusal: bad, attempts: 1 }) });
    const sel = await readConfirmForms(port);
    if (!sel.ok) throw new Error(sel.refusal.message);
    const r = await runConfirmFormButton("enter", port, client, sel.value, {
      orgTaxId: ORG,
      newSerial: () => "HC-RCB-20250101-00000001",
      yieldNow: noYield,
    });
    const message = "请求数据不合法：原蓝票号码格式不正确";
    expect(r.outcomes.map((o) => [o.ok, o.message])).toEqual([[false, message]]);
    expect(Array.from(port.sheets.get("confirmForms")!.marks)).toEqual([["1:0", message]]);
    expect([port.cell("confirmForms", 1, "处理状态"), port.cell("confirmForms", 1, "失败原因")]).toEqual([
      "失败",
      message,
    ]);
  });
});
