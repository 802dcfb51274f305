import * as React from "react";
import { Button, Field, Select, Text, makeStyles, tokens } from "@fluentui/react-components";
import type { Refusal } from "../../src/domain/refusals";
import { SCHEMAS, type SheetKind } from "../../src/sheet/schemas";
import { usePane } from "../hooks/usePane";
import { useRun } from "../hooks/useRun";
import { groupConfirmRows } from "../workflows/confirmForms";
import {
  awaitingConfirmation,
  countByStatus,
  type AwaitingForm,
  type StatusCount,
} from "../workflows/dashboard";
import { AwaitingTable } from "./AwaitingTable";
import { Notice } from "./Notice";
import { StatusBarChart } from "./StatusBarChart";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
});

const KINDS: readonly SheetKind[] = ["confirmForms", "infoForms", "inputPool", "blueInvoices"];

/** 状态看板: counts by status of the selected rows (or the whole sheet), and forms awaiting confirmation. */
export const DashboardPanel: React.FC = () => {
  const { port, t, now } = usePane();
  const styles = useStyles();
  const job = useRun();
  const [kind, setKind] = React.useState<SheetKind>("confirmForms");
  const [counts, setCounts] = React.useState<StatusCount[] | null>(null);
  const [awaiting, setAwaiting] = React.useState<AwaitingForm[] | null>(null);
  const [error, setError] = React.useState<Refusal | null>(null);

  const refresh = (wholeSheet: boolean) =>
    void job.run(async (ctl) => {
      if (!port) return;
      setError(null);
      const r =
        wholeSheet && port.readAll
          ? await port.readAll(kind, { signal: ctl.signal })
          : await port.readSelection(kind, { signal: ctl.signal });
      if (!r.ok) return setError(r.refusal);
      setCounts(countByStatus(kind, r.value.rows));
      setAwaiting(
        kind === "confirmForms" ? awaitingConfirmation(groupConfirmRows(r.value.rows), now()) : null
      );
    });

  return (
    <section className={styles.root} aria-label={t("tab.dashboard")}>
      <Field label={t("dash.source")}>
        <Select data-testid="dash-kind" value={kind} onChange={(_, d) => setKind(d.value as SheetKind)}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {SCHEMAS[k].title}
            </option>
          ))}
        </Select>
      </Field>
      <div style={{ display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS }}>
        <Button
          data-testid="dash-refresh"
          appearance="primary"
          disabled={!port || job.running}
          onClick={() => refresh(false)}
        >
          {t("dash.refresh")}
        </Button>
        {port?.readAll ? (
          <Button data-testid="dash-refresh-all" disabled={job.running} onClick={() => refresh(true)}>
            {t("dash.refreshAll", { sheet: SCHEMAS[kind].title })}
          </Button>
        ) : null}
      </div>
      <Notice testId="dash-error" intent="error" text={error?.message ?? null} />
      {counts ? (
        <>
          <Text weight="semibold">{t("dash.chartTitle")}</Text>
          <StatusBarChart title={t("dash.chartTitle")} counts={counts} />
        </>
      ) : null}
      {awaiting ? (
        <>
          <Text weight="semibold">{t("dash.awaitingTitle")}</Text>
          <AwaitingTable forms={awaiting} />
        </>
      ) : null}
    </section>
  );
};
