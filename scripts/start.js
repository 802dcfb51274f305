#!/usr/bin/env node
// `npm start`: the sandbox gateway (embedded SQLite, seeded on first run) and the add-in's dev server,
// side by side. Ctrl-C or SIGTERM stops both, and everything they started (scripts/supervise.js);
// if one dies, the other is stopped too.
"use strict";
const path = require("path");
const pkg = require("../package.json");
const { supervise } = require("./supervise");

const root = path.resolve(__dirname, "..");
const gatewayPort = process.env.HONGCHONG_GATEWAY_PORT || String(pkg.config.gateway_port);

supervise(
  [
    {
      name: "gateway",
      cmd: process.execPath,
      args: [path.join(root, "bin/hongchong.js"), "serve", "--port", gatewayPort],
    },
    {
      name: "add-in dev server",
      cmd: process.execPath,
      args: [require.resolve("webpack-cli/bin/cli.js"), "serve", "--mode", "development"],
      env: { HONGCHONG_GATEWAY_URL: `http://127.0.0.1:${gatewayPort}` },
    },
  ],
  { cwd: root }
);
console.log(
  `[hongchong] starting the sandbox gateway (http://127.0.0.1:${gatewayPort}) and the add-in dev server (port ${pkg.config.dev_server_port}); sandbox logins: npx hongchong sandbox accounts. Ctrl-C stops both.`
);
