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
