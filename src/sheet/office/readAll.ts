/**
 * Read every data row of a kind's sheet, no selection needed (the 进项发票池 before a sync, the
 * dashboard): the sheet is found like upsertRows finds it, and created with the kind's header when
 * there is none. Hidden and filtered rows are read too ([decision]: a filter on the pool must not
 * make a sync think those invoices are missing). Syncs: 3 to find the sheet, 1 per chunk of rows.
 */
import { fail, ok, type Result } from "../../domain/refusals";
import { parseBlock, type ParsedRow } from "../mapping";
import type { RunOptions, SelectionRead } from "../port";
import { schemaOf, type SheetKind } from "../schemas";
import { MAX_ROWS_PER_CHUNK } from "../writePlan";
import type { ExcelHost } from "./host";
import { layoutOf } from "./locate";
import { READ_CELL_BUDGET } from "./read";
import { findOrCreateKindData } from "./upsert";

export async function readAll(
  host: ExcelHost,
  kind: SheetKind,
  opts: RunOptions & { readonly sheetName?: string } = {}
): Promise<Result<SelectionRead>> {
  const schema = schemaOf(kind);
  return host.run(async (context) => {
    const found = await findOrCreateKindData(context, schema, opts.sheetName);
    if (!found.ok) return found;
    const { data, created } = found.value;
    const layout = layoutOf(data);
    if (created || data.dataRows === 0) {
      await context.sync(); // the new sheet or header, if one was queued
      return ok({ kind, layout, rows: [], hiddenRowsSkipped: 0, blankRowsSkipped: 0 });
    }
    const { header } = data;
    if (header.missingRequired.length > 0) {
      return fail("SHEET_REQUIRED_COLUMNS_MISSING", {
        sheet: data.sheetName,
        columns: header.missingRequired.map((c) => c.header).join("、"),
      });
    }
    const mapped = Object.values(header.columns);
    const c0 = Math.min(...mapped);
    const width = Math.max(...mapped) - c0 + 1;
    const rowsPerChunk = Math.max(1, Math.min(MAX_ROWS_PER_CHUNK, Math.floor(READ_CELL_BUDGET / width)));
    const end = data.dataRow + data.dataRows;
    const rows: ParsedRow[] = [];
    let blank = 0;
    for (let start = data.dataRow; start < end; start += rowsPerChunk) {
      if (opts.signal?.aborted) return fail("SHEET_CANCELLED");
      const count = Math.min(rowsPerChunk, end - start);
      const range = data.sheet.getRangeByIndexes(start, c0, count, width);
      range.load("values");
      // One sync per chunk of up to 5,000 rows.
      // eslint-disable-next-line office-addins/no-context-sync-in-loop
      await context.sync();
      const parsed = parseBlock(schema, header, {
        values: range.values,
        firstRow: start,
        firstColumn: c0,
        sheetName: data.sheetName,
      });
      rows.push(...parsed.rows);
      blank += parsed.blankRows.length;
      opts.onProgress?.({ phase: "read", done: start + count - data.dataRow, total: data.dataRows });
    }
    return ok({ kind, layout, rows, hiddenRowsSkipped: 0, blankRowsSkipped: blank });
  });
}
