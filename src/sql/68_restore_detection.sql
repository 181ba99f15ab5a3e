-- Restore detection for config_history (issue 12; only the owner or a superuser restores: issue 13).
-- CREATE OR REPLACE only: the update scripts include this file.

-- pg_dump writes its scripts with row_security and check_function_bodies off; a normal session
-- has row_security on. While a dump is restored the restored history is the truth: the rows the
-- restore itself writes into configuration tables are not changes, and are not recorded. Only a
-- superuser or the extension's owner restores a dump of the extension: anyone else who sets the
-- two settings (an admin hiding a change) is recorded as usual.
CREATE OR REPLACE FUNCTION leadroute._restoring_dump() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  RETURN pg_catalog.current_setting('row_security') = 'off'
     AND pg_catalog.current_setting('check_function_bodies') = 'off'
     AND EXISTS (SELECT FROM pg_catalog.pg_roles r
                  WHERE r.rolname OPERATOR(pg_catalog.=) SESSION_USER
                    AND (r.rolsuper OR r.oid OPERATOR(pg_catalog.=)
                         (SELECT e.extowner FROM pg_catalog.pg_extension e
                           WHERE e.extname OPERATOR(pg_catalog.=) 'leadroute')));
COMMENT ON FUNCTION leadroute._restoring_dump() IS
  'Internal: true in a session that replays a pg_dump script (pg_restore, psql -f dump.sql): configuration changes are then not recorded';

REVOKE ALL ON FUNCTION leadroute._restoring_dump() FROM PUBLIC;
