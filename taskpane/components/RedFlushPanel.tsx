import * as React from "react";
import { Button, Checkbox, Text, makeStyles, tokens } from "@fluentui/react-components";
import type { Refusal } from "../../src/domain/refusals";
import { usePane } from "../hooks/usePane";
import { useRun } from "../hooks/useRun";
import { useFocusOnChange } from "../hooks/useFocusOnChange";
import {
  stoppedUnsentMessage,
  blueInvoicesOf,
  prepareRedFlush,
  replanRedFlush,
  restrictToFamily,
  runConfirmationOf,
  runRedFlush,
  type RedFlushPreflight,
  type RedFlushRun,
} from "../workflows/redFlush";
import { extensionMessage } from "../workflows/infoForms";
import { NOT_SIGNED_IN } from "../workflows/common";
import { ConfirmDialog } from "./ConfirmDialog";
import { FocusHeading } from "./FocusHeading";
import { PendingRedsView } from "./PendingRedsView";
import { Notice } from "./Notice";
import { PreflightTable } from "./PreflightTable";
import { ProgressPanel } from "./ProgressPanel";
import { RedFlushResultTable } from "./RedFlushResultTable";
import { RunMarksBar, SheetTargetProvider } from "./SheetTools";
import type { SheetLayout } from "../../src/sheet/port";

export interface RedFlushPanelProps {
  /** "all": module 000; a family: the 新建 from blue invoices of module 001 (专票) or 002 (数电). */
  readonly only?: "税控专票" | "数电";
  /** Prefix of the data-testids ("redflush", "info-new", "confirm-new"). */
  readonly testId?: string;
}

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  buttons: { display: "flex", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
});

/** 发票红冲: 预检 the selected blue invoices, then 红冲 them in groups of ≤ 10, results written back. */
export const RedFlushPanel: React.FC<RedFlushPanelProps> = ({ only, testId = "redflush" }) => {
  const { port, client, settings, t } = usePane();
  const styles = useStyles();
  const job = useRun();
  const [pre, setPre] = React.useState<RedFlushPreflight | null>(null);
  const [result, setResult] = React.useState<RedFlushRun | null>(null);
  /** The sheet the last run wrote to (the pre-flight's, which is cleared when the run starts). */
  const [runLayout, setRunLayout] = React.useState<SheetLayout | null>(null);
  const [error, setError] = React.useState<Refusal | null>(null);
  /** The confirmation step of a run above 10 invoices: first, then the explicit second one. */
  const [confirmStep, setConfirmStep] = React.useState<0 | 1 | 2>(0);
  const [showPending, setShowPending] = React.useState(false);
  const summaryRef = React.useRef<HTMLHeadingElement>(null);
  const resultRef = React.useRef<HTMLHeadingElement>(null);
  const errorRef = React.useRef<HTMLDivElement>(null);
  useFocusOnChange(summaryRef, pre);
  useFocusOnChange(resultRef, result);
  useFocusOnChange(errorRef, error);

  const restricted = (p: RedFlushPreflight): RedFlushPreflight =>
    only === "税控专票"
      ? restrictToFamily(p, "税控专票", "PANE_NOT_TAX_CONTROL_SPECIAL")
      : only === "数电"
        ? restrictToFamily(p, "数电", "PANE_NOT_DIGITAL")
        : p;

  const onPreflight = () =>
    void job.run(async (ctl) => {
      if (!port) return;
      setError(null);
      setResult(null);
      // The pre-flight reads each blue invoice's 状态, 可红冲金额 and 待开 from the cloud: without a
      // login it would judge the sheet's own cells and refuse every row for what the cloud fills in
      // (税率不能为空 …), sending the clerk to fix the wrong thing. One message instead.
      if (!client) {
        setPre(null);
        setError(NOT_SIGNED_IN());
        return;
      }
      const r = await prepareRedFlush(port, client, ctl, pre?.options, { orgTaxId: settings.orgTaxId });
      if (!r.ok) {
        setPre(null);
        setError(r.refusal);
        return;
      }
      setPre(restricted(r.value));
    });

  // The planner again on the rows already read: nothing is combined until the clerk says so.
  const onSendDuplicatesOnce = (sendDuplicatesOnce: boolean) => {
    if (pre) setPre(restricted(replanRedFlush(pre, { ...pre.options, sendDuplicatesOnce })));
  };

  const confirmed = pre ? runConfirmationOf(pre) : null;
  const confirmation = confirmed
    ? { invoices: confirmed.invoices, total: confirmed.total, groups: confirmed.groups }
    : null;
  const pendingBlues = React.useMemo(() => (pre ? blueInvoicesOf(pre) : null), [pre]);

  // Above 10 invoices: a confirmation with the count and the total, then a second, explicit one.
  const onRunClick = () => {
    if (confirmed?.needsSecondConfirmation) {
      setConfirmStep(1);
    } else onRun();
  };

  const onRun = () =>
    void job.run(async (ctl) => {
      if (!port || !client || !pre) return;
      setError(null);
      const r = await runRedFlush(port, client, pre, { ...ctl, orgTaxId: settings.orgTaxId });
      setRunLayout(pre.layout);
      setResult(r);
      if (r.refusal) setError(r.refusal);
      setPre(null);
    });

  const counts = result
    ? {
        success: result.outcomes.filter((o) => o.status === "success").length,
        failure: result.outcomes.filter((o) => o.status === "failure").length,
        pending: result.outcomes.filter((o) => o.status === "pending").length,
        skipped: result.outcomes.filter((o) => o.status === "skipped").length,
      }
    : null;

  return (
    <section className={styles.root} aria-label={t("tab.redFlush")}>
      <div className={styles.buttons}>
        <Button
          data-testid={`${testId}-preflight`}
          appearance="primary"
          disabled={!port || job.running}
          onClick={onPreflight}
        >
          {t("red.preflight")}
        </Button>
        <Button
          data-testid={`${testId}-run`}
          disabled={!port || !client || !pre || pre.sendCount === 0 || job.running}
          onClick={onRunClick}
        >
          {t("red.run")}
        </Button>
        {only === undefined ? (
          <Button
            data-testid={`${testId}-pending`}
            disabled={!client || job.running}
            aria-expanded={showPending}
            onClick={() => setShowPending((v) => !v)}
          >
            {t("pending.open")}
          </Button>
        ) : null}
        {job.running ? (
          <Button data-testid={`${testId}-stop`} title={t("red.stopHint")} onClick={job.cancel}>
            {t("red.stop")}
          </Button>
        ) : null}
      </div>
      {confirmation ? (
        <>
          <ConfirmDialog
            testId={`${testId}-confirm`}
            open={confirmStep === 1}
            title={t("red.confirm.title")}
            body={t("red.confirm.body", confirmation)}
            confirmLabel={t("red.confirm.next")}
            onConfirm={() => setConfirmStep(2)}
            onCancel={() => setConfirmStep(0)}
          />
          <ConfirmDialog
            testId={`${testId}-confirm2`}
            open={confirmStep === 2}
            title={t("red.confirm2.title")}
            body={t("red.confirm2.body", confirmation)}
            checkLabel={t("red.confirm2.check")}
            confirmLabel={t("red.confirm2.go", confirmation)}
            onConfirm={() => {
              setConfirmStep(0);
              onRun();
            }}
            onCancel={() => setConfirmStep(0)}
          />
        </>
      ) : null}
      {!client ? <Notice testId={`${testId}-signin`} intent="info" text={t("notSignedIn")} /> : null}
      <ProgressPanel testId={testId} running={job.running} progress={job.progress} onCancel={job.cancel} />
      <div ref={errorRef} tabIndex={-1}>
        <Notice testId={`${testId}-error`} intent="error" text={error ? extensionMessage(error) : null} />
      </div>
      {job.cancelled && result ? (
        <Notice
          testId={`${testId}-cancelled`}
          intent="warning"
          text={t("red.stopped", {
            unsent: result.outcomes.filter((o) => o.message === stoppedUnsentMessage()).length,
          })}
        />
      ) : null}
      {pre ? (
        <>
          <FocusHeading ref={summaryRef} testId={`${testId}-summary`}>
            {t("red.summary", {
              total: pre.entries.length,
              eligible: pre.eligibleCount,
              refused: pre.refusedCount,
              done: pre.doneCount,
            })}
          </FocusHeading>
          <Text>
            {pre.remainingSource === "gateway" ? t("red.remainingFromGateway") : t("red.remainingFromSheet")}
            {pre.remainingNote ? ` ${extensionMessage(pre.remainingNote)}` : ""}
            {pre.groupCount > 1 ? ` ${t("red.groups", { groups: pre.groupCount })}` : ""}
          </Text>
          {pre.duplicateInvoices > 0 ? (
            <Checkbox
              data-testid={`${testId}-send-duplicates-once`}
              label={t("red.sendDuplicatesOnce")}
              checked={pre.options.sendDuplicatesOnce === true}
              disabled={job.running}
              onChange={(_, d) => onSendDuplicatesOnce(d.checked === true)}
            />
          ) : null}
          <SheetTargetProvider layout={pre.layout}>
            <PreflightTable entries={pre.entries} />
          </SheetTargetProvider>
        </>
      ) : null}
      {showPending && client && only === undefined ? <PendingRedsView blues={pendingBlues} /> : null}
      {result && counts ? (
        <>
          <FocusHeading ref={resultRef} testId={`${testId}-result-summary`}>
            {t("red.results", counts)}
          </FocusHeading>
          {runLayout && result.writes.length > 0 ? (
            <RunMarksBar
              testId={testId}
              target={{ kind: "blueInvoices", layout: runLayout }}
              rowIndexes={result.outcomes.flatMap((o) => o.rowIndexes)}
              failedRows={
                result.outcomes.filter((o) => o.status === "failure" || o.status === "skipped").length
              }
            />
          ) : null}
          <SheetTargetProvider layout={runLayout}>
            <RedFlushResultTable outcomes={result.outcomes} />
          </SheetTargetProvider>
        </>
      ) : null}
    </section>
  );
};
