/**
 * Seed of the 红字确认单 (数电) workflows between the seeded 数电 seller and buyer: one bill in each
 * interesting state, the blue invoices behind them, the buyer's 全票池 rows, a 负数开票申请单-linked
 * form for 回退, and spare usage-confirmed invoices for the two-party flows.
 *
 * Deterministic like seed.ts: fixed instants, fixed numbers. Awaiting bills (02/03) are dated around
 * the sandbox story's "now", 2025-10-10 10:00:00 China time (storyClock.ts; the tests' TEST_NOW):
 * `hongchong serve` starts a fresh sandbox's clock there (storyClock.ts), so they are awaiting; with
 * `--clock real` they are long past their 72 hours and read as 07.
 * Red lines come from the engine (calcRedLine / fullRedLine), so the seed obeys the same rules.
 */
import { blueStatusAfterRed } from "../../domain/redFlush";
import { redInvoiceLineRow } from "./redIssue";
import { type ConfirmStatusCode, type RedLineEdit, calcRedLine, fullRedLine } from "../../domain/confirmForm";
import type { DataSource, FormInvoiceStatus, InputInvoiceStatus, RedReason, Role } from "../../domain/labels";
import { Dec, formatAmount, formatQty, round13HalfUp, round2HalfUp } from "../../domain/money";
import { type DigitalInvoiceTypeCode, INVOICE_TYPE_LABELS } from "../../gateway/codes";
import { OrgScope } from "../db/repo";
import type { SqlDialectName } from "../db/dialect";
import { type Tx, setMeta } from "../db/tx";
import { parseChinaDateTime } from "../clock";
import {
  AWAITING_STATUSES,
  type BillLine,
  BILL_NO_SEQUENCE,
  lineGoodsColumns,
  bureauBillNo,
  bureauBillUuid,
  stringifyBillLines,
} from "./interfaces/redConfirmShared";
import { SEED_EPOCH_MS, digitalInvoiceNo } from "./seed";

/** Every seeded 红字确认单 concerns a 数电专票 (its label and code from codes.ts, never paired by hand). */
const SEEDED_TYPE: DigitalInvoiceTypeCode = "01";

/** First bureau bill number handed out after the seeded ones. */
const SEEDED_BILLS_UP_TO = 100;

interface SeedLine {
  readonly goods: string;
  readonly code: string;
  readonly rate: string;
  readonly amount: string;
  readonly qty: string;
  readonly units: string;
}

const G = {
  office: { goods: "办公用品", code: "1060512990000000000", rate: "0.13", units: "箱" },
  itService: { goods: "信息技术服务", code: "3040201010000000000", rate: "0.06", units: "项" },
  software: { goods: "软件开发服务", code: "3040201020000000000", rate: "0.06", units: "套" },
  consulting: { goods: "咨询服务", code: "3040302000000000000", rate: "0.06", units: "次" },
  server: { goods: "服务器", code: "1090511010000000000", rate: "0.13", units: "台" },
  steel: { goods: "钢材", code: "1080299000000000000", rate: "0.13", units: "吨" },
} as const;

interface SeedBill {
  readonly status: ConfirmStatusCode;
  readonly entrant: Role;
  readonly reason: RedReason;
  readonly enteredAt: string;
  readonly confirmedAt?: string;
  /** Partial: one edit on the first line; absent = full reversal. */
  readonly edit?: RedLineEdit;
  /** The red invoice issued from it (number, date). */
  readonly redInvoice?: { readonly no: string; readonly date: string; readonly serial: string };
  /** Records held in 发票云: the entrant's own (API接口) and, when listed, the counterparty's (税局下载). */
  readonly counterpartyHolds?: boolean;
}

interface SeedBlue {
  readonly seq: number;
  readonly date: string;
  readonly usageConfirmed: boolean;
  readonly remark: string;
  readonly lines: readonly SeedLine[];
  readonly bill?: SeedBill;
  /** A 单据开票 form not yet entered, linked to a 负数开票申请单 (回退 demo). */
  readonly linkedDraft?: { readonly applicationNo: string };
}

const line = (g: (typeof G)[keyof typeof G], amount: string, qty: string): SeedLine => ({
  ...g,
  amount,
  qty,
});

/** A function, not a constant: seed.ts and this module import each other (nothing runs at load). */
function seedBlues(): readonly SeedBlue[] {
  return [
    {
      seq: 101,
      date: "2025-09-15 10:00:00",
      usageConfirmed: false,
      remark: "红字确认单演示：01 无需确认，已开红票",
      lines: [line(G.office, "1000.00", "10")],
      bill: {
        status: "01",
        entrant: "销方",
        reason: "开票有误",
        enteredAt: "2025-09-20 10:00:00",
        redInvoice: {
          no: digitalInvoiceNo("25", "33", 900101),
          date: "2025-09-20 10:05:00",
          serial: "SEED-RED-RCF-01",
        },
      },
    },
    {
      seq: 102,
      date: "2025-09-16 10:00:00",
      usageConfirmed: true,
      remark: "红字确认单演示：02 销方录入待购方确认（部分，销售退回2项）",
      lines: [line(G.itService, "6000.00", "6")],
      bill: {
        status: "02",
        entrant: "销方",
        reason: "销售退回",
        enteredAt: "2025-10-09 09:00:00",
        edit: { field: "quantity", value: "2" },
      },
    },
    {
      seq: 103,
      date: "2025-09-17 10:00:00",
      usageConfirmed: true,
      remark: "红字确认单演示：03 购方录入待销方确认（销售折让500.00）",
      lines: [line(G.software, "3000.00", "1")],
      bill: {
        status: "03",
        entrant: "购方",
        reason: "销售折让",
        enteredAt: "2025-10-09 15:00:00",
        edit: { field: "amountExclTax", value: "500.00" },
      },
    },
    {
      seq: 104,
      date: "2025-09-18 10:00:00",
      usageConfirmed: true,
      remark: "红字确认单演示：04 购销双方已确认，未开票",
      lines: [line(G.consulting, "4000.00", "2")],
      bill: {
        status: "04",
        entrant: "销方",
        reason: "服务终止",
        enteredAt: "2025-10-08 10:00:00",
        confirmedAt: "2025-10-08 16:00:00",
        counterpartyHolds: true,
      },
    },
    {
      seq: 105,
      date: "2025-09-19 10:00:00",
      usageConfirmed: true,
      remark: "红字确认单演示：07 超72小时未确认作废",
      lines: [line(G.server, "9000.00", "1")],
      bill: { status: "07", entrant: "销方", reason: "销售退回", enteredAt: "2025-10-01 09:00:00" },
    },
    {
      seq: 106,
      date: "2025-09-20 10:00:00",
      usageConfirmed: false,
      remark: "红字确认单演示：08 发起方撤销",
      lines: [line(G.steel, "2000.00", "1")],
      bill: { status: "08", entrant: "销方", reason: "开票有误", enteredAt: "2025-10-02 11:00:00" },
    },
    {
      seq: 107,
      date: "2025-09-21 10:00:00",
      usageConfirmed: true,
      remark: "红字确认单演示：02 待购方确认，72小时将于2025-10-10 12:00:00届满",
      lines: [line(G.itService, "1500.00", "3")],
      bill: { status: "02", entrant: "销方", reason: "服务终止", enteredAt: "2025-10-07 12:00:00" },
    },
    {
      seq: 108,
      date: "2025-09-22 10:00:00",
      usageConfirmed: true,
      remark: "红字确认单演示：由负数开票申请单生成（单据开票），未录入，可回退",
      lines: [line(G.office, "800.00", "8")],
      linkedDraft: { applicationNo: "NEG-20251009-0001" },
    },
    // Spare usage-confirmed invoices: a 红字确认单 for them needs the counterparty's confirmation.
    {
      seq: 109,
      date: "2025-09-23 10:00:00",
      usageConfirmed: true,
      remark: "已用途确认，可录入需确认的红字确认单（两行）",
      lines: [line(G.itService, "10000.00", "10"), line(G.office, "2000.00", "20")],
    },
    ...[
      [110, line(G.consulting, "5000.00", "5")],
      [111, line(G.software, "8000.00", "2")],
      [112, line(G.server, "6000.00", "2")],
      [113, line(G.steel, "3000.00", "3")],
      [114, line(G.office, "1500.00", "15")],
    ].map(([seq, l]) => ({
      seq: seq as number,
      date: `2025-09-${String(14 + (seq as number) - 100).padStart(2, "0")} 14:00:00`,
      usageConfirmed: true,
      remark: "已用途确认，可录入需确认的红字确认单",
      lines: [l as SeedLine],
    })),
  ];
}

const R2 = (v: Dec) => round2HalfUp(v);

interface BlueLineFigures {
  amount: Dec;
  tax: Dec;
  qty: Dec;
  price: Dec;
}

function figures(l: SeedLine): BlueLineFigures {
  const amount = new Dec(l.amount);
  const qty = new Dec(l.qty);
  return {
    amount,
    tax: R2(amount.mul(l.rate)),
    qty,
    price: round13HalfUp(amount.div(qty)),
  };
}

/** The bill's red lines, from the engine: fullRedLine per line, or calcRedLine for the edit. */
function redLines(blue: SeedBlue, bill: SeedBill): BillLine[] {
  return blue.lines.map((l, i) => {
    const f = figures(l);
    const remaining = { amount: f.amount, tax: f.tax, quantity: f.qty, unitPrice: null };
    let r = fullRedLine(remaining);
    if (bill.edit && i === 0) {
      const c = calcRedLine({
        reason: bill.reason,
        taxMode: "普通征税",
        taxCode: l.code,
        taxRate: l.rate,
        hasDiscountLine: false,
        remaining,
        edit: bill.edit,
      });
      if (!c.ok) throw new Error(`seed bill on ${blue.seq}: ${c.refusal.message}`);
      r = c.value;
    }
    return {
      originalSeq: i,
      lineProperty: "0",
      goodsName: l.goods,
      revenueCode: l.code,
      specification: "",
      units: l.units,
      quantity: r.quantity === null ? null : formatQty(r.quantity),
      price: r.unitPrice === null ? null : formatQty(r.unitPrice),
      amount: formatAmount(r.amount),
      taxRate: l.rate,
      taxAmount: formatAmount(r.tax),
    };
  });
}

const sumOf = (xs: readonly string[]) => xs.reduce((a, x) => a.add(x), new Dec(0));

/** Called once from seed.ts, inside the seed transaction. */
export async function seedConfirmForms(tx: Tx, dialect: SqlDialectName): Promise<void> {
  const at = SEED_EPOCH_MS;
  const orgs = await tx
    .selectFrom("orgs")
    .selectAll()
    .where("code", "in", ["ORG-SELLER", "ORG-BUYER"])
    .execute();
  const seller = orgs.find((o) => o.code === "ORG-SELLER");
  const buyer = orgs.find((o) => o.code === "ORG-BUYER");
  if (!seller || !buyer) throw new Error("seedConfirmForms needs the seeded seller and buyer");
  const scopes = {
    销方: new OrgScope(tx, seller.id, dialect, "seed", at),
    购方: new OrgScope(tx, buyer.id, dialect, "seed", at),
  } as const;
  let billSeq = 0;

  for (const spec of seedBlues()) {
    const invoiceNo = digitalInvoiceNo("25", "33", spec.seq);
    const fig = spec.lines.map(figures);
    const bill = spec.bill;
    const lines = bill ? redLines(spec, bill) : [];
    const invoiced = bill?.redInvoice !== undefined;
    // A red invoice issued from the bill lowers the blue's remaining values by the bill's lines.
    const remaining = fig.map((f, i) => {
      const red = invoiced ? lines[i] : undefined;
      return {
        amount: red ? f.amount.add(red.amount) : f.amount,
        tax: red ? f.tax.add(red.taxAmount) : f.tax,
        qty: red && red.quantity !== null ? f.qty.add(red.quantity) : f.qty,
      };
    });
    const remAmount = remaining.reduce((a, r) => a.add(r.amount), new Dec(0));
    const remTax = remaining.reduce((a, r) => a.add(r.tax), new Dec(0));
    const amount = fig.reduce((a, f) => a.add(f.amount), new Dec(0));
    const tax = fig.reduce((a, f) => a.add(f.tax), new Dec(0));
    const blueId = await scopes.销方.insertReturningId("blue_invoices", {
      kind: INVOICE_TYPE_LABELS[SEEDED_TYPE],
      invoice_type: SEEDED_TYPE,
      invoice_code: "",
      invoice_no: invoiceNo,
      invoice_date: spec.date,
      serial_no: null,
      seller_name: seller.name,
      seller_tax_id: seller.tax_id,
      buyer_name: buyer.name,
      buyer_tax_id: buyer.tax_id,
      amount: formatAmount(amount),
      tax_amount: formatAmount(tax),
      total_amount: formatAmount(amount.add(tax)),
      remaining_amount: formatAmount(remAmount),
      remaining_tax: formatAmount(remTax),
      status: invoiced
        ? blueStatusAfterRed(remaining.map((r) => ({ remainingAmount: r.amount, remainingTax: r.tax })))
        : "正常",
      issue_status: "已开票",
      tax_mode: "普通征税",
      deduction: null,
      buyer_usage_confirmed: spec.usageConfirmed ? 1 : 0,
      special_type: "",
      drawer: "张三",
      remark: spec.remark,
      application_id: null,
      created_at: at,
      updated_at: at,
    });
    const blueLineIds: number[] = [];
    for (const [i, l] of spec.lines.entries()) {
      blueLineIds.push(
        await scopes.销方.insertReturningId("blue_invoice_lines", {
          invoice_id: blueId,
          line_no: i + 1,
          line_property: "0",
          goods_name: l.goods,
          revenue_code: l.code,
          specification: "",
          units: l.units,
          quantity: formatQty(fig[i].qty),
          price: formatQty(fig[i].price),
          amount: formatAmount(fig[i].amount),
          tax_rate: l.rate,
          tax_amount: formatAmount(fig[i].tax),
          remaining_amount: formatAmount(remaining[i].amount),
          remaining_tax: formatAmount(remaining[i].tax),
          remaining_quantity: formatQty(remaining[i].qty),
          reversible_unit_price: null,
          has_discount_line: 0,
          privilege_type: "",
        })
      );
    }
    await scopes.销方.audit("blue_invoices", blueId, "create", undefined, { invoiceNo, remark: spec.remark });

    const awaiting = bill !== undefined && AWAITING_STATUSES.includes(bill.status);
    if (spec.usageConfirmed) {
      // The buyer's 勾选 put the invoice in its 全票池.
      const poolStatus: InputInvoiceStatus = awaiting ? "红字发票待确认" : "正常";
      await scopes.购方
        .insertInto("input_pool", {
          ticket_kind: "发票",
          invoice_type: SEEDED_TYPE,
          invoice_type_name: INVOICE_TYPE_LABELS[SEEDED_TYPE],
          invoice_code: "",
          invoice_no: invoiceNo,
          invoice_date: spec.date,
          seller_name: seller.name,
          seller_tax_id: seller.tax_id,
          amount: formatAmount(amount),
          tax_amount: formatAmount(tax),
          total_amount: formatAmount(amount.add(tax)),
          total_tax_incl_amount: null,
          invoice_status: poolStatus,
          select_status: "已勾选",
          deduction_status: "已勾选或已认证抵扣",
          verify_status: "已验",
          select_time: "2025-10-05 10:00:00",
          certify_time: null,
          usage_period: "202510",
          created_at: at,
          updated_at: at,
        })
        .onConflict((oc) => oc.columns(["org_id", "invoice_code", "invoice_no"]).doNothing())
        .execute();
    }

    if (spec.linkedDraft) {
      const appId = await scopes.销方.insertReturningId("applications", {
        bill_no: spec.linkedDraft.applicationNo,
        direction: "negative",
        status: "已提交",
        business_system_code: "EXCEL_RED",
        delivery_email: "",
        delivery_phone: "",
        red_invoice_no: null,
        created_at: at,
        updated_at: at,
      });
      const draftLines = redLines(spec, { status: "01", entrant: "销方", reason: "销售退回", enteredAt: "" });
      await insertForm(scopes.销方, {
        serial: `SEED-RCF-${spec.seq}`,
        billNo: null,
        uuid: null,
        status: null,
        entryStatus: "未录入",
        dataSource: "单据开票",
        invoiceStatus: "未开票",
        myRole: "销方",
        entrant: null,
        reason: "销售退回",
        blue: { id: blueId, no: invoiceNo, date: spec.date },
        parties: { seller, buyer },
        lines: draftLines,
        blueLineIds,
        enteredAt: null,
        confirmedAt: null,
        redInvoice: null,
        applicationId: appId,
      });
      continue;
    }
    if (!bill) continue;

    billSeq++;
    const billNo = bureauBillNo(seller.tax_id, billSeq);
    const uuid = bureauBillUuid(billNo);
    const enteredMs = parseChinaDateTime(bill.enteredAt) as number;
    await tx
      .insertInto("bureau_confirm_bills")
      .values({
        gov_uuid: uuid,
        bill_no: billNo,
        seller_tax_id: seller.tax_id,
        seller_name: seller.name,
        buyer_tax_id: buyer.tax_id,
        buyer_name: buyer.name,
        entrant_role: bill.entrant,
        confirm_status: bill.status,
        blue_invoice_code: "",
        blue_invoice_no: invoiceNo,
        blue_invoice_date: spec.date,
        invoice_type: SEEDED_TYPE,
        red_reason: bill.reason,
        amount: formatAmount(sumOf(lines.map((l) => l.amount))),
        tax_amount: formatAmount(sumOf(lines.map((l) => l.taxAmount))),
        lines_json: stringifyBillLines(lines),
        entered_at: bill.enteredAt,
        entered_at_ms: enteredMs,
        confirmed_at: bill.confirmedAt ?? null,
        red_invoice_no: bill.redInvoice?.no ?? null,
        red_invoice_date: bill.redInvoice?.date ?? null,
        updated_at: at,
      })
      .execute();
    const common = {
      billNo,
      uuid,
      status: bill.status,
      entryStatus: "录入成功" as const,
      entrant: bill.entrant,
      reason: bill.reason,
      blue: { id: blueId, no: invoiceNo, date: spec.date },
      parties: { seller, buyer },
      lines,
      blueLineIds,
      enteredAt: bill.enteredAt,
      confirmedAt: bill.confirmedAt ?? null,
      applicationId: null,
    };
    const entrantForm = await insertForm(scopes[bill.entrant], {
      ...common,
      serial: `SEED-RCF-${spec.seq}`,
      dataSource: "API接口",
      invoiceStatus: invoiced ? "已开票" : "未开票",
      myRole: bill.entrant,
      redInvoice: bill.redInvoice ?? null,
    });
    if (bill.counterpartyHolds) {
      const other: Role = bill.entrant === "销方" ? "购方" : "销方";
      await insertForm(scopes[other], {
        ...common,
        serial: `DL-${billNo}`,
        dataSource: "税局下载",
        invoiceStatus: "未开票",
        myRole: other,
        redInvoice: null,
      });
    }
    if (bill.redInvoice) {
      const redAmount = sumOf(lines.map((l) => l.amount));
      const redTax = sumOf(lines.map((l) => l.taxAmount));
      const redId = await scopes.销方.insertReturningId("red_invoices", {
        blue_invoice_id: blueId,
        serial_no: bill.redInvoice.serial,
        invoice_type: SEEDED_TYPE,
        invoice_code: "",
        invoice_no: bill.redInvoice.no,
        invoice_date: bill.redInvoice.date,
        seller_name: seller.name,
        seller_tax_id: seller.tax_id,
        buyer_name: buyer.name,
        buyer_tax_id: buyer.tax_id,
        amount: formatAmount(redAmount),
        tax_amount: formatAmount(redTax),
        total_amount: formatAmount(redAmount.add(redTax)),
        red_reason: bill.reason,
        issue_status: "已开票",
        issue_error: "",
        confirm_form_id: entrantForm,
        info_form_id: null,
        created_at: at,
        completes_at: null,
      });
      await scopes.销方
        .insertInto(
          "red_invoice_lines",
          lines.map((l, i) => redInvoiceLineRow(redId, i, blueLineIds[l.originalSeq], l))
        )
        .execute();
    }
  }
  await setMeta(tx, `seq:${BILL_NO_SEQUENCE}`, String(SEEDED_BILLS_UP_TO));
}

interface FormSpec {
  serial: string;
  billNo: string | null;
  uuid: string | null;
  status: ConfirmStatusCode | null;
  entryStatus: "未录入" | "录入成功";
  dataSource: DataSource;
  invoiceStatus: FormInvoiceStatus;
  myRole: Role;
  entrant: Role | null;
  reason: RedReason;
  blue: { id: number; no: string; date: string };
  parties: {
    seller: { id: number; tax_id: string; name: string };
    buyer: { id: number; tax_id: string; name: string };
  };
  lines: readonly BillLine[];
  blueLineIds: readonly number[];
  enteredAt: string | null;
  confirmedAt: string | null;
  redInvoice: { no: string; date: string } | null;
  applicationId: number | null;
}

async function insertForm(scope: OrgScope, f: FormSpec): Promise<number> {
  const id = await scope.insertReturningId("red_confirm_forms", {
    serial_no: f.serial,
    bill_no: f.billNo,
    gov_uuid: f.uuid,
    order_no: f.serial,
    confirm_status: f.status,
    entry_status: f.entryStatus,
    invoice_status: f.invoiceStatus,
    audit_status: "无需审批",
    data_source: f.dataSource,
    entrant_role: f.entrant,
    my_role: f.myRole,
    seller_org_id: f.parties.seller.id,
    buyer_org_id: f.parties.buyer.id,
    seller_tax_id: f.parties.seller.tax_id,
    seller_name: f.parties.seller.name,
    buyer_tax_id: f.parties.buyer.tax_id,
    buyer_name: f.parties.buyer.name,
    blue_invoice_id: f.myRole === "销方" ? f.blue.id : null,
    blue_invoice_code: "",
    blue_invoice_no: f.blue.no,
    blue_invoice_date: f.blue.date,
    invoice_type: SEEDED_TYPE,
    red_reason: f.reason,
    amount: formatAmount(sumOf(f.lines.map((l) => l.amount))),
    tax_amount: formatAmount(sumOf(f.lines.map((l) => l.taxAmount))),
    entered_at: f.enteredAt,
    entered_at_ms: f.enteredAt === null ? null : (parseChinaDateTime(f.enteredAt) ?? null),
    confirmed_at: f.confirmedAt,
    red_invoice_no: f.redInvoice?.no ?? null,
    red_invoice_date: f.redInvoice?.date ?? null,
    allocated: 0,
    application_id: f.applicationId,
    delivery_email: "",
    delivery_phone: "",
    remark: "",
    created_at: SEED_EPOCH_MS,
    updated_at: SEED_EPOCH_MS,
  });
  await scope
    .insertInto(
      "red_confirm_form_lines",
      f.lines.map((l, i) => ({
        form_id: id,
        line_no: i + 1,
        blue_line_id: f.myRole === "销方" ? f.blueLineIds[l.originalSeq] : null,
        original_seq: l.originalSeq,
        ...lineGoodsColumns(l),
      }))
    )
    .execute();
  await scope.audit("red_confirm_forms", id, "create", undefined, { serialNo: f.serial, billNo: f.billNo });
  return id;
}
