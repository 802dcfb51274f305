/**
 * Shared pieces of the task pane's workflows: the slice of the gateway client they use, progress and
 * cancel plumbing, reading parsed cells, and building write-backs that only touch result columns —
 * with the cells a refusal names marked, local verdicts and gateway refusals alike.
 * Plain TypeScript, no React and no Office: tests drive it with a fake port and a fake client.
 */
import { Dec, formatAmount, toDec } from "../../src/domain/money";
import { refusal, type Refusal, type Result } from "../../src/domain/refusals";
import {
  BlueInvoiceQueryData,
  EXTENSIONS,
  type BlueInvoiceInfo,
  type GatewayClient,
  type GatewayResult,
  type InterfaceSpec,
  type Page,
  type RedInfoFormInfo,
} from "../../src/gateway";
import { fetchAllPages, MAX_LIST_ITEMS } from "../../src/sheet/paging";
import type { ParsedValue } from "../../src/sheet/mapping";
import type { RowWriteBack } from "../../src/sheet/port";
import { PROCESS_STATUS, schemaOf, type SheetKind } from "../../src/sheet/schemas";
import {
  placeOfRefusal,
  withClerkWording,
  type DocumentRows,
  type RowBuiltInterface,
} from "../../src/sheet/wireFields";

/** What the workflows call on the gateway client (a fake implements just this in tests). */
export type WorkflowClient = Pick<
  GatewayClient,
  | "call"
  | "reasonCode"
  | "quickRedFlushTaxControl"
  | "issueTaxControlRed"
  | "applyRedInfoForm"
  | "downloadRedInfoForms"
  | "redFlushDigital"
  | "applyRedConfirmBill"
  | "revokeRedConfirmBill"
  | "confirmRedConfirmBill"
  | "queryRedConfirmBills"
  | "downloadRedConfirmBills"
  | "startInputCollection"
  | "queryInputCollection"
  | "queryInvoice"
>;

export interface WorkflowProgress {
  readonly done: number;
  readonly total: number;
  /** Short Chinese text of the current step (shown next to the bar, announced by aria-live). */
  readonly label: string;
}

export interface RunControl {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: WorkflowProgress) => void;
  /** Lets the UI breathe between chunks; tests pass a no-op. Default: a macrotask. */
  readonly yieldNow?: () => Promise<void>;
}

/** One macrotask: long loops await this between chunks so the pane never freezes. */
export const yieldToUi = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export function aborted(ctl: RunControl): boolean {
  return ctl.signal?.aborted === true;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

// ── Gateway answers ──────────────────────────────────────────────────────────

/** The refusal of our own gateway's HC.* extensions in relay mode: the clerk does it in 发票云. */
export function isSandboxOnly(r: Refusal): boolean {
  return r.code === "GW_SANDBOX_ONLY";
}

/** No answer came back: the outcome is unknown, the row keeps its serialNo for a re-query. */
export function isUnknownOutcome(r: Refusal): boolean {
  return r.code === "GW_TIMEOUT" || r.code === "GW_NETWORK" || r.code === "GW_SERVER_ERROR";
}

export function asResult<T>(r: GatewayResult<T>): Result<T> {
  return r.ok ? { ok: true, value: r.data } : { ok: false, refusal: r.refusal };
}

/** Call an HC.* extension and return its decoded JSON value. */
export async function callExtension<T>(
  client: WorkflowClient,
  spec: InterfaceSpec,
  data: unknown
): Promise<Result<T>> {
  const r = await client.call(spec, data);
  return r.ok ? { ok: true, value: r.data.value as T } : { ok: false, refusal: r.refusal };
}

// ── Lists of the HC.* extensions, read whole (issue 11 D5) ───────────────────

/** Page size the pane asks of an HC.* list (the sandbox's largest is 500 or 1000); the total decides the end. */
const EXTENSION_PAGE_SIZE = 500;
/** Most invoice numbers one HC.BLUEINVOICE.QUERY takes (its schema's invoiceNos.maxItems). */
const BLUE_QUERY_MAX_NUMBERS =
  (BlueInvoiceQueryData.properties.invoiceNos as { maxItems?: number }).maxItems ?? EXTENSION_PAGE_SIZE;

/** Every page of an HC.* extension answering `Page<T>`, for `data` (pageNo/pageSize added). */
async function allOfExtension<T>(
  client: WorkflowClient,
  spec: InterfaceSpec,
  data: Readonly<Record<string, unknown>>,
  list: string
): Promise<Result<T[]>> {
  return fetchAllPages(
    async (pageNo, pageSize) => {
      const r = await callExtension<Page<T>>(client, spec, { ...data, pageNo, pageSize });
      return r.ok ? { ok: true, value: { ...r.value, items: r.value.items ?? [] } } : r;
    },
    { list, pageSize: EXTENSION_PAGE_SIZE, maxItems: MAX_LIST_ITEMS }
  );
}

/**
 * The gateway's records (HC.BLUEINVOICE.QUERY) of these blue invoice numbers: asked in groups the
 * interface accepts, each group read to its total.
 */
export async function queryBlueInvoices(
  client: WorkflowClient,
  invoiceNos: readonly string[]
): Promise<Result<BlueInvoiceInfo[]>> {
  const out: BlueInvoiceInfo[] = [];
  for (let i = 0; i < invoiceNos.length; i += BLUE_QUERY_MAX_NUMBERS) {
    const invoiceNosOfGroup = invoiceNos.slice(i, i + BLUE_QUERY_MAX_NUMBERS);
    const r = await allOfExtension<BlueInvoiceInfo>(
      client,
      EXTENSIONS.blueInvoiceQuery,
      { invoiceNos: invoiceNosOfGroup },
      "蓝字发票"
    );
    if (!r.ok) return r;
    for (const b of r.value) out.push(b);
  }
  return { ok: true, value: out };
}

/** Every 红字信息表 of the organisation in the gateway's list (HC.REDINFOBILL.LIST). */
export function listInfoForms(client: WorkflowClient): Promise<Result<RedInfoFormInfo[]>> {
  return allOfExtension<RedInfoFormInfo>(client, EXTENSIONS.redInfoFormList, {}, "红字信息表");
}

// ── Parsed cells ─────────────────────────────────────────────────────────────

/** A cell as text (exact decimals as their digits), or null when blank. */
export function textOf(v: ParsedValue | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Dec) return v.toFixed();
  if (typeof v === "boolean") return v ? "是" : "否";
  const s = String(v).trim();
  return s === "" ? null : s;
}

/** A cell as an exact decimal, or null (blank, or not a number). */
export function decOf(v: ParsedValue | undefined): Dec | null {
  if (v instanceof Dec) return v;
  if (typeof v === "string" && v.trim() !== "") {
    try {
      return toDec(v.replace(/,/g, ""));
    } catch {
      return null;
    }
  }
  return null;
}

export function amountText(v: Dec | null | undefined): string {
  return v === null || v === undefined ? "" : formatAmount(v);
}

// ── Time (China, UTC+8: the bureau's clock) ─────────────────────────────────

const pad = (n: number): string => String(n).padStart(2, "0");

/** `yyyy-MM-dd HH:mm:ss` in China time. */
export function chinaDateTime(epochMs: number): string {
  const d = new Date(epochMs + 8 * 3600 * 1000);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

export function chinaDate(epochMs: number): string {
  return chinaDateTime(epochMs).slice(0, 10);
}

// ── Write-back ───────────────────────────────────────────────────────────────

/** Names of values a workflow may produce that a sheet kind has no column for. */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  confirmStatus: "确认状态",
  serialNo: "流水号",
  redFormNumber: "单据编号",
  infoFormStatus: "信息表状态",
};

export interface CellMark {
  readonly columnKey: string;
  readonly message: string;
  /** The one row of a document the mark belongs to; absent: every row it is written with. */
  readonly rowIndex?: number;
}

/** A refusal as the sheet shows it: the clerk's wording and the cell it names, if any. */
export interface RefusalOnSheet {
  /** The message with column headers instead of wire paths (失败原因 of every row of the document). */
  readonly message: string;
  /** The refused cell (on its row), or none when the refusal names no field with a column. */
  readonly cellErrors: readonly CellMark[];
}

/**
 * A refusal of a request built from `doc`'s rows on `kind`'s sheet. `r.field` (a `data` path, from
 * the client's pre-send check or the gateway) becomes the CellMark of its column on its row, so a
 * gateway refusal is filled red with a note like a local verdict (writeBackFor → planWrite).
 */
export function refusalOnSheet(
  kind: SheetKind,
  iface: RowBuiltInterface,
  r: Refusal,
  doc: DocumentRows
): RefusalOnSheet {
  const worded = withClerkWording(kind, iface, r);
  const place = placeOfRefusal(kind, iface, worded, doc);
  return {
    message: worded.message,
    cellErrors: place?.columnKey
      ? [{ columnKey: place.columnKey, message: worded.message, rowIndex: place.rowIndex }]
      : [],
  };
}

/**
 * The write-backs of a refused document: 处理状态 失败 (so the clerk can filter) and the clerk's
 * message as 失败原因 on every row, the cell the refusal names marked, plus `values`.
 */
export function refusedWriteBacks(
  kind: SheetKind,
  iface: RowBuiltInterface,
  r: Refusal,
  doc: DocumentRows,
  values: Readonly<Record<string, string | undefined>> = {}
): RowWriteBack[] {
  const placed = refusalOnSheet(kind, iface, r, doc);
  return doc.rows.map((rowIndex) =>
    writeBackFor(
      kind,
      rowIndex,
      { ...values, processStatus: PROCESS_STATUS.failure, failureReason: placed.message },
      placed.cellErrors
    )
  );
}

/**
 * A write-back for `kind` that only names the kind's result columns (the port refuses others), with
 * the cell marks of this row (a mark for another row of the same document is left out).
 * A value without a column (e.g. 确认状态 on a sheet that has none) is not lost: it is appended to
 * 处理状态 in brackets, so the clerk still sees it.
 */
export function writeBackFor(
  kind: SheetKind,
  rowIndex: number,
  values: Readonly<Record<string, string | undefined>>,
  cellErrors: readonly CellMark[] = []
): RowWriteBack {
  const schema = schemaOf(kind);
  const resultKeys = new Set(schema.columns.filter((c) => c.result).map((c) => c.key));
  const out: Record<string, string> = {};
  const folded: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (resultKeys.has(key)) out[key] = value;
    else if (value !== "") folded.push(`${FIELD_LABELS[key] ?? key}：${value}`);
  }
  if (folded.length > 0 && resultKeys.has("processStatus") && out.processStatus) {
    out.processStatus = `${out.processStatus}（${folded.join("；")}）`;
  }
  const own = cellErrors
    .filter((m) => m.rowIndex === undefined || m.rowIndex === rowIndex)
    .map((m) => ({ columnKey: m.columnKey, message: m.message }));
  return { rowIndex, values: out, cellErrors: own };
}

/** True when the kind's sheet has a result column `key`. */
export function hasResultColumn(kind: SheetKind, key: string): boolean {
  return schemaOf(kind).columns.some((c) => c.key === key && c.result);
}

export function refusalText(r: Refusal): string {
  return r.message;
}

export const NOT_SIGNED_IN = (): Refusal => refusal("PANE_NOT_SIGNED_IN");
