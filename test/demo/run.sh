#!/usr/bin/env bash
# make demo, end to end, as a newcomer runs it: on a cluster of its own (LEADROUTE_DEMO_PORT, by
# default PGPORT + 30; the demo's receiver, SMTP sink and agent metrics take the next four ports),
# then stopped again. Prints TAP-like lines; "# demo: done" at the end.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
export LEADROUTE_PORT=${LEADROUTE_DEMO_PORT:-$((${PGPORT:-55432} + 30))}
export LEADROUTE_DATADIR=${LEADROUTE_DEMO_DATADIR:-$BUILD_DIR/demo-test-cluster}
unset PGHOST PGPORT PGDATABASE PGUSER
log=$BUILD_DIR/demo-test.log
check() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; fi; }

# A throwaway cluster: one left by an earlier run (perhaps on another port) is removed first.
scripts/cluster.sh stop demo >/dev/null 2>&1
rm -rf "$LEADROUTE_DATADIR"
scripts/demo.sh >"$log" 2>&1
rc=$?
check $rc "make demo exits 0 (port $LEADROUTE_PORT)"
[ $rc = 0 ] || tail -15 "$log" | sed 's/^/#   /'
errors=$(grep -cE "^(psql:[^ ]* )?(ERROR|FATAL|PANIC):" "$log")
check $((errors > 0)) "the demo printed no ERROR ($errors)"
[ "$errors" = 0 ] || grep -m5 -E "(ERROR|FATAL|PANIC):" "$log" | sed 's/^/#   /'
grep -q "== Your turn ==" "$log"
check $? "it ran to its last section"
# Who got what and why, the metrics, and the delivered notifications are what it promises.
grep -qE "picked|by rule" "$log"
check $? "it shows who got which lead and why"
grep -q "== Fallback rate" "$log" && grep -q "== Leads per rep and queue" "$log"
check $? "it shows the metrics"
grep -qE "^-- (webhook|slack|email)" "$log"
check $? "it shows notifications the agent delivered"
scripts/demo.sh stop >>"$log" 2>&1
check $? "make demo-stop stops it"
echo "# demo: done"
