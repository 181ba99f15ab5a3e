-- Triggers of the operations functions (87_operations_functions.sql); see 86_operations.sql.

-- ---- DROP EXTENSION cleans up ---------------------------------------------------------------
-- An extension's own event triggers are gone by the time its DROP completes, so the start of a
-- DROP EXTENSION arms a one-shot ddl_command_end trigger on a temporary function (not part of
-- the extension): if leadroute is gone at the end of the command, it removes leadroute's pg_cron
-- jobs of this database and the empty schema. The member ddl_command_end trigger makes the
-- server track the command's end at all.
CREATE EVENT TRIGGER leadroute_drop_start ON ddl_command_start WHEN TAG IN ('DROP EXTENSION')
  EXECUTE FUNCTION leadroute._drop_extension_start();
CREATE EVENT TRIGGER leadroute_drop_end ON ddl_command_end WHEN TAG IN ('DROP EXTENSION')
  EXECUTE FUNCTION leadroute._drop_extension_end();

-- ---- Configuration rows checked when written ------------------------------------------------
-- Each check raises before the table's constraints with what was wrong, which row, and what to
-- do (the constraints stay as the last line of defence).
CREATE TRIGGER validate BEFORE INSERT OR UPDATE ON leadroute.reps
  FOR EACH ROW EXECUTE FUNCTION leadroute._validate_config_row();
CREATE TRIGGER validate BEFORE INSERT OR UPDATE ON leadroute.pool_members
  FOR EACH ROW EXECUTE FUNCTION leadroute._validate_config_row();
CREATE TRIGGER validate BEFORE INSERT OR UPDATE ON leadroute.rules
  FOR EACH ROW EXECUTE FUNCTION leadroute._validate_config_row();
CREATE TRIGGER validate BEFORE INSERT OR UPDATE ON leadroute.freemail_domains
  FOR EACH ROW EXECUTE FUNCTION leadroute._validate_config_row();
CREATE TRIGGER validate BEFORE INSERT OR UPDATE ON leadroute.pools
  FOR EACH ROW EXECUTE FUNCTION leadroute._validate_config_row();
-- Rep e-mails are unique whatever their case (Maya.Chen@Example.com is maya.chen@example.com).
CREATE UNIQUE INDEX reps_email_lower_key ON leadroute.reps (pg_catalog.lower(email));
CREATE TRIGGER validate BEFORE INSERT OR UPDATE ON leadroute.retention
  FOR EACH ROW EXECUTE FUNCTION leadroute._retention_changed();
