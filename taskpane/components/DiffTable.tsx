import * as React from "react";
import { Table, TableBody, TableCell, TableRow, tokens } from "@fluentui/react-components";
import type { DiffRow } from "../workflows/confirmForms";
import { usePane } from "../hooks/usePane";
import { TableHead } from "./TableHead";

export interface DiffTableProps {
  readonly rows: readonly DiffRow[];
}

/** What the per-reason line calculation changes: field, before → after (changed values in bold). */
export const DiffTable: React.FC<DiffTableProps> = ({ rows }) => {
  const { t } = usePane();
  return (
    <Table size="small" data-testid="confirm-diff" aria-label={t("confirm.diffTitle")}>
      <TableHead
        labels={[
          t("confirm.col.line"),
          t("confirm.col.field"),
          t("confirm.col.before"),
          t("confirm.col.after"),
        ]}
      />
      <TableBody>
        {rows.map((r, i) => (
          <TableRow
            key={i}
            data-testid="confirm-diff-row"
            data-field={r.field}
            data-changed={String(r.changed)}
            style={r.changed ? { fontWeight: tokens.fontWeightSemibold } : undefined}
          >
            <TableCell>{r.lineLabel}</TableCell>
            <TableCell>{r.field}</TableCell>
            <TableCell>{r.before}</TableCell>
            <TableCell>{r.after}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};
