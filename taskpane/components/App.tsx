import * as React from "react";
import { makeStyles, tokens, Title3, Body1 } from "@fluentui/react-components";

const useStyles = makeStyles({
  root: {
    padding: tokens.spacingHorizontalL,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
  },
});

export const App: React.FC = () => {
  const styles = useStyles();
  return (
    <div className={styles.root}>
      <Title3>红冲助手</Title3>
      <Body1>选择蓝票或红字单据所在的行，开始红冲。</Body1>
    </div>
  );
};
