#!/usr/bin/env bash
# Load benchmark (bench/load): builds the release preset, installs the official socket.io-client
# (npm ci), then runs the scenarios against the real binary and prints the figures.
# Usage: scripts/bench.sh [run.mjs options], e.g. scripts/bench.sh --scenarios fanout --rate 200
#   CHATGATE_BENCH_SKIP_BUILD=1  use the existing build/release binary as is
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${CHATGATE_BENCH_SKIP_BUILD:-0}" != 1 ]; then
  bash scripts/build.sh release
fi
bin="${CHATGATE_BIN:-$PWD/build/release/apps/chatgate/chatgate}"
(cd bench/load && npm ci --no-audit --no-fund --loglevel=error)
# Each socket is a file descriptor on both sides: raise the soft limit as far as allowed.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec node bench/load/run.mjs --bin "$bin" "$@"
