/* global CustomFunctions */
/**
 * Custom functions (namespace HC). Thin wrappers over src/domain: they compute and return,
 * never touch the workbook. custom-functions-metadata-plugin generates functions.json from these JSDoc tags.
 */
import { formatAmount, round2HalfUp } from "../src/domain/money";

/**
 * 按两位小数四舍五入（远离零），返回文本，不丢精度。
 * @customfunction ROUND2
 * @param value 金额（数字或文本）
 * @returns 两位小数的金额文本
 */
export function round2(value: number | string): string {
  return formatAmount(round2HalfUp(String(value)));
}
