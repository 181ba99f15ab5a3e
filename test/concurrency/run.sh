#!/usr/bin/env bash
# The concurrency layer: isolation specs (pg_isolation_regress) and multi-session scripts against
# the running test cluster (PGHOST/PGPORT/PGUSER in the environment). Prints one TAP-like line per
# test ("ok - ..." / "not ok - ...") and exits non-zero when any failed.
set -uo pipefail
export PGOPTIONS="-c client_min_messages=warning"
here=$(cd "$(dirname "$0")" && pwd)
out=${LEADROUTE_TEST_OUT:-$here/../../build/concurrency}
mkdir -p "$out"
PGXS_DIR=$(dirname "$(/usr/lib/postgresql/15/bin/pg_config --pgxs)")/..
ISOLATION=$PGXS_DIR/test/isolation/pg_isolation_regress
PGBENCH=/usr/lib/postgresql/15/bin/pgbench
passed=0
failed=0
report() {  # status name [detail]
  if [ "$1" = 0 ]; then
    echo "ok - $2"
    passed=$((passed + 1))
  else
    echo "not ok - $2${3:+: $3}"
    failed=$((failed + 1))
  fi
}
q() { psql -X -v ON_ERROR_STOP=1 -qAt -d "$db" -c "$1"; }

# 1. Isolation specs: a blocked step would show as <waiting ...> and differ from the expected output.
specs=$(cd "$here/specs" && ls *.spec | sed 's/\.spec$//')
"$ISOLATION" --inputdir="$here" --outputdir="$out/isolation" --load-extension=pg_trgm --load-extension=leadroute \
  --dbname=leadroute_isolation $specs >"$out/isolation.log" 2>&1
for s in $specs; do
  line=$(grep -E "^(test|ok|not ok)? *[0-9]* *[-+]? *$s " "$out/isolation.log" | head -1)
  if echo "$line" | grep -qE "\.\.\. ok|^ok"; then report 0 "isolation: $s"
  else report 1 "isolation: $s" "see $out/isolation/regression.diffs"; fi
done

# 2. Two sessions x 300 concurrent single-row inserts into a pool of 3: exactly 200 each, and no
#    turn of the rotation drawn twice.
db=leadroute_concurrency
psql -X -qd postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
q "CREATE EXTENSION leadroute CASCADE"
q "INSERT INTO leadroute.reps (id, name, email) VALUES (1,'A','a@t.io'),(2,'B','b@t.io'),(3,'C','c@t.io');
   INSERT INTO leadroute.pools (id, name) VALUES (1, 'P');
   INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (1,1),(1,2),(1,3);
   INSERT INTO leadroute.rules (name, priority, condition, action, pool_id) VALUES ('all', 10, 'TRUE', 'pool', 1);"
"$PGBENCH" -n -c 2 -j 2 -t 300 -f "$here/insert_lead.pgbench" "$db" >"$out/pgbench.log" 2>&1
split=$(q "SELECT string_agg(n::text, '/' ORDER BY owner_id) FROM (SELECT owner_id, count(*) n FROM leadroute.leads GROUP BY 1) s")
[ "$split" = "200/200/200" ]; report $? "2 sessions x 300 inserts into 3 equal reps split 200/200/200" "got $split"
tickets=$(q "SELECT count(DISTINCT jsonb_path_query_first(trace, '\$.rules[*].steps[*].candidates[*] ? (@.pick == true).ticket'))
             FROM leadroute.decisions")
[ "$tickets" = 600 ]; report $? "600 leads drew 600 distinct turns" "got $tickets"
records=$(q "SELECT (SELECT count(*) FROM leadroute.decisions) || '/' || (SELECT count(*) FROM leadroute.assignments)")
[ "$records" = "600/600" ]; report $? "every concurrent lead has its decision and assignment" "got $records"

# 3. Caps under concurrency: 4 sessions insert 52 leads into a pool of 3 reps capped at 10 open
#    leads each: nobody above 10, exactly 30 assigned, the rest in the default queue.
q "TRUNCATE leadroute.leads, leadroute.decisions, leadroute.assignments, leadroute.pools, leadroute.reps RESTART IDENTITY CASCADE;
   INSERT INTO leadroute.reps (id, name, email, max_open_leads) VALUES (1,'A','a@t.io',10),(2,'B','b@t.io',10),(3,'C','c@t.io',10);
   INSERT INTO leadroute.pools (id, name) VALUES (1, 'P');
   INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (1,1),(1,2),(1,3);
   INSERT INTO leadroute.rules (name, priority, condition, action, pool_id) VALUES ('all', 10, 'TRUE', 'pool', 1);"
"$PGBENCH" -n -c 4 -j 2 -t 13 -f "$here/insert_lead.pgbench" "$db" >"$out/pgbench-caps.log" 2>&1
most=$(q "SELECT coalesce(max(n), 0) FROM (SELECT count(*) n FROM leadroute.leads WHERE owner_id IS NOT NULL GROUP BY owner_id) s")
[ "$most" -le 10 ]; report $? "4 sessions x 13 leads into 3 reps capped at 10: nobody above the cap" "most $most"
split=$(q "SELECT count(*) FILTER (WHERE status = 'assigned') || '/' || count(*) FILTER (WHERE queue = 'unrouted') FROM leadroute.leads")
[ "$split" = "30/22" ]; report $? "exactly 30 leads assigned and 22 in the default queue" "got $split"

# 4. Escalation while leads are inserted and contacted in other sessions: afterwards every lead
#    has exactly one owner or queue, and the history agrees with every lead.
q "TRUNCATE leadroute.leads, leadroute.decisions, leadroute.assignments, leadroute.pools, leadroute.reps RESTART IDENTITY CASCADE;
   INSERT INTO leadroute.reps (id, name, email) VALUES (9, 'Boss', 'boss@t.io');
   INSERT INTO leadroute.reps (id, name, email, manager_id) VALUES (1,'A','a@t.io',9),(2,'B','b@t.io',9),(3,'C','c@t.io',9);
   INSERT INTO leadroute.pools (id, name) VALUES (1, 'P');
   INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (1,1),(1,2),(1,3);
   INSERT INTO leadroute.rules (name, priority, condition, action, pool_id) VALUES ('all', 10, 'TRUE', 'pool', 1);"
"$PGBENCH" -n -c 4 -j 2 -T 8 -f "$here/insert_lead.pgbench@5" -f "$here/contact_lead.pgbench@2" \
  -f "$here/escalate.pgbench@1" "$db" >"$out/pgbench-escalation.log" 2>&1
report $? "pgbench: inserts, contacts and escalations for 8 s, no error" "$(tail -3 "$out/pgbench-escalation.log" | tr '\n' ' ')"
bad=$(q "SELECT count(*) FROM leadroute.leads WHERE (owner_id IS NULL) = (queue IS NULL) AND status IN ('assigned', 'queued')")
[ "$bad" = 0 ]; report $? "every assigned or queued lead has exactly one of owner and queue" "$bad leads do not"
bad=$(q "SELECT count(*) FROM leadroute.leads l WHERE l.escalations <>
           (SELECT count(*) FROM leadroute.assignments a WHERE a.lead_id = l.id AND a.reason = 'escalated')")
[ "$bad" = 0 ]; report $? "each escalation is in the history exactly once (never twice for one breach)" "$bad leads disagree"
bad=$(q "SELECT count(*) FROM leadroute.leads l WHERE l.owner_id IS DISTINCT FROM
           (SELECT a.rep_id FROM leadroute.assignments a WHERE a.lead_id = l.id ORDER BY a.id DESC LIMIT 1)")
[ "$bad" = 0 ]; report $? "every lead's owner is its latest assignment's rep" "$bad leads disagree"
escalated=$(q "SELECT count(*) FROM leadroute.leads WHERE escalations > 0")
[ "$escalated" -gt 0 ]; report $? "some leads were escalated during the run" "$escalated escalated"

# 5. pg_notify wakes listeners at commit (a constant payload: they read the outbox), never for a
#    rolled-back lead.
( psql -X -d "$db" -c "LISTEN leadroute" -c "SELECT pg_sleep(2)" -c "SELECT 1" >"$out/listen.log" 2>&1 ) &
listener=$!
sleep 0.5
q "BEGIN; INSERT INTO leadroute.leads (email) VALUES ('rolled-back@x.com'); ROLLBACK;"
q "INSERT INTO leadroute.leads (email) SELECT 'committed' || g || '@x.com' FROM generate_series(1, 50) g" >/dev/null
wait $listener
grep -q 'payload "{\"event\":\"wake\"}"' "$out/listen.log"
report $? "50 committed leads wake the listener with the constant payload" "$(grep Asynchronous "$out/listen.log")"
[ "$(grep -c 'Asynchronous notification' "$out/listen.log")" = 1 ]
report $? "once for the transaction, and not at all for the rolled-back lead" "$(grep -c Asynchronous "$out/listen.log") notifications"

inv=$(psql -XAtq -d "$db" -f test/invariant.sql -c "SELECT pg_temp.leadroute_invariant()" 2>&1)
[ "$inv" = ok ]; report $? "the invariant holds after the concurrency runs" "$inv"
psql -X -qd postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null

# 6. pg_cron runs the escalation job in a live cluster: leadroute_test is pg_cron's database
#    (cron.database_name), where CREATE EXTENSION leadroute scheduled job leadroute-sla. An overdue
#    lead must be escalated by the job within a little over a minute.
db=leadroute_test
if [ "$(q "SELECT count(*) FROM pg_extension WHERE extname IN ('pg_cron', 'leadroute')")" = 2 ]; then
  job=$(q "SELECT count(*) FROM cron.job WHERE jobname = 'leadroute-sla' AND schedule = '* * * * *'")
  [ "$job" = 1 ]; report $? "CREATE EXTENSION scheduled pg_cron job leadroute-sla every minute"
  lead=$(q "INSERT INTO leadroute.reps (name, email) VALUES ('Cron A', 'cron-a@t.io'), ('Cron B', 'cron-b@t.io');
            INSERT INTO leadroute.pools (name) VALUES ('cron pool');
            INSERT INTO leadroute.pool_members (pool_id, rep_id)
              SELECT p.id, r.id FROM leadroute.pools p, leadroute.reps r WHERE p.name = 'cron pool' AND r.email LIKE 'cron-%';
            INSERT INTO leadroute.rules (name, priority, condition, action, pool_id)
              SELECT 'cron rule', 999999, 'TRUE', 'pool', id FROM leadroute.pools WHERE name = 'cron pool';
            INSERT INTO leadroute.leads (email) VALUES ('cron@x.com') RETURNING id" | tail -1)
  q "UPDATE leadroute.leads SET sla_due_at = now() - interval '1 minute' WHERE id = $lead"
  escalated=0
  for _ in $(seq 1 80); do
    escalated=$(q "SELECT escalations FROM leadroute.leads WHERE id = $lead")
    [ "$escalated" -gt 0 ] && break
    sleep 1
  done
  [ "$escalated" -gt 0 ]; report $? "the pg_cron job escalated an overdue lead" \
    "$(q "SELECT string_agg(status || ': ' || coalesce(return_message, ''), '; ') FROM cron.job_run_details")"
else
  report 1 "pg_cron and leadroute are installed in leadroute_test"
fi

echo "# concurrency: $passed passed, $failed failed"
[ "$failed" = 0 ]
