import {
  prepareRedFlush,
  replanRedFlush,
  resumeStateOf,
  runRedFlush,
} from "../../../taskpane/workflows/redFlush";
import type { Dec } from "../../../src/domain/money";
import { FakePort, fakeClient, failResult, noYield, okResult } from "./fakes";

const ORG = "91110000600037341L";
const HEADER = [
  "发票代码",
  "发票号码",
  "发票种类",
  "发票状态",
  "可红冲金额",
  "待开红冲金额",
  "本次红冲金额",
  "红冲原因",
  "税率",
  "税额",
  "购方名称",
  "购方税号",
  // 2.2.04 needs these for a 税控专票 line built from the sheet (no gateway record).
  "原蓝票日期",
  "货物名称",
  "税收分类编码",
];

const digital = (no: string, extra: Partial<Record<string, unknown>> = {}) => [
  "",
  no,
  "数电发票（普通发票）",
  extra.status ?? "正常",
  extra.reversible ?? "100.00",
  extra.pending ?? "",
  extra.request ?? "",
  extra.reason ?? "开票有误",
  "13%",
  "13.00",
  "购方",
  "",
  "",
  "",
  "",
];

function serials() {
  let n = 0;
  return () => `HC-RED-20250101-${String(++n).padStart(8, "0")}`;
}

describe("发票红冲 workflow: pre-flight", () => {
  it("lists every row with its exact reason, and parse errors at their cell", async () => {
    const port = new FakePort({
      blueInvoices: {
        grid: [
          HEADER,
          digital("24330000000012345678"),
          digital("24330000000012345679", { status: "作废" }),
          digital("24330000000012345680", {
            reversible: "100.00",
            pending: "60.00",
            request: "50.00",
            reason: "销售折让",
          }),
          digital("1234", {}),
          ["033002300111", "12345678", "增值税专用发票", "正常", "0.00", "", "", "", "13%", "", "", ""],
        ],
      },
    });
    const pre = await prepareRedFlush(port, null);
    if (!pre.ok) throw new Error(pre.refusal.message);
    const e = pre.value.entries;
    expect(e).toHaveLength(5);
    expect(e[0].eligible).toBe(true);
    expect(e[0].route).toBe("红字确认单申请页");
    expect(e[1].reason?.code).toBe("INVOICE_STATUS_NOT_REVERSIBLE");
    expect(e[2].reason?.message).toBe(
      "剩余可红冲金额不足。开票管理→待开发票页面中可能存在本发票的未开票的数据，请先处理。"
    );
    expect(e[2].available).toBe("40.00");
    // "1234" is not an invoice number: the error names the cell B5.
    expect(e[3].eligible).toBe(false);
    expect(e[3].reason?.message).toMatch(/^B5：发票号码格式不正确/);
    expect(e[3].cellErrors[0].columnKey).toBe("invoiceNumber");
    expect(e[4].reason?.code).toBe("NO_REVERSIBLE_AMOUNT");
    expect(pre.value.sendCount).toBe(1);
    expect(pre.value.remainingSource).toBe("sheet");
  });

  it("refreshes remaining amounts from HC.BLUEINVOICE.QUERY when the gateway offers it", async () => {
    const port = new FakePort({
      blueInvoices: { grid: [HEADER, digital("24330000000012345678", { reversible: "100.00" })] },
    });
    const { client } = fakeClient({
      "HC.BLUEINVOICE.QUERY": () =>
        okResult({
          pageNo: 1,
          pageSize: 100,
          total: "1",
          items: [
            {
              invoiceCode: null,
              invoiceNo: "24330000000012345678",
              kind: "数电发票（普通发票）",
              status: "部分红冲",
              reversibleAmount: "30.00",
              reversibleTax: "3.90",
              pendingRedAmounts: ["-30.00"],
              lines: [],
            },
          ],
        }),
    });
    const pre = await prepareRedFlush(port, client);
    if (!pre.ok) throw new Error(pre.refusal.message);
    expect(pre.value.remainingSource).toBe("gateway");
    // The sheet said 100.00 reversible; the gateway says 30.00 with 30.00 pending → nothing left,
    // and the 待开 is of the very same amount (singleRedFlushClick: its own message).
    expect(pre.value.entries[0].reason?.code).toBe("DUPLICATE_PENDING_SAME_AMOUNT");
    expect(pre.value.entries[0].available).toBe("0.00");
  });

  it("falls back to the sheet's amounts and says why when the extension is sandbox-only", async () => {
    const port = new FakePort({ blueInvoices: { grid: [HEADER, digital("24330000000012345678")] } });
    const { client } = fakeClient({ "HC.BLUEINVOICE.QUERY": () => failResult("GW_SANDBOX_ONLY") });
    const pre = await prepareRedFlush(port, client);
    if (!pre.ok) throw new Error(pre.refusal.message);
    expect(pre.value.remainingSource).toBe("sheet");
    expect(pre.value.remainingNote?.code).toBe("GW_SANDBOX_ONLY");
    expect(pre.value.entries[0].eligible).toBe(true);
  });

  it("plans a partial 税控普票 with the engine's line (issued through 2.2.01) and refuses a 数电 row without 红冲原因", async () => {
    const port = new FakePort({
      blueInvoices: {
        grid: [
          HEADER,
          [
            "033002300111",
            "12345678",
            "增值税电子普通发票",
            "正常",
            "100.00",
            "",
            "40.00",
            "",
            "13%",
            "",
            "",
            "",
          ],
          digital("24330000000012345678", { reason: "" }),
        ],
      },
    });
    const pre = await prepareRedFlush(port, null);
    if (!pre.ok) throw new Error(pre.refusal.message);
    expect(pre.value.entries[0].reason).toBeFalsy();
    const lines = (pre.value.entries[0].plan as { lines?: readonly { amount: Dec; taxAmount: Dec }[] } | null)
      ?.lines;
    expect(lines?.map((l) => [l.amount.toFixed(2), l.taxAmount.toFixed(2)])).toEqual([["-40.00", "-5.20"]]);
    expect(pre.value.entries[1].reason?.message).toBe("红冲原因不能为空");
    expect(pre.value.entries[1].cellErrors[0].columnKey).toBe("redReason");
  });
});

describe("发票红冲 workflow: sending", () => {
  it("routes each kind, writes serials BEFORE sending, and writes results back", async () => {
    const port = new FakePort({
      blueInvoices: {
        grid: [
          HEADER,
          [
            "033002300111",
            "12345678",
            "增值税电子普通发票",
            "正常",
            "100.00",
            "",
            "",
            "",
            "13%",
            "13.00",
            "",
            "",
          ],
          [
            "033002300111",
            "12345679",
            "增值税专用发票",
            "正常",
            "200.00",
            "",
            "",
            "",
            "13%",
            "26.00",
            "买方",
            ORG,
            "2024-10-22",
            "*软件*服务",
            "3040201000000000000",
          ],
          digital("24330000000012345678"),
          digital("24330000000012345679", { reason: "销售退回" }),
        ],
      },
    });
    const seenAtSend: string[] = [];
    const serialCell = (row: number) => String(port.cell("blueInvoices", row, "流水号") ?? "");
    const { client, calls } = fakeClient({
      quickRedFlushTaxControl: (d) => {
        seenAtSend.push(serialCell(1));
        return okResult((d as Array<{ serialNo: string }>)[0].serialNo);
      },
      applyRedInfoForm: (d) => {
        seenAtSend.push(serialCell(2));
        const req = d as { serialNo: string };
        return okResult({ serialNo: req.serialNo, redInfoBillNo: "4403000000000001", status: "审核成功" });
      },
      redFlushDigital: (d) => {
        const req = d as { serialNo: string; invoiceNum: string };
        if (req.invoiceNum.endsWith("79")) {
          return okResult({
            kind: "awaitingConfirmation",
            bill: {
              redInfoBillNo: "4403000000000002",
              govRedConfirmBillUuid: "u",
              redConfirmBillStatus: "02",
            },
            message: "",
          });
        }
        return okResult({
          kind: "accepted",
          serialNo: req.serialNo,
          bill: { redInfoBillNo: "4403000000000003", govRedConfirmBillUuid: "u", redConfirmBillStatus: "01" },
        });
      },
      queryInvoice: (d) => {
        const q = d as { serialNo: string };
        return okResult({
          serialNo: q.serialNo,
          invoiceNum: `RED-${q.serialNo.slice(-2)}`,
          invoiceStatus: "0",
        });
      },
    });
    const pre = await prepareRedFlush(port, client);
    if (!pre.ok) throw new Error(pre.refusal.message);
    const run = await runRedFlush(port, client, pre.value, {
      orgTaxId: ORG,
      newSerial: serials(),
      yieldNow: noYield,
    });
    expect(run.refusal).toBeNull();
    // Serials were in the sheet when each request left.
    expect(seenAtSend).toEqual(["HC-RED-20250101-00000001", "HC-RED-20250101-00000002"]);
    const byRow = (r: number, h: string) => port.cell("blueInvoices", r, h);
    expect(byRow(1, "处理路径")).toBe("发票红冲详情页");
    expect(byRow(1, "红票号码")).toBe("RED-01");
    expect(byRow(1, "处理状态")).toBe("成功");
    expect(byRow(2, "红字信息表编号/红字确认单编号")).toBe("4403000000000001");
    expect(byRow(3, "红票号码")).toBe("RED-03");
    expect(byRow(4, "红字信息表编号/红字确认单编号")).toBe("4403000000000002");
    expect(String(byRow(4, "确认状态"))).toContain("销方录入 待购方确认");
    expect(byRow(4, "红票号码") ?? "").toBe("");
    // 2.1.04 got the reason code of 销售退回 in its 2-digit width, and no detail (full reversal).
    const digitalCalls = calls("redFlushDigital").map(
      (c) => c.data as { redReason: string; invoiceDetail?: unknown }
    );
    expect(digitalCalls[1].redReason).toBe("02");
    expect(digitalCalls[1].invoiceDetail).toBeUndefined();
    // 2.2.04 carried the full line from the sheet's amounts (negative).
    const info = calls("applyRedInfoForm")[0].data as {
      invoiceDetail: Array<{ amount: { toFixed(): string }; taxAmount: { toFixed(): string } }>;
    };
    expect(info.invoiceDetail[0].amount.toFixed()).toBe("-200");
    expect(info.invoiceDetail[0].taxAmount.toFixed()).toBe("-26");
  });

  it("splits 23 invoices into groups of 10, 10 and 3, each persisted before it is sent", async () => {
    const rows = Array.from({ length: 23 }, (_, i) =>
      digital(`243300000000123456${String(i).padStart(2, "0")}`)
    );
    const port = new FakePort({ blueInvoices: { grid: [HEADER, ...rows] } });
    const { client, calls } = fakeClient({
      redFlushDigital: (d) => okResult({ kind: "accepted", serialNo: (d as { serialNo: string }).serialNo }),
      queryInvoice: (d) =>
        okResult({ serialNo: (d as { serialNo: string }).serialNo, invoiceNum: "R", invoiceStatus: "0" }),
    });
    const pre = await prepareRedFlush(port, client);
    if (!pre.ok) throw new Error(pre.refusal.message);
    expect(pre.value.groupCount).toBe(3);
    const progress: number[] = [];
    await runRedFlush(port, client, pre.value, {
      orgTaxId: ORG,
      newSerial: serials(),
      yieldNow: noYield,
      onProgress: (p) => progress.push(p.done),
    });
    const pendingWrites = port.writeLog.filter((w) =>
      w.results.every((r) => r.values.processStatus === "处理中")
    );
    expect(pendingWrites.map((w) => w.results.length)).toEqual([10, 10, 3]);
    expect(calls("redFlushDigital")).toHaveLength(23);
    expect(progress[progress.length - 1]).toBe(23);
  });

  it("resumes: done rows are skipped, unknown rows are queried first, failed rows re-use their serial", async () => {
    const H = [...HEADER, "流水号", "处理状态", "红票号码"];
    const port = new FakePort({
      blueInvoices: {
        grid: [
          H,
          [...digital("24330000000012345601"), "HC-RED-20250101-AAAAAAAA", "成功", "RED1"],
          [...digital("24330000000012345602"), "HC-RED-20250101-BBBBBBBB", "处理中", ""],
          [...digital("24330000000012345603"), "HC-RED-20250101-CCCCCCCC", "失败", ""],
          [...digital("24330000000012345604"), "HC-RED-20250101-DDDDDDDD", "处理中", ""],
        ],
      },
    });
    const { client, calls } = fakeClient({
      queryInvoice: (d) => {
        const s = (d as { serialNo: string }).serialNo;
        if (s.endsWith("BBBBBBBB")) return okResult({ serialNo: s, invoiceNum: "RED2", invoiceStatus: "0" });
        if (s.endsWith("DDDDDDDD")) return failResult("GW_NOT_FOUND", { message: "不存在" });
        return okResult({ serialNo: s, invoiceNum: "RED-NEW", invoiceStatus: "0" });
      },
      redFlushDigital: (d) => okResult({ kind: "accepted", serialNo: (d as { serialNo: string }).serialNo }),
    });
    const pre = await prepareRedFlush(port, client);
    if (!pre.ok) throw new Error(pre.refusal.message);
    expect(pre.value.entries.map((e) => e.resume)).toEqual(["done", "unknown", "retry", "unknown"]);
    await runRedFlush(port, client, pre.value, {
      orgTaxId: ORG,
      newSerial: () => "NEW-SERIAL-SHOULD-NOT-BE-USED",
      yieldNow: noYield,
    });
    const sent = calls("redFlushDigital").map((c) => (c.data as { serialNo: string }).serialNo);
    // Row 2 was found issued (no resend); rows 3 and 4 were re-sent with their own serials.
    expect(sent).toEqual(["HC-RED-20250101-CCCCCCCC", "HC-RED-20250101-DDDDDDDD"]);
    expect(port.cell("blueInvoices", 2, "红票号码")).toBe("RED2");
    expect(port.cell("blueInvoices", 1, "红票号码")).toBe("RED1");
  });

  it("keeps a timed-out row pending with its serial, and treats a duplicate serial by querying", async () => {
    const port = new FakePort({
      blueInvoices: { grid: [HEADER, digital("24330000000012345601"), digital("24330000000012345602")] },
    });
    const { client } = fakeClient({
      redFlushDigital: (d) => {
        const req = d as { invoiceNum: string };
        return req.invoiceNum.endsWith("01")
          ? failResult("GW_TIMEOUT", { timeoutMs: "1000" })
          : failResult("GW_DUPLICATE_SERIAL", { serialNo: "x" });
      },
      queryInvoice: (d) => {
        const s = (d as { serialNo: string }).serialNo;
        return s.endsWith("2")
          ? okResult({ serialNo: s, invoiceNum: "RED-DUP", invoiceStatus: "0" })
          : failResult("GW_NOT_FOUND", { message: "无" });
      },
    });
    const pre = await prepareRedFlush(port, client);
    if (!pre.ok) throw new Error(pre.refusal.message);
    const run = await runRedFlush(port, client, pre.value, {
      orgTaxId: ORG,
      newSerial: serials(),
      yieldNow: noYield,
    });
    expect(run.outcomes.map((o) => o.status)).toEqual(["pending", "success"]);
    expect(port.cell("blueInvoices", 1, "处理状态")).toBe("处理中");
    expect(port.cell("blueInvoices", 1, "流水号")).toBe("HC-RED-20250101-00000001");
    expect(port.cell("blueInvoices", 2, "红票号码")).toBe("RED-DUP");
    expect(resumeStateOf({ serialNo: "S", processStatus: "处理中", redInvoiceNumber: null })).toBe("unknown");
  });

  it("停止 during a chunk lets that chunk finish (its serials are on the sheet) and records the results", async () => {
    const port = new FakePort({
      blueInvoices: { grid: [HEADER, digital("24330000000012345601"), digital("24330000000012345602")] },
    });
    const ac = new AbortController();
    const { client, calls } = fakeClient({
      redFlushDigital: (d) => {
        ac.abort();
        return okResult({ kind: "accepted", serialNo: (d as { serialNo: string }).serialNo });
      },
      queryInvoice: (d) =>
        okResult({ serialNo: (d as { serialNo: string }).serialNo, invoiceNum: "R", invoiceStatus: "0" }),
    });
    const pre = await prepareRedFlush(port, client);
    if (!pre.ok) throw new Error(pre.refusal.message);
    const run = await runRedFlush(port, client, pre.value, {
      orgTaxId: ORG,
      newSerial: serials(),
      yieldNow: noYield,
      signal: ac.signal,
    });
    expect(run.cancelled).toBe(true);
    expect(calls("redFlushDigital")).toHaveLength(2);
    expect(port.cell("blueInvoices", 2, "流水号")).toBe("HC-RED-20250101-00000002");
    expect(port.cell("blueInvoices", 2, "红票号码")).toBe("R");
  });

  it("marks refused rows 已跳过 with their reason and red cells, and needs the org tax ID", async () => {
    const port = new FakePort({ blueInvoices: { grid: [HEADER, digital("1234")] } });
    const { client } = fakeClient({});
    const pre = await prepareRedFlush(port, client);
    if (!pre.ok) throw new Error(pre.refusal.message);
    const none = await runRedFlush(port, client, pre.value, { orgTaxId: " ", yieldNow: noYield });
    expect(none.refusal?.code).toBe("PANE_ORG_TAX_ID_MISSING");
    await runRedFlush(port, client, pre.value, { orgTaxId: ORG, yieldNow: noYield });
    expect(port.cell("blueInvoices", 1, "处理状态")).toBe("已跳过");
    expect(String(port.cell("blueInvoices", 1, "失败原因"))).toMatch(/^B2：发票号码格式不正确/);
    expect(port.sheets.get("blueInvoices")!.marks.get("1:1")).toMatch(/发票号码格式不正确/);
  });
});

describe("发票红冲 workflow: re-run of rows with an earlier result", () => {
  const H = [...HEADER, "流水号", "处理状态", "红票号码"];
  // After our own full red the blue invoice is 全额红冲 with nothing left to reverse.
  const reversed = (no: string) => digital(no, { status: "全额红冲", reversible: "0.00" });

  it("keeps a done row 成功 with its red number and sends nothing", async () => {
    const port = new FakePort({
      blueInvoices: {
        grid: [H, [...reversed("24330000000012345601"), "HC-RED-20250101-AAAAAAAA", "成功", "RED1"]],
      },
    });
    const { client, log } = fakeClient({});
    const pre = await prepareRedFlush(port, client);
    if (!pre.ok) throw new Error(pre.refusal.message);
    const e = pre.value.entries[0];
    expect([e.resume, e.eligible, e.reason, e.willSend]).toEqual(["done", true, null, false]);
    expect(pre.value.doneCount).toBe(1);
    expect(pre.value.sendCount).toBe(0);
    const run = await runRedFlush(port, client, pre.value, { orgTaxId: ORG, yieldNow: noYield });
    expect(run.outcomes).toEqual([]);
    // Only the pre-flight's remaining-amount query reached the gateway; the row was not rewritten.
    expect(log.map((l) => l.method)).toEqual(["HC.BLUEINVOICE.QUERY"]);
    expect(port.writeLog).toEqual([]);
    expect(port.cell("blueInvoices", 1, "处理状态")).toBe("成功");
    expect(port.cell("blueInvoices", 1, "红票号码")).toBe("RED1");
  });

  it("looks up a row whose result was lost (serial, blank results, blue now 全额红冲) and writes its red number", async () => {
    const port = new FakePort({
      blueInvoices: {
        grid: [H, [...reversed("24330000000012345602"), "HC-RED-20250101-BBBBBBBB", "", ""]],
      },
    });
    const { client, calls } = fakeClient({
      queryInvoice: (d) =>
        okResult({
          serialNo: (d as { serialNo: string }).serialNo,
          invoiceNum: "RED-LOST",
          invoiceStatus: "0",
        }),
    });
    const pre = await prepareRedFlush(port, client);
    if (!pre.ok) throw new Error(pre.refusal.message);
    const e = pre.value.entries[0];
    expect([e.resume, e.eligible, e.willSend, e.plan]).toEqual(["unknown", true, true, null]);
    const run = await runRedFlush(port, client, pre.value, {
      orgTaxId: ORG,
      newSerial: () => "NEW-SERIAL-SHOULD-NOT-BE-USED",
      yieldNow: noYield,
    });
    expect(run.refusal).toBeNull();
    expect(calls("queryInvoice").map((c) => (c.data as { serialNo: string }).serialNo)).toEqual([
      "HC-RED-20250101-BBBBBBBB",
    ]);
    expect(calls("redFlushDigital")).toHaveLength(0);
    expect(port.cell("blueInvoices", 1, "红票号码")).toBe("RED-LOST");
    expect(port.cell("blueInvoices", 1, "处理状态")).toBe("成功");
    expect(port.cell("blueInvoices", 1, "流水号")).toBe("HC-RED-20250101-BBBBBBBB");
  });

  it("skips a lost-result row the gateway does not know when it is no longer eligible, keeping its serial", async () => {
    const port = new FakePort({
      blueInvoices: {
        grid: [H, [...reversed("24330000000012345603"), "HC-RED-20250101-CCCCCCCC", "处理中", ""]],
      },
    });
    const { client, calls } = fakeClient({
      queryInvoice: () => failResult("GW_NOT_FOUND", { message: "不存在" }),
    });
    const pre = await prepareRedFlush(port, client);
    if (!pre.ok) throw new Error(pre.refusal.message);
    await runRedFlush(port, client, pre.value, { orgTaxId: ORG, yieldNow: noYield });
    expect(calls("queryInvoice")).toHaveLength(1);
    expect(calls("redFlushDigital")).toHaveLength(0);
    expect(port.cell("blueInvoices", 1, "处理状态")).toBe("已跳过");
    expect(String(port.cell("blueInvoices", 1, "失败原因"))).toMatch(/^只有发票状态为/);
    expect(port.cell("blueInvoices", 1, "流水号")).toBe("HC-RED-20250101-CCCCCCCC");
  });
});

describe("发票红冲 workflow: partial 数电 red without the buyer's usage confirmation", () => {
  const blue = (buyerUsageConfirmed: boolean) => ({
    invoiceCode: null,
    invoiceNo: "24330000000012345678",
    kind: "数电发票（普通发票）",
    status: "正常",
    reversibleAmount: "100.00",
    reversibleTax: "13.00",
    pendingRedAmounts: [],
    buyerUsageConfirmed,
    lines: [
      {
        seq: 1,
        goodsName: "*信息技术服务*软件服务",
        revenueCode: "3040201000000000000",
        quantity: null,
        unitPrice: null,
        amount: "100.00",
        taxRate: "0.13",
        tax: "13.00",
        taxMode: "普通征税",
        remainingAmount: "100.00",
        remainingTax: "13.00",
        remainingQuantity: null,
        redUnitPrice: null,
        hasDiscountLine: false,
      },
    ],
  });
  const prepare = async (buyerUsageConfirmed: boolean, request: string) => {
    const port = new FakePort({
      blueInvoices: {
        grid: [HEADER, digital("24330000000012345678", { request, reason: "销售折让" })],
      },
    });
    const { client } = fakeClient({
      "HC.BLUEINVOICE.QUERY": () =>
        okResult({ pageNo: 1, pageSize: 100, total: "1", items: [blue(buyerUsageConfirmed)] }),
    });
    const pre = await prepareRedFlush(port, client);
    if (!pre.ok) throw new Error(pre.refusal.message);
    return pre.value.entries[0];
  };

  it("refuses the partial amount in the pre-flight (NO_CONFIRMATION_FULL_ONLY at 本次红冲金额)", async () => {
    const e = await prepare(false, "40.00");
    expect(e.eligible).toBe(false);
    expect(e.reason?.code).toBe("NO_CONFIRMATION_FULL_ONLY");
    expect(e.cellErrors).toEqual([{ rowIndex: 1, columnKey: "redAmount", message: e.reason!.message }]);
  });

  it("allows the full amount without confirmation, and the partial one once the buyer confirmed usage", async () => {
    const full = await prepare(false, "100.00");
    expect(full.eligible).toBe(true);
    expect(full.plan?.family === "数电" && full.plan.lines).toBeUndefined();
    const partial = await prepare(true, "40.00");
    expect(partial.eligible).toBe(true);
    const lines = partial.plan?.family === "数电" ? partial.plan.lines : undefined;
    expect(lines?.map((l) => [String(l.amount), String(l.taxAmount)])).toEqual([["-40", "-5.2"]]);
  });
});

describe("发票红冲 workflow: rows of one blue invoice", () => {
  it("never sends 100 vs 300 of one invoice: both 本次红冲金额 cells red, each naming the other row", async () => {
    const port = new FakePort({
      blueInvoices: {
        grid: [
          HEADER,
          digital("24330000000012345678", { request: "100.00", reason: "销售折让" }),
          digital("24330000000012345678", { request: "300.00", reason: "销售折让" }),
        ],
      },
    });
    const { client, calls } = fakeClient({});
    const pre = await prepareRedFlush(port, client);
    if (!pre.ok) throw new Error(pre.refusal.message);
    const e = pre.value.entries[0];
    expect([pre.value.entries.length, e.eligible, e.requestAmount, e.reason?.code]).toEqual([
      1,
      false,
      "100.00",
      "DUPLICATE_ROW_CONFLICT",
    ]);
    await runRedFlush(port, client, pre.value, { orgTaxId: ORG, yieldNow: noYield });
    expect(calls("redFlushDigital")).toHaveLength(0);
    const marks = port.sheets.get("blueInvoices")!.marks;
    // 本次红冲金额 is the 7th column (index 6) of HEADER.
    expect(marks.get("1:6")).toBe(
      "与第3行是同一张蓝票，本次红冲金额却不一致（第2行 100.00，第3行 300.00）：请改成一致的值，或删除多余的行后重新预检"
    );
    expect(marks.get("2:6")).toMatch(/^与第2行是同一张蓝票/);
    expect(port.cell("blueInvoices", 1, "处理状态")).toBe("已跳过");
    expect(String(port.cell("blueInvoices", 2, "失败原因"))).toMatch(/^与第2行是同一张蓝票/);
  });

  it("refuses a row pasted twice until the clerk sends it once; then one request goes", async () => {
    const port = new FakePort({
      blueInvoices: {
        grid: [HEADER, digital("24330000000012345678"), digital("24330000000012345678")],
      },
    });
    const { client, calls } = fakeClient({
      redFlushDigital: (d) => okResult({ kind: "accepted", serialNo: (d as { serialNo: string }).serialNo }),
      queryInvoice: (d) =>
        okResult({ serialNo: (d as { serialNo: string }).serialNo, invoiceNum: "R", invoiceStatus: "0" }),
    });
    const pre = await prepareRedFlush(port, client);
    if (!pre.ok) throw new Error(pre.refusal.message);
    expect(pre.value.duplicateInvoices).toBe(1);
    expect([pre.value.entries[0].reason?.code, pre.value.sendCount]).toEqual(["DUPLICATE_ROW", 0]);
    const once = replanRedFlush(pre.value, { sendDuplicatesOnce: true });
    expect([once.entries[0].eligible, once.entries[0].mergedRowLabel, once.sendCount]).toEqual([
      true,
      "3",
      1,
    ]);
    await runRedFlush(port, client, once, { orgTaxId: ORG, newSerial: serials(), yieldNow: noYield });
    expect(calls("redFlushDigital")).toHaveLength(1);
    expect(port.cell("blueInvoices", 1, "处理状态")).toBe("成功");
    expect(port.cell("blueInvoices", 2, "处理状态")).toBe("成功");
  });
});
