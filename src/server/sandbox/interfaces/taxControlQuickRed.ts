/**
 * 2.2.02 税控发票快速红冲（仅支持全额红冲） (code: ASSUMED_INTERFACE_CODES["2.2.02"]) — fully reverse
 * 税控 blue invoices by 发票代码 + 号码 (or by an approved 红字信息表编号), domain-rules §2, §3.3.
 *
 * `data` is an array like 2.2.01; each element is one reversal with its own serialNo and its own
 * answer (批量: passing invoices are red-flushed, failing ones are reported — §2 batch rule):
 * - 税控普票 → red at once; 税控专票 → only with an approved 红字信息表 of this seller for that invoice
 *   (engine `applyInfoFormAction(redFlush)`: 审核成功 + number + 销方税号 = org), else refused;
 * - engine checks: 发票状态 ∈ {正常, 部分红冲} and 可红冲金额 > 0 (`canRedFlushInvoice`), then the
 *   remaining check against pending 待开 reds (`checkRemainingReversible` → INSUFFICIENT_REMAINING);
 * - the red invoice (8-digit number, same 发票代码 series) is issued at once; blue → 全额红冲 (the
 *   bureau reports Golden Tax III's 红冲 to the buyer, see inputCollection.ts); the form → 已开票 with
 *   红票代码/号码, at the bureau too; the 开票申请单 gets the red number written back; callback
 *   INVOICE.RED (5.1.03 per-bill) when the business system registered a URL.
 *
 * Idempotency is PER ELEMENT: each serialNo is claimed in the serial registry (`idempotency`, UNIQUE
 * (org, serialNo)) with INSERT … ON CONFLICT DO NOTHING inside the request's transaction. A claim
 * already held by a committed request answers that request's recorded element result; a concurrent
 * request waits on the row (PostgreSQL) or on the database (SQLite) and then replays. A refused
 * element releases its claim, so the caller may fix and resend the same serialNo.
 */
import { infoFormActionRefusal } from "../../../domain/infoForm";
import { InvoiceKind } from "../../../domain/labels";
import {
  INVOICE_FAMILY,
  canRedFlushInvoice,
  checkBatchSize,
  checkRemainingReversible,
} from "../../../domain/redFlush";
import { formatAmount, magnitude } from "../../../domain/money";
import { type Refusal, refusal } from "../../../domain/refusals";
import { ASSUMED_INTERFACE_CODES } from "../../../gateway/assumptions";
import { sameInvoiceType } from "../../../gateway/codes";
import { parseJsonExact, stringifyJson } from "../../../gateway/json";
import type { HandlerContext } from "../../context";
import type { Row } from "../../db/schema";
import { type InterfaceHandler, type Outcome, ok, refused } from "../../registry";
import { requestHash } from "../../protocol/payload";
import { vendorErrorCode } from "../../reply";
import {
  type TaxControlQuickRedItemWire,
  TaxControlQuickRedData,
  type WireIn,
} from "../../../gateway/schemas";
import {
  type RedLineInput,
  holdingPendingReds,
  issueRedInvoice,
  redCallbackData,
  wholeRedLines,
} from "../redIssue";
import { mergeBureauForm } from "./redInfoFormDownload";
import { afterTaxControlRed, engineForm, newTaxControlInvoiceNo } from "./taxControlShared";

/** One element of the batch as the handler gets it. */
type QuickRedItem = WireIn<TaxControlQuickRedItemWire>;

/** 5.1.03 `originalInvoiceStatus` after a red (piaozone-api §1.7: 税控 3 = reversed). */
export const TAX_CONTROL_STATUS_REVERSED = "3";
/** 税控 invoiceStatus of the red invoice itself: 0 normal. */
export const TAX_CONTROL_STATUS_NORMAL = "0";

export type ElementAnswer = Record<string, unknown> & { serialNo: string; success: boolean };

interface StoredElement {
  readonly ok: boolean;
  readonly data: ElementAnswer;
}

export class ElementRefused {
  constructor(readonly refusal: Refusal) {}
}
type Stop = (code: Parameters<typeof refusal>[0], params?: Parameters<typeof refusal>[1]) => never;
/** Refuse the current element (caught per element in runElement). */
export const stop: Stop = (code, params) => {
  throw new ElementRefused(refusal(code, params));
};

export const taxControlQuickRedHandler: InterfaceHandler<readonly QuickRedItem[]> = {
  interfaceCode: ASSUMED_INTERFACE_CODES["2.2.02"],
  endpoint: "sim",
  description: "2.2.02 税控发票快速红冲（仅支持全额红冲）",
  dataSchema: TaxControlQuickRedData,
  // No call-level key: every element is idempotent by its own serialNo (see the header).

  handle: (ctx, items) => handleTaxControlBatch(ctx, items, issueRed, "税控快速红冲"),
};

/**
 * A 税控 batch (2.2.02, 2.2.01): ≤ 10 elements, a 税控 organisation only, each element by runElement;
 * some succeed → the success envelope (成功n张，失败m张), none → the first refusal with every answer.
 */
export async function handleTaxControlBatch<I extends { serialNo: string }>(
  ctx: HandlerContext,
  items: readonly I[],
  issue: (ctx: HandlerContext, item: I, serialNo: string) => Promise<ElementAnswer>,
  what: string
): Promise<Outcome> {
  const size = checkBatchSize(items.length);
  if (!size.ok) return refused(size.refusal);
  if (ctx.caller.org.issue_system !== "税控") {
    return refused(
      refusal("GW_VALIDATION", {
        detail: `数电企业请通过数电票红冲接口（2.1.04）红冲，${what}仅适用于税控发票`,
      })
    );
  }
  const answers: ElementAnswer[] = [];
  let firstRefusal: Refusal | undefined;
  for (const item of items) {
    const a = await runElement(ctx, item, issue);
    answers.push(a.answer);
    if (!a.ok) firstRefusal ??= a.refusal;
  }
  const succeeded = answers.filter((a) => a.success).length;
  if (succeeded === 0 && firstRefusal) return refused(firstRefusal, { data: answers });
  return ok(answers, `成功${succeeded}张，失败${answers.length - succeeded}张`);
}

/** A refused element in the reply's style: the vendor's errorCode, our refusalCode only when asked for. */
function refusedAnswer(ctx: HandlerContext, serialNo: string, r: Refusal): ElementAnswer {
  const style = ctx.request.reply;
  return {
    serialNo,
    success: false,
    errorCode: style.mode === "vendor" ? vendorErrorCode(r.code) : r.code,
    ...(style.detail ? { refusalCode: r.code } : {}),
    message: r.message,
  };
}

/**
 * One element of a 税控 batch (2.2.02, 2.2.01): claim its serialNo, then `issue` or refuse; the claim
 * records the answer. `issue` throws ElementRefused (stop) before any write to refuse the element.
 */
export async function runElement<I extends { serialNo: string }>(
  ctx: HandlerContext,
  item: I,
  issue: (ctx: HandlerContext, item: I, serialNo: string) => Promise<ElementAnswer>
): Promise<{ ok: true; answer: ElementAnswer } | { ok: false; answer: ElementAnswer; refusal: Refusal }> {
  const serialNo = item.serialNo.trim();
  const hash = requestHash(ctx.request.interfaceCode, item);
  const claim = await ctx.repo
    .insertInto("idempotency", {
      serial_no: serialNo,
      interface_code: ctx.request.interfaceCode,
      request_hash: hash,
      status: "running",
      result_json: "",
      created_at: ctx.now,
    })
    .onConflict((oc) => oc.columns(["org_id", "serial_no"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!claim) {
    const held = await ctx.repo
      .selectFrom("idempotency")
      .selectAll()
      .where("serial_no", "=", serialNo)
      .executeTakeFirstOrThrow();
    // A serial seen before: the vendor answers 10127 whatever the body (V9); `hc` mode replays an
    // identical element's recorded answer.
    if (held.request_hash !== hash || held.status !== "done" || ctx.request.reply.mode === "vendor") {
      const r = refusal("GW_DUPLICATE_SERIAL", { serialNo });
      return { ok: false, answer: refusedAnswer(ctx, serialNo, r), refusal: r };
    }
    const stored = parseJsonExact(held.result_json, { numbers: "decimal" }) as unknown as StoredElement;
    return stored.ok
      ? { ok: true, answer: stored.data }
      : {
          ok: false,
          answer: stored.data,
          refusal: refusal("GW_DUPLICATE_SERIAL", { serialNo }),
        };
  }
  try {
    const answer = await issue(ctx, item, serialNo);
    await ctx.repo
      .updateTable("idempotency")
      .set({ status: "done", result_json: stringifyJson({ ok: true, data: answer } satisfies StoredElement) })
      .where("id", "=", claim.id)
      .execute();
    return { ok: true, answer };
  } catch (e) {
    if (!(e instanceof ElementRefused)) throw e;
    // Nothing was written for this element before the refusal (every check runs before any write):
    // release the claim so the same serialNo can be resent once the problem is fixed.
    await ctx.repo.deleteFrom("idempotency").where("id", "=", claim.id).execute();
    return { ok: false, answer: refusedAnswer(ctx, serialNo, e.refusal), refusal: e.refusal };
  }
}

/** The 红字信息表 named by number: this org's copy, else the bureau's (copied in, as 2.2.05 would). */
export async function infoFormByNo(
  ctx: HandlerContext,
  formNo: string
): Promise<Row<"info_forms"> | undefined> {
  const own = await ctx.repo
    .selectForUpdate("info_forms")
    .selectAll()
    .where("bill_no", "=", formNo)
    .executeTakeFirst();
  if (own) return own;
  const b = await ctx.bureau
    .selectFrom("bureau_info_forms")
    .selectAll()
    .where("bill_no", "=", formNo)
    .executeTakeFirst();
  return b ? (await mergeBureauForm(ctx, b)).row : undefined;
}

/**
 * The blue a 税控 red element names (2.2.02, 2.2.01): by its 红字信息表编号 and/or 原发票代码+号码, which
 * must agree; a 税控 invoice of the caller, locked for the issue. Refuses the element (stop) otherwise.
 */
export async function taxControlRedTarget(
  ctx: HandlerContext,
  item: {
    readonly redInfoBillNo?: string;
    readonly originalInvoiceCode?: string;
    readonly originalInvoiceNumber?: string;
    readonly invoiceType?: string;
  }
): Promise<{
  form: Row<"info_forms"> | undefined;
  blue: Row<"blue_invoices">;
  family: "税控普票" | "税控专票";
}> {
  const text = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v.trim());
  const formNo = text(item.redInfoBillNo);
  const form = formNo ? await infoFormByNo(ctx, formNo) : undefined;
  if (formNo && !form) stop("GW_NOT_FOUND", { message: `红字信息表编号“${formNo}”不存在` });
  // 购方申请-已抵扣 forms name no blue invoice: nothing to reverse here.
  if (form && !form.blue_invoice_no) stop("INFO_FORM_NO_BLUE", { formNo: form.bill_no ?? "" });
  const code = text(item.originalInvoiceCode) ?? form?.blue_invoice_code ?? "";
  const no = text(item.originalInvoiceNumber) ?? form?.blue_invoice_no ?? "";
  if (form && (form.blue_invoice_code !== code || form.blue_invoice_no !== no)) {
    stop("INFO_FORM_BLUE_MISMATCH", {
      formNo: form.bill_no ?? "",
      code: form.blue_invoice_code,
      no: form.blue_invoice_no,
    });
  }
  const blue = await ctx.repo
    .selectForUpdate("blue_invoices")
    .selectAll()
    .where("invoice_code", "=", code)
    .where("invoice_no", "=", no)
    .executeTakeFirst();
  if (!blue) return stop("GW_NOT_FOUND", { message: `蓝票（发票代码 ${code}，发票号码 ${no}）不存在` });
  if (item.invoiceType && !sameInvoiceType(item.invoiceType, blue.invoice_type)) {
    stop("GW_VALIDATION", {
      detail: `invoiceType ${item.invoiceType} 与蓝票的发票种类 ${blue.invoice_type} 不一致`,
    });
  }
  const kind = InvoiceKind.normalize(blue.kind);
  const family = kind ? INVOICE_FAMILY[kind] : undefined;
  if (family !== "税控普票" && family !== "税控专票") {
    return stop("GW_VALIDATION", {
      detail: `发票“${no}”不是税控发票（${blue.kind}），请通过数电票红冲接口红冲`,
    });
  }
  return { form, blue, family };
}

async function issueRed(ctx: HandlerContext, item: QuickRedItem, serialNo: string): Promise<ElementAnswer> {
  const org = ctx.caller.org;
  const { form, blue, family } = await taxControlRedTarget(ctx, item);

  const pre = canRedFlushInvoice(blue.status, blue.remaining_amount);
  if (!pre.ok) throw new ElementRefused(pre.refusal);
  const pending = await holdingPendingReds(ctx.repo, [blue.id]);
  const check = checkRemainingReversible(
    blue.remaining_amount,
    pending.map((p) => p.amount),
    blue.remaining_amount
  );
  if (!check.allowed) throw new ElementRefused(check.refusal!);

  // §3.3: a red 专票 needs an approved 红字信息表 of this seller for this invoice, covering it in full.
  let applicationNo: string | null = null;
  if (form?.application_id != null) {
    const app = await ctx.repo
      .selectFrom("applications")
      .select("bill_no")
      .where("id", "=", form.application_id)
      .executeTakeFirst();
    applicationNo = app?.bill_no ?? null;
  }
  if (family === "税控专票") {
    if (!form) return stop("INFO_FORM_NUMBER_MISSING");
    const r = infoFormActionRefusal(engineForm(form, applicationNo), {
      type: "redFlush",
      orgTaxId: org.tax_id,
    });
    if (r) throw new ElementRefused(r);
    if (!magnitude(form.amount).eq(magnitude(blue.remaining_amount))) {
      stop("QUICK_RED_FULL_ONLY", {
        amount: formatAmount(magnitude(form.amount)),
        remaining: formatAmount(magnitude(blue.remaining_amount)),
      });
    }
  }

  // ── issue ─────────────────────────────────────────────────────────────────────
  const lines = await ctx.repo
    .selectFrom("blue_invoice_lines")
    .selectAll()
    .where("invoice_id", "=", blue.id)
    .orderBy("line_no")
    .execute();
  const useForm = family === "税控专票" ? form : undefined;
  return issueTaxControlRedInvoice(ctx, {
    serialNo,
    blue,
    form: useForm,
    applicationNo,
    lines: wholeRedLines(lines),
    drawer: item.drawer ?? blue.drawer,
  });
}

/**
 * Issue a 税控 red (2.2.02, 2.2.01) once every check passed: the red invoice (the blue's code, a new
 * number; issueRedInvoice moves the remaining amounts), the form → 已开票 and the 开票申请单 write-back
 * (afterTaxControlRed), the element's answer, and the INVOICE.RED callback with the same fields.
 */
export async function issueTaxControlRedInvoice(
  ctx: HandlerContext,
  r: {
    serialNo: string;
    blue: Row<"blue_invoices">;
    form: Row<"info_forms"> | undefined;
    applicationNo: string | null;
    lines: readonly RedLineInput[];
    drawer: string;
  }
): Promise<ElementAnswer> {
  const { blue, form } = r;
  const redNo = await newTaxControlInvoiceNo(ctx);
  const redCode = blue.invoice_code;
  const issued = await issueRedInvoice(ctx, {
    blue,
    serialNo: r.serialNo,
    invoiceCode: redCode,
    invoiceNo: redNo,
    redReason: "",
    confirmFormId: null,
    infoFormId: form?.id ?? null,
    lines: r.lines,
    auditAction: "red_flush",
    auditRedInvoice: true,
  });

  await afterTaxControlRed(ctx, {
    blue,
    form,
    applicationNo: r.applicationNo,
    redCode,
    redNo,
  });
  const answer: ElementAnswer = {
    serialNo: r.serialNo,
    success: true,
    errorCode: "0",
    message: "",
    invoiceType: blue.invoice_type,
    invoiceProperty: "1",
    invoiceCode: redCode,
    invoiceNum: redNo,
    invoiceDate: ctx.nowText,
    invoiceStatus: TAX_CONTROL_STATUS_NORMAL,
    originalInvoiceCode: blue.invoice_code,
    originalInvoiceNumber: blue.invoice_no,
    originalIssueTime: blue.invoice_date,
    // 5.1.03 税控 3 = reversed: the blue after a red (部分红冲 or 全额红冲 in 发票状态).
    originalInvoiceStatus: TAX_CONTROL_STATUS_REVERSED,
    redInfoBillNo: form?.bill_no ?? "",
    totalAmount: issued.amount,
    totalTaxAmount: issued.tax,
    includeTaxAmount: issued.amount.add(issued.tax),
  };
  await ctx.enqueueCallback({
    interfaceCode: "INVOICE.RED",
    data: redCallbackData({ blue, drawer: r.drawer, lines: r.lines, fields: answer }),
  });
  return answer;
}
