/**
 * The 说明 sheet of every template: one line per column — what it is, when it is required, the
 * format, an example. Derived from the column specs, so a new column is explained by adding its
 * description here (or gets a generic line from its type).
 */
import { REQUIRED_BLUE_FIELDS } from "../../domain/infoForm";
import type { InfoFormApplicant, InfoFormBlueField } from "../../domain/labels";
import { labelSetOf, type ColumnSpec, type ColumnType } from "../schemas";
import type { KindSpec } from "./kinds";
import { DEFAULT_MAX_ROWS, OFFICE_TEMPLATE_VALIDATED_ROWS, TEMPLATE_VALIDATED_ROWS } from "./limits";
import { uscCheckChar } from "../../domain/parse/taxId";

/** What a column holds, by canonical header (the manuals' wording where they have one). */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  申请单号: "同一张红字信息表的多行明细填相同的申请单号；不填时按同一张蓝票归为一张",
  申请方: "谁申请红字信息表：销方申请、购方申请-未抵扣、购方申请-已抵扣",
  发票类型: "蓝票的发票类型",
  原发票代码: "对应蓝票的发票代码（10位或12位数字）",
  原发票号码: "对应蓝票的发票号码（税控发票8位数字）",
  蓝票开票日期: "对应蓝票的开票日期",
  购方名称: "购买方名称",
  购方税号: "购买方纳税人识别号（统一社会信用代码）",
  销方名称: "销售方名称",
  销方税号: "销售方纳税人识别号（统一社会信用代码）",
  蓝票可红冲金额: "蓝票剩余可红冲的不含税金额；填写后校验红冲金额不超过它",
  货物名称: "货物或应税劳务、服务名称",
  税收分类编码: "商品和服务税收分类编码（19位数字）",
  规格型号: "规格型号",
  单位: "计量单位",
  数量: "红冲数量（红字为负数，填正数也按绝对值处理）",
  单价: "不含税单价（正数）",
  金额: "不含税金额（红字为负数，填正数也按绝对值处理）",
  税率: "税率或征收率，例如 13%、0.13、免税",
  税额: "税额（红字为负数，填正数也按绝对值处理）",
  红字信息表编码: "税局审核通过后返回的红字信息表编号",
  信息表状态: "未上传、审核失败、审核成功、已开票",
  税局审核日期: "税局审核通过的日期",
  红票代码: "开具的红字发票代码",
  红票号码: "开具的红字发票号码",
  处理状态: "本次引入或提交的结果：成功、失败、处理中",
  失败原因: "这一行所有错误的原因；红色单元格的批注里有该单元格的原因",
  流水号: "系统生成的唯一流水号；重新引入时据此跳过已成功的行，请勿修改",
  申请批次号: "系统自动生成的申请批次号（同一次引入的行相同）",
  单据编号: "红字确认单的单据编号，成为红字发票的单据编号；同一张确认单的多行填相同的值",
  原蓝票号码: "要红冲的蓝票号码（数电票20位，税控票8位）",
  原蓝票代码: "要红冲的蓝票代码（税控票必填，数电票不填）",
  原蓝票开票日期: "蓝票开票日期，精确到秒",
  红冲原因: "开票有误、销售折让、销售退回、服务终止",
  购销身份: "当前组织在该单据上是购方还是销方",
  审核状态: "审批流的状态",
  数据来源: "手工新增、税局下载、API接口、单据开票、匹配结果推送",
  企业类型: "对方企业类型",
  交付邮箱: "红字发票交付邮箱",
  交付手机: "红字发票交付手机号",
  备注: "备注",
  行号: "蓝票明细行号",
  征税方式: "普通征税、减按计征、差额征税",
  含税金额: "价税合计（红字为负数）",
  剩余可红冲数量: "蓝票该行剩余可红冲数量",
  剩余可红冲金额: "蓝票该行剩余可红冲不含税金额",
  剩余可红冲税额: "蓝票该行剩余可红冲税额",
  可红冲单价: "蓝票该行的可红冲单价；为空时按 剩余可红冲金额 ÷ 剩余可红冲数量 计算",
  带折扣行: "蓝票该行是否带折扣行（带折扣行的明细不能编辑，只能整行全额红冲）",
  编辑字段: "部分红冲时要修改的字段：数量、不含税金额、含税金额",
  编辑值: "编辑字段的新值",
  红字确认单编号: "税局录入成功后返回的红字确认单编号",
  录入日期: "录入成功的时间",
  录入状态: "未录入、录入成功、录入失败",
  确认状态: "税局的确认状态代码 01–10",
  确认日期: "对方确认的日期",
  录入方身份: "录入该确认单的一方",
  开票状态: "未开票、已开票、开票失败",
  红票开票日期: "红字发票的开票日期",
  发票代码: "蓝票发票代码",
  发票号码: "蓝票发票号码",
  发票种类: "蓝票种类；税控普票直接红冲，税控专票走红字信息表，数电票走红字确认单",
  审批状态: "暂存、已提交、已审核、无需审批",
  发票状态: "发票状态",
  价税合计: "价税合计 = 不含税金额 + 税额",
  不含税金额: "不含税金额",
  可红冲金额: "发票可红冲金额（不含税）",
  待开红冲金额: "待开发票中本发票尚未开票的红冲金额合计",
  本次红冲金额:
    "本次要红冲的金额：正数或负数均可（按绝对值计），不能为 0；加上待开红冲金额后不超过可红冲金额",
  开票人: "开票人",
  原蓝票日期: "蓝票开票日期",
  处理路径: "按发票种类确定的红冲路径",
  "红字信息表编号/红字确认单编号": "专票的红字信息表编号或数电票的红字确认单编号",
  核算组织: "下载发票的核算组织名称",
  核算组织税号: "核算组织的纳税人识别号",
  票据类型: "发票 或 海关缴款书",
  抵扣状态: "未勾选、已勾选或已认证抵扣、已退税或已确认退税",
  开票日期起: "下载范围的开始日期（含）",
  开票日期止: "下载范围的结束日期（含）",
  企业性质: "一般纳税人 或 小规模纳税人（小规模纳税人不支持抵扣类勾选数据下载）",
  开票通道: "企业的数电开票通道（乐企通道不支持本功能）",
  下载抵扣类勾选数据: "是否下载抵扣类勾选数据：是 / 否",
  任务ID: "发票云返回的下载任务号",
  下载状态: "成功、失败、进行中",
};

const FORMATS: Readonly<Record<Exclude<ColumnType, `label:${string}`>, string>> = {
  text: "文本",
  amount: "数字，保留2位小数（显示为 #,##0.00）",
  quantity: "文本格式的数字，最多13位小数（单元格已设为文本，保证不丢失小数）",
  unitPrice: "文本格式的数字，最多13位小数（单元格已设为文本，保证不丢失小数）",
  rate: "文本：百分数或小数，或 免税 / 不征税 / 零税率",
  date: "日期 yyyy-mm-dd",
  datetime: "日期时间 yyyy-mm-dd hh:mm:ss",
  taxId: "文本：18位统一社会信用代码，或15、17、20位税号",
  invoiceCode: "文本：10位或12位数字（单元格为文本，保留开头的0）",
  invoiceNumber: "文本：税控发票8位数字，数电发票20位数字（单元格为文本，保留开头的0）",
  boolean: "下拉选择：是 / 否",
  integer: "整数",
};

const exampleTaxId = (first17: string): string => first17 + uscCheckChar(first17);

const EXAMPLES: Readonly<Record<string, string>> = {
  申请单号: "A001",
  原发票代码: "044031900111",
  原发票号码: "00325688",
  原蓝票代码: "044031900111",
  原蓝票号码: "24442000000012345678",
  发票代码: "044031900111",
  发票号码: "00325688",
  购方名称: "深圳市示例科技有限公司",
  销方名称: "广州市示例贸易有限公司",
  // Valid 统一社会信用代码 (the 18th character is the GB 32100 check character of the first 17).
  购方税号: exampleTaxId("91440300MA5EXAMPL"),
  销方税号: exampleTaxId("91440101MA5EXAMPL"),
  核算组织税号: exampleTaxId("91440101MA5EXAMPL"),
  核算组织: "广州市示例贸易有限公司",
  货物名称: "*电子元件*电阻",
  税收分类编码: "1090512990000000000",
  规格型号: "RC0402",
  单位: "个",
  // One consistent red line: −100.5 × 9.9502487562189 = −1,000.00; 13% → −130.00; total −1,130.00.
  数量: "-100.5",
  单价: "9.9502487562189",
  金额: "-1,000.00",
  税额: "-130.00",
  含税金额: "-1,130.00",
  // A blue invoice: 1,000.00 reversible, 200.00 already waiting in 待开, 500.00 to reverse now.
  可红冲金额: "1,000.00",
  待开红冲金额: "200.00",
  本次红冲金额: "500.00",
  税率: "13%",
  行号: "1",
  编辑值: "-10",
  交付邮箱: "finance@example.com",
  交付手机: "13800000000",
  单据编号: "HZ20241022001",
  开票人: "张三",
};

/** Where a kind's column means something else (a blue invoice's own, positive amounts). */
const KIND_EXAMPLES: Partial<Record<KindSpec["kind"], Readonly<Record<string, string>>>> = {
  "blue-red-flush": { 不含税金额: "1,000.00", 税额: "130.00", 价税合计: "1,130.00", 数量: "100.5" },
  "confirm-form-drafts": { 剩余可红冲金额: "1,000.00", 剩余可红冲税额: "130.00" },
};

const REQUIRED_FONT_NOTE = "必填（表头为红色字体）";

function labelValues(col: ColumnSpec): string | null {
  return col.validationList ? col.validationList.join("、") : null;
}

/** §3.1: which applicants must fill a blue-invoice column of the 红字信息表 template. */
function infoFormBlueRequirement(col: ColumnSpec): string | null {
  const field: Readonly<Record<string, InfoFormBlueField>> = {
    blueInvoiceCode: "蓝票代码",
    blueInvoiceNo: "蓝票号码",
    blueIssueDate: "蓝票开票日期",
  };
  const f = field[col.key];
  if (!f) return null;
  const who = (Object.keys(REQUIRED_BLUE_FIELDS) as InfoFormApplicant[]).filter((a) =>
    REQUIRED_BLUE_FIELDS[a].includes(f)
  );
  return who.length ? `申请方为 ${who.join("、")} 时必填，其他情况选填` : null;
}

export function requiredWhen(spec: KindSpec, col: ColumnSpec): string {
  if (col.result) return "由系统回写，无需填写";
  if (col.required) return REQUIRED_FONT_NOTE;
  if (spec.kind === "info-form-import") {
    const blue = infoFormBlueRequirement(col);
    if (blue) return blue;
  }
  return "选填";
}

/** The other spellings a label column's import reads (its label set's aliases: 纸质专票 → 增值税专用发票 …). */
export function acceptedAliasesOf(col: ColumnSpec): readonly string[] {
  const set = labelSetOf(col.type) as { readonly aliases?: Readonly<Record<string, string>> } | null;
  return set?.aliases ? Object.keys(set.aliases) : [];
}

export function formatOf(col: ColumnSpec): string {
  const list = labelValues(col);
  const aliases = acceptedAliasesOf(col);
  if (list && aliases.length) return `下拉选择：${list}；也可填写：${aliases.join("、")}`;
  if (list && col.type !== "boolean") return `下拉选择：${list}`;
  if (col.type.startsWith("label:")) return "下拉选择";
  return FORMATS[col.type as Exclude<ColumnType, `label:${string}`>];
}

function exampleOf(col: ColumnSpec): string {
  if (EXAMPLES[col.header]) return EXAMPLES[col.header];
  if (col.result) return "";
  if (col.validationList && col.validationList.length) return col.validationList[0];
  switch (col.type) {
    case "amount":
      return col.allowNegative ? "-1,000.00" : "1,000.00";
    case "date":
      return "2024-10-22";
    case "datetime":
      return "2024-10-22 10:44:24";
    default:
      return "";
  }
}

export interface InstructionLine {
  readonly header: string;
  readonly required: string;
  readonly description: string;
  readonly format: string;
  readonly example: string;
  readonly aliases: string;
}

export const INSTRUCTION_HEADERS = ["列名", "是否必填", "说明", "格式", "示例", "也可写作"] as const;

export function instructionLines(spec: KindSpec): InstructionLine[] {
  return spec.schema.columns.map((col) => ({
    header: col.header,
    required: requiredWhen(spec, col),
    description: DESCRIPTIONS[col.header] ?? col.header,
    format: formatOf(col),
    example: KIND_EXAMPLES[spec.kind]?.[col.header] ?? exampleOf(col),
    aliases: col.aliases.join("、"),
  }));
}

/** Lines above the column table: how to use the template (the manual's 3.3.3 steps, generalized). */
export function usageNotes(spec: KindSpec): string[] {
  return [
    `${spec.title} 模板说明`,
    "1. 红色字体的列为必填项；列的顺序可以调整，可以增加自己的列（引入时保留不动）。",
    "2. 金额填数字（两位小数）；数量、单价、发票代码、发票号码、税号已设为文本格式，请直接输入，不要改成数字格式（会丢失小数或开头的0）。",
    "3. 校验结果另存为“原文件名.校验结果.xlsx”（提交时为“.提交结果.xlsx”），原文件不变：错误单元格标红并加批注，“失败原因”列列出该行全部原因，“处理状态”为 失败 / 成功 / 未提交；提交时系统生成申请批次号和流水号。修改后可再次引入。",
    "4. 已成功的行（处理状态为“成功”、有流水号）再次引入时会跳过，不会重复提交。",
    `5. 请不要隐藏行、合并表头单元格或重复表头；一次最多引入 ${DEFAULT_MAX_ROWS.toLocaleString("en-US")} 行。下拉列表覆盖前 ${TEMPLATE_VALIDATED_ROWS.toLocaleString("en-US")} 行（在 Excel 任务窗格中插入的模板覆盖 ${OFFICE_TEMPLATE_VALIDATED_ROWS.toLocaleString("en-US")} 行），更下面的行引入时同样逐格校验。`,
  ];
}
