-- Hostile leads (issue 8): a corpus of leads built to break normalization, matching, the rules and
-- the trace (NULLs everywhere, empty strings, 1 MB values, control and zero-width characters,
-- mixed scripts, SQL text, broken emails and domains, odd JSON and arrays) is inserted three ways:
-- one single-row INSERT per lead, one COPY of the whole corpus (a server-side file written by this
-- test), and COPY FROM STDIN (the lines below). Every row that respects the table's declared
-- types and constraints must be stored and routed (assigned, queued or nurture) with its decision
-- and no routing error; every row that does not must fail with an error naming the column or the
-- constraint; and the backend must still be alive and routing at the end.
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(38);

-- ---- an organization whose rules read every field --------------------------------------------
INSERT INTO leadroute.reps (id, name, email) VALUES
  (1, 'Ana', 'ana@t.io'), (2, 'Ben', 'ben@t.io'), (3, 'Cy', 'cy@t.io'), (4, 'Di', 'di@t.io');
INSERT INTO leadroute.pools (id, name) VALUES (1, 'P');
INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (1, 1), (1, 2);
INSERT INTO leadroute.accounts (id, name, domain, owner_id) VALUES
  (1, 'Acme Inc.', 'acme.com', 3), (2, 'Müller GmbH', 'xn--mller-kva.de', 4);
INSERT INTO leadroute.rules (name, priority, condition, action, rep_id, pool_id, queue) VALUES
  ('accounts', 10, 'account_id IS NOT NULL', 'account_owner', NULL, NULL, NULL),
  ('nurture', 20, $$is_freemail OR email_domain LIKE '%.edu'$$, 'nurture', NULL, NULL, 'newsletter'),
  ('names', 30, $$company ILIKE '%rocket%' OR company ~ '(?i)acme' OR first_name LIKE '%👩%'$$, 'pool', NULL, 1, NULL),
  ('attributes', 40, $$attributes.plan = 'enterprise' OR attributes.seats > 10 OR attributes.trial
                      OR attributes.utm.source ~ '^g' OR attributes.tags CONTAINS 'vip'$$, 'rep', 2, NULL, NULL),
  ('international', 50, $$country IN ('JP', 'DE', 'EG', 'CN') OR city LIKE '東%'$$, 'queue', NULL, NULL, 'intl'),
  ('products', 60, $$product_interest CONTAINS 'crm'$$, 'pool', NULL, 1, NULL),
  ('titles', 70, $$title ~ '(?i)^(vp|chief)' OR phone LIKE '+1%' OR website ILIKE '%acme%'$$, 'rep', 1, NULL, NULL),
  ('sizes', 80, $$employees BETWEEN 1000 AND 2000000000 OR score >= 90$$, 'pool', NULL, 1, NULL),
  ('the rest', 90, $$state IN ('CA', 'NY') OR postal_code BETWEEN '10000' AND '19999' OR industry = 'Software'
                    OR source = 'demo_request' OR language ILIKE 'de%' OR last_name IS NOT NULL$$, 'queue', NULL, NULL, 'misc'),
  ('catch-all', 1000, 'TRUE', 'pool', NULL, 1, NULL);
SET LOCAL leadroute.fuzzy_match_threshold = 0.4;
SET LOCAL leadroute.trace = 'full';

-- ---- the corpus: every input column as text, as a CSV export or a form would hand it over -----
-- fail_state/fail_names: for a row that violates a declared type or constraint, the SQLSTATE and
-- the text the error must contain (the column, or the constraint's name).
CREATE TEMP TABLE corpus (
  n serial PRIMARY KEY, label text NOT NULL,
  email text, first_name text, last_name text, company text, website text, phone text, title text,
  country text, state text, city text, postal_code text, employees text, industry text, source text,
  product_interest text, score text, language text, attributes text DEFAULT '{}', captured_at text DEFAULT 'now',
  fail_state text, fail_names text);

INSERT INTO corpus (label) VALUES ('NULL in every nullable column');
INSERT INTO corpus (label, email, first_name, last_name, company, website, phone, title, country, state, city,
                    postal_code, industry, source, product_interest, language)
VALUES ('empty strings everywhere', '', '', '', '', '', '', '', '', '', '', '', '', '', '{}', ''),
       ('blanks everywhere', ' ', E'\t', E'\n', E'\r\n', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', '{" "}', ' ');
INSERT INTO corpus (label, email, attributes) VALUES ('empty attribute key and value', '', '{"": ""}');
-- 1 MB values.
INSERT INTO corpus (label, company) VALUES ('1 MB company', repeat('x', 1000000));
INSERT INTO corpus (label, company) VALUES ('1 MB company that matches a rule', 'Rocket ' || repeat('rocket ', 142857));
INSERT INTO corpus (label, email) VALUES
  ('1 MB email local part', repeat('a', 1000000) || '@acme.com'),
  ('1 MB email domain label', 'a@' || repeat('b', 1000000) || '.com'),
  ('1 MB email of dotted labels', 'a@' || repeat('b.', 500000) || 'com');
INSERT INTO corpus (label, attributes) VALUES
  ('1 MB attribute value', jsonb_build_object('plan', repeat('e', 1000000))::text),
  ('1 MB attribute key', jsonb_build_object(repeat('k', 1000000), 1)::text);
INSERT INTO corpus (label, email, company, attributes) VALUES
  ('1 MB company, email and attribute at once', repeat('c', 1000000) || '@' || repeat('d', 1000) || '.com',
   repeat('Ä', 500000), jsonb_build_object('utm', jsonb_build_object('source', 'g' || repeat('ü', 500000)))::text);
INSERT INTO corpus (label, phone, title, website) VALUES
  ('1 MB phone, title, website', '+1' || repeat('9', 1000000), 'VP ' || repeat('v', 1000000), 'https://' || repeat('w', 1000000) || '.acme.com');
-- Control, zero-width and byte-order-mark characters.
INSERT INTO corpus (label, email, first_name, last_name, company, website, country) VALUES
  ('control characters', E'\x01jane@acme.com', E'Ja\x02ne', E'Do\x1fe', E'Ac\x01me\x7f', E'\x07acme.com', E'U\x01S'),
  ('tab, CR and LF inside values', E'jane\t@acme.com', E'Ja\tne', E'Do\r\ne', E'Acme\r\nInc.', E'acme\t.com', E'\tUS\n'),
  ('zero-width characters', E'jane\u200b@acme.com', E'Ja\u200dne', E'\u200cDoe', E'Ac\u200bme\u2060', E'acme\u200b.com', E'U\u200bS'),
  ('byte-order marks', E'\ufeffjane@acme.com', E'\ufeffJane', 'Doe', E'\ufeffAcme Inc.', E'\ufeffhttps://acme.com', E'\ufeffUS'),
  ('right-to-left override', E'jane@\u202eacme.com', E'\u202eenaJ', 'Doe', E'\u202eemcA', E'https://\u202emoc.emca', 'US');
-- Mixed scripts.
INSERT INTO corpus (label, email, first_name, company, website, country, city) VALUES
  ('Cyrillic homoglyphs of Acme', E'jane@\u0430cme.com', E'J\u0430ne', E'\u0410\u0441me Inc.', E'https://\u0430cme.com', E'\u0423S', 'Москва'),
  ('Arabic', 'jane@شركة.مصر', 'جين', 'شركة أكمي', 'https://شركة.مصر', 'مصر', 'القاهرة'),
  ('CJK', 'jane@例え.jp', '花子', '株式会社アクメ', 'https://例え.jp', '日本', '東京'),
  ('emoji', '🚀@acme.com', '👩‍💻', '🚀 Rocket Inc. 🚀', 'https://🚀.ws', '🇺🇸', '🏙️'),
  ('combining marks', E'e\u0301\u0301@acme.com', 'Zalgo', 'A' || repeat(E'\u0301', 10000), E'acme\u0301.com', E'U\u0308S', E'Ko\u0308ln');
-- SQL text.
INSERT INTO corpus (label, email, first_name, last_name, company, title, source, attributes) VALUES
  ('SQL text', $$'; DROP TABLE leadroute.leads; --@acme.com$$, '$$', E'\\', $$'; DROP TABLE leadroute.reps; --$$,
   $$E'\\'$$, $$demo_request' OR '1'='1$$, jsonb_build_object('plan', $$'); DELETE FROM leadroute.rules; --$$)::text);
-- Broken emails and domains.
INSERT INTO corpus (label, email) VALUES
  ('many @', 'a@b@c@acme.com'), ('only @', '@@@@'), ('ten thousand @', repeat('@', 10000)),
  ('no @', 'jane.acme.com'), ('a bare domain', 'acme.com'), ('mailto: only', 'mailto:'), ('empty brackets', '<>'),
  ('display name', 'Jane Doe <Jane@ACME.com>'), ('trailing dot', 'jane@acme.com.'), ('leading dot', 'jane@.acme.com'),
  ('IDN', 'jane@müller.de'), ('IDN in upper case', 'JANE@MÜLLER.DE'), ('punycode', 'jane@xn--mller-kva.de'),
  ('invalid punycode', 'jane@xn--.de'), ('IP literal', 'jane@[127.0.0.1]'),
  ('64-character label', 'jane@' || repeat('a', 64) || '.com'),
  ('300-character domain', 'jane@' || repeat('a.', 150) || 'com'),
  ('10,000-character label', 'jane@' || repeat('a', 10000) || '.co.uk'),
  ('only a public suffix', 'jane@co.uk'), ('free-mail', 'jane@gmail.com'), ('.edu', 'jane@state.edu');
INSERT INTO corpus (label, website) VALUES
  ('javascript: URL', 'javascript:alert(1)'), ('IPv6 URL', 'http://[::1]:80/'), ('userinfo URL', 'http://user@evil.com@acme.com/'),
  ('port out of range', 'http://acme.com:99999'), ('long label URL', 'http://' || repeat('a', 70) || '.com');
-- Odd JSON, arrays and numbers that are still valid.
INSERT INTO corpus (label, attributes) VALUES
  ('JSON string', '"just text"'), ('JSON array', '[1, "two", null]'), ('JSON null', 'null'), ('JSON number', '12'),
  ('huge number', '{"seats": 1e400}'), ('tiny number', '{"seats": -1e-400}'),
  ('deep nesting', repeat('{"utm":', 2000) || '1' || repeat('}', 2000)),
  ('ten thousand keys', (SELECT jsonb_object_agg('k' || i, i) FROM generate_series(1, 10000) i)::text),
  ('escaped control characters', E'{"plan": "\\u0001\\t\\r\\n\\ufeff", "\\u200b": 1}'),
  ('attribute types that do not fit', '{"plan": 1, "seats": "many", "trial": "perhaps", "tags": "vip", "utm": "google"}');
INSERT INTO corpus (label, product_interest, employees, score) VALUES
  ('array with NULL and empty items', '{NULL,"",crm}', '0', '-2147483648'),
  ('two-dimensional array', '{{crm,x},{y,z}}', '2147483647', '2147483647'),
  ('array with bounds', '[5:6]={crm,x}', NULL, NULL),
  ('a thousand items', (SELECT array_agg('p' || i)::text FROM generate_series(1, 1000) i), NULL, NULL);
INSERT INTO corpus (label, captured_at) VALUES ('captured at infinity', 'infinity'), ('captured before Christ', '4713-01-01 BC');
-- Rows that violate a declared type or constraint.
INSERT INTO corpus (label, attributes, captured_at, fail_state, fail_names) VALUES
  ('NULL attributes', NULL, 'now', '23502', '"attributes"'),
  ('NULL captured_at', '{}', NULL, '23502', '"captured_at"'),
  ('NULL in every column', NULL, NULL, '23502', '"attributes"'),
  ('invalid JSON', '{not json', 'now', '22P02', 'column attributes'),
  ('truncated JSON', '{"plan": "enterprise"', 'now', '22P02', 'column attributes'),
  ('NUL escape in JSON', '{"plan": "\u0000"}', 'now', '22P05', 'column attributes');
INSERT INTO corpus (label, employees, score, product_interest, fail_state, fail_names) VALUES
  ('negative employees', '-1', NULL, NULL, '23514', 'leads_employees_check'),
  ('employees not a number', 'many', NULL, NULL, '22P02', 'column employees'),
  ('employees out of range', '99999999999', NULL, NULL, '22003', 'column employees'),
  ('score with an exponent', NULL, '1e3', NULL, '22P02', 'column score'),
  ('malformed array', NULL, NULL, '{unclosed', '22P02', 'column product_interest');

CREATE TEMP TABLE outcome (path text, n int, sqlstate text, message text, context text, PRIMARY KEY (path, n));
CREATE TEMP TABLE ids (path text PRIMARY KEY, base bigint);
INSERT INTO ids VALUES ('insert', 100000), ('copy', 200000);

-- ---- path 1: one single-row INSERT per corpus row ---------------------------------------------
CREATE FUNCTION pg_temp.insert_row(row_n int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  err_state text; err_message text; err_context text;
BEGIN
  INSERT INTO leadroute.leads (id, email, first_name, last_name, company, website, phone, title, country, state, city,
                               postal_code, employees, industry, source, product_interest, score, language,
                               attributes, captured_at)
  SELECT 100000 + n, email, first_name, last_name, company, website, phone, title, country, state, city,
         postal_code, employees::integer, industry, source, product_interest::text[], score::integer, language,
         attributes::jsonb, captured_at::timestamptz
    FROM corpus WHERE n = row_n;
  INSERT INTO outcome VALUES ('insert', row_n, NULL, NULL, NULL);
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT, err_context = PG_EXCEPTION_CONTEXT;
  INSERT INTO outcome VALUES ('insert', row_n, err_state, err_message, err_context);
END $$;
SELECT pg_temp.insert_row(n) FROM corpus ORDER BY n;

-- ---- path 2: COPY of the whole valid corpus in one statement, then each invalid row alone -----
-- The files are written by the server into its data directory, and emptied once read.
CREATE FUNCTION pg_temp.copy_file(tag text) RETURNS text LANGUAGE sql AS
  $$ SELECT format('%s/leadroute_hostile_%s_%s.copy', current_setting('data_directory'), pg_backend_pid(), tag) $$;
CREATE FUNCTION pg_temp.copy_rows(tag text, filter text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  cols constant text := 'email, first_name, last_name, company, website, phone, title, country, state, city, postal_code, '
                        'employees, industry, source, product_interest, score, language, attributes, captured_at';
BEGIN
  EXECUTE format('COPY (SELECT 200000 + n, %s FROM corpus WHERE %s ORDER BY n) TO %L', cols, filter, pg_temp.copy_file(tag));
  EXECUTE format('COPY leadroute.leads (id, %s) FROM %L', cols, pg_temp.copy_file(tag));
  EXECUTE format('COPY (SELECT 1 WHERE false) TO %L', pg_temp.copy_file(tag));
END $$;
CREATE FUNCTION pg_temp.copy_invalid_row(row_n int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  err_state text; err_message text; err_context text;
BEGIN
  PERFORM pg_temp.copy_rows(row_n::text, format('n = %s', row_n));
  INSERT INTO outcome VALUES ('copy', row_n, NULL, NULL, NULL);
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT, err_context = PG_EXCEPTION_CONTEXT;
  INSERT INTO outcome VALUES ('copy', row_n, err_state, err_message, err_context);
  EXECUTE format('COPY (SELECT 1 WHERE false) TO %L', pg_temp.copy_file(row_n::text));
END $$;
SELECT pg_temp.copy_rows('valid', 'fail_state IS NULL');
INSERT INTO outcome SELECT 'copy', n FROM corpus WHERE fail_state IS NULL;
SELECT pg_temp.copy_invalid_row(n) FROM corpus WHERE fail_state IS NOT NULL ORDER BY n;

-- ---- what both paths must show ------------------------------------------------------------------
CREATE TEMP VIEW routed AS
SELECT o.path, c.n, c.label, l.id, l.status, l.queue, l.owner_id, l.account_id,
       (SELECT count(*) FROM leadroute.decisions d WHERE d.lead_id = l.id AND d.kind = 'routed') AS decisions,
       (SELECT count(*) FROM leadroute.decisions d WHERE d.lead_id = l.id AND d.error IS NOT NULL) AS errors,
       (SELECT count(*) FROM leadroute.assignments a WHERE a.lead_id = l.id AND a.rep_id = l.owner_id) AS assignments
  FROM outcome o JOIN corpus c USING (n) JOIN ids USING (path)
  LEFT JOIN leadroute.leads l ON l.id = ids.base + c.n
 WHERE c.fail_state IS NULL;

SELECT ok((SELECT count(*) FROM corpus WHERE fail_state IS NULL) >= 60, 'the corpus has its valid rows');
SELECT is((SELECT string_agg(label || ': ' || sqlstate || ' ' || message, '; ')
             FROM outcome JOIN corpus USING (n) WHERE path = 'insert' AND fail_state IS NULL AND sqlstate IS NOT NULL),
          NULL, 'INSERT: no valid row raised');
SELECT is((SELECT string_agg(label, ', ') FROM routed WHERE path = 'insert' AND id IS NULL), NULL,
          'INSERT: every valid row is stored');
SELECT is((SELECT string_agg(label || ' (' || status || ')', ', ') FROM routed
            WHERE path = 'insert' AND status NOT IN ('assigned', 'queued', 'nurture')), NULL,
          'INSERT: every stored row is assigned, queued or nurture');
SELECT is((SELECT string_agg(label, ', ') FROM routed WHERE path = 'insert' AND decisions <> 1), NULL,
          'INSERT: every stored row has its one routing decision');
SELECT is((SELECT string_agg(label, ', ') FROM routed
            WHERE path = 'insert' AND (errors > 0 OR queue = 'routing_error')), NULL,
          'INSERT: no row hit a routing error');
SELECT is((SELECT string_agg(label, ', ') FROM routed
            WHERE path = 'insert' AND status = 'assigned' AND assignments = 0), NULL,
          'INSERT: every assigned row has its assignment');
SELECT is((SELECT string_agg(label, ', ') FROM routed WHERE path = 'copy' AND id IS NULL), NULL,
          'COPY: every valid row is stored');
SELECT is((SELECT string_agg(label || ' (' || status || ')', ', ') FROM routed
            WHERE path = 'copy' AND status NOT IN ('assigned', 'queued', 'nurture')), NULL,
          'COPY: every stored row is assigned, queued or nurture');
SELECT is((SELECT string_agg(label, ', ') FROM routed WHERE path = 'copy' AND decisions <> 1), NULL,
          'COPY: every stored row has its one routing decision');
SELECT is((SELECT string_agg(label, ', ') FROM routed
            WHERE path = 'copy' AND (errors > 0 OR queue = 'routing_error')), NULL,
          'COPY: no row hit a routing error');
SELECT is((SELECT string_agg(label, ', ') FROM routed
            WHERE path = 'copy' AND status = 'assigned' AND assignments = 0), NULL,
          'COPY: every assigned row has its assignment');
SELECT is((SELECT string_agg(i.label || ': ' || i.status || '/' || c.status, ', ')
             FROM routed i JOIN routed c USING (n)
            WHERE i.path = 'insert' AND c.path = 'copy'
              AND (i.status, i.queue, i.account_id) IS DISTINCT FROM (c.status, c.queue, c.account_id)), NULL,
          'COPY and INSERT route every row alike (status, queue, account)');
SELECT ok((SELECT count(DISTINCT coalesce(queue, 'rep ' || owner_id)) FROM routed) >= 5,
          'the corpus reaches many rules, not only the catch-all');

-- Rows that violate a declared type or constraint: refused, naming the column or constraint.
SELECT is((SELECT string_agg(label || ': ' || coalesce(sqlstate, 'stored'), ', ')
             FROM outcome JOIN corpus USING (n)
            WHERE path = 'insert' AND fail_state IS NOT NULL AND sqlstate IS DISTINCT FROM fail_state), NULL,
          'INSERT: every row that violates a declared type or constraint fails with its SQLSTATE');
SELECT is((SELECT string_agg(label || ': ' || message, ', ')
             FROM outcome JOIN corpus USING (n)
            WHERE path = 'insert' AND fail_state LIKE '23%' AND strpos(message, fail_names) = 0), NULL,
          'INSERT: a constraint violation names the column or the constraint');
SELECT is((SELECT string_agg(label || ': ' || message, ', ')
             FROM outcome JOIN corpus USING (n)
            WHERE path = 'insert' AND fail_state LIKE '22%'
              AND message !~ '(integer|json|array|Unicode escape|out of range)'), NULL,
          'INSERT: a type violation names the type');
SELECT is((SELECT string_agg(label || ': ' || coalesce(sqlstate, 'stored'), ', ')
             FROM outcome JOIN corpus USING (n)
            WHERE path = 'copy' AND fail_state IS NOT NULL AND sqlstate IS DISTINCT FROM fail_state), NULL,
          'COPY: every row that violates a declared type or constraint fails with its SQLSTATE');
SELECT is((SELECT string_agg(label || ': ' || message || ' / ' || context, ', ')
             FROM outcome JOIN corpus USING (n)
            WHERE path = 'copy' AND fail_state IS NOT NULL AND strpos(message || ' ' || context, fail_names) = 0), NULL,
          'COPY: the error names the column (or the constraint)');
SELECT is((SELECT message FROM outcome JOIN corpus USING (n) WHERE path = 'copy' AND label = 'invalid JSON'),
          'invalid input syntax for type json', 'COPY: invalid JSON in attributes is refused as invalid JSON');
SELECT matches((SELECT context FROM outcome JOIN corpus USING (n) WHERE path = 'copy' AND label = 'invalid JSON'),
               'COPY leads, line 1, column attributes: "\{not json"', 'and the context points at the line and the column');
SELECT is((SELECT count(*) FROM leadroute.leads l JOIN corpus c ON l.id IN (100000 + c.n, 200000 + c.n)
            WHERE c.fail_state IS NOT NULL), 0::bigint, 'no refused row was stored');

-- What routing made of some of them.
SELECT is((SELECT octet_length(company) FROM leadroute.leads WHERE id = 200000 + (SELECT n FROM corpus WHERE label = '1 MB company')),
          1000000, 'a 1 MB company is stored whole');
SELECT is((SELECT r.name FROM leadroute.leads l JOIN corpus c ON l.id = 100000 + c.n JOIN leadroute.rules r ON r.id = l.rule_id
            WHERE c.label = '1 MB company that matches a rule'), 'names', 'a rule reads a 1 MB company');
SELECT is((SELECT account_id FROM leadroute.leads l JOIN corpus c ON l.id = 100000 + c.n
            WHERE c.label = 'Cyrillic homoglyphs of Acme'), NULL, 'a Cyrillic look-alike of acme.com does not match Acme');
SELECT results_eq($$SELECT c.label, l.account_id, l.email_domain FROM leadroute.leads l JOIN corpus c ON l.id = 100000 + c.n
                     WHERE c.label IN ('IDN', 'IDN in upper case', 'punycode', 'display name', 'many @') ORDER BY c.n$$,
                  $$VALUES ('many @', 1::bigint, 'acme.com'), ('display name', 1, 'acme.com'),
                           ('IDN', 2, 'xn--mller-kva.de'), ('IDN in upper case', 2, 'xn--mller-kva.de'),
                           ('punycode', 2, 'xn--mller-kva.de')$$,
                  'international and odd addresses match the right account');
SELECT is((SELECT string_agg(c.label, ', ') FROM leadroute.leads l JOIN corpus c ON l.id = 100000 + c.n
            WHERE c.label IN ('no @', 'only @', 'ten thousand @', '64-character label', '300-character domain',
                              '10,000-character label', 'only a public suffix') AND l.email_domain IS NOT NULL), NULL,
          'addresses without a valid domain get no email_domain');
SELECT is((SELECT count(*) FROM leadroute.leads l WHERE l.id >= 100000 AND leadroute.explain(l.id) IS NULL), 0::bigint,
          'explain() renders every hostile lead');
-- preview() takes the same lead as JSON: it must decide what the INSERT decided (a round-robin
-- pick may differ, the rule and the account may not).
SELECT is((SELECT string_agg(c.label, ', ')
             FROM corpus c JOIN leadroute.leads l ON l.id = 100000 + c.n
             CROSS JOIN LATERAL leadroute.preview(jsonb_build_object(
               'email', c.email, 'first_name', c.first_name, 'last_name', c.last_name, 'company', c.company,
               'website', c.website, 'phone', c.phone, 'title', c.title, 'country', c.country, 'state', c.state,
               'city', c.city, 'postal_code', c.postal_code, 'employees', c.employees::integer, 'industry', c.industry,
               'source', c.source, 'product_interest', c.product_interest::text[], 'score', c.score::integer,
               'language', c.language, 'attributes', c.attributes::jsonb)) p
            WHERE c.fail_state IS NULL
              AND ((p ->> 'rule_id')::bigint, (p ->> 'account_id')::bigint, p ->> 'status')
                  IS DISTINCT FROM (l.rule_id, l.account_id, l.status)), NULL,
          'preview() of every valid row agrees with its INSERT (rule, account, status)');
SELECT is((SELECT count(*) FROM leadroute.leads l
            WHERE l.id >= 200000 AND l.id < 300000 AND l.status IN ('assigned', 'queued')
              AND leadroute.reroute(l.id) IS NULL), 0::bigint, 'reroute() takes every hostile lead again');
SELECT is((SELECT count(*) FROM leadroute.decisions d WHERE d.lead_id >= 200000 AND d.lead_id < 300000 AND d.error IS NOT NULL),
          0::bigint, 'without a routing error');

-- ---- path 3: COPY FROM STDIN, as psql's \copy and client libraries send it ----------------------
SAVEPOINT stdin_copy;
COPY leadroute.leads (id, email, first_name, company, country, product_interest, attributes) FROM STDIN;
300001	\N	\N	\N	\N	\N	{}
300002					{}	{}
300003	\001jane@acme.com	Ja\tne\r	\342\200\213Acme\357\273\277	U\001S	{crm}	{"plan": "\\u0001"}
300004	jane@müller.de	Мюллер	Müller GmbH	Deutschland	\N	{"plan": "enterprise"}
300005	'; DROP TABLE leadroute.leads; --@acme.com	$$	E'\\\\'	US	{"'; --"}	{"sql": "'); SELECT 1; --"}
300006	a@b@c@acme.com	👩‍💻	株式会社アクメ 🚀	日本	\N	[1, "two"]
\.
RELEASE SAVEPOINT stdin_copy;
SAVEPOINT stdin_invalid;
\set ON_ERROR_STOP 0
COPY leadroute.leads (id, email, first_name, company, country, product_interest, attributes) FROM STDIN;
300010	bad@acme.com	Bad	Acme	US	\N	{not json
\.
-- psql 15 sets no error variable for a failed COPY FROM STDIN; the statement after it shows that
-- the COPY failed and aborted the transaction (its error and context are checked in path 2).
SELECT 'still in a live transaction';
\set ON_ERROR_STOP 1
ROLLBACK TO SAVEPOINT stdin_invalid;
SELECT is(:'LAST_ERROR_SQLSTATE'::text, '25P02', 'COPY FROM STDIN: invalid JSON fails the statement');
SELECT is((SELECT count(*) FROM leadroute.leads WHERE id = 300010), 0::bigint, 'the invalid row is not stored');
SELECT results_eq($$SELECT id, status IN ('assigned', 'queued', 'nurture'), queue IS DISTINCT FROM 'routing_error',
                           (SELECT count(*) FROM leadroute.decisions d WHERE d.lead_id = l.id AND d.error IS NULL)
                      FROM leadroute.leads l WHERE id BETWEEN 300001 AND 300010 ORDER BY id$$,
                  $$SELECT g::bigint, true, true, 1::bigint FROM generate_series(300001, 300006) g$$,
                  'COPY FROM STDIN: the valid rows of the separate statement are stored and routed');
SELECT results_eq($$SELECT id, owner_id FROM leadroute.leads WHERE id IN (300003, 300004, 300005, 300006) ORDER BY id$$,
                  $$VALUES (300003::bigint, 3::bigint), (300004, 4), (300005, 3), (300006, 3)$$,
                  'and their addresses matched the accounts (escapes, IDN, SQL text and extra @ decoded as data)');

-- ---- the backend is alive and still routes --------------------------------------------------------
SELECT is((SELECT count(*) FROM pg_stat_activity WHERE pid = pg_backend_pid()), 1::bigint,
          'the backend is alive (pg_stat_activity sees it)');
INSERT INTO leadroute.leads (id, email) VALUES (400000, 'after@acme.com');
SELECT is((SELECT owner_id FROM leadroute.leads WHERE id = 400000), 3::bigint, 'a normal lead after the corpus is routed as usual');
\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
