-- Importing history (issue 13): the one path by which leads enter with their ids and routing
-- outputs (owner, status, contact times, ...) without being routed again. Anyone else's INSERT
-- is always routed, and may not supply those columns.

CREATE TABLE leadroute.imports (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  imported_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
  imported_by   text NOT NULL DEFAULT SESSION_USER,
  source        text NOT NULL,
  columns       text[] NOT NULL,
  leads         bigint NOT NULL DEFAULT 0,
  history       bigint NOT NULL DEFAULT 0,
  first_lead_id bigint,
  last_lead_id  bigint
);
COMMENT ON TABLE leadroute.imports IS 'Each leadroute.import_leads() call: who imported what, from where';
COMMENT ON COLUMN leadroute.imports.id IS 'Import id (decisions of kind imported name it in their trace)';
COMMENT ON COLUMN leadroute.imports.imported_at IS 'When the import ran (its transaction''s start)';
COMMENT ON COLUMN leadroute.imports.imported_by IS 'The logged-in user who ran it (session_user)';
COMMENT ON COLUMN leadroute.imports.source IS 'The table or view the leads came from';
COMMENT ON COLUMN leadroute.imports.columns IS 'The columns of leadroute.leads taken from the source';
COMMENT ON COLUMN leadroute.imports.leads IS 'Leads inserted';
COMMENT ON COLUMN leadroute.imports.history IS 'Of those, leads kept as they were routed before (routed_at given); the others were routed now';
COMMENT ON COLUMN leadroute.imports.first_lead_id IS 'Smallest lead id inserted';
COMMENT ON COLUMN leadroute.imports.last_lead_id IS 'Largest lead id inserted';

CREATE FUNCTION leadroute.import_leads(source regclass) RETURNS bigint
  LANGUAGE c VOLATILE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_import_leads';
COMMENT ON FUNCTION leadroute.import_leads(regclass) IS
  'Imports leads from a table or view with columns named as in leadroute.leads (any subset): rows with routed_at are kept as history (ids, owners, statuses and times as given, one decision of kind imported each), the others are routed; records the import in leadroute.imports and moves leads_id_seq past the imported ids; returns how many leads it inserted';
