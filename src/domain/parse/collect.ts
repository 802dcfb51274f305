/**
 * Parse a whole row and report every bad cell at once: an accountant fixing a 200-row import wants
 * all the red cells of a row, not one per round trip.
 */
import type { Refusal, Result } from "../refusals";

export interface FieldSpec<T> {
  /** The field's Chinese name, used in messages (e.g. "不含税金额"). */
  readonly field: string;
  /** Where the cell is in the row: a key of a row object or a column index; default the spec's key. */
  readonly at?: string | number;
  /** A field parser, e.g. `(v, f) => parseAmount(v, f, { required: true })`. */
  readonly parse: (input: unknown, field: string) => Result<T>;
}

export type RowSpec = Readonly<Record<string, FieldSpec<unknown>>>;

export type RowValues<S extends RowSpec> = {
  -readonly [K in keyof S]: S[K] extends FieldSpec<infer T> ? T : never;
};

export interface FieldError {
  /** The spec key (the value's name in `values`). */
  readonly key: string;
  /** The field's Chinese name. */
  readonly field: string;
  readonly refusal: Refusal;
}

export type RowResult<S extends RowSpec> =
  | { readonly ok: true; readonly values: RowValues<S>; readonly errors: readonly [] }
  | { readonly ok: false; readonly values: Partial<RowValues<S>>; readonly errors: readonly FieldError[] };

/**
 * Run every field parser of `spec` over `row` (an object by key or an array by column index).
 * `values` holds each field that parsed; `errors` one entry per failing field, in spec order.
 */
export function collectErrors<S extends RowSpec>(
  row: Readonly<Record<string, unknown>> | readonly unknown[],
  spec: S
): RowResult<S> {
  const values: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const [key, f] of Object.entries(spec)) {
    const at = f.at ?? key;
    const input = Array.isArray(row) ? row[Number(at)] : (row as Readonly<Record<string, unknown>>)[at];
    const r = f.parse(input, f.field);
    if (r.ok) values[key] = r.value;
    else errors.push({ key, field: f.field, refusal: r.refusal });
  }
  return errors.length === 0
    ? { ok: true, values: values as RowValues<S>, errors: [] }
    : { ok: false, values: values as Partial<RowValues<S>>, errors };
}
