// What `npm start` runs its parts under (scripts/start.js): each part in its own process group, so
// stopping takes its whole tree (webpack's workers, anything a part spawned); Ctrl-C, SIGTERM and
// SIGHUP stop every part, as does one part dying, and so does this process losing its parent —
// `npm start` runs us under `sh -c`, which dies on SIGTERM without passing it on. A part that has
// not exited STOP_GRACE_MS after SIGTERM is killed.
/* global setInterval, clearInterval */
"use strict";
const { spawn } = require("child_process");

const STOP_GRACE_MS = 5000;
const PARENT_POLL_MS = 1000;

/** parts: [{ name, cmd, args, env }] → starts them; returns { children, stop(code) }. */
function supervise(parts, opts = {}) {
  const log = opts.log || ((s) => console.log(s));
  const cwd = opts.cwd || process.cwd();
  const children = [];
  let stopping = false;

  const alive = (c) => c.exitCode === null && c.signalCode === null;
  const signalGroup = (c, sig) => {
    try {
      process.kill(-c.pid, sig);
    } catch {
      try {
        c.kill(sig);
      } catch {
        /* already gone */
      }
    }
  };

  function stop(code) {
    if (stopping) return;
    stopping = true;
    for (const c of children) if (alive(c)) signalGroup(c, "SIGTERM");
    const deadline = setTimeout(() => {
      for (const c of children) signalGroup(c, "SIGKILL");
      process.exit(code);
    }, STOP_GRACE_MS);
    const check = setInterval(() => {
      if (children.every((c) => !alive(c))) {
        clearInterval(check);
        clearTimeout(deadline);
        // The groups may hold grandchildren that outlived their parent: take them too.
        for (const c of children) signalGroup(c, "SIGKILL");
        process.exit(code);
      }
    }, 50);
  }

  for (const p of parts) {
    const child = spawn(p.cmd, p.args, {
      cwd,
      stdio: "inherit",
      detached: true, // its own process group (see the header)
      env: { ...process.env, ...(p.env || {}) },
    });
    child.on("exit", (code, signal) => {
      if (!stopping) log(`[hongchong] ${p.name} exited (${signal || code}); stopping.`);
      stop(stopping ? 0 : code || 1);
    });
    children.push(child);
  }
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => stop(0));
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop(0);
  }, PARENT_POLL_MS).unref();
  return { children, stop };
}

module.exports = { supervise, STOP_GRACE_MS };
