-- What the demo prints: who got each lead and why, then the totals.
\pset footer off
\echo
\echo '== Who got each lead, by which rule =='
SELECT l.id,
       left(coalesce(l.email, '(none)'), 32) AS email,
       coalesce(a.name || ' (' || l.match_tier || ')', '') AS account,
       coalesce(l.country, '?') AS country,
       l.source,
       coalesce(r.name, 'queue: ' || l.queue) AS routed_to,
       coalesce(ru.name, '(default queue)') AS rule,
       l.routing_model AS model,
       d.duration_us AS "µs"
  FROM leadroute.leads l
  LEFT JOIN leadroute.reps r ON r.id = l.owner_id
  LEFT JOIN leadroute.rules ru ON ru.id = l.rule_id
  LEFT JOIN leadroute.accounts a ON a.id = l.account_id
  LEFT JOIN leadroute.decisions d ON d.lead_id = l.id
 ORDER BY l.id;
\echo '== Leads per rep and queue =='
SELECT coalesce(r.name, 'queue: ' || l.queue) AS destination, count(*) AS leads,
       string_agg(DISTINCT l.routing_model, ', ') AS models
  FROM leadroute.leads l LEFT JOIN leadroute.reps r ON r.id = l.owner_id
 GROUP BY 1 ORDER BY 2 DESC, 1;
\echo '== Fallback rate (catch-all or default queue) =='
SELECT count(*) FILTER (WHERE fallback) AS fallback_leads, count(*) AS leads,
       round(100.0 * count(*) FILTER (WHERE fallback) / count(*), 1) AS "fallback %"
  FROM leadroute.decisions;
\echo '== Why did the Alpenbank lead go to Grace?  SELECT leadroute.explain(12); =='
\pset format unaligned
\pset tuples_only on
SELECT leadroute.explain(12);
\echo
\echo '== Why did the DACH lead go to Jonas?  SELECT leadroute.explain(3); =='
SELECT leadroute.explain(3);
\echo
\echo '== And the lead from Japan?  SELECT leadroute.explain(9); =='
SELECT leadroute.explain(9);
\echo
\echo '== What would happen to a new lead?  SELECT leadroute.preview(...); =='
SELECT jsonb_pretty(leadroute.preview('{"email": "cfo@bigco.com", "country": "US", "employees": 5000, "source": "pricing_page"}') - 'trace');
