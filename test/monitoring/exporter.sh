#!/usr/bin/env bash
# Monitoring (issue 19): Debian's prometheus-postgres-exporter with monitoring/queries.yaml against
# the test cluster, connected as a login holding only leadroute_analyst; reads its /metrics and
# checks the leadroute metrics against what SQL says. Needs the running test cluster with
# leadroute and pg_cron in PGDATABASE (the pgTAP layer installs them). Exporter port:
# LEADROUTE_EXPORTER_PORT (default PGPORT + 3). Prints "ok - ..." / "not ok - ..." and
# "# monitoring: done".
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${LEADROUTE_TEST_OUT:-build/monitoring}
mkdir -p "$out"
port=${LEADROUTE_EXPORTER_PORT:-$(( ${PGPORT:-55432} + 3 ))}
db=${PGDATABASE:-leadroute_test}
export PGOPTIONS="-c client_min_messages=warning"
report() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; [ -n "${3:-}" ] && echo "$3" | sed 's/^/#   /'; fi; }
q() { psql -XAtq -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
exporter=$(command -v prometheus-postgres-exporter || echo /usr/bin/prometheus-postgres-exporter)
[ -x "$exporter" ]; report $? "prometheus-postgres-exporter is installed ($("$exporter" --version 2>&1 | head -1))"

q "DROP ROLE IF EXISTS lr_exporter; CREATE ROLE lr_exporter LOGIN IN ROLE leadroute_analyst" >/dev/null
q "SELECT leadroute.schedule_jobs()" >/dev/null
# A few leads, so that the queues and the last hour have something in them.
q "INSERT INTO leadroute.leads (email, source) SELECT 'exporter' || g || '@monitoring' || g || '.example', 'web' FROM generate_series(1, 3) g" >/dev/null

DATA_SOURCE_NAME="host=${PGHOST:-/tmp} port=${PGPORT:-55432} user=lr_exporter dbname=$db sslmode=disable" \
  "$exporter" --web.listen-address="127.0.0.1:$port" --extend.query-path=monitoring/queries.yaml \
  --disable-default-metrics --disable-settings-metrics >"$out/exporter.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
metrics=""
for _ in $(seq 1 50); do
  metrics=$(curl -sf "http://127.0.0.1:$port/metrics" 2>/dev/null) && echo "$metrics" | grep -q '^leadroute_' && break
  sleep 0.2
done
echo "$metrics" >"$out/metrics.txt"
# The value of a series without labels of its own (the exporter adds server="...").
metric() { echo "$metrics" | awk -v m="$1" '$1 == m || index($1, m "{server=") == 1 { print $2 }' | head -1; }

echo "$metrics" | grep -q '^leadroute_routing_leads_total' && ! grep -qi "error" "$out/exporter.log"
report $? "the exporter serves leadroute metrics on /metrics, without a query error" "$(grep -i error "$out/exporter.log" | head -3)"
num_eq() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 == b + 0) }'; }

want=$(q "SELECT leads_total FROM leadroute.routing_stats()")
num_eq "$(metric leadroute_routing_leads_total)" "$want"
report $? "leadroute_routing_leads_total = $want, as SQL says" "got $(metric leadroute_routing_leads_total)"
want=$(q "SELECT leads_last_hour FROM leadroute.routing_stats()")
num_eq "$(metric leadroute_routing_leads_last_hour)" "$want" && [ "$want" -ge 3 ]
report $? "leadroute_routing_leads_last_hour = $want (the leads just inserted included)"

bad=""
while IFS='|' read -r queue leads; do
  [ -z "$queue" ] && continue
  got=$(echo "$metrics" | grep "^leadroute_queue_leads{" | grep "queue=\"$queue\"" | awk '{print $2}' | head -1)
  num_eq "$got" "$leads" || bad="$bad $queue: want $leads got $got;"
done < <(q "SELECT queue, leads FROM leadroute.queue_depths()")
queues=$(q "SELECT count(*) FROM leadroute.queue_depths()")
[ -z "$bad" ] && [ "$(echo "$metrics" | grep -c '^leadroute_queue_leads{')" = "$queues" ]
report $? "leadroute_queue_leads: one series per queue ($queues), each equal to queue_depths()" "$bad"

got=$(echo "$metrics" | grep '^leadroute_alert_threshold{' | grep 'alert="fallback_rate"' | awk '{print $2}')
num_eq "$got" "$(q "SELECT threshold FROM leadroute.alert_thresholds WHERE alert = 'fallback_rate'")"
report $? "leadroute_alert_threshold{alert=\"fallback_rate\"} is the threshold of leadroute.alerts ($got)"
[ "$(echo "$metrics" | grep -c '^leadroute_alert_firing{')" = "$(q "SELECT count(*) FROM leadroute.alerts")" ]
report $? "one leadroute_alert_firing series per row of leadroute.alerts"

got=$(echo "$metrics" | grep '^leadroute_job_scheduled{' | grep 'job="leadroute-sla"' | awk '{print $2}')
got_here=$(echo "$metrics" | grep '^leadroute_job_points_here{' | grep 'job="leadroute-sla"' | awk '{print $2}')
num_eq "$got" 1 && num_eq "$got_here" 1
report $? "leadroute_job_scheduled and leadroute_job_points_here are 1 for leadroute-sla" "scheduled=$got points_here=$got_here"
q "UPDATE cron.job SET nodeport = 1 WHERE jobname = 'leadroute-sla' AND database = current_database()" >/dev/null
got_here=$(curl -sf "http://127.0.0.1:$port/metrics" | grep '^leadroute_job_points_here{' | grep 'job="leadroute-sla"' | awk '{print $2}')
q "SELECT leadroute.schedule_jobs()" >/dev/null
num_eq "$got_here" 0
report $? "a job pointing at another port shows as leadroute_job_points_here 0 (alert LeadrouteEscalationNotRunning)" "points_here=$got_here"

python3 - <<'PY' >"$out/alerts-check.txt" 2>&1
import re, sys
text = open("monitoring/alerts.yaml").read()
queries = open("monitoring/queries.yaml").read()
# Every metric an alert rule uses is one queries.yaml defines (namespace_column).
defined = set()
for ns, body in re.findall(r"^(leadroute_\w+):\n((?:[ ].*\n|\n)+)", queries, re.M):
    for col in re.findall(r"^    - (\w+):", body, re.M):
        defined.add(ns + "_" + col)
used = set(re.findall(r"\b(leadroute_[a-z_]+)\b", " ".join(re.findall(r"expr: (.*)", text))))
missing = sorted(used - defined)
print("missing:", missing)
sys.exit(1 if missing or not used else 0)
PY
report $? "every metric the alert rules (monitoring/alerts.yaml) use is one the queries file defines" "$(cat "$out/alerts-check.txt")"
inv=$(psql -XAtq -d "$db" -f test/invariant.sql -c "SELECT pg_temp.leadroute_invariant()" 2>&1)
[ "$inv" = ok ]; report $? "the invariant holds after the monitoring layer" "$inv"
echo "# monitoring: done"
