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
import { TEST_SECRETS, type TestServer, account, startTestServer } from "../server/helpers";
import { writeSecretsFile } from "../../../src/server/sandbox/secrets";
import { GATEWAY_URL_ENV, TAX_ID_ENV } from "../../../src/cli/login";
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
async function cli(
  argv: string[],
  opts: { credentials?: boolean; env?: Record<string, string> } = {}
): Promise<{ code: number; out: string; err: string }> {
  const a = account(server, "seller");
  const credentials = {
    [GATEWAY_ENV.appId]: a.appId,
    [GATEWAY_ENV.appSecret]: a.appSecret,
    [GATEWAY_ENV.accountId]: a.accountId,
    [GATEWAY_ENV.user]: a.user,
    [GATEWAY_ENV.encoding]: a.dataEncoding === "aes" ? "aes" : "base64",
    ...(a.aesPassword ? { [GATEWAY_ENV.aesPassword]: a.aesPassword } : {}),
  };
  const env: Record<string, string | undefined> = {
    ...Object.fromEntries(Object.keys(credentials).map((k) => [k, undefined])),
    [GATEWAY_URL_ENV]: undefined,
    [TAX_ID_ENV]: undefined,
    HONGCHONG_DATA_DIR: undefined,
    ...(opts.credentials === false ? {} : credentials),
    ...opts.env,
  };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
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
  expect([r.code, r.err]).toEqual([
    0,
    `网关 ${server.url}，appId ${account(server, "seller").appId}，组织税号 ${taxId}，日期 ${RANGE.from} 至 ${RANGE.to}\n`,
  ]);
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

test("export with only the kind: the local sandbox's login and 税号, the range ending on the gateway's calendar day, a file named after both", async () => {
  const dataDir = tempDir();
  writeSecretsFile(dataDir, TEST_SECRETS);
  const cwd = tempDir();
  const spy = jest.spyOn(process, "cwd").mockReturnValue(cwd);
  try {
    const { taxId, name } = account(server, "seller");
    // The gateway's calendar is 2025-10-10 (TEST_NOW); the system date is not.
    const expected = await server.db.db
      .selectFrom("bureau_confirm_bills")
      .select("bill_no")
      .where((eb) => eb.or([eb("seller_tax_id", "=", taxId), eb("buyer_tax_id", "=", taxId)]))
      .where("entered_at", ">=", "2025-08-01 00:00:00")
      .where("entered_at", "<=", "2025-10-10 23:59:59")
      .execute();
    expect(expected.length).toBeGreaterThan(0);
    const r = await cli(["confirm-forms"], {
      credentials: false,
      env: { [GATEWAY_URL_ENV]: server.url, HONGCHONG_DATA_DIR: dataDir },
    });
    const file = join(cwd, "红字确认单_2025-08-01_2025-10-10.xlsx");
    expect(r.err).toBe(
      `网关 ${server.url}，沙箱企业 ${name}（${taxId}），组织税号 ${taxId}，日期 2025-08-01 至 2025-10-10\n`
    );
    expect([r.code, r.out]).toEqual([0, `已导出 ${expected.length} 行：${file}\n`]);
    const ws = (await readBack(file)).worksheets[0];
    const numbers: string[] = [];
    ws.eachRow((row, i) => {
      if (i > 1) numbers.push(String(row.getCell(1).value));
    });
    expect(numbers.sort()).toEqual(expected.map((e) => e.bill_no).sort());
    // The list is ready to filter: an autofilter over the header and every row, the header frozen.
    expect(String(ws.autoFilter)).toMatch(new RegExp(`^A1:[A-Z]+${expected.length + 1}$`));
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    // Run again: the first file is kept, the second gets a new name.
    const again = await cli(["confirm-forms"], {
      credentials: false,
      env: { [GATEWAY_URL_ENV]: server.url, HONGCHONG_DATA_DIR: dataDir },
    });
    expect(again.out).toBe(
      `已导出 ${expected.length} 行：${join(cwd, "红字确认单_2025-08-01_2025-10-10 (2).xlsx")}\n`
    );
  } finally {
    spy.mockRestore();
  }
});

test("export without a login says which variables or which sandbox file are missing; a real tenant's login needs the 税号", async () => {
  const empty = tempDir();
  const none = await cli(["confirm-forms"], {
    credentials: false,
    env: { [GATEWAY_URL_ENV]: server.url, HONGCHONG_DATA_DIR: empty },
  });
  expect(none.code).toBe(2);
  expect(none.err).toContain(
    "未设置环境变量 HONGCHONG_APP_ID、HONGCHONG_APP_SECRET、HONGCHONG_ACCOUNT_ID、HONGCHONG_USER"
  );
  expect(none.err).toContain(join(empty, "sandbox-secrets.json"));
  const tenant = await cli(["confirm-forms", "--gateway", server.url]);
  expect([tenant.code, tenant.err]).toEqual([
    2,
    "请用 --org 或环境变量 HONGCHONG_TAX_ID 指定组织税号（发票云的接口不提供登录所属的组织）\n",
  ]);
  const badDate = await cli(["confirm-forms", "--from", "2025-02-30"]);
  expect(badDate.code).toBe(2);
  expect(badDate.err).toContain("--from");
});
