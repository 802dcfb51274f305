/**
 * 蓝票清单 — the blue invoices to red-flush (module 000, domain-rules §2), one row per invoice, or
 * one row per invoice line when the line columns are filled (partial reversals by line).
 */
import { column, processColumns, type SheetSchema } from "./columns";

export const blueInvoicesSchema: SheetSchema = {
  kind: "blueInvoices",
  title: "蓝票清单",
  columns: [
    column("invoiceCode", "发票代码", "invoiceCode", { aliases: ["蓝票代码", "原发票代码", "原蓝票代码"] }),
    column("invoiceNumber", "发票号码", "invoiceNumber", {
      required: true,
      aliases: ["蓝票号码", "原发票号码", "原蓝票号码", "对应蓝票号码", "数电票号码"],
    }),
    column("invoiceKind", "发票种类", "label:InvoiceKind", { required: true, aliases: ["发票类型", "票种"] }),
    column("approvalStatus", "审批状态", "label:ApprovalStatus", { aliases: ["审核状态"] }),
    column("buyerName", "购方名称", "text", { aliases: ["购买方名称"], maxLength: 200 }),
    column("buyerTaxId", "购方税号", "taxId", { aliases: ["购买方税号", "购方纳税人识别号"] }),
    column("sellerTaxId", "销方税号", "taxId", { aliases: ["销售方税号", "销方纳税人识别号"] }),
    column("invoiceStatus", "发票状态", "label:BlueInvoiceStatus", { required: true }),
    column("totalAmount", "价税合计", "amount", { aliases: ["含税金额"] }),
    column("amount", "不含税金额", "amount", { aliases: ["金额"] }),
    column("taxAmount", "税额", "amount"),
    column("reversibleAmount", "可红冲金额", "amount", { aliases: ["发票可红冲金额", "剩余可红冲金额"] }),
    column("pendingRedAmount", "待开红冲金额", "amount", { aliases: ["待开中的红冲金额", "待开金额"] }),
    // Users may type the red amount with its minus sign (§1.6); the magnitude is used.
    column("redAmount", "本次红冲金额", "amount", {
      aliases: ["本次待红冲金额", "红冲金额"],
      allowNegative: true,
    }),
    column("redReason", "红冲原因", "label:RedReason", { aliases: ["冲红原因"] }),
    column("issuer", "开票人", "text", { maxLength: 50 }),
    column("blueIssueDate", "原蓝票日期", "date", {
      aliases: ["开票日期", "蓝票开票日期", "原蓝票开票日期"],
    }),
    // Line columns (optional): a row with 行号 is one line of the invoice above it.
    column("lineNo", "行号", "integer", { aliases: ["明细行号", "蓝票行号"] }),
    column("goodsName", "货物名称", "text", {
      aliases: ["商品名称", "项目名称", "货物或应税劳务、服务名称", "货物或应税劳务名称"],
      maxLength: 300,
    }),
    column("taxCode", "税收分类编码", "text", {
      aliases: ["商品编码", "商品和服务税收分类编码"],
      maxLength: 19,
    }),
    column("quantity", "数量", "quantity", { allowNegative: true }),
    column("unitPrice", "单价", "unitPrice"),
    column("taxRate", "税率", "rate", { aliases: ["征收率", "税率/征收率"] }),
    // Result columns, written by the add-in.
    column("serialNo", "流水号", "text", { result: true }),
    column("route", "处理路径", "label:RedFlushTarget", { result: true, aliases: ["红冲路径"] }),
    column("redFormNumber", "红字信息表编号/红字确认单编号", "text", {
      result: true,
      aliases: ["红字信息表编号", "红字信息表编码", "红字确认单编号", "红字单据编号"],
    }),
    column("redInvoiceCode", "红票代码", "invoiceCode", { result: true }),
    column("redInvoiceNumber", "红票号码", "invoiceNumber", { result: true, aliases: ["红字发票号码"] }),
    ...processColumns(),
    // 确认状态 of the 红字确认单 a 数电 row produced (e.g. 02 销方录入 待购方确认 when nothing was issued yet).
    column("confirmStatus", "确认状态", "text", { result: true }),
  ],
};
