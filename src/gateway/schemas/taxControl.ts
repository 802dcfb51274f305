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

// ── 2.2.01 税控发票开具 (red only in the sandbox): `data` is an array ────────────────────────

/** A red line of a 税控普票 partial red: the blue line (0-based originalSeq) and its negative values. */
export const TaxControlRedLineData = Type.Object({
  /** 普票 partial: the blue line, 0-based (as 2.1.03). 专票: absent — the form's lines are issued. */
  originalSeq: Optional(W.integerLike()),
  lineProperty: Optional(W.string(1)),
  goodsName: Optional(W.string(100)),
  revenueCode: Optional(W.string(19)),
  specification: Optional(W.string(40)),
  units: Optional(W.string(22)),
  quantity: Optional(W.decimal()),
  price: Optional(W.decimal()),
  amount: W.amount(),
  taxRate: Optional(W.taxRate()),
  taxAmount: Optional(W.amount()),
});
export type TaxControlRedLineWire = Static<typeof TaxControlRedLineData>;

export const TaxControlIssueItemData = Type.Object({
  serialNo: W.text(30),
  sellerTaxpayerId: W.text(20),
  /** 0 blue, 1 red; the sandbox issues reds only (assumptions A1 / ASSUMPTIONS.md). */
  invoiceProperty: W.enumOf(["0", "1"] as const),
  /** 028 / 026 / 004 / 007 (checked against the blue invoice by the handler, like 2.2.02). */
  invoiceType: Optional(W.string(3)),
  originalInvoiceCode: Optional(originalCode()),
  originalInvoiceNumber: Optional(originalNumber()),
  originalIssueTime: Optional(W.dateTime()),
  /** 专票: the approved 红字信息表 number — the red is issued for the form's own amounts and lines. */
  redInfoBillNo: Optional(W.string(30, { pattern: "^\\d{1,30}$" })),
  deviceNo: Optional(W.string(50)),
  terminalNo: Optional(W.string(50)),
  drawer: Optional(W.string(10)),
  remark: Optional(W.string(230)),
  /** 普票 partial red: the lines to reverse (absent: the whole remaining amount). */
  invoiceDetail: Optional(W.array(TaxControlRedLineData, { minItems: 1, maxItems: 2000 })),
});
export type TaxControlIssueItemWire = Static<typeof TaxControlIssueItemData>;

export const TaxControlIssueData = W.array(TaxControlIssueItemData, { minItems: 1, maxItems: 1000 });
export type TaxControlIssueWire = Static<typeof TaxControlIssueData>;

// ── 2.2.04 税控红字信息表申请 ────────────────────────────────────────────────────────────────

export const RedInfoFormLineData = Type.Object({
  goodsName: W.text(100),
  /** 税收分类编码, 19 digits. */
  revenueCode: W.string(19, { pattern: REVENUE_CODE_PATTERN }),
  amount: W.amount(),
  taxRate: W.taxRate(),
  taxAmount: W.amount(),
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
