/**
 * Browser tests of issue 10 on the pane's 发票红冲 path, against the real sandbox: above 10 invoices the
 * run needs two confirmations (count and ¥ total, then an explicit tick) and can be stopped between
 * chunks (item 9); a 待开 of the same amount gets its own message, and the clerk lists and deletes
 * the 待开 from the pane (item 3). Screenshots at 350 px in test-artifacts/e2e/.
 */
import { REFUSALS } from "../../src/domain/refusals";
import { stoppedUnsentMessage } from "../../taskpane/workflows/redFlush";
import {
  clickAndWait,
  expectText,
  openPane,
  requireChromium,
  screenshot,
  signIn,
  startE2E,
  viewSheet,
  type E2E,
  type Pane,
} from "./support/harness";
import { blueInvoiceSheet, blueInvoices } from "./support/workbooks";

jest.setTimeout(120_000);

const executable = requireChromium();
let env: E2E | null = null;
const panes: Pane[] = [];

beforeAll(async () => {
  if (executable) env = await startE2E(executable);
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

async function pane(init: Parameters<typeof openPane>[1]): Promise<Pane> {
  const p = await openPane(env!, init);
  panes.push(p);
  return p;
}

const HEADER = ["发票代码", "发票号码", "发票种类", "发票状态", "可红冲金额", "待开红冲金额", "本次红冲金额"];

test("above 10 invoices: two confirmations with count and total, and 停止 between chunks", async () => {
  const E = env;
  if (!E) return;
  // 12 税控普票 rows of amounts the sheet gives (unknown at the gateway: it refuses each one sent).
  const rows = Array.from({ length: 12 }, (_, i) => [
    "033002300999",
    String(70_000_001 + i),
    "增值税普通发票",
    "正常",
    1000.5 + i,
    "",
    "",
  ]);
  const { page } = await pane({
    sheets: [{ name: "蓝票清单", rows: [HEADER, ...rows] }],
    select: { sheet: "蓝票清单", address: "A2:A13" },
  });
  await page.setViewportSize({ width: 350, height: 900 });
  await signIn(page, E.account("taxctl"));
  await page.getByTestId("tab-redFlush").click();
  await clickAndWait(page, "redflush-preflight", "redflush", "redflush-preflight");
  await expectText(page.getByTestId("redflush-summary"), "共 12 张：12 张可红冲");

  // First confirmation: how many red invoices and the total (Σ 1000.50 + i, i = 0…11 = 12072.00).
  await page.getByTestId("redflush-run").click();
  const first = page.getByTestId("redflush-confirm");
  await expectText(first, "将开具 12 张红字发票，合计红冲金额 ¥12,072.00，分 2 批提交");
  await page.getByTestId("redflush-confirm-confirm").click();
  // Second, explicit: the button stays disabled until the clerk ticks the box.
  const second = page.getByTestId("redflush-confirm2");
  await expectText(second, "本次将一次开具 12 张红字发票，合计 ¥12,072.00");
  expect(await page.getByTestId("redflush-confirm2-confirm").isDisabled()).toBe(true);
  await first.waitFor({ state: "detached" });
  await screenshot(page, "red-flush-confirm-over-10-350px");
  // Back out once: nothing is sent.
  await page.getByTestId("redflush-confirm2-cancel").click();
  expect(await page.getByTestId("redflush-result-summary").count()).toBe(0);

  // Slow the gateway down so 停止 lands during the first chunk.
  await page.route("**/*", async (route) => {
    if (route.request().method() === "POST") await new Promise((r) => setTimeout(r, 300));
    await route.fallback();
  });
  await page.getByTestId("redflush-run").click();
  await page.getByTestId("redflush-confirm-confirm").click();
  await page.getByTestId("redflush-confirm2-check").click();
  await page.getByTestId("redflush-confirm2-confirm").click();
  await expectText(page.getByTestId("redflush-progress"), "红冲");
  await page.getByTestId("redflush-stop").click();
  await page.getByTestId("redflush-result-summary").waitFor({ timeout: 60_000 });
  await expectText(page.getByTestId("redflush-cancelled"), "2 张未提交");

  const sheet = await viewSheet(page, "蓝票清单");
  // The first chunk (rows 2–11) was sent to its end: each has its serial and the gateway's answer.
  for (let row = 2; row <= 11; row++) {
    expect(sheet.text(row, "流水号")).toMatch(/^HC-RED-/);
    expect(sheet.text(row, "处理状态")).not.toBe("处理中");
  }
  // The second chunk was never sent: 已跳过, why, no serial.
  for (const row of [12, 13]) {
    expect(sheet.text(row, "处理状态")).toBe("已跳过");
    expect(sheet.text(row, "失败原因")).toBe(stoppedUnsentMessage());
    expect(sheet.text(row, "流水号")).toBe("");
  }
});

test("待开: the same-amount rule has its own message, and the clerk deletes the 待开 from the pane", async () => {
  const E = env;
  if (!E) return;
  // Seeded: 税控 电子普票 30000001, 可红冲 1234.50, with a 待开 red of the same amount.
  const inv = await blueInvoices(E.gateway, ["30000001"]);
  const { page } = await pane({
    sheets: [{ name: "蓝票清单", rows: blueInvoiceSheet(inv) }],
    select: { sheet: "蓝票清单", address: "A2:A2" },
  });
  await page.setViewportSize({ width: 350, height: 900 });
  await signIn(page, E.account("taxctl"));
  await page.getByTestId("tab-redFlush").click();
  await clickAndWait(page, "redflush-preflight", "redflush", "redflush-preflight");
  const row = page.getByTestId("redflush-preflight-row");
  expect(await row.getAttribute("data-reason")).toBe("DUPLICATE_PENDING_SAME_AMOUNT");
  await expectText(row, REFUSALS.DUPLICATE_PENDING_SAME_AMOUNT);
  await expectText(page.getByTestId("redflush-notice-deletePending"), "点击下方“待开”");

  // The 待开 view for the selected blue invoice: the record, 删除 after a confirmation.
  await page.getByTestId("redflush-pending").click();
  const view = page.getByTestId("pending-reds");
  await view.waitFor();
  await page.getByTestId("pending-reds-row").first().waitFor({ timeout: 30_000 });
  const records = page.getByTestId("pending-reds-row");
  expect(await records.count()).toBe(1);
  await expectText(records.first(), "30000001");
  await expectText(records.first(), "1234.50");
  await page.getByTestId("pending-reds-select").first().click();
  await screenshot(page, "red-flush-pending-view-350px");
  await page.getByTestId("pending-reds-delete").click();
  await expectText(page.getByTestId("pending-reds-confirm"), "将删除 1 条待开记录（合计 ¥1,234.50）");
  await page.getByTestId("pending-reds-confirm-confirm").click();
  await expectText(page.getByTestId("pending-reds-deleted"), "已删除 1 条待开记录");
  await expectText(page.getByTestId("pending-reds-summary"), "没有待开记录");

  // Pre-flight again: nothing holds the amount any more, the invoice may be red-flushed.
  await clickAndWait(page, "redflush-preflight", "redflush", "redflush-preflight");
  expect(await page.getByTestId("redflush-preflight-row").getAttribute("data-eligible")).toBe("true");
});
