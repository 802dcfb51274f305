import * as React from "react";
import { MessageBar, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import { usePane } from "../hooks/usePane";

/** Shown when the pane runs outside Excel (Office.onReady gave no host and no `Excel` global). */
export const NoWorkbookNotice: React.FC = () => {
  const { t } = usePane();
  return (
    <MessageBar intent="warning" data-testid="no-workbook" role="alert">
      <MessageBarBody>
        <MessageBarTitle>{t("noWorkbook.title")}</MessageBarTitle>
        {t("noWorkbook.body")}
      </MessageBarBody>
    </MessageBar>
  );
};
