import {
  CHANGE_LOG_HEADER,
  changeLogRows,
  precheckInputSync,
  runInputSync,
  type InputSyncRequest,
} from "../../../taskpane/workflows/inputSync";
import { FakePort, fakeClient, okResult } from "./fakes";

const ORG = "91110000600037341L";
const base: InputSyncRequest = {
  orgName: "测试公司",
  orgTaxId: ORG,
  channel: "RPA",
  enterpriseNature: "一般纳税人",
  billKind: "发票",
  invoiceType: "",
  deductionStatus: "",
  invoiceStatus: "",
  startDate: "2025-01-01",
  endDate: "2025-01-31",
};

describe("进项同步 workflow", () => {
  it("refuses 乐企 and small-scale deduction downloads before anything is sent", async () => {
    const { client, log } = fakeClient({});
    const leqi = await runInputSync(client, { ...base, channel: "乐企" }, { existing: [] });
    expect(leqi.ok ? null : leqi.refusal.message).toBe("目前此功能不支持乐企通道使用");
    const small = precheckInputSync({
      ...base,
      enterpriseNature: "小规模纳税人",
      deductionStatus: "已勾选或已认证抵扣",
    });
    expect(small.ok ? null : small.refusal.code).toBe("SMALL_SCALE_NO_DEDUCTION_DOWNLOAD");
    expect(
      precheckInputSync({ ...base, enterpriseNature: "小规模纳税人", deductionStatus: "未勾选" }).ok
    ).toBe(true);
    expect(precheckInputSync({ ...base, startDate: "2025-02-01" }).ok).toBe(false);
    expect(log).toHaveLength(0);
  });

  it("polls 4.03 page by page, merges into the pool and records status changes", async () => {
    const port = new FakePort({
      inputPool: {
        grid: [
          ["发票代码", "发票号码", "开票日期", "金额", "税额", "价税合计", "发票状态", "查验状态"],
          ["", "24440000000011112222", "2025-01-08", "1000.00", "130.00", "1130.00", "正常", "已验"],
        ],
      },
    });
    const inv = (no: string, status: string) => ({
      invoiceType: "02",
      etaxInvoiceNo: no,
      invoiceDate: "2025-01-08",
      invoiceAmount: "1000.00",
      totalTaxAmount: "130.00",
      salerName: "供应商",
      salerTaxNo: ORG,
      invoiceStatus: status,
    });
    let q = 0;
    const { client, calls } = fakeClient({
      startInputCollection: () => okResult({ taskNo: "T9" }),
      queryInputCollection: (d) => {
        q++;
        const pageNo = (d as { pageNo: number }).pageNo;
        if (q === 1) return okResult({ taskStatus: "running", total: "0", invoices: [] });
        if (pageNo === 1)
          return okResult({
            taskStatus: "success",
            total: "3",
            invoices: [inv("24440000000011112222", "部分红冲"), inv("24440000000033334444", "正常")],
          });
        return okResult({
          taskStatus: "success",
          total: "3",
          invoices: [inv("24440000000055556666", "失控")],
        });
      },
    });
    const existing = await port.readAll("inputPool");
    if (!existing.ok) throw new Error(existing.refusal.message);
    const r = await runInputSync(client, base, {
      existing: existing.value.rows,
      pageSize: 2,
      pollMs: 0,
      now: () => Date.UTC(2025, 1, 1, 0, 0, 0),
    });
    if (!r.ok) throw new Error(r.refusal.message);
    expect(calls("queryInputCollection").map((c) => (c.data as { pageNo: number }).pageNo)).toEqual([
      1, 1, 2,
    ]);
    expect(r.value.downloaded).toBe(3);
    expect(r.value.inserted).toBe(2);
    expect(r.value.updated).toBe(1);
    expect(r.value.changes).toEqual([
      {
        syncedAt: "2025-02-01 08:00:00",
        invoiceCode: "",
        invoiceNo: "24440000000011112222",
        field: "发票状态",
        from: "正常",
        to: "部分红冲",
      },
    ]);
    expect(changeLogRows(r.value.changes)[0]).toEqual([
      "2025-02-01 08:00:00",
      "",
      "24440000000011112222",
      "发票状态",
      "正常",
      "部分红冲",
    ]);
    expect(CHANGE_LOG_HEADER[3]).toBe("字段");
    const newRow = r.value.upserts.find((u) => u.values.invoiceNumber === "24440000000033334444")!;
    expect(newRow.values).toMatchObject({
      totalAmount: "1130.00",
      verifyStatus: "未验",
      invoiceStatus: "正常",
    });
    // Writing: the verified row is updated in place, the new ones appended.
    const up = await port.upsertRows("inputPool", r.value.upserts);
    expect(up.ok && [up.value.updated, up.value.inserted]).toEqual([1, 2]);
    expect(port.cell("inputPool", 1, "发票状态")).toBe("部分红冲");
  });

  it("reports nothing the second time the same download is synced; a real status change is reported", async () => {
    const port = new FakePort();
    // As the gateway sends them: a 数电 invoice's 发票代码 is "", 开票日期 carries the time.
    const inv = (status: string) => ({
      invoiceType: "02",
      invoiceCode: "",
      invoiceNo: "24440000000077778888",
      invoiceDate: "2025-01-08 10:20:30",
      invoiceAmount: "1000.00",
      totalTaxAmount: "130.00",
      salerName: "供应商",
      salerTaxNo: ORG,
      invoiceStatus: status,
    });
    let status = "正常";
    const { client } = fakeClient({
      startInputCollection: () => okResult({ taskNo: "T1" }),
      queryInputCollection: () => okResult({ taskStatus: "success", total: "1", invoices: [inv(status)] }),
    });
    const sync = async () => {
      const existing = await port.readAll("inputPool");
      if (!existing.ok) throw new Error(existing.refusal.message);
      const r = await runInputSync(client, base, { existing: existing.value.rows, pollMs: 0 });
      if (!r.ok) throw new Error(r.refusal.message);
      const up = await port.upsertRows("inputPool", r.value.upserts);
      if (!up.ok) throw new Error(up.refusal.message);
      return r.value;
    };
    const first = await sync();
    expect([first.inserted, first.updated]).toEqual([1, 0]);
    expect(port.cell("inputPool", 1, "开票日期")).toBe("2025-01-08");
    expect(port.cell("inputPool", 1, "发票代码")).toBe("");
    const second = await sync();
    expect([second.inserted, second.updated]).toEqual([0, 1]);
    expect(second.changes).toEqual([]);
    status = "部分红冲";
    const third = await sync();
    expect(third.changes.map((c) => [c.invoiceCode, c.invoiceNo, c.field, c.from, c.to])).toEqual([
      ["", "24440000000077778888", "发票状态", "正常", "部分红冲"],
    ]);
  });
});
