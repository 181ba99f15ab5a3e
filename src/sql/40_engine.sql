-- The routing engine: the trigger that routes each inserted lead, the statement trigger that
-- writes the engine's records, cache invalidation, and the functions that explain decisions.

CREATE FUNCTION leadroute._route_trigger() RETURNS trigger
  LANGUAGE c
  AS 'MODULE_PATHNAME', 'leadroute_route_trigger';
COMMENT ON FUNCTION leadroute._route_trigger() IS
  'Internal: routes each lead as it is inserted (runs with the extension owner''s rights, immune to search_path)';

CREATE FUNCTION leadroute._route_flush() RETURNS trigger
  LANGUAGE c
  AS 'MODULE_PATHNAME', 'leadroute_route_flush';
COMMENT ON FUNCTION leadroute._route_flush() IS
  'Internal: writes the decisions and assignments of a statement''s leads in one batch';

CREATE TRIGGER route BEFORE INSERT ON leadroute.leads
  FOR EACH ROW EXECUTE FUNCTION leadroute._route_trigger();
CREATE TRIGGER route_flush AFTER INSERT ON leadroute.leads
  FOR EACH STATEMENT EXECUTE FUNCTION leadroute._route_flush();

CREATE FUNCTION leadroute._config_changed() RETURNS trigger
  LANGUAGE c
  AS 'MODULE_PATHNAME', 'leadroute_config_changed';
COMMENT ON FUNCTION leadroute._config_changed() IS
  'Internal: makes every session drop its cached routing configuration when this change commits';

DO $config_triggers$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['reps', 'pools', 'pool_members', 'rules', 'freemail_domains',
                            'time_off', 'territories'] LOOP
    EXECUTE pg_catalog.format(
      'CREATE TRIGGER config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON leadroute.%I '
      'FOR EACH STATEMENT EXECUTE FUNCTION leadroute._config_changed()', t);
  END LOOP;
END
$config_triggers$;

-- Each pool's turn counters (38_pool_counters.sql) come and go with the pool.
CREATE TRIGGER pool_cursor AFTER INSERT OR DELETE ON leadroute.pools
  FOR EACH ROW EXECUTE FUNCTION leadroute._pool_cursor();
CREATE TRIGGER pool_cursor_id BEFORE UPDATE OF id ON leadroute.pools
  FOR EACH ROW EXECUTE FUNCTION leadroute._pool_cursor();
CREATE TRIGGER pool_cursor_truncate AFTER TRUNCATE ON leadroute.pools
  FOR EACH STATEMENT EXECUTE FUNCTION leadroute._pool_cursor();

-- Shipped free-mail domains that a user deletes stay deleted across pg_dump and restore.
CREATE FUNCTION leadroute._freemail_sync() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
BEGIN
  IF TG_TABLE_NAME = 'freemail_domains' THEN
    IF TG_OP = 'DELETE' THEN
      IF OLD.shipped THEN
        INSERT INTO leadroute._freemail_removed (domain) VALUES (OLD.domain) ON CONFLICT DO NOTHING;
      END IF;
      RETURN OLD;
    END IF;
    DELETE FROM leadroute._freemail_removed WHERE domain OPERATOR(pg_catalog.=) NEW.domain;
    RETURN NEW;
  END IF;
  -- a row restored into _freemail_removed
  DELETE FROM leadroute.freemail_domains
    WHERE domain OPERATOR(pg_catalog.=) NEW.domain AND shipped;
  RETURN NEW;
END
$body$;
COMMENT ON FUNCTION leadroute._freemail_sync() IS
  'Internal: remembers deleted shipped free-mail domains so that a restore keeps them deleted';

CREATE TRIGGER freemail_sync AFTER INSERT OR DELETE ON leadroute.freemail_domains
  FOR EACH ROW EXECUTE FUNCTION leadroute._freemail_sync();
CREATE TRIGGER freemail_sync AFTER INSERT ON leadroute._freemail_removed
  FOR EACH ROW EXECUTE FUNCTION leadroute._freemail_sync();

CREATE FUNCTION leadroute.explain(lead_id bigint) RETURNS text
  LANGUAGE c STRICT STABLE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_explain';
COMMENT ON FUNCTION leadroute.explain(bigint) IS
  'Why a lead went where it went: the rules tried and why each did not match, the candidates and why each was skipped, the pick';

CREATE FUNCTION leadroute.preview(lead jsonb) RETURNS jsonb
  LANGUAGE c STRICT STABLE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_preview';
COMMENT ON FUNCTION leadroute.preview(jsonb) IS
  'The decision for a lead given as JSON, without storing it and without moving any rotation: keys status, owner_id, queue, rule_id, routing_model, account_id, match_tier, sla_due_at, trace';

CREATE FUNCTION leadroute.reroute(lead_id bigint) RETURNS jsonb
  LANGUAGE c STRICT VOLATILE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_reroute';
COMMENT ON FUNCTION leadroute.reroute(bigint) IS
  'Routes an existing lead again through the current rules (for example the queued ones); recorded as rerouted; returns the decision like preview()';
