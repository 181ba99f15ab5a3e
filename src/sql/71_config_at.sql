-- Reading config_history: the masked view, config_at() and the names explain() prints.
-- CREATE OR REPLACE only: the update scripts include this file.

-- config_history as each role may see it: reps' credentials (notify_address: a Slack webhook URL
-- is a credential) and logins (db_role) are dropped from the row images for whoever cannot read
-- those columns of reps (the analyst). The check runs as the querying role.
CREATE OR REPLACE VIEW leadroute.config_changes WITH (security_barrier) AS
  SELECT h.id, h.changed_at, h.recorded_at, h.changed_by, h.acting_role, h.table_name, h.operation,
         h.row_key,
         CASE WHEN h.table_name OPERATOR(pg_catalog.=) 'reps' AND NOT secrets.visible
              THEN h.before OPERATOR(pg_catalog.-) '{notify_address,db_role}'::pg_catalog.text[]
              ELSE h.before END AS before,
         CASE WHEN h.table_name OPERATOR(pg_catalog.=) 'reps' AND NOT secrets.visible
              THEN h.after OPERATOR(pg_catalog.-) '{notify_address,db_role}'::pg_catalog.text[]
              ELSE h.after END AS after
    FROM leadroute.config_history h,
         LATERAL (SELECT pg_catalog.has_column_privilege('leadroute.reps', 'notify_address', 'SELECT')
                     AND pg_catalog.has_column_privilege('leadroute.reps', 'db_role', 'SELECT')
                     AS visible) secrets;
COMMENT ON VIEW leadroute.config_changes IS
  'config_history as the querying role may see it: for roles that cannot read reps.notify_address and reps.db_role (the analyst) those keys are left out of the rep rows';

SELECT leadroute._comment_columns_like('leadroute.config_changes', 'leadroute.config_history');

-- The rows of a configuration table at a past moment. A row's state is its latest recorded
-- change at or before `at`; the snapshot taken when the history began counts for every earlier
-- moment too (the best knowledge there is of rows older than the history).
CREATE OR REPLACE FUNCTION leadroute.config_at(at timestamptz, config_table regclass) RETURNS SETOF jsonb
  LANGUAGE plpgsql STABLE
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  tracked_name text;
BEGIN
  SELECT c.relname INTO tracked_name
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_trigger g ON g.tgrelid OPERATOR(pg_catalog.=) c.oid
   WHERE c.oid OPERATOR(pg_catalog.=) config_table AND g.tgname OPERATOR(pg_catalog.=) 'record_history';
  IF tracked_name IS NULL THEN
    RAISE EXCEPTION 'table % has no change history', config_table
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'config_history records reps, pools, pool_members, rules, territories, time_off, sla_policies, metric_settings and alert_thresholds.';
  END IF;
  RETURN QUERY
  SELECT s.after
    FROM (SELECT DISTINCT ON (e.row_key) e.after
            FROM leadroute.config_changes h
           CROSS JOIN LATERAL (
             SELECT h.row_key, h.after
             UNION ALL
             -- an UPDATE that changed the key ends the row under its old key
             SELECT (SELECT pg_catalog.jsonb_object_agg(k, h.before OPERATOR(pg_catalog.->) k)
                       FROM pg_catalog.jsonb_object_keys(h.row_key) k), NULL::jsonb
              WHERE h.operation OPERATOR(pg_catalog.=) 'UPDATE'
                AND NOT h.before OPERATOR(pg_catalog.@>) h.row_key) e
           WHERE h.table_name OPERATOR(pg_catalog.=) tracked_name
             AND (h.recorded_at OPERATOR(pg_catalog.<=) at OR h.operation OPERATOR(pg_catalog.=) 'SNAPSHOT')
           ORDER BY e.row_key, h.id DESC) s
   WHERE s.after IS NOT NULL
   ORDER BY s.after OPERATOR(pg_catalog.->) 'id', s.after;
END
$body$;
COMMENT ON FUNCTION leadroute.config_at(timestamptz, regclass) IS
  'The rows of a configuration table as they were at a past moment, as JSON, rebuilt from config_history';

CREATE OR REPLACE FUNCTION leadroute.config_at(at timestamptz) RETURNS SETOF leadroute.rules
  LANGUAGE sql STABLE
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT r.*
    FROM leadroute.config_at(at, 'leadroute.rules'::regclass) j
   CROSS JOIN LATERAL pg_catalog.jsonb_populate_record(NULL::leadroute.rules, j) r
   ORDER BY r.priority
$$;
COMMENT ON FUNCTION leadroute.config_at(timestamptz) IS
  'The routing rules as they were at a past moment (rebuilt from config_history), in priority order';

-- The names explain() prints for a decision: rules (name, priority, action), reps and pools as
-- they were when the decision was made, and the current ones for anything the history does not
-- know (no decision, or a decision older than the history).
CREATE OR REPLACE FUNCTION leadroute._explain_names(decision_id bigint, OUT kind text, OUT id bigint,
    OUT name text, OUT priority integer, OUT action text)
  RETURNS SETOF record
  LANGUAGE sql STABLE
  SET search_path = pg_catalog, pg_temp
  AS $$
  WITH decided AS (
    SELECT d.decided_at FROM leadroute.decisions d WHERE d.id OPERATOR(pg_catalog.=) decision_id
  ), past AS (
    SELECT 'rule' AS kind, r.id, r.name, r.priority, r.action
      FROM decided CROSS JOIN LATERAL leadroute.config_at(decided.decided_at) r
    UNION ALL
    SELECT 'rep', (j OPERATOR(pg_catalog.->>) 'id')::bigint, j OPERATOR(pg_catalog.->>) 'name', NULL, NULL
      FROM decided CROSS JOIN LATERAL leadroute.config_at(decided.decided_at, 'leadroute.reps'::regclass) j
    UNION ALL
    SELECT 'pool', (j OPERATOR(pg_catalog.->>) 'id')::bigint, j OPERATOR(pg_catalog.->>) 'name', NULL, NULL
      FROM decided CROSS JOIN LATERAL leadroute.config_at(decided.decided_at, 'leadroute.pools'::regclass) j
  ), current AS (
    SELECT 'rule' AS kind, r.id, r.name, r.priority, r.action FROM leadroute.rules r
    UNION ALL SELECT 'rep', p.id, p.name, NULL, NULL FROM leadroute.reps p
    UNION ALL SELECT 'pool', o.id, o.name, NULL, NULL FROM leadroute.pools o
  )
  SELECT * FROM past
  UNION ALL
  SELECT * FROM current c
   WHERE NOT EXISTS (SELECT 1 FROM past p
                      WHERE p.kind OPERATOR(pg_catalog.=) c.kind AND p.id OPERATOR(pg_catalog.=) c.id)
$$;
COMMENT ON FUNCTION leadroute._explain_names(bigint) IS
  'Internal: names of rules, reps and pools as explain() shows them for a decision: as of the decision (config_history), else current';

REVOKE ALL ON leadroute.config_changes FROM PUBLIC;
REVOKE ALL ON FUNCTION leadroute._explain_names(bigint), leadroute.config_at(timestamptz, regclass),
    leadroute.config_at(timestamptz) FROM PUBLIC;
GRANT SELECT ON leadroute.config_changes TO leadroute_admin, leadroute_analyst;
GRANT EXECUTE ON FUNCTION leadroute.config_at(timestamptz, regclass), leadroute.config_at(timestamptz)
  TO leadroute_admin, leadroute_analyst;
