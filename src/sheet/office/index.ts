export { OfficeWorkbook } from "./adapter";
export { annotationModeFor, officeExcelHost, type ExcelHost } from "./host";
export { createSheet, uniqueSheetName } from "./createSheet";
export { readSelection } from "./read";
export { clearMarks, writeResults } from "./write";
