#!/usr/bin/env node
// `npm run bench [-- name…]`: runs bench/<name>/index.ts (all when no name is given); each prints JSON lines
// {"bench","value","unit","ratio"} on stdout.
"use strict";
require("tsx/cjs/api").register();
const { runBenches } = require("../bench/run.ts");
runBenches(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exitCode = 1;
  }
);
