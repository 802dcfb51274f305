import * as React from "react";
import { Button, Text, makeStyles, tokens } from "@fluentui/react-components";
import type { Refusal } from "../../src/domain/refusals";
import { usePane } from "../hooks/usePane";
import { useRun } from "../hooks/useRun";
import { useFocusOnChange } from "../hooks/useFocusOnChange";
import {
  downloadInfoForms,
  extensionMessage,
  infoFormButtonStates,
  infoFormPrintHtml,
  readInfoForms,
  runInfoFormButton,
  type InfoFormButton,
  type InfoFormOutcome,
  type InfoFormSelection,
} from "../workflows/infoForms";
import type { MessageKey } from "../i18n";
import { ButtonBar } from "./ButtonBar";
import { ConfirmDialog } from "./ConfirmDialog";
import { FocusHeading } from "./FocusHeading";
import { FormOutcomeList } from "./FormOutcomeList";
import { InfoDownloadDialog, type InfoDownloadRequestForm } from "./InfoDownloadDialog";
import { Notice } from "./Notice";
import { ProgressPanel } from "./ProgressPanel";
import { ReasonList } from "./ReasonList";
import { RunMarksBar, SheetTargetProvider } from "./SheetTools";
import { RedFlushPanel } from "./RedFlushPanel";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
});

const LABEL: Readonly<Record<InfoFormButton, MessageKey>> = {
  submit: "info.submit",
  download: "info.download",
  redFlush: "info.redFlush",
  print: "info.print",
  revoke: "info.revoke",
  rollback: "info.rollback",
  delete: "info.delete",
};

/** 红字信息表: new from blue invoices, and every button of the manual on the selected forms. */
export const InfoFormPanel: React.FC = () => {
  const { port, client, settings, t, printHtml } = usePane();
  const styles = useStyles();
  const job = useRun();
  const [sel, setSel] = React.useState<InfoFormSelection | null>(null);
  const [outcomes, setOutcomes] = React.useState<InfoFormOutcome[] | null>(null);
  const [error, setError] = React.useState<Refusal | null>(null);
  const [info, setInfo] = React.useState<string | null>(null);
  const [showNew, setShowNew] = React.useState(false);
  const [dialog, setDialog] = React.useState<"download" | "revoke" | null>(null);
  const resultRef = React.useRef<HTMLHeadingElement>(null);
  const errorRef = React.useRef<HTMLDivElement>(null);
  useFocusOnChange(resultRef, outcomes);
  useFocusOnChange(errorRef, error);

  const states = infoFormButtonStates(sel?.entries ?? [], settings.orgTaxId);

  const read = () =>
    job.run(async (ctl) => {
      if (!port) return;
      setError(null);
      const r = await readInfoForms(port, client, ctl);
      if (r.ok) setSel(r.value);
      else {
        setSel(null);
        setError(r.refusal);
      }
    });

  const runButton = (button: "submit" | "redFlush" | "revoke" | "rollback" | "delete") =>
    void job.run(async (ctl) => {
      if (!port || !client || !sel) return;
      setError(null);
      setInfo(null);
      const r = await runInfoFormButton(button, port, client, sel, { ...ctl, orgTaxId: settings.orgTaxId });
      setOutcomes(r.outcomes);
      if (r.refusal) setError(r.refusal);
      // Statuses changed: read again so the buttons follow the new states.
      const again = await readInfoForms(port, client, ctl);
      if (again.ok) setSel(again.value);
    });

  const download = (req: InfoDownloadRequestForm) => {
    setDialog(null);
    void job.run(async () => {
      if (!client) return;
      setError(null);
      const r = await downloadInfoForms(
        client,
        { orgTaxId: settings.orgTaxId, ...req },
        port && sel ? { port, sel } : undefined
      );
      if (r.ok) setInfo(t("info.downloaded", { n: r.value.forms.length, rows: r.value.updatedRows }));
      else setError(r.refusal);
    });
  };

  const click = (b: InfoFormButton) => {
    if (b === "download") setDialog("download");
    else if (b === "revoke") setDialog("revoke");
    else if (b === "print") printHtml(infoFormPrintHtml(sel?.entries ?? []));
    else runButton(b);
  };

  const ready = !!port && !job.running;
  const buttons = (["submit", "download", "redFlush", "print", "revoke", "rollback", "delete"] as const).map(
    (b) => ({
      id: b,
      label: t(LABEL[b]),
      enabled:
        states[b].enabled && !job.running && (b === "print" || !!client) && (b === "download" || ready),
      primary: b === "submit",
      onClick: () => click(b),
    })
  );

  return (
    <section className={styles.root} aria-label={t("tab.infoForms")}>
      <SheetTargetProvider layout={sel?.layout ?? null}>
        <div>
          <Button data-testid="info-new-toggle" aria-expanded={showNew} onClick={() => setShowNew(!showNew)}>
            {t("info.fromBlue")}
          </Button>
        </div>
        {showNew ? <RedFlushPanel only="税控专票" testId="info-new" /> : null}
        <div>
          <Button data-testid="info-read" appearance="primary" disabled={!ready} onClick={() => void read()}>
            {t("common.readSelection")}
          </Button>
        </div>
        {!client ? <Notice testId="info-signin" intent="info" text={t("notSignedIn")} /> : null}
        <Text data-testid="info-selection">
          {sel
            ? t("common.selectedForms", {
                n: sel.entries.length,
                rows: sel.entries.reduce((n, e) => n + e.rowIndexes.length, 0),
              })
            : t("common.noRows")}
        </Text>
        {sel?.note ? <Notice testId="info-note" intent="warning" text={extensionMessage(sel.note)} /> : null}
        <ButtonBar testId="info" buttons={buttons} />
        {sel ? (
          <ReasonList
            testId="info-reasons"
            reasons={buttons.map((b) => ({
              button: b.label,
              refusals: states[b.id as InfoFormButton].refusals,
            }))}
          />
        ) : null}
        <ProgressPanel testId="info" running={job.running} progress={job.progress} onCancel={job.cancel} />
        <div ref={errorRef} tabIndex={-1}>
          <Notice testId="info-error" intent="error" text={error ? extensionMessage(error) : null} />
        </div>
        <Notice testId="info-message" intent="success" text={info} />
        {outcomes ? (
          <>
            <FocusHeading ref={resultRef} testId="info-result-summary">
              {t("common.result")}
            </FocusHeading>
            {sel ? (
              <RunMarksBar
                testId="info"
                target={{ kind: "infoForms", layout: sel.layout }}
                rowIndexes={sel.entries.flatMap((e) => e.rowIndexes)}
                failedRows={outcomes.filter((o) => !o.ok).length}
              />
            ) : null}
            <FormOutcomeList testId="info-outcomes" outcomes={outcomes} />
          </>
        ) : null}
        <InfoDownloadDialog
          open={dialog === "download"}
          onSubmit={download}
          onCancel={() => setDialog(null)}
        />
        <ConfirmDialog
          testId="info-revoke-dialog"
          open={dialog === "revoke"}
          title={t("info.revokeConfirmTitle")}
          body={t("info.revokeConfirmBody", { n: sel?.entries.length ?? 0 })}
          confirmLabel={t("info.revokeConfirm")}
          onConfirm={() => {
            setDialog(null);
            runButton("revoke");
          }}
          onCancel={() => setDialog(null)}
        />
      </SheetTargetProvider>
    </section>
  );
};
