#!/usr/bin/env bash
# Configures and builds one CMake preset (default: release).
# Usage: scripts/build.sh [preset] [cmake --build options, e.g. --target chatgate]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
shift || true
# Paths relative to the checkout, and (NOHASHDIR) no working directory in the hash of a -g
# compile: two clones or worktrees of the repository share the cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1 CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}" \
  CCACHE_MAXSIZE=5G
# Two cores: two jobs keep memory and the machine responsive.
jobs="${CHATGATE_JOBS:-$(nproc)}"
[ -f "build/$preset/build.ninja" ] || cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs" "$@"
