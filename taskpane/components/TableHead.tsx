import * as React from "react";
import { TableHeader, TableHeaderCell, TableRow } from "@fluentui/react-components";

export interface TableHeadProps {
  /** Column titles, already translated, in display order. */
  readonly labels: readonly string[];
}

/** The single header row every pane table shares: one header cell per column title. */
export const TableHead: React.FC<TableHeadProps> = ({ labels }) => (
  <TableHeader>
    <TableRow>
      {labels.map((label, i) => (
        <TableHeaderCell key={i}>{label}</TableHeaderCell>
      ))}
    </TableRow>
  </TableHeader>
);
