/**
 * 2.2.04 税控红字信息表申请, 2.2.05 下载 and the HC.REDINFOBILL.* extensions against the sandbox with
 * the REAL client: applicant types and their required blue fields, the bureau's review (approve with a
 * 16-digit number, reject with a reason), the counterparty's view (其他企业申请), revoke / delete /
 * rollback rules, bad input refused with nothing stored.
 */
import type { GatewayClient } from "../../../src/gateway/client";
import type { RedInfoFormApplyRequest } from "../../../src/gateway/payloads";
import { type TestServer, account, startTestServer } from "../server/helpers";
import {
  TAXCTL_BLUES,
  blueByNo,
  clientFor,
  countRows,
  ext,
  infoFormBySerial,
  valueOf,
} from "./taxControlHelpers";

let server: TestServer;
let taxctl: GatewayClient;
let buyer: GatewayClient;
let T: string; // 税控 seller tax id
let B: string; // buyer tax id

beforeAll(async () => {
  server = await startTestServer();
  taxctl = clientFor(server, "taxctl");
  buyer = clientFor(server, "buyer");
  T = account(server, "taxctl").taxId;
  B = account(server, "buyer").taxId;
});
afterAll(async () => {
  await server.close();
});

type Line = RedInfoFormApplyRequest["invoiceDetail"][number];
/** A red line; amounts as decimal strings (the server accepts number or string, §1.8). */
const line = (amount: string, tax: string): Line =>
  ({
    goodsName: "钢材",
    revenueCode: "1080299000000000000",
    amount,
    taxRate: "0.13",
    taxAmount: tax,
  }) as unknown as Line;

function sellerApply(serialNo: string, over: Partial<RedInfoFormApplyRequest> = {}): RedInfoFormApplyRequest {
  return {
    serialNo,
    sellerTaxpayerId: T,
    applyType: "seller",
    originalInvoiceCode: TAXCTL_BLUES.eSpecial.code,
    originalInvoiceNumber: TAXCTL_BLUES.eSpecial.no,
    originalIssueTime: "2025-06-05 10:00:00",
    invoiceType: "028",
    buyerName: "广东蓝海采购有限公司",
    buyerTaxpayerId: B,
    invoiceDetail: [line("-20000.00", "-2600.00")],
    ...over,
  };
}

test("销方申请, partial: the bureau approves at once with a 16-digit number and 税局审核日期; repeat is idempotent", async () => {
  const r = await taxctl.applyRedInfoForm(sellerApply("RIF-A-1"));
  expect(r.ok).toBe(true);
  if (!r.ok) return;
  expect(r.data).toMatchObject({
    serialNo: "RIF-A-1",
    status: "审核成功",
    redInfoBillNo: "3205002500001001",
    auditDate: "2025-10-10 10:00:00",
    fillDate: "2025-10-10 10:00:00",
    failReason: "",
    redAmount: "-20000.00",
    redTaxAmount: "-2600.00",
  });
  const form = await infoFormBySerial(server, T, "RIF-A-1");
  expect([form!.status, form!.bill_no, form!.amount, form!.tax_amount, form!.applicant]).toEqual([
    "审核成功",
    "3205002500001001",
    "-20000.00",
    "-2600.00",
    "销方申请",
  ]);
  const bureau = await server.db.db
    .selectFrom("bureau_info_forms")
    .selectAll()
    .where("bill_no", "=", "3205002500001001")
    .executeTakeFirstOrThrow();
  expect([bureau.applicant_tax_id, bureau.seller_tax_id, bureau.buyer_tax_id, bureau.status]).toEqual([
    T,
    T,
    B,
    "审核成功",
  ]);

  // The same serial again: the vendor answers 10127 (V9); the form stays one.
  const again = await taxctl.applyRedInfoForm(sellerApply("RIF-A-1"));
  expect(again).toMatchObject({ ok: false, errorCode: "10127", refusal: { code: "GW_DUPLICATE_SERIAL" } });
  expect(await countRows(server, "info_forms", { column: "serial_no", value: "RIF-A-1" })).toBe(1);
  const changed = await taxctl.applyRedInfoForm(
    sellerApply("RIF-A-1", { invoiceDetail: [line("-10.00", "-1.30")] })
  );
  expect(changed.ok ? "" : changed.refusal.code).toBe("GW_DUPLICATE_SERIAL");
});

test("the bureau rejects with a reason: amount over the remaining, wrong seller, wrong date, unknown blue → 审核失败 + 失败原因", async () => {
  const bureauBefore = await countRows(server, "bureau_info_forms");
  // equality is allowed (full reversal) …
  const full = await taxctl.applyRedInfoForm(
    sellerApply("RIF-R-0", { invoiceDetail: [line("-50000.00", "-6500.00")] })
  );
  expect(full.ok && full.data.status).toBe("审核成功");
  // … one cent more is not.
  const over = await taxctl.applyRedInfoForm(
    sellerApply("RIF-R-1", { invoiceDetail: [line("-50000.01", "-6500.00")] })
  );
  expect(over.ok && [over.data.status, over.data.failReason, over.data.redInfoBillNo]).toEqual([
    "审核失败",
    "红冲金额超过蓝票剩余可红冲金额",
    "",
  ]);
  // The buyer files against the wrong seller (the 数电 seller did not issue this invoice).
  const wrongSeller = await buyer.applyRedInfoForm({
    ...sellerApply("RIF-R-2"),
    applyType: "buyer-not-deducted",
    sellerTaxpayerId: account(server, "seller").taxId,
    originalIssueTime: undefined,
  });
  expect(wrongSeller.ok && [wrongSeller.data.status, wrongSeller.data.failReason]).toEqual([
    "审核失败",
    "销方税号与蓝票不符",
  ]);
  const wrongDate = await taxctl.applyRedInfoForm(
    sellerApply("RIF-R-3", { originalIssueTime: "2025-06-06 10:00:00" })
  );
  expect(wrongDate.ok && wrongDate.data.failReason).toBe("蓝票开票日期与蓝票不符");
  const unknown = await taxctl.applyRedInfoForm(
    sellerApply("RIF-R-4", { originalInvoiceNumber: "19999999" })
  );
  expect(unknown.ok && unknown.data.failReason).toBe("蓝票不存在");
  const wrongType = await taxctl.applyRedInfoForm(sellerApply("RIF-R-5", { invoiceType: "004" }));
  expect(wrongType.ok && wrongType.data.failReason).toBe("发票类型与蓝票不符");

  const stored = await infoFormBySerial(server, T, "RIF-R-1");
  expect([stored!.status, stored!.fail_reason, stored!.bill_no]).toEqual([
    "审核失败",
    "红冲金额超过蓝票剩余可红冲金额",
    null,
  ]);
  // Rejected forms get no bureau number, so the bureau keeps no copy: only RIF-R-0 was filed there.
  expect(await countRows(server, "bureau_info_forms")).toBe(bureauBefore + 1);
  const list = valueOf(await taxctl.call(ext.redInfoFormList, { status: "审核失败" }));
  expect(list.items.map((f: any) => f.serialNo).sort()).toEqual([
    "RIF-R-1",
    "RIF-R-3",
    "RIF-R-4",
    "RIF-R-5",
    "SEED-RIF-0003",
  ]);
});

test("applicant types: required blue fields per 申请方 (engine), filing party, 购方申请-已抵扣 without blue", async () => {
  const before = await countRows(server, "info_forms");
  const noDate = await taxctl.applyRedInfoForm(sellerApply("RIF-T-1", { originalIssueTime: undefined }));
  expect(noDate.ok ? "" : noDate.refusal.message).toBe("销方申请须填写蓝票开票日期");
  const noNumber = await buyer.applyRedInfoForm({
    ...sellerApply("RIF-T-2"),
    applyType: "buyer-not-deducted",
    originalInvoiceNumber: undefined,
  });
  expect(noNumber.ok ? "" : noNumber.refusal.message).toBe("购方申请-未抵扣须填写蓝票号码");
  // The seller cannot file a buyer's application, nor the buyer a seller's.
  const sellerAsBuyer = await taxctl.applyRedInfoForm(
    sellerApply("RIF-T-3", { applyType: "buyer-not-deducted" })
  );
  expect(sellerAsBuyer.ok ? "" : sellerAsBuyer.refusal.code).toBe("GW_FORBIDDEN_ORG");
  const buyerAsSeller = await buyer.applyRedInfoForm(sellerApply("RIF-T-4"));
  expect(buyerAsSeller.ok ? "" : buyerAsSeller.refusal.code).toBe("GW_FORBIDDEN_ORG");
  const unknownType = await taxctl.applyRedInfoForm(sellerApply("RIF-T-5", { applyType: "who" }));
  expect(unknownType.ok ? "" : unknownType.refusal.code).toBe("GW_VALIDATION");
  expect(await countRows(server, "info_forms")).toBe(before);

  // 购方申请-已抵扣 names no blue invoice: nothing to check it against, approved.
  const deducted = await buyer.applyRedInfoForm({
    serialNo: "RIF-T-6",
    sellerTaxpayerId: T,
    applyType: "buyer-deducted",
    invoiceType: "028",
    buyerName: "广东蓝海采购有限公司",
    buyerTaxpayerId: B,
    invoiceDetail: [line("-100.00", "-13.00")],
  });
  expect(deducted.ok && deducted.data.status).toBe("审核成功");
  const f = await infoFormBySerial(server, B, "RIF-T-6");
  expect([f!.applicant, f!.seller_name, f!.blue_invoice_no]).toEqual([
    "购方申请-已抵扣",
    "江苏税控制造有限公司",
    "",
  ]);
  // The seller cannot quick-red-flush it: no blue invoice to reverse in full.
  const q = await taxctl.quickRedFlushTaxControl([
    { serialNo: "TQR-T-6", sellerTaxpayerId: T, redInfoBillNo: f!.bill_no! },
  ]);
  expect(q.ok ? "" : q.refusal.code).toBe("INFO_FORM_NO_BLUE");
});

test("bad input is refused with an envelope and nothing is stored", async () => {
  const counts = async () =>
    Promise.all([
      countRows(server, "info_forms"),
      countRows(server, "idempotency"),
      countRows(server, "bureau_info_forms"),
    ]);
  const before = await counts();
  const refuse = async (data: unknown) => {
    const r = await taxctl.call("2.2.04", data);
    expect(r.ok).toBe(false);
    return r.ok ? "" : r.refusal.code;
  };
  const base = sellerApply("RIF-BAD");
  expect(await refuse({ ...base, invoiceDetail: [line("-12345678901234.00", "-1.00")] })).toBe(
    "GW_VALIDATION"
  );
  expect(await refuse({ ...base, invoiceDetail: [line("-1.001", "-0.13")] })).toBe("GW_VALIDATION");
  expect(await refuse({ ...base, invoiceDetail: [{ ...line("-100.00", "-13.00"), taxRate: "abc" }] })).toBe(
    "GW_VALIDATION"
  );
  expect(await refuse({ ...base, invoiceDetail: [{ ...line("-100.00", "-13.00"), taxRate: "1.5" }] })).toBe(
    "GW_VALIDATION"
  );
  // The planner's line rule (src/domain/plan/lineRules.ts), the same refusal the import gives locally.
  expect(await refuse({ ...base, invoiceDetail: [line("-100.00", "-20.00")] })).toBe(
    "LINE_TAX_OUT_OF_TOLERANCE"
  );
  expect(await refuse({ ...base, invoiceDetail: [line("0.00", "0.00")] })).toBe("NON_POSITIVE");
  expect(await refuse({ ...base, invoiceDetail: [] })).toBe("GW_VALIDATION");
  // A number where the page types a string is read as its text (V7); a boolean is not.
  expect(await refuse({ ...base, serialNo: true })).toBe("GW_VALIDATION");
  expect(await refuse({ ...base, invoiceType: "026" })).toBe("GW_VALIDATION");
  expect(await refuse({ ...base, originalInvoiceNumber: "1000000X" })).toBe("GW_VALIDATION");
  const raw = await taxctl.call("2.2.04", {
    ...base,
    invoiceDetail: [{ ...line("-100.00", "-13.00"), amount: 1e15 }],
  });
  expect(raw.ok ? "" : raw.refusal.code).toBe("GW_VALIDATION");
  expect(await counts()).toEqual(before);
});

test("2.2.05: scope required; 其他企业申请 brings the buyer's form to the seller, who red-flushes with it; the buyer then sees 已开票", async () => {
  const none = await taxctl.downloadRedInfoForms({ taxNo: T, scope: "" });
  expect(none.ok ? "" : none.refusal.message).toBe("“本企业申请” “其他企业申请”至少勾选一项");
  const reversed = await taxctl.downloadRedInfoForms({
    taxNo: T,
    scope: "both",
    startDate: "2025-10-01",
    endDate: "2025-09-01",
  });
  expect(reversed.ok ? "" : reversed.refusal.code).toBe("DATE_RANGE_REVERSED");

  const others = await taxctl.downloadRedInfoForms({ taxNo: T, scope: "others" });
  expect(others.ok).toBe(true);
  if (!others.ok) return;
  // The buyer's two approved forms against this seller: the seeded one and RIF-T-6 (已抵扣) above.
  const buyerForm = await infoFormBySerial(server, B, "SEED-RIF-B001");
  const deducted = await infoFormBySerial(server, B, "RIF-T-6");
  expect(others.data.dataList.map((f) => [f.redInfoBillNo, f.applyType])).toEqual([
    [buyerForm!.bill_no, "buyer-not-deducted"],
    [deducted!.bill_no, "buyer-deducted"],
  ]);
  const seeded = others.data.dataList[0];
  expect(seeded).toMatchObject({
    status: "审核成功",
    originalInvoiceNumber: "10000001",
    redAmount: "-50000.00",
  });
  expect(others.data).toMatchObject({ total: "2", inserted: "2", updated: "0" });
  // A second download inserts nothing new.
  const again = await taxctl.downloadRedInfoForms({ taxNo: T, scope: "others" });
  expect(again.ok && again.data).toMatchObject({ total: "2", inserted: "0", updated: "0" });
  const local = await infoFormBySerial(server, T, `DL-${buyerForm!.bill_no}`);
  expect([local!.status, local!.applicant]).toEqual(["审核成功", "购方申请-未抵扣"]);

  // 本企业申请 for the seller: only forms it filed (seeded approved/invoiced/revoked + this file's approvals).
  const own = await taxctl.downloadRedInfoForms({
    taxNo: T,
    scope: "own",
    startDate: "2025-09-01",
    endDate: "2025-09-30",
  });
  expect(own.ok && own.data.dataList.map((f) => [f.status, f.applyType]).sort()).toEqual([
    ["审核成功", "seller"],
    ["已撤销", "seller"],
  ]);

  // The seller reverses the buyer-applied form's invoice in full (domain-rules §9 A8: the general rule).
  const q = await taxctl.quickRedFlushTaxControl([
    { serialNo: "TQR-DL-1", sellerTaxpayerId: T, redInfoBillNo: buyerForm!.bill_no! },
  ]);
  expect(q.ok).toBe(true);
  const [a] = (q.ok ? q.data : []) as any[];
  expect(a).toMatchObject({
    success: true,
    originalInvoiceNumber: "10000001",
    totalAmount: "-50000.00",
    totalTaxAmount: "-6500.00",
  });
  expect((await blueByNo(server, "032002300111", "10000001")).status).toBe("全额红冲");

  // The buyer's own copy takes the bureau's status on download.
  const mine = await buyer.downloadRedInfoForms({ taxNo: B, scope: "own" });
  expect(mine.ok).toBe(true);
  const b001 = (mine.ok ? mine.data.dataList : []).find((f) => f.redInfoBillNo === buyerForm!.bill_no)!;
  expect([b001.status, b001.redInvoiceCode, b001.redInvoiceNumber]).toEqual([
    "已开票",
    "032002300111",
    a.invoiceNum,
  ]);
  expect((await infoFormBySerial(server, B, "SEED-RIF-B001"))!.status).toBe("已开票");
  // Applications this file made against the now reversed invoice: the bureau rejects new ones.
  const late = await taxctl.applyRedInfoForm(
    sellerApply("RIF-LATE", { invoiceDetail: [line("-1.00", "-0.13")] })
  );
  expect(late.ok && late.data.failReason).toBe("只有发票状态为“正常”或“部分红冲”的发票才允许红冲");
});

test("HC.REDINFOBILL.REVOKE / DELETE / ROLLBACK follow the engine's table; LIST pages and filters", async () => {
  const act = async (spec: (typeof ext)[keyof typeof ext], serialNo: string) =>
    taxctl.call(spec, { taxNo: T, serialNo });
  const code = (r: { ok: boolean; refusal?: { code: string } }) => (r.ok ? "ok" : r.refusal!.code);

  // revoke: only 审核成功; never 已开票; 未上传 not
  expect(code(await act(ext.redInfoFormRevoke, "SEED-RIF-0004"))).toBe("INFO_FORM_ALREADY_INVOICED");
  expect(code(await act(ext.redInfoFormRevoke, "SEED-RIF-0001"))).toBe("INFO_FORM_REVOKE_NOT_APPROVED");
  expect(code(await act(ext.redInfoFormRevoke, "SEED-RIF-0005"))).toBe("INFO_FORM_REVOKED_TERMINAL");
  const rv = await act(ext.redInfoFormRevoke, "RIF-A-1");
  expect(valueOf(rv)).toEqual({ deleted: false, status: "已撤销" });
  const bureau = await server.db.db
    .selectFrom("bureau_info_forms")
    .select("status")
    .where("bill_no", "=", "3205002500001001")
    .executeTakeFirstOrThrow();
  expect(bureau.status).toBe("已撤销");

  // delete: 审核成功 / 已开票 not; 审核失败 yes
  expect(code(await act(ext.redInfoFormDelete, "RIF-R-0"))).toBe("INFO_FORM_APPROVED_NOT_DELETABLE");
  expect(code(await act(ext.redInfoFormDelete, "SEED-RIF-0004"))).toBe("INFO_FORM_INVOICED_NOT_DELETABLE");
  expect(valueOf(await act(ext.redInfoFormDelete, "SEED-RIF-0003"))).toEqual({ deleted: true, status: null });
  expect(await infoFormBySerial(server, T, "SEED-RIF-0003")).toBeUndefined();
  expect(code(await act(ext.redInfoFormDelete, "SEED-RIF-0003"))).toBe("GW_NOT_FOUND");

  // rollback: only linked forms; the 未上传 one is deleted and its application goes 已提交 → 未提交
  expect(code(await act(ext.redInfoFormRollback, "RIF-R-0"))).toBe("INFO_FORM_NOT_LINKED");
  const app = () =>
    server.db.db
      .selectFrom("applications")
      .selectAll()
      .where("bill_no", "=", "SQD-202509-0001")
      .executeTakeFirstOrThrow();
  expect((await app()).status).toBe("已提交");
  const list0 = valueOf(await taxctl.call(ext.redInfoFormList, { status: "未上传" }));
  expect(list0.items.map((f: any) => [f.serialNo, f.linkedApplication])).toEqual([
    ["SEED-RIF-0001", "SQD-202509-0001"],
  ]);
  expect(valueOf(await act(ext.redInfoFormRollback, "SEED-RIF-0001"))).toEqual({
    deleted: true,
    status: null,
    applicationStatus: { from: "已提交", to: "未提交" },
  });
  expect((await app()).status).toBe("未提交");

  // another org's tax number is refused before the handler
  const foreign = await taxctl.call(ext.redInfoFormRevoke, { taxNo: B, serialNo: "SEED-RIF-B001" });
  expect(code(foreign)).toBe("GW_FORBIDDEN_ORG");

  const page = valueOf(await taxctl.call(ext.redInfoFormList, { pageNo: 1, pageSize: 2 }));
  expect(page.items).toHaveLength(2);
  const all = valueOf(await taxctl.call(ext.redInfoFormList, { pageSize: 1000 }));
  expect(page.total).toBe(all.total);
  const statuses = new Set(all.items.map((f: any) => f.status));
  expect([...statuses].sort()).toEqual(["审核失败", "审核成功", "已开票", "已撤销"].sort());
  const seeded = all.items.find((f: any) => f.serialNo === "SEED-RIF-0004");
  expect(seeded).toMatchObject({
    amount: "-2000.00",
    tax: "-260.00",
    redInvoiceNo: "15000002",
    invoiceType: "增值税电子专用发票",
  });
  const bad = await taxctl.call(ext.redInfoFormList, { status: "不存在的状态" });
  expect(code(bad)).toBe("GW_VALIDATION");
});
