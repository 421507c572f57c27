#!/usr/bin/env bash
# A throwaway Redis server for tests, from the Debian package's redis-server.
#   scripts/redis.sh start [DIR] [PORT]   start on 127.0.0.1:PORT (default: a free port) with its
#                                         pid file and log in DIR (default: a new dir under /tmp);
#                                         prints the URL on stdout, the DIR on stderr
#                                         ("redis.sh: dir DIR").
#   scripts/redis.sh stop DIR             stop that server and remove what start put in DIR.
# No persistence (no RDB, no AOF): a restart comes back empty, which the fault tests rely on.
# Loopback only, no password: a test server, never a deployment.
set -euo pipefail

bin="${REDIS_SERVER:-$(command -v redis-server || echo /usr/bin/redis-server)}"
[ -x "$bin" ] || { echo "redis.sh: no redis-server (apt-get install redis-server)" >&2; exit 1; }

# A port nothing answers on (bash only: a fresh machine may have no python).
free_port() {
  local p
  for _ in $(seq 50); do
    p=$(( 20000 + RANDOM % 40000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  echo "redis.sh: no free port found" >&2; exit 1
}

# Whether the server on PORT answers PING (RESP over bash's /dev/tcp: no redis-cli needed).
answers() {
  local reply
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'PING\r\n' >&3
  read -r -t 1 reply <&3 || true
  exec 3>&-
  [[ "$reply" == "+PONG"* ]]
}

# Starts redis-server on PORT with its files in DIR; true once it answers PING.
launch() {
  local dir="$1" port="$2"
  "$bin" --bind 127.0.0.1 --port "$port" --save '' --appendonly no --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir" \
    --protected-mode yes >/dev/null || return 1
  for _ in $(seq 100); do
    answers "$port" && return 0
    sleep 0.1
  done
  return 1
}

start() {
  local dir="${1:-}" port="${2:-}" tries=1
  [ -n "$dir" ] || dir=$(mktemp -d /tmp/chatgate-redis.XXXXXX)
  mkdir -p "$dir"
  [ -n "$port" ] || tries=5  # a free port may be taken between the check and the bind: retry
  for _ in $(seq "$tries"); do
    local p="${port:-$(free_port)}"
    if launch "$dir" "$p"; then
      echo "$p" >"$dir/port"
      echo "redis.sh: dir $dir" >&2
      echo "redis://127.0.0.1:$p"
      return 0
    fi
    [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null
    rm -f "$dir/redis.pid"
  done
  echo "redis.sh: could not start redis-server" >&2
  cat "$dir/redis.log" >&2 2>/dev/null
  exit 1
}

stop() {
  local dir="${1:?usage: redis.sh stop DIR}" pid
  if [ -f "$dir/redis.pid" ]; then
    pid=$(cat "$dir/redis.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  # Only what start made: a DIR holding anything else is left in place.
  rm -f "$dir/redis.pid" "$dir/redis.log" "$dir/port"
  rmdir "$dir" 2>/dev/null || true
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: scripts/redis.sh start [DIR] [PORT] | scripts/redis.sh stop DIR" >&2; exit 2 ;;
esac
