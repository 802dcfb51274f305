/**
 * The one refusal catalogue (domain-rules §7): stable code → Chinese message.
 * Surfaces (task pane, custom functions, CLI, gateway) translate codes, never re-word messages.
 * Messages marked (M) are the manual's own wording. `{name}` placeholders are filled by `refusalMessage`.
 * The English catalogue (refusals.en.ts) has the same codes and placeholders.
 */
import { REFUSALS_EN } from "./refusals.en";

export const REFUSALS = {
  // ── 000 发票红冲 ───────────────────────────────────────────────────────────
  BATCH_LIMIT_EXCEEDED: "一次最多只能批量红冲10张", // (M)
  // src/domain/plan/redFlush.ts: rows of one blue invoice, the 税控普票 full-only rule (2.2.02)
  DUPLICATE_ROW_CONFLICT:
    "与第{rows}行是同一张蓝票，{field}却不一致（{values}）：请改成一致的值，或删除多余的行后重新预检",
  DUPLICATE_ROW:
    "本行与第{rows}行是同一张蓝票的重复行（各列相同），未提交：请删除重复的行，或勾选“重复行只提交一次”后重新预检",
  TAX_CONTROL_ORDINARY_FULL_ONLY:
    "税控普通发票只支持全额红冲：本次红冲金额须等于可红冲金额 {available}（或留空按全额红冲）",
  INVOICE_STATUS_NOT_REVERSIBLE: "只有发票状态为“正常”或“部分红冲”的发票才允许红冲",
  NO_REVERSIBLE_AMOUNT: "发票可红冲金额须大于0才允许红冲",
  INSUFFICIENT_REMAINING:
    "剩余可红冲金额不足。开票管理→待开发票页面中可能存在本发票的未开票的数据，请先处理。", // (M)
  DUPLICATE_PENDING_SAME_AMOUNT:
    "待开发票中存在与本发票可红冲金额相同的红冲数据，不进入单张发票红冲页面。请先到开票管理→待开发票页面处理。", // (M: 存在同金额的待开)
  UNKNOWN_INVOICE_KIND: "无法识别的发票种类：{value}",

  // ── 001 红字信息表 ─────────────────────────────────────────────────────────
  INFO_FORM_NOT_APPROVED: "只有税局审核通过后才允许红冲", // (M)
  INFO_FORM_ALREADY_RED_FLUSHED: "红字信息表已开具红字发票（已开票），不能重复红冲",
  INFO_FORM_NUMBER_MISSING: "必须成功获取红字信息表编号后才允许红冲，请先上传税局获取编号", // (M, paraphrased)
  SELLER_TAX_ID_MISMATCH: "销方税号与当前业务单元下的企业信息中的税号一致才允许红冲", // (M)
  INFO_FORM_REVOKE_NOT_APPROVED: "税局审核成功的红字信息表才允许撤销", // (M)
  INFO_FORM_ALREADY_INVOICED: "已红冲的红字信息表不允许撤销", // (M)
  INFO_FORM_APPROVED_NOT_DELETABLE: "审核通过的红字信息表，不允许删除", // (M)
  INFO_FORM_INVOICED_NOT_DELETABLE: "已开票的红字信息表不允许删除",
  INFO_FORM_REVOKED_TERMINAL: "红字信息表已撤销，不能再操作",
  INFO_FORM_NOT_LINKED: "只允许回退关联开票业务单据的红字信息表", // (M)
  INFO_FORM_ROLLBACK_INVOICED: "已开票的红字信息表不允许退回开票申请单",
  INFO_FORM_SUBMIT_STATUS: "只有信息表状态为“未上传”或“审核失败”的红字信息表才允许提交税局",
  INFO_FORM_EDIT_STATUS: "只有信息表状态为“未上传”或“审核失败”的红字信息表才允许编辑",
  INFO_FORM_BLUE_FIELD_REQUIRED: "{applicant}须填写{field}",
  AMOUNT_EXCEEDS_REVERSIBLE: "红冲金额须小于等于蓝票可红冲金额", // (M, paraphrased)
  INFO_FORM_FILER_NOT_ORG:
    "{applicant}时{field}须为本企业税号“{orgTaxId}”（填写的是“{value}”），请核对申请方和税号",
  DOWNLOAD_SCOPE_REQUIRED: "“本企业申请” “其他企业申请”至少勾选一项", // (M)
  // sandbox 2.2.02 税控发票快速红冲（仅支持全额红冲）
  INFO_FORM_BLUE_MISMATCH:
    "红字信息表“{formNo}”对应的蓝票（发票代码 {code}，发票号码 {no}）与本次红冲的蓝票不一致",
  INFO_FORM_NO_BLUE:
    "红字信息表“{formNo}”未填写对应蓝票（购方申请-已抵扣），不能快速红冲，请按红字信息表开具红字发票",
  QUICK_RED_FULL_ONLY:
    "税控发票快速红冲仅支持全额红冲：红字信息表红冲金额 {amount} 与蓝票可红冲金额 {remaining} 不一致",
  // sandbox 2.2.01 税控发票开具（红字）
  TAX_CONTROL_BLUE_ISSUE_NOT_SIMULATED:
    "沙箱的税控发票开具只模拟红字发票（invoiceProperty 为 1），蓝字发票请在税控开票系统开具",
  INFO_FORM_LINE_UNMATCHED:
    "红字信息表“{formNo}”第{row}行（{goods}，税率 {taxRate}）在蓝票中找不到商品名称、税率一致且剩余可红冲金额足够的明细行",

  // ── 002 红字确认单 ─────────────────────────────────────────────────────────
  ENTRY_ALREADY_ENTERED: "只有录入状态为“未录入”或“录入失败”的红字确认单才允许录入",
  ENTRY_AUDIT_STATUS: "只有审核状态为“已审核”或“无需审批”的红字确认单才允许录入",
  BUYER_ENTRY_NEEDS_USAGE_CONFIRMED:
    "购方未对蓝字发票进行用途确认（勾选/入账）时，只能由销方录入红字确认单并全额红冲",
  NOT_PENDING_OUR_CONFIRMATION: "只能确认或拒绝待本企业确认的红字确认单",
  REVOKE_NOT_VALID_STATUS: "撤销时要求红字确认单状态为有效（01–04）", // (M, paraphrased)
  REVOKE_ALREADY_INVOICED: "撤销时要求红字确认单未开具红票", // (M, paraphrased)
  REVOKE_WRONG_PARTY: "红字确认单撤销只能由最后操作方申请，当前只允许{party}撤销", // (M, paraphrased)
  REVOKE_ENTRANT_UNKNOWN:
    "确认状态为“购销双方 已确认”时须知道录入方身份才能判断由哪一方撤销，请先下载或更新确认单状态",
  NOT_ENTERED: "只有录入成功的红字确认单才允许红冲",
  NOT_INVOICEABLE_STATUS: "只有确认状态为“无需确认”或“购销双方已确认”的红字确认单才允许红冲",
  ALREADY_INVOICED: "红字确认单已开具红票，不能重复红冲",
  ROLLBACK_SOURCE_NOT_ALLOWED: "只有数据来源为“匹配结果推送”或“单据开票”的数据才可以回退。", // (M)
  ROLLBACK_INVOICE_STATUS: "只有开票状态为“未开票”或者“开票失败”的数据才允许回退。", // (M)
  ROLLBACK_ENTRY_STATUS:
    "只有录入状态为“未录入”或“录入失败”，或录入状态为“已录入”且确认状态为“作废”的数据才允许回退。", // (M)
  DELETE_ENTRY_STATUS:
    "仅录入状态为“未录入”，“录入失败”或“已录入未开票（数据来源为税局下载）”的数据允许删除。", // (M)
  DELETE_AUDIT_STATUS: "只有审核状态为暂存或无需审批状态才能删除。", // (M)
  DELETE_ALLOCATED: "当前数据已被分配，不允许删除。", // (M)
  DELETE_SOURCE_USE_ROLLBACK: "数据来源为“匹配结果推送”或“单据开票”的数据不能删除，请使用回退。", // (M)
  QTY_TOLERANCE_EXCEEDED: "红字确认单待冲数量超过原蓝票剩余可红冲数量（差额 {diff}，超过 0.001），不可录入",
  ISSUE_ERROR_FULL_ONLY: "开票有误仅支持全额红冲", // (M)
  FIELD_NOT_EDITABLE: "红冲原因为“{reason}”时不允许编辑{field}",
  DISCOUNT_LINE_NOT_EDITABLE: "原蓝票明细行带折扣行，暂不支持编辑，只能整行全额红冲",
  DIFF_TAX_FULL_ONLY: "差额征税发票仅支持全额红冲", // (M, paraphrased)
  REDUCED_LEVY_NO_SALES_RETURN: "减按计征发票不支持选销售退回", // (M)
  REDUCED_LEVY_RENTAL_POLICY_MISSING:
    "个人出租住房（减按计征）的明细行须有优惠政策“按5%简易征收减按1.5%计征”，否则无法计算部分红冲，只能全额红冲",
  RCF_RED_FLUSH_WRONG_PARTY: "红字确认单只能由{party}红冲（{why}）",
  CONFIRM_LINE_NO_REQUIRED:
    "部分红冲的明细行须填写行号（对应原蓝票的明细行），否则发票云无法确定红冲哪一行；全额红冲请清空金额列",
  NO_UNIT_PRICE: "原蓝票明细没有可红冲单价或剩余数量，不能按数量红冲",
  NON_POSITIVE: "{field}须大于0",
  EXCEEDS_REMAINING: "{field}不能超过剩余可红冲值 {remaining}",
  UNKNOWN_CONFIRM_STATUS: "未知的确认状态代码：{value}（应为 01–10 或其名称）",
  NO_CONFIRMATION_FULL_ONLY:
    "购方未对蓝字发票进行用途确认，红字确认单无需确认（01），只能全额红冲；部分红冲须购方用途确认后经对方确认",
  // sandbox 红字确认单 (src/server/sandbox/interfaces/redConfirm*.ts, invoiceRed.ts)
  RCF_AWAITING_NOT_ISSUED: "红字确认单状态为{statusLabel}，未开具发票",
  RCF_BLUE_NOT_FOUND: "蓝票“{invoiceNo}”不存在，或本企业不是它的{role}",
  RCF_BLUE_NOT_DIGITAL: "蓝票“{invoiceNo}”不是数电发票，数电红字确认单只适用于数电发票",
  RCF_BILL_NOT_FOUND: "红字确认单“{number}”不存在，或本企业不是它的购销方",
  RCF_BILL_INVOICE_MISMATCH:
    "红字确认单“{number}”对应的蓝票是“{billInvoiceNo}”，与请求的蓝票号码“{invoiceNo}”不一致",
  RCF_BILL_KEYS_MISMATCH: "红字确认单编号“{number}”与税局红字确认单UUID“{uuid}”不是同一张确认单",
  RCF_IDENTITY_MISMATCH:
    "录入方身份 enteridentity={code} 与本企业在红字确认单“{number}”中的身份（{role}）不符",
  RCF_BAD_REASON: "红冲原因代码“{code}”无效，可选 1–4（或 01–04）",
  RCF_LINE_NOT_FOUND: "蓝票“{invoiceNo}”没有序号为 {seq} 的明细行（originalSeq 从0开始）",
  RCF_LINE_DUPLICATE: "明细行 originalSeq={seq} 重复",
  RCF_LINE_MISMATCH: "第{row}行{field}与按红冲原因“{reason}”计算的结果不一致：应为 {expected}，收到 {actual}",
  RCF_DETAIL_MISMATCH:
    "红冲明细与红字确认单“{number}”的明细不一致：通过确认单红冲时按确认单明细开具，可不传明细",
  RCF_FORM_NOT_FOUND: "本企业没有流水号或编号为“{key}”的红字确认单",
  RCF_DOWNLOAD_NO_DIGITAL_CHANNEL: "本企业未配置数电开票通道，无法从税局下载红字确认单",
  RCF_DOWNLOAD_OWNED_BY_OTHER:
    "购销双方都在发票云，红字确认单已由“{org}”先从税局下载，归属于该组织，本组织不再保存",

  // ── 003 进项发票关键要素同步 ───────────────────────────────────────────────
  SMALL_SCALE_NO_DEDUCTION_DOWNLOAD:
    "小规模纳税人不支持抵扣类勾选数据下载，可根据企业在税局的信息，在星空发票云企业基础资料修改。", // (M)
  SMALL_SCALE_NO_DEDUCTION_API: "小规模纳税人不支持抵扣类勾选", // (M, the 4.02 API's wording)
  LEQI_NOT_SUPPORTED: "目前此功能不支持乐企通道使用", // (M)
  FLIGHT_TOTAL_RULE_UNKNOWN:
    "开票日期为2025年7月28日及以后的数电飞机票的价税合计（电子税局）计算规则尚未提供，未计算",

  // ── Cell / field input (parse/) ─────────────────────────────────────────────
  FIELD_REQUIRED: "{field}不能为空",
  NOT_A_NUMBER: "{field}不是有效的数字：“{value}”",
  TOO_MANY_DECIMALS: "{field}最多保留{dp}位小数：“{value}”",
  NEGATIVE_NOT_ALLOWED: "{field}不能为负数：“{value}”",
  OUT_OF_RANGE: "{field}超出允许范围：“{value}”（{range}）",
  NOT_A_RATE: "{field}不是有效的税率：“{value}”（例：13%、0.13）",
  NOT_A_DATE: "{field}不是有效的日期：“{value}”（例：2024-10-22 或 2024-10-22 10:44:24）",
  NOT_AN_INTEGER: "{field}须为整数：“{value}”",
  BAD_TAX_ID_FORMAT:
    "{field}格式不正确：“{value}”（应为18位统一社会信用代码，或15、17、20位税号，只含数字和大写字母）",
  BAD_TAX_ID_CHECK: "{field}校验位错误：“{value}”（按GB 32100，第18位应为“{expected}”）",
  BAD_INVOICE_CODE: "{field}格式不正确：“{value}”（应为10位或12位数字）",
  BAD_INVOICE_NUMBER: "{field}格式不正确：“{value}”（税控发票为8位数字，数电发票为20位数字）",
  BAD_ENUM: "{field}的值“{value}”无效，可选：{allowed}",
  BAD_BOOLEAN: "{field}须为“是”或“否”：“{value}”",
  TAX_CODE_FORMAT: "{field}须为19位数字：“{value}”（商品和服务税收分类编码，不足19位请在末尾补0）",
  LINE_TAX_OUT_OF_TOLERANCE:
    "税额“{actual}”与金额×税率（{amount} × {rate} = {expected}）相差{diff}，超过允许误差{tolerance}，请把税额改为{expected}",
  TOTAL_OUT_OF_TOLERANCE:
    "{field}“{actual}”与金额+税额（{expected}）相差{diff}，超过允许误差{tolerance}，请核对金额、税额和{field}",
  RATE_TOO_MANY_DECIMALS: "{field}最多{dp}位小数（发票云的税率精度）：“{value}”",
  BAD_TAX_ID_CHECK_EITHER:
    "{field}校验位错误：“{value}”（按统一社会信用代码GB 32100第18位应为“{uscc}”，按居民身份证号GB 11643应为“{resident}”）",
  DUPLICATE_LINE_CONFLICT:
    "与第{rows}行是同一张单据的同一明细行（{line}），但{field}不同（本行“{value}”，第{rows}行“{other}”），请只保留正确的一行",
  DUPLICATE_LINE_REPEAT:
    "与第{rows}行完全相同（同一张单据的同一明细行{line}），重复的行请删除，否则会被重复红冲",
  DOCUMENT_FIELD_CONFLICT:
    "同一张单据（{group}）的{field}须一致：本行“{value}”，第{rows}行“{other}”，请改为一致后再引入",
  TEXT_TOO_LONG: "{field}超过最大长度{max}：“{value}”",
  TEXT_UNSAFE_CHARACTER: "{field}含有不可见的控制字符或方向控制符（{char}），请删除后重新输入",
  CELL_ERROR_VALUE: "{field}的单元格是错误值“{value}”，请先修正该单元格的公式或内容",
  CELL_FORMULA_NOT_CALCULATED:
    "{field}的单元格是公式“{formula}”，但文件里没有它的计算结果（生成文件的程序没有计算公式）：请在 Excel 中打开文件、保存后再引入，或把公式改为数值",
  LEADING_ZEROS_LOST:
    "{field}“{value}”开头的0已丢失（单元格是数字格式，{expected}），请把该列设为文本格式后重新输入",
  DIGITS_LOST_IN_NUMBER_CELL:
    "{field}“{value}”超过Excel数字单元格能精确保存的15位，请把该列设为文本格式后重新输入",

  // ── Workbook (src/sheet: selection read / write-back in Excel) ──────────────
  SHEET_NO_SELECTION: "请先在工作表中选中要处理的行（可按住Ctrl选择多个区域）",
  SHEET_HEADER_NOT_FOUND:
    "在工作表“{sheet}”的选区上方找不到{kind}的表头（须包含：{required}），请使用“新建工作表”生成的模板，表头文字不要修改",
  SHEET_REQUIRED_COLUMNS_MISSING: "工作表“{sheet}”缺少必填列：{columns}，请在表头行添加这些列后重试",
  SHEET_MULTIPLE_TABLES: "选区跨越了多个表格（{tables}），请只选择同一个表格中的行",
  SHEET_NO_DATA_ROWS: "选区中没有可处理的数据行（表头以下、未隐藏且非空的行）",
  SHEET_NOT_FOUND: "找不到工作表“{sheet}”，它可能已被删除或重命名，请重新选择要处理的行",
  SHEET_HEADER_CHANGED: "工作表“{sheet}”第{row}行的表头已被修改或移动，请重新选择要处理的行后再写回结果",
  SHEET_NO_STATUS_COLUMN: "工作表“{sheet}”还没有“处理状态”列：运行一次后才能只看失败行",
  SHEET_FILTER_UNSUPPORTED:
    "此版本的 Excel 不能由加载项筛选（需要 ExcelApi 1.9），请用 Excel 的“筛选”按“处理状态”筛选“失败”",
  SHEET_CANCELLED: "操作已取消，已完成的部分保留在工作表中",
  SHEET_VALUE_INVALID: "第{row}条数据的{field}“{value}”无法写入工作表：{reason}",
  SHEET_UPSERT_KEY_MISSING: "第{row}条数据缺少{fields}，无法与工作表“{sheet}”中已有的行对应，未写入任何数据",
  SHEET_TABLE_HEADER_MISMATCH:
    "工作表“{sheet}”第1行的表头（{found}）与要追加的表头（{expected}）不一致，请改用新的工作表或选择“覆盖”",

  // ── Files (.xlsx) (src/sheet/xlsx: template / import / export) ──────────────
  FILE_NOT_FOUND: "找不到文件“{file}”，请检查路径",
  FILE_NOT_XLSX: "文件“{file}”不是Excel工作簿（.xlsx），请在Excel中“另存为”Excel工作簿(*.xlsx)后再引入",
  FILE_ENCRYPTED:
    "文件“{file}”设置了打开密码（已加密），请在Excel中取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后再引入",
  FILE_TOO_LARGE: "文件“{file}”大小为{size}，超过上限{limit}，请拆分成多个文件后分批引入",
  FILE_TOO_MANY_ROWS: "工作表“{sheet}”有{rows}行数据，超过上限{limit}行，请拆分成多个文件后分批引入",
  FILE_NO_HEADER: "工作表“{sheet}”中找不到表头（须包含：{required}），请使用下载的模板，表头文字不要修改",
  FILE_MERGED_HEADER: "工作表“{sheet}”的表头有合并单元格（{cells}），请取消合并，每列一个表头后再引入",
  FILE_DUPLICATE_COLUMN: "工作表“{sheet}”中“{column}”出现了多列（{cells}），请删除重复的列后再引入",
  FILE_HIDDEN_ROWS:
    "工作表“{sheet}”有隐藏的行（第{rows}行），隐藏的数据也会被引入，请取消隐藏或删除这些行后再引入",
  FILE_NO_DATA: "工作表“{sheet}”在表头下没有数据行",
  FILE_SHEET_NOT_FOUND: "文件中没有名为“{sheet}”的工作表",
  FILE_UNKNOWN_KIND: "未知的模板类型“{kind}”，可选：{allowed}",
  FILE_SUBMIT_NOT_SUPPORTED: "“{kind}”模板不支持直接提交发票云",
  FILE_IS_POOL_EXPORT:
    "工作表“{sheet}”是进项发票池的列表（红冲助手导出的进项发票），不是可引入的模板：进项发票是本企业取得的发票，红冲须由销方发起。要下载进项发票，请用“进项发票下载”模板",
  FILE_SUBMIT_RESULT_EXISTS:
    "{out} 已存在，里面记着上次提交的流水号：请对它重新运行 hongchong import “{out}” --submit（已成功的行会跳过，处理中的行用原流水号重发，不会重复开具）；要从原文件重新开始，请先移走它或用 --out 指定新文件",
  FILE_GROUP_HAS_ERRORS: "同一张单据（{group}）的第{rows}行有错误，整张单据未引入，请一并修改后重新引入",
  FILE_SUBMIT_PENDING:
    "已提交发票云但未收到结果（流水号 {serialNo}），重新引入时会按原流水号再次提交，不会重复生成",
  // src/sheet/xlsx/preflight.ts: checked before exceljs opens the file (limits.ts gives each limit)
  FILE_ZIP_TOO_MANY_ENTRIES:
    "文件“{file}”包含{count}个部件，超过上限{limit}个，不是正常的Excel工作簿，未引入；请在Excel中打开后另存为新的工作簿再引入",
  FILE_UNCOMPRESSED_TOO_LARGE:
    "文件“{file}”解压后超过{limit}上限（至少{size}），未引入；请拆分成多个文件后分批引入",
  FILE_COMPRESSION_SUSPICIOUS:
    "文件“{file}”中的“{part}”压缩比超过{limit}:1上限（{compressed}解压后至少{size}），不像Excel保存的工作簿（可能是恶意构造的压缩文件），未引入；请在Excel中打开检查后另存为新的工作簿再引入",
  FILE_TOO_MANY_STRINGS:
    "文件“{file}”的共享字符串（不同的文本）超过上限{limit}个（至少{count}个），未引入；请拆分成多个文件后分批引入",
  FILE_CELL_TOO_LONG:
    "{cell}有{length}个字符，超过Excel单元格上限{limit}个字符，未引入；请删减该单元格的内容后再引入",
  // src/sheet/xlsx/importer.ts: the full load's memory budget (limits.ts DEFAULT_MAX_LOAD_BYTES)
  FILE_TOO_LARGE_TO_LOAD:
    "文件“{file}”有{cells}个单元格，整个载入（保留原格式）约需{estimate}内存，超过上限{limit}，未引入；请加 --stream 流式引入（须同时给 --kind，结果文件只保留数据、不保留原格式），或拆分成多个文件后分批引入",
  DATE_RANGE_REVERSED: "{from}不能晚于{to}",

  // ── Custom functions (functions/): range arguments ──────────────────────────
  CF_SHAPE_MISMATCH: "区域参数的大小不一致（{shapes}）：各区域须行列数相同，其余参数为单个单元格",
  CF_SINGLE_COLUMN_ONLY: "{fn}每行输出一整行结果，区域参数须为单列（当前为{shape}）",
  CF_SINGLE_CELL_ONLY: "{field}须为单个单元格，不能是区域",

  // ── Task pane (taskpane/) ───────────────────────────────────────────────────
  PANE_PARTIAL_NEEDS_LINE_DETAIL:
    "蓝票有{lines}行可红冲明细，部分红冲须按明细指定金额：请在“红字确认单”或“红字信息表”工作表中按行填写后提交",
  PANE_RESULT_PENDING:
    "已提交发票云，尚未取得结果（流水号 {serialNo}）。再次运行会先按原流水号查询，不会重复红冲",
  PANE_RUN_STOPPED_UNSENT: "已停止：本张未提交（未红冲），可重新预检后再提交",
  PANE_NOT_TAX_CONTROL_SPECIAL: "只有税控专用发票（增值税专用发票、增值税电子专用发票）需要红字信息表",
  PANE_NOT_DIGITAL: "只有数电发票使用红字确认单",
  PANE_ORG_TAX_ID_MISSING: "请先在“设置”中填写组织税号",
  PANE_FORM_NUMBER_MISSING: "没有{form}编号，请先录入/上传或下载后再操作",
  PANE_NOT_SIGNED_IN: "尚未连接发票云，请先在“设置”中填写登录信息并点击“测试连接”",

  // ── Lists read from the cloud (src/sheet/paging.ts: export, pane lists) ────
  LIST_INCOMPLETE: "{list}不完整：发票云报告共 {total} 条，只取到 {got} 条，请稍后重试",
  LIST_TOO_LONG: "{list}共 {total} 条，超过一次读取的上限 {cap} 条，未读取：请缩小日期范围后分批处理",
  EXPORT_TOO_MANY_ROWS:
    "{list}共 {total} 条，超过一次导出的上限 {cap} 条，未导出：请用 --from/--to 缩小日期范围后分批导出",

  // ── Gateway / protocol (src/gateway, src/server) ────────────────────────────
  GW_NETWORK: "网络连接失败，无法访问发票云（{detail}），请检查网络或代理设置后重试",
  GW_TIMEOUT:
    "请求发票云超时（{timeoutMs}毫秒内无应答），处理结果未知：请稍后按原流水号查询结果，不要换新流水号重新提交",
  GW_AUTH_FAILED: "发票云认证失败：{message}。请检查应用ID、应用密钥、数据中心ID和登录用户配置",
  GW_TOKEN_EXPIRED: "发票云访问令牌已失效，重新获取后仍被拒绝，请检查登录用户配置后重试",
  GW_BAD_RESPONSE: "发票云返回的数据无法识别（{detail}），请联系管理员",
  GW_BUSINESS_ERROR: "发票云返回错误：{message}",
  GW_DUPLICATE_SERIAL: "流水号“{serialNo}”已提交过，发票云不接受重复流水号，请按该流水号查询处理结果",
  GW_NOT_FOUND: "发票云未找到对应数据：{message}",
  GW_RATE_LIMITED: "请求发票云过于频繁，请稍后再试",
  GW_SERVER_ERROR: "发票云服务暂时不可用（HTTP {status}），请稍后再试",
  GW_BAD_ENVELOPE: "请求报文不合法：{detail}（须包含 requestId、businessSystemCode、interfaceCode、data）",
  GW_BAD_DATA_ENCODING: "请求数据（data）无法解码：{detail}",
  GW_UNKNOWN_INTERFACE: "未知的接口编码：“{interfaceCode}”",
  GW_VALIDATION: "请求数据不合法：{detail}",
  GW_BODY_TOO_LARGE: "请求报文过大（上限{limit}字节）",
  GW_FORBIDDEN_ORG: "当前账号无权操作该组织或税号：{taxNo}",
  GW_CONFIG_INVALID: "发票云接口配置不完整：{detail}",
  // server side (src/server): refusals the gateway server / sandbox answers with
  GW_BAD_JSON: "请求报文不是合法的 JSON：{detail}",
  GW_UNSUPPORTED_MEDIA_TYPE: "请求报文须为 JSON（Content-Type: application/json），收到：{contentType}",
  GW_TOKEN_MISSING: "缺少 access_token，请先调用获取 access_token 接口并在查询参数或请求头中携带",
  GW_TOKEN_INVALID: "access_token 无效或已过期（有效期两小时），请重新获取",
  GW_APP_CREDENTIALS_INVALID: "appId、appSecret 或 accountId 不正确",
  GW_APP_TOKEN_INVALID: "app_token 无效或已过期，请重新获取 app_token",
  GW_LOGIN_USER_INVALID: "登录用户“{user}”不存在或不属于该应用的数据中心",
  GW_WRONG_ENDPOINT: "接口“{interfaceCode}”不能通过此地址调用，请改用 {path}",
  GW_NOT_IMPLEMENTED: "接口“{interfaceCode}”在当前网关模式下尚未提供",
  GW_ROUTE_NOT_FOUND: "请求地址不存在：{method} {url}",
  GW_SANDBOX_ONLY: "该功能仅在沙箱模式下可用",
  GW_ADMIN_UNAUTHORIZED:
    "沙箱管理接口需要授权：请在请求头 Authorization: Bearer 中携带沙箱管理密钥（hongchong sandbox accounts 显示），或携带本组织的 access_token",
  GW_ADMIN_ONLY:
    "{what}影响沙箱中的所有组织，只能使用沙箱管理密钥（hongchong sandbox accounts 显示），组织的 access_token 不能操作",
  GW_ADMIN_NEEDS_ORG: "{what}属于某个组织，请携带该组织的 access_token（沙箱管理密钥不对应任何组织）",
  GW_CLOCK_OUT_OF_RANGE: "沙箱时钟不能设为 {at}：{reason}（可设范围：{from} 至 {to}，北京时间）",
  GW_UNSUPPORTED_CHARSET: "请求报文须为 UTF-8 编码，收到 charset={charset}",
  GW_BAD_UTF8: "请求报文不是合法的 UTF-8 文本（第 {position} 个字节处）",
  GW_OWN_NAME_MISMATCH: "名称“{name}”与税号 {taxNo} 登记的名称“{orgName}”不一致，请按登记名称填写",
  GW_RELAY_FAILED: "转发到发票云失败：{detail}",
  GW_INTERNAL_ERROR: "网关内部错误，请稍后重试（请求号 {requestId}）",
  GW_CALLBACK_URL_FORBIDDEN: "回调地址不可用：{reason}",
} as const;

export type RefusalCode = keyof typeof REFUSALS;

export type RefusalParams = Readonly<Record<string, string | number>>;

/** A refusal as data: guards return these, they never throw strings. */
export interface Refusal {
  readonly code: RefusalCode;
  readonly message: string;
  readonly params?: RefusalParams;
  /**
   * The wire field the refusal concerns, as a path relative to the interface's `data`
   * (e.g. `invoiceDetail[0].revenueCode`): set by the gateway's schema checks (client pre-send and
   * sandbox) so a surface can map it back to the column and cell that produced it.
   */
  readonly field?: string;
}

/**
 * The language refusal messages are worded in: Chinese unless a surface chose English (the pane's
 * English UI, the CLI's `--lang en` / HONGCHONG_LANG=en). Set once by the surface that owns the
 * user, never by the gateway server: the invoice cloud answers in Chinese, and so does the sandbox.
 */
export type RefusalLanguage = "zh" | "en";
let messageLanguage: RefusalLanguage = "zh";

export function setRefusalLanguage(lang: RefusalLanguage): void {
  messageLanguage = lang;
}

export function refusalLanguage(): RefusalLanguage {
  return messageLanguage;
}

export function refusalMessage(
  code: RefusalCode,
  params: RefusalParams = {},
  lang: RefusalLanguage = messageLanguage
): string {
  return (lang === "en" ? REFUSALS_EN : REFUSALS)[code].replace(/\{(\w+)\}/g, (m, k: string) =>
    Object.prototype.hasOwnProperty.call(params, k) ? String(params[k]) : m
  );
}

export function refusal(code: RefusalCode, params?: RefusalParams): Refusal {
  return params
    ? { code, message: refusalMessage(code, params), params }
    : { code, message: refusalMessage(code) };
}

export function isRefusalCode(s: string): s is RefusalCode {
  return Object.prototype.hasOwnProperty.call(REFUSALS, s);
}

/** The outcome of a guarded rule: a value, or a refusal. */
export type Result<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(code: RefusalCode, params?: RefusalParams): Result<T> => ({
  ok: false,
  refusal: refusal(code, params),
});
