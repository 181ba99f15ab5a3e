-- Five years of routing history for the metric views (issue 6): :leads leads with their decisions
-- and assignments, as the engine would have written them. Deterministic (setseed). Loaded with
-- triggers off (session_replication_role = replica): this is history, not routing.
--   psql -v leads=1000000 -f bench/metrics_seed.sql
\set ON_ERROR_STOP on
SELECT setseed(0.42) \g /dev/null
INSERT INTO leadroute.reps (id, name, email, max_open_leads, manager_id)
SELECT g, 'Rep ' || g, 'rep' || g || '@corp.example', 60, CASE WHEN g > 4 THEN 1 + g % 4 END
  FROM generate_series(1, 40) g;
INSERT INTO leadroute.pools (id, name) VALUES (1, 'NA SDR'), (2, 'EMEA SDR'), (3, 'Enterprise AE'), (4, 'APAC SDR');
INSERT INTO leadroute.pool_members (pool_id, rep_id) SELECT 1 + g % 4, g FROM generate_series(5, 40) g;
INSERT INTO leadroute.rules (id, name, priority, condition, action, pool_id, queue) VALUES
  (1, 'Enterprise', 10, 'employees >= 1000', 'pool', 3, NULL),
  (2, 'North America', 20, $$country IN ('US', 'CA')$$, 'pool', 1, NULL),
  (3, 'EMEA', 30, $$country IN ('GB', 'DE', 'FR', 'NL', 'SE')$$, 'pool', 2, NULL),
  (4, 'APAC', 40, $$country IN ('JP', 'AU', 'SG', 'IN')$$, 'pool', 4, NULL),
  (5, 'Partners', 50, $$source = 'partner'$$, 'queue', NULL, 'partners'),
  (6, 'Everything else', 1000, 'TRUE', 'pool', 1, NULL);
SELECT setval(pg_get_serial_sequence('leadroute.rules', 'id'), 6),
       setval(pg_get_serial_sequence('leadroute.pools', 'id'), 4),
       setval(pg_get_serial_sequence('leadroute.reps', 'id'), 40) \g /dev/null

SET session_replication_role = replica;
SET synchronous_commit = off;
-- One row per lead with everything drawn up front; growth: more leads in recent years. Ids
-- follow capture time, as they do when leads arrive.
CREATE TEMP TABLE seed AS
SELECT row_number() OVER (ORDER BY captured_at) AS id, *
  FROM (SELECT now() - interval '5 years' * (1 - sqrt(random())) AS captured_at,
       (ARRAY['demo_request', 'pricing_page', 'webinar', 'content', 'web', 'web', 'partner', 'trial'])[1 + floor(random() * 8)::int] AS source,
       (ARRAY['US', 'US', 'CA', 'GB', 'DE', 'FR', 'JP', 'AU', 'BR', 'IN'])[1 + floor(random() * 10)::int] AS country,
       (random() * random() * 5000)::int AS employees,
       random() AS r_route, random() AS r_delay, random() AS r_contact, random() AS r_outcome,
       random() AS r_manual, random() AS r_rep, random() AS r_dur
  FROM generate_series(1, :leads) g) s;
CREATE TEMP TABLE placed AS
SELECT s.*,
       CASE WHEN s.source = 'partner' THEN 5 WHEN s.employees >= 1000 THEN 1
            WHEN s.country IN ('US', 'CA') THEN 2 WHEN s.country IN ('GB', 'DE', 'FR') THEN 3
            WHEN s.country IN ('JP', 'AU', 'IN') THEN 4 ELSE 6 END AS rule_id,
       CASE WHEN s.source IN ('demo_request', 'pricing_page') THEN 1
            WHEN s.source IN ('webinar', 'content', 'trial') AND s.r_outcome < 0.4 THEN 2 ELSE 3 END AS sla_policy_id,
       s.captured_at + interval '1 millisecond' * (20 + 400 * s.r_delay) AS routed_at
  FROM seed s;
CREATE TEMP TABLE facts AS
SELECT p.*,
       CASE p.rule_id WHEN 1 THEN 3 WHEN 2 THEN 1 WHEN 3 THEN 2 WHEN 4 THEN 4 WHEN 6 THEN 1 END AS pool_id,
       p.rule_id = 6 AS fallback,
       p.rule_id = 5 OR p.r_route < 0.03 AS queued,                  -- partners and the default queue
       CASE WHEN p.rule_id = 5 THEN NULL
            ELSE (CASE p.rule_id WHEN 1 THEN 3 WHEN 2 THEN 1 WHEN 3 THEN 2 WHEN 4 THEN 4 ELSE 1 END)
                 + 4 * floor(p.r_rep * 9)::int + 4 END AS rep_id,
       CASE p.sla_policy_id WHEN 1 THEN 5 WHEN 2 THEN 15 ELSE 60 END AS sla_minutes
  FROM placed p;
UPDATE facts SET rep_id = NULL WHERE queued;
UPDATE facts SET rep_id = 5 + (rep_id - 5) % 36 WHERE rep_id > 40;

INSERT INTO leadroute.leads (id, email, company, country, employees, source, captured_at, email_domain,
                             is_freemail, owner_id, status, queue, rule_id, pool_id, routing_model,
                             routed_at, sla_due_at, sla_policy_id, first_contact_at, converted_at)
SELECT f.id, 'lead' || f.id || '@company' || (f.id % 50000) || '.example', 'Company ' || (f.id % 50000),
       f.country, f.employees, f.source, f.captured_at, 'company' || (f.id % 50000) || '.example', false,
       f.rep_id,
       CASE WHEN f.rep_id IS NULL THEN 'queued'
            WHEN f.captured_at > now() - interval '2 days' AND f.r_contact < 0.5 THEN 'assigned'
            WHEN f.r_outcome < 0.09 THEN 'converted' WHEN f.r_outcome < 0.5 THEN 'lost'
            WHEN f.r_outcome < 0.6 THEN 'disqualified'
            WHEN f.captured_at < now() - interval '45 days' THEN 'lost' ELSE 'contacted' END,
       CASE WHEN f.rep_id IS NULL THEN CASE WHEN f.rule_id = 5 THEN 'partners' ELSE 'unrouted' END END,
       CASE WHEN f.rep_id IS NULL AND f.rule_id <> 5 THEN NULL ELSE f.rule_id END,
       CASE WHEN f.rep_id IS NOT NULL THEN f.pool_id END,
       CASE WHEN f.rep_id IS NULL THEN CASE WHEN f.rule_id = 5 THEN 'queue' ELSE 'fallback' END
            WHEN f.rule_id = 1 THEN 'round_robin' ELSE 'weighted_round_robin' END,
       f.routed_at,
       CASE WHEN f.rep_id IS NOT NULL THEN f.routed_at + f.sla_minutes * interval '1 minute' END,
       CASE WHEN f.rep_id IS NOT NULL THEN f.sla_policy_id END,
       CASE WHEN f.rep_id IS NOT NULL AND NOT (f.captured_at > now() - interval '2 days' AND f.r_contact < 0.5)
            THEN f.routed_at + f.sla_minutes * interval '1 minute' * (0.1 + 1.6 * f.r_contact ^ 2) END,
       CASE WHEN f.rep_id IS NOT NULL AND f.r_outcome < 0.09 AND NOT (f.captured_at > now() - interval '2 days' AND f.r_contact < 0.5)
            THEN f.routed_at + interval '20 days' * f.r_contact END
  FROM facts f ORDER BY f.id;
INSERT INTO leadroute.decisions (lead_id, decided_at, kind, status, rule_id, pool_id, routing_model, owner_id,
                                 queue, fallback, trace, duration_us)
SELECT l.id, l.routed_at, 'routed', CASE WHEN l.owner_id IS NULL THEN 'queued' ELSE 'assigned' END, l.rule_id,
       l.pool_id, l.routing_model, l.owner_id, l.queue, coalesce(l.queue = 'unrouted', false) OR coalesce(l.rule_id = 6, false), NULL,
       (8 + 40 * f.r_dur * f.r_dur)::int
  FROM leadroute.leads l JOIN facts f USING (id) ORDER BY l.id;
INSERT INTO leadroute.assignments (lead_id, rep_id, queue, reason, rule_id, pool_id, assigned_at, assigned_by,
                                   sla_due_at, sla_policy_id)
SELECT l.id, l.owner_id, l.queue, 'routed', l.rule_id, l.pool_id, l.routed_at, 'ingest', l.sla_due_at, l.sla_policy_id
  FROM leadroute.leads l ORDER BY l.id;
-- About 8 % of leads change owner by hand, half of them within 48 hours of routing.
INSERT INTO leadroute.assignments (lead_id, rep_id, reason, assigned_at, assigned_by)
SELECT l.id, 5 + (l.owner_id + 7) % 36, 'manual',
       l.routed_at + CASE WHEN f.r_manual < 0.04 THEN interval '30 hours' * f.r_dur ELSE interval '3 days' + interval '20 days' * f.r_dur END,
       'revops'
  FROM leadroute.leads l JOIN facts f USING (id)
 WHERE l.owner_id IS NOT NULL AND f.r_manual < 0.08 ORDER BY l.id;
UPDATE leadroute.leads l SET owner_id = a.rep_id
  FROM leadroute.assignments a WHERE a.lead_id = l.id AND a.reason = 'manual';
SELECT setval(pg_get_serial_sequence('leadroute.leads', 'id'), :leads) \g /dev/null
RESET session_replication_role;
VACUUM ANALYZE leadroute.leads;
VACUUM ANALYZE leadroute.decisions;
VACUUM ANALYZE leadroute.assignments;
