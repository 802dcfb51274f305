/**
 * 进项发票池 — invoices synced from the bureau (module 003, domain-rules §5). The sheet is filled
 * by the download; reading it back feeds buyer-side 红字信息表 look-ups (§3.1).
 */
import { column, processColumns, type SheetSchema } from "./columns";

export const inputPoolSchema: SheetSchema = {
  kind: "inputPool",
  title: "进项发票池",
  columns: [
    column("billKind", "票据类型", "label:BillKind"),
    // 发票类型 here spans every bureau kind (通行费, 航空运输电子客票行程单 …): free text, not a label set.
    column("invoiceType", "发票类型", "text", { aliases: ["发票种类"], maxLength: 50 }),
    column("invoiceCode", "发票代码", "invoiceCode"),
    column("invoiceNumber", "发票号码", "invoiceNumber", { required: true, aliases: ["数电票号码"] }),
    column("issueDate", "开票日期", "date"),
    column("sellerName", "销方名称", "text", { aliases: ["销售方名称"], maxLength: 200 }),
    column("sellerTaxId", "销方税号", "taxId", { aliases: ["销售方税号", "销方纳税人识别号"] }),
    // Red invoices in the pool are negative.
    column("amount", "金额", "amount", { aliases: ["不含税金额"], allowNegative: true }),
    column("taxAmount", "税额", "amount", { allowNegative: true }),
    column("totalAmount", "价税合计", "amount", { aliases: ["含税金额"], allowNegative: true }),
    column("invoiceStatus", "发票状态", "label:InputInvoiceStatus"),
    column("selectStatus", "勾选状态", "label:SelectStatus"),
    column("deductionStatus", "抵扣状态", "label:DeductionStatus"),
    column("selectTime", "勾选时间", "datetime"),
    column("certifyTime", "认证时间", "datetime"),
    column("usagePeriod", "用途属期", "text", { aliases: ["所属期", "税款所属期"], maxLength: 10 }),
    column("verifyStatus", "查验状态", "label:VerifyStatus"),
    column("bureauTotalAmount", "价税合计（电子税局）", "amount", {
      aliases: ["价税合计(电子税局)", "totalTaxInclAmount"],
      allowNegative: true,
    }),
    // Written by the sync: flags a 数电飞机票 whose 价税合计（电子税局） follows the bureau's rule
    // (domain inputSync.poolRowNote), and says why it is still empty.
    column("poolNote", "提示", "text", { result: true, maxLength: 500 }),
    ...processColumns(),
  ],
};
