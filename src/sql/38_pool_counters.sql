-- Each pool's rotation is a sequence used as a ticket counter: drawing a turn never waits for
-- another transaction, and two sessions never draw the same turn. A pool has two: the live
-- rules' (_pool_turns_<id>) and the shadow rulesets' (_pool_turns_<id>_shadow), so that shadow
-- mode never moves a live rotation and a pool only shadow rules use still rotates. The pool's
-- trigger drops them with the pool; they are owned by leadroute._rotation_counters.owner
-- (86_operations.sql), so they also go away with the extension and pg_dump keeps their
-- positions. Not by pools.id: pg_get_serial_sequence('leadroute.pools', 'id') must name the
-- pools' own id sequence. CREATE OR REPLACE: the updates from 0.1.0 and 0.2.0 run this file.
CREATE OR REPLACE FUNCTION leadroute._pool_cursor_name(pool_id bigint) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  RETURN '_pool_turns_' || pool_id::text;
COMMENT ON FUNCTION leadroute._pool_cursor_name(bigint) IS
  'Internal: name of the sequence that counts a pool''s round-robin turns';

CREATE OR REPLACE FUNCTION leadroute._pool_shadow_cursor_name(pool_id bigint) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  RETURN '_pool_turns_' || pool_id::text || '_shadow';
COMMENT ON FUNCTION leadroute._pool_shadow_cursor_name(bigint) IS
  'Internal: name of the sequence that counts a pool''s round-robin turns for the shadow rulesets';

CREATE OR REPLACE FUNCTION leadroute._pool_counters(pool_id bigint) RETURNS void
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  seq text;
BEGIN
  FOREACH seq IN ARRAY ARRAY[leadroute._pool_cursor_name(pool_id), leadroute._pool_shadow_cursor_name(pool_id)] LOOP
    IF pg_catalog.to_regclass(pg_catalog.quote_ident('leadroute') || '.' || pg_catalog.quote_ident(seq)) IS NULL THEN
      EXECUTE pg_catalog.format('CREATE SEQUENCE leadroute.%I AS bigint CACHE 1', seq);
      EXECUTE pg_catalog.format('REVOKE ALL ON SEQUENCE leadroute.%I FROM PUBLIC', seq);
      EXECUTE pg_catalog.format('COMMENT ON SEQUENCE leadroute.%I IS %L', seq,
                                'round-robin turns of pool ' || pool_id
                                || CASE WHEN seq LIKE '%\_shadow' THEN ' for shadow rulesets' ELSE '' END);
    END IF;
    -- Also when the sequence exists already: an older version owned it by pools.id, and a
    -- dump restored into a fresh database may bring it without its owner.
    EXECUTE pg_catalog.format('ALTER SEQUENCE leadroute.%I OWNED BY leadroute._rotation_counters.owner', seq);
  END LOOP;
END
$body$;
COMMENT ON FUNCTION leadroute._pool_counters(bigint) IS
  'Internal: creates a pool''s two turn counters (live and shadow) if missing (owned by _rotation_counters.owner: dropped with the extension, not found by pg_get_serial_sequence on pools)';

CREATE OR REPLACE FUNCTION leadroute._pool_cursor() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  seq text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM leadroute._pool_counters(NEW.id);
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
    EXECUTE pg_catalog.format('DROP SEQUENCE IF EXISTS leadroute.%I', leadroute._pool_shadow_cursor_name(OLD.id));
    RETURN OLD;
  ELSE
    -- TRUNCATE fires no row triggers: drop every turn counter (no pool is left).
    FOR seq IN
      SELECT c.relname FROM pg_catalog.pg_class c
       WHERE c.relnamespace OPERATOR(pg_catalog.=) 'leadroute'::pg_catalog.regnamespace
         AND c.relkind OPERATOR(pg_catalog.=) 'S'
         AND c.relname OPERATOR(pg_catalog.~) '^_pool_turns_[0-9]+(_shadow)?$'
    LOOP
      EXECUTE pg_catalog.format('DROP SEQUENCE leadroute.%I', seq);
    END LOOP;
    RETURN NULL;
  END IF;
END
$body$;
COMMENT ON FUNCTION leadroute._pool_cursor() IS
  'Internal: creates and drops the turn counters of each pool';

REVOKE ALL ON FUNCTION leadroute._pool_cursor_name(bigint), leadroute._pool_shadow_cursor_name(bigint),
  leadroute._pool_counters(bigint), leadroute._pool_cursor() FROM PUBLIC;
