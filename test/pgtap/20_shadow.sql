-- Shadow mode: a shadow ruleset decides every live lead beside the live rules; its decision is
-- recorded, compared and never applied; promote_ruleset() makes it live.
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(22);
INSERT INTO leadroute.reps (id, name, email) VALUES (1, 'Ann', 'ann@t.io'), (2, 'Bob', 'bob@t.io'), (3, 'Cy', 'cy@t.io');
INSERT INTO leadroute.pools (id, name) VALUES (1, 'AE'), (2, 'SDR');
INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (1, 1), (1, 2), (2, 2), (2, 3);
INSERT INTO leadroute.rules (name, priority, condition, action, pool_id) VALUES ('US', 10, $$country = 'US'$$, 'pool', 1);
INSERT INTO leadroute.rules (name, priority, condition, action, queue) VALUES ('rest', 100, 'TRUE', 'queue', 'triage');

-- ---- Creating a shadow ruleset --------------------------------------------------------------
SELECT is(leadroute.copy_rules('candidate', description => 'SDRs take the US and Germany'), 2,
          'copy_rules() copies the two live rules into a new shadow ruleset');
SELECT is((SELECT mode FROM leadroute.rulesets WHERE name = 'candidate'), 'shadow', 'which is in shadow mode');
UPDATE leadroute.rules SET pool_id = 2 WHERE ruleset = 'candidate' AND name = 'US';
INSERT INTO leadroute.rules (ruleset, name, priority, condition, action, pool_id)
VALUES ('candidate', 'DE', 20, $$country = 'DE'$$, 'pool', 2);
SELECT throws_ok($$INSERT INTO leadroute.rules (name, priority, condition, action, queue) VALUES ('US', 5, 'TRUE', 'queue', 'x')$$,
                 '23505', NULL, 'names stay unique among the live rules');
SELECT lives_ok($$INSERT INTO leadroute.rules (ruleset, name, priority, condition, action, queue) VALUES ('candidate', 'late', 200, 'TRUE', 'queue', 'x')$$,
                'a shadow ruleset has its own names and priorities');
DELETE FROM leadroute.rules WHERE ruleset = 'candidate' AND name = 'late';

-- ---- Live leads: the live decision is applied, the shadow one recorded ------------------------
INSERT INTO leadroute.leads (email, company, country)
SELECT 'p' || g || '@acme' || g || '.com', 'Acme ' || g, CASE WHEN g % 3 = 0 THEN 'DE' ELSE 'US' END
  FROM generate_series(1, 6) g;  -- US: 1, 2, 4, 5; DE: 3, 6
SELECT results_eq($$SELECT id, owner_id, queue FROM leadroute.leads ORDER BY id$$,
                  $$VALUES (1::bigint, 1::bigint, NULL::text), (2, 2, NULL), (3, NULL, 'triage'), (4, 1, NULL), (5, 2, NULL), (6, NULL, 'triage')$$,
                  'the live rules place every lead: US to the AE pool in turn, Germany to triage');
SELECT is((SELECT count(*) FROM leadroute.shadow_decisions WHERE ruleset = 'candidate'), 6::bigint,
          'every live lead has one shadow decision');
SELECT results_eq($$SELECT lead_id, owner_id, queue FROM leadroute.shadow_decisions ORDER BY lead_id$$,
                  $$VALUES (1::bigint, 2::bigint, NULL::text), (2, 3, NULL), (3, 2, NULL), (4, 3, NULL), (5, 2, NULL), (6, 3, NULL)$$,
                  'the shadow rules send US and Germany to the SDR pool, which rotates on its own counter');
SELECT is((SELECT count(*) FROM leadroute.assignments), 4::bigint, 'only the live decisions assigned anyone');
SELECT is((SELECT count(*) FROM leadroute.decisions), 6::bigint, 'and only they are in decisions');
-- A fresh sequence reads (1, false); one nextval makes it (1, true).
SELECT is((SELECT (last_value, is_called)::text FROM leadroute._pool_turns_2), '(1,f)',
          'the SDR pool''s live rotation never moved for the shadow rules');
SELECT ok((SELECT bool_and(trace IS NOT NULL AND rule_id IS NOT NULL) FROM leadroute.shadow_decisions),
          'each shadow decision names its rule and keeps its trace');

-- ---- Comparing -------------------------------------------------------------------------------
SELECT results_eq($$SELECT lead_id, difference FROM leadroute.shadow_comparison ORDER BY lead_id$$,
                  $$VALUES (1::bigint, 'another rep'), (2, 'another rep'), (3, 'a rep instead of queue triage'),
                           (4, 'another rep'), (5, 'same'), (6, 'a rep instead of queue triage')$$,
                  'shadow_comparison says how each shadow decision differs from the live one');
SELECT results_eq($$SELECT leads, same_placement, agreement_pct, rep_instead_of_queue, live_fallback_pct, shadow_fallback_pct
                      FROM leadroute.shadow_summary WHERE ruleset = 'candidate'$$,
                  $$VALUES (6::bigint, 1::bigint, 16.7, 2::bigint, 33.3, 0.0)$$,
                  'shadow_summary: agreement, how it differs, fallback rates side by side');

-- ---- A failing shadow never touches the live decision ---------------------------------------
-- A pool whose shadow counter is gone makes the shadow evaluation fail.
DROP SEQUENCE leadroute._pool_turns_2_shadow;
UPDATE leadroute.rulesets SET description = 'counter gone';  -- configuration reloads
INSERT INTO leadroute.leads (email, country) VALUES ('q@beta.io', 'US');
SELECT is((SELECT owner_id FROM leadroute.leads WHERE email = 'q@beta.io'), 1::bigint,
          'the live rules still route the lead when the shadow fails');
SELECT alike((SELECT error FROM leadroute.shadow_decisions ORDER BY id DESC LIMIT 1), '%no rotation counter for shadow rulesets%',
            'the shadow decision records why it failed');
SELECT is((SELECT queue FROM leadroute.shadow_decisions ORDER BY id DESC LIMIT 1), 'routing_error',
          'and parks only the shadow decision in routing_error');
CREATE SEQUENCE leadroute._pool_turns_2_shadow CACHE 1 OWNED BY leadroute.pools.id;

-- ---- Drafts are not evaluated; promotion ----------------------------------------------------
UPDATE leadroute.rulesets SET mode = 'draft' WHERE name = 'candidate';
INSERT INTO leadroute.leads (email, country) VALUES ('r@gamma.io', 'US');
SELECT is((SELECT count(*) FROM leadroute.shadow_decisions WHERE lead_id = (SELECT id FROM leadroute.leads WHERE email = 'r@gamma.io')),
          0::bigint, 'a draft ruleset is not evaluated');
SELECT is(leadroute.promote_ruleset('candidate', 'before SDRs'), 3, 'promote_ruleset() makes the three candidate rules live');
SELECT results_eq($$SELECT ruleset, name FROM leadroute.rules ORDER BY ruleset NULLS FIRST, priority$$,
                  $$VALUES (NULL::text, 'US'::text), (NULL, 'DE'), (NULL, 'rest'), ('before SDRs', 'US'), ('before SDRs', 'rest')$$,
                  'the former live rules are kept as a draft ruleset');
INSERT INTO leadroute.leads (email, country) VALUES ('s@delta.io', 'DE');
SELECT isnt((SELECT owner_id FROM leadroute.leads WHERE email = 's@delta.io'), NULL,
            'the promoted rules route the next lead at once (Germany now goes to the SDRs)');
SELECT throws_ok($$SELECT leadroute.promote_ruleset('nope')$$, '42704', 'ruleset "nope" does not exist',
                 'promoting an unknown ruleset is a clear error');

\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
