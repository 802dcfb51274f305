import * as React from "react";
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
} from "@fluentui/react-components";
import { usePane } from "../hooks/usePane";

export interface ConfirmDialogProps {
  readonly testId: string;
  readonly open: boolean;
  readonly title: string;
  readonly body: string;
  readonly confirmLabel: string;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}

/** The second confirmation (二次确认) before an action that cannot be undone. Esc cancels. */
export const ConfirmDialog: React.FC<ConfirmDialogProps> = ({
  testId,
  open,
  title,
  body,
  confirmLabel,
  onConfirm,
  onCancel,
}) => {
  const { t } = usePane();
  return (
    <Dialog open={open} modalType="alert" onOpenChange={(_, d) => (d.open ? undefined : onCancel())}>
      <DialogSurface data-testid={testId}>
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          <DialogContent>{body}</DialogContent>
          <DialogActions>
            <Button data-testid={`${testId}-confirm`} appearance="primary" onClick={onConfirm}>
              {confirmLabel}
            </Button>
            <Button data-testid={`${testId}-cancel`} onClick={onCancel}>
              {t("common.back")}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
};
