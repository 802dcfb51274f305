/**
 * The port's optional whole-sheet methods (readAll, upsertRows, writeTable) that 进项同步 needs to fill
 * the 进项发票池 and 变更记录 sheets. A host without them still runs the sync: the pane then shows the
 * rows and lets the clerk copy them (tab-separated, pastes into Excel as cells).
 */
import type { WorkbookPort } from "../../src/sheet/port";

export type TableWorkbook = WorkbookPort &
  Required<Pick<WorkbookPort, "readAll" | "upsertRows" | "writeTable">>;

export function tableWritesOf(port: WorkbookPort | null): TableWorkbook | null {
  if (port === null) return null;
  return typeof port.readAll === "function" &&
    typeof port.upsertRows === "function" &&
    typeof port.writeTable === "function"
    ? (port as TableWorkbook)
    : null;
}

/** Tab-separated text of a table. */
export function toTsv(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const clean = (s: string) => s.replace(/[\t\r\n]+/g, " ");
  return [header, ...rows].map((r) => r.map(clean).join("\t")).join("\n");
}
