import * as React from "react";
import {
  Badge,
  Button,
  Popover,
  PopoverSurface,
  PopoverTrigger,
  ProgressBar,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { usePane } from "../hooks/usePane";
import { useTasks } from "../hooks/useTasks";
import type { TaskState } from "../workflows/tasks";

const useStyles = makeStyles({
  list: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, minWidth: "220px" },
  item: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXXS },
});

const BADGE: Readonly<Record<TaskState, "informative" | "success" | "danger" | "subtle">> = {
  running: "informative",
  succeeded: "success",
  failed: "danger",
  cancelled: "subtle",
};

/** The small task indicator (the invoice cloud's floating task ball): background downloads and their state. */
export const TaskIndicator: React.FC = () => {
  const { t, tasks: store } = usePane();
  const tasks = useTasks();
  const styles = useStyles();
  const running = tasks.filter((x) => x.state === "running").length;
  return (
    <Popover>
      <PopoverTrigger disableButtonEnhancement>
        <Button
          data-testid="task-indicator"
          aria-label={`${t("task.indicator")}：${t("task.running", { n: running })}`}
        >
          {t("task.indicator")}{" "}
          {running > 0 ? <Badge data-testid="task-running-count">{running}</Badge> : null}
        </Button>
      </PopoverTrigger>
      <PopoverSurface aria-live="polite">
        <div className={styles.list} data-testid="task-list">
          {tasks.length === 0 ? <Text>{t("task.none")}</Text> : null}
          {tasks.map((task) => (
            <div key={task.id} className={styles.item} data-testid={`task-${task.id}`}>
              <Text weight="semibold">
                {task.title} <Badge color={BADGE[task.state]}>{t(`task.state.${task.state}`)}</Badge>
              </Text>
              {task.state === "running" ? (
                <ProgressBar
                  value={
                    task.progress && task.progress.total > 0
                      ? task.progress.done / task.progress.total
                      : undefined
                  }
                />
              ) : null}
              <Text size={200}>{task.state === "running" ? (task.progress?.label ?? "") : task.message}</Text>
              {task.state === "running" ? (
                <Button
                  size="small"
                  data-testid={`task-${task.id}-cancel`}
                  onClick={() => store.cancel(task.id)}
                >
                  {t("common.cancel")}
                </Button>
              ) : null}
            </div>
          ))}
          {tasks.some((x) => x.state !== "running") ? (
            <Button size="small" data-testid="task-clear" onClick={() => store.clearFinished()}>
              {t("task.clear")}
            </Button>
          ) : null}
        </div>
      </PopoverSurface>
    </Popover>
  );
};
