-- pg_cron jobs: leadroute-sla runs escalate_overdue() every minute, leadroute-metrics runs
-- refresh_metrics() every ten minutes, leadroute-retention runs purge_history() daily (traces,
-- delivered notifications, shadow decisions, config history). DROP EXTENSION removes them (86_operations.sql);
-- each job's command also unschedules itself once the extension is gone. CREATE OR REPLACE only:
-- the update from 0.2.0 includes this file.
CREATE OR REPLACE FUNCTION leadroute._cron_jobs(OUT job text, OUT schedule text, OUT call text, OUT every text)
  RETURNS SETOF record
  LANGUAGE sql IMMUTABLE
  SET search_path = pg_catalog, pg_temp
  AS $$ VALUES ('leadroute-sla', '* * * * *', 'leadroute.escalate_overdue()', 'every minute'),
               ('leadroute-metrics', '*/10 * * * *', 'leadroute.refresh_metrics()', 'every ten minutes'),
               ('leadroute-retention', '17 3 * * *', 'leadroute.purge_history()', 'every day at 03:17 GMT') $$;
COMMENT ON FUNCTION leadroute._cron_jobs() IS 'Internal: the pg_cron jobs of leadroute';

CREATE OR REPLACE FUNCTION leadroute._cron_command(job text, call text) RETURNS text
  LANGUAGE sql IMMUTABLE
  SET search_path = pg_catalog, pg_temp
  RETURN pg_catalog.format(
    'DO $job$ BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = ''leadroute'') THEN PERFORM %s; '
    'ELSIF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = ''pg_cron'') THEN PERFORM cron.unschedule(%L); '
    'END IF; END $job$', call, job);
COMMENT ON FUNCTION leadroute._cron_command(text, text) IS 'Internal: the command of a leadroute pg_cron job';

CREATE OR REPLACE FUNCTION leadroute._cron_remote_command(call text) RETURNS text
  LANGUAGE sql IMMUTABLE
  SET search_path = pg_catalog, pg_temp
  RETURN pg_catalog.format(
    'DO $job$ BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = ''leadroute'') THEN PERFORM %s; '
    'END IF; END $job$', call);
COMMENT ON FUNCTION leadroute._cron_remote_command(text) IS
  'Internal: the command of a job scheduled from pg_cron''s database (a no-op once leadroute is dropped)';

-- Security definer: an admin may schedule these fixed jobs without rights on pg_cron's schema;
-- the jobs run as the extension's owner, like the engine's own writes.
CREATE OR REPLACE FUNCTION leadroute.schedule_jobs() RETURNS SETOF text
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  j record;
  repaired bigint;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'pg_cron') THEN
    FOR j IN SELECT * FROM leadroute._cron_jobs() LOOP
      EXECUTE 'SELECT cron.schedule($1, $2, $3)' USING j.job, j.schedule, leadroute._cron_command(j.job, j.call);
      -- pg_cron's upsert keeps a job's node, port and database: after a failover to a node on
      -- another port the replicated rows still point at the old primary. Point them here.
      EXECUTE 'UPDATE cron.job SET nodename = $2, nodeport = $3, database = $4, active = true'
              ' WHERE jobname = $1 AND username = CURRENT_USER'
              '   AND (nodename, nodeport, database, active) IS DISTINCT FROM ($2, $3, $4, true)'
        USING j.job, coalesce(nullif(pg_catalog.current_setting('cron.host', true), ''), 'localhost'),
              pg_catalog.current_setting('port')::integer, pg_catalog.current_database();
      GET DIAGNOSTICS repaired = ROW_COUNT;
      RETURN NEXT pg_catalog.format('scheduled pg_cron job %s: %s%s', j.job, j.every,
                                    CASE WHEN repaired > 0 THEN ' (repaired: it pointed at another node, port or database)' ELSE '' END);
    END LOOP;
    RETURN;
  END IF;
  -- From pg_cron's database the jobs are named after this database (several databases may use
  -- leadroute), and do nothing once the extension is dropped here.
  IF pg_catalog.current_setting('cron.database_name', true) IS NULL THEN
    RAISE NOTICE 'pg_cron is not loaded: SLA escalation, metric rollups and retention are not scheduled (leads are routed; overdue leads are not escalated)'
      USING HINT = 'Install pg_cron (Debian: apt-get install postgresql-15-cron), set shared_preload_libraries = ''pg_cron'' and cron.database_name in postgresql.conf, restart, run CREATE EXTENSION pg_cron in that database, then SELECT leadroute.schedule_jobs(); here. Until then run SELECT leadroute.escalate_overdue(); every minute yourself.';
    RETURN NEXT 'not scheduled: see the notice';
    RETURN;
  END IF;
  IF pg_catalog.current_setting('cron.database_name') OPERATOR(pg_catalog.=) pg_catalog.current_database() THEN
    RAISE NOTICE 'pg_cron is loaded but not installed in this database: SLA escalation, metric rollups and retention are not scheduled'
      USING HINT = 'Run CREATE EXTENSION pg_cron; then SELECT leadroute.schedule_jobs(); (both as a superuser).';
    RETURN NEXT 'not scheduled: see the notice';
    RETURN;
  END IF;
  RAISE NOTICE 'pg_cron is not installed in this database: SLA escalation, metric rollups and retention are not scheduled'
    USING HINT = 'pg_cron lives in database ' || pg_catalog.quote_ident(pg_catalog.current_setting('cron.database_name'))
                 || '. There, as a superuser, run: ' || (
      SELECT pg_catalog.string_agg(pg_catalog.format('SELECT cron.schedule_in_database(%L, %L, %L, %L);',
                                                     c.job || '-' || pg_catalog.current_database(), c.schedule,
                                                     leadroute._cron_remote_command(c.call),
                                                     pg_catalog.current_database()), ' ')
        FROM leadroute._cron_jobs() c);
  RETURN NEXT 'not scheduled: see the notice';
END
$body$;
COMMENT ON FUNCTION leadroute.schedule_jobs() IS
  'Schedules (and repairs after a failover) the pg_cron jobs leadroute-sla (escalate_overdue, every minute), leadroute-metrics (refresh_metrics, every ten minutes) and leadroute-retention (purge_history, daily), or says how to when pg_cron is missing or lives in another database';

CREATE OR REPLACE FUNCTION leadroute.unschedule_jobs() RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  j record;
  k bigint;
  n integer := 0;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'pg_cron') THEN
    RETURN 0;
  END IF;
  FOR j IN SELECT * FROM leadroute._cron_jobs() LOOP
    EXECUTE 'SELECT count(*) FROM cron.job WHERE jobname = $1' INTO STRICT k USING j.job;
    IF k > 0 THEN
      EXECUTE 'SELECT cron.unschedule($1)' USING j.job;
      n := n + 1;
    END IF;
  END LOOP;
  RETURN n;
END
$body$;
COMMENT ON FUNCTION leadroute.unschedule_jobs() IS 'Removes the pg_cron jobs leadroute-sla, leadroute-metrics and leadroute-retention; returns how many were removed';
