-- Deleting a lead deletes its records (issue 13): its decisions, shadow decisions, assignments and
-- notifications hold its data too (explanations, payloads), and a record of a lead that does not
-- exist is worth nothing. The metric rollups keep their counts (the days the lead touched are
-- marked for a refresh by the metrics triggers).

CREATE FUNCTION leadroute._erase_lead_records() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
BEGIN
  IF TG_OP OPERATOR(pg_catalog.=) 'TRUNCATE' THEN
    BEGIN
      TRUNCATE leadroute.decisions, leadroute.shadow_decisions, leadroute.assignments,
               leadroute.notifications;
    EXCEPTION WHEN object_in_use THEN
      -- The same TRUNCATE statement names them too (TRUNCATE leads, decisions, ...): whatever it
      -- does not empty, this does.
      DELETE FROM leadroute.decisions;
      DELETE FROM leadroute.shadow_decisions;
      DELETE FROM leadroute.assignments;
      DELETE FROM leadroute.notifications;
    END;
    RETURN NULL;
  END IF;
  DELETE FROM leadroute.decisions d USING gone g WHERE d.lead_id OPERATOR(pg_catalog.=) g.id;
  DELETE FROM leadroute.shadow_decisions d USING gone g WHERE d.lead_id OPERATOR(pg_catalog.=) g.id;
  DELETE FROM leadroute.assignments a USING gone g WHERE a.lead_id OPERATOR(pg_catalog.=) g.id;
  DELETE FROM leadroute.notifications n USING gone g WHERE n.lead_id OPERATOR(pg_catalog.=) g.id;
  RETURN NULL;
END
$body$;
COMMENT ON FUNCTION leadroute._erase_lead_records() IS
  'Internal: deletes the decisions, shadow decisions, assignments and notifications of deleted (or truncated) leads';
CREATE TRIGGER erase_records AFTER DELETE ON leadroute.leads
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION leadroute._erase_lead_records();
CREATE TRIGGER erase_records_truncate AFTER TRUNCATE ON leadroute.leads
  FOR EACH STATEMENT EXECUTE FUNCTION leadroute._erase_lead_records();
REVOKE ALL ON FUNCTION leadroute._erase_lead_records() FROM PUBLIC;
