-- The invariant every test layer ends with (issue 13): prints "ok", or what is broken.
--   every lead has exactly one routing decision (kind routed, or imported for history);
--   every decision, shadow decision, assignment and notification points at an existing lead;
--   every lead has an owner or a queue (or is nurture).
-- Defines pg_temp.leadroute_invariant(); run as a superuser:
--   psql -XAtq -d DB -f test/invariant.sql -c 'SELECT pg_temp.leadroute_invariant()'
-- (pgTAP files: test/pgtap/99_invariant.sql.inc).
CREATE OR REPLACE FUNCTION pg_temp.leadroute_invariant() RETURNS text LANGUAGE sql AS $invariant$
WITH problems(what, n) AS (
  SELECT 'leads without exactly one routed/imported decision',
         (SELECT count(*) FROM leadroute.leads l
           WHERE (SELECT count(*) FROM leadroute.decisions d
                   WHERE d.lead_id = l.id AND d.kind IN ('routed', 'imported')) <> 1)
  UNION ALL
  SELECT 'decisions of a missing lead',
         (SELECT count(*) FROM leadroute.decisions d
           WHERE NOT EXISTS (SELECT FROM leadroute.leads l WHERE l.id = d.lead_id))
  UNION ALL
  SELECT 'shadow decisions of a missing lead',
         (SELECT count(*) FROM leadroute.shadow_decisions d
           WHERE NOT EXISTS (SELECT FROM leadroute.leads l WHERE l.id = d.lead_id))
  UNION ALL
  SELECT 'assignments of a missing lead',
         (SELECT count(*) FROM leadroute.assignments a
           WHERE NOT EXISTS (SELECT FROM leadroute.leads l WHERE l.id = a.lead_id))
  UNION ALL
  SELECT 'notifications of a missing lead',
         (SELECT count(*) FROM leadroute.notifications n
           WHERE NOT EXISTS (SELECT FROM leadroute.leads l WHERE l.id = n.lead_id))
  UNION ALL
  SELECT 'leads with neither owner nor queue',
         (SELECT count(*) FROM leadroute.leads
           WHERE owner_id IS NULL AND queue IS NULL AND status <> 'nurture')
)
SELECT coalesce(string_agg(what || ': ' || n, '; '), 'ok') FROM problems WHERE n > 0
$invariant$;
