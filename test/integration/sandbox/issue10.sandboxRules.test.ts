/**
 * Issue 10 — sandbox paths of rules that lived only in the engine (items 5, 7, 8, 11), with the real
 * client over loopback.
 */
import type { GatewayClient } from "../../../src/gateway/client";
import { TAX_CONTROL_ENTRY_NOTICE } from "../../../src/domain/confirmForm";
import { EXTENSIONS } from "../../../src/gateway/extensions";
import { digitalInvoiceNo } from "../../../src/server/sandbox/seed";
import { type TestServer, account, startTestServer } from "../server/helpers";
import { SEEDED, clientFor, ext, issueBlue, value } from "./confirmFormsHelpers";

jest.setTimeout(60_000);

let server: TestServer;
let seller: GatewayClient;
let sellerTax: string;

beforeAll(async () => {
  server = await startTestServer();
  seller = clientFor(server, "seller");
  sellerTax = account(server, "seller").taxId;
});
afterAll(async () => {
  await server?.close();
});

const reason = (label: string) => seller.reasonCode(label, "2.1.03") as string;

describe("item 5: 个人出租住房 needs its 优惠政策 on the sandbox's partial path", () => {
  const rentalBlue = digitalInvoiceNo("25", "33", 6);

  test("HC.BLUEINVOICE.QUERY carries the line's privilegeType", async () => {
    const page = await ext(seller, EXTENSIONS.blueInvoiceQuery, { invoiceNos: [rentalBlue] });
    expect(page.items[0].lines[0]).toMatchObject({
      revenueCode: "3040502020102000000",
      privilegeType: "按5%简易征收减按1.5%计征",
    });
  });

  beforeAll(async () => {
    // A partial 确认单 needs the buyer's 用途确认 (otherwise 01, full only).
    await server.db.db
      .updateTable("blue_invoices")
      .set({ buyer_usage_confirmed: 1 })
      .where("invoice_no", "=", rentalBlue)
      .execute();
  });

  test("with the policy: 2.1.03 销售折让 1035.00 → rental formula tax 15.00; without it → REDUCED_LEVY_RENTAL_POLICY_MISSING", async () => {
    const r = value(
      await seller.applyRedConfirmBill({
        orderNo: "I10-RENTAL-0001",
        invoiceNo: rentalBlue,
        redReason: reason("销售折让"),
        invoiceType: "02",
        invoiceDetail: [{ originalSeq: 0, amount: "-1035.00", taxAmount: "-15.00" }],
      })
    );
    expect(r.redInfoBillNo).toMatch(/^\d{16}$/);

    // The same line without its policy: the code alone never selects the rental formula.
    await server.db.db
      .updateTable("blue_invoice_lines")
      .set({ privilege_type: "" })
      .where("revenue_code", "=", "3040502020102000000")
      .execute();
    const refused = await seller.applyRedConfirmBill({
      orderNo: "I10-RENTAL-0002",
      invoiceNo: rentalBlue,
      redReason: reason("销售折让"),
      invoiceType: "02",
      invoiceDetail: [{ originalSeq: 0, amount: "-1035.00", taxAmount: "-15.00" }],
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.refusal.code).toBe("REDUCED_LEVY_RENTAL_POLICY_MISSING");
  });
});

describe("item 8: 回退 re-queries a 录入失败 form by its 流水号 first (002 回退②)", () => {
  test("a 录入失败 form without a number whose entry did reach the bureau: found by 流水号 → 录入成功, the rollback is refused and nothing is deleted", async () => {
    const r = value(
      await seller.applyRedConfirmBill({
        orderNo: "I10-RB-0001",
        invoiceNo: SEEDED.spare112,
        redReason: reason("开票有误"),
        invoiceType: "01",
      })
    );
    // The RPA reported 录入失败 and no number came back (the bureau did take the entry).
    await server.db.db
      .updateTable("red_confirm_forms")
      .set({ entry_status: "录入失败", bill_no: null, confirm_status: null, data_source: "单据开票" })
      .where("serial_no", "=", "I10-RB-0001")
      .execute();
    const rb = await seller.call(EXTENSIONS.redConfirmBillRollback, {
      taxNo: sellerTax,
      serialNo: "I10-RB-0001",
    });
    expect(rb.ok).toBe(false);
    if (!rb.ok) expect(rb.refusal.code).not.toBe("GW_VALIDATION");
    const form = await server.db.db
      .selectFrom("red_confirm_forms")
      .select(["entry_status", "confirm_status", "bill_no"])
      .where("serial_no", "=", "I10-RB-0001")
      .executeTakeFirst();
    expect(form).toEqual({
      entry_status: "录入成功",
      confirm_status: r.redConfirmBillStatus,
      bill_no: r.redInfoBillNo,
    });
  });

  test("a 录入失败 form the bureau never received (no bill under its 流水号): rolled back and deleted", async () => {
    value(
      await seller.applyRedConfirmBill({
        orderNo: "I10-RB-0002",
        invoiceNo: SEEDED.spare114,
        redReason: reason("开票有误"),
        invoiceType: "01",
      })
    );
    const bill = await server.db.db
      .selectFrom("red_confirm_forms")
      .select(["bill_no"])
      .where("serial_no", "=", "I10-RB-0002")
      .executeTakeFirstOrThrow();
    // Not at the bureau: its bill is gone (the entry failed for real).
    await server.db.db
      .deleteFrom("bureau_confirm_bills")
      .where("bill_no", "=", bill.bill_no as string)
      .execute();
    await server.db.db
      .updateTable("red_confirm_forms")
      .set({ entry_status: "录入失败", bill_no: null, confirm_status: null, data_source: "单据开票" })
      .where("serial_no", "=", "I10-RB-0002")
      .execute();
    const rb = await ext(seller, EXTENSIONS.redConfirmBillRollback, {
      taxNo: sellerTax,
      serialNo: "I10-RB-0002",
    });
    expect(rb.deleted).toBe(true);
  });
});

describe("item 8: the 乐企 every-minute re-run also for 更新确认单状态 (> 15 detail lines)", () => {
  test("乐企 statusUpdate over 18 held detail lines: a pass, 进行中, the rest a minute later", async () => {
    const leqi = clientFor(server, "leqi");
    const leqiTax = account(server, "leqi").taxId;
    const nine = Array.from({ length: 9 }, (_, i) => ({ amount: `${100 + i}.00`, rate: "0.06", qty: "1" }));
    for (const n of [1, 2]) {
      const no = await issueBlue(leqi, server, `I10-LEQI-BLUE-${n}`, nine, "leqi");
      value(
        await leqi.applyRedConfirmBill({
          orderNo: `I10-LEQI-RCF-${n}`,
          invoiceNo: no,
          redReason: leqi.reasonCode("开票有误", "2.1.03") as string,
        })
      );
    }
    const upd = value(
      await leqi.downloadRedConfirmBills({
        taxpayerId: leqiTax,
        identity: "0",
        startDate: "2025-10-10",
        endDate: "2025-10-10",
        mode: "statusUpdate",
      } as any)
    );
    const run = async (ms: number) => {
      server.clock.advance(ms);
      return (await ext(leqi, EXTENSIONS.taskQuery, { taskNo: upd.taskNo })).items[0];
    };
    expect(await run(5_000)).toMatchObject({
      type: "redConfirmStatusUpdate",
      status: "进行中",
      total: "2",
      succeeded: "1",
      channel: "乐企",
    });
    expect(await run(59_000)).toMatchObject({ status: "进行中", succeeded: "1" });
    expect(await run(1_000)).toMatchObject({ status: "成功", total: "2", succeeded: "2" });
  });
});

describe("item 7: the first organisation to download a 红字确认单 owns it (002 下载 (3))", () => {
  test("a bill entered outside the cloud: the seller downloads first (INSERT); the buyer's later download does not take it over", async () => {
    const buyer = clientFor(server, "buyer");
    const buyerTax = account(server, "buyer").taxId;
    const r = value(
      await seller.applyRedConfirmBill({
        orderNo: "I10-OWN-0001",
        invoiceNo: SEEDED.spare113,
        redReason: reason("开票有误"),
        invoiceType: "01",
      })
    );
    // Entered at the bureau's own site: nobody in the cloud holds it yet.
    const mine = await server.db.db
      .selectFrom("red_confirm_forms")
      .select("id")
      .where("bill_no", "=", r.redInfoBillNo)
      .execute();
    for (const f of mine) {
      await server.db.db.deleteFrom("red_confirm_form_lines").where("form_id", "=", f.id).execute();
      await server.db.db.deleteFrom("red_confirm_forms").where("id", "=", f.id).execute();
    }
    const download = async (client: GatewayClient, taxpayerId: string, identity: "0" | "1") => {
      const t = value(
        await client.downloadRedConfirmBills({
          taxpayerId,
          identity,
          startDate: "2025-10-10",
          endDate: "2025-10-10",
        })
      );
      server.clock.advance(5_000);
      const task = (await ext(client, EXTENSIONS.taskQuery, { taskNo: t.taskNo })).items[0];
      expect(task.status).toBe("成功");
      return task.items.find((i: any) => i.number === r.redInfoBillNo);
    };
    expect(await download(seller, sellerTax, "0")).toMatchObject({ action: "INSERT" });
    const second = await download(buyer, buyerTax, "1");
    expect(second).toMatchObject({
      action: "UNCHANGED",
      failReason: expect.stringContaining("先从税局下载，归属于该组织"),
    });
    const holders = await server.db.db
      .selectFrom("red_confirm_forms")
      .innerJoin("orgs", "orgs.id", "red_confirm_forms.org_id")
      .select(["orgs.tax_id", "red_confirm_forms.data_source"])
      .where("red_confirm_forms.bill_no", "=", r.redInfoBillNo)
      .execute();
    expect(holders).toEqual([{ tax_id: sellerTax, data_source: "税局下载" }]);
  });
});

describe("item 7: 特别提示 — a buyer's 2.1.03 for a 税控 blue of a seller still on 税控 gives a 红字信息表", () => {
  test("the answer is the 红字信息表 (number, 审核成功) with the engine's notice; no 红字确认单 is created", async () => {
    const buyer = clientFor(server, "buyer");
    const buyerTax = account(server, "buyer").taxId;
    const r = await buyer.call(
      { interfaceCode: "REDCONFIRMBILL.APPLY", endpoint: "sim", description: "2.1.03" } as any,
      {
        orderNo: "I10-TC-ENTRY-1",
        invoiceNo: "20000001",
        invoiceCode: "3200231130",
        enteridentity: "1",
        redReason: buyer.reasonCode("开票有误", "2.1.03") as string,
        invoiceType: "01",
      }
    );
    if (!r.ok) throw new Error(`${r.refusal.code} ${r.refusal.message}`);
    const data = r.data.value as any;
    expect(data).toMatchObject({
      yields: "红字信息表",
      notice: TAX_CONTROL_ENTRY_NOTICE,
      serialNo: "I10-TC-ENTRY-1",
      status: "审核成功",
      applyType: "buyer-deducted",
    });
    expect(data.redInfoBillNo).toMatch(/^\d{16}$/);
    const forms = await server.db.db
      .selectFrom("info_forms")
      .innerJoin("orgs", "orgs.id", "info_forms.org_id")
      .select(["orgs.tax_id", "info_forms.bill_no", "info_forms.applicant", "info_forms.amount"])
      .where("info_forms.serial_no", "=", "I10-TC-ENTRY-1")
      .execute();
    expect(forms).toEqual([
      { tax_id: buyerTax, bill_no: data.redInfoBillNo, applicant: "购方申请-已抵扣", amount: "-8888.88" },
    ]);
    const confirmForms = await server.db.db
      .selectFrom("red_confirm_forms")
      .select("id")
      .where("serial_no", "=", "I10-TC-ENTRY-1")
      .execute();
    expect(confirmForms).toHaveLength(0);
  });
});

describe("item 8: the 红字确认单's 单据编号 is carried to the red invoice (002 字段说明 4)", () => {
  test("2.1.04 via the bill: red_invoices.order_no = the form's 单据编号", async () => {
    const blueNo = await issueBlue(seller, server, "I10-ORDER-BLUE-1");
    const bill = value(
      await seller.applyRedConfirmBill({
        orderNo: "I10-ORDER-RCF-1",
        invoiceNo: blueNo,
        redReason: reason("开票有误"),
        invoiceType: "01",
      })
    );
    expect(bill.redConfirmBillStatus).toBe("01");
    const r = value(
      await seller.redFlushDigital({
        serialNo: "I10-ORDER-RED-1",
        invoiceNum: blueNo,
        redReason: seller.reasonCode("开票有误", "2.1.04") as string,
        invoiceType: "01",
        sellerTaxpayerId: sellerTax,
        redInfoBillNo: bill.redInfoBillNo,
      })
    );
    expect(r.kind).toBe("accepted");
    const red = await server.db.db
      .selectFrom("red_invoices")
      .selectAll()
      .where("serial_no", "=", "I10-ORDER-RED-1")
      .executeTakeFirstOrThrow();
    expect((red as Record<string, unknown>).order_no).toBe("I10-ORDER-RCF-1");
  });
});

describe("item 8: the red number is written back to the linked 负数开票申请单", () => {
  test("a 红字确认单 linked to a 负数开票申请单, red-flushed via the bill → applications.red_invoice_no = the red number", async () => {
    const blueNo = await issueBlue(seller, server, "I10-WB-BLUE-1");
    const bill = value(
      await seller.applyRedConfirmBill({
        orderNo: "I10-WB-RCF-1",
        invoiceNo: blueNo,
        redReason: reason("开票有误"),
        invoiceType: "01",
      })
    );
    const org = await server.db.db
      .selectFrom("orgs")
      .select("id")
      .where("tax_id", "=", sellerTax)
      .executeTakeFirstOrThrow();
    const appId = Number(
      (
        await server.db.db
          .insertInto("applications")
          .values({
            org_id: org.id,
            bill_no: "I10-NEG-APP-1",
            direction: "negative",
            status: "已提交",
            business_system_code: "EXCEL_RED",
            delivery_email: "",
            delivery_phone: "",
            red_invoice_no: null,
            created_at: 0,
            updated_at: 0,
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id
    );
    await server.db.db
      .updateTable("red_confirm_forms")
      .set({ application_id: appId, data_source: "单据开票" })
      .where("serial_no", "=", "I10-WB-RCF-1")
      .execute();
    value(
      await seller.redFlushDigital({
        serialNo: "I10-WB-RED-1",
        invoiceNum: blueNo,
        redReason: seller.reasonCode("开票有误", "2.1.04") as string,
        invoiceType: "01",
        sellerTaxpayerId: sellerTax,
        redInfoBillNo: bill.redInfoBillNo,
      })
    );
    const red = await server.db.db
      .selectFrom("red_invoices")
      .select("invoice_no")
      .where("serial_no", "=", "I10-WB-RED-1")
      .executeTakeFirstOrThrow();
    const app = await server.db.db
      .selectFrom("applications")
      .select("red_invoice_no")
      .where("id", "=", appId)
      .executeTakeFirstOrThrow();
    expect(app.red_invoice_no).toBe(red.invoice_no);
  });
});

describe("item 7: 交付邮箱/手机 of the red from a bill — the linked 开票申请单's pair wins (deliveryContact)", () => {
  async function linkedForm(
    n: number,
    app: { email: string; phone: string },
    form: { email: string; phone: string }
  ) {
    const blueNo = await issueBlue(seller, server, `I10-DC-BLUE-${n}`);
    const bill = value(
      await seller.applyRedConfirmBill({
        orderNo: `I10-DC-RCF-${n}`,
        invoiceNo: blueNo,
        redReason: reason("开票有误"),
        invoiceType: "01",
      })
    );
    const org = await server.db.db
      .selectFrom("orgs")
      .select("id")
      .where("tax_id", "=", sellerTax)
      .executeTakeFirstOrThrow();
    const appId = Number(
      (
        await server.db.db
          .insertInto("applications")
          .values({
            org_id: org.id,
            bill_no: `I10-DC-APP-${n}`,
            direction: "negative",
            status: "已提交",
            business_system_code: "EXCEL_RED",
            delivery_email: app.email,
            delivery_phone: app.phone,
            red_invoice_no: null,
            created_at: 0,
            updated_at: 0,
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id
    );
    await server.db.db
      .updateTable("red_confirm_forms")
      .set({
        application_id: appId,
        data_source: "单据开票",
        delivery_email: form.email,
        delivery_phone: form.phone,
      })
      .where("serial_no", "=", `I10-DC-RCF-${n}`)
      .execute();
    value(
      await seller.redFlushDigital({
        serialNo: `I10-DC-RED-${n}`,
        invoiceNum: blueNo,
        redReason: seller.reasonCode("开票有误", "2.1.04") as string,
        invoiceType: "01",
        sellerTaxpayerId: sellerTax,
        redInfoBillNo: bill.redInfoBillNo,
      })
    );
    const red = (await server.db.db
      .selectFrom("red_invoices")
      .selectAll()
      .where("serial_no", "=", `I10-DC-RED-${n}`)
      .executeTakeFirstOrThrow()) as Record<string, unknown>;
    return { email: red.delivery_email, phone: red.delivery_phone };
  }

  test("application has only a phone: its pair as is (email stays empty, not filled from the form)", async () => {
    expect(
      await linkedForm(
        1,
        { email: "", phone: "13800000000" },
        { email: "form@example.com", phone: "13900000000" }
      )
    ).toEqual({ email: "", phone: "13800000000" });
  });

  test("application has neither: the form's pair", async () => {
    expect(
      await linkedForm(2, { email: "", phone: "" }, { email: "form@example.com", phone: "13900000000" })
    ).toEqual({ email: "form@example.com", phone: "13900000000" });
  });
});

describe("item 7: 匹配结果推送 forms — the ±0.001 entry tolerance (entryQuantityCheck, domain-rules §4.11)", () => {
  const apply = (orderNo: string, invoiceNo: string, quantity: string, matched: boolean) =>
    seller.applyRedConfirmBill({
      orderNo,
      invoiceNo,
      redReason: reason("开票有误"),
      invoiceType: "01",
      invoiceDetail: [{ originalSeq: 0, quantity, amount: "-1000.00", taxAmount: "-130.00" }],
      ...(matched ? { dataSource: "匹配结果推送" as const } : {}),
    });

  test("d = +0.0005: entered with the blue's remaining quantity −10 (数据来源 匹配结果推送); d = +0.002: QTY_TOLERANCE_EXCEEDED; not matched: no tolerance", async () => {
    const blueNo = await issueBlue(seller, server, "I10-MATCH-BLUE-1");
    const over = await apply("I10-MATCH-RCF-0", blueNo, "-10.002", true);
    expect(over.ok ? "" : over.refusal.code).toBe("QTY_TOLERANCE_EXCEEDED");
    const plain = await apply("I10-MATCH-RCF-P", blueNo, "-10.0005", false);
    expect(plain.ok).toBe(false);

    const r = value(await apply("I10-MATCH-RCF-1", blueNo, "-10.0005", true));
    expect(r.redInfoBillNo).toMatch(/^\d{16}$/);
    const stored = await server.db.db
      .selectFrom("red_confirm_form_lines")
      .innerJoin("red_confirm_forms", "red_confirm_forms.id", "red_confirm_form_lines.form_id")
      .select([
        "red_confirm_forms.data_source",
        "red_confirm_form_lines.quantity",
        "red_confirm_form_lines.amount",
        "red_confirm_form_lines.tax_amount",
      ])
      .where("red_confirm_forms.serial_no", "=", "I10-MATCH-RCF-1")
      .execute();
    expect(stored).toEqual([
      { data_source: "匹配结果推送", quantity: "-10", amount: "-1000.00", tax_amount: "-130.00" },
    ]);
  });
});
