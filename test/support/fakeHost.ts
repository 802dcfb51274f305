/** An ExcelHost over the fake workbook, with the API sets of a chosen Excel version. */
import type { ExcelHost } from "../../src/sheet/office/host";
import { supportsUpTo, type FakeWorkbook } from "./fakeExcel";

export function fakeHost(workbook: FakeWorkbook, maxExcelApi = "1.18"): ExcelHost {
  return {
    run: workbook.excel.run as unknown as ExcelHost["run"],
    supports: supportsUpTo(maxExcelApi),
  };
}
