-- Running leadroute in production (issue 19): retention of the history tables, the owner of the
-- rotation counters, what DROP EXTENSION cleans up, and the checks that make a configuration
-- error say what was wrong, in which row, and what to do. The functions are in
-- 87_operations_functions.sql (CREATE OR REPLACE: the update from 0.2.0 includes that file), the
-- triggers in 88_operations_triggers.sql; the statements of this file and of 88 are repeated in
-- the update script's "Operations" section.

-- ---- Retention ------------------------------------------------------------------------------
CREATE TABLE leadroute.retention (
  data        text PRIMARY KEY CHECK (data IN ('decision_traces', 'delivered_notifications',
                                               'shadow_decisions', 'config_history')),
  keep        interval CHECK (keep >= interval '1 day'),
  description text,
  shipped     boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE leadroute.retention IS
  'How long purge_history() keeps each kind of history (pg_cron job leadroute-retention, daily); keep NULL = forever. Leads, decision rows and assignments are never purged: the metrics are computed from them';
COMMENT ON COLUMN leadroute.retention.data IS
  'decision_traces (decisions.trace and shadow traces set to NULL; the decision row stays), delivered_notifications (deleted), shadow_decisions (deleted), config_history (older changes folded into one state per row)';
COMMENT ON COLUMN leadroute.retention.keep IS 'Keep this long (at least 1 day; config_history at least 31 days, which audit() reads); NULL = forever';
COMMENT ON COLUMN leadroute.retention.description IS 'What is purged';
COMMENT ON COLUMN leadroute.retention.shipped IS 'true for the default shipped with the extension (an edited row becomes the user''s own)';
INSERT INTO leadroute.retention (data, keep, description, shipped) VALUES
  ('decision_traces', '400 days', 'The trace of each routing decision (explain() detail); the decision itself is kept', true),
  ('delivered_notifications', '90 days', 'Notifications delivered to reps and managers', true),
  ('shadow_decisions', '180 days', 'What shadow rulesets would have decided', true),
  ('config_history', NULL, 'Changes to the configuration (config_at, explain of old leads); NULL: kept forever', true);
CREATE TRIGGER replace_default BEFORE INSERT OR UPDATE OR DELETE ON leadroute.retention
  FOR EACH ROW EXECUTE FUNCTION leadroute._replace_shipped_row('data');
REVOKE ALL ON leadroute.retention FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON leadroute.retention TO leadroute_admin;
GRANT SELECT ON leadroute.retention TO leadroute_analyst;
SELECT pg_catalog.pg_extension_config_dump('leadroute.retention', 'WHERE NOT shipped');

-- The purge looks for old rows by time; the history tables are indexed by lead only.
CREATE INDEX decisions_decided_at_idx ON leadroute.decisions (decided_at) WHERE trace IS NOT NULL;
CREATE INDEX notifications_delivered_at_idx ON leadroute.notifications (delivered_at)
  WHERE delivered_at IS NOT NULL;
CREATE INDEX shadow_decisions_decided_at_idx ON leadroute.shadow_decisions (decided_at);

-- ---- Rotation counters ----------------------------------------------------------------------
-- The pools' rotation sequences (38_pool_counters.sql) are owned by this table's column, not by
-- pools.id: pg_get_serial_sequence('leadroute.pools', 'id') must name pools_id_seq (tools that
-- reset primary-key sequences would otherwise move a rotation). Owned by a column of an
-- extension table, they are still dropped with the extension and dumped with their positions.
CREATE TABLE leadroute._rotation_counters (
  owner boolean
);
COMMENT ON TABLE leadroute._rotation_counters IS
  'Internal: owns the pools'' rotation sequences _pool_turns_<id> (no rows)';
REVOKE ALL ON leadroute._rotation_counters FROM PUBLIC;

