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
