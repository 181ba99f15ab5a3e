-- Normalization of stored leads; malformed emails still route.
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(10);
INSERT INTO leadroute.reps (id, name, email) VALUES (1, 'A', 'a@t.io');
INSERT INTO leadroute.rules (name, priority, condition, action, rep_id) VALUES ('all', 10, 'TRUE', 'rep', 1);

INSERT INTO leadroute.leads (id, email) VALUES (1, 'John@Sub.App.Acme.CO.UK');
SELECT results_eq($$SELECT email, email_domain, is_freemail FROM leadroute.leads WHERE id = 1$$,
                  $$VALUES ('john@sub.app.acme.co.uk'::text, 'acme.co.uk'::text, false)$$,
                  'email lower-cased, registrable domain by the public suffix list');
INSERT INTO leadroute.leads (id, email) VALUES (2, 'someone@GMAIL.com'), (3, 'x@gmai.com'), (4, 'x@mailinator.com');
SELECT is((SELECT array_agg(is_freemail ORDER BY id) FROM leadroute.leads WHERE id IN (2, 3, 4)),
          ARRAY[true, true, true], 'free-mail, typo and disposable domains are free-mail');

-- Malformed emails: no email_domain, is_freemail unknown, and the lead is still routed.
INSERT INTO leadroute.leads (id, email) VALUES (10, ''), (11, '@'), (12, 'a@'), (13, 'noatsign'), (14, repeat('x', 10240)),
  (15, repeat('y', 5000) || '@' || repeat('z', 5000) || '.com'), (16, 'a@@'), (17, '<>');
SELECT is((SELECT count(*) FROM leadroute.leads WHERE id BETWEEN 10 AND 17 AND email_domain IS NULL), 8::bigint,
          'malformed emails leave email_domain NULL');
SELECT is((SELECT count(*) FROM leadroute.leads WHERE id BETWEEN 10 AND 17 AND is_freemail IS NULL), 8::bigint,
          'and is_freemail unknown');
SELECT is((SELECT count(*) FROM leadroute.leads WHERE id BETWEEN 10 AND 17 AND status = 'assigned' AND owner_id = 1), 8::bigint,
          'and they are routed');
SELECT is((SELECT email FROM leadroute.leads WHERE id = 10), NULL, 'an empty email is stored as NULL');

-- Countries become ISO codes; unknown names are kept; text is trimmed.
INSERT INTO leadroute.leads (id, email, country, company) VALUES
  (20, 'a@b.com', 'United Kingdom', '  Acme  '), (21, 'a@b.com', 'Deutschland', 'Acme'), (22, 'a@b.com', 'Atlantis', 'Acme');
SELECT is((SELECT array_agg(country ORDER BY id) FROM leadroute.leads WHERE id IN (20, 21, 22)),
          ARRAY['GB', 'DE', 'Atlantis'], 'country names become ISO 3166 codes');
SELECT is((SELECT company FROM leadroute.leads WHERE id = 20), 'Acme', 'text inputs are trimmed');
-- A user can add a free-mail domain; it applies to the next lead.
INSERT INTO leadroute.freemail_domains (domain) VALUES ('corp-mail.example');
INSERT INTO leadroute.leads (id, email) VALUES (30, 'x@corp-mail.example');
SELECT is((SELECT is_freemail FROM leadroute.leads WHERE id = 30), true, 'a user-added free-mail domain applies at once');

\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
