/**
 * Issue 10 item 6 in the pane: a 数电飞机票 the 价税合计（电子税局） rule applies to is flagged in the
 * 进项发票池 — the 提示 column gets the engine's note (inputSync.poolRowNote), the bureau's own type
 * names included; other invoices get an empty 提示.
 */
import { FLIGHT_TOTAL_POOL_NOTE } from "../../../src/domain/inferred";
import { refusalMessage } from "../../../src/domain/refusals";
import { inputPoolSchema } from "../../../src/sheet/schemas";
import { runInputSync, type InputSyncRequest } from "../../../taskpane/workflows/inputSync";
import { fakeClient, okResult } from "./fakes";

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
  startDate: "2025-07-01",
  endDate: "2025-08-31",
};

const header = (no: string, invoiceType: string, invoiceDate: string) => ({
  invoiceType,
  etaxInvoiceNo: no,
  invoiceDate,
  invoiceAmount: "1000.00",
  totalTaxAmount: "90.00",
  salerName: "某某航空股份有限公司",
  salerTaxNo: ORG,
  invoiceStatus: "正常",
});

it("the 进项发票池 has a 提示 column written by the sync", () => {
  const col = inputPoolSchema.columns.find((c) => c.key === "poolNote");
  expect([col?.header, col?.result]).toEqual(["提示", true]);
});

it("flight tickets ≥ 2025-07-28 (code or the bureau's names) are flagged in 提示; others are not", async () => {
  const { client } = fakeClient({
    startInputCollection: () => okResult({ taskNo: "T1" }),
    queryInputCollection: () =>
      okResult({
        taskStatus: "success",
        total: "4",
        invoices: [
          header("25310000000000880001", "电子发票（航空运输电子客票行程单）", "2025-08-15 07:40:00"),
          header("25310000000000880003", "航空运输电子客票行程单", "2025-07-28"),
          header("25310000000000880002", "61", "2025-07-27"),
          header("24440000000011112222", "02", "2025-08-01"),
        ],
      }),
  });
  const r = await runInputSync(client, base, { existing: [], pollMs: 0 });
  expect(r.ok).toBe(true);
  if (!r.ok) return;
  const byNo = new Map(r.value.upserts.map((u) => [u.values.invoiceNumber, u.values]));
  const flagged = `${FLIGHT_TOTAL_POOL_NOTE}；${refusalMessage("FLIGHT_TOTAL_RULE_UNKNOWN")}`;
  expect(byNo.get("25310000000000880001")).toMatchObject({ bureauTotalAmount: "", poolNote: flagged });
  expect(byNo.get("25310000000000880003")?.poolNote).toBe(flagged);
  expect(byNo.get("25310000000000880002")?.poolNote).toBe("");
  expect(byNo.get("24440000000011112222")?.poolNote).toBe("");
  expect(r.value.notes.map((n) => n.code)).toEqual([
    "FLIGHT_TOTAL_RULE_UNKNOWN",
    "FLIGHT_TOTAL_RULE_UNKNOWN",
  ]);
});
