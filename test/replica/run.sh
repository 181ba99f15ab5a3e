#!/usr/bin/env bash
# Read replicas and failover (issue 19): a primary and a streaming standby on localhost, each
# with pg_cron preloaded. Checks that every read function works on the standby and that its
# preview() gives the primary's answer; then the primary fails, the standby is promoted, and the
# post-promotion checklist of docs/operations.md runs: schedule_jobs() repairs the jobs that still
# point at the old primary's port (audit() reported them), resync_rotation() brings the rotation
# back to the last recorded turn, and the next lead gets the rep the old primary would have given.
# Ports LEADROUTE_REPLICA_PORT (default PGPORT + 1) and the next one; data under
# /tmp/leadroute-replica-<port>-*. Prints "ok - ..." / "not ok - ..." and "# replica: done".
set -uo pipefail
cd "$(dirname "$0")/../.."
PGBIN=${LEADROUTE_PGBIN:-/usr/lib/postgresql/15/bin}
out=${LEADROUTE_TEST_OUT:-build/replica}
mkdir -p "$out"
primary_port=${LEADROUTE_REPLICA_PORT:-$(( ${PGPORT:-55432} + 1 ))}
standby_port=$((primary_port + 1))
base=${LEADROUTE_REPLICA_DATADIR:-/tmp/leadroute-replica-$primary_port}
pdata=$base-primary
sdata=$base-standby
db=leadroute_replica
export PGOPTIONS="-c client_min_messages=warning" PGHOST=/tmp PGUSER=postgres
report() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; [ -n "${3:-}" ] && echo "$3" | sed 's/^/#   /'; fi; }
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
p() { psql -XAtq -v ON_ERROR_STOP=1 -p "$primary_port" -d $db -c "$1"; }
s() { psql -XAtq -v ON_ERROR_STOP=1 -p "$standby_port" -d $db -c "$1"; }
stop_all() {
  for d in "$sdata" "$pdata"; do
    [ -f "$d/PG_VERSION" ] && as_owner "$PGBIN/pg_ctl" -D "$d" -m immediate stop >/dev/null 2>&1
  done
}
trap stop_all EXIT
stop_all
rm -rf "$pdata" "$sdata"
mkdir_owned() { if [ "$(id -u)" = 0 ]; then install -d -o postgres -g postgres -m 700 "$1"; else install -d -m 700 "$1"; fi; }

# ---- the primary ----------------------------------------------------------------------------
mkdir_owned "$pdata"
as_owner "$PGBIN/initdb" -D "$pdata" -U postgres -E UTF8 --locale=C.UTF-8 --auth=trust >"$out/initdb.log" 2>&1
cat >>"$pdata/postgresql.conf" <<CONF
port = $primary_port
listen_addresses = 'localhost'
unix_socket_directories = '/tmp'
shared_preload_libraries = 'pg_cron'
cron.database_name = '$db'
max_connections = 30
fsync = off
log_min_messages = warning
CONF
as_owner "$PGBIN/pg_ctl" -D "$pdata" -l "$pdata/server.log" -w -t 60 start >/dev/null
psql -Xq -p "$primary_port" -d postgres -c "CREATE DATABASE $db"
p "CREATE EXTENSION pg_cron; CREATE EXTENSION leadroute CASCADE" >/dev/null 2>&1
psql -Xq -v ON_ERROR_STOP=1 -p "$primary_port" -d $db -f demo/org.sql -f demo/leads.sql >"$out/fill.log" 2>&1
report $? "primary on port $primary_port: pg_cron, leadroute and the demo organization" "$(tail -5 "$out/fill.log")"

# ---- the standby ----------------------------------------------------------------------------
mkdir_owned "$sdata"
as_owner "$PGBIN/pg_basebackup" -h /tmp -p "$primary_port" -U postgres -D "$sdata" -R -X stream -c fast >"$out/basebackup.log" 2>&1
echo "port = $standby_port" | as_owner tee -a "$sdata/postgresql.conf" >/dev/null
as_owner "$PGBIN/pg_ctl" -D "$sdata" -l "$sdata/server.log" -w -t 60 start >/dev/null
[ "$(s "SELECT pg_is_in_recovery()")" = t ]
report $? "standby on port $standby_port streams from the primary" "$(tail -5 "$out/basebackup.log")"

# More leads after the standby started: they reach it by streaming.
p "INSERT INTO leadroute.leads (email, country, source, employees)
   SELECT 'stream' || g || '@co' || g || '.example', 'US', 'demo_request', 120 FROM generate_series(1, 13) g" >/dev/null
caught_up() {
  local lsn; lsn=$(p "SELECT pg_current_wal_lsn()")
  for _ in $(seq 1 100); do
    [ "$(s "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn")" = t ] && return 0
    sleep 0.1
  done
  return 1
}
caught_up; report $? "the standby replays the primary's WAL"

# ---- the standby answers every read function ------------------------------------------------
failed=""
rm -f "$out/standby-reads.log"
for check in \
  "SELECT count(*) > 0 FROM leadroute.metrics_speed_to_lead" \
  "SELECT count(*) >= 0 FROM leadroute.metrics_fallback_rate" \
  "SELECT count(*) >= 0 FROM leadroute.metrics_sla_adherence" \
  "SELECT count(*) >= 0 FROM leadroute.metrics_fairness" \
  "SELECT count(*) > 0 FROM leadroute.metrics_rep_load" \
  "SELECT count(*) = 6 FROM leadroute.alerts" \
  "SELECT leadroute.explain(1) LIKE '%Rules tried%'" \
  "SELECT count(*) >= 0 FROM leadroute.audit()" \
  "SELECT leadroute.document() LIKE '%#%'" \
  "SELECT count(*) > 0 FROM leadroute.config_at(now())" \
  "SELECT count(*) > 0 FROM leadroute.backtest('SELECT email, country, source, employees FROM leadroute.leads')" \
  "SELECT count(*) = 7 FROM leadroute.version_info()" \
  "SELECT count(*) = 3 FROM leadroute.job_health()"; do
  [ "$(s "$check" 2>>"$out/standby-reads.log")" = t ] || failed="$failed
$check"
done
[ -z "$failed" ]; report $? "metric views, alerts, explain, audit, document, config_at, backtest, version_info and job_health work on the standby" "$failed$(tail -3 "$out/standby-reads.log" 2>/dev/null)"

# The standby's rotation counter shows what the primary WAL-logged ahead; preview() goes by the
# recorded decisions and gives the primary's answer.
lead='{"email": "next@preview.example", "country": "US", "source": "demo_request", "employees": 120}'
primary_preview=$(p "SELECT leadroute.preview('$lead') ->> 'owner_id'")
standby_preview=$(s "SELECT leadroute.preview('$lead') ->> 'owner_id'")
primary_last=$(p "SELECT last_value FROM leadroute._pool_turns_1")
standby_last=$(s "SELECT last_value FROM leadroute._pool_turns_1")
[ -n "$primary_preview" ] && [ "$primary_preview" = "$standby_preview" ]
report $? "preview() on the standby gives the primary's rep (rep $primary_preview; counter $primary_last on the primary, $standby_last on the standby)" \
  "primary: $primary_preview standby: $standby_preview"
# The test can tell: reading the standby's counter would land on another slot of the 7-turn period.
[ $(( (standby_last - primary_last) % 7 )) != 0 ]
report $? "the standby's counter is $((standby_last - primary_last)) turns ahead: reading it would have picked another rep"

# ---- failover -------------------------------------------------------------------------------
p "SELECT leadroute.schedule_jobs()" >/dev/null
caught_up
as_owner "$PGBIN/pg_ctl" -D "$pdata" -m immediate stop >/dev/null 2>&1   # the primary fails
as_owner "$PGBIN/pg_ctl" -D "$sdata" -w promote >/dev/null 2>&1
for _ in $(seq 1 100); do [ "$(s "SELECT pg_is_in_recovery()")" = f ] && break; sleep 0.1; done
[ "$(s "SELECT pg_is_in_recovery()")" = f ]; report $? "the standby is promoted after the primary fails"

# Post-promotion checklist (docs/operations.md).
[ "$(s "SELECT count(*) FROM leadroute.audit() WHERE finding = 'job_points_elsewhere'")" = 3 ]
report $? "audit() on the new primary: the three jobs still point at the old primary's port $primary_port"
s "SELECT leadroute.schedule_jobs()" >"$out/schedule.log" 2>&1
[ "$(s "SELECT count(*) FROM cron.job WHERE nodeport = $standby_port AND database = current_database()")" = 3 ] &&
  [ "$(s "SELECT count(*) FROM leadroute.audit() WHERE finding LIKE 'job_%'")" = 0 ]
report $? "schedule_jobs() points them at port $standby_port, and audit() is clean" "$(cat "$out/schedule.log")"

resync=$(s "SELECT was || '>' || now FROM leadroute.resync_rotation() WHERE counter = 'leadroute._pool_turns_1'")
was=${resync%%>*}; now=${resync##*>}
[ -n "$was" ] && [ "$was" -gt "$now" ] && [ "$((was - now))" -le 32 ] && [ "$now" = "$primary_last" ]
report $? "resync_rotation(): the promoted counter was $((${was:-0} - ${now:-0})) turns ahead (at most 32); back to the primary's last turn $primary_last" "$resync"
next_owner=$(s "INSERT INTO leadroute.leads (email, country, source, employees)
                VALUES ('next@preview.example', 'US', 'demo_request', 120) RETURNING owner_id")
[ "$next_owner" = "$primary_preview" ]
report $? "the first lead after the failover goes to the rep the old primary would have picked (rep $next_owner)"
s "INSERT INTO leadroute.leads (email, country, source, employees)
   SELECT 'after' || g || '@fail' || g || '.example', 'US', 'demo_request', 120 FROM generate_series(1, 14) g" >/dev/null
shares=$(s "SELECT string_agg(owner_id || ':' || n, ' ' ORDER BY owner_id) FROM (SELECT owner_id, count(*) n FROM leadroute.leads
              WHERE email LIKE 'after%' GROUP BY 1) x")
weights=$(s "SELECT string_agg(rep_id || ':' || n, ' ' ORDER BY rep_id) FROM (SELECT rep_id, (14 * weight / sum(weight) OVER ())::integer AS n FROM leadroute.pool_members WHERE pool_id = 1) w")
[ -n "$shares" ] && [ "$shares" = "$weights" ]
report $? "14 more leads (two periods) give each rep exactly its weighted share ($shares): none skipped or doubled" "want $weights"

# The invariant (test/invariant.sql).
inv=$(psql -XAtq -p "$standby_port" -d $db -f test/invariant.sql -c "SELECT pg_temp.leadroute_invariant()" 2>&1)
[ "$inv" = ok ]; report $? "the invariant holds on the new primary" "$inv"
echo "# replica: done"
