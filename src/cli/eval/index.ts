/**
 * `hongchong eval FILE`: run rule requests shaped like shared/spec/examples.json and print
 * `{"results":[{"id","kind","output"}]}`. One bad vector gives `{"error": ...}` for that vector only.
 */
import { confirmFormHandlers } from "./confirmForm";
import { infoFormHandlers } from "./infoForm";
import { inputSyncHandlers } from "./inputSync";
import { redFlushHandlers } from "./redFlush";
import { EvalHandlers, EvalInputError, isObj } from "./types";

export const EVAL_HANDLERS: EvalHandlers = {
  ...redFlushHandlers,
  ...infoFormHandlers,
  ...confirmFormHandlers,
  ...inputSyncHandlers,
};

export interface EvalResult {
  id: unknown;
  kind: unknown;
  output?: Record<string, unknown>;
  error?: string;
}

export function evaluateVector(v: unknown): EvalResult {
  if (!isObj(v)) return { id: null, kind: null, error: "vector must be an object" };
  const { id, kind, inputs } = v;
  if (typeof kind !== "string") return { id, kind: kind ?? null, error: "kind must be a string" };
  const handler = Object.prototype.hasOwnProperty.call(EVAL_HANDLERS, kind) ? EVAL_HANDLERS[kind] : undefined;
  if (!handler) return { id, kind, error: `unknown kind: ${kind}` };
  if (!isObj(inputs)) return { id, kind, error: "inputs must be an object" };
  try {
    return { id, kind, output: handler(inputs) };
  } catch (e) {
    if (e instanceof EvalInputError) return { id, kind, error: e.message };
    // A rule that throws on odd-but-well-typed input is still that vector's failure, not the run's.
    return { id, kind, error: `internal error: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export function evaluateDocument(doc: unknown): { results: EvalResult[] } {
  if (!isObj(doc) || !Array.isArray(doc.vectors)) {
    throw new EvalInputError('input must be a JSON object with a "vectors" list');
  }
  return { results: doc.vectors.map(evaluateVector) };
}
