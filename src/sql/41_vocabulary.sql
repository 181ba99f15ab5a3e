-- The engine's vocabulary, for the test that checks it against the tables (issue 14).
-- CREATE OR REPLACE only: the update scripts include this file.

CREATE OR REPLACE FUNCTION leadroute._vocabulary(OUT kind text, OUT name text) RETURNS SETOF record
  LANGUAGE c STABLE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_vocabulary';
COMMENT ON FUNCTION leadroute._vocabulary() IS
  'Internal: the names the routing engine reads and writes (actions, strategies, routing models, routing statuses, input fields), for the test that checks them against the tables';
REVOKE ALL ON FUNCTION leadroute._vocabulary() FROM PUBLIC;
