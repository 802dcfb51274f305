/* global CustomFunctions */
/**
 * Argument plumbing of the HC custom functions: reading what Excel hands a parameter, broadcasting
 * ranges element-wise, turning engine values into cell values and refusals into #VALUE! errors.
 *
 * Excel passes an `any[][]` parameter a 2-D array even for one cell or a typed literal ([[value]]);
 * an omitted optional parameter arrives as null/undefined. Nothing here touches the workbook.
 */
import { formatAmount, formatQty, type DecimalLike } from "../src/domain/money";
import { fail, ok, refusal, type Refusal, type Result } from "../src/domain/refusals";

/** What a function may put in one cell. */
export type CellValue = number | string | boolean;
export type CellOut = CellValue | CustomFunctions.Error;

/** A parameter as a 2-D array of cell values. */
export type Grid = readonly (readonly unknown[])[];

export interface Shape {
  readonly rows: number;
  readonly cols: number;
}

function isGrid(arg: unknown): arg is Grid {
  return Array.isArray(arg) && arg.length > 0 && arg.every((row) => Array.isArray(row) && row.length > 0);
}

/** One cell or a range, as a grid: a scalar (tests, a JS caller) or an empty array is a 1×1 grid. */
export function asGrid(arg: unknown): Grid {
  if (isGrid(arg)) return arg;
  return [[Array.isArray(arg) ? null : arg]];
}

function shapeOf(g: Grid): Shape {
  return { rows: g.length, cols: g[0].length };
}

const isSingle = (s: Shape): boolean => s.rows === 1 && s.cols === 1;
const showShape = (s: Shape): string => `${s.rows}行×${s.cols}列`;

/**
 * The common shape of the arguments: single cells broadcast over the ranges, and every range must
 * have the same size — a 3-row and a 4-row range have no sensible pairing, so they are refused.
 */
export function broadcastShape(grids: readonly Grid[]): Result<Shape> {
  let shape: Shape = { rows: 1, cols: 1 };
  for (const g of grids) {
    const s = shapeOf(g);
    if (isSingle(s)) continue;
    if (isSingle(shape)) shape = s;
    else if (s.rows !== shape.rows || s.cols !== shape.cols) {
      return fail("CF_SHAPE_MISMATCH", { shapes: `${showShape(shape)}与${showShape(s)}` });
    }
  }
  return ok(shape);
}

function cellAt(g: Grid, r: number, c: number): unknown {
  return g.length === 1 && g[0].length === 1 ? g[0][0] : g[r]?.[c];
}

/** The error a cell shows: #VALUE! with the Chinese message in its tooltip. */
export function valueError(message: string): CustomFunctions.Error {
  return new CustomFunctions.Error(CustomFunctions.ErrorCode.invalidValue, message);
}

/** A whole-call refusal: the function throws, Excel shows #VALUE! with the message. */
export function refuse(r: Refusal): never {
  throw valueError(r.message);
}

/** The value of a Result, or the whole call fails with its message. */
export function orRefuse<T>(r: Result<T>): T {
  if (!r.ok) refuse(r.refusal);
  return r.value;
}

/**
 * Element-wise evaluation. `compute` sees the cell at the same position of every argument (single
 * cells broadcast) and gives `width` output cells: width 1 keeps the arguments' shape; a wider
 * result (a whole red line, a label + flag) is one output row per input row, so the arguments must
 * then be single cells or single columns.
 * A refusal in one element becomes a #VALUE! in that element only; when the call is one element,
 * the function throws instead (the whole call is the bad input).
 */
export function broadcast<T>(
  fn: string,
  args: readonly unknown[],
  compute: (cells: readonly unknown[]) => Result<T>,
  render: (value: T) => readonly CellValue[],
  width = 1
): CellOut[][] {
  const grids = args.map(asGrid);
  const shape = orRefuse(broadcastShape(grids));
  if (width > 1 && shape.cols > 1) refuse(refusal("CF_SINGLE_COLUMN_ONLY", { fn, shape: showShape(shape) }));
  const single = isSingle(shape);
  const out: CellOut[][] = [];
  for (let r = 0; r < shape.rows; r++) {
    const row: CellOut[] = [];
    for (let c = 0; c < shape.cols; c++) {
      const result = compute(grids.map((g) => cellAt(g, r, c)));
      if (result.ok) row.push(...render(result.value));
      else if (single) refuse(result.refusal);
      else for (let k = 0; k < width; k++) row.push(valueError(result.refusal.message));
    }
    out.push(row);
  }
  return out;
}

/** A parameter that must be one cell (e.g. the invoice of CANREDFLUSH): a range is a whole-call refusal. */
export function singleCell(arg: unknown, field: string): unknown {
  const g = asGrid(arg);
  if (!isSingle(shapeOf(g))) refuse(refusal("CF_SINGLE_CELL_ONLY", { field }));
  return g[0][0];
}

/** Every cell of a list parameter (e.g. 待开红冲金额), row by row; such a range is read whole, not broadcast. */
export function cellsOf(arg: unknown): unknown[] {
  return asGrid(arg).flatMap((row) => [...row]);
}

/**
 * Excel desktop passes an empty cell to an `any` parameter as 0 (the web passes null; office-js
 * #4702, #5262). For text-like parameters (labels, codes, tax IDs) 0 is never a meaningful value,
 * so it reads as blank there. Numeric parameters cannot tell the two apart and take 0 as typed.
 */
export function blankIfZero(v: unknown): unknown {
  return v === 0 ? null : v;
}

/**
 * An amount for a cell: the engine's exact 2-dp string, made a number only here, at the very end, so
 * the cell can be summed. Zero is 0 (formatAmount never gives "-0.00").
 */
export function amountOut(v: DecimalLike): number {
  return Number(formatAmount(v));
}

/**
 * 数量 / 单价 for a cell: exact text without trailing zeros (a double cannot hold 13 decimals).
 * A line without one gives "" — Excel would show a null as 0 (office-js#1503).
 */
export function qtyOut(v: DecimalLike | null): string {
  return v === null ? "" : formatQty(v);
}
