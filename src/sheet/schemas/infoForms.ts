/**
 * 红字信息表 — the 批量引入 sheet of module 001 (domain-rules §3, §3.8): one row per line of a
 * form; rows with the same 申请单号 (or, without one, the same blue invoice) make one form.
 * Keys of the header fields are those of `InfoFormImportRow` so a parsed row feeds
 * `validateImportRow` directly; which columns are required comes from the domain module.
 */
import {
  INFO_FORM_IMPORT_ALWAYS_REQUIRED,
  validateImportRow,
  type InfoFormImportRow,
} from "../../domain/infoForm";
import { column, processColumns, type RowCheckError, type SheetSchema } from "./columns";

const alwaysRequired = (key: string): boolean =>
  (INFO_FORM_IMPORT_ALWAYS_REQUIRED as readonly string[]).includes(key);

/**
 * §3.1 conditional requirements (销方申请 needs code, number and date …) and §3.8 amount rules,
 * delegated to the domain. FIELD_REQUIRED of always-required columns is already a cell error.
 */
function infoFormRowCheck(values: Readonly<Record<string, unknown>>): RowCheckError[] {
  const errors = validateImportRow(values as unknown as InfoFormImportRow);
  return errors
    .filter((e) => !(e.refusal.code === "FIELD_REQUIRED" && alwaysRequired(e.field)))
    .map((e) => ({ key: e.field, refusal: e.refusal }));
}

export const infoFormsSchema: SheetSchema = {
  kind: "infoForms",
  title: "红字信息表",
  rowCheck: infoFormRowCheck,
  columns: [
    column("formKey", "申请单号", "text", { aliases: ["单据编号", "申请序号", "序号"], maxLength: 50 }),
    column("applicant", "申请方", "label:InfoFormApplicant", { required: alwaysRequired("applicant") }),
    column("invoiceType", "发票类型", "label:InfoFormInvoiceType", {
      required: alwaysRequired("invoiceType"),
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
      required: alwaysRequired("buyerName"),
      aliases: ["购买方名称"],
      maxLength: 200,
    }),
    column("buyerTaxId", "购方税号", "taxId", {
      required: alwaysRequired("buyerTaxId"),
      aliases: ["购买方税号", "购方纳税人识别号"],
    }),
    column("sellerName", "销方名称", "text", {
      required: alwaysRequired("sellerName"),
      aliases: ["销售方名称"],
      maxLength: 200,
    }),
    column("sellerTaxId", "销方税号", "taxId", {
      required: alwaysRequired("sellerTaxId"),
      aliases: ["销售方税号", "销方纳税人识别号"],
    }),
    column("reversibleAmount", "蓝票可红冲金额", "amount", { aliases: ["可红冲金额"] }),
    column("goodsName", "货物名称", "text", {
      aliases: ["商品名称", "项目名称", "货物或应税劳务、服务名称", "货物或应税劳务名称"],
      maxLength: 300,
    }),
    column("taxCode", "税收分类编码", "text", {
      aliases: ["商品编码", "商品和服务税收分类编码"],
      maxLength: 19,
    }),
    column("spec", "规格型号", "text", { maxLength: 40 }),
    column("unit", "单位", "text", { maxLength: 20 }),
    column("quantity", "数量", "quantity", { allowNegative: true }),
    column("unitPrice", "单价", "unitPrice"),
    // Red lines carry negative amounts (§1.6); either sign is accepted.
    column("redAmount", "金额", "amount", {
      required: alwaysRequired("redAmount"),
      aliases: ["红冲金额", "不含税金额"],
      allowNegative: true,
    }),
    column("taxRate", "税率", "rate", { aliases: ["征收率", "税率/征收率"] }),
    column("redTax", "税额", "amount", {
      required: alwaysRequired("redTax"),
      aliases: ["红冲税额"],
      allowNegative: true,
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
