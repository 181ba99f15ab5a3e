-- Roles: leadroute_ingest can only insert leads, and they are routed although it cannot read the
-- configuration; nothing is granted to PUBLIC.
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(15);
INSERT INTO leadroute.reps (id, name, email) VALUES (1, 'A', 'a@t.io'), (2, 'B', 'b@t.io');
INSERT INTO leadroute.pools (id, name) VALUES (1, 'P');
INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (1, 1), (1, 2);
INSERT INTO leadroute.rules (name, priority, condition, action, pool_id) VALUES ('all', 10, 'TRUE', 'pool', 1);
CREATE ROLE lr_test_ingest LOGIN IN ROLE leadroute_ingest;
CREATE ROLE lr_test_nobody LOGIN;
CREATE ROLE lr_test_admin LOGIN IN ROLE leadroute_admin;

SELECT is(pg_temp.as_role('lr_test_ingest',
          $$INSERT INTO leadroute.leads (email, country) VALUES ('jane@acme.com', 'US') RETURNING id::text$$),
          '1', 'an ingest-only role inserts a lead and may read back its id');
SELECT results_eq($$SELECT status, owner_id, email_domain FROM leadroute.leads WHERE id = 1$$,
                  $$VALUES ('assigned'::text, 1::bigint, 'acme.com'::text)$$,
                  'the lead was routed with the extension owner''s rights');
SELECT is((SELECT assigned_by FROM leadroute.assignments WHERE lead_id = 1), 'lr_test_ingest',
          'the assignment records who inserted the lead');
SELECT is(pg_temp.as_role('lr_test_ingest', $$SELECT count(*)::text FROM leadroute.reps$$), 'ERROR 42501',
          'ingest cannot read reps');
SELECT is(pg_temp.as_role('lr_test_ingest', $$SELECT count(*)::text FROM leadroute.rules$$), 'ERROR 42501',
          'ingest cannot read rules');
SELECT is(pg_temp.as_role('lr_test_ingest', $$SELECT email FROM leadroute.leads LIMIT 1$$), 'ERROR 42501',
          'ingest cannot read leads');
SELECT is(pg_temp.as_role('lr_test_ingest', $$SELECT count(*)::text FROM leadroute.decisions$$), 'ERROR 42501',
          'ingest cannot read decisions');
SELECT is(pg_temp.as_role('lr_test_ingest', $$UPDATE leadroute.leads SET owner_id = 2$$), 'ERROR 42501',
          'ingest cannot reassign leads');
SELECT is(pg_temp.as_role('lr_test_ingest', $$SELECT leadroute.explain(1)$$), 'ERROR 42501',
          'ingest cannot call explain');
SELECT is(pg_temp.as_role('lr_test_nobody', $$INSERT INTO leadroute.leads (email) VALUES ('x@y.com')$$), 'ERROR 42501',
          'a role without leadroute grants cannot insert leads');
SELECT is(pg_temp.as_role('lr_test_nobody', $$SELECT leadroute.email_domain('a@b.com')$$), 'ERROR 42501',
          'nor call leadroute functions');
SELECT is(pg_temp.as_role('lr_test_admin',
          $$INSERT INTO leadroute.rules (name, priority, condition, action, queue) VALUES ('q', 5, 'score > 90', 'queue', 'hot') RETURNING name$$),
          'q', 'leadroute_admin configures rules');
SELECT is(pg_temp.as_role('lr_test_admin', $$SELECT left(leadroute.explain(1), 6)$$), 'Lead 1',
          'leadroute_admin explains decisions');
SELECT is_empty($$SELECT 1 FROM pg_class c, aclexplode(c.relacl) a
                   WHERE c.relnamespace = 'leadroute'::regnamespace AND a.grantee = 0
                  UNION ALL
                  SELECT 1 FROM pg_proc p, aclexplode(p.proacl) a
                   WHERE p.pronamespace = 'leadroute'::regnamespace AND a.grantee = 0$$,
                'nothing in schema leadroute is granted to PUBLIC');
\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
