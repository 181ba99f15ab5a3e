-- leadroute install script. Built from src/sql/*.sql by the Makefile into leadroute--<version>.sql.
\echo Use "CREATE EXTENSION leadroute" to load this file. \quit

-- Roles are cluster-wide: they are created once, kept when the extension is dropped, and never
-- granted anything through PUBLIC.
DO $roles$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT * FROM (VALUES
      ('leadroute_admin',   'leadroute: configures reps, pools, rules and settings'),
      ('leadroute_ingest',  'leadroute: may only insert leads (they are routed with the extension owner''s rights)'),
      ('leadroute_analyst', 'leadroute: reads the routing metric views'),
      ('leadroute_rep',     'leadroute: sees and works its own leads'),
      ('leadroute_agent',   'leadroute: delivers the notification outbox (leadroute-agent): claims, acks and fails notifications, nothing else')) AS v(name, note)
  LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r.name) THEN
      EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r.name);
    END IF;
    EXECUTE pg_catalog.format('COMMENT ON ROLE %I IS %L', r.name, r.note);
  END LOOP;
END
$roles$;

COMMENT ON SCHEMA leadroute IS 'leadroute: lead routing inside PostgreSQL';
REVOKE ALL ON SCHEMA leadroute FROM PUBLIC;
GRANT USAGE ON SCHEMA leadroute
  TO leadroute_admin, leadroute_ingest, leadroute_analyst, leadroute_rep, leadroute_agent;
