/**
 * (d) 2.1.13 ALLE.REDCONFIRMBILL.QUERY as a company's history grows: requests/s at 1,000, 10,000 and
 * 100,000 bills (quick: 1,000 and 10,000) in one run, on its own throwaway database (the bills of the
 * other gateway benches would blur the levels, and 100,000 bills would slow theirs).
 *
 * History: the seller enters 100 bills a day, newest at the bench clock; the last 72 hours await the
 * buyer (02, none overdue), older ones are confirmed (04) or voided (07, one in ten). Every bill has the
 * seller's blue invoice and the seller's record (red_confirm_forms), as after 2.1.03. Each level tops
 * the history up to N bills and measures the same rotation of four calls a clerk makes, one in flight:
 * a number looked up (redInfoBillNo), the first page (no filter), 销方 bills of the last week and the
 * 10th page — each answered with its totalElement. Baseline: /health round trips of the same run;
 * ratio = requests/s at N / requests/s at 1,000 (the goal: 100,000 within 1.5×, i.e. ratio ≥ 0.667).
 */
import type { Report } from "../run";
import { chinaDate, chinaDateTime } from "../../src/server/clock";
import { withTx } from "../../src/server/db/tx";
import { bureauBillNo, bureauBillUuid } from "../../src/server/sandbox/interfaces/redConfirmShared";
import { digitalInvoiceNo } from "../../src/server/sandbox/seed";
import {
  BENCH_NOW,
  type Env,
  client,
  generateBlues,
  healthBaseline,
  ms,
  percentile,
  round,
  startEnv,
  taxIdOf,
} from "./env";

const HOUR = 3_600_000;
/** Bills the seller enters a day (the history's density: the week filter sees ~700 at every level). */
const BILLS_PER_DAY = 100;
/** Above the sandbox's own bill numbers (BILL_NO_SEQUENCE starts low). */
const BILL_SEQ_BASE = 500_000_000;
/** Longest a level is measured for (at least 20 requests). */
const MAX_LEVEL_MS = 30_000;

/** Age of the k-th bill (0 = newest) and what the bureau holds for it. */
function historyBill(k: number) {
  const enteredMs = BENCH_NOW - Math.round((k * 24 * HOUR) / BILLS_PER_DAY) - 60_000;
  const awaiting = BENCH_NOW - enteredMs < 72 * HOUR;
  const status = awaiting ? "02" : k % 10 === 0 ? "07" : "04";
  return { enteredMs, status, confirmedMs: status === "04" ? enteredMs + HOUR : null };
}

/**
 * Add `n` bills to the seller's history after the `have` already generated (blues, bureau bills,
 * seller forms), older than those.
 */
async function growHistory(env: Env, have: number, n: number): Promise<void> {
  if (n <= 0) return;
  const blueNo = (i: number) => digitalInvoiceNo("25", "33", 30_000_000 + have + i);
  await generateBlues(
    env,
    {
      sellerKey: "seller",
      buyerKey: "buyer",
      kind: "数电发票（增值税专用发票）",
      type: "01",
      code: "",
      no: blueNo,
      usageConfirmed: true,
    },
    n
  );
  const db = env.db.db;
  const seller = await db
    .selectFrom("orgs")
    .selectAll()
    .where("tax_id", "=", taxIdOf(env, "seller"))
    .executeTakeFirstOrThrow();
  const buyer = await db
    .selectFrom("orgs")
    .selectAll()
    .where("tax_id", "=", taxIdOf(env, "buyer"))
    .executeTakeFirstOrThrow();
  const lines = JSON.stringify([
    {
      originalSeq: "0",
      lineProperty: "0",
      goodsName: "钢材",
      revenueCode: "1080299000000000000",
      specification: "",
      units: "吨",
      quantity: "-10",
      price: "100",
      amount: "-1000.00",
      taxRate: "0.13",
      taxAmount: "-130.00",
    },
  ]);
  await withTx(db, async (tx) => {
    for (let start = 0; start < n; start += 500) {
      const chunk = Array.from({ length: Math.min(500, n - start) }, (_, j) => {
        const i = start + j;
        const k = have + i; // position in the history, 0 = newest
        const h = historyBill(k);
        const billNo = bureauBillNo(seller.tax_id, BILL_SEQ_BASE + k);
        return {
          bill: {
            gov_uuid: bureauBillUuid(billNo),
            bill_no: billNo,
            seller_tax_id: seller.tax_id,
            seller_name: seller.name,
            buyer_tax_id: buyer.tax_id,
            buyer_name: buyer.name,
            entrant_role: "销方" as const,
            confirm_status: h.status,
            blue_invoice_code: "",
            blue_invoice_no: blueNo(i),
            blue_invoice_date: "2025-09-15 10:00:00",
            invoice_type: "01" as const,
            red_reason: "开票有误",
            amount: "-1000.00",
            tax_amount: "-130.00",
            lines_json: lines,
            entered_at: chinaDateTime(h.enteredMs),
            entered_at_ms: h.enteredMs,
            confirmed_at: h.confirmedMs === null ? null : chinaDateTime(h.confirmedMs),
            red_invoice_no: null,
            red_invoice_date: null,
            updated_at: h.enteredMs,
            entry_serial_no: `BENCH-Q-${k}`,
          },
          h,
        };
      });
      await tx
        .insertInto("bureau_confirm_bills")
        .values(chunk.map((c) => c.bill))
        .execute();
      await tx
        .insertInto("red_confirm_forms")
        .values(
          chunk.map(({ bill, h }) => ({
            org_id: seller.id,
            serial_no: bill.entry_serial_no,
            bill_no: bill.bill_no,
            gov_uuid: bill.gov_uuid,
            order_no: bill.entry_serial_no,
            confirm_status: h.status,
            entry_status: "录入成功" as const,
            invoice_status: "未开票" as const,
            audit_status: "无需审批" as const,
            data_source: "单据开票" as const,
            entrant_role: "销方" as const,
            my_role: "销方" as const,
            seller_org_id: seller.id,
            buyer_org_id: buyer.id,
            seller_tax_id: seller.tax_id,
            seller_name: seller.name,
            buyer_tax_id: buyer.tax_id,
            buyer_name: buyer.name,
            blue_invoice_id: null,
            blue_invoice_code: "",
            blue_invoice_no: bill.blue_invoice_no,
            blue_invoice_date: bill.blue_invoice_date,
            invoice_type: "01" as const,
            red_reason: bill.red_reason,
            amount: bill.amount,
            tax_amount: bill.tax_amount,
            entered_at: bill.entered_at,
            entered_at_ms: bill.entered_at_ms,
            confirmed_at: bill.confirmed_at,
            red_invoice_no: null,
            red_invoice_date: null,
            allocated: 0 as const,
            application_id: null,
            delivery_email: "",
            delivery_phone: "",
            remark: "",
            created_at: h.enteredMs,
            updated_at: h.enteredMs,
          }))
        )
        .execute();
    }
  });
}

async function sellerBills(env: Env): Promise<number> {
  const me = taxIdOf(env, "seller");
  const r = await env.db.db
    .selectFrom("bureau_confirm_bills")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where((eb) => eb.or([eb("seller_tax_id", "=", me), eb("buyer_tax_id", "=", me)]))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function benchConfirmQuery(parent: Env, report: Report, quick: boolean): Promise<void> {
  const env = await startEnv(parent.label);
  try {
    if (!env.registryCodes.includes("ALLE.REDCONFIRMBILL.QUERY")) return;
    const levels = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
    const requests = quick ? 200 : 600;
    const seller = client(env, "seller");
    const taxpayerId = taxIdOf(env, "seller");
    const weekAgo = chinaDate(BENCH_NOW - 6 * 24 * HOUR);
    const today = chinaDate(BENCH_NOW);
    let base: number | undefined;
    let generated = 0;
    for (const level of levels) {
      const add = level - (await sellerBills(env));
      await growHistory(env, generated, add);
      generated += Math.max(0, add);
      const bills = await sellerBills(env);
      const health = await healthBaseline(env, quick ? 300 : 1000);
      const lookupNo = (i: number) =>
        bureauBillNo(taxpayerId, BILL_SEQ_BASE + ((i * 7919) % Math.max(1, generated)));
      const calls = [
        (i: number) => seller.queryRedConfirmBills({ taxpayerId, redInfoBillNo: lookupNo(i) }),
        () => seller.queryRedConfirmBills({ taxpayerId }),
        () => seller.queryRedConfirmBills({ taxpayerId, identity: "0", startDate: weekAgo, endDate: today }),
        () => seller.queryRedConfirmBills({ taxpayerId, pageNo: "10", pageSize: "100" }),
      ];
      const lat: number[][] = calls.map(() => []);
      let failures = 0;
      for (let i = 0; i < 8; i++) await calls[i % calls.length](i); // warm-up (token, statement cache)
      // Bounded in time too: a slow level (the whole list loaded per call) still ends.
      const t0 = process.hrtime.bigint();
      let done = 0;
      for (let i = 0; i < requests && (i < 20 || ms(t0) < MAX_LEVEL_MS); i++, done++) {
        const t = process.hrtime.bigint();
        const r = await calls[i % calls.length](i);
        lat[i % calls.length].push(ms(t));
        if (!r.ok || r.data.dataList.length === 0) failures++;
      }
      const total = ms(t0);
      const rps = (done * 1000) / total;
      base ??= rps;
      const p50 = (a: number[]) =>
        round(
          percentile(
            [...a].sort((x, y) => x - y),
            50
          )
        );
      report({
        bench: "gateway.confirmQuery.rps",
        value: round(rps, 1),
        unit: "requests/s",
        ratio: round(rps / base),
        db: env.label,
        bills,
        requests: done,
        failures,
        workload: "2.1.13: by number / first page / 销方 last week / page 10 (totalElement each)",
        baseline: `2.1.13 requests/s at ${levels[0]} bills (goal at 100,000: ratio ≥ 0.667)`,
        vsHealth: round(rps / health.rps),
        healthRps: round(health.rps, 1),
        p50Ms: { byNumber: p50(lat[0]), firstPage: p50(lat[1]), lastWeek: p50(lat[2]), page10: p50(lat[3]) },
      });
    }
  } finally {
    await env.close();
  }
}
