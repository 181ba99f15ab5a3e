#!/usr/bin/env bash
# Privileges as the real roles (issue 13): logins holding exactly one leadroute role run COPY,
# INSERT ... RETURNING, ON CONFLICT, UPDATE and queries. Three parts:
#   1. the role matrix of docs/security.md, cell by cell: every row names an action in
#      test/roles/actions/, run by each role's login ("yes": it succeeds; "no": permission denied);
#   2. one pgTAP file per role (test/roles/<role>.sql), run by that role's login with pg_prove;
#   3. as a superuser: what the logins did left no phantom records, and the invariant holds.
# Needs the running test cluster (PGHOST/PGPORT/PGUSER). Prints TAP-style "ok"/"not ok" lines and
# "# roles: done".
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${LEADROUTE_TEST_OUT:-build/roles}
mkdir -p "$out"
db=lr_roles
export PGOPTIONS="-c client_min_messages=warning"
report() { if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; [ -n "${3:-}" ] && echo "$3" | sed 's/^/#   /'; fi; }
q() { psql -XAtq -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
logins="lr_login_admin:leadroute_admin lr_login_ingest:leadroute_ingest lr_login_analyst:leadroute_analyst lr_login_rep:leadroute_rep lr_login_rep2:leadroute_rep"

psql -Xq -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null
for pair in $logins; do
  psql -Xq -d postgres -c "DROP ROLE IF EXISTS ${pair%%:*}" >/dev/null 2>&1
  psql -Xq -d postgres -c "CREATE ROLE ${pair%%:*} LOGIN IN ROLE ${pair##*:}" >/dev/null
done
psql -Xq -d postgres -c "CREATE DATABASE $db" >/dev/null
if ! psql -Xq -d "$db" -f test/roles/setup.sql >"$out/setup.log" 2>&1; then
  report 1 "the roles layer's organization loads" "$(tail -5 "$out/setup.log")"
  echo "# roles: done"; exit 0
fi
decisions_before=$(q "SELECT count(*) FROM leadroute.decisions")
own_lead=$(q "SELECT min(id) FROM leadroute.leads WHERE owner_id = 1 AND status = 'assigned'")

# ---- 1. the matrix ------------------------------------------------------------------------------
# Rows between the markers: | `action` | what | admin | ingest | analyst | rep |
matrix=$(sed -n '/<!-- role-matrix:begin -->/,/<!-- role-matrix:end -->/p' docs/security.md |
         grep -E '^\| `[a-z_]+` \|' )
[ -n "$matrix" ]; report $? "docs/security.md has the role matrix"
roles=(admin ingest analyst rep)
while IFS='|' read -r _ action _what c_admin c_ingest c_analyst c_rep _; do
  action=$(echo "$action" | tr -d ' `')
  cells=("$c_admin" "$c_ingest" "$c_analyst" "$c_rep")
  file=test/roles/actions/$action.sql
  if [ ! -f "$file" ]; then report 1 "matrix row $action has an action file ($file)"; continue; fi
  for i in 0 1 2 3; do
    expect=$(echo "${cells[$i]}" | tr -d ' ')
    login=lr_login_${roles[$i]}
    result=$( { echo '\set VERBOSITY verbose'; echo 'BEGIN;'; cat "$file"; echo 'ROLLBACK;'; } |
              psql -Xq -v ON_ERROR_STOP=1 -v own_lead="$own_lead" -U "$login" -d "$db" 2>&1 >/dev/null)
    rc=$?
    case "$expect" in
      yes) [ $rc = 0 ]; report $? "${roles[$i]} may: $action" "$result" ;;
      no) [ $rc != 0 ] && echo "$result" | grep -qE 'ERROR: +42501'
          report $? "${roles[$i]} may not: $action (permission denied)" "${result:-it succeeded}" ;;
      *) report 1 "matrix cell ${roles[$i]}/$action is yes or no (it is '$expect')" ;;
    esac
  done
done <<<"$matrix"
for f in test/roles/actions/*.sql; do
  a=$(basename "$f" .sql)
  echo "$matrix" | grep -q "| \`$a\` |"; report $? "action $a is a row of the matrix in docs/security.md"
done

# ---- 2. each role's own tests -------------------------------------------------------------------
for role in ingest rep rep2 analyst admin; do
  if pg_prove -U "lr_login_$role" -d "$db" --set own_lead="$own_lead" "test/roles/$role.sql" >"$out/$role.log" 2>&1; then
    report 0 "pgTAP as a login holding only its role: $role ($(grep -Eo 'Tests=[0-9]+' "$out/$role.log"))"
  else
    report 1 "pgTAP as a login holding only its role: $role" "$(grep -vE '^ok|\.\. ok' "$out/$role.log" | head -30)"
  fi
done

# ---- 3. no phantom records, and the invariant -------------------------------------------------
# A setting set before the library is loaded is a placeholder: it must not take effect either.
psql -Xq -U lr_login_ingest -d "$db" -c "SET leadroute.trace = 'off'" -c "SET leadroute.notify = off" \
  -c "INSERT INTO leadroute.leads (email, country) VALUES ('trace.off@placeholder.example', 'US')" >"$out/placeholder.log" 2>&1
n=$(q "SELECT count(*) FROM leadroute.decisions d JOIN leadroute.leads l ON l.id = d.lead_id
        WHERE l.email = 'trace.off@placeholder.example' AND d.trace ? 'rules'")
[ "$n" = 1 ]; report $? "SET leadroute.trace = off before the library loads does not switch the trace off" "$(cat "$out/placeholder.log")"

# The ingest and admin files ran ON CONFLICT DO NOTHING/DO UPDATE on existing people: every
# decision of this run belongs to a lead that exists.
n=$(q "SELECT count(*) FROM leadroute.decisions d WHERE NOT EXISTS (SELECT FROM leadroute.leads l WHERE l.id = d.lead_id)")
[ "$n" = 0 ]; report $? "ON CONFLICT left no decision for a lead that was not inserted" "$n phantom decisions (of $(q "SELECT count(*) FROM leadroute.decisions") ; $decisions_before before)"
inv=$(psql -XAtq -d "$db" -f test/invariant.sql -c "SELECT pg_temp.leadroute_invariant()" 2>&1)
[ "$inv" = "ok" ]; report $? "the invariant holds after the roles layer" "$inv"

psql -Xq -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null
for pair in $logins; do psql -Xq -d postgres -c "DROP ROLE IF EXISTS ${pair%%:*}" >/dev/null 2>&1; done
echo "# roles: done"
