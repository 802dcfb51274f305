import { renderToString } from "react-dom/server";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { App, type TabId } from "../../../taskpane/components/App";
import { DEFAULT_SETTINGS, saveSettings } from "../../../taskpane/services/settings";
import { memoryStore } from "../../../taskpane/services/storage";
import { FakePort } from "./fakes";
import { refusalLanguage } from "../../../src/domain/refusals";

function render(opts: { port?: FakePort | null; tab?: TabId; store?: ReturnType<typeof memoryStore> } = {}) {
  return renderToString(
    <FluentProvider theme={webLightTheme}>
      <App
        port={opts.port ?? null}
        store={opts.store ?? memoryStore()}
        origin="http://localhost:3000"
        fetcher={async () => ({ ok: true, status: 200 })}
        printHtml={() => undefined}
        copyText={async () => true}
        initialTab={opts.tab}
      />
    </FluentProvider>
  );
}

describe("task pane App (server-rendered)", () => {
  it("renders outside Excel with a clear no-workbook message and every tab", () => {
    const html = render();
    expect(html).toContain('data-testid="no-workbook"');
    expect(html).toContain("未连接 Excel 工作簿");
    for (const id of ["redFlush", "infoForms", "confirmForms", "inputSync", "dashboard", "settings"]) {
      expect(html).toContain(`data-testid="tab-${id}"`);
    }
    expect(html).toContain('data-testid="redflush-preflight"');
    // Without a workbook 预检 is disabled; without a login the pane says how to connect.
    expect(html).toMatch(
      /<button[^>]*disabled=""[^>]*data-testid="redflush-preflight"|data-testid="redflush-preflight"[^>]*disabled=""/
    );
    expect(html).toContain('data-testid="redflush-signin"');
  });

  it("has no no-workbook message when a port is given", () => {
    expect(render({ port: new FakePort() })).not.toContain('data-testid="no-workbook"');
  });

  it("renders each panel's controls with stable test ids", () => {
    expect(render({ tab: "infoForms" })).toContain('data-testid="info-submit"');
    expect(render({ tab: "confirmForms" })).toContain('data-testid="confirm-statusUpdate"');
    expect(render({ tab: "inputSync" })).toContain('data-testid="input-download"');
    expect(render({ tab: "dashboard" })).toContain('data-testid="dash-refresh"');
    const settings = render({ tab: "settings" });
    expect(settings).toContain('data-testid="set-appSecret"');
    expect(settings).toContain('type="password"');
  });

  it("switches to English from the stored settings", () => {
    const store = memoryStore();
    saveSettings(store, { ...DEFAULT_SETTINGS, language: "en-US" }, { appSecret: "", aesPassword: "" });
    const html = render({ store });
    expect(html).toContain("Red-Flush Assistant");
    expect(html).toContain("Pre-flight");
    // …and the refusals the pane computes from here on are worded from the English catalogue (issue 13 §8).
    expect(refusalLanguage()).toBe("en");
    render();
    expect(refusalLanguage()).toBe("zh");
  });
});
