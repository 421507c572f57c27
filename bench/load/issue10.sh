#!/usr/bin/env bash
# Issue 10's figures side by side with Node, as in docs/benchmarks.md ("Issue 10's targets at the
# end of the third 2026-12-07 session"): medians of 3 (threads: 5), under /work/bench.lock when
# it exists, about 20 minutes on 2 vCPUs.
# usage: bench/load/issue10.sh CHATGATE_BIN LOADGEN_BIN OUTDIR
set -u
B=$1; L=$2; OUT=$3; mkdir -p "$OUT"
cd "$(dirname "$0")"
ulimit -n 20000
LOCK=/work/bench.lock
run() {
  echo "== $* (load $(cut -d' ' -f1-3 /proc/loadavg)) $(date -u +%H:%M:%S)"
  if [ -e "$LOCK" ]; then flock "$LOCK" node run.mjs "$@"; else node run.mjs "$@"; fi
}
S="--servers chatgate@1=$B,chatgate@2=$B,node --generator native --loadgen $L"
T="--servers chatgate@1=$B,chatgate@2=$B --generator native --loadgen $L"
run $S --scenarios fanout50,pairs --repeat 3 --json "$OUT/fanout_pairs.json"
run $T --scenarios fanout50 --repeat 5 --json "$OUT/threads.json"
run $S --scenarios fanout50-open --rate 1000 --repeat 3 --json "$OUT/open1000.json"
run $T --scenarios fanout50-open --rate 4000 --repeat 3 --json "$OUT/open4000.json"
run $T --scenarios fanout50-open --rate 2000 --repeat 3 --json "$OUT/open2000.json"
run $S --scenarios idle --connections 15000 --procs 2 --concurrency 100 --json "$OUT/idle.json"
run --servers "chatgate@1=$B,chatgate@2=$B,node" --scenarios connections --connections 2000 --repeat 3 --json "$OUT/connections.json"
run --servers "chatgate@1=$B,node" --generator native --loadgen "$L" --scenarios idle-groups --connections 15000 --procs 2 --concurrency 100 --json "$OUT/idle_groups.json"
