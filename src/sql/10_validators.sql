-- Validators used by table constraints. They raise an error that says what is wrong and where,
-- rather than returning false into a generic "violates check constraint" message.

CREATE FUNCTION leadroute.check_condition(condition text) RETURNS void
  LANGUAGE c STRICT IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_check_condition';
COMMENT ON FUNCTION leadroute.check_condition(text) IS
  'Checks a rule condition; returns nothing when it is valid, raises an error naming the position and the token otherwise';

CREATE FUNCTION leadroute._valid_condition(condition text, what text DEFAULT 'rule') RETURNS boolean
  LANGUAGE c STRICT IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_valid_condition';
COMMENT ON FUNCTION leadroute._valid_condition(text, text) IS
  'Internal: true for a valid condition, an error naming whose condition it is (rule, territory, SLA policy) otherwise (used by CHECK constraints)';

CREATE FUNCTION leadroute._valid_points(expression text) RETURNS boolean
  LANGUAGE c STRICT IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_valid_points';
COMMENT ON FUNCTION leadroute._valid_points(text) IS
  'Internal: true for a valid points expression (pools.points), an error naming the position otherwise (used by CHECK constraints)';

CREATE FUNCTION leadroute._valid_working_hours(hours jsonb) RETURNS boolean
  LANGUAGE c STRICT IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_valid_working_hours';
COMMENT ON FUNCTION leadroute._valid_working_hours(jsonb) IS
  'Internal: true for a valid working_hours object, an error otherwise (used by CHECK constraints)';

CREATE FUNCTION leadroute._valid_timezone(tz text) RETURNS boolean
  LANGUAGE c STRICT IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_valid_timezone';
COMMENT ON FUNCTION leadroute._valid_timezone(text) IS
  'Internal: true for a time zone PostgreSQL knows, an error otherwise (used by CHECK constraints)';

CREATE FUNCTION leadroute.email_domain(email_or_url text) RETURNS text
  LANGUAGE c STRICT IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_email_domain';
COMMENT ON FUNCTION leadroute.email_domain(text) IS
  'Registrable domain (public suffix list) of an email address or a URL; NULL when there is none';

CREATE FUNCTION leadroute._valid_skills(skills text[]) RETURNS boolean
  LANGUAGE c STRICT IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_valid_skills';
COMMENT ON FUNCTION leadroute._valid_skills(text[]) IS
  'Internal: true when every {field} placeholder in the required skills names a lead field, an error otherwise';
