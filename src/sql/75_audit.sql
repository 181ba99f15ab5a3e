-- The monthly audit (issue 9, the guide's "audit monthly, not annually"): leadroute.audit() lists
-- what is wrong or drifting in the configuration, each finding with a severity and a fix.
-- This file is also part of the updates from 0.1.0 and 0.2.0 (src/sql/upgrades/): it is
-- self-contained, CREATE OR REPLACE only.

CREATE OR REPLACE FUNCTION leadroute._condition_fields(condition text) RETURNS text[]
  LANGUAGE c STRICT IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_condition_fields';
COMMENT ON FUNCTION leadroute._condition_fields(text) IS
  'Internal: the lead fields a condition reads (country, attributes.utm.source), parsed by the condition language';

CREATE OR REPLACE FUNCTION leadroute._condition_always_true(condition text) RETURNS boolean
  LANGUAGE c STRICT IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_condition_always_true';
COMMENT ON FUNCTION leadroute._condition_always_true(text) IS
  'Internal: whether a condition is true for every lead (TRUE, or constants that fold to TRUE)';

-- How many leads captured in the window have no value in a field a rule reads (input columns and
-- attributes; the fields routing derives, such as account_id, are empty by design).
CREATE OR REPLACE FUNCTION leadroute._field_null_counts(fields text[], since timestamptz, until timestamptz,
    OUT field text, OUT leads bigint, OUT empty bigint)
  RETURNS SETOF record
  LANGUAGE plpgsql STABLE
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  column_name text;
  path text[];
BEGIN
  FOREACH field IN ARRAY fields LOOP
    IF field LIKE 'attributes.%' THEN
      path := pg_catalog.string_to_array(pg_catalog.substr(field, 12), '.');
      EXECUTE 'SELECT count(*), count(*) FILTER (WHERE pg_catalog.jsonb_typeof(l.attributes #> $3) IS NULL'
              '                                    OR pg_catalog.jsonb_typeof(l.attributes #> $3) = ''null'')'
              '  FROM leadroute.leads l WHERE l.captured_at > $1 AND l.captured_at <= $2'
        INTO leads, empty USING since, until, path;
    ELSE
      SELECT a.attname INTO column_name
        FROM pg_catalog.pg_attribute a
       WHERE a.attrelid = 'leadroute.leads'::regclass AND a.attname = field AND a.attnum > 0
         AND NOT a.attisdropped
         AND field NOT IN ('email_domain', 'is_freemail', 'account_id', 'match_tier');
      CONTINUE WHEN column_name IS NULL;
      EXECUTE pg_catalog.format(
        'SELECT count(*), count(*) FILTER (WHERE l.%I IS NULL)'
        '  FROM leadroute.leads l WHERE l.captured_at > $1 AND l.captured_at <= $2', column_name)
        INTO leads, empty USING since, until;
    END IF;
    RETURN NEXT;
  END LOOP;
END
$body$;
COMMENT ON FUNCTION leadroute._field_null_counts(text[], timestamptz, timestamptz) IS
  'Internal: leads captured in (since, until] and how many of them had each field empty (audit)';

CREATE OR REPLACE FUNCTION leadroute.audit(at timestamptz DEFAULT NULL)
  RETURNS TABLE (severity text, finding text, object text, detail text, suggested_fix text)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  clock timestamptz := coalesce(at, nullif(pg_catalog.current_setting('leadroute.now', true), '')::timestamptz,
                                pg_catalog.now());
  default_queue text := coalesce(nullif(pg_catalog.current_setting('leadroute.default_queue', true), ''), 'unrouted');
  unreachable jsonb := '[]';
  used_fields text[];
BEGIN
  -- Rules no lead can reach, from the static analysis of the conditions (enabled rules only).
  SELECT coalesce(pg_catalog.jsonb_agg(u), '[]') INTO unreachable
    FROM (SELECT pg_catalog.array_agg(r.id ORDER BY r.priority) AS ids,
                 pg_catalog.array_agg(r.name ORDER BY r.priority) AS names,
                 pg_catalog.array_agg(r.priority ORDER BY r.priority) AS priorities,
                 pg_catalog.array_agg(r.condition ORDER BY r.priority) AS conditions,
                 pg_catalog.array_agg(r.action ORDER BY r.priority) AS actions
            FROM leadroute.rules r WHERE r.enabled AND r.ruleset IS NULL) a
   CROSS JOIN LATERAL leadroute._unreachable_rules(a.ids, a.names, a.priorities, a.conditions, a.actions) u;
  SELECT pg_catalog.array_agg(DISTINCT f) INTO used_fields
    FROM leadroute.rules r CROSS JOIN LATERAL pg_catalog.unnest(leadroute._condition_fields(r.condition)) f
   WHERE r.enabled AND r.ruleset IS NULL;

  RETURN QUERY
  WITH enabled_rules AS (
    SELECT r.* FROM leadroute.rules r WHERE r.enabled AND r.ruleset IS NULL
  ),
  away AS (   -- reps on time off at the audit's moment
    SELECT DISTINCT t.rep_id FROM leadroute.time_off t WHERE t.during @> clock
  ),
  findings(severity, finding, object, detail, suggested_fix) AS (
    -- A lead that matches no rule goes to the default queue: the guide's "lead black hole".
    SELECT 'error', 'no_catch_all', 'rules',
           pg_catalog.format('No enabled rule is true for every lead and always places it (action rep, pool, queue or nurture): a lead that matches no rule waits in the default queue %L.', default_queue),
           pg_catalog.format('Add a catch-all as the last rule: INSERT INTO leadroute.rules (priority, name, condition, action, pool_id) VALUES (%s, ''Everything else'', ''TRUE'', ''pool'', <pool id>);',
                             coalesce((SELECT max(r.priority) FROM leadroute.rules r WHERE r.ruleset IS NULL), 0) + 1000)
     WHERE NOT EXISTS (SELECT 1 FROM enabled_rules r
                        WHERE r.action NOT IN ('account_owner', 'account_csm', 'territory')
                          AND leadroute._condition_always_true(r.condition))
    UNION ALL
    -- Rules that can never place a lead.
    SELECT 'warning',
           CASE u.kind WHEN 'never_true' THEN 'rule_never_true' ELSE 'rule_shadowed' END,
           pg_catalog.format('rule %L', r.name),
           u.explanation,
           CASE u.kind
             WHEN 'never_true' THEN 'Fix the condition, or disable the rule: UPDATE leadroute.rules SET enabled = false WHERE id = ' || r.id || ';'
             ELSE pg_catalog.format('Earlier rules %s take every lead it matches: give it a lower priority than theirs, narrow their conditions, or disable it (UPDATE leadroute.rules SET enabled = false WHERE id = %s).',
                                    (SELECT pg_catalog.string_agg(pg_catalog.quote_literal(c.name), ', ' ORDER BY c.priority)
                                       FROM leadroute.rules c WHERE c.id = ANY (u.covered_by)), r.id)
           END
      FROM pg_catalog.jsonb_to_recordset(unreachable) AS u(rule_id bigint, kind text, covered_by bigint[], explanation text)
      JOIN leadroute.rules r ON r.id = u.rule_id
    UNION ALL
    -- Rules that placed no lead in 30 days (decisions of kind routed or rerouted; escalations are
    -- not rule decisions), among rules older than the window, when the window had decisions at all.
    SELECT 'warning', 'rule_never_fired', pg_catalog.format('rule %L', r.name),
           pg_catalog.format('Priority %s: placed no lead in the 30 days before the audit, while %s leads were routed.',
                             r.priority, w.decisions),
           'Check whether the leads it was written for still arrive with these values (territory or product changes), or disable it: UPDATE leadroute.rules SET enabled = false WHERE id = ' || r.id || ';'
      FROM enabled_rules r
     CROSS JOIN (SELECT count(*) AS decisions FROM leadroute.decisions d
                  WHERE d.kind <> 'escalated' AND d.decided_at > clock - interval '30 days' AND d.decided_at <= clock) w
     WHERE w.decisions > 0
       AND NOT EXISTS (SELECT 1 FROM leadroute.decisions d
                        WHERE d.rule_id = r.id AND d.kind <> 'escalated'
                          AND d.decided_at > clock - interval '30 days' AND d.decided_at <= clock)
       -- created inside the window (by the change history): too young to judge
       AND NOT EXISTS (SELECT 1 FROM leadroute.config_history h
                        WHERE h.table_name = 'rules' AND h.operation = 'INSERT'
                          AND h.row_key = pg_catalog.jsonb_build_object('id', r.id)
                          AND h.recorded_at > clock - interval '30 days')
    UNION ALL
    -- Rules that send leads to a rep who left (or is paused).
    SELECT CASE WHEN b.id IS NULL THEN 'error' ELSE 'warning' END, 'rule_targets_inactive_rep',
           pg_catalog.format('rule %L', r.name),
           pg_catalog.format('Sends leads to %s (rep %s), who is inactive; %s', p.name, p.id,
                             CASE WHEN b.id IS NULL THEN pg_catalog.format('with no active backup the leads wait in the default queue %L.', default_queue)
                                  ELSE pg_catalog.format('the backup %s takes them.', b.name) END),
           pg_catalog.format('Point the rule at a pool or an active rep: UPDATE leadroute.rules SET rep_id = <rep id> WHERE id = %s;', r.id)
      FROM enabled_rules r
      JOIN leadroute.reps p ON p.id = r.rep_id AND NOT p.active
      LEFT JOIN leadroute.reps b ON b.id = p.backup_id AND b.active
    UNION ALL
    -- Rules that send leads to a pool without members.
    SELECT 'error', 'rule_targets_empty_pool', pg_catalog.format('rule %L', r.name),
           pg_catalog.format('Sends leads to pool %L, which has no members: they go to its overflow pool or the default queue %L.', o.name, default_queue),
           pg_catalog.format('Add reps: INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (%s, <rep id>);', o.id)
      FROM enabled_rules r
      JOIN leadroute.pools o ON o.id = r.pool_id
     WHERE NOT EXISTS (SELECT 1 FROM leadroute.pool_members m WHERE m.pool_id = o.id)
    UNION ALL
    -- Pools with members, none of whom can take a lead now.
    SELECT 'error', 'pool_unavailable', pg_catalog.format('pool %L', o.name),
           pg_catalog.format('All %s members are inactive (%s) or on time off (%s): its leads go to %s.',
                             s.members, s.inactive, s.away,
                             coalesce(pg_catalog.format('overflow pool %L', ov.name), pg_catalog.format('the default queue %L', default_queue))),
           pg_catalog.format('Add an available rep (INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (%s, <rep id>)) or set an overflow pool (UPDATE leadroute.pools SET overflow_pool_id = <pool id> WHERE id = %s).', o.id, o.id)
      FROM leadroute.pools o
     CROSS JOIN LATERAL (
       SELECT count(*) AS members,
              count(*) FILTER (WHERE NOT p.active) AS inactive,
              count(*) FILTER (WHERE p.active AND p.id IN (SELECT a.rep_id FROM away a)) AS away,
              count(*) FILTER (WHERE p.active AND p.id NOT IN (SELECT a.rep_id FROM away a)) AS available
         FROM leadroute.pool_members m JOIN leadroute.reps p ON p.id = m.rep_id
        WHERE m.pool_id = o.id) s
      LEFT JOIN leadroute.pools ov ON ov.id = o.overflow_pool_id
     WHERE s.members > 0 AND s.available = 0
    UNION ALL
    -- Active reps who get no new leads: in no pool and named by no rule or territory.
    SELECT 'info', 'rep_in_no_pool', pg_catalog.format('rep %L', p.name),
           pg_catalog.format('%s (rep %s) is active but in no pool, and no enabled rule or territory names them: they get leads only as an account owner, CSM or backup.', p.name, p.id),
           'Add them to a pool (INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (<pool id>, ' || p.id || ')), or ignore this if their role is not inbound.'
      FROM leadroute.reps p
     WHERE p.active
       AND NOT EXISTS (SELECT 1 FROM leadroute.pool_members m WHERE m.rep_id = p.id)
       AND NOT EXISTS (SELECT 1 FROM enabled_rules r WHERE r.rep_id = p.id)
       AND NOT EXISTS (SELECT 1 FROM leadroute.territories t WHERE t.enabled AND t.rep_id = p.id)
    UNION ALL
    -- Time off now or ahead with nobody named to cover it.
    SELECT 'warning', 'time_off_without_backup', pg_catalog.format('rep %L', p.name),
           pg_catalog.format('%s is away %s with no active backup (neither on the time off nor on the rep): leads that rules send to them go to the next pool member, or wait in the default queue %L.',
                             p.name, pg_catalog.to_char(pg_catalog.lower(t.during), 'YYYY-MM-DD') || ' to ' || coalesce(pg_catalog.to_char(pg_catalog.upper(t.during), 'YYYY-MM-DD'), 'further notice'), default_queue),
           pg_catalog.format('Name a backup: UPDATE leadroute.time_off SET backup_id = <rep id> WHERE id = %s;', t.id)
      FROM leadroute.time_off t
      JOIN leadroute.reps p ON p.id = t.rep_id
      LEFT JOIN leadroute.reps tb ON tb.id = t.backup_id AND tb.active
      LEFT JOIN leadroute.reps rb ON rb.id = p.backup_id AND rb.active
     WHERE p.active
       AND (pg_catalog.upper_inf(t.during) OR pg_catalog.upper(t.during) > clock)
       AND tb.id IS NULL AND rb.id IS NULL
    UNION ALL
    -- Accounts still owned by reps who left: account_owner rules skip them (stale ownership).
    SELECT 'warning', 'stale_account_owner', pg_catalog.format('rep %L', p.name),
           pg_catalog.format('%s (rep %s) is inactive but owns %s account(s)%s, e.g. %s: leads from them skip the account-owner rule.',
                             p.name, p.id, s.owned,
                             CASE WHEN s.csm > 0 THEN pg_catalog.format(' and is CSM of %s', s.csm) ELSE '' END,
                             s.examples),
           pg_catalog.format('Hand the accounts over: UPDATE leadroute.accounts SET owner_id = <rep id> WHERE owner_id = %s;', p.id)
      FROM leadroute.reps p
     CROSS JOIN LATERAL (
       SELECT (SELECT count(*) FROM leadroute.accounts a WHERE a.owner_id = p.id) AS owned,
              (SELECT count(*) FROM leadroute.accounts a WHERE a.csm_id = p.id) AS csm,
              (SELECT pg_catalog.string_agg(pg_catalog.quote_literal(x.name), ', ' ORDER BY x.id)
                 FROM (SELECT a.id, a.name FROM leadroute.accounts a WHERE a.owner_id = p.id ORDER BY a.id LIMIT 3) x) AS examples) s
     WHERE NOT p.active AND s.owned > 0
    UNION ALL
    -- Fields rules depend on that the leads often lack: the guide's "do not build rules on
    -- fields you cannot reliably populate".
    SELECT 'warning', 'field_often_empty', pg_catalog.format('field %s', n.field),
           pg_catalog.format('%s was empty on %s%% of the %s leads captured in the 30 days before the audit; rules that read it: %s.',
                             n.field, pg_catalog.round(100.0 * n.empty / n.leads, 1), n.leads,
                             (SELECT pg_catalog.string_agg(pg_catalog.quote_literal(r.name), ', ' ORDER BY r.priority)
                                FROM enabled_rules r WHERE n.field = ANY (leadroute._condition_fields(r.condition)))),
           'Fill it before routing (the form, or leadroute.enrichment_function), or route on a field the leads carry.'
      FROM leadroute._field_null_counts(coalesce(used_fields, '{}'), clock - interval '30 days', clock) n
     WHERE n.leads > 0 AND n.empty * 5 > n.leads
    UNION ALL
    -- The fallback rate rising three 30-day windows in a row, by at least 2 points overall.
    SELECT 'warning', 'fallback_rate_rising', 'routing',
           pg_catalog.format('Fallback rate %s%% → %s%% → %s%% over the last three 30-day windows (leads captured, first routing decision): the rules cover less and less of what arrives.',
                             pg_catalog.round(100 * m.r1, 1), pg_catalog.round(100 * m.r2, 1), pg_catalog.round(100 * m.r3, 1)),
           'Look at what the fallback leads have in common (SELECT * FROM leadroute.leads WHERE routing_model = ''fallback'' ORDER BY captured_at DESC) and add or widen a rule for them.'
      FROM (SELECT count(*) FILTER (WHERE f.fallback AND f.captured_at <= clock - interval '60 days')::numeric
                   / nullif(count(*) FILTER (WHERE f.decided AND f.captured_at <= clock - interval '60 days'), 0) AS r1,
                   count(*) FILTER (WHERE f.fallback AND f.captured_at > clock - interval '60 days' AND f.captured_at <= clock - interval '30 days')::numeric
                   / nullif(count(*) FILTER (WHERE f.decided AND f.captured_at > clock - interval '60 days' AND f.captured_at <= clock - interval '30 days'), 0) AS r2,
                   count(*) FILTER (WHERE f.fallback AND f.captured_at > clock - interval '30 days')::numeric
                   / nullif(count(*) FILTER (WHERE f.decided AND f.captured_at > clock - interval '30 days'), 0) AS r3
              FROM (SELECT * FROM leadroute._metric_lead_facts x
                     WHERE x.captured_at > clock - interval '90 days' AND x.captured_at <= clock OFFSET 0) f) m
     WHERE m.r1 < m.r2 AND m.r2 < m.r3 AND m.r3 - m.r1 >= 0.02
    UNION ALL
    -- Delivery (docs/agent.md): routing_error and the default queue tell the admins' channel.
    SELECT 'error', 'no_admin_channel', 'delivery_settings',
           'No admins'' channel: leads placed in routing_error, in the default queue or in a queue without a target tell nobody.',
           'INSERT INTO leadroute.delivery_settings (admin_channel, admin_address) VALUES (''slack'', ''https://hooks.slack.com/services/...'') ON CONFLICT (singleton) DO UPDATE SET admin_channel = EXCLUDED.admin_channel, admin_address = EXCLUDED.admin_address;'
     WHERE (SELECT p.admin_channel FROM leadroute._delivery_policy() p) IS NULL
    UNION ALL
    -- A queue a rule fills, without its own notify target.
    SELECT 'warning', 'queue_without_target', 'queue ' || q.queue,
           pg_catalog.format('Queue %L (rule %s) has no notify target in leadroute.queues: its leads are told to %s.', q.queue, q.rules,
                             CASE WHEN (SELECT p.admin_channel FROM leadroute._delivery_policy() p) IS NULL
                                  THEN 'nobody (there is no admins'' channel either)' ELSE 'the admins'' channel' END),
           pg_catalog.format('INSERT INTO leadroute.queues (name, notify_channel, notify_address) VALUES (%L, ''email'', ''<who works the queue>'');', q.queue)
      FROM (SELECT r.queue, pg_catalog.string_agg(pg_catalog.quote_literal(r.name), ', ' ORDER BY r.priority) AS rules
              FROM enabled_rules r
             WHERE r.action OPERATOR(pg_catalog.=) 'queue' AND r.queue IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM leadroute.queues x WHERE x.name OPERATOR(pg_catalog.=) r.queue)
             GROUP BY r.queue) q
  )
  SELECT f.severity, f.finding, f.object, f.detail, f.suggested_fix
    FROM (SELECT * FROM findings
          UNION ALL
          -- The pg_cron jobs: escalation that does not run here or does not succeed (issue 19).
          SELECT * FROM leadroute._operations_findings(clock)) f
   ORDER BY CASE f.severity WHEN 'error' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END, f.finding, f.object;
END
$body$;
COMMENT ON FUNCTION leadroute.audit(timestamptz) IS
  'The monthly routing audit: findings (severity error, warning or info; a stable finding code; the object; what is wrong; how to fix it) as of `at` (default leadroute.now, else now())';

REVOKE ALL ON FUNCTION leadroute._condition_fields(text), leadroute._condition_always_true(text),
    leadroute._field_null_counts(text[], timestamptz, timestamptz), leadroute.audit(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION leadroute.audit(timestamptz) TO leadroute_admin, leadroute_analyst;
