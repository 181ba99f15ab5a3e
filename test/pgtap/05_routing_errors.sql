-- A routing failure never loses the lead; cancellation and similar errors still stop the INSERT.
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(9);
INSERT INTO leadroute.reps (id, name, email) VALUES (1, 'A', 'a@t.io');
INSERT INTO leadroute.rules (name, priority, condition, action, rep_id) VALUES ('all', 10, 'TRUE', 'rep', 1);
CREATE FUNCTION public.lr_test_enrich(lead leadroute.leads) RETURNS leadroute.leads LANGUAGE plpgsql AS $$
BEGIN
  IF lead.company = 'fail' THEN RAISE EXCEPTION 'lookup failed'; END IF;
  IF lead.company = 'slow' THEN PERFORM pg_sleep(5); END IF;
  IF lead.company = 'divide' THEN PERFORM 1 / 0; END IF;
  lead.employees := coalesce(lead.employees, 42);
  RETURN lead;
END $$;
SET LOCAL leadroute.enrichment_function = 'public.lr_test_enrich';

INSERT INTO leadroute.leads (id, email, company) VALUES (1, 'a@x.com', 'ok'), (2, 'b@x.com', 'fail'), (3, 'c@x.com', 'divide');
SELECT is((SELECT employees FROM leadroute.leads WHERE id = 1), 42, 'the enrichment function fills fields before routing');
SELECT results_eq($$SELECT id, status, queue FROM leadroute.leads WHERE id IN (2, 3) ORDER BY id$$,
                  $$VALUES (2::bigint, 'queued'::text, 'routing_error'::text), (3, 'queued', 'routing_error')$$,
                  'leads whose routing failed are kept in routing_error');
SELECT is((SELECT error FROM leadroute.decisions WHERE lead_id = 2), 'lookup failed', 'the decision keeps the error');
SELECT is((SELECT error FROM leadroute.decisions WHERE lead_id = 3), 'division by zero', 'whatever the error');
SELECT is((SELECT count(*) FROM leadroute.leads), 3::bigint, 'no lead is lost');

-- A statement timeout inside routing cancels the INSERT: it is not a routing failure. (PL/pgSQL
-- cannot catch a cancellation, so psql observes it.)
\set ON_ERROR_STOP 0
SAVEPOINT before_timeout;
SET LOCAL statement_timeout = '200ms';
INSERT INTO leadroute.leads (id, email, company) VALUES (4, 'd@x.com', 'slow');
ROLLBACK TO SAVEPOINT before_timeout;
\set ON_ERROR_STOP 1
SELECT is(:'LAST_ERROR_SQLSTATE'::text, '57014', 'a cancelled statement is not parked in routing_error');
SELECT is((SELECT count(*) FROM leadroute.leads WHERE id = 4), 0::bigint, 'the cancelled lead was not stored');

-- on_error = raise
SET LOCAL leadroute.on_error = raise;
SELECT throws_ok($$INSERT INTO leadroute.leads (id, email, company) VALUES (5, 'e@x.com', 'fail')$$,
                 'P0001', 'lookup failed', 'on_error = raise fails the INSERT with the original error');
\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
