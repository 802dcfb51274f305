import * as React from "react";
import { Table, TableBody, TableCell, TableRow } from "@fluentui/react-components";
import type { OutcomeStatus, RedFlushOutcome } from "../workflows/redFlush";
import { usePane } from "../hooks/usePane";
import { TableHead } from "./TableHead";
import { RowLink } from "./SheetTools";

export interface RedFlushResultTableProps {
  readonly outcomes: readonly RedFlushOutcome[];
}

/** What happened to each invoice (the same values as written back to the sheet). */
export const RedFlushResultTable: React.FC<RedFlushResultTableProps> = ({ outcomes }) => {
  const { t } = usePane();
  const label = (s: OutcomeStatus) => t(`status.${s}`);
  return (
    <Table size="small" data-testid="redflush-results" aria-label={t("common.result")}>
      <TableHead labels={[t("red.col.rows"), t("red.col.invoice"), t("common.status"), t("common.result")]} />
      <TableBody>
        {outcomes.map((o) => (
          <TableRow
            key={o.key}
            data-testid="redflush-result-row"
            data-row={o.rowLabel}
            data-status={o.status}
          >
            <TableCell>
              <RowLink
                row={o.cellErrors[0]?.rowIndex ?? o.rowIndexes[0]}
                columnKey={o.cellErrors[0]?.columnKey}
                testId="redflush-result-goto"
              >
                {o.rowLabel}
              </RowLink>
            </TableCell>
            <TableCell>{o.invoiceNo ?? ""}</TableCell>
            <TableCell>{label(o.status)}</TableCell>
            <TableCell>
              {[o.redInvoiceNumber, o.redFormNumber, o.confirmStatus, o.message].filter(Boolean).join(" · ")}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};
