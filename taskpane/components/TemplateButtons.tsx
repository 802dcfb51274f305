import * as React from "react";
import { Button, makeStyles, tokens } from "@fluentui/react-components";
import { usePane } from "../hooks/usePane";
import {
  KIND_SPECS,
  TEMPLATE_KINDS,
  insertTemplate,
  templatePortOf,
  type TemplateKind,
} from "../workflows/bulkImport";

export interface TemplateButtonsProps {
  /** Test ids are `${testIdPrefix}-${kind}`. */
  readonly testIdPrefix: string;
  readonly disabled?: boolean;
  readonly onMessage: (intent: "success" | "error", text: string) => void;
}

const useStyles = makeStyles({
  root: { display: "flex", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
});

/** 插入模板: one button per bulk template; each inserts the template sheet and its 说明 sheet. */
export const TemplateButtons: React.FC<TemplateButtonsProps> = ({ testIdPrefix, disabled, onMessage }) => {
  const { port, t } = usePane();
  const styles = useStyles();
  const writer = templatePortOf(port);
  const [busy, setBusy] = React.useState(false);
  const insert = async (kind: TemplateKind) => {
    if (!writer) return;
    setBusy(true);
    try {
      const r = await insertTemplate(writer, kind);
      if (r.ok) {
        onMessage(
          "success",
          t("bulk.templateInserted", { name: r.value.sheetName, instructions: r.value.instructionsSheetName })
        );
      } else onMessage("error", r.refusal.message);
    } catch (e) {
      onMessage("error", e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className={styles.root} role="group" aria-label={t("bulk.templates")}>
      {TEMPLATE_KINDS.map((kind) => (
        <Button
          key={kind}
          data-testid={`${testIdPrefix}-${kind}`}
          disabled={!writer || busy || disabled === true}
          onClick={() => void insert(kind)}
        >
          {KIND_SPECS[kind].title}
        </Button>
      ))}
    </div>
  );
};
