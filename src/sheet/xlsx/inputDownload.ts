/**
 * 进项下载条件 — one row per 下载发票 request of module 003 (domain-rules §5): the filters the
 * 下载发票 screen asks for (核算组织 → 票据类型, 发票类型, 抵扣状态, 发票状态 → date range). Only the
 * bulk template uses it, so the schema lives here, built with the sheet layer's `column()`.
 */
import { inputDownloadPrecheck } from "../../domain/inputSync";
import { Channel, EnterpriseNature } from "../../domain/labels";
import { refusal } from "../../domain/refusals";
import { column, processColumns, type ColumnSpec, type RowCheckError, type SheetSchema } from "../schemas";

/** A text column whose cells must be one of `values` (a label set that the sheet layer's LABEL_SETS lacks). */
function listColumn(
  key: string,
  header: string,
  values: readonly string[],
  aliases: string[] = []
): ColumnSpec {
  return { ...column(key, header, "text", { aliases }), validationList: values };
}

/**
 * Cross-field rules: the date range runs forwards, 企业性质/开票通道 are known labels, and the
 * §5 precheck (乐企 has no such function; 小规模纳税人 cannot download 抵扣类勾选 data).
 */
function inputDownloadRowCheck(values: Readonly<Record<string, unknown>>): RowCheckError[] {
  const errors: RowCheckError[] = [];
  const from = values.startDate;
  const to = values.endDate;
  if (typeof from === "string" && typeof to === "string" && from > to) {
    errors.push({
      key: "endDate",
      refusal: refusal("DATE_RANGE_REVERSED", { from: "开票日期起", to: "开票日期止" }),
    });
  }
  const natureText = values.enterpriseNature;
  const nature = EnterpriseNature.normalize(natureText);
  if (typeof natureText === "string" && nature === undefined) {
    errors.push({
      key: "enterpriseNature",
      refusal: refusal("BAD_ENUM", {
        field: "企业性质",
        value: natureText,
        allowed: EnterpriseNature.values.join("、"),
      }),
    });
  }
  const channelText = values.channel;
  if (typeof channelText === "string" && Channel.normalize(channelText) === undefined) {
    errors.push({
      key: "channel",
      refusal: refusal("BAD_ENUM", {
        field: "开票通道",
        value: channelText,
        allowed: Channel.values.join("、"),
      }),
    });
  }
  const pre = inputDownloadPrecheck({
    channel: typeof channelText === "string" ? channelText : "",
    enterpriseNature: nature ?? "一般纳税人",
    deductionCheckData: values.deductionCheckData === true,
  });
  if (!pre.ok) {
    const key = pre.refusal.code === "LEQI_NOT_SUPPORTED" ? "channel" : "deductionCheckData";
    errors.push({ key, refusal: pre.refusal });
  }
  return errors;
}

export const inputDownloadSchema: SheetSchema = {
  // The sheet layer knows four kinds; this template reads like the 进项发票池 it fills.
  kind: "inputPool",
  title: "进项下载条件",
  rowCheck: inputDownloadRowCheck,
  columns: [
    column("orgName", "核算组织", "text", { aliases: ["组织", "组织名称"], maxLength: 200 }),
    column("orgTaxId", "核算组织税号", "taxId", {
      required: true,
      aliases: ["税号", "纳税人识别号", "上查税号"],
    }),
    column("billKind", "票据类型", "label:BillKind", { required: true }),
    column("invoiceType", "发票类型", "text", { aliases: ["发票种类"], maxLength: 50 }),
    column("deductionStatus", "抵扣状态", "label:DeductionStatus"),
    column("invoiceStatus", "发票状态", "label:InputInvoiceStatus"),
    column("startDate", "开票日期起", "date", { required: true, aliases: ["开始日期", "日期起"] }),
    column("endDate", "开票日期止", "date", { required: true, aliases: ["结束日期", "日期止"] }),
    listColumn("enterpriseNature", "企业性质", EnterpriseNature.values, ["纳税人性质"]),
    listColumn("channel", "开票通道", Channel.values, ["数电开票通道", "下载通道", "通道"]),
    column("deductionCheckData", "下载抵扣类勾选数据", "boolean", { aliases: ["抵扣类勾选"] }),
    column("serialNo", "流水号", "text", { result: true }),
    column("taskNo", "任务ID", "text", { result: true, aliases: ["任务号", "taskNo"] }),
    column("downloadStatus", "下载状态", "text", { result: true }),
    ...processColumns(),
  ],
};
