-- Lead-to-account matching and account-owner routing (docs/architecture.md).
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(31);

INSERT INTO leadroute.reps (id, name, email) VALUES
  (1, 'Dana', 'dana@t.io'), (2, 'Lee', 'lee@t.io'), (3, 'Cass', 'cass@t.io'), (4, 'Pat', 'pat@t.io'), (5, 'Sam', 'sam@t.io');
INSERT INTO leadroute.pools (id, name) VALUES (1, 'SDR');
INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (1, 4), (1, 5);
INSERT INTO leadroute.accounts (id, name, domain, website, owner_id, csm_id, status, parent_id) VALUES
  (1, 'Acme, Inc.',        'https://www.Acme.com/about', NULL, 1, 3,    'customer', NULL),
  (2, 'Acme Labs',         'acme.com',                   NULL, 2, NULL, 'prospect', NULL),
  (3, 'Globex Corporation', NULL, 'http://www.globex.co.uk/', 2, NULL, 'prospect', NULL),
  (4, 'Initech GmbH',      'initech.com',                NULL, 1, NULL, 'prospect', NULL),
  (5, 'Initech UK Ltd',    'initech.com',                NULL, 2, NULL, 'prospect', 4),
  (6, 'Umbrella',          'umbrella.io',                NULL, 2, NULL, 'prospect', NULL),
  (7, 'Foo Pages',         'foo.github.io',              NULL, 1, NULL, 'prospect', NULL);
INSERT INTO leadroute.account_domains (domain, account_id) VALUES ('initech.de', 4), ('JOHN@umbrella-eu.com', 6);

-- Stored normalized
SELECT results_eq($$SELECT domain, website_domain, name_normalized FROM leadroute.accounts WHERE id IN (1, 3) ORDER BY id$$,
                  $$VALUES ('acme.com'::text, NULL::text, 'acme'::text), (NULL, 'globex.co.uk', 'globex')$$,
                  'account domains and websites are stored as registrable domains, names normalized');
SELECT is((SELECT domain FROM leadroute.account_domains WHERE account_id = 6), 'umbrella-eu.com', 'extra domains are normalized too');
SELECT throws_ok($$INSERT INTO leadroute.accounts (name, domain) VALUES ('X', 'co.uk')$$, '22023',
                 'domain "co.uk" of account "X" is a public suffix (like co.uk or com), not a company''s domain',
                 'a bare public suffix is rejected with a clear error');
SELECT throws_ok($$INSERT INTO leadroute.accounts (name, domain) VALUES ('X', '192.168.0.1')$$, '22023',
                 'domain "192.168.0.1" of account "X" is an IP address, not a domain', 'an IP address is rejected');
SELECT throws_ok($$INSERT INTO leadroute.account_domains VALUES ('', 1)$$, '23502', NULL, 'an empty extra domain is rejected');
SELECT throws_ok($$UPDATE leadroute.accounts SET website = 'not a url' WHERE id = 1$$, '22023', NULL, 'an update is checked as well');

INSERT INTO leadroute.rules (id, name, priority, condition, action, pool_id, queue) VALUES
  (1, 'customers to their CSM', 10, $$account_status = 'customer'$$, 'account_csm', NULL, NULL),
  (2, 'matched to the owner',   20, 'account_id IS NOT NULL',        'account_owner', NULL, NULL),
  (3, 'US to the SDR pool',     30, $$country = 'US'$$,               'pool', 1, NULL);

-- Tier 1: email domain, as registrable domains
INSERT INTO leadroute.leads (id, email) VALUES (1, 'john@eu.acme.com'), (2, 'mary@ACME.com');
SELECT results_eq($$SELECT account_id, match_tier FROM leadroute.leads WHERE id IN (1, 2) ORDER BY id$$,
                  $$VALUES (1::bigint, 'email_domain'::text), (1, 'email_domain')$$,
                  'john@eu.acme.com and mary@ACME.com both match acme.com');
SELECT is((SELECT owner_id FROM leadroute.leads WHERE id = 1), 3::bigint, 'an existing customer goes to the CSM');
SELECT is((SELECT routing_model FROM leadroute.leads WHERE id = 1), 'account', 'routing model account');
INSERT INTO leadroute.leads (id, email) VALUES (3, 'x@acme.co.uk');
SELECT is((SELECT account_id FROM leadroute.leads WHERE id = 3), NULL::bigint, 'acme.co.uk is not acme.com');
INSERT INTO leadroute.leads (id, email) VALUES (4, 'x@bar.github.io'), (5, 'x@foo.github.io');
SELECT is((SELECT array_agg(account_id ORDER BY id) FROM leadroute.leads WHERE id IN (4, 5)), ARRAY[NULL, 7]::bigint[],
          'foo.github.io is its own registrable domain (private section of the list)');
INSERT INTO leadroute.leads (id, email) VALUES (6, 'y@initech.de'), (7, 'z@umbrella-eu.com');
SELECT is((SELECT array_agg(account_id ORDER BY id) FROM leadroute.leads WHERE id IN (6, 7)), ARRAY[4, 6]::bigint[],
          'extra domains (subsidiaries, country domains) match');

-- Tier 2: website, normalized the same way
INSERT INTO leadroute.leads (id, email, website) VALUES (8, 'a@nomatch.com', 'HTTPS://https://WWW.Globex.CO.UK:443/en/?q=1#top ');
SELECT results_eq($$SELECT account_id, match_tier, owner_id FROM leadroute.leads WHERE id = 8$$,
                  $$VALUES (3::bigint, 'website'::text, 2::bigint)$$, 'a messy website matches by its domain');

-- Tier 3: normalized company name
INSERT INTO leadroute.leads (id, email, company) VALUES (9, 'b@nomatch.com', 'GLOBEX corp.'), (10, 'c@nomatch.com', 'Macmedia');
SELECT results_eq($$SELECT account_id, match_tier FROM leadroute.leads WHERE id = 9$$,
                  $$VALUES (3::bigint, 'company'::text)$$, 'GLOBEX corp. matches Globex Corporation by name');
SELECT is((SELECT account_id FROM leadroute.leads WHERE id = 10), NULL::bigint, 'no substring false positives');

-- Free-mail never matches by domain; it may match by company name.
INSERT INTO leadroute.accounts (id, name, domain, owner_id) VALUES (8, 'Gmail fan club', 'gmail.com', 1);
INSERT INTO leadroute.leads (id, email, company) VALUES (11, 'someone@gmail.com', NULL), (12, 'ceo@gmail.com', 'Initech');
SELECT is((SELECT account_id FROM leadroute.leads WHERE id = 11), NULL::bigint, 'a free-mail lead never matches by domain');
SELECT results_eq($$SELECT account_id, match_tier FROM leadroute.leads WHERE id = 12$$,
                  $$VALUES (4::bigint, 'company'::text)$$, 'a free-mail lead may match by company name');
INSERT INTO leadroute.leads (id, email, website) VALUES (13, 'x@nomatch.com', 'https://gmail.com');
SELECT is((SELECT account_id FROM leadroute.leads WHERE id = 13), NULL::bigint, 'nor by a free-mail website');

-- Tie-break: customers before prospects, then the parent, then the oldest; recorded in the trace.
SELECT is((SELECT account_id FROM leadroute.leads WHERE id = 1), 1::bigint, 'acme.com: the customer wins over the prospect');
INSERT INTO leadroute.leads (id, email) VALUES (14, 'x@initech.com'), (15, 'y@initech.com');
SELECT is((SELECT array_agg(account_id ORDER BY id) FROM leadroute.leads WHERE id IN (14, 15)), ARRAY[4, 4]::bigint[],
          'initech.com: the parent wins over its subsidiary, every time');
SELECT matches((SELECT trace->'account'->>'tie_break' FROM leadroute.decisions WHERE lead_id = 14),
               '2 accounts match; picked the parent account', 'the tie-break is in the trace');
SELECT matches(leadroute.explain(14), 'Account: "Initech GmbH" \(account 4, prospect\), matched by email_domain initech.com; 2 accounts match',
               'and in explain');

-- Fall-through: no match, an owner who left → the next rule, with the reason.
UPDATE leadroute.reps SET active = false WHERE id = 2;
INSERT INTO leadroute.leads (id, email, country) VALUES (16, 'x@umbrella.io', 'US');
SELECT results_eq($$SELECT account_id, rule_id, owner_id IN (4, 5) FROM leadroute.leads WHERE id = 16$$,
                  $$VALUES (6::bigint, 3::bigint, true)$$, 'an inactive owner: the next rule places the lead');
SELECT matches(leadroute.explain(16), 'account Umbrella is owned by Lee, who is inactive; next rule',
               'explain says whose account and why it fell through');
INSERT INTO leadroute.leads (id, email, country) VALUES (17, 'x@nomatch.com', 'US');
SELECT is((SELECT rule_id FROM leadroute.leads WHERE id = 17), 3::bigint, 'no account: the account rules fall through');

-- Derived fields in conditions
INSERT INTO leadroute.rules (id, name, priority, condition, action, queue) VALUES
  (4, 'by tier', 5, $$match_tier = 'website' AND account_owner_id = 2$$, 'queue', 'website-tier');
INSERT INTO leadroute.leads (id, email, website) VALUES (18, 'q@nomatch.com', 'globex.co.uk');
SELECT is((SELECT queue FROM leadroute.leads WHERE id = 18), 'website-tier', 'match_tier and account_owner_id are usable in conditions');

-- Fuzzy: off by default, then on.
DELETE FROM leadroute.rules WHERE name = 'by tier';
INSERT INTO leadroute.leads (id, email, company) VALUES (19, 'f@nomatch.com', 'Globexx Corp');
SELECT is((SELECT account_id FROM leadroute.leads WHERE id = 19), NULL::bigint, 'fuzzy matching is off by default');
SET LOCAL leadroute.fuzzy_match_threshold = 0.5;
INSERT INTO leadroute.leads (id, email, company) VALUES (20, 'f@nomatch.com', 'Globexx Corp'), (21, 'g@nomatch.com', 'Zzyzx');
SELECT results_eq($$SELECT account_id, match_tier FROM leadroute.leads WHERE id IN (20, 21) ORDER BY id$$,
                  $$VALUES (3::bigint, 'fuzzy'::text), (NULL, NULL)$$, 'fuzzy matching above the threshold');

-- normalize_company() as SQL
SELECT is(leadroute.normalize_company('Acme, Inc.'), leadroute.normalize_company('ACME Incorporated'), 'normalize_company: Inc = Incorporated');
SELECT is(leadroute.preview('{"email": "z@acme.com"}') ->> 'match_tier', 'email_domain', 'preview reports the match');

\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
