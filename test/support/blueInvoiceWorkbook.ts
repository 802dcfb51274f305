/**
 * A 蓝票清单 workbook of N rows, built straight into the fake's model (no sync): for adapter tests
 * and the write-back benchmark. Rows are deterministic; every `badTaxIdEvery`-th row gets a 购方税号
 * with a wrong check character so it fails at exactly that cell.
 */
import { isValidResidentId, uscCheckChar } from "../../src/domain/parse";
import { blueInvoicesSchema } from "../../src/sheet/schemas";
import { FakeWorkbook, type FakeSheet, type FakeWorkbookOptions } from "./fakeExcel";

/** The input headers of the sheet, in template order. */
export const BLUE_HEADERS: readonly string[] = blueInvoicesSchema.columns
  .filter(
    (c) =>
      !c.result && !["lineNo", "goodsName", "taxCode", "quantity", "unitPrice", "taxRate"].includes(c.key)
  )
  .map((c) => c.header);

/** A valid 18-character 统一社会信用代码 for seed `i` (GB 32100 check character computed). */
export function taxIdFor(i: number): string {
  const body = `91330100${String(i % 1_000_000_000).padStart(9, "0")}`;
  return body + uscCheckChar(body);
}

/** The same code with a wrong check character (one that is not a valid 居民身份证号码 either). */
export function badTaxIdFor(i: number): string {
  const good = taxIdFor(i);
  const wrong = ["1", "2", "3"]
    .map((c) => good.slice(0, 17) + c)
    .find((id) => id !== good && !isValidResidentId(id));
  return wrong as string;
}

/** What a clerk types into a number cell by mistake: a NOT_A_NUMBER at 本次红冲金额. */
export const BAD_AMOUNT_TEXT = "一百元";

/** Row `i` (0-based) of the list, cells in BLUE_HEADERS order, as Office.js would hand them over. */
export function blueInvoiceRow(
  i: number,
  opts: { badTaxId?: boolean; badAmount?: boolean } = {}
): Array<string | number> {
  const cents = 10_000 + ((i * 37) % 90_000); // 100.00 … 999.99
  const amount = cents / 100;
  const tax = Math.round(cents * 0.13) / 100;
  const byHeader: Record<string, string | number> = {
    发票代码: "033001900111",
    发票号码: String(10_000_000 + (i % 90_000_000)).padStart(8, "0"),
    发票种类: "增值税电子专用发票",
    审批状态: "无需审批",
    购方名称: `测试购方${i % 1000}有限公司`,
    购方税号: opts.badTaxId ? badTaxIdFor(i) : taxIdFor(i),
    销方税号: taxIdFor(999_999),
    发票状态: "正常",
    价税合计: Math.round((amount + tax) * 100) / 100,
    不含税金额: amount,
    税额: tax,
    可红冲金额: amount,
    待开红冲金额: 0,
    本次红冲金额: opts.badAmount ? BAD_AMOUNT_TEXT : amount,
    红冲原因: "开票有误",
    开票人: "张三",
    原蓝票日期: 45587, // 2024-10-22 as an Excel date serial
  };
  return BLUE_HEADERS.map((h) => byHeader[h] ?? "");
}

export interface BlueWorkbook {
  readonly workbook: FakeWorkbook;
  readonly sheet: FakeSheet;
  /** 0-based sheet rows of the data (header at row 0). */
  readonly dataRows: readonly number[];
}

/**
 * A fake workbook with sheet 蓝票清单: header in row 1, `n` invoices below, all rows selected.
 * Every `badTaxIdEvery`-th row (i % every = every − 1) has a bad 购方税号; every `badAmountEvery`-th
 * row, half a period earlier (i % every = every/2 − 1), has text in 本次红冲金额 — with both at 40,
 * 5% of the rows are bad, never twice the same row.
 */
export function buildBlueInvoiceWorkbook(
  n: number,
  opts: FakeWorkbookOptions & {
    readonly badTaxIdEvery?: number;
    readonly badAmountEvery?: number;
    readonly sheetName?: string;
  } = {}
): BlueWorkbook {
  const workbook = new FakeWorkbook(opts);
  const name = opts.sheetName ?? "蓝票清单";
  const sheet = workbook.addSheet(name);
  sheet.setValues(0, 0, [BLUE_HEADERS]);
  const every = opts.badTaxIdEvery ?? 0;
  const amountEvery = opts.badAmountEvery ?? 0;
  for (let i = 0; i < n; i++) {
    const row = blueInvoiceRow(i, {
      badTaxId: every > 0 && i % every === every - 1,
      badAmount: amountEvery > 1 && i % amountEvery === Math.floor(amountEvery / 2) - 1,
    });
    row.forEach((v, c) => {
      if (v !== "") sheet.putValue(i + 1, c, v);
    });
  }
  workbook.select(name, `A2:A${n + 1}`);
  return { workbook, sheet, dataRows: Array.from({ length: n }, (_, i) => i + 1) };
}
