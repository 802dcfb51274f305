/**
 * The manuals' Chinese labels, one list per concept, with the variants the manuals also use
 * (domain-rules §0). UI shows the canonical label; input accepts any variant.
 */

function labelSet<const T extends readonly string[]>(
  values: T,
  aliases: Readonly<Record<string, T[number]>> = {}
) {
  const all = new Set<string>(values);
  return {
    values,
    aliases,
    /** The canonical label for `s` (trimmed; variants mapped), or undefined. */
    normalize(s: unknown): T[number] | undefined {
      if (typeof s !== "string") return undefined;
      const t = s.trim();
      if (all.has(t)) return t as T[number];
      // Own keys only: "toString" is not an alias.
      return Object.prototype.hasOwnProperty.call(aliases, t) ? aliases[t] : undefined;
    },
    is(s: unknown): s is T[number] {
      return typeof s === "string" && all.has(s);
    },
  };
}

/** The part `values` of a label set, with the aliases that reach those values (one vocabulary, no copy). */
function subsetOf<V extends string, const T extends readonly V[]>(
  set: { readonly values: readonly V[]; readonly aliases: Readonly<Record<string, V>> },
  values: T
) {
  const keep = new Set<string>(values);
  const aliases = Object.fromEntries(Object.entries(set.aliases).filter(([, v]) => keep.has(v))) as Record<
    string,
    T[number]
  >;
  return labelSet(values, aliases);
}

// ── 000 发票红冲 ────────────────────────────────────────────────────────────────

/** 发票状态 of a blue invoice. 部分红冲/全额红冲 are real values (§9 A3). */
export const BlueInvoiceStatus = labelSet(["正常", "部分红冲", "全额红冲", "作废", "作废中"] as const);
export type BlueInvoiceStatus = (typeof BlueInvoiceStatus.values)[number];

/** 审批状态 of an invoice in the red-flush list. */
export const ApprovalStatus = labelSet(["暂存", "已提交", "已审核", "无需审批"] as const);
export type ApprovalStatus = (typeof ApprovalStatus.values)[number];

/**
 * 发票种类 / 发票类型: the ONE invoice-type vocabulary of every template, sheet and the sandbox (the
 * kinds the routing rule knows, eval-contract routeRedFlush). A 红字信息表's 发票类型 is the 专票 part
 * of this list (`InfoFormInvoiceType`); the 001 manual's 增值税纸质专用发票 is an alias of
 * 增值税专用发票. The wire codes of these labels are src/gateway/codes.ts's.
 */
export const InvoiceKind = labelSet(
  [
    "增值税普通发票",
    "增值税电子普通发票",
    "增值税专用发票",
    "增值税电子专用发票",
    "数电发票（普通发票）",
    "数电发票（增值税专用发票）",
  ] as const,
  {
    增值税纸质普通发票: "增值税普通发票",
    纸质普票: "增值税普通发票",
    纸质普通发票: "增值税普通发票",
    电子普票: "增值税电子普通发票",
    电子普通发票: "增值税电子普通发票",
    增值税纸质专用发票: "增值税专用发票",
    纸质专票: "增值税专用发票",
    纸质专用发票: "增值税专用发票",
    电子专票: "增值税电子专用发票",
    电子专用发票: "增值税电子专用发票",
    "数电发票(普通发票)": "数电发票（普通发票）",
    "数电发票(增值税专用发票)": "数电发票（增值税专用发票）",
    数电普票: "数电发票（普通发票）",
    数电专票: "数电发票（增值税专用发票）",
  }
);
export type InvoiceKind = (typeof InvoiceKind.values)[number];

/** Where a red-flush of each kind goes (§2 routing). */
export const RedFlushTarget = labelSet(["发票红冲详情页", "红字信息表申请页", "红字确认单申请页"] as const);
export type RedFlushTarget = (typeof RedFlushTarget.values)[number];

// ── 001 红字信息表 ─────────────────────────────────────────────────────────────

/** 信息表状态; 已撤销 is our label for a revoked form [INFERRED §3.4]. */
export const InfoFormStatus = labelSet(["未上传", "审核失败", "审核成功", "已开票", "已撤销"] as const, {
  未提交: "未上传",
  审核通过: "审核成功",
});
export type InfoFormStatus = (typeof InfoFormStatus.values)[number];

/** 申请方 with the buyer's deduction state (§3.1). */
export const InfoFormApplicant = labelSet(["销方申请", "购方申请-未抵扣", "购方申请-已抵扣"] as const, {
  销售方申请: "销方申请",
  "购方申请－未抵扣": "购方申请-未抵扣",
  "购方申请－已抵扣": "购方申请-已抵扣",
  "购买方申请-未抵扣": "购方申请-未抵扣",
  "购买方申请-已抵扣": "购方申请-已抵扣",
});
export type InfoFormApplicant = (typeof InfoFormApplicant.values)[number];

/**
 * 发票类型 of a 红字信息表's blue invoice: the 专票 of `InvoiceKind` (a 红字信息表 concerns only 税控
 * 专票, §3), same canonical labels and every alias of theirs — so a form typed 增值税纸质专用发票,
 * 纸质专票 or 增值税专用发票 names the same 004 as the blue invoice's 发票种类.
 */
export const InfoFormInvoiceType = subsetOf(InvoiceKind, ["增值税电子专用发票", "增值税专用发票"] as const);
export type InfoFormInvoiceType = (typeof InfoFormInvoiceType.values)[number];

/** The blue-invoice fields a 红字信息表 may require (§3.1). */
export const InfoFormBlueField = labelSet(["蓝票代码", "蓝票号码", "蓝票开票日期"] as const);
export type InfoFormBlueField = (typeof InfoFormBlueField.values)[number];

/** 开票申请单 status (the upstream document of a rollback). */
export const ApplicationStatus = labelSet(["未提交", "已提交"] as const);
export type ApplicationStatus = (typeof ApplicationStatus.values)[number];

// ── 002 红字确认单 ─────────────────────────────────────────────────────────────

/** 红冲原因; 销货退回 / 服务中止 are the manuals' variants (§0). */
export const RedReason = labelSet(["开票有误", "销售折让", "销售退回", "服务终止"] as const, {
  销货退回: "销售退回",
  服务中止: "服务终止",
});
export type RedReason = (typeof RedReason.values)[number];

/** How the blue line was taxed. */
export const TaxMode = labelSet(["普通征税", "减按计征", "差额征税"] as const);
export type TaxMode = (typeof TaxMode.values)[number];

export const EntryStatus = labelSet(["未录入", "录入成功", "录入失败"] as const, { 已录入: "录入成功" });
export type EntryStatus = (typeof EntryStatus.values)[number];

/** 开票状态 of a 红字确认单 [INFERRED set, §4.2]. */
export const FormInvoiceStatus = labelSet(["未开票", "已开票", "开票失败"] as const);
export type FormInvoiceStatus = (typeof FormInvoiceStatus.values)[number];

export const Role = labelSet(["销方", "购方"] as const, {
  我是销方: "销方",
  我是购方: "购方",
  销售方: "销方",
  购买方: "购方",
});
export type Role = (typeof Role.values)[number];

export const DataSource = labelSet(["手工新增", "税局下载", "API接口", "单据开票", "匹配结果推送"] as const);
export type DataSource = (typeof DataSource.values)[number];

/** 审核状态 (approval flow, §4.2). */
export const AuditStatus = labelSet(["无需审批", "暂存", "已提交", "已审核"] as const);
export type AuditStatus = (typeof AuditStatus.values)[number];

/** Channels of the invoice cloud towards the bureau. */
export const Channel = labelSet(["RPA", "乐企", "税控", "联云托管"] as const, {
  // The manuals' wording: 乐企通道 (003), 联云托管渠道 (001).
  乐企通道: "乐企",
  RPA通道: "RPA",
  税控通道: "税控",
  联云托管渠道: "联云托管",
  rpa: "RPA",
});
export type Channel = (typeof Channel.values)[number];

// ── 003 进项发票关键要素同步 ───────────────────────────────────────────────────

export const BillKind = labelSet(["发票", "海关缴款书"] as const);
export type BillKind = (typeof BillKind.values)[number];

export const InputInvoiceStatus = labelSet([
  "正常",
  "失控",
  "作废",
  "红冲",
  "部分红冲",
  "全额红冲",
  "红字发票待确认",
  "异常",
] as const);
export type InputInvoiceStatus = (typeof InputInvoiceStatus.values)[number];

export const SelectStatus = labelSet(["未勾选", "已勾选", "勾选认证", "扫描认证"] as const);
export type SelectStatus = (typeof SelectStatus.values)[number];

export const DeductionStatus = labelSet(["未勾选", "已勾选或已认证抵扣", "已退税或已确认退税"] as const);
export type DeductionStatus = (typeof DeductionStatus.values)[number];

export const EnterpriseNature = labelSet(["一般纳税人", "小规模纳税人"] as const);
export type EnterpriseNature = (typeof EnterpriseNature.values)[number];

/** 查验 state of an invoice in the pool. */
export const VerifyStatus = labelSet(["未验", "已验"] as const);
export type VerifyStatus = (typeof VerifyStatus.values)[number];
