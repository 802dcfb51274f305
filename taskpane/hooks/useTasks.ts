/** The background tasks, re-rendering on every change of the store. */
import { useSyncExternalStore } from "react";
import type { BackgroundTask } from "../workflows/tasks";
import { usePane } from "./usePane";

export function useTasks(): readonly BackgroundTask[] {
  const { tasks } = usePane();
  return useSyncExternalStore(
    (fn) => tasks.subscribe(fn),
    () => tasks.list(),
    () => tasks.list()
  );
}
