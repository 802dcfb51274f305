/* global Excel */
/**
 * Request budgeting for the Office adapter: commands are queued with a size estimate and synced in
 * groups that stay under REQUEST_BYTE_BUDGET, calculation suspended for each group. Bulk writes run
 * with events off, restored in `finally` even when a sync throws.
 */
import { OP_OVERHEAD_BYTES, REQUEST_BYTE_BUDGET, jsonBytes, type ValueBlock } from "../writePlan";
import { SCREEN_UPDATING_SET, type ExcelHost } from "./host";

/** A command to queue, with what it adds to the request. */
export interface QueuedCommand {
  readonly bytes: number;
  readonly queue: () => void;
}

/**
 * Queue the commands in order, syncing whenever the next one would push the request past the
 * budget, and once at the end. Returns the number of syncs. A command larger than the budget on
 * its own still goes alone.
 */
export async function flushInBudget(
  context: Excel.RequestContext,
  commands: readonly QueuedCommand[],
  budget = REQUEST_BYTE_BUDGET
): Promise<number> {
  let syncs = 0;
  let bytes = 0;
  let pending = 0;
  const begin = (): void => context.workbook.application.suspendApiCalculationUntilNextSync();
  begin();
  for (const c of commands) {
    if (pending > 0 && bytes + c.bytes > budget) {
      // One sync per request-sized group, never per row (the group is thousands of rows).
      // eslint-disable-next-line office-addins/no-context-sync-in-loop
      await context.sync();
      syncs++;
      bytes = 0;
      pending = 0;
      begin();
    }
    c.queue();
    bytes += c.bytes;
    pending++;
  }
  await context.sync();
  return syncs + 1;
}

/**
 * Run `body` with events off (no worksheet onChanged storms from our own writes); they are switched
 * back on in `finally`, also when a sync throws.
 */
export async function withEventsOff<T>(context: Excel.RequestContext, body: () => Promise<T>): Promise<T> {
  context.runtime.enableEvents = false;
  try {
    return await body();
  } finally {
    context.runtime.enableEvents = true;
    await context.sync();
  }
}

/**
 * Suspend screen updating for the next sync, where supported. Call it once per run, before the
 * first write: repeated calls make the Excel window flicker (Office.js docs).
 */
export function suspendScreenUpdating(context: Excel.RequestContext, host: ExcelHost): void {
  if (host.supports(SCREEN_UPDATING_SET.set, SCREEN_UPDATING_SET.version)) {
    context.workbook.application.suspendScreenUpdatingUntilNextSync();
  }
}

/** Fill the cells of each address string (≤ 8k characters each) with one colour. */
export function fillAreas(sheet: Excel.Worksheet, addresses: readonly string[], color: string): void {
  for (const a of addresses) sheet.getRanges(a).format.fill.color = color;
}

/** Reset the fill of the cells of each address string to none. */
export function clearAreaFills(sheet: Excel.Worksheet, addresses: readonly string[]): void {
  for (const a of addresses) sheet.getRanges(a).format.fill.clear();
}

/** Write one 2-D block: number formats first (text "@" before a "0330…" value), then the values. */
export function blockCommand(sheet: Excel.Worksheet, b: ValueBlock): QueuedCommand {
  return {
    bytes: 3 * OP_OVERHEAD_BYTES + jsonBytes(b.values) + (b.numberFormat ? jsonBytes(b.numberFormat) : 0),
    queue: () => {
      const range = sheet.getRangeByIndexes(b.row, b.column, b.values.length, b.values[0].length);
      if (b.numberFormat) range.numberFormat = b.numberFormat;
      range.values = b.values;
    },
  };
}
