#!/usr/bin/env bash
# A throwaway nginx (Debian package nginx-light) in front of chatgate instances, for tests.
#   scripts/nginx.sh start DIR PORT HOST:PORT...   render deploy/nginx/chatgate.conf.template with
#                                                  those upstreams, listen on 127.0.0.1:PORT, run
#                                                  nginx with its pid, logs and temp files in DIR;
#                                                  prints the URL.
#   scripts/nginx.sh stop DIR                      stop it and remove what start put in DIR.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
[ -x "$bin" ] || { echo "nginx.sh: no nginx (apt-get install nginx-light)" >&2; exit 1; }

start() {
  local dir="${1:?usage: nginx.sh start DIR PORT HOST:PORT...}" port="${2:?port}"
  shift 2
  [ "$#" -gt 0 ] || { echo "nginx.sh: no upstream given" >&2; exit 2; }
  mkdir -p "$dir/tmp"
  local servers=""
  for u in "$@"; do servers+="    server $u max_fails=1 fail_timeout=2s;"$'\n'; done
  local site
  site=$(sed -e "s|@LISTEN@|127.0.0.1:$port|" "$here/deploy/nginx/chatgate.conf.template")
  site="${site/@SERVERS@/$servers}"
  cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  access_log $dir/access.log;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
$site
}
CONF
  "$bin" -t -q -c "$dir/nginx.conf" -p "$dir" 2>"$dir/test.log" || { cat "$dir/test.log" >&2; exit 1; }
  "$bin" -c "$dir/nginx.conf" -p "$dir" || { cat "$dir/error.log" >&2; exit 1; }
  echo "http://127.0.0.1:$port"
}

stop() {
  local dir="${1:?usage: nginx.sh stop DIR}"
  if [ -f "$dir/nginx.pid" ]; then
    local pid; pid=$(cat "$dir/nginx.pid")
    kill -QUIT "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$dir/tmp" "$dir/nginx.conf" "$dir/nginx.pid" "$dir/error.log" "$dir/access.log" "$dir/test.log"
  rmdir "$dir" 2>/dev/null || true
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: scripts/nginx.sh start DIR PORT HOST:PORT... | scripts/nginx.sh stop DIR" >&2; exit 2 ;;
esac
