/**
 * 红字确认单 — module 002 (domain-rules §4): one row per line; the header fields (§4.1) repeat on
 * each line of a form and rows with the same 流水号 (or the same 原蓝票号码 when new) make one form.
 * 编辑字段/编辑值 say which line value the user changes (§4.6) and to what. Required columns,
 * limits and row rules are the planner's (src/domain/plan/confirmForm.ts).
 */
import {
  CONFIRM_FORM_REQUIRED_KEYS,
  CONFIRM_FORM_TEXT_LIMITS,
  checkConfirmFormRow,
  type ConfirmFormKey,
} from "../../domain/plan/confirmForm";
import type { CellValue } from "../../domain/plan/drafts";
import { column, processColumns, type RowCheckError, type SheetSchema } from "./columns";

const required = (key: ConfirmFormKey): boolean => CONFIRM_FORM_REQUIRED_KEYS.includes(key);
const maxLength = (key: ConfirmFormKey): number => CONFIRM_FORM_TEXT_LIMITS[key]!;

/** The planner's row rules (line no. of a partial line, 2.1.03 line rules, tolerances, limits). */
function confirmFormRowCheck(values: Readonly<Record<string, unknown>>): RowCheckError[] {
  return checkConfirmFormRow(values as Readonly<Record<ConfirmFormKey, CellValue>>).map((e) => ({
    key: e.key,
    refusal: e.refusal,
  }));
}

export const confirmFormsSchema: SheetSchema = {
  kind: "confirmForms",
  title: "红字确认单",
  rowCheck: confirmFormRowCheck,
  columns: [
    // Header fields (§4.1).
    column("billNo", "单据编号", "text", { maxLength: maxLength("billNo") }),
    column("blueInvoiceNumber", "原蓝票号码", "invoiceNumber", {
      required: required("blueInvoiceNumber"),
      aliases: ["蓝票号码", "原发票号码", "对应蓝票号码", "发票号码"],
    }),
    column("blueInvoiceCode", "原蓝票代码", "invoiceCode", {
      aliases: ["蓝票代码", "原发票代码", "发票代码"],
    }),
    column("blueIssueDate", "原蓝票开票日期", "datetime", { aliases: ["蓝票开票日期", "原蓝票日期"] }),
    column("redReason", "红冲原因", "label:RedReason", {
      required: required("redReason"),
      aliases: ["冲红原因"],
    }),
    column("myRole", "购销身份", "label:Role", { aliases: ["身份"] }),
    column("auditStatus", "审核状态", "label:AuditStatus", { aliases: ["审批状态"] }),
    column("dataSource", "数据来源", "label:DataSource"),
    column("enterpriseType", "企业类型", "text", { aliases: ["购方企业类型"], maxLength: 50 }),
    column("deliveryEmail", "交付邮箱", "text", { maxLength: 100 }),
    column("deliveryPhone", "交付手机", "text", { maxLength: 20 }),
    column("remark", "备注", "text", { maxLength: 230 }),
    // Line fields.
    column("lineNo", "行号", "integer", { aliases: ["明细行号", "蓝票行号", "原蓝票行号"] }),
    column("goodsName", "货物名称", "text", {
      aliases: ["商品名称", "项目名称", "货物或应税劳务、服务名称"],
      maxLength: maxLength("goodsName"),
    }),
    column("taxCode", "税收分类编码", "text", {
      aliases: ["商品编码", "商品和服务税收分类编码"],
    }),
    column("spec", "规格型号", "text", { maxLength: maxLength("spec") }),
    column("unit", "单位", "text", { maxLength: maxLength("unit") }),
    column("taxMode", "征税方式", "label:TaxMode", { aliases: ["计税方式"] }),
    // 优惠政策 of the blue line (privilegeType code or name): 个人出租住房 (3040502020102000000) is
    // computed with its formula only with 按5%简易征收减按1.5%计征 (calcRedLine's privilegeType).
    column("privilegeType", "优惠政策", "text", {
      aliases: ["优惠政策类型", "privilegeType"],
      maxLength: 50,
    }),
    // Red lines are negative (§1.6); either sign is accepted and the magnitude used.
    column("quantity", "数量", "quantity", { allowNegative: true }),
    column("unitPrice", "单价", "unitPrice"),
    column("amount", "金额", "amount", { aliases: ["不含税金额"], allowNegative: true, exactDecimals: true }),
    column("taxRate", "税率", "rate", { aliases: ["征收率", "税率/征收率"] }),
    column("taxAmount", "税额", "amount", { allowNegative: true, exactDecimals: true }),
    column("totalAmount", "含税金额", "amount", {
      aliases: ["价税合计"],
      allowNegative: true,
      exactDecimals: true,
    }),
    column("remainingQuantity", "剩余可红冲数量", "quantity"),
    column("remainingAmount", "剩余可红冲金额", "amount"),
    column("remainingTax", "剩余可红冲税额", "amount"),
    column("reversibleUnitPrice", "可红冲单价", "unitPrice"),
    column("hasDiscountLine", "带折扣行", "boolean", { aliases: ["是否折扣行", "折扣行"] }),
    // 收购票 (the buyer issues it): the identities flip — who may red-flush, who enters (identity.ts).
    // Optional: without it the pane asks the gateway (HC.BLUEINVOICE.QUERY, else 2.1.13).
    column("isPurchaseInvoice", "收购票", "boolean", { aliases: ["是否收购票"] }),
    column("editField", "编辑字段", "label:LineEditField"),
    column("editValue", "编辑值", "quantity", { allowNegative: true }),
    // Written by us (bureau answers and run status).
    column("serialNo", "流水号", "text", { result: true }),
    column("formNumber", "红字确认单编号", "text", {
      result: true,
      aliases: ["确认单编号", "红字信息确认单编号"],
    }),
    column("entryDate", "录入日期", "datetime", { result: true }),
    column("entryStatus", "录入状态", "label:EntryStatus", { result: true }),
    column("confirmStatus", "确认状态", "text", { result: true }),
    column("confirmDate", "确认日期", "datetime", { result: true }),
    column("entrantRole", "录入方身份", "label:Role", { result: true, aliases: ["录入方"] }),
    column("invoiceStatus", "开票状态", "label:FormInvoiceStatus", { result: true }),
    column("redInvoiceNumber", "红票号码", "invoiceNumber", { result: true, aliases: ["红字发票号码"] }),
    column("redIssueDate", "红票开票日期", "datetime", { result: true }),
    ...processColumns(),
  ],
};
