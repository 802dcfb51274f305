/**
 * Seed: 红字信息表 of the 税控 seller in every status (domain-rules §3.9) — 未上传 (linked to a
 * 负数开票申请单, 已提交), 审核成功 (with number, ready for 2.2.02), 审核失败 (with 失败原因), 已开票 (the
 * seeded partial red of 10000002), 已撤销 — and one 购方申请-未抵扣 form the buyer filed against the
 * seller (approved; the seller gets it with 2.2.05 其他企业申请). Approved forms are also in the
 * bureau's table. Called from seed.ts inside the seed transaction.
 */
import { Dec, formatAmount, round2HalfUp } from "../../domain/money";
import type { InfoFormApplicant, InfoFormStatus } from "../../domain/labels";
import { stringifyJson } from "../../gateway/json";
import { OrgScope } from "./../db/repo";
import type { SqlDialectName } from "../db/dialect";
import { type Tx, setMeta } from "../db/tx";
import { infoFormNo } from "./interfaces/taxControlShared";

interface FormSpec {
  readonly owner: "taxctl" | "buyer";
  readonly serial: string;
  readonly applicant: InfoFormApplicant;
  readonly status: InfoFormStatus;
  readonly blueCode: string;
  readonly blueNo: string;
  /** 红冲金额 (positive 不含税; stored negative). */
  readonly amount: string;
  /** Sequence of the 16-digit number (approved, invoiced, revoked forms). */
  readonly numberSeq?: number;
  readonly approvedAt?: string;
  readonly filledAt: string;
  readonly failReason?: string;
  readonly red?: { readonly code: string; readonly no: string };
  readonly linkedApplication?: string;
}

/** The seeded 开票申请单 the 未上传 form was pushed from. */
export const SEEDED_APPLICATION_NO = "SQD-202509-0001";
/** Sequence numbers below this are the seed's; issued ones continue above. */
export const INFO_FORM_SEQ_START = 1000;

const FORMS: readonly FormSpec[] = [
  {
    owner: "taxctl",
    serial: "SEED-RIF-0001",
    applicant: "销方申请",
    status: "未上传",
    blueCode: "3200231130",
    blueNo: "20000001",
    amount: "1000.00",
    filledAt: "2025-09-20 10:00:00",
    linkedApplication: SEEDED_APPLICATION_NO,
  },
  {
    owner: "taxctl",
    serial: "SEED-RIF-0002",
    applicant: "销方申请",
    status: "审核成功",
    blueCode: "032002300111",
    blueNo: "10000002",
    amount: "3000.00",
    numberSeq: 1,
    approvedAt: "2025-09-21 10:30:00",
    filledAt: "2025-09-21 10:00:00",
  },
  {
    owner: "taxctl",
    serial: "SEED-RIF-0003",
    applicant: "销方申请",
    status: "审核失败",
    blueCode: "3200231130",
    blueNo: "20000001",
    amount: "99999.00",
    filledAt: "2025-09-22 10:00:00",
    failReason: "红冲金额超过蓝票剩余可红冲金额",
  },
  {
    owner: "taxctl",
    serial: "SEED-RIF-0004",
    applicant: "销方申请",
    status: "已开票",
    blueCode: "032002300111",
    blueNo: "10000002",
    amount: "2000.00",
    numberSeq: 2,
    approvedAt: "2025-07-01 09:00:00",
    filledAt: "2025-07-01 08:30:00",
    // The seeded partial red of 10000002 (seed.ts: number + 5000000, same code).
    red: { code: "032002300111", no: "15000002" },
  },
  {
    owner: "taxctl",
    serial: "SEED-RIF-0005",
    applicant: "销方申请",
    status: "已撤销",
    blueCode: "3200231130",
    blueNo: "20000001",
    amount: "8888.88",
    numberSeq: 3,
    approvedAt: "2025-09-15 11:00:00",
    filledAt: "2025-09-15 10:00:00",
  },
  {
    owner: "buyer",
    serial: "SEED-RIF-B001",
    applicant: "购方申请-未抵扣",
    status: "审核成功",
    blueCode: "032002300111",
    blueNo: "10000001",
    amount: "50000.00",
    numberSeq: 4,
    approvedAt: "2025-09-25 14:00:00",
    filledAt: "2025-09-25 13:30:00",
  },
];

export async function seedRedInfoForms(
  tx: Tx,
  dialect: SqlDialectName,
  taxIds: Readonly<Record<string, string>>,
  at: number
): Promise<void> {
  const orgs = await tx.selectFrom("orgs").select(["id", "tax_id", "name"]).execute();
  const org = (key: "taxctl" | "buyer") => {
    const o = orgs.find((x) => x.tax_id === taxIds[key]);
    if (!o) throw new Error(`seed: no org ${key}`);
    return o;
  };
  const seller = org("taxctl");
  const buyer = org("buyer");
  const sellerScope = new OrgScope(tx, seller.id, dialect, "seed", at);

  const applicationId = await sellerScope.insertReturningId("applications", {
    bill_no: SEEDED_APPLICATION_NO,
    direction: "negative",
    status: "已提交",
    business_system_code: "EXCEL_RED",
    delivery_email: "",
    delivery_phone: "",
    red_invoice_no: null,
    created_at: at,
    updated_at: at,
  });

  for (const f of FORMS) {
    const owner = f.owner === "taxctl" ? seller : buyer;
    const scope = f.owner === "taxctl" ? sellerScope : new OrgScope(tx, buyer.id, dialect, "seed", at);
    const blue = await new OrgScope(tx, seller.id, dialect, "seed", at)
      .selectFrom("blue_invoices")
      .selectAll()
      .where("invoice_code", "=", f.blueCode)
      .where("invoice_no", "=", f.blueNo)
      .executeTakeFirstOrThrow();
    const line = await sellerScope
      .selectFrom("blue_invoice_lines")
      .selectAll()
      .where("invoice_id", "=", blue.id)
      .orderBy("line_no")
      .executeTakeFirstOrThrow();
    const amount = new Dec(f.amount);
    const tax = round2HalfUp(amount.mul(line.tax_rate));
    const billNo = f.numberSeq !== undefined ? infoFormNo(seller.tax_id, "25", f.numberSeq) : null;
    const row = {
      serial_no: f.serial,
      bill_no: billNo,
      applicant: f.applicant,
      invoice_type: blue.invoice_type,
      blue_invoice_id: f.owner === "taxctl" ? blue.id : null,
      blue_invoice_code: f.blueCode,
      blue_invoice_no: f.blueNo,
      blue_invoice_date: blue.invoice_date,
      seller_tax_id: seller.tax_id,
      seller_name: seller.name,
      buyer_tax_id: buyer.tax_id,
      buyer_name: buyer.name,
      status: f.status,
      fail_reason: f.failReason ?? "",
      approved_at: f.approvedAt ?? null,
      filled_at: f.filledAt,
      red_invoice_code: f.red?.code ?? null,
      red_invoice_no: f.red?.no ?? null,
      amount: formatAmount(amount.neg()),
      tax_amount: formatAmount(tax.neg()),
      application_id: f.linkedApplication ? applicationId : null,
      created_at: at,
      updated_at: at,
    };
    const id = await scope.insertReturningId("info_forms", row);
    const lineRow = {
      lineNo: 1,
      goodsName: line.goods_name,
      revenueCode: line.revenue_code,
      specification: line.specification,
      units: line.units,
      quantity: null,
      price: null,
      amount: formatAmount(amount.neg()),
      taxRate: line.tax_rate,
      taxAmount: formatAmount(tax.neg()),
    };
    await scope
      .insertInto("info_form_lines", {
        form_id: id,
        line_no: 1,
        blue_line_id: f.owner === "taxctl" ? line.id : null,
        goods_name: lineRow.goodsName,
        revenue_code: lineRow.revenueCode,
        specification: lineRow.specification,
        units: lineRow.units,
        quantity: null,
        price: null,
        amount: lineRow.amount,
        tax_rate: lineRow.taxRate,
        tax_amount: lineRow.taxAmount,
      })
      .execute();
    await scope.audit("info_forms", id, "create", undefined, { serialNo: f.serial, status: f.status });
    if (f.red) {
      await sellerScope
        .updateTable("red_invoices")
        .set({ info_form_id: id })
        .where("invoice_code", "=", f.red.code)
        .where("invoice_no", "=", f.red.no)
        .execute();
    }
    if (billNo) {
      await tx
        .insertInto("bureau_info_forms")
        .values({
          bill_no: billNo,
          applicant: f.applicant,
          applicant_tax_id: owner.tax_id,
          seller_tax_id: seller.tax_id,
          seller_name: seller.name,
          buyer_tax_id: buyer.tax_id,
          buyer_name: buyer.name,
          invoice_type: blue.invoice_type,
          blue_invoice_code: f.blueCode,
          blue_invoice_no: f.blueNo,
          status: f.status,
          approved_at: f.approvedAt ?? null,
          filled_at: f.filledAt,
          red_invoice_code: f.red?.code ?? null,
          red_invoice_no: f.red?.no ?? null,
          amount: row.amount,
          tax_amount: row.tax_amount,
          lines_json: stringifyJson([lineRow]),
          updated_at: at,
        })
        .execute();
    }
  }
  await setMeta(tx, "seq:info_form_no", String(INFO_FORM_SEQ_START));
}
