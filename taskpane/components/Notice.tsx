import * as React from "react";
import { MessageBar, MessageBarBody } from "@fluentui/react-components";

export interface NoticeProps {
  readonly testId: string;
  readonly intent: "info" | "success" | "warning" | "error";
  readonly text: string | null;
}

/** A one-line message (errors are alerts so screen readers announce them at once). */
export const Notice: React.FC<NoticeProps> = ({ testId, intent, text }) => {
  if (!text) return null;
  return (
    <MessageBar intent={intent} data-testid={testId} role={intent === "error" ? "alert" : "status"}>
      <MessageBarBody>{text}</MessageBarBody>
    </MessageBar>
  );
};
