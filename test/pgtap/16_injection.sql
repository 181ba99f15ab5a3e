-- Injection (issue 8): a rule condition can never execute SQL or call a function, and SQL text in
-- lead fields or attributes is routed as plain data. A planted function records every call of
-- itself; conditions and leads that try to reach it must leave its log empty.
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(51);

CREATE TABLE public.lr_injection_calls (what text);
CREATE FUNCTION public.lr_injected(what text DEFAULT 'called') RETURNS boolean
  LANGUAGE sql AS $$ INSERT INTO public.lr_injection_calls VALUES (what) RETURNING true $$;
-- The probe works: a call is recorded (then forgotten), so an empty log below means "never called".
SELECT ok(public.lr_injected('sanity'), 'the planted function runs when SQL calls it');
SELECT is((SELECT count(*) FROM public.lr_injection_calls), 1::bigint, 'and records its call');
DELETE FROM public.lr_injection_calls;

INSERT INTO leadroute.reps (id, name, email) VALUES (1, 'Literal', 'literal@t.io'), (2, 'Other', 'other@t.io');

-- The SQLSTATE and message of a rule INSERT with this condition, or 'stored'.
CREATE FUNCTION pg_temp.rule_error(cond text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO leadroute.rules (name, priority, condition, action, queue) VALUES ('probe', 999, cond, 'queue', 'q');
  DELETE FROM leadroute.rules WHERE name = 'probe';
  RETURN 'stored';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ' ' || SQLERRM;
END $$;

-- ---- conditions that try to run SQL are rejected by the CHECK constraint ----------------------
SELECT is(pg_temp.rule_error($$lower(country) = 'us'$$),
          '42601 invalid rule condition at position 1 near "lower": function calls are not part of the condition language',
          'a function call (lower) is rejected, naming the function');
SELECT is(pg_temp.rule_error($$country = 'US' AND lr_injected() IS NULL$$),
          '42601 invalid rule condition at position 20 near "lr_injected": function calls are not part of the condition language',
          'a call of the planted function is rejected at its position');
SELECT matches(pg_temp.rule_error($$pg_sleep(1) IS NULL$$), '^42601 .*near "pg_sleep": function calls are not part',
               'pg_sleep(1) is rejected');
SELECT matches(pg_temp.rule_error($$now() > '2020-01-01'$$), '^42601 .*near "now": function calls are not part',
               'now() is rejected');
SELECT matches(pg_temp.rule_error($$attributes.plan = lower('A')$$), '^42601 .*near "lower": function calls are not part',
               'a function call on the right-hand side is rejected');
SELECT matches(pg_temp.rule_error($$"lr_injected"() IS NULL$$), '^42601 .*near ""lr_injected"": function calls are not part',
               'a quoted function name is rejected');
SELECT matches(pg_temp.rule_error($$EXISTS (SELECT 1 FROM leadroute.reps)$$), '^42601 .*near "EXISTS": function calls are not part',
               'EXISTS (subquery) is rejected');
SELECT matches(pg_temp.rule_error($$country IN (SELECT country FROM leadroute.leads)$$), '^42601 .*near "SELECT": expected a value',
               'a subquery in an IN list is rejected');
SELECT matches(pg_temp.rule_error($$country = (SELECT 'US')$$), '^42601 .*near "\(": expected a field or a value',
               'a scalar subquery is rejected');
SELECT matches(pg_temp.rule_error($$(SELECT true)$$), '^42703 .*unknown field "SELECT"',
               'a parenthesized SELECT is an unknown field, not a query');
SELECT matches(pg_temp.rule_error($$country IN ('US', lower('CA'))$$), '^42601 .*near "lower": expected a value',
               'a function call inside an IN list is rejected');
SELECT matches(pg_temp.rule_error($$company('x') = 'x'$$), '^42601 .*near "\(": expected an operator after company',
               'a field cannot be called like a function');
SELECT matches(pg_temp.rule_error($$pg_catalog.pg_sleep(1) IS NULL$$), '^42703 .*unknown field "pg_catalog"',
               'a schema-qualified function is an unknown field');
SELECT is(pg_temp.rule_error($$country = 'US'; DROP TABLE leadroute.reps$$),
          '42601 invalid rule condition at position 15 near ";": unexpected character ";"',
          'a semicolon followed by SQL is rejected at the semicolon');
SELECT matches(pg_temp.rule_error($$country = 'US'; SELECT lr_injected()$$), '^42601 .*near ";": unexpected character ";"',
               'a second statement calling the planted function is rejected');
SELECT matches(pg_temp.rule_error($$country = 'US' UNION SELECT 1$$), '^42601 .*near "UNION": unexpected "UNION" after a complete condition',
               'UNION is rejected');
SELECT matches(pg_temp.rule_error($$country = 'US' -- AND lr_injected()$$), '^42601 .*near "-": unexpected "-" after a complete condition',
               'a -- comment is rejected');
SELECT matches(pg_temp.rule_error($$country = 'US' /* lr_injected() */$$), '^42601 .*near "/": unexpected character "/"',
               'a /* comment */ is rejected');
SELECT matches(pg_temp.rule_error($$country::text = 'US'$$), '^42601 .*near ":": unexpected character ":"',
               'a cast (::text) is rejected');
SELECT matches(pg_temp.rule_error($$country = $$ || '$$US$$'), '^42601 .*near "\$": unexpected character "\$"',
               'dollar quoting is rejected');
SELECT matches(pg_temp.rule_error($$country = $q$US$q$ OR lr_injected()$$), '^42601 .*near "\$": unexpected character "\$"',
               'tagged dollar quoting is rejected');
SELECT matches(pg_temp.rule_error($$country = E'\x55\x53'$$), '^42703 .*unknown field "E"',
               'an E'''' escape string is not a literal of the language');
SELECT matches(pg_temp.rule_error($$company = 'a' || lr_injected()::text$$), '^42601 .*near "\|": unexpected character "\|"',
               'string concatenation is rejected');
SELECT matches(pg_temp.rule_error($$country = CURRENT_USER$$), '^42703 .*unknown field "CURRENT_USER"',
               'CURRENT_USER is an unknown field, not a call');
SELECT matches(pg_temp.rule_error($$"country; DROP TABLE leadroute.reps" = 'x'$$), '^42703 .*unknown field "country; DROP TABLE leadroute.reps"',
               'a quoted identifier holding SQL is an unknown field');
-- The same CHECK guards updates, territories and SLA policies.
INSERT INTO leadroute.rules (name, priority, condition, action, queue) VALUES ('kept', 500, 'TRUE', 'queue', 'kept');
SELECT throws_like($$UPDATE leadroute.rules SET condition = 'lr_injected()' WHERE name = 'kept'$$,
                   'invalid rule condition at position 1 near "lr_injected": function calls are not part%',
                   'an UPDATE to an injected condition is rejected');
SELECT throws_like($$INSERT INTO leadroute.territories (name, priority, condition, rep_id) VALUES ('t', 1, 'pg_sleep(1) IS NULL', 1)$$,
                   'invalid territory condition at position 1 near "pg_sleep": function calls are not part%',
                   'a territory condition cannot call a function');
SELECT throws_like($$INSERT INTO leadroute.sla_policies (name, priority, condition, response_minutes) VALUES ('s', 1, 'TRUE; SELECT 1', 5)$$,
                   'invalid SLA policy condition at position 5 near ";": unexpected character ";"%',
                   'an SLA policy condition cannot hold a second statement');
SELECT is((SELECT count(*) FROM leadroute.rules WHERE name <> 'kept'), 0::bigint, 'no injected condition was stored');
DELETE FROM leadroute.rules;

-- ---- SQL text in conditions' literals and in leads is data ------------------------------------
INSERT INTO leadroute.rules (name, priority, condition, action, rep_id, queue) VALUES
  ('literal company', 10, $$company = 'x''; DROP TABLE leadroute.reps; --'$$, 'rep', 1, NULL),
  ('literal attribute', 20, $$attributes.plan = '''); SELECT public.lr_injected(''attr''); --'$$, 'rep', 1, NULL),
  ('literal attribute key', 30, $$attributes."k'); DROP TABLE leadroute.rules; --" = 1$$, 'rep', 1, NULL),
  ('title pattern', 40, $$title LIKE '%$$ || '$$' || $$; SELECT lr_injected(); $$ || '$$' || $$%'$$, 'rep', 1, NULL),
  ('everything else', 1000, 'TRUE', 'queue', NULL, 'other');
SELECT is((SELECT condition FROM leadroute.rules WHERE name = 'literal company'),
          $$company = 'x''; DROP TABLE leadroute.reps; --'$$, 'a condition whose string literal holds SQL is stored as written');

INSERT INTO leadroute.leads (id, company) VALUES
  (1, $$x'; DROP TABLE leadroute.reps; --$$),          -- exactly the rule's literal
  (2, 'x'), (3, $$x'$$), (4, $$x''; DROP TABLE leadroute.reps; --$$);  -- near misses
INSERT INTO leadroute.leads (id, attributes) VALUES
  (5, jsonb_build_object('plan', $$'); SELECT public.lr_injected('attr'); --$$)),
  (6, jsonb_build_object('plan', $$'); SELECT public.lr_injected('other'); --$$)),
  (7, jsonb_build_object($$k'); DROP TABLE leadroute.rules; --$$, 1)),
  (8, '{"k": 1}');
INSERT INTO leadroute.leads (id, title) VALUES (9, $$VP $$ || '$$' || $$; SELECT lr_injected(); $$ || '$$' || $$ Sales$$), (10, 'VP Sales');
-- SQL text in every text field, the email and the attributes, aimed at the planted function.
INSERT INTO leadroute.leads (id, email, first_name, last_name, company, website, phone, title, country,
                             state, city, postal_code, industry, source, language, product_interest, attributes)
SELECT 11, $$'; SELECT public.lr_injected('email'); --@evil.example$$, $$Robert'); DROP TABLE leadroute.leads; --$$,
       $$$$ || '$$' || $$; SELECT public.lr_injected('dollar'); $$ || '$$', $$E'\\'; SELECT public.lr_injected('e'); --$$,
       $$https://evil.example/'; SELECT public.lr_injected('web'); --$$, $$1); SELECT public.lr_injected('phone$$,
       $$"; SELECT public.lr_injected('title'); --$$, $$US'; SELECT public.lr_injected('country'); --$$,
       $$\'; DELETE FROM leadroute.reps; --$$, $$/* */ SELECT public.lr_injected('city')$$, $$0'::int; --$$,
       $$UNION SELECT * FROM leadroute.reps$$, $$demo_request' OR '1'='1$$, $$en; RESET ROLE$$,
       ARRAY[$$crm'); SELECT public.lr_injected('array'); --$$],
       jsonb_build_object($$'; SELECT public.lr_injected('key'); --$$, $$$$ || '$$' || $$ SELECT public.lr_injected() $$ || '$$');

SELECT is((SELECT owner_id FROM leadroute.leads WHERE id = 1), 1::bigint, 'the rule matches the literal SQL text exactly');
SELECT results_eq($$SELECT id, queue FROM leadroute.leads WHERE id IN (2, 3, 4) ORDER BY id$$,
                  $$VALUES (2::bigint, 'other'::text), (3, 'other'), (4, 'other')$$,
                  'near misses of the literal do not match');
SELECT is((SELECT owner_id FROM leadroute.leads WHERE id = 5), 1::bigint, 'an attribute holding SQL text matches its literal');
SELECT is((SELECT queue FROM leadroute.leads WHERE id = 6), 'other', 'and only its literal');
SELECT is((SELECT owner_id FROM leadroute.leads WHERE id = 7), 1::bigint, 'an attribute key holding SQL text is read as a key');
SELECT is((SELECT queue FROM leadroute.leads WHERE id = 8), 'other', 'a different key does not match');
SELECT is((SELECT owner_id FROM leadroute.leads WHERE id = 9), 1::bigint, 'a LIKE pattern holding dollar quotes and SQL matches literally');
SELECT is((SELECT queue FROM leadroute.leads WHERE id = 10), 'other', 'and does not match without them');
SELECT is((SELECT status || '/' || queue FROM leadroute.leads WHERE id = 11), 'queued/other',
          'a lead with SQL in every field is routed as data');
SELECT is((SELECT count(*) FROM leadroute.decisions WHERE lead_id BETWEEN 1 AND 11 AND error IS NULL), 11::bigint,
          'every lead has its decision, none with a routing error');
SELECT is((SELECT company FROM leadroute.leads WHERE id = 1), $$x'; DROP TABLE leadroute.reps; --$$, 'the lead keeps its text as entered');
SELECT ok(leadroute.explain(11) IS NOT NULL AND (leadroute.preview(
            jsonb_build_object('email', email, 'first_name', first_name, 'company', company, 'title', title,
                               'country', country, 'source', source, 'attributes', attributes)) ->> 'queue') = 'other',
          'explain() and preview() of the SQL-laden lead work on it as data')
  FROM leadroute.leads l WHERE l.id = 11;

-- Nothing ran: the tables are there with their rows, and the planted function was never called.
SELECT has_table('leadroute', 'reps', 'leadroute.reps still exists');
SELECT has_table('leadroute', 'leads', 'leadroute.leads still exists');
SELECT is((SELECT count(*) FROM leadroute.reps), 2::bigint, 'no rep was deleted');
SELECT is((SELECT count(*) FROM leadroute.rules), 5::bigint, 'no rule was dropped');
SELECT is((SELECT count(*) FROM leadroute.leads), 11::bigint, 'every lead is stored');
SELECT is((SELECT string_agg(what, ', ') FROM public.lr_injection_calls), NULL, 'the planted function was never called');
\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
