#!/usr/bin/env bash
# Escalation throughput (issue 5): 100,000 overdue leads, escalated in batches of 1,000 (as the
# pg_cron job would call escalate_overdue) and in one call of 100,000. Each lead goes to the next
# member of a pool of 20 reps; decisions, assignments and notifications are written.
#   bench/escalation.sh        (needs the extension installed: make install)
set -euo pipefail
cd "$(dirname "$0")/.."
export LEADROUTE_PORT=55434
scripts/cluster.sh start bench >/dev/null
export PGHOST=/tmp PGPORT=55434 PGUSER=postgres PGDATABASE=leadroute_bench
export PGOPTIONS="-c client_min_messages=warning"
n=${LEADS:-100000}
setup() {
  psql -Xq -v ON_ERROR_STOP=1 -v n="$n" <<'SQL'
DROP EXTENSION IF EXISTS leadroute CASCADE;
CREATE EXTENSION leadroute CASCADE;
INSERT INTO leadroute.reps (id, name, email) VALUES (100, 'Manager', 'manager@corp.example');
INSERT INTO leadroute.reps (id, name, email, manager_id) SELECT g, 'Rep ' || g, 'rep' || g || '@corp.example', 100 FROM generate_series(1, 20) g;
INSERT INTO leadroute.pools (id, name) VALUES (1, 'SDR');
INSERT INTO leadroute.pool_members (pool_id, rep_id) SELECT 1, g FROM generate_series(1, 20) g;
INSERT INTO leadroute.rules (name, priority, condition, action, pool_id) VALUES ('all', 10, 'TRUE', 'pool', 1);
SET synchronous_commit = off;
SET leadroute.trace = 'compact';
INSERT INTO leadroute.leads (email, source) SELECT 'lead' || g || '@corp' || g % 1000 || '.example', 'web' FROM generate_series(1, :n) g;
VACUUM ANALYZE leadroute.leads;
SQL
}
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

echo "| run | leads escalated | seconds | leads/s |"
echo "|---|---:|---:|---:|"
setup
start=$(date +%s%N)
total=0
while :; do
  k=$(psql -XAtq -c "SET leadroute.now = '$(date -u -d '+2 hours' '+%Y-%m-%d %H:%M:%S+00')'" \
        -c "SELECT leadroute.escalate_overdue(1000)" | tail -1)
  total=$((total + k))
  [ "$k" -gt 0 ] || break
done
t=$(ms "$start")
echo "| batches of 1,000 (like the pg_cron job) | $total | $(awk "BEGIN{printf \"%.1f\", $t/1000}") | $(awk "BEGIN{printf \"%.0f\", $total*1000/$t}") |"
setup
start=$(date +%s%N)
k=$(psql -XAtq -c "SET leadroute.now = '$(date -u -d '+2 hours' '+%Y-%m-%d %H:%M:%S+00')'" \
      -c "SELECT leadroute.escalate_overdue($n)" | tail -1)
t=$(ms "$start")
echo "| one call of $n | $k | $(awk "BEGIN{printf \"%.1f\", $t/1000}") | $(awk "BEGIN{printf \"%.0f\", $k*1000/$t}") |"
psql -XAtq -c "SELECT 'check: ' || count(*) FILTER (WHERE escalations = 1) || ' leads escalated once, ' || count(*) FILTER (WHERE escalations > 1) || ' more than once' FROM leadroute.leads"
LEADROUTE_PORT=55434 scripts/cluster.sh stop bench
