import * as React from "react";
import { Button, Field, Input, Select, Text, makeStyles, tokens } from "@fluentui/react-components";
import { BillKind, DeductionStatus, InputInvoiceStatus } from "../../src/domain/labels";
import type { Refusal } from "../../src/domain/refusals";
import { usePane } from "../hooks/usePane";
import { useRun } from "../hooks/useRun";
import { useFocusOnChange } from "../hooks/useFocusOnChange";
import {
  CHANGE_LOG_HEADER,
  CHANGE_LOG_SHEET,
  changeLogRows,
  precheckInputSync,
  runInputSync,
  type InputSyncRequest,
  type InputSyncResult,
} from "../workflows/inputSync";
import { tableWritesOf, toTsv } from "../workflows/sheetTables";
import type { ParsedRow } from "../../src/sheet/mapping";
import { inputPoolSchema } from "../../src/sheet/schemas";
import { FocusHeading } from "./FocusHeading";
import { Notice } from "./Notice";
import { ProgressPanel } from "./ProgressPanel";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  grid: { display: "grid", gridTemplateColumns: "1fr 1fr", gap: tokens.spacingHorizontalS },
  buttons: { display: "flex", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
});

interface Filters {
  billKind: string;
  invoiceType: string;
  deductionStatus: string;
  invoiceStatus: string;
  startDate: string;
  endDate: string;
}

const DEFAULT_FILTERS: Filters = {
  billKind: "发票",
  invoiceType: "",
  deductionStatus: "",
  invoiceStatus: "",
  startDate: "",
  endDate: "",
};

/** 进项同步: filters → precheck → 4.02/4.03 → 进项发票池 upsert + 变更记录. */
export const InputSyncPanel: React.FC = () => {
  const { port, client, settings, t, copyText } = usePane();
  const styles = useStyles();
  const job = useRun();
  const [f, setF] = React.useState<Filters>(DEFAULT_FILTERS);
  const [result, setResult] = React.useState<InputSyncResult | null>(null);
  const [error, setError] = React.useState<Refusal | null>(null);
  const [info, setInfo] = React.useState<string | null>(null);
  const resultRef = React.useRef<HTMLHeadingElement>(null);
  const errorRef = React.useRef<HTMLDivElement>(null);
  useFocusOnChange(resultRef, result);
  useFocusOnChange(errorRef, error);
  const writer = tableWritesOf(port);

  const request: InputSyncRequest = {
    orgName: settings.orgName,
    orgTaxId: settings.orgTaxId,
    channel: settings.channel,
    enterpriseNature: settings.enterpriseNature,
    billKind: (BillKind.normalize(f.billKind) ?? "发票") as InputSyncRequest["billKind"],
    invoiceType: f.invoiceType,
    deductionStatus: f.deductionStatus,
    invoiceStatus: f.invoiceStatus,
    startDate: f.startDate,
    endDate: f.endDate,
  };

  const set = (k: keyof Filters) => (_: unknown, d: { value: string }) => setF({ ...f, [k]: d.value });

  const onDownload = () =>
    void job.run(async (ctl) => {
      setError(null);
      setInfo(null);
      setResult(null);
      // 乐企 and 小规模纳税人 refusals come before anything is sent.
      const pre = precheckInputSync(request);
      if (!pre.ok) return setError(pre.refusal);
      if (!client) return;
      let existing: readonly ParsedRow[] = [];
      if (writer) {
        const all = await writer.readAll("inputPool", { signal: ctl.signal });
        if (all.ok) existing = all.value.rows;
      }
      const r = await runInputSync(client, request, { ...ctl, existing });
      if (!r.ok) return setError(r.refusal);
      setResult(r.value);
    });

  const onWrite = () =>
    void job.run(async (ctl) => {
      if (!writer || !result) return;
      setError(null);
      const up = await writer.upsertRows("inputPool", result.upserts, { signal: ctl.signal });
      if (!up.ok) return setError(up.refusal);
      const log = await writer.writeTable(
        CHANGE_LOG_SHEET,
        CHANGE_LOG_HEADER,
        changeLogRows(result.changes),
        { signal: ctl.signal }
      );
      if (!log.ok) return setError(log.refusal);
      setInfo(
        t("input.written", {
          updated: up.value.updated,
          appended: up.value.inserted,
          changes: result.changes.length,
        })
      );
    });

  const poolTsv = () => {
    if (!result) return "";
    // The data columns plus 提示 (the flight-ticket flag the sync writes); not 处理状态/失败原因.
    const cols = inputPoolSchema.columns.filter((c) => !c.result || c.key === "poolNote");
    return toTsv(
      cols.map((c) => c.header),
      result.upserts.map((u) => cols.map((c) => u.values[c.key] ?? ""))
    );
  };

  const copy = async (text: string) => setInfo((await copyText(text)) ? t("common.copied") : null);

  return (
    <section className={styles.root} aria-label={t("tab.inputSync")}>
      <Field label={t("input.org")}>
        <Input data-testid="input-org" readOnly value={`${settings.orgName} ${settings.orgTaxId}`.trim()} />
      </Field>
      <div className={styles.grid}>
        <Field label={t("input.billKind")}>
          <Select data-testid="input-billKind" value={f.billKind} onChange={set("billKind")}>
            {BillKind.values.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </Select>
        </Field>
        <Field label={t("input.invoiceType")}>
          <Input
            data-testid="input-invoiceType"
            value={f.invoiceType}
            onChange={set("invoiceType")}
            placeholder={t("input.all")}
          />
        </Field>
        <Field label={t("input.deductionStatus")}>
          <Select
            data-testid="input-deductionStatus"
            value={f.deductionStatus}
            onChange={set("deductionStatus")}
          >
            <option value="">{t("input.all")}</option>
            {DeductionStatus.values.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </Select>
        </Field>
        <Field label={t("input.invoiceStatus")}>
          <Select data-testid="input-invoiceStatus" value={f.invoiceStatus} onChange={set("invoiceStatus")}>
            <option value="">{t("input.all")}</option>
            {InputInvoiceStatus.values.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </Select>
        </Field>
        <Field label={t("input.startDate")} required>
          <Input data-testid="input-startDate" type="date" value={f.startDate} onChange={set("startDate")} />
        </Field>
        <Field label={t("input.endDate")} required>
          <Input data-testid="input-endDate" type="date" value={f.endDate} onChange={set("endDate")} />
        </Field>
      </div>
      <div className={styles.buttons}>
        <Button data-testid="input-download" appearance="primary" disabled={job.running} onClick={onDownload}>
          {t("input.download")}
        </Button>
        <Button data-testid="input-reset" disabled={job.running} onClick={() => setF(DEFAULT_FILTERS)}>
          {t("input.reset")}
        </Button>
      </div>
      {!client ? <Notice testId="input-signin" intent="info" text={t("notSignedIn")} /> : null}
      <ProgressPanel testId="input" running={job.running} progress={job.progress} onCancel={job.cancel} />
      <div ref={errorRef} tabIndex={-1}>
        <Notice testId="input-error" intent="error" text={error?.message ?? null} />
      </div>
      <Notice testId="input-message" intent="success" text={info} />
      {result ? (
        <>
          <FocusHeading ref={resultRef} testId="input-summary">
            {t("input.summary", {
              n: result.downloaded,
              inserted: result.inserted,
              updated: result.updated,
              changes: result.changes.length,
            })}
          </FocusHeading>
          <div className={styles.buttons}>
            <Button
              data-testid="input-write"
              appearance="primary"
              disabled={!writer || job.running}
              onClick={onWrite}
            >
              {t("input.writePool")}
            </Button>
            <Button data-testid="input-copy-pool" onClick={() => void copy(poolTsv())}>
              {t("input.copyPool")}
            </Button>
            <Button
              data-testid="input-copy-changes"
              onClick={() => void copy(toTsv(CHANGE_LOG_HEADER, changeLogRows(result.changes)))}
            >
              {t("input.copyChanges")}
            </Button>
          </div>
          {!writer ? <Notice testId="input-no-writer" intent="warning" text={t("input.noWriter")} /> : null}
          <Text weight="semibold">{t("input.changesTitle")}</Text>
          <ul data-testid="input-changes">
            {result.changes.map((c, i) => (
              <li key={i} data-testid="input-change">
                {c.invoiceNo}：{c.field} {c.from} → {c.to}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
};
