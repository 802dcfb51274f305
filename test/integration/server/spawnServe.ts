/**
 * `hongchong serve --port 0` as a real child process (the durability tests SIGKILL it), resolved once it
 * prints the address it listens on.
 */
import { type ChildProcess, spawn } from "child_process";
import path from "path";

const ROOT = path.resolve(__dirname, "../../..");

export interface ServeChild {
  proc: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

export function spawnServe(extraArgs: readonly string[], env: NodeJS.ProcessEnv): Promise<ServeChild> {
  const proc = spawn(
    process.execPath,
    [path.join(ROOT, "bin/hongchong.js"), "serve", "--port", "0", ...extraArgs],
    {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    }
  );
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}\n${err}`)), 60_000);
    proc.stderr?.on("data", (c: Buffer) => (err += c.toString()));
    proc.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1], exited });
      }
    });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited early (${code}):\n${out}\n${err}`));
    });
  });
}
