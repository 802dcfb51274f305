/**
 * Issue 11 D11: without Office.context.partitionKey the pane's storage is the origin's shared
 * localStorage — appSecret and the AES password never reach it (memory only) and 记住密钥 is disabled
 * with the reason; with a partition key they are stored under its prefix when asked.
 */
import { renderToString } from "react-dom/server";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { App } from "../../../taskpane/components/App";
import { enUS } from "../../../taskpane/i18n/en-US";
import { zhCN } from "../../../taskpane/i18n/zh-CN";
import { DEFAULT_SETTINGS, loadSettings, saveSettings } from "../../../taskpane/services/settings";
import { type KeyValueStore, partitionedStore } from "../../../taskpane/services/storage";

const SECRETS = { appSecret: "app-S3cret-7f1c", aesPassword: "aes-Pw-93d2" };

/** A Storage that records every write it receives. */
function fakeStorage(initial: Record<string, string> = {}) {
  const backing = new Map<string, string>(Object.entries(initial));
  const writes: Array<[string, string]> = [];
  const storage = {
    getItem: (k: string) => backing.get(k) ?? null,
    setItem: (k: string, v: string) => {
      writes.push([k, v]);
      backing.set(k, v);
    },
    removeItem: (k: string) => void backing.delete(k),
  } as unknown as Storage;
  return { storage, backing, writes };
}

/** The 记住密钥 checkbox's <input> tag. */
const rememberBox = (html: string): string =>
  /<input[^>]*data-testid="set-rememberSecrets"[^>]*>/.exec(html)?.[0] ?? "(no checkbox)";

const everything = (f: ReturnType<typeof fakeStorage>) =>
  [...f.writes.flat(), ...f.backing.keys(), ...f.backing.values()].join("\n");

function renderSettings(store: KeyValueStore): string {
  return renderToString(
    <FluentProvider theme={webLightTheme}>
      <App
        port={null}
        store={store}
        origin="http://localhost:3000"
        fetcher={async () => ({ ok: true, status: 200 })}
        printHtml={() => undefined}
        copyText={async () => true}
        initialTab="settings"
      />
    </FluentProvider>
  );
}

describe("secrets without an Office partition key", () => {
  it("never writes appSecret or the AES password, even with 记住密钥 ticked; other settings persist", () => {
    const f = fakeStorage();
    const store = partitionedStore(f.storage, undefined);
    saveSettings(
      store,
      { ...DEFAULT_SETTINGS, appId: "app-1", encoding: "aes", rememberSecrets: true },
      SECRETS
    );
    expect(everything(f)).not.toContain(SECRETS.appSecret);
    expect(everything(f)).not.toContain(SECRETS.aesPassword);
    expect([...f.backing.keys()]).toEqual(["hongchong:settings"]);
    const loaded = loadSettings(store);
    expect(loaded.settings.appId).toBe("app-1");
    expect(loaded.settings.rememberSecrets).toBe(false);
    expect(loaded.secrets).toEqual({ appSecret: "", aesPassword: "" });
    expect(store.holdsSecrets).toBe(false);
  });

  it("removes secrets an earlier version left in the shared storage instead of reading them", () => {
    const f = fakeStorage({
      "hongchong:settings": JSON.stringify({ ...DEFAULT_SETTINGS, rememberSecrets: true }),
      "hongchong:secrets": JSON.stringify(SECRETS),
    });
    const loaded = loadSettings(partitionedStore(f.storage, undefined));
    expect(loaded.secrets).toEqual({ appSecret: "", aesPassword: "" });
    expect(f.backing.has("hongchong:secrets")).toBe(false);
  });

  it("disables 记住密钥 and says why, in Chinese and in the English UI", () => {
    const zh = renderSettings(partitionedStore(fakeStorage().storage, undefined));
    expect(zh).toContain(zhCN["set.rememberSecretsUnavailable"]);
    expect(rememberBox(zh)).toContain('disabled=""');

    const f = fakeStorage();
    const store = partitionedStore(f.storage, undefined);
    saveSettings(store, { ...DEFAULT_SETTINGS, language: "en-US" }, SECRETS);
    expect(renderSettings(store)).toContain(enUS["set.rememberSecretsUnavailable"]);
  });
});

describe("secrets with an Office partition key", () => {
  it("stores them under the partition's prefix only when 记住密钥 is ticked, and the option is enabled", () => {
    const f = fakeStorage();
    const store = partitionedStore(f.storage, "pk-42");
    expect(store.holdsSecrets).toBe(true);
    saveSettings(store, { ...DEFAULT_SETTINGS, encoding: "aes" }, SECRETS);
    expect(everything(f)).not.toContain(SECRETS.appSecret);
    saveSettings(store, { ...DEFAULT_SETTINGS, encoding: "aes", rememberSecrets: true }, SECRETS);
    expect([...f.backing.keys()].sort()).toEqual(["pk-42:hongchong:secrets", "pk-42:hongchong:settings"]);
    expect(JSON.parse(f.backing.get("pk-42:hongchong:secrets") as string)).toEqual(SECRETS);
    expect(loadSettings(store).secrets).toEqual(SECRETS);

    const html = renderSettings(store);
    expect(html).not.toContain(zhCN["set.rememberSecretsUnavailable"]);
    expect(rememberBox(html)).toContain('type="checkbox"');
    expect(rememberBox(html)).not.toContain("disabled");
  });
});
