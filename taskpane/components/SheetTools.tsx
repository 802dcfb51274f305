import * as React from "react";
import { Button, Link, makeStyles, tokens } from "@fluentui/react-components";
import type { Result } from "../../src/domain/refusals";
import type { SheetLayout } from "../../src/sheet/port";
import type { SheetKind } from "../../src/sheet/schemas";
import { usePane } from "../hooks/usePane";
import { extensionMessage } from "../workflows/infoForms";
import { Notice } from "./Notice";

/**
 * Where a list's rows live on the sheet (issue 13 §7): a panel wraps its result lists in this, and
 * every row label and cell address in them becomes a link that selects the cell.
 */
export interface SheetTarget {
  readonly sheetName: string;
  /** Column key → 0-based sheet column, as read (result columns appended later are not needed). */
  readonly columns: Readonly<Record<string, number>>;
}

const SheetTargetContext = React.createContext<SheetTarget | null>(null);

export const SheetTargetProvider: React.FC<{ layout: SheetLayout | null; children: React.ReactNode }> = ({
  layout,
  children,
}) => {
  const value = React.useMemo(
    () => (layout ? { sheetName: layout.sheetName, columns: layout.columns } : null),
    [layout]
  );
  return <SheetTargetContext.Provider value={value}>{children}</SheetTargetContext.Provider>;
};

const useLinkStyles = makeStyles({
  link: { whiteSpace: "nowrap", fontVariantNumeric: "tabular-nums" },
});

export interface RowLinkProps {
  /** 0-based sheet row. */
  readonly row: number | undefined;
  /** The cell's column key (the first column of the sheet's data when absent). */
  readonly columnKey?: string;
  /** A 0-based sheet column, when the caller knows it (an import's plan). */
  readonly column?: number;
  /** Overrides the target sheet (a bulk import's sheet). */
  readonly sheetName?: string;
  readonly testId?: string;
  readonly children: React.ReactNode;
}

/**
 * A row label or cell address that selects its cell in Excel when clicked; plain text where the
 * host cannot select (no workbook, no target).
 */
export const RowLink: React.FC<RowLinkProps> = ({ row, columnKey, column, sheetName, testId, children }) => {
  const { port, t } = usePane();
  const target = React.useContext(SheetTargetContext);
  const styles = useLinkStyles();
  const [failed, setFailed] = React.useState<string | null>(null);
  const sheet = sheetName ?? target?.sheetName;
  if (!port?.selectCell || sheet === undefined || row === undefined) return <>{children}</>;
  const firstColumn = target ? Math.min(...Object.values(target.columns)) : 0;
  const col = column ?? (columnKey !== undefined ? target?.columns[columnKey] : undefined) ?? firstColumn;
  const onClick = () => {
    setFailed(null);
    void port.selectCell?.(sheet, row, col).then((r) => {
      if (!r.ok) setFailed(r.refusal.message);
    });
  };
  return (
    <>
      <Link
        as="button"
        inline
        className={styles.link}
        data-testid={testId ?? "row-link"}
        data-sheet-row={row + 1}
        data-sheet-column={col}
        title={t("marks.goTo", { sheet, row: row + 1 })}
        onClick={onClick}
      >
        {children}
      </Link>
      {failed ? <span style={{ color: tokens.colorPaletteRedForeground1 }}>（{failed}）</span> : null}
    </>
  );
};

const useBarStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS },
  buttons: { display: "flex", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
});

export interface RunMarksBarProps {
  readonly testId: string;
  /** The kind and sheet the run wrote to, as read (null: a bulk template; `clear` is given). */
  readonly target: { readonly kind: SheetKind; readonly layout: SheetLayout } | null;
  /** Every row the run wrote (its marks are the ones 清除标记 removes). */
  readonly rowIndexes: readonly number[];
  /** Rows the run failed: 只看失败行 is offered only when there are some. */
  readonly failedRows: number;
  /** 清除标记 of a run that did not write through a kind's schema (bulk import). */
  readonly clear?: () => Promise<Result<{ readonly marksCleared: number }>>;
}

/**
 * After a run: 清除标记 (the red fills and notes it put on its rows, the values stay) and
 * 只看失败行 / 显示全部行 (the sheet's own AutoFilter on 处理状态).
 */
export const RunMarksBar: React.FC<RunMarksBarProps> = ({
  testId,
  target,
  rowIndexes,
  failedRows,
  clear: clearRun,
}) => {
  const { port, t } = usePane();
  const styles = useBarStyles();
  const [busy, setBusy] = React.useState(false);
  const [filtered, setFiltered] = React.useState(false);
  const [done, setDone] = React.useState<string | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  if (!port) return null;
  const act = async (f: () => Promise<string | null>) => {
    setBusy(true);
    setDone(null);
    setError(null);
    try {
      setDone(await f());
    } catch (e) {
      // A host failure (Excel API error) thrown by the port: said on the bar, the pane stays alive.
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const clear = () =>
    act(async () => {
      const r = clearRun
        ? await clearRun()
        : target
          ? await port.clearMarks(target.kind, rowIndexes, { layout: target.layout })
          : null;
      if (!r) return null;
      if (!r.ok) {
        setError(extensionMessage(r.refusal));
        return null;
      }
      return t("marks.cleared", { n: r.value.marksCleared });
    });
  const filter = (on: boolean) =>
    act(async () => {
      const r = target ? await port.filterFailedRows?.(target.kind, target.layout, on) : undefined;
      if (!r) return null;
      if (!r.ok) {
        setError(extensionMessage(r.refusal));
        return null;
      }
      setFiltered(r.value.filtered);
      return t(r.value.filtered ? "marks.filtered" : "marks.unfiltered", { sheet: r.value.sheetName });
    });
  return (
    <div className={styles.root} data-testid={`${testId}-marks`}>
      <div className={styles.buttons}>
        <Button
          size="small"
          data-testid={`${testId}-clear-marks`}
          title={t("marks.clearHint")}
          disabled={busy || rowIndexes.length === 0}
          onClick={() => void clear()}
        >
          {t("marks.clear")}
        </Button>
        {port.filterFailedRows && target && (failedRows > 0 || filtered) ? (
          <Button
            size="small"
            data-testid={`${testId}-failed-only`}
            title={t("marks.failedOnlyHint")}
            aria-pressed={filtered}
            disabled={busy}
            onClick={() => void filter(!filtered)}
          >
            {filtered ? t("marks.showAll") : t("marks.failedOnly")}
          </Button>
        ) : null}
      </div>
      <Notice testId={`${testId}-marks-done`} intent="success" text={done} />
      <Notice testId={`${testId}-marks-error`} intent="error" text={error} />
    </div>
  );
};
