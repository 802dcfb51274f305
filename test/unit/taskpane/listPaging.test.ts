/**
 * Issue 11 D5 in the pane: every list it fetches is read to the interface's total — 4.03 when the
 * cloud clamps the page size, HC.REDINFOBILL.LIST past 20 pages, HC.BLUEINVOICE.QUERY for more
 * numbers than one request takes — never the first page(s) only.
 */
import type { ParsedRow } from "../../../src/sheet/mapping";
import { enrichFromGateway, type InfoFormEntry } from "../../../taskpane/workflows/infoForms";
import { runInputSync, type InputSyncRequest } from "../../../taskpane/workflows/inputSync";
import { refreshRemaining } from "../../../taskpane/workflows/redFlush";
import { failResult, fakeClient, okResult } from "./fakes";

/** A paged list of `n` items served at most `max` a page, whatever is asked; total given. */
function served<T>(n: number, max: number, item: (i: number) => T) {
  return (d: unknown) => {
    const req = d as { pageNo?: number; pageSize?: number };
    const pageNo = Number(req.pageNo ?? 1);
    const size = Math.min(max, Number(req.pageSize ?? max));
    const from = (pageNo - 1) * size;
    const items = Array.from({ length: Math.max(0, Math.min(n - from, size)) }, (_, i) => item(from + i + 1));
    return { pageNo, pageSize: size, total: n, items };
  };
}

const ORG = "91110000600037341L";

describe("进项同步 reads 4.03 to its total", () => {
  const req: InputSyncRequest = {
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

  it("the cloud serves 50 a page when 100 are asked: all 120 invoices, pages 1–3", async () => {
    const page = served(120, 50, (i) => ({
      invoiceNo: `2444000000${String(i).padStart(10, "0")}`,
      invoiceDate: "2025-01-15",
      invoiceType: "数电专票",
    }));
    const { client, calls } = fakeClient({
      startInputCollection: () => okResult({ taskNo: "T1" }),
      queryInputCollection: (d) => {
        const p = page(d);
        return okResult({ taskStatus: "success", total: String(p.total), invoices: p.items });
      },
    });
    const r = await runInputSync(client, req, { existing: [], pollMs: 0 });
    if (!r.ok) throw new Error(r.refusal.message);
    expect(r.value.downloaded).toBe(120);
    expect(calls("queryInputCollection").map((c) => (c.data as { pageNo: number }).pageNo)).toEqual([
      1, 2, 3,
    ]);
  });

  it("a page that comes back empty before the total: refused with both figures", async () => {
    const { client } = fakeClient({
      startInputCollection: () => okResult({ taskNo: "T1" }),
      queryInputCollection: (d) =>
        okResult({
          taskStatus: "success",
          total: "300",
          invoices: (d as { pageNo: number }).pageNo === 1 ? [{ invoiceNo: "24440000000000000001" }] : [],
        }),
    });
    const r = await runInputSync(client, req, { existing: [], pollMs: 0, pageSize: 1 });
    expect(r.ok ? "ok" : r.refusal.message).toBe(
      "进项发票不完整：发票云报告共 300 条，只取到 1 条，请稍后重试"
    );
  });
});

describe("the gateway's 红字信息表 list (HC.REDINFOBILL.LIST) is read whole", () => {
  it("finds the 2,050th form (main stopped after 20 pages of 100)", async () => {
    const page = served(2050, 1000, (i) => ({ serialNo: `S${i}`, formNo: `F${i}`, status: "审核通过" }));
    const { client } = fakeClient({ "HC.REDINFOBILL.LIST": (d) => okResult(page(d)) });
    const entry = {
      key: "k",
      rowIndexes: [1],
      rowLabel: "2",
      serialNo: "S2050",
      form: { formNo: null, status: "未上传" },
    };
    const r = await enrichFromGateway(client, [entry as unknown as InfoFormEntry]);
    expect(r.note).toBeNull();
    expect([r.entries[0].form.formNo, r.entries[0].form.status]).toEqual(["F2050", "审核成功"]);
  });
});

describe("蓝票 records (HC.BLUEINVOICE.QUERY) for more numbers than one request takes", () => {
  it("600 invoices: asked 500 numbers at a time, every record back", async () => {
    const numbers = Array.from({ length: 600 }, (_, i) => `2544200000${String(i + 1).padStart(10, "0")}`);
    const { client, calls } = fakeClient({
      "HC.BLUEINVOICE.QUERY": (d) => {
        const req = d as { invoiceNos: string[]; pageNo: number; pageSize: number };
        // The schema's limit (invoiceNos ≤ 500), and pages of at most 500.
        if (req.invoiceNos.length > 500)
          return failResult("GW_VALIDATION", { detail: "invoiceNos 超过 500 个" });
        const p = served(req.invoiceNos.length, 500, (i) => ({ invoiceNo: req.invoiceNos[i - 1] }))(d);
        return okResult(p);
      },
    });
    const rows = numbers.map((n, i) => ({
      rowIndex: i + 1,
      address: "",
      values: { invoiceNumber: n },
      errors: [],
    }));
    const r = await refreshRemaining(client, rows as ParsedRow[]);
    expect(r.note).toBeNull();
    expect(r.records?.map((b) => b.invoiceNo)).toEqual(numbers);
    expect(
      calls("HC.BLUEINVOICE.QUERY").map((c) => (c.data as { invoiceNos: string[] }).invoiceNos.length)
    ).toEqual([500, 100]);
  });
});
