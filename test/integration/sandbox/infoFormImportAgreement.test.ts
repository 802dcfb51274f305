/**
 * `hongchong import` (validation only) and `hongchong import --submit` agree (issue 8, item 4): the
 * rows the real sandbox refuses for a reason knowable locally (tax off by more than 0.06, a
 * 税收分类编码 not of 19 digits or blank, three decimals, a repeated line) are refused locally first,
 * on their cells, and never sent; what is sent is approved. And the sandbox's 2.2.04 handler, sent
 * those very rows past the add-in's checks, refuses them with the planner's own refusal codes.
 * Through importXlsxFile + gatewaySubmitter (the `--submit` code path) and the REAL client.
 */
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { Dec } from "../../../src/domain/money";
import { applyTypeCode } from "../../../src/gateway/codes";
import { importXlsxFile } from "../../../src/sheet/xlsx/importer";
import { gatewaySubmitter } from "../../../src/sheet/xlsx/submit";
import { buildTemplateWorkbook } from "../../../src/sheet/xlsx/template";
import { templateSheetData } from "../../../src/sheet/xlsx/templateData";
import { type TestServer, account, startTestServer } from "../server/helpers";
import { TAXCTL_BLUES, clientFor } from "./taxControlHelpers";

jest.setTimeout(120_000);

let server: TestServer;
let dir: string;
let T: string;
let B: string;
const blue = TAXCTL_BLUES.paperSpecial;

beforeAll(async () => {
  server = await startTestServer();
  T = account(server, "taxctl").taxId;
  B = account(server, "buyer").taxId;
  dir = mkdtempSync(join(tmpdir(), "hc-ifagree-"));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One 销方申请 form per row (its own 申请单号) unless the case gives one; cells by column key. */
type Cells = Readonly<Record<string, string>>;
const CASES: ReadonlyArray<{ name: string; cells: Cells; refusedOn?: string; code?: string }> = [
  { name: "valid", cells: {} },
  {
    name: "tax −200 on −1000",
    cells: { redAmount: "-1000.00", redTax: "-200.00" },
    refusedOn: "税额",
    code: "LINE_TAX_OUT_OF_TOLERANCE",
  },
  {
    name: "18-digit 税收分类编码",
    cells: { taxCode: "109019900000000000" },
    refusedOn: "税收分类编码",
    code: "TAX_CODE_FORMAT",
  },
  { name: "blank 税收分类编码", cells: { taxCode: "" }, refusedOn: "税收分类编码", code: "FIELD_REQUIRED" },
  {
    name: "−1000.005",
    cells: { redAmount: "-1000.005", redTax: "-130.00" },
    refusedOn: "金额",
    code: "TOO_MANY_DECIMALS",
  },
  {
    name: "repeated line (1/2)",
    cells: { formKey: "DUP" },
    refusedOn: "货物名称",
    code: "DUPLICATE_LINE_REPEAT",
  },
  {
    name: "repeated line (2/2)",
    cells: { formKey: "DUP" },
    refusedOn: "货物名称",
    code: "DUPLICATE_LINE_REPEAT",
  },
];

function base(i: number): Cells {
  return {
    formKey: `F-${i + 1}`,
    applicant: "销方申请",
    invoiceType: "增值税专用发票",
    blueInvoiceCode: blue.code,
    blueInvoiceNo: blue.no,
    blueIssueDate: blue.date.slice(0, 10),
    buyerName: "广东蓝海采购有限公司",
    buyerTaxId: B,
    sellerName: "江苏税控制造有限公司",
    sellerTaxId: T,
    goodsName: "机械零件",
    taxCode: "1090199000000000000",
    redAmount: "-10.00",
    taxRate: "13%",
    redTax: "-1.30",
  };
}

async function writeFile(file: string): Promise<void> {
  const wb = buildTemplateWorkbook("info-form-import");
  const data = templateSheetData("info-form-import");
  const ws = wb.getWorksheet(data.sheetName)!;
  CASES.forEach((c, i) => {
    const cells = { ...base(i), ...c.cells };
    const row = ws.getRow(2 + i);
    data.columns.forEach((col, j) => {
      const v = cells[col.key];
      if (v !== undefined && v !== "") row.getCell(j + 1).value = v;
    });
  });
  await wb.xlsx.writeFile(file);
}

test("validation-only import and --submit give every row the same verdict; nothing sent is refused", async () => {
  const checked = join(dir, "checked.xlsx");
  const submitted = join(dir, "submitted.xlsx");
  await writeFile(checked);
  await writeFile(submitted);

  const local = await importXlsxFile(checked, {});
  if (!local.ok) throw new Error(local.refusal.message);
  const localVerdicts = local.value.validation.rows.map((r) =>
    r.cellErrors.map((e) => [e.header, e.refusal.code])
  );
  expect(localVerdicts).toEqual(CASES.map((c) => (c.refusedOn ? [[c.refusedOn, c.code]] : [])));

  let n = 0;
  const sent: string[] = [];
  const client = clientFor(server, "taxctl");
  const submitter = gatewaySubmitter(client);
  const remote = await importXlsxFile(submitted, {
    inPlace: true,
    submitter: {
      submit: async (kind, units) => {
        sent.push(...units.map((u) => String(u.rows[0].parsed.values.formKey)));
        return submitter.submit(kind, units);
      },
    },
    newSerialNo: () => `IFA-${++n}`,
  });
  if (!remote.ok) throw new Error(remote.refusal.message);
  // Same verdicts as the validation-only run; only the valid form went out, and it was approved.
  expect(
    remote.value.validation.rows.map((r) => r.cellErrors.map((e) => [e.header, e.refusal.code]))
  ).toEqual(localVerdicts);
  expect(sent).toEqual(["F-1"]);
  expect(
    remote.value.outcomes.map((o) => [o.kind, o.kind === "success" ? o.status : o.refusal.code])
  ).toEqual([["success", "审核成功"]]);
  expect([remote.value.succeeded, remote.value.failed]).toEqual([1, CASES.length - 1]);
});

test("the sandbox, sent those rows past the add-in's checks, refuses them with the planner's codes", async () => {
  const client = clientFor(server, "taxctl");
  const line = (over: Record<string, unknown> = {}) => ({
    goodsName: "机械零件",
    revenueCode: "1090199000000000000",
    amount: new Dec("-10.00"),
    taxRate: "0.13",
    taxAmount: new Dec("-1.30"),
    ...over,
  });
  const request = (serialNo: string, invoiceDetail: readonly Record<string, unknown>[]) => ({
    serialNo,
    sellerTaxpayerId: T,
    applyType: applyTypeCode("销方申请"),
    originalInvoiceCode: blue.code,
    originalInvoiceNumber: blue.no,
    originalIssueTime: blue.date.slice(0, 10),
    invoiceType: "004" as const,
    buyerName: "广东蓝海采购有限公司",
    buyerTaxpayerId: B,
    invoiceDetail,
  });
  // The raw protocol path: the client's own pre-send check would stop some of these first.
  const raw = client as unknown as {
    applyRedInfoForm(d: unknown): Promise<{ ok: boolean; refusal?: { code: string; field?: string } }>;
  };
  const tax = await raw.applyRedInfoForm(
    request("IFA-RAW-1", [line({ amount: new Dec("-1000.00"), taxAmount: new Dec("-200.00") })])
  );
  expect([tax.ok, tax.refusal?.code, tax.refusal?.field]).toEqual([
    false,
    "LINE_TAX_OUT_OF_TOLERANCE",
    "invoiceDetail[0].taxAmount",
  ]);
  const dup = await raw.applyRedInfoForm(request("IFA-RAW-2", [line(), line()]));
  expect([dup.ok, dup.refusal?.code]).toEqual([false, "DUPLICATE_LINE_REPEAT"]);
});
