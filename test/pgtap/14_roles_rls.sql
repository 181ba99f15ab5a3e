-- Who may do what (issue 8, reworked in issue 13): the role x object x privilege matrix, reps'
-- own leads through leadroute.my_leads, ingest's read-back columns. The same as real logins,
-- with COPY: test/roles/.
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(35);
CREATE ROLE lr_rls_ana LOGIN IN ROLE leadroute_rep;
CREATE ROLE lr_rls_ben LOGIN IN ROLE leadroute_rep;
CREATE ROLE lr_rls_ingest LOGIN IN ROLE leadroute_ingest;
CREATE ROLE lr_rls_analyst LOGIN IN ROLE leadroute_analyst;
CREATE ROLE lr_rls_admin LOGIN IN ROLE leadroute_admin;
INSERT INTO leadroute.reps (id, name, email, db_role) VALUES
  (1, 'Ana', 'ana@t.io', 'lr_rls_ana'), (2, 'Ben', 'ben@t.io', 'lr_rls_ben'), (3, 'Cy', 'cy@t.io', NULL);
INSERT INTO leadroute.pools (id, name) VALUES (1, 'P');
INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (1, 1), (1, 2);
INSERT INTO leadroute.rules (name, priority, condition, action, pool_id) VALUES ('all', 10, 'TRUE', 'pool', 1);
INSERT INTO leadroute.leads (email) SELECT 'lead' || g || '@x.io' FROM generate_series(1, 6) g;  -- Ana 1,3,5; Ben 2,4,6

-- ---- The matrix: table-level privileges of each role on every table and view ----------------
-- (Column grants are not table-level: ingest's SELECT of five lead columns and the rep's UPDATE of
-- three columns of my_leads and SELECT of four rep columns are checked by behaviour below.)
CREATE TEMP TABLE expected (role text, obj text, privs text);
INSERT INTO expected
SELECT 'leadroute_admin', t, 'DELETE,INSERT,SELECT,UPDATE'
  FROM unnest(ARRAY['reps', 'pools', 'pool_members', 'rules', 'freemail_domains', 'accounts', 'account_domains',
                    'time_off', 'territories', 'sla_policies', 'leads', 'metric_settings', 'alert_thresholds',
                    'rulesets', 'queues', 'delivery_settings', 'retention']) t
-- The endpoints' secret column is write-only for the admin: no table-level SELECT.
UNION ALL SELECT 'leadroute_admin', 'delivery_endpoints', 'DELETE,INSERT,UPDATE'
UNION ALL SELECT 'leadroute_admin', t, 'SELECT'
  FROM unnest(ARRAY['decisions', 'assignments', 'shadow_decisions', 'shadow_comparison', 'imports']) t
UNION ALL SELECT 'leadroute_admin', 'notifications', 'SELECT,UPDATE'
UNION ALL SELECT r, v, 'SELECT'
  FROM unnest(ARRAY['leadroute_admin', 'leadroute_analyst']) r,
       unnest(ARRAY['metrics_speed_to_lead', 'metrics_speed_to_contact', 'metrics_fallback_rate', 'metrics_sla_adherence',
                    'metrics_routing_accuracy', 'metrics_conversion', 'metrics_rep_load', 'metrics_fairness',
                    'metrics_rule_hits', 'alerts', 'shadow_summary']) v
UNION ALL SELECT 'leadroute_analyst', t, 'SELECT' FROM unnest(ARRAY['metric_settings', 'alert_thresholds', 'retention']) t
UNION ALL SELECT 'leadroute_admin', 'config_history', 'SELECT'
UNION ALL SELECT r, 'config_changes', 'SELECT' FROM unnest(ARRAY['leadroute_admin', 'leadroute_analyst']) r
UNION ALL SELECT 'leadroute_ingest', 'leads', 'INSERT'
UNION ALL SELECT 'leadroute_rep', 'my_leads', 'SELECT';
SELECT results_eq(
  $$SELECT r, c.relname::text COLLATE "default", string_agg(p, ',' ORDER BY p)
      FROM unnest(ARRAY['leadroute_admin', 'leadroute_ingest', 'leadroute_analyst', 'leadroute_rep',
                        'leadroute_agent']) r,
           pg_class c, unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) p
     WHERE c.relnamespace = 'leadroute'::regnamespace AND c.relkind IN ('r', 'v')
       AND has_table_privilege(r, c.oid, p)
     GROUP BY 1, 2 ORDER BY 1, 2$$,
  $$SELECT role, obj, privs FROM expected ORDER BY 1, 2$$,
  'each role has exactly the table privileges its job needs, and none on internal tables');
SELECT results_eq(
  $$SELECT r, string_agg(p.proname::text COLLATE "default", ',' ORDER BY p.proname)
      FROM unnest(ARRAY['leadroute_ingest', 'leadroute_analyst', 'leadroute_rep', 'leadroute_agent']) r, pg_proc p
     WHERE p.pronamespace = 'leadroute'::regnamespace AND has_function_privilege(r, p.oid, 'EXECUTE')
     GROUP BY 1 ORDER BY 1$$,
  $$VALUES ('leadroute_agent'::text, 'ack_notifications,claim_notifications,fail_notification,outbox_depth'::text),
           ('leadroute_analyst', '_alert_values,_metric_live_facts,_metric_live_pool_assignments,_metric_rolled_up_days,_metrics_rep_load,_metrics_rule_hits,_unreachable_rules,audit,backtest,backtest,backtest_summary,backtest_summary,config_at,config_at,document,job_health,queue_depths,routing_stats,version_info'),
           ('leadroute_ingest', '_new_lead_id'),
           ('leadroute_rep', '_rep_id_of,_rep_may_reassign,current_rep_id,record_contact')$$,
  'ingest, analyst, rep and agent may call only the functions behind their rights');
SELECT ok(NOT has_schema_privilege('public', 'leadroute', 'CREATE'), 'nobody but the owner creates objects in schema leadroute');

-- ---- A rep sees and works its own leads ----------------------------------------------------
SELECT is(pg_temp.as_role('lr_rls_ana', 'SELECT string_agg(id::text, '','' ORDER BY id) FROM leadroute.my_leads'), '1,3,5',
          'Ana sees her three leads, not Ben''s');
SELECT is(pg_temp.as_role('lr_rls_ana', 'SELECT leadroute.current_rep_id()::text'), '1', 'current_rep_id() maps her role to her rep');
SELECT is(pg_temp.as_role('lr_rls_ana', $$UPDATE leadroute.my_leads SET status = 'contacted' WHERE id = 1 RETURNING status$$), 'contacted',
          'she marks her lead contacted');
SELECT ok((SELECT first_contact_at IS NOT NULL FROM leadroute.leads WHERE id = 1), 'which starts... stops the SLA clock');
SELECT is(pg_temp.as_role('lr_rls_ana', $$SELECT 'done' FROM (SELECT leadroute.record_contact(3)) c$$), 'done', 'record_contact() on her lead');
SELECT is(pg_temp.as_role('lr_rls_ana', $$UPDATE leadroute.my_leads SET status = 'converted' WHERE id = 3 RETURNING status$$), 'converted',
          'she converts it');
SELECT is(pg_temp.as_role('lr_rls_ana', $$UPDATE leadroute.my_leads SET status = 'lost' WHERE id = 5 RETURNING status$$), 'lost',
          'and closes another as lost');
SELECT is(pg_temp.as_role('lr_rls_ana', $$WITH u AS (UPDATE leadroute.my_leads SET status = 'contacted' WHERE id = 2 RETURNING 1) SELECT count(*)::text FROM u$$),
          '0', 'Ben''s lead is invisible to her: nothing updated');
SELECT is((SELECT status FROM leadroute.leads WHERE id = 2), 'assigned', 'and it is unchanged');
SELECT is(pg_temp.as_role('lr_rls_ana', $$SELECT leadroute.record_contact(2)$$), 'ERROR P0002',
          'record_contact() on Ben''s lead: it does not exist for her');
SELECT is(pg_temp.as_role('lr_rls_ana', $$UPDATE leadroute.my_leads SET owner_id = 2 WHERE id = 1$$), 'ERROR 42501',
          'she cannot hand her lead to Ben');
SELECT is(pg_temp.as_role('lr_rls_ana', $$UPDATE leadroute.my_leads SET status = 'queued' WHERE id = 1$$), 'ERROR 42501',
          'nor put it back in a queue');
SELECT is(pg_temp.as_role('lr_rls_ana', $$UPDATE leadroute.my_leads SET email = 'x@y.io' WHERE id = 1$$), 'ERROR 42501',
          'nor change what the lead said');
SELECT is(pg_temp.as_role('lr_rls_ana', $$INSERT INTO leadroute.my_leads (email) VALUES ('x@y.io')$$), 'ERROR 42501', 'nor insert leads');
SELECT is(pg_temp.as_role('lr_rls_ana', $$DELETE FROM leadroute.my_leads WHERE id = 1$$), 'ERROR 42501', 'nor delete them');
SELECT is(pg_temp.as_role('lr_rls_ana', $$SELECT count(*)::text FROM leadroute.decisions$$), 'ERROR 42501', 'nor read decisions');
SELECT is(pg_temp.as_role('lr_rls_ana', $$SELECT string_agg(name, ',' ORDER BY id) FROM leadroute.reps$$), 'Ana,Ben,Cy',
          'she sees who her colleagues are');
SELECT is(pg_temp.as_role('lr_rls_ana', $$SELECT db_role FROM leadroute.reps LIMIT 1$$), 'ERROR 42501', 'but not their logins');
UPDATE leadroute.reps SET may_reassign = true WHERE id = 1;
SELECT is(pg_temp.as_role('lr_rls_ana', $$UPDATE leadroute.my_leads SET owner_id = 2 WHERE id = 1 RETURNING owner_id::text$$), '2',
          'once the admin allows it, she hands a lead to Ben');
SELECT results_eq($$SELECT rep_id, reason, assigned_by FROM leadroute.assignments WHERE lead_id = 1 ORDER BY id DESC LIMIT 1$$,
                  $$VALUES (2::bigint, 'manual'::text, 'lr_rls_ana'::text)$$, 'recorded as a manual reassignment by her');
SELECT is(pg_temp.as_role('lr_rls_ben', 'SELECT string_agg(id::text, '','' ORDER BY id) FROM leadroute.my_leads'), '1,2,4,6',
          'and now Ben sees it');
SELECT is(pg_temp.as_role('lr_rls_ana', $$UPDATE leadroute.my_leads SET owner_id = NULL, status = 'assigned' WHERE id = 5$$), 'ERROR 42501',
          'even so, she cannot leave a lead without owner');
CREATE ROLE lr_rls_stranger LOGIN IN ROLE leadroute_rep;
SELECT is(pg_temp.as_role('lr_rls_stranger', 'SELECT count(*)::text FROM leadroute.my_leads'), '0',
          'a rep role no rep is mapped to sees nothing');

-- ---- Ingest reads back what a web form answers with, and no personal data --------------------
SELECT is(pg_temp.as_role('lr_rls_ingest', $$INSERT INTO leadroute.leads (email) VALUES ('new@x.io') RETURNING (id > 6 AND owner_id IS NOT NULL AND status = 'assigned' AND queue IS NULL AND sla_due_at IS NOT NULL)::text$$), 'true',
          'ingest inserts and reads back id, owner_id, status, queue and sla_due_at (RETURNING)');
SELECT is(pg_temp.as_role('lr_rls_ingest', $$SELECT email FROM leadroute.leads$$), 'ERROR 42501',
          'but no personal data of any lead');
SELECT is(pg_temp.as_role('lr_rls_ingest', $$INSERT INTO leadroute.leads (email) VALUES ('new2@x.io') RETURNING email$$), 'ERROR 42501',
          'not even of its own lead');
SELECT is(pg_temp.as_role('lr_rls_ingest', $$UPDATE leadroute.leads SET status = 'lost'$$), 'ERROR 42501', 'nor change leads');

-- ---- Analyst and admin ---------------------------------------------------------------------
SELECT is(pg_temp.as_role('lr_rls_analyst', $$SELECT count(*)::text FROM leadroute.leads$$), 'ERROR 42501', 'the analyst reads no lead');
SELECT is(pg_temp.as_role('lr_rls_analyst', $$SELECT count(*)::text FROM leadroute.metrics_rep_load$$), '3', 'only the views');
SELECT is(pg_temp.as_role('lr_rls_admin', $$SELECT count(*)::text FROM leadroute.leads$$), '7', 'the admin sees every lead');
SELECT is(pg_temp.as_role('lr_rls_admin', $$UPDATE leadroute.leads SET owner_id = 3 WHERE id = 2 RETURNING owner_id::text$$), '3',
          'and reassigns any of them');
\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
