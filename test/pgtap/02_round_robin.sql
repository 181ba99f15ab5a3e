-- Smooth weighted round-robin: exact sequences, weighted shares, rotation across multi-row
-- statements and COPY, and no catch-up burst after an absence.
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(11);

INSERT INTO leadroute.reps (id, name, email) VALUES (1, 'A', 'a@t.io'), (2, 'B', 'b@t.io'), (3, 'C', 'c@t.io');
INSERT INTO leadroute.pools (id, name) VALUES (1, 'weighted'), (2, 'equal'), (3, 'one-two');
INSERT INTO leadroute.pool_members (pool_id, rep_id, weight) VALUES
  (1, 1, 5), (1, 2, 1), (1, 3, 1),
  (2, 1, 1), (2, 2, 1), (2, 3, 1),
  (3, 1, 1), (3, 2, 2);
INSERT INTO leadroute.rules (name, priority, condition, action, pool_id) VALUES
  ('weighted', 10, $$source = 'w'$$, 'pool', 1),
  ('equal',    20, $$source = 'e'$$, 'pool', 2),
  ('one-two',  30, $$source = 'o'$$, 'pool', 3);

INSERT INTO leadroute.leads (email, source) SELECT 'w' || g || '@x.com', 'w' FROM generate_series(1, 7) g;
SELECT is((SELECT array_agg(owner_id ORDER BY id) FROM leadroute.leads WHERE source = 'w'),
          ARRAY[1, 1, 2, 1, 3, 1, 1]::bigint[], 'weights 5,1,1 give a a b a c a a');
SELECT is((SELECT DISTINCT routing_model FROM leadroute.leads WHERE source = 'w'), 'weighted_round_robin',
          'unequal weights are weighted round-robin');
INSERT INTO leadroute.leads (email, source) SELECT 'w' || g || '@y.com', 'w' FROM generate_series(1, 70) g;
SELECT results_eq($$SELECT owner_id, count(*) FROM leadroute.leads WHERE source = 'w' GROUP BY 1 ORDER BY 1$$,
                  $$VALUES (1::bigint, 55::bigint), (2, 11), (3, 11)$$, 'over 11 periods each rep gets exactly its share');

INSERT INTO leadroute.leads (email, source) SELECT 'o' || g || '@x.com', 'o' FROM generate_series(1, 5) g;
SELECT results_eq($$SELECT owner_id, count(*) FROM leadroute.leads WHERE source = 'o' GROUP BY 1 ORDER BY 1$$,
                  $$VALUES (1::bigint, 2::bigint), (2, 3)$$, 'weights 1,2 over 5 leads give 2 and 3');

-- Equal weights rotate strictly, row by row, also inside one multi-row INSERT.
INSERT INTO leadroute.leads (email, source) SELECT 'e' || g || '@x.com', 'e' FROM generate_series(1, 6) g;
SELECT is((SELECT array_agg(owner_id ORDER BY id) FROM leadroute.leads WHERE source = 'e'),
          ARRAY[1, 2, 3, 1, 2, 3]::bigint[], 'equal weights rotate strictly within one statement');
SELECT is((SELECT DISTINCT routing_model FROM leadroute.leads WHERE source = 'e'), 'round_robin', 'equal weights are round-robin');

-- COPY rotates row by row too.
COPY leadroute.leads (email, source) FROM STDIN;
copy1@x.com	e
copy2@x.com	e
copy3@x.com	e
\.
SELECT is((SELECT array_agg(owner_id ORDER BY id) FROM leadroute.leads WHERE email LIKE 'copy%'),
          ARRAY[1, 2, 3]::bigint[], 'COPY continues the rotation row by row');

-- An inactive rep loses the turn; when back, no burst of catch-up turns.
UPDATE leadroute.reps SET active = false WHERE id = 2;
INSERT INTO leadroute.leads (email, source) SELECT 'away' || g || '@x.com', 'e' FROM generate_series(1, 4) g;
SELECT results_eq($$SELECT owner_id, count(*) FROM leadroute.leads WHERE email LIKE 'away%' GROUP BY 1 ORDER BY 1$$,
                  $$VALUES (1::bigint, 2::bigint), (3, 2)$$, 'while B is away A and C share the leads');
UPDATE leadroute.reps SET active = true WHERE id = 2;
INSERT INTO leadroute.leads (email, source) SELECT 'back' || g || '@x.com', 'e' FROM generate_series(1, 6) g;
SELECT results_eq($$SELECT owner_id, count(*) FROM leadroute.leads WHERE email LIKE 'back%' GROUP BY 1 ORDER BY 1$$,
                  $$VALUES (1::bigint, 2::bigint), (2, 2), (3, 2)$$, 'when B is back there is no catch-up burst');

-- Explain shows the rotation position.
SELECT matches(leadroute.explain((SELECT max(id) FROM leadroute.leads)), 'turn \d+ lands on slot \d of 3 in the rotation',
               'explain shows the turn and the slot');

\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
