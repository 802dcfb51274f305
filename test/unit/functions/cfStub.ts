/**
 * The CustomFunctions global the Excel runtime provides, stubbed for jest (office-addin-mock has none;
 * pattern from Office-Addin-Scripts#733). Import this before functions/functions.
 */
export class CfError extends Error {
  constructor(
    public readonly code: string,
    message?: string
  ) {
    super(message);
    this.name = "CustomFunctions.Error";
  }
}

export const ErrorCode = {
  invalidValue: "#VALUE!",
  notAvailable: "#N/A",
  divisionByZero: "#DIV/0!",
  invalidNumber: "#NUM!",
  nullReference: "#NULL!",
  invalidName: "#NAME?",
  invalidReference: "#REF!",
} as const;

(globalThis as unknown as { CustomFunctions: unknown }).CustomFunctions = {
  Error: CfError,
  ErrorCode,
  associate() {},
};

/** Runs `f` and returns what it threw (fails the test when nothing was thrown). */
export function thrown(f: () => unknown): CfError {
  try {
    f();
  } catch (e) {
    if (e instanceof CfError) return e;
    throw e;
  }
  throw new Error("expected a CustomFunctions.Error to be thrown");
}

/** A #VALUE! cell with this message, as `plain` shows it. */
export function valueError(message: string): { error: string; message: string } {
  return { error: ErrorCode.invalidValue, message };
}

/** Result cells made comparable: an error becomes `{ error, message }`, values stay as they are. */
export function plain(grid: unknown): unknown {
  if (Array.isArray(grid)) return grid.map(plain);
  return grid instanceof CfError ? { error: grid.code, message: grid.message } : grid;
}

/**
 * A custom function as Excel (or a JS caller) calls it: any value per argument. The `any[][]`
 * parameter types exist for the metadata generator; at run time a scalar is read as one cell.
 */
export function asExcelCalls<R>(f: (...args: never[]) => R): (...args: unknown[]) => R {
  return f as unknown as (...args: unknown[]) => R;
}
