/**
 * Issue 11 D5 against the sandbox: 250 红字确认单 at the bureau in one 录入日期 range (2.1.13 pages
 * 100 at a time). `hongchong export confirm-forms` writes all 250 and says so (exit 0); the pane's
 * 下载 lists all 250 too — on main both stopped at the first 100.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { run as exportRun } from "../../../src/cli/export";
import { GATEWAY_ENV } from "../../../src/sheet/xlsx/cliSupport";
import { readBack, tempDir } from "../../unit/xlsx/helpers";
import { downloadConfirmForms } from "../../../taskpane/workflows/confirmForms";
import { type TestServer, account, startTestServer } from "../server/helpers";
import { clientFor } from "./confirmFormsHelpers";

jest.setTimeout(120_000);

const FORMS = 250;
const RANGE = { from: "2025-06-01", to: "2025-06-30" };

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  const seller = account(server, "seller");
  const buyer = account(server, "buyer");
  const before = await server.db.db
    .selectFrom("bureau_confirm_bills")
    .select("id")
    .where("entered_at", ">=", `${RANGE.from} 00:00:00`)
    .where("entered_at", "<=", `${RANGE.to} 23:59:59`)
    .execute();
  expect(before).toHaveLength(0);
  // 购销双方已确认 (04): nothing for the 72-hour expiry to settle.
  const rows = Array.from({ length: FORMS }, (_, i) => {
    const day = String(1 + (i % 28)).padStart(2, "0");
    const enteredAt = `2025-06-${day} 10:${String(i % 60).padStart(2, "0")}:00`;
    return {
      gov_uuid: `d5-uuid-${i}`,
      bill_no: `D5${String(i + 1).padStart(18, "0")}`,
      seller_tax_id: seller.taxId,
      seller_name: seller.name,
      buyer_tax_id: buyer.taxId,
      buyer_name: buyer.name,
      entrant_role: "销方" as const,
      confirm_status: "04",
      blue_invoice_code: "",
      blue_invoice_no: `2544200000${String(i + 1).padStart(10, "0")}`,
      blue_invoice_date: "2025-05-20 10:00:00",
      invoice_type: "01" as const,
      red_reason: "销售退回",
      amount: "-100.00",
      tax_amount: "-13.00",
      lines_json: "[]",
      entered_at: enteredAt,
      entered_at_ms: Date.parse(`${enteredAt.replace(" ", "T")}+08:00`),
      confirmed_at: enteredAt,
      red_invoice_no: null,
      red_invoice_date: null,
      updated_at: Date.now(),
    };
  });
  for (let i = 0; i < rows.length; i += 50) {
    await server.db.db
      .insertInto("bureau_confirm_bills")
      .values(rows.slice(i, i + 50))
      .execute();
  }
});
afterAll(async () => {
  await server?.close();
});

/** Run `hongchong export …` with the seller's credentials in the environment; exit code and output. */
async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const a = account(server, "seller");
  const env = {
    [GATEWAY_ENV.appId]: a.appId,
    [GATEWAY_ENV.appSecret]: a.appSecret,
    [GATEWAY_ENV.accountId]: a.accountId,
    [GATEWAY_ENV.user]: a.user,
    [GATEWAY_ENV.encoding]: a.dataEncoding === "aes" ? "aes" : "base64",
    ...(a.aesPassword ? { [GATEWAY_ENV.aesPassword]: a.aesPassword } : {}),
  };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  let out = "";
  let err = "";
  const so = jest.spyOn(process.stdout, "write").mockImplementation((s) => ((out += String(s)), true));
  const se = jest.spyOn(process.stderr, "write").mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await exportRun(argv), out, err };
  } finally {
    so.mockRestore();
    se.mockRestore();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

test("export confirm-forms: all 250 forms of the range, exit 0", async () => {
  const file = join(tempDir(), "红字确认单.xlsx");
  const { taxId } = account(server, "seller");
  const r = await cli([
    "confirm-forms",
    "--gateway",
    server.url,
    "--org",
    taxId,
    "--from",
    RANGE.from,
    "--to",
    RANGE.to,
    "-o",
    file,
  ]);
  expect([r.code, r.err]).toEqual([0, ""]);
  expect(r.out).toBe(`已导出 ${FORMS} 行：${file}\n`);
  expect(readFileSync(file).length).toBeGreaterThan(0);
  const ws = (await readBack(file)).worksheets[0];
  const numbers: string[] = [];
  ws.eachRow((row, i) => {
    if (i > 1) numbers.push(String(row.getCell(1).value));
  });
  expect(numbers).toHaveLength(FORMS);
  expect(new Set(numbers).size).toBe(FORMS);
  expect(numbers).toContain(`D5${String(FORMS).padStart(18, "0")}`);
});

test("the pane's 红字确认单下载 lists all 250 bills of the range", async () => {
  const r = await downloadConfirmForms(
    clientFor(server, "seller"),
    { orgTaxId: account(server, "seller").taxId, role: "销方", startDate: RANGE.from, endDate: RANGE.to },
    { maxPolls: 1, pollMs: 0 }
  );
  if (!r.ok) throw new Error(r.refusal.message);
  expect(r.value.bills).toHaveLength(FORMS);
  expect(new Set(r.value.bills.map((b) => b.redInfoBillNo)).size).toBe(FORMS);
});
