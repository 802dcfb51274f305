/**
 * Wire field ⇄ sheet column: where a gateway refusal that names a request field (Refusal.field, a
 * path relative to the interface's `data`, e.g. `invoiceDetail[1].revenueCode`) lands on the sheet,
 * and how its message names the column header the clerk sees instead of the JSON path.
 *
 * One table per sheet kind and interface, as the pane and `hongchong import --submit` build the
 * request from that kind's rows (src/sheet/xlsx/submit.ts, taskpane/workflows/*). A wire field that
 * is not typed by the clerk (流水号, the org tax ID from 设置, amounts we compute) has no entry: its
 * refusal marks the document's rows, not a cell.
 */
import { CONFIRM_FORM_WIRE_FIELDS } from "../domain/plan/confirmForm";
import { INFO_FORM_WIRE_FIELDS } from "../domain/plan/infoForm";
import type { Refusal, RefusalParams } from "../domain/refusals";
import { schemaOf, type SheetKind } from "./schemas";

/** The interfaces whose requests are built from sheet rows (ids as in src/gateway/interfaces). */
export type RowBuiltInterface = "2.1.03" | "2.1.04" | "2.2.01" | "2.2.02" | "2.2.04";

export interface WireFieldMap {
  /** Document fields: sent from the document's first row. */
  readonly header: Readonly<Record<string, string>>;
  /** Fields of `invoiceDetail[i]`: sent from the row of the i-th line. */
  readonly line: Readonly<Record<string, string>>;
}

/** 2.2.04 税控红字信息表申请 from the 红字信息表 sheet (one row per line): the planner's table. */
const INFO_FORM_APPLY: WireFieldMap = INFO_FORM_WIRE_FIELDS as WireFieldMap;

/** Lines of 2.1.03 / 2.1.04 built from 红字确认单 rows: the planner's table. */
const CONFIRM_FORM_LINE = CONFIRM_FORM_WIRE_FIELDS.line as Readonly<Record<string, string>>;

/**
 * Lines built from 蓝票清单 line rows (行号 filled). 税额 is not mapped: the sheet's 税额 is the blue
 * invoice's, the red line's tax is computed (calcRedLine), so a refusal of it marks the row.
 */
const BLUE_LIST_LINE: Readonly<Record<string, string>> = {
  originalSeq: "lineNo",
  goodsName: "goodsName",
  revenueCode: "taxCode",
  quantity: "quantity",
  price: "unitPrice",
  amount: "redAmount",
  taxRate: "taxRate",
};

/**
 * [decision] 发票红冲 sends the org tax ID from 设置 as 销方税号, and the buyer and 开票日期 from the
 * gateway's record of the blue invoice before the sheet's: those fields are not mapped on the 蓝票清单
 * (a cell that was not sent is never marked). Its lines map only when the caller says which rows
 * they came from (DocumentRows.lineRows).
 */
export const WIRE_FIELDS: Readonly<
  Partial<Record<SheetKind, Partial<Record<RowBuiltInterface, WireFieldMap>>>>
> = {
  infoForms: {
    "2.2.04": INFO_FORM_APPLY,
    // 红冲 of an approved form: 2.2.01 税控发票开具 (red, by its 红字信息表编号), one item per form; the
    // form's lines are the bureau's, so no line maps back to a sheet row.
    "2.2.01": {
      header: {
        originalInvoiceCode: "blueInvoiceCode",
        originalInvoiceNumber: "blueInvoiceNo",
        invoiceType: "invoiceType",
      },
      line: {},
    },
    "2.2.02": {
      header: {
        originalInvoiceCode: "blueInvoiceCode",
        originalInvoiceNumber: "blueInvoiceNo",
        invoiceType: "invoiceType",
      },
      line: {},
    },
  },
  confirmForms: {
    "2.1.03": {
      header: CONFIRM_FORM_WIRE_FIELDS.header as Readonly<Record<string, string>>,
      line: CONFIRM_FORM_LINE,
    },
    "2.1.04": {
      header: {
        invoiceNum: "blueInvoiceNumber",
        invoiceCode: "blueInvoiceCode",
        originalIssueTime: "blueIssueDate",
        redReason: "redReason",
      },
      line: CONFIRM_FORM_LINE,
    },
  },
  blueInvoices: {
    "2.1.04": {
      header: {
        invoiceNum: "invoiceNumber",
        invoiceCode: "invoiceCode",
        redReason: "redReason",
        invoiceType: "invoiceKind",
      },
      line: BLUE_LIST_LINE,
    },
    // A partial 税控普票: 2.2.01 with the engine's negative line(s).
    "2.2.01": {
      header: {
        originalInvoiceCode: "invoiceCode",
        originalInvoiceNumber: "invoiceNumber",
        invoiceType: "invoiceKind",
      },
      line: BLUE_LIST_LINE,
    },
    "2.2.02": {
      header: {
        originalInvoiceCode: "invoiceCode",
        originalInvoiceNumber: "invoiceNumber",
        invoiceType: "invoiceKind",
      },
      line: {},
    },
    "2.2.04": {
      header: {
        originalInvoiceCode: "invoiceCode",
        originalInvoiceNumber: "invoiceNumber",
        invoiceType: "invoiceKind",
      },
      line: BLUE_LIST_LINE,
    },
  },
};

/** A `data` path split into what we map on: the line index (invoiceDetail[i]) and the field name. */
export interface WirePath {
  /** Index into invoiceDetail, or null for a document field. */
  readonly line: number | null;
  /** The field's name; null when the path stops at the line itself (`invoiceDetail[2]`). */
  readonly name: string | null;
}

/**
 * Read a `data` path. A leading `[n].` (2.2.02's `data` is an array of one item per document) is the
 * document itself and is dropped. undefined for paths that are neither a document field nor a line's.
 */
export function parseWirePath(field: string): WirePath | undefined {
  const path = field
    .trim()
    .replace(/^data(?=[.[])/, "")
    .replace(/^\./, "")
    .replace(/^\[\d+\]\.?/, "");
  const line = /^invoiceDetail\[(\d+)\](?:\.([A-Za-z_$][\w$]*))?$/.exec(path);
  if (line) return { line: Number(line[1]), name: line[2] ?? null };
  if (/^[A-Za-z_$][\w$]*$/.test(path))
    return path === "invoiceDetail" ? { line: null, name: null } : { line: null, name: path };
  return undefined;
}

/** The column key a wire field is typed in, or undefined (not from a cell). */
export function columnKeyOfWireField(
  kind: SheetKind,
  iface: RowBuiltInterface,
  field: string
): string | undefined {
  const map = WIRE_FIELDS[kind]?.[iface];
  const p = parseWirePath(field);
  if (!map || !p || p.name === null) return undefined;
  return (p.line === null ? map.header : map.line)[p.name];
}

/** The rows of one sent document. */
export interface DocumentRows {
  /** Every row of the document (0-based sheet rows); document fields land on the first. */
  readonly rows: readonly number[];
  /**
   * The row each `invoiceDetail[i]` was built from, in the order sent. Default `rows` (one line per
   * row, as the 红字信息表 sheet sends them); [] when the lines did not come from the rows.
   */
  readonly lineRows?: readonly number[];
}

/** Where a refusal lands: a cell (columnKey) or, when the field has no column, its row. */
export interface RefusalPlace {
  readonly rowIndex: number;
  readonly columnKey: string | null;
}

/**
 * The cell (or row) of the document a refusal names. null when it names no field, or one we cannot
 * place on a single row: the refusal then concerns every row of the document.
 */
export function placeOfRefusal(
  kind: SheetKind,
  iface: RowBuiltInterface,
  r: Pick<Refusal, "field">,
  doc: DocumentRows
): RefusalPlace | null {
  if (!r.field) return null;
  const p = parseWirePath(r.field);
  if (!p) return null;
  const rowIndex = p.line === null ? doc.rows[0] : (doc.lineRows ?? doc.rows)[p.line];
  if (rowIndex === undefined) return null;
  if (p.line === null && p.name === null) return null;
  return { rowIndex, columnKey: columnKeyOfWireField(kind, iface, r.field) ?? null };
}

/** What the clerk calls a wire field: its column header, with the line for a line field. */
export function clerkLabelOfWireField(
  kind: SheetKind,
  iface: RowBuiltInterface,
  field: string
): string | undefined {
  const key = columnKeyOfWireField(kind, iface, field);
  const col = key === undefined ? undefined : schemaOf(kind).columns.find((c) => c.key === key);
  if (!col) return undefined;
  const p = parseWirePath(field)!;
  return p.line === null ? col.header : `${col.header}（第 ${p.line + 1} 条明细）`;
}

/** `data.x`, `data[0].x` and the bare paths in a sentence (the schema wording and handlers' details). */
const WIRE_PATH_IN_TEXT = /(?:data(?=[.[]))?(?:\.?[A-Za-z_$][\w$]*|\[\d+\])(?:\.[A-Za-z_$][\w$]*|\[\d+\])*/g;

/**
 * A message with every mapped wire path replaced by the clerk's label: `字段 data.invoiceDetail[1].revenueCode
 * 格式不正确` → `税收分类编码（第 2 条明细）格式不正确`, `缺少必填字段 data.buyerTaxpayerId` → `购方税号不能为空`.
 * A bare path counts only when it is written with `data` or is the refusal's own field, so ordinary
 * words stay as they are.
 */
export function clerkText(kind: SheetKind, iface: RowBuiltInterface, text: string, field?: string): string {
  const label = (path: string): string | undefined => {
    const isData = path.startsWith("data");
    const bare = path.replace(/^data\.?/, "");
    if (!isData && bare !== field) return undefined;
    return clerkLabelOfWireField(kind, iface, bare);
  };
  const required =
    /缺少必填字段\s*((?:data)?(?:\.?[A-Za-z_$][\w$]*|\[\d+\])(?:\.[A-Za-z_$][\w$]*|\[\d+\])*)/g;
  return text
    .replace(required, (m, path: string) => {
      const l = label(path);
      return l === undefined ? m : `${l}不能为空`;
    })
    .replace(new RegExp(`(字段\\s*)?(${WIRE_PATH_IN_TEXT.source})\\s*`, "g"), (m, _lead, path: string) => {
      const l = label(path);
      return l === undefined ? m : l;
    });
}

/**
 * The refusal as the clerk reads it on `kind`'s sheet: message and string params with the column
 * headers instead of wire paths. Code and field are kept.
 */
export function withClerkWording(kind: SheetKind, iface: RowBuiltInterface, r: Refusal): Refusal {
  const message = clerkText(kind, iface, r.message, r.field);
  let params: RefusalParams | undefined;
  if (r.params) {
    const out: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(r.params))
      out[k] = typeof v === "string" ? clerkText(kind, iface, v, r.field) : v;
    params = out;
  }
  return { ...r, message, ...(params ? { params } : {}) };
}
