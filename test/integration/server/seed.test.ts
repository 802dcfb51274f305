/**
 * The sandbox seed: valid tax IDs, the enterprises and invoice kinds the workflows need, amounts
 * that are internally consistent to the cent, determinism, and first-start-only seeding.
 */
import { Dec, round2HalfUp } from "../../../src/domain/money";
import { isValidUscc } from "../../../src/domain/parse/taxId";
import { sandboxAccounts, seedIfEmpty } from "../../../src/server/sandbox/seed";
import { TEST_SECRETS, type TestDb, openTestDb } from "./helpers";

jest.setTimeout(30_000);

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
  expect(await seedIfEmpty(t.handle.db, t.handle.dialect, TEST_SECRETS)).toBe(true);
});
afterAll(async () => {
  await t.cleanup();
});

const R2 = (v: Dec) => round2HalfUp(v).toFixed(2);

test("seeding happens once: a seeded database is left alone", async () => {
  expect(await seedIfEmpty(t.handle.db, t.handle.dialect, TEST_SECRETS)).toBe(false);
  const orgs = await t.handle.db.selectFrom("orgs").select("id").execute();
  expect(orgs).toHaveLength(5);
});

test("enterprises: valid 统一社会信用代码, every profile the workflows need, credentials for each", async () => {
  const orgs = await t.handle.db.selectFrom("orgs").selectAll().orderBy("id").execute();
  for (const o of orgs) expect(isValidUscc(o.tax_id)).toBe(true);
  expect(new Set(orgs.map((o) => o.tax_id)).size).toBe(orgs.length);
  const profile = orgs.map((o) => [o.taxpayer_type, o.issue_system, o.digital_channel]);
  expect(profile).toEqual([
    ["一般纳税人", "数电", "RPA"],
    ["一般纳税人", "数电", "RPA"],
    ["一般纳税人", "税控", null],
    ["小规模纳税人", "数电", "RPA"],
    ["一般纳税人", "数电", "乐企"],
  ]);
  const accounts = await sandboxAccounts(t.handle.db, TEST_SECRETS);
  expect(accounts).toHaveLength(5);
  for (const a of accounts) {
    expect(a.appSecret).toBe(TEST_SECRETS.appSecrets[a.appId.replace("hcsbx_", "")]);
    expect(a.accountId).toMatch(/^\d{19}$/);
    expect(a.user).toMatch(/^hc_/);
  }
  // The seller's counterparty is the seeded buyer (two-enterprise confirmation flow).
  const seller = orgs[0];
  const buyer = orgs[1];
  const sellerInvoices = await t.handle.db
    .selectFrom("blue_invoices")
    .select("buyer_tax_id")
    .where("org_id", "=", seller.id)
    .execute();
  expect(sellerInvoices.length).toBeGreaterThan(5);
  for (const i of sellerInvoices) expect(i.buyer_tax_id).toBe(buyer.tax_id);
});

test("blue invoices of every kind and situation", async () => {
  const inv = await t.handle.db.selectFrom("blue_invoices").selectAll().execute();
  const lines = await t.handle.db.selectFrom("blue_invoice_lines").selectAll().execute();
  expect(new Set(inv.map((i) => i.kind))).toEqual(
    new Set([
      "增值税普通发票",
      "增值税电子普通发票",
      "增值税专用发票",
      "增值税电子专用发票",
      "数电发票（普通发票）",
      "数电发票（增值税专用发票）",
    ])
  );
  expect(new Set(inv.map((i) => i.invoice_type))).toEqual(new Set(["01", "02", "004", "007", "026", "028"]));
  for (const i of inv) {
    expect(i.invoice_no).toMatch(i.invoice_code === "" ? /^\d{20}$/ : /^\d{8}$/);
    if (i.invoice_code !== "") expect(i.invoice_code).toMatch(/^(\d{10}|\d{12})$/);
  }
  const partial = inv.filter(
    (i) => new Dec(i.remaining_amount).lt(i.amount) && new Dec(i.remaining_amount).gt(0)
  );
  expect(partial.length).toBeGreaterThanOrEqual(2);
  expect(partial.every((i) => i.status === "部分红冲")).toBe(true);
  expect(inv.some((i) => i.status === "全额红冲" && i.remaining_amount === "0.00")).toBe(true);
  expect(lines.some((l) => l.line_property === "1")).toBe(true);
  expect(lines.some((l) => l.has_discount_line === 1 && l.line_property === "2")).toBe(true);
  expect(
    lines.filter((l) => l.revenue_code === "3040502020101000000" && l.tax_rate === "0.015")
  ).toHaveLength(1);
  expect(
    lines.filter((l) => l.revenue_code === "3040502020102000000" && l.tax_rate === "0.015")
  ).toHaveLength(1);
  const diff = inv.filter((i) => i.tax_mode === "差额征税");
  expect(diff).toHaveLength(1);
  expect(diff[0].deduction).toBe("5000.00");
  expect(inv.some((i) => i.buyer_usage_confirmed === 1 && i.invoice_type === "01")).toBe(true);
  expect(inv.some((i) => i.buyer_usage_confirmed === 0 && i.invoice_type === "01")).toBe(true);
  const pending = await t.handle.db.selectFrom("pending_reds").selectAll().execute();
  expect(pending.length).toBeGreaterThanOrEqual(2);
  for (const p of pending) expect(new Dec(p.amount).isNegative()).toBe(true);
});

test("amounts are exact and consistent: 含税 = 不含税 + 税额, header = Σ lines, tax by the line's formula", async () => {
  const inv = await t.handle.db.selectFrom("blue_invoices").selectAll().execute();
  const lines = await t.handle.db.selectFrom("blue_invoice_lines").selectAll().execute();
  for (const i of inv) {
    expect(new Dec(i.amount).add(i.tax_amount).toFixed(2)).toBe(i.total_amount);
    const own = lines.filter((l) => l.invoice_id === i.id);
    const sum = (f: (l: (typeof own)[number]) => string) =>
      own.reduce((a, l) => a.add(f(l)), new Dec(0)).toFixed(2);
    expect(sum((l) => l.amount)).toBe(i.amount);
    expect(sum((l) => l.tax_amount)).toBe(i.tax_amount);
    expect(sum((l) => l.remaining_amount)).toBe(i.remaining_amount);
    expect(sum((l) => l.remaining_tax)).toBe(i.remaining_tax);
    for (const l of own) {
      for (const v of [l.amount, l.tax_amount, l.remaining_amount, l.remaining_tax])
        expect(v).toMatch(/^-?\d+\.\d{2}$/);
      const gross = new Dec(l.amount).add(l.tax_amount);
      const expected =
        l.revenue_code === "3040502020101000000"
          ? R2(gross.div("1.015").mul("0.015"))
          : l.revenue_code === "3040502020102000000"
            ? R2(gross.div("1.05").mul("0.015"))
            : i.tax_mode === "差额征税"
              ? R2(
                  gross
                    .sub(i.deduction as string)
                    .div(new Dec(l.tax_rate).add(1))
                    .mul(l.tax_rate)
                )
              : R2(new Dec(l.amount).mul(l.tax_rate));
      expect(l.tax_amount).toBe(expected);
      if (l.quantity !== null && l.price !== null)
        expect(new Dec(l.price).mul(l.quantity).sub(l.amount).abs().lte("0.01")).toBe(true);
      expect(new Dec(l.remaining_amount).abs().lte(new Dec(l.amount).abs())).toBe(true);
    }
  }
  // The reduced-levy figures the manual's formulas give.
  const rental = lines.find((l) => l.revenue_code === "3040502020102000000");
  expect(rental).toMatchObject({ amount: "3105.00", tax_amount: "45.00" });
  const generic = lines.find((l) => l.revenue_code === "3040502020101000000");
  expect(generic).toMatchObject({ amount: "10000.00", tax_amount: "150.00" });
});

test("the buyer's input side: flight ticket after 2025-07-28 and a toll invoice at the bureau; pool with 已验 entries", async () => {
  const bureau = await t.handle.db.selectFrom("bureau_invoices").selectAll().execute();
  const flight = bureau.find(
    (b) => b.invoice_type_name === "数电发票（航空运输电子客票行程单）" && b.invoice_date >= "2025-07-28"
  );
  expect(flight).toMatchObject({
    invoice_type: "61",
    amount: "1000.00",
    tax_amount: "90.00",
    total_amount: "1090.00",
  });
  expect(bureau.find((b) => b.invoice_type_name === "数电发票（通行费发票）")).toMatchObject({
    invoice_type: "59",
    amount: "97.09",
    tax_amount: "2.91",
    total_amount: "100.00",
  });
  const pool = await t.handle.db.selectFrom("input_pool").selectAll().execute();
  expect(pool.length).toBeGreaterThan(0);
  expect(pool.every((p) => p.verify_status === "已验")).toBe(true);
  const buyer = await t.handle.db
    .selectFrom("orgs")
    .select(["id", "tax_id"])
    .where("code", "=", "ORG-BUYER")
    .executeTakeFirstOrThrow();
  expect(new Set(pool.map((p) => p.org_id))).toEqual(new Set([buyer.id]));
  expect(new Set(bureau.map((b) => b.buyer_tax_id))).toEqual(new Set([buyer.tax_id]));
});

test("deterministic: a second database with the same secrets seeds to the same rows and credentials", async () => {
  const other = await openTestDb();
  try {
    await seedIfEmpty(other.handle.db, other.handle.dialect, TEST_SECRETS);
    const dump = async (h: TestDb) => ({
      orgs: await h.handle.db.selectFrom("orgs").selectAll().orderBy("id").execute(),
      apps: await h.handle.db.selectFrom("apps").selectAll().orderBy("id").execute(),
      blue: await h.handle.db.selectFrom("blue_invoices").selectAll().orderBy("id").execute(),
      lines: await h.handle.db.selectFrom("blue_invoice_lines").selectAll().orderBy("id").execute(),
    });
    expect(await dump(other)).toEqual(await dump(t));
  } finally {
    await other.cleanup();
  }
});
