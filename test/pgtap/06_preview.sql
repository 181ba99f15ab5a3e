-- preview(): the decision for a lead that is not stored, with no side effect.
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(9);
INSERT INTO leadroute.reps (id, name, email) VALUES (1, 'A', 'a@t.io'), (2, 'B', 'b@t.io');
INSERT INTO leadroute.pools (id, name) VALUES (1, 'P');
INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (1, 1), (1, 2);
INSERT INTO leadroute.rules (name, priority, condition, action, pool_id) VALUES ('us', 10, $$country = 'US'$$, 'pool', 1);
INSERT INTO leadroute.leads (email, country) VALUES ('first@x.com', 'US');

SELECT is(leadroute.preview('{"email": "x@acme.com", "country": "United States"}') ->> 'owner_id', '2',
          'preview predicts the next rep of the rotation');
SELECT is(leadroute.preview('{"email": "x@acme.com", "country": "United States"}') ->> 'owner_id', '2',
          'calling it again gives the same answer');
SELECT is((SELECT count(*) FROM leadroute.leads), 1::bigint, 'preview stores no lead');
SELECT is((SELECT count(*) FROM leadroute.decisions), 1::bigint, 'preview records no decision');
INSERT INTO leadroute.leads (email, country) VALUES ('second@x.com', 'US');
SELECT is((SELECT owner_id FROM leadroute.leads WHERE email = 'second@x.com'), 2::bigint,
          'the rotation did not move: the next lead gets the previewed rep');
SELECT ok(leadroute.preview('{"country": "US"}') ? 'trace', 'preview returns the trace');
SELECT is(leadroute.preview('{"email": "x@gmail.com", "country": "FR"}') ->> 'queue', 'unrouted',
          'preview of a lead no rule takes');
SELECT throws_ok($$SELECT leadroute.preview('{"emial": "x@y.com"}')$$, '22023', 'unknown lead key "emial"',
                 'preview rejects unknown keys');
\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
