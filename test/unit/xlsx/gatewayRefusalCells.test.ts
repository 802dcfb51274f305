/**
 * import --submit: a refusal of the cloud that names a request field lands on that field's cell —
 * red fill + a 发票云： note naming the column header (never the JSON path), 失败原因 and 处理状态 失败
 * on every row of the document; a re-run clears the mark.
 */
import type ExcelJS from "exceljs";
import { join } from "path";
import { refusal } from "../../../src/domain/refusals";
import { isErrorFill, noteText } from "../../../src/sheet/xlsx/annotate";
import { importXlsxFile } from "../../../src/sheet/xlsx/importer";
import type { SubmitOutcome, SubmitUnit } from "../../../src/sheet/xlsx/plan";
import { gatewaySubmitter, type SubmitClient, type Submitter } from "../../../src/sheet/xlsx/submit";
import { columnOfHeader, readBack, tempDir, templateWithRows, validInfoFormRow } from "./helpers";

const dir = tempDir();

/** Refuses the document of 申请单号 A001 as the sandbox does (GW_VALIDATION with its field). */
const refusing = (field: string | undefined): Submitter => ({
  async submit(_kind, units: readonly SubmitUnit[]): Promise<SubmitOutcome[]> {
    return units.map((u) => {
      if (u.rows[0].parsed.values.formKey !== "A001")
        return { serialNo: u.serialNo, kind: "success", status: "审核成功" };
      const detail = field ? `字段 data.${field} 格式不正确` : "系统繁忙";
      const r = refusal("GW_VALIDATION", { detail });
      return { serialNo: u.serialNo, kind: "failure", refusal: field ? { ...r, field } : r };
    });
  },
});

const rows = [
  {
    ...validInfoFormRow(1),
    申请单号: "A001",
    货物名称: "*电子元件*电阻",
    税收分类编码: "1090511010000000000",
  },
  {
    ...validInfoFormRow(1),
    申请单号: "A001",
    货物名称: "*电子元件*电容",
    税收分类编码: "1090511010000000000",
  },
  {
    ...validInfoFormRow(1),
    申请单号: "A001",
    货物名称: "*电子元件*电感",
    税收分类编码: "1090511010000000000",
  },
  { ...validInfoFormRow(2), 申请单号: "B002", 税收分类编码: "1090511010000000000" },
];

function allText(ws: ExcelJS.Worksheet): string {
  const parts: string[] = [];
  ws.eachRow((row) => row.eachCell((c) => parts.push(String(c.value ?? ""), noteText(c.note))));
  return parts.join("\n");
}

describe("a gateway refusal with a field, in the output file", () => {
  const file = join(dir, "refused.xlsx");
  beforeAll(async () => {
    await templateWithRows("info-form-import", rows).xlsx.writeFile(file);
  });

  it("marks the 税收分类编码 cell of the document's 2nd line and fails every row of that document", async () => {
    const r = await importXlsxFile(file, {
      submitter: refusing("invoiceDetail[1].revenueCode"),
      inPlace: true,
    });
    if (!r.ok) throw new Error(r.refusal.message);
    expect([r.value.succeeded, r.value.failed]).toEqual([1, 3]);
    const ws = (await readBack(file)).worksheets[0];
    const at = (row: number, h: string) => ws.getCell(row, columnOfHeader(ws, h));
    const message = "请求数据不合法：税收分类编码（第 2 条明细）格式不正确";
    expect(isErrorFill(at(3, "税收分类编码").fill)).toBe(true);
    expect(noteText(at(3, "税收分类编码").note)).toBe(`发票云：${message}`);
    // Only that cell: the other lines' codes and the other document stay as they were.
    for (const row of [2, 4, 5]) {
      expect(isErrorFill(at(row, "税收分类编码").fill)).toBe(false);
      expect(noteText(at(row, "税收分类编码").note)).toBe("");
    }
    expect([2, 3, 4, 5].map((row) => [at(row, "处理状态").value, at(row, "失败原因").value])).toEqual([
      ["失败", message],
      ["失败", message],
      ["失败", message],
      ["成功", null],
    ]);
    const text = allText(ws);
    expect(text).not.toMatch(/invoiceDetail|revenueCode|data\./);
  });

  it("a re-run clears the cloud's mark (the clerk fixed the cell)", async () => {
    const r = await importXlsxFile(file, { submitter: refusing(undefined), inPlace: true });
    if (!r.ok) throw new Error(r.refusal.message);
    const ws = (await readBack(file)).worksheets[0];
    const at = (row: number, h: string) => ws.getCell(row, columnOfHeader(ws, h));
    expect(isErrorFill(at(3, "税收分类编码").fill)).toBe(false);
    expect(noteText(at(3, "税收分类编码").note)).toBe("");
    // A refusal without a field marks the rows only.
    expect([2, 3, 4].map((row) => [at(row, "处理状态").value, at(row, "失败原因").value])).toEqual([
      ["失败", "请求数据不合法：系统繁忙"],
      ["失败", "请求数据不合法：系统繁忙"],
      ["失败", "请求数据不合法：系统繁忙"],
    ]);
  });
});

describe("a 红字确认单 refusal follows the rows that made the lines", () => {
  const file = join(dir, "confirm.xlsx");
  const BLUE = "24330000000012345678";
  const confirmRow = (o: Record<string, unknown>) => ({
    原蓝票号码: BLUE,
    红冲原因: "销售折让",
    购销身份: "销方",
    ...o,
  });

  it("invoiceDetail[0].amount with lineRows → 金额 of the first row that had one", async () => {
    await templateWithRows("confirm-form-drafts", [
      confirmRow({ 行号: 1, 货物名称: "服务A" }),
      confirmRow({ 行号: 2, 货物名称: "服务B", 金额: "-10.00", 税率: "13%", 税额: "-1.30" }),
    ]).xlsx.writeFile(file);
    // Through gatewaySubmitter: submit.ts says which rows made the lines (only rows with 金额).
    const requests: unknown[] = [];
    const client: SubmitClient = {
      reasonCode: () => "4",
      applyRedInfoForm: async () => {
        throw new Error("unused");
      },
      startInputCollection: async () => {
        throw new Error("unused");
      },
      applyRedConfirmBill: async (req) => {
        requests.push(req);
        const r = refusal("GW_VALIDATION", { detail: "字段 data.invoiceDetail[0].amount 格式不正确" });
        return { ok: false, refusal: { ...r, field: "invoiceDetail[0].amount" }, attempts: 1 };
      },
    };
    const submitter = gatewaySubmitter(client);
    const r = await importXlsxFile(file, { submitter, inPlace: true });
    if (!r.ok) throw new Error(r.refusal.message);
    const failures = r.value.validation.rows.map((x) => x.cellErrors.map((e) => e.refusal.message));
    expect(failures).toEqual([[], []]);
    expect((requests[0] as { invoiceDetail: unknown[] }).invoiceDetail).toHaveLength(1);
    const ws = (await readBack(file)).worksheets[0];
    const at = (row: number, h: string) => ws.getCell(row, columnOfHeader(ws, h));
    expect([isErrorFill(at(2, "金额").fill), isErrorFill(at(3, "金额").fill)]).toEqual([false, true]);
    expect(noteText(at(3, "金额").note)).toBe("发票云：请求数据不合法：金额（第 1 条明细）格式不正确");
    expect([at(2, "处理状态").value, at(3, "处理状态").value]).toEqual(["失败", "失败"]);
  });
});
