/**
 * Browser entry of the in-memory Excel (test/support/fakeExcel.ts) for the e2e tests: injected with
 * page.addInitScript before the pane loads, it builds the workbook from `window.__hcInit`, exposes
 * `window.Excel` (what OfficeWorkbook calls) and `window.__hcWorkbook` (what the tests read and set),
 * and gives Office.context the requirement-set check office.js lacks outside Office.
 */
import { FakeWorkbook, supportsUpTo, type CellValue } from "../../../support/fakeExcel";
import type { SheetDump, WorkbookInit } from "../workbookTypes";
import { rectAddress } from "../../../../src/sheet/address";

declare global {
  interface Window {
    __hcInit?: WorkbookInit;
    __hcWorkbook?: WorkbookHandle;
  }
}

export interface WorkbookHandle {
  readonly model: FakeWorkbook;
  sheetNames(): string[];
  dump(name: string): SheetDump | null;
  select(sheet: string, address: string): void;
  addSheet(name: string, rows: ReadonlyArray<readonly unknown[]>): void;
  setValues(sheet: string, row: number, column: number, rows: ReadonlyArray<readonly unknown[]>): void;
}

const init: WorkbookInit = window.__hcInit ?? { sheets: [] };
const model = new FakeWorkbook();
for (const s of init.sheets) model.addSheet(s.name, s.rows);
if (init.select) model.select(init.select.sheet, init.select.address);
const supports = supportsUpTo(init.excelApi ?? "1.18");

function dump(name: string): SheetDump | null {
  const sheet = model.sheet(name);
  if (!sheet) return null;
  const used = sheet.usedRect();
  const rows: CellValue[][] = [];
  if (used) {
    for (let r = 0; r < used.row + used.rows; r++) {
      const cells: CellValue[] = [];
      for (let c = 0; c < used.column + used.columns; c++) cells.push(sheet.getValue(r, c));
      rows.push(cells);
    }
  }
  const fills: Record<string, string> = {};
  for (const a of sheet.filledCells()) fills[a] = sheet.fillAt(a) ?? "";
  const notes: Record<string, string> = {};
  for (const a of sheet.noteAddresses()) notes[a] = sheet.noteAt(a)?.content ?? "";
  const comments: Record<string, string> = {};
  for (const a of sheet.commentAddresses()) comments[a] = sheet.commentAt(a)?.content ?? "";
  const hiddenRows = [...sheet.hiddenRows].map((r) => r + 1).sort((a, b) => a - b);
  const sel = model.selection?.sheet === sheet ? model.selection.areas : null;
  const selection = sel ? sel.map((a) => rectAddress(a)).join(",") : null;
  return { name, rows, fills, notes, comments, hiddenRows, active: model.active === sheet, selection };
}

window.__hcWorkbook = {
  model,
  sheetNames: () => model.sheets.map((s) => s.name),
  dump,
  select: (sheet, address) => void model.select(sheet, address),
  addSheet: (name, rows) => void model.addSheet(name, rows),
  setValues: (sheet, row, column, rows) => {
    const s = model.sheet(sheet);
    if (!s) throw new Error(`no sheet ${sheet}`);
    s.setValues(row, column, rows);
  },
};
/** The globals office.js would define, as this file sets them (not the full Office.js types). */
const globals = window as unknown as {
  Excel: unknown;
  Office?: { context?: { requirements?: { isSetSupported(set: string, version: string): boolean } } };
};
globals.Excel = model.excel;

// office.js outside Office leaves Office.context without `requirements`, and it (re)creates the
// context while it loads: the check is added whenever it is missing (a property test every 50 ms).
window.setInterval(() => {
  const ctx = globals.Office?.context;
  if (ctx && !ctx.requirements) ctx.requirements = { isSetSupported: supports };
}, 50);
