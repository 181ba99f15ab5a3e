#!/usr/bin/env bash
# make bench (quick, a few minutes) and make bench-full: builds and installs leadroute and the load
# generator, starts the private bench cluster, runs the scenarios of issue 7 with the three
# contenders interleaved (plain INSERT, leadroute, the PL/pgSQL reference), then writes the results
# into bench/RESULTS.md and the plot bench/cost_per_lead_<suite>.svg.
#   bench/run.sh quick|full
# Honours DESTDIR (install into a relocated server copy), LEADROUTE_PGBIN, LEADROUTE_PORT (default
# 55434) and LEADROUTE_DATADIR, like make test; BENCH_SEED (42) picks the generated data;
# BENCH_KEEP_CLUSTER=1 leaves the cluster running afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
suite=${1:-quick}
case "$suite" in quick | full) ;; *) echo "usage: bench/run.sh quick|full" >&2; exit 2 ;; esac
BUILD_DIR=${BUILD_DIR:-build}
SEED=${BENCH_SEED:-42}
export LEADROUTE_PORT=${LEADROUTE_PORT:-55434}
export PGOPTIONS="-c client_min_messages=warning"
LOGS=$BUILD_DIR/bench-logs
RESULTS=$BUILD_DIR/bench/results-$suite.jsonl
mkdir -p "$LOGS" "$BUILD_DIR/bench"
started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started )) s"; }

echo "== Building and installing leadroute and the load generator =="
if ! { cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLEADROUTE_BENCH=ON &&
       cmake --build "$BUILD_DIR" --target leadroute_core leadroute_loadgen -j2 &&
       make BUILD_DIR="$BUILD_DIR" -j2 && make BUILD_DIR="$BUILD_DIR" install; } >"$LOGS/build.log" 2>&1; then
  tail -30 "$LOGS/build.log"
  [ "$(id -u)" = 0 ] || [ -n "${DESTDIR:-}" ] ||
    echo "Installing the extension needs root (or DESTDIR pointing at a private server copy)." >&2
  exit 1
fi
LG=$BUILD_DIR/bench/leadroute_loadgen

echo "== Starting the bench cluster (port $LEADROUTE_PORT) =="
scripts/cluster.sh start bench
eval "$(scripts/cluster.sh env bench)"
if [ "${BENCH_KEEP_CLUSTER:-0}" != 1 ]; then trap 'scripts/cluster.sh stop bench' EXIT; fi
: >"$RESULTS"

load() {  # reps accounts rules [--fresh]
  "$LG" load --reps "$1" --accounts "$2" --rules "$3" --seed "$SEED" \
    --reference bench/plpgsql_router.sql,bench/plpgsql_lean_router.sql ${4:-}
}
run() { "$LG" run --suite "$suite" --out "$RESULTS" "$@"; }

# The cost of a lead as the rule set grows: the realistic mix (where the matching rule is
# anywhere), and the two probes (matched by the 5th rule; matched only by the catch-all).
rules_sweep() {  # reps accounts mix_leads probe_leads rounds rule-counts...
  local reps=$1 accounts=$2 mix=$3 probe=$4 rounds=$5
  shift 5
  for rules in "$@"; do
    load "$reps" "$accounts" "$rules"
    run --scenario rules-sweep --mode copy --set mix --leads "$mix" --rounds "$rounds"
    for set in early late; do
      run --scenario rules-probe --mode copy --set "$set" --leads "$probe" --rounds "$rounds" \
        --contenders leadroute,plpgsql
    done
  done
}

# Single-row INSERTs and one COPY of 100,000 leads at the target configuration.
throughput() {  # leads rounds copy_rounds clients...
  local leads=$1 rounds=$2 copy_rounds=$3
  shift 3
  for clients in "$@"; do
    run --scenario insert --mode insert --clients "$clients" --sync off --leads "$leads" --rounds "$rounds"
  done
  run --scenario insert --mode insert --clients 2 --sync on --leads "$leads" --rounds "$rounds"
  run --scenario copy-100k --mode copy --leads 100000 --rounds "$copy_rounds" --warmup 20
}

if [ "$suite" = quick ]; then
  echo "== Quick suite: 1,000 reps; rules 10 to 10,000; accounts 1,000 and 1,000,000 ($(elapsed)) =="
  load 1000 1000 10 --fresh
  rules_sweep 1000 1000 2000 500 2 10 100 10000 1000
  echo "== 1,000,000 accounts ($(elapsed)) =="
  load 1000 1000000 1000
  run --scenario accounts-sweep --mode copy --set mix --leads 2000 --rounds 2
  throughput 2000 3 1 1 2 4
else
  for reps in 10 1000; do
    echo "== Full suite, $reps reps: rules sweep at 1,000 accounts ($(elapsed)) =="
    load "$reps" 1000 10 --fresh
    rules_sweep "$reps" 1000 10000 2000 3 10 100 1000 10000
    echo "== $reps reps: rules sweep at 1,000,000 accounts ($(elapsed)) =="
    load "$reps" 1000000 10000
    rules_sweep "$reps" 1000000 10000 2000 3 10000 100 10 1000
    echo "== $reps reps: single-row inserts and COPY at 1,000 rules, 1,000,000 accounts ($(elapsed)) =="
    throughput 5000 3 3 1 2 4
    for clients in 1 4; do
      run --scenario insert --mode insert --clients "$clients" --sync on --leads 3000 --rounds 3
    done
  done
  # What the default full trace costs: at 1,000 rules it is most of a lead's cost.
  echo "== Trace levels at 1,000 rules ($(elapsed)) =="
  for set in mix late; do
    run --scenario trace-levels --mode copy --set "$set" --leads 5000 --rounds 3 \
      --contenders leadroute --traces full,compact,off
  done
fi

echo "== Report ($(elapsed)) =="
python3 bench/report.py --suite "$suite" --results "$RESULTS" --markdown bench/RESULTS.md \
  --svg "bench/cost_per_lead_$suite.svg" --command "make bench$([ "$suite" = full ] && echo -full)"
if [ "$suite" = full ]; then
  echo "== Profile: callgrind at 10 to 10,000 rules ($(elapsed)) =="
  load 1000 1000000 1000
  PROFILE_MARKDOWN=bench/RESULTS.md BUILD_DIR=$BUILD_DIR bench/profile.sh 10 100 1000 10000
fi
echo "bench $suite finished in $(elapsed); results in bench/RESULTS.md"
