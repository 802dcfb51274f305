/**
 * Sandbox seed: enterprises, users, app credentials, blue invoices of every kind, 待开 records and the
 * buyer's input-invoice pool. Deterministic business data (fixed instants, fixed numbers); the
 * credentials are the install's own (./secrets.ts: random for `serve`, derived from a phrase in
 * tests) and only their hashes are stored. Written in one transaction, only into an empty database.
 *
 * Tax IDs are valid 统一社会信用代码 (GB 32100 check character from src/domain/parse/taxId).
 * Amounts are computed here with Dec from their inputs, so they are consistent by construction:
 * 税额 = R2(金额 × 税率) on normal lines, 含税 = 不含税 + 税额 everywhere, header = Σ lines; 减按计征
 * and 差额征税 lines use the manuals' formulas (domain-rules §4.7, §6) from the tax-inclusive amount.
 */
import { reducedLevyTaxFromIncl } from "../../domain/confirmForm/calcRedLine";
import { Dec, formatAmount, formatQty, round13HalfUp, round2HalfUp } from "../../domain/money";
import { uscCheckChar } from "../../domain/parse/taxId";
import type { InvoiceKind } from "../../domain/labels";
import { type InvoiceTypeCode, invoiceKindOf, invoiceTypeCode } from "../../gateway/codes";
import { ADMIN_KEY_HASH_META, adminKeyHash, hashSecret } from "../auth";
import type { SandboxSecrets } from "./secrets";
import type { DigitalChannel, IssueSystem, RedNotCallbackSetting } from "../db/schema";
import type {
  EnterpriseNature,
  InputInvoiceStatus,
  SelectStatus,
  DeductionStatus,
  TaxMode,
  BlueInvoiceStatus,
} from "../../domain/labels";
import { type Db, type Tx, appendAudit, setMeta, withTx } from "../db/tx";
import { OrgScope } from "../db/repo";
import type { SqlDialectName } from "../db/dialect";
import { seedConfirmForms } from "./seedConfirmForms";
import { seedRedInfoForms } from "./seedRedInfoForms";

/** Bump when the seed's content changes (stored in meta.seed_version). */
export const SEED_VERSION = "1";
/** All seeded rows carry this instant: 2025-10-01 00:00:00 China time. */
export const SEED_EPOCH_MS = Date.UTC(2025, 8, 30, 16, 0, 0);
export const SANDBOX_TENANT_CODE = "sandbox";

export interface SeedOrg {
  /** Short stable key (used for app ids and usernames). */
  readonly key: string;
  readonly name: string;
  /** First 17 characters of the 统一社会信用代码; the 18th is computed. */
  readonly taxIdBody: string;
  readonly taxpayerType: EnterpriseNature;
  readonly issueSystem: IssueSystem;
  readonly channel: DigitalChannel | null;
  readonly address: string;
  readonly tel: string;
  readonly bank: string;
  readonly bankAccount: string;
  readonly dataEncoding: "base64" | "aes";
  readonly redNotCallback: RedNotCallbackSetting;
  readonly user: { readonly username: string; readonly mobile: string; readonly displayName: string };
  /** What the enterprise is for, printed by `hongchong sandbox accounts`. */
  readonly role: string;
}

export const SEED_ORGS: readonly SeedOrg[] = [
  {
    key: "seller",
    name: "浙江红冲数电科技有限公司",
    taxIdBody: "91330100MA2HC0001",
    taxpayerType: "一般纳税人",
    issueSystem: "数电",
    channel: "RPA",
    address: "杭州市西湖区文三路100号",
    tel: "0571-88880001",
    bank: "中国工商银行杭州文三路支行",
    bankAccount: "1202020109900000001",
    dataEncoding: "base64",
    redNotCallback: "",
    user: { username: "hc_seller", mobile: "13800000001", displayName: "张三" },
    role: "数电销方（RPA通道），蓝票覆盖各种情形",
  },
  {
    key: "buyer",
    name: "广东蓝海采购有限公司",
    taxIdBody: "91440300MA5HC0002",
    taxpayerType: "一般纳税人",
    issueSystem: "数电",
    channel: "RPA",
    address: "深圳市南山区科技园路8号",
    tel: "0755-88880002",
    bank: "招商银行深圳科技园支行",
    bankAccount: "755900000000002",
    dataEncoding: "base64",
    redNotCallback: "",
    user: { username: "hc_buyer", mobile: "13800000002", displayName: "李四" },
    role: "数电购方（销方的交易对方，进项发票池）",
  },
  {
    key: "taxctl",
    name: "江苏税控制造有限公司",
    taxIdBody: "91320500MA1HC0003",
    taxpayerType: "一般纳税人",
    issueSystem: "税控",
    channel: null,
    address: "苏州市工业园区星湖街3号",
    tel: "0512-88880003",
    bank: "中国银行苏州工业园区支行",
    bankAccount: "4800000000000003",
    dataEncoding: "base64",
    redNotCallback: "",
    user: { username: "hc_taxctl", mobile: "13800000003", displayName: "王五" },
    role: "税控销方（专票、普票，纸质与电子）",
  },
  {
    key: "small",
    name: "上海小微商贸有限公司",
    taxIdBody: "91310115MA1HC0004",
    taxpayerType: "小规模纳税人",
    issueSystem: "数电",
    channel: "RPA",
    address: "上海市浦东新区张江路4号",
    tel: "021-88880004",
    bank: "交通银行上海张江支行",
    bankAccount: "310000000000004",
    dataEncoding: "base64",
    redNotCallback: "",
    user: { username: "hc_small", mobile: "13800000004", displayName: "赵六" },
    role: "小规模纳税人（进项抵扣类下载被拒）",
  },
  {
    key: "leqi",
    name: "北京乐企信息服务有限公司",
    taxIdBody: "91110108MA0HC0005",
    taxpayerType: "一般纳税人",
    issueSystem: "数电",
    channel: "乐企",
    address: "北京市海淀区中关村大街5号",
    tel: "010-88880005",
    bank: "中国建设银行北京中关村支行",
    bankAccount: "1100000000000005",
    dataEncoding: "aes",
    redNotCallback: "1",
    user: { username: "hc_leqi", mobile: "13800000005", displayName: "孙七" },
    role: "数电销方（乐企通道，AES 数据加密，red_not_callback=1）",
  },
];

export function seedTaxId(body17: string): string {
  return body17 + uscCheckChar(body17);
}

export interface SeedCredentials {
  readonly appId: string;
  readonly appSecret: string;
  readonly accountId: string;
  readonly aesPassword: string | null;
}

/**
 * One enterprise's credentials: appId and accountId are fixed identifiers (not secrets: the vendor
 * prints them in its console), appSecret and AES password come from the install's secrets.
 */
export function seedCredentials(org: SeedOrg, index: number, secrets: SandboxSecrets): SeedCredentials {
  return {
    appId: `hcsbx_${org.key}`,
    appSecret: secrets.appSecrets[org.key] ?? "",
    accountId: `19000000000000${String(index + 1).padStart(5, "0")}`,
    aesPassword: org.dataEncoding === "aes" ? (secrets.aesPasswords[org.key] ?? null) : null,
  };
}

// ── invoice specifications ─────────────────────────────────────────────────────

/** How a line's tax is computed (domain-rules §4.7, §6). */
type Levy =
  | { kind: "normal"; amount: string }
  /** 减按计征 generic 1.5%: tax = R2(T ÷ 1.015 × 1.5%). */
  | { kind: "reduced"; gross: string }
  /** 个人出租住房 5% → 1.5%: tax = R2(T ÷ 1.05 × 1.5%). */
  | { kind: "rental"; gross: string }
  /** 差额征税: tax = R2((T − deduction) ÷ (1 + r) × r). */
  | { kind: "diff"; gross: string; deduction: string };

interface LineSpec {
  goods: string;
  code: string;
  rate: string;
  levy: Levy;
  qty?: string;
  units?: string;
  spec?: string;
  property?: "0" | "1" | "2";
  hasDiscountLine?: boolean;
  privilege?: string;
  /** Already reversed on an earlier red invoice: amount and quantity taken off (positive). */
  reversed?: { amount: string; qty?: string };
}

/** The wire code of a seeded blue invoice's 发票种类 (every seeded kind has one). */
function invoiceTypeOf(spec: BlueSpec): InvoiceTypeCode {
  const code = invoiceTypeCode(spec.kind);
  if (!code) throw new Error(`seed: 发票种类 ${spec.kind} has no invoiceType code`);
  return code;
}

interface BlueSpec {
  seller: string;
  buyer: string;
  /** 发票种类; the invoiceType code is derived from it (codes.ts), never written twice. */
  kind: InvoiceKind;
  code: string;
  no: string;
  date: string;
  taxMode: TaxMode;
  usageConfirmed: boolean;
  lines: LineSpec[];
  status?: BlueInvoiceStatus;
  remark?: string;
  /** 待开 red amounts waiting for this invoice (positive 不含税 amounts). */
  pending?: string[];
}

const R2 = (v: Dec) => round2HalfUp(v);

interface ComputedLine {
  amount: Dec;
  tax: Dec;
  price: Dec | null;
  remainingAmount: Dec;
  remainingTax: Dec;
  remainingQty: Dec | null;
}

function computeLine(l: LineSpec): ComputedLine {
  const rate = new Dec(l.rate);
  let amount: Dec;
  let tax: Dec;
  switch (l.levy.kind) {
    case "normal":
      amount = new Dec(l.levy.amount);
      tax = R2(amount.mul(rate));
      break;
    case "reduced":
    case "rental": {
      // 减按计征 / 个人出租住房: the domain rule, from the 含税 gross.
      const gross = new Dec(l.levy.gross);
      tax = reducedLevyTaxFromIncl(gross, l.levy.kind === "rental");
      amount = gross.sub(tax);
      break;
    }
    case "diff": {
      const gross = new Dec(l.levy.gross);
      tax = R2(gross.sub(l.levy.deduction).div(rate.add(1)).mul(rate));
      amount = gross.sub(tax);
      break;
    }
  }
  const qty = l.qty ? new Dec(l.qty) : null;
  // 单价 of the blue line: exact when it divides, else 13 dp (it is "given" afterwards, §1.4).
  const price = qty && !qty.isZero() ? round13HalfUp(amount.div(qty)) : null;
  const revAmount = l.reversed ? new Dec(l.reversed.amount) : new Dec(0);
  const remainingAmount = amount.sub(revAmount);
  const remainingTax = l.reversed ? tax.sub(R2(revAmount.mul(rate))) : tax;
  const remainingQty = qty ? qty.sub(l.reversed?.qty ?? "0") : null;
  return { amount, tax, price, remainingAmount, remainingTax, remainingQty };
}

const SELLER_LINES = {
  itService: { goods: "信息技术服务", code: "3040201010000000000", rate: "0.06" },
  software: { goods: "软件开发服务", code: "3040201020000000000", rate: "0.06" },
  office: { goods: "办公用品", code: "1060512990000000000", rate: "0.13" },
  server: { goods: "服务器", code: "1090511010000000000", rate: "0.13" },
  rentalEnterprise: { goods: "住房租赁服务", code: "3040502020101000000", rate: "0.015" },
  rentalPersonal: { goods: "个人出租住房", code: "3040502020102000000", rate: "0.015" },
  travel: { goods: "旅游服务", code: "3070401000000000000", rate: "0.06" },
  steel: { goods: "钢材", code: "1080299000000000000", rate: "0.13" },
  consulting: { goods: "咨询服务", code: "3040302000000000000", rate: "0.06" },
} as const;

/** 数电 invoice number: 2-digit year + 2-digit region + 16-digit sequence (20 digits, §1.8). */
export function digitalInvoiceNo(year2: string, region: string, seq: number): string {
  return `${year2}${region}${String(seq).padStart(16, "0")}`;
}

function blueSpecs(tax: Record<string, string>): BlueSpec[] {
  const s = tax.seller;
  const b = tax.buyer;
  const t = tax.taxctl;
  const L = SELLER_LINES;
  const dn = (region: string, seq: number) => digitalInvoiceNo("25", region, seq);
  return [
    {
      seller: s,
      buyer: b,
      kind: "数电发票（增值税专用发票）",
      code: "",
      no: dn("33", 1),
      date: "2025-06-10 10:00:00",
      taxMode: "普通征税",
      usageConfirmed: true,
      remark: "已用途确认的数电专票，需购方确认",
      lines: [
        { ...L.itService, levy: { kind: "normal", amount: "10000.00" }, qty: "10", units: "项" },
        { ...L.software, levy: { kind: "normal", amount: "5000.00" }, qty: "1", units: "套" },
      ],
    },
    {
      seller: s,
      buyer: b,
      kind: "数电发票（普通发票）",
      code: "",
      no: dn("33", 2),
      date: "2025-06-12 14:30:00",
      taxMode: "普通征税",
      usageConfirmed: false,
      remark: "未用途确认的数电普票",
      lines: [
        { ...L.office, levy: { kind: "normal", amount: "710.00" }, qty: "20", units: "箱", spec: "A4" },
      ],
    },
    {
      seller: s,
      buyer: b,
      kind: "数电发票（增值税专用发票）",
      code: "",
      no: dn("33", 3),
      date: "2025-05-20 09:15:00",
      taxMode: "普通征税",
      usageConfirmed: true,
      status: "部分红冲",
      remark: "已部分红冲（销售退回3项），另有待开红冲1000.00",
      pending: ["1000.00"],
      lines: [
        {
          ...L.itService,
          levy: { kind: "normal", amount: "8000.00" },
          qty: "8",
          units: "项",
          reversed: { amount: "3000.00", qty: "3" },
        },
      ],
    },
    {
      seller: s,
      buyer: b,
      kind: "数电发票（增值税专用发票）",
      code: "",
      no: dn("33", 4),
      date: "2025-06-15 11:00:00",
      taxMode: "普通征税",
      usageConfirmed: true,
      remark: "带折扣行",
      lines: [
        {
          ...L.server,
          levy: { kind: "normal", amount: "20000.00" },
          qty: "2",
          units: "台",
          spec: "2U",
          property: "2",
          hasDiscountLine: true,
        },
        { ...L.server, levy: { kind: "normal", amount: "-2000.00" }, property: "1" },
        { ...L.office, levy: { kind: "normal", amount: "300.00" }, qty: "6", units: "箱" },
      ],
    },
    {
      seller: s,
      buyer: b,
      kind: "数电发票（普通发票）",
      code: "",
      no: dn("33", 5),
      date: "2025-06-18 16:00:00",
      taxMode: "减按计征",
      usageConfirmed: false,
      remark: "减按1.5%计征（住房租赁企业）",
      lines: [
        {
          ...L.rentalEnterprise,
          levy: { kind: "reduced", gross: "10150.00" },
          qty: "1",
          units: "月",
          privilege: "减按1.5%计征",
        },
      ],
    },
    {
      seller: s,
      buyer: b,
      kind: "数电发票（普通发票）",
      code: "",
      no: dn("33", 6),
      date: "2025-06-18 16:05:00",
      taxMode: "减按计征",
      usageConfirmed: false,
      remark: "个人出租住房，按5%简易征收减按1.5%计征",
      lines: [
        {
          ...L.rentalPersonal,
          levy: { kind: "rental", gross: "3150.00" },
          qty: "1",
          units: "月",
          privilege: "按5%简易征收减按1.5%计征",
        },
      ],
    },
    {
      seller: s,
      buyer: b,
      kind: "数电发票（增值税专用发票）",
      code: "",
      no: dn("33", 7),
      date: "2025-06-20 10:30:00",
      taxMode: "差额征税",
      usageConfirmed: true,
      remark: "差额征税：扣除额5000.00",
      lines: [
        {
          ...L.travel,
          levy: { kind: "diff", gross: "10600.00", deduction: "5000.00" },
          qty: "1",
          units: "次",
        },
      ],
    },
    {
      seller: s,
      buyer: b,
      kind: "数电发票（增值税专用发票）",
      code: "",
      no: dn("33", 8),
      date: "2025-04-02 08:45:00",
      taxMode: "普通征税",
      usageConfirmed: true,
      status: "全额红冲",
      remark: "已全额红冲",
      lines: [
        {
          ...L.consulting,
          levy: { kind: "normal", amount: "2000.00" },
          qty: "1",
          units: "次",
          reversed: { amount: "2000.00", qty: "1" },
        },
      ],
    },
    {
      seller: s,
      buyer: b,
      kind: "数电发票（增值税专用发票）",
      code: "",
      no: dn("33", 9),
      date: "2025-07-01 13:20:00",
      taxMode: "普通征税",
      usageConfirmed: false,
      remark: "未用途确认的数电专票，销方录入即无需确认",
      lines: [
        { ...L.steel, levy: { kind: "normal", amount: "12345.67" }, qty: "3.5", units: "吨", spec: "Q235" },
      ],
    },
    // 小规模纳税人 (1% 征收率) → buyer
    {
      seller: tax.small,
      buyer: b,
      kind: "数电发票（普通发票）",
      code: "",
      no: dn("31", 1),
      date: "2025-06-25 15:00:00",
      taxMode: "普通征税",
      usageConfirmed: false,
      lines: [
        {
          goods: "日用品",
          code: "1060599000000000000",
          rate: "0.01",
          levy: { kind: "normal", amount: "1000.00" },
          qty: "50",
          units: "件",
        },
      ],
    },
    // 乐企 seller → buyer
    {
      seller: tax.leqi,
      buyer: b,
      kind: "数电发票（增值税专用发票）",
      code: "",
      no: dn("11", 1),
      date: "2025-06-28 09:00:00",
      taxMode: "普通征税",
      usageConfirmed: true,
      lines: [{ ...L.itService, levy: { kind: "normal", amount: "6600.00" }, qty: "3", units: "人月" }],
    },
    // 税控 seller: 专票/普票 × 纸质/电子
    {
      seller: t,
      buyer: b,
      kind: "增值税电子专用发票",
      code: "032002300111",
      no: "10000001",
      date: "2025-06-05 10:00:00",
      taxMode: "普通征税",
      usageConfirmed: true,
      lines: [{ ...L.steel, levy: { kind: "normal", amount: "50000.00" }, qty: "10", units: "吨" }],
    },
    {
      seller: t,
      buyer: b,
      kind: "增值税专用发票",
      code: "3200231130",
      no: "20000001",
      date: "2025-06-06 10:00:00",
      taxMode: "普通征税",
      usageConfirmed: true,
      lines: [
        {
          goods: "机械零件",
          code: "1090199000000000000",
          rate: "0.13",
          levy: { kind: "normal", amount: "8888.88" },
          qty: "100",
          units: "个",
        },
      ],
    },
    {
      seller: t,
      buyer: b,
      kind: "增值税电子普通发票",
      code: "032002300211",
      no: "30000001",
      date: "2025-06-07 10:00:00",
      taxMode: "普通征税",
      usageConfirmed: false,
      remark: "待开中有同金额红冲",
      pending: ["1234.50"],
      lines: [
        {
          goods: "劳保用品",
          code: "1060599000000000000",
          rate: "0.13",
          levy: { kind: "normal", amount: "1234.50" },
          qty: "15",
          units: "套",
        },
      ],
    },
    {
      seller: t,
      buyer: b,
      kind: "增值税普通发票",
      code: "3200231320",
      no: "40000001",
      date: "2025-06-08 10:00:00",
      taxMode: "普通征税",
      usageConfirmed: false,
      lines: [
        {
          goods: "包装材料",
          code: "1060199000000000000",
          rate: "0.13",
          levy: { kind: "normal", amount: "560.00" },
          qty: "40",
          units: "卷",
        },
      ],
    },
    {
      seller: t,
      buyer: b,
      kind: "增值税电子专用发票",
      code: "032002300111",
      no: "10000002",
      date: "2025-05-08 10:00:00",
      taxMode: "普通征税",
      usageConfirmed: true,
      status: "部分红冲",
      remark: "已部分红冲40吨",
      lines: [
        {
          ...L.steel,
          levy: { kind: "normal", amount: "5000.00" },
          qty: "100",
          units: "吨",
          reversed: { amount: "2000.00", qty: "40" },
        },
      ],
    },
  ];
}

interface InputSpec {
  type: string;
  /** The bureau's name of the type; for our own codes (01 …) it is codes.ts's label. */
  typeName?: string;
  code: string;
  no: string;
  date: string;
  seller: string;
  sellerTaxId: string;
  amount: string;
  rate: string;
  status: InputInvoiceStatus;
  select: SelectStatus;
  deduction: DeductionStatus;
  verified: boolean;
}

/** Input invoices of the buyer that no sandbox seller issued (the bureau knows them; some are in the pool). */
function buyerInputs(): InputSpec[] {
  return [
    {
      type: "61",
      typeName: "数电发票（航空运输电子客票行程单）",
      code: "",
      no: digitalInvoiceNo("25", "31", 880001),
      date: "2025-08-15 07:40:00",
      seller: "中国东方航空股份有限公司",
      sellerTaxId: seedTaxId("91310000MA1EA0061"),
      amount: "1000.00",
      rate: "0.09",
      status: "正常",
      select: "未勾选",
      deduction: "未勾选",
      verified: false,
    },
    {
      type: "61",
      typeName: "数电发票（航空运输电子客票行程单）",
      code: "",
      no: digitalInvoiceNo("25", "31", 880002),
      date: "2025-07-20 18:10:00",
      seller: "中国东方航空股份有限公司",
      sellerTaxId: seedTaxId("91310000MA1EA0061"),
      amount: "800.00",
      rate: "0.09",
      status: "正常",
      select: "已勾选",
      deduction: "已勾选或已认证抵扣",
      verified: true,
    },
    {
      type: "59",
      typeName: "数电发票（通行费发票）",
      code: "",
      no: digitalInvoiceNo("25", "44", 590001),
      date: "2025-09-01 12:00:00",
      seller: "广东省高速公路有限公司",
      sellerTaxId: seedTaxId("91440000MA4GH0059"),
      amount: "97.09",
      rate: "0.03",
      status: "正常",
      select: "未勾选",
      deduction: "未勾选",
      verified: false,
    },
    {
      type: "01",
      code: "",
      no: digitalInvoiceNo("25", "44", 770001),
      date: "2025-06-30 09:00:00",
      seller: "深圳失联供应链有限公司",
      sellerTaxId: seedTaxId("91440300MA5LL0077"),
      amount: "3000.00",
      rate: "0.13",
      status: "失控",
      select: "未勾选",
      deduction: "未勾选",
      verified: true,
    },
  ];
}

/** Empty database? (no tenant yet) */
export async function isSeeded(db: Db): Promise<boolean> {
  const row = await db.selectFrom("tenants").select("id").limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * Seed an empty database; a seeded one is left alone. Returns true when it seeded.
 * Concurrent first starts (two processes) are safe: the tenant's UNIQUE code lets one win.
 */
export async function seedIfEmpty(
  db: Db,
  dialect: SqlDialectName,
  secrets: SandboxSecrets
): Promise<boolean> {
  if (await isSeeded(db)) return false;
  try {
    await withTx(db, (tx) => seed(tx, dialect, secrets));
    return true;
  } catch (e) {
    if (await isSeeded(db)) return false;
    throw e;
  }
}

async function seed(tx: Tx, dialect: SqlDialectName, secrets: SandboxSecrets): Promise<void> {
  const at = SEED_EPOCH_MS;
  const tenant = await tx
    .insertInto("tenants")
    .values({ code: SANDBOX_TENANT_CODE, name: "红冲助手沙箱", created_at: at })
    .returning("id")
    .executeTakeFirstOrThrow();

  const taxIds: Record<string, string> = {};
  const orgIds: Record<string, number> = {};
  const names: Record<string, string> = {};
  for (const [i, o] of SEED_ORGS.entries()) {
    const taxId = seedTaxId(o.taxIdBody);
    const cred = seedCredentials(o, i, secrets);
    const org = await tx
      .insertInto("orgs")
      .values({
        tenant_id: tenant.id,
        code: `ORG-${o.key.toUpperCase()}`,
        name: o.name,
        tax_id: taxId,
        taxpayer_type: o.taxpayerType,
        issue_system: o.issueSystem,
        digital_channel: o.channel,
        address: o.address,
        tel: o.tel,
        bank: o.bank,
        bank_account: o.bankAccount,
        data_encoding: o.dataEncoding,
        aes_password: cred.aesPassword,
        red_not_callback: o.redNotCallback,
        red_confirm_approval: "D",
        created_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    taxIds[o.key] = taxId;
    orgIds[taxId] = org.id;
    names[taxId] = o.name;
    await tx
      .insertInto("users")
      .values({
        org_id: org.id,
        username: o.user.username,
        mobile: o.user.mobile,
        display_name: o.user.displayName,
        created_at: at,
      })
      .execute();
    await tx
      .insertInto("apps")
      .values({
        tenant_id: tenant.id,
        org_id: org.id,
        app_id: cred.appId,
        app_secret_hash: hashSecret(cred.appSecret),
        app_secret_plain: null,
        account_id: cred.accountId,
        created_at: at,
      })
      .execute();
    await appendAudit(tx, {
      orgId: org.id,
      actor: "seed",
      entity: "orgs",
      entityId: org.id,
      action: "create",
      after: { name: o.name, taxId },
      at,
    });
  }

  for (const spec of blueSpecs(taxIds)) {
    const scope = new OrgScope(tx, orgIds[spec.seller], dialect, "seed", at);
    await insertBlue(scope, spec, names);
  }

  const buyerScope = new OrgScope(tx, orgIds[taxIds.buyer], dialect, "seed", at);
  for (const inv of buyerInputs()) {
    const amount = new Dec(inv.amount);
    const taxAmount = R2(amount.mul(inv.rate));
    const row = {
      ticket_kind: "发票" as const,
      invoice_type: inv.type,
      invoice_type_name: inv.typeName ?? invoiceKindOf(inv.type) ?? inv.type,
      invoice_code: inv.code,
      invoice_no: inv.no,
      invoice_date: inv.date,
      seller_name: inv.seller,
      seller_tax_id: inv.sellerTaxId,
      amount: formatAmount(amount),
      tax_amount: formatAmount(taxAmount),
      total_amount: formatAmount(amount.add(taxAmount)),
      invoice_status: inv.status,
      select_status: inv.select,
      deduction_status: inv.deduction,
      select_time: inv.select === "未勾选" ? null : "2025-09-10 10:00:00",
      certify_time: null,
      usage_period: inv.select === "未勾选" ? null : "202509",
    };
    await tx
      .insertInto("bureau_invoices")
      .values({ ...row, buyer_tax_id: taxIds.buyer, updated_at: at })
      .execute();
    // The flight ticket after 2025-07-28 and the toll invoice are not yet in the pool: 4.02 brings them.
    if (inv.verified) {
      await buyerScope
        .insertInto("input_pool", {
          ...row,
          total_tax_incl_amount: null,
          verify_status: "已验",
          created_at: at,
          updated_at: at,
        })
        .execute();
    }
  }

  await seedRedInfoForms(tx, dialect, taxIds, at);
  await seedConfirmForms(tx, dialect); // 红字确认单 (数电) workflows: seedConfirmForms.ts
  // Numbers the sandbox issues later start above the seeded ones.
  await setMeta(tx, "seq:invoice_no:digital", "1000");
  await setMeta(tx, "seq:invoice_no:taxctl", "1000");
  await setMeta(tx, "seed_version", SEED_VERSION);
  await setMeta(tx, ADMIN_KEY_HASH_META, adminKeyHash(secrets.adminKey));
}

async function insertBlue(scope: OrgScope, spec: BlueSpec, names: Record<string, string>): Promise<void> {
  const lines = spec.lines.map((l) => ({ spec: l, c: computeLine(l) }));
  const sumOf = (f: (c: ComputedLine) => Dec) => lines.reduce((acc, x) => acc.add(f(x.c)), new Dec(0));
  const amount = sumOf((c) => c.amount);
  const taxAmount = sumOf((c) => c.tax);
  const remainingAmount = sumOf((c) => c.remainingAmount);
  const remainingTax = sumOf((c) => c.remainingTax);
  const deduction = spec.lines.find((l) => l.levy.kind === "diff")?.levy;
  const id = await scope.insertReturningId("blue_invoices", {
    kind: spec.kind,
    invoice_type: invoiceTypeOf(spec),
    invoice_code: spec.code,
    invoice_no: spec.no,
    invoice_date: spec.date,
    serial_no: null,
    seller_name: names[spec.seller],
    seller_tax_id: spec.seller,
    buyer_name: names[spec.buyer],
    buyer_tax_id: spec.buyer,
    amount: formatAmount(amount),
    tax_amount: formatAmount(taxAmount),
    total_amount: formatAmount(amount.add(taxAmount)),
    remaining_amount: formatAmount(remainingAmount),
    remaining_tax: formatAmount(remainingTax),
    status: spec.status ?? "正常",
    issue_status: "已开票",
    tax_mode: spec.taxMode,
    deduction: deduction && deduction.kind === "diff" ? formatAmount(deduction.deduction) : null,
    buyer_usage_confirmed: spec.usageConfirmed ? 1 : 0,
    special_type: "",
    drawer: "张三",
    remark: spec.remark ?? "",
    application_id: null,
    created_at: SEED_EPOCH_MS,
    updated_at: SEED_EPOCH_MS,
  });
  for (const [i, { spec: l, c }] of lines.entries()) {
    await scope
      .insertInto("blue_invoice_lines", {
        invoice_id: id,
        line_no: i + 1,
        line_property: l.property ?? "0",
        goods_name: l.goods,
        revenue_code: l.code,
        specification: l.spec ?? "",
        units: l.units ?? "",
        quantity: l.qty ? formatQty(l.qty) : null,
        price: c.price ? formatQty(c.price) : null,
        amount: formatAmount(c.amount),
        tax_rate: l.rate,
        tax_amount: formatAmount(c.tax),
        remaining_amount: formatAmount(c.remainingAmount),
        remaining_tax: formatAmount(c.remainingTax),
        remaining_quantity: c.remainingQty ? formatQty(c.remainingQty) : null,
        reversible_unit_price: null,
        has_discount_line: l.hasDiscountLine ? 1 : 0,
        privilege_type: l.privilege ?? "",
      })
      .execute();
  }
  // The earlier red invoice behind a prior (partial or full) reversal.
  const reversed = lines.filter((x) => x.spec.reversed);
  if (reversed.length > 0) {
    const redAmount = reversed.reduce((acc, x) => acc.add(x.c.amount.sub(x.c.remainingAmount)), new Dec(0));
    const redTax = reversed.reduce((acc, x) => acc.add(x.c.tax.sub(x.c.remainingTax)), new Dec(0));
    const redId = await scope.insertReturningId("red_invoices", {
      blue_invoice_id: id,
      serial_no: `SEED-RED-${spec.no}`,
      invoice_type: invoiceTypeOf(spec),
      invoice_code: spec.code,
      invoice_no: spec.code
        ? String(Number(spec.no) + 5000000)
        : spec.no.slice(0, 4) + "9" + spec.no.slice(5),
      invoice_date: "2025-07-05 10:00:00",
      seller_name: names[spec.seller],
      seller_tax_id: spec.seller,
      buyer_name: names[spec.buyer],
      buyer_tax_id: spec.buyer,
      amount: formatAmount(redAmount.neg()),
      tax_amount: formatAmount(redTax.neg()),
      total_amount: formatAmount(redAmount.add(redTax).neg()),
      red_reason: "销售退回",
      issue_status: "已开票",
      issue_error: "",
      confirm_form_id: null,
      info_form_id: null,
      created_at: SEED_EPOCH_MS,
      completes_at: null,
    });
    for (const [i, { spec: l, c }] of reversed.entries()) {
      const ra = c.amount.sub(c.remainingAmount);
      await scope
        .insertInto("red_invoice_lines", {
          red_invoice_id: redId,
          line_no: i + 1,
          blue_line_id: null,
          line_property: "0",
          goods_name: l.goods,
          revenue_code: l.code,
          specification: l.spec ?? "",
          units: l.units ?? "",
          quantity: l.reversed?.qty ? formatQty(new Dec(l.reversed.qty).neg()) : null,
          price: c.price ? formatQty(c.price) : null,
          amount: formatAmount(ra.neg()),
          tax_rate: l.rate,
          tax_amount: formatAmount(c.tax.sub(c.remainingTax).neg()),
        })
        .execute();
    }
  }
  for (const p of spec.pending ?? []) {
    const pAmount = new Dec(p);
    const rate = new Dec(spec.lines[0].rate);
    await scope
      .insertInto("pending_reds", {
        blue_invoice_id: id,
        serial_no: null,
        source: "单张开票",
        amount: formatAmount(pAmount.neg()),
        tax_amount: formatAmount(R2(pAmount.mul(rate)).neg()),
        status: "待开",
        created_at: SEED_EPOCH_MS,
      })
      .execute();
  }
  await scope.audit("blue_invoices", id, "create", undefined, { invoiceNo: spec.no, kind: spec.kind });
}

export interface SandboxAccount {
  readonly name: string;
  readonly taxId: string;
  readonly taxpayerType: string;
  readonly channel: string;
  readonly dataEncoding: string;
  readonly appId: string;
  readonly appSecret: string;
  readonly accountId: string;
  readonly user: string;
  readonly mobile: string;
  readonly aesPassword: string | null;
}

/**
 * The seeded enterprises with their login credentials: identifiers and AES passwords from the
 * database, appSecrets from the install's secrets (the database keeps only their hashes; without the
 * secrets the appSecret is shown as "").
 */
export async function sandboxAccounts(db: Db, secrets?: SandboxSecrets): Promise<SandboxAccount[]> {
  const rows = await db
    .selectFrom("orgs")
    .innerJoin("apps", "apps.org_id", "orgs.id")
    .innerJoin("users", "users.org_id", "orgs.id")
    .select([
      "orgs.id as org_id",
      "orgs.name",
      "orgs.tax_id",
      "orgs.taxpayer_type",
      "orgs.issue_system",
      "orgs.digital_channel",
      "orgs.data_encoding",
      "orgs.aes_password",
      "apps.app_id",
      "apps.account_id",
      "users.username",
      "users.mobile",
    ])
    .orderBy("orgs.id")
    .orderBy("users.id")
    .execute();
  return rows.map((r) => ({
    name: r.name,
    taxId: r.tax_id,
    taxpayerType: r.taxpayer_type,
    channel: r.issue_system === "数电" ? `数电（${r.digital_channel ?? ""}）` : r.issue_system,
    dataEncoding: r.data_encoding,
    appId: r.app_id,
    appSecret: secrets?.appSecrets[r.app_id.replace(/^hcsbx_/, "")] ?? "",
    accountId: r.account_id,
    user: r.username,
    mobile: r.mobile,
    aesPassword: r.aes_password,
  }));
}
