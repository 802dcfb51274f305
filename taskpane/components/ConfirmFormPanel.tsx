import * as React from "react";
import { Button, Text, makeStyles, tokens } from "@fluentui/react-components";
import type { Refusal } from "../../src/domain/refusals";
import type { MessageKey } from "../i18n";
import { usePane } from "../hooks/usePane";
import { useRun } from "../hooks/useRun";
import { useFocusOnChange } from "../hooks/useFocusOnChange";
import {
  computeDraft,
  confirmFormButtonStates,
  downloadConfirmForms,
  entryNotices,
  readConfirmForms,
  runConfirmFormButton,
  type ConfirmFormButton,
  type ConfirmFormOutcome,
  type ConfirmFormSelection,
} from "../workflows/confirmForms";
import { extensionMessage } from "../workflows/infoForms";
import { ButtonBar } from "./ButtonBar";
import { ConfirmDownloadDialog, type ConfirmDownloadForm } from "./ConfirmDownloadDialog";
import { DiffTable } from "./DiffTable";
import { FocusHeading } from "./FocusHeading";
import { FormOutcomeList } from "./FormOutcomeList";
import { Notice } from "./Notice";
import { ProgressPanel } from "./ProgressPanel";
import { ReasonList } from "./ReasonList";
import { RunMarksBar, SheetTargetProvider } from "./SheetTools";
import { RedFlushPanel } from "./RedFlushPanel";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
});

const LABEL: Readonly<Record<ConfirmFormButton, MessageKey>> = {
  enter: "confirm.enter",
  revoke: "confirm.revoke",
  confirm: "confirm.confirm",
  reject: "confirm.reject",
  redFlush: "confirm.redFlush",
  rollback: "confirm.rollback",
  delete: "confirm.delete",
  statusUpdate: "confirm.statusUpdate",
  download: "confirm.download",
};

const ORDER: readonly ConfirmFormButton[] = [
  "enter",
  "confirm",
  "reject",
  "revoke",
  "redFlush",
  "download",
  "statusUpdate",
  "rollback",
  "delete",
];

/** 红字确认单: draft lines with their diff, and the manual's buttons on the selected forms. */
export const ConfirmFormPanel: React.FC = () => {
  const { port, client, settings, t, tasks } = usePane();
  const styles = useStyles();
  const job = useRun();
  const [sel, setSel] = React.useState<ConfirmFormSelection | null>(null);
  const [outcomes, setOutcomes] = React.useState<ConfirmFormOutcome[] | null>(null);
  const [error, setError] = React.useState<Refusal | null>(null);
  const [info, setInfo] = React.useState<string | null>(null);
  const [showNew, setShowNew] = React.useState(false);
  const [showDownload, setShowDownload] = React.useState(false);
  const resultRef = React.useRef<HTMLHeadingElement>(null);
  const errorRef = React.useRef<HTMLDivElement>(null);
  useFocusOnChange(resultRef, outcomes);
  useFocusOnChange(errorRef, error);

  const entries = sel?.entries ?? [];
  const states = confirmFormButtonStates(entries);
  const drafts = entries.map((e) => ({ e, draft: computeDraft(e) }));
  const notices = entryNotices(entries);
  const gateway = client ? { client, orgTaxId: settings.orgTaxId } : null;

  const read = () =>
    job.run(async (ctl) => {
      if (!port) return;
      setError(null);
      const r = await readConfirmForms(port, ctl, gateway);
      if (r.ok) setSel(r.value);
      else {
        setSel(null);
        setError(r.refusal);
      }
    });

  const runButton = (button: Exclude<ConfirmFormButton, "download" | "statusUpdate">) =>
    void job.run(async (ctl) => {
      if (!port || !client || !sel) return;
      setError(null);
      const r = await runConfirmFormButton(button, port, client, sel, {
        ...ctl,
        orgTaxId: settings.orgTaxId,
      });
      setOutcomes(r.outcomes);
      if (r.refusal) setError(r.refusal);
      const again = await readConfirmForms(port, ctl, gateway);
      if (again.ok) setSel(again.value);
    });

  /** 更新确认单状态 / 下载 run in the background (后台运行): the pane stays usable. */
  const statusUpdate = () => {
    if (!port || !client || !sel) return;
    const target = sel;
    tasks.start(t("confirm.statusUpdate"), async (ctl) => {
      const r = await runConfirmFormButton("statusUpdate", port, client, target, {
        ...ctl,
        orgTaxId: settings.orgTaxId,
      });
      if (r.refusal) return { ok: false, refusal: r.refusal };
      return { ok: true, value: `${r.outcomes.filter((o) => o.ok).length}/${r.outcomes.length}` };
    });
    setInfo(t("confirm.backgroundStarted"));
  };

  const download = (req: ConfirmDownloadForm) => {
    setShowDownload(false);
    if (!client) return;
    const target = port && sel ? { port, sel } : undefined;
    tasks.start(t("confirm.download"), async (ctl) => {
      const r = await downloadConfirmForms(client, { orgTaxId: settings.orgTaxId, ...req }, ctl, target);
      return r.ok ? { ok: true, value: `${r.value.bills.length}（${r.value.updatedForms}）` } : r;
    });
    setInfo(t("confirm.backgroundStarted"));
  };

  const click = (b: ConfirmFormButton) => {
    if (b === "download") setShowDownload(true);
    else if (b === "statusUpdate") statusUpdate();
    else runButton(b);
  };

  const buttons = ORDER.map((b) => ({
    id: b,
    label: t(LABEL[b]),
    enabled: states[b].enabled && !!client && !job.running && (b === "download" || !!port),
    primary: b === "enter",
    onClick: () => click(b),
  }));

  const revokeInfo = (states.revoke.revokeParties ?? []).map((p) =>
    p.party
      ? t("confirm.whoMayRevoke", { rows: p.rowLabel, party: p.party })
      : t("confirm.revokeUnknown", { rows: p.rowLabel })
  );

  return (
    <section className={styles.root} aria-label={t("tab.confirmForms")}>
      <SheetTargetProvider layout={sel?.layout ?? null}>
        <div>
          <Button
            data-testid="confirm-new-toggle"
            aria-expanded={showNew}
            onClick={() => setShowNew(!showNew)}
          >
            {t("confirm.fromBlue")}
          </Button>
        </div>
        {showNew ? <RedFlushPanel only="数电" testId="confirm-new" /> : null}
        <div>
          <Button
            data-testid="confirm-read"
            appearance="primary"
            disabled={!port || job.running}
            onClick={() => void read()}
          >
            {t("common.readSelection")}
          </Button>
        </div>
        {!client ? <Notice testId="confirm-signin" intent="info" text={t("notSignedIn")} /> : null}
        <Text data-testid="confirm-selection">
          {sel
            ? t("common.selectedForms", {
                n: entries.length,
                rows: entries.reduce((n, e) => n + e.rowIndexes.length, 0),
              })
            : t("common.noRows")}
        </Text>
        <ButtonBar testId="confirm" buttons={buttons} />
        {notices.length > 0 ? (
          <Notice
            testId="confirm-entry-notice"
            intent="warning"
            text={`${t("common.row")} ${notices.map((n) => n.rowLabel).join("、")}：${notices[0].message}`}
          />
        ) : null}
        {sel && revokeInfo.length > 0 ? (
          <Text data-testid="confirm-revoke-party" size={200}>
            {revokeInfo.join("；")}
          </Text>
        ) : null}
        {sel ? (
          <ReasonList
            testId="confirm-reasons"
            reasons={buttons.map((b) => ({ button: b.label, refusals: states[b.id].refusals }))}
          />
        ) : null}
        <ProgressPanel testId="confirm" running={job.running} progress={job.progress} onCancel={job.cancel} />
        <div ref={errorRef} tabIndex={-1}>
          <Notice testId="confirm-error" intent="error" text={error ? extensionMessage(error) : null} />
        </div>
        <Notice testId="confirm-message" intent="info" text={info} />
        {drafts.some((d) => d.draft.diff.length > 0) ? (
          <>
            <Text weight="semibold">{t("confirm.diffTitle")}</Text>
            {drafts.map(({ e, draft }) =>
              draft.totals ? (
                <Text key={e.key} data-testid="confirm-totals">
                  {e.blueInvoiceNumber ?? e.rowLabel}：
                  {t("confirm.totals", {
                    amount: draft.totals.amount,
                    tax: draft.totals.tax,
                    incl: draft.totals.amountInclTax,
                  })}
                </Text>
              ) : null
            )}
            <DiffTable rows={drafts.flatMap((d) => d.draft.diff)} />
          </>
        ) : null}
        {outcomes ? (
          <>
            <FocusHeading ref={resultRef} testId="confirm-result-summary">
              {t("common.result")}
            </FocusHeading>
            {sel ? (
              <RunMarksBar
                testId="confirm"
                target={{ kind: "confirmForms", layout: sel.layout }}
                rowIndexes={sel.entries.flatMap((e) => e.rowIndexes)}
                failedRows={outcomes.filter((o) => !o.ok).length}
              />
            ) : null}
            <FormOutcomeList testId="confirm-outcomes" outcomes={outcomes} />
          </>
        ) : null}
        <ConfirmDownloadDialog
          open={showDownload}
          onSubmit={download}
          onCancel={() => setShowDownload(false)}
        />
      </SheetTargetProvider>
    </section>
  );
};
