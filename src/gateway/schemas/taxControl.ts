/**
 * 税控 interfaces (piaozone-api §2.2, INFERRED): 2.2.02 快速红冲, 2.2.04 红字信息表申请, 2.2.05 下载 —
 * the request `data` of each as one TypeBox schema (conventions in common.ts).
 */
import { type Static, Type } from "@sinclair/typebox";
import {
  INFO_FORM_DOWNLOAD_SCOPE_VALUES,
  TAX_CONTROL_INVOICE_TYPE_CODES,
  TAX_CONTROL_SPECIAL_TYPE_CODES,
} from "../codes";
import { REVENUE_CODE_PATTERN, TAX_CONTROL_CODE_PATTERN, TAX_CONTROL_NO_PATTERN, W } from "./common";

const { Optional } = Type;

const originalCode = () => W.string(12, { pattern: TAX_CONTROL_CODE_PATTERN });
const originalNumber = () => W.string(8, { pattern: TAX_CONTROL_NO_PATTERN });

// ── 2.2.02 税控发票快速红冲: `data` is an array like 2.2.01 ──────────────────────────────────

export const TaxControlQuickRedItemData = W.oneOf(
  Type.Object({
    serialNo: W.text(30),
    sellerTaxpayerId: W.text(20),
    originalInvoiceCode: Optional(originalCode()),
    originalInvoiceNumber: Optional(originalNumber()),
    /** Required for special invoices: the approved 红字信息表 number (16). */
    redInfoBillNo: Optional(W.string(30, { pattern: "^\\d{1,30}$" })),
    invoiceType: Optional(W.enumOf(TAX_CONTROL_INVOICE_TYPE_CODES)),
    deviceNo: Optional(W.string(50)),
    terminalNo: Optional(W.string(50)),
    drawer: Optional(W.string(10)),
    remark: Optional(W.string(230)),
    originalIssueTime: Optional(W.dateTime()),
  }),
  // Blue code + number, or the 红字信息表编号 that names them (piaozone-api 2.2.02).
  [["originalInvoiceCode", "originalInvoiceNumber"], ["redInfoBillNo"]]
);
export type TaxControlQuickRedItemWire = Static<typeof TaxControlQuickRedItemData>;

export const TaxControlQuickRedData = W.array(TaxControlQuickRedItemData, { minItems: 1, maxItems: 1000 });
export type TaxControlQuickRedWire = Static<typeof TaxControlQuickRedData>;

// ── 2.2.04 税控红字信息表申请 ────────────────────────────────────────────────────────────────

export const RedInfoFormLineData = Type.Object({
  goodsName: W.text(100),
  /** 税收分类编码, 19 digits. */
  revenueCode: W.string(19, { pattern: REVENUE_CODE_PATTERN }),
  amount: W.amount({ range: true }),
  taxRate: W.taxRate(),
  taxAmount: W.amount({ range: true }),
  quantity: Optional(W.decimal()),
  price: Optional(W.decimal()),
  units: Optional(W.string(22)),
  specification: Optional(W.string(40)),
});
export type RedInfoFormLineWire = Static<typeof RedInfoFormLineData>;

export const RedInfoFormApplyData = Type.Object({
  serialNo: W.text(30),
  sellerTaxpayerId: W.text(20),
  sellerName: Optional(W.string(100)),
  /** assumptions A6 (seller / buyer-not-deducted / buyer-deducted, or the 申请方 label). */
  applyType: W.text(20),
  originalInvoiceCode: Optional(originalCode()),
  originalInvoiceNumber: Optional(originalNumber()),
  originalIssueTime: Optional(W.dateTime()),
  invoiceType: W.enumOf(TAX_CONTROL_SPECIAL_TYPE_CODES),
  buyerName: W.text(100),
  buyerTaxpayerId: W.text(20),
  invoiceDetail: W.array(RedInfoFormLineData, { minItems: 1, maxItems: 2000 }),
});
export type RedInfoFormApplyWire = Static<typeof RedInfoFormApplyData>;

// ── 2.2.05 税控红字信息表下载 ────────────────────────────────────────────────────────────────

export const RedInfoFormDownloadData = Type.Object({
  taxNo: W.text(20),
  startDate: Optional(W.date()),
  endDate: Optional(W.date()),
  /** assumptions A7 (own / others / both); "" = no box ticked (refused by the rules, not the schema). */
  scope: Optional(W.enumOf([...INFO_FORM_DOWNLOAD_SCOPE_VALUES, ""])),
  redInfoBillNo: Optional(W.string(30)),
});
export type RedInfoFormDownloadWire = Static<typeof RedInfoFormDownloadData>;
