import * as React from "react";
import { Text, makeStyles, tokens } from "@fluentui/react-components";
import type { RowRefusal } from "../workflows/infoForms";
import { usePane } from "../hooks/usePane";
import { RowLink } from "./SheetTools";

export interface ReasonListProps {
  readonly testId: string;
  /** Button label → why it is disabled, per form. */
  readonly reasons: ReadonlyArray<{ readonly button: string; readonly refusals: readonly RowRefusal[] }>;
}

const useStyles = makeStyles({
  root: { margin: 0, paddingLeft: tokens.spacingHorizontalL, color: tokens.colorNeutralForeground2 },
});

/** Why buttons are disabled: for each, the rows and the rule's message. */
export const ReasonList: React.FC<ReasonListProps> = ({ testId, reasons }) => {
  const { t } = usePane();
  const styles = useStyles();
  const shown = reasons.filter((r) => r.refusals.length > 0);
  if (shown.length === 0) return null;
  return (
    <div data-testid={testId}>
      {shown.map((r) => (
        <div key={r.button}>
          <Text weight="semibold">{t("common.disabledBecause", { button: r.button })}</Text>
          <ul className={styles.root}>
            {r.refusals.map((x, i) => (
              <li key={i} data-testid={`${testId}-item`}>
                <RowLink row={x.row} columnKey={x.columnKey} testId={`${testId}-goto`}>
                  {t("common.row")} {x.rowLabel}
                </RowLink>
                ：{x.message}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
};
