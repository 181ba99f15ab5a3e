-- SLA clocks, first contact, escalation, manual reassignment and notifications (docs/sla.md).
BEGIN;
\ir 00_helpers.sql.inc
SELECT plan(34);
SET LOCAL leadroute.now = '2026-03-04 15:00:00+00';   -- Wednesday
SET LOCAL leadroute.max_escalations = 2;
TRUNCATE leadroute.notifications;

-- Business minutes: the worked examples (10:00-18:00 Monday to Friday, 600 minutes).
CREATE TEMP TABLE hours AS SELECT '{"mon":[["10:00","18:00"]],"tue":[["10:00","18:00"]],"wed":[["10:00","18:00"]],"thu":[["10:00","18:00"]],"fri":[["10:00","18:00"]]}'::jsonb AS h;
SELECT is(leadroute.add_business_minutes('2026-03-04 15:00+00', 600, (SELECT h FROM hours), 'UTC'),
          '2026-03-05 17:00+00'::timestamptz, 'Wednesday 15:00 + 600 business minutes: Thursday 17:00');
SELECT is(leadroute.add_business_minutes('2026-03-04 20:00+00', 600, (SELECT h FROM hours), 'UTC'),
          '2026-03-06 12:00+00'::timestamptz, 'Wednesday 20:00 + 600 business minutes: Friday 12:00');
SELECT is(leadroute.add_business_minutes('2026-03-06 17:00+00', 120, (SELECT h FROM hours), 'UTC'),
          '2026-03-09 11:00+00'::timestamptz, 'across a weekend: Friday 17:00 + 120 → Monday 11:00');
-- Chicago springs forward on Sunday 2026-03-08: Friday 17:00 CST (23:00 UTC) + 120 → Monday 11:00 CDT (16:00 UTC).
SELECT is(leadroute.add_business_minutes('2026-03-06 23:00+00', 120, (SELECT h FROM hours), 'America/Chicago'),
          '2026-03-09 16:00+00'::timestamptz, 'across a DST change, in the rep''s time zone');
SELECT is(leadroute.add_business_minutes('2026-03-04 15:00+00', 30, NULL, 'UTC'), '2026-03-04 15:30+00'::timestamptz,
          'no working hours: plain minutes');

INSERT INTO leadroute.reps (id, name, email, manager_id, backup_id, working_hours, notify_channel, notify_address) VALUES
  (9, 'Boss', 'boss@t.io', NULL, NULL, NULL, 'slack', 'U0BOSS'),
  (1, 'Ana', 'ana@t.io', 9, 4, NULL, 'email', NULL),
  (2, 'Ben', 'ben@t.io', 9, NULL, NULL, 'webhook', 'https://hooks.example/ben'),
  (3, 'Cy',  'cy@t.io',  9, NULL, (SELECT h FROM hours), 'email', NULL),
  (4, 'Dee', 'dee@t.io', 9, NULL, NULL, 'none', NULL);
INSERT INTO leadroute.pools (id, name) VALUES (1, 'P');
INSERT INTO leadroute.pool_members (pool_id, rep_id) VALUES (1, 1), (1, 2);
INSERT INTO leadroute.rules (id, name, priority, condition, action, rep_id, pool_id) VALUES
  (1, 'to Cy', 10, $$source = 'cy'$$, 'rep', 3, NULL),
  (2, 'pool', 20, 'TRUE', 'pool', NULL, 1);
UPDATE leadroute.sla_policies SET business_hours = true WHERE name = 'General inbound';

-- Policy selection and the due time (shipped defaults: 5, 15 and 60 minutes).
INSERT INTO leadroute.leads (id, email, source, score) VALUES
  (1, 'a@x.com', 'demo_request', NULL), (2, 'b@x.com', 'webinar', 80), (3, 'c@x.com', 'web', 10), (4, 'd@x.com', 'cy', 10);
SELECT results_eq($$SELECT id, sla_due_at, (SELECT name FROM leadroute.sla_policies p WHERE p.id = l.sla_policy_id)
                      FROM leadroute.leads l WHERE id IN (1, 2, 3) ORDER BY id$$,
                  $$VALUES (1::bigint, '2026-03-04 15:05+00'::timestamptz, 'Demo requests and pricing pages'::text),
                           (2, '2026-03-04 15:15+00', 'High-intent content'),
                           (3, '2026-03-04 16:00+00', 'General inbound')$$,
                  'the first matching policy sets sla_due_at');
SELECT is((SELECT sla_due_at FROM leadroute.leads WHERE id = 4), '2026-03-04 16:00+00'::timestamptz,
          'business hours count the assigned rep''s hours (Cy is in hours now)');
SELECT is((SELECT sla_due_at FROM leadroute.assignments WHERE lead_id = 1), '2026-03-04 15:05+00'::timestamptz,
          'the assignment keeps its own due time');
INSERT INTO leadroute.leads (id, email, source) SELECT 5, 'e@x.com', 'cy'
  FROM (SELECT set_config('leadroute.now', '2026-03-04 17:30:00+00', true)) s;
SELECT is((SELECT sla_due_at FROM leadroute.leads WHERE id = 5), '2026-03-05 10:30+00'::timestamptz,
          'a lead at 17:30 with 60 business minutes left today: due 10:30 the next working day');
SET LOCAL leadroute.now = '2026-03-04 15:00:00+00';
SELECT results_eq($$SELECT (p ->> 'sla_due_at')::timestamptz, (p ->> 'sla_policy_id')::bigint
                      FROM leadroute.preview('{"source": "demo_request"}') p$$,
                  $$VALUES ('2026-03-04 15:05+00'::timestamptz, (SELECT id FROM leadroute.sla_policies WHERE name = 'Demo requests and pricing pages'))$$,
                  'preview shows the SLA the lead would get');

-- First contact stops the clock.
UPDATE leadroute.leads SET status = 'contacted' WHERE id = 2;
SELECT ok((SELECT first_contact_at IS NOT NULL FROM leadroute.leads WHERE id = 2), 'status contacted sets first_contact_at');
SELECT leadroute.record_contact(3, '2026-03-04 15:20+00');
SELECT results_eq($$SELECT status, first_contact_at FROM leadroute.leads WHERE id = 3$$,
                  $$VALUES ('contacted'::text, '2026-03-04 15:20+00'::timestamptz)$$, 'record_contact sets it, once');
SELECT leadroute.record_contact(3, '2026-03-04 15:40+00');
SELECT is((SELECT first_contact_at FROM leadroute.leads WHERE id = 3), '2026-03-04 15:20+00'::timestamptz, 'a second contact changes nothing');
SELECT throws_ok($$SELECT leadroute.record_contact(999)$$, 'P0002', 'lead 999 does not exist', 'record_contact of a missing lead');

-- Escalation: nothing is due yet.
SELECT is(leadroute.escalate_overdue(), 0, 'nothing overdue: nothing escalated');
SET LOCAL leadroute.now = '2026-03-04 15:06:00+00';
SELECT is(leadroute.escalate_overdue(), 1, 'the demo request is 1 minute overdue');
SELECT results_eq($$SELECT owner_id, escalations, sla_due_at FROM leadroute.leads WHERE id = 1$$,
                  $$VALUES (4::bigint, 1, '2026-03-04 15:11+00'::timestamptz)$$,
                  'to the owner''s backup (Dee), clock restarted');
SELECT is(leadroute.escalate_overdue(), 0, 'never escalated twice for the same breach');
SELECT is((SELECT count(*) FROM leadroute.leads WHERE id IN (2, 3) AND escalations > 0), 0::bigint, 'contacted leads are not escalated');
SET LOCAL leadroute.now = '2026-03-04 15:12:00+00';
SELECT is(leadroute.escalate_overdue(), 1, 'Dee misses it too');
SELECT results_eq($$SELECT owner_id <> 4, escalations FROM leadroute.leads WHERE id = 1$$,
                  $$VALUES (true, 2)$$, 'Dee has no backup and is in no pool: the pool that placed the lead, never the same rep');
SET LOCAL leadroute.now = '2026-03-04 15:18:00+00';
SELECT is(leadroute.escalate_overdue(), 1, 'a third breach');
SELECT results_eq($$SELECT owner_id, status, queue, escalations FROM leadroute.leads WHERE id = 1$$,
                  $$VALUES (NULL::bigint, 'queued'::text, 'manager:boss@t.io'::text, 3)$$,
                  'after leadroute.max_escalations: the manager''s queue');
SELECT is((SELECT array_agg(reason ORDER BY id) FROM leadroute.assignments WHERE lead_id = 1),
          ARRAY['routed', 'escalated', 'escalated', 'escalated'], 'the history records each escalation');
SELECT matches(leadroute.explain(1), 'Escalation 3: .* did not make first contact in time', 'explain shows the escalation');

-- Manual reassignment: recorded with the user, the clock restarts, the new owner is told.
UPDATE leadroute.leads SET owner_id = 2, status = 'assigned', queue = NULL WHERE id = 1;
SELECT results_eq($$SELECT rep_id, reason, assigned_by FROM leadroute.assignments WHERE lead_id = 1 ORDER BY id DESC LIMIT 1$$,
                  $$VALUES (2::bigint, 'manual'::text, current_user::text COLLATE "default")$$, 'a manual reassignment is recorded');
SELECT is((SELECT sla_due_at FROM leadroute.leads WHERE id = 1), '2026-03-04 15:23+00'::timestamptz, 'and restarts the clock');

-- Notifications: one per assignment, escalation and manager alert, on each rep's channel.
SELECT results_eq($$SELECT event, channel, recipient FROM leadroute.notifications WHERE lead_id = 1 ORDER BY id$$,
                  $$VALUES ('assigned'::text, 'email'::text, 'ana@t.io'::text),
                           ('manager_alert', 'slack', 'U0BOSS'),
                           ('escalated', 'webhook', 'https://hooks.example/ben'),
                           ('manager_alert', 'slack', 'U0BOSS'),
                           ('manager_alert', 'slack', 'U0BOSS'),
                           ('reassigned', 'webhook', 'https://hooks.example/ben')$$,
                  'assignments, escalations and manager alerts reach each rep''s channel (Dee: none)');
SELECT ok((SELECT bool_and(payload ? 'sla_due_at' AND payload ? 'rule_id') FROM leadroute.notifications),
          'payloads carry the rule and the due time');
-- Shipped defaults: a deleted default is remembered (so that a restore keeps it deleted); a
-- dumped row of the same name replaces the default, and that replacement is not a deletion.
SELECT lives_ok($$DELETE FROM leadroute.sla_policies WHERE name = 'High-intent content'$$, 'a shipped policy can be deleted');
INSERT INTO leadroute.sla_policies (name, priority, condition, response_minutes, description, shipped)
VALUES ('Demo requests and pricing pages', 11, $$source IN ('demo_request', 'pricing_page')$$, 5, 'restored', false);
SELECT results_eq($$SELECT priority, description, shipped FROM leadroute.sla_policies WHERE name = 'Demo requests and pricing pages'$$,
                  $$VALUES (11, 'restored'::text, false)$$, 'a restored user row replaces the default of its name');
SELECT results_eq($$SELECT tbl, name FROM leadroute._removed_defaults$$,
                  $$VALUES ('sla_policies'::text, 'High-intent content'::text)$$,
                  'only the deletion by hand is remembered');

-- reroute() routes the lead again: a fresh clock from the policy that matches now.
SET LOCAL leadroute.now = '2026-03-04 15:30:00+00';
SELECT leadroute.reroute(1) IS NOT NULL;
SELECT results_eq($$SELECT l.sla_due_at, l.sla_policy_id, l.pool_id, a.sla_due_at
                      FROM leadroute.leads l JOIN leadroute.assignments a ON a.lead_id = l.id AND a.reason = 'rerouted'
                     WHERE l.id = 1$$,
                  $$VALUES ('2026-03-04 15:35+00'::timestamptz, (SELECT id FROM leadroute.sla_policies WHERE name = 'Demo requests and pricing pages'), 1::bigint, '2026-03-04 15:35+00'::timestamptz)$$,
                  'reroute() restarts the clock on the lead and its assignment');
\ir 99_invariant.sql.inc
SELECT * FROM finish();
ROLLBACK;
