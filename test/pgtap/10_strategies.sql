-- The distribution models: territory, skills (with placeholders), least-loaded (capacity),
-- performance (reproducible with a seed), and round-robin's absence policy.
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(24);
SET LOCAL leadroute.now = '2026-03-04 15:00:00+00';
INSERT INTO leadroute.reps (id, name, email, skills) VALUES
  (1, 'A', 'a@t.io', '{lang:de,product:crm}'), (2, 'B', 'b@t.io', '{lang:de}'), (3, 'C', 'c@t.io', '{lang:fr,product:crm}'),
  (4, 'D', 'd@t.io', '{}'), (5, 'E', 'e@t.io', '{}'), (6, 'F', 'f@t.io', '{}'),
  (7, 'Texas', 'tx@t.io', '{}'), (8, 'West', 'west@t.io', '{}');
INSERT INTO leadroute.pools (id, name, strategy) VALUES
  (1, 'skilled', 'skills'), (2, 'capacity', 'least_loaded'), (3, 'perf', 'performance'),
  (4, 'west', 'round_robin'), (5, 'catch', 'round_robin');
UPDATE leadroute.pools SET absence_policy = 'catch_up' WHERE id = 5;
INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES
  (1, 1), (1, 2), (1, 3), (2, 4), (2, 5), (2, 6), (3, 4), (3, 5), (3, 6), (4, 8), (5, 4), (5, 5);
INSERT INTO leadroute.territories (name, priority, condition, rep_id, pool_id) VALUES
  ('Texas', 10, $$country = 'US' AND state IN ('TX', 'OK')$$, 7, NULL),
  ('US West', 20, $$country = 'US' AND state IN ('CA', 'OR', 'WA')$$, NULL, 4);
INSERT INTO leadroute.rules (id, name, priority, condition, action, pool_id, required_skills, queue) VALUES
  (1, 'territories', 10, $$source = 'territory'$$, 'territory', NULL, '{}', NULL),
  (2, 'by language', 20, $$source = 'skills'$$, 'pool', 1, ARRAY['lang:{language}'], NULL),
  (3, 'capacity', 30, $$source = 'capacity'$$, 'pool', 2, '{}', NULL),
  (4, 'performance', 40, $$source = 'performance'$$, 'pool', 3, '{}', NULL),
  (5, 'catch up', 50, $$source = 'catch'$$, 'pool', 5, '{}', NULL),
  (6, 'else', 100, $$source IN ('territory', 'skills')$$, 'queue', NULL, '{}', 'elsewhere');

-- Territories: the first matching territory wins; none → the next rule.
INSERT INTO leadroute.leads (id, email, source, country, state) VALUES
  (1, 'a@x.com', 'territory', 'US', 'TX'), (2, 'a@x.com', 'territory', 'US', 'CA'), (3, 'a@x.com', 'territory', 'US', 'NY');
SELECT results_eq($$SELECT id, owner_id, routing_model FROM leadroute.leads WHERE id IN (1, 2) ORDER BY id$$,
                  $$VALUES (1::bigint, 7::bigint, 'territory'::text), (2, 8, 'territory')$$,
                  'the first matching territory takes the lead (rep or pool), routing model territory');
SELECT results_eq($$SELECT rule_id, queue FROM leadroute.leads WHERE id = 3$$, $$VALUES (6::bigint, 'elsewhere'::text)$$,
                  'a lead in no territory falls through to the next rule');
SELECT matches(leadroute.explain(3), 'Territory: no territory matches the lead', 'explain says so');
SELECT throws_ok($$INSERT INTO leadroute.territories (name, priority, condition, rep_id, pool_id) VALUES ('x', 99, 'TRUE', 1, 1)$$,
                 '23514', NULL, 'a territory has one target');
SELECT throws_ok($$INSERT INTO leadroute.territories (name, priority, condition, rep_id) VALUES ('x', 99, 'contry = 1', 1)$$,
                 '42703', NULL, 'territory conditions are checked like rules');

-- Skills: placeholders from the lead; every required skill held; best match; equals rotate.
INSERT INTO leadroute.leads (id, email, source, language, product_interest) VALUES
  (10, 's@x.com', 'skills', 'de', '{crm}'), (11, 's@x.com', 'skills', 'de', '{crm}'),
  (12, 's@x.com', 'skills', 'de', NULL), (13, 's@x.com', 'skills', 'de', NULL),
  (14, 's@x.com', 'skills', 'fr', NULL), (15, 's@x.com', 'skills', 'es', NULL), (16, 's@x.com', 'skills', NULL, NULL);
SELECT is((SELECT array_agg(owner_id ORDER BY id) FROM leadroute.leads WHERE id IN (10, 11)), ARRAY[1, 1]::bigint[],
          'lang:de + crm: the rep holding both skills is the best match');
SELECT is((SELECT array_agg(owner_id ORDER BY owner_id) FROM leadroute.leads WHERE id IN (12, 13)), ARRAY[1, 2]::bigint[],
          'lang:de only: the two German speakers are equals and rotate');
SELECT is((SELECT owner_id FROM leadroute.leads WHERE id = 14), 3::bigint, 'lang:{language} expands to lang:fr');
SELECT results_eq($$SELECT owner_id, queue FROM leadroute.leads WHERE id = 15$$, $$VALUES (NULL::bigint, 'unrouted'::text)$$,
                  'nobody speaks Spanish: the default queue');
SELECT matches(leadroute.explain(15), 'missing skill lang:es', 'explain names the missing skill');
SELECT is((SELECT routing_model FROM leadroute.leads WHERE id = 10), 'skills', 'routing model skills');
SELECT isnt((SELECT owner_id FROM leadroute.leads WHERE id = 16), NULL::bigint, 'a NULL placeholder drops the requirement');
SELECT throws_ok($$UPDATE leadroute.rules SET required_skills = ARRAY['lang:{langauge}'] WHERE id = 2$$, '22023',
                 'unknown field {langauge} in required skill "lang:{langauge}"', 'placeholders are checked when written');

SELECT setval(pg_get_serial_sequence('leadroute.leads', 'id'), 1000) \g /dev/null
-- Least-loaded: 30 leads over 3 equal reps → 10/10/10; after 5 of one rep's leads close, the next
-- 5 go to that rep.
INSERT INTO leadroute.leads (email, source) SELECT 'c' || g || '@x.com', 'capacity' FROM generate_series(1, 30) g;
SELECT results_eq($$SELECT owner_id, count(*) FROM leadroute.leads WHERE source = 'capacity' GROUP BY 1 ORDER BY 1$$,
                  $$VALUES (4::bigint, 10::bigint), (5, 10), (6, 10)$$, 'least-loaded: 10/10/10');
UPDATE leadroute.leads SET status = 'converted'
 WHERE id IN (SELECT id FROM leadroute.leads WHERE source = 'capacity' AND owner_id = 5 ORDER BY id LIMIT 5);
INSERT INTO leadroute.leads (email, source) SELECT 'd' || g || '@x.com', 'capacity' FROM generate_series(1, 5) g;
SELECT is((SELECT array_agg(DISTINCT owner_id) FROM leadroute.leads WHERE email LIKE 'd%'), ARRAY[5]::bigint[],
          'after 5 of E''s leads close, the next 5 go to E');
SELECT is((SELECT DISTINCT routing_model FROM leadroute.leads WHERE source = 'capacity'), 'capacity', 'routing model capacity');

-- Performance: D converts well, E poorly, F has no history. With a seed, reproducible.
INSERT INTO leadroute.leads (email, source, owner_id, status, routed_at)
  SELECT 'h' || g || '@x.com', 'history', 4, CASE WHEN g <= 30 THEN 'converted' ELSE 'lost' END, '2026-02-01'
    FROM generate_series(1, 40) g;
INSERT INTO leadroute.leads (email, source, owner_id, status, routed_at)
  SELECT 'i' || g || '@x.com', 'history', 5, CASE WHEN g <= 4 THEN 'converted' ELSE 'lost' END, '2026-02-01'
    FROM generate_series(1, 40) g;
SET LOCAL leadroute.performance_seed = 42;
SET LOCAL leadroute.performance_refresh = 0;
INSERT INTO leadroute.leads (email, source) SELECT 'p' || g || '@x.com', 'performance' FROM generate_series(1, 200) g;
CREATE TEMP TABLE perf_first AS SELECT id, owner_id FROM leadroute.leads WHERE source = 'performance';
SELECT cmp_ok((SELECT count(*) FROM leadroute.leads WHERE source = 'performance' AND owner_id = 4),
              '>', (SELECT count(*) FROM leadroute.leads WHERE source = 'performance' AND owner_id = 5),
              'the best converter gets more leads than the worst');
SELECT cmp_ok((SELECT count(*) FROM leadroute.leads WHERE source = 'performance' AND owner_id = 6), '>', 10::bigint,
              'a rep with no history still gets leads (exploration)');
SELECT cmp_ok((SELECT count(*) FROM leadroute.leads WHERE source = 'performance' AND owner_id = 5), '>', 0::bigint,
              'and so does the unlucky one');
SELECT matches(leadroute.explain((SELECT max(id) FROM leadroute.leads WHERE source = 'performance')),
               'best draw [0-9.]+ \(conversion [0-9]+ won / [0-9]+ lost, estimated rate', 'explain shows the estimate and the draw');

-- catch_up: a rep away misses turns and gets them back when back (every other lead at most).
INSERT INTO leadroute.time_off (rep_id, during) VALUES (5, '[2026-03-01, 2026-03-05)');
INSERT INTO leadroute.leads (email, source) SELECT 'k' || g || '@x.com', 'catch' FROM generate_series(1, 6) g;
SELECT is((SELECT count(*) FROM leadroute._owed_turns WHERE pool_id = 5 AND rep_id = 5), 5::bigint,
          'each of the 5 turns that came up while E was away is owed');
SET LOCAL leadroute.now = '2026-03-06 10:00:00+00';
INSERT INTO leadroute.leads (email, source) SELECT 'l' || g || '@x.com', 'catch' FROM generate_series(1, 12) g;
SELECT is((SELECT count(*) FROM leadroute.leads WHERE email LIKE 'l%' AND owner_id = 5), 10::bigint,
          'back, E keeps her own 6 turns and takes 4 of D''s until the debt is paid');
SELECT is((SELECT count(*) FROM leadroute._owed_turns WHERE pool_id = 5 AND rep_id = 5), 1::bigint,
          'paid-back turns leave the ledger');
\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
