/**
 * Which workbook the pane talks to: the Office.js adapter when an `Excel` global exists (real Excel,
 * or the fake `window.Excel` the browser tests inject), otherwise none — the pane then says so.
 */
import type { WorkbookPort } from "../../src/sheet/port";
import { OfficeWorkbook } from "../../src/sheet/office";

export function createWorkbookPort(hasExcel: boolean = typeof Excel !== "undefined"): WorkbookPort | null {
  return hasExcel ? new OfficeWorkbook() : null;
}
