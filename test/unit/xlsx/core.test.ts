/**
 * The task-pane path: the same rules on a plain 2-D array (what Office.js `range.values` gives), with
 * facts the host supplies, and the gateway-backed export source on a fake client.
 */
import { refusal } from "../../../src/domain/refusals";
import { validateSheetData } from "../../../src/sheet/xlsx/core";
import { gatewayExportSource, type ExportClient } from "../../../src/sheet/xlsx/exportGateway";
import { inputDownloadSchema } from "../../../src/sheet/xlsx/inputDownload";
import { BUYER_TAX_ID, SELLER_TAX_ID } from "./helpers";

const facts = { sheetName: "Sheet1", merges: [], hiddenRows: [] };

describe("validateSheetData on a 2-D array", () => {
  it("finds the header below a title, in any column order, with aliases, and plans the marks", () => {
    const values = [
      ["2024年10月 红字信息表"],
      [],
      [
        "我的列",
        "税额",
        "金额",
        "购买方税号",
        "购方名称",
        "销售方税号",
        "销方名称",
        "发票类型",
        "申请方",
        "货物名称",
        "税收分类编码",
        "税率",
      ],
      [
        "x",
        "-13.00",
        "-100.00",
        BUYER_TAX_ID,
        "甲",
        SELLER_TAX_ID,
        "乙",
        "增值税纸质专用发票",
        "购方申请-已抵扣",
        "信息技术服务",
        "3040201010000000000",
        "13%",
      ],
      [
        "y",
        "-13.00",
        "-100.00",
        "bad",
        "甲",
        SELLER_TAX_ID,
        "乙",
        "增值税纸质专用发票",
        "购方申请-已抵扣",
        "信息技术服务",
        "3040201010000000000",
        "13%",
      ],
    ];
    const r = validateSheetData("info-form-import", values, facts, { batchNo: "PC1" });
    if (!r.ok) throw new Error(r.refusal.message);
    expect(r.value.validation.headerRow).toBe(2);
    expect(r.value.summary).toBe("校验通过 1 行（未提交）, 1 行失败");
    expect(r.value.planned.plan.marks).toEqual([
      { row: 4, column: 3, message: expect.stringContaining("购方税号格式不正确：“bad”") },
    ]);
    // 失败原因 and 处理状态 are appended after the user's last column (no 申请批次号: nothing is sent).
    expect(r.value.planned.plan.addColumns.map((c) => [c.header, c.column])).toEqual([
      ["失败原因", 12],
      ["处理状态", 13],
    ]);
  });

  it("applies the 进项下载条件 rules: date order and the small-scale precheck (§5)", () => {
    const headers = inputDownloadSchema.columns.filter((c) => !c.result).map((c) => c.header);
    const row = (o: Record<string, string>) => headers.map((h) => o[h] ?? "");
    const base = {
      核算组织税号: SELLER_TAX_ID,
      票据类型: "发票",
      开票日期起: "2024-10-01",
      开票日期止: "2024-10-31",
    };
    const values = [
      headers,
      row(base),
      row({ ...base, 开票日期止: "2024-09-30" }),
      row({ ...base, 企业性质: "小规模纳税人", 下载抵扣类勾选数据: "是" }),
      row({ ...base, 开票通道: "乐企" }),
    ];
    const r = validateSheetData("input-download", values, facts);
    if (!r.ok) throw new Error(r.refusal.message);
    expect(r.value.validation.rows.map((x) => x.cellErrors.map((e) => [e.header, e.refusal.code]))).toEqual([
      [],
      [["开票日期止", "DATE_RANGE_REVERSED"]],
      [["下载抵扣类勾选数据", "SMALL_SCALE_NO_DEDUCTION_DOWNLOAD"]],
      [["开票通道", "LEQI_NOT_SUPPORTED"]],
    ]);
  });

  it("applies the 蓝票红冲 rules of §2 on their cells", () => {
    const values = [
      ["发票号码", "发票种类", "发票状态", "可红冲金额", "待开红冲金额", "本次红冲金额"],
      ["00000001", "增值税专用发票", "正常", "100.00", "30.00", "70.00"],
      ["00000002", "增值税普通发票", "作废", "100.00", "", ""],
      ["00000003", "增值税专用发票", "正常", "100.00", "30.00", "70.01"],
      // A part of a 税控普票 may be red-flushed (seed 000; issued through 2.2.01): the pane's rule, here too.
      ["00000004", "增值税普通发票", "正常", "1000.00", "", "500.00"],
      // A blank 本次红冲金额 is the full amount, which the pending red no longer leaves.
      ["00000005", "增值税专用发票", "正常", "100.00", "30.00", ""],
    ];
    const r = validateSheetData("blue-red-flush", values, facts);
    if (!r.ok) throw new Error(r.refusal.message);
    expect(r.value.validation.rows.map((x) => x.cellErrors.map((e) => [e.header, e.refusal.code]))).toEqual([
      [],
      [["发票状态", "INVOICE_STATUS_NOT_REVERSIBLE"]],
      [["本次红冲金额", "INSUFFICIENT_REMAINING"]],
      [],
      [["本次红冲金额", "INSUFFICIENT_REMAINING"]],
    ]);
  });
});

describe("gatewayExportSource", () => {
  it("pages through 4.03 and refuses without --org", async () => {
    const pages = [
      { taskStatus: "success", invoices: [{ invoiceNo: "1" }, { invoiceNo: "2" }] },
      { taskStatus: "success", invoices: [{ invoiceNo: "3" }] },
    ];
    const calls: number[] = [];
    const client = {
      queryInputCollection: async (req: { pageNo?: number }) => {
        calls.push(req.pageNo ?? 0);
        return {
          ok: true,
          data: pages[(req.pageNo ?? 1) - 1],
          message: "",
          raw: null,
          requestId: "r",
          attempts: 1,
        };
      },
      startInputCollection: async () => ({
        ok: false,
        refusal: refusal("GW_NETWORK", { detail: "x" }),
        attempts: 1,
      }),
    } as unknown as ExportClient;
    const src = gatewayExportSource(client, { pageSize: 2 });
    const r = await src.inputPool({ org: SELLER_TAX_ID, tasks: ["T1"] });
    expect(r.ok && r.value.map((i) => i.invoiceNo)).toEqual(["1", "2", "3"]);
    expect(calls).toEqual([1, 2]);
    const none = await src.inputPool({});
    expect(none.ok ? "ok" : none.refusal.code).toBe("GW_VALIDATION");
  });
});
