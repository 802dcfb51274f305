import * as React from "react";
import { Tab, TabList, Title3, makeStaticStyles, makeStyles, tokens } from "@fluentui/react-components";
import type { WorkbookPort } from "../../src/sheet/port";
import { translator, type MessageKey } from "../i18n";
import { setRefusalLanguage } from "../../src/domain/refusals";
import { PaneContext, type PaneServices } from "../hooks/usePane";
import { createClientFromSettings, testConnection, type FetchLike } from "../services/gateway";
import {
  canSignIn,
  gatewayBaseUrl,
  loadSettings,
  saveSettings,
  type Secrets,
  type Settings,
} from "../services/settings";
import type { KeyValueStore } from "../services/storage";
import { TaskStore } from "../workflows/tasks";
import { BulkImportPanel } from "./BulkImportPanel";
import { ConfirmFormPanel } from "./ConfirmFormPanel";
import { DashboardPanel } from "./DashboardPanel";
import { InfoFormPanel } from "./InfoFormPanel";
import { InputSyncPanel } from "./InputSyncPanel";
import { NewSheetMenu } from "./NewSheetMenu";
import { NoWorkbookNotice } from "./NoWorkbookNotice";
import { Notice } from "./Notice";
import { RedFlushPanel } from "./RedFlushPanel";
import { SettingsPanel } from "./SettingsPanel";
import { TaskIndicator } from "./TaskIndicator";

export interface AppProps {
  /** The workbook, or null outside Excel. */
  readonly port: WorkbookPort | null;
  /** Settings storage (partitioned localStorage or memory). */
  readonly store: KeyValueStore;
  /** The pane's origin: the default gateway URL. */
  readonly origin: string;
  readonly fetcher: FetchLike;
  readonly printHtml: (html: string) => void;
  readonly copyText: (text: string) => Promise<boolean>;
  readonly now?: () => number;
  readonly initialTab?: TabId;
}

export type TabId =
  "redFlush" | "infoForms" | "confirmForms" | "inputSync" | "bulkImport" | "dashboard" | "settings";
const TABS: readonly TabId[] = [
  "redFlush",
  "infoForms",
  "confirmForms",
  "inputSync",
  "bulkImport",
  "dashboard",
  "settings",
];

/**
 * A task pane is narrow: 20-digit invoice numbers, 16-digit form numbers and long refusal messages must wrap
 * inside their table cell instead of running over the next column.
 */
const useNarrowPaneStyles = makeStaticStyles({
  "td, th": { overflowWrap: "anywhere", wordBreak: "break-word" },
});

const useStyles = makeStyles({
  root: {
    padding: tokens.spacingHorizontalM,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
  },
  header: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
  title: { flexGrow: 1 },
  // Seven tabs do not fit one line of a 320–420 px pane: they wrap instead of overflowing.
  tabs: { flexWrap: "wrap", rowGap: tokens.spacingVerticalXXS, maxWidth: "100%" },
});

/** The task pane: header (新建工作表, tasks), tabs (no router: office.js replaces the history API), panels. */
export const App: React.FC<AppProps> = (props) => {
  useNarrowPaneStyles();
  const styles = useStyles();
  const [{ settings, secrets }, setConfig] = React.useState(() => loadSettings(props.store));
  const [tab, setTab] = React.useState<TabId>(props.initialTab ?? "redFlush");
  const [message, setMessage] = React.useState<{ intent: "success" | "error"; text: string } | null>(null);
  const tasks = React.useMemo(() => new TaskStore(), []);
  const client = React.useMemo(
    () => (canSignIn(settings, secrets) ? createClientFromSettings(settings, secrets, props.origin) : null),
    [settings, secrets, props.origin]
  );
  const t = React.useMemo(() => {
    // Refusals computed from here on (pre-flight, cell notes) speak the pane's language.
    setRefusalLanguage(settings.language === "en-US" ? "en" : "zh");
    return translator(settings.language);
  }, [settings.language]);
  const services: PaneServices = {
    port: props.port,
    client,
    settings,
    t,
    tasks,
    printHtml: props.printHtml,
    copyText: props.copyText,
    now: props.now ?? Date.now,
  };

  const save = (s: Settings, sec: Secrets) => {
    saveSettings(props.store, s, sec);
    setConfig({ settings: s, secrets: sec });
  };
  const test = (s: Settings, sec: Secrets) =>
    testConnection(
      createClientFromSettings(s, sec, props.origin),
      gatewayBaseUrl(s, props.origin),
      props.fetcher
    );

  return (
    <PaneContext.Provider value={services}>
      <div className={styles.root} lang={settings.language}>
        <header className={styles.header}>
          <Title3 as="h1" className={styles.title}>
            {t("app.title")}
          </Title3>
          <NewSheetMenu onMessage={(intent, text) => setMessage({ intent, text })} />
          <TaskIndicator />
        </header>
        {!props.port ? <NoWorkbookNotice /> : null}
        <Notice testId="app-message" intent={message?.intent ?? "success"} text={message?.text ?? null} />
        <TabList
          aria-label={t("app.tabs")}
          selectedValue={tab}
          onTabSelect={(_, d) => setTab(d.value as TabId)}
          size="small"
          className={styles.tabs}
        >
          {TABS.map((id) => (
            <Tab key={id} value={id} data-testid={`tab-${id}`}>
              {t(`tab.${id}` as MessageKey)}
            </Tab>
          ))}
        </TabList>
        <main role="tabpanel" aria-label={t(`tab.${tab}` as MessageKey)} data-testid={`panel-${tab}`}>
          {tab === "redFlush" ? <RedFlushPanel /> : null}
          {tab === "infoForms" ? <InfoFormPanel /> : null}
          {tab === "confirmForms" ? <ConfirmFormPanel /> : null}
          {tab === "inputSync" ? <InputSyncPanel /> : null}
          {tab === "bulkImport" ? <BulkImportPanel /> : null}
          {tab === "dashboard" ? <DashboardPanel /> : null}
          {tab === "settings" ? (
            <SettingsPanel
              key={settings.language}
              settings={settings}
              secrets={secrets}
              onSave={save}
              onTest={test}
              canRememberSecrets={props.store.holdsSecrets}
            />
          ) : null}
        </main>
      </div>
    </PaneContext.Provider>
  );
};
