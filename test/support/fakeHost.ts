/** An ExcelHost over the fake workbook, with the API sets of a chosen Excel version. */
import type { ExcelHost } from "../../src/sheet/office/host";
import type { SelectionRead, WorkbookPort } from "../../src/sheet/port";
import { supportsUpTo, type FakeWorkbook } from "./fakeExcel";

export function fakeHost(workbook: FakeWorkbook, maxExcelApi = "1.18"): ExcelHost {
  return {
    run: workbook.excel.run as unknown as ExcelHost["run"],
    supports: supportsUpTo(maxExcelApi),
  };
}

/** The blue-invoice selection as the pane reads it; a refusal fails the test. */
export async function readBlueSelection(port: WorkbookPort): Promise<SelectionRead> {
  const r = await port.readSelection("blueInvoices");
  if (!r.ok) throw new Error(r.refusal.message);
  return r.value;
}
