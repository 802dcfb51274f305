import * as React from "react";
import { makeStyles, tokens } from "@fluentui/react-components";

export interface FocusHeadingProps {
  readonly testId: string;
  readonly children: React.ReactNode;
}

const useStyles = makeStyles({
  root: {
    margin: 0,
    fontSize: tokens.fontSizeBase400,
    fontWeight: tokens.fontWeightSemibold,
    lineHeight: tokens.lineHeightBase400,
    ":focus-visible": { outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
});

/** A heading the pane moves focus to when new results or errors appear (keyboard and screen-reader users land on them). */
export const FocusHeading = React.forwardRef<HTMLHeadingElement, FocusHeadingProps>(function FocusHeading(
  { testId, children },
  ref
) {
  const styles = useStyles();
  return (
    <h2 ref={ref} tabIndex={-1} className={styles.root} data-testid={testId}>
      {children}
    </h2>
  );
});
