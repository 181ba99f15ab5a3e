#!/usr/bin/env bash
# make soak (issue 8; not part of make test or CI): builds and installs leadroute like make test,
# starts a private cluster "soak", loads the demo organization and then, for SOAK_MINUTES
# (default 10):
#   - 4 clients insert leads (pgbench, scripts/soak/insert.pgbench, SOAK_RATE transactions per
#     second in total, default 400), each over one connection for the whole run;
#   - pg_cron runs leadroute.escalate_overdue() every minute (leadroute.schedule_jobs());
#   - a fifth client plays the reps: it contacts fresh leads and closes contacted ones
#     (scripts/soak/contact.pgbench), so older leads miss their SLA and are escalated;
#   - every SOAK_SAMPLE_SECONDS (default 15) the memory of each client backend is sampled from
#     /proc: VmRSS, RssAnon (private heap: palloc and malloc, where a cache leak shows) and Pss.
# At the end it prints memory over time per backend, a verdict on growth (RssAnon growth in the
# second half of the run against the first half: flattening passes), the counts of leads
# inserted, routed and escalated, and every ERROR, FATAL, PANIC or WARNING of the server log.
# Exits non-zero when memory keeps growing, when the log has such a line, or when a step fails.
# Honours DESTDIR, LEADROUTE_PGBIN (a private server copy, DEVELOPERS.md), LEADROUTE_SOAK_PORT
# (default LEADROUTE_PORT + 10, or 55442) and LEADROUTE_SOAK_DATADIR (default
# LEADROUTE_DATADIR-soak, or /tmp/leadroute-soak). The cluster is stopped at the end; its data
# directory (and server.log) stays for inspection, along with build/soak/.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
MINUTES=${SOAK_MINUTES:-10}
RATE=${SOAK_RATE:-400}
EVERY=${SOAK_SAMPLE_SECONDS:-15}
CLIENTS=4
out=$BUILD_DIR/soak
mkdir -p "$out"
export LEADROUTE_PORT=${LEADROUTE_SOAK_PORT:-$(( ${LEADROUTE_PORT:-55432} + 10 ))}
export LEADROUTE_DATADIR=${LEADROUTE_SOAK_DATADIR:-${LEADROUTE_DATADIR:-/tmp/leadroute}-soak}
export PGOPTIONS="-c client_min_messages=warning"
die() { echo "soak: $*" >&2; exit 1; }

echo "== Building and installing leadroute =="
if ! { cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
       cmake --build "$BUILD_DIR" --target leadroute_core -j2 &&
       make BUILD_DIR="$BUILD_DIR" -j2 && make BUILD_DIR="$BUILD_DIR" install; } >"$out/build.log" 2>&1; then
  tail -30 "$out/build.log"
  die "build or install failed (installing needs root, or DESTDIR pointing at a private server copy)"
fi

echo "== Starting the soak cluster (port $LEADROUTE_PORT, data in $LEADROUTE_DATADIR) =="
scripts/cluster.sh start soak --fresh >"$out/cluster.log" 2>&1 || { cat "$out/cluster.log"; die "cluster start failed"; }
eval "$(scripts/cluster.sh env soak)"
trap 'scripts/cluster.sh stop soak' EXIT
log=$LEADROUTE_DATADIR/server.log
q() { psql -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

# pg_cron first: CREATE EXTENSION leadroute then schedules its jobs; schedule_jobs() is called
# again so that the soak does not depend on that order.
psql -Xq -v ON_ERROR_STOP=1 >"$out/setup.log" 2>&1 <<'SQL' || { cat "$out/setup.log"; die "setup failed"; }
ALTER DATABASE leadroute_soak SET synchronous_commit = off;
CREATE EXTENSION pg_cron;
CREATE EXTENSION leadroute CASCADE;
\i demo/org.sql
-- Web leads get a two-minute SLA so that the every-minute job has work all along.
INSERT INTO leadroute.sla_policies (name, priority, condition, response_minutes)
VALUES ('Soak: web forms', 5, $$source = 'web'$$, 2);
-- Ten times the demo's capacity: reps keep taking leads, so picking is exercised all along.
UPDATE leadroute.reps SET max_open_leads = max_open_leads * 10;
SELECT leadroute.schedule_jobs();
SQL
# Startup noise (pg_cron looks for its database before cluster.sh has created it) is not the soak's.
log_offset=$(stat -c %s "$log")
jobs=$(q "SELECT string_agg(jobname || ' (' || schedule || ')', ', ') FROM cron.job WHERE jobname LIKE 'leadroute-%'")
echo "pg_cron jobs: $jobs"

echo "== Soaking: $CLIENTS clients inserting at $RATE leads/s in total for $MINUTES min, sampling every $EVERY s =="
start_epoch=$(date +%s)
PGAPPNAME=soak-insert pgbench -n -c "$CLIENTS" -j 2 -R "$RATE" -T $((MINUTES * 60)) \
  -f scripts/soak/insert.pgbench >"$out/pgbench-insert.log" 2>&1 &
inserters=$!
PGAPPNAME=soak-contact pgbench -n -c 1 -T $((MINUTES * 60)) \
  -f scripts/soak/contact.pgbench >"$out/pgbench-contact.log" 2>&1 &
contacter=$!

# Wait for the clients' backends, then sample them until pgbench ends.
pids=""
for _ in $(seq 50); do
  pids=$(q "SELECT string_agg(pid::text, ' ' ORDER BY application_name, pid) FROM pg_stat_activity
             WHERE application_name IN ('soak-insert', 'soak-contact') AND backend_type = 'client backend'")
  [ "$(echo "$pids" | wc -w)" = $((CLIENTS + 1)) ] && break
  sleep 0.2
done
[ "$(echo "$pids" | wc -w)" = $((CLIENTS + 1)) ] || die "the client backends did not show up: '$pids'"
q "SELECT pid || ' ' || application_name FROM pg_stat_activity WHERE pid IN ($(echo "$pids" | tr ' ' ','))" \
  | sort -n >"$out/backends.txt"
samples=$out/memory.tsv
echo -e "seconds\tpid\trss_kb\tanon_kb\tpss_kb\tleads" >"$samples"
kb() { awk -v k="$2:" '$1 == k { print $2; exit }' "$1" 2>/dev/null; }
sample() {
  local now leads
  now=$(( $(date +%s) - start_epoch ))
  leads=$(q "SELECT coalesce(max(id), 0) FROM leadroute.leads" 2>/dev/null || echo "")
  for pid in $pids; do
    [ -r "/proc/$pid/status" ] || continue
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$now" "$pid" "$(kb "/proc/$pid/status" VmRSS)" \
      "$(kb "/proc/$pid/status" RssAnon)" "$(kb "/proc/$pid/smaps_rollup" Pss)" "$leads" >>"$samples"
  done
}
# The last sample is taken 3 s before the end, while the clients are still connected.
deadline=$((MINUTES * 60 - 3))
while kill -0 "$inserters" 2>/dev/null; do
  sample
  left=$(( deadline - ($(date +%s) - start_epoch) ))
  [ "$left" -gt 0 ] || break
  sleep $(( left < EVERY ? left : EVERY ))
done
wait "$inserters"; insert_rc=$?
wait "$contacter"; contact_rc=$?
# Let a last escalation run finish before counting.
sleep 2

echo
echo "== pgbench =="
grep -E "^(number of transactions actually processed|number of failed|latency average|tps)" "$out/pgbench-insert.log" | sed 's/^/  inserts: /'
grep -E "^number of transactions actually processed" "$out/pgbench-contact.log" | sed 's/^/  reps:    /'
[ "$insert_rc" = 0 ] && [ "$contact_rc" = 0 ] || { tail -5 "$out/pgbench-insert.log" "$out/pgbench-contact.log"; echo "soak: a pgbench client failed"; }

echo
echo "== Leads =="
psql -X -P footer=off <<'SQL'
SELECT (SELECT count(*) FROM leadroute.leads) AS inserted,
       (SELECT count(*) FROM leadroute.decisions WHERE kind = 'routed') AS routing_decisions,
       (SELECT count(*) FROM leadroute.assignments WHERE reason = 'routed' AND rep_id IS NOT NULL) AS routed_to_a_rep,
       (SELECT count(*) FROM leadroute.decisions WHERE kind = 'routed' AND owner_id IS NULL) AS routed_to_a_queue,
       (SELECT count(*) FROM leadroute.leads WHERE queue = 'routing_error') AS routing_errors,
       (SELECT count(*) FROM leadroute.assignments WHERE reason = 'escalated') AS escalations,
       (SELECT count(DISTINCT lead_id) FROM leadroute.assignments WHERE reason = 'escalated') AS leads_escalated,
       (SELECT count(*) FROM leadroute.leads WHERE first_contact_at IS NOT NULL) AS contacted;
SELECT status, count(*) FROM leadroute.leads GROUP BY 1 ORDER BY 2 DESC;
SELECT j.jobname, count(*) AS runs, count(*) FILTER (WHERE d.status = 'succeeded') AS succeeded,
       count(*) FILTER (WHERE d.status = 'failed') AS failed
  FROM cron.job_run_details d JOIN cron.job j USING (jobid) GROUP BY 1 ORDER BY 1;
SQL
lost=$(q "SELECT count(*) FROM leadroute.leads l WHERE NOT EXISTS (SELECT 1 FROM leadroute.decisions d WHERE d.lead_id = l.id)")
cron_ok=$(q "SELECT count(*) FROM cron.job_run_details d JOIN cron.job j USING (jobid) WHERE j.jobname = 'leadroute-sla' AND d.status = 'succeeded'")
cron_failed=$(q "SELECT count(*) FROM cron.job_run_details d JOIN cron.job j USING (jobid) WHERE d.status = 'failed'")

echo
echo "== Memory of the client backends (MB; RssAnon is the backend's private heap) =="
python3 - "$samples" "$out/backends.txt" "$MINUTES" <<'PY' >"$out/memory-report.txt"
import sys
from collections import defaultdict
samples, backends, minutes = sys.argv[1], sys.argv[2], int(sys.argv[3])
names = dict(line.split() for line in open(backends) if line.strip())
rows = [l.rstrip("\n").split("\t") for l in open(samples)][1:]
by_pid = defaultdict(list)
for t, pid, rss, anon, pss, leads in rows:
    if rss and anon:
        by_pid[pid].append((int(t), int(rss), int(anon), int(pss or 0), int(leads or 0)))
pids = sorted(by_pid, key=lambda p: (names.get(p, ""), int(p)))
mb = lambda kb: f"{kb / 1024:.1f}"
print("time    leads  " + "  ".join(f"{names.get(p, '?')[5:]}:{p} rss/anon/pss".rjust(30) for p in pids))
times = sorted({s[0] for p in pids for s in by_pid[p]})
for t in times:
    cells, leads = [], ""
    for p in pids:
        s = [x for x in by_pid[p] if x[0] == t]
        if s:
            leads = s[0][4]
            cells.append(f"{mb(s[0][1])}/{mb(s[0][2])}/{mb(s[0][3])}".rjust(30))
        else:
            cells.append("-".rjust(30))
    print(f"{t // 60:2d}:{t % 60:02d}  {str(leads).rjust(7)}  " + "  ".join(cells))
print()
print("verdict per backend: RssAnon growth from the first sample to the middle of the run, and from")
print("the middle to the end; the second half must flatten (at most 1 MB, or at most half of the first)")
failed = 0
for p in pids:
    s = by_pid[p]
    if len(s) < 3:
        print(f"  {names.get(p, '?')} {p}: too few samples"); failed += 1; continue
    first, last = s[0], s[-1]
    mid = min(s, key=lambda x: abs(x[0] - (first[0] + last[0]) / 2))
    g1, g2 = mid[2] - first[2], last[2] - mid[2]
    leads2 = max(last[4] - mid[4], 1)
    ok = g2 <= 1024 or g2 <= g1 / 2
    failed += not ok
    print(f"  {names.get(p, '?'):12} {p}: {mb(first[2])} -> {mb(mid[2])} -> {mb(last[2])} MB  "
          f"(first half {g1:+d} kB, second half {g2:+d} kB, {g2 * 1024 / leads2:+.1f} bytes per lead "
          f"inserted in the second half)  {'flat' if ok else 'GROWING'}")
print("memory: " + ("pass" if failed == 0 else f"FAIL ({failed} backends still growing)"))
sys.exit(1 if failed else 0)
PY
memory_rc=$?
cat "$out/memory-report.txt"

echo
echo "== Server log: ERROR, FATAL, PANIC, WARNING =="
tail -c +$((log_offset + 1)) "$log" | grep -E "(ERROR|FATAL|PANIC|WARNING):" >"$out/log-problems.txt"
if [ -s "$out/log-problems.txt" ]; then
  head -50 "$out/log-problems.txt"
  echo "($(wc -l <"$out/log-problems.txt") lines; full log: $log)"
else
  echo "  none (since the organization was loaded; full log: $log)"
fi

echo
echo "== Soak verdict =="
status=0
check() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; status=1; fi; }
[ "$insert_rc" = 0 ] && [ "$contact_rc" = 0 ]; check $? "the pgbench clients ran to the end"
[ "$lost" = 0 ]; check $? "every lead has a routing decision ($lost without)"
[ "$cron_ok" -ge $((MINUTES - 2)) ] && [ "$cron_failed" = 0 ]
check $? "pg_cron ran the escalation every minute ($cron_ok runs succeeded, $cron_failed failed)"
check "$memory_rc" "backend memory flattens"
[ ! -s "$out/log-problems.txt" ]; check $? "no ERROR, FATAL, PANIC or WARNING in the server log"
inv=$(psql -XAtq -d "${PGDATABASE:-leadroute_soak}" -f test/invariant.sql -c "SELECT pg_temp.leadroute_invariant()" 2>&1)
[ "$inv" = ok ]; check $? "the invariant holds after the soak ($inv)"
echo "(samples: $samples; logs: $out/)"
exit $status
