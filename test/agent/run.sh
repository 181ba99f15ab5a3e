#!/usr/bin/env bash
# The agent layer (issue 16): leadroute-agent against a local HTTP receiver and SMTP sink
# (receiver.py), all on loopback. End to end (webhook with signature and idempotency key, Slack,
# e-mail, a queued lead told to its queue's target, the default queue to the admins' channel),
# faults (500s then delivered with backoff, a timeout, a dead letter and its alert, a slow endpoint
# that holds up no other, kill -9 mid-batch, two agents at once, the database restarted under the
# agent), the roles, and the invariant. Needs the running test cluster (PGHOST/PGPORT/PGUSER).
# Prints "ok - ..." / "not ok - ..." lines and "# agent: done".
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${LEADROUTE_TEST_OUT:-build/agent}
mkdir -p "$out"
rm -f "$out"/*.log "$out"/*.jsonl
export PGOPTIONS="-c client_min_messages=warning"
PY=/usr/bin/python3   # Debian's, where python3-aiosmtpd is installed
base=${PGPORT:?set PGPORT: run with the environment of scripts/cluster.sh env test}
HTTP_PORT=${LEADROUTE_AGENT_HTTP_PORT:-$((base + 22))}
SMTP_PORT=${LEADROUTE_AGENT_SMTP_PORT:-$((base + 23))}
METRICS_PORT=${LEADROUTE_AGENT_METRICS_PORT:-$((base + 24))}
PGBIN=${LEADROUTE_PGBIN:-/usr/lib/postgresql/15/bin}
AGENT=${LEADROUTE_AGENT:-$PGBIN/leadroute-agent}   # the installed program (make install)
[ -x "$AGENT" ] || AGENT=build/leadroute-agent
DB=lr_agent
H=http://127.0.0.1:$HTTP_PORT
RECV_LOG=$out/received.jsonl
CONNINFO="host=${PGHOST:-/tmp} port=$base dbname=$DB user=lr_agent_agent application_name=leadroute-agent"

report() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; [ -n "${3:-}" ] && echo "$3" | sed 's/^/#   /'; fi; }
q() { psql -XAtq -v ON_ERROR_STOP=1 -d $DB -c "$1"; }
as() { psql -XAtq -v ON_ERROR_STOP=1 -d $DB -U "$1" -c "$2" 2>&1; }
wait_until() {  # SQL returning t, timeout in seconds
  local deadline=$(($(date +%s) + ${2:-15}))
  until [ "$(q "$1" 2>/dev/null)" = t ]; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}
check() { $PY test/agent/check.py "$1" "$RECV_LOG" "${@:2}" 2>&1; }

declare -A agent_pid
start_agent() {  # name, then agent options
  local name=$1
  shift
  "$AGENT" -d "$CONNINFO" -n "$name" --poll 1 "$@" 2>>"$out/agent-$name.log" &
  agent_pid[$name]=$!
}
stop_agent() { kill -TERM "${agent_pid[$1]}" 2>/dev/null; wait "${agent_pid[$1]}" 2>/dev/null; }
receiver_pid=
cleanup() {
  for p in "${agent_pid[@]}"; do kill -KILL "$p" 2>/dev/null; done
  [ -n "$receiver_pid" ] && kill "$receiver_pid" 2>/dev/null
  wait 2>/dev/null
}
trap cleanup EXIT

# ---- setup: a database, the logins, the receiver ------------------------------------------
psql -Xq -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
q "CREATE EXTENSION leadroute CASCADE" >/dev/null 2>&1
for r in agent:leadroute_agent admin:leadroute_admin ingest:leadroute_ingest analyst:leadroute_analyst rep:leadroute_rep; do
  login=lr_agent_${r%%:*}
  psql -Xq -d postgres -c "DROP ROLE IF EXISTS $login" -c "CREATE ROLE $login LOGIN IN ROLE ${r#*:}" 2>/dev/null
done
$PY test/agent/receiver.py --http-port "$HTTP_PORT" --smtp-port "$SMTP_PORT" --log "$RECV_LOG" >"$out/receiver.log" 2>&1 &
receiver_pid=$!
for _ in $(seq 50); do curl -s "$H/_requests" >/dev/null 2>&1 && break; sleep 0.1; done

# The configuration, written by an admin login (the webhook secret too, which it cannot read back).
psql -XAtq -v ON_ERROR_STOP=1 -d $DB -U lr_agent_admin >"$out/setup.log" 2>&1 <<SQL
INSERT INTO leadroute.reps (id, name, email, notify_channel, notify_address) VALUES
  (1, 'Ana Lee', 'ana@example.com', 'webhook', '$H/ok/hook/ana'),
  (2, 'Hannah Cole', 'hannah@example.com', 'slack', 'U02HCOLE'),
  (3, 'Ben Ortiz', 'ben@example.com', 'email', NULL),
  (4, 'Cy Park', 'cy@example.com', 'webhook', '$H/flaky/2/hook/cy'),
  (5, 'Dee Ray', 'dee@example.com', 'webhook', '$H/down/hook/dee'),
  (6, 'Eve Ng', 'eve@example.com', 'webhook', '$H/slowonce/3000/hook/eve'),
  (7, 'Fay Wu', 'fay@example.com', 'webhook', '$H/slow/1500/hook/fay'),
  (8, 'Gus Bo', 'gus@example.com', 'webhook', '$H/slow/100/bulk/gus'),
  (9, 'Hal Oz', 'hal@example.com', 'webhook', '$H/ok/pair/hal');
INSERT INTO leadroute.rules (name, priority, condition, action, rep_id, rationale)
SELECT 'To ' || name, id, format('source = %L', 'to_' || lower(split_part(name, ' ', 1))), 'rep', id,
       'test routing by source'
  FROM leadroute.reps;
INSERT INTO leadroute.rules (name, priority, condition, action, queue)
VALUES ('Partners', 100, \$\$source = 'partner'\$\$, 'queue', 'partner-desk');
INSERT INTO leadroute.queues (name, notify_channel, notify_address, description)
VALUES ('partner-desk', 'webhook', '$H/ok/queue/partner', 'the partner team');
INSERT INTO leadroute.delivery_settings (admin_channel, admin_address, max_attempts, retry_base, retry_max)
VALUES ('slack', '$H/ok/admins', 3, '200 ms', '5 s');
INSERT INTO leadroute.delivery_endpoints (name, channel, url, secret, timeout_ms) VALUES
  ('local-hooks', 'webhook', '$H/', 's3cret-hooks', 2000);
INSERT INTO leadroute.delivery_endpoints (name, channel, url, secret, timeout_ms) VALUES
  ('slowonce', 'webhook', '$H/slowonce/', 's3cret-slow', 500);
INSERT INTO leadroute.delivery_endpoints (name, channel, url, secret, max_parallel, timeout_ms) VALUES
  ('slow', 'webhook', '$H/slow/1500/', 's3cret-slow', 1, 5000),
  ('bulk', 'webhook', '$H/slow/100/', 's3cret-bulk', 4, 5000);
INSERT INTO leadroute.delivery_endpoints (name, channel, url, is_default, link_template) VALUES
  ('slack', 'slack', '$H/ok/slack', true, 'https://crm.example.com/leads/{lead_id}');
INSERT INTO leadroute.delivery_endpoints (name, channel, url, is_default, mail_from) VALUES
  ('mail', 'email', 'smtp://127.0.0.1:$SMTP_PORT', true, 'leadroute@example.com');
SQL
report $? "an admin configures reps, queues, the admins' channel and endpoints (writing secrets)" "$(tail -5 "$out/setup.log")"

insert() {  # source, count: inserted by the ingest login; prints the lead ids
  psql -XAtq -v ON_ERROR_STOP=1 -d $DB -U lr_agent_ingest -c \
    "INSERT INTO leadroute.leads (email, first_name, company, country, source)
     SELECT 'lead' || i || '.' || md5(random()::text) || '@$1.example', 'Lead' || i, 'Company $1 ' || i, 'US', '$1'
       FROM generate_series(1, ${2:-1}) i RETURNING id" | grep -E '^[0-9]+$'
}
ids_of() { q "SELECT string_agg(id::text, ',') FROM leadroute.notifications WHERE lead_id IN ($1)"; }
delivered() { echo "SELECT bool_and(delivered_at IS NOT NULL) AND count(*) > 0 FROM leadroute.notifications WHERE lead_id IN ($1)"; }

# ---- the roles ------------------------------------------------------------------------------
r1=$(as lr_agent_agent "SELECT count(*) FROM leadroute.notifications")
r2=$(as lr_agent_agent "SELECT count(*) FROM leadroute.leads")
r3=$(as lr_agent_agent "SELECT count(*) FROM leadroute.delivery_endpoints")
r4=$(as lr_agent_agent "SELECT ready >= 0 FROM leadroute.outbox_depth()")
[ "$(echo "$r1 $r2 $r3" | grep -o "permission denied" | wc -l)" = 3 ] && [ "$r4" = t ]
report $? "the agent's login reads no table (notifications, leads, endpoints) and may call outbox_depth()" "$r1 $r2 $r3 $r4"
a1=$(as lr_agent_admin "SELECT secret FROM leadroute.delivery_endpoints")
a2=$(as lr_agent_admin "SELECT count(*) FROM leadroute.delivery_endpoints")
a3=$(as lr_agent_admin "SELECT count(*) FROM leadroute.claim_notifications('admin')")
[[ "$a1" == *"permission denied"* ]] && [ "$a2" = 6 ] && [[ "$a3" == *"permission denied"* ]]
report $? "an admin reads the endpoints but not their secrets, and cannot claim" "$a1 | $a2 | $a3"
n1=$(as lr_agent_analyst "SELECT count(*) FROM leadroute.delivery_endpoints")
n2=$(as lr_agent_rep "SELECT count(*) FROM leadroute.delivery_endpoints")
n3=$(as lr_agent_rep "SELECT * FROM leadroute.claim_notifications('rep')")
n4=$(as lr_agent_analyst "SELECT count(*) FROM leadroute.queues")
[ "$(echo "$n1 $n2 $n3 $n4" | grep -o "permission denied" | wc -l)" = 4 ]
report $? "analysts and reps can neither read endpoints (secrets) nor queues, nor claim" "$n1 | $n2 | $n3 | $n4"

# ---- end to end -----------------------------------------------------------------------------
start_agent A1 -l "127.0.0.1:$METRICS_PORT" --visibility 10
ana=$(insert to_ana); hannah=$(insert to_hannah); ben=$(insert to_ben)
partner=$(insert partner); unrouted=$(insert nomatch)
all="$ana,$hannah,$ben,$partner,$unrouted"
wait_until "$(delivered "$all")" 15
report $? "five leads inserted: their notifications are delivered" "$(q "SELECT id, lead_id, channel, recipient, attempts, last_error FROM leadroute.notifications WHERE lead_id IN ($all)")"
nid() { q "SELECT id FROM leadroute.notifications WHERE lead_id = $1"; }
ana_email=$(q "SELECT email FROM leadroute.leads WHERE id = $ana")
res=$(check webhook /ok/hook/ana "$(nid "$ana")" s3cret-hooks "$ana_email" "Company to_ana 1")
report $? "webhook: JSON body with the lead and why, Idempotency-Key = notification id, HMAC-SHA256 signature" "$res"
res=$(check bad_signature /ok/hook/ana "$(nid "$ana")")
report $? "webhook: the signature does not verify with another secret" "$res"
res=$(check slack /ok/slack "$(nid "$hannah")" "<@U02HCOLE>" "New lead for Hannah Cole" "Company to_hannah 1" \
        'Why: rule "To Hannah Cole" (' ': test routing by source' "First contact due: " "https://crm.example.com/leads/$hannah")
report $? "Slack: incoming-webhook JSON mentioning the rep, with company, why, SLA due time and the link" "$res"
res=$(check email ben@example.com "Subject: New lead for Ben Ortiz: Company to_ben 1" "Why: rule \"To Ben Ortiz\"" \
        "First contact due: " "Message-ID: <notification-$(nid "$ben")@leadroute>" "From: leadroute@example.com")
report $? "e-mail: a plain-text message at the SMTP sink with the same content" "$res"
row=$(q "SELECT event, rep_id IS NULL, queue, channel, recipient FROM leadroute.notifications WHERE lead_id = $partner")
[ "$row" = "queued|t|partner-desk|webhook|$H/ok/queue/partner" ] && check webhook /ok/queue/partner "$(nid "$partner")" s3cret-hooks \
  "$(q "SELECT email FROM leadroute.leads WHERE id = $partner")" "Company partner 1" >/dev/null
report $? "a lead placed in a queue notifies that queue's target (no rep)" "$row"
row=$(q "SELECT queue, channel, recipient FROM leadroute.notifications WHERE lead_id = $unrouted")
[ "$row" = "unrouted|slack|$H/ok/admins" ] && check slack /ok/admins "$(nid "$unrouted")" "New lead in queue unrouted" "no rule matched" >/dev/null
report $? "a lead in the default queue notifies the admins' channel" "$row"
metrics=$(curl -s "http://127.0.0.1:$METRICS_PORT/metrics")
echo "$metrics" | grep -q '^leadroute_agent_delivered_total{channel="webhook",endpoint="local-hooks"} [1-9]' &&
  echo "$metrics" | grep -q '^leadroute_agent_commit_to_send_seconds_count [1-9]' &&
  echo "$metrics" | grep -q '^leadroute_agent_queue_depth{state="ready"} ' &&
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$METRICS_PORT/healthz")" = 200 ]
report $? "/metrics (delivered, latency histogram, queue depth) and /healthz answer" "$(echo "$metrics" | grep -v '^#' | head -12)"

# ---- faults ---------------------------------------------------------------------------------
cy=$(insert to_cy)
wait_until "$(delivered "$cy")" 15
res=$(check attempts /flaky/2/hook/cy "$(nid "$cy")" 3 0.2)
[ "$(q "SELECT attempts || ' ' || (last_error LIKE '%HTTP 500%') FROM leadroute.notifications WHERE lead_id = $cy")" = "3 true" ] && [ -z "$res" ]
report $? "HTTP 500 twice: retried with exponential backoff (same idempotency key), then delivered" "$res"
eve=$(insert to_eve)
wait_until "$(delivered "$eve")" 15
row=$(q "SELECT attempts, last_error FROM leadroute.notifications WHERE lead_id = $eve")
[[ "$row" == 2\|*"timed out"* ]]
report $? "a receiver that times out: the request is abandoned after the endpoint's timeout, retried, delivered" "$row"
dee=$(insert to_dee)
wait_until "SELECT dead_at IS NOT NULL FROM leadroute.notifications WHERE lead_id = $dee" 15
row=$(q "SELECT attempts, delivered_at IS NULL, last_error FROM leadroute.notifications WHERE lead_id = $dee")
alert=$(as lr_agent_analyst "SELECT value || ' ' || firing FROM leadroute.alerts WHERE alert = 'dead_letters'")
sleep 1.5   # nothing more may arrive for it
n=$($PY -c "import json,sys; print(sum(1 for l in open('$RECV_LOG') if '/down/hook/dee' in l))")
[[ "$row" == "3|t|"*"HTTP 500"* ]] && [ "$alert" = "1 true" ] && [ "$n" = 3 ]
report $? "always 500: dead-lettered after max_attempts (3), an alert fires in leadroute.alerts, no more requests" "$row | alert: $alert | requests: $n"

# A slow endpoint (1.5 s per request, one at a time) holds up no other.
fay=$(insert to_fay 3 | paste -sd,)
sleep 0.2
ana2=$(insert to_ana)
wait_until "$(delivered "$fay,$ana2")" 20
order=$(q "SELECT (SELECT delivered_at FROM leadroute.notifications WHERE lead_id = $ana2)
                  < (SELECT min(delivered_at) + interval '1 second' FROM leadroute.notifications WHERE lead_id IN ($fay))")
gaps=$($PY -c "
import json
t = sorted(json.loads(l)['t'] for l in open('$RECV_LOG') if '/slow/1500/hook/fay' in l)
print(min(b - a for a, b in zip(t, t[1:])) >= 1.4)")
[ "$order" = t ] && [ "$gaps" = True ]
report $? "a slow endpoint is sent one request at a time (max_parallel 1) and holds up no other endpoint" "ana before fay+1s: $order, fay serialized: $gaps"

stop_agent A1
grep -q '"msg":"stopped"' "$out/agent-A1.log"
report $? "SIGTERM: the agent finishes what it sends, acks, and stops" "$(tail -3 "$out/agent-A1.log")"

# kill -9 mid-batch: 100 notifications at 0.1 s each, 4 at a time; the agent dies after 1 s.
gus=$(insert to_gus 100 | paste -sd,)
start_agent A2 -l off --visibility 3
sleep 1
kill -KILL "${agent_pid[A2]}"; wait "${agent_pid[A2]}" 2>/dev/null
done_before=$(q "SELECT count(*) FILTER (WHERE delivered_at IS NOT NULL) FROM leadroute.notifications WHERE lead_id IN ($gus)")
q "SELECT id FROM leadroute.notifications WHERE lead_id IN ($gus)" >"$out/gus.ids"
start_agent A3 -l off --visibility 10
wait_until "$(delivered "$gus")" 30
ok=$?
res=$(check keys /slow/100/bulk/ "$out/gus.ids" any)
[ $ok = 0 ] && [ "$done_before" -gt 0 ] && [ "$done_before" -lt 100 ] && [[ "$res" == "100 notifications"* ]]
report $? "kill -9 mid-batch ($done_before of 100 acked): nothing lost once another agent runs; duplicates only with the same idempotency key ($res)" "$res"
stop_agent A3

# Two agents at once: every notification sent exactly once.
start_agent A4 -l "127.0.0.1:$METRICS_PORT" --visibility 30 --batch 10
start_agent A5 -l "127.0.0.1:$((METRICS_PORT + 1))" --visibility 30 --batch 10
sleep 0.5
hal=""
for _ in $(seq 10); do hal="$hal,$(insert to_hal 20 | paste -sd,)"; done
hal=${hal#,}
wait_until "$(delivered "$hal")" 30
ok=$?
q "SELECT id FROM leadroute.notifications WHERE lead_id IN ($hal)" >"$out/hal.ids"
res=$(check keys /ok/pair/hal "$out/hal.ids" once)
agents=$(q "SELECT string_agg(DISTINCT claimed_by, ' ') FROM leadroute.notifications WHERE lead_id IN ($hal)")
[ $ok = 0 ] && [[ "$res" == "200 notifications, 0 duplicates" ]]
report $? "two agents at once: 200 notifications, each sent exactly once (claimed by: $agents)" "$res"

# The database restarted under the agents: they reconnect and continue.
scripts/cluster.sh stop test >/dev/null 2>&1
sleep 1
scripts/cluster.sh start test >/dev/null 2>&1
after=$(insert to_hal 5 | paste -sd,)
wait_until "$(delivered "$after")" 30
ok=$?
grep -q "lost the database connection\|cannot reach the database" "$out/agent-A4.log"
lost=$?
sleep 1.5
health=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$METRICS_PORT/healthz")
[ $ok = 0 ] && [ $lost = 0 ] && [ "$health" = 200 ]
report $? "the database restarted under the agents: they reconnect and deliver the next leads (healthz $health)" "$(grep -h 'database' "$out"/agent-A4.log | tail -3)"
stop_agent A4; stop_agent A5

# A notification whose every claim ran out without an outcome (the agent died each time) is
# dead-lettered once it has had its attempts (max_attempts 3), not claimed forever.
poison=$(insert to_ana)
pid=$(q "SELECT id FROM leadroute.notifications WHERE lead_id = $poison")
for _ in 1 2 3; do
  as lr_agent_agent "SELECT count(*) FROM leadroute.claim_notifications('crashing', 50, '200 ms')" >/dev/null
  sleep 0.3
done
as lr_agent_agent "SELECT count(*) FROM leadroute.claim_notifications('crashing', 50, '200 ms')" >/dev/null
row=$(q "SELECT attempts, dead_at IS NOT NULL, delivered_at IS NULL, last_error FROM leadroute.notifications WHERE id = $pid")
[[ "$row" == "3|t|t|claimed 3 times without an outcome"* ]]
report $? "claimed max_attempts times without an outcome (an agent dying each time): dead-lettered, not claimed again" "$row"

# ---- the end --------------------------------------------------------------------------------
purged=$(as lr_agent_admin "SELECT leadroute.purge_notifications('0 seconds')")
left=$(q "SELECT count(*) FILTER (WHERE delivered_at IS NOT NULL) || ' ' || count(*) FILTER (WHERE dead_at IS NOT NULL) FROM leadroute.notifications")
[ "${purged:-0}" -gt 300 ] 2>/dev/null && [ "$left" = "0 2" ]
report $? "purge_notifications: delivered rows go ($purged), the dead letters stay" "$purged | $left"
"$AGENT" --help | grep -q -- "--conninfo" && { "$AGENT" --no-such-option 2>/dev/null; [ $? = 2 ]; }
report $? "--help documents the options; a bad option exits 2"
orphans=$(q "SELECT count(*) FROM leadroute.notifications n WHERE NOT EXISTS (SELECT 1 FROM leadroute.leads l WHERE l.id = n.lead_id)")
inv=$(psql -XAtq -d $DB -f test/invariant.sql -c "SELECT pg_temp.leadroute_invariant()" 2>&1)
[ "$orphans" = 0 ] && [ "$inv" = ok ]
report $? "the invariant holds after the agent layer: every notification points at an existing lead ($orphans orphans), every lead one decision and an owner or a queue" "$inv"
psql -Xq -d postgres -c "DROP DATABASE IF EXISTS $DB" 2>/dev/null
for r in agent admin ingest analyst rep; do psql -Xq -d postgres -c "DROP ROLE IF EXISTS lr_agent_$r" 2>/dev/null; done
echo "# agent: done"
