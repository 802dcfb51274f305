#!/usr/bin/env bash
# Start (or stop) a throwaway PostgreSQL cluster for tests: initdb + pg_ctl as the `postgres` user in a temp dir,
# no system service. `source scripts/pg-throwaway.sh start` exports DATABASE_URL; `… stop` removes the cluster.
# Needs Debian's `postgresql` package (apt-get install -y postgresql).
set -u
PG_PORT=${PG_PORT:-55432}
PG_DIR=${PG_DIR:-/tmp/hongchong-pg}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

pg_start() {
  [ -n "$bin" ] || { echo "postgresql is not installed" >&2; return 1; }
  rm -rf "$PG_DIR" && mkdir -p "$PG_DIR" && chown postgres:postgres "$PG_DIR"
  su postgres -s /bin/sh -c "$bin/initdb -D $PG_DIR/data -A trust -U postgres -E UTF8 --locale=C.UTF-8 >$PG_DIR/initdb.log 2>&1" || { cat "$PG_DIR/initdb.log"; return 1; }
  su postgres -s /bin/sh -c "$bin/pg_ctl -D $PG_DIR/data -o '-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off' -l $PG_DIR/server.log -w start" >/dev/null || { cat "$PG_DIR/server.log"; return 1; }
  su postgres -s /bin/sh -c "$bin/createdb -h 127.0.0.1 -p $PG_PORT -U postgres hongchong_test" || return 1
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/hongchong_test"
  echo "PostgreSQL ready: $DATABASE_URL"
}

pg_stop() {
  [ -d "$PG_DIR/data" ] && su postgres -s /bin/sh -c "$bin/pg_ctl -D $PG_DIR/data -m fast stop" >/dev/null 2>&1
  rm -rf "$PG_DIR"
}

case "${1:-}" in
  start) pg_start ;;
  stop) pg_stop ;;
  *) echo "usage: source scripts/pg-throwaway.sh start|stop" >&2 ;;
esac
