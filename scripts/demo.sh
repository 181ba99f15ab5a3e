#!/usr/bin/env bash
# make demo: build and install leadroute, start a private PostgreSQL with pg_cron, load a demo
# organization, route a morning of sample leads and show who got what, why, and the totals.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
mkdir -p "$BUILD_DIR"
export PGOPTIONS="-c client_min_messages=warning"

echo "== Building and installing leadroute =="
if ! make BUILD_DIR="$BUILD_DIR" -j2 >"$BUILD_DIR/demo-build.log" 2>&1 ||
   ! make BUILD_DIR="$BUILD_DIR" install >>"$BUILD_DIR/demo-build.log" 2>&1; then
  tail -30 "$BUILD_DIR/demo-build.log"
  [ "$(id -u)" = 0 ] || echo "Installing the extension needs root: sudo make demo" >&2
  exit 1
fi

echo "== Starting a private PostgreSQL 15 with pg_cron (port 55433) =="
scripts/cluster.sh start demo
eval "$(scripts/cluster.sh env demo)"
# pg_cron first, in the same database, so that CREATE EXTENSION leadroute schedules the
# every-minute SLA escalation job itself.
psql -Xq -v ON_ERROR_STOP=1 -c "DROP EXTENSION IF EXISTS leadroute CASCADE" \
  -c "CREATE EXTENSION IF NOT EXISTS pg_cron" -c "CREATE EXTENSION leadroute CASCADE"

echo "== Loading the demo organization (10 reps, 6 accounts, 3 pools, 9 rules) =="
psql -Xq -v ON_ERROR_STOP=1 -f demo/org.sql
echo "== Routing 32 inbound leads =="
psql -Xq -v ON_ERROR_STOP=1 -f demo/leads.sql
psql -Xq -v ON_ERROR_STOP=1 -f demo/report.sql
psql -Xq -v ON_ERROR_STOP=1 -f demo/sla.sql

cat <<EOT

== Your turn ==
Connect:        psql -h /tmp -p $PGPORT -U postgres $PGDATABASE
Try:            SELECT leadroute.explain(1);
                SELECT * FROM leadroute.assignments WHERE lead_id = 1;
                SELECT * FROM cron.job_run_details ORDER BY start_time DESC LIMIT 3;
                INSERT INTO leadroute.leads (email, country, source) VALUES ('you@newco.com', 'US', 'demo_request') RETURNING owner_id, rule_id;
Stop it:        make demo-stop
EOT
