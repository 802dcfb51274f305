/**
 * A bulk template as data (no exceljs): what `hongchong template` writes and what the task pane lays
 * out with Office.js — headers (required flagged), number formats, drop-down lists (canonical labels,
 * with the aliases the import also reads), widths, and the 说明 sheet's lines.
 */
import type { ColumnSpec } from "../schemas";
import { INSTRUCTION_HEADERS, acceptedAliasesOf, instructionLines, usageNotes } from "./instructions";
import { KIND_SPECS, type TemplateKind } from "./kinds";

/** The manuals' template marks required columns with a red font. */
export const REQUIRED_FONT_ARGB = "FFFF0000";
/** Columns the system fills in are grey: visibly not for typing. */
export const RESULT_FONT_ARGB = "FF808080";
export const INSTRUCTIONS_SHEET = "说明";

export interface TemplateColumn {
  readonly key: string;
  readonly header: string;
  readonly required: boolean;
  readonly result: boolean;
  readonly numberFormat: string;
  readonly validationList: readonly string[] | null;
  /**
   * Other spellings the importer reads as one of `validationList` (the label set's aliases, e.g.
   * 增值税纸质专用发票 / 纸质专票 for 增值税专用发票). When there are any, the drop-down only warns:
   * a clerk typing an alias is not stopped, since the import accepts it.
   */
  readonly acceptedAliases: readonly string[];
  /** Characters. */
  readonly width: number;
}

export interface TemplateSheetData {
  readonly kind: TemplateKind;
  readonly sheetName: string;
  readonly columns: readonly TemplateColumn[];
  readonly instructions: {
    readonly sheetName: string;
    /** Lines above the table. */
    readonly notes: readonly string[];
    readonly header: readonly string[];
    readonly rows: readonly (readonly string[])[];
  };
}

const TYPE_WIDTH: Readonly<Record<string, number>> = {
  amount: 16,
  quantity: 18,
  unitPrice: 20,
  rate: 10,
  date: 13,
  datetime: 21,
  taxId: 22,
  invoiceCode: 15,
  invoiceNumber: 23,
  boolean: 10,
  integer: 8,
};

/** Excel keeps at most 255 characters of a validation's error message. */
const VALIDATION_MESSAGE_MAX = 255;

/**
 * The drop-down's alert: "stop" when only the listed values are read, "warning" when the import also
 * accepts aliases (they are named, as many as fit Excel's limit). One text for the exceljs template
 * and the pane's Office.js layout.
 */
export function validationAlert(col: Pick<TemplateColumn, "validationList" | "acceptedAliases">): {
  readonly strict: boolean;
  readonly message: string;
} {
  const list = `请从下拉列表中选择：${(col.validationList ?? []).join("、")}`;
  if (col.acceptedAliases.length === 0) return { strict: true, message: list };
  let message = `${list}（也可填写其常用写法`;
  const shown: string[] = [];
  for (const a of col.acceptedAliases) {
    const next = `${message}，如 ${[...shown, a].join("、")}）`;
    if (next.length > VALIDATION_MESSAGE_MAX) break;
    shown.push(a);
  }
  message = shown.length ? `${message}，如 ${shown.join("、")}）` : `${message}）`;
  return { strict: false, message };
}

/** Wide enough for the header (CJK counts double) and for the type's typical content. */
function widthOf(col: ColumnSpec): number {
  const headerWidth = Array.from(col.header).reduce((n, ch) => n + (ch.charCodeAt(0) > 0xff ? 2 : 1), 0) + 2;
  const typeWidth =
    TYPE_WIDTH[col.type] ?? (col.validationList ? 16 : col.maxLength && col.maxLength >= 100 ? 28 : 14);
  return Math.max(headerWidth, typeWidth);
}

export function templateSheetData(kind: TemplateKind): TemplateSheetData {
  const spec = KIND_SPECS[kind];
  const lines = instructionLines(spec);
  return {
    kind,
    sheetName: spec.title,
    columns: spec.schema.columns.map((c) => ({
      key: c.key,
      header: c.header,
      required: c.required && !c.result,
      result: c.result,
      numberFormat: c.numberFormat,
      validationList: c.validationList,
      acceptedAliases: c.validationList ? acceptedAliasesOf(c) : [],
      width: widthOf(c),
    })),
    instructions: {
      sheetName: INSTRUCTIONS_SHEET,
      notes: usageNotes(spec),
      header: INSTRUCTION_HEADERS,
      rows: lines.map((l) => [l.header, l.required, l.description, l.format, l.example, l.aliases]),
    },
  };
}
