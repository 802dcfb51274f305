import * as React from "react";
import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
} from "@fluentui/react-components";
import { usePane } from "../hooks/usePane";

export interface SecondConfirmDialogProps {
  readonly testId: string;
  readonly open: boolean;
  readonly title: string;
  readonly body: string;
  /** The box the clerk ticks before the action is enabled (the explicit second confirmation). */
  readonly checkLabel: string;
  readonly confirmLabel: string;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}

/**
 * The explicit second confirmation of a large irreversible run: the button stays disabled until
 * the clerk ticks the box (so a double click on the first dialog never sends). Esc cancels.
 */
export const SecondConfirmDialog: React.FC<SecondConfirmDialogProps> = ({
  testId,
  open,
  title,
  body,
  checkLabel,
  confirmLabel,
  onConfirm,
  onCancel,
}) => {
  const { t } = usePane();
  const [checked, setChecked] = React.useState(false);
  React.useEffect(() => {
    if (open) setChecked(false);
  }, [open]);
  return (
    <Dialog open={open} modalType="alert" onOpenChange={(_, d) => (d.open ? undefined : onCancel())}>
      <DialogSurface data-testid={testId}>
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          <DialogContent>
            <p>{body}</p>
            <Checkbox
              data-testid={`${testId}-check`}
              label={checkLabel}
              checked={checked}
              onChange={(_, d) => setChecked(d.checked === true)}
            />
          </DialogContent>
          <DialogActions>
            <Button
              data-testid={`${testId}-confirm`}
              appearance="primary"
              disabled={!checked}
              onClick={onConfirm}
            >
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
