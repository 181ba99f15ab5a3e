-- SLA clocks and escalation (docs/sla.md).

CREATE FUNCTION leadroute.add_business_minutes(start timestamptz, minutes integer,
                                               working_hours jsonb, timezone text)
  RETURNS timestamptz
  LANGUAGE c STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_add_business_minutes';
COMMENT ON FUNCTION leadroute.add_business_minutes(timestamptz, integer, jsonb, text) IS
  'The time when `minutes` of working time have passed after `start`, counting only `working_hours` in `timezone` (DST by PostgreSQL''s rules); NULL hours count every minute';

CREATE FUNCTION leadroute.record_contact(lead_id bigint, at timestamptz DEFAULT pg_catalog.now())
  RETURNS void
  LANGUAGE c VOLATILE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_record_contact';
COMMENT ON FUNCTION leadroute.record_contact(bigint, timestamptz) IS
  'Records the first contact with a lead (once) and stops its SLA clock; an assigned lead becomes contacted';

CREATE FUNCTION leadroute.escalate_overdue(max_leads integer DEFAULT 1000) RETURNS integer
  LANGUAGE c VOLATILE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_escalate_overdue';
COMMENT ON FUNCTION leadroute.escalate_overdue(integer) IS
  'Escalates assigned, uncontacted leads past sla_due_at (at most max_leads, skipping leads locked by others): to the owner''s backup or the next eligible pool member, after leadroute.max_escalations to the manager''s queue; returns how many';

CREATE FUNCTION leadroute._lead_updated() RETURNS trigger
  LANGUAGE c
  AS 'MODULE_PATHNAME', 'leadroute_lead_updated';
COMMENT ON FUNCTION leadroute._lead_updated() IS
  'Internal: sets first_contact_at and converted_at, and records an owner changed by hand (reason manual, new SLA clock)';

CREATE TRIGGER track_updates BEFORE UPDATE ON leadroute.leads
  FOR EACH ROW EXECUTE FUNCTION leadroute._lead_updated();
CREATE TRIGGER route_flush_update AFTER UPDATE ON leadroute.leads
  FOR EACH STATEMENT EXECUTE FUNCTION leadroute._route_flush();

