// One measurement of bench/template in a fresh process: the previous run's garbage (a 100,000-row
// workbook is ~1.7 GB) would otherwise make the next one pay for its GC.
"use strict";
require("tsx/cjs/api").register();
const { measureTask } = require("./index.ts");
process.on("message", (task) => {
  measureTask(task).then(
    (result) => process.send(result, () => process.exit(0)),
    (err) => process.send({ error: String(err && err.stack ? err.stack : err) }, () => process.exit(1))
  );
});
