-- A small sales organization: North America and EMEA SDR teams, an enterprise AE pool, a DACH
-- territory owner, a partner desk and a nurture track.
\set ON_ERROR_STOP on
INSERT INTO leadroute.reps (id, name, email, timezone, max_open_leads) VALUES
  (1, 'Maya Chen',      'maya.chen@example.com',      'America/New_York',    40),
  (2, 'Diego Alvarez',  'diego.alvarez@example.com',  'America/Chicago',     40),
  (3, 'Priya Nair',     'priya.nair@example.com',     'America/Los_Angeles', 40),
  (4, 'Sam Okafor',     'sam.okafor@example.com',     'America/Chicago',     20),
  (5, 'Claire Dubois',  'claire.dubois@example.com',  'Europe/Paris',        40),
  (6, 'Oliver Hughes',  'oliver.hughes@example.com',  'Europe/London',       40),
  (7, 'Jonas Becker',   'jonas.becker@example.com',   'Europe/Berlin',       30),
  (8, 'Rachel Stein',   'rachel.stein@example.com',   'America/New_York',    25),
  (9, 'Tom Whitaker',   'tom.whitaker@example.com',   'America/New_York',    25),
  (10, 'Grace Liu',     'grace.liu@example.com',      'America/New_York',    NULL);
SELECT setval(pg_get_serial_sequence('leadroute.reps', 'id'), 10) \g /dev/null
UPDATE leadroute.reps SET manager_id = 8 WHERE id IN (1, 2, 3, 4);
UPDATE leadroute.reps SET backup_id = 5 WHERE id = 7;   -- Claire covers DACH when Jonas is out
UPDATE leadroute.reps SET active = false WHERE id = 6;  -- Oliver is on leave: no new leads

INSERT INTO leadroute.pools (id, name, description) VALUES
  (1, 'NA SDR',        'North America inbound; Sam is ramping at half volume'),
  (2, 'EMEA SDR',      'UK, France, Benelux, Nordics, Southern Europe'),
  (3, 'Enterprise AE', 'Demo and pricing requests from companies with 1,000+ employees');
SELECT setval(pg_get_serial_sequence('leadroute.pools', 'id'), 3) \g /dev/null
INSERT INTO leadroute.pool_members (pool_id, rep_id, weight) VALUES
  (1, 1, 1), (1, 2, 1), (1, 3, 1), (1, 4, 0.5),
  (2, 5, 1), (2, 6, 1),
  (3, 8, 1), (3, 9, 1);

-- Existing customers and target accounts, as a CRM sync would write them. Domains may be written
-- as URLs or emails: they are stored as registrable domains.
INSERT INTO leadroute.accounts (name, domain, website, owner_id, csm_id, status) VALUES
  ('Northwind Traders Inc.',  'northwind-traders.com', NULL,                       8, 10, 'customer'),
  ('Alpenbank AG',            NULL,                    'https://www.alpenbank.ch/', 7, 10, 'customer'),
  ('Acme Health Corporation', 'acme-health.com',       NULL,                       9, NULL, 'prospect'),
  ('BrightPath',              'brightpath.com',        NULL,                       1, NULL, 'prospect'),
  ('Kaizen Robotics K.K.',    'kaizen-robotics.jp',    NULL,                       9, NULL, 'prospect'),
  ('Hale & Sons',             NULL,                    NULL,                       4, NULL, 'prospect');

INSERT INTO leadroute.rules (priority, name, condition, action, rep_id, pool_id, queue, rationale) VALUES
  (5, 'Existing customers to their CSM', $$account_status = 'customer'$$, 'account_csm', NULL, NULL, NULL,
       'Customers get the person who knows them, not a new-business SDR'),
  (6, 'Known accounts to their owner', 'account_id IS NOT NULL', 'account_owner', NULL, NULL, NULL,
       'Ownership continuity for target accounts'),
  (10, 'Students and free-mail to nurture',
       $$email_domain LIKE '%.edu' OR (is_freemail AND source NOT IN ('demo_request', 'pricing_page'))$$,
       'nurture', NULL, NULL, 'newsletter',
       'Not sales-ready: no company behind the address'),
  (20, 'Partner referrals', $$source = 'partner'$$, 'queue', NULL, NULL, 'partner_desk',
       'The partner team qualifies referrals before sales sees them'),
  (30, 'Enterprise demo and pricing requests',
       $$employees >= 1000 AND source IN ('demo_request', 'pricing_page')$$,
       'pool', NULL, 3, NULL, 'High intent from large companies goes straight to AEs'),
  (40, 'DACH territory', $$country IN ('DE', 'AT', 'CH')$$, 'rep', 7, NULL, NULL,
       'Jonas owns German-speaking Europe'),
  (50, 'EMEA inbound', $$country IN ('GB', 'IE', 'FR', 'BE', 'NL', 'LU', 'ES', 'PT', 'IT', 'SE', 'NO', 'DK', 'FI')$$,
       'pool', NULL, 2, NULL, NULL),
  (60, 'North America inbound', $$country IN ('US', 'CA')$$, 'pool', NULL, 1, NULL, NULL),
  (1000, 'Everything else', 'TRUE', 'pool', NULL, 1, NULL,
       'Catch-all: nothing is left unrouted; counted as fallback');
