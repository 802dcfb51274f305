/**
 * Issue 13 §6: `npm start` stops everything it started — on Ctrl-C / SIGTERM to it, and when what ran
 * it dies (npm runs it under `sh -c`, which does not pass SIGTERM on) — grandchildren included.
 */
import { type ChildProcess, spawn } from "child_process";
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { tempDir } from "../unit/xlsx/helpers";

jest.setTimeout(30_000);

const FIXTURE = join(__dirname, "..", "fixtures", "start", "supervised.js");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function started(pidsFile: string): Promise<number[]> {
  for (let i = 0; i < 200; i++) {
    if (existsSync(pidsFile)) {
      const pids = readFileSync(pidsFile, "utf8").split("\n").filter(Boolean).map(Number);
      if (pids.length === 5) return pids; // the supervisor, two parts, two grandchildren
    }
    await sleep(50);
  }
  throw new Error("the supervised parts did not start");
}

async function allGone(pids: readonly number[]): Promise<number[]> {
  for (let i = 0; i < 160; i++) {
    if (pids.every((p) => !isRunning(p))) return [];
    await sleep(50);
  }
  return pids.filter(isRunning);
}

const runs: ChildProcess[] = [];
afterAll(() => {
  for (const r of runs) r.kill("SIGKILL");
});

test.each(["SIGINT", "SIGTERM"] as const)(
  "%s to the supervisor stops both parts and their children",
  async (sig) => {
    const pidsFile = join(tempDir(), "pids");
    const p = spawn(process.execPath, [FIXTURE], {
      env: { ...process.env, PIDS_FILE: pidsFile },
      stdio: "ignore",
    });
    runs.push(p);
    const pids = await started(pidsFile);
    process.kill(p.pid!, sig);
    expect(await allGone(pids)).toEqual([]);
  }
);

test("SIGTERM to the shell that ran it (as npm does) stops everything too", async () => {
  const pidsFile = join(tempDir(), "pids");
  // `exec` is avoided on purpose: like npm's `sh -c`, the shell stays the parent and dies alone.
  const sh = spawn("sh", ["-c", `"${process.execPath}" "${FIXTURE}"; true`], {
    env: { ...process.env, PIDS_FILE: pidsFile },
    stdio: "ignore",
  });
  runs.push(sh);
  const pids = await started(pidsFile);
  sh.kill("SIGTERM");
  expect(await allGone(pids)).toEqual([]);
});
