import {
  computeDraft,
  confirmFormButtonStates,
  downloadConfirmForms,
  readConfirmForms,
  redSerialOfForm,
  runConfirmFormButton,
} from "../../../taskpane/workflows/confirmForms";
import { FakePort, fakeClient, noYield, okResult } from "./fakes";

const ORG = "91110000600037341L";
const HEADER = [
  "原蓝票号码",
  "红冲原因",
  "购销身份",
  "行号",
  "货物名称",
  "税率",
  "金额",
  "税额",
  "含税金额",
  "剩余可红冲金额",
  "剩余可红冲税额",
  "编辑字段",
  "编辑值",
  "流水号",
  "红字确认单编号",
  "录入状态",
  "确认状态",
  "录入日期",
  "录入方身份",
];
const BLUE = "24330000000012345678";
const line = (o: Partial<Record<(typeof HEADER)[number], string>>) => HEADER.map((h) => o[h] ?? "");

describe("红字确认单 workflow", () => {
  it("computes the per-reason line and shows what changed, before → after", async () => {
    const port = new FakePort({
      confirmForms: {
        grid: [
          HEADER,
          line({
            原蓝票号码: BLUE,
            红冲原因: "销售折让",
            行号: "1",
            货物名称: "服务",
            税率: "13%",
            剩余可红冲金额: "1000.00",
            剩余可红冲税额: "130.00",
            编辑字段: "不含税金额",
            编辑值: "100",
          }),
        ],
      },
    });
    const sel = await readConfirmForms(port);
    if (!sel.ok) throw new Error(sel.refusal.message);
    const draft = computeDraft(sel.value.entries[0]);
    expect(draft.refusals).toEqual([]);
    expect(draft.full).toBe(false);
    expect(draft.totals).toEqual({ amount: "-100.00", tax: "-13.00", amountInclTax: "-113.00" });
    const byField = Object.fromEntries(draft.diff.map((d) => [d.field, d]));
    expect(byField["金额"]).toMatchObject({ before: "", after: "-100.00", changed: true });
    expect(byField["税额"]).toMatchObject({ after: "-13.00" });
    expect(byField["含税金额"]).toMatchObject({ after: "-113.00" });
  });

  it("lists 开票有误仅支持全额红冲 as the reason 录入 is disabled for an edited 开票有误 line", async () => {
    const port = new FakePort({
      confirmForms: {
        grid: [
          HEADER,
          line({
            原蓝票号码: BLUE,
            红冲原因: "开票有误",
            税率: "13%",
            剩余可红冲金额: "10.00",
            剩余可红冲税额: "1.30",
            编辑字段: "含税金额",
            编辑值: "5",
          }),
        ],
      },
    });
    const sel = await readConfirmForms(port);
    if (!sel.ok) throw new Error(sel.refusal.message);
    const states = confirmFormButtonStates(sel.value.entries);
    expect(states.enter.enabled).toBe(false);
    expect(states.enter.refusals.map((r) => r.message)).toEqual(["开票有误仅支持全额红冲"]);
  });

  it("enables 确认/拒绝 only for forms awaiting us, and says who may revoke", async () => {
    const port = new FakePort({
      confirmForms: {
        grid: [
          HEADER,
          line({
            原蓝票号码: BLUE,
            红冲原因: "开票有误",
            购销身份: "购方",
            红字确认单编号: "4403000000000001",
            录入状态: "录入成功",
            确认状态: "02",
            录入方身份: "销方",
          }),
        ],
      },
    });
    const sel = await readConfirmForms(port);
    if (!sel.ok) throw new Error(sel.refusal.message);
    const states = confirmFormButtonStates(sel.value.entries);
    expect(states.confirm.enabled).toBe(true);
    expect(states.reject.enabled).toBe(true);
    expect(states.redFlush.refusals[0].message).toBe(
      "只有确认状态为“无需确认”或“购销双方已确认”的红字确认单才允许红冲"
    );
    expect(states.revoke.enabled).toBe(false);
    expect(states.revoke.refusals[0].message).toBe("红字确认单撤销只能由最后操作方申请，当前只允许销方撤销");
    expect(states.revoke.revokeParties).toEqual([{ rowLabel: "2", party: "销方" }]);
  });

  it("录入 persists the serial first, sends 2.1.03 and writes the bill back", async () => {
    const port = new FakePort({
      confirmForms: {
        grid: [
          HEADER,
          line({
            原蓝票号码: BLUE,
            红冲原因: "销售退回",
            税率: "13%",
            剩余可红冲金额: "10.00",
            剩余可红冲税额: "1.30",
          }),
        ],
      },
    });
    let serialAtSend = "";
    const { client, calls } = fakeClient({
      applyRedConfirmBill: () => {
        serialAtSend = String(port.cell("confirmForms", 1, "流水号"));
        return okResult({
          redInfoBillNo: "4403000000000007",
          govRedConfirmBillUuid: "u",
          redConfirmBillStatus: "01",
        });
      },
    });
    const sel = await readConfirmForms(port);
    if (!sel.ok) throw new Error(sel.refusal.message);
    expect(confirmFormButtonStates(sel.value.entries).enter.enabled).toBe(true);
    const r = await runConfirmFormButton("enter", port, client, sel.value, {
      orgTaxId: ORG,
      newSerial: () => "HC-RCB-20250101-00000001",
      now: () => Date.UTC(2025, 0, 1, 2, 0, 0),
      yieldNow: noYield,
    });
    expect(r.outcomes[0].ok).toBe(true);
    expect(serialAtSend).toBe("HC-RCB-20250101-00000001");
    const req = calls("applyRedConfirmBill")[0].data as {
      orderNo: string;
      redReason: string;
      invoiceDetail?: unknown;
    };
    expect(req.orderNo).toBe("HC-RCB-20250101-00000001");
    expect(req.redReason).toBe("2");
    expect(req.invoiceDetail).toBeUndefined();
    expect(port.cell("confirmForms", 1, "红字确认单编号")).toBe("4403000000000007");
    expect(port.cell("confirmForms", 1, "确认状态")).toBe("无需确认");
    expect(port.cell("confirmForms", 1, "录入状态")).toBe("录入成功");
    expect(port.cell("confirmForms", 1, "录入日期")).toBe("2025-01-01 10:00:00");
    // Read back, the form is entered: 录入 is now refused, 红冲 allowed.
    const again = await readConfirmForms(port);
    if (!again.ok) throw new Error(again.refusal.message);
    const states = confirmFormButtonStates(again.value.entries);
    expect(states.enter.enabled).toBe(false);
    expect(states.redFlush.enabled).toBe(true);
  });

  it("红冲 of a form re-uses a serial derived from the form's own", () => {
    expect(redSerialOfForm({ serialNo: "HC-RCB-20250101-00000001", formNumber: null })).toBe(
      "HC-RCB-20250101-00000001-R"
    );
    expect(redSerialOfForm({ serialNo: null, formNumber: "4403000000000007" })).toBe(
      "HC-RCB-4403000000000007-R"
    );
  });

  it("下载 polls the task until done, lists the range and refreshes matching rows", async () => {
    const port = new FakePort({
      confirmForms: {
        grid: [
          HEADER,
          line({
            原蓝票号码: BLUE,
            红冲原因: "开票有误",
            红字确认单编号: "4403000000000001",
            录入状态: "录入成功",
            确认状态: "02",
          }),
        ],
      },
    });
    let polls = 0;
    const { client } = fakeClient({
      downloadRedConfirmBills: () => okResult({ taskNo: "T1" }),
      "HC.TASK.QUERY": () =>
        okResult({
          items: [{ taskNo: "T1", status: ++polls < 3 ? "进行中" : "成功", total: 1, succeeded: polls }],
        }),
      queryRedConfirmBills: () =>
        okResult({
          dataList: [
            {
              redInfoBillNo: "4403000000000001",
              govRedConfirmBillUuid: "u",
              redConfirmBillStatus: "04",
              redConfirmEnterDate: "2025-01-01 10:00:00",
              confirmDate: "2025-01-02 09:00:00",
            },
          ],
        }),
    });
    const sel = await readConfirmForms(port);
    if (!sel.ok) throw new Error(sel.refusal.message);
    const r = await downloadConfirmForms(
      client,
      { orgTaxId: ORG, role: "销方", startDate: "2025-01-01", endDate: "2025-01-31" },
      { pollMs: 0 },
      { port, sel: sel.value }
    );
    expect(r.ok && r.value.updatedForms).toBe(1);
    expect(polls).toBe(3);
    expect(port.cell("confirmForms", 1, "确认状态")).toBe("购销双方 已确认");
  });
});
