#!/usr/bin/env bash
# Metric views over five years of history (issue 6): seeds LEADS leads (default 1,000,000) with
# their decisions and assignments (bench/metrics_seed.sql), rolls the history up with
# refresh_metrics(), then times every view for the last 90 days and for all history: the median
# of 5 runs each, in milliseconds, as psql's \timing reports them (planning included).
#   bench/metrics.sh          (needs the extension installed: make install)
set -euo pipefail
cd "$(dirname "$0")/.."
export LEADROUTE_PORT=${LEADROUTE_PORT:-55434}
scripts/cluster.sh start bench >/dev/null
export PGHOST=/tmp PGPORT=$LEADROUTE_PORT PGUSER=postgres PGDATABASE=leadroute_bench
export PGOPTIONS="-c client_min_messages=warning"
leads=${LEADS:-1000000}
runs=5
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

psql -Xq -v ON_ERROR_STOP=1 -c "DROP EXTENSION IF EXISTS leadroute CASCADE" -c "CREATE EXTENSION leadroute CASCADE"
start=$(date +%s%N)
psql -Xq -v ON_ERROR_STOP=1 -v leads="$leads" -f bench/metrics_seed.sql
seed_ms=$(ms "$start")
start=$(date +%s%N)
days=$(psql -XAtq -c "SELECT leadroute.refresh_metrics(100000)")
refresh_ms=$(ms "$start")
size=$(psql -XAtq -c "SELECT pg_size_pretty(pg_total_relation_size('leadroute.leads'))")

# Median of $runs timings of one query.
time_query() {
  local sql=$1 i out
  out=$(for i in $(seq "$runs"); do
          psql -XAtq -c '\timing on' -c "$sql" -o /dev/null 2>&1 | grep -oE 'Time: [0-9.]+' | grep -oE '[0-9.]+'
        done | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  echo "$out"
}

echo "Seeded $leads leads (leads table $size) in $((seed_ms / 1000)) s; refresh_metrics() rolled up $days days in $(awk "BEGIN{printf \"%.1f\", $refresh_ms/1000}") s."
echo
echo "| view | last 90 days (ms) | all history (ms) |"
echo "|---|---:|---:|"
for v in speed_to_lead:day speed_to_contact:day fallback_rate:week sla_adherence:week \
         routing_accuracy:week fairness:week conversion: rep_load: rule_hits:; do
  name=${v%%:*} col=${v#*:}
  if [ -n "$col" ]; then
    recent=$(time_query "SELECT * FROM leadroute.metrics_$name WHERE $col >= current_date - 90")
  else
    recent="(no time column)"
  fi
  all=$(time_query "SELECT * FROM leadroute.metrics_$name")
  echo "| metrics_$name | $recent | $all |"
done
echo "| alerts (last 7 days by definition) | | $(time_query "SELECT * FROM leadroute.alerts") |"

# A day of late changes (contacts and conversions of old leads): the touched days are computed
# live until the next refresh.
psql -XAtq -c "UPDATE leadroute.leads SET status = 'converted' WHERE id IN (SELECT id FROM leadroute.leads WHERE status = 'contacted' AND captured_at < now() - interval '10 days' ORDER BY id DESC LIMIT 20)" >/dev/null
stale=$(psql -XAtq -c "SELECT count(DISTINCT day) FROM leadroute._metrics_dirty")
echo "| metrics_speed_to_lead, all history, $stale stale days | | $(time_query "SELECT * FROM leadroute.metrics_speed_to_lead") |"
start=$(date +%s%N)
days=$(psql -XAtq -c "SELECT leadroute.refresh_metrics()")
echo
echo "refresh_metrics() after those changes: $days days in $(ms "$start") ms."
scripts/cluster.sh stop bench >/dev/null
