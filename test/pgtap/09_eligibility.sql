-- Eligibility: inactive, time off (with and without a backup), working hours across time zones
-- and a DST change, open and daily caps, the overflow chain, and what explain says.
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(27);
SET LOCAL leadroute.now = '2026-03-04 15:00:00+00';   -- a Wednesday

INSERT INTO leadroute.reps (id, name, email, timezone, working_hours, max_open_leads, max_daily_leads, backup_id) VALUES
  (1, 'Ana',  'ana@t.io',  'UTC',              NULL, NULL, NULL, NULL),
  (2, 'Ben',  'ben@t.io',  'UTC',              NULL, NULL, NULL, NULL),
  (3, 'Cy',   'cy@t.io',   'UTC',              NULL, NULL, NULL, NULL),
  (4, 'Dee',  'dee@t.io',  'America/Chicago',  '{"mon":[["09:00","17:00"]],"tue":[["09:00","17:00"]],"wed":[["09:00","17:00"]],"thu":[["09:00","17:00"]],"fri":[["09:00","17:00"]]}', NULL, NULL, NULL),
  (5, 'Eve',  'eve@t.io',  'Asia/Tokyo',       '{"mon":[["09:00","17:00"]],"tue":[["09:00","17:00"]],"wed":[["09:00","17:00"]],"thu":[["09:00","17:00"]],"fri":[["09:00","17:00"]]}', NULL, NULL, NULL),
  (6, 'Fay',  'fay@t.io',  'UTC',              NULL, 2, NULL, NULL),
  (7, 'Gus',  'gus@t.io',  'UTC',              NULL, NULL, 2, NULL);
INSERT INTO leadroute.pools (id, name, respect_working_hours, overflow_pool_id) VALUES
  (3, 'overflow', false, NULL), (1, 'main', false, 3), (2, 'hours', true, NULL), (4, 'capped', false, 3);
INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES
  (1, 1), (1, 2), (2, 4), (2, 5), (3, 3), (4, 6), (4, 7);
INSERT INTO leadroute.rules (id, name, priority, condition, action, rep_id, pool_id) VALUES
  (1, 'to Ana', 10, $$source = 'ana'$$, 'rep', 1, NULL),
  (2, 'main pool', 20, $$source = 'main'$$, 'pool', NULL, 1),
  (3, 'hours pool', 30, $$source = 'hours'$$, 'pool', NULL, 2),
  (4, 'capped pool', 40, $$source = 'capped'$$, 'pool', NULL, 4);

-- Time off: the time-off backup, else the rep's backup, else the next pool member.
INSERT INTO leadroute.time_off (rep_id, during, backup_id) VALUES (1, '[2026-03-01, 2026-03-10)', 3);
INSERT INTO leadroute.leads (id, email, source) VALUES (1, 'a@x.com', 'ana');
SELECT is((SELECT owner_id FROM leadroute.leads WHERE id = 1), 3::bigint, 'a rep on time off: the time-off backup gets the lead');
SELECT matches(leadroute.explain(1), 'on time off until 2026-03-10 .* \(backup: Cy\)', 'explain says until when and who covers');
UPDATE leadroute.time_off SET backup_id = NULL;
UPDATE leadroute.reps SET backup_id = 2 WHERE id = 1;
INSERT INTO leadroute.leads (id, email, source) VALUES (2, 'a@x.com', 'ana');
SELECT is((SELECT owner_id FROM leadroute.leads WHERE id = 2), 2::bigint, 'no time-off backup: the rep''s own backup');
UPDATE leadroute.reps SET backup_id = NULL WHERE id = 1;
INSERT INTO leadroute.leads (id, email, source) VALUES (3, 'a@x.com', 'ana');
SELECT results_eq($$SELECT status, queue FROM leadroute.leads WHERE id = 3$$, $$VALUES ('queued'::text, 'unrouted'::text)$$,
                  'a named rep away without backup: the default queue');
INSERT INTO leadroute.leads (id, email, source) SELECT g, 'm@x.com', 'main' FROM generate_series(10, 13) g;
SELECT is((SELECT array_agg(DISTINCT owner_id) FROM leadroute.leads WHERE id BETWEEN 10 AND 13), ARRAY[2]::bigint[],
          'a pool member on time off without backup: the next member takes every lead');
SET LOCAL leadroute.now = '2026-03-10 00:00:00+00';   -- the end of the range is exclusive
INSERT INTO leadroute.leads (id, email, source) SELECT g, 'm@x.com', 'main' FROM generate_series(14, 17) g;
SELECT is((SELECT count(*) FROM leadroute.leads WHERE id BETWEEN 14 AND 17 AND owner_id = 1), 2::bigint,
          'back from time off: Ana gets her share again, no burst');
SET LOCAL leadroute.now = '2026-03-04 15:00:00+00';

-- Working hours, in the rep's time zone: 15:00 UTC Wednesday is 09:00 in Chicago (CST, UTC-6)
-- and 00:00 Thursday in Tokyo.
INSERT INTO leadroute.leads (id, email, source) VALUES (20, 'h@x.com', 'hours'), (21, 'h@x.com', 'hours');
SELECT is((SELECT array_agg(DISTINCT owner_id) FROM leadroute.leads WHERE id IN (20, 21)), ARRAY[4]::bigint[],
          'only the rep inside working hours gets leads');
SELECT matches(leadroute.explain(21), 'outside working hours \(Mon 09:00-17:00; .* Asia/Tokyo; now Thu 00:00\)',
               'explain names the hours, the zone and the local time');
SET LOCAL leadroute.now = '2026-03-04 14:59:00+00';   -- 08:59 in Chicago
INSERT INTO leadroute.leads (id, email, source) VALUES (22, 'h@x.com', 'hours');
SELECT results_eq($$SELECT status, queue FROM leadroute.leads WHERE id = 22$$, $$VALUES ('queued'::text, 'unrouted'::text)$$,
                  'nobody in hours and no overflow: the default queue');
-- DST: Chicago moves to CDT (UTC-5) on 2026-03-08. 14:30 UTC on Monday 2026-03-09 is 09:30 CDT
-- (in hours); the same UTC time a week earlier was 08:30 CST (not yet).
SET LOCAL leadroute.now = '2026-03-09 14:30:00+00';
INSERT INTO leadroute.leads (id, email, source) VALUES (23, 'h@x.com', 'hours');
SELECT is((SELECT owner_id FROM leadroute.leads WHERE id = 23), 4::bigint, 'after the DST change 14:30 UTC is 09:30 in Chicago');
SET LOCAL leadroute.now = '2026-03-02 14:30:00+00';
INSERT INTO leadroute.leads (id, email, source) VALUES (24, 'h@x.com', 'hours');
SELECT is((SELECT owner_id FROM leadroute.leads WHERE id = 24), NULL::bigint, 'before it, 14:30 UTC is 08:30 in Chicago');
SET LOCAL leadroute.now = '2026-03-04 15:00:00+00';
-- A pool that does not respect working hours ignores them.
UPDATE leadroute.pools SET respect_working_hours = false WHERE id = 2;
INSERT INTO leadroute.leads (id, email, source) SELECT g, 'h@x.com', 'hours' FROM generate_series(25, 26) g;
SELECT is((SELECT count(DISTINCT owner_id) FROM leadroute.leads WHERE id IN (25, 26)), 2::bigint,
          'respect_working_hours = false: both reps rotate');

-- Caps: Fay max 2 open, Gus max 2 a day; then the overflow pool, then nobody above a cap.
INSERT INTO leadroute.leads (id, email, source) SELECT g, 'c@x.com', 'capped' FROM generate_series(30, 37) g;
SELECT is((SELECT count(*) FROM leadroute.leads WHERE owner_id = 6), 2::bigint, 'max_open_leads holds within one statement');
SELECT is((SELECT count(*) FROM leadroute.leads WHERE owner_id = 7), 2::bigint, 'max_daily_leads holds within one statement');
SELECT is((SELECT count(*) FROM leadroute.leads WHERE id BETWEEN 30 AND 37 AND owner_id = 3), 4::bigint,
          'the rest goes to the overflow pool');
SELECT matches(leadroute.explain(37), 'at capacity 2/2 open', 'explain shows the open cap');
SELECT matches(leadroute.explain(37), 'daily cap reached 2/2 today', 'explain shows the daily cap');
SELECT matches(leadroute.explain(37), 'Pool "overflow" \(round_robin, overflow\)', 'explain shows the overflow pool');
-- Closing a lead frees capacity; the daily cap resets at local midnight.
UPDATE leadroute.leads SET status = 'converted' WHERE id = (SELECT min(id) FROM leadroute.leads WHERE owner_id = 6);
INSERT INTO leadroute.leads (id, email, source) VALUES (38, 'c@x.com', 'capped');
SELECT is((SELECT owner_id FROM leadroute.leads WHERE id = 38), 6::bigint, 'a closed lead frees a slot under max_open_leads');
SET LOCAL leadroute.now = '2026-03-05 00:00:01+00';
UPDATE leadroute.pool_members SET weight = 1;
INSERT INTO leadroute.leads (id, email, source) SELECT g, 'c@x.com', 'capped' FROM generate_series(39, 40) g;
SELECT is((SELECT count(*) FROM leadroute.leads WHERE id IN (39, 40) AND owner_id = 7), 2::bigint,
          'the next day Gus takes leads again (Fay is still at her open cap)');
SET LOCAL leadroute.now = '2026-03-04 15:00:00+00';

-- Nobody eligible anywhere in the chain: the default queue, with every reason in the trace.
UPDATE leadroute.reps SET active = false WHERE id = 3;
INSERT INTO leadroute.leads (id, email, source) VALUES (41, 'c@x.com', 'capped');
SELECT results_eq($$SELECT status, queue, rule_id FROM leadroute.leads WHERE id = 41$$,
                  $$VALUES ('queued'::text, 'unrouted'::text, 4::bigint)$$, 'overflow exhausted: the default queue');
SELECT matches((SELECT jsonb_path_query_first(trace, '$.rules[*] ? (@.match == true).no_target') #>> '{}'
                  FROM leadroute.decisions WHERE lead_id = 41),
               'nobody eligible in pool capped .*; nobody eligible in pool overflow', 'the trace gives each pool''s reason');
SELECT is((SELECT count(*) FROM leadroute.leads WHERE owner_id IS NULL AND queue IS NULL), 0::bigint,
          'never a lead without owner or queue');
-- Time off with open ranges and the preview of it.
INSERT INTO leadroute.time_off (rep_id, during) VALUES (2, '[2026-03-01,)');
SELECT is(leadroute.preview('{"source": "main"}') ->> 'status', 'queued', 'preview applies eligibility too');
SELECT throws_ok($$INSERT INTO leadroute.time_off (rep_id, during) VALUES (2, 'empty')$$, '23514', NULL,
                 'an empty time-off range is rejected');
SELECT throws_ok($$INSERT INTO leadroute.time_off (rep_id, during, backup_id) VALUES (2, '[2026-01-01,2026-01-02)', 2)$$, '23514', NULL,
                 'a rep cannot be their own backup');
\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
