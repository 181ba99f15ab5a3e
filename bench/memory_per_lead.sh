#!/usr/bin/env bash
# Transaction memory per lead (issue 13): one COPY of N leads in one transaction, as a CRM import
# would run it, with the defaults (full trace, notifications on), the demo organization, and the
# CRM-style unique index on the email (so the ON CONFLICT check runs too). The backend's memory
# (pg_backend_memory_contexts, every context) is read in the same transaction right after 20,000
# and after N leads; the slope is what each lead holds until commit.
#   bench/memory_per_lead.sh        (needs the extension installed: make install)
set -euo pipefail
cd "$(dirname "$0")/.."
export LEADROUTE_PORT=55434
scripts/cluster.sh start bench >/dev/null
export PGHOST=/tmp PGPORT=55434 PGUSER=postgres PGDATABASE=leadroute_bench
export PGOPTIONS="-c client_min_messages=warning"
n=${LEADS:-200000}
first=20000
psql -Xq -v ON_ERROR_STOP=1 <<'SQL'
DROP EXTENSION IF EXISTS leadroute CASCADE;
CREATE EXTENSION leadroute CASCADE;
\i demo/org.sql
UPDATE leadroute.reps SET max_open_leads = NULL;
CREATE UNIQUE INDEX IF NOT EXISTS leads_email_key ON leadroute.leads (lower(email));
SQL
gen() { awk -v a="$1" -v b="$2" 'BEGIN { for (i = a; i <= b; i++)
  printf "lead%d@company%d.example,Company %d,US,demo_request,%d\n", i, i % 5000, i % 5000, 10 + i % 900 }'; }
out=$( { echo "BEGIN;"
         echo "COPY leadroute.leads (email, company, country, source, employees) FROM STDIN (FORMAT csv);"
         gen 1 "$first"; echo '\.'
         echo "SELECT 'A', sum(total_bytes) FROM pg_backend_memory_contexts;"
         echo "COPY leadroute.leads (email, company, country, source, employees) FROM STDIN (FORMAT csv);"
         gen $((first + 1)) "$n"; echo '\.'
         echo "SELECT 'B', sum(total_bytes) FROM pg_backend_memory_contexts;"
         echo "SELECT 'R', count(*) FROM leadroute.leads WHERE routed_at IS NOT NULL;"
         echo "COMMIT;"; } | psql -XAtq -F ' ' -v ON_ERROR_STOP=1)
a=$(echo "$out" | awk '$1 == "A" {print $2}')
b=$(echo "$out" | awk '$1 == "B" {print $2}')
r=$(echo "$out" | awk '$1 == "R" {print $2}')
echo "leads routed in one transaction: $r"
echo "backend memory after $first leads: $a bytes; after $n: $b bytes"
echo "per lead until commit: $(awk -v a="$a" -v b="$b" -v n="$n" -v f="$first" 'BEGIN { printf "%.1f", (b - a) / (n - f) }') bytes"
