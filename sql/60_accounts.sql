-- Lead-to-account matching as a user sees it: normalized account domains, rejected rows, the
-- hybrid pattern (customer → CSM, matched → owner, else a pool), and explain().
SET client_min_messages = warning;
TRUNCATE leadroute.leads, leadroute.decisions, leadroute.assignments, leadroute.pools,
         leadroute.reps RESTART IDENTITY CASCADE;
RESET client_min_messages;
CREATE FUNCTION pg_temp.explain(lead bigint) RETURNS SETOF text LANGUAGE sql AS $$
  SELECT regexp_replace(regexp_replace(line, '\d{4}-\d\d-\d\d [0-9:.+-]+', '<time>', 'g'),
                        'in \d+ µs', 'in <n> µs')
    FROM regexp_split_to_table(leadroute.explain(lead), '\n') AS line
$$;
SELECT name, leadroute.normalize_company(name) AS normalized
  FROM (VALUES ('Acme, Inc.'), ('ACME Incorporated'), ('Acme Corp'), ('Macmedia'), ('The Coca-Cola Company'),
               ('Société Générale S.A.'), ('Fiat S.p.A.'), ('Atlassian Pty Ltd'), ('Toyota K.K.'),
               ('Bosch GmbH & Co. KG'), ('Johnson & Johnson')) AS t(name);
INSERT INTO leadroute.reps (id, name, email) VALUES
  (1, 'Dana Whitfield', 'dana@example.com'), (2, 'Lee Park', 'lee@example.com'),
  (3, 'Cass Romero', 'cass@example.com'), (4, 'Pat Ng', 'pat@example.com');
INSERT INTO leadroute.pools (id, name) VALUES (1, 'Inbound SDR');
INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (1, 4);
INSERT INTO leadroute.accounts (id, name, domain, website, owner_id, csm_id, status) VALUES
  (1, 'Acme, Inc.', 'https://www.Acme.com/about', NULL, 1, 3, 'customer'),
  (2, 'Globex Corporation', NULL, 'www.globex.co.uk', 2, NULL, 'prospect'),
  (3, 'Initech GmbH', 'Initech.DE', NULL, 2, NULL, 'prospect');
INSERT INTO leadroute.account_domains (domain, account_id) VALUES ('initech-uk.co.uk', 3);
SELECT id, name, domain, website_domain, name_normalized, status FROM leadroute.accounts ORDER BY id;
-- Rows that cannot be normalized are rejected.
INSERT INTO leadroute.accounts (name, domain) VALUES ('Bad One', 'co.uk');
INSERT INTO leadroute.accounts (name, website) VALUES ('Bad Two', 'http://10.1.2.3/');
INSERT INTO leadroute.accounts (name, website) VALUES ('Bad Three', 'n/a');
INSERT INTO leadroute.account_domains (domain, account_id) VALUES ('com', 1);
-- The hybrid pattern of the routing guide, in plain rules.
INSERT INTO leadroute.rules (name, priority, condition, action, pool_id, rationale) VALUES
  ('Existing customers to their CSM', 10, $$account_status = 'customer'$$, 'account_csm', NULL, 'expansion and support stay with the CSM'),
  ('Known accounts to their owner',   20, 'account_id IS NOT NULL',        'account_owner', NULL, 'ownership continuity'),
  ('Everyone else to the SDRs',       30, 'TRUE',                          'pool', 1, NULL);
INSERT INTO leadroute.leads (email, company, website) VALUES
  ('john@eu.acme.com', NULL, NULL),
  ('cfo@globex.co.uk', NULL, NULL),
  ('pm@startup.io', 'Initech', NULL),
  ('x@gmail.com', NULL, 'https://www.initech-uk.co.uk/'),
  ('y@gmail.com', 'Acme', NULL),
  ('z@macmedia.com', 'Macmedia', NULL);
SELECT l.id, l.email, a.name AS account, l.match_tier, r.name AS owner, l.routing_model
  FROM leadroute.leads l
  LEFT JOIN leadroute.accounts a ON a.id = l.account_id
  LEFT JOIN leadroute.reps r ON r.id = l.owner_id
 ORDER BY l.id;
SELECT * FROM pg_temp.explain(1);
SELECT * FROM pg_temp.explain(4);
-- The owner leaves: the account rule falls through to the next rule, and explain says why.
UPDATE leadroute.reps SET active = false WHERE id = 2;
INSERT INTO leadroute.leads (email) VALUES ('ops@globex.co.uk');
SELECT * FROM pg_temp.explain(7);
SET client_min_messages = warning;
TRUNCATE leadroute.leads, leadroute.decisions, leadroute.assignments, leadroute.pools,
         leadroute.reps RESTART IDENTITY CASCADE;
RESET client_min_messages;
