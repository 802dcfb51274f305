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
  Field,
  Input,
} from "@fluentui/react-components";
import { checkDownloadScope } from "../../src/domain/infoForm";
import { usePane } from "../hooks/usePane";

export interface InfoDownloadRequestForm {
  readonly own: boolean;
  readonly others: boolean;
  readonly startDate: string;
  readonly endDate: string;
}

export interface InfoDownloadDialogProps {
  readonly open: boolean;
  readonly onSubmit: (req: InfoDownloadRequestForm) => void;
  readonly onCancel: () => void;
}

/** 下载: the two scope boxes (at least one, checked before sending) and an optional 填开日期 range. */
export const InfoDownloadDialog: React.FC<InfoDownloadDialogProps> = ({ open, onSubmit, onCancel }) => {
  const { t } = usePane();
  const [own, setOwn] = React.useState(true);
  const [others, setOthers] = React.useState(false);
  const [startDate, setStart] = React.useState("");
  const [endDate, setEnd] = React.useState("");
  const scope = checkDownloadScope(own, others);
  return (
    <Dialog open={open} onOpenChange={(_, d) => (d.open ? undefined : onCancel())}>
      <DialogSurface data-testid="info-download-dialog">
        <DialogBody>
          <DialogTitle>{t("info.downloadTitle")}</DialogTitle>
          <DialogContent>
            <Field
              validationMessage={scope.ok ? undefined : scope.refusal.message}
              validationState={scope.ok ? "none" : "error"}
            >
              <Checkbox
                data-testid="info-scope-own"
                label={t("info.scopeOwn")}
                checked={own}
                onChange={(_, d) => setOwn(d.checked === true)}
              />
              <Checkbox
                data-testid="info-scope-others"
                label={t("info.scopeOthers")}
                checked={others}
                onChange={(_, d) => setOthers(d.checked === true)}
              />
            </Field>
            <Field label={t("input.startDate")}>
              <Input
                data-testid="info-download-start"
                type="date"
                value={startDate}
                onChange={(_, d) => setStart(d.value)}
              />
            </Field>
            <Field label={t("input.endDate")}>
              <Input
                data-testid="info-download-end"
                type="date"
                value={endDate}
                onChange={(_, d) => setEnd(d.value)}
              />
            </Field>
          </DialogContent>
          <DialogActions>
            <Button
              data-testid="info-download-confirm"
              appearance="primary"
              disabled={!scope.ok}
              onClick={() => onSubmit({ own, others, startDate, endDate })}
            >
              {t("common.ok")}
            </Button>
            <Button data-testid="info-download-cancel" onClick={onCancel}>
              {t("common.cancel")}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
};
