import * as React from "react";
import { Button, Checkbox, Field, Select, Text, makeStyles, tokens } from "@fluentui/react-components";
import type { Refusal } from "../../src/domain/refusals";
import { gatewaySubmitter } from "../../src/sheet/xlsx/submit";
import { usePane } from "../hooks/usePane";
import { useRun } from "../hooks/useRun";
import { useFocusOnChange } from "../hooks/useFocusOnChange";
import {
  KIND_SPECS,
  TEMPLATE_KINDS,
  bulkPortOf,
  canSubmit,
  submitBulkSheet,
  templatePortOf,
  validateBulkSheet,
  clearBulkMarks,
  type BulkKindChoice,
  type BulkSubmitResult,
  type BulkValidateResult,
} from "../workflows/bulkImport";
import { BulkResultView } from "./BulkResultView";
import { RunMarksBar } from "./SheetTools";
import { Notice } from "./Notice";
import { ProgressPanel } from "./ProgressPanel";
import { TemplateButtons } from "./TemplateButtons";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  buttons: { display: "flex", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
});

/**
 * 批量引入: insert a template; validate the active sheet (or its selected rows) and mark it — red
 * cells with notes, 失败原因, 申请批次号 — then submit the valid rows, 流水号 first.
 */
export const BulkImportPanel: React.FC = () => {
  const { port, client, t } = usePane();
  const styles = useStyles();
  const job = useRun();
  const bulk = bulkPortOf(port);
  const [kind, setKind] = React.useState<BulkKindChoice>("auto");
  const [selectionOnly, setSelectionOnly] = React.useState(false);
  const [result, setResult] = React.useState<BulkValidateResult | BulkSubmitResult | null>(null);
  const [error, setError] = React.useState<Refusal | { message: string } | null>(null);
  const [message, setMessage] = React.useState<{ intent: "success" | "error"; text: string } | null>(null);
  const resultRef = React.useRef<HTMLHeadingElement>(null);
  const errorRef = React.useRef<HTMLDivElement>(null);
  useFocusOnChange(resultRef, result);
  useFocusOnChange(errorRef, error);

  const guard = async (body: () => Promise<void>) => {
    setError(null);
    setMessage(null);
    try {
      await body();
    } catch (e) {
      // Host failures (Excel API errors) are thrown by the port: show them, keep the pane alive.
      setError({ message: e instanceof Error ? e.message : String(e) });
    }
  };

  const onValidate = () =>
    void job.run((ctl) =>
      guard(async () => {
        if (!bulk) return;
        const r = await validateBulkSheet(bulk, { ...ctl, kind, selectionOnly });
        if (!r.ok) return setError(r.refusal);
        setResult(r.value);
      })
    );

  const onSubmit = () =>
    void job.run((ctl) =>
      guard(async () => {
        if (!bulk || !client || !result) return;
        const r = await submitBulkSheet(bulk, gatewaySubmitter(client), {
          ...ctl,
          kind: result.kind,
          selectionOnly,
          batchNo: result.batchNo,
        });
        if (!r.ok) return setError(r.refusal);
        setResult(r.value);
      })
    );

  const submittable = result !== null && canSubmit(result.kind);
  return (
    <section className={styles.root} aria-label={t("tab.bulkImport")}>
      <Text weight="semibold">{t("bulk.templates")}</Text>
      <Text size={200}>{t("bulk.templatesHint")}</Text>
      <TemplateButtons
        testIdPrefix="bulk-insert-template"
        disabled={job.running}
        onMessage={(intent, text) => setMessage({ intent, text })}
      />
      {port && !templatePortOf(port) ? (
        <Notice testId="bulk-no-template-port" intent="warning" text={t("bulk.noTemplatePort")} />
      ) : null}
      <Text weight="semibold">{t("bulk.import")}</Text>
      <Field label={t("bulk.kind")}>
        <Select
          data-testid="bulk-kind"
          value={kind}
          onChange={(_, d) => setKind(d.value as BulkKindChoice)}
          disabled={job.running}
        >
          <option value="auto">{t("bulk.kindAuto")}</option>
          {TEMPLATE_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_SPECS[k].title}
            </option>
          ))}
        </Select>
      </Field>
      <Checkbox
        data-testid="bulk-selection-only"
        label={t("bulk.selectionOnly")}
        checked={selectionOnly}
        disabled={job.running}
        onChange={(_, d) => setSelectionOnly(d.checked === true)}
      />
      <div className={styles.buttons}>
        <Button
          data-testid="bulk-validate"
          appearance="primary"
          disabled={!bulk || job.running}
          onClick={onValidate}
        >
          {t("bulk.validate")}
        </Button>
        <Button
          data-testid="bulk-submit"
          disabled={!bulk || !client || !submittable || job.running}
          onClick={onSubmit}
        >
          {t("bulk.submit")}
        </Button>
      </div>
      {port && !bulk ? <Notice testId="bulk-no-port" intent="warning" text={t("bulk.noPort")} /> : null}
      {!client ? <Notice testId="bulk-signin" intent="info" text={t("notSignedIn")} /> : null}
      {result && !canSubmit(result.kind) ? (
        <Notice
          testId="bulk-submit-unsupported"
          intent="info"
          text={t("bulk.submitUnsupported", { title: result.title })}
        />
      ) : null}
      <ProgressPanel testId="bulk" running={job.running} progress={job.progress} onCancel={job.cancel} />
      {job.cancelled ? (
        <Notice testId="bulk-cancelled" intent="warning" text={t("common.cancelled")} />
      ) : null}
      <div ref={errorRef} tabIndex={-1}>
        <Notice testId="bulk-error" intent="error" text={error?.message ?? null} />
      </div>
      <Notice testId="bulk-message" intent={message?.intent ?? "success"} text={message?.text ?? null} />
      {result && bulk && !job.running ? (
        <RunMarksBar
          testId="bulk"
          target={null}
          rowIndexes={result.clearPlan.clearRows}
          failedRows={result.failed}
          clear={() => clearBulkMarks(bulk, result)}
        />
      ) : null}
      {result ? <BulkResultView ref={resultRef} result={result} /> : null}
    </section>
  );
};
