#!/usr/bin/env bash
# Installs every Debian package chatgate needs to build, test and run.
# Idempotent: packages already present are skipped, so a second run is fast.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libhiredis-dev libjwt-dev libpq-dev libsqlite3-dev
  sqlite3                  # CLI: tests/e2e/json-numbers reads the stored JSON text
  libspdlog-dev libfmt-dev libcli11-dev libmsgpuck-dev libssl-dev
  libjemalloc-dev          # the chatgate binary's allocator (docs/benchmarks.md, "Allocator")
  liburing-dev             # batched socket writes (src/engineio/transports/send_batch.hpp)
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  nodejs
  chromium
  redis-server postgresql nginx-light
  linux-perf strace  # the load benchmark's profile (bench/load --profile), docs/benchmarks.md
  heaptrack          # bench/load/heap_idle.mjs: what an idle websocket holds, docs/benchmarks.md
)
# Only for the tests (`install-deps.sh --test`, which scripts/test.sh passes): headless Chromium
# for the browser end-to-end test (tests/e2e/security-browser.test.mjs). About 300 MB with its
# libraries, so scripts/run.sh, which only builds and serves, does not pull it in. The emoji
# font lets the browser test's screenshots show the reactions (tofu boxes without it).
if [ "${1:-}" = "--test" ]; then
  PACKAGES+=(chromium fonts-noto-color-emoji)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # The tests start their own throwaway redis-server, PostgreSQL and nginx on loopback
  # (scripts/redis.sh, pg.sh, nginx.sh): keep the packages' system services (nginx on :80) from
  # starting during the install.
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod +x "$policy"
  fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  [ -z "$policy" ] || $SUDO rm -f "$policy"
else
  echo "install-deps: all packages present"
fi

# The web client's socket.io-client browser bundle (npm), embedded into chatgate at build time.
web="$(dirname "$0")/../web"
if [ ! -f "$web/node_modules/socket.io-client/dist/socket.io.min.js" ]; then
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
fi
