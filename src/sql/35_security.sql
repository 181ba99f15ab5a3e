-- Who sees which leads (issue 8, reworked in issue 13): each role sees and changes only what its
-- job needs.
--   leadroute_admin    every lead (table privileges on leadroute.leads);
--   leadroute_ingest   inserts leads (INSERT, COPY, INSERT ... ON CONFLICT DO NOTHING) and reads
--                      back only columns without personal data: id, owner_id, status, queue,
--                      sla_due_at (INSERT ... RETURNING for a web form);
--   leadroute_rep      the leads it owns, through the view leadroute.my_leads: it can work them
--                      (contacted, converted, lost, disqualified) and, when the admin set
--                      reps.may_reassign, hand them to another rep (the rules are enforced by
--                      the trigger on lead updates, _lead_updated());
--   leadroute_analyst  no leads at all: the metric views only.
-- There is no row-level security on leads: PostgreSQL refuses COPY FROM into a table with
-- row-level security for every role but its owner, and COPY is how leads are loaded.
COMMENT ON COLUMN leadroute.reps.db_role IS 'The database role this rep logs in as (a member of leadroute_rep): leadroute.my_leads shows the rep its own leads';
COMMENT ON COLUMN leadroute.reps.may_reassign IS 'Whether this rep may hand its leads to another rep (an admin decides); otherwise a rep can only work its leads';

CREATE FUNCTION leadroute._rep_id_of(role_name name) RETURNS bigint
  LANGUAGE sql STABLE SECURITY DEFINER PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  RETURN (SELECT r.id FROM leadroute.reps r WHERE r.db_role OPERATOR(pg_catalog.=) role_name::text);
COMMENT ON FUNCTION leadroute._rep_id_of(name) IS
  'Internal: the rep whose db_role is this role (row-level security of leadroute_rep)';

CREATE FUNCTION leadroute._rep_may_reassign(role_name name) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  RETURN coalesce((SELECT r.may_reassign FROM leadroute.reps r
                    WHERE r.db_role OPERATOR(pg_catalog.=) role_name::text AND r.active), false);
COMMENT ON FUNCTION leadroute._rep_may_reassign(name) IS
  'Internal: whether the rep logged in as this role may hand its leads to another rep';

CREATE FUNCTION leadroute.current_rep_id() RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  RETURN leadroute._rep_id_of(CURRENT_USER);
COMMENT ON FUNCTION leadroute.current_rep_id() IS
  'The rep the current database role is (reps.db_role), or NULL';

REVOKE ALL ON FUNCTION leadroute._rep_id_of(name), leadroute._rep_may_reassign(name),
    leadroute.current_rep_id() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION leadroute.current_rep_id(), leadroute._rep_id_of(name), leadroute._rep_may_reassign(name)
  TO leadroute_rep, leadroute_admin;
-- A rep may see who its colleagues are (to hand a lead on, when allowed), not their logins. Its
-- leads: leadroute.my_leads (36_my_leads.sql).
GRANT SELECT (id, name, email, active) ON leadroute.reps TO leadroute_rep;
