/* global Excel */
/**
 * Find the sheet holding a kind's data without a selection (upsertRows, readAll): the named sheet,
 * else the sheet whose header is the kind's. Three syncs whatever the workbook size: sheet names,
 * then used ranges and tables, then the top rows and table headers.
 */
import { fail, ok, type Result } from "../../domain/refusals";
import type { Rect } from "../address";
import { MIN_HEADER_MATCHES, findHeaderRow, headerScore, matchHeader, type HeaderMatch } from "../mapping";
import type { SheetLayout } from "../port";
import { SCHEMAS, type SheetKind, type SheetSchema } from "../schemas";
import { HEADER_SCAN_COLUMNS, HEADER_SCAN_ROWS } from "./read";

/** The kind's data in a sheet: header, where the data rows are, and the table if it is one. */
export interface LocatedData {
  readonly sheet: Excel.Worksheet;
  readonly sheetName: string;
  readonly table: Excel.Table | null;
  readonly tableName: string | null;
  /** Table: its whole range (header … totals). */
  readonly tableRect: Rect | null;
  readonly tableShowsTotals: boolean;
  readonly headerRowIndex: number;
  readonly header: HeaderMatch;
  /** First data row and number of data rows (table body, or header to the bottom of the used range). */
  readonly dataRow: number;
  readonly dataRows: number;
}

export type Located =
  | { readonly found: "data"; readonly data: LocatedData }
  /** The named sheet exists but is empty: the kind's header goes into it. */
  | { readonly found: "emptySheet"; readonly sheet: Excel.Worksheet; readonly sheetName: string }
  | { readonly found: "none"; readonly takenNames: readonly string[] };

const rectOf = (r: Excel.Range): Rect => ({
  row: r.rowIndex,
  column: r.columnIndex,
  rows: r.rowCount,
  columns: r.columnCount,
});

/**
 * [decision] Without a sheet name, a header row is the kind's when it names more of the kind's
 * columns than of any other kind's (a 蓝票清单 shares 发票代码/发票号码/税额 … with the 进项发票池,
 * so "has two matching headers" alone would write pool rows into the blue-invoice list). A tie
 * counts only in a sheet named after the kind.
 */
export function headerIsKind(
  kind: SheetKind,
  cells: readonly unknown[],
  sheetNamedAfterKind: boolean
): boolean {
  const own = headerScore(SCHEMAS[kind], cells);
  if (own < MIN_HEADER_MATCHES) return false;
  const others = (Object.keys(SCHEMAS) as SheetKind[])
    .filter((k) => k !== kind)
    .map((k) => headerScore(SCHEMAS[k], cells));
  const best = Math.max(0, ...others);
  return own > best || (own === best && sheetNamedAfterKind);
}

export const sameSheetName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Layout of located data (what readSelection returns, so writeResults/clearMarks accept it). */
export function layoutOf(d: LocatedData, extraColumns = d.header.extras): SheetLayout {
  return {
    sheetName: d.sheetName,
    tableName: d.tableName,
    headerRowIndex: d.headerRowIndex,
    columns: d.header.columns,
    extraColumns,
    missingResultColumns: d.header.missingResult.map((c) => c.key),
  };
}

export async function locateKindData(
  context: Excel.RequestContext,
  schema: SheetSchema,
  sheetName?: string
): Promise<Result<Located>> {
  const sheets = context.workbook.worksheets;
  sheets.load("items/name");
  await context.sync();
  const takenNames = sheets.items.map((s) => s.name);
  const candidates =
    sheetName === undefined ? sheets.items : sheets.items.filter((s) => sameSheetName(s.name, sheetName));
  if (candidates.length === 0) return ok({ found: "none", takenNames });

  const probes = candidates.map((sheet) => {
    const used = sheet.getUsedRangeOrNullObject(true);
    used.load("rowIndex,columnIndex,rowCount,columnCount");
    const tables = sheet.tables.load("items/name,items/showTotals");
    return { sheet, used, tables };
  });
  await context.sync();

  const scans = probes.map(({ sheet, used, tables }) => {
    if (used.isNullObject) return { sheet, usedRect: null, scan: null, tables: [] };
    const usedRect = rectOf(used);
    const scan = sheet.getRangeByIndexes(
      usedRect.row,
      usedRect.column,
      Math.min(HEADER_SCAN_ROWS, usedRect.rows),
      Math.min(HEADER_SCAN_COLUMNS, usedRect.columns)
    );
    scan.load("values");
    const parts = tables.items.map((table) => {
      const range = table.getRange();
      range.load("rowIndex,columnIndex,rowCount,columnCount");
      const header = table.getHeaderRowRange();
      header.load("values");
      return { table, range, header };
    });
    return { sheet, usedRect, scan, tables: parts };
  });
  await context.sync();

  const namedAfterKind = (name: string) => sheetName !== undefined || sameSheetName(name, schema.title);
  const accepts = (name: string, cells: readonly unknown[]) =>
    sheetName !== undefined
      ? headerScore(schema, cells) >= MIN_HEADER_MATCHES
      : headerIsKind(schema.kind, cells, namedAfterKind(name));

  const dataIn = (probe: (typeof scans)[number]): LocatedData | null => {
    const { sheet, usedRect, scan } = probe;
    if (!usedRect || !scan) return null;
    for (const { table, range, header } of probe.tables) {
      if (!accepts(sheet.name, header.values[0])) continue;
      const rect = rectOf(range);
      const totals = table.showTotals ? 1 : 0;
      return {
        sheet,
        sheetName: sheet.name,
        table,
        tableName: table.name,
        tableRect: rect,
        tableShowsTotals: table.showTotals,
        headerRowIndex: rect.row,
        header: matchHeader(schema, header.values[0], rect.column),
        dataRow: rect.row + 1,
        dataRows: rect.rows - 1 - totals,
      };
    }
    const idx = findHeaderRow(schema, scan.values);
    if (idx < 0 || !accepts(sheet.name, scan.values[idx])) return null;
    const headerRowIndex = usedRect.row + idx;
    return {
      sheet,
      sheetName: sheet.name,
      table: null,
      tableName: null,
      tableRect: null,
      tableShowsTotals: false,
      headerRowIndex,
      header: matchHeader(schema, scan.values[idx], usedRect.column),
      dataRow: headerRowIndex + 1,
      dataRows: usedRect.row + usedRect.rows - headerRowIndex - 1,
    };
  };

  // A sheet named after the kind first, then workbook order.
  const ordered = [
    ...scans.filter((p) => sameSheetName(p.sheet.name, schema.title)),
    ...scans.filter((p) => !sameSheetName(p.sheet.name, schema.title)),
  ];
  for (const probe of ordered) {
    const data = dataIn(probe);
    if (data) return ok({ found: "data", data });
  }
  if (sheetName !== undefined) {
    const probe = scans[0];
    if (!probe.usedRect) return ok({ found: "emptySheet", sheet: probe.sheet, sheetName: probe.sheet.name });
    return fail("SHEET_HEADER_NOT_FOUND", {
      sheet: probe.sheet.name,
      kind: schema.title,
      required: schema.columns
        .filter((c) => c.required && !c.result)
        .map((c) => c.header)
        .join("、"),
    });
  }
  return ok({ found: "none", takenNames });
}

/** The data of a sheet whose header `queueKindHeader` has just queued: schema order, no rows yet. */
export function freshData(sheet: Excel.Worksheet, sheetName: string, schema: SheetSchema): LocatedData {
  return {
    sheet,
    sheetName,
    table: null,
    tableName: null,
    tableRect: null,
    tableShowsTotals: false,
    headerRowIndex: 0,
    header: matchHeader(
      schema,
      schema.columns.map((c) => c.header),
      0
    ),
    dataRow: 1,
    dataRows: 0,
  };
}
