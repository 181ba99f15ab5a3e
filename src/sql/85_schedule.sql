-- pg_cron jobs: leadroute-sla runs escalate_overdue() every minute, leadroute-metrics runs
-- refresh_metrics() every ten minutes, leadroute-outbox purges delivered notifications hourly. Each job's command unschedules itself once the extension
-- is gone, so DROP EXTENSION leaves no failing job behind.
CREATE FUNCTION leadroute._cron_jobs(OUT job text, OUT schedule text, OUT call text, OUT every text)
  RETURNS SETOF record
  LANGUAGE sql IMMUTABLE
  SET search_path = pg_catalog, pg_temp
  AS $$ VALUES ('leadroute-sla', '* * * * *', 'leadroute.escalate_overdue()', 'every minute'),
               ('leadroute-metrics', '*/10 * * * *', 'leadroute.refresh_metrics()', 'every ten minutes'),
               ('leadroute-outbox', '17 * * * *', 'leadroute.purge_notifications()', 'every hour') $$;
COMMENT ON FUNCTION leadroute._cron_jobs() IS 'Internal: the pg_cron jobs of leadroute';

CREATE FUNCTION leadroute._cron_command(job text, call text) RETURNS text
  LANGUAGE sql IMMUTABLE
  SET search_path = pg_catalog, pg_temp
  RETURN pg_catalog.format(
    'DO $job$ BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = ''leadroute'') THEN PERFORM %s; '
    'ELSIF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = ''pg_cron'') THEN PERFORM cron.unschedule(%L); '
    'END IF; END $job$', call, job);
COMMENT ON FUNCTION leadroute._cron_command(text, text) IS 'Internal: the command of a leadroute pg_cron job';

CREATE FUNCTION leadroute._cron_remote_command(call text) RETURNS text
  LANGUAGE sql IMMUTABLE
  SET search_path = pg_catalog, pg_temp
  RETURN pg_catalog.format(
    'DO $job$ BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = ''leadroute'') THEN PERFORM %s; '
    'END IF; END $job$', call);
COMMENT ON FUNCTION leadroute._cron_remote_command(text) IS
  'Internal: the command of a job scheduled from pg_cron''s database (a no-op once leadroute is dropped)';

-- Security definer: an admin may schedule these fixed jobs without rights on pg_cron's schema;
-- the jobs run as the extension's owner, like the engine's own writes.
CREATE FUNCTION leadroute.schedule_jobs() RETURNS SETOF text
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  j record;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'pg_cron') THEN
    FOR j IN SELECT * FROM leadroute._cron_jobs() LOOP
      EXECUTE 'SELECT cron.schedule($1, $2, $3)' USING j.job, j.schedule, leadroute._cron_command(j.job, j.call);
      RETURN NEXT pg_catalog.format('scheduled pg_cron job %s: %s', j.job, j.every);
    END LOOP;
    RETURN;
  END IF;
  -- From pg_cron's database the jobs are named after this database (several databases may use
  -- leadroute), and do nothing once the extension is dropped here.
  RAISE NOTICE 'pg_cron is not installed in this database; SLA escalation and metric rollups are not scheduled'
    USING HINT = 'In the database where pg_cron is installed (cron.database_name), run: ' || (
      SELECT pg_catalog.string_agg(pg_catalog.format('SELECT cron.schedule_in_database(%L, %L, %L, %L);',
                                                     c.job || '-' || pg_catalog.current_database(), c.schedule,
                                                     leadroute._cron_remote_command(c.call),
                                                     pg_catalog.current_database()), ' ')
        FROM leadroute._cron_jobs() c);
  RETURN NEXT 'not scheduled: see the notice';
END
$body$;
COMMENT ON FUNCTION leadroute.schedule_jobs() IS
  'Schedules the pg_cron jobs leadroute-sla (escalate_overdue, every minute), leadroute-metrics (refresh_metrics, every ten minutes) and leadroute-outbox (purge_notifications, every hour), or says how to when pg_cron lives in another database';

CREATE FUNCTION leadroute.unschedule_jobs() RETURNS integer
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
COMMENT ON FUNCTION leadroute.unschedule_jobs() IS 'Removes the pg_cron jobs leadroute-sla, leadroute-metrics and leadroute-outbox; returns how many were removed';
