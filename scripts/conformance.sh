#!/usr/bin/env bash
# Runs the official protocol test suites against tests/conformance/conformance_server.
# Usage: scripts/conformance.sh SUITES_DIR
#   SUITES_DIR holds docs/engine.io-protocol/v4-test-suite and docs/socket.io-protocol/v5-test-suite.
#   BUILD_DIR (optional): an existing CMake build directory to build conformance_server in;
#   default: the release preset (build/release).
# The suites talk to localhost:3000, so that port must be free. Exit status: number of failed tests.
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
suites="${1:?usage: scripts/conformance.sh SUITES_DIR}"
suites="$(cd "$suites" && pwd)"
port=3000

export CCACHE_BASEDIR="$root"
if [ -n "${BUILD_DIR:-}" ]; then
  build="$BUILD_DIR"
  [ -f "$build/build.ninja" ] || cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCHATGATE_BUILD_BENCH=OFF >/dev/null
else
  build="$root/build/release"
  [ -f "$build/build.ninja" ] || cmake --preset release >/dev/null
fi
cmake --build "$build" -j "${CHATGATE_JOBS:-2}" --target conformance_server || exit 1

server_bin="$build/tests/conformance/conformance_server"
"$server_bin" --port "$port" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null' EXIT

# Wait until the port answers (at most 10 s).
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  sleep 0.1
done

# Prints "200" when something answers Engine.IO handshakes under this path.
mounted() {
  node -e "fetch('http://127.0.0.1:$port$1?EIO=4&transport=polling').then(r => console.log(r.status)).catch(() => console.log(0))"
}

failures=0
run_suite() {
  local dir="$1"
  echo "== $dir"
  (cd "$dir" && { npm ci --no-audit --no-fund >/dev/null 2>&1 || [ -d node_modules ]; }) || {
    echo "cannot install the suite's dependencies"; failures=$((failures + 1)); return; }
  (cd "$dir" && npx mocha test-suite.js)
  local rc=$?  # mocha exits with the number of failed tests
  failures=$((failures + rc))
}

run_suite "$suites/docs/engine.io-protocol/v4-test-suite"
if [ "$(mounted /socket.io/)" = "200" ]; then
  run_suite "$suites/docs/socket.io-protocol/v5-test-suite"
else
  echo "== socket.io v5 suite skipped: nothing is mounted at /socket.io/ in conformance_server yet"
fi

echo "conformance: $failures failure(s)"
exit "$failures"
