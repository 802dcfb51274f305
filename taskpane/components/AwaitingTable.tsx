import * as React from "react";
import { Table, TableBody, TableCell, TableRow, Text, tokens } from "@fluentui/react-components";
import { formatTimeLeft, type AwaitingForm } from "../workflows/dashboard";
import { usePane } from "../hooks/usePane";
import { TableHead } from "./TableHead";

export interface AwaitingTableProps {
  readonly forms: readonly AwaitingForm[];
}

/** 红字确认单 waiting for the other party, with the time left before 录入日期 + 72 h; overdue in red. */
export const AwaitingTable: React.FC<AwaitingTableProps> = ({ forms }) => {
  const { t } = usePane();
  if (forms.length === 0) return <Text data-testid="dash-awaiting-none">{t("dash.none")}</Text>;
  return (
    <Table size="small" data-testid="dash-awaiting" aria-label={t("dash.awaitingTitle")}>
      <TableHead
        labels={[
          t("common.row"),
          t("dash.col.form"),
          t("dash.col.status"),
          t("dash.col.deadline"),
          t("dash.col.left"),
        ]}
      />
      <TableBody>
        {forms.map((f) => (
          <TableRow
            key={f.key}
            data-testid="dash-awaiting-row"
            data-overdue={String(f.overdue)}
            style={f.overdue ? { color: tokens.colorPaletteRedForeground1 } : undefined}
          >
            <TableCell>{f.rowLabel}</TableCell>
            <TableCell>{f.formNumber ?? ""}</TableCell>
            <TableCell>{f.statusLabel}</TableCell>
            <TableCell>{f.deadline ?? "—"}</TableCell>
            <TableCell>{formatTimeLeft(f.minutesLeft)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};
