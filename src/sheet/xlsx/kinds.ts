/**
 * The four bulk templates (issue 5): which sheet-layer schema each one uses, its sheet name, and the
 * few rules a kind adds on top of the schema's own. Columns are never defined twice: three kinds are
 * src/sheet/schemas as they are; 进项下载条件 has its own small schema (inputDownload.ts).
 */
import { canRedFlushInvoice, checkRemainingReversible } from "../../domain/redFlush";
import { Dec } from "../../domain/money";
import { fail, ok, type Result } from "../../domain/refusals";
import {
  blueInvoicesSchema,
  confirmFormsSchema,
  infoFormsSchema,
  type RowCheckError,
  type SheetSchema,
} from "../schemas";
import { inputDownloadSchema } from "./inputDownload";
import { normalizeText } from "../../domain/parse";
import { findHeaderRow, headerScore } from "../mapping";
import { HEADER_SEARCH_ROWS } from "./limits";

export const TEMPLATE_KINDS = [
  "info-form-import",
  "confirm-form-drafts",
  "blue-red-flush",
  "input-download",
] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export interface KindSpec {
  readonly kind: TemplateKind;
  /** The template's Chinese name (also the data sheet's name). */
  readonly title: string;
  readonly schema: SheetSchema;
  /**
   * Rows that belong to one document (a 红字信息表 / 红字确认单 with several lines): the group key of a
   * parsed row, or null when the row stands alone. A group is sent whole or not at all.
   */
  readonly groupKey: (values: Readonly<Record<string, unknown>>) => string | null;
  /** What a user calls the group in messages ("申请单号 A001"). */
  readonly groupLabel: string;
  /**
   * Result columns a submission writes: the cloud's number for the document (编号) and its status.
   * null: the kind cannot be submitted from a file.
   */
  readonly resultKeys: { readonly number: string; readonly status: string } | null;
}

const text = (v: unknown): string => (v === null || v === undefined ? "" : String(v));

/**
 * blue-red-flush: the §2 button precondition and the remaining-reversible check (§9 A1) per row,
 * on the cells they concern. Only when the values they need are present: a blank 可红冲金额 is the
 * user's choice to let the cloud decide.
 */
function blueRedFlushRowCheck(values: Readonly<Record<string, unknown>>): RowCheckError[] {
  const errors: RowCheckError[] = [];
  const status = values.invoiceStatus;
  const reversible = values.reversibleAmount;
  if (typeof status === "string" && reversible instanceof Dec) {
    const r = canRedFlushInvoice(status, reversible);
    if (!r.ok) {
      errors.push({
        key: r.refusal.code === "NO_REVERSIBLE_AMOUNT" ? "reversibleAmount" : "invoiceStatus",
        refusal: r.refusal,
      });
    }
  }
  const red = values.redAmount;
  if (errors.length === 0 && reversible instanceof Dec && red instanceof Dec) {
    const pending = values.pendingRedAmount instanceof Dec ? [values.pendingRedAmount] : [];
    const r = checkRemainingReversible(reversible, pending, red);
    if (!r.allowed && r.refusal) errors.push({ key: "redAmount", refusal: r.refusal });
  }
  return errors;
}

/** The schema with a kind's own row rules run after the schema's (the first error of a cell wins). */
function withRowCheck(
  schema: SheetSchema,
  extra: (values: Readonly<Record<string, unknown>>) => RowCheckError[]
): SheetSchema {
  const own = schema.rowCheck;
  return { ...schema, rowCheck: (values) => [...(own ? own(values) : []), ...extra(values)] };
}

/**
 * [decision] Rows of one 红字信息表: the same 申请单号; without one, the same blue invoice (code +
 * number) of the same applicant. A 购方申请-已抵扣 row without 申请单号 names no blue invoice and is a
 * form of its own.
 */
function infoFormGroup(values: Readonly<Record<string, unknown>>): string | null {
  if (text(values.formKey) !== "") return `申请单号 ${text(values.formKey)}`;
  if (text(values.blueInvoiceNo) === "") return null;
  return `蓝票 ${text(values.blueInvoiceCode)}${text(values.blueInvoiceCode) ? "-" : ""}${text(values.blueInvoiceNo)}`;
}

/** Rows of one 红字确认单: the same 单据编号, else the same 原蓝票号码 (the schema's reading). */
function confirmFormGroup(values: Readonly<Record<string, unknown>>): string | null {
  if (text(values.billNo) !== "") return `单据编号 ${text(values.billNo)}`;
  if (text(values.blueInvoiceNumber) === "") return null;
  return `原蓝票号码 ${text(values.blueInvoiceNumber)}`;
}

export const KIND_SPECS: Readonly<Record<TemplateKind, KindSpec>> = {
  "info-form-import": {
    kind: "info-form-import",
    title: "红字信息表批量引入",
    schema: infoFormsSchema,
    groupKey: infoFormGroup,
    groupLabel: "红字信息表",
    resultKeys: { number: "infoFormNumber", status: "infoFormStatus" },
  },
  "confirm-form-drafts": {
    kind: "confirm-form-drafts",
    title: "红字确认单",
    schema: confirmFormsSchema,
    groupKey: confirmFormGroup,
    groupLabel: "红字确认单",
    resultKeys: { number: "formNumber", status: "confirmStatus" },
  },
  "blue-red-flush": {
    kind: "blue-red-flush",
    title: "蓝票红冲清单",
    schema: withRowCheck(blueInvoicesSchema, blueRedFlushRowCheck),
    groupKey: () => null,
    groupLabel: "蓝票",
    // Red-flushing routes by invoice kind and needs the pane's confirmation steps (§2): not from a file.
    resultKeys: null,
  },
  "input-download": {
    kind: "input-download",
    title: "进项下载条件",
    schema: inputDownloadSchema,
    groupKey: () => null,
    groupLabel: "下载条件",
    resultKeys: { number: "taskNo", status: "downloadStatus" },
  },
};

export function isTemplateKind(s: string): s is TemplateKind {
  return (TEMPLATE_KINDS as readonly string[]).includes(s);
}

export function kindSpec(kind: string): Result<KindSpec> {
  return isTemplateKind(kind)
    ? ok(KIND_SPECS[kind])
    : fail("FILE_UNKNOWN_KIND", { kind, allowed: TEMPLATE_KINDS.join(", ") });
}

/**
 * The template whose header the sheet matches best (ties: the order of TEMPLATE_KINDS). Host-independent:
 * the CLI (importer.ts) and the task pane both call this one.
 */
export function detectTemplateKind(values: ReadonlyArray<readonly unknown[]>): TemplateKind | null {
  const top = values.slice(0, HEADER_SEARCH_ROWS).map((r) => r.map((c) => normalizeText(c) ?? ""));
  let best: TemplateKind | null = null;
  let bestScore = 0;
  for (const k of TEMPLATE_KINDS) {
    const schema = KIND_SPECS[k].schema;
    const row = findHeaderRow(schema, top);
    const score = row < 0 ? 0 : headerScore(schema, top[row]);
    if (score > bestScore) {
      best = k;
      bestScore = score;
    }
  }
  return best;
}
