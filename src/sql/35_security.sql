-- Row-level security on leads (issue 8): each role sees and changes only what its job needs.
--   leadroute_admin    every lead;
--   leadroute_ingest   inserts leads, and reads back only the ones its own transaction inserted
--                      (INSERT ... RETURNING id), nothing else;
--   leadroute_rep      the leads it owns (reps.db_role names its database role): it can work
--                      them (contacted, converted, lost, disqualified) and, when the admin set
--                      reps.may_reassign, hand them to another rep;
--   leadroute_analyst  no leads at all: the metric views only.
-- The extension's owner (the engine's own writes) is not subject to these policies.
-- This file is also part of the update from 0.1.0 (src/sql/upgrades/): it is self-contained.

COMMENT ON COLUMN leadroute.reps.db_role IS 'The database role this rep logs in as (a member of leadroute_rep): row-level security shows the rep its own leads';
COMMENT ON COLUMN leadroute.reps.may_reassign IS 'Whether this rep may hand its leads to another rep (an admin decides); otherwise a rep can only work its leads';

CREATE FUNCTION leadroute._written_by_this_transaction(lead_id bigint) RETURNS boolean
  LANGUAGE c STRICT VOLATILE PARALLEL RESTRICTED
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_written_by_this_transaction';
COMMENT ON FUNCTION leadroute._written_by_this_transaction(bigint) IS
  'Internal: true for the leads the current role inserted or handed to another owner in this transaction (row-level security: ingest reads back its inserts, a rep the lead it just handed on)';

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

ALTER TABLE leadroute.leads ENABLE ROW LEVEL SECURITY;
CREATE POLICY admin_all ON leadroute.leads TO leadroute_admin USING (true) WITH CHECK (true);
CREATE POLICY ingest_insert ON leadroute.leads FOR INSERT TO leadroute_ingest WITH CHECK (true);
CREATE POLICY ingest_own_inserts ON leadroute.leads FOR SELECT TO leadroute_ingest
  USING (leadroute._written_by_this_transaction(id));
CREATE POLICY rep_own_leads ON leadroute.leads FOR SELECT TO leadroute_rep
  USING (owner_id = leadroute._rep_id_of(CURRENT_USER) OR leadroute._written_by_this_transaction(id));
CREATE POLICY rep_work_own_leads ON leadroute.leads FOR UPDATE TO leadroute_rep
  USING (owner_id = leadroute._rep_id_of(CURRENT_USER))
  WITH CHECK (status IN ('assigned', 'contacted', 'converted', 'lost', 'disqualified')
              AND (owner_id = leadroute._rep_id_of(CURRENT_USER)
                   OR (owner_id IS NOT NULL AND leadroute._rep_may_reassign(CURRENT_USER))));
COMMENT ON POLICY admin_all ON leadroute.leads IS 'leadroute_admin sees and changes every lead';
COMMENT ON POLICY ingest_insert ON leadroute.leads IS 'leadroute_ingest inserts leads';
COMMENT ON POLICY ingest_own_inserts ON leadroute.leads IS 'leadroute_ingest reads back only what its own transaction inserted (RETURNING)';
COMMENT ON POLICY rep_own_leads ON leadroute.leads IS 'A rep sees the leads it owns (and, until the end of the transaction, one it just handed on)';
COMMENT ON POLICY rep_work_own_leads ON leadroute.leads IS
  'A rep works its own leads (contacted, converted, lost, disqualified) and hands them on only with reps.may_reassign';

REVOKE ALL ON FUNCTION leadroute._written_by_this_transaction(bigint), leadroute._rep_id_of(name),
    leadroute._rep_may_reassign(name), leadroute.current_rep_id() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION leadroute._written_by_this_transaction(bigint) TO leadroute_ingest, leadroute_rep;
GRANT EXECUTE ON FUNCTION leadroute.current_rep_id(), leadroute._rep_id_of(name), leadroute._rep_may_reassign(name)
  TO leadroute_rep, leadroute_admin;
-- A rep reads its leads and may change only what working them needs; it may see who its
-- colleagues are (to hand a lead on, when allowed), not their logins.
GRANT SELECT ON leadroute.leads TO leadroute_rep;
GRANT UPDATE (status, owner_id, first_contact_at) ON leadroute.leads TO leadroute_rep;
GRANT SELECT (id, name, email, active) ON leadroute.reps TO leadroute_rep;
