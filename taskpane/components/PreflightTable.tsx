import * as React from "react";
import { Table, TableBody, TableCell, TableRow, Text, tokens } from "@fluentui/react-components";
import type { PreflightEntry } from "../workflows/redFlush";
import { usePane } from "../hooks/usePane";
import { TableHead } from "./TableHead";
import { RowLink } from "./SheetTools";

export interface PreflightTableProps {
  readonly entries: readonly PreflightEntry[];
}

/**
 * Every selected invoice: eligible (and how it will go), or the exact reason it cannot; a request
 * combined from several rows names them.
 */
export const PreflightTable: React.FC<PreflightTableProps> = ({ entries }) => {
  const { t } = usePane();
  const check = (e: PreflightEntry): string => {
    if (!e.eligible) return e.reason?.message ?? "";
    if (e.resume === "done") return t("red.done");
    if (e.resume === "unknown") return t("red.resumeUnknown");
    if (e.resume === "retry") return t("red.resumeRetry");
    return t("red.eligible");
  };
  return (
    <Table size="small" data-testid="redflush-preflight-table" aria-label={t("red.preflight")}>
      <TableHead
        labels={[
          t("red.col.rows"),
          t("red.col.invoice"),
          t("red.col.route"),
          t("red.col.request"),
          t("red.col.available"),
          t("red.col.check"),
        ]}
      />
      <TableBody>
        {entries.flatMap((e) => [
          <TableRow
            key={e.entry.key}
            data-testid="redflush-preflight-row"
            data-row={e.entry.rowLabel}
            data-eligible={String(e.eligible)}
            data-reason={e.reason?.code ?? ""}
          >
            <TableCell>
              <RowLink row={e.entry.rowIndexes[0]} testId="redflush-preflight-goto">
                {e.entry.rowLabel}
              </RowLink>
            </TableCell>
            <TableCell>{e.entry.invoiceNo ?? ""}</TableCell>
            <TableCell>{e.route ?? ""}</TableCell>
            <TableCell>
              {e.requestAmount}
              {e.mergedRowLabel ? t("red.merged", { rows: e.mergedRowLabel }) : ""}
            </TableCell>
            <TableCell>{e.available}</TableCell>
            <TableCell>
              <Text style={{ color: e.eligible ? undefined : tokens.colorPaletteRedForeground1 }}>
                {e.cellErrors.length > 0 ? (
                  // The message names a cell: the click goes to it.
                  <RowLink
                    row={e.cellErrors[0].rowIndex ?? e.entry.rowIndexes[0]}
                    columnKey={e.cellErrors[0].columnKey}
                    testId="redflush-preflight-goto-cell"
                  >
                    {check(e)}
                  </RowLink>
                ) : (
                  check(e)
                )}
              </Text>
            </TableCell>
          </TableRow>,
          // Notices span the whole row: in a 350 px pane a sixth of the width would wrap per character.
          ...(e.notices.length > 0
            ? [
                <TableRow key={`${e.entry.key}-notices`} data-testid="redflush-preflight-notices">
                  <TableCell colSpan={6}>
                    {e.notices.map((n) => (
                      <Text
                        key={n.code}
                        block
                        data-testid={`redflush-notice-${n.code}`}
                        style={{ color: tokens.colorPaletteMarigoldForeground2 }}
                      >
                        {/* deletePending: the verdict is the manual's words; this says where to delete. */}
                        {n.code === "deletePending" ? t("red.hint.deletePending") : n.message}
                      </Text>
                    ))}
                  </TableCell>
                </TableRow>,
              ]
            : []),
        ])}
      </TableBody>
    </Table>
  );
};
