import * as React from "react";
import { Text, makeStyles, tokens } from "@fluentui/react-components";
import { usePane } from "../hooks/usePane";
import type { BulkSubmitResult, BulkValidateResult } from "../workflows/bulkImport";
import { FocusHeading } from "./FocusHeading";
import { RowLink } from "./SheetTools";

/** Failed rows listed in the pane; the sheet's 失败原因 column has them all. */
export const MAX_LISTED_FAILURES = 50;

export interface BulkResultViewProps {
  readonly result: BulkValidateResult | BulkSubmitResult;
}

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
});

const isSubmit = (r: BulkValidateResult | BulkSubmitResult): r is BulkSubmitResult => "sentDocuments" in r;

/** The summary line `N 行成功, N 行失败`, the 申请批次号, what was marked and sent, the failed rows. */
export const BulkResultView = React.forwardRef<HTMLHeadingElement, BulkResultViewProps>(
  function BulkResultView({ result }, ref) {
    const { t } = usePane();
    const styles = useStyles();
    const listed = result.failures.slice(0, MAX_LISTED_FAILURES);
    return (
      <div className={styles.root} data-testid="bulk-result">
        <FocusHeading ref={ref} testId="bulk-summary">
          {result.summary}
        </FocusHeading>
        <Text data-testid="bulk-sheet">
          {t("bulk.sheet", { sheet: result.sheetName, title: result.title })}
        </Text>
        {isSubmit(result) ? (
          <Text data-testid="bulk-batch-no">{t("bulk.batchNo", { batchNo: result.batchNo })}</Text>
        ) : null}
        <Text data-testid="bulk-marks">
          {t("bulk.marks", { marked: result.write.cellsMarked, cleared: result.write.marksCleared })}
        </Text>
        {result.hiddenSkipped > 0 ? (
          <Text data-testid="bulk-hidden">{t("bulk.hiddenSkipped", { n: result.hiddenSkipped })}</Text>
        ) : null}
        {isSubmit(result) ? (
          <Text data-testid="bulk-sent">
            {result.sentDocuments > 0
              ? t("bulk.submitted", { documents: result.sentDocuments, rows: result.sentRows })
              : t("bulk.nothingToSend")}
          </Text>
        ) : null}
        {isSubmit(result) && result.notSentRows > 0 ? (
          <Text data-testid="bulk-not-sent">{t("bulk.notSent", { rows: result.notSentRows })}</Text>
        ) : null}
        {listed.length > 0 ? (
          <>
            <Text weight="semibold">{t("bulk.failuresTitle")}</Text>
            <ul className={styles.list} data-testid="bulk-failures">
              {listed.map((f, i) => (
                <li key={i} data-testid="bulk-failure">
                  <RowLink sheetName={result.sheetName} row={f.row - 1} column={f.column} testId="bulk-goto">
                    {t("bulk.failureRow", { row: f.row })}
                  </RowLink>
                  {t("bulk.failureReason", { reason: f.reason })}
                </li>
              ))}
            </ul>
            {result.failures.length > listed.length ? (
              <Text data-testid="bulk-more">
                {t("bulk.more", { n: result.failures.length - listed.length })}
              </Text>
            ) : null}
          </>
        ) : null}
      </div>
    );
  }
);
