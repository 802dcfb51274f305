/**
 * 批量引入 in the task pane, end to end through the real Office adapter over the in-memory Excel:
 * insert the template, type rows, validate (red cells with notes, 失败原因, 申请批次号, the summary
 * line), fix and re-run, submit the valid rows (流水号 written before sending, results after), and
 * re-run the submission (nothing done is sent again).
 */
import { refusal } from "../../../src/domain/refusals";
import { columnLetters } from "../../../src/sheet/address";
import { OfficeWorkbook } from "../../../src/sheet/office";
import { FAILURE_FILL } from "../../../src/sheet/writePlan";
import { detectKind } from "../../../src/sheet/xlsx/importer";
import { KIND_SPECS, TEMPLATE_KINDS, type TemplateKind } from "../../../src/sheet/xlsx/kinds";
import { NOTE_PREFIX } from "../../../src/sheet/xlsx/plan";
import { gatewaySubmitter } from "../../../src/sheet/xlsx/submit";
import { templateSheetData } from "../../../src/sheet/xlsx/templateData";
import {
  PHASE_LABELS,
  bulkPortOf,
  detectTemplateKind,
  insertTemplate,
  submitBulkSheet,
  templatePortOf,
  validateBulkSheet,
  type BulkWorkbook,
} from "../../../taskpane/workflows/bulkImport";
import type { WorkflowProgress } from "../../../taskpane/workflows/common";
import { FakeWorkbook, type FakeSheet } from "../../support/fakeExcel";
import { fakeHost } from "../../support/fakeHost";
import { BUYER_TAX_ID, validInfoFormRow } from "../xlsx/helpers";
import { FakePort, failResult, fakeClient, noYield, okResult } from "./fakes";

const INFO: TemplateKind = "info-form-import";
const TITLE = KIND_SPECS[INFO].title;
const HEADERS = templateSheetData(INFO).columns.map((c) => c.header);

/** The cell of a header on a 0-based row ("H3"); the 申请批次号 column is appended after the template's. */
function cellOf(header: string, row: number, headers: readonly string[] = HEADERS): string {
  const i = headers.indexOf(header);
  const column = i >= 0 ? i : header === "申请批次号" ? headers.length : -1;
  if (column < 0) throw new Error(`no column ${header}`);
  return `${columnLetters(column)}${row + 1}`;
}

interface Book {
  readonly wb: FakeWorkbook;
  readonly s: FakeSheet;
  readonly port: BulkWorkbook;
  /** Type a row as a user would (Excel converts by the cell's number format). */
  type(row: number, values: Record<string, unknown>): void;
  at(header: string, row: number): unknown;
}

async function templateBook(kind: TemplateKind, rows: ReadonlyArray<Record<string, unknown>>): Promise<Book> {
  const wb = new FakeWorkbook();
  wb.addSheet("Sheet1");
  const office = new OfficeWorkbook(fakeHost(wb));
  const inserted = await insertTemplate(templatePortOf(office)!, kind);
  if (!inserted.ok) throw new Error(inserted.refusal.message);
  const s = wb.sheet(inserted.value.sheetName)!;
  const headers = templateSheetData(kind).columns.map((c) => c.header);
  const type = (row: number, values: Record<string, unknown>) => {
    for (const [h, v] of Object.entries(values)) {
      const c = headers.indexOf(h);
      if (c < 0) throw new Error(`no column ${h}`);
      if (v === "") s.deleteValue(row, c);
      else s.writeValue(row, c, v);
    }
  };
  rows.forEach((r, i) => type(i + 1, r));
  return { wb, s, port: bulkPortOf(office)!, type, at: (h, row) => s.value(cellOf(h, row, headers)) };
}

const AMOUNT_MISSING = "金额不能为空";
const BAD_RATE = "税率不是有效的税率：“abc”（例：13%、0.13）";
const BAD_BUYER =
  "购方税号格式不正确：“bad”（应为18位统一社会信用代码，或15、17、20位税号，只含数字和大写字母）";
const BAD_APPLICANT = "申请方的值“随便”无效，可选：销方申请、购方申请-未抵扣、购方申请-已抵扣";

/** Rows 2–6 of the sheet: valid, a bad 购方税号, 金额 missing + a bad 税率, a bad 申请方, valid. */
const MIXED = [
  validInfoFormRow(1),
  { ...validInfoFormRow(2), 购方税号: "bad" },
  { ...validInfoFormRow(3), 金额: "", 税率: "abc" },
  { ...validInfoFormRow(4), 申请方: "随便" },
  validInfoFormRow(5),
];

async function validated(book: Book, opts: Partial<Parameters<typeof validateBulkSheet>[1]> = {}) {
  const r = await validateBulkSheet(book.port, { kind: INFO, yieldNow: noYield, ...opts });
  if (!r.ok) throw new Error(r.refusal.message);
  return r.value;
}

describe("批量引入 on the active sheet", () => {
  it("marks exactly the bad cells with their Chinese notes, fills 失败原因 and 处理状态 (未提交 / 失败), prints the summary", async () => {
    const book = await templateBook(INFO, MIXED);
    const progress: WorkflowProgress[] = [];
    const r = await validated(book, { kind: "auto", onProgress: (p) => progress.push(p) });
    expect(r.summary).toBe("校验通过 2 行（未提交）, 3 行失败");
    expect([r.kind, r.title, r.sheetName]).toEqual([INFO, TITLE, TITLE]);
    expect(r.batchNo).toMatch(/^PC\d{18}$/);

    const bad = {
      [cellOf("购方税号", 2)]: BAD_BUYER,
      [cellOf("金额", 3)]: AMOUNT_MISSING,
      [cellOf("税率", 3)]: BAD_RATE,
      [cellOf("申请方", 4)]: BAD_APPLICANT,
    };
    expect(book.s.filledCells(FAILURE_FILL)).toEqual(Object.keys(bad).sort());
    expect(book.s.noteAddresses().sort()).toEqual(Object.keys(bad).sort());
    for (const [address, message] of Object.entries(bad)) {
      expect(book.s.noteAt(address)?.content).toBe(NOTE_PREFIX + message);
    }
    expect([1, 2, 3, 4, 5].map((row) => book.at("失败原因", row))).toEqual([
      "",
      BAD_BUYER,
      `${AMOUNT_MISSING}；${BAD_RATE}`,
      BAD_APPLICANT,
      "",
    ]);
    // Nothing was sent: 处理状态 says 未提交 / 失败, and no 申请批次号 is stamped.
    expect([1, 2, 3, 4, 5].map((row) => book.at("处理状态", row))).toEqual([
      "未提交",
      "失败",
      "失败",
      "失败",
      "未提交",
    ]);
    expect(book.s.value(cellOf("申请批次号", 0))).not.toBe("申请批次号");
    expect(r.failures).toEqual([
      // column: the first bad cell (0-based), where the pane's link goes.
      { row: 3, reason: BAD_BUYER, column: 7 },
      { row: 4, reason: `${AMOUNT_MISSING}；${BAD_RATE}`, column: 17 },
      { row: 5, reason: BAD_APPLICANT, column: 1 },
    ]);
    expect(r.write.cellsMarked).toBe(4);
    // Read, validate and write, in this order.
    const labels = progress.map((p) => p.label).filter((l, i, all) => all[i - 1] !== l);
    expect(labels).toEqual([PHASE_LABELS.read, PHASE_LABELS.validate, PHASE_LABELS.write]);
    // Nothing was sent, so no 流水号; 处理状态 says so.
    expect([1, 5].map((row) => [book.at("流水号", row), book.at("处理状态", row)])).toEqual([
      ["", "未提交"],
      ["", "未提交"],
    ]);
  });

  it("a re-run after fixing clears the old marks and reasons, keeping the rows still wrong", async () => {
    const book = await templateBook(INFO, MIXED);
    await validated(book);
    book.type(2, { 购方税号: BUYER_TAX_ID });
    book.type(3, { 金额: "-112.35", 税率: "13%" });
    const r = await validated(book);
    expect(r.summary).toBe("校验通过 4 行（未提交）, 1 行失败");
    expect(book.s.filledCells(FAILURE_FILL)).toEqual([cellOf("申请方", 4)]);
    expect(book.s.noteAddresses()).toEqual([cellOf("申请方", 4)]);
    expect(r.write.marksCleared).toBe(3);
    expect([2, 3, 4].map((row) => book.at("失败原因", row))).toEqual(["", "", BAD_APPLICANT]);
    expect([2, 3, 4].map((row) => book.at("处理状态", row))).toEqual(["未提交", "未提交", "失败"]);
  });

  it("selected rows only: other rows are neither validated nor touched; hidden rows of the selection skipped", async () => {
    const book = await templateBook(INFO, MIXED);
    book.s.hideRows(4);
    book.wb.select(TITLE, "C3:D5");
    const r = await validated(book, { selectionOnly: true });
    expect(r.summary).toBe("校验通过 0 行（未提交）, 2 行失败");
    expect(r.hiddenSkipped).toBe(1);
    expect(book.s.filledCells(FAILURE_FILL)).toEqual(
      [cellOf("购方税号", 2), cellOf("金额", 3), cellOf("税率", 3)].sort()
    );
    expect(book.at("申请批次号", 1)).toBe("");
    // The whole sheet with a hidden row of data is refused, as the CLI refuses it.
    const whole = await validateBulkSheet(book.port, { kind: INFO, yieldNow: noYield });
    expect(!whole.ok && whole.refusal.code).toBe("FILE_HIDDEN_ROWS");
  });

  it("detects the template by its header like the CLI; a sheet without one is refused and left alone", async () => {
    for (const kind of TEMPLATE_KINDS) {
      const headers = templateSheetData(kind).columns.map((c) => c.header);
      expect(detectTemplateKind([headers])).toBe(kind);
      expect(detectKind([headers])?.kind).toBe(kind);
    }
    const wb = new FakeWorkbook();
    const s = wb.addSheet("随便", [
      ["姓名", "年龄"],
      ["张三", 30],
    ]);
    const port = bulkPortOf(new OfficeWorkbook(fakeHost(wb)))!;
    const r = await validateBulkSheet(port, { kind: "auto", yieldNow: noYield });
    expect(!r.ok && r.refusal.code).toBe("FILE_NO_HEADER");
    expect(!r.ok && r.refusal.message).toContain("红字信息表批量引入");
    expect(s.value("C1")).toBe("");
    expect(s.filledCells()).toEqual([]);
  });
});

describe("提交有效行", () => {
  /** Rows 2–6: valid, bad, two lines of form A001, valid. */
  const ROWS = [
    validInfoFormRow(1),
    { ...validInfoFormRow(2), 购方税号: "bad" },
    { ...validInfoFormRow(3), 申请单号: "A001" },
    { ...validInfoFormRow(3), 申请单号: "A001", 货物名称: "*电子元件*电容" },
    validInfoFormRow(6),
  ];
  const serials = () => {
    let n = 0;
    return () => `HC-IMP-TEST-${String(++n).padStart(4, "0")}`;
  };

  it("sends only valid documents, writes every 流水号 before sending, results after; a re-run sends nothing done", async () => {
    const book = await templateBook(INFO, ROWS);
    const v = await validated(book);
    let forms = 0;
    const serialsInSheetAtFirstCall: unknown[] = [];
    const { client, calls } = fakeClient({
      applyRedInfoForm: (d) => {
        const req = d as { serialNo: string; originalInvoiceNumber: string };
        if (serialsInSheetAtFirstCall.length === 0) {
          for (const row of [1, 3, 4, 5]) {
            serialsInSheetAtFirstCall.push([book.at("流水号", row), book.at("处理状态", row)]);
          }
        }
        if (req.originalInvoiceNumber === String(10000000 + 6)) {
          return okResult({ serialNo: req.serialNo, status: "审核失败", failReason: "蓝票已红冲" });
        }
        return okResult({
          serialNo: req.serialNo,
          redInfoBillNo: `440300000000000${++forms}`,
          status: "审核成功",
        });
      },
    });
    const sent = await submitBulkSheet(book.port, gatewaySubmitter(client), {
      kind: INFO,
      batchNo: v.batchNo,
      batchSize: 2,
      newSerialNo: serials(),
      yieldNow: noYield,
    });
    if (!sent.ok) throw new Error(sent.refusal.message);
    const r = sent.value;
    // Three documents (A001 is one form of two lines); the bad row is not sent.
    expect(calls("applyRedInfoForm").map((c) => (c.data as { serialNo: string }).serialNo)).toEqual([
      "HC-IMP-TEST-0001",
      "HC-IMP-TEST-0002",
      "HC-IMP-TEST-0003",
    ]);
    expect((calls("applyRedInfoForm")[1].data as { invoiceDetail: unknown[] }).invoiceDetail).toHaveLength(2);
    expect(serialsInSheetAtFirstCall).toEqual([
      ["HC-IMP-TEST-0001", "处理中"],
      ["HC-IMP-TEST-0002", "处理中"],
      ["HC-IMP-TEST-0002", "处理中"],
      ["HC-IMP-TEST-0003", "处理中"],
    ]);
    expect(r.summary).toBe("3 行成功, 2 行失败");
    expect([r.sentDocuments, r.sentRows, r.notSentRows]).toEqual([3, 4, 0]);
    expect(
      [1, 2, 3, 4, 5].map((row) => [
        book.at("处理状态", row),
        book.at("红字信息表编码", row),
        book.at("信息表状态", row),
        book.at("申请批次号", row),
      ])
    ).toEqual([
      ["成功", "4403000000000001", "审核成功", v.batchNo],
      ["失败", "", "", ""],
      ["成功", "4403000000000002", "审核成功", v.batchNo],
      ["成功", "4403000000000002", "审核成功", v.batchNo],
      ["失败", "", "审核失败", v.batchNo],
    ]);
    expect(book.at("失败原因", 5)).toBe(refusal("GW_BUSINESS_ERROR", { message: "蓝票已红冲" }).message);
    expect(r.failures.map((f) => f.row)).toEqual([3, 6]);

    // Second run: the three rows done are skipped; only the refused form goes again, under a new 流水号.
    const again = await submitBulkSheet(book.port, gatewaySubmitter(client), {
      kind: INFO,
      newSerialNo: () => "HC-IMP-TEST-0099",
      yieldNow: noYield,
    });
    if (!again.ok) throw new Error(again.refusal.message);
    expect(
      calls("applyRedInfoForm")
        .slice(3)
        .map((c) => (c.data as { serialNo: string }).serialNo)
    ).toEqual(["HC-IMP-TEST-0099"]);
    expect(again.value.skippedDone).toBe(3);
    expect(book.at("流水号", 1)).toBe("HC-IMP-TEST-0001");
  });

  it("no answer (timeout): the row stays 处理中 and the re-run re-sends the same 流水号", async () => {
    const book = await templateBook(INFO, [validInfoFormRow(1)]);
    let answer = false;
    const { client, calls } = fakeClient({
      applyRedInfoForm: (d) =>
        answer
          ? okResult({
              serialNo: (d as { serialNo: string }).serialNo,
              redInfoBillNo: "1",
              status: "审核成功",
            })
          : failResult("GW_TIMEOUT", { timeoutMs: "30000" }),
    });
    const first = await submitBulkSheet(book.port, gatewaySubmitter(client), {
      kind: INFO,
      newSerialNo: serials(),
      yieldNow: noYield,
    });
    expect(first.ok && first.value.summary).toBe("0 行成功, 1 行失败");
    expect([book.at("流水号", 1), book.at("处理状态", 1)]).toEqual(["HC-IMP-TEST-0001", "处理中"]);
    answer = true;
    const second = await submitBulkSheet(book.port, gatewaySubmitter(client), {
      kind: INFO,
      newSerialNo: () => "HC-IMP-TEST-NEW",
      yieldNow: noYield,
    });
    expect(second.ok && second.value.summary).toBe("1 行成功, 0 行失败");
    expect(calls("applyRedInfoForm").map((c) => (c.data as { serialNo: string }).serialNo)).toEqual([
      "HC-IMP-TEST-0001",
      "HC-IMP-TEST-0001",
    ]);
  });

  it("cancel stops between batches; the rest keep their 流水号 and the next run finishes without re-sending", async () => {
    const book = await templateBook(INFO, [validInfoFormRow(1), validInfoFormRow(2), validInfoFormRow(3)]);
    const ac = new AbortController();
    const ok = (d: unknown) => {
      const serialNo = (d as { serialNo: string }).serialNo;
      return okResult({ serialNo, redInfoBillNo: serialNo.slice(-4), status: "审核成功" });
    };
    const { client, calls } = fakeClient({
      applyRedInfoForm: (d) => {
        ac.abort();
        return ok(d);
      },
    });
    const sent = await submitBulkSheet(book.port, gatewaySubmitter(client), {
      kind: INFO,
      batchSize: 1,
      newSerialNo: serials(),
      signal: ac.signal,
      yieldNow: noYield,
    });
    if (!sent.ok) throw new Error(sent.refusal.message);
    const r = sent.value;
    expect([r.cancelled, r.sentDocuments, r.notSentRows, r.summary]).toEqual([
      true,
      1,
      2,
      "1 行成功, 0 行失败",
    ]);
    expect([2, 3].map((row) => [book.at("流水号", row), book.at("处理状态", row)])).toEqual([
      ["HC-IMP-TEST-0002", "处理中"],
      ["HC-IMP-TEST-0003", "处理中"],
    ]);
    const rest = fakeClient({ applyRedInfoForm: ok });
    const again = await submitBulkSheet(book.port, gatewaySubmitter(rest.client), {
      kind: INFO,
      newSerialNo: () => "HC-IMP-TEST-NEW",
      yieldNow: noYield,
    });
    expect(again.ok && again.value.summary).toBe("3 行成功, 0 行失败");
    expect(rest.calls("applyRedInfoForm").map((c) => (c.data as { serialNo: string }).serialNo)).toEqual([
      "HC-IMP-TEST-0002",
      "HC-IMP-TEST-0003",
    ]);
    expect(calls("applyRedInfoForm")).toHaveLength(1);
  });

  it("the 蓝票红冲清单 template is not submitted from the sheet; nothing is written", async () => {
    const book = await templateBook("blue-red-flush", [
      { 发票号码: "00000001", 发票种类: "增值税普通发票", 发票状态: "正常" },
    ]);
    const { client, log } = fakeClient({});
    const r = await submitBulkSheet(book.port, gatewaySubmitter(client), { kind: "auto", yieldNow: noYield });
    expect(!r.ok && r.refusal.code).toBe("FILE_SUBMIT_NOT_SUPPORTED");
    expect(log).toEqual([]);
    expect(book.s.noteAddresses()).toEqual([]);
  });

  it("ports without the bulk methods are recognised (the pane then explains)", () => {
    expect(bulkPortOf(new FakePort())).toBeNull();
    expect(templatePortOf(new FakePort())).toBeNull();
    expect(bulkPortOf(null)).toBeNull();
  });
});
