-- _unreachable_rules(): the static analysis behind audit(), on rules stored in leadroute.rules.
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(18);

-- The call audit() makes: the enabled rules, in priority order.
CREATE FUNCTION pg_temp.unreachable()
  RETURNS TABLE (rule_id bigint, kind text, covered_by bigint[], explanation text)
  LANGUAGE sql AS $$
  SELECT u.* FROM (
    SELECT array_agg(id ORDER BY priority) AS ids, array_agg(name ORDER BY priority) AS names,
           array_agg(priority ORDER BY priority) AS priorities,
           array_agg(condition ORDER BY priority) AS conditions,
           array_agg(action ORDER BY priority) AS actions
      FROM leadroute.rules WHERE enabled) r,
    LATERAL leadroute._unreachable_rules(r.ids, r.names, r.priorities, r.conditions, r.actions) u
  ORDER BY u.rule_id $$;

INSERT INTO leadroute.rules (id, name, priority, condition, action, queue) VALUES
  (1, 'North America', 10, $$country IN ('US', 'CA')$$,                       'queue', 'na'),
  (2, 'US enterprise', 20, $$country = 'US' AND employees >= 1000$$,          'queue', 'ent'),
  (3, 'Germany',       30, $$country = 'DE'$$,                                'queue', 'de'),
  (4, 'Impossible',    40, $$employees > 10 AND employees < 5$$,              'queue', 'x'),
  (5, 'DACH big',      50, $$country IN ('DE', 'AT') AND employees > 100$$,   'queue', 'dach'),
  (6, 'No country',    60, $$country IS NULL AND NOT (country = 'US')$$,      'queue', 'x'),
  (7, 'VP titles',     70, $$title LIKE 'VP%'$$,                              'queue', 'vp'),
  (8, 'VP in the US',  80, $$title LIKE 'VP%' AND country = 'US'$$,           'queue', 'vp'),
  (9, 'Directors',     90, $$title LIKE 'Director%'$$,                        'queue', 'dir');

SELECT is((SELECT count(*) FROM pg_temp.unreachable()), 4::bigint,
          'four rules are proven unreachable, no more');
SELECT is((SELECT kind || ' ' || covered_by::text FROM pg_temp.unreachable() WHERE rule_id = 2),
          'shadowed {1}', 'an equality after an IN list of the same field is shadowed');
SELECT is((SELECT explanation FROM pg_temp.unreachable() WHERE rule_id = 2),
          $$every lead it matches is taken first by rule 'North America' (priority 10): country = 'US' AND employees >= 1000 implies country IN ('US', 'CA')$$,
          'the explanation names the earlier rule and shows the implication');
SELECT is((SELECT kind || ' ' || covered_by::text FROM pg_temp.unreachable() WHERE rule_id = 4),
          'never_true {}', 'an empty range is never true');
SELECT is((SELECT kind FROM pg_temp.unreachable() WHERE rule_id = 6), 'never_true',
          'NOT (x = ...) needs a value, so it contradicts IS NULL');
SELECT is((SELECT kind || ' ' || covered_by::text FROM pg_temp.unreachable() WHERE rule_id = 8),
          'shadowed {1}', 'VP in the US: taken first by North America (the earliest rule that covers it)');
SELECT ok(NOT EXISTS (SELECT FROM pg_temp.unreachable() WHERE rule_id IN (1, 3, 5, 7, 9)),
          'rules that can win are not reported (DE and AT differ from the earlier DE rule; LIKE patterns differ)');

-- Covering by two earlier rules, one case each.
INSERT INTO leadroute.rules (id, name, priority, condition, action, queue) VALUES
  (10, 'DE or US', 100, $$country IN ('DE', 'US')$$, 'queue', 'x');
SELECT is((SELECT covered_by FROM pg_temp.unreachable() WHERE rule_id = 10), ARRAY[1, 3]::bigint[],
          'an IN list covered by two earlier rules is shadowed by both');

-- Disabled rules cover nothing: the caller passes enabled rules only.
UPDATE leadroute.rules SET enabled = false WHERE id = 1;
SELECT is((SELECT string_agg(rule_id || ':' || covered_by::text, ' ') FROM pg_temp.unreachable()
            WHERE rule_id IN (2, 8, 10)), '8:{7}',
          'with North America disabled, only VP in the US stays shadowed (by VP titles)');
UPDATE leadroute.rules SET enabled = true WHERE id = 1;

-- An action that may fall through to the next rule covers nothing.
UPDATE leadroute.rules SET action = 'account_owner', queue = NULL WHERE id = 1;
SELECT ok(NOT EXISTS (SELECT FROM pg_temp.unreachable() WHERE rule_id = 2),
          'a rule after an account_owner rule is reachable (no owner: the next rule is tried)');
UPDATE leadroute.rules SET action = 'queue', queue = 'na' WHERE id = 1;

-- A catch-all makes everything after it unreachable.
INSERT INTO leadroute.rules (id, name, priority, condition, action, queue) VALUES
  (11, 'Everyone', 5, 'TRUE', 'queue', 'all');
SELECT is((SELECT count(*) FROM pg_temp.unreachable() WHERE covered_by = ARRAY[11::bigint]), 8::bigint,
          'every rule after a catch-all is shadowed by it, except those never true');
DELETE FROM leadroute.rules WHERE id = 11;

-- Arguments.
SELECT throws_ok($$SELECT * FROM leadroute._unreachable_rules('{1,2}', '{a}', '{1,2}', '{TRUE,TRUE}', '{queue,queue}')$$,
                 '22023', 'rule_ids, names, priorities, conditions and actions must have the same length',
                 'arrays of different lengths are rejected');
SELECT throws_ok($$SELECT * FROM leadroute._unreachable_rules('{1}', '{a}', '{1}', '{"contry = 1"}', '{queue}')$$,
                 '42703', NULL, 'an invalid condition is reported with its error code');
SELECT is((SELECT count(*) FROM leadroute._unreachable_rules('{}', '{}', '{}', '{}', '{}')), 0::bigint,
          'no rules, no findings');
SELECT is((SELECT count(*) FROM leadroute._unreachable_rules('{1}', '{a}', '{1}', '{TRUE}', NULL)), 0::bigint,
          'STRICT: a NULL array gives no rows');

-- Privileges: the admin and the analyst may call it, nobody else.
CREATE ROLE lr_test_analysis_analyst LOGIN IN ROLE leadroute_analyst;
CREATE ROLE lr_test_analysis_nobody LOGIN;
SELECT is(pg_temp.as_role('lr_test_analysis_analyst',
            $$SELECT kind FROM leadroute._unreachable_rules('{1,2}', '{a,b}', '{1,2}', '{TRUE,FALSE}', '{queue,queue}')$$),
          'never_true', 'leadroute_analyst may call it');
SELECT is(pg_temp.as_role('lr_test_analysis_nobody',
            $$SELECT count(*)::text FROM leadroute._unreachable_rules('{}', '{}', '{}', '{}', '{}')$$),
          'ERROR 42501', 'a role without a leadroute role may not');

\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
