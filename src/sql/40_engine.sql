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

-- Each pool's rotation is a sequence used as a ticket counter: drawing a turn never waits for
-- another transaction, and two sessions never draw the same turn. The sequence is owned by
-- pools.id, so it goes away with its pool or with the extension, and pg_dump keeps its position.
CREATE FUNCTION leadroute._pool_cursor_name(pool_id bigint) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  RETURN '_pool_turns_' || pool_id::text;
COMMENT ON FUNCTION leadroute._pool_cursor_name(bigint) IS
  'Internal: name of the sequence that counts a pool''s round-robin turns';

CREATE FUNCTION leadroute._pool_cursor() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  seq text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    seq := leadroute._pool_cursor_name(NEW.id);
    IF pg_catalog.to_regclass(pg_catalog.quote_ident('leadroute') || '.' || pg_catalog.quote_ident(seq)) IS NULL THEN
      EXECUTE pg_catalog.format('CREATE SEQUENCE leadroute.%I AS bigint CACHE 1', seq);
      EXECUTE pg_catalog.format('REVOKE ALL ON SEQUENCE leadroute.%I FROM PUBLIC', seq);
      EXECUTE pg_catalog.format('COMMENT ON SEQUENCE leadroute.%I IS %L', seq,
                                'round-robin turns of pool ' || NEW.id);
    END IF;
    -- Also when the sequence exists already: pg_dump restores it (with its position) but not
    -- its ownership by pools.id, which makes it go away with the pool or the extension.
    EXECUTE pg_catalog.format('ALTER SEQUENCE leadroute.%I OWNED BY leadroute.pools.id', seq);
    RETURN NEW;
  ELSIF TG_OP = 'UPDATE' THEN
    IF NEW.id <> OLD.id THEN
      RAISE EXCEPTION 'cannot change the id of pool "%"', OLD.name
        USING ERRCODE = 'feature_not_supported',
              HINT = 'Create a new pool and move the members and rules to it.';
    END IF;
    RETURN NEW;
  ELSIF TG_OP = 'DELETE' THEN
    EXECUTE pg_catalog.format('DROP SEQUENCE IF EXISTS leadroute.%I', leadroute._pool_cursor_name(OLD.id));
    RETURN OLD;
  ELSE
    -- TRUNCATE fires no row triggers: drop every turn counter (no pool is left).
    FOR seq IN
      SELECT c.relname FROM pg_catalog.pg_class c
       WHERE c.relnamespace OPERATOR(pg_catalog.=) 'leadroute'::pg_catalog.regnamespace
         AND c.relkind OPERATOR(pg_catalog.=) 'S'
         AND c.relname OPERATOR(pg_catalog.~) '^_pool_turns_[0-9]+$'
    LOOP
      EXECUTE pg_catalog.format('DROP SEQUENCE leadroute.%I', seq);
    END LOOP;
    RETURN NULL;
  END IF;
END
$body$;
COMMENT ON FUNCTION leadroute._pool_cursor() IS
  'Internal: creates and drops the turn counter of each pool';

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
