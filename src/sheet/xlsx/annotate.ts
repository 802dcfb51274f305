/**
 * Apply an AnnotationPlan to an exceljs worksheet (§3.8: 错误的信息已标记为红色，并附有批注). Only the
 * planned cells change; every other cell, sheet, format and column width stays as loaded.
 *
 * exceljs shares one style object between the cells of one style id, so a style is never mutated in
 * place (`cell.fill = …` would turn every cell of that style red): each touched cell gets a copy.
 */
import type ExcelJS from "exceljs";
import {
  isOurNote,
  notePrefixOf,
  type AnnotationPlan,
  type CellMark,
  type CellWrite,
  type ResultWrites,
} from "./plan";

/** The fill of a bad cell: Excel's "light red fill" (#FFC7CE), the colour users know from 条件格式. */
export const ERROR_FILL: ExcelJS.FillPattern = {
  type: "pattern",
  pattern: "solid",
  fgColor: { argb: "FFFFC7CE" },
  bgColor: { argb: "FFFFC7CE" },
};

/** Separates our message from a comment the user had on the same cell (restored on the next run). */
const USER_NOTE_SEPARATOR = "\n——原批注：";

/** A note's plain text (exceljs reads notes back as { texts: [{ text }] }). */
export function noteText(note: unknown): string {
  if (typeof note === "string") return note;
  if (note && typeof note === "object" && Array.isArray((note as { texts?: unknown }).texts)) {
    return (note as { texts: Array<{ text?: string }> }).texts.map((t) => t.text ?? "").join("");
  }
  return "";
}

export function isErrorFill(fill: unknown): boolean {
  const f = fill as ExcelJS.FillPattern | undefined;
  return f?.type === "pattern" && f.pattern === "solid" && f.fgColor?.argb === ERROR_FILL.fgColor?.argb;
}

function setNote(cell: ExcelJS.Cell, text: string | undefined): void {
  if (text === undefined) {
    // exceljs has no API to remove a note: assigning undefined would write an empty comment box,
    // and a loaded cell also keeps the comment in its value's model — so drop both: forget the
    // note, then re-assign the value (which rebuilds the value model without it).
    const value = cell.value;
    (cell as unknown as { _comment?: unknown })._comment = undefined;
    cell.value = value;
  } else {
    cell.note = text;
  }
}

/** The user's own note on a cell: the whole note, or the part ours folded in; "" when none. */
function userNoteOf(text: string): string {
  if (!isOurNote(text)) return text;
  const i = text.indexOf(USER_NOTE_SEPARATOR);
  return i >= 0 ? text.slice(i + USER_NOTE_SEPARATOR.length) : "";
}

/** Remove a mark of an earlier run (the import's or the cloud's): our note (restoring the user's own) and our red fill. */
function clearMark(cell: ExcelJS.Cell): void {
  const text = noteText(cell.note);
  if (isOurNote(text)) setNote(cell, userNoteOf(text) || undefined);
  if (isErrorFill(cell.style?.fill)) {
    const { fill: _fill, ...rest } = cell.style;
    void _fill;
    cell.style = rest;
  }
}

/** Marking a cell again (each submit batch re-applies the answers so far) keeps the user's note once. */
function markCell(cell: ExcelJS.Cell, m: CellMark): void {
  const userNote = userNoteOf(noteText(cell.note));
  setNote(cell, notePrefixOf(m) + m.message + (userNote ? USER_NOTE_SEPARATOR + userNote : ""));
  cell.style = { ...cell.style, fill: ERROR_FILL };
}

function writeCell(ws: ExcelJS.Worksheet, w: CellWrite): void {
  const cell = ws.getCell(w.row + 1, w.column + 1);
  // Text only, never a formula: these are our own values (流水号, 状态, 原因).
  cell.value = w.value === null || w.value === "" ? null : w.value;
}

/** Widths for the columns we append (characters). */
const APPENDED_WIDTH: Readonly<Record<string, number>> = { failureReason: 60, serialNo: 26, batchNo: 22 };

function setHeader(cell: ExcelJS.Cell, header: string): void {
  cell.value = header;
  cell.style = { ...cell.style, font: { bold: true } };
}

export function applyPlan(ws: ExcelJS.Worksheet, plan: AnnotationPlan): void {
  for (const c of plan.addColumns) {
    setHeader(ws.getCell(plan.headerRow + 1, c.column + 1), c.header);
    ws.getColumn(c.column + 1).width = APPENDED_WIDTH[c.key] ?? 18;
  }
  for (const r of plan.clearRows) {
    const row = ws.getRow(r + 1);
    for (const c of plan.clearColumns) {
      const cell = row.findCell(c + 1);
      if (cell) clearMark(cell);
    }
  }
  for (const m of plan.marks) markCell(ws.getCell(m.row + 1, m.column + 1), m);
  applyWrites(ws, plan.writes);
  filterAndFreeze(ws, plan);
}

/**
 * The result is a list to work through: an autofilter on the header (处理状态 = 失败 in two clicks)
 * and the header frozen. A sheet that has its own autofilter or frozen panes keeps them.
 */
export function filterAndFreeze(
  ws: ExcelJS.Worksheet,
  plan: Pick<AnnotationPlan, "headerRow" | "columnOf">
): void {
  const lastRow = ws.rowCount;
  const header = plan.headerRow + 1;
  const lastColumn = Math.max(ws.getRow(header).cellCount, ...Object.values(plan.columnOf).map((c) => c + 1));
  if (!ws.autoFilter) {
    ws.autoFilter = {
      from: { row: header, column: 1 },
      to: { row: Math.max(header, lastRow), column: lastColumn },
    };
  }
  if (!(ws.views ?? []).some((v) => v.state === "frozen")) {
    ws.views = [{ state: "frozen", xSplit: 0, ySplit: header }];
  }
}

/** The cloud's answers (planResults): the refused cells marked, then the values written. */
export function applyResults(ws: ExcelJS.Worksheet, results: Pick<ResultWrites, "marks" | "writes">): void {
  for (const m of results.marks) markCell(ws.getCell(m.row + 1, m.column + 1), m);
  applyWrites(ws, results.writes);
}

export function applyWrites(ws: ExcelJS.Worksheet, writes: readonly CellWrite[]): void {
  for (const w of writes) writeCell(ws, w);
}
