/**
 * `hongchong export`: lists from the cloud → a workbook with the sheet layer's Chinese headers, so
 * an exported sheet imports back with the same schema. Cell rules:
 * - amounts: numbers (value from the exact decimal string, rounded half-up to 2 dp), "#,##0.00";
 * - quantities and unit prices: text, every decimal kept;
 * - dates: real Excel dates (UTC components = the China wall clock, exceljs's convention);
 * - every other value: text. Text from the cloud that Excel could read as a formula (= + - @, tab,
 *   CR) is a string cell with the text format "@", never a formula object — it stays text even when
 *   a user edits the cell. [decision] No apostrophe is added: it would change the data (round trip).
 * Fetching is behind `ExportSource` (in-memory in tests, the gateway client in the CLI); every list
 * is read whole or refused (src/sheet/paging.ts). The file is written by exceljs's streaming writer,
 * a row at a time, so the workbook itself is never held in memory.
 */
import ExcelJS from "exceljs";
import {
  applicantOfApplyType,
  codeToReason,
  confirmStatusLabel,
  infoFormInvoiceTypeLabel,
  poolInvoiceTypeLabel,
  roleOfIdentity,
} from "../../gateway/codes";
import type { InputInvoiceHeader, RedConfirmBillDetail, RedInfoFormSummary } from "../../gateway/payloads";
import { Dec, formatAmount, formatQty, isDecimalText } from "../../domain/money";
import { fail, type Result } from "../../domain/refusals";
import { confirmFormsSchema, infoFormsSchema, inputPoolSchema, type SheetSchema } from "../schemas";

export const EXPORT_KINDS = ["info-forms", "confirm-forms", "input-pool", "download-tasks"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export function isExportKind(s: string): s is ExportKind {
  return (EXPORT_KINDS as readonly string[]).includes(s);
}

/**
 * [decision] Most data rows one export writes (issue 11 D5): above it the export is refused with the
 * total (EXPORT_TOO_MANY_ROWS, the CLI exits non-zero), never cut. The records are held in memory
 * while the sheet streams out: 200,000 红字确认单 rows took 0.45 GB peak RSS and 18 s (50,000: 0.21 GB;
 * the in-memory workbook took 1.46 GB for 50,000), well below a sheet's 1,048,575 rows.
 */
export const EXPORT_MAX_ROWS = 200_000;

export interface ExportQuery {
  /** Tax ID of the organization (组织税号). */
  readonly org?: string;
  /** yyyy-MM-dd, inclusive. */
  readonly from?: string;
  readonly to?: string;
  /** Download task numbers (4.03). */
  readonly tasks?: readonly string[];
}

/** A download task as §4.10 lists its record fields (those the cloud returns). */
export interface DownloadTaskRecord {
  readonly taskNo: string;
  readonly taxNo?: string;
  readonly status?: string;
  readonly total?: string;
  readonly succeeded?: string;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly failReason?: string;
}

export interface ExportSource {
  infoForms(q: ExportQuery): Promise<Result<readonly RedInfoFormSummary[]>>;
  confirmForms(q: ExportQuery): Promise<Result<readonly RedConfirmBillDetail[]>>;
  inputPool(q: ExportQuery): Promise<Result<readonly InputInvoiceHeader[]>>;
  downloadTasks(q: ExportQuery): Promise<Result<readonly DownloadTaskRecord[]>>;
}

// ── Cells ────────────────────────────────────────────────────────────────────

export type ExportCellType = "text" | "amount" | "quantity" | "date" | "datetime";

export interface ExportColumn<R> {
  readonly header: string;
  readonly type: ExportCellType;
  readonly get: (r: R) => string | number | null | undefined;
  readonly width?: number;
}

const DATE_TEXT = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?/;

/** "2024-10-22 10:44:24" → a Date whose UTC components are that wall clock; null if not a date. */
export function excelDate(text: string): Date | null {
  const m = DATE_TEXT.exec(text.trim());
  if (!m) return null;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)));
  return Number.isNaN(d.getTime()) || d.getUTCDate() !== +m[3] ? null : d;
}

const NUM_FMT: Readonly<Record<ExportCellType, string>> = {
  text: "@",
  amount: "#,##0.00",
  quantity: "@",
  date: "yyyy-mm-dd",
  datetime: "yyyy-mm-dd hh:mm:ss",
};

/** The value and format of one exported cell. Anything that does not fit its type is kept as text. */
export function exportCell(
  type: ExportCellType,
  raw: string | number | null | undefined
): {
  value: string | number | Date | null;
  numFmt: string;
} {
  if (raw === null || raw === undefined || raw === "") return { value: null, numFmt: NUM_FMT[type] };
  const s = String(raw).trim();
  if (type === "amount" && isDecimalText(s)) {
    // The double nearest to the 2-dp decimal: what Excel itself would store for that text.
    return { value: Number(formatAmount(s)), numFmt: NUM_FMT.amount };
  }
  if (type === "quantity" && isDecimalText(s)) return { value: formatQty(new Dec(s)), numFmt: "@" };
  if (type === "date" || type === "datetime") {
    const d = excelDate(s);
    if (d) return { value: d, numFmt: NUM_FMT[type] };
  }
  return { value: String(raw), numFmt: "@" };
}

// ── Columns per kind (headers from the sheet layer's schemas) ────────────────

function headerOf(schema: SheetSchema, key: string): string {
  const col = schema.columns.find((c) => c.key === key);
  if (!col) throw new Error(`schema ${schema.kind} has no column ${key}`);
  return col.header;
}

const col = <R>(
  schema: SheetSchema,
  key: string,
  type: ExportCellType,
  get: (r: R) => string | number | null | undefined
): ExportColumn<R> => ({ header: headerOf(schema, key), type, get });

const INFO_FORM_COLUMNS: readonly ExportColumn<RedInfoFormSummary>[] = [
  col(infoFormsSchema, "infoFormNumber", "text", (r) => r.redInfoBillNo),
  col(infoFormsSchema, "blueInvoiceCode", "text", (r) => r.originalInvoiceCode),
  col(infoFormsSchema, "blueInvoiceNo", "text", (r) => r.originalInvoiceNumber),
  col(infoFormsSchema, "applicant", "text", (r) =>
    r.applyType ? (applicantOfApplyType(r.applyType) ?? r.applyType) : r.applyType
  ),
  col(infoFormsSchema, "invoiceType", "text", (r) =>
    r.invoiceType ? (infoFormInvoiceTypeLabel(r.invoiceType) ?? r.invoiceType) : r.invoiceType
  ),
  col(infoFormsSchema, "buyerName", "text", (r) => r.buyerName),
  col(infoFormsSchema, "buyerTaxId", "text", (r) => r.buyerTaxpayerId),
  col(infoFormsSchema, "redInvoiceCode", "text", (r) => r.redInvoiceCode),
  col(infoFormsSchema, "redInvoiceNumber", "text", (r) => r.redInvoiceNumber),
  col(infoFormsSchema, "auditDate", "date", (r) => r.auditDate),
  { header: "填开日期", type: "date", get: (r) => r.fillDate },
  col(infoFormsSchema, "infoFormStatus", "text", (r) => r.status),
  col(infoFormsSchema, "failureReason", "text", (r) => r.failReason),
];

/** One row per line of a 红字确认单 (header fields repeated), or one row when it has no lines. */
interface ConfirmFormRow {
  readonly form: RedConfirmBillDetail;
  readonly line: NonNullable<RedConfirmBillDetail["invoiceDetail"]>[number] | null;
}

const CONFIRM_FORM_COLUMNS: readonly ExportColumn<ConfirmFormRow>[] = [
  col(confirmFormsSchema, "formNumber", "text", (r) => r.form.redInfoBillNo),
  col(confirmFormsSchema, "blueInvoiceNumber", "text", (r) => r.form.originalInvoiceNumber),
  col(confirmFormsSchema, "blueInvoiceCode", "text", (r) => r.form.originalInvoiceCode),
  col(confirmFormsSchema, "blueIssueDate", "datetime", (r) => r.form.originalIssueTime),
  col(confirmFormsSchema, "redReason", "text", (r) =>
    r.form.redReason ? (codeToReason(r.form.redReason) ?? r.form.redReason) : r.form.redReason
  ),
  col(confirmFormsSchema, "entryDate", "datetime", (r) => r.form.redConfirmEnterDate),
  col(confirmFormsSchema, "confirmStatus", "text", (r) => r.form.redConfirmBillStatus),
  { header: "确认状态说明", type: "text", get: (r) => confirmStatusLabel(r.form.redConfirmBillStatus) },
  col(confirmFormsSchema, "confirmDate", "datetime", (r) => r.form.confirmDate),
  col(confirmFormsSchema, "entrantRole", "text", (r) =>
    r.form.enteridentity ? (roleOfIdentity(r.form.enteridentity) ?? r.form.enteridentity) : undefined
  ),
  { header: "销方税号", type: "text", get: (r) => r.form.sellerTaxpayerId },
  { header: "销方名称", type: "text", get: (r) => r.form.sellerName },
  { header: "购方税号", type: "text", get: (r) => r.form.buyerTaxpayerId },
  { header: "购方名称", type: "text", get: (r) => r.form.buyerName },
  col(confirmFormsSchema, "redInvoiceNumber", "text", (r) => r.form.redInvoiceNumber),
  col(confirmFormsSchema, "lineNo", "text", (r) =>
    r.line?.originalSeq !== undefined ? String(r.line.originalSeq) : undefined
  ),
  col(confirmFormsSchema, "goodsName", "text", (r) => r.line?.goodsName),
  col(confirmFormsSchema, "taxCode", "text", (r) => r.line?.revenueCode),
  col(confirmFormsSchema, "spec", "text", (r) => r.line?.specification),
  col(confirmFormsSchema, "unit", "text", (r) => r.line?.units),
  col(confirmFormsSchema, "quantity", "quantity", (r) => r.line?.quantity),
  col(confirmFormsSchema, "unitPrice", "quantity", (r) => r.line?.price),
  col(confirmFormsSchema, "amount", "amount", (r) => (r.line ? r.line.amount : r.form.redAmount)),
  col(confirmFormsSchema, "taxRate", "text", (r) => r.line?.taxRate),
  col(confirmFormsSchema, "taxAmount", "amount", (r) => (r.line ? r.line.taxAmount : r.form.redTaxAmount)),
];

const INPUT_POOL_COLUMNS: readonly ExportColumn<InputInvoiceHeader>[] = [
  col(inputPoolSchema, "invoiceType", "text", (r) => poolInvoiceTypeLabel(r.invoiceType)),
  col(inputPoolSchema, "invoiceCode", "text", (r) => r.invoiceCode),
  col(inputPoolSchema, "invoiceNumber", "text", (r) => r.invoiceNo ?? r.etaxInvoiceNo),
  col(inputPoolSchema, "issueDate", "date", (r) => r.invoiceDate),
  col(inputPoolSchema, "sellerName", "text", (r) => r.salerName),
  col(inputPoolSchema, "sellerTaxId", "text", (r) => r.salerTaxNo),
  col(inputPoolSchema, "amount", "amount", (r) => r.invoiceAmount),
  col(inputPoolSchema, "taxAmount", "amount", (r) => r.totalTaxAmount),
  col(inputPoolSchema, "totalAmount", "amount", (r) => r.totalTaxInclAmount),
  col(inputPoolSchema, "invoiceStatus", "text", (r) => r.invoiceStatus),
  col(inputPoolSchema, "selectStatus", "text", (r) => r.selectStatus),
  col(inputPoolSchema, "deductionStatus", "text", (r) => r.deductionStatus),
];

/** §4.10 task record fields the cloud returns for a task. */
const DOWNLOAD_TASK_COLUMNS: readonly ExportColumn<DownloadTaskRecord>[] = [
  { header: "任务ID", type: "text", get: (r) => r.taskNo },
  { header: "税号", type: "text", get: (r) => r.taxNo },
  { header: "开始时间", type: "datetime", get: (r) => r.startTime },
  { header: "结束时间", type: "datetime", get: (r) => r.endTime },
  { header: "下载状态", type: "text", get: (r) => r.status },
  { header: "下载总数", type: "text", get: (r) => r.total },
  { header: "成功数量", type: "text", get: (r) => r.succeeded },
  { header: "失败原因", type: "text", get: (r) => r.failReason },
];

export const EXPORT_SHEET_NAMES: Readonly<Record<ExportKind, string>> = {
  "info-forms": "红字信息表",
  "confirm-forms": "红字确认单",
  "input-pool": "进项发票池",
  "download-tasks": "下载任务",
};

/**
 * Lay out one list as a sheet: header, typed cells, frozen header, an autofilter over the list,
 * widths; rows committed as written.
 */
export function addExportSheet<R>(
  wb: ExcelJS.Workbook,
  name: string,
  columns: readonly ExportColumn<R>[],
  records: readonly R[]
): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1, xSplit: 0 }] });
  ws.columns = columns.map((c) => ({
    width: c.width ?? (c.type === "datetime" ? 21 : c.type === "amount" ? 16 : 20),
    style: { numFmt: NUM_FMT[c.type] },
  }));
  const header = ws.getRow(1);
  columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.style = { font: { bold: true }, numFmt: "@" };
  });
  header.commit();
  records.forEach((rec, r) => {
    const row = ws.getRow(r + 2);
    columns.forEach((c, i) => {
      const { value, numFmt } = exportCell(c.type, c.get(rec));
      if (value === null) return;
      const cell = row.getCell(i + 1);
      cell.value = value;
      cell.style = { numFmt };
    });
    row.commit();
  });
  if (columns.length > 0)
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: records.length + 1, column: columns.length } };
  return ws;
}

/** One export's rows, ready to lay out. */
interface ExportSheet {
  readonly rows: number;
  add(wb: ExcelJS.Workbook): ExcelJS.Worksheet;
}

const sheetOf = <R>(kind: ExportKind, columns: readonly ExportColumn<R>[], records: readonly R[]) => ({
  ok: true as const,
  value: {
    rows: records.length,
    add: (wb: ExcelJS.Workbook) => addExportSheet(wb, EXPORT_SHEET_NAMES[kind], columns, records),
  },
});

async function exportSheet(
  kind: ExportKind,
  source: ExportSource,
  q: ExportQuery
): Promise<Result<ExportSheet>> {
  switch (kind) {
    case "info-forms": {
      const r = await source.infoForms(q);
      return r.ok ? sheetOf(kind, INFO_FORM_COLUMNS, r.value) : r;
    }
    case "confirm-forms": {
      const r = await source.confirmForms(q);
      if (!r.ok) return r;
      const rows: ConfirmFormRow[] = r.value.flatMap((form): ConfirmFormRow[] =>
        form.invoiceDetail && form.invoiceDetail.length
          ? form.invoiceDetail.map((line) => ({ form, line }))
          : [{ form, line: null }]
      );
      return sheetOf(kind, CONFIRM_FORM_COLUMNS, rows);
    }
    case "input-pool": {
      const r = await source.inputPool(q);
      return r.ok ? sheetOf(kind, INPUT_POOL_COLUMNS, r.value) : r;
    }
    case "download-tasks": {
      const r = await source.downloadTasks(q);
      return r.ok ? sheetOf(kind, DOWNLOAD_TASK_COLUMNS, r.value) : r;
    }
  }
}

/**
 * Fetch the list of `kind` and write it to `file` as one sheet. Nothing is written when the list is
 * refused (incomplete, or above EXPORT_MAX_ROWS rows).
 */
export async function writeExportWorkbook(
  kind: ExportKind,
  source: ExportSource,
  q: ExportQuery,
  file: string
): Promise<Result<{ rows: number }>> {
  const sheet = await exportSheet(kind, source, q);
  if (!sheet.ok) return sheet;
  const { rows } = sheet.value;
  if (rows > EXPORT_MAX_ROWS)
    return fail("EXPORT_TOO_MANY_ROWS", {
      list: EXPORT_SHEET_NAMES[kind],
      total: rows,
      cap: EXPORT_MAX_ROWS,
    });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true });
  wb.creator = "hongchong";
  sheet.value.add(wb).commit();
  await wb.commit();
  return { ok: true, value: { rows } };
}
