-- Metrics for analysts (docs/metrics.md): the guide's core routing metrics as views, alerts with
-- thresholds a DBA edits, and the rollups that keep the views fast over years of history.
--
-- How the views stay fast and exact. Every lead-based metric is a function of per-lead facts
-- (_metric_lead_facts) grouped by the day the lead was captured, in the reporting time zone.
-- refresh_metrics() (pg_cron, every ten minutes) stores per-day results for days that are over
-- (_metric_daily*); a view reads those stored days and computes the rest live from the leads:
-- the days after the rollup (_metrics_state.rollup_until) and the days a late change made stale
-- (_metrics_dirty, marked by triggers when a lead, assignment or decision older than two days
-- changes). So a view is always exactly what a full computation over the tables would give; the
-- rollup only decides how much of it is read instead of computed. Refresh never has to run for
-- the numbers to be right, only for them to be fast.

-- ---- Settings -------------------------------------------------------------------------------

CREATE TABLE leadroute.metric_settings (
  name        text PRIMARY KEY CHECK (name IN ('reporting_timezone', 'high_intent_sources', 'alert_window')),
  value       text NOT NULL,
  description text,
  shipped     boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE leadroute.metric_settings IS 'Settings of the metric views and alerts (edit the value; without its row a setting has its default)';
COMMENT ON COLUMN leadroute.metric_settings.name IS 'reporting_timezone, high_intent_sources or alert_window';
COMMENT ON COLUMN leadroute.metric_settings.value IS 'The value, as text: a time zone name, a text[] literal of lead sources, an interval';
COMMENT ON COLUMN leadroute.metric_settings.description IS 'What the setting does';
COMMENT ON COLUMN leadroute.metric_settings.shipped IS 'true for the default shipped with the extension (an edited row becomes the user''s own)';
INSERT INTO leadroute.metric_settings (name, value, description, shipped) VALUES
  ('reporting_timezone', 'UTC', 'Time zone of the days and weeks in the metric views (weeks start on Monday)', true),
  ('high_intent_sources', '{demo_request,pricing_page}', 'Lead sources counted as high intent by the assignment-time alert', true),
  ('alert_window', '7 days', 'How far back the alerts look, from now', true);

CREATE TABLE leadroute.alert_thresholds (
  alert       text PRIMARY KEY CHECK (alert IN ('fallback_rate', 'sla_breach_rate', 'manual_reassignment_rate',
                                                 'high_intent_assignment_seconds', 'dead_letters',
                                                 'escalation_minutes_since_success')),
  threshold   numeric NOT NULL CHECK (threshold >= 0),
  description text,
  shipped     boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE leadroute.alert_thresholds IS 'Thresholds of leadroute.alerts: an alert fires when its value over the alert window exceeds the threshold';
COMMENT ON COLUMN leadroute.alert_thresholds.alert IS 'The alert';
COMMENT ON COLUMN leadroute.alert_thresholds.threshold IS 'Fires above this value (a fraction for rates, seconds for times)';
COMMENT ON COLUMN leadroute.alert_thresholds.description IS 'What the alert watches';
COMMENT ON COLUMN leadroute.alert_thresholds.shipped IS 'true for the default shipped with the extension (an edited row becomes the user''s own)';
INSERT INTO leadroute.alert_thresholds (alert, threshold, description, shipped) VALUES
  ('fallback_rate', 0.10, 'Share of routed leads placed by the catch-all rule or the default queue', true),
  ('sla_breach_rate', 0.15, 'Share of leads with a decided SLA whose first contact came after the due time (or never)', true),
  ('manual_reassignment_rate', 0.20, 'Share of leads routed to a rep whose owner was changed by hand within 48 hours', true),
  ('high_intent_assignment_seconds', 120, 'Average seconds from capture to first assignment of high-intent leads', true),
  ('dead_letters', 0, 'Notifications whose delivery gave up (dead-lettered after delivery_settings.max_attempts attempts)', true),
  ('escalation_minutes_since_success', 10, 'Minutes since the pg_cron job leadroute-sla last escalated successfully in this database (it stops after a failover to a node on another port until schedule_jobs() repairs it)', true);

-- Validates a settings row; a new reporting time zone drops the rollups (they are per day in
-- that zone) and the views compute live until refresh_metrics() rebuilds them.
CREATE FUNCTION leadroute._metric_settings_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  zone text;
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    BEGIN
      CASE NEW.name
        WHEN 'reporting_timezone' THEN PERFORM pg_catalog.now() AT TIME ZONE NEW.value;
        WHEN 'high_intent_sources' THEN PERFORM NEW.value::text[];
        WHEN 'alert_window' THEN
          IF NEW.value::interval <= interval '0' THEN RAISE EXCEPTION 'must be positive'; END IF;
      END CASE;
    EXCEPTION WHEN OTHERS THEN
      RAISE EXCEPTION 'invalid value % for metric setting %', pg_catalog.quote_literal(NEW.value), NEW.name
        USING ERRCODE = 'invalid_parameter_value', DETAIL = SQLERRM,
              HINT = CASE NEW.name
                       WHEN 'reporting_timezone' THEN 'Use a name from pg_timezone_names, e.g. ''America/New_York''.'
                       WHEN 'high_intent_sources' THEN 'Use a text array literal, e.g. ''{demo_request,pricing_page}''.'
                       ELSE 'Use a positive interval, e.g. ''7 days''.' END;
    END;
  END IF;
  SELECT coalesce((SELECT value FROM leadroute.metric_settings WHERE name OPERATOR(pg_catalog.=) 'reporting_timezone'), 'UTC')
    INTO zone;
  IF zone IS DISTINCT FROM (SELECT timezone FROM leadroute._metrics_state) THEN
    PERFORM leadroute._metrics_reset(zone);
  END IF;
  RETURN NULL;
END
$body$;
COMMENT ON FUNCTION leadroute._metric_settings_changed() IS 'Internal: validates metric settings; a new reporting time zone resets the rollups';

-- Shipped rows of the two settings tables: a dumped row (pg_dump, restore) replaces the default
-- of the same key, an edited default becomes the user's own row, a deleted default is remembered.
CREATE FUNCTION leadroute._replace_shipped_row() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  key_column text := TG_ARGV[0];
  new_key text;
  old_key text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE pg_catalog.format('SELECT ($1).%I', key_column) INTO new_key USING NEW;
    IF NOT NEW.shipped THEN
      EXECUTE pg_catalog.format('DELETE FROM leadroute.%I WHERE shipped AND %I OPERATOR(pg_catalog.=) $1',
                                TG_TABLE_NAME, key_column) USING new_key;
    END IF;
    RETURN NEW;
  ELSIF TG_OP = 'UPDATE' THEN
    NEW.shipped := false;
    RETURN NEW;
  END IF;
  IF OLD.shipped AND pg_catalog.pg_trigger_depth() OPERATOR(pg_catalog.=) 1 THEN   -- not a replacement
    EXECUTE pg_catalog.format('SELECT ($1).%I', key_column) INTO old_key USING OLD;
    INSERT INTO leadroute._removed_defaults VALUES (TG_TABLE_NAME, old_key) ON CONFLICT DO NOTHING;
  END IF;
  RETURN OLD;
END
$body$;
COMMENT ON FUNCTION leadroute._replace_shipped_row() IS
  'Internal: lets dumped rows replace shipped settings on restore, and remembers deleted defaults';
CREATE TRIGGER replace_default BEFORE INSERT OR UPDATE OR DELETE ON leadroute.metric_settings
  FOR EACH ROW EXECUTE FUNCTION leadroute._replace_shipped_row('name');
CREATE TRIGGER replace_default BEFORE INSERT OR UPDATE OR DELETE ON leadroute.alert_thresholds
  FOR EACH ROW EXECUTE FUNCTION leadroute._replace_shipped_row('alert');
CREATE TRIGGER settings_changed AFTER INSERT OR UPDATE OR DELETE ON leadroute.metric_settings
  FOR EACH ROW EXECUTE FUNCTION leadroute._metric_settings_changed();

-- ---- Rollup state and storage ---------------------------------------------------------------

CREATE TABLE leadroute._metrics_state (
  singleton     boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  timezone      text NOT NULL,
  rollup_until  date,
  refreshed_at  timestamptz
);
COMMENT ON TABLE leadroute._metrics_state IS 'Internal: the rollups cover captured days before rollup_until, in timezone';
INSERT INTO leadroute._metrics_state (timezone) VALUES ('UTC');

CREATE TABLE leadroute._metrics_dirty (
  id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  day date NOT NULL
);
CREATE INDEX _metrics_dirty_day_idx ON leadroute._metrics_dirty (day);
COMMENT ON TABLE leadroute._metrics_dirty IS 'Internal: days whose rollup a late change made stale (computed live until refresh_metrics())';

CREATE TABLE leadroute._metric_daily (
  day               date NOT NULL,
  source            text,
  leads             integer NOT NULL,
  decided           integer NOT NULL,
  fallback          integer NOT NULL,
  routed_to_rep     integer NOT NULL,
  reassigned_48h    integer NOT NULL,
  assigned          integer NOT NULL,
  to_lead_median    double precision,
  to_lead_p90       double precision,
  to_lead_avg       double precision,
  contacted         integer NOT NULL,
  to_contact_median double precision,
  to_contact_p90    double precision
);
CREATE INDEX _metric_daily_day_idx ON leadroute._metric_daily (day);
COMMENT ON TABLE leadroute._metric_daily IS 'Internal rollup: per captured day and source';

CREATE TABLE leadroute._metric_daily_sla (
  day           date NOT NULL,
  source        text,
  sla_policy_id bigint,
  leads         integer NOT NULL,
  met           integer NOT NULL,
  breached      integer NOT NULL
);
CREATE INDEX _metric_daily_sla_day_idx ON leadroute._metric_daily_sla (day);
COMMENT ON TABLE leadroute._metric_daily_sla IS 'Internal rollup: SLA outcomes per captured day, source and policy';

CREATE TABLE leadroute._metric_daily_conversion (
  day           date NOT NULL,
  routing_model text,
  rule_id       bigint,
  leads         integer NOT NULL,
  converted     integer NOT NULL
);
CREATE INDEX _metric_daily_conversion_day_idx ON leadroute._metric_daily_conversion (day);
COMMENT ON TABLE leadroute._metric_daily_conversion IS 'Internal rollup: conversions per captured day, routing model and rule';

CREATE TABLE leadroute._metric_daily_pool (
  day     date NOT NULL,
  pool_id bigint NOT NULL,
  rep_id  bigint NOT NULL,
  leads   integer NOT NULL,
  points  numeric
);
CREATE INDEX _metric_daily_pool_day_idx ON leadroute._metric_daily_pool (day);
COMMENT ON TABLE leadroute._metric_daily_pool IS 'Internal rollup: leads (and, for points pools, points) each pool gave each rep per assignment day';

-- Drops every rollup: the views compute live until the next refresh.
CREATE FUNCTION leadroute._metrics_reset(zone text) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
BEGIN
  DELETE FROM leadroute._metric_daily;
  DELETE FROM leadroute._metric_daily_sla;
  DELETE FROM leadroute._metric_daily_conversion;
  DELETE FROM leadroute._metric_daily_pool;
  DELETE FROM leadroute._metrics_dirty;
  UPDATE leadroute._metrics_state SET timezone = coalesce(zone, timezone), rollup_until = NULL;
END
$body$;
COMMENT ON FUNCTION leadroute._metrics_reset(text) IS 'Internal: drops the metric rollups';

-- ---- Per-lead facts ---------------------------------------------------------------------------

-- One row per lead with everything the metrics need. The lead's routing decision is its first
-- decision of kind 'routed'; its first assignment is the routing itself when routing gave it a
-- rep (timed by routed_at), else the first later assignment to a rep (a person, reroute()).
CREATE VIEW leadroute._metric_lead_facts AS
SELECT l.id AS lead_id,
       l.captured_at,
       (l.captured_at AT TIME ZONE (SELECT st.timezone FROM leadroute._metrics_state st))::date AS day,
       l.source,
       l.sla_policy_id,
       CASE WHEN d.lead_id IS NOT NULL THEN d.routing_model ELSE l.routing_model END AS routing_model,
       CASE WHEN d.lead_id IS NOT NULL THEN d.rule_id ELSE l.rule_id END AS rule_id,
       d.lead_id IS NOT NULL AS decided,
       coalesce(d.fallback, false) AS fallback,
       d.owner_id IS NOT NULL AS routed_to_rep,
       fa.first_assigned_at,
       extract(epoch FROM fa.first_assigned_at - l.captured_at) AS seconds_to_lead,
       extract(epoch FROM l.first_contact_at - fa.first_assigned_at) AS seconds_to_contact,
       l.sla_due_at IS NOT NULL AND l.first_contact_at <= l.sla_due_at AS sla_met,
       l.sla_due_at IS NOT NULL AND l.sla_due_at < coalesce(l.first_contact_at, clock.now) AS sla_breached,
       l.sla_due_at IS NOT NULL AND l.first_contact_at IS NULL AND l.sla_due_at >= clock.now AS sla_pending,
       d.owner_id IS NOT NULL AND EXISTS (
         SELECT 1 FROM leadroute.assignments a
          WHERE a.lead_id = l.id AND a.reason = 'manual'
            AND a.assigned_at <= l.routed_at + interval '48 hours') AS reassigned_48h,
       l.status = 'converted' AS converted
  FROM leadroute.leads l
 CROSS JOIN (SELECT coalesce(nullif(pg_catalog.current_setting('leadroute.now', true), '')::timestamptz,
                             pg_catalog.now()) AS now) clock
  LEFT JOIN LATERAL (SELECT d.lead_id, d.routing_model, d.rule_id, d.fallback, d.owner_id
                       FROM leadroute.decisions d
                      WHERE d.lead_id = l.id AND d.kind = 'routed'
                      ORDER BY d.id LIMIT 1) d ON true
 CROSS JOIN LATERAL (
   SELECT CASE
            WHEN d.owner_id IS NOT NULL THEN l.routed_at
            WHEN d.lead_id IS NULL AND l.owner_id IS NOT NULL AND NOT EXISTS (
                   SELECT 1 FROM leadroute.assignments a WHERE a.lead_id = l.id)
              THEN l.routed_at                        -- stored already routed (an import)
            ELSE (SELECT min(a.assigned_at) FROM leadroute.assignments a
                   WHERE a.lead_id = l.id AND a.rep_id IS NOT NULL)
          END AS first_assigned_at) fa;
COMMENT ON VIEW leadroute._metric_lead_facts IS 'Internal: per-lead facts behind the metric views';

CREATE INDEX decisions_rule_time_idx ON leadroute.decisions (rule_id, decided_at) WHERE kind <> 'escalated';
CREATE FUNCTION leadroute._metrics_rule_hits(OUT rule_id bigint, OUT rule text, OUT hits_7d bigint,
    OUT hits_30d bigint, OUT last_hit_at timestamptz)
  RETURNS SETOF record
  LANGUAGE sql STABLE SECURITY DEFINER ROWS 100
  SET search_path = pg_catalog, pg_temp
  SET jit = off
  AS $$
  SELECT ru.id, ru.name,
         (SELECT count(*) FROM leadroute.decisions d
           WHERE d.rule_id = ru.id AND d.kind <> 'escalated' AND d.decided_at >= clock.now - interval '7 days'),
         (SELECT count(*) FROM leadroute.decisions d
           WHERE d.rule_id = ru.id AND d.kind <> 'escalated' AND d.decided_at >= clock.now - interval '30 days'),
         (SELECT max(d.decided_at) FROM leadroute.decisions d
           WHERE d.rule_id = ru.id AND d.kind <> 'escalated')
    FROM leadroute.rules ru
   CROSS JOIN (SELECT coalesce(nullif(current_setting('leadroute.now', true), '')::timestamptz, now()) AS now) clock
$$;
COMMENT ON FUNCTION leadroute._metrics_rule_hits() IS 'Internal: the rows of leadroute.metrics_rule_hits';
CREATE VIEW leadroute.metrics_rule_hits AS
SELECT rule_id, rule, hits_7d, hits_30d, last_hit_at FROM leadroute._metrics_rule_hits();
COMMENT ON VIEW leadroute.metrics_rule_hits IS 'How often each rule placed a lead (routing and reroute decisions)';
COMMENT ON COLUMN leadroute.metrics_rule_hits.rule_id IS 'The rule';
COMMENT ON COLUMN leadroute.metrics_rule_hits.rule IS 'The rule''s name';
COMMENT ON COLUMN leadroute.metrics_rule_hits.hits_7d IS 'Decisions by the rule in the last 7 days';
COMMENT ON COLUMN leadroute.metrics_rule_hits.hits_30d IS 'Decisions by the rule in the last 30 days';
COMMENT ON COLUMN leadroute.metrics_rule_hits.last_hit_at IS 'The rule''s latest decision (NULL: never)';

-- SLA escalation's health for the alerts (issue 19): minutes since the leadroute-sla job last
-- succeeded in this database, from pg_cron's run history; since its first failure when it never
-- succeeded. NULL when pg_cron is not installed in this database, on a standby, or before any run.
-- The copy in the 0.2.0 -> 0.3.0 update must stay the same.
CREATE FUNCTION leadroute._escalation_minutes(clock timestamptz) RETURNS numeric
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  since timestamptz;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'pg_cron')
     OR pg_catalog.pg_is_in_recovery() THEN
    RETURN NULL;
  END IF;
  EXECUTE 'SELECT coalesce(max(d.end_time) FILTER (WHERE d.status = ''succeeded''), min(d.start_time) FILTER (WHERE d.status = ''failed''))'
          '  FROM cron.job_run_details d'
          ' WHERE d.database = current_database() AND d.command LIKE ''%leadroute.escalate_overdue()%'''
    INTO since;
  -- The jobs' health is a fact of the present: a moment after now is judged as now.
  RETURN GREATEST(pg_catalog.round((EXTRACT(epoch FROM LEAST(clock, pg_catalog.now()) - since) / 60)::numeric, 1), 0);
END
$body$;
COMMENT ON FUNCTION leadroute._escalation_minutes(timestamptz) IS
  'Internal: minutes since the pg_cron job leadroute-sla last succeeded in this database (alert escalation_minutes_since_success)';

-- The alert values over the window, computed as the owner (the analyst reads no table).
CREATE FUNCTION leadroute._alert_values(OUT alert text, OUT value numeric)
  RETURNS SETOF record
  LANGUAGE sql STABLE SECURITY DEFINER ROWS 5
  SET search_path = pg_catalog, pg_temp
  SET jit = off
  AS $$
  WITH settings AS (
    SELECT coalesce((SELECT value FROM leadroute.metric_settings WHERE name = 'alert_window'), '7 days')::interval AS win,
           coalesce((SELECT value FROM leadroute.metric_settings WHERE name = 'high_intent_sources'),
                    '{demo_request,pricing_page}')::text[] AS high_intent,
           coalesce(nullif(current_setting('leadroute.now', true), '')::timestamptz, now()) AS now
  ), recent AS (
    SELECT count(*) FILTER (WHERE f.decided) AS decided,
           count(*) FILTER (WHERE f.fallback) AS fallback,
           count(*) FILTER (WHERE f.sla_met) AS met,
           count(*) FILTER (WHERE f.sla_breached) AS breached,
           count(*) FILTER (WHERE f.routed_to_rep) AS routed,
           count(*) FILTER (WHERE f.reassigned_48h) AS reassigned,
           avg(f.seconds_to_lead) FILTER (WHERE f.source = ANY (s.high_intent)) AS high_intent_seconds
      FROM settings s
     CROSS JOIN LATERAL (SELECT * FROM leadroute._metric_lead_facts f
                          WHERE f.captured_at > s.now - s.win AND f.captured_at <= s.now OFFSET 0) f
  )
  SELECT 'fallback_rate', round(fallback::numeric / nullif(decided, 0), 6) FROM recent
  UNION ALL SELECT 'sla_breach_rate', round(breached::numeric / nullif(met + breached, 0), 6) FROM recent
  UNION ALL SELECT 'manual_reassignment_rate', round(reassigned::numeric / nullif(routed, 0), 6) FROM recent
  UNION ALL SELECT 'high_intent_assignment_seconds', round(high_intent_seconds::numeric, 3) FROM recent
  UNION ALL SELECT 'dead_letters', count(*)::numeric FROM settings s JOIN leadroute.notifications n
                    ON n.dead_at > s.now - s.win AND n.dead_at <= s.now
  UNION ALL SELECT 'escalation_minutes_since_success', leadroute._escalation_minutes(s.now) FROM settings s
$$;
COMMENT ON FUNCTION leadroute._alert_values() IS 'Internal: the values behind leadroute.alerts';

CREATE VIEW leadroute.alerts AS
SELECT t.alert, v.value, t.threshold, coalesce(v.value > t.threshold, false) AS firing
  FROM leadroute.alert_thresholds t JOIN leadroute._alert_values() v ON v.alert = t.alert;
COMMENT ON VIEW leadroute.alerts IS
  'The guide''s alerts over the alert window (metric_settings), dead-lettered notifications, and SLA escalation''s health (minutes since leadroute-sla last succeeded): each value against its threshold (alert_thresholds)';
COMMENT ON COLUMN leadroute.alerts.alert IS 'fallback_rate, sla_breach_rate, manual_reassignment_rate, high_intent_assignment_seconds, dead_letters or escalation_minutes_since_success';
COMMENT ON COLUMN leadroute.alerts.value IS 'The value over the leads captured in the window (NULL: no such leads); for dead_letters, the notifications dead-lettered in the window';
COMMENT ON COLUMN leadroute.alerts.threshold IS 'From leadroute.alert_thresholds';
COMMENT ON COLUMN leadroute.alerts.firing IS 'value > threshold';

-- ---- Keeping the rollups -------------------------------------------------------------------

CREATE INDEX leads_captured_at_idx ON leadroute.leads (captured_at);
CREATE INDEX assignments_pool_time_idx ON leadroute.assignments (assigned_at) WHERE pool_id IS NOT NULL;

-- A change to a lead, assignment or decision older than two days may touch a rolled-up day: the
-- day is marked stale and computed live until the next refresh. (Rollups end three days back, so
-- a change to anything younger than two days can never touch one; the day between is a margin
-- for transactions that straddle a refresh.) Changes to recent rows, the engine's everyday
-- writes, are filtered out by the triggers' WHEN clauses before any function runs.
CREATE FUNCTION leadroute._metrics_mark() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  zone text := (SELECT timezone FROM leadroute._metrics_state);
  horizon timestamptz := pg_catalog.clock_timestamp() - interval '2 days';
  ts timestamptz[];
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM leadroute._metrics_reset(NULL);
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'leads' THEN
    IF TG_OP <> 'INSERT' THEN ts := ts || OLD.captured_at; END IF;
    IF TG_OP <> 'DELETE' THEN ts := ts || NEW.captured_at; END IF;
  ELSIF TG_TABLE_NAME = 'assignments' THEN
    IF TG_OP <> 'INSERT' THEN
      ts := ts || OLD.assigned_at || (SELECT l.captured_at FROM leadroute.leads l WHERE l.id OPERATOR(pg_catalog.=) OLD.lead_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
      ts := ts || NEW.assigned_at || (SELECT l.captured_at FROM leadroute.leads l WHERE l.id OPERATOR(pg_catalog.=) NEW.lead_id);
    END IF;
  ELSE  -- decisions
    IF TG_OP <> 'INSERT' THEN
      ts := ts || (SELECT l.captured_at FROM leadroute.leads l WHERE l.id OPERATOR(pg_catalog.=) OLD.lead_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
      ts := ts || (SELECT l.captured_at FROM leadroute.leads l WHERE l.id OPERATOR(pg_catalog.=) NEW.lead_id);
    END IF;
  END IF;
  INSERT INTO leadroute._metrics_dirty (day)
  SELECT DISTINCT (t AT TIME ZONE zone)::date FROM pg_catalog.unnest(ts) t WHERE t OPERATOR(pg_catalog.<) horizon;
  RETURN NULL;
END
$body$;
COMMENT ON FUNCTION leadroute._metrics_mark() IS 'Internal: marks the metric days a late change touched';

CREATE TRIGGER metrics_insert AFTER INSERT ON leadroute.leads FOR EACH ROW
  WHEN (NEW.captured_at < pg_catalog.clock_timestamp() - interval '2 days')
  EXECUTE FUNCTION leadroute._metrics_mark();
CREATE TRIGGER metrics_update AFTER UPDATE ON leadroute.leads FOR EACH ROW
  WHEN (OLD.captured_at < pg_catalog.clock_timestamp() - interval '2 days'
        OR NEW.captured_at < pg_catalog.clock_timestamp() - interval '2 days')
  EXECUTE FUNCTION leadroute._metrics_mark();
CREATE TRIGGER metrics_delete AFTER DELETE ON leadroute.leads FOR EACH ROW
  WHEN (OLD.captured_at < pg_catalog.clock_timestamp() - interval '2 days')
  EXECUTE FUNCTION leadroute._metrics_mark();
-- Routing's own assignments are of new leads; escalations only follow an earlier assignment of
-- the same lead and land on today. Manual and rerouted ones can change an old lead's facts.
CREATE TRIGGER metrics_insert AFTER INSERT ON leadroute.assignments FOR EACH ROW
  WHEN (NEW.reason IN ('manual', 'rerouted') OR NEW.assigned_at < pg_catalog.clock_timestamp() - interval '2 days')
  EXECUTE FUNCTION leadroute._metrics_mark();
CREATE TRIGGER metrics_change AFTER UPDATE OR DELETE ON leadroute.assignments FOR EACH ROW
  EXECUTE FUNCTION leadroute._metrics_mark();
CREATE TRIGGER metrics_change AFTER UPDATE OR DELETE ON leadroute.decisions FOR EACH ROW
  EXECUTE FUNCTION leadroute._metrics_mark();
CREATE TRIGGER metrics_insert AFTER INSERT ON leadroute.decisions FOR EACH ROW
  WHEN (NEW.kind = 'routed' AND NEW.decided_at < pg_catalog.clock_timestamp() - interval '2 days')
  EXECUTE FUNCTION leadroute._metrics_mark();
CREATE TRIGGER metrics_truncate AFTER TRUNCATE ON leadroute.leads
  FOR EACH STATEMENT EXECUTE FUNCTION leadroute._metrics_mark();
CREATE TRIGGER metrics_truncate AFTER TRUNCATE ON leadroute.assignments
  FOR EACH STATEMENT EXECUTE FUNCTION leadroute._metrics_mark();
CREATE TRIGGER metrics_truncate AFTER TRUNCATE ON leadroute.decisions
  FOR EACH STATEMENT EXECUTE FUNCTION leadroute._metrics_mark();
