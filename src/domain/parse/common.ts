import { fail, ok, type Result } from "../refusals";
import { readCell, type Cell } from "./cell";

/** Options every field parser takes. */
export interface RequiredOption {
  /** Blank is FIELD_REQUIRED instead of value null. */
  readonly required?: boolean;
}

/** A cell with something in it that might be data. */
export type FilledCell = Exclude<Cell, { kind: "blank" } | { kind: "excelError" } | { kind: "uncalculated" }>;

/**
 * The common first step of every parser: a blank cell is null (or FIELD_REQUIRED), an Excel error
 * value (#N/A…) is CELL_ERROR_VALUE whatever the field, anything else goes on to the field's rules.
 */
export function readFilled(
  input: unknown,
  field: string,
  required: boolean | undefined
): Result<null> | FilledCell {
  const cell = readCell(input);
  if (cell.kind === "blank") return required ? fail("FIELD_REQUIRED", { field }) : ok(null);
  if (cell.kind === "excelError") return fail("CELL_ERROR_VALUE", { field, value: cell.shown });
  if (cell.kind === "uncalculated")
    return fail("CELL_FORMULA_NOT_CALCULATED", { field, formula: cell.shown });
  return cell;
}

/** Narrowing helper: did `readFilled` already decide? */
export function decided(r: Result<null> | FilledCell): r is Result<null> {
  return "ok" in r;
}
