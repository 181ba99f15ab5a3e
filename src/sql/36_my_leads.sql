-- A rep's own leads (issue 13). CREATE OR REPLACE only: the update scripts include this file.

-- A rep's leads. The view reads leads with its owner's rights (the rep has no privilege on the
-- table); security_barrier keeps a rep's own functions from seeing rows before the filter. It is
-- automatically updatable: UPDATE ... RETURNING shows a lead just handed on, which no longer
-- belongs to the rep.
CREATE OR REPLACE VIEW leadroute.my_leads WITH (security_barrier) AS
  SELECT l.* FROM leadroute.leads l
   WHERE l.owner_id OPERATOR(pg_catalog.=) leadroute._rep_id_of(CURRENT_USER);
COMMENT ON VIEW leadroute.my_leads IS
  'The leads the current rep owns (reps.db_role = CURRENT_USER); a rep works them here (status, first_contact_at, owner_id with reps.may_reassign)';

-- A view's columns say what its table's say (my_leads here, config_changes in 71_config_at.sql).
CREATE OR REPLACE FUNCTION leadroute._comment_columns_like(target regclass, source regclass)
  RETURNS void
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  c record;
BEGIN
  FOR c IN SELECT a.attname, pg_catalog.col_description(a.attrelid, a.attnum) AS note
             FROM pg_catalog.pg_attribute a
            WHERE a.attrelid OPERATOR(pg_catalog.=) source AND a.attnum > 0 AND NOT a.attisdropped LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', target, c.attname, c.note);
  END LOOP;
END
$body$;
COMMENT ON FUNCTION leadroute._comment_columns_like(regclass, regclass) IS
  'Internal (install and update scripts): gives each column of a view the comment of the same column of its table';
REVOKE ALL ON FUNCTION leadroute._comment_columns_like(regclass, regclass) FROM PUBLIC;
SELECT leadroute._comment_columns_like('leadroute.my_leads', 'leadroute.leads');


REVOKE ALL ON leadroute.my_leads FROM PUBLIC;
-- A rep reads its leads and may change only what working them needs.
GRANT SELECT ON leadroute.my_leads TO leadroute_rep;
GRANT UPDATE (status, owner_id, first_contact_at) ON leadroute.my_leads TO leadroute_rep;
