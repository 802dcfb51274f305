/* global Excel */
/**
 * Upsert domain rows into a kind's sheet (the 进项发票池 filled by the input-invoice sync): match
 * existing rows by key, update the given cells that changed, append the rest at the bottom (or as
 * table rows). Syncs per run: 3 to find the sheet, 1 per chunk of existing rows to read the key and
 * given columns, 1 per chunk of rows written (more only if a chunk's commands exceed the request
 * budget), 1 in `finally` to switch events back on.
 */
import { ok, type Result } from "../../domain/refusals";
import type { SheetLayout, UpsertOptions, UpsertRow, UpsertSummary } from "../port";
import { schemaOf, type SheetKind, type SheetSchema } from "../schemas";
import {
  MAX_ROWS_PER_CHUNK,
  UPSERT_KEYS,
  jsonBytes,
  planCellChunks,
  prepareUpserts,
  rowKey,
  sameCellValue,
  type CellWrite,
  type RowCells,
} from "../writePlan";
import {
  blockCommand,
  flushInBudget,
  suspendScreenUpdating,
  withEventsOff,
  type QueuedCommand,
} from "./batch";
import { queueKindHeader, uniqueSheetName } from "./createSheet";
import type { ExcelHost } from "./host";
import { freshData, locateKindData, type LocatedData } from "./locate";
import { READ_CELL_BUDGET } from "./read";

/**
 * The kind's data, creating the sheet (or writing the header into the named empty sheet) when there
 * is none. The creation is queued: it reaches Excel with the next sync.
 */
export async function findOrCreateKindData(
  context: Excel.RequestContext,
  schema: SheetSchema,
  sheetName: string | undefined
): Promise<Result<{ data: LocatedData; created: boolean }>> {
  const located = await locateKindData(context, schema, sheetName);
  if (!located.ok) return located;
  const loc = located.value;
  if (loc.found === "data") return ok({ data: loc.data, created: false });
  if (loc.found === "emptySheet") {
    queueKindHeader(loc.sheet, schema.kind);
    return ok({ data: freshData(loc.sheet, loc.sheetName, schema), created: false });
  }
  const name = uniqueSheetName(sheetName ?? schema.title, loc.takenNames);
  const sheet = context.workbook.worksheets.add(name);
  queueKindHeader(sheet, schema.kind);
  return ok({ data: freshData(sheet, name, schema), created: true });
}

/** Layout after the run: the header's columns plus the ones we appended. */
function layoutAfter(schema: SheetSchema, data: LocatedData, columns: Record<string, number>): SheetLayout {
  return {
    sheetName: data.sheetName,
    tableName: data.tableName,
    headerRowIndex: data.headerRowIndex,
    columns,
    extraColumns: data.header.extras,
    missingResultColumns: schema.columns
      .filter((c) => c.result && columns[c.key] === undefined)
      .map((c) => c.key),
  };
}

/** Queue the headers of columns the rows fill but the sheet lacks, at the right of the header/table. */
function queueMissingColumns(
  schema: SheetSchema,
  data: LocatedData,
  missing: readonly string[],
  columns: Record<string, number>
): string[] {
  if (missing.length === 0) return [];
  const headers = missing.map((k) => schema.columns.find((c) => c.key === k)?.header ?? k);
  const start = data.tableRect ? data.tableRect.column + data.tableRect.columns : data.header.lastColumn + 1;
  missing.forEach((k, i) => (columns[k] = start + i));
  if (data.table) {
    // Table columns grow the table, keeping it one table (cells right of it shift right).
    for (const h of headers) data.table.columns.add(undefined, undefined, h);
  } else {
    const cells = data.sheet.getRangeByIndexes(data.headerRowIndex, start, 1, headers.length);
    cells.numberFormat = [headers.map(() => "@")];
    cells.values = [headers];
    cells.format.font.bold = true;
  }
  return headers;
}

export async function upsertRows(
  host: ExcelHost,
  kind: SheetKind,
  input: readonly UpsertRow[],
  opts: UpsertOptions = {}
): Promise<Result<UpsertSummary>> {
  const schema = schemaOf(kind);
  const keyColumns = opts.keyColumns ?? UPSERT_KEYS[kind];
  const prepared = prepareUpserts(schema, keyColumns, input, opts.sheetName ?? schema.title);
  if (!prepared.ok) return prepared;
  const { rows: incoming, itemOf, givenColumns } = prepared.value;
  const specOf = new Map(schema.columns.map((c) => [c.key, c]));

  return host.run((context) =>
    withEventsOff(context, async (): Promise<Result<UpsertSummary>> => {
      const found = await findOrCreateKindData(context, schema, opts.sheetName);
      if (!found.ok) return found;
      const { data, created } = found.value;
      const { sheet } = data;
      const columns: Record<string, number> = { ...data.header.columns };
      const missing = givenColumns.filter((k) => columns[k] === undefined);
      const tableWidth = (data.tableRect?.columns ?? 0) + missing.length;

      // Sheet row per distinct incoming row (-1: not matched / not yet appended).
      const sheetRow: number[] = incoming.map(() => -1);
      const changes: Array<Map<number, CellWrite> | null> = incoming.map(() => null);
      let appendedColumns: string[] = [];
      const summary = (
        counts: { inserted: number; updated: number; unchanged: number },
        cancelled: boolean
      ) =>
        ok<UpsertSummary>({
          sheetName: data.sheetName,
          created,
          ...counts,
          appendedColumns,
          rowIndexes: itemOf.map((i) => sheetRow[i]),
          layout: layoutAfter(schema, data, columns),
          cancelled,
        });

      // 1. Read the key and given columns of the existing rows, one sync per chunk; match as we go.
      const readKeys = Array.from(new Set([...keyColumns, ...givenColumns])).filter(
        (k) => columns[k] !== undefined
      );
      const readIndex = new Map(readKeys.map((k, j) => [k, j]));
      const byKey = new Map(incoming.map((r, i) => [r.key, i]));
      const keySet = new Set(keyColumns);
      const end = data.dataRow + data.dataRows;
      if (data.dataRows > 0 && readKeys.length > 0) {
        const rowsPerChunk = Math.max(
          1,
          Math.min(MAX_ROWS_PER_CHUNK, Math.floor(READ_CELL_BUDGET / readKeys.length))
        );
        for (let start = data.dataRow; start < end; start += rowsPerChunk) {
          if (opts.signal?.aborted) return summary({ inserted: 0, updated: 0, unchanged: 0 }, true);
          const count = Math.min(rowsPerChunk, end - start);
          const ranges = readKeys.map((k) => {
            const r = sheet.getRangeByIndexes(start, columns[k], count, 1);
            r.load("values");
            return r;
          });
          // One sync per chunk of up to 5,000 rows.
          // eslint-disable-next-line office-addins/no-context-sync-in-loop
          await context.sync();
          for (let i = 0; i < count; i++) {
            const cellOf = (k: string): unknown => {
              const j = readIndex.get(k);
              return j === undefined ? null : ranges[j].values[i][0];
            };
            const key = rowKey(schema, keyColumns, cellOf);
            const item = key === null ? undefined : byKey.get(key);
            // [decision] A key repeated in the sheet: the first row is the one kept up to date.
            if (item === undefined || sheetRow[item] >= 0) continue;
            sheetRow[item] = start + i;
            const cells = new Map<number, CellWrite>();
            for (const [k, v] of incoming[item].values) {
              // [decision] Key cells of a matched row are left alone: they matched (a 数电 row's
              // 发票代码, ignored by the match, stays whatever the user's export put there).
              if (keySet.has(k)) continue;
              const spec = specOf.get(k);
              if (spec && !sameCellValue(spec, cellOf(k), v.text)) cells.set(columns[k], v.cell);
            }
            changes[item] = cells;
          }
          opts.onProgress?.({
            phase: "read",
            done: Math.min(start + count, end) - data.dataRow,
            total: data.dataRows,
          });
        }
      }

      // 2. Plan: changed cells of matched rows, whole new rows below the data.
      appendedColumns = queueMissingColumns(schema, data, missing, columns);
      const appendAt = end;
      const writes: RowCells[] = [];
      let unchanged = 0;
      let next = appendAt;
      const newRowOf = new Map<number, number>(); // sheet row → incoming index, for appended rows
      incoming.forEach((r, i) => {
        const c = changes[i];
        if (c) {
          if (c.size > 0) writes.push({ row: sheetRow[i], cells: c });
          else unchanged++;
          return;
        }
        const cells = new Map<number, CellWrite>();
        for (const [k, v] of r.values) if (v.text !== "") cells.set(columns[k], v.cell);
        newRowOf.set(next, i);
        writes.push({ row: next++, cells });
      });
      // A table row is added with a blank in each column ("" × width), then written like the rest.
      const blankRowBytes = data.table ? jsonBytes(Array.from({ length: tableWidth }, () => "")) + 2 : 0;
      const chunks = planCellChunks(writes, {
        rowExtraBytes: (row) => (row >= appendAt ? blankRowBytes : 0),
      });

      // 3. Write, one request per chunk.
      let inserted = 0;
      let updated = 0;
      let done = 0;
      for (const chunk of chunks) {
        if (opts.signal?.aborted) return summary({ inserted, updated, unchanged }, true);
        const added = chunk.rows.filter((row) => row >= appendAt);
        const commands: QueuedCommand[] = [];
        if (data.table && added.length > 0) {
          const table = data.table;
          const blanks = added.map(() => Array.from({ length: tableWidth }, () => ""));
          commands.push({
            bytes: blankRowBytes * added.length,
            queue: () => table.rows.add(undefined, blanks),
          });
        }
        commands.push(...chunk.blocks.map((b) => blockCommand(sheet, b)));
        if (chunk === chunks[0]) suspendScreenUpdating(context, host);
        await flushInBudget(context, commands);
        for (const row of added) sheetRow[newRowOf.get(row) as number] = row;
        inserted += added.length;
        updated += chunk.rows.length - added.length;
        done += chunk.rows.length;
        opts.onProgress?.({ phase: "write", done, total: writes.length });
      }
      return summary({ inserted, updated, unchanged }, false);
    })
  );
}
