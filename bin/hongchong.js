#!/usr/bin/env node
// The `hongchong` command. Sources are TypeScript; tsx compiles them on load (esbuild, no build step),
// so `npx hongchong …` works straight after `npm ci`.
"use strict";
require("tsx/cjs/api").register();
const { main } = require("../src/cli/main.ts");
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exitCode = 1;
  }
);
