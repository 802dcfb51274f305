/**
 * One long-running action of a panel: its progress (for the bar and aria-live), a cancel that aborts
 * between chunks, and the running flag that disables the buttons meanwhile.
 */
import { useCallback, useRef, useState } from "react";
import type { RunControl, WorkflowProgress } from "../workflows/common";

export interface RunHandle {
  readonly running: boolean;
  readonly progress: WorkflowProgress | null;
  readonly cancelled: boolean;
  run<T>(fn: (ctl: RunControl & { signal: AbortSignal }) => Promise<T>): Promise<T | undefined>;
  cancel(): void;
}

export function useRun(): RunHandle {
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<WorkflowProgress | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const controller = useRef<AbortController | null>(null);

  const run = useCallback(async <T>(fn: (ctl: RunControl & { signal: AbortSignal }) => Promise<T>) => {
    if (controller.current) return undefined;
    const ac = new AbortController();
    controller.current = ac;
    setRunning(true);
    setCancelled(false);
    setProgress(null);
    try {
      return await fn({ signal: ac.signal, onProgress: setProgress });
    } finally {
      setCancelled(ac.signal.aborted);
      controller.current = null;
      setRunning(false);
    }
  }, []);

  const cancel = useCallback(() => controller.current?.abort(), []);
  return { running, progress, cancelled, run, cancel };
}
