-- leadroute 0.1.0 -> 0.2.0. ALTER EXTENSION leadroute UPDATE runs this; a fresh install of 0.2.0
-- runs the whole script built from src/sql/. The two must end in the same schema:
-- test/upgrade/run.sh compares them.
\echo Use "ALTER EXTENSION leadroute UPDATE" to load this file. \quit

-- ---- Row-level security and the rep role --------------------------------------------------
ALTER TABLE leadroute.reps ADD COLUMN db_role text UNIQUE CHECK (pg_catalog.btrim(db_role) <> '');
ALTER TABLE leadroute.reps ADD COLUMN may_reassign boolean NOT NULL DEFAULT false;
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
GRANT EXECUTE ON FUNCTION leadroute.record_contact(bigint, timestamptz) TO leadroute_rep;

-- ---- Rulesets and shadow mode --------------------------------------------------------------
-- Rulesets: the live rules are the rules with no ruleset; a named ruleset holds another version of
-- the rules, either evaluated beside the live ones on every lead without being applied (shadow) or
-- kept aside (draft). promote_ruleset() makes a ruleset live. The same statements serve a fresh
-- install and the update from 0.1.0 (rules.ruleset is added, not declared in CREATE TABLE).
CREATE TABLE leadroute.rulesets (
  name        text PRIMARY KEY CHECK (pg_catalog.btrim(name) <> ''),
  mode        text NOT NULL DEFAULT 'shadow' CHECK (mode IN ('shadow', 'draft')),
  description text,
  created_at  timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE leadroute.rulesets IS
  'Versions of the rules beside the live ones (the rules with no ruleset): shadow rulesets are evaluated on every live lead and their decisions recorded in shadow_decisions, never applied; drafts are kept aside';
COMMENT ON COLUMN leadroute.rulesets.name IS 'Ruleset name (rules.ruleset refers to it)';
COMMENT ON COLUMN leadroute.rulesets.mode IS
  'shadow: evaluated on every live lead, decision recorded, never applied; draft: not evaluated';
COMMENT ON COLUMN leadroute.rulesets.description IS 'What this version changes, and why';
COMMENT ON COLUMN leadroute.rulesets.created_at IS 'When the ruleset was created';

ALTER TABLE leadroute.rules ADD COLUMN ruleset text
  REFERENCES leadroute.rulesets (name) ON UPDATE CASCADE ON DELETE CASCADE;
COMMENT ON COLUMN leadroute.rules.ruleset IS
  'NULL: a live rule; else the shadow or draft ruleset the rule belongs to';
-- Names and priorities are unique within a ruleset; the live rules (NULL) are one ruleset too.
ALTER TABLE leadroute.rules DROP CONSTRAINT rules_name_key;
ALTER TABLE leadroute.rules ADD CONSTRAINT rules_name_key UNIQUE NULLS NOT DISTINCT (ruleset, name);
ALTER TABLE leadroute.rules DROP CONSTRAINT rules_priority_key;
ALTER TABLE leadroute.rules ADD CONSTRAINT rules_priority_key UNIQUE NULLS NOT DISTINCT (ruleset, priority)
  DEFERRABLE INITIALLY IMMEDIATE;
CREATE INDEX rules_ruleset_idx ON leadroute.rules (ruleset) WHERE ruleset IS NOT NULL;
COMMENT ON COLUMN leadroute.rules.name IS 'Name, unique within its ruleset; used in explanations';
COMMENT ON COLUMN leadroute.rules.priority IS
  'Lower runs first; unique within its ruleset (swap priorities inside a transaction with SET CONSTRAINTS rules_priority_key DEFERRED)';

REVOKE ALL ON leadroute.rulesets FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON leadroute.rulesets TO leadroute_admin;
SELECT pg_catalog.pg_extension_config_dump('leadroute.rulesets', '');
-- Each pool's rotation is a sequence used as a ticket counter: drawing a turn never waits for
-- another transaction, and two sessions never draw the same turn. A pool has two: the live
-- rules' (_pool_turns_<id>) and the shadow rulesets' (_pool_turns_<id>_shadow), so that shadow
-- mode never moves a live rotation and a pool only shadow rules use still rotates. The sequences
-- are owned by pools.id, so they go away with their pool or with the extension, and pg_dump keeps
-- their positions. CREATE OR REPLACE: the update from 0.1.0 runs this file as well.
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
    -- Also when the sequence exists already: pg_dump restores it (with its position) but not
    -- its ownership by pools.id, which makes it go away with the pool or the extension.
    EXECUTE pg_catalog.format('ALTER SEQUENCE leadroute.%I OWNED BY leadroute.pools.id', seq);
  END LOOP;
END
$body$;
COMMENT ON FUNCTION leadroute._pool_counters(bigint) IS
  'Internal: creates a pool''s two turn counters (live and shadow) if missing, owned by the pool';

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
-- Shadow mode: every shadow ruleset (rulesets.mode = 'shadow') is evaluated on every live lead,
-- after the live decision, with its own round-robin turns; its decision is recorded in
-- shadow_decisions and never applied. shadow_comparison and shadow_summary set it beside the live
-- decisions: the guide's "run the new system in parallel for two to four weeks".
CREATE TRIGGER config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON leadroute.rulesets
  FOR EACH STATEMENT EXECUTE FUNCTION leadroute._config_changed();

CREATE TABLE leadroute.shadow_decisions (
  id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  lead_id       bigint NOT NULL,
  ruleset       text NOT NULL,
  decided_at    timestamptz NOT NULL,
  status        text NOT NULL,
  owner_id      bigint,
  queue         text,
  rule_id       bigint,
  pool_id       bigint,
  routing_model text NOT NULL,
  fallback      boolean NOT NULL,
  trace         jsonb,
  duration_us   integer,
  error         text
);
CREATE INDEX shadow_decisions_lead_idx ON leadroute.shadow_decisions (lead_id);
CREATE INDEX shadow_decisions_ruleset_time_idx ON leadroute.shadow_decisions (ruleset, decided_at);
COMMENT ON TABLE leadroute.shadow_decisions IS
  'What each shadow ruleset would have decided for each live lead; never applied (shadow_comparison sets it beside the live decision)';
COMMENT ON COLUMN leadroute.shadow_decisions.id IS 'Shadow decision id';
COMMENT ON COLUMN leadroute.shadow_decisions.lead_id IS 'The live lead (leads.id)';
COMMENT ON COLUMN leadroute.shadow_decisions.ruleset IS 'The shadow ruleset that decided';
COMMENT ON COLUMN leadroute.shadow_decisions.decided_at IS 'When (the live decision''s time)';
COMMENT ON COLUMN leadroute.shadow_decisions.status IS 'assigned, queued or nurture: what the lead would have become';
COMMENT ON COLUMN leadroute.shadow_decisions.owner_id IS 'The rep the shadow rules picked';
COMMENT ON COLUMN leadroute.shadow_decisions.queue IS 'The queue the shadow rules picked';
COMMENT ON COLUMN leadroute.shadow_decisions.rule_id IS 'The shadow rule that matched (rules.id)';
COMMENT ON COLUMN leadroute.shadow_decisions.pool_id IS 'The pool the rep was picked from';
COMMENT ON COLUMN leadroute.shadow_decisions.routing_model IS 'account_owner, round_robin, territory, ... as in decisions';
COMMENT ON COLUMN leadroute.shadow_decisions.fallback IS 'true: a catch-all or the default queue placed it';
COMMENT ON COLUMN leadroute.shadow_decisions.trace IS 'The shadow decision''s trace, as in decisions.trace';
COMMENT ON COLUMN leadroute.shadow_decisions.duration_us IS 'Microseconds the shadow evaluation took';
COMMENT ON COLUMN leadroute.shadow_decisions.error IS 'Why the shadow evaluation failed (the live decision is never affected)';

-- Pools that exist already (the update from 0.1.0) get their shadow turn counter now
-- (38_pool_counters.sql). Like the counters the pool trigger creates, it belongs to its pool, not
-- to the extension (pg_dump keeps its position).
DO $shadow_cursors$
DECLARE
  p bigint;
  seq text;
BEGIN
  FOR p IN SELECT id FROM leadroute.pools LOOP
    seq := leadroute._pool_shadow_cursor_name(p);
    CONTINUE WHEN pg_catalog.to_regclass('leadroute.' || pg_catalog.quote_ident(seq)) IS NOT NULL;
    PERFORM leadroute._pool_counters(p);
    EXECUTE pg_catalog.format('ALTER EXTENSION leadroute DROP SEQUENCE leadroute.%I', seq);
  END LOOP;
END
$shadow_cursors$;

CREATE VIEW leadroute.shadow_comparison AS
SELECT s.lead_id, s.ruleset, s.decided_at,
       l.status AS live_status, l.owner_id AS live_owner_id, lr.name AS live_owner,
       l.queue AS live_queue, l.rule_id AS live_rule_id, lru.name AS live_rule,
       s.status AS shadow_status, s.owner_id AS shadow_owner_id, sr.name AS shadow_owner,
       s.queue AS shadow_queue, s.rule_id AS shadow_rule_id, sru.name AS shadow_rule,
       s.fallback AS shadow_fallback, l.fallback AS live_fallback,
       (s.owner_id IS NOT DISTINCT FROM l.owner_id AND s.queue IS NOT DISTINCT FROM l.queue) AS same_placement,
       CASE
         WHEN s.error IS NOT NULL THEN 'shadow failed: ' || s.error
         WHEN s.owner_id IS NOT DISTINCT FROM l.owner_id AND s.queue IS NOT DISTINCT FROM l.queue
           THEN 'same'
         WHEN s.owner_id IS NOT NULL AND l.owner_id IS NOT NULL
              AND s.pool_id IS NOT DISTINCT FROM l.pool_id AND s.pool_id IS NOT NULL
           THEN 'same pool, another turn of its rotation'
         WHEN s.owner_id IS NOT NULL AND l.owner_id IS NOT NULL THEN 'another rep'
         WHEN s.owner_id IS NOT NULL THEN 'a rep instead of queue ' || COALESCE(l.queue, '(none)')
         WHEN l.owner_id IS NOT NULL THEN 'queue ' || COALESCE(s.queue, '(none)') || ' instead of a rep'
         ELSE 'another queue'
       END AS difference
  FROM leadroute.shadow_decisions s
  LEFT JOIN LATERAL (
    SELECT d.status, d.owner_id, d.queue, d.rule_id, d.pool_id, d.fallback
      FROM leadroute.decisions d
     WHERE d.lead_id OPERATOR(pg_catalog.=) s.lead_id
       AND d.kind OPERATOR(pg_catalog.=) 'routed'
     ORDER BY d.id LIMIT 1) l ON true
  LEFT JOIN leadroute.reps lr ON lr.id OPERATOR(pg_catalog.=) l.owner_id
  LEFT JOIN leadroute.reps sr ON sr.id OPERATOR(pg_catalog.=) s.owner_id
  LEFT JOIN leadroute.rules lru ON lru.id OPERATOR(pg_catalog.=) l.rule_id
  LEFT JOIN leadroute.rules sru ON sru.id OPERATOR(pg_catalog.=) s.rule_id;
COMMENT ON VIEW leadroute.shadow_comparison IS
  'Each shadow decision beside the live routing decision of the same lead, and how they differ';
COMMENT ON COLUMN leadroute.shadow_comparison.lead_id IS 'The lead (leads.id)';
COMMENT ON COLUMN leadroute.shadow_comparison.ruleset IS 'The shadow ruleset';
COMMENT ON COLUMN leadroute.shadow_comparison.decided_at IS 'When both decided';
COMMENT ON COLUMN leadroute.shadow_comparison.live_status IS 'Status the live rules gave the lead';
COMMENT ON COLUMN leadroute.shadow_comparison.live_owner_id IS 'Rep the live rules picked';
COMMENT ON COLUMN leadroute.shadow_comparison.live_owner IS 'Name of that rep';
COMMENT ON COLUMN leadroute.shadow_comparison.live_queue IS 'Queue the live rules picked';
COMMENT ON COLUMN leadroute.shadow_comparison.live_rule_id IS 'Live rule that matched';
COMMENT ON COLUMN leadroute.shadow_comparison.live_rule IS 'Its name';
COMMENT ON COLUMN leadroute.shadow_comparison.shadow_status IS 'Status the shadow rules would have given';
COMMENT ON COLUMN leadroute.shadow_comparison.shadow_owner_id IS 'Rep the shadow rules picked';
COMMENT ON COLUMN leadroute.shadow_comparison.shadow_owner IS 'Name of that rep';
COMMENT ON COLUMN leadroute.shadow_comparison.shadow_queue IS 'Queue the shadow rules picked';
COMMENT ON COLUMN leadroute.shadow_comparison.shadow_rule_id IS 'Shadow rule that matched';
COMMENT ON COLUMN leadroute.shadow_comparison.shadow_rule IS 'Its name';
COMMENT ON COLUMN leadroute.shadow_comparison.shadow_fallback IS 'true: a catch-all or the default queue placed it in the shadow decision';
COMMENT ON COLUMN leadroute.shadow_comparison.live_fallback IS 'The same for the live decision';
COMMENT ON COLUMN leadroute.shadow_comparison.same_placement IS 'true: the same rep, or the same queue';
COMMENT ON COLUMN leadroute.shadow_comparison.difference IS 'same, same pool another turn of its rotation, another rep, a rep instead of a queue, a queue instead of a rep, another queue, or shadow failed: <error>';

CREATE VIEW leadroute.shadow_summary AS
SELECT ruleset,
       pg_catalog.count(*) AS leads,
       pg_catalog.count(*) FILTER (WHERE same_placement) AS same_placement,
       pg_catalog.round(pg_catalog.avg(same_placement::integer) * 100, 1) AS agreement_pct,
       pg_catalog.count(*) FILTER (WHERE difference OPERATOR(pg_catalog.=) 'same pool, another turn of its rotation') AS same_pool_other_turn,
       pg_catalog.count(*) FILTER (WHERE difference OPERATOR(pg_catalog.=) 'another rep') AS other_rep,
       pg_catalog.count(*) FILTER (WHERE shadow_owner_id IS NULL AND live_owner_id IS NOT NULL) AS queued_instead_of_rep,
       pg_catalog.count(*) FILTER (WHERE shadow_owner_id IS NOT NULL AND live_owner_id IS NULL) AS rep_instead_of_queue,
       pg_catalog.round(pg_catalog.avg(live_fallback::integer) * 100, 1) AS live_fallback_pct,
       pg_catalog.round(pg_catalog.avg(shadow_fallback::integer) * 100, 1) AS shadow_fallback_pct,
       pg_catalog.count(*) FILTER (WHERE difference OPERATOR(pg_catalog.~~) 'shadow failed:%') AS shadow_errors,
       pg_catalog.min(decided_at) AS first_decided_at,
       pg_catalog.max(decided_at) AS last_decided_at
  FROM leadroute.shadow_comparison
 GROUP BY ruleset;
COMMENT ON VIEW leadroute.shadow_summary IS
  'Per shadow ruleset: how often it agrees with the live rules, how it differs, and its fallback rate beside the live one';
COMMENT ON COLUMN leadroute.shadow_summary.ruleset IS 'The shadow ruleset';
COMMENT ON COLUMN leadroute.shadow_summary.leads IS 'Live leads it decided';
COMMENT ON COLUMN leadroute.shadow_summary.same_placement IS 'Leads it placed like the live rules (same rep or same queue)';
COMMENT ON COLUMN leadroute.shadow_summary.agreement_pct IS 'same_placement in percent of leads';
COMMENT ON COLUMN leadroute.shadow_summary.same_pool_other_turn IS 'Leads sent to the same pool but another rep (rotation)';
COMMENT ON COLUMN leadroute.shadow_summary.other_rep IS 'Leads given to another rep';
COMMENT ON COLUMN leadroute.shadow_summary.queued_instead_of_rep IS 'Leads it would have queued that the live rules gave a rep';
COMMENT ON COLUMN leadroute.shadow_summary.rep_instead_of_queue IS 'Leads it would have given a rep that the live rules queued';
COMMENT ON COLUMN leadroute.shadow_summary.live_fallback_pct IS 'Fallback rate of the live rules on these leads, percent';
COMMENT ON COLUMN leadroute.shadow_summary.shadow_fallback_pct IS 'Fallback rate of the shadow rules, percent';
COMMENT ON COLUMN leadroute.shadow_summary.shadow_errors IS 'Shadow evaluations that failed (the live decisions were not affected)';
COMMENT ON COLUMN leadroute.shadow_summary.first_decided_at IS 'First lead compared';
COMMENT ON COLUMN leadroute.shadow_summary.last_decided_at IS 'Last lead compared';

-- Starting a shadow ruleset from the live rules (then change what is to be tried), and going live.
CREATE FUNCTION leadroute.copy_rules(ruleset text, mode text DEFAULT 'shadow',
                                     description text DEFAULT NULL) RETURNS integer
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  copied integer;
BEGIN
  INSERT INTO leadroute.rulesets (name, mode, description) VALUES (ruleset, mode, description);
  INSERT INTO leadroute.rules (name, priority, condition, action, rep_id, pool_id, queue,
                               required_skills, enabled, rationale, ruleset)
  SELECT r.name, r.priority, r.condition, r.action, r.rep_id, r.pool_id, r.queue,
         r.required_skills, r.enabled, r.rationale, copy_rules.ruleset
    FROM leadroute.rules r WHERE r.ruleset IS NULL;
  GET DIAGNOSTICS copied = ROW_COUNT;
  RETURN copied;
END
$body$;
COMMENT ON FUNCTION leadroute.copy_rules(text, text, text) IS
  'Creates a ruleset (shadow by default) holding a copy of the live rules, to be changed and compared with the live ones; returns the number of rules copied';

CREATE FUNCTION leadroute.promote_ruleset(ruleset text, archive_as text DEFAULT NULL) RETURNS integer
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  archive text := coalesce(archive_as, 'replaced ' || to_char(now(), 'YYYY-MM-DD HH24:MI:SS'));
  promoted integer;
BEGIN
  PERFORM 1 FROM leadroute.rulesets s WHERE s.name = promote_ruleset.ruleset FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'ruleset "%" does not exist', ruleset
      USING ERRCODE = 'undefined_object',
            HINT = 'SELECT name, mode FROM leadroute.rulesets lists them.';
  END IF;
  -- The live rules are kept as a draft ruleset: going back is promote_ruleset(archive).
  INSERT INTO leadroute.rulesets (name, mode, description)
  VALUES (archive, 'draft', 'the live rules until ruleset ' || quote_literal(ruleset) || ' replaced them');
  UPDATE leadroute.rules r SET ruleset = archive WHERE r.ruleset IS NULL;
  UPDATE leadroute.rules r SET ruleset = NULL WHERE r.ruleset = promote_ruleset.ruleset;
  GET DIAGNOSTICS promoted = ROW_COUNT;
  DELETE FROM leadroute.rulesets s WHERE s.name = promote_ruleset.ruleset;
  RETURN promoted;
END
$body$;
COMMENT ON FUNCTION leadroute.promote_ruleset(text, text) IS
  'Makes a ruleset''s rules the live rules, in one transaction; the rules live until now become the draft ruleset archive_as (default "replaced <time>"); returns the number of rules promoted';

REVOKE ALL ON leadroute.shadow_decisions, leadroute.shadow_comparison, leadroute.shadow_summary FROM PUBLIC;
REVOKE ALL ON SEQUENCE leadroute.shadow_decisions_id_seq FROM PUBLIC;
GRANT SELECT ON leadroute.shadow_decisions, leadroute.shadow_comparison, leadroute.shadow_summary
  TO leadroute_admin;
-- The analyst reads metrics: the per-ruleset summary, not the leads behind it.
GRANT SELECT ON leadroute.shadow_summary TO leadroute_analyst;
REVOKE ALL ON FUNCTION leadroute.copy_rules(text, text, text), leadroute.promote_ruleset(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION leadroute.copy_rules(text, text, text), leadroute.promote_ruleset(text, text)
  TO leadroute_admin;
SELECT pg_catalog.pg_extension_config_dump('leadroute.shadow_decisions', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.shadow_decisions_id_seq', '');

-- ---- Backtest ------------------------------------------------------------------------------
CREATE FUNCTION leadroute.backtest(leads text, actual_owner_column text DEFAULT NULL)
  RETURNS TABLE (ordinal bigint, lead_id bigint, email text, company text, captured_at timestamptz,
                 predicted_status text, predicted_owner_id bigint, predicted_owner text,
                 predicted_queue text, predicted_rule_id bigint, predicted_rule text,
                 routing_model text, fallback boolean, actual_owner_id bigint, actual_owner text,
                 agrees boolean, reason text, trace jsonb)
  LANGUAGE c VOLATILE CALLED ON NULL INPUT
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_backtest';
COMMENT ON FUNCTION leadroute.backtest(text, text) IS
  'Routes historical leads (a table or view name, or a query; in arrival order) through the current live rules without side effects (names in the query are resolved with search_path pg_catalog, pg_temp: schema-qualify them) and sets each decision beside the actual owner (a column holding a rep id, email or name): agrees, and reason when it does not. Rotations move only inside the backtest; working hours and time off apply at each lead''s captured_at';

CREATE FUNCTION leadroute.backtest_summary(leads text, actual_owner_column text)
  RETURNS TABLE (section text, reason text, leads bigint, share numeric)
  LANGUAGE sql VOLATILE
  SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC
    WITH b AS (SELECT * FROM leadroute.backtest(leads, actual_owner_column)),
         n AS (SELECT count(*) AS total FROM b)
    SELECT 'agreement', 'the current rules give the lead to its actual owner', count(*) FILTER (WHERE b.agrees),
           round(100.0 * count(*) FILTER (WHERE b.agrees) / nullif(n.total, 0), 1)
      FROM b, n GROUP BY n.total
    UNION ALL
    SELECT 'fallback', 'leads that would hit the fallback (catch-all or default queue)', count(*) FILTER (WHERE b.fallback),
           round(100.0 * count(*) FILTER (WHERE b.fallback) / nullif(n.total, 0), 1)
      FROM b, n GROUP BY n.total
    UNION ALL
    (SELECT 'disagreement', b.reason, count(*), round(100.0 * count(*) / nullif(n.total, 0), 1)
       FROM b, n WHERE NOT b.agrees GROUP BY b.reason, n.total ORDER BY count(*) DESC, b.reason);
  END;
COMMENT ON FUNCTION leadroute.backtest_summary(text, text) IS
  'backtest() summed up: the agreement rate, the leads that would hit the fallback, and the disagreements grouped by reason (which rule, which skipped candidate), most frequent first';

REVOKE ALL ON FUNCTION leadroute.backtest(text, text), leadroute.backtest_summary(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION leadroute.backtest(text, text), leadroute.backtest_summary(text, text)
  TO leadroute_admin, leadroute_analyst;

-- ---- Configuration change history (issue 9) -------------------------------------------------
-- Change history of the configuration (issue 9): every row written to a configuration table is
-- recorded in leadroute.config_history, and config_at() rebuilds the configuration of any past
-- moment from it (explain() of an old lead uses the rules that decided it).
--
-- Tracked: reps, pools, pool_members, rules, territories, time_off, sla_policies, metric_settings
-- and alert_thresholds (escalation has no table: it is reps.manager_id / backup_id and GUCs).
-- Not tracked: accounts and account_domains (business data a CRM sync loads in bulk, often
-- millions of rows a night: its history belongs to the CRM), freemail_domains (a shipped list of
-- thousands of domains), and the engine's own tables (leads, decisions, ...: already a history).
-- This file is also part of the update from 0.1.0 (src/sql/upgrades/): it is self-contained.

CREATE TABLE leadroute.config_history (
  id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  changed_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
  recorded_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
  changed_by  name NOT NULL DEFAULT SESSION_USER,
  acting_role name NOT NULL,
  table_name  text NOT NULL,
  operation   text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'SNAPSHOT')),
  row_key     jsonb NOT NULL,
  before      jsonb,
  after       jsonb,
  CONSTRAINT config_history_images CHECK (
    (before IS NULL) = (operation IN ('INSERT', 'SNAPSHOT')) AND
    (after IS NULL) = (operation IN ('DELETE', 'TRUNCATE')))
);
CREATE INDEX config_history_table_time_idx ON leadroute.config_history (table_name, recorded_at);
COMMENT ON TABLE leadroute.config_history IS
  'Every change to the routing configuration (reps, pools, pool_members, rules, territories, time_off, sla_policies, metric_settings, alert_thresholds): who, when, before and after. Accounts and account_domains are business data synced in bulk from the CRM and are not recorded; neither is the shipped free-mail list';
COMMENT ON COLUMN leadroute.config_history.id IS 'Order of the changes (also inside one transaction)';
COMMENT ON COLUMN leadroute.config_history.changed_at IS 'Start of the transaction that made the change (now()): the same for every change of one transaction';
COMMENT ON COLUMN leadroute.config_history.recorded_at IS 'Clock time of the change (clock_timestamp()); config_at() compares with it';
COMMENT ON COLUMN leadroute.config_history.changed_by IS 'The person: the logged-in database user (session_user), also when the change ran inside a SECURITY DEFINER function or after SET ROLE';
COMMENT ON COLUMN leadroute.config_history.acting_role IS 'The role the person acted as (SET ROLE), or the logged-in user when none was set';
COMMENT ON COLUMN leadroute.config_history.table_name IS 'The configuration table (in schema leadroute)';
COMMENT ON COLUMN leadroute.config_history.operation IS 'INSERT, UPDATE, DELETE, TRUNCATE (one row per row removed), or SNAPSHOT (the rows that existed when the history began)';
COMMENT ON COLUMN leadroute.config_history.row_key IS 'The primary key of the row, as JSON ({"id": 7}; {"pool_id": 1, "rep_id": 3}); for an UPDATE, the key after the change';
COMMENT ON COLUMN leadroute.config_history.before IS 'The row before the change (NULL for INSERT and SNAPSHOT)';
COMMENT ON COLUMN leadroute.config_history.after IS 'The row after the change (NULL for DELETE and TRUNCATE)';

-- pg_dump writes its scripts with row_security and check_function_bodies off; a normal session
-- has row_security on. While a dump is restored the restored history is the truth: the rows the
-- restore itself writes into configuration tables are not changes, and are not recorded.
CREATE FUNCTION leadroute._restoring_dump() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  RETURN pg_catalog.current_setting('row_security') = 'off'
     AND pg_catalog.current_setting('check_function_bodies') = 'off';
COMMENT ON FUNCTION leadroute._restoring_dump() IS
  'Internal: true in a session that replays a pg_dump script (pg_restore, psql -f dump.sql): configuration changes are then not recorded';

-- One function for every table: the trigger arguments name the primary key columns. Rows go in
-- as JSON, so a column added later is recorded without any change here.
CREATE FUNCTION leadroute._record_config_change() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  image jsonb;
  role_now name := pg_catalog.current_setting('role');
BEGIN
  IF leadroute._restoring_dump() THEN
    RETURN NULL;
  END IF;
  IF role_now OPERATOR(pg_catalog.=) 'none' THEN
    role_now := SESSION_USER;
  END IF;
  IF TG_LEVEL OPERATOR(pg_catalog.=) 'STATEMENT' THEN      -- BEFORE TRUNCATE: the rows still exist
    EXECUTE pg_catalog.format(
      'INSERT INTO leadroute.config_history (acting_role, table_name, operation, row_key, before)'
      ' SELECT $1, $2, ''TRUNCATE'','
      '        (SELECT pg_catalog.jsonb_object_agg(k, pg_catalog.to_jsonb(t) OPERATOR(pg_catalog.->) k)'
      '           FROM pg_catalog.unnest($3) k),'
      '        pg_catalog.to_jsonb(t)'
      '   FROM ONLY %I.%I t', TG_TABLE_SCHEMA, TG_TABLE_NAME)
      USING role_now, TG_TABLE_NAME, TG_ARGV;
    RETURN NULL;
  END IF;
  IF TG_OP OPERATOR(pg_catalog.=) 'DELETE' THEN
    image := pg_catalog.to_jsonb(OLD);
  ELSE
    image := pg_catalog.to_jsonb(NEW);
  END IF;
  INSERT INTO leadroute.config_history (acting_role, table_name, operation, row_key, before, after)
  VALUES (role_now, TG_TABLE_NAME, TG_OP,
          (SELECT pg_catalog.jsonb_object_agg(k, image OPERATOR(pg_catalog.->) k) FROM pg_catalog.unnest(TG_ARGV) k),
          CASE WHEN TG_OP OPERATOR(pg_catalog.<>) 'INSERT' THEN pg_catalog.to_jsonb(OLD) END,
          CASE WHEN TG_OP OPERATOR(pg_catalog.<>) 'DELETE' THEN image END);
  RETURN NULL;
END
$body$;
COMMENT ON FUNCTION leadroute._record_config_change() IS
  'Internal: records a change of a configuration table in config_history (arguments: the primary key columns)';

-- Attaches the history triggers to a configuration table (its primary key from the catalog). An
-- UPDATE that changes nothing is skipped by the trigger's WHEN clause before any function runs.
CREATE FUNCTION leadroute._track_config_history(config_table regclass) RETURNS void
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  key_args text;
BEGIN
  SELECT pg_catalog.string_agg(pg_catalog.quote_literal(a.attname), ', ' ORDER BY k.ord)
    INTO key_args
    FROM pg_catalog.pg_index i
   CROSS JOIN LATERAL pg_catalog.unnest(i.indkey::smallint[]) WITH ORDINALITY k(attnum, ord)
    JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) i.indrelid
                                  AND a.attnum OPERATOR(pg_catalog.=) k.attnum
   WHERE i.indrelid OPERATOR(pg_catalog.=) config_table AND i.indisprimary;
  IF key_args IS NULL THEN
    RAISE EXCEPTION 'table % has no primary key', config_table
      USING ERRCODE = 'invalid_table_definition', HINT = 'The change history identifies rows by their primary key.';
  END IF;
  EXECUTE pg_catalog.format(
    'CREATE TRIGGER record_history AFTER INSERT OR DELETE ON %s FOR EACH ROW '
    'EXECUTE FUNCTION leadroute._record_config_change(%s)', config_table, key_args);
  EXECUTE pg_catalog.format(
    'CREATE TRIGGER record_history_update AFTER UPDATE ON %s FOR EACH ROW '
    'WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION leadroute._record_config_change(%s)',
    config_table, key_args);
  EXECUTE pg_catalog.format(
    'CREATE TRIGGER record_history_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT '
    'EXECUTE FUNCTION leadroute._record_config_change(%s)', config_table, key_args);
  -- The rows that exist now: history begins with them (not while a dump is being restored,
  -- which brings its own history).
  IF NOT leadroute._restoring_dump() THEN
    EXECUTE pg_catalog.format(
      'INSERT INTO leadroute.config_history (acting_role, table_name, operation, row_key, after)'
      ' SELECT SESSION_USER, $1, ''SNAPSHOT'','
      '        (SELECT pg_catalog.jsonb_object_agg(k, pg_catalog.to_jsonb(t) OPERATOR(pg_catalog.->) k)'
      '           FROM pg_catalog.unnest($2) k),'
      '        pg_catalog.to_jsonb(t)'
      '   FROM ONLY %s t ORDER BY 4', config_table)
      USING (SELECT c.relname::text FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) config_table),
            (SELECT pg_catalog.array_agg(a.attname::text ORDER BY k.ord)
               FROM pg_catalog.pg_index i
              CROSS JOIN LATERAL pg_catalog.unnest(i.indkey::smallint[]) WITH ORDINALITY k(attnum, ord)
               JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) i.indrelid
                                             AND a.attnum OPERATOR(pg_catalog.=) k.attnum
              WHERE i.indrelid OPERATOR(pg_catalog.=) config_table AND i.indisprimary);
  END IF;
END
$body$;
COMMENT ON FUNCTION leadroute._track_config_history(regclass) IS
  'Internal: records every change of this configuration table in config_history from now on (attaches the triggers, snapshots the current rows)';

DO $track$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['reps', 'pools', 'pool_members', 'rules', 'rulesets', 'territories', 'time_off',
                            'sla_policies', 'metric_settings', 'alert_thresholds'] LOOP
    PERFORM leadroute._track_config_history(pg_catalog.format('leadroute.%I', t)::regclass);
  END LOOP;
END
$track$;

-- The rows of a configuration table at a past moment. A row's state is its latest recorded
-- change at or before `at`; the snapshot taken when the history began counts for every earlier
-- moment too (the best knowledge there is of rows older than the history).
CREATE FUNCTION leadroute.config_at(at timestamptz, config_table regclass) RETURNS SETOF jsonb
  LANGUAGE plpgsql STABLE
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  tracked_name text;
BEGIN
  SELECT c.relname INTO tracked_name
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_trigger g ON g.tgrelid OPERATOR(pg_catalog.=) c.oid
   WHERE c.oid OPERATOR(pg_catalog.=) config_table AND g.tgname OPERATOR(pg_catalog.=) 'record_history';
  IF tracked_name IS NULL THEN
    RAISE EXCEPTION 'table % has no change history', config_table
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'config_history records reps, pools, pool_members, rules, territories, time_off, sla_policies, metric_settings and alert_thresholds.';
  END IF;
  RETURN QUERY
  SELECT s.after
    FROM (SELECT DISTINCT ON (e.row_key) e.after
            FROM leadroute.config_history h
           CROSS JOIN LATERAL (
             SELECT h.row_key, h.after
             UNION ALL
             -- an UPDATE that changed the key ends the row under its old key
             SELECT (SELECT pg_catalog.jsonb_object_agg(k, h.before OPERATOR(pg_catalog.->) k)
                       FROM pg_catalog.jsonb_object_keys(h.row_key) k), NULL::jsonb
              WHERE h.operation OPERATOR(pg_catalog.=) 'UPDATE'
                AND NOT h.before OPERATOR(pg_catalog.@>) h.row_key) e
           WHERE h.table_name OPERATOR(pg_catalog.=) tracked_name
             AND (h.recorded_at OPERATOR(pg_catalog.<=) at OR h.operation OPERATOR(pg_catalog.=) 'SNAPSHOT')
           ORDER BY e.row_key, h.id DESC) s
   WHERE s.after IS NOT NULL
   ORDER BY s.after OPERATOR(pg_catalog.->) 'id', s.after;
END
$body$;
COMMENT ON FUNCTION leadroute.config_at(timestamptz, regclass) IS
  'The rows of a configuration table as they were at a past moment, as JSON, rebuilt from config_history';

CREATE FUNCTION leadroute.config_at(at timestamptz) RETURNS SETOF leadroute.rules
  LANGUAGE sql STABLE
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT r.*
    FROM leadroute.config_at(at, 'leadroute.rules'::regclass) j
   CROSS JOIN LATERAL pg_catalog.jsonb_populate_record(NULL::leadroute.rules, j) r
   ORDER BY r.priority
$$;
COMMENT ON FUNCTION leadroute.config_at(timestamptz) IS
  'The routing rules as they were at a past moment (rebuilt from config_history), in priority order';

-- The names explain() prints for a decision: rules (name, priority, action), reps and pools as
-- they were when the decision was made, and the current ones for anything the history does not
-- know (no decision, or a decision older than the history).
CREATE FUNCTION leadroute._explain_names(decision_id bigint, OUT kind text, OUT id bigint,
    OUT name text, OUT priority integer, OUT action text)
  RETURNS SETOF record
  LANGUAGE sql STABLE
  SET search_path = pg_catalog, pg_temp
  AS $$
  WITH decided AS (
    SELECT d.decided_at FROM leadroute.decisions d WHERE d.id OPERATOR(pg_catalog.=) decision_id
  ), past AS (
    SELECT 'rule' AS kind, r.id, r.name, r.priority, r.action
      FROM decided CROSS JOIN LATERAL leadroute.config_at(decided.decided_at) r
    UNION ALL
    SELECT 'rep', (j OPERATOR(pg_catalog.->>) 'id')::bigint, j OPERATOR(pg_catalog.->>) 'name', NULL, NULL
      FROM decided CROSS JOIN LATERAL leadroute.config_at(decided.decided_at, 'leadroute.reps'::regclass) j
    UNION ALL
    SELECT 'pool', (j OPERATOR(pg_catalog.->>) 'id')::bigint, j OPERATOR(pg_catalog.->>) 'name', NULL, NULL
      FROM decided CROSS JOIN LATERAL leadroute.config_at(decided.decided_at, 'leadroute.pools'::regclass) j
  ), current AS (
    SELECT 'rule' AS kind, r.id, r.name, r.priority, r.action FROM leadroute.rules r
    UNION ALL SELECT 'rep', p.id, p.name, NULL, NULL FROM leadroute.reps p
    UNION ALL SELECT 'pool', o.id, o.name, NULL, NULL FROM leadroute.pools o
  )
  SELECT * FROM past
  UNION ALL
  SELECT * FROM current c
   WHERE NOT EXISTS (SELECT 1 FROM past p
                      WHERE p.kind OPERATOR(pg_catalog.=) c.kind AND p.id OPERATOR(pg_catalog.=) c.id)
$$;
COMMENT ON FUNCTION leadroute._explain_names(bigint) IS
  'Internal: names of rules, reps and pools as explain() shows them for a decision: as of the decision (config_history), else current';

REVOKE ALL ON leadroute.config_history FROM PUBLIC;
REVOKE ALL ON SEQUENCE leadroute.config_history_id_seq FROM PUBLIC;
REVOKE ALL ON FUNCTION leadroute._restoring_dump(), leadroute._record_config_change(),
    leadroute._track_config_history(regclass), leadroute._explain_names(bigint),
    leadroute.config_at(timestamptz, regclass),
    leadroute.config_at(timestamptz) FROM PUBLIC;
GRANT SELECT ON leadroute.config_history TO leadroute_admin, leadroute_analyst;
GRANT EXECUTE ON FUNCTION leadroute.config_at(timestamptz, regclass), leadroute.config_at(timestamptz)
  TO leadroute_admin, leadroute_analyst;

SELECT pg_catalog.pg_extension_config_dump('leadroute.config_history', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.config_history_id_seq', '');

-- ---- Rule analysis (issue 9) ------------------------------------------------------------
-- Static analysis of the rule set (issue 9, for audit()): rules that can never win.

CREATE FUNCTION leadroute._unreachable_rules(rule_ids bigint[], names text[], priorities integer[],
                                             conditions text[], actions text[])
  RETURNS TABLE (rule_id bigint, kind text, covered_by bigint[], explanation text)
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_unreachable_rules';
COMMENT ON FUNCTION leadroute._unreachable_rules(bigint[], text[], integer[], text[], text[]) IS
  'Internal (audit): given the enabled rules in priority order (one array element per rule), the rules proven unreachable: kind never_true (the condition is never true) or shadowed (an earlier rule whose action never falls through takes every lead it matches; covered_by lists those rules). Sound, not complete: a rule it cannot prove dead is not returned';
REVOKE ALL ON FUNCTION leadroute._unreachable_rules(bigint[], text[], integer[], text[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION leadroute._unreachable_rules(bigint[], text[], integer[], text[], text[])
  TO leadroute_admin, leadroute_analyst;

-- ---- The monthly audit (issue 9) -----------------------------------------------------------
-- The monthly audit (issue 9, the guide's "audit monthly, not annually"): leadroute.audit() lists
-- what is wrong or drifting in the configuration, each finding with a severity and a fix.
-- This file is also part of the update from 0.1.0 (src/sql/upgrades/): it is self-contained.

CREATE FUNCTION leadroute._condition_fields(condition text) RETURNS text[]
  LANGUAGE c STRICT IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_condition_fields';
COMMENT ON FUNCTION leadroute._condition_fields(text) IS
  'Internal: the lead fields a condition reads (country, attributes.utm.source), parsed by the condition language';

CREATE FUNCTION leadroute._condition_always_true(condition text) RETURNS boolean
  LANGUAGE c STRICT IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_condition_always_true';
COMMENT ON FUNCTION leadroute._condition_always_true(text) IS
  'Internal: whether a condition is true for every lead (TRUE, or constants that fold to TRUE)';

-- How many leads captured in the window have no value in a field a rule reads (input columns and
-- attributes; the fields routing derives, such as account_id, are empty by design).
CREATE FUNCTION leadroute._field_null_counts(fields text[], since timestamptz, until timestamptz,
    OUT field text, OUT leads bigint, OUT empty bigint)
  RETURNS SETOF record
  LANGUAGE plpgsql STABLE
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  column_name text;
  path text[];
BEGIN
  FOREACH field IN ARRAY fields LOOP
    IF field LIKE 'attributes.%' THEN
      path := pg_catalog.string_to_array(pg_catalog.substr(field, 12), '.');
      EXECUTE 'SELECT count(*), count(*) FILTER (WHERE pg_catalog.jsonb_typeof(l.attributes #> $3) IS NULL'
              '                                    OR pg_catalog.jsonb_typeof(l.attributes #> $3) = ''null'')'
              '  FROM leadroute.leads l WHERE l.captured_at > $1 AND l.captured_at <= $2'
        INTO leads, empty USING since, until, path;
    ELSE
      SELECT a.attname INTO column_name
        FROM pg_catalog.pg_attribute a
       WHERE a.attrelid = 'leadroute.leads'::regclass AND a.attname = field AND a.attnum > 0
         AND NOT a.attisdropped
         AND field NOT IN ('email_domain', 'is_freemail', 'account_id', 'match_tier');
      CONTINUE WHEN column_name IS NULL;
      EXECUTE pg_catalog.format(
        'SELECT count(*), count(*) FILTER (WHERE l.%I IS NULL)'
        '  FROM leadroute.leads l WHERE l.captured_at > $1 AND l.captured_at <= $2', column_name)
        INTO leads, empty USING since, until;
    END IF;
    RETURN NEXT;
  END LOOP;
END
$body$;
COMMENT ON FUNCTION leadroute._field_null_counts(text[], timestamptz, timestamptz) IS
  'Internal: leads captured in (since, until] and how many of them had each field empty (audit)';

CREATE FUNCTION leadroute.audit(at timestamptz DEFAULT NULL)
  RETURNS TABLE (severity text, finding text, object text, detail text, suggested_fix text)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  clock timestamptz := coalesce(at, nullif(pg_catalog.current_setting('leadroute.now', true), '')::timestamptz,
                                pg_catalog.now());
  default_queue text := coalesce(nullif(pg_catalog.current_setting('leadroute.default_queue', true), ''), 'unrouted');
  unreachable jsonb := '[]';
  used_fields text[];
BEGIN
  -- Rules no lead can reach, from the static analysis of the conditions (enabled rules only).
  SELECT coalesce(pg_catalog.jsonb_agg(u), '[]') INTO unreachable
    FROM (SELECT pg_catalog.array_agg(r.id ORDER BY r.priority) AS ids,
                 pg_catalog.array_agg(r.name ORDER BY r.priority) AS names,
                 pg_catalog.array_agg(r.priority ORDER BY r.priority) AS priorities,
                 pg_catalog.array_agg(r.condition ORDER BY r.priority) AS conditions,
                 pg_catalog.array_agg(r.action ORDER BY r.priority) AS actions
            FROM leadroute.rules r WHERE r.enabled AND r.ruleset IS NULL) a
   CROSS JOIN LATERAL leadroute._unreachable_rules(a.ids, a.names, a.priorities, a.conditions, a.actions) u;
  SELECT pg_catalog.array_agg(DISTINCT f) INTO used_fields
    FROM leadroute.rules r CROSS JOIN LATERAL pg_catalog.unnest(leadroute._condition_fields(r.condition)) f
   WHERE r.enabled AND r.ruleset IS NULL;

  RETURN QUERY
  WITH enabled_rules AS (
    SELECT r.* FROM leadroute.rules r WHERE r.enabled AND r.ruleset IS NULL
  ),
  away AS (   -- reps on time off at the audit's moment
    SELECT DISTINCT t.rep_id FROM leadroute.time_off t WHERE t.during @> clock
  ),
  findings(severity, finding, object, detail, suggested_fix) AS (
    -- A lead that matches no rule goes to the default queue: the guide's "lead black hole".
    SELECT 'error', 'no_catch_all', 'rules',
           pg_catalog.format('No enabled rule is true for every lead and always places it (action rep, pool, queue or nurture): a lead that matches no rule waits in the default queue %L.', default_queue),
           pg_catalog.format('Add a catch-all as the last rule: INSERT INTO leadroute.rules (priority, name, condition, action, pool_id) VALUES (%s, ''Everything else'', ''TRUE'', ''pool'', <pool id>);',
                             coalesce((SELECT max(r.priority) FROM leadroute.rules r WHERE r.ruleset IS NULL), 0) + 1000)
     WHERE NOT EXISTS (SELECT 1 FROM enabled_rules r
                        WHERE r.action NOT IN ('account_owner', 'account_csm', 'territory')
                          AND leadroute._condition_always_true(r.condition))
    UNION ALL
    -- Rules that can never place a lead.
    SELECT 'warning',
           CASE u.kind WHEN 'never_true' THEN 'rule_never_true' ELSE 'rule_shadowed' END,
           pg_catalog.format('rule %L', r.name),
           u.explanation,
           CASE u.kind
             WHEN 'never_true' THEN 'Fix the condition, or disable the rule: UPDATE leadroute.rules SET enabled = false WHERE id = ' || r.id || ';'
             ELSE pg_catalog.format('Earlier rules %s take every lead it matches: give it a lower priority than theirs, narrow their conditions, or disable it (UPDATE leadroute.rules SET enabled = false WHERE id = %s).',
                                    (SELECT pg_catalog.string_agg(pg_catalog.quote_literal(c.name), ', ' ORDER BY c.priority)
                                       FROM leadroute.rules c WHERE c.id = ANY (u.covered_by)), r.id)
           END
      FROM pg_catalog.jsonb_to_recordset(unreachable) AS u(rule_id bigint, kind text, covered_by bigint[], explanation text)
      JOIN leadroute.rules r ON r.id = u.rule_id
    UNION ALL
    -- Rules that placed no lead in 30 days (decisions of kind routed or rerouted; escalations are
    -- not rule decisions), among rules older than the window, when the window had decisions at all.
    SELECT 'warning', 'rule_never_fired', pg_catalog.format('rule %L', r.name),
           pg_catalog.format('Priority %s: placed no lead in the 30 days before the audit, while %s leads were routed.',
                             r.priority, w.decisions),
           'Check whether the leads it was written for still arrive with these values (territory or product changes), or disable it: UPDATE leadroute.rules SET enabled = false WHERE id = ' || r.id || ';'
      FROM enabled_rules r
     CROSS JOIN (SELECT count(*) AS decisions FROM leadroute.decisions d
                  WHERE d.kind <> 'escalated' AND d.decided_at > clock - interval '30 days' AND d.decided_at <= clock) w
     WHERE w.decisions > 0
       AND NOT EXISTS (SELECT 1 FROM leadroute.decisions d
                        WHERE d.rule_id = r.id AND d.kind <> 'escalated'
                          AND d.decided_at > clock - interval '30 days' AND d.decided_at <= clock)
       -- created inside the window (by the change history): too young to judge
       AND NOT EXISTS (SELECT 1 FROM leadroute.config_history h
                        WHERE h.table_name = 'rules' AND h.operation = 'INSERT'
                          AND h.row_key = pg_catalog.jsonb_build_object('id', r.id)
                          AND h.recorded_at > clock - interval '30 days')
    UNION ALL
    -- Rules that send leads to a rep who left (or is paused).
    SELECT CASE WHEN b.id IS NULL THEN 'error' ELSE 'warning' END, 'rule_targets_inactive_rep',
           pg_catalog.format('rule %L', r.name),
           pg_catalog.format('Sends leads to %s (rep %s), who is inactive; %s', p.name, p.id,
                             CASE WHEN b.id IS NULL THEN pg_catalog.format('with no active backup the leads wait in the default queue %L.', default_queue)
                                  ELSE pg_catalog.format('the backup %s takes them.', b.name) END),
           pg_catalog.format('Point the rule at a pool or an active rep: UPDATE leadroute.rules SET rep_id = <rep id> WHERE id = %s;', r.id)
      FROM enabled_rules r
      JOIN leadroute.reps p ON p.id = r.rep_id AND NOT p.active
      LEFT JOIN leadroute.reps b ON b.id = p.backup_id AND b.active
    UNION ALL
    -- Rules that send leads to a pool without members.
    SELECT 'error', 'rule_targets_empty_pool', pg_catalog.format('rule %L', r.name),
           pg_catalog.format('Sends leads to pool %L, which has no members: they go to its overflow pool or the default queue %L.', o.name, default_queue),
           pg_catalog.format('Add reps: INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (%s, <rep id>);', o.id)
      FROM enabled_rules r
      JOIN leadroute.pools o ON o.id = r.pool_id
     WHERE NOT EXISTS (SELECT 1 FROM leadroute.pool_members m WHERE m.pool_id = o.id)
    UNION ALL
    -- Pools with members, none of whom can take a lead now.
    SELECT 'error', 'pool_unavailable', pg_catalog.format('pool %L', o.name),
           pg_catalog.format('All %s members are inactive (%s) or on time off (%s): its leads go to %s.',
                             s.members, s.inactive, s.away,
                             coalesce(pg_catalog.format('overflow pool %L', ov.name), pg_catalog.format('the default queue %L', default_queue))),
           pg_catalog.format('Add an available rep (INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (%s, <rep id>)) or set an overflow pool (UPDATE leadroute.pools SET overflow_pool_id = <pool id> WHERE id = %s).', o.id, o.id)
      FROM leadroute.pools o
     CROSS JOIN LATERAL (
       SELECT count(*) AS members,
              count(*) FILTER (WHERE NOT p.active) AS inactive,
              count(*) FILTER (WHERE p.active AND p.id IN (SELECT a.rep_id FROM away a)) AS away,
              count(*) FILTER (WHERE p.active AND p.id NOT IN (SELECT a.rep_id FROM away a)) AS available
         FROM leadroute.pool_members m JOIN leadroute.reps p ON p.id = m.rep_id
        WHERE m.pool_id = o.id) s
      LEFT JOIN leadroute.pools ov ON ov.id = o.overflow_pool_id
     WHERE s.members > 0 AND s.available = 0
    UNION ALL
    -- Active reps who get no new leads: in no pool and named by no rule or territory.
    SELECT 'info', 'rep_in_no_pool', pg_catalog.format('rep %L', p.name),
           pg_catalog.format('%s (rep %s) is active but in no pool, and no enabled rule or territory names them: they get leads only as an account owner, CSM or backup.', p.name, p.id),
           'Add them to a pool (INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (<pool id>, ' || p.id || ')), or ignore this if their role is not inbound.'
      FROM leadroute.reps p
     WHERE p.active
       AND NOT EXISTS (SELECT 1 FROM leadroute.pool_members m WHERE m.rep_id = p.id)
       AND NOT EXISTS (SELECT 1 FROM enabled_rules r WHERE r.rep_id = p.id)
       AND NOT EXISTS (SELECT 1 FROM leadroute.territories t WHERE t.enabled AND t.rep_id = p.id)
    UNION ALL
    -- Time off now or ahead with nobody named to cover it.
    SELECT 'warning', 'time_off_without_backup', pg_catalog.format('rep %L', p.name),
           pg_catalog.format('%s is away %s with no active backup (neither on the time off nor on the rep): leads that rules send to them go to the next pool member, or wait in the default queue %L.',
                             p.name, pg_catalog.to_char(pg_catalog.lower(t.during), 'YYYY-MM-DD') || ' to ' || coalesce(pg_catalog.to_char(pg_catalog.upper(t.during), 'YYYY-MM-DD'), 'further notice'), default_queue),
           pg_catalog.format('Name a backup: UPDATE leadroute.time_off SET backup_id = <rep id> WHERE id = %s;', t.id)
      FROM leadroute.time_off t
      JOIN leadroute.reps p ON p.id = t.rep_id
      LEFT JOIN leadroute.reps tb ON tb.id = t.backup_id AND tb.active
      LEFT JOIN leadroute.reps rb ON rb.id = p.backup_id AND rb.active
     WHERE p.active
       AND (pg_catalog.upper_inf(t.during) OR pg_catalog.upper(t.during) > clock)
       AND tb.id IS NULL AND rb.id IS NULL
    UNION ALL
    -- Accounts still owned by reps who left: account_owner rules skip them (stale ownership).
    SELECT 'warning', 'stale_account_owner', pg_catalog.format('rep %L', p.name),
           pg_catalog.format('%s (rep %s) is inactive but owns %s account(s)%s, e.g. %s: leads from them skip the account-owner rule.',
                             p.name, p.id, s.owned,
                             CASE WHEN s.csm > 0 THEN pg_catalog.format(' and is CSM of %s', s.csm) ELSE '' END,
                             s.examples),
           pg_catalog.format('Hand the accounts over: UPDATE leadroute.accounts SET owner_id = <rep id> WHERE owner_id = %s;', p.id)
      FROM leadroute.reps p
     CROSS JOIN LATERAL (
       SELECT (SELECT count(*) FROM leadroute.accounts a WHERE a.owner_id = p.id) AS owned,
              (SELECT count(*) FROM leadroute.accounts a WHERE a.csm_id = p.id) AS csm,
              (SELECT pg_catalog.string_agg(pg_catalog.quote_literal(x.name), ', ' ORDER BY x.id)
                 FROM (SELECT a.id, a.name FROM leadroute.accounts a WHERE a.owner_id = p.id ORDER BY a.id LIMIT 3) x) AS examples) s
     WHERE NOT p.active AND s.owned > 0
    UNION ALL
    -- Fields rules depend on that the leads often lack: the guide's "do not build rules on
    -- fields you cannot reliably populate".
    SELECT 'warning', 'field_often_empty', pg_catalog.format('field %s', n.field),
           pg_catalog.format('%s was empty on %s%% of the %s leads captured in the 30 days before the audit; rules that read it: %s.',
                             n.field, pg_catalog.round(100.0 * n.empty / n.leads, 1), n.leads,
                             (SELECT pg_catalog.string_agg(pg_catalog.quote_literal(r.name), ', ' ORDER BY r.priority)
                                FROM enabled_rules r WHERE n.field = ANY (leadroute._condition_fields(r.condition)))),
           'Fill it before routing (the form, or leadroute.enrichment_function), or route on a field the leads carry.'
      FROM leadroute._field_null_counts(coalesce(used_fields, '{}'), clock - interval '30 days', clock) n
     WHERE n.leads > 0 AND n.empty * 5 > n.leads
    UNION ALL
    -- The fallback rate rising three 30-day windows in a row, by at least 2 points overall.
    SELECT 'warning', 'fallback_rate_rising', 'routing',
           pg_catalog.format('Fallback rate %s%% → %s%% → %s%% over the last three 30-day windows (leads captured, first routing decision): the rules cover less and less of what arrives.',
                             pg_catalog.round(100 * m.r1, 1), pg_catalog.round(100 * m.r2, 1), pg_catalog.round(100 * m.r3, 1)),
           'Look at what the fallback leads have in common (SELECT * FROM leadroute.leads WHERE routing_model = ''fallback'' ORDER BY captured_at DESC) and add or widen a rule for them.'
      FROM (SELECT count(*) FILTER (WHERE f.fallback AND f.captured_at <= clock - interval '60 days')::numeric
                   / nullif(count(*) FILTER (WHERE f.decided AND f.captured_at <= clock - interval '60 days'), 0) AS r1,
                   count(*) FILTER (WHERE f.fallback AND f.captured_at > clock - interval '60 days' AND f.captured_at <= clock - interval '30 days')::numeric
                   / nullif(count(*) FILTER (WHERE f.decided AND f.captured_at > clock - interval '60 days' AND f.captured_at <= clock - interval '30 days'), 0) AS r2,
                   count(*) FILTER (WHERE f.fallback AND f.captured_at > clock - interval '30 days')::numeric
                   / nullif(count(*) FILTER (WHERE f.decided AND f.captured_at > clock - interval '30 days'), 0) AS r3
              FROM (SELECT * FROM leadroute._metric_lead_facts x
                     WHERE x.captured_at > clock - interval '90 days' AND x.captured_at <= clock OFFSET 0) f) m
     WHERE m.r1 < m.r2 AND m.r2 < m.r3 AND m.r3 - m.r1 >= 0.02
  )
  SELECT f.severity, f.finding, f.object, f.detail, f.suggested_fix
    FROM findings f
   ORDER BY CASE f.severity WHEN 'error' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END, f.finding, f.object;
END
$body$;
COMMENT ON FUNCTION leadroute.audit(timestamptz) IS
  'The monthly routing audit: findings (severity error, warning or info; a stable finding code; the object; what is wrong; how to fix it) as of `at` (default leadroute.now, else now())';

REVOKE ALL ON FUNCTION leadroute._condition_fields(text), leadroute._condition_always_true(text),
    leadroute._field_null_counts(text[], timestamptz, timestamptz), leadroute.audit(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION leadroute.audit(timestamptz) TO leadroute_admin, leadroute_analyst;

-- ---- The configuration explained to people (issue 9) ---------------------------------------
-- The configuration explained to a person (issue 9, the guide's "document everything"):
-- leadroute.document() writes Markdown a new RevOps hire can read without knowing SQL or the
-- condition language. Deterministic (no timestamps, everything in a fixed order).
-- This file is also part of the update from 0.1.0 (src/sql/upgrades/): it is self-contained.

CREATE FUNCTION leadroute._condition_words(condition text) RETURNS text
  LANGUAGE c STRICT IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_condition_words';
COMMENT ON FUNCTION leadroute._condition_words(text) IS
  'Internal: a condition in plain English (country IN (''US'',''CA'') → country is US or CA)';

-- A value inside a Markdown table cell: pipes escaped, one line.
CREATE FUNCTION leadroute._md_cell(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  RETURN pg_catalog.regexp_replace(pg_catalog.replace(coalesce(value, ''), '|', '\|'), '\s*\n\s*', ' ', 'g');
COMMENT ON FUNCTION leadroute._md_cell(text) IS 'Internal: text made safe for a Markdown table cell';

-- Weekly hours as people write them: "mon 09:00–17:00; tue 09:00–12:00, 13:00–17:00".
CREATE FUNCTION leadroute._hours_words(hours jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  RETURN CASE WHEN hours IS NULL THEN 'any time'
    ELSE (SELECT pg_catalog.string_agg(d.day || ' ' ||
                   (SELECT pg_catalog.string_agg((s.span ->> 0) || '–' || (s.span ->> 1), ', ' ORDER BY s.n)
                      FROM pg_catalog.jsonb_array_elements(hours -> d.day) WITH ORDINALITY s(span, n)),
                   '; ' ORDER BY d.n)
            FROM pg_catalog.unnest(ARRAY['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']) WITH ORDINALITY d(day, n)
           WHERE hours ? d.day) END;
COMMENT ON FUNCTION leadroute._hours_words(jsonb) IS 'Internal: working hours in words, for document()';

-- Where a rule sends the leads it matches, in words.
CREATE FUNCTION leadroute._rule_target_words(r leadroute.rules) RETURNS text
  LANGUAGE sql STABLE
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT CASE r.action
    WHEN 'rep' THEN
      (SELECT pg_catalog.format('the rep **%s**', p.name) ||
              CASE WHEN NOT p.active THEN
                coalesce((SELECT pg_catalog.format(' (inactive: the backup %s takes the leads)', b.name)
                            FROM leadroute.reps b WHERE b.id = p.backup_id AND b.active),
                         ' (inactive, and no active backup: the leads go to the default queue)')
              ELSE '' END
         FROM leadroute.reps p WHERE p.id = r.rep_id)
    WHEN 'pool' THEN
      (SELECT pg_catalog.format('the pool **%s** (see Pools)', o.name) FROM leadroute.pools o WHERE o.id = r.pool_id)
    WHEN 'territory' THEN
      'the first territory whose condition matches (see Territories); when none matches, the next rule decides'
    WHEN 'queue' THEN
      pg_catalog.format('the queue `%s`, without a rep: someone working that queue picks the lead up', r.queue)
    WHEN 'nurture' THEN
      'nurture (not sales-ready: no rep, no SLA)' ||
      coalesce(pg_catalog.format(', track `%s`', r.queue), '')
    WHEN 'account_owner' THEN
      'the owner of the matched account; when no account matched, or its owner is inactive, the next rule decides'
    WHEN 'account_csm' THEN
      'the customer success manager of the matched account; when no account matched, or it has no active CSM, the next rule decides'
  END
$$;
COMMENT ON FUNCTION leadroute._rule_target_words(leadroute.rules) IS 'Internal: a rule''s target in words, for document()';

CREATE FUNCTION leadroute.document() RETURNS text
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  default_queue text := coalesce(nullif(pg_catalog.current_setting('leadroute.default_queue', true), ''), 'unrouted');
  max_escalations text := coalesce(nullif(pg_catalog.current_setting('leadroute.max_escalations', true), ''), '2');
  catch_all text;
  out text;
  part text;
BEGIN
  SELECT r.name INTO catch_all FROM leadroute.rules r
   WHERE r.enabled AND r.ruleset IS NULL AND r.action NOT IN ('account_owner', 'account_csm', 'territory')
     AND leadroute._condition_always_true(r.condition)
   ORDER BY r.priority LIMIT 1;

  out := E'# Lead routing configuration\n\n'
      || E'Generated by `leadroute.document()` from the configuration tables: run it again after every change, '
      || E'and keep the result where the sales team can read it.\n\n'
      || pg_catalog.format(E'In short: %s enabled rules, %s pools, %s active reps (%s inactive), %s territories, %s SLA policies.\n\n',
           (SELECT count(*) FROM leadroute.rules WHERE enabled AND ruleset IS NULL), (SELECT count(*) FROM leadroute.pools),
           (SELECT count(*) FROM leadroute.reps WHERE active), (SELECT count(*) FROM leadroute.reps WHERE NOT active),
           (SELECT count(*) FROM leadroute.territories WHERE enabled), (SELECT count(*) FROM leadroute.sla_policies WHERE enabled));

  out := out || E'## How a lead is routed\n\n'
      || E'Every new lead is routed the moment it is stored:\n\n'
      || E'1. Its email domain, website and company name are matched to a known account (email domain first, then website, then company name). Free-mail addresses never match an account.\n'
      || E'2. The rules below are tried in order, lowest priority number first. **The first rule that matches decides**; the rules after it are not looked at.\n'
      || E'3. The rule''s target picks the rep. A rep who is inactive, on time off, outside working hours (when the pool respects them), over a lead cap or missing a required skill is skipped: their backup takes the lead, else the next pool member, else the pool''s overflow pool, else the default queue.\n'
      || E'4. The first matching SLA policy starts the clock for the first contact (see SLA and escalation).\n\n'
      || E'`SELECT leadroute.explain(<lead id>)` shows, for any lead, which rules were tried and why each did or did not match.\n\n';

  -- Rules, in the order they are tried.
  SELECT pg_catalog.string_agg(
           pg_catalog.format(E'### %s. %s\n\n', x.n, x.name)
           || pg_catalog.format(E'- **Priority:** %s\n', x.priority)
           || pg_catalog.format(E'- **When:** %s\n', leadroute._condition_words(x.condition))
           || pg_catalog.format(E'- **Goes to:** %s\n', leadroute._rule_target_words(x.r))
           || CASE WHEN x.required_skills <> '{}' THEN
                pg_catalog.format(E'- **Only reps with the skills:** %s\n', pg_catalog.array_to_string(x.required_skills, ', '))
              ELSE '' END
           || pg_catalog.format(E'- **Why:** %s\n', coalesce(x.rationale, '_not written down yet_ (`UPDATE leadroute.rules SET rationale = ''...'' WHERE id = ' || x.id || ';`)'))
           || pg_catalog.format(E'- **Condition as written:** `%s`\n', x.condition),
           E'\n' ORDER BY x.priority)
    INTO part
    FROM (SELECT r AS r, r.*, pg_catalog.row_number() OVER (ORDER BY r.priority) AS n
            FROM leadroute.rules r WHERE r.enabled AND r.ruleset IS NULL) x;
  out := out || E'## Rules, in the order they are tried\n\n' || coalesce(part, E'_No enabled rules: every lead goes to the default queue._\n');

  SELECT pg_catalog.string_agg(pg_catalog.format(E'- %s (priority %s): when %s → %s\n', r.name, r.priority,
                                                  leadroute._condition_words(r.condition), leadroute._rule_target_words(r)),
                               '' ORDER BY r.priority)
    INTO part FROM leadroute.rules r WHERE NOT r.enabled AND r.ruleset IS NULL;
  IF part IS NOT NULL THEN
    out := out || E'\nDisabled rules (kept, but skipped):\n\n' || part;
  END IF;

  -- Other versions of the rules (shadow mode, drafts).
  SELECT pg_catalog.string_agg(
           pg_catalog.format(E'- **%s** (%s, %s rules): %s\n', s.name,
                             CASE s.mode WHEN 'shadow' THEN 'shadow: decided on every lead beside the live rules, never applied'
                                         ELSE 'draft: not evaluated' END,
                             (SELECT count(*) FROM leadroute.rules r WHERE r.ruleset = s.name),
                             coalesce(s.description, '_no description_')),
           '' ORDER BY s.name)
    INTO part FROM leadroute.rulesets s;
  IF part IS NOT NULL THEN
    out := out || E'\nOther versions of the rules (`leadroute.rulesets`; compare with `leadroute.shadow_summary`):\n\n' || part;
  END IF;

  out := out || E'\n## When nothing matches\n\n'
      || CASE WHEN catch_all IS NOT NULL THEN
           pg_catalog.format(E'The rule "%s" matches every lead that the rules before it did not take, so no lead is left without a decision. ', catch_all)
           || pg_catalog.format(E'Leads it places count as **fallback** in the metrics: a fallback rate above 10%% means the rules above it miss a kind of lead that keeps arriving.\n\n')
         ELSE E'**No rule matches every lead.** A lead that matches no rule is counted as fallback and '
           || E'waits in the default queue until someone takes it: add a catch-all rule at the end.\n\n' END
      || pg_catalog.format(E'The default queue is `%s` (setting `leadroute.default_queue`). ', default_queue)
      || E'Leads also land there when a rule''s target has nobody available and no overflow, and leads whose routing failed wait in the queue `routing_error` (with the error in their decision).\n\n';

  -- Pools.
  SELECT pg_catalog.string_agg(
           pg_catalog.format(E'### %s\n\n', o.name)
           || coalesce(o.description || E'\n\n', '')
           || pg_catalog.format(E'- **How leads are shared:** %s\n', CASE o.strategy
                WHEN 'round_robin' THEN 'round-robin: members take turns, each in proportion to their weight'
                WHEN 'least_loaded' THEN 'least loaded: the member with the fewest open leads relative to weight and capacity'
                WHEN 'skills' THEN 'skills: the best skill match first, taking turns among equals'
                WHEN 'performance' THEN 'performance: the highest estimated conversion rate, with some leads kept for exploration so newer reps still get chances'
                ELSE o.strategy END)
           || CASE WHEN o.strategy = 'round_robin' THEN pg_catalog.format(E'- **A rep who was away:** %s\n', CASE o.absence_policy
                WHEN 'catch_up' THEN 'gets the missed turns back, at most every other lead'
                ELSE 'loses the missed turns (no burst of leads when back)' END) ELSE '' END
           || pg_catalog.format(E'- **Working hours:** %s\n', CASE WHEN o.respect_working_hours
                THEN 'members get leads only inside their working hours' ELSE 'not considered' END)
           || pg_catalog.format(E'- **When no member can take a lead:** %s\n',
                coalesce((SELECT pg_catalog.format('the pool %s', ov.name) FROM leadroute.pools ov WHERE ov.id = o.overflow_pool_id),
                         pg_catalog.format('the default queue `%s`', default_queue)))
           || pg_catalog.format(E'- **Rules that send leads here:** %s\n',
                coalesce((SELECT pg_catalog.string_agg(r.name, ', ' ORDER BY r.priority) FROM leadroute.rules r WHERE r.enabled AND r.ruleset IS NULL AND r.pool_id = o.id), 'none'))
           || E'\n| Member | Weight | Share by weight | Status |\n|---|---|---|---|\n'
           || coalesce((SELECT pg_catalog.string_agg(pg_catalog.format(E'| %s | %s | %s%% | %s |\n',
                                 leadroute._md_cell(p.name), pg_catalog.trim_scale(m.weight),
                                 pg_catalog.round(100 * m.weight / (SELECT sum(w.weight) FROM leadroute.pool_members w WHERE w.pool_id = o.id), 0),
                                 CASE WHEN p.active THEN 'active' ELSE 'inactive (gets no leads)' END),
                               '' ORDER BY p.name, p.id)
                          FROM leadroute.pool_members m JOIN leadroute.reps p ON p.id = m.rep_id
                         WHERE m.pool_id = o.id), E'| _no members_ | | | |\n'),
           E'\n' ORDER BY o.name, o.id)
    INTO part FROM leadroute.pools o;
  out := out || E'## Pools\n\n' || coalesce(part, E'_No pools._\n');

  -- Territories.
  SELECT E'| Priority | Territory | When | Goes to |\n|---|---|---|---|\n'
         || pg_catalog.string_agg(pg_catalog.format(E'| %s | %s | %s | %s |\n', t.priority, leadroute._md_cell(t.name),
                                  leadroute._md_cell(leadroute._condition_words(t.condition)),
                                  leadroute._md_cell(coalesce((SELECT 'pool ' || o.name FROM leadroute.pools o WHERE o.id = t.pool_id),
                                                              (SELECT 'rep ' || p.name FROM leadroute.reps p WHERE p.id = t.rep_id)))),
                                  '' ORDER BY t.priority)
    INTO part FROM leadroute.territories t WHERE t.enabled;
  out := out || E'\n## Territories\n\n'
      || coalesce(E'Rules whose target is "territory" hand the lead to the first territory below that matches.\n\n' || part,
                  E'_No territories._\n');

  -- SLA and escalation.
  SELECT E'| Priority | Policy | Applies when | First contact within | Counting |\n|---|---|---|---|---|\n'
         || pg_catalog.string_agg(pg_catalog.format(E'| %s | %s | %s | %s minutes | %s |\n', s.priority, leadroute._md_cell(s.name),
                                  leadroute._md_cell(leadroute._condition_words(s.condition)), s.response_minutes,
                                  CASE WHEN s.business_hours THEN 'the rep''s working hours only' ELSE 'every minute' END),
                                  '' ORDER BY s.priority)
    INTO part FROM leadroute.sla_policies s WHERE s.enabled;
  out := out || E'\n## SLA and escalation\n\n'
      || E'When a rep gets a lead, the first policy below that matches sets the time by which the rep must make first contact. Queued and nurture leads get no clock.\n\n'
      || coalesce(part, E'_No SLA policies: no lead has a deadline, and none is ever escalated._\n')
      || E'\nWhen a rep misses the deadline, the lead is escalated (every minute, by `leadroute.escalate_overdue()`):\n\n'
      || E'1. to the rep''s backup (the backup of their time off when they are away), if that backup can take it;\n'
      || E'2. else to the next available member of the pool the lead came from;\n'
      || pg_catalog.format(E'3. else, and always after %s escalations (setting `leadroute.max_escalations`), to the queue of the rep''s manager (`manager:<email>`), or `escalations` when there is no manager.\n\n', max_escalations)
      || E'The rep''s manager is told at every escalation. Backups and managers are listed with the reps below.\n\n';

  -- Reps.
  SELECT E'| Rep | Status | Manager | Backup | Pools | Max open leads | Max leads a day | Skills | Working hours |\n|---|---|---|---|---|---|---|---|---|\n'
         || pg_catalog.string_agg(pg_catalog.format(E'| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n',
              leadroute._md_cell(p.name),
              CASE WHEN p.active THEN 'active' ELSE 'inactive' END,
              leadroute._md_cell(coalesce((SELECT m.name FROM leadroute.reps m WHERE m.id = p.manager_id), '—')),
              leadroute._md_cell(coalesce((SELECT b.name FROM leadroute.reps b WHERE b.id = p.backup_id), '—')),
              leadroute._md_cell(coalesce((SELECT pg_catalog.string_agg(o.name, ', ' ORDER BY o.name)
                                             FROM leadroute.pool_members pm JOIN leadroute.pools o ON o.id = pm.pool_id
                                            WHERE pm.rep_id = p.id), '—')),
              coalesce(p.max_open_leads::text, 'no cap'), coalesce(p.max_daily_leads::text, 'no cap'),
              leadroute._md_cell(coalesce(nullif(pg_catalog.array_to_string(p.skills, ', '), ''), '—')),
              leadroute._md_cell(leadroute._hours_words(p.working_hours) ||
                                 CASE WHEN p.working_hours IS NOT NULL THEN ' (' || p.timezone || ')' ELSE '' END)),
              '' ORDER BY p.name, p.id)
    INTO part FROM leadroute.reps p;
  out := out || E'## Reps\n\n' || coalesce(part, E'_No reps._\n');

  SELECT pg_catalog.string_agg(pg_catalog.format(E'- %s: %s to %s%s%s\n', p.name,
              coalesce(pg_catalog.to_char(pg_catalog.lower(t.during), 'YYYY-MM-DD'), 'now'),
              coalesce(pg_catalog.to_char(pg_catalog.upper(t.during), 'YYYY-MM-DD'), 'further notice'),
              coalesce(', covered by ' || coalesce(tb.name, rb.name), ', **no backup**'),
              coalesce(' (' || t.reason || ')', '')),
           '' ORDER BY pg_catalog.lower(t.during), p.name, t.id)
    INTO part
    FROM leadroute.time_off t JOIN leadroute.reps p ON p.id = t.rep_id
    LEFT JOIN leadroute.reps tb ON tb.id = t.backup_id
    LEFT JOIN leadroute.reps rb ON rb.id = p.backup_id
   WHERE pg_catalog.upper_inf(t.during) OR pg_catalog.upper(t.during) > pg_catalog.now();
  out := out || E'\n### Time off, now and ahead\n\n' || coalesce(part, E'_None planned._\n');
  RETURN out;
END
$body$;
COMMENT ON FUNCTION leadroute.document() IS
  'The whole routing configuration explained in Markdown for a person: rules in priority order with their conditions in plain words, targets and rationales, the fallback, pools, territories, SLA policies and escalation, reps';

REVOKE ALL ON FUNCTION leadroute._condition_words(text), leadroute._md_cell(text), leadroute._hours_words(jsonb),
    leadroute._rule_target_words(leadroute.rules), leadroute.document() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION leadroute.document() TO leadroute_admin, leadroute_analyst;
