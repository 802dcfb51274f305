import {
  awaitingConfirmation,
  barGeometry,
  countByStatus,
  formatTimeLeft,
} from "../../../taskpane/workflows/dashboard";
import { groupConfirmRows } from "../../../taskpane/workflows/confirmForms";
import { TaskStore } from "../../../taskpane/workflows/tasks";
import { translate } from "../../../taskpane/i18n";
import { zhCN } from "../../../taskpane/i18n/zh-CN";
import { enUS } from "../../../taskpane/i18n/en-US";
import {
  DEFAULT_SETTINGS,
  gatewayBaseUrl,
  loadSettings,
  saveSettings,
} from "../../../taskpane/services/settings";
import { memoryStore, partitionedStore } from "../../../taskpane/services/storage";
import { testConnection } from "../../../taskpane/services/gateway";
import { FakePort, failResult, okResult } from "./fakes";

const HEADER = ["原蓝票号码", "红冲原因", "红字确认单编号", "录入状态", "确认状态", "录入日期"];
const BLUE = "24330000000012345678";

describe("状态看板", () => {
  it("counts forms (not lines) by 确认状态 and lists 02/03 forms with their 72-hour deadline", async () => {
    const port = new FakePort({
      confirmForms: {
        grid: [
          HEADER,
          [BLUE, "开票有误", "A1", "录入成功", "02", "2025-01-01 10:00:00"],
          [BLUE, "开票有误", "A1", "录入成功", "02", "2025-01-01 10:00:00"],
          [BLUE, "开票有误", "A2", "录入成功", "03", "2025-01-03 10:00:00"],
          [BLUE, "开票有误", "A3", "录入成功", "01", ""],
          [BLUE, "开票有误", "", "", "", ""],
        ],
      },
    });
    const read = await port.readSelection("confirmForms");
    if (!read.ok) throw new Error(read.refusal.message);
    expect(countByStatus("confirmForms", read.value.rows)).toEqual([
      { label: "销方录入 待购方确认", count: 1 },
      { label: "购方录入 待销方确认", count: 1 },
      { label: "无需确认", count: 1 },
      { label: "未录入", count: 1 },
    ]);
    // Now: 2025-01-04 10:00:01 China time → A1's deadline (01-04 10:00:00) passed 1 s ago.
    const now = Date.UTC(2025, 0, 4, 2, 0, 1);
    const awaiting = awaitingConfirmation(groupConfirmRows(read.value.rows), now);
    expect(awaiting.map((a) => [a.formNumber, a.deadline, a.overdue])).toEqual([
      ["A1", "2025-01-04 10:00:00", true],
      ["A2", "2025-01-06 10:00:00", false],
    ]);
    expect(formatTimeLeft(awaiting[1].minutesLeft)).toBe("1天23小时");
    expect(formatTimeLeft(-65)).toBe("已超时 1小时5分钟");
    // Exactly at the deadline it is not yet overdue.
    expect(
      awaitingConfirmation(groupConfirmRows(read.value.rows), Date.UTC(2025, 0, 4, 2, 0, 0))[0].overdue
    ).toBe(false);
  });

  it("scales bars to the largest count", () => {
    expect(
      barGeometry(
        [
          { label: "a", count: 4 },
          { label: "b", count: 1 },
        ],
        100,
        20
      )
    ).toEqual([
      { label: "a", count: 4, y: 0, width: 100 },
      { label: "b", count: 1, y: 20, width: 25 },
    ]);
  });
});

describe("pane services", () => {
  it("keeps secrets out of storage unless asked, and prefixes keys with the Office partition", () => {
    const backing = new Map<string, string>();
    const fakeStorage = {
      getItem: (k: string) => backing.get(k) ?? null,
      setItem: (k: string, v: string) => void backing.set(k, v),
      removeItem: (k: string) => void backing.delete(k),
    } as unknown as Storage;
    const store = partitionedStore(fakeStorage, "p1");
    saveSettings(store, { ...DEFAULT_SETTINGS, appId: "app" }, { appSecret: "s3cret", aesPassword: "" });
    expect(Array.from(backing.keys())).toEqual(["p1:hongchong:settings"]);
    expect(Array.from(backing.values()).join()).not.toContain("s3cret");
    expect(loadSettings(store).secrets.appSecret).toBe("");
    saveSettings(
      store,
      { ...DEFAULT_SETTINGS, rememberSecrets: true },
      { appSecret: "s3cret", aesPassword: "" }
    );
    expect(loadSettings(store).secrets.appSecret).toBe("s3cret");
    expect(loadSettings(memoryStore()).settings.language).toBe("zh-CN");
  });

  it("defaults the gateway to the pane's own origin", () => {
    expect(gatewayBaseUrl({ gatewayUrl: "" }, "https://localhost:3000")).toBe("https://localhost:3000");
    expect(gatewayBaseUrl({ gatewayUrl: "http://gw:8787/" }, "x")).toBe("http://gw:8787");
  });

  it("测试连接 = login, then /health", async () => {
    const seen: string[] = [];
    const fetcher = async (url: string) => {
      seen.push(url);
      return { ok: url.startsWith("http://ok"), status: 503 };
    };
    const good = { login: async () => okResult({ accessToken: "t", expiresAt: 0 }) };
    expect(await testConnection(good, "http://ok", fetcher)).toEqual({ ok: true });
    expect(seen).toEqual(["http://ok/health"]);
    expect(await testConnection(good, "http://down", fetcher)).toEqual({
      ok: false,
      stage: "health",
      message: "HTTP 503",
    });
    const bad = {
      login: async () => failResult<{ accessToken: string; expiresAt: number }>("GW_APP_CREDENTIALS_INVALID"),
    };
    const r = await testConnection(bad, "http://ok", fetcher);
    expect(r.ok ? null : r.stage).toBe("login");
  });

  it("translates with parameters; English has every key", () => {
    expect(translate("zh-CN", "red.groups", { groups: 3 })).toBe("将分 3 批提交（每批最多10张）");
    expect(translate("en-US", "red.groups", { groups: 3 })).toBe("Sent in 3 groups (at most 10 each)");
    expect(Object.keys(enUS).sort()).toEqual(Object.keys(zhCN).sort());
  });

  it("runs background tasks, reports progress and can cancel them", async () => {
    const store = new TaskStore();
    const changes: number[] = [];
    store.subscribe(() => changes.push(store.running()));
    const a = store.start("下载", async ({ onProgress }) => {
      onProgress({ done: 1, total: 2, label: "x" });
      return { ok: true, value: "2 张" };
    });
    const b = store.start(
      "更新确认单状态",
      ({ signal }) =>
        new Promise((resolve) => signal.addEventListener("abort", () => resolve({ ok: true, value: "" })))
    );
    expect(store.running()).toBe(2);
    expect((await a.done).state).toBe("succeeded");
    expect(store.list()[0].message).toBe("2 张");
    store.cancel(b.id);
    expect((await b.done).state).toBe("cancelled");
    store.clearFinished();
    expect(store.list()).toEqual([]);
    expect(changes.length).toBeGreaterThan(3);
  });
});
