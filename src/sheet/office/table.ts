/* global Excel */
/**
 * (Re)write a plain named sheet: a bold header row and rows of values (the 变更记录 "what changed"
 * sheet of the input-invoice sync, the dashboard export). Syncs: 2 to find the sheet and its used
 * range, 1 per chunk of rows (the header, freeze and autofit ride with the first), 1 in `finally`.
 */
import { Dec } from "../../domain/money";
import { fail, ok, type Result } from "../../domain/refusals";
import type { TableCell, WriteTableOptions, WriteTableSummary } from "../port";
import { MAX_ROWS_PER_CHUNK, planCellChunks, type CellWrite, type RowCells } from "../writePlan";
import {
  blockCommand,
  flushInBudget,
  suspendScreenUpdating,
  withEventsOff,
  type QueuedCommand,
} from "./batch";
import { uniqueSheetName } from "./createSheet";
import type { ExcelHost } from "./host";

/** A decimal string a double holds exactly (≤ 15 significant digits, no exponent). */
const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

/**
 * One table cell → what to write. Strings are text ("@": "0330…" and "1.50" stay as typed) unless
 * the column has a number format and the string is an exact decimal, then a number in that format
 * (amounts in the dashboard export). Booleans read 是/否 like the rest of the Chinese UI.
 */
export function tableCell(v: TableCell, format: string | null | undefined): CellWrite | null {
  if (v === null || v === "") return null;
  if (typeof v === "boolean") return { value: v ? "是" : "否", format: "@" };
  if (typeof v === "number") return { value: v, format: format ?? "General" };
  if (format && format !== "@" && DECIMAL_TEXT.test(v.trim())) {
    const n = Number(v.trim());
    if (new Dec(String(n)).equals(new Dec(v.trim()))) return { value: n === 0 ? 0 : n, format };
  }
  return { value: v, format: "@" };
}

const headerText = (v: unknown): string => (typeof v === "string" ? v.trim() : v == null ? "" : String(v));

export async function writeTable(
  host: ExcelHost,
  wantedName: string,
  headers: readonly string[],
  rows: ReadonlyArray<readonly TableCell[]>,
  opts: WriteTableOptions = {}
): Promise<Result<WriteTableSummary>> {
  if (headers.length === 0) throw new TypeError("writeTable: no headers");
  const mode = opts.mode ?? "replace";
  // Same cleaning as new kind sheets (no : \ / ? * [ ], ≤ 31 characters), but never renumbered.
  const sheetName = uniqueSheetName(wantedName, []);
  const width = headers.length;
  return host.run((context) =>
    withEventsOff(context, async (): Promise<Result<WriteTableSummary>> => {
      const existing = context.workbook.worksheets.getItemOrNullObject(sheetName);
      existing.load("name");
      await context.sync();

      let sheet: Excel.Worksheet;
      let firstRow = 1;
      let writeHeader = true;
      const created = existing.isNullObject;
      if (created) {
        sheet = context.workbook.worksheets.add(sheetName);
      } else {
        sheet = existing;
        const used = sheet.getUsedRangeOrNullObject(true);
        used.load("rowIndex,rowCount");
        const top = sheet.getRangeByIndexes(0, 0, 1, width);
        top.load("values");
        await context.sync();
        if (mode === "replace") {
          sheet.getRange().clear();
        } else if (!used.isNullObject) {
          const found = top.values[0].map(headerText);
          if (found.join("\u0001") !== headers.map(headerText).join("\u0001")) {
            return fail("SHEET_TABLE_HEADER_MISMATCH", {
              sheet: existing.name,
              found: found.filter((h) => h !== "").join("、") || "空",
              expected: headers.join("、"),
            });
          }
          firstRow = used.rowIndex + used.rowCount;
          writeHeader = false;
        }
      }

      const cells: RowCells[] = rows.map((r, i) => {
        const m = new Map<number, CellWrite>();
        for (let c = 0; c < Math.min(width, r.length); c++) {
          const w = tableCell(r[c], opts.numberFormats?.[c]);
          if (w) m.set(c, w);
        }
        return { row: firstRow + i, cells: m };
      });
      const chunks = planCellChunks(cells);

      const headerCommands: QueuedCommand[] = [];
      if (writeHeader) {
        headerCommands.push({
          bytes: 1_000 + 2 * JSON.stringify(headers).length,
          queue: () => {
            const h = sheet.getRangeByIndexes(0, 0, 1, width);
            h.numberFormat = [headers.map(() => "@")];
            h.values = [headers.map((x) => x)];
            h.format.font.bold = true;
            sheet.freezePanes.freezeRows(1);
          },
        });
      }
      // Column widths from the header and the first chunk (autofit over 100k rows is slow in Excel).
      const firstChunk = chunks.length > 0 ? chunks[0].rows : [];
      const sampleRows = Math.min(
        (firstChunk.length > 0 ? firstChunk[firstChunk.length - 1] : 0) + 1,
        MAX_ROWS_PER_CHUNK + 1
      );
      const finish: QueuedCommand = {
        bytes: 1_000,
        queue: () => {
          sheet.getRangeByIndexes(0, 0, sampleRows, width).format.autofitColumns();
          if (opts.activate) sheet.activate();
        },
      };

      suspendScreenUpdating(context, host);
      if (chunks.length === 0) {
        await flushInBudget(context, [...headerCommands, finish]);
        return ok({ sheetName: created ? sheetName : existing.name, rows: 0, created, cancelled: false });
      }
      let written = 0;
      for (const chunk of chunks) {
        if (opts.signal?.aborted) {
          return ok({
            sheetName: created ? sheetName : existing.name,
            rows: written,
            created,
            cancelled: true,
          });
        }
        const first = chunk === chunks[0];
        await flushInBudget(context, [
          ...(first ? headerCommands : []),
          ...chunk.blocks.map((b) => blockCommand(sheet, b)),
          ...(first ? [finish] : []),
        ]);
        written = chunk.rows[chunk.rows.length - 1] - firstRow + 1;
        opts.onProgress?.({ phase: "write", done: written, total: rows.length });
      }
      return ok({
        sheetName: created ? sheetName : existing.name,
        rows: rows.length,
        created,
        cancelled: false,
      });
    })
  );
}
