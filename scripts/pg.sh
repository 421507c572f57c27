#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests, from the Debian package's binaries.
#   scripts/pg.sh start [DIR] [PORT]   initdb in DIR (default: a new dir under /tmp), start on
#                                      127.0.0.1:PORT (default: a free port), create the database
#                                      chatgate_test; prints the URL on stdout, the DIR on stderr
#                                      ("pg.sh: dir DIR").
#   scripts/pg.sh stop DIR             stop that server and remove what start put in DIR.
#   scripts/pg.sh pause DIR            stop that server, keeping its data (fault tests);
#   scripts/pg.sh resume DIR           start it again on the same port.
# As root, the server runs as the package's `postgres` user (postgres refuses to run as root).
# Trust authentication on loopback only: this is a test server, never a deployment.
set -euo pipefail

bin="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ -x "$bin/pg_ctl" ] || { echo "pg.sh: no PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A port nothing answers on (bash only: a fresh machine may have no python).
free_port() {
  local p
  for _ in $(seq 50); do
    p=$(( 20000 + RANDOM % 40000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  echo "pg.sh: no free port found" >&2; exit 1
}

start() {
  local dir="${1:-}" port="${2:-}"
  [ -n "$dir" ] || dir=$(mktemp -d /tmp/chatgate-pg.XXXXXX)
  local fixed_port="$port"
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
  chmod 700 "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C \
    --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  # fsync off: a throwaway test server, speed over durability (never in a deployment).
  # A port picked here can be taken by another run's server between the probe and the start
  # (parallel test runs): then another port is tried, up to 5 times. A given port is tried once.
  local attempt
  for attempt in 1 2 3 4 5; do
    [ -n "$fixed_port" ] || port=$(free_port)
    echo "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >"$dir/pg.opts"
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 -o "$(cat "$dir/pg.opts")" \
      start >/dev/null && break
    if [ -n "$fixed_port" ] || [ "$attempt" = 5 ]; then cat "$dir/server.log" >&2; exit 1; fi
    echo "pg.sh: port $port was taken, trying another" >&2
  done
  as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAt \
    -c "CREATE DATABASE chatgate_test" >/dev/null
  echo "pg.sh: dir $dir" >&2
  echo "postgresql://postgres@127.0.0.1:$port/chatgate_test"
}

stop() {
  local dir="${1:?usage: pg.sh stop DIR}"
  if [ -f "$dir/data/PG_VERSION" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  # Only what start made: a DIR holding anything else is left in place.
  rm -rf "$dir/data" "$dir/initdb.log" "$dir/server.log" "$dir/pg.opts"
  rmdir "$dir" 2>/dev/null || true
}

pause() {
  local dir="${1:?usage: pg.sh pause DIR}"
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
}

resume() {
  local dir="${1:?usage: pg.sh resume DIR}"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 -o "$(cat "$dir/pg.opts")" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  pause) shift; pause "$@" ;;
  resume) shift; resume "$@" ;;
  *) echo "usage: scripts/pg.sh start [DIR] [PORT] | stop DIR | pause DIR | resume DIR" >&2; exit 2 ;;
esac
