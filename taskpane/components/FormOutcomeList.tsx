import * as React from "react";
import { Table, TableBody, TableCell, TableRow, tokens } from "@fluentui/react-components";
import { usePane } from "../hooks/usePane";
import { TableHead } from "./TableHead";
import { RowLink } from "./SheetTools";

export interface FormOutcomeListProps {
  readonly testId: string;
  readonly outcomes: ReadonlyArray<{
    readonly key: string;
    readonly rowLabel: string;
    /** 0-based sheet row: the label links to it. */
    readonly row?: number;
    readonly ok: boolean;
    readonly message: string;
  }>;
}

/** Per form: succeeded or failed, and the message (also written to the sheet). */
export const FormOutcomeList: React.FC<FormOutcomeListProps> = ({ testId, outcomes }) => {
  const { t } = usePane();
  if (outcomes.length === 0) return null;
  return (
    <Table size="small" data-testid={testId} aria-label={t("common.result")}>
      <TableHead labels={[t("common.row"), t("common.status"), t("common.result")]} />
      <TableBody>
        {outcomes.map((o) => (
          <TableRow key={o.key} data-testid={`${testId}-row`} data-row={o.rowLabel} data-ok={String(o.ok)}>
            <TableCell>
              <RowLink row={o.row} testId={`${testId}-goto`}>
                {o.rowLabel}
              </RowLink>
            </TableCell>
            <TableCell style={{ color: o.ok ? undefined : tokens.colorPaletteRedForeground1 }}>
              {o.ok ? t("status.success") : t("status.failure")}
            </TableCell>
            <TableCell>{o.message}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};
