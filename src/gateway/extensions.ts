/**
 * Interfaces of OUR gateway that the vendor's open API does not have (piaozone-api lists none for them):
 * listing blue invoices with their remaining reversible amounts, and the manual's buttons that live only
 * in the invoice cloud's UI (红字信息表 撤销 / 退回开票申请单 / 删除, 红字确认单 回退 / 删除, task records,
 * the input-invoice pool). They travel in the same envelope on the sim endpoint with `HC.*` interfaceCodes.
 * The sandbox implements them; relay mode refuses them (GW_SANDBOX_ONLY), because the real invoice cloud
 * offers these only in its own UI — the task pane then tells the clerk to do it there.
 */
import type { InterfaceSpec } from "./interfaces";
import type {
  BlueInvoiceQueryWire,
  InputPoolQueryWire,
  PendingRedDeleteWire,
  PendingRedListWire,
  RedConfirmBillActionWire,
  RedInfoFormActionWire,
  RedInfoFormListWire,
  TaskQueryWire,
} from "./schemas/extensions";
import type { WireOut } from "./schemas/common";

export const EXTENSIONS = {
  blueInvoiceQuery: {
    interfaceCode: "HC.BLUEINVOICE.QUERY",
    endpoint: "sim",
    description: "蓝票查询（含剩余可红冲）",
    assumed: false,
  },
  redInfoFormList: {
    interfaceCode: "HC.REDINFOBILL.LIST",
    endpoint: "sim",
    description: "红字信息表列表",
    assumed: false,
  },
  redInfoFormRevoke: {
    interfaceCode: "HC.REDINFOBILL.REVOKE",
    endpoint: "sim",
    description: "红字信息表撤销",
    assumed: false,
  },
  redInfoFormRollback: {
    interfaceCode: "HC.REDINFOBILL.ROLLBACK",
    endpoint: "sim",
    description: "红字信息表退回开票申请单",
    assumed: false,
  },
  redInfoFormDelete: {
    interfaceCode: "HC.REDINFOBILL.DELETE",
    endpoint: "sim",
    description: "红字信息表删除",
    assumed: false,
  },
  redConfirmBillRollback: {
    interfaceCode: "HC.REDCONFIRMBILL.ROLLBACK",
    endpoint: "sim",
    description: "红字确认单回退",
    assumed: false,
  },
  redConfirmBillDelete: {
    interfaceCode: "HC.REDCONFIRMBILL.DELETE",
    endpoint: "sim",
    description: "红字确认单删除",
    assumed: false,
  },
  taskQuery: {
    interfaceCode: "HC.TASK.QUERY",
    endpoint: "sim",
    description: "下载任务记录查询",
    assumed: false,
  },
  inputPoolQuery: {
    interfaceCode: "HC.INPUTPOOL.QUERY",
    endpoint: "rim",
    description: "进项发票池查询",
    assumed: false,
  },
  pendingRedList: {
    interfaceCode: "HC.PENDINGRED.LIST",
    endpoint: "sim",
    description: "待开发票（红冲）列表",
    assumed: false,
  },
  pendingRedDelete: {
    interfaceCode: "HC.PENDINGRED.DELETE",
    endpoint: "sim",
    description: "待开发票（红冲）删除",
    assumed: false,
  },
} as const satisfies Record<string, InterfaceSpec>;

export type ExtensionName = keyof typeof EXTENSIONS;

export function extensionByCode(
  interfaceCode: string
): { name: ExtensionName; spec: InterfaceSpec } | undefined {
  const code = interfaceCode.trim();
  for (const name of Object.keys(EXTENSIONS) as ExtensionName[]) {
    if (EXTENSIONS[name].interfaceCode === code) return { name, spec: EXTENSIONS[name] };
  }
  return undefined;
}

// ── Payloads ─────────────────────────────────────────────────────────────────────────────────
// Requests are derived from their wire schemas (src/gateway/schemas/extensions.ts, `WireOut`);
// answers are declared here (amounts are exact decimal strings on the way out of the server).

export interface Page<T> {
  pageNo: number;
  pageSize: number;
  total: number;
  items: T[];
}

/** HC.BLUEINVOICE.QUERY request: by numbers (exact lookups) or by filters (kinds, 开票日期 range). */
export type BlueInvoiceQueryRequest = WireOut<BlueInvoiceQueryWire>;

export interface BlueInvoiceLineInfo {
  seq: number;
  goodsName: string;
  revenueCode: string;
  specification?: string | null;
  units?: string | null;
  quantity: string | null;
  unitPrice: string | null;
  amount: string;
  taxRate: string;
  tax: string;
  /** 征税方式 普通征税 / 减按计征 / 差额征税. */
  taxMode: string;
  /** 优惠政策 of the blue line (e.g. 按5%简易征收减按1.5%计征; "" or null = none). */
  privilegeType?: string | null;
  /** 剩余可红冲金额 / 税额 / 数量, 可红冲单价 (null → derived by the engine). */
  remainingAmount: string;
  remainingTax: string;
  remainingQuantity: string | null;
  redUnitPrice: string | null;
  hasDiscountLine: boolean;
}

export interface BlueInvoiceInfo {
  invoiceCode: string | null;
  invoiceNo: string;
  /** 发票种类 label (labels.InvoiceKind). */
  kind: string;
  /** 发票状态 label (正常 / 部分红冲 / 全额红冲 / 作废 / 作废中). */
  status: string;
  /** 审批状态. */
  approvalStatus: string;
  issueDate: string;
  buyerName: string;
  buyerTaxId: string | null;
  sellerName: string;
  sellerTaxId: string;
  drawer: string | null;
  amount: string;
  tax: string;
  totalAmount: string;
  /** 发票可红冲金额 (不含税) and 税额. */
  reversibleAmount: string;
  reversibleTax: string;
  /** 待开 red amounts of this blue invoice (negative strings). */
  pendingRedAmounts: string[];
  /** The buyer made a usage confirmation (勾选/入账): a 红字确认单 then needs the buyer's confirmation. */
  buyerUsageConfirmed: boolean;
  /** 收购票. */
  isPurchaseInvoice: boolean;
  lines: BlueInvoiceLineInfo[];
}

/** HC.REDINFOBILL.LIST request: this org's 红字信息表 (applied or downloaded). */
export type RedInfoFormListRequest = WireOut<RedInfoFormListWire>;

export interface RedInfoFormInfo {
  serialNo: string;
  /** 红字信息表编号 (16 digits once approved). */
  formNo: string | null;
  applicant: string;
  invoiceType: string;
  originalInvoiceCode: string | null;
  originalInvoiceNo: string | null;
  buyerName: string;
  buyerTaxId: string | null;
  sellerName: string;
  sellerTaxId: string;
  redInvoiceCode: string | null;
  redInvoiceNo: string | null;
  bureauAuditDate: string | null;
  fillDate: string;
  status: string;
  failReason: string | null;
  amount: string;
  tax: string;
  linkedApplication: string | null;
}

/** HC.REDINFOBILL.REVOKE / ROLLBACK / DELETE request: one form, by serialNo or number. */
export type RedInfoFormActionRequest = WireOut<RedInfoFormActionWire>;

/** HC.REDCONFIRMBILL.ROLLBACK / DELETE request: by the form's 流水号 or its 红字确认单编号. */
export type RedConfirmBillActionRequest = WireOut<RedConfirmBillActionWire>;

/** Answer of every *.ROLLBACK / *.DELETE / *.REVOKE extension. */
export interface FormActionResult {
  /** The form was removed from the gateway. */
  deleted: boolean;
  /** Status after the action (labels / codes as the list interfaces use them), when kept. */
  status?: string | null;
  /** The 开票申请单 status written back by a rollback. */
  applicationStatus?: { from: string; to: string } | null;
}

/** HC.TASK.QUERY request: download / collection tasks of this org. */
export type TaskQueryRequest = WireOut<TaskQueryWire>;

export interface TaskInfo {
  taskNo: string;
  type: string;
  /** 下载状态 成功 / 失败 / 进行中. */
  status: string;
  orgName: string;
  taxNo: string;
  /** 购销身份 chosen for a 红字确认单 download. */
  role: string | null;
  startDate: string | null;
  endDate: string | null;
  createdBy: string;
  startedAt: string;
  finishedAt: string | null;
  /** 下载通道 actually used. */
  channel: string;
  total: number;
  succeeded: number;
  failReason: string | null;
  /** Forms touched: 红字确认单编号 with the blue invoice number/code. */
  items: Array<{ number: string | null; blueInvoiceNo: string | null; blueInvoiceCode: string | null }>;
}

/** HC.INPUTPOOL.QUERY request (rim endpoint): the buyer's 全票池. */
export type InputPoolQueryRequest = WireOut<InputPoolQueryWire>;

export interface InputPoolInvoice {
  billKind: string;
  invoiceType: string;
  invoiceCode: string | null;
  invoiceNo: string;
  invoiceDate: string;
  salerName: string;
  salerTaxNo: string;
  amount: string;
  tax: string;
  totalAmount: string;
  invoiceStatus: string;
  selectStatus: string;
  deductionStatus: string;
  selectTime: string | null;
  certifyTime: string | null;
  usagePeriod: string | null;
  verifyStatus: string;
  /** 价税合计（电子税局） for flight tickets, when computed. */
  totalTaxInclAmount: string | null;
}

/** HC.PENDINGRED.LIST request: the caller's 待开 red records, optionally of one blue invoice. */
export type PendingRedListRequest = WireOut<PendingRedListWire>;

/** One 待开 red record (开票管理→待开发票): it holds its amount until issued (已开票) or deleted. */
export interface PendingRedInfo {
  id: number;
  blueInvoiceCode: string;
  blueInvoiceNo: string;
  serialNo: string | null;
  /** 来源, e.g. 单张开票. */
  source: string;
  /** Negative red amounts (不含税) and 税额. */
  amount: string;
  taxAmount: string;
  /** 待开 / 未开票 (a failed issue) / 已开票 (src/domain/redFlush.ts PENDING_RED_STATUS). */
  status: string;
  /** yyyy-MM-dd HH:mm:ss (China time). */
  createdAt: string;
}

export interface PendingRedListResult {
  dataList: PendingRedInfo[];
}

/** HC.PENDINGRED.DELETE request: ids of the caller's own records; deleting releases their amount. */
export type PendingRedDeleteRequest = WireOut<PendingRedDeleteWire>;

export interface PendingRedDeleteResult {
  deleted: number;
}
