import * as React from "react";
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  Select,
} from "@fluentui/react-components";
import { usePane } from "../hooks/usePane";

export interface ConfirmDownloadForm {
  readonly role: "销方" | "购方";
  readonly startDate: string;
  readonly endDate: string;
}

export interface ConfirmDownloadDialogProps {
  readonly open: boolean;
  readonly onSubmit: (req: ConfirmDownloadForm) => void;
  readonly onCancel: () => void;
}

/** 下载 红字确认单: 购销身份 and the 录入日期 range; runs as a background task. */
export const ConfirmDownloadDialog: React.FC<ConfirmDownloadDialogProps> = ({ open, onSubmit, onCancel }) => {
  const { t } = usePane();
  const [role, setRole] = React.useState<"销方" | "购方">("销方");
  const [startDate, setStart] = React.useState("");
  const [endDate, setEnd] = React.useState("");
  const valid = startDate !== "" && endDate !== "" && startDate <= endDate;
  return (
    <Dialog open={open} onOpenChange={(_, d) => (d.open ? undefined : onCancel())}>
      <DialogSurface data-testid="confirm-download-dialog">
        <DialogBody>
          <DialogTitle>{t("confirm.downloadTitle")}</DialogTitle>
          <DialogContent>
            <Field label={t("confirm.role")}>
              <Select
                data-testid="confirm-download-role"
                value={role}
                onChange={(_, d) => setRole(d.value as "销方" | "购方")}
              >
                <option value="销方">销方</option>
                <option value="购方">购方</option>
              </Select>
            </Field>
            <Field label={t("confirm.startDate")} required>
              <Input
                data-testid="confirm-download-start"
                type="date"
                value={startDate}
                onChange={(_, d) => setStart(d.value)}
              />
            </Field>
            <Field label={t("confirm.endDate")} required>
              <Input
                data-testid="confirm-download-end"
                type="date"
                value={endDate}
                onChange={(_, d) => setEnd(d.value)}
              />
            </Field>
          </DialogContent>
          <DialogActions>
            <Button
              data-testid="confirm-download-confirm"
              appearance="primary"
              disabled={!valid}
              onClick={() => onSubmit({ role, startDate, endDate })}
            >
              {t("common.ok")}
            </Button>
            <Button data-testid="confirm-download-cancel" onClick={onCancel}>
              {t("common.cancel")}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
};
