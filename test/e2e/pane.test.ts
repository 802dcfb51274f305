/**
 * Browser tests of the task pane (issue 4 §4): the production build in Debian's Chromium, an in-memory
 * Excel injected before the page loads, the real sandbox gateway behind the pane's own origin. Each
 * test drives one workflow as a clerk would and saves a screenshot to test-artifacts/e2e/.
 */
import { digitalInvoiceNo } from "../../src/server/sandbox/seed";
import type { Page } from "playwright-core";
import { REFUSALS } from "../../src/domain/refusals";
import { FAILURE_FILL, MARK_PREFIX } from "../../src/sheet/writePlan";
import {
  clickAndWait,
  expectText,
  openPane,
  requireChromium,
  screenshot,
  selectRange,
  typeCells,
  sheetNames,
  signIn,
  startE2E,
  viewSheet,
  whileClockRuns,
  type E2E,
  type Pane,
  type SheetView,
} from "./support/harness";
import { blueInvoiceSheet, blueInvoices } from "./support/workbooks";

jest.setTimeout(90_000);

const executable = requireChromium();
let env: E2E | null = null;
const panes: Pane[] = [];

beforeAll(async () => {
  if (executable) env = await startE2E(executable);
}, 240_000);

// Every pane: no uncaught exception, no console error (aborted resource loads aside) and no request
// outside 127.0.0.1 and the office.js CDN.
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

/** The environment, or null when Chromium is missing outside CI (the test then only says so). */
function e2e(): E2E | null {
  return env;
}

async function pane(init: Parameters<typeof openPane>[1]): Promise<Pane> {
  const p = await openPane(env!, init);
  panes.push(p);
  return p;
}

const dn = (seq: number) => digitalInvoiceNo("25", "33", seq);

test("设置 → 测试连接 logs in to the sandbox and passes the health check", async () => {
  const E = e2e();
  if (!E) return;
  const { page } = await pane({ sheets: [] });
  await signIn(page, E.account("seller"));
  await page.getByTestId("set-test").click();
  await expectText(page.getByTestId("set-message"), "连接成功");
  await screenshot(page, "settings");

  // A wrong secret is refused at login with the gateway's Chinese message.
  await page.getByTestId("set-appSecret").fill("wrong-secret");
  await page.getByTestId("set-test").click();
  await expectText(page.getByTestId("set-message"), REFUSALS.GW_APP_CREDENTIALS_INVALID);
  expect(await page.getByTestId("set-message").textContent()).toMatch(/^登录失败：/);
});

async function count(table: "red_invoices" | "info_forms" | "red_confirm_forms"): Promise<number> {
  const db = env!.gateway.db.db;
  const r = await db
    .selectFrom(table)
    .select(db.fn.countAll<string | number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The preflight rows as { row → [eligible, 预检结果 text] }. */
async function preflightRows(page: Page): Promise<Record<string, { eligible: boolean; text: string }>> {
  const rows = page.getByTestId("redflush-preflight-row");
  const out: Record<string, { eligible: boolean; text: string }> = {};
  for (const r of await rows.all()) {
    out[(await r.getAttribute("data-row")) ?? ""] = {
      eligible: (await r.getAttribute("data-eligible")) === "true",
      text: (await r.textContent()) ?? "",
    };
  }
  return out;
}

async function resultRows(page: Page): Promise<Record<string, { status: string; text: string }>> {
  const out: Record<string, { status: string; text: string }> = {};
  for (const r of await page.getByTestId("redflush-result-row").all()) {
    out[(await r.getAttribute("data-row")) ?? ""] = {
      status: (await r.getAttribute("data-status")) ?? "",
      text: (await r.textContent()) ?? "",
    };
  }
  return out;
}

async function preflight(page: Page): Promise<Record<string, { eligible: boolean; text: string }>> {
  await clickAndWait(page, "redflush-preflight", "redflush", "redflush-preflight");
  await page.getByTestId("redflush-preflight-table").waitFor();
  return preflightRows(page);
}

async function redFlush(page: Page): Promise<Record<string, { status: string; text: string }>> {
  await clickAndWait(page, "redflush-run", "redflush", "redflush-preflight");
  await page.getByTestId("redflush-result-summary").waitFor({ timeout: 60_000 });
  return resultRows(page);
}

test("发票红冲: 预检 every row, 红冲 by route, results and bad cells in the sheet, a re-run issues nothing twice", async () => {
  const E = e2e();
  if (!E) return;
  // 税控 clerk: 普票 (2.2.02), 专票 (红字信息表 2.2.04), too much requested, a bad 购方税号, text as amount.
  const taxctl = await blueInvoices(E.gateway, ["40000001", "20000001", "10000002", "10000001", "30000001"]);
  const badTaxId = taxctl[3].buyerTaxId.slice(0, 17) + (taxctl[3].buyerTaxId.endsWith("1") ? "2" : "1");
  // 数电 clerk: 普票 and an unconfirmed 专票 (2.1.04, issued at once), and a 全额红冲 one.
  const digital = await blueInvoices(E.gateway, [dn(2), dn(9), dn(8)]);
  const { page } = await pane({
    sheets: [
      {
        name: "蓝票清单",
        rows: blueInvoiceSheet(taxctl, [
          undefined,
          undefined,
          { 本次红冲金额: 5000 },
          { 购方税号: badTaxId },
          { 本次红冲金额: "一百元" },
        ]),
      },
      { name: "数电蓝票", rows: blueInvoiceSheet(digital) },
    ],
    select: { sheet: "蓝票清单", address: "A2:A6" },
  });
  const redBefore = await count("red_invoices");
  const formsBefore = await count("info_forms");

  // Not signed in: 预检 says so once, judges no row and marks nothing (issue 13 §4).
  await page.getByTestId("tab-redFlush").click();
  await clickAndWait(page, "redflush-preflight", "redflush", "redflush-preflight");
  await expectText(page.getByTestId("redflush-error"), REFUSALS.PANE_NOT_SIGNED_IN);
  expect(await page.getByTestId("redflush-preflight-table").count()).toBe(0);

  await signIn(page, E.account("taxctl"));
  await page.getByTestId("tab-redFlush").click();
  const pre = await preflight(page);
  expect(Object.keys(pre)).toEqual(["2", "3", "4", "5", "6"]);
  expect(pre["2"]).toMatchObject({ eligible: true });
  expect(pre["2"].text).toContain("发票红冲详情页");
  expect(pre["3"]).toMatchObject({ eligible: true });
  expect(pre["3"].text).toContain("红字信息表申请页");
  expect(pre["4"].eligible).toBe(false);
  expect(pre["4"].text).toContain("剩余可红冲金额不足");
  expect(pre["5"].eligible).toBe(false);
  expect(pre["5"].text).toContain("F5：购方税号校验位错误");
  expect(pre["6"].eligible).toBe(false);
  expect(pre["6"].text).toContain("N6：本次红冲金额不是有效的数字：“一百元”");
  await expectText(page.getByTestId("redflush-summary"), "共 5 张：2 张可红冲，3 张不可红冲，0 张已完成");
  await screenshot(page, "red-flush-preflight");

  const res = await redFlush(page);
  expect(res["2"].status).toBe("success");
  expect(res["3"].status).toBe("success");
  expect(res["4"].status).toBe("skipped");
  expect(res["5"].status).toBe("skipped");
  expect(res["6"].status).toBe("skipped");
  await expectText(page.getByTestId("redflush-result-summary"), "成功 2，失败 0，处理中 0，跳过 3");

  const sheet = await viewSheet(page, "蓝票清单");
  // 税控普票: a red invoice; 税控专票: a 红字信息表 (审核成功), no invoice yet.
  expect(sheet.text(2, "流水号")).toMatch(/^HC-RED-/);
  expect(sheet.text(2, "处理状态")).toBe("成功");
  expect(sheet.text(2, "红票号码")).toMatch(/^\d{8}$/);
  expect(res["2"].text).toContain(sheet.text(2, "红票号码"));
  expect(sheet.text(3, "流水号")).toMatch(/^HC-RED-/);
  expect(sheet.text(3, "处理状态")).toBe("成功");
  expect(sheet.text(3, "红字信息表编号/红字确认单编号")).toMatch(/^\d{16}$/);
  expect(sheet.text(3, "确认状态")).toBe("审核成功");
  expect(sheet.text(3, "红票号码")).toBe("");
  // Refused rows: 已跳过 with the reason, nothing sent (no serial).
  for (const row of [4, 5, 6]) {
    expect(sheet.text(row, "处理状态")).toBe("已跳过");
    expect(sheet.text(row, "流水号")).toBe("");
  }
  expect(sheet.text(4, "失败原因")).toContain("剩余可红冲金额不足");
  // The bad cells: filled and annotated where the clerk must correct them, nothing else.
  expect(sheet.address(5, "购方税号")).toBe("F5");
  expect(sheet.address(6, "本次红冲金额")).toBe("N6");
  expect(sheet.address(4, "本次红冲金额")).toBe("N4");
  // The over-large request is marked on the cell to correct (the planner names 本次红冲金额).
  expect(sheet.dump.fills).toEqual({ F5: FAILURE_FILL, N4: FAILURE_FILL, N6: FAILURE_FILL });
  expect(sheet.note(4, "本次红冲金额")).toContain("剩余可红冲金额不足");
  expect(sheet.note(5, "购方税号")).toBe(
    `${MARK_PREFIX}购方税号校验位错误：“${badTaxId}”（按GB 32100，第18位应为“${taxctl[3].buyerTaxId.slice(17)}”）`
  );
  expect(sheet.note(6, "本次红冲金额")).toBe(`${MARK_PREFIX}本次红冲金额不是有效的数字：“一百元”`);
  expect(await count("red_invoices")).toBe(redBefore + 1);
  expect(await count("info_forms")).toBe(formsBefore + 1);

  // Issue 13 §7. A result's row label selects the cell its error names (row 5: 购方税号, F5) …
  await selectRange(page, "数电蓝票", "A1");
  await page.locator('[data-testid="redflush-result-goto"][data-sheet-row="5"]').click();
  await waitForSheet(page, "蓝票清单", (d) => d.active && d.selection === "F5");
  // … 只看失败行 filters the sheet on 处理状态 (the skipped rows stay, the 成功 ones are hidden) …
  await page.getByTestId("redflush-failed-only").click();
  await expectText(page.getByTestId("redflush-marks-done"), "工作表“蓝票清单”只显示失败行");
  expect((await viewSheet(page, "蓝票清单")).dump.hiddenRows).toEqual([2, 3]);
  await screenshot(page, "red-flush-failed-only");
  await page.getByTestId("redflush-failed-only").click();
  await expectText(page.getByTestId("redflush-marks-done"), "工作表“蓝票清单”已显示全部行");
  expect((await viewSheet(page, "蓝票清单")).dump.hiddenRows).toEqual([]);
  // … and 清除标记 removes the run's red fills and notes, the statuses and reasons stay.
  await page.getByTestId("redflush-clear-marks").click();
  await expectText(page.getByTestId("redflush-marks-done"), "已清除 6 处标记");
  const cleared = await viewSheet(page, "蓝票清单");
  expect(cleared.dump.fills).toEqual({});
  expect(cleared.dump.notes).toEqual({});
  expect(cleared.text(4, "处理状态")).toBe("已跳过");
  expect(cleared.text(4, "失败原因")).toContain("剩余可红冲金额不足");

  // 数电 clerk, same pane: 2.1.04 issues at once when the buyer has not confirmed usage.
  await signIn(page, E.account("seller"));
  await selectRange(page, "数电蓝票", "A2:A4");
  await page.getByTestId("tab-redFlush").click();
  const dpre = await preflight(page);
  expect([dpre["2"].eligible, dpre["3"].eligible, dpre["4"].eligible]).toEqual([true, true, false]);
  expect(dpre["4"].text).toContain("只有发票状态为“正常”或“部分红冲”的发票才允许红冲");
  const dres = await redFlush(page);
  expect([dres["2"].status, dres["3"].status, dres["4"].status]).toEqual(["success", "success", "skipped"]);
  const dsheet = await viewSheet(page, "数电蓝票");
  for (const row of [2, 3]) {
    expect(dsheet.text(row, "处理状态")).toBe("成功");
    expect(dsheet.text(row, "处理路径")).toBe("红字确认单申请页");
    expect(dsheet.text(row, "红票号码")).toMatch(/^\d{20}$/);
    expect(dsheet.text(row, "红字信息表编号/红字确认单编号")).not.toBe("");
    expect(dsheet.text(row, "确认状态")).toBe("无需确认");
  }
  expect(await count("red_invoices")).toBe(redBefore + 3);
  await screenshot(page, "red-flush");

  // Re-run on the same rows: nothing can be sent again, the sheet keeps its red numbers.
  const issued = [dsheet.text(2, "红票号码"), dsheet.text(3, "红票号码")];
  const again = await preflight(page);
  // The done rows are 已完成 (their own red made the blue 全额红冲: that is no refusal).
  expect(Object.values(again).map((r) => r.eligible)).toEqual([true, true, false]);
  expect(again["2"].text).toContain("已完成");
  expect(again["3"].text).toContain("已完成");
  expect(again["2"].text).not.toContain("只有发票状态为");
  await expectText(page.getByTestId("redflush-summary"), "共 3 张：0 张可红冲，1 张不可红冲，2 张已完成");
  expect(await page.getByTestId("redflush-run").isDisabled()).toBe(true);
  const dafter = await viewSheet(page, "数电蓝票");
  expect([dafter.text(2, "红票号码"), dafter.text(3, "红票号码")]).toEqual(issued);
  expect(await count("red_invoices")).toBe(redBefore + 3);

  // Excel closed after 2.1.04 issued row 3's red but before its result was written: only the 流水号
  // is in the sheet, and the blue is now 全额红冲. The re-run looks it up by that serial (4.1.04) and
  // writes the red number back; row 2 stays 成功 untouched; nothing is issued again.
  const dserial = dafter.text(3, "流水号");
  for (const h of ["红票号码", "处理状态", "确认状态", "红字信息表编号/红字确认单编号"])
    await typeCells(page, "数电蓝票", 2, dafter.col(h), [[""]]);
  await selectRange(page, "数电蓝票", "A2:A4");
  const lost = await preflight(page);
  expect(lost["3"]).toMatchObject({ eligible: true });
  expect(lost["3"].text).toContain("结果未知，将先按原流水号查询");
  expect(lost["2"].text).toContain("已完成");
  const lres = await redFlush(page);
  expect(lres["3"].status).toBe("success");
  expect(lres["2"]).toBeUndefined();
  const dlost = await viewSheet(page, "数电蓝票");
  expect(dlost.text(3, "流水号")).toBe(dserial);
  expect(dlost.text(3, "处理状态")).toBe("成功");
  expect(dlost.text(3, "红票号码")).toBe(issued[1]);
  expect(dlost.text(2, "处理状态")).toBe("成功");
  expect(dlost.text(2, "红票号码")).toBe(issued[0]);
  expect(await count("red_invoices")).toBe(redBefore + 3);

  // The 税控 sheet, after Excel closed between writing row 3's serial and its result (处理状态 and
  // the form number blank): the re-run asks the gateway by the old 流水号 and finds the same form.
  await signIn(page, E.account("taxctl"));
  const form = sheet.text(3, "红字信息表编号/红字确认单编号");
  const serial = sheet.text(3, "流水号");
  await typeCells(page, "蓝票清单", 2, sheet.col("红字信息表编号/红字确认单编号"), [[""]]);
  await typeCells(page, "蓝票清单", 2, sheet.col("处理状态"), [[""]]);
  await typeCells(page, "蓝票清单", 2, sheet.col("确认状态"), [[""]]);
  await selectRange(page, "蓝票清单", "A2:A6");
  await page.getByTestId("tab-redFlush").click();
  const tpre = await preflight(page);
  expect(tpre["3"].text).toContain("结果未知，将先按原流水号查询");
  expect(tpre["2"]).toMatchObject({ eligible: true });
  expect(tpre["2"].text).toContain("已完成");
  const tres = await redFlush(page);
  expect(tres["3"].status).toBe("success");
  const tafter = await viewSheet(page, "蓝票清单");
  expect(tafter.text(3, "流水号")).toBe(serial);
  expect(tafter.text(3, "处理状态")).toBe("成功");
  expect(tafter.text(3, "红字信息表编号/红字确认单编号")).toBe(form);
  // Row 2 (now 全额红冲) is done: not sent again, not rewritten (still 成功) and keeps its red number;
  // the bad cells keep one note each.
  expect(tres["2"]).toBeUndefined();
  expect(tafter.text(2, "处理状态")).toBe("成功");
  expect(tafter.text(2, "流水号")).toBe(sheet.text(2, "流水号"));
  expect(tafter.text(2, "红票号码")).toBe(sheet.text(2, "红票号码"));
  expect(tafter.dump.fills).toEqual({ F5: FAILURE_FILL, N4: FAILURE_FILL, N6: FAILURE_FILL });
  expect(Object.keys(tafter.dump.notes).sort()).toEqual(["F5", "N4", "N6"]);
  expect(await count("red_invoices")).toBe(redBefore + 3);
  expect(await count("info_forms")).toBe(formsBefore + 1);
});

/** Poll the fake workbook until the sheet's dump satisfies `ok` (the pane's click is asynchronous). */
async function waitForSheet(page: Page, name: string, ok: (d: SheetView["dump"]) => boolean) {
  for (let i = 0; i < 100; i++) {
    if (ok((await viewSheet(page, name)).dump)) return;
    await page.waitForTimeout(50);
  }
  throw new Error(
    `sheet ${name} never reached the expected state: ${JSON.stringify((await viewSheet(page, name)).dump.selection)}`
  );
}

/** 新建工作表 → a kind's template sheet, as the clerk would start; returns its header view. */
async function newSheet(
  page: Page,
  kind: "blueInvoices" | "infoForms" | "confirmForms" | "inputPool",
  title: string
) {
  await page.getByTestId("new-sheet-menu").click();
  await page.getByTestId(`new-sheet-${kind}`).click();
  await expectText(page.getByTestId("app-message"), `已新建工作表“${title}”`);
  return viewSheet(page, title);
}

/** Type one row of values (by header) into sheet row `row` (1-based). */
async function typeRow(
  page: Page,
  view: SheetView,
  row: number,
  values: Readonly<Record<string, string | number>>
) {
  for (const [header, v] of Object.entries(values))
    await typeCells(page, view.dump.name, row - 1, view.col(header), [[v]]);
}

async function formOutcomes(page: Page, testId: string): Promise<Array<{ ok: boolean; text: string }>> {
  await page.getByTestId(`${testId}-result-summary`).waitFor({ timeout: 60_000 });
  const out: Array<{ ok: boolean; text: string }> = [];
  for (const r of await page.getByTestId(`${testId}-outcomes-row`).all()) {
    out.push({ ok: (await r.getAttribute("data-ok")) === "true", text: (await r.textContent()) ?? "" });
  }
  return out;
}

test("红字确认单: the seller enters (02), the buyer downloads and confirms, the seller updates and 红冲 → 已开票", async () => {
  const E = e2e();
  if (!E) return;
  const seller = E.account("seller");
  const buyer = E.account("buyer");
  // 已用途确认的数电专票: the form needs the buyer's confirmation.
  const [blue] = await blueInvoices(E.gateway, [dn(1)]);
  const redBefore = await count("red_invoices");
  const { page } = await pane({ sheets: [] });

  // Seller: 新建工作表 → 红字确认单, one form for the whole invoice, 录入.
  await signIn(page, seller);
  const s = await newSheet(page, "confirmForms", "红字确认单");
  await typeRow(page, s, 2, { 原蓝票号码: blue.invoiceNo, 红冲原因: "开票有误", 购销身份: "销方" });
  await selectRange(page, "红字确认单", "A2");
  await page.getByTestId("tab-confirmForms").click();
  await clickAndWait(page, "confirm-read", "confirm");
  await expectText(page.getByTestId("confirm-selection"), "已选 1 张单据（1 行）");
  await clickAndWait(page, "confirm-enter", "confirm");
  expect(await formOutcomes(page, "confirm")).toEqual([
    { ok: true, text: "2成功录入成功：销方录入 待购方确认" },
  ]);
  const sv = await viewSheet(page, "红字确认单");
  const number = sv.text(2, "红字确认单编号");
  expect(number).toMatch(/^\d{16}$/);
  expect(sv.text(2, "流水号")).toMatch(/^HC-RCB-/);
  expect(sv.text(2, "录入状态")).toBe("录入成功");
  expect(sv.text(2, "确认状态")).toBe("销方录入 待购方确认");
  expect(sv.text(2, "录入方身份")).toBe("销方");
  // Waiting for the buyer: 红冲 is not offered.
  await clickAndWait(page, "confirm-read", "confirm");
  expect(await page.getByTestId("confirm-redFlush").isDisabled()).toBe(true);
  const db = E.gateway.db.db;
  // The bureau's copy of the form (each party's own copy follows it on 下载 / 更新确认单状态).
  const form = () =>
    db.selectFrom("bureau_confirm_bills").selectAll().where("bill_no", "=", number).executeTakeFirstOrThrow();
  expect((await form()).confirm_status).toBe("02");

  // The buyer (the seeded counterparty), in their own sheet: the form by its number, 下载 as 购方.
  await signIn(page, buyer);
  const b = await newSheet(page, "confirmForms", "红字确认单 (2)");
  await typeRow(page, b, 2, {
    原蓝票号码: blue.invoiceNo,
    红冲原因: "开票有误",
    购销身份: "购方",
    红字确认单编号: number,
  });
  await selectRange(page, b.dump.name, "A2");
  await page.getByTestId("tab-confirmForms").click();
  await clickAndWait(page, "confirm-read", "confirm");
  await expectText(page.getByTestId("confirm-selection"), "已选 1 张单据");
  await page.getByTestId("confirm-download").click();
  await page.getByTestId("confirm-download-role").selectOption("购方");
  await page.getByTestId("confirm-download-start").fill("2025-10-01");
  await page.getByTestId("confirm-download-end").fill("2025-10-31");
  await page.getByTestId("confirm-download-confirm").click();
  await expectText(page.getByTestId("confirm-message"), "已在后台运行");
  // 下载 is an asynchronous task on the sandbox clock: it writes the bureau's status to the row.
  const downloaded = await whileClockRuns(E.clock, async () => {
    const t = (await viewSheet(page, b.dump.name)).text(2, "确认状态");
    return t === "" ? null : t;
  });
  expect(downloaded).toBe("销方录入 待购方确认");
  await clickAndWait(page, "confirm-read", "confirm");
  expect(await page.getByTestId("confirm-confirm").isEnabled()).toBe(true);
  await clickAndWait(page, "confirm-confirm", "confirm");
  expect(await formOutcomes(page, "confirm")).toEqual([{ ok: true, text: "2成功已确认" }]);
  expect((await viewSheet(page, b.dump.name)).text(2, "确认状态")).toBe("购销双方 已确认");
  expect((await form()).confirm_status).toBe("04");

  // Back to the seller: 更新确认单状态 (background), then 红冲 → 已开票.
  await signIn(page, seller);
  await selectRange(page, "红字确认单", "A2");
  await page.getByTestId("tab-confirmForms").click();
  await clickAndWait(page, "confirm-read", "confirm");
  await page.getByTestId("confirm-statusUpdate").click();
  const updated = await whileClockRuns(E.clock, async () => {
    const t = (await viewSheet(page, "红字确认单")).text(2, "确认状态");
    return t.includes("待购方确认") ? null : t;
  });
  expect(updated).toBe("购销双方 已确认");
  await clickAndWait(page, "confirm-read", "confirm");
  expect(await page.getByTestId("confirm-redFlush").isEnabled()).toBe(true);
  await clickAndWait(page, "confirm-redFlush", "confirm");
  expect(await formOutcomes(page, "confirm")).toEqual([{ ok: true, text: "2成功已开具红字发票" }]);
  const done = await viewSheet(page, "红字确认单");
  expect(done.text(2, "开票状态")).toBe("已开票");
  expect(done.text(2, "红票号码")).toMatch(/^\d{20}$/);
  expect(done.text(2, "处理状态")).toBe("成功");
  expect(await count("red_invoices")).toBe(redBefore + 1);
  const red = await db
    .selectFrom("red_invoices")
    .select(["invoice_no", "amount"])
    .where("invoice_no", "=", done.text(2, "红票号码"))
    .executeTakeFirstOrThrow();
  expect(red.amount).toBe(`-${blue.amount}`);
  await screenshot(page, "confirm-forms");

  // The form is done: 红冲 is no longer offered.
  await clickAndWait(page, "confirm-read", "confirm");
  expect(await page.getByTestId("confirm-redFlush").isDisabled()).toBe(true);
  expect(await count("red_invoices")).toBe(redBefore + 1);
});

test("红字信息表: 上传 → 审核成功 → 红冲 → 已开票; 撤销 is refused for the 已开票 form with the reason", async () => {
  const E = e2e();
  if (!E) return;
  const taxctl = E.account("taxctl");
  const [blue] = await blueInvoices(E.gateway, ["10000001"]);
  const redBefore = await count("red_invoices");
  const { page } = await pane({ sheets: [] });
  await signIn(page, taxctl);
  const s = await newSheet(page, "infoForms", "红字信息表");
  await typeRow(page, s, 2, {
    申请方: "销方申请",
    发票类型: "增值税电子专用发票",
    原发票代码: blue.invoiceCode,
    原发票号码: blue.invoiceNo,
    蓝票开票日期: blue.issueDate.slice(0, 10),
    购方名称: blue.buyerName,
    购方税号: blue.buyerTaxId,
    销方名称: taxctl.name,
    销方税号: taxctl.taxId,
    货物名称: "钢材",
    税收分类编码: "1080299000000000000",
    单位: "吨",
    // Quantity and price columns are text in the template; amounts are numbers.
    数量: "-10",
    单价: "5000",
    金额: -50000,
    税率: "0.13",
    税额: -6500,
  });
  await selectRange(page, "红字信息表", "A2");
  await page.getByTestId("tab-infoForms").click();
  await clickAndWait(page, "info-read", "info");
  await expectText(page.getByTestId("info-selection"), "已选 1 张单据（1 行）");
  // Before upload only 上传 (and 下载, 打印, 删除) are offered; the others say why not.
  await expectText(page.getByTestId("info-reasons"), "“红冲”不可用：行 2：只有税局审核通过后才允许红冲");
  expect(await page.getByTestId("info-reasons-item").allTextContents()).toContain(
    "行 2：只有税局审核通过后才允许红冲"
  );
  expect(await page.getByTestId("info-redFlush").isDisabled()).toBe(true);

  await clickAndWait(page, "info-submit", "info");
  await expectText(page.getByTestId("info-outcomes"), "红字信息表审核成功");
  expect(await formOutcomes(page, "info")).toEqual([{ ok: true, text: "2成功红字信息表审核成功" }]);
  const uploaded = await viewSheet(page, "红字信息表");
  const formNo = uploaded.text(2, "红字信息表编码");
  expect(formNo).toMatch(/^\d{16}$/);
  expect(uploaded.text(2, "信息表状态")).toBe("审核成功");
  expect(uploaded.text(2, "流水号")).toMatch(/^HC-RIF-/);
  expect(uploaded.text(2, "处理状态")).toBe("成功");

  // 审核成功 → 红冲 (2.2.02 with the form number) → 已开票 with the red invoice number.
  await clickAndWait(page, "info-read", "info");
  expect(await page.getByTestId("info-redFlush").isEnabled()).toBe(true);
  await clickAndWait(page, "info-redFlush", "info");
  await expectText(page.getByTestId("info-outcomes"), "已开具红字发票");
  expect(await formOutcomes(page, "info")).toEqual([{ ok: true, text: "2成功已开具红字发票" }]);
  const flushed = await viewSheet(page, "红字信息表");
  expect(flushed.text(2, "信息表状态")).toBe("已开票");
  expect(flushed.text(2, "红票号码")).toMatch(/^\d{8}$/);
  expect(flushed.text(2, "红字信息表编码")).toBe(formNo);
  expect(await count("red_invoices")).toBe(redBefore + 1);
  const red = await E.gateway.db.db
    .selectFrom("red_invoices")
    .select(["amount", "tax_amount"])
    .where("invoice_no", "=", flushed.text(2, "红票号码"))
    .executeTakeFirstOrThrow();
  expect([red.amount, red.tax_amount]).toEqual(["-50000.00", "-6500.00"]);

  // 撤销 an 已开票 form: not offered, and the pane says why.
  await clickAndWait(page, "info-read", "info");
  await expectText(page.getByTestId("info-reasons"), "“撤销”不可用：行 2：已红冲的红字信息表不允许撤销");
  expect(await page.getByTestId("info-reasons-item").allTextContents()).toContain(
    "行 2：已红冲的红字信息表不允许撤销"
  );
  expect(await page.getByTestId("info-revoke").isDisabled()).toBe(true);
  expect(await page.getByTestId("info-submit").isDisabled()).toBe(true);
  expect(await page.getByTestId("info-redFlush").isDisabled()).toBe(true);
  await screenshot(page, "info-forms");
  expect(await count("red_invoices")).toBe(redBefore + 1);
});

test("进项同步: a small-scale enterprise is refused before sending; a normal sync fills 进项发票池 and 变更记录", async () => {
  const E = e2e();
  if (!E) return;
  const { page, apiCalls } = await pane({ sheets: [] });
  const tasks = async () => {
    const db = E.gateway.db.db;
    const r = await db
      .selectFrom("tasks")
      .select(db.fn.countAll<string | number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  };
  const tasksBefore = await tasks();

  // 上海小微商贸 (小规模纳税人) asks for 抵扣类勾选 data: refused in the pane, nothing sent.
  await signIn(page, E.account("small"));
  await page.getByTestId("tab-inputSync").click();
  expect(await page.getByTestId("input-org").inputValue()).toBe(
    `${E.account("small").name} ${E.account("small").taxId}`
  );
  await page.getByTestId("input-deductionStatus").selectOption("已勾选或已认证抵扣");
  await page.getByTestId("input-startDate").fill("2025-01-01");
  await page.getByTestId("input-endDate").fill("2025-10-31");
  const callsBefore = apiCalls.length;
  await clickAndWait(page, "input-download", "input", "input-download");
  await expectText(
    page.getByTestId("input-error"),
    "小规模纳税人不支持抵扣类勾选数据下载，可根据企业在税局的信息，在星空发票云企业基础资料修改。"
  );
  expect(apiCalls.length).toBe(callsBefore);
  expect(await tasks()).toBe(tasksBefore);
  await screenshot(page, "input-sync-small-scale");

  // 广东蓝海采购 (一般纳税人): its 进项发票池 already holds one invoice with an old 勾选状态.
  await signIn(page, E.account("buyer"));
  const pool = await newSheet(page, "inputPool", "进项发票池");
  const stale = digitalInvoiceNo("25", "31", 880002);
  await typeRow(page, pool, 2, {
    票据类型: "发票",
    发票类型: "61",
    发票号码: stale,
    开票日期: "2025-07-20",
    销方名称: "中国东方航空股份有限公司",
    金额: 800,
    税额: 72,
    价税合计: 872,
    发票状态: "正常",
    勾选状态: "未勾选",
    抵扣状态: "未勾选",
  });
  await page.getByTestId("tab-inputSync").click();
  await page.getByTestId("input-startDate").fill("2025-01-01");
  await page.getByTestId("input-endDate").fill("2025-10-31");
  await page.getByTestId("input-download").click();
  // 4.02 creates a task that completes on the sandbox clock; 4.03 is polled meanwhile.
  await whileClockRuns(E.clock, async () =>
    (await page.getByTestId("input-summary").count()) > 0 ? true : null
  );
  expect(await tasks()).toBe(tasksBefore + 1);
  const summary = (await page.getByTestId("input-summary").textContent()) ?? "";
  const m = /^下载 (\d+) 张：新增 (\d+)，更新 (\d+)，变更 (\d+) 条$/.exec(summary);
  expect(m).not.toBeNull();
  const [downloaded, inserted, updated, changed] = m!.slice(1).map(Number);
  expect(downloaded).toBeGreaterThanOrEqual(30);
  expect([inserted, updated]).toEqual([downloaded - 1, 1]);
  const changes = await page.getByTestId("input-change").allTextContents();
  expect(changes).toHaveLength(changed);
  expect(changes).toContain(`${stale}：勾选状态 未勾选 → 已勾选`);
  expect(changes).toContain(`${stale}：抵扣状态 未勾选 → 已勾选或已认证抵扣`);

  await clickAndWait(page, "input-write", "input", "input-download");
  await expectText(
    page.getByTestId("input-message"),
    `已写入：更新 1 行，新增 ${inserted} 行；变更记录 ${changed} 条`
  );
  const written = await viewSheet(page, "进项发票池");
  expect(written.dump.rows).toHaveLength(1 + downloaded);
  // The stale row is updated in place; the others are appended below it.
  expect(written.text(2, "发票号码")).toBe(stale);
  expect(written.text(2, "勾选状态")).toBe("已勾选");
  expect(written.text(2, "抵扣状态")).toBe("已勾选或已认证抵扣");
  const numbers = written.dump.rows.slice(1).map((r) => String(r[written.col("发票号码")]));
  expect(new Set(numbers).size).toBe(downloaded);
  expect(numbers).toContain(dn(1));
  expect(numbers).toContain("10000001");
  const first = written.dump.rows.slice(1).findIndex((r) => r[written.col("发票号码")] === dn(1)) + 2;
  expect(written.text(first, "销方名称")).toBe("浙江红冲数电科技有限公司");
  expect(written.get(first, "金额")).toBe(15000);
  expect(written.get(first, "税额")).toBe(900);
  expect(written.get(first, "价税合计")).toBe(15900);
  expect(await sheetNames(page)).toEqual(["进项发票池", "变更记录"]);
  const log = await viewSheet(page, "变更记录");
  expect(log.headers).toEqual(["同步时间", "发票代码", "发票号码", "字段", "原值", "新值"]);
  expect(log.dump.rows).toHaveLength(1 + changed);
  const logged = log.dump.rows.slice(1).map((r) => r.slice(2).join("|"));
  expect(logged).toContain(`${stale}|勾选状态|未勾选|已勾选`);
  await screenshot(page, "input-sync");

  // The same sync right away: every invoice is now in the pool as downloaded, so nothing changed
  // (no blank-vs-"" 发票代码, no date-vs-date-time 开票日期). The first sync inserted rows, so its
  // summary never says 新增 0.
  await page.getByTestId("input-download").click();
  const again = await whileClockRuns(E.clock, async () => {
    const text =
      (await page
        .getByTestId("input-summary")
        .textContent()
        .catch(() => null)) ?? "";
    return text.includes("新增 0，") ? text : null;
  });
  expect(again).toBe(`下载 ${downloaded} 张：新增 0，更新 ${downloaded}，变更 0 条`);
  expect(await page.getByTestId("input-change").count()).toBe(0);
});

/** `yyyy-MM-dd HH:mm:ss` in China time, `hoursAgo` before the browser's (real) now. */
function chinaTimeAgo(hoursAgo: number): string {
  const d = new Date(Date.now() - hoursAgo * 3_600_000 + 8 * 3_600_000);
  return d.toISOString().slice(0, 19).replace("T", " ");
}

test("状态看板: bars by status of the selected forms and the awaiting-confirmation list with the 72-hour deadline", async () => {
  const E = e2e();
  if (!E) return;
  const headers = [
    "流水号",
    "红字确认单编号",
    "原蓝票号码",
    "红冲原因",
    "购销身份",
    "录入状态",
    "确认状态",
    "录入日期",
    "行号",
  ];
  const form = (n: number, status: string, hoursAgo: number | null, line = 1) => [
    `HC-RCB-E2E-${n}`,
    `33010000000009${String(n).padStart(2, "0")}`,
    dn(n),
    "开票有误",
    "销方",
    status === "" ? "" : "录入成功",
    status,
    hoursAgo === null ? "" : chinaTimeAgo(hoursAgo),
    line,
  ];
  // Entry times half an hour off the hour, so the minutes left (floored) never sit on a boundary.
  const rows = [
    headers,
    form(1, "销方录入 待购方确认", 1.5),
    form(2, "销方录入 待购方确认", 80.5),
    form(3, "购方录入 待销方确认", 10.5),
    form(4, "购销双方 已确认", 30),
    form(5, "购销双方 已确认", 30, 1),
    form(5, "购销双方 已确认", 30, 2),
    form(6, "无需确认", 5),
    ["", "", dn(7), "开票有误", "销方", "", "", "", 1],
  ];
  const { page } = await pane({
    sheets: [{ name: "红字确认单", rows }],
    select: { sheet: "红字确认单", address: "A2:I9" },
  });
  await page.getByTestId("tab-dashboard").click();
  await page.getByTestId("dash-kind").selectOption("confirmForms");
  await clickAndWait(page, "dash-refresh", "dash", "dash-refresh");
  const bars = await page
    .getByTestId("dash-bar")
    .evaluateAll((els) =>
      els.map((e) => [e.getAttribute("data-label"), Number(e.getAttribute("data-count"))])
    );
  expect(bars).toEqual([
    ["销方录入 待购方确认", 2],
    ["购销双方 已确认", 2],
    ["购方录入 待销方确认", 1],
    ["无需确认", 1],
    ["未录入", 1],
  ]);
  // 02/03 forms, soonest deadline first: 录入日期 + 72 h; the one entered 80 h ago is overdue.
  const awaiting = await page.getByTestId("dash-awaiting-row").evaluateAll((els) =>
    els.map((e) => ({
      overdue: e.getAttribute("data-overdue"),
      cells: Array.from(e.children).map((c) => c.textContent ?? ""),
    }))
  );
  const deadline = (row: number) => {
    const entered = String(rows[row - 1][headers.indexOf("录入日期")]);
    const ms = Date.parse(`${entered.replace(" ", "T")}+08:00`) + 72 * 3_600_000 + 8 * 3_600_000;
    return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
  };
  expect(awaiting.map((a) => a.overdue)).toEqual(["true", "false", "false"]);
  expect(awaiting.map((a) => a.cells.slice(0, 4))).toEqual([
    ["3", "3301000000000902", "销方录入 待购方确认", deadline(3)],
    ["4", "3301000000000903", "购方录入 待销方确认", deadline(4)],
    ["2", "3301000000000901", "销方录入 待购方确认", deadline(2)],
  ]);
  expect(awaiting[0].cells[4]).toMatch(/^已超时 8小时3[01]分钟$/);
  expect(awaiting.slice(1).map((a) => a.cells[4])).toEqual(["2天13小时", "2天22小时"]);

  // One selected row counts one form; the whole-sheet button counts every form again.
  const counts = () =>
    page.getByTestId("dash-bar").evaluateAll((els) => els.map((e) => e.getAttribute("data-count")));
  await selectRange(page, "红字确认单", "C4");
  await clickAndWait(page, "dash-refresh", "dash", "dash-refresh");
  expect(await counts()).toEqual(["1"]);
  await expectText(page.getByTestId("dash-chart").locator("xpath=.."), "购方录入 待销方确认");
  await expectText(page.getByTestId("dash-refresh-all"), "统计整张工作表（红字确认单）");
  await clickAndWait(page, "dash-refresh-all", "dash", "dash-refresh");
  expect(await counts()).toEqual(["2", "2", "1", "1", "1"]);
  // The seven tabs fit the 420-px pane (they wrap) and none is scrolled out of sight.
  const viewportWidth = page.viewportSize()!.width;
  const tabs = await page.locator('[data-testid^="tab-"]').all();
  expect(tabs).toHaveLength(7);
  for (const tab of tabs) {
    const box = await tab.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(viewportWidth);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewportWidth);
  await screenshot(page, "dashboard");
});
