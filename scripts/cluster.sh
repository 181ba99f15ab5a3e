#!/usr/bin/env bash
# A private PostgreSQL 15 cluster with pg_cron preloaded, for the demo and the tests.
#   scripts/cluster.sh start NAME [--fresh]   create if needed, start, print connection settings
#   scripts/cluster.sh stop NAME
#   scripts/cluster.sh env NAME               print export lines (PGHOST, PGPORT, PGUSER, PGDATABASE)
# NAME is demo (port 55433, database leadroute_demo) or test (port 55432, database leadroute_test);
# any other NAME needs LEADROUTE_PORT, which also overrides the two defaults. LEADROUTE_DATADIR
# overrides the data directory (/tmp/leadroute-NAME).
# The server runs as the postgres user when invoked as root (initdb refuses root).
set -euo pipefail

PG_MAJOR=15
# LEADROUTE_PGBIN: a relocated copy of the server (see DEVELOPERS.md, "Working in parallel").
PGBIN=${LEADROUTE_PGBIN:-/usr/lib/postgresql/$PG_MAJOR/bin}
cmd=${1:?usage: cluster.sh start|stop|env NAME [--fresh]}
name=${2:?usage: cluster.sh start|stop|env NAME [--fresh]}
fresh=${3:-}

case "$name" in
  demo) port=${LEADROUTE_PORT:-55433} ;;
  test) port=${LEADROUTE_PORT:-55432} ;;
  *) port=${LEADROUTE_PORT:?set LEADROUTE_PORT for cluster $name} ;;
esac
db=leadroute_$name
datadir=${LEADROUTE_DATADIR:-/tmp/leadroute-$name}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

print_env() {
  echo "export PGHOST=/tmp PGPORT=$port PGUSER=postgres PGDATABASE=$db"
}

start() {
  if [ "$fresh" = "--fresh" ] && [ -d "$datadir" ]; then
    as_owner "$PGBIN/pg_ctl" -D "$datadir" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$datadir"
  fi
  if [ ! -f "$datadir/PG_VERSION" ]; then
    if [ "$(id -u)" = 0 ]; then
      install -d -o postgres -g postgres -m 700 "$datadir"
    else
      install -d -m 700 "$datadir"
    fi
    as_owner "$PGBIN/initdb" -D "$datadir" -U postgres -E UTF8 --locale=C.UTF-8 --auth=trust >/dev/null
    cat >>"$datadir/postgresql.conf" <<CONF
# leadroute private cluster ($name)
port = $port
listen_addresses = 'localhost'      # pg_cron jobs connect over TCP
unix_socket_directories = '/tmp'
shared_preload_libraries = 'pg_cron'
cron.database_name = '$db'          # CREATE EXTENSION pg_cron works only in this database
max_connections = 60
log_min_messages = warning
log_line_prefix = '%m [%p] %d '
CONF
    if [ "$name" = test ]; then
      # A throwaway cluster: durability is not what these tests measure (the crash test sets its own).
      printf "fsync = off\nfull_page_writes = off\nsynchronous_commit = off\n" >>"$datadir/postgresql.conf"
    fi
  fi
  if ! as_owner "$PGBIN/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
    as_owner "$PGBIN/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w -t 60 start >/dev/null
  fi
  PGHOST=/tmp PGPORT=$port PGUSER=postgres psql -d postgres -Xqtc \
    "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 ||
    PGHOST=/tmp PGPORT=$port PGUSER=postgres psql -d postgres -Xqc "CREATE DATABASE $db" >/dev/null
}

case "$cmd" in
  start) start ;;
  stop)
    if [ -f "$datadir/PG_VERSION" ]; then
      as_owner "$PGBIN/pg_ctl" -D "$datadir" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
  env) print_env ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
