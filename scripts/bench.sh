#!/usr/bin/env bash
# Load benchmark (bench/load): builds the release preset's chatgate binary, installs the official socket.io-client
# (npm ci), then runs the scenarios against the real binary and prints the figures.
# Usage: scripts/bench.sh [run.mjs options], e.g. scripts/bench.sh --scenarios fanout --rate 200
#   CHATGATE_BENCH_SKIP_BUILD=1  use the existing build/release binary as is
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${CHATGATE_BENCH_SKIP_BUILD:-0}" != 1 ]; then
  # As scripts/build.sh release, but only the binary and the native load generator (bench/loadgen):
  # the benchmark needs no unit tests.
  export CCACHE_BASEDIR="$PWD" CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}" CCACHE_MAXSIZE=5G
  [ -f build/release/build.ninja ] || cmake --preset release >/dev/null
  cmake --build --preset release --target chatgate chatgate_loadgen -j "${CHATGATE_JOBS:-$(nproc)}"
fi
bin="${CHATGATE_BIN:-$PWD/build/release/apps/chatgate/chatgate}"
(cd bench/load && npm ci --no-audit --no-fund --loglevel=error)
# The Node socket.io 4.8 reference server that every scenario also runs against (bench/reference).
(cd bench/reference && npm ci --no-audit --no-fund --loglevel=error)
# Each socket is a file descriptor on both sides: raise the soft limit as far as allowed.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec node bench/load/run.mjs --bin "$bin" "$@"
