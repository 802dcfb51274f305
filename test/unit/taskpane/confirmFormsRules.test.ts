/**
 * Issue 10 rules on the 红字确认单 pane: who may 红冲 (the seller; the buyer of a 收购票), the 收购票
 * identity flip on 录入, the 特别提示 of a 税控 blue entered by the buyer, 交付邮箱/手机 on 红冲 and the
 * 流水号 sent with 回退.
 */
import {
  confirmFormButtonStates,
  entryNotices,
  readConfirmForms,
  runConfirmFormButton,
} from "../../../taskpane/workflows/confirmForms";
import { TAX_CONTROL_ENTRY_NOTICE } from "../../../src/domain/confirmForm";
import { FakePort, fakeClient, noYield, okResult } from "./fakes";

const ORG = "91110000600037341L";
const HEADER = [
  "原蓝票号码",
  "原蓝票代码",
  "红冲原因",
  "购销身份",
  "数据来源",
  "交付邮箱",
  "交付手机",
  "流水号",
  "红字确认单编号",
  "录入状态",
  "确认状态",
  "开票状态",
];
const BLUE = "24330000000012345678";
const row = (o: Partial<Record<(typeof HEADER)[number], string>>) => HEADER.map((h) => o[h] ?? "");
const entered = (role: string, no = "4403000000000001") =>
  row({
    原蓝票号码: BLUE,
    红冲原因: "开票有误",
    购销身份: role,
    流水号: `HC-RCB-${no.slice(-4)}`,
    红字确认单编号: no,
    录入状态: "录入成功",
    确认状态: "购销双方 已确认",
    开票状态: "未开票",
  });
const WRONG_PARTY = "红字确认单只能由销方红冲（购方仅通过下载获取红字确认单编号）";

/** A client answering HC.BLUEINVOICE.QUERY with the blue invoice's 收购票 fact. */
function blueClient(isPurchaseInvoice: boolean, extra: Parameters<typeof fakeClient>[0] = {}) {
  return fakeClient({
    "HC.BLUEINVOICE.QUERY": () =>
      okResult({ pageNo: 1, pageSize: 1, total: 1, items: [{ invoiceNo: BLUE, isPurchaseInvoice }] }),
    ...extra,
  });
}

describe("红字确认单: who may 红冲 (issue 10 item 4)", () => {
  it("disables 红冲 on the buyer's copy with the reason; the seller's copy may 红冲", async () => {
    const port = new FakePort({
      confirmForms: { grid: [HEADER, entered("购方"), entered("销方", "4403000000000002")] },
    });
    const sel = await readConfirmForms(port);
    if (!sel.ok) throw new Error(sel.refusal.message);
    const [buyer, seller] = sel.value.entries;
    const states = confirmFormButtonStates([buyer]);
    expect(states.redFlush.enabled).toBe(false);
    expect(states.redFlush.refusals).toEqual([
      { rowLabel: "2", key: buyer.key, message: WRONG_PARTY, row: 1 },
    ]);
    expect(confirmFormButtonStates([seller]).redFlush).toEqual({ enabled: true, refusals: [] });
  });

  it("a 收购票 flips the identities: the buyer's copy (chosen 我是销方) may 红冲, the seller's may not", async () => {
    const port = new FakePort({
      confirmForms: { grid: [HEADER, entered("销方"), entered("购方", "4403000000000002")] },
    });
    const { client } = blueClient(true);
    const sel = await readConfirmForms(port, {}, { client, orgTaxId: ORG });
    if (!sel.ok) throw new Error(sel.refusal.message);
    const [issuer, other] = sel.value.entries;
    expect(issuer.isPurchaseInvoice).toBe(true);
    expect(issuer.form.myRole).toBe("购方");
    expect(confirmFormButtonStates([issuer]).redFlush.enabled).toBe(true);
    expect(confirmFormButtonStates([other]).redFlush.refusals.map((r) => r.message)).toEqual([
      "红字确认单只能由购方红冲（收购票由购方开具，购销身份互换）",
    ]);
  });

  it("the 收购票 fact of a form whose blue is not ours comes from 2.1.13 by the form's number", async () => {
    const port = new FakePort({ confirmForms: { grid: [HEADER, entered("销方")] } });
    const { client, calls } = fakeClient({
      "HC.BLUEINVOICE.QUERY": () => okResult({ pageNo: 1, pageSize: 1, total: 0, items: [] }),
      queryRedConfirmBills: () =>
        okResult({
          dataList: [
            { redInfoBillNo: "4403000000000001", redConfirmBillStatus: "04", isPurchaseInvoice: "1" },
          ],
        }),
    });
    const sel = await readConfirmForms(port, {}, { client, orgTaxId: ORG });
    if (!sel.ok) throw new Error(sel.refusal.message);
    expect(calls("queryRedConfirmBills")[0].data).toEqual({
      taxpayerId: ORG,
      redInfoBillNo: "4403000000000001",
    });
    expect(sel.value.entries[0].form.myRole).toBe("购方");
  });

  it("录入 of a 收购票 chosen 我是销方 enters the form as 我是购方 (enteridentity) and records 录入方身份 购方", async () => {
    const port = new FakePort({
      confirmForms: { grid: [HEADER, row({ 原蓝票号码: BLUE, 红冲原因: "开票有误", 购销身份: "销方" })] },
    });
    const { client, calls } = blueClient(true, {
      applyRedConfirmBill: () => okResult({ redInfoBillNo: "4403000000000009", redConfirmBillStatus: "03" }),
    });
    const sel = await readConfirmForms(port, {}, { client, orgTaxId: ORG });
    if (!sel.ok) throw new Error(sel.refusal.message);
    await runConfirmFormButton("enter", port, client, sel.value, {
      orgTaxId: ORG,
      newSerial: () => "HC-RCB-0001",
      yieldNow: noYield,
      now: () => Date.UTC(2025, 9, 10, 2, 0, 0),
    });
    expect((calls("applyRedConfirmBill")[0].data as { enteridentity?: string }).enteridentity).toBe("1");
    expect(port.cell("confirmForms", 1, "录入方身份")).toBe("购方");
  });
});

describe("红字确认单: 特别提示 (issue 10 item 7)", () => {
  it("warns the buyer drafting a form for a 税控 blue invoice that the bureau returns a 红字信息表", async () => {
    const port = new FakePort({
      confirmForms: {
        grid: [
          HEADER,
          row({ 原蓝票号码: "12345678", 原蓝票代码: "033002300111", 红冲原因: "开票有误", 购销身份: "购方" }),
          row({ 原蓝票号码: "12345679", 原蓝票代码: "033002300111", 红冲原因: "开票有误", 购销身份: "销方" }),
          row({ 原蓝票号码: BLUE, 红冲原因: "开票有误", 购销身份: "购方" }),
        ],
      },
    });
    const sel = await readConfirmForms(port);
    if (!sel.ok) throw new Error(sel.refusal.message);
    expect(entryNotices(sel.value.entries)).toEqual([
      { rowLabel: "2", key: sel.value.entries[0].key, message: TAX_CONTROL_ENTRY_NOTICE, row: 1 },
    ]);
  });
});

describe("红字确认单: 红冲 and 回退 requests (issue 10 items 7, 8)", () => {
  it("红冲 sends the form's 交付邮箱/交付手机 as the red invoice's delivery pair (§4.13)", async () => {
    const g = entered("销方");
    g[HEADER.indexOf("交付邮箱")] = "buyer@example.com";
    g[HEADER.indexOf("交付手机")] = "13800000000";
    const port = new FakePort({ confirmForms: { grid: [HEADER, g] } });
    const { client, calls } = fakeClient({
      redFlushDigital: (d) => okResult({ kind: "accepted", serialNo: (d as { serialNo: string }).serialNo }),
      queryInvoice: (d) =>
        okResult({
          serialNo: (d as { serialNo: string }).serialNo,
          invoiceNum: "25332000000000000009",
          invoiceStatus: "0",
        }),
    });
    const sel = await readConfirmForms(port);
    if (!sel.ok) throw new Error(sel.refusal.message);
    await runConfirmFormButton("redFlush", port, client, sel.value, { orgTaxId: ORG, yieldNow: noYield });
    expect(calls("redFlushDigital")[0].data).toMatchObject({
      buyerRecipientMail: "buyer@example.com",
      buyerRecipientPhone: "13800000000",
      redInfoBillNo: "4403000000000001",
    });
    expect(port.cell("confirmForms", 1, "红票号码")).toBe("25332000000000000009");
    expect(port.cell("confirmForms", 1, "开票状态")).toBe("已开票");
  });

  it("回退 of a 录入失败 form sends its 流水号 (the bureau re-queries by it first, 002 回退②)", async () => {
    const port = new FakePort({
      confirmForms: {
        grid: [
          HEADER,
          row({
            原蓝票号码: BLUE,
            红冲原因: "开票有误",
            购销身份: "销方",
            数据来源: "匹配结果推送",
            流水号: "HC-RCB-0042",
            录入状态: "录入失败",
          }),
        ],
      },
    });
    const { client, calls } = fakeClient({ "HC.REDCONFIRMBILL.ROLLBACK": () => okResult({ deleted: true }) });
    const sel = await readConfirmForms(port);
    if (!sel.ok) throw new Error(sel.refusal.message);
    expect(confirmFormButtonStates(sel.value.entries).rollback.enabled).toBe(true);
    await runConfirmFormButton("rollback", port, client, sel.value, { orgTaxId: ORG, yieldNow: noYield });
    expect(calls("HC.REDCONFIRMBILL.ROLLBACK")[0].data).toEqual({ taxNo: ORG, serialNo: "HC-RCB-0042" });
  });
});
