#!/usr/bin/env bash
# Where a routed lead's time goes, counted in instructions (repeatable where wall time on a shared
# 2-core machine is not). valgrind's callgrind runs a single-user backend on the bench cluster's
# data directory and dumps its counters as each statement starts; bench/callgrind_summary.py turns the
# dumps of the measured statements into instructions per lead, split by function.
#   bench/profile.sh [RULES...]        default: 10 100 1000 10000
# Uses the organization the last make bench loaded (reps and accounts kept; the rules are reloaded
# per count) and stops the bench cluster while it runs: single-user mode needs the data directory
# to itself. Honours LEADROUTE_PGBIN, LEADROUTE_PORT, LEADROUTE_DATADIR and BUILD_DIR like run.sh.
# PROFILE_LEADS (200) leads per COPY, PROFILE_INSERTS (40) single-row INSERTs. Writes
# build/bench/profile/*, and the profile section of PROFILE_MARKDOWN (e.g. bench/RESULTS.md) if set.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
export LEADROUTE_PORT=${LEADROUTE_PORT:-55434}
export PGOPTIONS="-c client_min_messages=warning"
PGBIN=${LEADROUTE_PGBIN:-/usr/lib/postgresql/15/bin}
DATADIR=${LEADROUTE_DATADIR:-/tmp/leadroute-bench}
LG=$BUILD_DIR/bench/leadroute_loadgen
LEADS=${PROFILE_LEADS:-200}
INSERTS=${PROFILE_INSERTS:-40}
OUT=$BUILD_DIR/bench/profile
rules_list=("$@")
[ ${#rules_list[@]} -gt 0 ] || rules_list=(10 100 1000 10000)
command -v valgrind >/dev/null || { echo "valgrind is missing: scripts/deps.sh installs it" >&2; exit 1; }
[ -x "$LG" ] || { echo "build the load generator first (make bench)" >&2; exit 1; }
mkdir -p "$OUT"
: >"$OUT/profile.jsonl"
work=$(mktemp -d /tmp/leadroute-profile.XXXXXX)
[ -n "${PROFILE_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# The backend (the postgres user when we are root) reads the leads and writes the dumps there.
if [ "$(id -u)" = 0 ]; then chown postgres "$work"; fi
chmod 755 "$work"

scripts/cluster.sh start bench >/dev/null
eval "$(scripts/cluster.sh env bench)"
read -r reps accounts < <(psql -XAtF ' ' -c "SELECT reps, accounts FROM public.leadroute_bench_state")
cols=$("$LG" columns)

for rules in "${rules_list[@]}"; do
  echo "== callgrind: $rules rules, $reps reps, $accounts accounts =="
  scripts/cluster.sh start bench >/dev/null
  "$LG" load --reps "$reps" --accounts "$accounts" --rules "$rules" --reference bench/plpgsql_router.sql,bench/plpgsql_lean_router.sql 2>/dev/null
  "$LG" emit --set late --count "$LEADS" >"$work/late.tsv"
  "$LG" emit --set early --count "$LEADS" >"$work/early.tsv"
  "$LG" emit --set mix --count "$LEADS" --first 500000 >"$work/mix.tsv"
  "$LG" emit --set mix --count 20 --first 900000 >"$work/warm.tsv"
  "$LG" emit --set mix --count "$INSERTS" --first 700000 --format insert >"$work/inserts.sql"
  chmod 644 "$work"/*
  scripts/cluster.sh stop bench

  # One statement per line (single-user mode); labels.txt: statement number, label, leads.
  : >"$work/statements.sql"
  : >"$work/labels.txt"
  n=0
  stmt() {  # label leads sql
    n=$((n + 1))
    printf '%s\n' "$3" >>"$work/statements.sql"
    # Dump 1 is the backend's start; dump n + 1 is statement n.
    [ -z "$1" ] || echo "$((n + 1)) $1 $2" >>"$work/labels.txt"
  }
  copy() { stmt "$1" "$LEADS" "COPY leadroute.leads ($cols) FROM '$work/$2.tsv'"; }
  inserts() {
    while IFS= read -r line; do stmt "$1" 1 "$line"; done <"$work/inserts.sql"
  }
  stmt "" 0 "TRUNCATE leadroute.leads, leadroute.decisions, leadroute.assignments, leadroute.notifications"
  stmt "" 0 "ALTER TABLE leadroute.leads ENABLE TRIGGER USER, DISABLE TRIGGER bench_plpgsql_route, DISABLE TRIGGER bench_lean_route"
  stmt "" 0 "COPY leadroute.leads ($cols) FROM '$work/warm.tsv'"
  copy leadroute-late late
  copy leadroute-early early
  copy leadroute-mix mix
  inserts leadroute-insert
  stmt "" 0 "SET leadroute.trace = off"
  copy leadroute-late-trace-off late
  copy leadroute-mix-trace-off mix
  inserts leadroute-insert-trace-off
  stmt "" 0 "RESET leadroute.trace"
  stmt "" 0 "ALTER TABLE leadroute.leads DISABLE TRIGGER USER"
  copy plain-mix mix
  inserts plain-insert
  stmt "" 0 "ALTER TABLE leadroute.leads ENABLE TRIGGER bench_plpgsql_route"
  stmt "" 0 "COPY leadroute.leads ($cols) FROM '$work/warm.tsv'"
  copy plpgsql-late late
  copy plpgsql-mix mix
  inserts plpgsql-insert
  stmt "" 0 "ALTER TABLE leadroute.leads DISABLE TRIGGER USER, ENABLE TRIGGER bench_lean_route"
  stmt "" 0 "COPY leadroute.leads ($cols) FROM '$work/warm.tsv'"
  copy lean-late late
  copy lean-mix mix
  inserts lean-insert
  stmt "" 0 "ALTER TABLE leadroute.leads ENABLE TRIGGER USER, DISABLE TRIGGER bench_plpgsql_route, DISABLE TRIGGER bench_lean_route"
  stmt "" 0 "TRUNCATE leadroute.leads, leadroute.decisions, leadroute.assignments, leadroute.notifications"

  rm -f "$work"/cg.*
  # A dump each time the backend is ready for the next statement: exactly one per statement.
  # (Not pg_parse_query: a SQL-language function, such as the leads.id default, parses its body
  # with it once per statement, which shifted every later statement's dump.)
  as_owner valgrind --tool=callgrind --dump-before=ReadyForQuery \
    --callgrind-out-file="$work/cg.%p" \
    "$PGBIN/postgres" --single -D "$DATADIR" -c shared_preload_libraries= \
    -c synchronous_commit=off -c client_min_messages=warning "$PGDATABASE" \
    <"$work/statements.sql" >"$work/single.log" 2>&1 || { tail -20 "$work/single.log"; exit 1; }
  if grep -q "ERROR" "$work/single.log"; then grep -m5 "ERROR" "$work/single.log" >&2; exit 1; fi
  python3 bench/callgrind_summary.py --labels "$work/labels.txt" --dumps "$work" --rules "$rules" \
    --reps "$reps" --accounts "$accounts" --top "$OUT/top-$rules.txt" >>"$OUT/profile.jsonl"
done
scripts/cluster.sh start bench >/dev/null
python3 bench/callgrind_summary.py --table "$OUT/profile.jsonl" ${PROFILE_MARKDOWN:+--markdown "$PROFILE_MARKDOWN"} |
  tee "$OUT/profile.md"
