/**
 * One verdict for 发票红冲 rows (issue 8): the same 蓝票清单 rows checked by the task pane (pre-flight
 * with the gateway's record of every invoice it knows), by `hongchong import` of the 蓝票红冲清单
 * template, and by =HC.CANREDFLUSH — same accept/refuse, same refusal — then the rows the pane
 * accepts are red-flushed through the real sandbox: none is refused for a reason knowable locally.
 *
 * The rows are those of the sandbox's 税控 seller (江苏税控制造有限公司). Rows the sandbox does not
 * know carry the sheet's own facts (状态, 可红冲金额, 待开), which every surface reads the same way.
 * Expectations are written from the manuals (000 §2, A1–A3), not from the code.
 */
import { spawnSync } from "child_process";
import { join, resolve } from "path";
import ExcelJS from "exceljs";
import { canRedFlush } from "../../../functions/functions";
import { prepareRedFlush, runRedFlush } from "../../../taskpane/workflows/redFlush";
import { templateWithRows, readBack, tempDir } from "../../unit/xlsx/helpers";
import { FakePort } from "../../unit/taskpane/fakes";
import { clientFor } from "../sandbox/taxControlHelpers";
import { startTestServer, type TestServer } from "../server/helpers";

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, "../../..");
const BIN = join(ROOT, "bin/hongchong.js");
const ORG_TAX_ID = "91320500MA1HC00035";

type Expected =
  | { kind: "valid" }
  /** refused by a rule of the invoice itself: CANREDFLUSH must refuse it too, with the same message */
  | { kind: "rule"; code: string }
  /** refused by the rows together (duplicates) or by a cell that does not parse */
  | { kind: "rows" | "cell"; code: string };

interface BlueRow {
  readonly label: string;
  readonly cells: Readonly<Record<string, string>>;
  readonly expected: Expected;
}

const HEADERS = [
  "发票代码",
  "发票号码",
  "发票种类",
  "发票状态",
  "可红冲金额",
  "待开红冲金额",
  "本次红冲金额",
  "红冲原因",
  "购方名称",
  "购方税号",
  "原蓝票日期",
  "货物名称",
  "税收分类编码",
  "税率",
] as const;

const BUYER = { 购方名称: "广东蓝海采购有限公司", 购方税号: "91440300MA5HC0002F" };
const row = (
  label: string,
  cells: Partial<Record<(typeof HEADERS)[number], string>>,
  expected: Expected
): BlueRow => ({ label, cells: { 发票状态: "正常", ...BUYER, ...cells }, expected });

/** A 税控 纸质普票 of the 税控 seller with one line of 1,000.00 + 130.00 at 13% (besides the seed's). */
async function insertOrdinaryBlue(server: TestServer, code: string, no: string): Promise<void> {
  const db = server.db.db;
  const org = await db
    .selectFrom("orgs")
    .selectAll()
    .where("tax_id", "=", ORG_TAX_ID)
    .executeTakeFirstOrThrow();
  const money = {
    amount: "1000.00",
    tax_amount: "130.00",
    remaining_amount: "1000.00",
    remaining_tax: "130.00",
  };
  const blue = await db
    .insertInto("blue_invoices")
    .values({
      org_id: org.id,
      kind: "增值税普通发票",
      invoice_type: "007",
      invoice_code: code,
      invoice_no: no,
      invoice_date: "2025-09-01 10:00:00",
      serial_no: null,
      seller_name: org.name,
      seller_tax_id: org.tax_id,
      buyer_name: BUYER.购方名称,
      buyer_tax_id: BUYER.购方税号,
      ...money,
      total_amount: "1130.00",
      status: "正常",
      issue_status: "已开票",
      tax_mode: "普通征税",
      deduction: null,
      buyer_usage_confirmed: 0,
      special_type: "",
      drawer: "王五",
      remark: "",
      application_id: null,
      created_at: 0,
      updated_at: 0,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("blue_invoice_lines")
    .values({
      org_id: org.id,
      invoice_id: Number(blue.id),
      line_no: 1,
      line_property: "0",
      goods_name: "劳保用品",
      revenue_code: "1060599000000000000",
      specification: "",
      units: "",
      quantity: null,
      price: null,
      amount: "1000.00",
      tax_rate: "0.13",
      tax_amount: "130.00",
      remaining_amount: "1000.00",
      remaining_tax: "130.00",
      remaining_quantity: null,
      reversible_unit_price: null,
      has_discount_line: 0,
      privilege_type: "",
    })
    .execute();
}

/** The sandbox's seeded blues of the 税控 seller (src/server/sandbox/seed.ts), as the clerk's list shows them. */
const ROWS: readonly BlueRow[] = [
  row(
    "税控普票, full",
    { 发票代码: "3200231320", 发票号码: "40000001", 发票种类: "增值税普通发票", 可红冲金额: "560.00" },
    { kind: "valid" }
  ),
  row(
    "税控专票 e-special, partial 500 of 50,000 → 红字信息表",
    {
      发票代码: "032002300111",
      发票号码: "10000001",
      发票种类: "增值税电子专用发票",
      可红冲金额: "50000.00",
      本次红冲金额: "500",
      原蓝票日期: "2025-06-05",
      货物名称: "钢材",
      税收分类编码: "1080299000000000000",
      税率: "13%",
    },
    { kind: "valid" }
  ),
  row(
    "税控专票 paper, full → 红字信息表",
    {
      发票代码: "3200231130",
      发票号码: "20000001",
      发票种类: "纸质专票",
      可红冲金额: "8,888.88",
      原蓝票日期: "2025-06-06",
      货物名称: "机械零件",
      税收分类编码: "1090199000000000000",
      税率: "13%",
    },
    { kind: "valid" }
  ),
  row(
    // Seed 000: a part of a 税控普票 may be red-flushed — issued through 2.2.01 with the engine's line
    // (the blue is inserted by beforeAll, one line of 1,000.00 at 13%).
    "税控普票 partial 400 of 1,000 → 2.2.01",
    {
      发票代码: "3200231320",
      发票号码: "40000091",
      发票种类: "增值税普通发票",
      可红冲金额: "1000.00",
      本次红冲金额: "400.00",
    },
    { kind: "valid" }
  ),
  row(
    "作废 invoice",
    {
      发票代码: "3200231320",
      发票号码: "40000092",
      发票种类: "增值税普通发票",
      发票状态: "作废",
      可红冲金额: "100.00",
    },
    { kind: "rule", code: "INVOICE_STATUS_NOT_REVERSIBLE" }
  ),
  row(
    "全额红冲 invoice",
    {
      发票代码: "3200231320",
      发票号码: "40000093",
      发票种类: "增值税普通发票",
      发票状态: "全额红冲",
      可红冲金额: "0",
    },
    { kind: "rule", code: "INVOICE_STATUS_NOT_REVERSIBLE" }
  ),
  row(
    "request above what remains",
    {
      发票代码: "032002300111",
      发票号码: "10000094",
      发票种类: "增值税电子专用发票",
      可红冲金额: "100.00",
      本次红冲金额: "150.00",
    },
    { kind: "rule", code: "INSUFFICIENT_REMAINING" }
  ),
  row(
    "待开 red of the same amount holds everything",
    {
      发票代码: "3200231320",
      发票号码: "40000095",
      发票种类: "增值税普通发票",
      可红冲金额: "300.00",
      待开红冲金额: "300.00",
    },
    { kind: "rule", code: "DUPLICATE_PENDING_SAME_AMOUNT" }
  ),
  row(
    "unknown 发票种类",
    { 发票代码: "3200231320", 发票号码: "40000096", 发票种类: "机动车发票", 可红冲金额: "100.00" },
    { kind: "cell", code: "BAD_ENUM" }
  ),
  row(
    "数电 without 红冲原因",
    { 发票号码: "25320000000000000097", 发票种类: "数电发票（普通发票）", 可红冲金额: "100.00" },
    { kind: "rule", code: "FIELD_REQUIRED" }
  ),
  row(
    "数电 partial with 开票有误 (full only)",
    {
      发票号码: "25320000000000000098",
      发票种类: "数电发票（普通发票）",
      可红冲金额: "100.00",
      本次红冲金额: "50.00",
      红冲原因: "开票有误",
    },
    { kind: "rule", code: "ISSUE_ERROR_FULL_ONLY" }
  ),
  row(
    "发票号码 of 7 digits",
    { 发票代码: "3200231320", 发票号码: "4000009", 发票种类: "增值税普通发票", 可红冲金额: "100.00" },
    { kind: "cell", code: "BAD_INVOICE_NUMBER" }
  ),
  row(
    "two rows of one invoice asking 100 …",
    {
      发票代码: "3200231320",
      发票号码: "40000099",
      发票种类: "增值税普通发票",
      可红冲金额: "1000.00",
      本次红冲金额: "1000.00",
    },
    { kind: "rows", code: "DUPLICATE_ROW_CONFLICT" }
  ),
  row(
    "… and 300 (never merged silently)",
    {
      发票代码: "3200231320",
      发票号码: "40000099",
      发票种类: "增值税普通发票",
      可红冲金额: "1000.00",
      本次红冲金额: "300.00",
    },
    { kind: "rows", code: "DUPLICATE_ROW_CONFLICT" }
  ),
];

const grid = (): string[][] => [[...HEADERS], ...ROWS.map((r) => HEADERS.map((h) => r.cells[h] ?? ""))];

describe("one verdict for 发票红冲 rows: pane, CLI, =HC.CANREDFLUSH and sandbox agree", () => {
  let server: TestServer;
  const dir = tempDir();

  beforeAll(async () => {
    server = await startTestServer();
    await insertOrdinaryBlue(server, "3200231320", "40000091");
  });
  afterAll(async () => server?.close());

  it("the pane, `hongchong import` and =HC.CANREDFLUSH refuse the same rows with the same reason", async () => {
    const port = new FakePort({ blueInvoices: { grid: grid() } });
    const client = clientFor(server, "taxctl");
    const pre = await prepareRedFlush(port, client);
    if (!pre.ok) throw new Error(pre.refusal.message);
    expect(pre.value.remainingSource).toBe("gateway");
    // The pane: per sheet row, refused or not, and the refusal code.
    const pane = new Map<number, { eligible: boolean; codes: string[]; messages: string[] }>();
    for (const e of pre.value.entries) {
      for (const r of e.entry.rowIndexes) {
        const cellCodes = e.entry.cellErrors.map((c) => c.refusal.code);
        pane.set(r, {
          eligible: e.eligible,
          codes: e.reason ? [e.reason.code, ...cellCodes] : cellCodes,
          messages: [...(e.rowMessages?.get(r) ? [e.rowMessages.get(r)!] : [])],
        });
      }
    }

    // The CLI: the template with the same rows, validated by the real command.
    const file = join(dir, "blue.xlsx");
    await templateWithRows(
      "blue-red-flush",
      ROWS.map((r) => r.cells)
    ).xlsx.writeFile(file);
    const out = join(dir, "blue.out.xlsx");
    const run = spawnSync(process.execPath, [BIN, "import", file, "--kind", "blue-red-flush", "--out", out], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(run.stderr).not.toMatch(/at .+\.ts:\d+/);
    const ws = (await readBack(out)).worksheets[0];
    const header = (ws.getRow(1).values as unknown[]).slice(1).map((v) => String(v ?? ""));
    const reasonOf = (i: number) =>
      String(ws.getRow(i + 2).getCell(header.indexOf("失败原因") + 1).value ?? "");
    const redOf = (i: number) =>
      header.filter((_h, c) => {
        const f = ws.getRow(i + 2).getCell(c + 1).fill as ExcelJS.FillPattern | undefined;
        return f?.type === "pattern" && f.fgColor?.argb === "FFFFC7CE";
      });

    const disagreements: string[] = [];
    ROWS.forEach((r, i) => {
      const p = pane.get(i + 1)!;
      const cliRefused = reasonOf(i) !== "";
      const expectRefused = r.expected.kind !== "valid";
      if (p.eligible === expectRefused)
        disagreements.push(`${r.label}: pane ${p.eligible ? "可红冲" : p.codes.join(",")}`);
      if (cliRefused !== expectRefused)
        disagreements.push(`${r.label}: CLI ${cliRefused ? reasonOf(i) : "通过"}`);
      if (r.expected.kind !== "valid" && !p.codes.includes(r.expected.code)) {
        disagreements.push(`${r.label}: pane 的拒绝代码 ${p.codes.join(",")}，应含 ${r.expected.code}`);
      }
      if (r.expected.kind === "rows" && redOf(i).length === 0)
        disagreements.push(`${r.label}: CLI 未标红冲突单元格`);
      if (r.expected.kind === "rule") {
        const c = r.cells;
        const fn = canRedFlush(
          [[c.发票状态 ?? ""]],
          [[c.可红冲金额 ?? ""]],
          [[c.待开红冲金额 ?? ""]],
          [[c.本次红冲金额 ?? ""]],
          [[c.发票种类 ?? ""]],
          [[c.红冲原因 ?? ""]]
        );
        // the function answers with the catalogue's message of the same rule
        if (fn === true || !reasonOf(i).includes(String(fn))) {
          disagreements.push(`${r.label}: =HC.CANREDFLUSH → ${String(fn)}; CLI → ${reasonOf(i)}`);
        }
      }
      if (r.expected.kind === "valid") {
        const c = r.cells;
        const fn = canRedFlush(
          [[c.发票状态]],
          [[c.可红冲金额]],
          [[c.待开红冲金额 ?? ""]],
          [[c.本次红冲金额 ?? ""]],
          [[c.发票种类]],
          [[c.红冲原因 ?? ""]]
        );
        if (fn !== true) disagreements.push(`${r.label}: =HC.CANREDFLUSH → ${String(fn)}`);
      }
    });
    expect(disagreements).toEqual([]);

    // The sandbox: what the pane accepts goes out for real, and nothing comes back refused.
    const serials = (() => {
      let n = 0;
      return () => `HC-AGREE-RED-${String(++n).padStart(6, "0")}`;
    })();
    const done = await runRedFlush(port, client, pre.value, {
      orgTaxId: ORG_TAX_ID,
      newSerial: serials,
      yieldNow: async () => undefined,
    });
    expect(done.refusal).toBeNull();
    const statuses = ROWS.map(
      (r, i) =>
        `${r.label}: ${String(port.cell("blueInvoices", i + 1, "处理状态"))} ${String(port.cell("blueInvoices", i + 1, "失败原因") ?? "")}`
    );
    const valid = ROWS.flatMap((r, i) => (r.expected.kind === "valid" ? [statuses[i]] : []));
    expect(valid.filter((s) => !/: 成功/.test(s))).toEqual([]);
  });
});
