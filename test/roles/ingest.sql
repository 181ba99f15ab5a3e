-- As a login holding only leadroute_ingest (pg_prove -U lr_login_ingest): a web form and a CRM
-- sync. COPY and multi-row INSERT route every row; RETURNING answers the form without personal
-- data; nothing routing decides can be supplied; ON CONFLICT DO NOTHING leaves no trace.
\set ON_ERROR_STOP on
SELECT plan(21);
SELECT max(id) AS before_max FROM leadroute.leads \gset

COPY leadroute.leads (email, company, country, source, employees) FROM STDIN (FORMAT csv);
copy.one@ingest-co.example,Ingest Co,US,demo_request,50
copy.two@ingest-co.example,Ingest Co,DE,webinar,5000
copy.three@other.example,Other,FR,content,10
\.
SELECT is((SELECT count(*) FROM leadroute.leads WHERE id > :before_max), 3::bigint,
          'COPY FROM STDIN as the ingest role stores every row');
SELECT is((SELECT count(*) FROM leadroute.leads WHERE id > :before_max
            AND (owner_id IS NOT NULL OR queue IS NOT NULL) AND status IN ('assigned', 'queued', 'nurture')), 3::bigint,
          'and routes every row (an owner or a queue each)');

CREATE TEMP TABLE form AS
  WITH ins AS (INSERT INTO leadroute.leads (email, first_name, company, country, source)
               VALUES ('maya.asks@form.example', 'Ada', 'Form Co', 'US', 'demo_request'),
                      ('second@form.example', 'Bo', 'Form Co', 'US', 'pricing_page')
               RETURNING id, owner_id, status, queue, sla_due_at)
  SELECT * FROM ins;
SELECT is((SELECT count(*) FROM form), 2::bigint, 'a multi-row INSERT ... RETURNING answers for each row');
SELECT ok((SELECT bool_and(owner_id IS NOT NULL AND status = 'assigned' AND sla_due_at IS NOT NULL) FROM form),
          'with the owner, the status and the SLA due time ("Maya will call you within 5 minutes")');
SELECT throws_ok($$INSERT INTO leadroute.leads (email) VALUES ('x@form.example') RETURNING email$$, '42501', NULL,
                 'RETURNING personal data is refused, even of its own lead');
SELECT throws_ok($$SELECT email FROM leadroute.leads$$, '42501', NULL, 'no lead''s email is readable');
SELECT throws_ok($$SELECT phone, first_name, company FROM leadroute.leads$$, '42501', NULL, 'nor any other personal column');

-- Forgeries: routing cannot be skipped, and its outputs cannot be supplied.
SELECT throws_ok($$INSERT INTO leadroute.leads (email, routed_at) VALUES ('f1@forge.example', now())$$, '428C9', NULL,
                 'a lead that arrives "already routed" is refused');
SELECT throws_ok($$INSERT INTO leadroute.leads (email, owner_id, status) VALUES ('f2@forge.example', 3, 'converted')$$, '428C9', NULL,
                 'a converted lead for a rep of its choosing is refused');
SELECT throws_ok($$INSERT INTO leadroute.leads (email, owner_id) VALUES ('f3@forge.example', 424242)$$, '428C9', NULL,
                 'an owner that does not exist is refused');
SELECT throws_ok($$INSERT INTO leadroute.leads (email, status) VALUES ('f4@forge.example', 'nurture')$$, '428C9', NULL,
                 'a status of its choosing is refused');
SELECT throws_ok($$INSERT INTO leadroute.leads (email, sla_due_at) VALUES ('f5@forge.example', 'infinity')$$, '428C9', NULL,
                 'an SLA clock that never runs out is refused');
SELECT throws_ok($$INSERT INTO leadroute.leads (email, first_contact_at) VALUES ('f6@forge.example', now())$$, '428C9', NULL,
                 'a contact time is refused');
SELECT throws_ok($$INSERT INTO leadroute.leads (id, email) VALUES (99999999, 'f7@forge.example')$$, '428C9', NULL,
                 'an id ahead of the sequence is refused');
SELECT throws_ok($$INSERT INTO leadroute.leads (id, email) OVERRIDING SYSTEM VALUE VALUES (1, 'f8@forge.example')$$, '428C9', NULL,
                 'so is any supplied id');
SELECT lives_ok($$INSERT INTO leadroute.leads (email, country) VALUES ('after.forgeries@ok.example', 'US')$$,
                'and the next honest lead goes in');

-- The CRM sync: the same people again, with ON CONFLICT DO NOTHING (no conflict target: that
-- would need SELECT on email).
CREATE TEMP TABLE again AS
  WITH ins AS (INSERT INTO leadroute.leads (email, country, source)
               SELECT e, 'US', 'demo_request'
                 FROM unnest(ARRAY['copy.one@ingest-co.example', 'COPY.ONE@Ingest-Co.example ',
                                   'maya.asks@form.example', 'second@form.example']) e
               ON CONFLICT DO NOTHING RETURNING id)
  SELECT * FROM ins;
SELECT is((SELECT count(*) FROM again), 0::bigint, 'a no-op sync inserts nothing (the normalized email is the key)');
SELECT throws_ok($$INSERT INTO leadroute.leads (email) VALUES ('copy.one@ingest-co.example') ON CONFLICT (lower(email)) DO NOTHING$$,
                 '42501', NULL, 'a conflict target needs SELECT on the key: refused (use ON CONFLICT DO NOTHING)');

SELECT throws_ok($$SET leadroute.trace = 'off'$$, '42501', NULL, 'the ingest role cannot switch the trace off');
SELECT throws_ok($$UPDATE leadroute.leads SET company = 'x'$$, '42501', NULL, 'the ingest role changes no lead');
SELECT throws_ok($$SELECT count(*) FROM leadroute.reps$$, '42501', NULL, 'and reads no configuration');
SELECT * FROM finish();
