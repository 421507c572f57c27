#!/usr/bin/env bash
# The second set-up command, and what .ci/run calls: installs what is missing, builds the test
# preset, runs the unit tests (CTest) and the end-to-end tests (node --test, official clients)
# against the real binary. Exit code: non-zero when anything failed.
# The default preset is asan (ASan + UBSan, Debug): one build serves every test, and a sanitizer
# report anywhere — unit test, chatgate or conformance_server under e2e — fails the run.
# CHATGATE_TEST_PRESET=dev runs the same tests on a plain Debug build.
set -uo pipefail
cd "$(dirname "$0")/.."
preset="${CHATGATE_TEST_PRESET:-asan}"
bash scripts/install-deps.sh --test || exit 1
bash scripts/build.sh "$preset" || exit 1

failed=0
# The first e2e pass runs every server with the default IO_THREADS (one per core). These files
# run a second time with the other shape: one io thread on a machine with several cores (the
# single-thread path), two on a one-core machine (the threaded path).
THREADED_E2E="gateway.test.mjs typing.test.mjs gateway-noloss.test.mjs robustness-order.test.mjs read-state.test.mjs reactions.test.mjs rest.test.mjs gateway-limits.test.mjs admin.test.mjs robustness-stop.test.mjs cluster.test.mjs cluster-interop.test.mjs"
if [ "$(nproc)" -gt 1 ]; then second_threads=1; else second_threads=2; fi
san_dir=$(mktemp -d /tmp/chatgate-san.XXXXXX)
export ASAN_OPTIONS="log_path=$san_dir/asan:detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="log_path=$san_dir/ubsan:halt_on_error=1:print_stacktrace=1"
# The PostgreSQL store's tests (CTest label postgres, tests/e2e/postgres.test.mjs) need a server:
# a throwaway one from the Debian package (scripts/pg.sh), stopped on exit. They skip when
# CHATGATE_TEST_PG_URL is unset, so failing to start one counts as a failure here.
if [ -z "${CHATGATE_TEST_PG_URL:-}" ]; then
  pg_dir=$(mktemp -d /tmp/chatgate-pg.XXXXXX)
  trap 'bash scripts/pg.sh stop "$pg_dir" >/dev/null 2>&1 || true' EXIT
  trap 'exit 130' INT TERM
  if CHATGATE_TEST_PG_URL=$(bash scripts/pg.sh start "$pg_dir"); then
    export CHATGATE_TEST_PG_URL
  else
    echo "test.sh: could not start PostgreSQL with scripts/pg.sh; its tests are skipped" >&2
    unset CHATGATE_TEST_PG_URL
    failed=1
  fi
fi

# The Redis tests (CTest label redis, tests/e2e/cluster-*.test.mjs) likewise need a server: a
# throwaway one from the Debian package (scripts/redis.sh), stopped on exit; they skip when
# CHATGATE_TEST_REDIS_URL is unset, so failing to start one counts as a failure here.
if [ -z "${CHATGATE_TEST_REDIS_URL:-}" ]; then
  redis_dir=$(mktemp -d /tmp/chatgate-redis.XXXXXX)
  trap 'bash scripts/pg.sh stop "${pg_dir:-/nonexistent}" >/dev/null 2>&1 || true; bash scripts/redis.sh stop "$redis_dir" >/dev/null 2>&1 || true' EXIT
  trap 'exit 130' INT TERM
  if CHATGATE_TEST_REDIS_URL=$(bash scripts/redis.sh start "$redis_dir"); then
    export CHATGATE_TEST_REDIS_URL
  else
    echo "test.sh: could not start Redis with scripts/redis.sh; its tests are skipped" >&2
    unset CHATGATE_TEST_REDIS_URL
    failed=1
  fi
fi

unit_log=$(mktemp)
ctest --preset "$preset" -j "$(nproc)" --timeout 120 2>&1 | tee "$unit_log"
[ "${PIPESTATUS[0]}" -eq 0 ] || failed=1
unit_pass=$(grep -oE '[0-9]+ tests failed out of [0-9]+' "$unit_log" | awk '{print $6-$1}')
unit_fail=$(grep -oE '[0-9]+ tests failed out of [0-9]+' "$unit_log" | awk '{print $1}')

e2e_pass=0 e2e_fail=0
if [ -f tests/e2e/package.json ]; then
  e2e_log=$(mktemp)
  ( cd tests/e2e && { [ -d node_modules ] && npm ls >/dev/null 2>&1 || npm ci --no-audit --no-fund; } \
    && CHATGATE_BIN="$PWD/../../build/$preset/apps/chatgate/chatgate" \
       CONFORMANCE_BIN="$PWD/../../build/$preset/tests/conformance/conformance_server" \
       node --test --test-concurrency=1 ) 2>&1 | tee "$e2e_log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || failed=1
  e2e_pass=$(grep -E '^# pass ' "$e2e_log" | awk '{print $3}'); e2e_pass=${e2e_pass:-0}
  e2e_fail=$(grep -E '^# fail ' "$e2e_log" | awk '{print $3}'); e2e_fail=${e2e_fail:-1}
  # The socket paths again with the other number of io threads (IO_THREADS in every server
  # tests/e2e/lib starts, unless a test sets it).
  threads_log=$(mktemp)
  ( cd tests/e2e && CHATGATE_TEST_IO_THREADS=$second_threads \
       CHATGATE_BIN="$PWD/../../build/$preset/apps/chatgate/chatgate" \
       CONFORMANCE_BIN="$PWD/../../build/$preset/tests/conformance/conformance_server" \
       node --test --test-concurrency=1 $THREADED_E2E ) 2>&1 | tee "$threads_log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || failed=1
  t_pass=$(grep -E '^# pass ' "$threads_log" | awk '{print $3}'); e2e_pass=$(( e2e_pass + ${t_pass:-0} ))
  t_fail=$(grep -E '^# fail ' "$threads_log" | awk '{print $3}'); e2e_fail=$(( e2e_fail + ${t_fail:-1} ))
fi

san_reports=$(find "$san_dir" -type f | wc -l)
if [ "$san_reports" -gt 0 ]; then
  echo "test.sh: $san_reports sanitizer report(s):" >&2
  find "$san_dir" -type f -exec sh -c 'echo "== $1"; head -60 "$1"' _ {} \; >&2
  failed=1
fi

total_pass=$(( ${unit_pass:-0} + e2e_pass ))
total_fail=$(( ${unit_fail:-1} + e2e_fail ))
[ "$total_fail" -eq 0 ] || failed=1
echo
echo "preset $preset; sanitizer reports: $san_reports"
echo "unit: ${unit_pass:-0} passed, ${unit_fail:-?} failed; e2e: $e2e_pass passed, $e2e_fail failed"
echo "total: $total_pass passed, $total_fail failed"
exit "$failed"
