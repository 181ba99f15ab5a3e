-- A routing failure never loses a lead: it is stored in queue routing_error with a WARNING,
-- unless leadroute.on_error = raise.
SET client_min_messages = warning;
TRUNCATE leadroute.leads, leadroute.decisions, leadroute.assignments, leadroute.pools,
         leadroute.reps RESTART IDENTITY CASCADE;
RESET client_min_messages;
INSERT INTO leadroute.reps (id, name, email) VALUES (1, 'Ana Lee', 'ana@example.com');
INSERT INTO leadroute.pools (id, name) VALUES (1, 'SDR');
INSERT INTO leadroute.pool_members VALUES (1, 1, 1);
INSERT INTO leadroute.rules (name, priority, condition, action, pool_id) VALUES ('All', 10, 'TRUE', 'pool', 1);
CREATE FUNCTION public.broken_enrichment(lead leadroute.leads) RETURNS leadroute.leads
  LANGUAGE plpgsql AS $$
BEGIN
  IF lead.company = 'boom' THEN
    RAISE EXCEPTION 'enrichment service unavailable for %', lead.email;
  END IF;
  lead.industry := 'software';
  RETURN lead;
END $$;
SET leadroute.enrichment_function = 'public.broken_enrichment';
INSERT INTO leadroute.leads (email, company) VALUES ('a@acme.com', 'Acme'), ('b@boom.com', 'boom')
RETURNING id, industry, status, owner_id, queue;
SELECT lead_id, status, queue, fallback, error FROM leadroute.decisions ORDER BY lead_id;
SELECT regexp_replace(leadroute.explain(2), '\d{4}-\d\d-\d\d [0-9:]+ \w+ in \d+ µs', '<time>') AS explain;
-- The lead in routing_error is routed again once the cause is fixed.
RESET leadroute.enrichment_function;
SELECT leadroute.reroute(2) ->> 'status' AS status;
SELECT id, status, owner_id, queue FROM leadroute.leads ORDER BY id;
-- on_error = raise makes the INSERT fail instead.
SET leadroute.enrichment_function = 'public.broken_enrichment';
SET leadroute.on_error = raise;
INSERT INTO leadroute.leads (email, company) VALUES ('c@boom.com', 'boom');
RESET leadroute.on_error;
-- A missing enrichment function is a routing error too.
SET leadroute.enrichment_function = 'public.no_such_function';
INSERT INTO leadroute.leads (email) VALUES ('d@acme.com') RETURNING status, queue;
RESET leadroute.enrichment_function;
-- With routing switched off, leads wait in the default queue, counted as fallback.
SET leadroute.enabled = off;
INSERT INTO leadroute.leads (email) VALUES ('e@acme.com') RETURNING status, owner_id, queue, routing_model;
RESET leadroute.enabled;
-- A row that the extension owner (here a superuser) inserts already routed is stored as is, with
-- one decision of kind imported (a pg_dump restore brings its own decisions and records none).
INSERT INTO leadroute.leads (email, status, owner_id, routed_at)
VALUES ('F@Imported.COM', 'assigned', 1, '2025-01-01') RETURNING email, status, owner_id, email_domain;
SELECT d.kind, d.owner_id, d.decided_at = l.routed_at AS at_routed_at FROM leadroute.decisions d JOIN leadroute.leads l ON l.id = d.lead_id WHERE l.email = 'F@Imported.COM';
-- A lead always ends with an owner or a queue: the table says so too.
\set VERBOSITY terse
INSERT INTO leadroute.leads (email, status, routed_at) VALUES ('g@x.com', 'queued', now());
\set VERBOSITY default
DROP FUNCTION public.broken_enrichment(leadroute.leads);
DELETE FROM leadroute.rules; DELETE FROM leadroute.pools;
SELECT count(*) AS turn_counters_left FROM pg_class WHERE relname LIKE '\_pool\_turns\_%';
