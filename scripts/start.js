#!/usr/bin/env node
// `npm start`: the sandbox gateway (embedded SQLite, seeded on first run) and the add-in's dev server,
// side by side. Ctrl-C stops both; if one dies, the other is stopped too.
"use strict";
const { spawn } = require("child_process");
const path = require("path");
const pkg = require("../package.json");

const root = path.resolve(__dirname, "..");
const gatewayPort = process.env.HONGCHONG_GATEWAY_PORT || String(pkg.config.gateway_port);
const children = [];

function run(name, cmd, args, env) {
  const child = spawn(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  child.on("exit", (code, signal) => {
    console.log(`[hongchong] ${name} exited (${signal || code}); stopping.`);
    shutdown(code || 1);
  });
  children.push(child);
  return child;
}

let stopping = false;
function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
  setTimeout(() => process.exit(code), 500).unref();
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

run("gateway", process.execPath, [path.join(root, "bin/hongchong.js"), "serve", "--port", gatewayPort], {});
run(
  "add-in dev server",
  process.execPath,
  [require.resolve("webpack-cli/bin/cli.js"), "serve", "--mode", "development"],
  { HONGCHONG_GATEWAY_URL: `http://127.0.0.1:${gatewayPort}` }
);
console.log(
  `[hongchong] starting the sandbox gateway (http://127.0.0.1:${gatewayPort}) and the add-in dev server (port ${pkg.config.dev_server_port}); sandbox logins: npx hongchong sandbox accounts`
);
