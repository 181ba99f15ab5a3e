-- One vocabulary (issue 14): the names the C++ engine reads and writes (its enumeration tables and
-- the field table) are exactly the names the SQL tables allow.
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(8);
CREATE FUNCTION pg_temp.check_names(tbl regclass, col text) RETURNS text[] LANGUAGE sql AS $$
  SELECT array_agg(DISTINCT m[1] ORDER BY m[1])
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') m
   WHERE c.conrelid = tbl AND c.contype = 'c'
     AND pg_get_constraintdef(c.oid) ~ ('\m' || col || '\M') AND pg_get_constraintdef(c.oid) ~ 'ANY'
     AND c.conname = (SELECT relname FROM pg_class WHERE oid = tbl) || '_' || col || '_check'
$$;
CREATE FUNCTION pg_temp.engine(k text) RETURNS text[] LANGUAGE sql AS $$
  SELECT array_agg(name ORDER BY name) FROM leadroute._vocabulary() WHERE kind = k
$$;
SELECT is(pg_temp.engine('action'), pg_temp.check_names('leadroute.rules', 'action'),
          'the engine''s actions are the ones rules.action allows');
SELECT is(pg_temp.engine('strategy'), pg_temp.check_names('leadroute.pools', 'strategy'),
          'its strategies are the ones pools.strategy allows');
SELECT is(pg_temp.engine('routing_model'), pg_temp.check_names('leadroute.leads', 'routing_model'),
          'its routing models are the ones leads.routing_model allows');
SELECT is(pg_temp.engine('routing_status'), pg_temp.check_names('leadroute.decisions', 'status'),
          'the statuses routing sets are the ones decisions.status allows');
SELECT ok(pg_temp.engine('routing_status') <@ pg_temp.check_names('leadroute.leads', 'status'),
          'and all of them are statuses a lead may have');
SELECT is(pg_temp.engine('input_field'),
          (SELECT array_agg(attname::text ORDER BY attname) FROM pg_attribute
            WHERE attrelid = 'leadroute.leads'::regclass AND attnum > 0 AND NOT attisdropped
              AND attnum < (SELECT attnum FROM pg_attribute WHERE attrelid = 'leadroute.leads'::regclass AND attname = 'email_domain')
              AND attname NOT IN ('id', 'attributes', 'captured_at')),
          'the field table''s inputs are the input columns of leads (reroute() and preview() are built from it)');
-- The configuration check's own messages come from the same tables.
CREATE FUNCTION pg_temp.hint_of(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE h text;
BEGIN
  EXECUTE stmt;
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS h = PG_EXCEPTION_HINT;
  RETURN h;
END $$;
SELECT is(pg_temp.hint_of($$INSERT INTO leadroute.pools (name, strategy) VALUES ('x', 'bogus')$$),
          'Strategies are ' || (SELECT string_agg(name, ', ') FROM leadroute._vocabulary() WHERE kind = 'strategy') || '.',
          'a pool with an unknown strategy is told the engine''s strategies');
\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
