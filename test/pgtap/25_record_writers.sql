-- The engine's records have two writers: direct inserts (the main path), and one INSERT statement
-- per table when the table has a trigger with a transition table, which must see the statement's
-- rows as one set. Both are driven by one column table (src/pg/records/record_writer.cpp); this checks
-- that they write the same rows, and that the statement path really runs.
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(14);
SET leadroute.now = '2026-03-02 10:00+00';
INSERT INTO leadroute.reps (id, name, email) VALUES (1, 'Ann', 'ann@t.io'), (2, 'Bob', 'bob@t.io');
INSERT INTO leadroute.rules (name, priority, condition, action, rep_id) VALUES ('US', 10, $$country = 'US'$$, 'rep', 1);
INSERT INTO leadroute.rules (name, priority, condition, action, queue) VALUES ('rest', 100, 'TRUE', 'queue', 'partner_desk');
INSERT INTO leadroute.queues (name, notify_channel, notify_address) VALUES ('partner_desk', 'email', 'partners@t.io');
INSERT INTO leadroute.sla_policies (name, priority, condition, response_minutes) VALUES ('all', 1, 'TRUE', 30);
SELECT leadroute.copy_rules('candidate');
UPDATE leadroute.rules SET rep_id = 2 WHERE ruleset = 'candidate' AND name = 'US';

-- What a lead's records look like, without ids, lead ids, e-mail addresses and durations.
CREATE TEMP VIEW records AS
SELECT split_part(l.email, '.', 1) AS batch, split_part(split_part(l.email, '@', 1), '.', 2) AS who, r.*
  FROM leadroute.leads l
  CROSS JOIN LATERAL (
    SELECT 'decision' AS tbl, d.kind, d.status, d.rule_id, d.pool_id, d.routing_model, d.owner_id::text AS rep,
           d.queue, d.fallback::text AS extra, (d.trace - 'account')::text AS detail
      FROM leadroute.decisions d WHERE d.lead_id = l.id
    UNION ALL
    SELECT 'shadow', s.ruleset, s.status, NULL, s.pool_id, s.routing_model, s.owner_id::text, s.queue,
           s.fallback::text, (s.trace - 'account')::text
      FROM leadroute.shadow_decisions s WHERE s.lead_id = l.id
    UNION ALL
    SELECT 'assignment', a.reason, NULL, a.rule_id, a.pool_id, a.assigned_by, a.rep_id::text, a.queue,
           a.sla_policy_id::text, a.sla_due_at::text
      FROM leadroute.assignments a WHERE a.lead_id = l.id
    UNION ALL
    SELECT 'notification', n.event, NULL, NULL, NULL, n.channel, coalesce(n.rep_id::text, n.recipient), n.queue,
           (SELECT string_agg(k, ',' ORDER BY k) FROM jsonb_object_keys(n.payload) k), n.payload ->> 'sla_due_at'
      FROM leadroute.notifications n WHERE n.lead_id = l.id) r;

-- ---- Direct inserts ------------------------------------------------------------------------
INSERT INTO leadroute.leads (email, country)
VALUES ('a.us@acme.com', 'US'), ('a.de@acme.com', 'DE'), ('a.fr@acme.com', 'FR');
SELECT results_eq($$SELECT tbl, count(*) FROM records WHERE batch = 'a' GROUP BY tbl ORDER BY tbl$$,
                  $$VALUES ('assignment', 1::bigint), ('decision', 3::bigint), ('notification', 3::bigint),
                           ('shadow', 3::bigint)$$,
                  'the direct path wrote decisions, shadow decisions, the assignment and the notifications');

-- ---- The statement form --------------------------------------------------------------------
CREATE TABLE public.statement_log (tbl text, rows bigint);
CREATE FUNCTION public.log_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.statement_log SELECT TG_TABLE_NAME, count(*) FROM new_rows;
  RETURN NULL;
END $$;
CREATE TRIGGER log_statement AFTER INSERT ON leadroute.decisions REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION public.log_statement();
CREATE TRIGGER log_statement AFTER INSERT ON leadroute.assignments REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION public.log_statement();
CREATE TRIGGER log_statement AFTER INSERT ON leadroute.notifications REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION public.log_statement();
CREATE TRIGGER log_statement AFTER INSERT ON leadroute.shadow_decisions REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION public.log_statement();

INSERT INTO leadroute.leads (email, country)
VALUES ('b.us@acme.com', 'US'), ('b.de@acme.com', 'DE'), ('b.fr@acme.com', 'FR');
SELECT results_eq($$SELECT tbl, rows FROM public.statement_log ORDER BY tbl$$,
                  $$VALUES ('assignments', 1::bigint), ('decisions', 3::bigint), ('notifications', 3::bigint),
                           ('shadow_decisions', 3::bigint)$$,
                  'with transition-table triggers, each table gets one INSERT statement holding all the statement''s rows');
SELECT results_eq($$SELECT who, tbl, kind, status, rule_id, pool_id, routing_model, rep, queue, extra, detail
                      FROM records WHERE batch = 'b' ORDER BY 1, 2, 3, 4, 7, 8$$,
                  $$SELECT who, tbl, kind, status, rule_id, pool_id, routing_model, rep, queue, extra, detail
                      FROM records WHERE batch = 'a' ORDER BY 1, 2, 3, 4, 7, 8$$,
                  'the statement form writes the same rows as the direct inserts, column for column');
SELECT is((SELECT count(*) FROM leadroute.assignments a JOIN leadroute.leads l ON l.id = a.lead_id
            WHERE l.email LIKE 'b.%' AND a.sla_due_at = '2026-03-02 10:30+00' AND a.rep_id = 1), 1::bigint,
          'the SLA clock is written by the statement form too');
SELECT is((SELECT count(*) FROM leadroute.notifications n JOIN leadroute.leads l ON l.id = n.lead_id
            WHERE l.email LIKE 'b.%' AND n.queue = 'partner_desk' AND n.recipient = 'partners@t.io'), 2::bigint,
          'queue notifications keep their queue and get their target');

-- A single-row INSERT, then an UPDATE by hand: one statement each.
TRUNCATE public.statement_log;
INSERT INTO leadroute.leads (email, country) VALUES ('c.us@acme.com', 'US');
SELECT results_eq($$SELECT tbl, rows FROM public.statement_log ORDER BY tbl$$,
                  $$VALUES ('assignments', 1::bigint), ('decisions', 1::bigint), ('notifications', 1::bigint),
                           ('shadow_decisions', 1::bigint)$$,
                  'a single-row INSERT writes one row per table by statement');
TRUNCATE public.statement_log;
UPDATE leadroute.leads SET owner_id = 2 WHERE email = 'c.us@acme.com';
SELECT results_eq($$SELECT tbl, rows FROM public.statement_log WHERE tbl = 'assignments'$$,
                  $$VALUES ('assignments', 1::bigint)$$,
                  'a reassignment by hand is written by statement as well');
SELECT is((SELECT reason FROM leadroute.assignments a JOIN leadroute.leads l ON l.id = a.lead_id
            WHERE l.email = 'c.us@acme.com' ORDER BY a.id DESC LIMIT 1), 'manual',
          'and recorded as manual');

-- Without the triggers the direct path is back.
DROP TRIGGER log_statement ON leadroute.decisions;
DROP TRIGGER log_statement ON leadroute.assignments;
DROP TRIGGER log_statement ON leadroute.notifications;
DROP TRIGGER log_statement ON leadroute.shadow_decisions;
TRUNCATE public.statement_log;
INSERT INTO leadroute.leads (email, country) VALUES ('d.us@acme.com', 'US');
SELECT is((SELECT count(*) FROM records WHERE batch = 'd' AND tbl = 'decision'), 1::bigint,
          'after the triggers are dropped, the direct inserts write the records again');

-- The direct inserts keep each table's planned CHECK constraints, defaults and trigger WHEN
-- clauses across statements; a change to the table is seen by the next statement.
CREATE TABLE public.when_log (lead_id bigint);
CREATE FUNCTION public.log_when() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO public.when_log VALUES (NEW.lead_id); RETURN NULL; END $$;
CREATE TRIGGER log_when AFTER INSERT ON leadroute.decisions FOR EACH ROW
  WHEN (NEW.queue = 'partner_desk') EXECUTE FUNCTION public.log_when();
INSERT INTO leadroute.leads (email, country) VALUES ('e.us@acme.com', 'US'), ('e.de@acme.com', 'DE');
SELECT is((SELECT array_agg(l.email) FROM public.when_log w JOIN leadroute.leads l ON l.id = w.lead_id),
          ARRAY['e.de@acme.com'], 'a trigger added after the cache was built fires, with its WHEN clause');
ALTER TABLE leadroute.decisions ADD CONSTRAINT no_partner_desk CHECK (queue IS DISTINCT FROM 'partner_desk') NOT VALID;
SELECT throws_ok($$INSERT INTO leadroute.leads (email, country) VALUES ('f.de@acme.com', 'DE')$$, '23514', NULL,
                 'a CHECK constraint added after the cache was built is enforced');
ALTER TABLE leadroute.decisions DROP CONSTRAINT no_partner_desk;
ALTER TABLE leadroute.decisions ADD COLUMN note text DEFAULT 'noted';
INSERT INTO leadroute.leads (email, country) VALUES ('g.de@acme.com', 'DE');
SELECT is((SELECT d.note FROM leadroute.decisions d JOIN leadroute.leads l ON l.id = d.lead_id
            WHERE l.email = 'g.de@acme.com'), 'noted', 'a column added after the cache was built gets its default');
ALTER TABLE leadroute.decisions DROP COLUMN note;
DROP TRIGGER log_when ON leadroute.decisions;
INSERT INTO leadroute.leads (email, country) VALUES ('h.de@acme.com', 'DE');
SELECT is((SELECT array_agg(l.email ORDER BY l.email) FROM public.when_log w JOIN leadroute.leads l ON l.id = w.lead_id),
          ARRAY['e.de@acme.com', 'g.de@acme.com'], 'a dropped trigger no longer fires');

\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
