import * as React from "react";
import { Button, makeStyles, tokens } from "@fluentui/react-components";

export interface BarButton {
  readonly id: string;
  readonly label: string;
  readonly enabled: boolean;
  readonly primary?: boolean;
  readonly onClick: () => void;
}

export interface ButtonBarProps {
  readonly testId: string;
  readonly buttons: readonly BarButton[];
}

const useStyles = makeStyles({
  root: { display: "flex", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
});

/** A toolbar of the manual's buttons; each has `data-testid` `${testId}-${id}`. Arrow keys are not trapped: Tab moves between buttons. */
export const ButtonBar: React.FC<ButtonBarProps> = ({ testId, buttons }) => {
  const styles = useStyles();
  return (
    <div className={styles.root} role="toolbar" aria-label={testId} data-testid={testId}>
      {buttons.map((b) => (
        <Button
          key={b.id}
          data-testid={`${testId}-${b.id}`}
          appearance={b.primary ? "primary" : "secondary"}
          disabled={!b.enabled}
          onClick={b.onClick}
        >
          {b.label}
        </Button>
      ))}
    </div>
  );
};
