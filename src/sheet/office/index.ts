export { OfficeWorkbook } from "./adapter";
export { annotationModeFor, officeExcelHost, type ExcelHost } from "./host";
export { createSheet, queueKindHeader, uniqueSheetName } from "./createSheet";
export { readSelection } from "./read";
export { clearMarks, writeResults } from "./write";
export { headerIsKind, locateKindData } from "./locate";
export { readAll } from "./readAll";
export { tableCell, writeTable } from "./table";
export { findOrCreateKindData, upsertRows } from "./upsert";
