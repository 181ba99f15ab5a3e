-- Operations (issue 19): retention and purge, rotation resync, job health in audit(), repaired
-- jobs, version_info, configuration errors a DBA can act on, and the rotation counters' owner
-- (issue 13); DROP EXTENSION with pg_cron present, last (rolled back with the rest).
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(39);

CREATE ROLE lr_ops_admin LOGIN IN ROLE leadroute_admin;
CREATE ROLE lr_ops_analyst LOGIN IN ROLE leadroute_analyst;
TRUNCATE leadroute.notifications, leadroute.shadow_decisions;

INSERT INTO leadroute.reps (id, name, email) VALUES (1, 'A', 'a@t.io'), (2, 'B', 'b@t.io'), (3, 'C', 'c@t.io');
INSERT INTO leadroute.pools (id, name) VALUES (1, 'three'), (2, 'two');
INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (1, 1), (1, 2), (1, 3), (2, 1), (2, 2);
INSERT INTO leadroute.rules (name, priority, condition, action, pool_id) VALUES
  ('three', 10, $$source = 'a'$$, 'pool', 1), ('two', 20, 'TRUE', 'pool', 2);
INSERT INTO leadroute.leads (email, source, captured_at)
SELECT 'l' || g || '@x' || g || '.com', CASE WHEN g % 3 = 0 THEN 'b' ELSE 'a' END, now() - (g % 20) * interval '1 day'
  FROM generate_series(1, 60) g;

-- ---- the rotation counters are not pools.id's sequence (issue 13) ----------------------------
SELECT is(pg_get_serial_sequence('leadroute.pools', 'id'), 'leadroute.pools_id_seq',
          'with two pools, pg_get_serial_sequence on pools.id names pools_id_seq, not a rotation counter');
SELECT setval(pg_get_serial_sequence('leadroute.pools', 'id'), (SELECT max(id) FROM leadroute.pools));
INSERT INTO leadroute.pools (name) VALUES ('after a primary-key reset');
SELECT is((SELECT max(id) FROM leadroute.pools), 3::bigint, 'resetting the pools'' id sequence the usual way, the next INSERT works');
SELECT is((SELECT last_value FROM leadroute._pool_turns_1), 40::bigint, 'and the rotation of pool 1 did not move');
SELECT is((SELECT count(*) FROM pg_depend d
            WHERE d.objid IN ('leadroute._pool_turns_1'::regclass, 'leadroute._pool_turns_1_shadow'::regclass)
              AND d.refobjid = 'leadroute._rotation_counters'::regclass AND d.deptype = 'a'), 2::bigint,
          'the counters are owned by _rotation_counters (dropped with the extension)');
DELETE FROM leadroute.pools WHERE id = 3;
SELECT is(to_regclass('leadroute._pool_turns_3'), NULL, 'and still dropped with their pool');

-- ---- resync from the recorded decisions --------------------------------------------------------
-- A promoted standby's counter is up to 32 turns ahead (SEQ_LOG_VALS).
SELECT setval('leadroute._pool_turns_1', 40 + 29);
SELECT results_eq($$SELECT counter, was, now FROM leadroute.resync_rotation() WHERE pool_id = 1 AND counter NOT LIKE '%shadow'$$,
                  $$VALUES ('leadroute._pool_turns_1', 69::bigint, 40::bigint)$$,
                  'resync_rotation() sets the counter back to the last recorded turn');
INSERT INTO leadroute.leads (email, source) VALUES ('next@y.com', 'a');
SELECT is((SELECT owner_id FROM leadroute.leads WHERE email = 'next@y.com'), 2::bigint,
          'the next lead continues the rotation: turn 41 of a b c is b');
SELECT is(pg_temp.as_role('lr_ops_analyst', 'SELECT count(*) FROM leadroute.resync_rotation()'), 'ERROR 42501',
          'the analyst may not resync');
DROP SEQUENCE leadroute._pool_turns_2;    -- as a data-only restore with --disable-triggers leaves it
SELECT is((SELECT source FROM leadroute.resync_rotation() WHERE counter = 'leadroute._pool_turns_2'), 'last recorded turn',
          'resync_rotation() recreates a missing counter at the recorded turn');
SELECT is((SELECT last_value FROM leadroute._pool_turns_2), 20::bigint, 'at the 20 turns pool 2 gave');

-- ---- retention -------------------------------------------------------------------------------
SELECT throws_ok($$UPDATE leadroute.retention SET keep = '1 hour' WHERE data = 'decision_traces'$$, '23514',
                 NULL, 'a retention under a day is refused');
SELECT throws_ok($$UPDATE leadroute.retention SET keep = '7 days' WHERE data = 'config_history'$$, '23514',
                 NULL, 'config_history is kept at least 31 days (audit reads 30)');
SELECT is(pg_temp.as_role('lr_ops_admin', $$UPDATE leadroute.retention SET keep = '1 day' WHERE data = 'decision_traces' RETURNING keep::text$$),
          '1 day', 'the admin sets a retention');
UPDATE leadroute.retention SET keep = '31 days' WHERE data = 'config_history';
UPDATE leadroute.notifications SET delivered_at = now() - interval '100 days' WHERE id % 2 = 0;
INSERT INTO leadroute.shadow_decisions (lead_id, ruleset, decided_at, status, routing_model, fallback)
SELECT id, 'old', now() - interval '200 days', 'queued', 'queue', false FROM leadroute.leads LIMIT 5;
SELECT leadroute.refresh_metrics();
CREATE TEMP TABLE before_purge AS
SELECT 'speed' AS v, (SELECT string_agg(x::text, ';' ORDER BY x::text) FROM leadroute.metrics_speed_to_lead x) AS rows
UNION ALL SELECT 'fallback', (SELECT string_agg(x::text, ';' ORDER BY x::text) FROM leadroute.metrics_fallback_rate x)
UNION ALL SELECT 'fairness', (SELECT string_agg(x::text, ';' ORDER BY x::text) FROM leadroute.metrics_fairness x)
UNION ALL SELECT 'sla', (SELECT string_agg(x::text, ';' ORDER BY x::text) FROM leadroute.metrics_sla_adherence x)
UNION ALL SELECT 'rules', (SELECT string_agg(x::text, ';' ORDER BY x::text) FROM leadroute.config_at(clock_timestamp()) x);
SELECT count(*) AS undelivered INTO TEMP undelivered FROM leadroute.notifications WHERE delivered_at IS NULL;
SELECT count(*) AS n INTO TEMP decisions_before FROM leadroute.decisions;
SELECT count(*) AS n INTO TEMP dirty_before FROM leadroute._metrics_dirty;

SET leadroute.now = '2099-01-01';
SELECT results_eq($$SELECT data, purged > 0 FROM leadroute.purge_history() ORDER BY data$$,
                  $$VALUES ('config_history', true), ('decision_traces', true), ('delivered_notifications', true), ('shadow_decisions', true)$$,
                  'purge_history() purges each kind past its retention');
RESET leadroute.now;
SELECT is((SELECT count(*) FROM leadroute.decisions WHERE trace IS NOT NULL), 0::bigint, 'old traces are gone');
SELECT is((SELECT count(*) FROM leadroute.decisions), (SELECT n FROM decisions_before), 'every decision row stays');
SELECT is((SELECT count(*) FROM leadroute.notifications WHERE delivered_at IS NOT NULL), 0::bigint, 'delivered notifications are gone');
SELECT is((SELECT count(*) FROM leadroute.notifications), (SELECT undelivered FROM undelivered), 'undelivered ones stay');
SELECT is((SELECT count(*) FROM leadroute.shadow_decisions), 0::bigint, 'old shadow decisions are gone');
SELECT is((SELECT count(*) FROM leadroute.config_history WHERE operation <> 'SNAPSHOT'), 0::bigint,
          'old configuration changes are folded into snapshots');
SELECT results_eq($$SELECT v, rows FROM before_purge ORDER BY v$$,
  $$SELECT * FROM (
      SELECT 'speed' AS v, (SELECT string_agg(x::text, ';' ORDER BY x::text) FROM leadroute.metrics_speed_to_lead x) AS rows
      UNION ALL SELECT 'fallback', (SELECT string_agg(x::text, ';' ORDER BY x::text) FROM leadroute.metrics_fallback_rate x)
      UNION ALL SELECT 'fairness', (SELECT string_agg(x::text, ';' ORDER BY x::text) FROM leadroute.metrics_fairness x)
      UNION ALL SELECT 'sla', (SELECT string_agg(x::text, ';' ORDER BY x::text) FROM leadroute.metrics_sla_adherence x)
      UNION ALL SELECT 'rules', (SELECT string_agg(x::text, ';' ORDER BY x::text) FROM leadroute.config_at(clock_timestamp()) x)) a ORDER BY v$$,
  'the metric views and the configuration config_at() rebuilds are the same after the purge');
SELECT is((SELECT count(*) FROM leadroute._metrics_dirty), (SELECT n FROM dirty_before), 'the purge marked no rolled-up day stale');
SELECT ok(leadroute.explain((SELECT min(id) FROM leadroute.leads)) IS NOT NULL, 'explain() still answers for a lead whose trace was purged');
SELECT is(pg_temp.as_role('lr_ops_analyst', 'SELECT count(*) FROM leadroute.purge_history()'), 'ERROR 42501',
          'the analyst may not purge');

-- ---- pg_cron jobs: repaired, and reported by audit() ------------------------------------------
SELECT leadroute.schedule_jobs();
UPDATE cron.job SET nodeport = 1 WHERE jobname = 'leadroute-sla';
SELECT is((SELECT object FROM leadroute.audit() WHERE finding = 'job_points_elsewhere'), 'job leadroute-sla',
          'audit() reports a job that connects to another port (the old primary''s, after a failover)');
SELECT ok((SELECT bool_or(s LIKE '%leadroute-sla%repaired%') FROM leadroute.schedule_jobs() s),
          'schedule_jobs() repairs it and says so');
SELECT is((SELECT nodeport FROM cron.job WHERE jobname = 'leadroute-sla'), current_setting('port')::integer,
          'the job connects to this server again');
-- pg_cron really runs the job in this database every minute: hold its run history still (the
-- scheduler waits for this transaction), then make the last success 30 minutes old.
LOCK TABLE cron.job_run_details IN EXCLUSIVE MODE;
DELETE FROM cron.job_run_details WHERE jobid = (SELECT jobid FROM cron.job WHERE jobname = 'leadroute-sla');
INSERT INTO cron.job_run_details (jobid, runid, database, username, command, status, return_message, start_time, end_time)
SELECT jobid, nextval('cron.runid_seq'), database, username, command, s, m, now() - ago, now() - ago
  FROM cron.job, (VALUES ('succeeded', '1 row', interval '30 minutes'), ('failed', 'connection failed', interval '1 minute')) r(s, m, ago)
 WHERE jobname = 'leadroute-sla';
SELECT ok((SELECT detail LIKE '%connection failed%' FROM leadroute.audit() WHERE finding = 'escalation_not_succeeding'),
          'audit() reports SLA escalation that has not succeeded recently, with the last error');
SELECT ok((SELECT firing AND value >= 29 FROM leadroute.alerts WHERE alert = 'escalation_minutes_since_success'),
          'alerts: escalation_minutes_since_success fires when leadroute-sla has not succeeded for 10 minutes');
SELECT is((SELECT count(*) FROM leadroute.job_health() WHERE scheduled AND points_here), 3::bigint,
          'job_health(): the three jobs are scheduled here');

-- ---- version_info ----------------------------------------------------------------------------
SELECT results_eq($$SELECT component FROM leadroute.version_info() WHERE version IS NOT NULL AND version <> '' ORDER BY 1$$,
                  $$VALUES ('extension'), ('freemail_list'), ('icu'), ('libpsl'), ('library'), ('postgresql'), ('public_suffix_list')$$,
                  'version_info() names the extension, library, PostgreSQL, ICU, libpsl, PSL and free-mail versions');
SELECT is(pg_temp.as_role('lr_ops_analyst', $$SELECT version FROM leadroute.version_info() WHERE component = 'library'$$),
          (SELECT extversion FROM pg_extension WHERE extname = 'leadroute'), 'the analyst reads it; library = extension version');

-- ---- configuration errors a DBA can act on ---------------------------------------------------
SELECT throws_like($$INSERT INTO leadroute.pool_members (pool_id, rep_id, weight) VALUES (2, 3, 0)$$,
                   'weight 0 of rep 3 in pool 2 is not allowed', 'a weight of 0 says which rep and pool');
SELECT throws_like($$INSERT INTO leadroute.reps (id, name, email) VALUES (9, 'Maya', 'A@T.IO')$$,
                   '%already the address of rep ''A'' (id 1)', 'rep e-mails are unique without regard to case');
SELECT throws_like($$INSERT INTO leadroute.rules (name, priority, condition, action, queue) VALUES ('clash', 10, 'TRUE', 'queue', 'q')$$,
                   '%priority 10 is already held by rule ''three'' (id %', 'a priority clash names the rule that holds it');

-- ---- the invariant after resync and purge (before the extension is dropped) -----------------
\ir 99_invariant.sql.inc

-- ---- DROP EXTENSION with pg_cron present (issue 13) ------------------------------------------
DROP EXTENSION leadroute;
SELECT is((SELECT count(*) FROM cron.job WHERE jobname LIKE 'leadroute-%' AND database = current_database()), 0::bigint,
          'DROP EXTENSION removes leadroute''s pg_cron jobs');
SELECT is((SELECT count(*) FROM pg_namespace WHERE nspname = 'leadroute'), 0::bigint, 'and the leadroute schema');
SELECT is((SELECT count(*) FROM pg_roles WHERE rolname LIKE 'leadroute\_%'), 5::bigint,
          'the five cluster-wide roles stay (other databases may use them)');

SELECT * FROM finish();
ROLLBACK;
