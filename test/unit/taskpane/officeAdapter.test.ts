/**
 * The 发票红冲 workflow against the real Office.js adapter (src/sheet/office) over the in-memory fake
 * Excel: what the pane writes is accepted by the adapter and lands in the right cells.
 */
import { OfficeWorkbook } from "../../../src/sheet/office";
import { BLUE_HEADERS, buildBlueInvoiceWorkbook } from "../../support/blueInvoiceWorkbook";
import { fakeHost } from "../../support/fakeHost";
import { prepareRedFlush, runRedFlush } from "../../../taskpane/workflows/redFlush";
import { fakeClient, noYield, okResult } from "./fakes";

const ORG = "91110000600037341L";

describe("发票红冲 through the Office adapter", () => {
  it("writes serials, routes, form numbers, statuses and red cells into the sheet", async () => {
    const { workbook, sheet } = buildBlueInvoiceWorkbook(12, { badTaxIdEvery: 6 });
    // 2.2.04 lines need the 税率, 货物名称 and 税收分类编码; without the gateway's blue record they come
    // from the sheet.
    sheet.setValues(0, BLUE_HEADERS.length, [["税率", "货物名称", "税收分类编码"]]);
    for (let r = 1; r <= 12; r++) {
      sheet.putValue(r, BLUE_HEADERS.length, "13%");
      sheet.putValue(r, BLUE_HEADERS.length + 1, "*软件*服务");
      sheet.putValue(r, BLUE_HEADERS.length + 2, "3040201000000000000");
    }
    const port = new OfficeWorkbook(fakeHost(workbook));
    let n = 0;
    const { client, calls } = fakeClient({
      applyRedInfoForm: (d) =>
        okResult({
          serialNo: (d as { serialNo: string }).serialNo,
          redInfoBillNo: `44030000000000${String(++n).padStart(2, "0")}`,
          status: "审核成功",
        }),
    });
    const pre = await prepareRedFlush(port, client);
    if (!pre.ok) throw new Error(pre.refusal.message);
    expect(pre.value.eligibleCount).toBe(10);
    expect(pre.value.refusedCount).toBe(2);
    const run = await runRedFlush(port, client, pre.value, {
      orgTaxId: ORG,
      newSerial: () => `HC-RED-20250101-${String(n + 1).padStart(8, "0")}`,
      yieldNow: noYield,
    });
    expect(run.refusal).toBeNull();
    expect(calls("applyRedInfoForm")).toHaveLength(10);
    // Read back through the adapter: every result is where the next run will look for it.
    const again = await prepareRedFlush(port, null);
    if (!again.ok) throw new Error(again.refusal.message);
    const first = again.value.entries[0].entry;
    expect(first.serialNo).toBe("HC-RED-20250101-00000001");
    expect(first.redFormNumber).toBe("4403000000000001");
    expect(first.processStatus).toMatch(/^成功/);
    expect(again.value.entries.filter((e) => e.resume === "done")).toHaveLength(10);
    expect(again.value.sendCount).toBe(0);
    // The bad 购方税号 of row 7 is red with our note.
    const bad = again.value.entries.find((e) => !e.eligible)!;
    expect(bad.entry.rowLabel).toBe("7");
    const address = bad.entry.cellErrors[0].cellAddress;
    expect(sheet.fillAt(address)).toBe("#FFC7CE");
    expect(sheet.noteAt(address)?.content).toContain("购方税号");
  });
});
