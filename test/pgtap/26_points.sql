-- The points strategy: a pool that balances by lead value. Each lead is worth the points of
-- pools.points; the member with the fewest points (relative to weight) over the last 30 days
-- takes it, so shares of points follow the weights whatever the deal sizes.
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(16);
SET leadroute.now = '2026-03-02 10:00+00';
INSERT INTO leadroute.reps (id, name, email) VALUES (1, 'Ann', 'ann@t.io'), (2, 'Bob', 'bob@t.io'), (3, 'Cy', 'cy@t.io');

-- ---- The expression is checked when written ------------------------------------------------
SELECT throws_like($$INSERT INTO leadroute.pools (name, strategy, points) VALUES ('bad', 'points', 'scor')$$,
                   'invalid pool points expression at position 1%unknown field%',
                   'a misspelt field in pools.points is refused, with its position');
SELECT throws_like($$INSERT INTO leadroute.pools (name, strategy, points) VALUES ('bad', 'points', 'CASE WHEN employees > 10 THEN many END')$$,
                   'invalid pool points expression at position 31%expected a number%',
                   'so is a band without a number');
SELECT throws_like($$INSERT INTO leadroute.pools (name, strategy, points) VALUES ('bad', 'points', 'country')$$,
                   '%country is not a number%', 'and a text field');

INSERT INTO leadroute.pools (id, name, strategy, points)
VALUES (1, 'Enterprise', 'points', 'CASE WHEN employees >= 1000 THEN 5 WHEN employees >= 100 THEN 2 ELSE 1 END');
INSERT INTO leadroute.pool_members (pool_id, rep_id, weight) VALUES (1, 1, 2), (1, 2, 1), (1, 3, 1);
INSERT INTO leadroute.rules (name, priority, condition, action, pool_id) VALUES ('all', 10, 'TRUE', 'pool', 1);

-- ---- History counts: Ann already has 20 points this month -----------------------------------
INSERT INTO leadroute.assignments (lead_id, rep_id, reason, pool_id, assigned_at, points)
VALUES (0, 1, 'routed', 1, '2026-02-20', 20), (0, 2, 'routed', 1, '2026-01-01', 50);  -- Bob's is too old
INSERT INTO leadroute.leads (email, employees) VALUES ('first@big.com', 5000);
SELECT is((SELECT owner_id FROM leadroute.leads WHERE email = 'first@big.com'), 2::bigint,
          'the lowest points for the weight wins: Bob (0, his 50 points are outside the 30 days) before Ann (20 / 2)');
SELECT is((SELECT routing_model FROM leadroute.leads WHERE email = 'first@big.com'), 'points',
          'routing_model says points');
SELECT is((SELECT points FROM leadroute.assignments a JOIN leadroute.leads l ON l.id = a.lead_id
            WHERE l.email = 'first@big.com'), 5::numeric,
          'the assignment records what the lead was worth');
SELECT matches(leadroute.explain((SELECT id FROM leadroute.leads WHERE email = 'first@big.com')),
               'Bob \(rep 2\): picked, fewest points for its share: 0 so far, 5 for this lead',
               'explain says how the pick was made');

-- ---- Shares of points follow the weights -----------------------------------------------------
-- 120 leads in one statement, every third one big: counts and points differ.
-- (Captured on the routing day, as real leads are: the rollups below count from the first capture.)
INSERT INTO leadroute.leads (email, employees, captured_at)
SELECT 'p' || g || '@acme' || g || '.com', CASE g % 3 WHEN 0 THEN 5000 WHEN 1 THEN 250 ELSE 10 END,
       '2026-03-02 09:00+00'
  FROM generate_series(1, 120) g;
SELECT is((SELECT sum(points) FROM leadroute.assignments WHERE pool_id = 1 AND lead_id <> 0), 325::numeric,
          'every lead''s points are recorded: 1 x 5 + 40 x (5 + 2 + 1)');
-- Ann's 20 points of history count too: 345 points in the window, half of them hers.
SELECT ok((SELECT bool_and(abs(share - want) <= 5) FROM (
             SELECT a.rep_id, sum(a.points) AS share,
                    345 * CASE a.rep_id WHEN 1 THEN 0.5 ELSE 0.25 END AS want
               FROM leadroute.assignments a
              WHERE a.pool_id = 1 AND a.assigned_at >= '2026-02-01' GROUP BY a.rep_id) s),
          'each rep''s points are within one big lead (5) of their weighted share (Ann 1/2, Bob and Cy 1/4)');
SELECT isnt((SELECT count(*) FROM leadroute.leads WHERE owner_id = 1), 60::bigint,
            'while the counts of leads need not follow the weights');

-- ---- Eligibility applies; preview books nothing -----------------------------------------------
UPDATE leadroute.reps SET active = false WHERE id = 2;
SELECT is((SELECT count(DISTINCT owner_id) FROM (
             SELECT leadroute.preview('{"email": "z@zeta.io", "employees": 5000}') ->> 'owner_id' AS owner_id
               FROM generate_series(1, 3)) p), 1::bigint,
          'preview asks the same totals each time: it books no points');
INSERT INTO leadroute.leads (email, employees) SELECT 'q' || g || '@q.io', 10 FROM generate_series(1, 10) g;
SELECT is((SELECT count(*) FROM leadroute.leads WHERE email LIKE 'q%' AND owner_id = 2), 0::bigint,
          'an inactive member gets nothing');
UPDATE leadroute.pools SET points = '3' WHERE id = 1;
INSERT INTO leadroute.leads (email, employees) VALUES ('flat@x.io', 10);
SELECT is((SELECT points FROM leadroute.assignments a JOIN leadroute.leads l ON l.id = a.lead_id
            WHERE l.email = 'flat@x.io'), 3::numeric,
          'a constant expression: every lead is worth the same');

-- ---- metrics_fairness reports points beside counts -------------------------------------------
CREATE TEMP TABLE want AS
SELECT sum(points) AS points, min(p) AS min_p, max(p) AS max_p
  FROM (SELECT rep_id, sum(points) AS p FROM leadroute.assignments
         WHERE pool_id = 1 AND lead_id <> 0 GROUP BY rep_id) x, LATERAL (SELECT x.p AS points) y;
SELECT results_eq($$SELECT points, min_points_per_rep, max_points_per_rep FROM leadroute.metrics_fairness
                     WHERE pool_id = 1 AND week = '2026-03-02'$$,
                  $$SELECT points, min_p, max_p FROM want$$,
                  'metrics_fairness: the points each rep got from the pool, computed live');
SELECT leadroute.refresh_metrics() \g /dev/null
SELECT results_eq($$SELECT points, min_points_per_rep, max_points_per_rep FROM leadroute.metrics_fairness
                     WHERE pool_id = 1 AND week = '2026-03-02'$$,
                  $$SELECT points, min_p, max_p FROM want$$,
                  'and the same from the rollups after refresh_metrics()');
DELETE FROM leadroute.assignments WHERE lead_id = 0;  -- the history rows have no lead
\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
