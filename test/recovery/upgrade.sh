#!/usr/bin/env bash
# Upgrades (issue 8): every released install script is kept (src/sql/released/); the test installs
# the first release, fills it with a routed, worked organization, walks ALTER EXTENSION UPDATE to
# the current version, and checks that (1) the data survived, (2) routing, explain, escalation
# and the metric views work, and (3) the updated schema is exactly a fresh install's
# (test/recovery/schema.sql on both). Needs the running test cluster (PGHOST/PGPORT/PGUSER).
# Prints "ok - ..." / "not ok - ..." lines and "# upgrade: done".
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${LEADROUTE_TEST_OUT:-build/recovery}
mkdir -p "$out"
export PGOPTIONS="-c client_min_messages=warning"
report() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; [ -n "${3:-}" ] && echo "$3" | sed 's/^/#   /'; fi; }
q() { psql -XAtq -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

first=$(ls src/sql/released/ | sed -n 's/^leadroute--\([0-9.]*\)\.sql$/\1/p' | sort -V | head -1)
current=$(sed -n "s/^default_version = '\(.*\)'/\1/p" leadroute.control)
for db in lr_upgrade lr_fresh; do
  psql -Xq -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
done

# The first release, with an organization that routed and worked leads.
q lr_upgrade "CREATE EXTENSION leadroute VERSION '$first' CASCADE" >/dev/null 2>&1
[ "$(q lr_upgrade "SELECT extversion FROM pg_extension WHERE extname = 'leadroute'")" = "$first" ]
report $? "CREATE EXTENSION leadroute VERSION '$first' (the first release)"
# The library installed is the current one: this is also a package upgrade before anyone has run
# ALTER EXTENSION, which must keep routing every lead on the old schema.
psql -Xq -v ON_ERROR_STOP=1 -d lr_upgrade -f demo/org.sql -f demo/leads.sql >"$out/upgrade-fill.log" 2>&1 &&
  [ "$(q lr_upgrade "SELECT count(*) FILTER (WHERE owner_id IS NOT NULL) > 0 AND count(*) FILTER (WHERE queue = 'routing_error') = 0 FROM leadroute.leads")" = t ]
report $? "the current library routes the demo leads on the $first schema (before ALTER EXTENSION UPDATE)" "$(tail -5 "$out/upgrade-fill.log")"
q lr_upgrade "SELECT leadroute.record_contact(id) FROM leadroute.leads WHERE status = 'assigned' AND id % 3 = 0" >/dev/null
q lr_upgrade "UPDATE leadroute.leads SET owner_id = 2 WHERE id = 1" >/dev/null
q lr_upgrade "SET leadroute.now = '$(date -u -d '+2 hours' '+%Y-%m-%d %H:%M:%S+00')'; SELECT leadroute.escalate_overdue()" >/dev/null
q lr_upgrade "SELECT leadroute.refresh_metrics()" >/dev/null
counts="SELECT (SELECT count(*) FROM leadroute.leads) || '/' || (SELECT count(*) FROM leadroute.decisions) || '/' ||
               (SELECT count(*) FROM leadroute.assignments) || '/' || (SELECT count(*) FROM leadroute.notifications) || '/' ||
               (SELECT count(*) FROM leadroute.reps) || '/' || (SELECT count(*) FROM leadroute.rules) || '/' ||
               (SELECT count(*) FROM leadroute.accounts) || '/' || (SELECT md5(string_agg(l::text, ',' ORDER BY id)) FROM leadroute.leads l)"
before=$(q lr_upgrade "$counts")
turns_before=$(q lr_upgrade "SELECT string_agg(sequencename || '=' || coalesce(last_value, 0), ',' ORDER BY sequencename) FROM pg_sequences WHERE sequencename ~ '^_pool_turns_[0-9]+\$'")

# Walk every update step to the current version.
update_log=$(q lr_upgrade "ALTER EXTENSION leadroute UPDATE" 2>&1)
version=$(q lr_upgrade "SELECT extversion FROM pg_extension WHERE extname = 'leadroute'")
[ "$version" = "$current" ]; report $? "ALTER EXTENSION leadroute UPDATE: $first -> $version" "$update_log"
[ "$(q lr_upgrade "$counts")" = "$before" ]
report $? "leads (byte for byte), decisions, assignments, notifications and configuration survived"
[ "$(q lr_upgrade "SELECT string_agg(sequencename || '=' || coalesce(last_value, 0), ',' ORDER BY sequencename) FROM pg_sequences WHERE sequencename ~ '^_pool_turns_[0-9]+\$'")" = "$turns_before" ]
report $? "round-robin positions survived"
[ "$(q lr_upgrade "SELECT pg_get_serial_sequence('leadroute.pools', 'id')")" = leadroute.pools_id_seq ] &&
  [ "$(q lr_upgrade "SELECT count(*) FROM pg_depend WHERE refobjid = 'leadroute.pools'::regclass AND classid = 'pg_class'::regclass
                       AND deptype = 'a' AND objid::regclass::text LIKE 'leadroute._pool_turns_%'")" = 0 ]
report $? "the rotation counters are no longer owned by pools.id (pg_get_serial_sequence names pools_id_seq)"

# Behaviour after the update.
lead=$(q lr_upgrade "INSERT INTO leadroute.leads (email, country, source, employees) VALUES ('after@update.example', 'US', 'demo_request', 50) RETURNING owner_id IS NOT NULL AND rule_id IS NOT NULL")
[ "$lead" = t ]; report $? "a lead inserted after the update is routed to a rep by a rule"
q lr_upgrade "SELECT leadroute.explain(max(id)) FROM leadroute.leads" | grep -q "Rules tried"
report $? "explain() works on it"
q lr_upgrade "SELECT leadroute.explain(3)" | grep -q "Lead 3"
report $? "explain() works on a lead routed before the update"
n=$(q lr_upgrade "SELECT count(*) FROM leadroute.metrics_speed_to_lead")
[ "${n:-0}" -gt 0 ]; report $? "metric views answer after the update ($n rows)"

# The updated schema is a fresh install's.
q lr_fresh "CREATE EXTENSION leadroute CASCADE" >/dev/null 2>&1
psql -XAtq -d lr_upgrade -f test/recovery/schema.sql >"$out/schema-updated.txt" 2>&1
psql -XAtq -d lr_fresh -f test/recovery/schema.sql >"$out/schema-fresh.txt" 2>&1
lines=$(wc -l <"$out/schema-fresh.txt")
diff -u "$out/schema-fresh.txt" "$out/schema-updated.txt" >"$out/schema.diff"
report $? "the updated schema equals a fresh install of $current ($lines facts compared)" "$(head -30 "$out/schema.diff")"
inv=$(psql -XAtq -d "lr_upgrade" -f test/invariant.sql -c "SELECT pg_temp.leadroute_invariant()" 2>&1)
[ "$inv" = ok ]; report $? "the invariant holds after the update" "$inv"
for db in lr_upgrade lr_fresh; do psql -Xq -d postgres -c "DROP DATABASE IF EXISTS $db"; done
echo "# upgrade: done"
