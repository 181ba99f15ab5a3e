-- Configuration change history (issue 9): what config_history records (who, what, before and
-- after, TRUNCATE, no-op updates skipped), config_at() at several moments, and explain() of an
-- old lead with the rules that decided it.
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(36);

-- Only what this test does: history rows after this id.
SELECT coalesce(max(id), 0) AS start_id FROM leadroute.config_history \gset
CREATE TEMP VIEW h AS SELECT * FROM leadroute.config_history WHERE id > :start_id;

INSERT INTO leadroute.reps (id, name, email) VALUES (1, 'Ana', 'ana@t.io'), (2, 'Ben', 'ben@t.io');
INSERT INTO leadroute.pools (id, name) VALUES (1, 'P');
INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (1, 1), (1, 2);

SELECT results_eq($$SELECT table_name, operation, row_key, before, after ->> 'name' FROM h WHERE table_name = 'reps' ORDER BY id$$,
                  $$VALUES ('reps', 'INSERT', '{"id": 1}'::jsonb, NULL::jsonb, 'Ana'), ('reps', 'INSERT', '{"id": 2}'::jsonb, NULL::jsonb, 'Ben')$$,
                  'an INSERT is recorded with the primary key and the new row');
SELECT is((SELECT row_key FROM h WHERE table_name = 'pool_members' ORDER BY id LIMIT 1), '{"pool_id": 1, "rep_id": 1}'::jsonb,
          'a composite primary key is the row key');
SELECT ok((SELECT bool_and(changed_by = session_user AND acting_role = session_user) FROM h),
          'changed_by is the logged-in user');
SELECT ok((SELECT bool_and(changed_at = now()) FROM h), 'changed_at is the transaction time');
SELECT ok((SELECT bool_and(recorded_at >= now()) FROM h), 'recorded_at is the clock');

-- A real change, a no-op, and a change made as another role.
UPDATE leadroute.reps SET name = 'Ana Lee' WHERE id = 1;
UPDATE leadroute.reps SET name = 'Ana Lee', active = true WHERE id = 1;   -- nothing changes
UPDATE leadroute.pool_members SET weight = 1;                              -- nothing changes
SELECT results_eq($$SELECT operation, before ->> 'name', after ->> 'name' FROM h WHERE operation = 'UPDATE'$$,
                  $$VALUES ('UPDATE', 'Ana', 'Ana Lee')$$,
                  'an UPDATE records before and after; UPDATEs that change nothing are not recorded');
SELECT is(pg_temp.as_role('leadroute_admin', $$UPDATE leadroute.reps SET max_open_leads = 5 WHERE id = 2 RETURNING 'ok'$$), 'ok',
          'an admin changes a rep');
SELECT results_eq($$SELECT changed_by, acting_role FROM h WHERE table_name = 'reps' AND operation = 'UPDATE' AND row_key = '{"id": 2}'$$,
                  $$SELECT session_user, 'leadroute_admin'::name$$,
                  'after SET ROLE the person is still the logged-in user; the role goes to acting_role');
SELECT is((SELECT (after ->> 'max_open_leads')::int FROM h WHERE row_key = '{"id": 2}' AND operation = 'UPDATE'), 5,
          'the after image has the new value');

-- Privileges: the history is read by admins and (through config_changes, without reps'
-- credentials and logins) analysts, written by nobody.
SELECT is(pg_temp.as_role('leadroute_analyst', 'SELECT count(*) > 0 FROM leadroute.config_changes'), 'true',
          'an analyst reads the history through config_changes');
SELECT is(pg_temp.as_role('leadroute_admin', $$INSERT INTO leadroute.config_history (acting_role, table_name, operation, row_key, after) VALUES ('x', 'rules', 'INSERT', '{}', '{}') RETURNING 'ok'$$),
          'ERROR 42501', 'an admin cannot forge history');
SELECT is(pg_temp.as_role('leadroute_admin', $$DELETE FROM leadroute.config_history RETURNING 'ok'$$), 'ERROR 42501',
          'an admin cannot erase history');
SELECT is(pg_temp.as_role('leadroute_ingest', 'SELECT count(*) FROM leadroute.config_history'), 'ERROR 42501',
          'the ingest role cannot read it');
SELECT ok(NOT has_table_privilege('public', 'leadroute.config_history', 'SELECT'), 'nothing for PUBLIC');

-- The rules at several moments.
INSERT INTO leadroute.rules (id, name, priority, condition, action, rep_id) VALUES
  (1, 'DE to Ana', 40, $$country = 'DE'$$, 'rep', 1),
  (2, 'US to Ben', 50, $$country = 'US'$$, 'rep', 2);
SELECT clock_timestamp() AS t1 \gset
INSERT INTO leadroute.leads (id, email, country) VALUES (1, 'a@de-corp.de', 'DE');
UPDATE leadroute.rules SET name = 'Germany to Ana', priority = 45, rationale = 'renamed' WHERE id = 1;
UPDATE leadroute.reps SET name = 'Ana Lee-Smith' WHERE id = 1;
SELECT clock_timestamp() AS t2 \gset
DELETE FROM leadroute.rules WHERE id = 2;
SELECT clock_timestamp() AS t3 \gset

SELECT results_eq($$SELECT operation, before ->> 'name', after FROM h WHERE table_name = 'rules' AND operation = 'DELETE'$$,
                  $$VALUES ('DELETE', 'US to Ben', NULL::jsonb)$$, 'a DELETE records the old row');
SELECT results_eq(format($$SELECT id, name, priority FROM leadroute.config_at(%L)$$, :'t1'),
                  $$VALUES (1::bigint, 'DE to Ana', 40), (2::bigint, 'US to Ben', 50)$$,
                  'config_at(t1): both rules as first written');
SELECT results_eq(format($$SELECT id, name, priority, rationale FROM leadroute.config_at(%L)$$, :'t2'),
                  $$VALUES (1::bigint, 'Germany to Ana', 45, 'renamed'), (2::bigint, 'US to Ben', 50, NULL)$$,
                  'config_at(t2): the renamed rule');
SELECT results_eq(format($$SELECT id, name FROM leadroute.config_at(%L)$$, :'t3'),
                  $$VALUES (1::bigint, 'Germany to Ana')$$, 'config_at(t3): the deleted rule is gone');
SELECT is((SELECT count(*) FROM leadroute.config_at(now() - interval '1 minute') WHERE id IN (1, 2)), 0::bigint,
          'config_at before the rules were written: not there yet');
SELECT results_eq(format($$SELECT c.* FROM leadroute.config_at(%L) c$$, :'t3'),
                  $$SELECT * FROM leadroute.rules ORDER BY priority$$,
                  'config_at(now) equals the rules table, every column');
SELECT is((SELECT j ->> 'name' FROM leadroute.config_at(:'t1', 'leadroute.reps') j WHERE (j ->> 'id')::int = 1), 'Ana Lee',
          'config_at(at, table) rebuilds any tracked table');
SELECT throws_ok($$SELECT leadroute.config_at(now(), 'leadroute.leads')$$, '22023', NULL,
                 'config_at of a table without history is an error');

-- explain() of the old lead shows the rule and rep as they were when it was routed.
SELECT matches(leadroute.explain(1), 'by rule "DE to Ana" \(priority 40\)', 'explain names the rule and priority that decided the lead');
SELECT matches(leadroute.explain(1), 'assigned to Ana Lee \(rep 1\)', 'explain names the rep as it was called then');
SELECT doesnt_match(leadroute.explain(1), 'Germany to Ana', 'explain does not show the later name');
INSERT INTO leadroute.leads (id, email, country) VALUES (2, 'b@de-corp.de', 'DE');
SELECT matches(leadroute.explain(2), 'by rule "Germany to Ana" \(priority 45\)', 'a lead routed after the change shows the new name');

-- A key change ends the row under its old key.
UPDATE leadroute.rules SET id = 10 WHERE id = 1;
SELECT results_eq($$SELECT id FROM leadroute.config_at(clock_timestamp())$$, $$VALUES (10::bigint)$$,
                  'after a key change config_at has the row once, under its new key');

-- TRUNCATE records every row it removes.
TRUNCATE leadroute.pool_members;
SELECT results_eq($$SELECT operation, row_key, before ->> 'weight' FROM h WHERE operation = 'TRUNCATE' ORDER BY row_key$$,
                  $$VALUES ('TRUNCATE', '{"pool_id": 1, "rep_id": 1}'::jsonb, '1'), ('TRUNCATE', '{"pool_id": 1, "rep_id": 2}'::jsonb, '1')$$,
                  'TRUNCATE records one row per row removed, with the old row');
SELECT is((SELECT count(*) FROM leadroute.config_at(clock_timestamp(), 'leadroute.pool_members')), 0::bigint,
          'after TRUNCATE config_at has no members');

-- The shipped SLA policies predate every change: their snapshot stands for earlier moments too.
SELECT ok((SELECT count(*) FROM leadroute.config_at('2000-01-01', 'leadroute.sla_policies')) >= 1,
          'rows that existed when the history began are known for earlier moments (SNAPSHOT)');

-- A dump being replayed (pg_restore) brings its own history: its writes are not recorded.
SET LOCAL row_security = off;
SET LOCAL check_function_bodies = off;
INSERT INTO leadroute.reps (id, name, email) VALUES (3, 'Restored', 'r@t.io');
RESET row_security;
RESET check_function_bodies;
SELECT is((SELECT count(*) FROM h WHERE row_key = '{"id": 3}'), 0::bigint, 'rows restored from a dump are not recorded');
INSERT INTO leadroute.reps (id, name, email) VALUES (4, 'Normal', 'n@t.io');
SELECT is((SELECT count(*) FROM h WHERE row_key = '{"id": 4}' AND table_name = 'reps'), 1::bigint, 'outside a restore, they are');

-- A column added to a tracked table flows through without any change to the history code.
ALTER TABLE leadroute.rules ADD COLUMN note_for_test text;
INSERT INTO leadroute.rules (id, name, priority, condition, action, rep_id, note_for_test) VALUES
  (20, 'new style', 60, 'TRUE', 'rep', 2, 'draft');
SELECT is((SELECT after ->> 'note_for_test' FROM h WHERE table_name = 'rules' AND row_key = '{"id": 20}'), 'draft',
          'a new column is recorded');
SELECT is((SELECT note_for_test FROM leadroute.config_at(clock_timestamp()) WHERE id = 20), 'draft',
          'and config_at returns it');
-- Rulesets (shadow mode) are configuration too.
INSERT INTO leadroute.rulesets (name, description) VALUES ('pilot', 'tracked');
SELECT is((SELECT after ->> 'description' FROM h WHERE table_name = 'rulesets' AND row_key = '{"name": "pilot"}'), 'tracked',
          'a new shadow ruleset is recorded');

\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
