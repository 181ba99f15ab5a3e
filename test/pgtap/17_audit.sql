-- The monthly audit (issue 9): every finding made to fire, and made not to fire.
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(39);

-- The audit runs 60 days from now: rules written now are old enough to be judged, and the
-- leads are placed in the windows before it with leadroute.now (the time routing uses).
CREATE TEMP TABLE clock AS SELECT now() + interval '60 days' AS at;
CREATE FUNCTION pg_temp.audit() RETURNS SETOF record LANGUAGE sql AS
  $$ SELECT severity, finding, object, detail FROM leadroute.audit((SELECT at FROM pg_temp.clock)) $$;
CREATE FUNCTION pg_temp.has(code text, obj text) RETURNS boolean LANGUAGE sql AS
  $$ SELECT EXISTS (SELECT 1 FROM pg_temp.audit() AS a(severity text, finding text, object text, detail text)
                     WHERE a.finding = code AND a.object = obj) $$;
CREATE FUNCTION pg_temp.detail(code text, obj text) RETURNS text LANGUAGE sql AS
  $$ SELECT string_agg(a.severity || ': ' || a.detail, ' / ') FROM pg_temp.audit() AS a(severity text, finding text, object text, detail text)
      WHERE a.finding = code AND a.object = obj $$;
-- Leads captured (and routed) `days` after now.
CREATE FUNCTION pg_temp.leads(days integer, country text, n integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('leadroute.now', (now() + days * interval '1 day')::text, true);
  INSERT INTO leadroute.leads (email, country, captured_at)
  SELECT 'l' || g || '@corp' || days || coalesce(country, 'x') || '.com', country, now() + days * interval '1 day'
    FROM generate_series(1, n) g;
  PERFORM set_config('leadroute.now', '', true);
END $$;

-- A healthy configuration: two reps in a pool, a US rule and a catch-all, leads for both.
INSERT INTO leadroute.reps (id, name, email) VALUES (1, 'Ana', 'ana@t.io'), (2, 'Ben', 'ben@t.io');
INSERT INTO leadroute.pools (id, name) VALUES (1, 'P');
INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (1, 1), (1, 2);
INSERT INTO leadroute.rules (id, name, priority, condition, action, pool_id) VALUES
  (1, 'US', 10, $$country = 'US'$$, 'pool', 1),
  (2, 'Everything else', 100, 'TRUE', 'pool', 1);
SELECT pg_temp.leads(45, 'US', 4);
SELECT pg_temp.leads(45, 'CA', 1);

SELECT is((SELECT count(*) FROM pg_temp.audit() AS a(s text, f text, o text, d text)), 0::bigint,
          'a healthy configuration has no findings');

-- no_catch_all
UPDATE leadroute.rules SET enabled = false WHERE id = 2;
SELECT ok(pg_temp.has('no_catch_all', 'rules'), 'no_catch_all fires without an enabled catch-all');
INSERT INTO leadroute.rulesets (name) VALUES ('pilot');
INSERT INTO leadroute.rules (id, ruleset, name, priority, condition, action, queue) VALUES (999, 'pilot', 'all', 1, 'TRUE', 'queue', 'x');
SELECT ok(pg_temp.has('no_catch_all', 'rules'), 'a catch-all in a shadow ruleset does not count: the audit is of the live rules');
DELETE FROM leadroute.rulesets WHERE name = 'pilot';
UPDATE leadroute.rules SET enabled = true, action = 'account_owner', pool_id = NULL WHERE id = 2;
SELECT ok(pg_temp.has('no_catch_all', 'rules'), 'a TRUE rule that can fall through (account_owner) is no catch-all');
UPDATE leadroute.rules SET action = 'pool', pool_id = 1 WHERE id = 2;
SELECT ok(NOT pg_temp.has('no_catch_all', 'rules'), 'no_catch_all is silent with a catch-all');

-- rule_shadowed and rule_never_true (static analysis)
INSERT INTO leadroute.rules (id, name, priority, condition, action, pool_id) VALUES
  (3, 'US again', 20, $$country = 'US' AND employees > 10$$, 'pool', 1),
  (4, 'Impossible', 30, $$employees > 500 AND employees < 100$$, 'pool', 1);
SELECT ok(pg_temp.has('rule_shadowed', 'rule ''US again'''), 'rule_shadowed fires for a rule an earlier rule covers');
SELECT ok(pg_temp.has('rule_never_true', 'rule ''Impossible'''), 'rule_never_true fires for a contradiction');
UPDATE leadroute.rules SET condition = $$country = 'CA' AND employees > 10$$ WHERE id = 3;
UPDATE leadroute.rules SET condition = $$employees > 500$$ WHERE id = 4;
SELECT ok(NOT pg_temp.has('rule_shadowed', 'rule ''US again'''), 'rule_shadowed is silent once the rule can win');
SELECT ok(NOT pg_temp.has('rule_never_true', 'rule ''Impossible'''), 'rule_never_true is silent for a satisfiable condition');

-- rule_never_fired: rules 3 and 4 placed no lead in the 30 days before the audit.
SELECT ok(pg_temp.has('rule_never_fired', 'rule ''Impossible'''), 'rule_never_fired fires for a rule that placed no lead in 30 days');
SELECT ok(NOT pg_temp.has('rule_never_fired', 'rule ''US'''), 'rule_never_fired is silent for a rule that placed leads');
SELECT pg_temp.leads(40, 'CA', 1);
SELECT set_config('leadroute.now', (now() + interval '41 days')::text, true);
INSERT INTO leadroute.leads (email, country, employees, captured_at) VALUES ('big@bigcorp.com', 'FR', 900, now() + interval '41 days');
SELECT set_config('leadroute.now', '', true);
SELECT ok(NOT pg_temp.has('rule_never_fired', 'rule ''Impossible'''), 'rule_never_fired is silent once the rule placed a lead');
SELECT ok(NOT EXISTS (SELECT 1 FROM leadroute.audit(now() + interval '10 days') WHERE finding = 'rule_never_fired'),
          'rule_never_fired ignores rules written inside the window (too young to judge)');
DELETE FROM leadroute.rules WHERE id IN (3, 4);

-- rule_targets_inactive_rep
INSERT INTO leadroute.rules (id, name, priority, condition, action, rep_id) VALUES
  (5, 'DE to Ben', 40, $$country = 'DE'$$, 'rep', 2);
SELECT ok(NOT pg_temp.has('rule_targets_inactive_rep', 'rule ''DE to Ben'''), 'rule_targets_inactive_rep is silent for an active rep');
UPDATE leadroute.reps SET active = false WHERE id = 2;
SELECT matches(pg_temp.detail('rule_targets_inactive_rep', 'rule ''DE to Ben'''), '^error: .*no active backup',
               'rule_targets_inactive_rep fires as an error when nobody covers');
UPDATE leadroute.reps SET backup_id = 1 WHERE id = 2;
SELECT matches(pg_temp.detail('rule_targets_inactive_rep', 'rule ''DE to Ben'''), '^warning: .*backup Ana takes them',
               'with an active backup it is a warning');
UPDATE leadroute.reps SET active = true, backup_id = NULL WHERE id = 2;
DELETE FROM leadroute.rules WHERE id = 5;

-- rule_targets_empty_pool
INSERT INTO leadroute.pools (id, name) VALUES (2, 'Empty');
INSERT INTO leadroute.rules (id, name, priority, condition, action, pool_id) VALUES
  (6, 'FR to Empty', 50, $$country = 'FR'$$, 'pool', 2);
SELECT ok(pg_temp.has('rule_targets_empty_pool', 'rule ''FR to Empty'''), 'rule_targets_empty_pool fires for a pool without members');
INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (2, 1);
SELECT ok(NOT pg_temp.has('rule_targets_empty_pool', 'rule ''FR to Empty'''), 'rule_targets_empty_pool is silent once it has a member');
DELETE FROM leadroute.rules WHERE id = 6;
DELETE FROM leadroute.pools WHERE id = 2;

-- pool_unavailable and time_off_without_backup
UPDATE leadroute.reps SET active = false WHERE id = 2;
INSERT INTO leadroute.time_off (id, rep_id, during) VALUES
  (1, 1, tstzrange(now() + interval '59 days', now() + interval '70 days'));
SELECT matches(pg_temp.detail('pool_unavailable', 'pool ''P'''), 'inactive \(1\) or on time off \(1\)',
               'pool_unavailable fires when every member is inactive or away');
SELECT ok(pg_temp.has('time_off_without_backup', 'rep ''Ana'''), 'time_off_without_backup fires for time off nobody covers');
UPDATE leadroute.time_off SET during = tstzrange(now() + interval '30 days', now() + interval '40 days') WHERE id = 1;
SELECT ok(NOT pg_temp.has('pool_unavailable', 'pool ''P'''), 'pool_unavailable is silent when a member is back');
SELECT ok(NOT pg_temp.has('time_off_without_backup', 'rep ''Ana'''), 'time_off_without_backup ignores time off that is over');
UPDATE leadroute.time_off SET during = tstzrange(now() + interval '59 days', NULL) WHERE id = 1;
UPDATE leadroute.reps SET active = true WHERE id = 2;
SELECT ok(pg_temp.has('time_off_without_backup', 'rep ''Ana'''), 'open-ended time off without a backup fires');
UPDATE leadroute.time_off SET backup_id = 2 WHERE id = 1;
SELECT ok(NOT pg_temp.has('time_off_without_backup', 'rep ''Ana'''), 'time_off_without_backup is silent with a backup on the time off');
UPDATE leadroute.time_off SET backup_id = NULL WHERE id = 1;
UPDATE leadroute.reps SET backup_id = 2 WHERE id = 1;
SELECT ok(NOT pg_temp.has('time_off_without_backup', 'rep ''Ana'''), '... or on the rep');
DELETE FROM leadroute.time_off;
UPDATE leadroute.reps SET backup_id = NULL WHERE id = 1;

-- rep_in_no_pool
INSERT INTO leadroute.reps (id, name, email) VALUES (3, 'Cy', 'cy@t.io');
SELECT ok(pg_temp.has('rep_in_no_pool', 'rep ''Cy'''), 'rep_in_no_pool fires for an active rep nobody routes to');
UPDATE leadroute.reps SET active = false WHERE id = 3;
SELECT ok(NOT pg_temp.has('rep_in_no_pool', 'rep ''Cy'''), 'rep_in_no_pool ignores inactive reps');
UPDATE leadroute.reps SET active = true WHERE id = 3;
INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (1, 3);
SELECT ok(NOT pg_temp.has('rep_in_no_pool', 'rep ''Cy'''), 'rep_in_no_pool is silent for a pool member');

-- stale_account_owner: one finding per rep, however many accounts.
INSERT INTO leadroute.accounts (name, domain, owner_id)
SELECT 'Account ' || g, 'account' || g || '.com', 3 FROM generate_series(1, 5) g;
SELECT ok(NOT pg_temp.has('stale_account_owner', 'rep ''Cy'''), 'stale_account_owner is silent while the owner is active');
UPDATE leadroute.reps SET active = false WHERE id = 3;
SELECT is((SELECT count(*) FROM pg_temp.audit() AS a(s text, f text, o text, d text) WHERE f = 'stale_account_owner'), 1::bigint,
          'stale_account_owner fires once per inactive owner');
SELECT matches(pg_temp.detail('stale_account_owner', 'rep ''Cy'''), 'owns 5 account\(s\), e\.g\. ''Account 1'', ''Account 2'', ''Account 3'':',
               'with the count and three examples');
UPDATE leadroute.reps SET active = true WHERE id = 3;

-- fallback_rate_rising: three 30-day windows before the audit (-30..0, 0..30, 30..60 days from now).
SELECT pg_temp.leads(-15, 'US', 9);
SELECT pg_temp.leads(-15, 'CA', 1);     -- 10 %
SELECT pg_temp.leads(15, 'US', 8);
SELECT pg_temp.leads(15, 'CA', 2);      -- 20 %
-- the last window already has 4 US, 2 CA (to the catch-all) and 1 FR (rule Impossible): 2 of 7
SELECT ok(pg_temp.has('fallback_rate_rising', 'routing'), 'fallback_rate_rising fires for 10 % -> 20 % -> 28.6 %');
SELECT pg_temp.leads(45, 'US', 12);     -- the last window falls to 2 of 19 = 10.5 %
SELECT ok(NOT pg_temp.has('fallback_rate_rising', 'routing'), 'fallback_rate_rising is silent when the last window is lower');

-- field_often_empty: rules read country; more than 20 % of the last 30 days' leads lack it.
SELECT pg_temp.leads(50, NULL, 4);      -- 4 of 23 = 17.4 %
SELECT ok(NOT pg_temp.has('field_often_empty', 'field country'), 'field_often_empty is silent below 20 %');
SELECT pg_temp.leads(51, NULL, 1);      -- 5 of 24 = 20.8 %
SELECT matches(pg_temp.detail('field_often_empty', 'field country'), 'empty on 20\.8% of the 24 leads.*rules that read it: ''US''',
               'field_often_empty fires above 20 %, naming the rules that read the field');
UPDATE leadroute.rules SET condition = $$state = 'TX'$$ WHERE id = 1;
SELECT ok(NOT pg_temp.has('field_often_empty', 'field country'), 'only fields that enabled rules read are checked');

-- Privileges.
SELECT is(pg_temp.as_role('leadroute_analyst', 'SELECT count(*) >= 0 FROM leadroute.audit()'), 'true',
          'an analyst runs the audit (it reads the tables as the owner)');
SELECT is(pg_temp.as_role('leadroute_ingest', 'SELECT count(*) FROM leadroute.audit()'), 'ERROR 42501',
          'the ingest role cannot');

\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
