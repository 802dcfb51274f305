/**
 * Issue 10 items of the pane's 发票红冲 path: partial 税控普票 through 2.2.01 (item 2), 待开 list/delete
 * and the same-amount rule (item 3), the 特别提示 notice (item 7), and many irreversible reds at once —
 * the confirmation's count and total, 停止 between chunks, hidden rows never sent, a constant number
 * of context.sync() per chunk (item 9).
 */
import { TAX_CONTROL_ENTRY_NOTICE } from "../../../src/domain/confirmForm/taxControlEntry";
import { Dec } from "../../../src/domain/money";
import { OfficeWorkbook } from "../../../src/sheet/office";
import { BLUE_HEADERS, buildBlueInvoiceWorkbook } from "../../support/blueInvoiceWorkbook";
import { fakeHost } from "../../support/fakeHost";
import {
  stoppedUnsentMessage,
  blueInvoicesOf,
  deletePendingReds,
  formatYuan,
  listPendingReds,
  prepareRedFlush,
  runConfirmationOf,
  runRedFlush,
  type RedFlushPreflight,
} from "../../../taskpane/workflows/redFlush";
import { FakePort, fakeClient, noYield, okResult } from "./fakes";

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
  "购方名称",
  "购方税号",
];
const serials = () => {
  let n = 0;
  return () => `HC-RED-20250101-${String(++n).padStart(8, "0")}`;
};

describe("item 9: many irreversible reds at once", () => {
  /** 25 专票 rows, rows 3 and 4 hidden (a filter), every row selected. */
  function workbook25() {
    const { workbook, sheet } = buildBlueInvoiceWorkbook(25);
    sheet.setValues(0, BLUE_HEADERS.length, [["税率", "货物名称", "税收分类编码"]]);
    for (let r = 1; r <= 25; r++) {
      sheet.putValue(r, BLUE_HEADERS.length, "13%");
      sheet.putValue(r, BLUE_HEADERS.length + 1, "*软件*服务");
      sheet.putValue(r, BLUE_HEADERS.length + 2, "3040201000000000000");
    }
    sheet.hideRows(3, 4);
    return { workbook, sheet, port: new OfficeWorkbook(fakeHost(workbook)) };
  }

  it("states how many red invoices and the total of the visible selected rows, and asks twice above 10", async () => {
    const { port } = workbook25();
    const pre = await prepareRedFlush(port, null);
    if (!pre.ok) throw new Error(pre.refusal.message);
    expect(pre.value.hiddenRowsSkipped).toBe(2);
    const c = runConfirmationOf(pre.value);
    // Σ (100 + 0.37 i) for i = 0…24 = 2611.00, less the hidden i = 2 (100.74) and i = 3 (101.11).
    expect(c).toEqual({ invoices: 23, total: "¥2,409.15", groups: 3, needsSecondConfirmation: true });
    expect(formatYuan(new Dec("1234567.805"))).toBe("¥1,234,567.81");
    expect(formatYuan(new Dec("0"))).toBe("¥0.00");
  });

  it("asks once at 10 invoices", async () => {
    const { workbook } = buildBlueInvoiceWorkbook(10);
    const pre = await prepareRedFlush(new OfficeWorkbook(fakeHost(workbook)), null);
    if (!pre.ok) throw new Error(pre.refusal.message);
    expect(runConfirmationOf(pre.value).needsSecondConfirmation).toBe(false);
  });

  it("停止 lets the started chunk finish, sends nothing more, reports the rest 已跳过 — hidden rows never sent", async () => {
    const { workbook, sheet, port } = workbook25();
    const ac = new AbortController();
    let n = 0;
    const { client, calls } = fakeClient({
      applyRedInfoForm: (d) => {
        if (++n === 3) ac.abort(); // the clerk presses 停止 during the first chunk
        return okResult({
          serialNo: (d as { serialNo: string }).serialNo,
          redInfoBillNo: `44030000000000${String(n).padStart(2, "0")}`,
          status: "审核成功",
        });
      },
    });
    const pre = await prepareRedFlush(port, client);
    if (!pre.ok) throw new Error(pre.refusal.message);
    const before = workbook.syncs;
    const run = await runRedFlush(port, client, pre.value, {
      orgTaxId: ORG,
      newSerial: serials(),
      yieldNow: noYield,
      signal: ac.signal,
    });
    const syncs = workbook.syncs - before;
    expect(run.refusal).toBeNull();
    expect(run.cancelled).toBe(true);
    // The whole first chunk went (its serials were on the sheet); nothing of the other two.
    expect(calls("applyRedInfoForm")).toHaveLength(10);
    const sentNos = calls("applyRedInfoForm").map(
      (c) => (c.data as { originalInvoiceNumber: string }).originalInvoiceNumber
    );
    const hiddenNos = [3, 4].map((r) => String(sheet.value(`B${r + 1}`)));
    expect(sentNos.filter((no) => hiddenNos.includes(no))).toEqual([]);
    expect(run.outcomes.filter((o) => o.status === "success")).toHaveLength(10);
    const unsent = run.outcomes.filter((o) => o.message === stoppedUnsentMessage());
    expect(unsent).toHaveLength(13);
    expect(unsent.every((o) => o.status === "skipped" && o.serialNo === null)).toBe(true);
    // Nothing lost: the unsent rows say so on the sheet, with no serial (a new run sends them anew).
    const again = await prepareRedFlush(port, null);
    if (!again.ok) throw new Error(again.refusal.message);
    const rows = again.value.entries;
    expect(rows.filter((e) => e.resume === "done")).toHaveLength(10);
    const stopped = rows.filter((e) => e.entry.processStatus === "已跳过");
    expect(stopped).toHaveLength(13);
    expect(stopped.every((e) => e.entry.serialNo === null && e.resume === "new")).toBe(true);
    // Hidden rows were never read, so never written either.
    expect(sheet.value(`${colOf(sheet, "处理状态")}4`) ?? "").toBe("");
    // A constant number of syncs per chunk, not per row: three writes (the chunk's serials, its
    // results, the 已跳过 of the 13 unsent rows), each a bounded number of context.sync().
    expect(run.writes).toHaveLength(3);
    expect(syncs).toBeLessThanOrEqual(5 * run.writes.length);
  });

  function colOf(sheet: ReturnType<typeof workbook25>["sheet"], header: string): string {
    for (let c = 0; c < 40; c++) {
      if (sheet.value(`${String.fromCharCode(65 + c)}1`) === header) return String.fromCharCode(65 + c);
    }
    throw new Error(`no column ${header}`);
  }
});

describe("item 3: 待开", () => {
  const row = (no: string, reversible: string, pending: string, request = "") => [
    "",
    no,
    "数电发票（普通发票）",
    "正常",
    reversible,
    pending,
    request,
    "开票有误",
    "购方",
    "",
  ];

  it("a 待开 of the same amount gives its own message, on 待开红冲金额, with where to delete it", async () => {
    const port = new FakePort({
      blueInvoices: {
        grid: [
          HEADER,
          row("24330000000012345601", "100.00", "100.00"),
          row("24330000000012345602", "100.00", "30.00", "80.00"),
        ],
      },
    });
    const pre = await prepareRedFlush(port, null);
    if (!pre.ok) throw new Error(pre.refusal.message);
    const [same, other] = pre.value.entries;
    expect(same.reason?.code).toBe("DUPLICATE_PENDING_SAME_AMOUNT");
    expect(same.reason?.message).toBe(
      "待开发票中存在与本发票可红冲金额相同的红冲数据，不进入单张发票红冲页面。请先到开票管理→待开发票页面处理。"
    );
    expect(same.notices.map((n) => n.code)).toEqual(["deletePending"]);
    expect(same.cellErrors).toEqual([
      { rowIndex: 1, columnKey: "pendingRedAmount", message: same.reason?.message },
    ]);
    // Not the same amount: the general submit check, no delete hint.
    expect(other.reason?.code).toBe("INSUFFICIENT_REMAINING");
    expect(other.notices).toEqual([]);
  });

  it("the same rule on the gateway's record (a failed red still held as 未开票)", async () => {
    const port = new FakePort({
      blueInvoices: { grid: [HEADER, row("24330000000012345601", "100.00", "")] },
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
              invoiceNo: "24330000000012345601",
              kind: "数电发票（普通发票）",
              status: "部分红冲",
              reversibleAmount: "40.00",
              reversibleTax: "5.20",
              pendingRedAmounts: ["-40.00"],
              lines: [],
            },
          ],
        }),
    });
    const pre = await prepareRedFlush(port, client);
    if (!pre.ok) throw new Error(pre.refusal.message);
    expect(pre.value.entries[0].reason?.code).toBe("DUPLICATE_PENDING_SAME_AMOUNT");
    expect(pre.value.entries[0].cellErrors).toEqual([]);
  });

  it("lists the 待开 of the selected blue invoices (once each) and deletes by id", async () => {
    const port = new FakePort({
      blueInvoices: {
        grid: [
          HEADER,
          row("24330000000012345601", "100.00", "100.00"),
          row("24330000000012345601", "100.00", "100.00"),
          row("24330000000012345602", "100.00", ""),
        ],
      },
    });
    const pre = await prepareRedFlush(port, null);
    if (!pre.ok) throw new Error(pre.refusal.message);
    const blues = blueInvoicesOf(pre.value as RedFlushPreflight);
    expect(blues).toEqual([
      { blueInvoiceNo: "24330000000012345601" },
      { blueInvoiceNo: "24330000000012345602" },
    ]);
    const { client, calls } = fakeClient({
      "HC.PENDINGRED.LIST": (d) =>
        okResult({
          dataList:
            (d as { blueInvoiceNo?: string }).blueInvoiceNo === "24330000000012345601"
              ? [
                  {
                    id: "7",
                    blueInvoiceNo: "24330000000012345601",
                    amount: "-100.00",
                    status: "未开票",
                    source: "单张开票",
                  },
                  { id: "8", blueInvoiceNo: "24330000000012345601", amount: "-0.10", status: "待开" },
                  { id: "9", blueInvoiceNo: "24330000000012345601", amount: "-5.00", status: "已开票" },
                ]
              : [],
        }),
      "HC.PENDINGRED.DELETE": (d) => okResult({ deleted: (d as { ids: string[] }).ids.length }),
    });
    const list = await listPendingReds(client, blues);
    if (!list.ok) throw new Error(list.refusal.message);
    expect(calls("HC.PENDINGRED.LIST").map((c) => c.data)).toEqual(blues);
    expect(list.value.records.map((r) => [r.id, r.status, r.holds])).toEqual([
      ["7", "未开票", true],
      ["8", "待开", true],
      ["9", "已开票", false],
    ]);
    expect(list.value.heldTotal).toBe("100.10");
    const all = await listPendingReds(client, null);
    expect(all.ok).toBe(true);
    expect(calls("HC.PENDINGRED.LIST").at(-1)?.data).toEqual({});
    const del = await deletePendingReds(client, ["7"]);
    expect(del).toEqual({ ok: true, value: { deleted: 1 } });
    expect(calls("HC.PENDINGRED.DELETE")[0].data).toEqual({ ids: ["7"] });
  });
});

describe("item 2: partial 税控普票 through 2.2.01", () => {
  const grid = [
    HEADER,
    ["033002300111", "12345678", "增值税普通发票", "正常", "100.00", "", "", "", "购方", ""],
  ];
  const LINES = [{ originalSeq: 1, amount: "-40.00", taxAmount: "-5.20" }];

  /** A pre-flight whose 税控普票 plan carries the planner's partial lines. */
  async function partialPre(port: FakePort) {
    const pre = await prepareRedFlush(port, null);
    if (!pre.ok) throw new Error(pre.refusal.message);
    const e = pre.value.entries[0];
    expect(e.plan?.family).toBe("税控普票");
    return { ...pre.value, entries: [{ ...e, plan: { ...e.plan!, lines: LINES } }] } as RedFlushPreflight;
  }

  it("issues the red by issueTaxControlRed with the engine's lines, not 2.2.02", async () => {
    const port = new FakePort({ blueInvoices: { grid } });
    const { client, calls } = fakeClient({
      issueTaxControlRed: (d) => {
        const [item] = d as Array<{ serialNo: string }>;
        return okResult([
          { serialNo: item.serialNo, success: true, invoiceCode: "033002300222", invoiceNum: "87654321" },
        ]);
      },
    });
    const run = await runRedFlush(port, client, await partialPre(port), {
      orgTaxId: ORG,
      newSerial: serials(),
      yieldNow: noYield,
    });
    expect(calls("quickRedFlushTaxControl")).toEqual([]);
    expect(calls("issueTaxControlRed")[0].data).toEqual([
      {
        serialNo: "HC-RED-20250101-00000001",
        sellerTaxpayerId: ORG,
        invoiceType: expect.any(String),
        invoiceProperty: "1",
        originalInvoiceCode: "033002300111",
        originalInvoiceNumber: "12345678",
        invoiceDetail: LINES,
      },
    ]);
    expect(run.outcomes[0]).toMatchObject({ status: "success", redInvoiceNumber: "87654321" });
    expect(port.cell("blueInvoices", 1, "处理状态")).toMatch(/^成功/);
  });

  it("a refused element is a failure with the bureau's message", async () => {
    const port = new FakePort({ blueInvoices: { grid } });
    const { client } = fakeClient({
      issueTaxControlRed: (d) =>
        okResult([
          {
            serialNo: (d as Array<{ serialNo: string }>)[0].serialNo,
            success: false,
            message: "红冲金额超过可红冲金额",
          },
        ]),
    });
    const run = await runRedFlush(port, client, await partialPre(port), { orgTaxId: ORG, yieldNow: noYield });
    expect(run.outcomes[0]).toMatchObject({ status: "failure", message: "红冲金额超过可红冲金额" });
  });
});

describe("item 7: 特别提示 in the 红冲 pre-flight", () => {
  it("warns on a 税控 blue of which this organisation is the buyer, as the engine words it", async () => {
    const port = new FakePort({
      blueInvoices: {
        grid: [
          HEADER,
          ["033002300111", "12345678", "增值税专用发票", "正常", "100.00", "", "", "", "本企业", ORG],
          [
            "033002300111",
            "12345679",
            "增值税专用发票",
            "正常",
            "100.00",
            "",
            "",
            "",
            "他方",
            "91330100000000001X",
          ],
          [
            "",
            "24330000000012345601",
            "数电发票（普通发票）",
            "正常",
            "100.00",
            "",
            "",
            "开票有误",
            "本企业",
            ORG,
          ],
        ],
      },
    });
    const pre = await prepareRedFlush(port, null, {}, {}, { orgTaxId: ORG });
    if (!pre.ok) throw new Error(pre.refusal.message);
    const [mine, theirs, digital] = pre.value.entries;
    expect(mine.notices).toEqual([{ code: "taxControlEntry", message: TAX_CONTROL_ENTRY_NOTICE }]);
    expect(theirs.notices).toEqual([]);
    expect(digital.notices).toEqual([]);
  });
});
