#!/usr/bin/env node
// A tiny HTTPS front for the outside-client check: third-party clients of the invoice cloud insist on an
// https base URL (the Python SDK refuses anything else), the sandbox gateway speaks plain http on loopback.
// Every request is passed through unchanged (method, path, query, headers, body); the reply likewise.
//
//   node tls-front.js --cert cert.pem --key key.pem --target http://127.0.0.1:8787 [--port 0]
//
// Prints `tls-front listening on https://127.0.0.1:<port>` once it accepts connections; stops on SIGTERM.
"use strict";
const fs = require("fs");
const { URL } = require("url");
const http = require("http");
const https = require("https");

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i !== -1 && process.argv[i + 1] !== undefined) return process.argv[i + 1];
  if (fallback !== undefined) return fallback;
  console.error(`tls-front: missing ${name}`);
  process.exit(2);
}

const target = new URL(arg("--target"));
const server = https.createServer({
  cert: fs.readFileSync(arg("--cert")),
  key: fs.readFileSync(arg("--key")),
});

server.on("request", (req, res) => {
  const upstream = http.request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host },
    },
    (up) => {
      res.writeHead(up.statusCode || 502, up.headers);
      up.pipe(res);
    }
  );
  upstream.on("error", (err) => {
    res.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
    res.end(`tls-front: upstream unreachable (${err.code || err.message})`);
  });
  req.pipe(upstream);
});

server.listen(Number(arg("--port", "0")), "127.0.0.1", () => {
  console.log(`tls-front listening on https://127.0.0.1:${server.address().port}`);
});

function stop() {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
