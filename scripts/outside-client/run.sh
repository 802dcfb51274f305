#!/usr/bin/env bash
# Outside-client check: drive a fresh sandbox gateway with unmodified public third-party clients of the
# invoice cloud protocol and report which calls pass. The clients are never part of this tree: the caller
# says where they are (README.md beside this file says how to get them).
#
#   bash scripts/outside-client/run.sh --python-sdk DIR [--python-deps DIR] [--php-fpyun FpYun.php] [--keep]
#
#   --python-sdk DIR   fapiaozone-sdk checkout (holds piaozone/)          env HONGCHONG_PYTHON_SDK
#   --python-deps DIR  prepended to PYTHONPATH, e.g. simplejson >= 3.19   env HONGCHONG_PYTHON_DEPS
#   --python BIN       interpreter with requests, simplejson, cryptography (default /usr/bin/python3)
#   --php-fpyun FILE   FpYun.php (class Fapiao\FpYun; needs php-cli + php-guzzlehttp-guzzle)
#                                                                        env HONGCHONG_PHP_FPYUN
#   --keep             keep the temporary directory (database, logs, certificate, report)
#
# Exit 0 when every check passed (EXPECTED-VENDOR-QUIRK lines do not count against it), 1 otherwise,
# 2 on a usage or setup error.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python_sdk="${HONGCHONG_PYTHON_SDK:-}"
python_deps="${HONGCHONG_PYTHON_DEPS:-}"
python_bin="/usr/bin/python3"
php_fpyun="${HONGCHONG_PHP_FPYUN:-}"
keep=0

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --python-sdk) python_sdk="${2:?}"; shift 2 ;;
    --python-deps) python_deps="${2:?}"; shift 2 ;;
    --python) python_bin="${2:?}"; shift 2 ;;
    --php-fpyun) php_fpyun="${2:?}"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
[ -n "$python_sdk" ] || [ -n "$php_fpyun" ] || { echo "name at least one client (--python-sdk / --php-fpyun)" >&2; usage; }
command -v openssl >/dev/null || { echo "openssl is needed for the throwaway TLS certificate" >&2; exit 2; }

tmp="$(mktemp -d -t hongchong-outside.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$keep" = 1 ]; then echo "# kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# 1. The sandbox, as `npm start` runs it (scripts/start.js): `hongchong serve`, sandbox mode, default story
#    clock, default (vendor) reply mode — on a fresh embedded SQLite database in the temp dir.
port="$(free_port)"
(cd "$root" && exec env -u DATABASE_URL -u HONGCHONG_UPSTREAM_URL -u HONGCHONG_CLOCK -u HONGCHONG_REPLY \
  node bin/hongchong.js serve --port "$port" --data "$tmp/data") >"$tmp/gateway.log" 2>&1 &
pids+=($!)
gateway="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  curl -fsS "$gateway/health" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "the gateway exited:" >&2; cat "$tmp/gateway.log" >&2; exit 2; }
  sleep 0.2
done
curl -fsS "$gateway/health" >/dev/null || { echo "the gateway did not come up:" >&2; cat "$tmp/gateway.log" >&2; exit 2; }
(cd "$root" && env -u DATABASE_URL node bin/hongchong.js sandbox accounts --data "$tmp/data" --json) >"$tmp/accounts.json"

# 2. A TLS front with a throwaway self-signed certificate (the Python SDK accepts https base URLs only).
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -keyout "$tmp/front-key.pem" -out "$tmp/front-cert.pem" >/dev/null 2>&1
node "$here/tls-front.js" --cert "$tmp/front-cert.pem" --key "$tmp/front-key.pem" --target "$gateway" --port 0 \
  >"$tmp/front.log" 2>&1 &
pids+=($!)
base=""
for _ in $(seq 1 50); do
  base="$(sed -n 's/^tls-front listening on //p' "$tmp/front.log")"
  [ -n "$base" ] && break
  sleep 0.1
done
[ -n "$base" ] || { echo "the TLS front did not come up:" >&2; cat "$tmp/front.log" >&2; exit 2; }
echo "# gateway $gateway (data $tmp/data), TLS front $base"

# 3. The clients.
status=0
: >"$tmp/report.txt"
# A driver that died before its SUMMARY line (an uncaught error in the client or the driver) is one FAIL.
summarised() {
  grep -q "^SUMMARY $1:" "$tmp/report.txt" || { echo "FAIL $1 driver: ended without a summary (see its error above)" | tee -a "$tmp/report.txt"; status=1; }
}
if [ -n "$python_sdk" ]; then
  PYTHONPATH="${python_deps:+$python_deps${PYTHONPATH:+:}}${PYTHONPATH:-}" \
    "$python_bin" "$here/drive_python.py" --sdk "$python_sdk" --base "$base" --ca "$tmp/front-cert.pem" \
    --admin "$gateway" --accounts "$tmp/accounts.json" | tee -a "$tmp/report.txt" || status=1
  summarised python
fi
if [ -n "$php_fpyun" ]; then
  if command -v php >/dev/null; then
    php "$here/drive_php.php" --fpyun "$php_fpyun" --base "$base" --accounts "$tmp/accounts.json" \
      | tee -a "$tmp/report.txt" || status=1
    summarised php
  else
    echo "SKIP php: php-cli not installed (apt-get install -y php-cli php-guzzlehttp-guzzle)" | tee -a "$tmp/report.txt"
    status=1
  fi
fi

count() { grep -c "^$1 " "$tmp/report.txt" || true; }
echo "TOTAL: $(count PASS) PASS, $(count FAIL) FAIL, $(count EXPECTED-VENDOR-QUIRK) EXPECTED-VENDOR-QUIRK, $(count SKIP) SKIP"
exit "$status"
