-- The metric views (docs/metrics.md): each reads the rollup rows of the days validly rolled up
-- (_metric_rolled_up_days) and computes the other days live (_metric_live_ranges). In their final
-- form, written CREATE OR REPLACE: the update scripts include this file.

-- The days whose rollup rows are valid: before the rollup boundary, and not made stale since.
CREATE OR REPLACE FUNCTION leadroute._metric_rolled_up_days(OUT day date)
  RETURNS SETOF date
  LANGUAGE sql STABLE SECURITY DEFINER ROWS 1000
  SET search_path = pg_catalog, pg_temp
  SET jit = off
  AS $$
  SELECT g.day::date
    FROM leadroute._metrics_state st
   CROSS JOIN LATERAL pg_catalog.generate_series(
           least((SELECT min(r.day) FROM leadroute._metric_daily r),
                 (SELECT min(p.day) FROM leadroute._metric_daily_pool p))::timestamp,
           (st.rollup_until - 1)::timestamp, interval '1 day') g(day)
   WHERE NOT EXISTS (SELECT 1 FROM leadroute._metrics_dirty x WHERE x.day = g.day::date)
$$;
COMMENT ON FUNCTION leadroute._metric_rolled_up_days() IS
  'Internal: the days whose metric rollup rows are valid (before rollup_until and not stale)';

-- The capture-time ranges computed live: from the rollup boundary on, and each stale day.
CREATE OR REPLACE FUNCTION leadroute._metric_live_ranges(OUT lo timestamptz, OUT hi timestamptz)
  RETURNS SETOF record
  LANGUAGE sql STABLE SECURITY DEFINER ROWS 2
  SET search_path = pg_catalog, pg_temp
  SET jit = off
  AS $$
  WITH st AS (SELECT timezone, rollup_until FROM leadroute._metrics_state)
  SELECT CASE WHEN st.rollup_until IS NULL THEN '-infinity'::timestamptz
              ELSE st.rollup_until::timestamp AT TIME ZONE st.timezone END,
         'infinity'::timestamptz
    FROM st
  UNION ALL
  SELECT x.day::timestamp AT TIME ZONE st.timezone, (x.day + 1)::timestamp AT TIME ZONE st.timezone
    FROM (SELECT DISTINCT d.day FROM leadroute._metrics_dirty d) x, st
   WHERE x.day < st.rollup_until
$$;
COMMENT ON FUNCTION leadroute._metric_live_ranges() IS
  'Internal: the capture-time ranges the metric views compute live (after the rollup, and stale days)';

-- What the views compute live: everything captured after the rollup boundary, and the stale
-- days (usually none). These run as functions, not views, for three reasons: the planner sees
-- each as the few thousand rows it returns (not a third of the leads table, as it would guess for
-- a range whose bound comes from a subquery), so it never decides to JIT-compile a 10 ms query
-- for a second; each index range is planned with its real bounds; and the analyst, who may read
-- the views but not the tables, gets the rows without any table privilege. The facts carry no
-- lead id and no personal data.
CREATE OR REPLACE FUNCTION leadroute._metric_live_facts(
    OUT day date, OUT source text, OUT sla_policy_id bigint, OUT routing_model text, OUT rule_id bigint,
    OUT decided boolean, OUT fallback boolean, OUT routed_to_rep boolean, OUT first_assigned_at timestamptz,
    OUT seconds_to_lead numeric, OUT seconds_to_contact numeric,
    OUT sla_met boolean, OUT sla_breached boolean, OUT sla_pending boolean,
    OUT reassigned_48h boolean, OUT converted boolean)
  RETURNS SETOF record
  LANGUAGE sql STABLE SECURITY DEFINER ROWS 5000
  SET search_path = pg_catalog, pg_temp
  SET jit = off
  AS $$
  SELECT f.day, f.source, f.sla_policy_id, f.routing_model, f.rule_id, f.decided, f.fallback,
         f.routed_to_rep, f.first_assigned_at, f.seconds_to_lead, f.seconds_to_contact, f.sla_met,
         f.sla_breached, f.sla_pending, f.reassigned_48h, f.converted
    FROM leadroute._metric_live_ranges() r
   CROSS JOIN LATERAL (SELECT * FROM leadroute._metric_lead_facts f
                        WHERE f.captured_at >= r.lo AND f.captured_at < r.hi OFFSET 0) f
$$;
COMMENT ON FUNCTION leadroute._metric_live_facts() IS 'Internal: per-lead facts of the days not (validly) rolled up';

CREATE OR REPLACE FUNCTION leadroute._metric_live_pool_assignments(OUT day date, OUT pool_id bigint, OUT rep_id bigint,
    OUT points numeric)
  RETURNS SETOF record
  LANGUAGE sql STABLE SECURITY DEFINER ROWS 5000
  SET search_path = pg_catalog, pg_temp
  SET jit = off
  AS $$
  SELECT (a.assigned_at AT TIME ZONE st.timezone)::date, a.pool_id, a.rep_id, a.points
    FROM leadroute._metric_live_ranges() r
   CROSS JOIN LATERAL (SELECT a.assigned_at, a.pool_id, a.rep_id, a.points FROM leadroute.assignments a
                        WHERE a.assigned_at >= r.lo AND a.assigned_at < r.hi
                          AND a.pool_id IS NOT NULL AND a.rep_id IS NOT NULL AND a.reason <> 'manual'
                       OFFSET 0) a
   CROSS JOIN leadroute._metrics_state st
$$;
COMMENT ON FUNCTION leadroute._metric_live_pool_assignments() IS
  'Internal: pool assignments of the days not (validly) rolled up, for fairness';

-- ---- The metric views -------------------------------------------------------------------------
-- Each reads the valid rollup days and computes the rest live; a filter on day or week reaches
-- both halves. Rates are fractions from 0 to 1 (NULL when there is nothing to divide), durations
-- seconds, days and weeks in the reporting time zone, weeks start on Monday.

CREATE OR REPLACE VIEW leadroute.metrics_speed_to_lead AS
SELECT r.day, r.source, r.assigned::bigint AS leads, r.to_lead_median AS median_seconds,
       r.to_lead_p90 AS p90_seconds, r.to_lead_avg AS avg_seconds
  FROM leadroute._metric_daily r JOIN leadroute._metric_rolled_up_days() v ON v.day = r.day
 WHERE r.assigned > 0
UNION ALL
SELECT f.day, f.source, count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY f.seconds_to_lead::double precision),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY f.seconds_to_lead::double precision),
       avg(f.seconds_to_lead)::double precision
  FROM leadroute._metric_live_facts() f
 WHERE f.first_assigned_at IS NOT NULL
 GROUP BY f.day, f.source;
COMMENT ON VIEW leadroute.metrics_speed_to_lead IS
  'Speed to lead: seconds from capture to first assignment to a rep, per captured day and source';
COMMENT ON COLUMN leadroute.metrics_speed_to_lead.day IS 'Day the leads were captured (reporting time zone)';
COMMENT ON COLUMN leadroute.metrics_speed_to_lead.source IS 'Lead source';
COMMENT ON COLUMN leadroute.metrics_speed_to_lead.leads IS 'Leads captured that day that got a rep';
COMMENT ON COLUMN leadroute.metrics_speed_to_lead.median_seconds IS 'Median seconds from captured_at to the first assignment';
COMMENT ON COLUMN leadroute.metrics_speed_to_lead.p90_seconds IS '90th percentile (interpolated, percentile_cont) of the same';
COMMENT ON COLUMN leadroute.metrics_speed_to_lead.avg_seconds IS 'Average of the same';

CREATE OR REPLACE VIEW leadroute.metrics_speed_to_contact AS
SELECT r.day, r.source, r.contacted::bigint AS contacted, r.to_contact_median AS median_seconds,
       r.to_contact_p90 AS p90_seconds
  FROM leadroute._metric_daily r JOIN leadroute._metric_rolled_up_days() v ON v.day = r.day
 WHERE r.contacted > 0
UNION ALL
SELECT f.day, f.source, count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY f.seconds_to_contact::double precision),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY f.seconds_to_contact::double precision)
  FROM leadroute._metric_live_facts() f
 WHERE f.seconds_to_contact IS NOT NULL
 GROUP BY f.day, f.source;
COMMENT ON VIEW leadroute.metrics_speed_to_contact IS
  'Speed to contact: seconds from first assignment to first contact, per captured day and source';
COMMENT ON COLUMN leadroute.metrics_speed_to_contact.day IS 'Day the leads were captured (reporting time zone)';
COMMENT ON COLUMN leadroute.metrics_speed_to_contact.source IS 'Lead source';
COMMENT ON COLUMN leadroute.metrics_speed_to_contact.contacted IS 'Leads captured that day that were assigned and then contacted';
COMMENT ON COLUMN leadroute.metrics_speed_to_contact.median_seconds IS 'Median seconds from the first assignment to first_contact_at';
COMMENT ON COLUMN leadroute.metrics_speed_to_contact.p90_seconds IS '90th percentile (interpolated) of the same';

CREATE OR REPLACE VIEW leadroute.metrics_fallback_rate AS
SELECT w.week, sum(w.leads)::bigint AS leads, sum(w.fallback_leads)::bigint AS fallback_leads,
       round(sum(w.fallback_leads)::numeric / nullif(sum(w.leads), 0), 6) AS fallback_rate
  FROM (SELECT r.day - (extract(isodow FROM r.day)::integer - 1) AS week, r.decided AS leads,
               r.fallback AS fallback_leads
          FROM leadroute._metric_daily r JOIN leadroute._metric_rolled_up_days() v ON v.day = r.day
        UNION ALL
        SELECT f.day - (extract(isodow FROM f.day)::integer - 1), count(*) FILTER (WHERE f.decided),
               count(*) FILTER (WHERE f.fallback)
          FROM leadroute._metric_live_facts() f GROUP BY f.day) w
 GROUP BY w.week
HAVING sum(w.leads) > 0;
COMMENT ON VIEW leadroute.metrics_fallback_rate IS
  'Fallback rate per week: leads placed by a catch-all rule or the default queue, of the leads routed';
COMMENT ON COLUMN leadroute.metrics_fallback_rate.week IS 'Monday of the week the leads were captured (reporting time zone)';
COMMENT ON COLUMN leadroute.metrics_fallback_rate.leads IS 'Leads captured that week with a routing decision';
COMMENT ON COLUMN leadroute.metrics_fallback_rate.fallback_leads IS 'Of those, leads whose routing decision was a fallback (decisions.fallback)';
COMMENT ON COLUMN leadroute.metrics_fallback_rate.fallback_rate IS 'fallback_leads / leads (6 decimals)';

CREATE OR REPLACE VIEW leadroute.metrics_sla_adherence AS
SELECT w.week, w.source, p.name AS policy, sum(w.leads)::bigint AS leads, sum(w.met)::bigint AS met,
       sum(w.breached)::bigint AS breached,
       round(sum(w.met)::numeric / nullif(sum(w.met) + sum(w.breached), 0), 6) AS adherence
  FROM (SELECT r.day - (extract(isodow FROM r.day)::integer - 1) AS week, r.source, r.sla_policy_id,
               r.leads, r.met, r.breached
          FROM leadroute._metric_daily_sla r JOIN leadroute._metric_rolled_up_days() v ON v.day = r.day
        UNION ALL
        SELECT f.day - (extract(isodow FROM f.day)::integer - 1), f.source, f.sla_policy_id, count(*),
               count(*) FILTER (WHERE f.sla_met), count(*) FILTER (WHERE f.sla_breached)
          FROM leadroute._metric_live_facts() f
         WHERE f.sla_met OR f.sla_breached OR f.sla_pending
         GROUP BY f.day, f.source, f.sla_policy_id) w
  LEFT JOIN leadroute.sla_policies p ON p.id = w.sla_policy_id
 GROUP BY w.week, w.source, w.sla_policy_id, p.name;
COMMENT ON VIEW leadroute.metrics_sla_adherence IS
  'SLA adherence per week, source and policy: first contact at or before the due time of the assignment it belongs to';
COMMENT ON COLUMN leadroute.metrics_sla_adherence.week IS 'Monday of the week the leads were captured (reporting time zone)';
COMMENT ON COLUMN leadroute.metrics_sla_adherence.source IS 'Lead source';
COMMENT ON COLUMN leadroute.metrics_sla_adherence.policy IS 'The SLA policy of the lead''s assignment (NULL if the policy was deleted)';
COMMENT ON COLUMN leadroute.metrics_sla_adherence.leads IS 'Leads with an SLA due time: met, breached or still running';
COMMENT ON COLUMN leadroute.metrics_sla_adherence.met IS 'First contact at or before sla_due_at';
COMMENT ON COLUMN leadroute.metrics_sla_adherence.breached IS 'First contact after sla_due_at, or none and sla_due_at has passed';
COMMENT ON COLUMN leadroute.metrics_sla_adherence.adherence IS 'met / (met + breached): leads whose clock still runs are not judged yet';

CREATE OR REPLACE VIEW leadroute.metrics_routing_accuracy AS
SELECT w.week, sum(w.routed)::bigint AS routed, sum(w.reassigned)::bigint AS reassigned_48h,
       round(1 - sum(w.reassigned)::numeric / nullif(sum(w.routed), 0), 6) AS accuracy
  FROM (SELECT r.day - (extract(isodow FROM r.day)::integer - 1) AS week, r.routed_to_rep AS routed,
               r.reassigned_48h AS reassigned
          FROM leadroute._metric_daily r JOIN leadroute._metric_rolled_up_days() v ON v.day = r.day
        UNION ALL
        SELECT f.day - (extract(isodow FROM f.day)::integer - 1), count(*) FILTER (WHERE f.routed_to_rep),
               count(*) FILTER (WHERE f.reassigned_48h)
          FROM leadroute._metric_live_facts() f GROUP BY f.day) w
 GROUP BY w.week
HAVING sum(w.routed) > 0;
COMMENT ON VIEW leadroute.metrics_routing_accuracy IS
  'Routing accuracy per week: 1 - (leads whose owner was changed by hand within 48 h of routing) / (leads routed to a rep)';
COMMENT ON COLUMN leadroute.metrics_routing_accuracy.week IS 'Monday of the week the leads were captured (reporting time zone)';
COMMENT ON COLUMN leadroute.metrics_routing_accuracy.routed IS 'Leads whose routing decision gave them a rep';
COMMENT ON COLUMN leadroute.metrics_routing_accuracy.reassigned_48h IS 'Of those, leads with a manual assignment at most 48 hours after routed_at';
COMMENT ON COLUMN leadroute.metrics_routing_accuracy.accuracy IS '1 - reassigned_48h / routed (6 decimals)';

CREATE OR REPLACE VIEW leadroute.metrics_conversion AS
SELECT w.routing_model, w.rule_id, ru.name AS rule, sum(w.leads)::bigint AS leads,
       sum(w.converted)::bigint AS converted,
       round(sum(w.converted)::numeric / nullif(sum(w.leads), 0), 6) AS conversion_rate
  FROM (SELECT r.routing_model, r.rule_id, r.leads, r.converted
          FROM leadroute._metric_daily_conversion r JOIN leadroute._metric_rolled_up_days() v ON v.day = r.day
        UNION ALL
        SELECT f.routing_model, f.rule_id, count(*), count(*) FILTER (WHERE f.converted)
          FROM leadroute._metric_live_facts() f GROUP BY f.routing_model, f.rule_id) w
  LEFT JOIN leadroute.rules ru ON ru.id = w.rule_id
 GROUP BY w.routing_model, w.rule_id, ru.name;
COMMENT ON VIEW leadroute.metrics_conversion IS
  'Conversion by the routing model and rule that placed the leads (their routing decision), all time';
COMMENT ON COLUMN leadroute.metrics_conversion.routing_model IS 'Routing model of the lead''s routing decision';
COMMENT ON COLUMN leadroute.metrics_conversion.rule_id IS 'Rule of the routing decision (NULL: the default queue)';
COMMENT ON COLUMN leadroute.metrics_conversion.rule IS 'The rule''s name (NULL if none or deleted)';
COMMENT ON COLUMN leadroute.metrics_conversion.leads IS 'Leads placed this way';
COMMENT ON COLUMN leadroute.metrics_conversion.converted IS 'Of those, leads with status converted';
COMMENT ON COLUMN leadroute.metrics_conversion.conversion_rate IS 'converted / leads (6 decimals)';

-- rep_load and rule_hits run a few index probes per rep or rule; as functions with jit off, so
-- that a planner misled by small-table estimates never spends longer compiling than running.
CREATE OR REPLACE FUNCTION leadroute._metrics_rep_load(OUT rep_id bigint, OUT rep text, OUT open_leads bigint,
    OUT assigned_today bigint, OUT assigned_7d bigint, OUT max_open_leads integer, OUT utilization numeric)
  RETURNS SETOF record
  LANGUAGE sql STABLE SECURITY DEFINER ROWS 100
  SET search_path = pg_catalog, pg_temp
  SET jit = off
  AS $$
  SELECT r.id, r.name, o.open_leads,
         (SELECT count(*) FROM leadroute.assignments a
           WHERE a.rep_id = r.id
             AND a.assigned_at >= (date_trunc('day', clock.now AT TIME ZONE r.timezone) AT TIME ZONE r.timezone)),
         (SELECT count(*) FROM leadroute.assignments a
           WHERE a.rep_id = r.id AND a.assigned_at >= clock.now - interval '7 days'),
         r.max_open_leads,
         round(o.open_leads::numeric / nullif(r.max_open_leads, 0), 6)
    FROM leadroute.reps r
   CROSS JOIN (SELECT coalesce(nullif(current_setting('leadroute.now', true), '')::timestamptz, now()) AS now) clock
   CROSS JOIN LATERAL (SELECT count(*) AS open_leads FROM leadroute.leads l
                        WHERE l.owner_id = r.id AND l.status IN ('assigned', 'contacted')) o
$$;
COMMENT ON FUNCTION leadroute._metrics_rep_load() IS 'Internal: the rows of leadroute.metrics_rep_load';
CREATE OR REPLACE VIEW leadroute.metrics_rep_load AS
SELECT rep_id, rep, open_leads, assigned_today, assigned_7d, max_open_leads, utilization
  FROM leadroute._metrics_rep_load();
COMMENT ON VIEW leadroute.metrics_rep_load IS 'Each rep''s load now: open leads against the cap, leads assigned today and this week';
COMMENT ON COLUMN leadroute.metrics_rep_load.rep_id IS 'The rep';
COMMENT ON COLUMN leadroute.metrics_rep_load.rep IS 'The rep''s name';
COMMENT ON COLUMN leadroute.metrics_rep_load.open_leads IS 'Leads owned with status assigned or contacted (what max_open_leads caps)';
COMMENT ON COLUMN leadroute.metrics_rep_load.assigned_today IS 'Assignments to the rep since midnight in the rep''s time zone (what max_daily_leads caps)';
COMMENT ON COLUMN leadroute.metrics_rep_load.assigned_7d IS 'Assignments to the rep in the last 7 days';
COMMENT ON COLUMN leadroute.metrics_rep_load.max_open_leads IS 'The rep''s cap (NULL: none)';
COMMENT ON COLUMN leadroute.metrics_rep_load.utilization IS 'open_leads / max_open_leads (NULL without a cap)';

CREATE OR REPLACE VIEW leadroute.metrics_fairness AS
SELECT x.pool_id, p.name AS pool, x.week, count(*) AS reps, sum(x.n)::bigint AS leads,
       min(x.n)::bigint AS min_per_rep, max(x.n)::bigint AS max_per_rep,
       round(sum(x.n)::numeric ^ 2 / (count(*) * sum(x.n::numeric ^ 2)), 6) AS jain_index,
       sum(x.pts) AS points, min(x.pts) AS min_points_per_rep, max(x.pts) AS max_points_per_rep,
       round(sum(x.pts) ^ 2 / nullif(count(x.pts) * sum(x.pts ^ 2), 0), 6) AS points_jain_index
  FROM (SELECT w.pool_id, w.week, w.rep_id, sum(w.leads) AS n, sum(w.points) AS pts
          FROM (SELECT r.pool_id, r.day - (extract(isodow FROM r.day)::integer - 1) AS week, r.rep_id, r.leads,
                       r.points
                  FROM leadroute._metric_daily_pool r JOIN leadroute._metric_rolled_up_days() v ON v.day = r.day
                UNION ALL
                SELECT a.pool_id, a.day - (extract(isodow FROM a.day)::integer - 1), a.rep_id, count(*),
                       sum(a.points)
                  FROM leadroute._metric_live_pool_assignments() a GROUP BY a.pool_id, a.day, a.rep_id) w
         GROUP BY w.pool_id, w.week, w.rep_id) x
  LEFT JOIN leadroute.pools p ON p.id = x.pool_id
 GROUP BY x.pool_id, p.name, x.week;
COMMENT ON VIEW leadroute.metrics_fairness IS
  'Fairness of each pool per week: leads per rep and Jain''s index (1 = perfectly even, 1/reps = one rep got all)';
COMMENT ON COLUMN leadroute.metrics_fairness.pool_id IS 'The pool';
COMMENT ON COLUMN leadroute.metrics_fairness.pool IS 'The pool''s name (NULL if deleted)';
COMMENT ON COLUMN leadroute.metrics_fairness.week IS 'Monday of the week of the assignments (reporting time zone)';
COMMENT ON COLUMN leadroute.metrics_fairness.reps IS 'Reps the pool gave at least one lead that week';
COMMENT ON COLUMN leadroute.metrics_fairness.leads IS 'Leads the pool gave out (routed, rerouted and escalated assignments)';
COMMENT ON COLUMN leadroute.metrics_fairness.min_per_rep IS 'Fewest leads one of those reps got';
COMMENT ON COLUMN leadroute.metrics_fairness.max_per_rep IS 'Most leads one rep got';
COMMENT ON COLUMN leadroute.metrics_fairness.jain_index IS '(sum x)^2 / (reps * sum x^2) over leads per rep x (6 decimals)';
COMMENT ON COLUMN leadroute.metrics_fairness.points IS 'points pools: the points the pool gave out (assignments.points); NULL for other pools';
COMMENT ON COLUMN leadroute.metrics_fairness.min_points_per_rep IS 'points pools: fewest points one of those reps got';
COMMENT ON COLUMN leadroute.metrics_fairness.max_points_per_rep IS 'points pools: most points one rep got';
COMMENT ON COLUMN leadroute.metrics_fairness.points_jain_index IS 'points pools: Jain''s index over points per rep (1 = even; weights are not taken into account)';

-- The rollups' refresh, beside the views that read them.
CREATE OR REPLACE FUNCTION leadroute.refresh_metrics(max_days integer DEFAULT 400) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  SET jit = off
  AS $body$
DECLARE
  st leadroute._metrics_state;
  target date;
  first_day date;
  new_until date;
  seen bigint[];
  stale date[];
  lo timestamptz;
  hi timestamptz;
BEGIN
  IF max_days IS NULL OR max_days < 0 THEN
    RAISE EXCEPTION 'max_days must be zero or more, not %', coalesce(max_days::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- One refresh at a time; a second caller has nothing to add.
  IF NOT pg_catalog.pg_try_advisory_xact_lock(1819440757, 2) THEN
    RETURN 0;
  END IF;
  SELECT * INTO st FROM leadroute._metrics_state FOR UPDATE;
  target := (pg_catalog.now() AT TIME ZONE st.timezone)::date - 3;
  first_day := coalesce(st.rollup_until,
                        (SELECT (min(l.captured_at) AT TIME ZONE st.timezone)::date FROM leadroute.leads l),
                        target);
  first_day := least(first_day, target);
  new_until := greatest(coalesce(st.rollup_until, first_day), least(target, first_day + max_days));

  SELECT pg_catalog.array_agg(id) INTO seen FROM leadroute._metrics_dirty;
  -- Two kinds of days: stale rolled-up days (few, scattered: one index range each) and the new
  -- days since the last refresh (one contiguous range: one index scan).
  SELECT coalesce(pg_catalog.array_agg(DISTINCT day ORDER BY day), '{}') INTO stale
    FROM leadroute._metrics_dirty WHERE day OPERATOR(pg_catalog.<) st.rollup_until;
  lo := first_day::timestamp AT TIME ZONE st.timezone;
  hi := new_until::timestamp AT TIME ZONE st.timezone;

  DELETE FROM leadroute._metric_daily
   WHERE day OPERATOR(pg_catalog.=) ANY (stale) OR (day OPERATOR(pg_catalog.>=) first_day AND day OPERATOR(pg_catalog.<) new_until);
  DELETE FROM leadroute._metric_daily_sla
   WHERE day OPERATOR(pg_catalog.=) ANY (stale) OR (day OPERATOR(pg_catalog.>=) first_day AND day OPERATOR(pg_catalog.<) new_until);
  DELETE FROM leadroute._metric_daily_conversion
   WHERE day OPERATOR(pg_catalog.=) ANY (stale) OR (day OPERATOR(pg_catalog.>=) first_day AND day OPERATOR(pg_catalog.<) new_until);
  DELETE FROM leadroute._metric_daily_pool
   WHERE day OPERATOR(pg_catalog.=) ANY (stale) OR (day OPERATOR(pg_catalog.>=) first_day AND day OPERATOR(pg_catalog.<) new_until);

  CREATE TEMP TABLE _refresh_facts ON COMMIT DROP AS
  SELECT f.* FROM leadroute._metric_lead_facts f
   WHERE f.captured_at OPERATOR(pg_catalog.>=) lo AND f.captured_at OPERATOR(pg_catalog.<) hi
  UNION ALL
  SELECT f.*
    FROM pg_catalog.unnest(stale) d(day)
   CROSS JOIN LATERAL (
     SELECT * FROM leadroute._metric_lead_facts f
      WHERE f.captured_at OPERATOR(pg_catalog.>=) (d.day::timestamp AT TIME ZONE st.timezone)
        AND f.captured_at OPERATOR(pg_catalog.<) ((d.day + 1)::timestamp AT TIME ZONE st.timezone)
     OFFSET 0) f;

  INSERT INTO leadroute._metric_daily
  SELECT f.day, f.source, pg_catalog.count(*),
         pg_catalog.count(*) FILTER (WHERE f.decided), pg_catalog.count(*) FILTER (WHERE f.fallback),
         pg_catalog.count(*) FILTER (WHERE f.routed_to_rep), pg_catalog.count(*) FILTER (WHERE f.reassigned_48h),
         pg_catalog.count(f.first_assigned_at),
         pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY f.seconds_to_lead::double precision),
         pg_catalog.percentile_cont(0.9) WITHIN GROUP (ORDER BY f.seconds_to_lead::double precision),
         pg_catalog.avg(f.seconds_to_lead)::double precision,
         pg_catalog.count(f.seconds_to_contact),
         pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY f.seconds_to_contact::double precision),
         pg_catalog.percentile_cont(0.9) WITHIN GROUP (ORDER BY f.seconds_to_contact::double precision)
    FROM _refresh_facts f GROUP BY f.day, f.source;
  INSERT INTO leadroute._metric_daily_sla
  SELECT f.day, f.source, f.sla_policy_id, pg_catalog.count(*),
         pg_catalog.count(*) FILTER (WHERE f.sla_met), pg_catalog.count(*) FILTER (WHERE f.sla_breached)
    FROM _refresh_facts f WHERE f.sla_met OR f.sla_breached OR f.sla_pending
   GROUP BY f.day, f.source, f.sla_policy_id;
  INSERT INTO leadroute._metric_daily_conversion
  SELECT f.day, f.routing_model, f.rule_id, pg_catalog.count(*), pg_catalog.count(*) FILTER (WHERE f.converted)
    FROM _refresh_facts f GROUP BY f.day, f.routing_model, f.rule_id;
  INSERT INTO leadroute._metric_daily_pool
  SELECT (a.assigned_at AT TIME ZONE st.timezone)::date, a.pool_id, a.rep_id, pg_catalog.count(*),
         pg_catalog.sum(a.points)
    FROM (SELECT a.assigned_at, a.pool_id, a.rep_id, a.points FROM leadroute.assignments a
           WHERE a.assigned_at OPERATOR(pg_catalog.>=) lo AND a.assigned_at OPERATOR(pg_catalog.<) hi
             AND a.pool_id IS NOT NULL AND a.rep_id IS NOT NULL AND a.reason OPERATOR(pg_catalog.<>) 'manual'
          UNION ALL
          SELECT a.assigned_at, a.pool_id, a.rep_id, a.points
            FROM pg_catalog.unnest(stale) d(day)
           CROSS JOIN LATERAL (
             SELECT a.assigned_at, a.pool_id, a.rep_id, a.points FROM leadroute.assignments a
              WHERE a.assigned_at OPERATOR(pg_catalog.>=) (d.day::timestamp AT TIME ZONE st.timezone)
                AND a.assigned_at OPERATOR(pg_catalog.<) ((d.day + 1)::timestamp AT TIME ZONE st.timezone)
                AND a.pool_id IS NOT NULL AND a.rep_id IS NOT NULL AND a.reason OPERATOR(pg_catalog.<>) 'manual'
             OFFSET 0) a) a
   GROUP BY 1, a.pool_id, a.rep_id;

  -- Marks this refresh saw are settled; a day with an SLA clock still running stays live.
  DELETE FROM leadroute._metrics_dirty WHERE id OPERATOR(pg_catalog.=) ANY (coalesce(seen, '{}'));
  INSERT INTO leadroute._metrics_dirty (day) SELECT DISTINCT f.day FROM _refresh_facts f WHERE f.sla_pending;
  UPDATE leadroute._metrics_state SET rollup_until = new_until, refreshed_at = pg_catalog.now();
  DROP TABLE pg_temp._refresh_facts;
  RETURN pg_catalog.cardinality(stale) + (new_until - first_day);
END
$body$;
COMMENT ON FUNCTION leadroute.refresh_metrics(integer) IS
  'Brings the metric rollups up to date (stale days, then at most max_days new days); returns the days computed. The views are exact without it, only slower.';
