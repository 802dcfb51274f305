/**
 * What every panel needs, provided once by App: the workbook port (null outside Excel), the gateway
 * client (null until the login is filled in), the settings, the translator, background tasks and the
 * browser services (print, clipboard) — injected so components stay testable without a host.
 */
import { createContext, useContext } from "react";
import type { WorkbookPort } from "../../src/sheet/port";
import { translator, type Translate } from "../i18n";
import { DEFAULT_SETTINGS, type Settings } from "../services/settings";
import type { WorkflowClient } from "../workflows/common";
import { TaskStore } from "../workflows/tasks";

export interface PaneServices {
  readonly port: WorkbookPort | null;
  readonly client: WorkflowClient | null;
  readonly settings: Settings;
  readonly t: Translate;
  readonly tasks: TaskStore;
  readonly printHtml: (html: string) => void;
  readonly copyText: (text: string) => Promise<boolean>;
  /** Epoch ms; injected so deadlines can be tested. */
  readonly now: () => number;
}

export const PaneContext = createContext<PaneServices>({
  port: null,
  client: null,
  settings: DEFAULT_SETTINGS,
  t: translator("zh-CN"),
  tasks: new TaskStore(),
  printHtml: () => undefined,
  copyText: async () => false,
  now: () => Date.now(),
});

export function usePane(): PaneServices {
  return useContext(PaneContext);
}
