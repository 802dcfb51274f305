import * as React from "react";
import { Button, Field, ProgressBar, makeStyles, tokens } from "@fluentui/react-components";
import type { WorkflowProgress } from "../workflows/common";
import { usePane } from "../hooks/usePane";

export interface ProgressPanelProps {
  readonly testId: string;
  readonly running: boolean;
  readonly progress: WorkflowProgress | null;
  readonly onCancel: () => void;
}

const useStyles = makeStyles({
  root: { display: "flex", alignItems: "flex-end", gap: tokens.spacingHorizontalS },
  bar: { flexGrow: 1 },
});

/** Progress of a long action with its cancel button; the label is announced (aria-live). */
export const ProgressPanel: React.FC<ProgressPanelProps> = ({ testId, running, progress, onCancel }) => {
  const { t } = usePane();
  const styles = useStyles();
  if (!running) return null;
  const value = progress && progress.total > 0 ? progress.done / progress.total : undefined;
  const text = progress ? `${progress.done}/${progress.total} ${progress.label}` : "";
  return (
    <div className={styles.root} data-testid={`${testId}-progress`}>
      <Field
        className={styles.bar}
        label={t("common.progress")}
        validationMessage={text}
        validationState="none"
      >
        <ProgressBar value={value} aria-valuetext={text} />
      </Field>
      <span aria-live="polite" role="status" style={{ position: "absolute", left: -10000 }}>
        {text}
      </span>
      <Button data-testid={`${testId}-cancel`} onClick={onCancel}>
        {t("common.cancel")}
      </Button>
    </div>
  );
};
