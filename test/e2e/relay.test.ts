/**
 * The task pane through a relay (issue 9 item 6): the production build in Debian's Chromium talks to a
 * relay-mode gateway, which forwards to the real sandbox gateway. One 数电 红冲 of one blue invoice, as a
 * clerk does it: the pane's HC.BLUEINVOICE.QUERY refresh is refused by the relay (GW_SANDBOX_ONLY), so
 * the preflight uses the sheet's amounts and says why; 2.1.04 and the 4.1.04 read-back go upstream.
 */
import { FLIGHT_TOTAL_POOL_NOTE } from "../../src/domain/inferred";
import { digitalInvoiceNo } from "../../src/server/sandbox/seed";
import {
  clickAndWait,
  expectText,
  openPane,
  requireChromium,
  screenshot,
  signIn,
  startE2E,
  viewSheet,
  whileClockRuns,
  type E2E,
  type Pane,
} from "./support/harness";
import { blueInvoiceSheet, blueInvoices } from "./support/workbooks";

jest.setTimeout(90_000);

const executable = requireChromium();
let env: E2E | null = null;
const panes: Pane[] = [];

beforeAll(async () => {
  if (executable) env = await startE2E(executable, { relay: true });
}, 240_000);

afterEach(async () => {
  const opened = panes.splice(0);
  for (const p of opened) await p.close();
  for (const p of opened) {
    expect(p.pageErrors).toEqual([]);
    expect(p.consoleErrors.filter((e) => !/^Failed to load resource/.test(e))).toEqual([]);
    expect(p.blocked).toEqual([]);
  }
});

afterAll(async () => {
  await env?.close();
});

test("数电 红冲 of one blue invoice through the relay: sheet amounts (HC.* refused there), 2.1.04 upstream, the red in the sheet", async () => {
  const E = env;
  if (!E) return;
  const relay = E.relay!;
  const blueNo = digitalInvoiceNo("25", "33", 2);
  const digital = await blueInvoices(E.gateway, [blueNo]);
  const p = await openPane(E, {
    sheets: [{ name: "数电蓝票", rows: blueInvoiceSheet(digital) }],
    select: { sheet: "数电蓝票", address: "A2" },
  });
  panes.push(p);
  const { page } = p;
  const sandboxReds = async () =>
    E.gateway.db.db
      .selectFrom("red_invoices")
      .innerJoin("blue_invoices", "blue_invoices.id", "red_invoices.blue_invoice_id")
      .select(["red_invoices.invoice_no", "red_invoices.serial_no"])
      .where("blue_invoices.invoice_no", "=", blueNo)
      .execute();
  expect(await sandboxReds()).toEqual([]);

  // 测试连接 through the relay: login upstream, /health answered by the relay itself.
  await signIn(page, E.account("seller"));
  await page.getByTestId("set-test").click();
  await expectText(page.getByTestId("set-message"), "连接成功");

  await page.getByTestId("tab-redFlush").click();
  await clickAndWait(page, "redflush-preflight", "redflush", "redflush-preflight");
  const row = page.getByTestId("redflush-preflight-row").first();
  expect(await row.getAttribute("data-row")).toBe("2");
  expect(await row.getAttribute("data-eligible")).toBe("true");
  await expectText(page.getByTestId("redflush-summary"), "共 1 张：1 张可红冲，0 张不可红冲，0 张已完成");
  // The refresh from the gateway is our extension: the relay refuses it and the pane says so.
  await expectText(
    page.locator("body"),
    "剩余可红冲金额取自工作表。 该功能仅在沙箱模式下可用：当前连接的是真实发票云，请在发票云中完成此操作"
  );

  await clickAndWait(page, "redflush-run", "redflush", "redflush-preflight");
  await page.getByTestId("redflush-result-summary").waitFor({ timeout: 60_000 });
  const result = page.getByTestId("redflush-result-row").first();
  expect([await result.getAttribute("data-row"), await result.getAttribute("data-status")]).toEqual([
    "2",
    "success",
  ]);
  await expectText(page.getByTestId("redflush-result-summary"), "成功 1，失败 0，处理中 0，跳过 0");

  const sheet = await viewSheet(page, "数电蓝票");
  expect(sheet.text(2, "处理状态")).toBe("成功");
  expect(sheet.text(2, "处理路径")).toBe("红字确认单申请页");
  expect(sheet.text(2, "确认状态")).toBe("无需确认");
  expect(sheet.text(2, "流水号")).toMatch(/^HC-RED-/);
  expect(sheet.text(2, "红票号码")).toMatch(/^\d{20}$/);
  // The red exists in the sandbox behind the relay, under the sheet's serial — once.
  expect(await sandboxReds()).toEqual([
    { invoice_no: sheet.text(2, "红票号码"), serial_no: sheet.text(2, "流水号") },
  ]);
  await screenshot(page, "relay-red-flush");

  // The relay's audit: what it forwarded and what it refused, none of the clerk's data.
  const rows = await relay.db.db
    .selectFrom("audit")
    .select(["action", "after_json"])
    .where("entity", "=", "relay")
    .orderBy("id")
    .execute();
  const audited = rows.map((r) => {
    const a = JSON.parse(r.after_json ?? "{}") as { status: number | null; refusalCode?: string };
    return [r.action, a.status, a.refusalCode ?? null];
  });
  expect(audited).toEqual([
    // 测试连接 (its own login), then the workflow's client: one login for its calls.
    ["/api/getAppToken.do", 200, null],
    ["/api/login.do", 200, null],
    ["/api/getAppToken.do", 200, null],
    ["/api/login.do", 200, null],
    ["HC.BLUEINVOICE.QUERY", null, "GW_SANDBOX_ONLY"],
    ["ALLE.INVOICE.RED", 200, null],
    ["ALLE.INVOICE.QUERY", 200, null],
  ]);
  expect(p.apiCalls).toEqual(["/kapi/app/sim/openApi", "/kapi/app/sim/openApi", "/kapi/app/sim/openApi"]);
  const text = rows.map((r) => r.after_json ?? "").join("\n");
  expect(text).not.toContain(sheet.text(2, "流水号"));
  expect(text).not.toContain(blueNo);
  expect(text).not.toContain(E.account("seller").appSecret);
});

test("进项同步 through the relay: 4.02 starts the collection upstream, 4.03 is polled through it, the pool is written", async () => {
  const E = env;
  if (!E) return;
  const relay = E.relay!;
  const p = await openPane(E, { sheets: [] });
  panes.push(p);
  const { page } = p;
  const auditedBefore = (
    await relay.db.db.selectFrom("audit").select("id").where("entity", "=", "relay").execute()
  ).length;

  await signIn(page, E.account("buyer"));
  await page.getByTestId("tab-inputSync").click();
  await page.getByTestId("input-startDate").fill("2025-01-01");
  await page.getByTestId("input-endDate").fill("2025-10-31");
  await page.getByTestId("input-download").click();
  await whileClockRuns(E.clock, async () =>
    (await page.getByTestId("input-summary").count()) > 0 ? true : null
  );
  const summary = (await page.getByTestId("input-summary").textContent()) ?? "";
  const m = /^下载 (\d+) 张：新增 (\d+)，更新 0，变更 0 条$/.exec(summary);
  expect(m).not.toBeNull();
  const downloaded = Number(m![1]);
  expect(downloaded).toBeGreaterThanOrEqual(30);
  expect(Number(m![2])).toBe(downloaded);

  await clickAndWait(page, "input-write", "input", "input-download");
  await expectText(
    page.getByTestId("input-message"),
    `已写入：更新 0 行，新增 ${downloaded} 行；变更记录 0 条`
  );
  const written = await viewSheet(page, "进项发票池");
  expect(written.dump.rows).toHaveLength(1 + downloaded);
  // Issue 10 item 6: the flight ticket of 2025-08-15 is flagged in 提示 (the formula is the bureau's);
  // the one of 2025-07-20 and every other invoice are not.
  const rowOf = (no: string) =>
    written.dump.rows.slice(1).findIndex((r) => r[written.col("发票号码")] === no) + 2;
  const flagged = written.dump.rows.slice(1).filter((r) => String(r[written.col("提示")] ?? "") !== "");
  expect(flagged.map((r) => r[written.col("发票号码")])).toEqual([digitalInvoiceNo("25", "31", 880001)]);
  expect(written.text(rowOf(digitalInvoiceNo("25", "31", 880001)), "提示")).toContain(FLIGHT_TOTAL_POOL_NOTE);
  await screenshot(page, "relay-input-sync");

  // Everything the sync needed went upstream; nothing was refused as sandbox-only.
  const rows = await relay.db.db
    .selectFrom("audit")
    .select(["action", "after_json"])
    .where("entity", "=", "relay")
    .orderBy("id")
    .execute();
  const actions = rows.slice(auditedBefore).map((r) => {
    const a = JSON.parse(r.after_json ?? "{}") as { status: number | null; refusalCode?: string };
    return [r.action, a.status, a.refusalCode ?? null];
  });
  expect(actions.filter(([, status]) => status !== 200)).toEqual([]);
  expect(actions.map(([a]) => a)).toContain("invoiceHeaderCollect");
  expect(actions.map(([a]) => a)).toContain("invoiceHeaderCollectResult");
});
