/** The 批量引入 tab, server-rendered: its controls and test ids, and what it says without the bulk port. */
import { renderToString } from "react-dom/server";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { App } from "../../../taskpane/components/App";
import { BulkImportPanel } from "../../../taskpane/components/BulkImportPanel";
import { BulkResultView, MAX_LISTED_FAILURES } from "../../../taskpane/components/BulkResultView";
import { PaneContext, type PaneServices } from "../../../taskpane/hooks/usePane";
import { translator } from "../../../taskpane/i18n";
import { DEFAULT_SETTINGS } from "../../../taskpane/services/settings";
import { memoryStore } from "../../../taskpane/services/storage";
import { TaskStore } from "../../../taskpane/workflows/tasks";
import type { BulkSubmitResult } from "../../../taskpane/workflows/bulkImport";
import { OfficeWorkbook } from "../../../src/sheet/office";
import type { WorkbookPort } from "../../../src/sheet/port";
import { TEMPLATE_KINDS } from "../../../src/sheet/xlsx/kinds";
import { FakeWorkbook } from "../../support/fakeExcel";
import { fakeHost } from "../../support/fakeHost";
import { FakePort } from "./fakes";

const disabled = (html: string, testId: string) =>
  new RegExp(`<[^>]*disabled=""[^>]*data-testid="${testId}"|data-testid="${testId}"[^>]*disabled=""`).test(
    html
  );

function renderPanel(port: WorkbookPort | null, node: JSX.Element = <BulkImportPanel />) {
  const services: PaneServices = {
    port,
    client: null,
    settings: DEFAULT_SETTINGS,
    t: translator("zh-CN"),
    tasks: new TaskStore(),
    printHtml: () => undefined,
    copyText: async () => true,
    now: () => 0,
  };
  return renderToString(
    <FluentProvider theme={webLightTheme}>
      <PaneContext.Provider value={services}>{node}</PaneContext.Provider>
    </FluentProvider>
  );
}

describe("批量引入 tab", () => {
  it("is a tab of the App with the template buttons, kind picker, validate/submit and stable test ids", () => {
    const port = new OfficeWorkbook(fakeHost(new FakeWorkbook()));
    const html = renderToString(
      <FluentProvider theme={webLightTheme}>
        <App
          port={port}
          store={memoryStore()}
          origin="http://localhost:3000"
          fetcher={async () => ({ ok: true, status: 200 })}
          printHtml={() => undefined}
          copyText={async () => true}
          initialTab="bulkImport"
        />
      </FluentProvider>
    );
    expect(html).toContain('data-testid="tab-bulkImport"');
    expect(html).toContain('data-testid="panel-bulkImport"');
    for (const kind of TEMPLATE_KINDS) expect(html).toContain(`data-testid="bulk-insert-template-${kind}"`);
    for (const id of ["bulk-kind", "bulk-selection-only", "bulk-validate", "bulk-submit"]) {
      expect(html).toContain(`data-testid="${id}"`);
    }
    expect(html).toContain("红字信息表批量引入");
    expect(disabled(html, "bulk-validate")).toBe(false);
    // Nothing validated and no login yet: 提交有效行 waits.
    expect(disabled(html, "bulk-submit")).toBe(true);
    expect(html).toContain('data-testid="bulk-signin"');
    expect(html).not.toContain('data-testid="bulk-no-port"');
  });

  it("a workbook without the bulk methods: buttons disabled and the pane says why", () => {
    const html = renderPanel(new FakePort());
    expect(disabled(html, "bulk-validate")).toBe(true);
    expect(disabled(html, `bulk-insert-template-${TEMPLATE_KINDS[0]}`)).toBe(true);
    expect(html).toContain('data-testid="bulk-no-port"');
    expect(html).toContain('data-testid="bulk-no-template-port"');
  });

  it("shows the summary line, batch number, what was sent, and at most 50 failed rows", () => {
    const result: BulkSubmitResult = {
      kind: "info-form-import",
      title: "红字信息表批量引入",
      sheetName: "红字信息表批量引入",
      batchNo: "PC202410221044247381",
      summary: "3 行成功, 60 行失败",
      succeeded: 3,
      failed: 60,
      skippedDone: 0,
      valid: 3,
      hiddenSkipped: 0,
      failures: Array.from({ length: 60 }, (_, i) => ({ row: i + 2, reason: "金额不能为空" })),
      write: {
        sheetName: "红字信息表批量引入",
        appendedColumns: [],
        cellsMarked: 60,
        marksCleared: 0,
        cellsWritten: 63,
        annotationMode: "notes",
        cancelled: false,
      },
      cancelled: false,
      clearPlan: {
        sheetName: "红字信息表批量引入",
        headerRow: 0,
        addColumns: [],
        columnOf: {},
        marks: [],
        clearRows: [],
        clearColumns: [],
        writes: [],
      },
      headerAfterRun: [],
      sentDocuments: 2,
      sentRows: 3,
      notSentRows: 0,
      outcomes: [],
    };
    const html = renderPanel(null, <BulkResultView result={result} />);
    expect(html).toMatch(/data-testid="bulk-summary"[^>]*>3 行成功, 60 行失败</);
    expect(html).toContain("申请批次号：PC202410221044247381");
    expect(html).toContain("已提交 2 张单据（3 行）");
    expect(html.match(/data-testid="bulk-failure"/g)).toHaveLength(MAX_LISTED_FAILURES);
    expect(html.replace(/<!-- -->/g, "")).toContain("第2行：金额不能为空");
    expect(html).toContain("另有 10 行失败");
  });
});
