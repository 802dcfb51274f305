import * as React from "react";
import {
  Button,
  Checkbox,
  Table,
  TableBody,
  TableCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import type { Refusal } from "../../src/domain/refusals";
import { magnitude, ZERO } from "../../src/domain/money";
import { usePane } from "../hooks/usePane";
import { useRun } from "../hooks/useRun";
import { deletePendingReds, formatYuan, listPendingReds, type PendingRedList } from "../workflows/redFlush";
import { extensionMessage } from "../workflows/infoForms";
import { ConfirmDialog } from "./ConfirmDialog";
import { Notice } from "./Notice";
import { TableHead } from "./TableHead";

export interface PendingRedsViewProps {
  /** The blue invoices to list 待开 for; null = all of the organisation. */
  readonly blues: ReadonlyArray<{ blueInvoiceCode?: string; blueInvoiceNo: string }> | null;
  /** Called after a delete, so the panel can ask for a new pre-flight. */
  readonly onDeleted?: (n: number) => void;
}

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  // The table scrolls sideways in a 350 px pane instead of squeezing its columns.
  table: { overflowX: "auto" },
});

/**
 * 待开 (000 ②): the red records waiting in 开票管理→待开发票 for the selected blue invoices (or all),
 * with 删除 after a confirmation. A record holds its amount in every status but 已开票.
 */
export const PendingRedsView: React.FC<PendingRedsViewProps> = ({ blues, onDeleted }) => {
  const { client, t } = usePane();
  const styles = useStyles();
  const job = useRun();
  const [list, setList] = React.useState<PendingRedList | null>(null);
  const [selected, setSelected] = React.useState<ReadonlySet<string>>(new Set());
  const [error, setError] = React.useState<Refusal | null>(null);
  const [deleted, setDeleted] = React.useState<number | null>(null);
  const [confirming, setConfirming] = React.useState(false);

  const load = React.useCallback(
    () =>
      job.run(async () => {
        if (!client) return;
        setError(null);
        const r = await listPendingReds(client, blues);
        if (!r.ok) {
          setList(null);
          setError(r.refusal);
          return;
        }
        setList(r.value);
        setSelected(new Set());
      }),
    [client, blues]
  );
  React.useEffect(() => {
    void load();
  }, [load]);

  const chosen = list ? list.records.filter((r) => selected.has(r.id)) : [];
  const chosenTotal = formatYuan(chosen.reduce((acc, r) => acc.plus(magnitude(r.amount)), ZERO));

  const onDelete = () => {
    setConfirming(false);
    void job.run(async () => {
      if (!client) return;
      const r = await deletePendingReds(
        client,
        chosen.map((c) => c.id)
      );
      if (!r.ok) {
        setError(r.refusal);
        return;
      }
      setDeleted(r.value.deleted);
      onDeleted?.(r.value.deleted);
      const again = await listPendingReds(client, blues);
      if (again.ok) setList(again.value);
      setSelected(new Set());
    });
  };

  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const scope =
    blues === null || blues.length === 0
      ? t("pending.scopeAll")
      : t("pending.scopeSelected", { n: blues.length });
  return (
    <section className={styles.root} data-testid="pending-reds" aria-label={t("pending.title", { scope })}>
      <Text weight="semibold">{t("pending.title", { scope })}</Text>
      <Notice testId="pending-reds-error" intent="error" text={error ? extensionMessage(error) : null} />
      <Notice
        testId="pending-reds-deleted"
        intent="success"
        text={deleted === null ? null : t("pending.deleted", { n: deleted })}
      />
      {list ? (
        <Text data-testid="pending-reds-summary">
          {list.records.length === 0
            ? t("pending.empty")
            : t("pending.summary", { n: list.records.length, total: formatYuan(magnitude(list.heldTotal)) })}
        </Text>
      ) : null}
      {list && list.records.length > 0 ? (
        <div className={styles.table}>
          <Table size="small" data-testid="pending-reds-table" aria-label={t("pending.title", { scope })}>
            <TableHead
              labels={[
                t("pending.col.select"),
                t("pending.col.blue"),
                t("pending.col.amount"),
                t("pending.col.status"),
                t("pending.col.source"),
                t("pending.col.serial"),
              ]}
            />
            <TableBody>
              {list.records.map((r) => (
                <TableRow key={r.id} data-testid="pending-reds-row" data-id={r.id}>
                  <TableCell>
                    <Checkbox
                      data-testid="pending-reds-select"
                      aria-label={`${r.blueInvoiceNo} ${r.amount}`}
                      checked={selected.has(r.id)}
                      disabled={job.running}
                      onChange={(_, d) => toggle(r.id, d.checked === true)}
                    />
                  </TableCell>
                  <TableCell>{r.blueInvoiceNo}</TableCell>
                  <TableCell>{r.amount}</TableCell>
                  <TableCell>
                    {r.status}（{r.holds ? t("pending.holds") : t("pending.released")}）
                  </TableCell>
                  <TableCell>{r.source ?? ""}</TableCell>
                  <TableCell>{r.serialNo ?? ""}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      ) : null}
      <div>
        <Button
          data-testid="pending-reds-delete"
          disabled={!client || job.running || chosen.length === 0}
          onClick={() => setConfirming(true)}
        >
          {t("pending.delete")}
          {chosen.length > 0 ? ` (${chosen.length})` : ""}
        </Button>
      </div>
      <ConfirmDialog
        testId="pending-reds-confirm"
        open={confirming}
        title={t("pending.deleteTitle")}
        body={t("pending.deleteBody", { n: chosen.length, total: chosenTotal })}
        confirmLabel={t("pending.delete")}
        onConfirm={onDelete}
        onCancel={() => setConfirming(false)}
      />
    </section>
  );
};
