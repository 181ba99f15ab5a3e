-- Rulesets: the live rules are the rules with no ruleset; a named ruleset holds another version of
-- the rules, either evaluated beside the live ones on every lead without being applied (shadow) or
-- kept aside (draft). promote_ruleset() makes a ruleset live. The table and rules.ruleset are
-- declared with the rules (20_config_tables.sql).
REVOKE ALL ON leadroute.rulesets FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON leadroute.rulesets TO leadroute_admin;
SELECT pg_catalog.pg_extension_config_dump('leadroute.rulesets', '');
