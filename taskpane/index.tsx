/* global Office, document, window, fetch */
import { createRoot } from "react-dom/client";
import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { App } from "./components/App";
import { copyText, printHtml } from "./services/browser";
import { partitionedStore } from "./services/storage";
import { createWorkbookPort } from "./services/workbook";

// Nothing else runs at import time: the host is ready only inside Office.onReady. Outside Office
// (a plain browser, the browser tests) onReady resolves with host null and the pane still renders.
Office.onReady(() => {
  const container = document.getElementById("container");
  if (!container) return;
  const partitionKey = Office.context?.partitionKey ?? undefined;
  let storage: Storage | null = null;
  try {
    storage = window.localStorage;
  } catch {
    storage = null;
  }
  createRoot(container).render(
    <FluentProvider theme={webLightTheme}>
      <App
        port={createWorkbookPort()}
        store={partitionedStore(storage, partitionKey)}
        origin={window.location.origin}
        fetcher={(url) => fetch(url)}
        printHtml={(html) => printHtml(html)}
        copyText={copyText}
      />
    </FluentProvider>
  );
});
