/**
 * One verdict (issue 8): the agreement corpus of 红字信息表 rows (infoFormCorpus.ts, ≥ 300 rows:
 * valid, messy, one of each kind of invalid) checked
 *   - by the task pane's 批量引入 (validateBulkSheet through the real Office adapter over the
 *     in-memory Excel: red cells, notes, 失败原因),
 *   - by `hongchong import` (the real command in a subprocess: the annotated output workbook),
 *   - by the custom functions where one applies to a column (=HC.TAXID on 购方税号 / 销方税号),
 *   - by the sandbox over HTTP: every row sent as typed (what parses, parsed; what does not, as
 *     its raw text), past the add-in's own checks, with a bare protocol client.
 * The verdicts must agree row by row. The only refusals that may still come after a local pass are
 * the bureau's, listed here by name (BUREAU_ONLY_REASONS); every other one is a defect.
 *
 * Then a messy 2,000-row file goes through `hongchong import --submit` against the sandbox: no row
 * passes locally and is refused for a reason knowable locally, and every valid row is approved.
 */
import { readFileSync } from "fs";
import ExcelJS from "exceljs";
import { spawn, spawnSync } from "child_process";
import { join, resolve } from "path";
import { InfoFormApplicant, InfoFormInvoiceType } from "../../../src/domain/labels";
import { formatAmount } from "../../../src/domain/money";
import {
  normalizeText,
  parseAmount,
  parseDate,
  parseInvoiceCode,
  parseInvoiceNumber,
  parseRate,
  parseTaxId,
} from "../../../src/domain/parse";
import { applyTypeCode, infoFormInvoiceTypeCode } from "../../../src/gateway/codes";
import { ASSUMED_INTERFACE_CODES } from "../../../src/gateway/assumptions";
import { OfficeWorkbook } from "../../../src/sheet/office";
import { infoFormsSchema } from "../../../src/sheet/schemas";
import { columnKeyOfWireField } from "../../../src/sheet/wireFields";
import { FAILURE_FILL } from "../../../src/sheet/writePlan";
import { templateSheetData } from "../../../src/sheet/xlsx/templateData";
import {
  bulkPortOf,
  insertTemplate,
  templatePortOf,
  validateBulkSheet,
} from "../../../taskpane/workflows/bulkImport";
import { checkTaxId } from "../../../functions/functions";
import { FakeWorkbook } from "../../support/fakeExcel";
import { fakeHost } from "../../support/fakeHost";
import { readBack, templateWithRows, tempDir } from "../../unit/xlsx/helpers";
import { accessToken, account, call, startTestServer, type TestServer } from "../server/helpers";
import { SELLER, infoFormCorpus, type CorpusRow } from "./infoFormCorpus";

jest.setTimeout(240_000);

const ROOT = resolve(__dirname, "../../..");
const BIN = join(ROOT, "bin/hongchong.js");
const KIND = "info-form-import" as const;
const HEADERS = templateSheetData(KIND).columns.map((c) => c.header);

/** The simulated bureau's own reasons (审核失败): what no workbook can know. */
const BUREAU_ONLY_REASONS: readonly string[] = [
  "蓝票不存在",
  "销方税号与蓝票不符",
  "购方税号与蓝票不符",
  "发票类型与蓝票不符",
  "蓝票开票日期与蓝票不符",
  "红冲金额超过蓝票剩余可红冲金额",
];

interface LocalVerdict {
  /** Headers of the red cells. */
  readonly columns: readonly string[];
  /** 失败原因 as written. */
  readonly reason: string;
}

interface RemoteVerdict {
  readonly accepted: boolean;
  /** Our refusal code (extension), 审核失败 for a bureau rejection. */
  readonly code: string;
  readonly message: string;
  readonly bureauOnly: boolean;
  /** The header of the column the refusal names (refusalField mapped back), if it names one. */
  readonly column?: string;
}

const CORPUS = infoFormCorpus(330);

// ── the pane ─────────────────────────────────────────────────────────────────

async function paneVerdicts(rows: readonly CorpusRow[]): Promise<LocalVerdict[]> {
  const wb = new FakeWorkbook();
  wb.addSheet("Sheet1");
  const office = new OfficeWorkbook(fakeHost(wb));
  const inserted = await insertTemplate(templatePortOf(office)!, KIND);
  if (!inserted.ok) throw new Error(inserted.refusal.message);
  const s = wb.sheet(inserted.value.sheetName)!;
  rows.forEach((r, i) => {
    for (const [h, v] of Object.entries(r.cells)) {
      const c = HEADERS.indexOf(h);
      if (c < 0) throw new Error(`no column ${h}`);
      if (v === "") s.deleteValue(i + 1, c);
      else s.writeValue(i + 1, c, v);
    }
  });
  const r = await validateBulkSheet(bulkPortOf(office)!, { kind: KIND, yieldNow: async () => undefined });
  if (!r.ok) throw new Error(r.refusal.message);
  const red = new Set(s.filledCells(FAILURE_FILL));
  const reasonCol = HEADERS.indexOf("失败原因");
  return rows.map((_, i) => ({
    columns: HEADERS.filter((_h, c) => red.has(addressOf(c, i + 1))),
    reason: String(s.value(addressOf(reasonCol, i + 1)) ?? ""),
  }));
}

function addressOf(col: number, row0: number): string {
  let n = col + 1;
  let letters = "";
  while (n > 0) {
    const m = (n - 1) % 26;
    letters = String.fromCharCode(65 + m) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return `${letters}${row0 + 1}`;
}

/** An exceljs cell's value as text (1-based row and column). */
function xlsxText(ws: ExcelJS.Worksheet, row: number, col: number): string {
  return String(ws.getCell(row, col).value ?? "");
}

// ── the CLI ──────────────────────────────────────────────────────────────────

function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 200_000,
  });
}

async function cliVerdicts(file: string, out: string, count: number): Promise<LocalVerdict[]> {
  const r = runCli(["import", file, "--kind", KIND, "--out", out]);
  expect(r.stderr).not.toMatch(/at .+\.ts:\d+/); // no stack trace
  const ws = (await readBack(out)).worksheets[0];
  const header = (ws.getRow(1).values as unknown[]).slice(1).map((v) => String(v ?? ""));
  const reasonCol = header.indexOf("失败原因") + 1;
  const isRed = (cell: ExcelJS.Cell) => {
    const f = cell.fill as ExcelJS.FillPattern | undefined;
    return (
      f?.type === "pattern" &&
      String(f.fgColor?.argb ?? "")
        .toUpperCase()
        .endsWith(FAILURE_FILL.replace("#", "").toUpperCase())
    );
  };
  const verdicts: LocalVerdict[] = [];
  for (let i = 0; i < count; i++) {
    verdicts.push({
      columns: HEADERS.filter((h) => header.includes(h) && isRed(ws.getCell(i + 2, header.indexOf(h) + 1))),
      reason: xlsxText(ws, i + 2, reasonCol),
    });
  }
  return verdicts;
}

// ── the sandbox over HTTP ────────────────────────────────────────────────────

const present = (v: unknown): boolean => v !== undefined && v !== null && String(v).trim() !== "";
/** The parsed value where the cell parses, else its raw text: what a careless client would send. */
function typed<T>(
  raw: unknown,
  parse: (v: unknown) => { ok: boolean; value?: T | null },
  show: (t: T) => string
) {
  if (!present(raw)) return undefined;
  const p = parse(raw);
  return p.ok && p.value !== null && p.value !== undefined ? show(p.value) : String(raw);
}

/** 2.2.04 data for a corpus row, as typed. */
function wireRequest(row: CorpusRow, serialNo: string): Record<string, unknown> {
  const c = row.cells;
  const text = (v: unknown) => (present(v) ? String(v).trim() : undefined);
  const applicant = InfoFormApplicant.normalize(normalizeText(c.申请方) ?? "");
  const invoiceType = InfoFormInvoiceType.normalize(normalizeText(c.发票类型) ?? "");
  const amount = (v: unknown) =>
    typed(
      v,
      (x) => parseAmount(x, "金额", { allowNegative: true, exactDecimals: true }),
      (d) => formatAmount(d)
    );
  const d: Record<string, unknown> = {
    serialNo,
    sellerTaxpayerId: typed(c.销方税号, (x) => parseTaxId(x, "销方税号"), String),
    sellerName: text(c.销方名称),
    applyType: applicant ? applyTypeCode(applicant) : text(c.申请方),
    originalInvoiceCode: typed(c.原发票代码, (x) => parseInvoiceCode(x, "原发票代码"), String),
    originalInvoiceNumber: typed(c.原发票号码, (x) => parseInvoiceNumber(x, "原发票号码"), String),
    originalIssueTime: typed(c.蓝票开票日期, (x) => parseDate(x, "蓝票开票日期"), String),
    invoiceType: (invoiceType && infoFormInvoiceTypeCode(invoiceType)) ?? text(c.发票类型),
    buyerName: text(c.购方名称),
    buyerTaxpayerId: typed(c.购方税号, (x) => parseTaxId(x, "购方税号"), String),
    invoiceDetail: [
      {
        goodsName: text(c.货物名称),
        revenueCode: text(c.税收分类编码),
        amount: amount(c.金额),
        taxRate: typed(
          c.税率,
          (x) => parseRate(x, "税率"),
          (r) => r.toFixed()
        ),
        taxAmount: amount(c.税额),
        quantity: text(c.数量),
        price: text(c.单价),
        units: text(c.单位),
        specification: text(c.规格型号),
      },
    ],
  };
  return JSON.parse(JSON.stringify(d)) as Record<string, unknown>; // drop undefined
}

async function sandboxVerdicts(server: TestServer, rows: readonly CorpusRow[]): Promise<RemoteVerdict[]> {
  const taxctl = account(server, "taxctl");
  const token = await accessToken(server, taxctl);
  const out: RemoteVerdict[] = [];
  for (const [i, row] of rows.entries()) {
    const env = await call(
      server,
      token,
      ASSUMED_INTERFACE_CODES["2.2.04"],
      wireRequest(row, `AGREE-${i + 1}`),
      {
        as: taxctl,
      }
    );
    if (env.data?.success === false || env.errorCode !== "0") {
      const key = env.refusalField
        ? columnKeyOfWireField("infoForms", "2.2.04", String(env.refusalField))
        : undefined;
      const column = key ? infoFormsSchema.columns.find((c) => c.key === key)?.header : undefined;
      out.push({
        accepted: false,
        code: String(env.refusalCode ?? env.errorCode),
        message: String(env.message ?? ""),
        bureauOnly: false,
        ...(column ? { column } : {}),
      });
      continue;
    }
    const d = env.decoded as { status?: string; failReason?: string };
    const failed = d.status === "审核失败";
    out.push({
      accepted: !failed,
      code: failed ? "审核失败" : "",
      message: failed ? String(d.failReason ?? "") : "",
      bureauOnly: failed && BUREAU_ONLY_REASONS.includes(String(d.failReason ?? "")),
    });
  }
  return out;
}

// ── the test ─────────────────────────────────────────────────────────────────

describe("one verdict for 红字信息表 rows: pane, CLI, custom functions and sandbox agree", () => {
  let server: TestServer;
  const dir = tempDir();
  const file = join(dir, "corpus.xlsx");
  let pane: LocalVerdict[];
  let cli: LocalVerdict[];
  let remote: RemoteVerdict[];

  beforeAll(async () => {
    server = await startTestServer();
    await templateWithRows(
      KIND,
      CORPUS.map((r) => r.cells)
    ).xlsx.writeFile(file);
    [pane, cli, remote] = await Promise.all([
      paneVerdicts(CORPUS),
      cliVerdicts(file, join(dir, "corpus.out.xlsx"), CORPUS.length),
      sandboxVerdicts(server, CORPUS),
    ]);
  });
  afterAll(async () => server?.close());

  it("has at least 300 rows of every kind", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(300);
    const kinds = new Set(CORPUS.map((r) => r.expected.kind));
    expect([...kinds].sort()).toEqual(["bureau", "local", "valid"]);
  });

  it("the pane and `hongchong import` mark the same cells with the same reasons, row by row", () => {
    const diff = CORPUS.flatMap((r, i) =>
      JSON.stringify(pane[i]) === JSON.stringify(cli[i])
        ? []
        : [`第${i + 2}行 ${r.label}: pane ${JSON.stringify(pane[i])} ≠ cli ${JSON.stringify(cli[i])}`]
    );
    expect(diff).toEqual([]);
  });

  it("every row gets the verdict it was written to get, on the cells it was written to fail on", () => {
    const wrong = CORPUS.flatMap((r, i) => {
      const v = pane[i];
      const refused = v.reason !== "";
      if (r.expected.kind === "local") {
        const missing = r.expected.columns.filter((c) => !v.columns.includes(c));
        return refused && missing.length === 0
          ? []
          : [
              `第${i + 2}行 ${r.label}: 应在 ${r.expected.columns.join("、")} 标红，实际 ${JSON.stringify(v)}`,
            ];
      }
      return refused ? [`第${i + 2}行 ${r.label}: 应通过本地校验，实际 ${v.reason}`] : [];
    });
    expect(wrong).toEqual([]);
  });

  it("=HC.TAXID agrees with the pane on every 购方税号 and 销方税号", () => {
    const wrong = CORPUS.flatMap((r, i) =>
      (["购方税号", "销方税号"] as const).flatMap((h) => {
        const fn = checkTaxId([[r.cells[h] ?? ""]])[0][0];
        const paneRefused = pane[i].columns.includes(h);
        return (fn === true) === !paneRefused
          ? []
          : [`第${i + 2}行 ${h}: HC.TAXID=${String(fn)}, pane ${paneRefused ? "标红" : "通过"}`];
      })
    );
    expect(wrong).toEqual([]);
  });

  it("the sandbox refuses exactly the rows refused locally, plus the bureau-only ones it names", () => {
    const passLocallyRefusedRemotely = CORPUS.flatMap((r, i) =>
      pane[i].reason === "" && !remote[i].accepted && !remote[i].bureauOnly
        ? [`第${i + 2}行 ${r.label}: 本地通过，网关拒绝 ${remote[i].code} ${remote[i].message}`]
        : []
    );
    const refusedLocallyAcceptedRemotely = CORPUS.flatMap((r, i) =>
      pane[i].reason !== "" && remote[i].accepted
        ? [`第${i + 2}行 ${r.label}: 本地拒绝（${pane[i].reason}），网关通过`]
        : []
    );
    process.stdout.write(
      `agreement corpus: ${JSON.stringify({
        rows: CORPUS.length,
        refusedLocally: pane.filter((v) => v.reason !== "").length,
        refusedBySandbox: remote.filter((v) => !v.accepted).length,
        refusedByBureauOnly: remote.filter((v) => v.bureauOnly).length,
        accepted: remote.filter((v) => v.accepted).length,
        passLocallyRefusedRemotely: passLocallyRefusedRemotely.length,
        refusedLocallyAcceptedRemotely: refusedLocallyAcceptedRemotely.length,
      })}\n`
    );
    expect(passLocallyRefusedRemotely).toEqual([]);
    expect(refusedLocallyAcceptedRemotely).toEqual([]);
    // A row refused on both sides is refused for the same thing: the sandbox names a field, and it is
    // a column the pane marked red; never a bureau-only reason for a mistake the sheet shows.
    const otherPlace = CORPUS.flatMap((r, i) =>
      pane[i].reason !== "" &&
      (remote[i].bureauOnly || remote[i].column === undefined || !pane[i].columns.includes(remote[i].column!))
        ? [
            `第${i + 2}行 ${r.label}: 本地标红 ${pane[i].columns.join("、")}，网关 ${remote[i].column ?? "未指明字段"}（${remote[i].code} ${remote[i].message}）`,
          ]
        : []
    );
    expect(otherPlace).toEqual([]);
    // the bureau-only rows are refused by the sandbox with the reason they were written for
    const bureau = CORPUS.flatMap((r, i) =>
      r.expected.kind === "bureau" && !(remote[i].bureauOnly && remote[i].message === r.expected.reason)
        ? [`第${i + 2}行 ${r.label}: ${JSON.stringify(remote[i])}`]
        : []
    );
    expect(bureau).toEqual([]);
    expect(remote.filter((v) => v.accepted).length).toBe(
      CORPUS.filter((r) => r.expected.kind === "valid").length
    );
  });
});

describe("a messy 2,000-row file through `hongchong import --submit`", () => {
  let server: TestServer;
  const dir = tempDir();
  const file = join(dir, "messy-2000.xlsx");
  const rows = infoFormCorpus(2000, 7);
  let originalBytes: Buffer;

  beforeAll(async () => {
    server = await startTestServer({});
    await templateWithRows(
      KIND,
      rows.map((r) => r.cells)
    ).xlsx.writeFile(file);
    originalBytes = readFileSync(file);
  });
  afterAll(async () => server?.close());

  it("sends only locally valid forms, and none of them is refused for a reason knowable locally", async () => {
    const a = account(server, "taxctl");
    const env = {
      HONGCHONG_APP_ID: a.appId,
      HONGCHONG_APP_SECRET: a.appSecret,
      HONGCHONG_ACCOUNT_ID: a.accountId,
      HONGCHONG_USER: a.user,
    };
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((res) => {
      const p = spawn(
        process.execPath,
        [BIN, "import", file, "--kind", KIND, "--submit", "--gateway", server.url],
        {
          cwd: ROOT,
          env: { ...process.env, ...env },
        }
      );
      let stdout = "";
      let stderr = "";
      p.stdout.on("data", (b) => (stdout += String(b)));
      p.stderr.on("data", (b) => (stderr += String(b)));
      p.on("close", (status) => res({ status, stdout, stderr }));
    });
    expect(r.stderr).not.toMatch(/at .+\.ts:\d+/);
    // Progress on stderr (not a terminal here: plain lines, the last one with the time taken).
    expect(r.stderr).toMatch(/提交发票云 (\d+)\/\1 张单据（100%），用时 \d+/);
    // The user's file is left as it was; the results are in messy-2000.提交结果.xlsx.
    expect(readFileSync(file).equals(originalBytes)).toBe(true);
    const ws = (await readBack(join(dir, "messy-2000.提交结果.xlsx"))).worksheets[0];
    const header = (ws.getRow(1).values as unknown[]).slice(1).map((v) => String(v ?? ""));
    const col = (h: string) => header.indexOf(h) + 1;
    const verdicts = rows.map((row, i) => {
      return {
        row,
        status: xlsxText(ws, i + 2, col("处理状态")),
        reason: xlsxText(ws, i + 2, col("失败原因")),
        serial: xlsxText(ws, i + 2, col("流水号")),
        formNo: xlsxText(ws, i + 2, col("红字信息表编码")),
      };
    });
    const sent = verdicts.filter((v) => v.serial !== "");
    const knowableRefusals = sent.filter(
      (v) => !v.status.startsWith("成功") && !BUREAU_ONLY_REASONS.some((b) => v.reason.includes(b))
    );
    const summary = {
      rows: rows.length,
      sent: sent.length,
      approved: verdicts.filter((v) => v.status.startsWith("成功")).length,
      refusedLocally: verdicts.filter((v) => v.serial === "" && v.reason !== "").length,
      refusedByBureau: sent.filter((v) => BUREAU_ONLY_REASONS.some((b) => v.reason.includes(b))).length,
      knowableRefusals: knowableRefusals.length,
    };
    // The figures for the closing note (printed once per run).
    process.stdout.write(`agreement 2000: ${JSON.stringify(summary)}\n`);
    expect(knowableRefusals.map((v) => `${v.row.label}: ${v.reason}`)).toEqual([]);
    expect(summary.approved).toBe(rows.filter((x) => x.expected.kind === "valid").length);
    expect(summary.refusedLocally).toBe(rows.filter((x) => x.expected.kind === "local").length);
    expect(summary.refusedByBureau).toBe(rows.filter((x) => x.expected.kind === "bureau").length);
    expect(r.stdout).toContain(`${summary.approved} 行成功`);
    expect(a.taxId).toBe(SELLER.taxId);
  });
});
