-- Routing as a user sees it: rules in priority order, pools, named reps, queues, nurture,
-- the default queue, and explain() for each outcome.
SET client_min_messages = warning;
TRUNCATE leadroute.leads, leadroute.decisions, leadroute.assignments, leadroute.pools,
         leadroute.reps RESTART IDENTITY CASCADE;
RESET client_min_messages;
CREATE FUNCTION pg_temp.explain(lead bigint) RETURNS SETOF text LANGUAGE sql AS $$
  -- times vary from run to run
  SELECT regexp_replace(regexp_replace(line, '\d{4}-\d\d-\d\d [0-9:.+-]+', '<time>', 'g'),
                        'in \d+ µs', 'in <n> µs')
    FROM regexp_split_to_table(leadroute.explain(lead), '\n') AS line
$$;
INSERT INTO leadroute.reps (id, name, email, backup_id) VALUES
  (1, 'Ana Lee',   'ana@example.com', NULL),
  (2, 'Ben Ortiz', 'ben@example.com', NULL),
  (3, 'Cy Park',   'cy@example.com',  NULL),
  (4, 'Dana Kim',  'dana@example.com', NULL),
  (5, 'Eli Moss',  'eli@example.com', 4);
INSERT INTO leadroute.pools (id, name) VALUES (1, 'SDR team'), (2, 'Empty');
INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (1, 1), (1, 2), (1, 3);
INSERT INTO leadroute.rules (id, name, priority, condition, action, rep_id, pool_id, queue, rationale) VALUES
  (1, 'Students',        10, $$email_domain LIKE '%.edu'$$,                    'nurture', NULL, NULL, 'edu', 'not buyers'),
  (2, 'Partners',        20, $$source = 'partner'$$,                           'queue',   NULL, NULL, 'partner_desk', NULL),
  (3, 'Enterprise DACH', 30, $$country IN ('DE','AT','CH') AND employees >= 1000$$, 'rep', 5, NULL, NULL, 'Eli owns DACH enterprise'),
  (4, 'APAC',            40, $$country IN ('JP','SG','AU')$$,                  'pool',    NULL, 2,    NULL, NULL),
  (5, 'Inbound',         50, $$NOT is_freemail$$,                              'pool',    NULL, 1,    NULL, NULL);
INSERT INTO leadroute.leads (email, company, country, employees, source) VALUES
  ('  Jane.Doe@Acme.COM ', 'Acme', 'United States', 200, 'demo_request'),
  ('bob@globex.com', 'Globex', 'US', 50, 'webinar'),
  ('kim@initech.com', 'Initech', 'us', 80, 'content'),
  ('lee@hooli.com', 'Hooli', 'USA', 30, 'content'),
  ('max@student.uni.edu', NULL, 'US', NULL, 'content'),
  ('pat@partnerco.com', 'PartnerCo', 'GB', 10, 'partner'),
  ('hans@siemens.de', 'Siemens', 'Deutschland', 5000, 'demo_request'),
  ('yuki@toyota.jp', 'Toyota', 'Japan', 9000, 'demo_request'),
  ('someone@gmail.com', NULL, 'US', NULL, 'content'),
  ('', '', '', NULL, NULL);
SELECT id, email, email_domain, is_freemail, country, company, status, owner_id, queue, rule_id, routing_model
  FROM leadroute.leads ORDER BY id;
SELECT lead_id, kind, status, owner_id, queue, rule_id, routing_model, fallback, trace IS NOT NULL AS traced
  FROM leadroute.decisions ORDER BY lead_id;
SELECT lead_id, rep_id, reason, rule_id FROM leadroute.assignments ORDER BY lead_id;
SELECT * FROM pg_temp.explain(1);
SELECT * FROM pg_temp.explain(7);
SELECT * FROM pg_temp.explain(8);
SELECT * FROM pg_temp.explain(9);
SELECT * FROM pg_temp.explain(5);
-- Eli (rep 5) leaves: his backup Dana takes the DACH lead; without a backup, the default queue.
UPDATE leadroute.reps SET active = false WHERE id = 5;
INSERT INTO leadroute.leads (email, country, employees) VALUES ('anna@bosch.de', 'DE', 4000) RETURNING id, owner_id, status, queue;
SELECT * FROM pg_temp.explain(11);
UPDATE leadroute.reps SET active = false WHERE id = 4;
INSERT INTO leadroute.leads (email, country, employees) VALUES ('otto@sap.de', 'DE', 4000) RETURNING id, owner_id, status, queue, rule_id, routing_model;
SELECT * FROM pg_temp.explain(12);
-- An inactive pool member leaves the rotation.
UPDATE leadroute.reps SET active = false WHERE id = 2;
INSERT INTO leadroute.leads (email) SELECT 'x' || g || '@corp' || g || '.com' FROM generate_series(1, 4) g RETURNING owner_id;
SELECT * FROM pg_temp.explain(16);
-- preview() decides without storing anything or moving a rotation.
SELECT leadroute.preview('{"email": "ceo@newco.io", "country": "US", "employees": 120}') - 'trace' - 'sla_due_at' AS preview;
SELECT leadroute.preview('{"email": "ceo@newco.io", "country": "US", "employees": 120}') - 'trace' - 'sla_due_at' AS same_again;
SELECT jsonb_pretty(leadroute.preview('{"email": "x@y.de", "country": "DE", "employees": 2000}') -> 'trace');
SELECT leadroute.preview('{"email": "ceo@newco.io", "contry": "US"}');
SELECT leadroute.preview('{"employees": "many"}');
SELECT leadroute.preview('[1, 2]');
SELECT count(*) AS leads_stored FROM leadroute.leads;
-- reroute() routes a stored lead again, e.g. after the config changed.
UPDATE leadroute.reps SET active = true WHERE id IN (4, 5);
SELECT leadroute.reroute(12) - 'trace' - 'sla_due_at' AS rerouted;
SELECT lead_id, kind, owner_id, rule_id FROM leadroute.decisions WHERE lead_id = 12 ORDER BY id;
SELECT lead_id, rep_id, reason FROM leadroute.assignments WHERE lead_id = 12 ORDER BY id;
SELECT * FROM pg_temp.explain(12);
UPDATE leadroute.leads SET status = 'converted' WHERE id = 12;
SELECT leadroute.reroute(12);
SELECT leadroute.reroute(999);
SELECT leadroute.explain(999);
