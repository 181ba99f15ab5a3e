-- Metric views and alerts (issue 6) over the hand-made dataset of test/metrics_dataset.sql.inc.
-- Every expected number is derived here from the dataset. Who got what (round-robin Ana/Ben in
-- pool SDR, the catch-all to Cy):
--   lead  captured (UTC)      source        routed after  owner at routing  then
--   1     Mon 03-02 09:00     demo_request  10 s          Ana               contact +3 min (due +5): met
--   2     Mon 03-02 10:00     demo_request  20 s          Ben               contact +7 min: breached
--   3     Mon 03-02 11:00     demo_request  40 s          Ana               never contacted; escalated to Ben
--                                                                            03-09 09:00 (new due 09:05): breached
--   4     Tue 03-03 09:00     web           5 s           Cy (catch-all)    contact +30 min (due +60): met; converted
--   5     Tue 03-03 09:30     partner       0 s           queue partners    Ben by hand 12:00 (due 13:00), contact 12:30: met
--   6     Mon 03-09 10:00     demo_request  60 s          Ana               contact +4 min: met; Ben by hand 03-10 09:00
--                                                                            (23 h after routing); converted
--   7     Mon 03-09 11:00     demo_request  30 s          Ben               Cy by hand 03-12 11:00 (72 h after routing),
--                                                                            clock restarted (due 11:05), never contacted: breached
--   8     Tue 03-10 08:00     web           10 s          Cy (catch-all)    never contacted (due 09:00:10): breached
--   9     Thu 03-12 11:58     demo_request  15 s          Ana               due 12:03:15, after the 12:00 reading: pending
--   10    Wed 03-11 14:00     webinar (80)  8 s           Cy (catch-all)    high intent (15 min), contact +10 min: met
--   11    Wed 03-11 15:00     web           0 s           default queue     (routing switched off): fallback
BEGIN;
SELECT plan(37);
\ir 00_helpers.sql.inc
\ir ../metrics_dataset.sql.inc

SELECT results_eq($$SELECT id, owner_id FROM leadroute.leads ORDER BY id$$,
                  $$VALUES (1::bigint, 1::bigint), (2, 2), (3, 2), (4, 3), (5, 2), (6, 2), (7, 3), (8, 3), (9, 1), (10, 3), (11, NULL)$$,
                  'the dataset is routed as the comments say');

-- Speed to lead: seconds from captured_at to the first assignment, per captured day and source.
--   03-02 demo: 10, 20, 40 -> median 20; p90 = 20 + 0.8 * (40 - 20) = 36 (rank 0.9 * 2 = 1.8); avg 70/3
--   03-03 partner: lead 5 first got a rep by hand at 12:00, 2.5 h after capture: 9000
--   03-09 demo: 60, 30 -> median 45, p90 = 30 + 0.9 * 30 = 57, avg 45
SELECT results_eq($$SELECT day, source, leads, median_seconds, p90_seconds, round(avg_seconds::numeric, 6)
                      FROM leadroute.metrics_speed_to_lead ORDER BY day, source$$,
                  $$VALUES ('2026-03-02'::date, 'demo_request'::text, 3::bigint, 20::float8, 36::float8, 23.333333::numeric),
                           ('2026-03-03', 'partner', 1, 9000, 9000, 9000),
                           ('2026-03-03', 'web', 1, 5, 5, 5),
                           ('2026-03-09', 'demo_request', 2, 45, 57, 45),
                           ('2026-03-10', 'web', 1, 10, 10, 10),
                           ('2026-03-11', 'webinar', 1, 8, 8, 8),
                           ('2026-03-12', 'demo_request', 1, 15, 15, 15)$$,
                  'speed to lead: medians, p90 and averages per day and source');

-- Speed to contact: first assignment -> first contact. 03-02 demo: 180 and 420 -> median 300,
-- p90 = 180 + 0.9 * 240 = 396. Lead 5: 12:00 -> 12:30. Lead 6: 10:01 -> 10:05.
SELECT results_eq($$SELECT day, source, contacted, median_seconds, p90_seconds
                      FROM leadroute.metrics_speed_to_contact ORDER BY day, source$$,
                  $$VALUES ('2026-03-02'::date, 'demo_request'::text, 2::bigint, 300::float8, 396::float8),
                           ('2026-03-03', 'partner', 1, 1800, 1800),
                           ('2026-03-03', 'web', 1, 1800, 1800),
                           ('2026-03-09', 'demo_request', 1, 240, 240),
                           ('2026-03-11', 'webinar', 1, 600, 600)$$,
                  'speed to contact per day and source');

-- Fallback: W1 leads 1-5, lead 4 by the catch-all: 1/5. W2 leads 6-11: the catch-all placed 8
-- and 10, the default queue 11: 3/6.
SELECT results_eq($$SELECT week, leads, fallback_leads, fallback_rate FROM leadroute.metrics_fallback_rate ORDER BY week$$,
                  $$VALUES ('2026-03-02'::date, 5::bigint, 1::bigint, 0.2::numeric), ('2026-03-09', 6, 3, 0.5)$$,
                  'fallback rate per week: catch-all rule and default queue');

-- SLA adherence: met / (met + breached); lead 9's clock still runs (counted in leads only).
SELECT results_eq($$SELECT week, source, policy, leads, met, breached, adherence
                      FROM leadroute.metrics_sla_adherence ORDER BY week, source$$,
                  $$VALUES ('2026-03-02'::date, 'demo_request'::text, 'Demo requests and pricing pages'::text, 3::bigint, 1::bigint, 2::bigint, 0.333333::numeric),
                           ('2026-03-02', 'partner', 'General inbound', 1, 1, 0, 1),
                           ('2026-03-02', 'web', 'General inbound', 1, 1, 0, 1),
                           ('2026-03-09', 'demo_request', 'Demo requests and pricing pages', 3, 1, 1, 0.5),
                           ('2026-03-09', 'web', 'General inbound', 1, 0, 1, 0),
                           ('2026-03-09', 'webinar', 'High-intent content', 1, 1, 0, 1)$$,
                  'SLA adherence per week, source and policy; a running clock is not judged');

-- Routing accuracy: W1 routed to a rep 1-4 (5 went to a queue), none changed by hand: 1. W2
-- routed 6-10; 6 changed by hand 23 h after routing, 7 after 72 h (does not count): 1 - 1/5.
SELECT results_eq($$SELECT week, routed, reassigned_48h, accuracy FROM leadroute.metrics_routing_accuracy ORDER BY week$$,
                  $$VALUES ('2026-03-02'::date, 4::bigint, 0::bigint, 1::numeric), ('2026-03-09', 5, 1, 0.8)$$,
                  'routing accuracy: manual changes within 48 hours of routing');

-- Conversion by the model and rule of the routing decision: Demo placed 1,2,3,6,7,9 (6
-- converted): 1/6; the catch-all 4,8,10 (4 converted): 1/3.
SELECT results_eq($$SELECT routing_model, rule_id, rule, leads, converted, conversion_rate
                      FROM leadroute.metrics_conversion ORDER BY routing_model$$,
                  $$VALUES ('fallback'::text, NULL::bigint, NULL::text, 1::bigint, 0::bigint, 0::numeric),
                           ('queue', 2, 'Partners', 1, 0, 0),
                           ('round_robin', 1, 'Demo', 6, 1, 0.166667),
                           ('territory', 3, 'Everything else', 3, 1, 0.333333)$$,
                  'conversion by routing model and rule');

-- Rep load at Thursday 12:00. Open (assigned or contacted): Ana 1, 9; Ben 2, 3, 5; Cy 7, 8, 10.
-- Today: Ana got 9, Cy got 7 by hand. Since 03-05 12:00: Ana 6, 9; Ben 3 (escalated), 7, 6 (by
-- hand); Cy 8, 10, 7 (by hand). Ana's cap is 4: 2/4.
SELECT results_eq($$SELECT rep_id, rep, open_leads, assigned_today, assigned_7d, max_open_leads, utilization
                      FROM leadroute.metrics_rep_load ORDER BY rep_id$$,
                  $$VALUES (1::bigint, 'Ana'::text, 2::bigint, 1::bigint, 2::bigint, 4, 0.5::numeric),
                           (2, 'Ben', 3, 0, 3, NULL, NULL),
                           (3, 'Cy', 3, 1, 3, NULL, NULL)$$,
                  'rep load: open leads, today, 7 days, utilization of the cap');

-- Fairness of pool SDR (its own assignments; by hand ones do not count). W1: Ana 1, 3; Ben 2:
-- Jain = (1 + 2)^2 / (2 * (1 + 4)) = 0.9. W2: Ben 3 (escalated), 7; Ana 6, 9: (2 + 2)^2 / (2 * 8) = 1.
SELECT results_eq($$SELECT pool_id, pool, week, reps, leads, min_per_rep, max_per_rep, jain_index
                      FROM leadroute.metrics_fairness ORDER BY week$$,
                  $$VALUES (1::bigint, 'SDR'::text, '2026-03-02'::date, 2::bigint, 3::bigint, 1::bigint, 2::bigint, 0.9::numeric),
                           (1, 'SDR', '2026-03-09', 2, 4, 2, 2, 1)$$,
                  'fairness: Jain''s index per pool and week');

-- Rule hits (routing decisions; the escalation of lead 3 is not a hit). Since 03-05 12:00: Demo
-- placed 6, 7, 9; the catch-all 8, 10.
SELECT results_eq($$SELECT rule_id, rule, hits_7d, hits_30d, last_hit_at FROM leadroute.metrics_rule_hits ORDER BY rule_id$$,
                  $$VALUES (1::bigint, 'Demo'::text, 3::bigint, 6::bigint, '2026-03-12 11:58:15+00'::timestamptz),
                           (2, 'Partners', 0, 1, '2026-03-03 09:30+00'),
                           (3, 'Everything else', 2, 3, '2026-03-11 14:00:08+00')$$,
                  'rule hits over 7 and 30 days, last hit');

-- Alerts over the leads captured in the last 7 days (6-11): fallback 3/6; SLA breached 7, 8 of
-- judged 6, 7, 8, 10: 2/4; changed by hand within 48 h 1 of 5 routed: 0.2, not above 0.20;
-- high intent (demo_request) 60, 30, 15 s: 35 s.
SELECT results_eq($$SELECT alert, value, threshold, firing FROM leadroute.alerts
                     WHERE alert <> 'escalation_minutes_since_success' ORDER BY alert$$,
                  $$VALUES ('dead_letters'::text, 0::numeric, 0::numeric, false),
                           ('fallback_rate', 0.5, 0.10, true),
                           ('high_intent_assignment_seconds', 35, 120, false),
                           ('manual_reassignment_rate', 0.2, 0.20, false),
                           ('sla_breach_rate', 0.5, 0.15, true)$$,
                  'alerts: two firing, one exactly at its threshold (not firing)');
UPDATE leadroute.alert_thresholds SET threshold = 0.5 WHERE alert = 'fallback_rate';
UPDATE leadroute.alert_thresholds SET threshold = 34.999 WHERE alert = 'high_intent_assignment_seconds';
UPDATE leadroute.alert_thresholds SET threshold = 0.199999 WHERE alert = 'manual_reassignment_rate';
SELECT results_eq($$SELECT alert, firing FROM leadroute.alerts
                     WHERE alert <> 'escalation_minutes_since_success' ORDER BY alert$$,
                  $$VALUES ('dead_letters'::text, false), ('fallback_rate', false), ('high_intent_assignment_seconds', true),
                           ('manual_reassignment_rate', true), ('sla_breach_rate', true)$$,
                  'thresholds a DBA changes move alerts across their edges');
SELECT is((SELECT shipped FROM leadroute.alert_thresholds WHERE alert = 'fallback_rate'), false,
          'an edited threshold is the user''s own row (kept by pg_dump)');
UPDATE leadroute.metric_settings SET value = '3 days' WHERE name = 'alert_window';
SELECT is((SELECT value FROM leadroute.alerts WHERE alert = 'fallback_rate'), 0.75,
          'a 3-day alert window: leads 8-11, three of them fallback');
UPDATE leadroute.metric_settings SET value = '7 days' WHERE name = 'alert_window';
SELECT throws_ok($$UPDATE leadroute.metric_settings SET value = 'Mars/Olympus' WHERE name = 'reporting_timezone'$$,
                 '22023', 'invalid value ''Mars/Olympus'' for metric setting reporting_timezone',
                 'a bad reporting time zone is refused');

-- The rollups: refresh stores every closed day; the views read the same numbers from them.
CREATE TEMP TABLE before_refresh AS
SELECT 'stl' AS v, row_to_json(x)::text AS r FROM leadroute.metrics_speed_to_lead x
UNION ALL SELECT 'stc', row_to_json(x)::text FROM leadroute.metrics_speed_to_contact x
UNION ALL SELECT 'fb', row_to_json(x)::text FROM leadroute.metrics_fallback_rate x
UNION ALL SELECT 'sla', row_to_json(x)::text FROM leadroute.metrics_sla_adherence x
UNION ALL SELECT 'acc', row_to_json(x)::text FROM leadroute.metrics_routing_accuracy x
UNION ALL SELECT 'conv', row_to_json(x)::text FROM leadroute.metrics_conversion x
UNION ALL SELECT 'fair', row_to_json(x)::text FROM leadroute.metrics_fairness x;
CREATE TEMP VIEW now_rows AS
SELECT 'stl' AS v, row_to_json(x)::text AS r FROM leadroute.metrics_speed_to_lead x
UNION ALL SELECT 'stc', row_to_json(x)::text FROM leadroute.metrics_speed_to_contact x
UNION ALL SELECT 'fb', row_to_json(x)::text FROM leadroute.metrics_fallback_rate x
UNION ALL SELECT 'sla', row_to_json(x)::text FROM leadroute.metrics_sla_adherence x
UNION ALL SELECT 'acc', row_to_json(x)::text FROM leadroute.metrics_routing_accuracy x
UNION ALL SELECT 'conv', row_to_json(x)::text FROM leadroute.metrics_conversion x
UNION ALL SELECT 'fair', row_to_json(x)::text FROM leadroute.metrics_fairness x;
SELECT is((SELECT rollup_until FROM leadroute._metrics_state), NULL::date, 'before any refresh everything is computed live');
SELECT cmp_ok(leadroute.refresh_metrics(), '>=', 11, 'refresh computes every day from the first lead on');
SELECT is((SELECT count(DISTINCT day) FROM leadroute._metric_daily), 6::bigint, 'the six days with leads are rolled up');
SELECT set_eq($$SELECT * FROM now_rows$$, $$SELECT * FROM before_refresh$$, 'the views give the same rows from the rollups');
SELECT results_eq($$SELECT day FROM leadroute._metrics_dirty$$, $$VALUES ('2026-03-12'::date)$$,
                  'the day whose SLA clock still runs stays live');
SELECT is(leadroute.refresh_metrics(), 1, 'a second refresh recomputes only that day');

-- A late change to a rolled-up day shows at once (the day is computed live until refreshed).
SELECT leadroute.record_contact(8, '2026-03-10 08:30+00');
SELECT results_eq($$SELECT met, breached FROM leadroute.metrics_sla_adherence WHERE week = '2026-03-09' AND source = 'web'$$,
                  $$VALUES (1::bigint, 0::bigint)$$, 'a late first contact moves lead 8 from breached to met at once');
SELECT ok(EXISTS (SELECT 1 FROM leadroute._metrics_dirty WHERE day = '2026-03-10'), 'its day is marked stale');
SELECT leadroute.refresh_metrics();
SELECT results_eq($$SELECT met, breached FROM leadroute.metrics_sla_adherence WHERE week = '2026-03-09' AND source = 'web'$$,
                  $$VALUES (1::bigint, 0::bigint)$$, 'and stays so once rolled up again');
UPDATE leadroute.assignments SET assigned_at = '2026-03-11 09:30+00' WHERE lead_id = 7 AND reason = 'manual';
SELECT results_eq($$SELECT reassigned_48h FROM leadroute.metrics_routing_accuracy WHERE week = '2026-03-09'$$,
                  $$VALUES (2::bigint)$$, 'an edited assignment time is seen: lead 7 now changed hands within 48 h');
DELETE FROM leadroute.leads WHERE id = 11;
SELECT results_eq($$SELECT leads, fallback_leads FROM leadroute.metrics_fallback_rate WHERE week = '2026-03-09'$$,
                  $$VALUES (5::bigint, 2::bigint)$$, 'a deleted lead leaves the rolled-up week');
UPDATE leadroute.metric_settings SET value = 'America/New_York' WHERE name = 'reporting_timezone';
SELECT results_eq($$SELECT timezone, rollup_until FROM leadroute._metrics_state$$,
                  $$VALUES ('America/New_York'::text, NULL::date)$$, 'a new reporting time zone drops the rollups');
SELECT results_eq($$SELECT day, leads FROM leadroute.metrics_speed_to_lead WHERE source = 'web' ORDER BY day$$,
                  $$VALUES ('2026-03-03'::date, 1::bigint), ('2026-03-10', 1)$$,
                  'days are New York days (both leads came at 04:00 there, the same dates)');
TRUNCATE leadroute.leads;
SELECT is((SELECT count(*) FROM leadroute.metrics_speed_to_lead), 0::bigint, 'TRUNCATE empties the views and the rollups');

-- Who may read what: the analyst reads the views and settings, nothing else.
CREATE ROLE metrics_analyst_test IN ROLE leadroute_analyst;
SELECT is(pg_temp.as_role('metrics_analyst_test', 'SELECT count(*) FROM leadroute.alerts'), '6', 'the analyst reads alerts');
SELECT is(pg_temp.as_role('metrics_analyst_test', 'SELECT count(*) FROM leadroute.metrics_rep_load'), '3', 'and rep load');
SELECT is(pg_temp.as_role('metrics_analyst_test', 'SELECT count(*) FROM leadroute.metrics_fairness'), '0',
          'and fairness (empty: TRUNCATE leads took the leads'' assignments with them)');
SELECT is(pg_temp.as_role('metrics_analyst_test', 'SELECT count(*) FROM leadroute.leads'), 'ERROR 42501', 'but not leads');
SELECT is(pg_temp.as_role('metrics_analyst_test', 'SELECT count(*) FROM leadroute._metric_daily'), 'ERROR 42501', 'nor the rollups');
SELECT is(pg_temp.as_role('metrics_analyst_test', 'SELECT leadroute.refresh_metrics()'), 'ERROR 42501', 'and cannot refresh');
SELECT is(pg_temp.as_role('metrics_analyst_test', $$UPDATE leadroute.alert_thresholds SET threshold = 1$$), 'ERROR 42501',
          'nor change thresholds');

\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
