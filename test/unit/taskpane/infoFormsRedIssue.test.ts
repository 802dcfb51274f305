/**
 * Issue 10 item 1: an approved 红字信息表 — partial or full — is issued as a red 专票 through 2.2.01
 * (issueTaxControlRed, invoiceProperty 1) by its 红字信息表编号 (the form's own lines), never 2.2.02.
 */
import { readInfoForms, runInfoFormButton } from "../../../taskpane/workflows/infoForms";
import { FakePort, failResult, fakeClient, noYield, okResult } from "./fakes";

const ORG = "91110000600037341L";
const OTHER = "91330106MA2B3C4D5D";
const HEADER = [
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
  "数量",
  "单价",
  "金额",
  "税率",
  "税额",
  "红字信息表编码",
  "信息表状态",
];
const FORM_NO = "4403000000000007";
/** A partial form of a 50000.00 blue: two lines, 3 of 10 t and a 100.00 allowance. */
const rows = [
  [
    "销方申请",
    "增值税电子专用发票",
    "033002300111",
    "10000001",
    "2025-10-01",
    "买方公司",
    OTHER,
    "卖方公司",
    ORG,
    "钢材",
    "1080299000000000000",
    "-3",
    "5000",
    "-15000.00",
    "0.13",
    "-1950.00",
    FORM_NO,
    "审核成功",
  ],
  [
    "销方申请",
    "增值税电子专用发票",
    "033002300111",
    "10000001",
    "2025-10-01",
    "买方公司",
    OTHER,
    "卖方公司",
    ORG,
    "运费",
    "3010101020100000000",
    "",
    "",
    "-100.00",
    "0.09",
    "-9.00",
    FORM_NO,
    "审核成功",
  ],
];

type Item = {
  serialNo: string;
  sellerTaxpayerId: string;
  invoiceType: string;
  invoiceProperty: string;
  originalInvoiceCode?: string;
  originalInvoiceNumber: string;
  redInfoBillNo: string;
  invoiceDetail: Array<Record<string, { toFixed(): string } | string>>;
};

async function selection() {
  const port = new FakePort({ infoForms: { grid: [HEADER, ...rows] } });
  const sel = await readInfoForms(port, null);
  if (!sel.ok) throw new Error(sel.refusal.message);
  return { port, sel: sel.value };
}

describe("红字信息表 红冲 of an approved form (2.2.01)", () => {
  it("issues the partial form by its number and writes 已开票, 红票代码 and 红票号码 back", async () => {
    const { port, sel } = await selection();
    const { client, calls } = fakeClient({
      issueTaxControlRed: (d) =>
        okResult([
          {
            serialNo: (d as Item[])[0].serialNo,
            success: true,
            errorCode: "0",
            message: "",
            invoiceCode: "033002300111",
            invoiceNum: "20000001",
            invoiceDate: "2025-10-10 10:00:00",
            redInfoBillNo: FORM_NO,
            totalAmount: "-15100.00",
            totalTaxAmount: "-1959.00",
          },
        ]),
    });
    const r = await runInfoFormButton("redFlush", port, client, sel, { orgTaxId: ORG, yieldNow: noYield });
    expect(r.outcomes).toEqual([
      { key: FORM_NO, rowLabel: "2、3", row: 1, ok: true, message: "已开具红字发票" },
    ]);
    expect(calls("quickRedFlushTaxControl")).toEqual([]);
    const [item] = calls("issueTaxControlRed")[0].data as Item[];
    expect(item).toMatchObject({
      serialNo: "HC-IFR-4403000000000007",
      sellerTaxpayerId: ORG,
      invoiceType: "028",
      invoiceProperty: "1",
      originalInvoiceCode: "033002300111",
      originalInvoiceNumber: "10000001",
      redInfoBillNo: FORM_NO,
    });
    // The form's own lines and amounts are the approved form's, named by its number.
    expect(item.invoiceDetail).toBeUndefined();
    for (const row of [1, 2]) {
      expect(port.cell("infoForms", row, "信息表状态")).toBe("已开票");
      expect(port.cell("infoForms", row, "红票号码")).toBe("20000001");
      expect(port.cell("infoForms", row, "红票代码")).toBe("033002300111");
      expect(port.cell("infoForms", row, "处理状态")).toBe("成功");
    }
  });

  it("a refused element is written as the form's failure, the cell it names marked", async () => {
    const { port, sel } = await selection();
    const { client } = fakeClient({
      issueTaxControlRed: (d) =>
        okResult([
          {
            serialNo: (d as Item[])[0].serialNo,
            success: false,
            errorCode: "INSUFFICIENT_REMAINING",
            refusalCode: "GW_VALIDATION",
            refusalField: "[0].originalInvoiceNumber",
            message: "原发票号码与红字信息表不一致",
          },
        ]),
    });
    const r = await runInfoFormButton("redFlush", port, client, sel, { orgTaxId: ORG, yieldNow: noYield });
    expect(r.outcomes[0].ok).toBe(false);
    expect(port.cell("infoForms", 1, "信息表状态")).toBe("审核成功");
    expect(port.cell("infoForms", 1, "处理状态")).toBe("失败");
    expect(port.cell("infoForms", 1, "失败原因")).toBe(r.outcomes[0].message);
    expect([...port.sheets.get("infoForms")!.marks.keys()]).toEqual([`1:${HEADER.indexOf("原发票号码")}`]);
  });

  it("a whole-call refusal (every element refused) is written on the rows too", async () => {
    const { port, sel } = await selection();
    const { client } = fakeClient({
      issueTaxControlRed: () => failResult("GW_NOT_FOUND", { message: FORM_NO }),
    });
    const r = await runInfoFormButton("redFlush", port, client, sel, { orgTaxId: ORG, yieldNow: noYield });
    expect(r.outcomes[0].ok).toBe(false);
    expect(port.cell("infoForms", 2, "处理状态")).toBe("失败");
    expect(port.cell("infoForms", 2, "信息表状态")).toBe("审核成功");
  });
});
