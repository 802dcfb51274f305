import {
  downloadInfoForms,
  infoFormButtonStates,
  infoFormPrintHtml,
  readInfoForms,
  runInfoFormButton,
} from "../../../taskpane/workflows/infoForms";
import { FakePort, fakeClient, failResult, noYield, okResult } from "./fakes";

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
  "金额",
  "税率",
  "税额",
  "红字信息表编码",
  "信息表状态",
];
const form = (no: string, status: string, formNo = "", seller = ORG) => [
  "销方申请",
  "增值税专用发票",
  "033002300111",
  no,
  "2024-05-20",
  "买方公司",
  OTHER,
  "卖方公司",
  seller,
  "服务费",
  "3040201010000000000",
  "-100.00",
  "13%",
  "-13.00",
  formNo,
  status,
];

describe("红字信息表 workflow", () => {
  it("enables a button only when every selected form allows it, and lists why per row", async () => {
    const port = new FakePort({
      infoForms: {
        grid: [
          HEADER,
          form("12345678", "审核成功", "4403000000000001"),
          form("12345679", "未上传"),
          form("12345680", "审核成功", "4403000000000002", OTHER),
        ],
      },
    });
    const sel = await readInfoForms(port, null);
    if (!sel.ok) throw new Error(sel.refusal.message);
    const states = infoFormButtonStates(sel.value.entries, ORG);
    expect(states.redFlush.enabled).toBe(false);
    expect(states.redFlush.refusals).toEqual([
      { rowLabel: "3", key: "033002300111|12345679", message: "只有税局审核通过后才允许红冲", row: 2 },
      {
        rowLabel: "4",
        row: 3,
        key: "4403000000000002",
        message: "销方税号与当前业务单元下的企业信息中的税号一致才允许红冲",
      },
    ]);
    expect(states.revoke.refusals.map((r) => r.rowLabel)).toEqual(["3"]);
    expect(states.delete.refusals.map((r) => r.message)).toEqual([
      "审核通过的红字信息表，不允许删除",
      "审核通过的红字信息表，不允许删除",
    ]);
    expect(states.rollback.refusals[0].message).toBe("只允许回退关联开票业务单据的红字信息表");
    expect(states.download.enabled).toBe(true);
    // Only the approved form of our org: 红冲 and 撤销 allowed.
    const only = infoFormButtonStates([sel.value.entries[0]], ORG);
    expect(only.redFlush.enabled).toBe(true);
    expect(only.revoke.enabled).toBe(true);
    expect(only.submit.enabled).toBe(false);
  });

  it("上传 sends the lines as red (negative) amounts and writes the bureau's answer back", async () => {
    const port = new FakePort({
      infoForms: { grid: [HEADER, form("12345678", ""), form("12345679", "审核失败")] },
    });
    const { client, calls } = fakeClient({
      applyRedInfoForm: (d) => {
        const req = d as { originalInvoiceNumber: string; serialNo: string };
        return req.originalInvoiceNumber === "12345678"
          ? okResult({ serialNo: req.serialNo, redInfoBillNo: "4403000000000009", status: "审核成功" })
          : okResult({ serialNo: req.serialNo, status: "审核失败", failReason: "蓝票已全额红冲" });
      },
    });
    const sel = await readInfoForms(port, null);
    if (!sel.ok) throw new Error(sel.refusal.message);
    expect(infoFormButtonStates(sel.value.entries, ORG).submit.enabled).toBe(true);
    const r = await runInfoFormButton("submit", port, client, sel.value, {
      orgTaxId: ORG,
      newSerial: () => "HC-RIF-20250101-00000001",
      yieldNow: noYield,
    });
    expect(r.outcomes.map((o) => o.ok)).toEqual([true, false]);
    const req = calls("applyRedInfoForm")[0].data as {
      applyType: string;
      invoiceType: string;
      invoiceDetail: Array<{
        amount: { toFixed(): string };
        taxAmount: { toFixed(): string };
        taxRate: string;
      }>;
    };
    expect(req.applyType).toBe("seller");
    expect(req.invoiceType).toBe("004");
    expect(req.invoiceDetail[0].amount.toFixed()).toBe("-100");
    expect(req.invoiceDetail[0].taxAmount.toFixed()).toBe("-13");
    expect(req.invoiceDetail[0].taxRate).toBe("0.13");
    expect(port.cell("infoForms", 1, "红字信息表编码")).toBe("4403000000000009");
    expect(port.cell("infoForms", 1, "信息表状态")).toBe("审核成功");
    expect(port.cell("infoForms", 2, "信息表状态")).toBe("审核失败");
    expect(port.cell("infoForms", 2, "失败原因")).toBe("蓝票已全额红冲");
  });

  it("红冲 sends the form number with a serial derived from it, and marks the form 已开票", async () => {
    const port = new FakePort({
      infoForms: { grid: [HEADER, form("12345678", "审核成功", "4403000000000001")] },
    });
    const { client, calls } = fakeClient({
      issueTaxControlRed: (d) =>
        okResult([
          {
            serialNo: (d as Array<{ serialNo: string }>)[0].serialNo,
            success: true,
            invoiceCode: "033002300111",
            invoiceNum: "87654321",
          },
        ]),
    });
    const sel = await readInfoForms(port, null);
    if (!sel.ok) throw new Error(sel.refusal.message);
    await runInfoFormButton("redFlush", port, client, sel.value, { orgTaxId: ORG, yieldNow: noYield });
    expect(calls("quickRedFlushTaxControl")).toEqual([]);
    const item = (
      calls("issueTaxControlRed")[0].data as Array<{ serialNo: string; redInfoBillNo: string }>
    )[0];
    expect(item.redInfoBillNo).toBe("4403000000000001");
    expect(item.serialNo).toBe("HC-IFR-4403000000000001");
    expect(port.cell("infoForms", 1, "信息表状态")).toBe("已开票");
    expect(port.cell("infoForms", 1, "红票号码")).toBe("87654321");
  });

  it("撤销 / 删除 through the extensions; relay mode's GW_SANDBOX_ONLY tells the clerk to use 发票云", async () => {
    const port = new FakePort({
      infoForms: { grid: [HEADER, form("12345678", "审核成功", "4403000000000001")] },
    });
    const { client } = fakeClient({ "HC.REDINFOBILL.REVOKE": () => failResult("GW_SANDBOX_ONLY") });
    const sel = await readInfoForms(port, null);
    if (!sel.ok) throw new Error(sel.refusal.message);
    const r = await runInfoFormButton("revoke", port, client, sel.value, {
      orgTaxId: ORG,
      yieldNow: noYield,
    });
    expect(r.outcomes[0].ok).toBe(false);
    expect(r.outcomes[0].message).toBe(
      "该功能仅在沙箱模式下可用：当前连接的是真实发票云，请在发票云中完成此操作"
    );
    const ok = fakeClient({ "HC.REDINFOBILL.REVOKE": () => okResult({ deleted: false, status: "已撤销" }) });
    await runInfoFormButton("revoke", port, ok.client, sel.value, { orgTaxId: ORG, yieldNow: noYield });
    expect(port.cell("infoForms", 1, "信息表状态")).toBe("已撤销");
  });

  it("下载 refuses without a scope before sending, and refreshes matching selected rows", async () => {
    const port = new FakePort({
      infoForms: { grid: [HEADER, form("12345678", "未上传", "4403000000000001")] },
    });
    const { client, calls } = fakeClient({
      downloadRedInfoForms: () =>
        okResult({
          dataList: [{ redInfoBillNo: "4403000000000001", status: "审核成功", auditDate: "2024-06-01" }],
        }),
    });
    const none = await downloadInfoForms(client, { orgTaxId: ORG, own: false, others: false });
    expect(none.ok ? null : none.refusal.message).toBe("“本企业申请” “其他企业申请”至少勾选一项");
    expect(calls("downloadRedInfoForms")).toHaveLength(0);
    const sel = await readInfoForms(port, null);
    if (!sel.ok) throw new Error(sel.refusal.message);
    const r = await downloadInfoForms(
      client,
      { orgTaxId: ORG, own: true, others: true },
      { port, sel: sel.value }
    );
    expect(r.ok && r.value.updatedRows).toBe(1);
    expect((calls("downloadRedInfoForms")[0].data as { scope: string }).scope).toBe("both");
    expect(port.cell("infoForms", 1, "信息表状态")).toBe("审核成功");
  });

  it("打印 builds a clean page with the form's fields, lines and totals, HTML-escaped", async () => {
    const row = form("12345678", "审核成功", "4403000000000001");
    row[5] = "<买方&公司>";
    const port = new FakePort({ infoForms: { grid: [HEADER, row] } });
    const sel = await readInfoForms(port, null);
    if (!sel.ok) throw new Error(sel.refusal.message);
    const html = infoFormPrintHtml(sel.value.entries);
    expect(html).toContain("<th>红字信息表编码</th><td>4403000000000001</td>");
    expect(html).toContain("&lt;买方&amp;公司&gt;");
    expect(html).toContain("<td>-100.00</td><td>13%</td><td>-13.00</td>");
  });
});

describe("红字信息表 上传 is checked by the draft planner first", () => {
  it("a tax off by more than 0.06 disables 上传 naming the cell and the expected tax (the schema row check, as 批量引入)", async () => {
    const bad = form("12345678", "");
    bad[HEADER.indexOf("税额")] = "-20.00";
    const port = new FakePort({ infoForms: { grid: [HEADER, bad] } });
    const sel = await readInfoForms(port, null);
    if (!sel.ok) throw new Error(sel.refusal.message);
    const states = infoFormButtonStates(sel.value.entries, ORG);
    expect(states.submit.enabled).toBe(false);
    expect(states.submit.refusals.map((r) => r.message)).toEqual([
      "N2：税额“-20.00”与金额×税率（-100.00 × 0.13 = -13.00）相差7.00，超过允许误差0.06，请把税额改为-13.00",
    ]);
  });
});

describe("红字信息表 upload is resumable by its 流水号", () => {
  it("keeps the serial of an unanswered upload in 流水号 and re-sends it, never a new one", async () => {
    const port = new FakePort({ infoForms: { grid: [HEADER, form("12345678", "")] } });
    let answer: "timeout" | "ok" = "timeout";
    const { client, calls } = fakeClient({
      applyRedInfoForm: (d) =>
        answer === "timeout"
          ? failResult("GW_TIMEOUT", { timeoutMs: "1000" })
          : okResult({
              serialNo: (d as { serialNo: string }).serialNo,
              redInfoBillNo: "4403000000000001",
              status: "审核成功",
            }),
    });
    let serials = 0;
    const newSerial = () => `HC-RIF-20250101-0000000${++serials}`;
    const first = await readInfoForms(port, null);
    if (!first.ok) throw new Error(first.refusal.message);
    await runInfoFormButton("submit", port, client, first.value, {
      orgTaxId: ORG,
      newSerial,
      yieldNow: noYield,
    });
    expect(String(port.cell("infoForms", 1, "流水号"))).toBe("HC-RIF-20250101-00000001");
    expect(String(port.cell("infoForms", 1, "处理状态"))).toBe("处理中");
    answer = "ok";
    const second = await readInfoForms(port, null);
    if (!second.ok) throw new Error(second.refusal.message);
    await runInfoFormButton("submit", port, client, second.value, {
      orgTaxId: ORG,
      newSerial,
      yieldNow: noYield,
    });
    expect(calls("applyRedInfoForm").map((c) => (c.data as { serialNo: string }).serialNo)).toEqual([
      "HC-RIF-20250101-00000001",
      "HC-RIF-20250101-00000001",
    ]);
    expect(port.cell("infoForms", 1, "信息表状态")).toBe("审核成功");
  });
});
