#!/usr/bin/env bash
# History size per million leads and the metric views over five years, before and after a
# retention purge (issue 19). Seeds LEADS leads (default 1,000,000) over five years with
# bench/metrics_seed.sql, gives every decision a real trace (sampled from leads routed by the
# engine with the demo organization, leadroute.trace = TRACE, default full) and every assigned lead
# a delivered notification with a real payload, then measures table + index + TOAST size per
# table, times every metric view over all history (median of 5, psql \timing), runs
# purge_history() with the shipped retentions (traces 400 days, delivered notifications 90 days),
# VACUUM FULLs the history tables and measures again.
#   bench/retention.sh        (needs the extension installed: make install)
set -euo pipefail
cd "$(dirname "$0")/.."
export LEADROUTE_PORT=${LEADROUTE_PORT:-55434}
scripts/cluster.sh start bench >/dev/null
export PGHOST=/tmp PGPORT=$LEADROUTE_PORT PGUSER=postgres PGDATABASE=leadroute_bench
export PGOPTIONS="-c client_min_messages=warning"
leads=${LEADS:-1000000}
trace=${TRACE:-full}
runs=5
q() { psql -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

psql -Xq -v ON_ERROR_STOP=1 -c "DROP EXTENSION IF EXISTS leadroute CASCADE" -c "CREATE EXTENSION leadroute CASCADE"
# Real traces and payloads: route 2,000 leads of the demo organization, keep what the engine wrote.
psql -Xq -v ON_ERROR_STOP=1 -f demo/org.sql >/dev/null
psql -Xq -v ON_ERROR_STOP=1 -c "SET leadroute.trace = $trace" -c "
  INSERT INTO leadroute.leads (email, company, country, employees, source)
  SELECT 'sample' || g || '@company' || g || '.example', 'Company ' || g, (ARRAY['US','DE','GB','FR','JP'])[1 + g % 5],
         10 + (g * 37) % 3000, (ARRAY['demo_request','webinar','content','partner','pricing_page'])[1 + g % 5]
    FROM generate_series(1, 2000) g"
q "CREATE TABLE public.sample_traces AS SELECT row_number() OVER (ORDER BY id) AS n, trace FROM leadroute.decisions WHERE trace IS NOT NULL"
q "CREATE TABLE public.sample_payloads AS SELECT row_number() OVER (ORDER BY id) AS n, channel, recipient, payload FROM leadroute.notifications"
samples=$(q "SELECT count(*) FROM public.sample_traces")
payloads=$(q "SELECT count(*) FROM public.sample_payloads")
psql -Xq -v ON_ERROR_STOP=1 -c "DROP EXTENSION leadroute CASCADE" -c "CREATE EXTENSION leadroute CASCADE"

start=$(date +%s)
psql -Xq -v ON_ERROR_STOP=1 -v leads="$leads" -f bench/metrics_seed.sql
psql -Xq -v ON_ERROR_STOP=1 <<SQL
SET session_replication_role = replica;
UPDATE leadroute.decisions d SET trace = s.trace FROM public.sample_traces s WHERE s.n = 1 + d.id % $samples;
INSERT INTO leadroute.notifications (created_at, event, lead_id, rep_id, channel, recipient, payload, delivered_at, attempts)
SELECT l.routed_at, 'assigned', l.id, l.owner_id, p.channel, p.recipient, p.payload, l.routed_at + interval '2 seconds', 1
  FROM leadroute.leads l JOIN public.sample_payloads p ON p.n = 1 + l.id % $payloads
 WHERE l.owner_id IS NOT NULL;
RESET session_replication_role;
VACUUM FULL leadroute.decisions;
VACUUM FULL leadroute.notifications;
ANALYZE;
SQL
q "SELECT leadroute.refresh_metrics(100000)" >/dev/null
seed_s=$(( $(date +%s) - start ))

sizes() {
  psql -XAtq -F ' | ' -c "
    SELECT t, pg_size_pretty(pg_table_size(('leadroute.' || t)::regclass)),
           pg_size_pretty(pg_indexes_size(('leadroute.' || t)::regclass)),
           pg_size_pretty(pg_total_relation_size(('leadroute.' || t)::regclass) * 1000000 / $leads),
           round(pg_total_relation_size(('leadroute.' || t)::regclass)::numeric / $leads)
      FROM unnest(ARRAY['leads', 'decisions', 'assignments', 'notifications', 'config_history']) t" |
    sed 's/^/| /; s/$/ |/'
  echo "| all five | | | $(q "SELECT pg_size_pretty(sum(pg_total_relation_size(('leadroute.' || t)::regclass)) * 1000000 / $leads) FROM unnest(ARRAY['leads', 'decisions', 'assignments', 'notifications', 'config_history']) t") | |"
}
time_query() {
  local sql=$1 i
  for i in $(seq "$runs"); do
    psql -XAtq -c '\timing on' -c "$sql" -o /dev/null 2>&1 | grep -oE 'Time: [0-9.]+' | grep -oE '[0-9.]+'
  done | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}
views() {
  for v in speed_to_lead speed_to_contact fallback_rate sla_adherence routing_accuracy fairness conversion; do
    echo "metrics_$v $(time_query "SELECT * FROM leadroute.metrics_$v")"
  done
  echo "alerts $(time_query "SELECT * FROM leadroute.alerts")"
}
fingerprint() {
  q "SELECT md5(string_agg(x, ';' ORDER BY x)) FROM (
       SELECT (SELECT string_agg(v::text, ',' ORDER BY v::text) FROM leadroute.metrics_speed_to_lead v) AS x
       UNION ALL SELECT (SELECT string_agg(v::text, ',' ORDER BY v::text) FROM leadroute.metrics_sla_adherence v)
       UNION ALL SELECT (SELECT string_agg(v::text, ',' ORDER BY v::text) FROM leadroute.metrics_fairness v)
       UNION ALL SELECT (SELECT string_agg(v::text, ',' ORDER BY v::text) FROM leadroute.metrics_conversion v)) s"
}

echo "Seeded $leads leads over five years (trace = $trace, $samples sampled traces, $payloads sampled payloads) in $seed_s s."
echo
echo "Before the purge (sizes scaled to one million leads):"
echo
echo "| table | table + TOAST | indexes | total per million leads | bytes per lead |"
echo "|---|---:|---:|---:|---:|"
sizes
before_views=$(views)
before_fp=$(fingerprint)

start=$(date +%s%N)
purged=$(psql -XAtq -F '=' -c "SELECT data, purged FROM leadroute.purge_history(10000000)" | tr '\n' ' ')
purge_ms=$(( ($(date +%s%N) - start) / 1000000 ))
start=$(date +%s)
q "VACUUM FULL leadroute.decisions" && q "VACUUM FULL leadroute.notifications" && q "ANALYZE"
vacuum_s=$(( $(date +%s) - start ))
echo
echo "purge_history() with the shipped retentions: $purged in $purge_ms ms; VACUUM FULL of the two tables $vacuum_s s."
echo
echo "After the purge:"
echo
echo "| table | table + TOAST | indexes | total per million leads | bytes per lead |"
echo "|---|---:|---:|---:|---:|"
sizes
after_views=$(views)
after_fp=$(fingerprint)
echo
echo "Metric views over all five years (ms, median of $runs; rollups refreshed):"
echo
echo "| view | before the purge | after |"
echo "|---|---:|---:|"
paste -d ' ' <(echo "$before_views") <(echo "$after_views" | awk '{print $2}') | awk '{printf "| %s | %s | %s |\n", $1, $2, $3}'
echo
[ "$before_fp" = "$after_fp" ] && echo "The metric views return the same rows before and after the purge (md5 $before_fp)." ||
  echo "WARNING: the metric views changed: $before_fp -> $after_fp"
q "DROP TABLE public.sample_traces, public.sample_payloads"
