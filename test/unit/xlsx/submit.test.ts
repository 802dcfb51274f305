/**
 * --submit: 流水号 written into the file before anything is sent, only valid documents sent, in
 * batches, each result written back; a re-run skips done rows, re-sends an unknown result under the
 * same 流水号 and a refused one under a new 流水号.
 */
import { join } from "path";
import { refusal } from "../../../src/domain/refusals";
import { importXlsxFile } from "../../../src/sheet/xlsx/importer";
import type { SubmitOutcome, SubmitUnit } from "../../../src/sheet/xlsx/plan";
import { gatewaySubmitter, type SubmitClient, type Submitter } from "../../../src/sheet/xlsx/submit";
import type { TemplateKind } from "../../../src/sheet/xlsx/kinds";
import { columnOfHeader, readBack, tempDir, templateWithRows, validInfoFormRow } from "./helpers";

const dir = tempDir();

/** Answers by 原发票号码; records what was sent and what the file held at that moment. */
class FakeSubmitter implements Submitter {
  readonly sent: Array<{ serialNo: string; blueNo: string; serialInFile: boolean }> = [];
  constructor(
    private readonly file: string,
    private readonly answer: (blueNo: string, serialNo: string) => SubmitOutcome
  ) {}
  async submit(kind: TemplateKind, units: readonly SubmitUnit[]): Promise<SubmitOutcome[]> {
    expect(kind).toBe("info-form-import");
    const ws = (await readBack(this.file)).worksheets[0];
    const serialCol = columnOfHeader(ws, "流水号");
    return units.map((u) => {
      const row = u.rows[0].rowIndex + 1;
      const blueNo = String(u.rows[0].parsed.values.blueInvoiceNo);
      this.sent.push({
        serialNo: u.serialNo,
        blueNo,
        serialInFile: ws.getCell(row, serialCol).value === u.serialNo,
      });
      return this.answer(blueNo, u.serialNo);
    });
  }
}

const ok = (serialNo: string): SubmitOutcome => ({
  serialNo,
  kind: "success",
  number: `HZ-${serialNo.slice(-4)}`,
  status: "审核成功",
});

describe("import --submit with a fake submitter", () => {
  const file = join(dir, "submit.xlsx");
  let serial = 0;
  const newSerialNo = () => `HC-IMP-TEST-${String(++serial).padStart(4, "0")}`;

  beforeAll(async () => {
    const rows = [
      validInfoFormRow(1),
      validInfoFormRow(2),
      validInfoFormRow(3),
      { ...validInfoFormRow(4), 购方税号: "x" },
    ];
    await templateWithRows("info-form-import", rows).xlsx.writeFile(file);
  });

  it("first run: serials persisted before sending, results written back per row", async () => {
    const fake = new FakeSubmitter(file, (blueNo, s) =>
      blueNo === "10000001"
        ? ok(s)
        : blueNo === "10000002"
          ? {
              serialNo: s,
              kind: "failure",
              refusal: refusal("GW_BUSINESS_ERROR", { message: "购方税号不存在" }),
              status: "审核失败",
            }
          : { serialNo: s, kind: "pending", refusal: refusal("GW_TIMEOUT", { timeoutMs: 30000 }) }
    );
    const r = await importXlsxFile(file, {
      inPlace: true,
      submitter: fake,
      newSerialNo,
      batchSize: 2,
      batchNo: "PC202410221044240002",
    });
    if (!r.ok) throw new Error(r.refusal.message);
    expect([r.value.succeeded, r.value.failed]).toEqual([1, 3]);
    expect(fake.sent.map((s) => [s.blueNo, s.serialNo, s.serialInFile])).toEqual([
      ["10000001", "HC-IMP-TEST-0001", true],
      ["10000002", "HC-IMP-TEST-0002", true],
      ["10000003", "HC-IMP-TEST-0003", true],
    ]);
    const ws = (await readBack(file)).worksheets[0];
    const cell = (row: number, h: string) => ws.getCell(row, columnOfHeader(ws, h)).value;
    expect(
      [2, 3, 4, 5].map((r) => [cell(r, "处理状态"), cell(r, "红字信息表编码"), cell(r, "信息表状态")])
    ).toEqual([
      ["成功", "HZ-0001", "审核成功"],
      ["失败", null, "审核失败"],
      ["处理中", null, null],
      ["失败", null, null],
    ]);
    expect(cell(3, "失败原因")).toBe("发票云返回错误：购方税号不存在");
    expect(cell(5, "流水号")).toBeNull();
  });

  it("re-run: done rows skipped, unknown result re-sent with its 流水号, refused one with a new one", async () => {
    const fake = new FakeSubmitter(file, (_b, s) => ok(s));
    const r = await importXlsxFile(file, { submitter: fake, newSerialNo, inPlace: true });
    if (!r.ok) throw new Error(r.refusal.message);
    expect(fake.sent.map((s) => [s.blueNo, s.serialNo])).toEqual([
      ["10000002", "HC-IMP-TEST-0004"],
      ["10000003", "HC-IMP-TEST-0003"],
    ]);
    expect([r.value.succeeded, r.value.failed, r.value.skippedDone]).toEqual([3, 1, 1]);
  });

  it("third run sends nothing", async () => {
    const fake = new FakeSubmitter(file, (_b, s) => ok(s));
    const r = await importXlsxFile(file, { submitter: fake, newSerialNo, inPlace: true });
    expect(fake.sent).toEqual([]);
    expect(r.ok && [r.value.succeeded, r.value.failed]).toEqual([3, 1]);
  });
});

describe("gatewaySubmitter maps rows onto 2.2.04 and answers onto outcomes", () => {
  it("sends one request per form with exact amounts and the seller's apply type", async () => {
    const requests: unknown[] = [];
    const client: SubmitClient = {
      reasonCode: () => undefined,
      applyRedConfirmBill: async () => {
        throw new Error("unused");
      },
      startInputCollection: async () => {
        throw new Error("unused");
      },
      applyRedInfoForm: async (req) => {
        requests.push(JSON.parse(JSON.stringify(req)));
        return { ok: false, refusal: refusal("GW_TIMEOUT", { timeoutMs: 1 }), attempts: 3 };
      },
    };
    const file = join(dir, "gw.xlsx");
    await templateWithRows("info-form-import", [validInfoFormRow(7)]).xlsx.writeFile(file);
    const r = await importXlsxFile(file, {
      inPlace: true,
      submitter: gatewaySubmitter(client),
      newSerialNo: () => "HC-IMP-GW-0001",
    });
    expect(r.ok && r.value.outcomes.map((o) => o.kind)).toEqual(["pending"]);
    expect(requests).toEqual([
      expect.objectContaining({
        serialNo: "HC-IMP-GW-0001",
        applyType: "seller",
        invoiceType: "004",
        originalInvoiceCode: "044031900111",
        originalInvoiceNumber: "10000007",
        originalIssueTime: "2024-10-22",
        invoiceDetail: [
          expect.objectContaining({
            amount: "-112.35",
            taxAmount: "-14.61",
            quantity: "-1.1234567890123",
            taxRate: "0.13",
          }),
        ],
      }),
    ]);
  });
});
