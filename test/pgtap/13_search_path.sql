-- search_path hijacking (issue 8): functions and operators planted in a schema that comes before
-- pg_catalog in the caller's search_path must never run inside leadroute. Every trap logs its call
-- and returns a wrong answer; after routing, updates, escalation, reroute, explain, preview, the
-- metric views and the refresh, the log must be empty and the answers right.
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(13);
CREATE SCHEMA trap;
CREATE TABLE trap.calls (what text);
CREATE FUNCTION trap.log(what text) RETURNS void LANGUAGE sql AS $$ INSERT INTO trap.calls VALUES (what) $$;
-- Functions leadroute (or PostgreSQL on its behalf) might call by an unqualified name.
CREATE FUNCTION trap.lower(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM trap.log('lower'); RETURN 'hijacked'; END $$;
CREATE FUNCTION trap.upper(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM trap.log('upper'); RETURN 'HIJACKED'; END $$;
CREATE FUNCTION trap.btrim(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM trap.log('btrim'); RETURN 'hijacked'; END $$;
CREATE FUNCTION trap.length(text) RETURNS integer LANGUAGE plpgsql AS $$ BEGIN PERFORM trap.log('length'); RETURN -1; END $$;
CREATE FUNCTION trap.now() RETURNS timestamptz LANGUAGE plpgsql AS $$ BEGIN PERFORM trap.log('now'); RETURN '1999-01-01'; END $$;
CREATE FUNCTION trap.nextval(regclass) RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN PERFORM trap.log('nextval'); RETURN 1; END $$;
CREATE FUNCTION trap.unnest(anyarray) RETURNS SETOF anyelement LANGUAGE plpgsql AS $$ BEGIN PERFORM trap.log('unnest'); END $$;
CREATE FUNCTION trap.format(text, VARIADIC text[]) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM trap.log('format'); RETURN 'hijacked'; END $$;
CREATE FUNCTION trap.similarity(text, text) RETURNS real LANGUAGE plpgsql AS $$ BEGIN PERFORM trap.log('similarity'); RETURN 1; END $$;
CREATE FUNCTION trap.jsonb_build_object(VARIADIC text[]) RETURNS jsonb LANGUAGE plpgsql AS $$ BEGIN PERFORM trap.log('jsonb_build_object'); RETURN '{}'; END $$;
CREATE FUNCTION trap.to_char(timestamptz, text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM trap.log('to_char'); RETURN 'hijacked'; END $$;
-- Operators on the types leadroute compares.
CREATE FUNCTION trap.eq_text(text, text) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM trap.log('= text'); RETURN true; END $$;
CREATE OPERATOR trap.= (LEFTARG = text, RIGHTARG = text, FUNCTION = trap.eq_text);
CREATE FUNCTION trap.eq_int8(bigint, bigint) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM trap.log('= bigint'); RETURN true; END $$;
CREATE OPERATOR trap.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = trap.eq_int8);
CREATE FUNCTION trap.lt_ts(timestamptz, timestamptz) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM trap.log('< timestamptz'); RETURN true; END $$;
CREATE OPERATOR trap.< (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = trap.lt_ts);
CREATE OPERATOR trap.<= (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = trap.lt_ts);
CREATE FUNCTION trap.concat_text(text, text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM trap.log('|| text'); RETURN 'hijacked'; END $$;
CREATE OPERATOR trap.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = trap.concat_text);
CREATE FUNCTION trap.add_ts(timestamptz, interval) RETURNS timestamptz LANGUAGE plpgsql AS $$ BEGIN PERFORM trap.log('+ interval'); RETURN '1999-01-01'; END $$;
CREATE OPERATOR trap.+ (LEFTARG = timestamptz, RIGHTARG = interval, FUNCTION = trap.add_ts);
GRANT USAGE ON SCHEMA trap TO PUBLIC;
GRANT INSERT ON trap.calls TO PUBLIC;

INSERT INTO leadroute.reps (id, name, email, manager_id) VALUES (1, 'Ana', 'ana@t.io', 3), (2, 'Ben', 'ben@t.io', 3), (3, 'Boss', 'boss@t.io', NULL);
INSERT INTO leadroute.pools (id, name) VALUES (1, 'P');
INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (1, 1), (1, 2);
INSERT INTO leadroute.accounts (id, name, domain, owner_id) VALUES (1, 'Acme Inc.', 'acme.com', 2);
INSERT INTO leadroute.rules (name, priority, condition, action, pool_id) VALUES
  ('accounts', 5, 'account_id IS NOT NULL', 'account_owner', NULL),
  ('all', 10, 'TRUE', 'pool', 1);

-- The attack: the trap schema before pg_catalog for everything leadroute does below. (pgTAP itself
-- is not hardened, so the answers are kept in a table and checked once the path is back.)
CREATE TEMP TABLE got (k text PRIMARY KEY, v text);
SET LOCAL search_path = trap, pg_catalog, public;
INSERT INTO got VALUES ('trap live', ('a'::text = 'b'::text)::text);
DELETE FROM trap.calls;
SET LOCAL leadroute.fuzzy_match_threshold = 0.3;
INSERT INTO leadroute.leads (email, company, country, source) VALUES
  ('jane@acme.com', 'Acme', 'US', 'demo_request'), ('joe@other.io', 'Other Corp', 'DE', 'web'),
  ('x@gmail.com', 'Acme Incorporated', 'US', 'web');
INSERT INTO got SELECT 'routed', string_agg(concat_ws(':', owner_id, account_id, email_domain), ' ' ORDER BY id) FROM leadroute.leads;
INSERT INTO got SELECT 'contact', leadroute.record_contact(2)::text;
UPDATE leadroute.leads SET owner_id = 1 WHERE id = 1;
INSERT INTO got SELECT 'clock', set_config('leadroute.now', (pg_catalog.now() OPERATOR(pg_catalog.+) interval '2 hours')::text, true);
INSERT INTO got SELECT 'escalated', leadroute.escalate_overdue()::text;
INSERT INTO got SELECT 'reroute', leadroute.reroute(3) ->> 'status';
INSERT INTO got SELECT 'explain', left(leadroute.explain(1), 6);
INSERT INTO got SELECT 'preview', leadroute.preview('{"email": "a@acme.com"}') ->> 'account_id';
INSERT INTO got SELECT 'email_domain', leadroute.email_domain('Someone <x@Mail.Example.CO.UK>');
INSERT INTO got SELECT 'normalize_company', leadroute.normalize_company('ACME, Inc.');
INSERT INTO got SELECT 'refresh', (leadroute.refresh_metrics() OPERATOR(pg_catalog.>=) 0)::text;
INSERT INTO got SELECT 'views', concat_ws('/', (SELECT count(*) FROM leadroute.metrics_rep_load), (SELECT count(*) FROM leadroute.alerts),
                                          (SELECT count(*) FROM leadroute.metrics_speed_to_lead));
INSERT INTO got SELECT 'business minutes', leadroute.add_business_minutes('2026-03-04 15:00+00', 600,
  '{"wed":[["10:00","18:00"]],"thu":[["10:00","18:00"]]}', 'UTC')::text;
SET LOCAL search_path = public, pg_catalog;
SET LOCAL TimeZone = 'UTC';

SELECT is((SELECT v FROM got WHERE k = 'trap live'), 'true', 'the traps are live: text = text was hijacked');
SELECT is((SELECT v FROM got WHERE k = 'routed'), '2:1:acme.com 1:other.io 2:1:gmail.com',
          'routing and account matching (domain, company) are right');
SELECT is((SELECT v FROM got WHERE k = 'escalated'), '2', 'escalation found the two overdue leads');
SELECT is((SELECT v FROM got WHERE k = 'reroute'), 'assigned', 'reroute works');
SELECT is((SELECT v FROM got WHERE k = 'explain'), 'Lead 1', 'explain works');
SELECT is((SELECT v FROM got WHERE k = 'preview'), '1', 'preview matches the account');
SELECT is((SELECT v FROM got WHERE k = 'email_domain'), 'example.co.uk', 'email_domain works');
SELECT is((SELECT v FROM got WHERE k = 'normalize_company'), 'acme', 'normalize_company works');
SELECT is((SELECT v FROM got WHERE k = 'refresh'), 'true', 'refresh_metrics works');
SELECT is((SELECT v FROM got WHERE k = 'views'), '3/6/2', 'the metric views work');
SELECT is((SELECT v::timestamptz FROM got WHERE k = 'business minutes'), '2026-03-05 17:00+00'::timestamptz,
          'add_business_minutes works');
SELECT is_empty($$SELECT DISTINCT what FROM trap.calls$$, 'no planted function or operator ran inside leadroute');
\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
