/**
 * `hongchong eval FILE`: run rule requests shaped like shared/spec/examples.json and print
 * `{"results":[{"id","kind","output"}]}`. One bad vector gives `{"error": ...}` for that vector only.
 */
import { confirmFormHandlers } from "./confirmForm";
import { infoFormHandlers } from "./infoForm";
import { inputSyncHandlers } from "./inputSync";
import { redFlushHandlers } from "./redFlush";
import { EvalHandlers, EvalInputError, type EvalLang, isObj } from "./types";

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

/** The generic messages of evaluateVector, in both languages. */
const MESSAGES = {
  notObject: { zh: "向量须为对象", en: "vector must be an object" },
  kindNotString: { zh: "kind 须为字符串", en: "kind must be a string" },
  unknownKind: { zh: "未知的 kind：{kind}", en: "unknown kind: {kind}" },
  inputsNotObject: { zh: "inputs 须为对象", en: "inputs must be an object" },
  internal: { zh: "内部错误：{message}", en: "internal error: {message}" },
} as const;

const say = (m: { zh: string; en: string }, lang: EvalLang, params: Record<string, string> = {}): string =>
  m[lang].replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? "");

export function evaluateVector(v: unknown, lang: EvalLang = "zh"): EvalResult {
  if (!isObj(v)) return { id: null, kind: null, error: say(MESSAGES.notObject, lang) };
  const { id, kind, inputs } = v;
  if (typeof kind !== "string") return { id, kind: kind ?? null, error: say(MESSAGES.kindNotString, lang) };
  const handler = Object.prototype.hasOwnProperty.call(EVAL_HANDLERS, kind) ? EVAL_HANDLERS[kind] : undefined;
  if (!handler) return { id, kind, error: say(MESSAGES.unknownKind, lang, { kind }) };
  if (!isObj(inputs)) return { id, kind, error: say(MESSAGES.inputsNotObject, lang) };
  try {
    return { id, kind, output: handler(inputs) };
  } catch (e) {
    if (e instanceof EvalInputError) return { id, kind, error: e[lang] };
    // A rule that throws on odd-but-well-typed input is still that vector's failure, not the run's.
    return {
      id,
      kind,
      error: say(MESSAGES.internal, lang, { message: e instanceof Error ? e.message : String(e) }),
    };
  }
}

export function evaluateDocument(doc: unknown, lang: EvalLang = "zh"): { results: EvalResult[] } {
  if (!isObj(doc) || !Array.isArray(doc.vectors)) {
    const e = new EvalInputError(
      '输入须为带 "vectors" 列表的 JSON 对象',
      'input must be a JSON object with a "vectors" list'
    );
    throw new Error(e[lang]);
  }
  return { results: doc.vectors.map((v) => evaluateVector(v, lang)) };
}

/**
 * What `hongchong eval` says on stderr when vectors failed (stdout keeps the JSON), and its exit code:
 * 0 when every vector was evaluated, 1 when some gave `error` (the JSON still has every result).
 */
export function evalSummary(
  results: readonly EvalResult[],
  lang: EvalLang = "zh"
): { code: number; text: string } {
  const bad = results.filter((r) => r.error !== undefined);
  if (bad.length === 0) return { code: 0, text: "" };
  const shown = bad.slice(0, 10).map((r) => `  ${String(r.id)}: ${r.error}`);
  const more =
    bad.length > 10 ? [lang === "en" ? `  … ${bad.length - 10} more` : `  …另有 ${bad.length - 10} 个`] : [];
  const head =
    lang === "en"
      ? `${bad.length} of ${results.length} vectors have input errors:`
      : `${results.length} 个向量中有 ${bad.length} 个输入有误：`;
  return { code: 1, text: [head, ...shown, ...more].join("\n") + "\n" };
}
