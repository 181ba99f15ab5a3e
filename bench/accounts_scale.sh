#!/usr/bin/env bash
# Account matching cost at 1,000 and 1,000,000 accounts (issue 3): the same 50,000 leads routed
# against each account table; a lead is matched by index lookups, so the cost should not grow.
# Lead mix: 30 % from an existing account's domain, 20 % free-mail with a company name, 50 %
# unmatched (every tier is tried: email domain, website, company). Reports the trigger's own time
# (decisions.duration_us) and the wall time of INSERT ... SELECT per lead, best of 3 runs.
#   bench/accounts_scale.sh            (needs the extension installed: make install)
set -euo pipefail
cd "$(dirname "$0")/.."
export LEADROUTE_PORT=55434
scripts/cluster.sh start bench >/dev/null
export PGHOST=/tmp PGPORT=55434 PGUSER=postgres PGDATABASE=leadroute_bench
export PGOPTIONS="-c client_min_messages=warning"
leads=${LEADS:-50000}
psql -Xq -v ON_ERROR_STOP=1 <<'SQL'
DROP EXTENSION IF EXISTS leadroute CASCADE;
CREATE EXTENSION leadroute CASCADE;
INSERT INTO leadroute.reps (id, name, email) SELECT g, 'Rep ' || g, 'rep' || g || '@corp.example' FROM generate_series(1, 50) g;
INSERT INTO leadroute.pools (id, name) VALUES (1, 'SDR');
INSERT INTO leadroute.pool_members (pool_id, rep_id) SELECT 1, g FROM generate_series(1, 50) g;
INSERT INTO leadroute.rules (name, priority, condition, action, pool_id) VALUES
  ('customers', 10, $$account_status = 'customer'$$, 'account_owner', NULL),
  ('known accounts', 20, 'account_id IS NOT NULL', 'account_owner', NULL),
  ('everyone else', 30, 'TRUE', 'pool', 1);
SQL
printf "| accounts | leads | trigger p50 µs | trigger p90 µs | trigger p99 µs | INSERT µs/lead (best of 3) | matched |\n"
printf "|---:|---:|---:|---:|---:|---:|---:|\n"
for accounts in 1000 1000000; do
  psql -Xq -v ON_ERROR_STOP=1 -v n="$accounts" <<'SQL'
TRUNCATE leadroute.account_domains, leadroute.accounts RESTART IDENTITY CASCADE;
INSERT INTO leadroute.accounts (name, domain, owner_id, status)
  SELECT 'Company ' || g || ' Inc', 'company' || g || '.example', 1 + g % 50,
         CASE WHEN g % 3 = 0 THEN 'customer' ELSE 'prospect' END
    FROM generate_series(1, :n) g;
ANALYZE leadroute.accounts;
SQL
  best=""
  for run in 1 2 3; do
    psql -Xq -c "TRUNCATE leadroute.leads, leadroute.decisions, leadroute.assignments"
    start=$(date +%s%N)
    psql -XAtq -v n="$accounts" -v leads="$leads" <<'SQL'
SET synchronous_commit = off;
INSERT INTO leadroute.leads (email, company, country)
  SELECT CASE WHEN g % 10 < 3 THEN 'buyer' || g || '@company' || (1 + g % :n) || '.example'
              WHEN g % 10 < 5 THEN 'someone' || g || '@gmail.com'
              ELSE 'lead' || g || '@unknown' || g || '.example' END,
         CASE WHEN g % 10 BETWEEN 3 AND 4 THEN 'Company ' || (1 + g % :n) ELSE 'Nobody ' || g END,
         'US'
    FROM generate_series(1, :leads) g;
SQL
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    if [ -z "$best" ] || awk "BEGIN{exit !($ms < $best)}"; then best=$ms; fi
  done
  stats=$(psql -XAtq -F ' | ' -c "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_us),
           percentile_disc(0.9) WITHIN GROUP (ORDER BY duration_us),
           percentile_disc(0.99) WITHIN GROUP (ORDER BY duration_us)
      FROM leadroute.decisions")
  matched=$(psql -XAtq -c "SELECT round(100.0 * count(account_id) / count(*)) || ' %' FROM leadroute.leads")
  per_lead=$(awk "BEGIN{printf \"%.1f\", $best * 1000 / $leads}")
  printf "| %s | %s | %s | %s | %s |\n" "$accounts" "$leads" "$stats" "$per_lead" "$matched"
done
LEADROUTE_PORT=55434 scripts/cluster.sh stop bench
