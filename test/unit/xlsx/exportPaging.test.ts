/**
 * Issue 11 D5 on fake gateway clients: every export reads its list to the interface's total — 2.1.13
 * past its first page of 100, 4.03 when the cloud clamps the page size — and an incomplete list is
 * refused with the figures instead of exported short.
 */
import { refusal } from "../../../src/domain/refusals";
import type { GatewayResult } from "../../../src/gateway/client";
import { gatewayExportSource, type ExportClient } from "../../../src/sheet/xlsx/exportGateway";
import { SELLER_TAX_ID } from "./helpers";

const answer = <T>(data: T): GatewayResult<T> => ({
  ok: true,
  data,
  message: "",
  raw: null,
  requestId: "r",
  attempts: 1,
});

/** A paged interface over `n` items that serves at most `max` per page, whatever is asked. */
function pages(n: number, max: number) {
  const asked: Array<{ pageNo: number; pageSize: number }> = [];
  const page = (req: { pageNo?: number | string; pageSize?: number | string }) => {
    const pageNo = Number(req.pageNo ?? 1);
    const pageSize = Math.min(max, Number(req.pageSize ?? max));
    asked.push({ pageNo, pageSize: Number(req.pageSize ?? 0) });
    const from = (pageNo - 1) * pageSize;
    return {
      pageNo,
      pageSize,
      numbers: Array.from({ length: Math.max(0, Math.min(n - from, pageSize)) }, (_, i) => from + i + 1),
    };
  };
  return { asked, page };
}

const q = { org: SELLER_TAX_ID, from: "2025-06-01", to: "2025-06-30" };

describe("export confirm-forms pages 2.1.13 until totalElement", () => {
  it("250 matching forms, pages of 100: all 250, pages 1–3", async () => {
    const p = pages(250, 100);
    const client = {
      downloadRedConfirmBills: async () => answer({ taskNo: "DL1" }),
      queryRedConfirmBills: async (req: { pageNo?: number; pageSize?: number }) => {
        const { pageNo, pageSize, numbers } = p.page(req);
        return answer({
          pageNo: String(pageNo),
          pageSize: String(pageSize),
          totalElement: "250",
          dataList: numbers.map((i) => ({
            redInfoBillNo: `B${i}`,
            redConfirmEnterDate: "2025-06-02 10:00:00",
          })),
        });
      },
    } as unknown as ExportClient;
    const r = await gatewayExportSource(client).confirmForms(q);
    if (!r.ok) throw new Error(r.refusal.message);
    expect(r.value.map((b) => b.redInfoBillNo)).toEqual(Array.from({ length: 250 }, (_, i) => `B${i + 1}`));
    expect(p.asked.map((a) => a.pageNo)).toEqual([1, 2, 3]);
  });

  it("a page that comes back empty before the total: refused with both figures", async () => {
    const client = {
      downloadRedConfirmBills: async () => answer({ taskNo: "DL1" }),
      queryRedConfirmBills: async (req: { pageNo?: number }) =>
        answer({
          totalElement: "2022",
          dataList:
            Number(req.pageNo) === 1
              ? Array.from({ length: 100 }, (_, i) => ({ redInfoBillNo: `B${i}` }))
              : [],
        }),
    } as unknown as ExportClient;
    const r = await gatewayExportSource(client).confirmForms(q);
    expect(r.ok ? "ok" : [r.refusal.code, r.refusal.message]).toEqual([
      "LIST_INCOMPLETE",
      "红字确认单不完整：发票云报告共 2022 条，只取到 100 条，请稍后重试",
    ]);
  });
});

describe("export input-pool pages 4.03 until its total", () => {
  it("the cloud clamps the asked 500 to 100: all 250 invoices, not the first 100", async () => {
    const p = pages(250, 100);
    const client = {
      queryInputCollection: async (req: { pageNo?: number; pageSize?: number }) => {
        const { numbers } = p.page(req);
        return answer({
          taskStatus: "success",
          total: "250",
          invoices: numbers.map((i) => ({ invoiceNo: String(i) })),
        });
      },
    } as unknown as ExportClient;
    const r = await gatewayExportSource(client).inputPool({ org: SELLER_TAX_ID, tasks: ["T1"] });
    if (!r.ok) throw new Error(r.refusal.message);
    expect(r.value).toHaveLength(250);
    expect(p.asked).toEqual([1, 2, 3].map((pageNo) => ({ pageNo, pageSize: 500 })));
  });

  it("polls a running task, then reads it whole; a failed task is refused", async () => {
    let polls = 0;
    const running = {
      queryInputCollection: async () =>
        answer(
          ++polls < 3
            ? { taskStatus: "running", total: "0", invoices: [] }
            : { taskStatus: "success", total: "1", invoices: [{ invoiceNo: "1" }] }
        ),
    } as unknown as ExportClient;
    const src = gatewayExportSource(running, { sleep: async () => undefined });
    const r = await src.inputPool({ org: SELLER_TAX_ID, tasks: ["T1"] });
    expect(r.ok && r.value.map((i) => i.invoiceNo)).toEqual(["1"]);
    expect(polls).toBe(3);

    const failed = {
      queryInputCollection: async () => answer({ taskStatus: "failed", total: "0", invoices: [] }),
    } as unknown as ExportClient;
    const f = await gatewayExportSource(failed).inputPool({ org: SELLER_TAX_ID, tasks: ["T9"] });
    expect(f.ok ? "ok" : f.refusal.message).toBe("发票云返回错误：进项发票归集任务“T9”失败");
  });
});

describe("export info-forms (2.2.05 answers in one piece)", () => {
  it("a list shorter than the total it reports is refused, not exported short", async () => {
    const client = {
      downloadRedInfoForms: async () =>
        answer({
          total: "300",
          dataList: Array.from({ length: 100 }, (_, i) => ({ redInfoBillNo: `I${i}` })),
        }),
    } as unknown as ExportClient;
    const r = await gatewayExportSource(client).infoForms(q);
    expect(r.ok ? "ok" : r.refusal.message).toBe(
      "红字信息表不完整：发票云报告共 300 条，只取到 100 条，请稍后重试"
    );
  });

  it("a whole list passes; a refusal passes through", async () => {
    const whole = {
      downloadRedInfoForms: async () =>
        answer({ total: "2", dataList: [{ redInfoBillNo: "I1" }, { redInfoBillNo: "I2" }] }),
    } as unknown as ExportClient;
    const r = await gatewayExportSource(whole).infoForms(q);
    expect(r.ok && r.value).toHaveLength(2);
    const down = {
      downloadRedInfoForms: async () => ({
        ok: false,
        refusal: refusal("GW_NETWORK", { detail: "x" }),
        attempts: 1,
      }),
    } as unknown as ExportClient;
    const d = await gatewayExportSource(down).infoForms(q);
    expect(d.ok ? "ok" : d.refusal.code).toBe("GW_NETWORK");
  });
});
