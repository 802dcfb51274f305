/** A tiny typed translator: t(key, params) with `{name}` placeholders; zh-CN is the default. */
import { enUS } from "./en-US";
import { zhCN, type MessageKey } from "./zh-CN";

export type { MessageKey };
export type Lang = "zh-CN" | "en-US";
export const LANGS: readonly Lang[] = ["zh-CN", "en-US"];

const TABLES: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = { "zh-CN": zhCN, "en-US": enUS };

export type TranslateParams = Readonly<Record<string, string | number>>;
export type Translate = (key: MessageKey, params?: TranslateParams) => string;

export function translate(lang: Lang, key: MessageKey, params: TranslateParams = {}): string {
  const text = TABLES[lang][key] ?? zhCN[key];
  return text.replace(/\{(\w+)\}/g, (m, k: string) =>
    Object.prototype.hasOwnProperty.call(params, k) ? String(params[k]) : m
  );
}

export function translator(lang: Lang): Translate {
  return (key, params) => translate(lang, key, params);
}

export function isLang(s: unknown): s is Lang {
  return s === "zh-CN" || s === "en-US";
}
