-- Backtest (issue 9; the regclass forms and the analyst's access: issue 13). CREATE OR REPLACE
-- only: the update scripts include this file.
-- ---- Backtest ------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION leadroute.backtest(leads text, actual_owner_column text DEFAULT NULL)
  RETURNS TABLE (ordinal bigint, lead_id bigint, email text, company text, captured_at timestamptz,
                 predicted_status text, predicted_owner_id bigint, predicted_owner text,
                 predicted_queue text, predicted_rule_id bigint, predicted_rule text,
                 routing_model text, fallback boolean, actual_owner_id bigint, actual_owner text,
                 agrees boolean, reason text, trace jsonb)
  LANGUAGE c VOLATILE CALLED ON NULL INPUT
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_backtest';
COMMENT ON FUNCTION leadroute.backtest(text, text) IS
  'Routes historical leads (a table or view name, or a query; in arrival order) through the current live rules without side effects (names in the query are resolved with search_path pg_catalog, pg_temp: schema-qualify them) and sets each decision beside the actual owner (a column holding a rep id, email or name): agrees, and reason when it does not. Rotations move only inside the backtest; working hours and time off apply at each lead''s captured_at';

CREATE OR REPLACE FUNCTION leadroute.backtest_summary(leads text, actual_owner_column text)
  RETURNS TABLE (section text, reason text, leads bigint, share numeric)
  LANGUAGE sql VOLATILE
  SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC
    WITH b AS (SELECT * FROM leadroute.backtest(leads, actual_owner_column)),
         n AS (SELECT count(*) AS total FROM b)
    SELECT 'agreement', 'the current rules give the lead to its actual owner', count(*) FILTER (WHERE b.agrees),
           round(100.0 * count(*) FILTER (WHERE b.agrees) / nullif(n.total, 0), 1)
      FROM b, n GROUP BY n.total
    UNION ALL
    SELECT 'fallback', 'leads that would hit the fallback (catch-all or default queue)', count(*) FILTER (WHERE b.fallback),
           round(100.0 * count(*) FILTER (WHERE b.fallback) / nullif(n.total, 0), 1)
      FROM b, n GROUP BY n.total
    UNION ALL
    (SELECT 'disagreement', b.reason, count(*), round(100.0 * count(*) / nullif(n.total, 0), 1)
       FROM b, n WHERE NOT b.agrees GROUP BY b.reason, n.total ORDER BY count(*) DESC, b.reason);
  END;
COMMENT ON FUNCTION leadroute.backtest_summary(text, text) IS
  'backtest() summed up: the agreement rate, the leads that would hit the fallback, and the disagreements grouped by reason (which rule, which skipped candidate), most frequent first';

-- The same with the table or view as a regclass ('public.history'::regclass).
CREATE OR REPLACE FUNCTION leadroute.backtest(leads regclass, actual_owner_column text DEFAULT NULL)
  RETURNS TABLE (ordinal bigint, lead_id bigint, email text, company text, captured_at timestamptz,
                 predicted_status text, predicted_owner_id bigint, predicted_owner text,
                 predicted_queue text, predicted_rule_id bigint, predicted_rule text,
                 routing_model text, fallback boolean, actual_owner_id bigint, actual_owner text,
                 agrees boolean, reason text, trace jsonb)
  LANGUAGE sql VOLATILE
  SET search_path = pg_catalog, pg_temp
  AS $$ SELECT * FROM leadroute.backtest(leads::pg_catalog.text, actual_owner_column) $$;
COMMENT ON FUNCTION leadroute.backtest(regclass, text) IS
  'backtest() of a table or view given as a regclass (the name is schema-qualified as needed)';
CREATE OR REPLACE FUNCTION leadroute.backtest_summary(leads regclass, actual_owner_column text)
  RETURNS TABLE (section text, reason text, leads bigint, share numeric)
  LANGUAGE sql VOLATILE
  SET search_path = pg_catalog, pg_temp
  AS $$ SELECT * FROM leadroute.backtest_summary(leads::pg_catalog.text, actual_owner_column) $$;
COMMENT ON FUNCTION leadroute.backtest_summary(regclass, text) IS
  'backtest_summary() of a table or view given as a regclass';

REVOKE ALL ON FUNCTION leadroute.backtest(text, text), leadroute.backtest_summary(text, text),
    leadroute.backtest(regclass, text), leadroute.backtest_summary(regclass, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION leadroute.backtest(text, text), leadroute.backtest_summary(text, text),
    leadroute.backtest(regclass, text), leadroute.backtest_summary(regclass, text)
  TO leadroute_admin, leadroute_analyst;
