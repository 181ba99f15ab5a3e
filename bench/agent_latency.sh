#!/usr/bin/env bash
# Commit-to-request latency of leadroute-agent (issue 16): one pgbench client inserts N leads
# (default 1,000), one per transaction, at RATE per second (default 50); each lead's notification
# goes to a local webhook receiver (test/agent/receiver.py). For every lead: its transaction's
# commit time (track_commit_timestamp, turned on in the bench cluster: the server's clock at the
# commit record) against the time the webhook request arrived at the receiver (same machine, same
# clock). Prints median, p90, p99 and max.
# Run after make install. Honours LEADROUTE_PGBIN, LEADROUTE_PORT (default 55434, the bench
# cluster of bench/run.sh) and LEADROUTE_DATADIR; uses ports PORT+2 to PORT+4 for the receiver
# and the agent's /metrics.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
RATE=${RATE:-50}
export LEADROUTE_PORT=${LEADROUTE_PORT:-55434}
PGBIN=${LEADROUTE_PGBIN:-/usr/lib/postgresql/15/bin}
out=build/bench-agent
mkdir -p "$out"
rm -f "$out"/*
scripts/cluster.sh start bench >/dev/null
eval "$(scripts/cluster.sh env bench)"
if [ "$(psql -XAtc 'SHOW track_commit_timestamp')" != on ]; then
  psql -Xqc "ALTER SYSTEM SET track_commit_timestamp = on"
  scripts/cluster.sh stop bench && scripts/cluster.sh start bench >/dev/null
fi
export PGDATABASE=lr_agent_bench
psql -Xq -d postgres -c "DROP DATABASE IF EXISTS lr_agent_bench" -c "CREATE DATABASE lr_agent_bench"
http=$((PGPORT + 2)) smtp=$((PGPORT + 3)) metrics=$((PGPORT + 4))
psql -Xq -v ON_ERROR_STOP=1 <<SQL
SET client_min_messages = warning;
CREATE EXTENSION leadroute CASCADE;
INSERT INTO leadroute.reps (name, email, notify_channel, notify_address)
VALUES ('Bench Rep', 'bench@example.com', 'webhook', 'http://127.0.0.1:$http/ok/bench');
INSERT INTO leadroute.rules (name, priority, condition, action, rep_id) VALUES ('all', 10, 'TRUE', 'rep', 1);
INSERT INTO leadroute.delivery_endpoints (name, channel, url, secret)
VALUES ('bench', 'webhook', 'http://127.0.0.1:$http/', 'bench-secret');
DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bench_agent') THEN
  CREATE ROLE bench_agent LOGIN IN ROLE leadroute_agent; END IF; END \$\$;
SQL
/usr/bin/python3 test/agent/receiver.py --http-port $http --smtp-port $smtp --log "$out/received.jsonl" >"$out/receiver.log" 2>&1 &
receiver=$!
"$PGBIN/leadroute-agent" -d "host=$PGHOST port=$PGPORT dbname=$PGDATABASE user=bench_agent" -n bench \
  -l 127.0.0.1:$metrics >/dev/null 2>"$out/agent.log" &
agent=$!
trap 'kill $agent $receiver 2>/dev/null; wait 2>/dev/null' EXIT
sleep 1
echo "INSERT INTO leadroute.leads (email, source) VALUES ('b' || :client_id || '-' || random() || '@bench.example', 'web');" >"$out/insert.pgbench"
(cd "$out" && "$PGBIN/pgbench" -n -c 1 -j 1 -t "$N" -R "$RATE" -f insert.pgbench >pgbench.out 2>&1)
for _ in $(seq 100); do
  [ "$(psql -XAtc "SELECT count(*) FROM leadroute.notifications WHERE delivered_at IS NULL")" = 0 ] && break
  sleep 0.1
done
psql -XAtc "SELECT id, extract(epoch FROM pg_xact_commit_timestamp(xmin)) FROM leadroute.leads ORDER BY id" >"$out/commits.txt"
/usr/bin/python3 - "$out" "$N" <<'PY'
import json, statistics, sys
out, n = sys.argv[1], int(sys.argv[2])
commit_at = {}
for line in open(f"{out}/commits.txt"):
    lead, t = line.strip().split("|")
    commit_at[int(lead)] = float(t)
ids = sorted(commit_at)
assert len(ids) == n, (len(ids), n)
arrived = {}
for line in open(f"{out}/received.jsonl"):
    r = json.loads(line)
    lead = json.loads(r["body"])["lead_id"]
    arrived.setdefault(lead, r["t"])   # the first request of each lead
lat = sorted((arrived[l] - commit_at[l]) * 1000 for l in ids if l in arrived)
q = statistics.quantiles(lat, n=100, method="inclusive")
print(f"leads {n}, delivered {len(lat)}; commit-to-request ms: median {statistics.median(lat):.2f}, "
      f"p90 {q[89]:.2f}, p99 {q[98]:.2f}, max {lat[-1]:.2f}, min {lat[0]:.2f}")
PY
