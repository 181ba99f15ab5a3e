-- SLA clocks and escalation (DESIGN.md §6).

CREATE FUNCTION leadroute.add_business_minutes(start timestamptz, minutes integer,
                                               working_hours jsonb, timezone text)
  RETURNS timestamptz
  LANGUAGE c STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_add_business_minutes';
COMMENT ON FUNCTION leadroute.add_business_minutes(timestamptz, integer, jsonb, text) IS
  'The time when `minutes` of working time have passed after `start`, counting only `working_hours` in `timezone` (DST by PostgreSQL''s rules); NULL hours count every minute';

CREATE FUNCTION leadroute.record_contact(lead_id bigint, at timestamptz DEFAULT pg_catalog.now())
  RETURNS void
  LANGUAGE c VOLATILE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_record_contact';
COMMENT ON FUNCTION leadroute.record_contact(bigint, timestamptz) IS
  'Records the first contact with a lead (once) and stops its SLA clock; an assigned lead becomes contacted';

CREATE FUNCTION leadroute.escalate_overdue(max_leads integer DEFAULT 1000) RETURNS integer
  LANGUAGE c VOLATILE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_escalate_overdue';
COMMENT ON FUNCTION leadroute.escalate_overdue(integer) IS
  'Escalates assigned, uncontacted leads past sla_due_at (at most max_leads, skipping leads locked by others): to the owner''s backup or the next eligible pool member, after leadroute.max_escalations to the manager''s queue; returns how many';

CREATE FUNCTION leadroute._lead_updated() RETURNS trigger
  LANGUAGE c
  AS 'MODULE_PATHNAME', 'leadroute_lead_updated';
COMMENT ON FUNCTION leadroute._lead_updated() IS
  'Internal: sets first_contact_at and converted_at, and records an owner changed by hand (reason manual, new SLA clock)';

CREATE TRIGGER track_updates BEFORE UPDATE ON leadroute.leads
  FOR EACH ROW EXECUTE FUNCTION leadroute._lead_updated();
CREATE TRIGGER route_flush_update AFTER UPDATE ON leadroute.leads
  FOR EACH STATEMENT EXECUTE FUNCTION leadroute._route_flush();

-- pg_cron runs escalate_overdue() every minute. The job's command unschedules itself once the
-- extension is gone, so DROP EXTENSION leaves no failing job behind.
CREATE FUNCTION leadroute._cron_command() RETURNS text
  LANGUAGE sql IMMUTABLE
  SET search_path = pg_catalog, pg_temp
  RETURN $cmd$DO $job$ BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'leadroute') THEN PERFORM leadroute.escalate_overdue(); ELSIF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_cron') THEN PERFORM cron.unschedule('leadroute-sla'); END IF; END $job$$cmd$;
COMMENT ON FUNCTION leadroute._cron_command() IS 'Internal: the command of the pg_cron job leadroute-sla';

CREATE FUNCTION leadroute.schedule_escalation() RETURNS text
  LANGUAGE plpgsql VOLATILE
  SET search_path = pg_catalog, pg_temp
  AS $body$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'pg_cron') THEN
    EXECUTE 'SELECT cron.schedule($1, $2, $3)'
      USING 'leadroute-sla', '* * * * *', leadroute._cron_command();
    RETURN 'scheduled pg_cron job leadroute-sla: every minute';
  END IF;
  RAISE NOTICE 'pg_cron is not installed in this database; SLA escalation is not scheduled'
    USING HINT = pg_catalog.format(
      'In the database where pg_cron is installed (cron.database_name), run: SELECT cron.schedule_in_database(%L, %L, %L, %L);',
      'leadroute-sla', '* * * * *', 'SELECT leadroute.escalate_overdue()', pg_catalog.current_database());
  RETURN 'not scheduled: see the notice';
END
$body$;
COMMENT ON FUNCTION leadroute.schedule_escalation() IS
  'Schedules escalate_overdue() every minute with pg_cron (job leadroute-sla), or says how to when pg_cron lives in another database';

CREATE FUNCTION leadroute.unschedule_escalation() RETURNS boolean
  LANGUAGE plpgsql VOLATILE
  SET search_path = pg_catalog, pg_temp
  AS $body$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'pg_cron') THEN
    EXECUTE 'SELECT cron.unschedule($1)' USING 'leadroute-sla';
    RETURN true;
  END IF;
  RETURN false;
END
$body$;
COMMENT ON FUNCTION leadroute.unschedule_escalation() IS 'Removes the pg_cron job leadroute-sla';

-- CREATE EXTENSION mutes notices while its script runs; the one telling how to schedule the job
-- must be seen. (The setting returns to the user's own when the script ends.)
SET client_min_messages = notice;
SELECT leadroute.schedule_escalation();
