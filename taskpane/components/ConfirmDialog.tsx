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

export interface ConfirmDialogProps {
  readonly testId: string;
  readonly open: boolean;
  readonly title: string;
  readonly body: string;
  /**
   * A box the clerk ticks before the action is enabled (the explicit second confirmation of a large
   * irreversible run: a double click on the first dialog never sends). Absent: no box.
   */
  readonly checkLabel?: string;
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
            {checkLabel === undefined ? (
              body
            ) : (
              <>
                <p>{body}</p>
                <Checkbox
                  data-testid={`${testId}-check`}
                  label={checkLabel}
                  checked={checked}
                  onChange={(_, d) => setChecked(d.checked === true)}
                />
              </>
            )}
          </DialogContent>
          <DialogActions>
            <Button
              data-testid={`${testId}-confirm`}
              appearance="primary"
              disabled={checkLabel !== undefined && !checked}
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
