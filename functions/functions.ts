/**
 * Custom functions (namespace HC): thin wrappers over src/domain. They compute and return; they never
 * touch the workbook, call Excel APIs or do I/O. custom-functions-metadata-plugin reads the JSDoc tags
 * of this file to write functions.json (and appends the associate calls), so every function here is
 * tagged and typed with what the generator understands: `any[][]` parameters (one cell or a range)
 * and `any[][]` results that spill. The plumbing lives in args.ts and redLine.ts.
 */
import { availableAfterPending } from "../src/domain/redFlush";
import { redFlushChecks } from "../src/domain/plan/redFlush";
import {
  confirmStatusLabel,
  isInvoiceableConfirmStatus,
  parseKnownConfirmStatus,
  type RedLine,
} from "../src/domain/confirmForm";
import { normalizeText, parseAmount, parseTaxId, parseText } from "../src/domain/parse";
import { ok, type Result } from "../src/domain/refusals";
import type { Amount } from "../src/domain/money";
import {
  amountOut,
  blankIfZero,
  broadcast,
  cellsOf,
  orRefuse,
  qtyOut,
  singleCell,
  type CellOut,
  type CellValue,
} from "./args";
import { computeRedLine } from "./redLine";

/** REDLINE's columns: 不含税金额, 税额, 含税金额, 数量, 单价. */
const RED_LINE_WIDTH = 5;

/** Every red-line function: the same eleven arguments, one engine call per element, its own cells. */
function redLineCells(
  fn: string,
  args: readonly unknown[],
  render: (line: RedLine) => readonly CellValue[],
  width = 1
): CellOut[][] {
  return broadcast(fn, args, computeRedLine, render, width);
}

/**
 * 红字明细行的不含税金额（负数，两位小数，可求和）。按红冲原因与征税方式，由编辑的数量、不含税金额或含税金额计算，与红字确认单新增页面的算法一致。参数可为单元格区域：按位置逐个计算并溢出为同样大小的区域。
 * @customfunction REDAMOUNT
 * @param reason 红冲原因：开票有误、销售折让、销售退回（销货退回）、服务终止（服务中止）
 * @param taxMode 征税方式：普通征税、减按计征、差额征税
 * @param taxRate 蓝票明细行的税率，如 13% 或 0.13（减按计征、差额征税可留空）
 * @param remainingAmount 剩余可红冲金额（不含税，正负号均可）
 * @param remainingTax 剩余可红冲税额（正负号均可）
 * @param remainingQuantity 剩余可红冲数量；明细行没有数量时留空
 * @param unitPrice 可红冲单价；留空则按剩余可红冲金额÷剩余可红冲数量（保留13位小数）计算
 * @param editField 编辑的字段：数量、不含税金额、含税金额
 * @param editValue 编辑的值（正负号均可，金额按两位小数四舍五入）
 * @param taxCode 税收分类编码（19位，请用文本格式）；个人出租住房 3040502020102000000 按减按计征专用公式计算
 * @param hasDiscountLine 蓝票明细行是否带折扣行：是/否（默认否）
 * @returns 不含税金额（负数）
 */
export function redAmount(
  reason: any[][],
  taxMode: any[][],
  taxRate: any[][],
  remainingAmount: any[][],
  remainingTax: any[][],
  remainingQuantity: any[][],
  unitPrice: any[][],
  editField: any[][],
  editValue: any[][],
  taxCode?: any[][],
  hasDiscountLine?: any[][]
): any[][] {
  return redLineCells(
    "REDAMOUNT",
    [
      reason,
      taxMode,
      taxRate,
      remainingAmount,
      remainingTax,
      remainingQuantity,
      unitPrice,
      editField,
      editValue,
      taxCode,
      hasDiscountLine,
    ],
    (l) => [amountOut(l.amount)]
  );
}

/**
 * 红字明细行的税额（负数，两位小数，可求和）。参数与 HC.REDAMOUNT 相同。
 * @customfunction REDTAX
 * @param reason 红冲原因：开票有误、销售折让、销售退回（销货退回）、服务终止（服务中止）
 * @param taxMode 征税方式：普通征税、减按计征、差额征税
 * @param taxRate 蓝票明细行的税率，如 13% 或 0.13（减按计征、差额征税可留空）
 * @param remainingAmount 剩余可红冲金额（不含税，正负号均可）
 * @param remainingTax 剩余可红冲税额（正负号均可）
 * @param remainingQuantity 剩余可红冲数量；明细行没有数量时留空
 * @param unitPrice 可红冲单价；留空则按剩余可红冲金额÷剩余可红冲数量（保留13位小数）计算
 * @param editField 编辑的字段：数量、不含税金额、含税金额
 * @param editValue 编辑的值（正负号均可，金额按两位小数四舍五入）
 * @param taxCode 税收分类编码（19位，请用文本格式）；个人出租住房 3040502020102000000 按减按计征专用公式计算
 * @param hasDiscountLine 蓝票明细行是否带折扣行：是/否（默认否）
 * @returns 税额（负数）
 */
export function redTax(
  reason: any[][],
  taxMode: any[][],
  taxRate: any[][],
  remainingAmount: any[][],
  remainingTax: any[][],
  remainingQuantity: any[][],
  unitPrice: any[][],
  editField: any[][],
  editValue: any[][],
  taxCode?: any[][],
  hasDiscountLine?: any[][]
): any[][] {
  return redLineCells(
    "REDTAX",
    [
      reason,
      taxMode,
      taxRate,
      remainingAmount,
      remainingTax,
      remainingQuantity,
      unitPrice,
      editField,
      editValue,
      taxCode,
      hasDiscountLine,
    ],
    (l) => [amountOut(l.tax)]
  );
}

/**
 * 红字明细行的含税金额（价税合计，负数，两位小数，可求和）。参数与 HC.REDAMOUNT 相同。
 * @customfunction REDTOTAL
 * @param reason 红冲原因：开票有误、销售折让、销售退回（销货退回）、服务终止（服务中止）
 * @param taxMode 征税方式：普通征税、减按计征、差额征税
 * @param taxRate 蓝票明细行的税率，如 13% 或 0.13（减按计征、差额征税可留空）
 * @param remainingAmount 剩余可红冲金额（不含税，正负号均可）
 * @param remainingTax 剩余可红冲税额（正负号均可）
 * @param remainingQuantity 剩余可红冲数量；明细行没有数量时留空
 * @param unitPrice 可红冲单价；留空则按剩余可红冲金额÷剩余可红冲数量（保留13位小数）计算
 * @param editField 编辑的字段：数量、不含税金额、含税金额
 * @param editValue 编辑的值（正负号均可，金额按两位小数四舍五入）
 * @param taxCode 税收分类编码（19位，请用文本格式）；个人出租住房 3040502020102000000 按减按计征专用公式计算
 * @param hasDiscountLine 蓝票明细行是否带折扣行：是/否（默认否）
 * @returns 含税金额（负数）
 */
export function redTotal(
  reason: any[][],
  taxMode: any[][],
  taxRate: any[][],
  remainingAmount: any[][],
  remainingTax: any[][],
  remainingQuantity: any[][],
  unitPrice: any[][],
  editField: any[][],
  editValue: any[][],
  taxCode?: any[][],
  hasDiscountLine?: any[][]
): any[][] {
  return redLineCells(
    "REDTOTAL",
    [
      reason,
      taxMode,
      taxRate,
      remainingAmount,
      remainingTax,
      remainingQuantity,
      unitPrice,
      editField,
      editValue,
      taxCode,
      hasDiscountLine,
    ],
    (l) => [amountOut(l.amountInclTax)]
  );
}

/**
 * 红字明细行的数量（负数，文本，最多13位小数，不丢精度）；该行不带数量（如销售折让）时为空文本。参数与 HC.REDAMOUNT 相同。
 * @customfunction REDQTY
 * @param reason 红冲原因：开票有误、销售折让、销售退回（销货退回）、服务终止（服务中止）
 * @param taxMode 征税方式：普通征税、减按计征、差额征税
 * @param taxRate 蓝票明细行的税率，如 13% 或 0.13（减按计征、差额征税可留空）
 * @param remainingAmount 剩余可红冲金额（不含税，正负号均可）
 * @param remainingTax 剩余可红冲税额（正负号均可）
 * @param remainingQuantity 剩余可红冲数量；明细行没有数量时留空
 * @param unitPrice 可红冲单价；留空则按剩余可红冲金额÷剩余可红冲数量（保留13位小数）计算
 * @param editField 编辑的字段：数量、不含税金额、含税金额
 * @param editValue 编辑的值（正负号均可，金额按两位小数四舍五入）
 * @param taxCode 税收分类编码（19位，请用文本格式）；个人出租住房 3040502020102000000 按减按计征专用公式计算
 * @param hasDiscountLine 蓝票明细行是否带折扣行：是/否（默认否）
 * @returns 数量（负数，文本）
 */
export function redQty(
  reason: any[][],
  taxMode: any[][],
  taxRate: any[][],
  remainingAmount: any[][],
  remainingTax: any[][],
  remainingQuantity: any[][],
  unitPrice: any[][],
  editField: any[][],
  editValue: any[][],
  taxCode?: any[][],
  hasDiscountLine?: any[][]
): any[][] {
  return redLineCells(
    "REDQTY",
    [
      reason,
      taxMode,
      taxRate,
      remainingAmount,
      remainingTax,
      remainingQuantity,
      unitPrice,
      editField,
      editValue,
      taxCode,
      hasDiscountLine,
    ],
    (l) => [qtyOut(l.quantity)]
  );
}

/**
 * 整行红字明细，溢出为一行五列：不含税金额、税额、含税金额（数字）、数量、单价（文本，该行不带时为空）。参数与 HC.REDAMOUNT 相同；参数为单列区域时每行输出一行。
 * @customfunction REDLINE
 * @param reason 红冲原因：开票有误、销售折让、销售退回（销货退回）、服务终止（服务中止）
 * @param taxMode 征税方式：普通征税、减按计征、差额征税
 * @param taxRate 蓝票明细行的税率，如 13% 或 0.13（减按计征、差额征税可留空）
 * @param remainingAmount 剩余可红冲金额（不含税，正负号均可）
 * @param remainingTax 剩余可红冲税额（正负号均可）
 * @param remainingQuantity 剩余可红冲数量；明细行没有数量时留空
 * @param unitPrice 可红冲单价；留空则按剩余可红冲金额÷剩余可红冲数量（保留13位小数）计算
 * @param editField 编辑的字段：数量、不含税金额、含税金额
 * @param editValue 编辑的值（正负号均可，金额按两位小数四舍五入）
 * @param taxCode 税收分类编码（19位，请用文本格式）；个人出租住房 3040502020102000000 按减按计征专用公式计算
 * @param hasDiscountLine 蓝票明细行是否带折扣行：是/否（默认否）
 * @returns 不含税金额、税额、含税金额、数量、单价
 */
export function redLine(
  reason: any[][],
  taxMode: any[][],
  taxRate: any[][],
  remainingAmount: any[][],
  remainingTax: any[][],
  remainingQuantity: any[][],
  unitPrice: any[][],
  editField: any[][],
  editValue: any[][],
  taxCode?: any[][],
  hasDiscountLine?: any[][]
): any[][] {
  return redLineCells(
    "REDLINE",
    [
      reason,
      taxMode,
      taxRate,
      remainingAmount,
      remainingTax,
      remainingQuantity,
      unitPrice,
      editField,
      editValue,
      taxCode,
      hasDiscountLine,
    ],
    (l) => [
      amountOut(l.amount),
      amountOut(l.tax),
      amountOut(l.amountInclTax),
      qtyOut(l.quantity),
      qtyOut(l.unitPrice),
    ],
    RED_LINE_WIDTH
  );
}

const REVERSIBLE_FIELD = "发票可红冲金额";
const PENDING_FIELD = "待开红冲金额";

/** The 待开 red amounts of one invoice: blank cells skipped, a bad cell fails the whole call. */
function readPending(arg: unknown): Amount[] {
  const out: Amount[] = [];
  for (const cell of cellsOf(arg)) {
    const v = orRefuse(parseAmount(cell, PENDING_FIELD, { allowNegative: true }));
    if (v !== null) out.push(v);
  }
  return out;
}

function readReversible(arg: unknown): Amount {
  const cell = singleCell(arg, REVERSIBLE_FIELD);
  return orRefuse(parseAmount(cell, REVERSIBLE_FIELD, { required: true, allowNegative: true })) as Amount;
}

/**
 * 扣除待开红票后的剩余可红冲金额：|发票可红冲金额| − Σ|待开红冲金额|，不足时为 0。
 * @customfunction REDREMAIN
 * @param reversibleAmount 发票可红冲金额（单个单元格）
 * @param pendingRedAmounts 本发票在待开发票中未开具的红冲金额（单元格区域，空单元格忽略，正负号均可）
 * @returns 剩余可红冲金额（两位小数）
 */
export function redRemain(reversibleAmount: any[][], pendingRedAmounts: any[][]): number {
  const reversible = readReversible(reversibleAmount);
  return amountOut(availableAfterPending(reversible, readPending(pendingRedAmounts)).available);
}

/**
 * 发票能否红冲：发票状态须为“正常”或“部分红冲”且可红冲金额大于0，本次红冲金额 + 待开红冲金额 ≤ 可红冲金额（省略本次红冲金额则按全部可红冲金额）；给出发票种类时再按票种校验：税控普通发票只支持全额红冲，数电发票须有红冲原因（开票有误只支持全额红冲）。与任务窗格的预检规则相同。可以时返回 TRUE，否则返回原因。
 * @customfunction CANREDFLUSH
 * @param invoiceStatus 发票状态：正常、部分红冲、全额红冲、作废、作废中（单个单元格）
 * @param reversibleAmount 发票可红冲金额（单个单元格）
 * @param pendingRedAmounts 本发票在待开发票中未开具的红冲金额（单元格区域，空单元格忽略）
 * @param requestAmount 本次红冲金额；省略则按全部可红冲金额
 * @param invoiceKind 发票种类，如 增值税普通发票、增值税专用发票、数电发票（普通发票）；省略则不按票种校验
 * @param redReason 红冲原因（数电发票须填写）：开票有误、销售折让、销售退回、服务终止
 * @returns TRUE，或不能红冲的原因
 */
export function canRedFlush(
  invoiceStatus: any[][],
  reversibleAmount: any[][],
  pendingRedAmounts?: any[][],
  requestAmount?: any[][],
  invoiceKind?: any[][],
  redReason?: any[][]
): any {
  const status = orRefuse(
    parseText(blankIfZero(singleCell(invoiceStatus, "发票状态")), "发票状态", { required: true })
  );
  const reversible = readReversible(reversibleAmount);
  const pending = readPending(pendingRedAmounts);
  const request = orRefuse(
    parseAmount(singleCell(requestAmount, "本次红冲金额"), "本次红冲金额", { allowNegative: true })
  );
  const kind = orRefuse(parseText(blankIfZero(singleCell(invoiceKind, "发票种类")), "发票种类"));
  const reason = orRefuse(parseText(blankIfZero(singleCell(redReason, "红冲原因")), "红冲原因"));
  // The planner's own checks, without the gateway's record (a formula has none).
  const r = redFlushChecks({
    invoiceKind: kind,
    invoiceStatus: status,
    reversibleAmount: reversible,
    pendingRedAmounts: pending,
    redAmount: request,
    redReason: reason,
    record: null,
  });
  return r === null ? true : r.refusal.message;
}

/**
 * 红字确认单确认状态代码（01–10）的名称及能否开具红票，溢出为一行两列：状态名称、TRUE/FALSE（仅 01 无需确认、04 购销双方已确认可开票）。01–10 以外的代码（如 99）为 #VALUE!。参数可为单列区域。
 * @customfunction CONFIRMSTATUS
 * @param code 确认状态代码，如 01、4，或状态名称
 * @returns 状态名称、是否可开具红票
 */
export function confirmStatus(code: any[][]): any[][] {
  return broadcast(
    "CONFIRMSTATUS",
    [code],
    readConfirmStatus,
    (c) => [confirmStatusLabel(c), isInvoiceableConfirmStatus(c)],
    2
  );
}

/** A blank cell has no status (empty label, not invoiceable); numbers are codes typed without the 0. */
function readConfirmStatus([cell]: readonly unknown[]): Result<string | null> {
  const text = normalizeText(blankIfZero(cell));
  return text === null ? ok(null) : parseKnownConfirmStatus(text);
}

/**
 * 校验税号（纳税人识别号 / 统一社会信用代码）：18位统一社会信用代码按 GB 32100 校验位，15、17、20位旧税号按长度和字符。正确返回 TRUE，否则返回错误说明（含应有的校验位）。参数可为单元格区域。
 * @customfunction TAXID
 * @param taxId 税号（请用文本格式，数字格式会丢失位数）
 * @returns TRUE，或错误说明
 */
export function checkTaxId(taxId: any[][]): any[][] {
  return broadcast(
    "TAXID",
    [taxId],
    ([cell]) => {
      const r = parseTaxId(blankIfZero(cell), "税号", { required: true });
      return ok(r.ok ? true : r.refusal.message);
    },
    (v) => [v]
  );
}
