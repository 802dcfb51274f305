/**
 * 红字信息表 — the 批量引入 sheet of module 001 (domain-rules §3, §3.8): one row per line of a
 * form; rows with the same 申请单号 (or, without one, the same blue invoice) make one form.
 * Column keys are the planner's (src/domain/plan/infoForm.ts): which columns are required (the
 * template's 必填 marks), their length limits and every row rule come from it, so the CLI import,
 * the pane's 批量引入 and the pane's 上传 judge a row alike.
 */
import {
  INFO_FORM_REQUIRED_KEYS,
  INFO_FORM_TEXT_LIMITS,
  checkInfoFormRow,
  type InfoFormKey,
} from "../../domain/plan/infoForm";
import type { CellValue } from "../../domain/plan/drafts";
import { column, processColumns, type RowCheckError, type SheetSchema } from "./columns";

const required = (key: InfoFormKey): boolean => INFO_FORM_REQUIRED_KEYS.includes(key);
const maxLength = (key: InfoFormKey): number => INFO_FORM_TEXT_LIMITS[key]!;

/**
 * The planner's row rules (§3.1 blue fields per 申请方, §3.8 amounts, 2.2.04 line rules). Cells that
 * failed to parse are skipped by the caller, so their FIELD_REQUIRED never doubles a parse error.
 */
function infoFormRowCheck(values: Readonly<Record<string, unknown>>): RowCheckError[] {
  return checkInfoFormRow(values as Readonly<Record<InfoFormKey, CellValue>>).map((e) => ({
    key: e.key,
    refusal: e.refusal,
  }));
}

export const infoFormsSchema: SheetSchema = {
  kind: "infoForms",
  title: "红字信息表",
  rowCheck: infoFormRowCheck,
  columns: [
    column("formKey", "申请单号", "text", {
      aliases: ["单据编号", "申请序号", "序号"],
      maxLength: maxLength("formKey"),
    }),
    column("applicant", "申请方", "label:InfoFormApplicant", { required: required("applicant") }),
    column("invoiceType", "发票类型", "label:InfoFormInvoiceType", {
      required: required("invoiceType"),
      aliases: ["发票种类"],
    }),
    column("blueInvoiceCode", "原发票代码", "invoiceCode", {
      aliases: ["蓝票代码", "对应蓝票代码", "原蓝票代码"],
    }),
    column("blueInvoiceNo", "原发票号码", "invoiceNumber", {
      aliases: ["蓝票号码", "对应蓝票号码", "原蓝票号码"],
      invoiceNumberKind: "taxControl",
    }),
    column("blueIssueDate", "蓝票开票日期", "date", {
      aliases: ["原蓝票开票日期", "原发票开票日期", "开票日期"],
    }),
    column("buyerName", "购方名称", "text", {
      required: required("buyerName"),
      aliases: ["购买方名称"],
      maxLength: maxLength("buyerName"),
    }),
    column("buyerTaxId", "购方税号", "taxId", {
      required: required("buyerTaxId"),
      aliases: ["购买方税号", "购方纳税人识别号"],
    }),
    column("sellerName", "销方名称", "text", {
      required: required("sellerName"),
      aliases: ["销售方名称"],
      maxLength: maxLength("sellerName"),
    }),
    column("sellerTaxId", "销方税号", "taxId", {
      required: required("sellerTaxId"),
      aliases: ["销售方税号", "销方纳税人识别号"],
    }),
    column("reversibleAmount", "蓝票可红冲金额", "amount", { aliases: ["可红冲金额"] }),
    column("goodsName", "货物名称", "text", {
      required: required("goodsName"),
      aliases: ["商品名称", "项目名称", "货物或应税劳务、服务名称", "货物或应税劳务名称"],
      maxLength: maxLength("goodsName"),
    }),
    column("taxCode", "税收分类编码", "text", {
      required: required("taxCode"),
      aliases: ["商品编码", "商品和服务税收分类编码"],
    }),
    column("spec", "规格型号", "text", { maxLength: maxLength("spec") }),
    column("unit", "单位", "text", { maxLength: maxLength("unit") }),
    column("quantity", "数量", "quantity", { allowNegative: true }),
    column("unitPrice", "单价", "unitPrice"),
    // Red lines carry negative amounts (§1.6); either sign is accepted.
    column("redAmount", "金额", "amount", {
      required: required("redAmount"),
      aliases: ["红冲金额", "不含税金额"],
      allowNegative: true,
      exactDecimals: true,
    }),
    column("taxRate", "税率", "rate", { required: required("taxRate"), aliases: ["征收率", "税率/征收率"] }),
    column("redTax", "税额", "amount", {
      required: required("redTax"),
      aliases: ["红冲税额"],
      allowNegative: true,
      exactDecimals: true,
    }),
    column("infoFormNumber", "红字信息表编码", "text", {
      result: true,
      aliases: ["红字信息表编号", "信息表编号", "信息表编码"],
    }),
    column("infoFormStatus", "信息表状态", "label:InfoFormStatus", { result: true }),
    column("auditDate", "税局审核日期", "date", { result: true }),
    column("redInvoiceCode", "红票代码", "invoiceCode", { result: true }),
    column("redInvoiceNumber", "红票号码", "invoiceNumber", { result: true }),
    ...processColumns(),
    // 流水号 of the upload (2.2.04), written before sending so a re-run re-uses it.
    column("serialNo", "流水号", "text", { result: true }),
  ],
};
