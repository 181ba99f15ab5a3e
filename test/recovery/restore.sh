#!/usr/bin/env bash
# pg_dump and restore (issue 8): a database with every kind of configuration and history is
# dumped with pg_dump -Fc and restored into a new database with pg_restore. Checks that every
# table the extension dumps (pg_extension_config_dump) and every sequence comes back identical,
# that edited and deleted shipped defaults stay as the user left them, and that routing goes on
# where it stopped: the same new leads get the same reps in both databases.
# Needs the running test cluster. Prints "ok - ..." / "not ok - ..." lines and "# restore: done".
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${LEADROUTE_TEST_OUT:-build/recovery}
mkdir -p "$out"
export PGOPTIONS="-c client_min_messages=warning"
report() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; [ -n "${3:-}" ] && echo "$3" | sed 's/^/#   /'; fi; }
q() { psql -XAtq -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
for db in lr_dump lr_restored; do
  psql -Xq -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
done

q lr_dump "CREATE EXTENSION leadroute CASCADE" >/dev/null 2>&1
psql -Xq -v ON_ERROR_STOP=1 -d lr_dump -f demo/org.sql -f demo/leads.sql >"$out/restore-fill.log" 2>&1
psql -Xq -v ON_ERROR_STOP=1 -d lr_dump >>"$out/restore-fill.log" 2>&1 <<'SQL'
-- Every kind of user data: working hours, time off, territories, skills, account domains, edited
-- and deleted defaults, freemail changes, settings, a worked history.
UPDATE leadroute.reps SET working_hours = '{"mon":[["09:00","17:00"]],"tue":[["09:00","17:00"]]}', skills = '{lang:en}' WHERE id = 1;
INSERT INTO leadroute.time_off (rep_id, during, backup_id) VALUES (3, tstzrange(now() + interval '1 day', now() + interval '8 days'), 2);
INSERT INTO leadroute.territories (name, priority, condition, rep_id) VALUES ('Texas', 10, $$state = 'TX'$$, 4);
INSERT INTO leadroute.account_domains (account_id, domain) SELECT min(id), 'acme-subsidiary.example' FROM leadroute.accounts;
UPDATE leadroute.sla_policies SET response_minutes = 3 WHERE name = 'Demo requests and pricing pages';
DELETE FROM leadroute.sla_policies WHERE name = 'High-intent content';
INSERT INTO leadroute.sla_policies (name, priority, condition, response_minutes) VALUES ('Partners', 15, $$source = 'partner'$$, 120);
INSERT INTO leadroute.freemail_domains (domain) VALUES ('my-own-mail.example');
DELETE FROM leadroute.freemail_domains WHERE domain = 'gmail.com';
UPDATE leadroute.metric_settings SET value = 'America/New_York' WHERE name = 'reporting_timezone';
UPDATE leadroute.alert_thresholds SET threshold = 0.05 WHERE alert = 'fallback_rate';
DELETE FROM leadroute.alert_thresholds WHERE alert = 'high_intent_assignment_seconds';
SELECT leadroute.record_contact(id) FROM leadroute.leads WHERE status = 'assigned' AND id % 2 = 0;
UPDATE leadroute.leads SET owner_id = 2 WHERE id = 1;
UPDATE leadroute.leads SET status = 'converted' WHERE id = 4;
SQL
q lr_dump "SET leadroute.now = '$(date -u -d '+2 hours' '+%Y-%m-%d %H:%M:%S+00')'; SELECT leadroute.escalate_overdue()" >/dev/null

# The fingerprint of everything the extension dumps: each config table's rows and each sequence.
fingerprint() {
  psql -XAtq -v ON_ERROR_STOP=1 -d "$1" <<'SQL'
DO $$
DECLARE
  t regclass;
  n bigint;
  h text;
BEGIN
  CREATE TEMP TABLE fp (line text);
  FOR t IN SELECT unnest(extconfig::regclass[]) FROM pg_extension WHERE extname = 'leadroute' LOOP
    IF (SELECT relkind FROM pg_class WHERE oid = t) = 'S' THEN
      EXECUTE format('SELECT last_value, md5(last_value::text || is_called::text) FROM %s', t) INTO n, h;
    ELSE
      EXECUTE format('SELECT count(*), md5(coalesce(string_agg(x::text, E''\n'' ORDER BY x::text), '''')) FROM %s x', t) INTO n, h;
    END IF;
    INSERT INTO fp VALUES (format('%s %s %s', t, n, h));
  END LOOP;
  -- The round-robin cursors live in sequences created per pool.
  FOR t IN SELECT c.oid FROM pg_class c WHERE c.relnamespace = 'leadroute'::regnamespace AND c.relname LIKE '\_pool\_turns\_%' LOOP
    EXECUTE format('SELECT last_value, md5(last_value::text || is_called::text) FROM %s', t) INTO n, h;
    INSERT INTO fp VALUES (format('%s %s %s', t, n, h));
  END LOOP;
END $$;
SELECT line FROM fp ORDER BY line;
SQL
}
fingerprint lr_dump >"$out/fingerprint-before.txt"

pg_dump -Fc -d lr_dump -f "$out/lr.dump" 2>"$out/pg_dump.log"
report $? "pg_dump -Fc" "$(cat "$out/pg_dump.log")"
pg_restore --exit-on-error -d lr_restored "$out/lr.dump" >"$out/pg_restore.log" 2>&1
report $? "pg_restore into a new database, without an error" "$(tail -5 "$out/pg_restore.log")"

fingerprint lr_restored >"$out/fingerprint-after.txt"
n=$(wc -l <"$out/fingerprint-before.txt")
diff -u "$out/fingerprint-before.txt" "$out/fingerprint-after.txt" >"$out/fingerprint.diff"
report $? "all $n dumped tables and sequences come back identical (rows, ids, rotation cursors)" "$(head -20 "$out/fingerprint.diff")"
[ "$(q lr_restored "SELECT string_agg(name || ':' || response_minutes, ',' ORDER BY priority) FROM leadroute.sla_policies")" = \
  "$(q lr_dump "SELECT string_agg(name || ':' || response_minutes, ',' ORDER BY priority) FROM leadroute.sla_policies")" ]
report $? "SLA policies: the edited default, the deleted default and the user's own policy are as the user left them"
[ "$(q lr_restored "SELECT count(*) FROM leadroute.freemail_domains WHERE domain IN ('gmail.com', 'my-own-mail.example')")" = 1 ]
report $? "free-mail list: the removed domain stays removed, the added one is there"
[ "$(q lr_restored "SELECT timezone FROM leadroute._metrics_state")" = "America/New_York" ]
report $? "the metric settings survive, and the rollups follow the restored reporting time zone"

# Routing goes on where it stopped: the same new leads get the same reps in both databases.
next_leads="INSERT INTO leadroute.leads (email, country, state, source, employees)
  SELECT 'after' || g || '@restore' || g || '.example', (ARRAY['US', 'GB', 'DE', 'FR'])[1 + g % 4],
         CASE WHEN g % 5 = 0 THEN 'TX' END, (ARRAY['web', 'demo_request', 'webinar'])[1 + g % 3], 50 + 300 * (g % 7)
    FROM generate_series(1, 40) g
  RETURNING coalesce(owner_id::text, queue)"
a=$(q lr_dump "$next_leads" | tr '\n' ' ')
b=$(q lr_restored "$next_leads" | tr '\n' ' ')
[ "$a" = "$b" ] && [ -n "$a" ]
report $? "40 new leads get the same reps and queues in the restored database as in the original" "original: $a
restored: $b"
q lr_restored "SELECT leadroute.refresh_metrics()" >/dev/null 2>&1
report $? "refresh_metrics() rebuilds the rollups after the restore"
inv=$(psql -XAtq -d "lr_restored" -f test/invariant.sql -c "SELECT pg_temp.leadroute_invariant()" 2>&1)
[ "$inv" = ok ]; report $? "the invariant holds in the restored database" "$inv"
for db in lr_dump lr_restored; do psql -Xq -d postgres -c "DROP DATABASE IF EXISTS $db"; done
echo "# restore: done"
