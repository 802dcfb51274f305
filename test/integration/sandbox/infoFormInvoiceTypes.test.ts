/**
 * One 发票类型 vocabulary from the template to the bureau (issue 8, item 4): a 红字信息表 typed into the
 * downloaded template in any spelling of 004 (增值税专用发票, the 001 manual's 增值税纸质专用发票, 纸质专票)
 * is filed against the seeded 004 blue invoice and approved at once; a 028 (增值税电子专用发票) typed for
 * it is refused by the bureau's review with 发票类型与蓝票不符. Through `hongchong import --submit`'s
 * code path (importXlsxFile + gatewaySubmitter) and the REAL client against the sandbox.
 */
import ExcelJS from "exceljs";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { BUREAU_REJECT_REASONS } from "../../../src/server/sandbox/interfaces/redInfoFormApply";
import { importXlsxFile } from "../../../src/sheet/xlsx/importer";
import { gatewaySubmitter } from "../../../src/sheet/xlsx/submit";
import { buildTemplateWorkbook } from "../../../src/sheet/xlsx/template";
import { templateSheetData } from "../../../src/sheet/xlsx/templateData";
import { sheetValues } from "../../../src/sheet/xlsx/workbook";
import { type TestServer, account, startTestServer } from "../server/helpers";
import { TAXCTL_BLUES, blueByNo, clientFor, ext, infoFormBySerial, valueOf } from "./taxControlHelpers";

let server: TestServer;
let dir: string;
let T: string;
let B: string;

beforeAll(async () => {
  server = await startTestServer();
  T = account(server, "taxctl").taxId;
  B = account(server, "buyer").taxId;
  dir = mkdtempSync(join(tmpdir(), "hc-iftype-"));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const blue = TAXCTL_BLUES.paperSpecial;

/** The 红字信息表 template with one 销方申请 row per form, 发票类型 as typed. */
async function filledTemplate(file: string, forms: readonly (readonly [string, string])[]): Promise<void> {
  const wb = buildTemplateWorkbook("info-form-import");
  const data = templateSheetData("info-form-import");
  const ws = wb.getWorksheet(data.sheetName)!;
  const values: Readonly<Record<string, string>> = {
    applicant: "销方申请",
    blueInvoiceCode: blue.code,
    blueInvoiceNo: blue.no,
    blueIssueDate: blue.date.slice(0, 10),
    buyerName: "广东蓝海采购有限公司",
    buyerTaxId: B,
    sellerName: "江苏税控制造有限公司",
    sellerTaxId: T,
    goodsName: "机械零件",
    taxCode: "1090199000000000000",
    redAmount: "-100.00",
    taxRate: "13%",
    redTax: "-13.00",
  };
  forms.forEach(([formKey, invoiceType], i) => {
    const row = ws.getRow(2 + i);
    data.columns.forEach((c, j) => {
      const v = c.key === "formKey" ? formKey : c.key === "invoiceType" ? invoiceType : values[c.key];
      if (v !== undefined) row.getCell(j + 1).value = v;
    });
  });
  await wb.xlsx.writeFile(file);
}

/** Result cells of the written-back file, by 申请单号. */
async function resultsByForm(file: string): Promise<Map<string, Record<string, string>>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const data = templateSheetData("info-form-import");
  const [header, ...rows] = sheetValues(wb.getWorksheet(data.sheetName)!).map((r) =>
    (r ?? []).map((v) => String(v ?? ""))
  );
  const out = new Map<string, Record<string, string>>();
  for (const row of rows) {
    const text = (h: string) => row?.[header.indexOf(h)] ?? "";
    if (!text("申请单号")) continue;
    out.set(text("申请单号"), {
      status: text("信息表状态"),
      process: text("处理状态"),
      reason: text("失败原因"),
      serialNo: text("流水号"),
    });
  }
  return out;
}

test("the template's 发票类型 drop-down is the one list (InvoiceKind's 专票 labels) and lets an alias through with a warning", () => {
  const c = templateSheetData("info-form-import").columns.find((x) => x.header === "发票类型")!;
  const blueKind = templateSheetData("blue-red-flush").columns.find((x) => x.header === "发票种类")!;
  expect(c.validationList).toEqual(["增值税电子专用发票", "增值税专用发票"]);
  expect(c.validationList!.every((v) => blueKind.validationList!.includes(v))).toBe(true);
  expect(c.acceptedAliases).toEqual(expect.arrayContaining(["增值税纸质专用发票", "纸质专票", "电子专票"]));
  // In the written template Excel warns on an alias instead of refusing it: the import reads it.
  const ws = buildTemplateWorkbook("info-form-import").worksheets[0] as unknown as {
    dataValidations: { model: Record<string, { formulae: string[]; errorStyle: string; error: string }> };
  };
  const dv = Object.values(ws.dataValidations.model).find(
    (v) => v.formulae[0] === '"增值税电子专用发票,增值税专用发票"'
  )!;
  expect(dv.errorStyle).toBe("warning");
  expect(dv.error).toContain("增值税纸质专用发票");
});

test("004 typed 增值税专用发票 / 增值税纸质专用发票 / 纸质专票 is approved; 028 typed for the 004 blue is refused (发票类型与蓝票不符)", async () => {
  const file = join(dir, "红字信息表.xlsx");
  await filledTemplate(file, [
    ["F-PLAIN", "增值税专用发票"],
    ["F-PAPER", "增值税纸质专用发票"],
    ["F-ALIAS", "纸质专票"],
    ["F-E", "增值税电子专用发票"],
  ]);
  let n = 0;
  const r = await importXlsxFile(file, {
    inPlace: true,
    submitter: gatewaySubmitter(clientFor(server, "taxctl")),
    newSerialNo: () => `IFT-${++n}`,
  });
  if (!r.ok) throw new Error(`${r.refusal.code} ${r.refusal.message}`);
  expect([r.value.validation.rows.length, r.value.succeeded, r.value.failed]).toEqual([4, 3, 1]);

  const results = await resultsByForm(file);
  for (const key of ["F-PLAIN", "F-PAPER", "F-ALIAS"]) {
    expect([key, results.get(key)!.status, results.get(key)!.process]).toEqual([key, "审核成功", "成功"]);
  }
  const e = results.get("F-E")!;
  expect([e.status, e.process]).toEqual(["审核失败", "失败"]);
  expect(e.reason).toContain(BUREAU_REJECT_REASONS.typeMismatch);

  // Stored by code; shown in the one vocabulary, the very label of the blue invoice's 发票种类.
  const stored = await infoFormBySerial(server, T, results.get("F-PAPER")!.serialNo);
  expect([stored!.invoice_type, stored!.status, stored!.amount]).toEqual(["004", "审核成功", "-100.00"]);
  const bad = await infoFormBySerial(server, T, e.serialNo);
  expect([bad!.invoice_type, bad!.status, bad!.fail_reason]).toEqual([
    "028",
    "审核失败",
    BUREAU_REJECT_REASONS.typeMismatch,
  ]);
  const blueRow = await blueByNo(server, blue.code, blue.no);
  const list = valueOf<{ items: { serialNo: string; invoiceType: string }[] }>(
    await clientFor(server, "taxctl").call(ext.redInfoFormList, { pageSize: 1000 })
  );
  const listed = list.items.find((i) => i.serialNo === results.get("F-PLAIN")!.serialNo)!;
  expect([listed.invoiceType, blueRow.kind]).toEqual(["增值税专用发票", "增值税专用发票"]);
});
