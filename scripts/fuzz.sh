#!/usr/bin/env bash
# Builds the fuzz preset (clang, libFuzzer + ASan/UBSan) and runs every fuzz target for a bounded
# time, starting from the committed seeds. Usage: scripts/fuzz.sh [seconds per target, default 60]
# Exit code: non-zero when a target found a crash (its reproducer is left in build/fuzz/crashes/).
set -uo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
bash scripts/install-deps.sh || exit 1
bash scripts/build.sh fuzz || exit 1
failed=0
mkdir -p build/fuzz/crashes
for seeds in tests/fuzz/seeds/*/; do
  name=$(basename "$seeds")
  bin="build/fuzz/tests/fuzz/$name"
  [ -x "$bin" ] || { echo "fuzz.sh: no binary for $name" >&2; failed=1; continue; }
  corpus="build/fuzz/corpus/$name"
  mkdir -p "$corpus"
  echo "== $name: ${seconds}s"
  if ! "$bin" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="build/fuzz/crashes/$name-" "$corpus" "$seeds" 2>"build/fuzz/$name.log"; then
    echo "fuzz.sh: $name FAILED, see build/fuzz/$name.log" >&2
    failed=1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "build/fuzz/$name.log"
done
exit "$failed"
