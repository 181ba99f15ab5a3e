-- Rules in priority order, first match wins; every action; the default queue; what is recorded.
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(28);

INSERT INTO leadroute.reps (id, name, email, backup_id) VALUES
  (1, 'Ana', 'ana@t.io', NULL), (2, 'Ben', 'ben@t.io', NULL), (3, 'Cy', 'cy@t.io', 2);
INSERT INTO leadroute.pools (id, name) VALUES (1, 'P');
INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (1, 1), (1, 2);
-- Inserted out of priority order on purpose.
INSERT INTO leadroute.rules (id, name, priority, condition, action, rep_id, pool_id, queue, enabled) VALUES
  (1, 'pool for US',       40, $$country = 'US'$$,            'pool',    NULL, 1,    NULL,   true),
  (2, 'vip to Cy',         10, $$score >= 90$$,                'rep',     3,    NULL, NULL,   true),
  (3, 'partners queue',    20, $$source = 'partner'$$,        'queue',   NULL, NULL, 'partners', true),
  (4, 'students nurture',  30, $$email_domain LIKE '%.edu'$$, 'nurture', NULL, NULL, 'edu',  true),
  (5, 'disabled grab-all',  5, 'TRUE',                        'queue',   NULL, NULL, 'never', false);

INSERT INTO leadroute.leads (id, email, country, score, source) VALUES
  (1, 'a@vip.com', 'US', 95, 'partner'),     -- priority 10 wins over 20 and 40
  (2, 'b@p.com',   'US', 10, 'partner'),     -- 20 wins over 40
  (3, 'c@uni.edu', 'US', 10, 'web'),         -- 30 wins over 40
  (4, 'd@corp.com','US', 10, 'web'),         -- 40
  (5, 'e@corp.com','FR', 10, 'web');         -- nothing: default queue

SELECT is((SELECT rule_id FROM leadroute.leads WHERE id = 1), 2::bigint, 'the lowest priority that matches wins');
SELECT is((SELECT owner_id FROM leadroute.leads WHERE id = 1), 3::bigint, 'action rep assigns the named rep');
SELECT is((SELECT routing_model FROM leadroute.leads WHERE id = 1), 'territory', 'a named rep is territory routing');
SELECT is((SELECT rule_id FROM leadroute.leads WHERE id = 2), 3::bigint, 'priority 20 beats priority 40');
SELECT results_eq($$SELECT status, queue, owner_id FROM leadroute.leads WHERE id = 2$$,
                  $$VALUES ('queued'::text, 'partners'::text, NULL::bigint)$$, 'action queue parks the lead in the named queue');
SELECT results_eq($$SELECT status, queue, routing_model FROM leadroute.leads WHERE id = 3$$,
                  $$VALUES ('nurture'::text, 'edu'::text, 'nurture'::text)$$, 'action nurture');
SELECT results_eq($$SELECT status, owner_id, routing_model FROM leadroute.leads WHERE id = 4$$,
                  $$VALUES ('assigned'::text, 1::bigint, 'round_robin'::text)$$, 'action pool assigns a member');
SELECT results_eq($$SELECT status, queue, rule_id, routing_model FROM leadroute.leads WHERE id = 5$$,
                  $$VALUES ('queued'::text, 'unrouted'::text, NULL::bigint, 'fallback'::text)$$,
                  'no rule matches: the default queue');
SELECT is((SELECT count(*) FROM leadroute.leads WHERE queue = 'never'), 0::bigint, 'a disabled rule is skipped');
SELECT ok((SELECT bool_and(routed_at IS NOT NULL) FROM leadroute.leads), 'every lead has routed_at');
SELECT ok((SELECT bool_and(owner_id IS NOT NULL OR queue IS NOT NULL) FROM leadroute.leads),
          'every lead has an owner or a queue');

-- One decision per lead; one assignment per lead that got a rep.
SELECT is((SELECT count(*) FROM leadroute.decisions), 5::bigint, 'one decision per lead');
SELECT results_eq($$SELECT lead_id, rep_id, reason, rule_id FROM leadroute.assignments ORDER BY lead_id$$,
                  $$VALUES (1::bigint, 3::bigint, 'routed'::text, 2::bigint), (4, 1, 'routed', 1)$$,
                  'assignments for the leads that got a rep');
SELECT results_eq($$SELECT lead_id, fallback FROM leadroute.decisions ORDER BY lead_id$$,
                  $$VALUES (1::bigint, false), (2, false), (3, false), (4, false), (5, true)$$,
                  'only the default queue counts as fallback here');
SELECT ok((SELECT bool_and(duration_us >= 0 AND trace IS NOT NULL) FROM leadroute.decisions),
          'decisions carry a duration and a trace');
SELECT is((SELECT d.owner_id FROM leadroute.decisions d WHERE d.lead_id = 1), 3::bigint, 'the decision records the owner');

-- A catch-all rule counts as fallback but keeps its model.
INSERT INTO leadroute.rules (id, name, priority, condition, action, pool_id) VALUES (6, 'catch-all', 1000, 'TRUE', 'pool', 1);
INSERT INTO leadroute.leads (id, email, country) VALUES (6, 'f@corp.com', 'FR');
SELECT results_eq($$SELECT rule_id, routing_model FROM leadroute.leads WHERE id = 6$$,
                  $$VALUES (6::bigint, 'round_robin'::text)$$, 'the catch-all rule places the lead');
SELECT is((SELECT fallback FROM leadroute.decisions WHERE lead_id = 6), true, 'what the catch-all places counts as fallback');

-- Inactive named rep: the backup takes the lead; without an active backup, the default queue.
UPDATE leadroute.reps SET active = false WHERE id = 3;
INSERT INTO leadroute.leads (id, email, score) VALUES (7, 'g@vip.com', 99);
SELECT is((SELECT owner_id FROM leadroute.leads WHERE id = 7), 2::bigint, 'an inactive rep''s backup takes the lead');
UPDATE leadroute.reps SET active = false WHERE id = 2;
INSERT INTO leadroute.leads (id, email, score) VALUES (8, 'h@vip.com', 99);
SELECT results_eq($$SELECT status, queue, rule_id FROM leadroute.leads WHERE id = 8$$,
                  $$VALUES ('queued'::text, 'unrouted'::text, 2::bigint)$$,
                  'rep and backup inactive: the default queue, not the next rule');
SELECT is((SELECT fallback FROM leadroute.decisions WHERE lead_id = 8), true, 'overflow to the default queue is fallback');

-- Empty pool and all-inactive pool go to the default queue.
INSERT INTO leadroute.pools (id, name) VALUES (2, 'Empty');
UPDATE leadroute.rules SET pool_id = 2 WHERE id = 1;
INSERT INTO leadroute.leads (id, email, country) VALUES (9, 'i@corp.com', 'US');
SELECT results_eq($$SELECT status, queue FROM leadroute.leads WHERE id = 9$$,
                  $$VALUES ('queued'::text, 'unrouted'::text)$$, 'an empty pool sends the lead to the default queue');
UPDATE leadroute.rules SET pool_id = 1 WHERE id = 1;
UPDATE leadroute.reps SET active = false WHERE id = 1;
INSERT INTO leadroute.leads (id, email, country) VALUES (10, 'j@corp.com', 'US');
SELECT is((SELECT queue FROM leadroute.leads WHERE id = 10), 'unrouted', 'a pool of inactive reps sends the lead to the default queue');

-- The default queue is a setting.
SET LOCAL leadroute.default_queue = 'triage';
INSERT INTO leadroute.leads (id, email, country) VALUES (11, 'k@corp.com', 'ZZ');
SELECT is((SELECT queue FROM leadroute.leads WHERE id = 11), 'triage', 'leadroute.default_queue names the default queue');

-- Multi-row statements route every row.
UPDATE leadroute.reps SET active = true;
SELECT setval(pg_get_serial_sequence('leadroute.leads', 'id'), 100) \g /dev/null
INSERT INTO leadroute.leads (email, country) SELECT 'm' || g || '@corp.com', 'US' FROM generate_series(1, 20) g;
SELECT is((SELECT count(*) FROM leadroute.leads WHERE email LIKE 'm%' AND status = 'assigned'), 20::bigint,
          'a multi-row INSERT routes every row');
SELECT is((SELECT count(*) FROM leadroute.decisions d JOIN leadroute.leads l ON l.id = d.lead_id WHERE l.email LIKE 'm%'),
          20::bigint, 'and records every decision');
-- Explicit routing outputs are overwritten by routing (routed_at NULL means "route me").
INSERT INTO leadroute.leads (id, email, country, status, queue) VALUES (50, 'n@corp.com', 'FR', 'nurture', 'x');
SELECT results_eq($$SELECT status, queue, rule_id FROM leadroute.leads WHERE id = 50$$,
                  $$VALUES ('assigned'::text, NULL::text, 6::bigint)$$,
                  'routing sets status and queue whatever the INSERT said');

\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
