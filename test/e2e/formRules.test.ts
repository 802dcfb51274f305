/**
 * Browser tests of issue 10's form rules in the pane: the buyer's 红冲 of a 红字确认单 is disabled with
 * the reason (and the 特别提示 of a 税控 blue shown), and an approved partial 红字信息表 is red-flushed
 * (2.2.01 by its number) → 已开票 with the red number. Screenshots at 350 px in test-artifacts/e2e/.
 */
import type { Page } from "playwright-core";
import { TAX_CONTROL_ENTRY_NOTICE } from "../../src/domain/confirmForm";
import {
  clickAndWait,
  expectText,
  openPane,
  requireChromium,
  screenshot,
  selectRange,
  signIn,
  startE2E,
  typeCells,
  viewSheet,
  type E2E,
  type Pane,
  type SheetView,
} from "./support/harness";
import { blueInvoices } from "./support/workbooks";
import { digitalInvoiceNo } from "../../src/server/sandbox/seed";

jest.setTimeout(90_000);

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

async function pane(): Promise<Pane> {
  const p = await openPane(env!, { sheets: [] });
  panes.push(p);
  return p;
}

async function newSheet(page: Page, kind: "infoForms" | "confirmForms", title: string) {
  await page.getByTestId("new-sheet-menu").click();
  await page.getByTestId(`new-sheet-${kind}`).click();
  await expectText(page.getByTestId("app-message"), `已新建工作表“${title}”`);
  return viewSheet(page, title);
}

async function typeRow(
  page: Page,
  view: SheetView,
  row: number,
  values: Readonly<Record<string, string | number>>
) {
  for (const [header, v] of Object.entries(values))
    await typeCells(page, view.dump.name, row - 1, view.col(header), [[v]]);
}

/** A screenshot of the pane at 350 px wide (the narrowest task pane). */
async function narrowShot(page: Page, name: string) {
  await page.setViewportSize({ width: 350, height: 900 });
  await screenshot(page, name);
  await page.setViewportSize({ width: 420, height: 900 });
}

test("红字确认单: the buyer's 红冲 is disabled with the reason; a buyer's draft for a 税控 blue shows the 特别提示", async () => {
  const E = env;
  if (!E) return;
  const buyer = E.account("buyer");
  const [blue] = await blueInvoices(E.gateway, [digitalInvoiceNo("25", "33", 1)]);
  const { page } = await pane();
  await signIn(page, buyer);
  const s = await newSheet(page, "confirmForms", "红字确认单");
  // Row 2: the buyer's copy of a confirmed form (as 下载 writes it); row 3: a buyer's draft for a 税控 blue.
  await typeRow(page, s, 2, {
    原蓝票号码: blue.invoiceNo,
    红冲原因: "开票有误",
    购销身份: "购方",
    红字确认单编号: "4403000000000001",
    录入状态: "录入成功",
    确认状态: "购销双方 已确认",
  });
  await typeRow(page, s, 3, {
    原蓝票号码: "10000001",
    原蓝票代码: "032002300111",
    红冲原因: "开票有误",
    购销身份: "购方",
  });
  await selectRange(page, "红字确认单", "A2");
  await page.getByTestId("tab-confirmForms").click();
  await clickAndWait(page, "confirm-read", "confirm");
  await expectText(page.getByTestId("confirm-selection"), "已选 1 张单据（1 行）");
  expect(await page.getByTestId("confirm-redFlush").isDisabled()).toBe(true);
  expect(await page.getByTestId("confirm-reasons-item").allTextContents()).toContain(
    "行 2：红字确认单只能由销方红冲（购方仅通过下载获取红字确认单编号）"
  );
  await expectText(page.getByTestId("confirm-reasons"), "“红冲”不可用：行 2：红字确认单只能由销方红冲");
  expect(await page.getByTestId("confirm-entry-notice").count()).toBe(0);

  await selectRange(page, "红字确认单", "A3");
  await clickAndWait(page, "confirm-read", "confirm");
  await expectText(page.getByTestId("confirm-entry-notice"), `行 3：${TAX_CONTROL_ENTRY_NOTICE}`);
  await selectRange(page, "红字确认单", "A2:A3");
  await clickAndWait(page, "confirm-read", "confirm");
  await narrowShot(page, "form-rules-confirm-buyer");
});

test("红字信息表: an approved partial form is red-flushed by its number → 已开票 with the red number", async () => {
  const E = env;
  if (!E) return;
  const taxctl = E.account("taxctl");
  const [blue] = await blueInvoices(E.gateway, ["10000001"]);
  const { page } = await pane();
  await signIn(page, taxctl);
  const s = await newSheet(page, "infoForms", "红字信息表");
  // 3 of the blue's 10 t: 15000.00 + 1950.00 of 50000.00 + 6500.00.
  await typeRow(page, s, 2, {
    申请方: "销方申请",
    发票类型: "增值税电子专用发票",
    原发票代码: blue.invoiceCode!,
    原发票号码: blue.invoiceNo,
    蓝票开票日期: blue.issueDate.slice(0, 10),
    购方名称: blue.buyerName,
    购方税号: blue.buyerTaxId!,
    销方名称: taxctl.name,
    销方税号: taxctl.taxId,
    货物名称: "钢材",
    税收分类编码: "1080299000000000000",
    单位: "吨",
    数量: "-3",
    单价: "5000",
    金额: -15000,
    税率: "0.13",
    税额: -1950,
  });
  await selectRange(page, "红字信息表", "A2");
  await page.getByTestId("tab-infoForms").click();
  await clickAndWait(page, "info-read", "info");
  await clickAndWait(page, "info-submit", "info");
  await expectText(page.getByTestId("info-outcomes"), "红字信息表审核成功");
  const formNo = (await viewSheet(page, "红字信息表")).text(2, "红字信息表编码");
  expect(formNo).toMatch(/^\d{16}$/);

  await clickAndWait(page, "info-read", "info");
  expect(await page.getByTestId("info-redFlush").isEnabled()).toBe(true);
  await clickAndWait(page, "info-redFlush", "info");
  await expectText(page.getByTestId("info-outcomes"), "已开具红字发票");
  const done = await viewSheet(page, "红字信息表");
  expect(done.text(2, "信息表状态")).toBe("已开票");
  expect(done.text(2, "红票号码")).toMatch(/^\d{8}$/);
  expect(done.text(2, "处理状态")).toBe("成功");
  const red = await E.gateway.db.db
    .selectFrom("red_invoices")
    .select(["amount", "tax_amount"])
    .where("invoice_no", "=", done.text(2, "红票号码"))
    .executeTakeFirstOrThrow();
  expect([red.amount, red.tax_amount]).toEqual(["-15000.00", "-1950.00"]);
  await narrowShot(page, "form-rules-info-partial");
});
