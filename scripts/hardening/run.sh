#!/bin/bash
# Issue 11's probes against a fresh sandbox, as `npm start` runs it:
#   bash scripts/hardening/run.sh [PORT]
# Starts `hongchong serve` on a new data directory (SQLite, log level info), reads `sandbox accounts --json`,
# sends each probe (scripts/hardening/probe.ts) and prints one line per probe: what was sent, what came back.
# Run it from a checkout of any commit to compare (the admin-key probes are skipped where there is no admin key).
set -u
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port="${1:-18788}"
d="$(mktemp -d /tmp/hongchong-probes.XXXXXX)"
cd "$root"
env -u DATABASE_URL HONGCHONG_LOG_LEVEL=info node bin/hongchong.js serve --port "$port" --data "$d/data" >"$d/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
for _ in $(seq 1 60); do grep -q "listening on" "$d/serve.log" && break; sleep 1; done
env -u DATABASE_URL node bin/hongchong.js sandbox accounts --json --data "$d/data" >"$d/accounts.json"
node_modules/.bin/tsx "$here/probe.ts" "http://127.0.0.1:$port" "$d/accounts.json" "$d/data"
tok="$(grep -o 'access_token=[^"&*]*' "$d/serve.log" | grep -v '=$' | head -1)"
printf 'D8 serve.log at level info: a clear access_token\t%s (%s lines)\n' "${tok:+present}${tok:-absent}" "$(wc -l <"$d/serve.log")"
echo "data and log: $d"
