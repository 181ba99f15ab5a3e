#!/usr/bin/env bash
# make demo: build and install leadroute, start a private PostgreSQL with pg_cron, load a demo
# organization, start leadroute-agent against a local receiver, route a morning of sample leads
# and show who got what, why, the totals and the messages delivered.
#   scripts/demo.sh stop   stops the agent, the receiver and the cluster (make demo-stop)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
mkdir -p "$BUILD_DIR"
export PGOPTIONS="-c client_min_messages=warning"

stop_delivery() {  # the agent and the receiver this script started (pid files)
  for f in "$BUILD_DIR/demo-agent.pid" "$BUILD_DIR/demo-receiver.pid"; do
    if [ -f "$f" ]; then kill "$(cat "$f")" 2>/dev/null || true; fi
    rm -f "$f"
  done
  return 0
}
if [ "${1:-}" = stop ]; then
  stop_delivery
  scripts/cluster.sh stop demo
  exit 0
fi

echo "== Building and installing leadroute =="
if ! make BUILD_DIR="$BUILD_DIR" -j2 >"$BUILD_DIR/demo-build.log" 2>&1 ||
   ! make BUILD_DIR="$BUILD_DIR" install >>"$BUILD_DIR/demo-build.log" 2>&1; then
  tail -30 "$BUILD_DIR/demo-build.log"
  [ "$(id -u)" = 0 ] || echo "Installing the extension needs root: sudo make demo" >&2
  exit 1
fi

echo "== Starting a private PostgreSQL 15 with pg_cron (port ${LEADROUTE_PORT:-55433}) =="
scripts/cluster.sh start demo
eval "$(scripts/cluster.sh env demo)"
# pg_cron first, in the same database, so that CREATE EXTENSION leadroute schedules the
# every-minute SLA escalation job itself.
psql -Xq -v ON_ERROR_STOP=1 -c "DROP EXTENSION IF EXISTS leadroute CASCADE" \
  -c "CREATE EXTENSION IF NOT EXISTS pg_cron" -c "CREATE EXTENSION leadroute CASCADE"

echo "== Loading the demo organization (10 reps, 6 accounts, 3 pools, 9 rules) =="
psql -Xq -v ON_ERROR_STOP=1 -f demo/org.sql

# Delivery: a local receiver (HTTP for Slack and webhooks, an SMTP sink) and leadroute-agent,
# logged in as a role holding only leadroute_agent.
stop_delivery
http_port=$((PGPORT + 2)) smtp_port=$((PGPORT + 3)) metrics_port=$((PGPORT + 4))
received=$BUILD_DIR/demo-received.jsonl
rm -f "$received"
echo "== Starting a local receiver (HTTP $http_port, SMTP $smtp_port) and leadroute-agent =="
/usr/bin/python3 test/agent/receiver.py --http-port "$http_port" --smtp-port "$smtp_port" \
  --log "$received" >"$BUILD_DIR/demo-receiver.log" 2>&1 &
echo $! >"$BUILD_DIR/demo-receiver.pid"
psql -Xq -v ON_ERROR_STOP=1 -v http="http://127.0.0.1:$http_port" -v smtp="smtp://127.0.0.1:$smtp_port" \
  -f demo/agent.sql
agent=$(make -s --no-print-directory print-bindir 2>/dev/null)/leadroute-agent
[ -x "$agent" ] || agent=$BUILD_DIR/leadroute-agent
"$agent" -d "host=$PGHOST port=$PGPORT dbname=$PGDATABASE user=demo_agent" -n demo-agent \
  -l "127.0.0.1:$metrics_port" >/dev/null 2>"$BUILD_DIR/demo-agent.log" &
echo $! >"$BUILD_DIR/demo-agent.pid"

echo "== Routing 32 inbound leads =="
psql -Xq -v ON_ERROR_STOP=1 -f demo/leads.sql
psql -Xq -v ON_ERROR_STOP=1 -f demo/report.sql
psql -Xq -v ON_ERROR_STOP=1 -f demo/sla.sql

echo
echo "== Delivered by leadroute-agent (log: $BUILD_DIR/demo-agent.log) =="
for _ in $(seq 100); do
  [ "$(psql -XAtc "SELECT count(*) FROM leadroute.notifications WHERE delivered_at IS NULL AND dead_at IS NULL")" = 0 ] && break
  sleep 0.1
done
psql -Xq -c "SELECT channel, count(*) AS sent, count(*) FILTER (WHERE delivered_at IS NOT NULL) AS delivered,
                    round(avg(extract(epoch FROM delivered_at - created_at))::numeric * 1000, 1) AS avg_ms_to_ack
               FROM leadroute.notifications GROUP BY channel ORDER BY channel"
/usr/bin/python3 demo/deliveries.py "$received"

cat <<EOT

== Your turn ==
Connect:        psql -h /tmp -p $PGPORT -U postgres $PGDATABASE
Try:            SELECT leadroute.explain(1);
                SELECT * FROM leadroute.assignments WHERE lead_id = 1;
                SELECT * FROM cron.job_run_details ORDER BY start_time DESC LIMIT 3;
                SELECT id, event, channel, recipient, delivered_at FROM leadroute.notifications ORDER BY id DESC LIMIT 5;
                INSERT INTO leadroute.leads (email, country, source) VALUES ('you@newco.com', 'US', 'demo_request') RETURNING owner_id, rule_id;
Agent metrics:  curl -s http://127.0.0.1:$metrics_port/metrics | grep ^leadroute_agent
Stop it:        make demo-stop
EOT
