/** Shapes shared by the node side of the e2e tests and the browser bundle of the fake workbook. */

export interface WorkbookInit {
  readonly sheets: ReadonlyArray<{ readonly name: string; readonly rows: ReadonlyArray<readonly unknown[]> }>;
  /** Sheet and address of the selection (A1 style, several areas with commas). */
  readonly select?: { readonly sheet: string; readonly address: string };
  /** Highest ExcelApi requirement set the fake Excel reports (default 1.18: notes). */
  readonly excelApi?: string;
}

export type CellValue = string | number | boolean;

export interface SheetDump {
  readonly name: string;
  /** Values from A1 to the end of the used range ("" when empty). */
  readonly rows: CellValue[][];
  /** Local address → fill colour, for every filled cell. */
  readonly fills: Record<string, string>;
  readonly notes: Record<string, string>;
  readonly comments: Record<string, string>;
  /** 1-based hidden rows (by hand or by the AutoFilter), ascending. */
  readonly hiddenRows: number[];
  /** The sheet is the active one. */
  readonly active: boolean;
  /** The selection's address ("F5"), when it is on this sheet. */
  readonly selection: string | null;
}
