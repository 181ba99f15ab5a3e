-- What the demo prints about SLAs: the clock each lead got, what the escalation job does when
-- reps do not respond in time, and the events written for a deliverer.
\pset footer off
\pset format aligned
\pset tuples_only off
\echo
\echo '== The SLA clock: the first matching policy sets the due time of every assigned lead =='
SELECT p.priority, p.name, p.condition, p.response_minutes AS minutes, p.business_hours,
       count(l.id) AS leads
  FROM leadroute.sla_policies p LEFT JOIN leadroute.leads l ON l.sla_policy_id = p.id
 GROUP BY p.id ORDER BY p.priority;
\echo '== pg_cron escalates overdue leads every minute =='
SELECT jobname, schedule, database, left(command, 60) || '…' AS command FROM cron.job WHERE jobname = 'leadroute-sla';

\echo '== Reps call back the first six leads =='
-- They call within four minutes of routing; the demo moves this session's clock (leadroute.now)
-- five minutes on instead of waiting, since a first contact cannot be recorded in the future.
SELECT set_config('leadroute.now', (now() + interval '5 minutes')::text, false) \g /dev/null
SELECT leadroute.record_contact(id, routed_at + (40 + id * 37 % 200) * interval '1 second')
  FROM (SELECT id, routed_at FROM leadroute.leads WHERE status = 'assigned' ORDER BY id LIMIT 6) l \g /dev/null
SELECT l.id, r.name AS rep, l.source, l.status,
       to_char(l.first_contact_at - l.routed_at, 'FMMI"m "SS"s"') AS "speed to contact",
       CASE WHEN l.first_contact_at <= l.sla_due_at THEN 'met' ELSE 'missed' END AS sla
  FROM leadroute.leads l JOIN leadroute.reps r ON r.id = l.owner_id
 WHERE l.first_contact_at IS NOT NULL ORDER BY l.id;

\echo '== Ten minutes later: demo requests and pricing pages (5 minutes) are overdue =='
-- leadroute.now moves this session's clock, so the demo does not have to wait; pg_cron would
-- make the same call on its own a minute after the SLA passes.
SELECT set_config('leadroute.now', (now() + interval '10 minutes')::text, false) \g /dev/null
SELECT leadroute.escalate_overdue() AS escalated;
SELECT h.lead_id, l.source, prev.name AS from_rep,
       coalesce(r.name, 'queue: ' || h.queue) AS to_rep, m.name AS manager_told,
       round(extract(epoch FROM h.sla_due_at - current_setting('leadroute.now')::timestamptz) / 60) AS "new SLA (min)"
  FROM (SELECT a.*, lag(a.rep_id) OVER (PARTITION BY a.lead_id ORDER BY a.id) AS previous_rep_id
          FROM leadroute.assignments a) h
  JOIN leadroute.leads l ON l.id = h.lead_id
  LEFT JOIN leadroute.reps r ON r.id = h.rep_id
  LEFT JOIN leadroute.reps prev ON prev.id = h.previous_rep_id
  LEFT JOIN leadroute.reps m ON m.id = prev.manager_id
 WHERE h.reason = 'escalated' ORDER BY h.lead_id;

\echo '== Events for the deliverer (leadroute.notifications, also sent with pg_notify) =='
SELECT event, channel, count(*) AS events, count(*) FILTER (WHERE delivered_at IS NULL) AS undelivered
  FROM leadroute.notifications GROUP BY event, channel ORDER BY event, channel;
\pset format unaligned
\pset tuples_only on
\echo '== One escalation event, as a deliverer reads it =='
SELECT jsonb_pretty(payload) FROM leadroute.notifications WHERE event = 'escalated' ORDER BY id LIMIT 1;
SELECT set_config('leadroute.now', '', false) \g /dev/null
