-- backtest(): historical leads through the current rules, without side effects, set beside
-- their actual owners; backtest_summary() groups the disagreements by reason.
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(18);
INSERT INTO leadroute.reps (id, name, email, max_daily_leads) VALUES
  (1, 'Ann', 'ann@t.io', NULL), (2, 'Bob', 'bob@t.io', NULL), (3, 'Cy', 'cy@t.io', 1);
INSERT INTO leadroute.pools (id, name) VALUES (1, 'US'), (2, 'EU');
INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (1, 1), (1, 2), (2, 3);
INSERT INTO leadroute.rules (name, priority, condition, action, pool_id) VALUES
  ('US', 10, $$country = 'US'$$, 'pool', 1), ('EU', 20, $$country = 'DE'$$, 'pool', 2);
INSERT INTO leadroute.rules (name, priority, condition, action, queue) VALUES ('rest', 100, 'TRUE', 'queue', 'triage');
-- One live lead, so that the US rotation stands at its second turn (Bob).
INSERT INTO leadroute.leads (email, country) VALUES ('live@x.io', 'US');

-- History as an old system left it: who actually owned each lead, by email, name or id.
CREATE TABLE pg_temp.history (id int, email text, company text, country text, captured_at timestamptz,
                              owner text, crm_stage text);
INSERT INTO pg_temp.history VALUES
  (1, 'a@acme.com',  'Acme',  'US', '2026-10-01 10:00+00', 'bob@t.io', 'won'),  -- Bob: the rotation's next turn
  (2, 'b@beta.com',  'Beta',  'US', '2026-10-01 11:00+00', 'Bob',      'open'), -- the rules give Ann
  (3, 'c@gamma.de',  'Gamma', 'DE', '2026-10-01 12:00+00', '3',        'open'), -- Cy
  (4, 'd@delta.de',  'Delta', 'DE', '2026-10-01 13:00+00', 'Cy',       'lost'), -- Cy's daily cap is used up
  (5, 'e@eps.fr',    'Eps',   'FR', '2026-10-01 14:00+00', 'Ann',      'open'), -- the rules queue it
  (6, 'f@phi.fr',    'Phi',   'FR', '2026-10-02 09:00+00', NULL,       'open'), -- unassigned then and now
  (7, 'g@gee.de',    'Gee',   'DE', '2026-10-02 09:30+00', 'Zed',      'open'); -- a rep who is gone

CREATE TEMP TABLE before_turn AS SELECT last_value, is_called FROM leadroute._pool_turns_1;
CREATE TEMP TABLE result AS SELECT * FROM leadroute.backtest('history', 'owner');

SELECT is((SELECT count(*) FROM result), 7::bigint, 'every historical lead has a row');
SELECT results_eq($$SELECT lead_id, predicted_owner, predicted_queue, agrees FROM result ORDER BY ordinal$$,
                  $$VALUES (1::bigint, 'Bob'::text, NULL::text, true), (2, 'Ann', NULL, false), (3, 'Cy', NULL, true),
                           (4, NULL, 'unrouted', false), (5, NULL, 'triage', false), (6, NULL, 'triage', true),
                           (7, 'Cy', NULL, false)$$,
                  'the current rules'' pick beside the actual owner; the rotation moves within the backtest');
SELECT results_eq($$SELECT actual_owner_id FROM result ORDER BY ordinal$$,
                  $$VALUES (2::bigint), (2), (3), (3), (1), (NULL), (NULL)$$,
                  'actual owners given as email, name or id are found among the reps');
SELECT is((SELECT reason FROM result WHERE lead_id = 2), 'rule ''US'': the same pool ''US'', another turn of its rotation',
          'a different rep of the same pool is another turn of the rotation');
SELECT is((SELECT reason FROM result WHERE lead_id = 4),
          'rule ''EU'' (pool) finds nobody: queue ''unrouted''; Cy skipped: daily cap reached 1/1 today',
          'the reason names the skipped candidate and why (daily caps count the backtest''s own assignments)');
SELECT is((SELECT reason FROM result WHERE lead_id = 5), 'rule ''rest'' sends it to queue ''triage''',
          'a lead the rules queue: which rule');
SELECT is((SELECT reason FROM result WHERE lead_id = 7), 'the actual owner Zed is not a rep of this configuration',
          'an owner the configuration does not know');
SELECT ok((SELECT bool_and(trace ? 'rules') FROM result), 'each row carries the full trace');
SELECT is((SELECT captured_at FROM result WHERE lead_id = 1), '2026-10-01 10:00+00'::timestamptz,
          'the lead''s time is its captured_at');

-- ---- No side effects ------------------------------------------------------------------------
SELECT is((SELECT count(*) FROM leadroute.leads), 1::bigint, 'no lead was written');
SELECT is((SELECT count(*) FROM leadroute.decisions) + (SELECT count(*) FROM leadroute.assignments), 2::bigint,
          'no decision and no assignment was written');
SELECT results_eq($$SELECT last_value, is_called FROM leadroute._pool_turns_1$$, $$SELECT * FROM before_turn$$,
                  'the live rotation did not move');

-- ---- Summary --------------------------------------------------------------------------------
SELECT results_eq($$SELECT section, leads, share FROM leadroute.backtest_summary('SELECT * FROM history', 'owner')
                     WHERE section <> 'disagreement'$$,
                  $$VALUES ('agreement'::text, 3::bigint, 42.9), ('fallback', 3, 42.9)$$,
                  'backtest_summary: the agreement rate and the leads that would hit the fallback');
SELECT is((SELECT count(*) FROM leadroute.backtest_summary('SELECT * FROM history', 'owner') WHERE section = 'disagreement'),
          4::bigint, 'and the four disagreements, one group per reason');

-- ---- Errors and rights ----------------------------------------------------------------------
SELECT throws_ok($$SELECT * FROM leadroute.backtest('no_such_table', 'owner')$$, '42P01',
                 'backtest: relation "no_such_table" does not exist', 'an unknown table is a clear error');
SELECT throws_ok($$SELECT * FROM leadroute.backtest('history', 'salesperson')$$, '42703',
                 'backtest: the leads have no column "salesperson"', 'so is an unknown owner column');
GRANT USAGE ON SCHEMA leadroute TO leadroute_analyst;
SELECT is(pg_temp.as_role('leadroute_analyst', $$SELECT count(*)::text FROM leadroute.backtest('SELECT * FROM leadroute.leads', NULL)$$),
          'ERROR 42501', 'the query runs with the caller''s rights: an analyst cannot backtest the leads table');

\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
