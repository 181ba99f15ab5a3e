#!/usr/bin/env bash
# make test: build everything, then run every test layer against a throwaway cluster:
#   unit (GoogleTest via ctest), regress (pg_regress), pgtap (pg_prove), roles (real logins),
#   concurrency
#   (isolation specs and multi-session scripts), recovery (upgrade from every release, pg_dump and
#   restore, data-only restore, kill -9 under load), agent (leadroute-agent against a local
#   receiver and SMTP sink), replica (standby, failover), monitoring (prometheus-postgres-exporter),
#   packaging (META.json), demo (make demo end to end), fuzz (libFuzzer, bounded), style
#   (clang-format, the boundary rule).
# Prints a summary per layer and, last, one line "N passed, N failed". Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
LOGS=$BUILD_DIR/test-logs
mkdir -p "$LOGS"
export PGOPTIONS="-c client_min_messages=warning"

total_passed=0
total_failed=0
summary=()
record() {  # layer passed failed
  summary+=("$(printf '%-12s %5d passed, %d failed' "$1" "$2" "$3")")
  total_passed=$((total_passed + $2))
  total_failed=$((total_failed + $3))
}
finish() {
  echo
  echo "== summary =="
  for line in "${summary[@]}"; do echo "$line"; done
  echo "$total_passed passed, $total_failed failed"
  [ "$total_failed" = 0 ]
  exit $?
}
section() { echo; echo "== $1 =="; }

# ---- build ------------------------------------------------------------------------------------
section build
if ! { cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$LOGS/cmake.log" 2>&1 &&
       cmake --build "$BUILD_DIR" -j2 >>"$LOGS/cmake.log" 2>&1; }; then
  tail -40 "$LOGS/cmake.log"
  record build 0 1
  finish
fi
if ! make BUILD_DIR="$BUILD_DIR" -j2 >"$LOGS/make.log" 2>&1; then
  tail -40 "$LOGS/make.log"
  record build 0 1
  finish
fi
if ! make BUILD_DIR="$BUILD_DIR" install >"$LOGS/install.log" 2>&1; then
  tail -20 "$LOGS/install.log"
  [ "$(id -u)" = 0 ] || echo "Installing the extension needs write access to PostgreSQL's directories: run make test as root." >&2
  record build 0 1
  finish
fi
echo "built and installed leadroute $(sed -n "s/^default_version = '\(.*\)'/\1/p" leadroute.control)"

# ---- unit -------------------------------------------------------------------------------------
section "unit (GoogleTest)"
(cd "$BUILD_DIR" && ctest --output-on-failure) >"$LOGS/ctest.log" 2>&1
tail -3 "$LOGS/ctest.log"
line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$LOGS/ctest.log")
if [ -n "$line" ]; then
  unit_failed=$(echo "$line" | sed -E 's/.*, ([0-9]+) tests? failed out of ([0-9]+).*/\1/')
  unit_total=$(echo "$line" | sed -E 's/.*out of ([0-9]+).*/\1/')
  record unit $((unit_total - unit_failed)) "$unit_failed"
  [ "$unit_failed" = 0 ] || grep -E "Failed|\*\*\*" "$LOGS/ctest.log" | head -40
else
  cat "$LOGS/ctest.log" | tail -20
  record unit 0 1
fi

# ---- a throwaway cluster ---------------------------------------------------------------------
section cluster
if ! scripts/cluster.sh start test --fresh >"$LOGS/cluster.log" 2>&1; then
  cat "$LOGS/cluster.log"
  record cluster 0 1
  finish
fi
eval "$(scripts/cluster.sh env test)"
trap 'scripts/cluster.sh stop test' EXIT
echo "PostgreSQL $(psql -XAtc 'SHOW server_version') on port $PGPORT, pg_cron preloaded"

# ---- regress ----------------------------------------------------------------------------------
section "regress (pg_regress)"
make BUILD_DIR="$BUILD_DIR" installcheck >"$LOGS/regress.log" 2>&1
grep -E "^(ok|not ok|test) " "$LOGS/regress.log" | sed 's/^/  /'
if grep -qE "All [0-9]+ tests passed" "$LOGS/regress.log"; then
  n=$(grep -oE "All [0-9]+ tests passed" "$LOGS/regress.log" | grep -oE "[0-9]+")
  record regress "$n" 0
else
  counts=$(grep -oE "[0-9]+ of [0-9]+ tests failed" "$LOGS/regress.log")
  f=$(echo "$counts" | awk '{print $1}')
  t=$(echo "$counts" | awk '{print $3}')
  [ -n "$f" ] || { f=1; t=1; }
  record regress $((t - f)) "$f"
  head -80 "$BUILD_DIR/regress/regression.diffs" 2>/dev/null
fi

# ---- pgTAP ------------------------------------------------------------------------------------
section "pgtap (pg_prove)"
psql -Xq -v ON_ERROR_STOP=1 -d leadroute_test \
  -c "CREATE EXTENSION pg_cron; CREATE EXTENSION leadroute CASCADE; CREATE EXTENSION pgtap; CREATE EXTENSION dblink;" >"$LOGS/pgtap-setup.log" 2>&1 ||
  cat "$LOGS/pgtap-setup.log"
pg_prove -h "$PGHOST" -p "$PGPORT" -U postgres -d leadroute_test test/pgtap/*.sql >"$LOGS/pgtap.log" 2>&1
grep -E "^test/pgtap/" "$LOGS/pgtap.log" | sed 's/^/  /'
tests=$(grep -oE "Files=[0-9]+, Tests=[0-9]+" "$LOGS/pgtap.log" | grep -oE "Tests=[0-9]+" | grep -oE "[0-9]+")
if grep -q "^Result: PASS" "$LOGS/pgtap.log"; then
  record pgtap "${tests:-0}" 0
else
  # Failed assertions, plus assertions that never ran because a file stopped early.
  failed=$(grep -oE "Failed [0-9]+/[0-9]+ subtests" "$LOGS/pgtap.log" | awk -F'[ /]' '{s += $2} END {print s + 0}')
  [ "$failed" -gt 0 ] || failed=1
  record pgtap $(( ${tests:-0} > failed ? ${tests:-0} - failed : 0 )) "$failed"
  grep -E "not ok|Failed test|# +(have|want)|ERROR|Parse errors" "$LOGS/pgtap.log" | head -40
fi

# ---- roles: the real logins ------------------------------------------------------------------
section "roles (a login per role: the matrix of docs/security.md, COPY, RETURNING, ON CONFLICT)"
LEADROUTE_TEST_OUT="$BUILD_DIR/roles" test/roles/run.sh >"$LOGS/roles.log" 2>&1
grep -E "^(ok|not ok) |^#   " "$LOGS/roles.log" | grep -vE "^ok - (admin|ingest|analyst|rep|agent) may" | sed 's/^/  /'
p=$(grep -c "^ok " "$LOGS/roles.log")
f=$(grep -c "^not ok " "$LOGS/roles.log")
echo "  ($(grep -cE '^ok - (admin|ingest|analyst|rep|agent) may' "$LOGS/roles.log") matrix cells passed)"
grep -q "^# roles: done" "$LOGS/roles.log" || { tail -20 "$LOGS/roles.log"; f=$((f + 1)); }
record roles "$p" "$f"

# ---- concurrency ------------------------------------------------------------------------------
section concurrency
LEADROUTE_TEST_OUT="$BUILD_DIR/concurrency" test/concurrency/run.sh >"$LOGS/concurrency.log" 2>&1
grep -E "^(ok|not ok) " "$LOGS/concurrency.log" | sed 's/^/  /'
p=$(grep -c "^ok " "$LOGS/concurrency.log")
f=$(grep -c "^not ok " "$LOGS/concurrency.log")
grep -q "^# concurrency:" "$LOGS/concurrency.log" || { tail -20 "$LOGS/concurrency.log"; f=$((f + 1)); }
record concurrency "$p" "$f"

# ---- recovery ---------------------------------------------------------------------------------
section "recovery (upgrade, pg_dump/restore, data-only restore, crash)"
for script in upgrade restore dataonly crash; do
  LEADROUTE_TEST_OUT="$BUILD_DIR/recovery" test/recovery/$script.sh >"$LOGS/recovery-$script.log" 2>&1
  grep -E "^(ok|not ok) |^#   " "$LOGS/recovery-$script.log" | sed 's/^/  /'
  p=$(grep -c "^ok " "$LOGS/recovery-$script.log")
  f=$(grep -c "^not ok " "$LOGS/recovery-$script.log")
  grep -q "^# $script: done" "$LOGS/recovery-$script.log" || { tail -20 "$LOGS/recovery-$script.log"; f=$((f + 1)); }
  record "$script" "$p" "$f"
done

# ---- agent ----------------------------------------------------------------------------------
section "agent (leadroute-agent, local receiver and SMTP sink)"
LEADROUTE_TEST_OUT="$BUILD_DIR/agent" test/agent/run.sh >"$LOGS/agent.log" 2>&1
grep -E "^(ok|not ok) |^#   " "$LOGS/agent.log" | sed 's/^/  /'
p=$(grep -c "^ok " "$LOGS/agent.log")
f=$(grep -c "^not ok " "$LOGS/agent.log")
grep -q "^# agent: done" "$LOGS/agent.log" || { tail -20 "$LOGS/agent.log"; f=$((f + 1)); }
record agent "$p" "$f"
# ---- replica ----------------------------------------------------------------------------------
# A primary and a streaming standby of their own (ports PGPORT + 8 and + 9, or
# LEADROUTE_REPLICA_PORT and the next), a failover, and the post-promotion checklist.
section "replica (primary + standby, failover)"
LEADROUTE_TEST_OUT="$BUILD_DIR/replica" LEADROUTE_REPLICA_PORT=${LEADROUTE_REPLICA_PORT:-$((PGPORT + 8))} \
  test/replica/run.sh >"$LOGS/replica.log" 2>&1
grep -E "^(ok|not ok) |^#   " "$LOGS/replica.log" | sed 's/^/  /'
p=$(grep -c "^ok " "$LOGS/replica.log")
f=$(grep -c "^not ok " "$LOGS/replica.log")
grep -q "^# replica: done" "$LOGS/replica.log" || { tail -20 "$LOGS/replica.log"; f=$((f + 1)); }
record replica "$p" "$f"

# ---- monitoring ---------------------------------------------------------------------------------
# The real prometheus-postgres-exporter with monitoring/queries.yaml, port PGPORT + 3 (or
# LEADROUTE_EXPORTER_PORT), against the test database (leadroute and pg_cron from the pgTAP setup).
section "monitoring (prometheus-postgres-exporter)"
LEADROUTE_TEST_OUT="$BUILD_DIR/monitoring" PGDATABASE=leadroute_test test/monitoring/exporter.sh >"$LOGS/monitoring.log" 2>&1
grep -E "^(ok|not ok) |^#   " "$LOGS/monitoring.log" | sed 's/^/  /'
p=$(grep -c "^ok " "$LOGS/monitoring.log")
f=$(grep -c "^not ok " "$LOGS/monitoring.log")
grep -q "^# monitoring: done" "$LOGS/monitoring.log" || { tail -20 "$LOGS/monitoring.log"; f=$((f + 1)); }
record monitoring "$p" "$f"

# ---- packaging --------------------------------------------------------------------------------
section "packaging (META.json, make dist)"
python3 test/packaging/meta.py >"$LOGS/packaging.log" 2>&1
grep -E "^(ok|not ok) |^#   " "$LOGS/packaging.log" | sed 's/^/  /'
p=$(grep -c "^ok " "$LOGS/packaging.log")
f=$(grep -c "^not ok " "$LOGS/packaging.log")
grep -q "^# packaging: done" "$LOGS/packaging.log" || { tail -20 "$LOGS/packaging.log"; f=$((f + 1)); }
record packaging "$p" "$f"

# ---- demo -------------------------------------------------------------------------------------
# make demo as a newcomer runs it, on a cluster and ports of its own (PGPORT + 30 to + 34, or
# LEADROUTE_DEMO_PORT), stopped afterwards.
section "demo (make demo, end to end)"
PGPORT=$PGPORT test/demo/run.sh >"$LOGS/demo.log" 2>&1
grep -E "^(ok|not ok) |^#   " "$LOGS/demo.log" | sed 's/^/  /'
p=$(grep -c "^ok " "$LOGS/demo.log")
f=$(grep -c "^not ok " "$LOGS/demo.log")
grep -q "^# demo: done" "$LOGS/demo.log" || { tail -20 "$LOGS/demo.log"; f=$((f + 1)); }
record demo "$p" "$f"

# ---- fuzz -------------------------------------------------------------------------------------
section "fuzz (libFuzzer, 10 s per target)"
scripts/fuzz.sh 10 >"$LOGS/fuzz.log" 2>&1
grep -E "^(ok|not ok) " "$LOGS/fuzz.log" | sed 's/^/  /'
p=$(grep -c "^ok " "$LOGS/fuzz.log")
f=$(grep -c "^not ok " "$LOGS/fuzz.log")
[ $((p + f)) -gt 0 ] || { tail -20 "$LOGS/fuzz.log"; f=1; }
record fuzz "$p" "$f"

# ---- style ------------------------------------------------------------------------------------
section "style (clang-format, the boundary rule)"
if clang-format --dry-run --Werror src/core/*/*.cpp src/core/*/*.h src/pg/*/*.cpp src/pg/*/*.h \
     src/agent/*.cpp src/agent/*.h test/unit/*/*.cpp test/unit/*.h >"$LOGS/format.log" 2>&1; then
  echo "  sources are formatted"
  record style 1 0
else
  head -20 "$LOGS/format.log"
  echo "  run: make format"
  record style 0 1
fi
# The boundary rule (docs/contributing.md, rule 1): no C-style function of src/pg holds an object
# with a destructor across code that can raise.
if python3 scripts/check_boundary.py src/pg >"$LOGS/boundary.log" 2>&1; then
  sed 's/^/  /' "$LOGS/boundary.log"
  record boundary 1 0
else
  sed 's/^/  /' "$LOGS/boundary.log" | head -20
  record boundary 0 1
fi

finish
