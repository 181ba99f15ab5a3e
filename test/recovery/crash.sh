#!/usr/bin/env bash
# Crash recovery (issue 8): a private cluster with fsync on takes a concurrent load (4 clients
# inserting leads, one escalating overdue ones) and is killed with SIGKILL mid-run, three times.
# After each restart the invariants must hold for every committed lead:
#   - exactly one final routing state: an owner or a queue;
#   - every lead with an owner has a decision and an assignment history ending with that owner;
#   - no rep is over max_open_leads;
#   - round-robin shares of the weighted pool stay within one rotation period of the weights.
# Prints "ok - ..." / "not ok - ..." lines and "# crash: done".
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${LEADROUTE_TEST_OUT:-build/recovery}
mkdir -p "$out"
export LEADROUTE_PORT=${LEADROUTE_CRASH_PORT:-$(( ${PGPORT:-55432} + 7 ))}
export LEADROUTE_DATADIR=${LEADROUTE_CRASH_DATADIR:-/tmp/leadroute-crash-$LEADROUTE_PORT}
export PGHOST=/tmp PGPORT=$LEADROUTE_PORT PGUSER=postgres PGDATABASE=leadroute_crash
export PGOPTIONS="-c client_min_messages=warning"
PGBIN=${LEADROUTE_PGBIN:-/usr/lib/postgresql/15/bin}
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
report() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; [ -n "${3:-}" ] && echo "$3" | sed 's/^/#   /'; fi; }
q() { psql -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

scripts/cluster.sh start crash --fresh >"$out/crash-cluster.log" 2>&1 || { cat "$out/crash-cluster.log"; echo "not ok - start the crash cluster"; exit 0; }
trap 'scripts/cluster.sh stop crash >/dev/null 2>&1' EXIT
[ "$(q "SHOW fsync")" = on ]; report $? "the crash cluster runs with fsync on"
psql -Xq -v ON_ERROR_STOP=1 >"$out/crash-setup.log" 2>&1 <<'SQL'
CREATE EXTENSION leadroute CASCADE;
INSERT INTO leadroute.reps (id, name, email, max_open_leads, manager_id) VALUES
  (1, 'A1', 'a1@crash.test', NULL, 7), (2, 'A2', 'a2@crash.test', NULL, 7), (3, 'A3', 'a3@crash.test', NULL, 7),
  (4, 'B1', 'b1@crash.test', 40, 7), (5, 'B2', 'b2@crash.test', 40, 7), (6, 'B3', 'b3@crash.test', 40, 7),
  (7, 'Manager', 'boss@crash.test', NULL, NULL);
INSERT INTO leadroute.pools (id, name) VALUES (1, 'A'), (2, 'B');
INSERT INTO leadroute.pool_members (pool_id, rep_id, weight) VALUES (1, 1, 5), (1, 2, 3), (1, 3, 2), (2, 4, 1), (2, 5, 1), (2, 6, 1);
INSERT INTO leadroute.rules (name, priority, condition, action, pool_id) VALUES
  ('web', 10, $$source = 'web'$$, 'pool', 1), ('demo', 20, $$source = 'demo_request'$$, 'pool', 2);
-- Pool A's leads are never escalated (their clock runs for weeks), so its shares are the rotation's.
INSERT INTO leadroute.sla_policies (name, priority, condition, response_minutes) VALUES ('web', 1, $$source = 'web'$$, 100000);
SQL
report $? "set up: a weighted pool (5:3:2) and a capped pool (40 open leads each)" "$(tail -5 "$out/crash-setup.log")"
cat >"$out/crash_escalate.pgbench" <<'PGB'
SELECT set_config('leadroute.now', (now() + interval '1 hour')::text, false);
SELECT leadroute.escalate_overdue(200);
\sleep 200 ms
PGB

prev=0
for round in 1 2 3; do
  before=$(q "SELECT coalesce(max(id), 0) FROM leadroute.assignments")
  pgbench -n -c 4 -j 2 -T 30 -f test/recovery/crash_insert.pgbench >"$out/crash-insert-$round.log" 2>&1 &
  inserters=$!
  pgbench -n -c 1 -T 30 -f "$out/crash_escalate.pgbench" >"$out/crash-escalate-$round.log" 2>&1 &
  escalator=$!
  sleep $(( 4 + round * 2 ))
  pid=$(head -1 "$LEADROUTE_DATADIR/postmaster.pid")
  kill -9 "$pid"
  wait "$inserters" "$escalator" 2>/dev/null
  # The lock file names the dead postmaster until its process is reaped; then start recovers.
  for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  for _ in 1 2 3 4 5; do
    as_owner "$PGBIN/pg_ctl" -D "$LEADROUTE_DATADIR" -l "$LEADROUTE_DATADIR/server.log" -w -t 120 start >/dev/null 2>&1 && break
    sleep 2
  done
  if ! q "SELECT 1" >/dev/null 2>&1; then
    report 1 "round $round: SIGKILL of the postmaster mid-load, restart with crash recovery" "$(tail -5 "$LEADROUTE_DATADIR/server.log")"
    break
  fi
  report 0 "round $round: SIGKILL of the postmaster mid-load, restart with crash recovery"
  leads=$(q "SELECT count(*) FROM leadroute.leads")
  [ "$leads" -gt "$prev" ]; report $? "round $round: $leads committed leads ($((leads - prev)) this round)"
  prev=$leads
  bad=$(q "SELECT count(*) FROM leadroute.leads WHERE (owner_id IS NULL) = (queue IS NULL)")
  [ "$bad" = 0 ]; report $? "round $round: every lead has exactly one of owner and queue" "$bad leads do not"
  # One pass over each table (no per-lead LIMIT 1 subquery: right after crash recovery the
  # statistics are stale and the planner may scan assignments backwards once per lead).
  bad=$(q "WITH last AS (SELECT DISTINCT ON (a.lead_id) a.lead_id, a.rep_id FROM leadroute.assignments a
                          ORDER BY a.lead_id, a.id DESC),
                decided AS (SELECT DISTINCT d.lead_id FROM leadroute.decisions d)
           SELECT count(*) FROM leadroute.leads l
             LEFT JOIN last ON last.lead_id = l.id LEFT JOIN decided ON decided.lead_id = l.id
            WHERE l.owner_id IS NOT NULL AND (decided.lead_id IS NULL OR l.owner_id IS DISTINCT FROM last.rep_id)")
  [ "$bad" = 0 ]; report $? "round $round: every lead with an owner has its decision and an assignment history ending with that owner" "$bad leads do not"
  over=$(q "SELECT string_agg(r.name || ': ' || n, ', ') FROM leadroute.reps r
              JOIN (SELECT owner_id, count(*) n FROM leadroute.leads WHERE status IN ('assigned', 'contacted') GROUP BY 1) o ON o.owner_id = r.id
             WHERE n > r.max_open_leads")
  [ -z "$over" ]; report $? "round $round: no rep over max_open_leads" "$over"
  # Shares of pool A's routing this round against weights 5:3:2 (a period of 10 turns).
  dev=$(q "WITH c AS (SELECT rep_id, count(*) n FROM leadroute.assignments
                       WHERE id > $before AND pool_id = 1 AND reason = 'routed' GROUP BY rep_id),
                 t AS (SELECT sum(n) total FROM c)
           SELECT round(coalesce(max(abs(c.n - t.total * m.weight / 10.0)), 0), 1) || ' of ' || max(t.total)
             FROM c, t, leadroute.pool_members m WHERE m.pool_id = 1 AND m.rep_id = c.rep_id")
  awk -v d="${dev%% *}" 'BEGIN { exit !(d <= 10) }'
  report $? "round $round: pool A's shares are within one period (10 turns) of 5:3:2 (largest deviation $dev leads)"
done
escalated=$(q "SELECT count(*) FROM leadroute.assignments WHERE reason = 'escalated'")
[ "$escalated" -gt 0 ]; report $? "escalation ran during the load ($escalated escalations)"
errors=$(grep -E "PANIC|TRAP|terminated by signal (11|6)|server process .* was terminated by signal [^9]" "$LEADROUTE_DATADIR/server.log" | head -5)
[ -z "$errors" ]; report $? "no backend crashed on its own (only the SIGKILLs)" "$errors"
inv=$(psql -XAtq -d "leadroute_crash" -f test/invariant.sql -c "SELECT pg_temp.leadroute_invariant()" 2>&1)
[ "$inv" = ok ]; report $? "the invariant holds after three crashes and recoveries" "$inv"
echo "# crash: done"
