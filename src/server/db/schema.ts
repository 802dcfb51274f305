/**
 * The gateway's tables as Kysely sees them. One schema for SQLite and PostgreSQL:
 *
 * - money, quantities, unit prices and tax rates are TEXT holding exact decimal strings ("106.00",
 *   "-0.35", "0.06") — never REAL/float; arithmetic goes through src/domain/money `Dec`;
 * - instants (created, expires, next attempt…) are epoch milliseconds (INTEGER / BIGINT);
 *   business dates the manuals print (开票日期, 录入日期…) are text as printed (`yyyy-MM-dd HH:mm:ss`);
 * - booleans are 0/1 integers (PostgreSQL and SQLite agree on those);
 * - JSON documents are TEXT (written with src/gateway/json `stringifyJson`, read with `parseJsonExact`).
 *
 * Every table holding business data has `org_id`; it is reached only through `OrgScope` (repo.ts).
 * The `bureau_*` tables are the simulated tax bureau's own records, keyed by tax ID, reached only
 * through `BureauView`.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";
import type {
  AuditStatus,
  BillKind,
  BlueInvoiceStatus,
  DataSource,
  DeductionStatus,
  EnterpriseNature,
  EntryStatus,
  FormInvoiceStatus,
  InfoFormApplicant,
  InfoFormStatus,
  InputInvoiceStatus,
  Role,
  SelectStatus,
  TaxMode,
  VerifyStatus,
} from "../../domain/labels";

/** An exact decimal string ("106.00", "-3.5", "0.015"). */
export type DecimalText = string;
/** Epoch milliseconds. */
export type EpochMs = number;
/** 0 = false, 1 = true. */
export type Flag = 0 | 1;
/** A timestamp column that defaults on insert is still written explicitly (the clock is injected). */
type Id = Generated<number>;

/** 税控 (Golden Tax III device) or 数电 (fully digital) — the enterprise's issuing system. */
export type IssueSystem = "税控" | "数电";
/** 数电开票通道 of a 数电 enterprise. */
export type DigitalChannel = "RPA" | "乐企";
export type DataEncodingSetting = "base64" | "aes";
/** `sim_invoice_callback_config` / `red_not_callback` (domain-rules §4.12): "", "1" or "2". */
export type RedNotCallbackSetting = "" | "1" | "2";
/** `sim_red_confirm_bill` approval key (§4.2): A → 暂存 (approval flow), D → 无需审批. */
export type RedConfirmApprovalSetting = "A" | "D";

/** 发票种类 codes (piaozone-api §1.8): 数电 01/02; 税控 028/026/004/007; input pool also 61 (flight) and 59 (toll). */
export type InvoiceTypeCode = string;

/** Status of a red or blue invoice issued through the sandbox (4.1.04 `invoiceStatus` labels). */
export type IssueStatus = "开票中" | "已开票" | "开票失败";

export interface TenantsTable {
  id: Id;
  /** Path segment of the tenant base URL (piaozone-api §1.1), e.g. "sandbox". */
  code: string;
  name: string;
  created_at: EpochMs;
}

export interface OrgsTable {
  id: Id;
  tenant_id: number;
  /** 组织编码 (orgCode on the wire). */
  code: string;
  /** 企业名称 */
  name: string;
  /** 税号 / 统一社会信用代码; unique across the sandbox (the bureau knows enterprises by it). */
  tax_id: string;
  /** 企业性质: 一般纳税人 / 小规模纳税人 */
  taxpayer_type: EnterpriseNature;
  issue_system: IssueSystem;
  /** 数电开票通道 (null for 税控 enterprises). */
  digital_channel: DigitalChannel | null;
  address: string;
  tel: string;
  bank: string;
  bank_account: string;
  data_encoding: DataEncodingSetting;
  aes_password: string | null;
  red_not_callback: RedNotCallbackSetting;
  red_confirm_approval: RedConfirmApprovalSetting;
  created_at: EpochMs;
}

/** Callback URL per businessSystemCode (发票云 系统管理 → 业务系统). */
export interface CallbackEndpointsTable {
  id: Id;
  org_id: number;
  business_system_code: string;
  url: string;
}

export interface UsersTable {
  id: Id;
  org_id: number;
  /** Login name (usertype UserName). */
  username: string;
  /** Mobile number (usertype Mobile). */
  mobile: string;
  display_name: string;
  created_at: EpochMs;
}

/** An open-API application (1.01 credentials). One per enterprise in the sandbox. */
export interface AppsTable {
  id: Id;
  tenant_id: number;
  /** The org the app is issued for; logins through it must be users of this org. */
  org_id: number;
  app_id: string;
  /** sha256 hex of the secret; checked in constant time. */
  app_secret_hash: string;
  /** Legacy (before issue 11): always null now; a database that still has a value is rotated on open. */
  app_secret_plain: string | null;
  /** 数据中心id */
  account_id: string;
  created_at: EpochMs;
}

export type TokenKind = "app" | "access";

export interface TokensTable {
  id: Id;
  kind: TokenKind;
  /** sha256 hex of the token: a database leak does not leak live tokens. */
  token_hash: string;
  app_ref: number;
  /** Set for access tokens (the logged-in user and its org). */
  user_id: number | null;
  org_id: number | null;
  created_at: EpochMs;
  expires_at: EpochMs;
  revoked_at: EpochMs | null;
}

// ── 销项: blue invoices, 待开, red invoices ─────────────────────────────────────

export interface BlueInvoicesTable {
  id: Id;
  /** The seller org (the invoice is in its 发票管理). */
  org_id: number;
  /** 发票种类 label (src/domain/labels InvoiceKind), e.g. 数电发票（增值税专用发票）. */
  kind: string;
  invoice_type: InvoiceTypeCode;
  /** 发票代码: 10/12 digits for 税控, "" for 数电 (so the UNIQUE key works on both databases). */
  invoice_code: string;
  /** 发票号码: 8 digits (税控) or 20 digits (数电). */
  invoice_no: string;
  /** 开票日期 `yyyy-MM-dd HH:mm:ss` */
  invoice_date: string;
  /** Caller serial when issued through ALLE.INVOICE.OPEN; null for seeded/imported ones. */
  serial_no: string | null;
  seller_name: string;
  seller_tax_id: string;
  buyer_name: string;
  buyer_tax_id: string;
  /** 不含税金额 / 税额 / 价税合计 of the blue invoice. */
  amount: DecimalText;
  tax_amount: DecimalText;
  total_amount: DecimalText;
  /** 发票可红冲金额 / 税额 (header = Σ line remaining). */
  remaining_amount: DecimalText;
  remaining_tax: DecimalText;
  status: BlueInvoiceStatus;
  issue_status: IssueStatus;
  tax_mode: TaxMode;
  /** 差额征税 扣除额 (deduction), null otherwise. */
  deduction: DecimalText | null;
  /** 购方用途确认 (勾选/入账) done on this invoice. */
  buyer_usage_confirmed: Flag;
  special_type: string;
  drawer: string;
  remark: string;
  /** The positive 开票申请单 this blue came from, if any (write-back, §4.3). */
  application_id: number | null;
  created_at: EpochMs;
  updated_at: EpochMs;
}

export interface BlueInvoiceLinesTable {
  id: Id;
  org_id: number;
  invoice_id: number;
  /** detailRowNo, 1-based; `originalSeq` on the wire is line_no − 1. */
  line_no: number;
  /** 0 normal, 1 discount line, 2 discounted line (piaozone-api §1.8). */
  line_property: "0" | "1" | "2";
  goods_name: string;
  /** 税收分类编码 (19 digits). */
  revenue_code: string;
  specification: string;
  units: string;
  quantity: DecimalText | null;
  /** 单价 (tax-exclusive). */
  price: DecimalText | null;
  amount: DecimalText;
  tax_rate: DecimalText;
  tax_amount: DecimalText;
  /** 剩余可红冲金额 / 税额 / 数量. */
  remaining_amount: DecimalText;
  remaining_tax: DecimalText;
  remaining_quantity: DecimalText | null;
  /** 可红冲单价 as stored (null → computed by the rules engine). */
  reversible_unit_price: DecimalText | null;
  /** This line is followed by a discount line (带折扣行). */
  has_discount_line: Flag;
  /** 优惠政策 privilegeType (e.g. 减按1.5%). */
  privilege_type: string;
}

/** 待开 (pending-issue) records: red amounts waiting in 开票管理→待开发票 (domain-rules §2). */
export interface PendingRedsTable {
  id: Id;
  org_id: number;
  blue_invoice_id: number;
  serial_no: string | null;
  /** 来源, e.g. 单张开票. */
  source: string;
  /** Negative red amounts. */
  amount: DecimalText;
  tax_amount: DecimalText;
  /** 待开 / 开票失败 */
  status: string;
  created_at: EpochMs;
}

export interface RedInvoicesTable {
  id: Id;
  org_id: number;
  blue_invoice_id: number | null;
  /** The caller's serial for the red invoice (2.1.04 / 2.2.02 serialNo); UNIQUE per org. */
  serial_no: string;
  /** 单据编号: the 红字确认单's 单据编号 when issued from one (002 字段说明 4), else ''; 0003. */
  order_no: ColumnType<string, string | undefined, string>;
  /** 交付邮箱 / 交付手机 (engine deliveryContact: 开票申请单 > 红字确认单), '' = none; 0003. */
  delivery_email: ColumnType<string, string | undefined, string>;
  delivery_phone: ColumnType<string, string | undefined, string>;
  invoice_type: InvoiceTypeCode;
  invoice_code: string;
  invoice_no: string;
  invoice_date: string;
  seller_name: string;
  seller_tax_id: string;
  buyer_name: string;
  buyer_tax_id: string;
  /** Negative amounts. */
  amount: DecimalText;
  tax_amount: DecimalText;
  total_amount: DecimalText;
  red_reason: string;
  issue_status: IssueStatus;
  issue_error: string;
  confirm_form_id: number | null;
  info_form_id: number | null;
  created_at: EpochMs;
  /** When the (simulated) issuing completes; the clock decides 开票中 → 已开票. */
  completes_at: EpochMs | null;
}

export interface RedInvoiceLinesTable {
  id: Id;
  org_id: number;
  red_invoice_id: number;
  line_no: number;
  blue_line_id: number | null;
  line_property: "0" | "1" | "2";
  goods_name: string;
  revenue_code: string;
  specification: string;
  units: string;
  quantity: DecimalText | null;
  price: DecimalText | null;
  amount: DecimalText;
  tax_rate: DecimalText;
  tax_amount: DecimalText;
}

// ── 002 红字确认单 ─────────────────────────────────────────────────────────────

/** An organisation's 红字确认单 record in 发票云 (domain-rules §4.1–4.2). */
export interface RedConfirmFormsTable {
  id: Id;
  org_id: number;
  /** 流水号 (unique per org). */
  serial_no: string;
  /** 红字确认单编号 (redInfoBillNo) once entered. */
  bill_no: string | null;
  gov_uuid: string | null;
  /** 单据编号 (orderNo). */
  order_no: string;
  /** 确认状态 code 01–10 (null before 录入). */
  confirm_status: string | null;
  entry_status: EntryStatus;
  invoice_status: FormInvoiceStatus;
  audit_status: AuditStatus;
  data_source: DataSource;
  /** 录入方身份 (who entered it at the bureau). */
  entrant_role: Role | null;
  /** 购销身份 of this org on the form. */
  my_role: Role;
  seller_org_id: number | null;
  buyer_org_id: number | null;
  seller_tax_id: string;
  seller_name: string;
  buyer_tax_id: string;
  buyer_name: string;
  blue_invoice_id: number | null;
  blue_invoice_code: string;
  blue_invoice_no: string;
  /** 原蓝票开票日期 `yyyy-MM-dd HH:mm:ss` */
  blue_invoice_date: string;
  invoice_type: InvoiceTypeCode;
  red_reason: string;
  /** Negative red totals. */
  amount: DecimalText;
  tax_amount: DecimalText;
  /** 录入日期 / 确认日期 `yyyy-MM-dd HH:mm:ss`, plus the instant of entry for the 72-hour rule. */
  entered_at: string | null;
  entered_at_ms: EpochMs | null;
  confirmed_at: string | null;
  red_invoice_no: string | null;
  red_invoice_date: string | null;
  /** 已分配 */
  allocated: Flag;
  /** Linked 开票申请单 (负数开票申请单 or via matching). */
  application_id: number | null;
  delivery_email: string;
  delivery_phone: string;
  remark: string;
  created_at: EpochMs;
  updated_at: EpochMs;
}

export interface RedConfirmFormLinesTable {
  id: Id;
  org_id: number;
  form_id: number;
  line_no: number;
  blue_line_id: number | null;
  /** Blue line index (originalSeq, 0-based). */
  original_seq: number | null;
  line_property: "0" | "1" | "2";
  goods_name: string;
  revenue_code: string;
  specification: string;
  units: string;
  quantity: DecimalText | null;
  price: DecimalText | null;
  amount: DecimalText;
  tax_rate: DecimalText;
  tax_amount: DecimalText;
}

// ── 001 红字信息表 ─────────────────────────────────────────────────────────────

export interface InfoFormsTable {
  id: Id;
  org_id: number;
  serial_no: string;
  /** 红字信息表编码 (16 digits) once approved. */
  bill_no: string | null;
  applicant: InfoFormApplicant;
  /** 发票类型: 004 paper special / 028 e-special. */
  invoice_type: InvoiceTypeCode;
  blue_invoice_id: number | null;
  blue_invoice_code: string;
  blue_invoice_no: string;
  blue_invoice_date: string;
  seller_tax_id: string;
  seller_name: string;
  buyer_tax_id: string;
  buyer_name: string;
  status: InfoFormStatus;
  fail_reason: string;
  /** 税局审核日期 / 填开日期 */
  approved_at: string | null;
  filled_at: string | null;
  red_invoice_code: string | null;
  red_invoice_no: string | null;
  amount: DecimalText;
  tax_amount: DecimalText;
  application_id: number | null;
  created_at: EpochMs;
  updated_at: EpochMs;
}

export interface InfoFormLinesTable {
  id: Id;
  org_id: number;
  form_id: number;
  line_no: number;
  blue_line_id: number | null;
  goods_name: string;
  revenue_code: string;
  specification: string;
  units: string;
  quantity: DecimalText | null;
  price: DecimalText | null;
  amount: DecimalText;
  tax_rate: DecimalText;
  tax_amount: DecimalText;
}

/** 开票申请单 (positive or 负数), kept for the rollback / red write-back (§3.5, §4.3, §4.8). */
export interface ApplicationsTable {
  id: Id;
  org_id: number;
  bill_no: string;
  /** positive / negative (负数开票申请单) */
  direction: "positive" | "negative";
  /** 未提交 / 已提交 */
  status: string;
  business_system_code: string;
  delivery_email: string;
  delivery_phone: string;
  /** Write-back of the red invoice issued for it. */
  red_invoice_no: string | null;
  created_at: EpochMs;
  updated_at: EpochMs;
}

// ── 003 收票: the buyer's invoice pool ────────────────────────────────────────

export interface InputPoolTable {
  id: Id;
  /** The buyer org whose 全票池 this is. */
  org_id: number;
  ticket_kind: BillKind;
  invoice_type: InvoiceTypeCode;
  /** 发票类型 name as the bureau prints it, e.g. 数电发票（航空运输电子客票行程单）. */
  invoice_type_name: string;
  invoice_code: string;
  invoice_no: string;
  invoice_date: string;
  seller_name: string;
  seller_tax_id: string;
  amount: DecimalText;
  tax_amount: DecimalText;
  total_amount: DecimalText;
  /** 价税合计（电子税局）of flight tickets (rule pluggable, may stay null). */
  total_tax_incl_amount: DecimalText | null;
  invoice_status: InputInvoiceStatus;
  select_status: SelectStatus;
  deduction_status: DeductionStatus;
  verify_status: VerifyStatus;
  select_time: string | null;
  certify_time: string | null;
  /** 用途属期 `yyyyMM` */
  usage_period: string | null;
  created_at: EpochMs;
  updated_at: EpochMs;
}

// ── issue 12 §3 (0008_input_collection): the collection report table ──────────────────

/**
 * The change report of a settled 4.02 collection task (0008): one row per invoice, in the task's order
 * (`seq` 1…n, primary key with task_id), the pool row it merged into and how (4.03 pages it by seq).
 */
export interface InputCollectionItemsTable {
  org_id: number;
  task_id: number;
  seq: number;
  pool_id: number;
  /** The engine's MergeAction: INSERT / UPDATE_STATUS / REPLACE_AND_VERIFY. */
  merge_action: string;
  /** JSON `[{field, label, from, to}]` (values as text), null when nothing changed. */
  changes_json: string | null;
  /** JSON array of the engine's note codes (FLIGHT_TOTAL_RULE_UNKNOWN…), null when none. */
  notes_json: string | null;
  /** 1 = the 价税合计（电子税局） rule applies (数电飞机票 ≥ 2025-07-28). */
  flight_total_rule: ColumnType<Flag, Flag | undefined, Flag>;
}

/**
 * A dispatcher's hold on one destination's delivery lane (0007): no other gateway process delivers
 * to it until `until_ms` (wall clock) has passed or the row is deleted. Not an org table: a lane is
 * one receiver's, whatever organisations queued its callbacks.
 */
export interface CallbackLeasesTable {
  destination: string;
  owner: string;
  until_ms: EpochMs;
}

// ── async tasks (下载 / 归集 / 更新确认单状态) ─────────────────────────────────

export type TaskStatus = "进行中" | "成功" | "失败";

export interface TasksTable {
  id: Id;
  org_id: number;
  /** Public task id (taskNo on the wire). */
  task_no: string;
  /** What the task does, e.g. input_collect, confirm_download; selects the settle function. */
  kind: string;
  status: TaskStatus;
  /** Filters as given (JSON). */
  params_json: string;
  /** 下载通道 used. */
  channel: string;
  total: number;
  success_count: number;
  fail_reason: string;
  /** Result rows (JSON array) once finished; paged on read. */
  result_json: string | null;
  created_by: string;
  created_at: EpochMs;
  /** The clock instant at which the task is settled (lazily, on the next read after it). */
  due_at: EpochMs;
  finished_at: EpochMs | null;
}

// ── infrastructure: idempotency, callbacks outbox, audit ───────────────────────

export interface IdempotencyTable {
  id: Id;
  org_id: number;
  /** The caller's serialNo (the idempotency key); UNIQUE with org_id. */
  serial_no: string;
  interface_code: string;
  /** sha256 of interfaceCode + canonical decoded data: same serial, different request → refused. */
  request_hash: string;
  /** "done" once the result is recorded (rows are written and completed in one transaction). */
  status: string;
  /** The recorded answer (JSON of the handler outcome). */
  result_json: string;
  created_at: EpochMs;
}

export type CallbackStatus = "pending" | "acked" | "dead";

export interface CallbacksTable {
  id: Id;
  org_id: number;
  url: string;
  /** The delivery lane: the URL's origin, scheme://host[:port] (callbackDestination; migration 0004). */
  destination: string;
  business_system_code: string;
  /** INVOICE.OPEN / INVOICE.RED … */
  interface_code: string;
  /** The exact JSON body to POST. */
  body: string;
  status: CallbackStatus;
  attempts: number;
  next_attempt_at: EpochMs;
  last_error: string;
  created_at: EpochMs;
  acked_at: EpochMs | null;
}

export interface AuditTable {
  id: Id;
  org_id: number | null;
  /** Who acted: "user:<username>", "bureau", "system", "seed". */
  actor: string;
  entity: string;
  entity_id: string;
  action: string;
  before_json: string | null;
  after_json: string | null;
  at: EpochMs;
}

// ── the simulated tax bureau (not org data: keyed by tax ID) ────────────────────

/** The bureau's copy of a 红字确认单, shared by seller and buyer. */
export interface BureauConfirmBillsTable {
  id: Id;
  gov_uuid: string;
  bill_no: string;
  seller_tax_id: string;
  seller_name: string;
  buyer_tax_id: string;
  buyer_name: string;
  entrant_role: Role;
  confirm_status: string;
  blue_invoice_code: string;
  blue_invoice_no: string;
  blue_invoice_date: string;
  invoice_type: InvoiceTypeCode;
  red_reason: string;
  amount: DecimalText;
  tax_amount: DecimalText;
  /** Lines as JSON (line fields of 2.1.03). */
  lines_json: string;
  entered_at: string;
  entered_at_ms: EpochMs;
  confirmed_at: string | null;
  red_invoice_no: string | null;
  red_invoice_date: string | null;
  updated_at: EpochMs;
  /** 1 when the blue invoice is a 收购票 (identities flip for 红冲, domain confirmForm/identity.ts); 0002. */
  is_purchase_invoice: ColumnType<Flag, Flag | undefined, Flag>;
  /** The 流水号 the entrant entered the bill under (回退 re-queries a 录入失败 form by it, 002 回退②); 0003. */
  entry_serial_no: ColumnType<string, string | undefined, string>;
  /**
   * 录入日期 + 72 h (`yyyy-MM-dd HH:mm:ss`, the engine's confirmDeadline), the index the 72-hour
   * settlement reads; null until known (a row written without it is filled by the settlement); 0005.
   */
  confirm_deadline: ColumnType<string | null, string | null | undefined, string | null>;
}

/** The bureau's copy of a 红字信息表. */
export interface BureauInfoFormsTable {
  id: Id;
  bill_no: string;
  applicant: InfoFormApplicant;
  /** The tax ID that filed it (seller or buyer). */
  applicant_tax_id: string;
  seller_tax_id: string;
  seller_name: string;
  buyer_tax_id: string;
  buyer_name: string;
  invoice_type: InvoiceTypeCode;
  blue_invoice_code: string;
  blue_invoice_no: string;
  status: InfoFormStatus;
  approved_at: string | null;
  filled_at: string;
  red_invoice_code: string | null;
  red_invoice_no: string | null;
  amount: DecimalText;
  tax_amount: DecimalText;
  lines_json: string;
  updated_at: EpochMs;
}

/** Invoices the bureau knows for a buyer that no sandbox seller issued (airlines, toll roads…). */
export interface BureauInvoicesTable {
  id: Id;
  buyer_tax_id: string;
  ticket_kind: BillKind;
  invoice_type: InvoiceTypeCode;
  invoice_type_name: string;
  invoice_code: string;
  invoice_no: string;
  invoice_date: string;
  seller_name: string;
  seller_tax_id: string;
  amount: DecimalText;
  tax_amount: DecimalText;
  total_amount: DecimalText;
  invoice_status: InputInvoiceStatus;
  select_status: SelectStatus;
  deduction_status: DeductionStatus;
  select_time: string | null;
  certify_time: string | null;
  usage_period: string | null;
  updated_at: EpochMs;
}

/** Key/value settings of the deployment (seed version, serial counters…). */
export interface MetaTable {
  key: string;
  value: string;
}

export interface Database {
  tenants: TenantsTable;
  orgs: OrgsTable;
  callback_endpoints: CallbackEndpointsTable;
  users: UsersTable;
  apps: AppsTable;
  tokens: TokensTable;
  blue_invoices: BlueInvoicesTable;
  blue_invoice_lines: BlueInvoiceLinesTable;
  pending_reds: PendingRedsTable;
  red_invoices: RedInvoicesTable;
  red_invoice_lines: RedInvoiceLinesTable;
  red_confirm_forms: RedConfirmFormsTable;
  red_confirm_form_lines: RedConfirmFormLinesTable;
  info_forms: InfoFormsTable;
  info_form_lines: InfoFormLinesTable;
  applications: ApplicationsTable;
  input_pool: InputPoolTable;
  input_collection_items: InputCollectionItemsTable;
  tasks: TasksTable;
  idempotency: IdempotencyTable;
  callbacks: CallbacksTable;
  callback_leases: CallbackLeasesTable;
  audit: AuditTable;
  bureau_confirm_bills: BureauConfirmBillsTable;
  bureau_info_forms: BureauInfoFormsTable;
  bureau_invoices: BureauInvoicesTable;
  meta: MetaTable;
}

/** Tables holding one organisation's business data: only OrgScope reads or writes them. */
export const ORG_TABLES = [
  "callback_endpoints",
  "blue_invoices",
  "blue_invoice_lines",
  "pending_reds",
  "red_invoices",
  "red_invoice_lines",
  "red_confirm_forms",
  "red_confirm_form_lines",
  "info_forms",
  "info_form_lines",
  "applications",
  "input_pool",
  "input_collection_items",
  "tasks",
  "idempotency",
  "callbacks",
] as const satisfies readonly (keyof Database)[];
export type OrgTable = (typeof ORG_TABLES)[number];

export type Row<T extends keyof Database> = Selectable<Database[T]>;
export type NewRow<T extends keyof Database> = Insertable<Database[T]>;
export type RowUpdate<T extends keyof Database> = Updateable<Database[T]>;

/** Re-exported so handler modules need one import for column typing. */
export type { ColumnType };
