-- As a login holding only leadroute_admin: bulk loads are routed like any insert, history comes
-- in through import_leads() only, upserts of existing people leave no trace, reassignments go
-- to active reps that exist, open-ended time off is no problem, and config_history cannot be
-- switched off by pretending to be a restore.
\set ON_ERROR_STOP on
SELECT plan(21);

-- Bulk loads.
SELECT max(id) AS before_max FROM leadroute.leads \gset
COPY leadroute.leads (email, company, country, source) FROM STDIN (FORMAT csv);
admin.copy.1@bulk.example,Bulk,US,demo_request
admin.copy.2@bulk.example,Bulk,DE,webinar
\.
SELECT is((SELECT count(*) FROM leadroute.leads l WHERE id > :before_max
            AND (SELECT count(*) FROM leadroute.decisions d WHERE d.lead_id = l.id AND d.kind = 'routed') = 1), 2::bigint,
          'COPY as an admin routes every row (one routed decision each)');
SELECT throws_ok($$INSERT INTO leadroute.leads (email, owner_id, status, routed_at) VALUES ('h@h.example', 1, 'assigned', now())$$,
                 '428C9', NULL, 'an admin cannot insert history directly either');

-- History: import_leads().
SELECT is(leadroute.import_leads('public.crm_history'), 3::bigint, 'import_leads() inserts the three rows');
SELECT results_eq($$SELECT id, owner_id, status, first_contact_at FROM leadroute.leads WHERE id IN (900001, 900002) ORDER BY id$$,
                  $$VALUES (900001::bigint, 1::bigint, 'contacted'::text, '2025-06-01 10:20+00'::timestamptz),
                           (900002, NULL, 'queued', NULL)$$,
                  'rows that arrive routed keep their ids, owners, statuses and times');
SELECT results_eq($$SELECT d.kind, (d.trace #>> '{imported,import_id}')::bigint = i.id
                      FROM leadroute.decisions d, leadroute.imports i
                     WHERE d.lead_id = 900001 AND i.source = 'public.crm_history'$$,
                  $$VALUES ('imported'::text, true)$$, 'each is recorded as imported, naming the import');
SELECT ok((SELECT routed_at IS NOT NULL AND routed_at > '2025-07-01' FROM leadroute.leads WHERE email = 'new.three@history.example'),
          'a row without routed_at is routed now');
SELECT results_eq($$SELECT leads, history, first_lead_id <= 900001, last_lead_id >= 900002, imported_by FROM leadroute.imports$$,
                  $$VALUES (3::bigint, 2::bigint, true, true, 'lr_login_admin'::text)$$,
                  'leadroute.imports says who imported what');
SELECT lives_ok($$INSERT INTO leadroute.leads (email) VALUES ('after.import@ok.example')$$,
                'the next lead does not collide with the imported ids');
SELECT ok((SELECT max(id) > 900002 FROM leadroute.leads WHERE email = 'after.import@ok.example'), 'its id is past them');

-- Upserts of people who are already there.
CREATE TEMP TABLE before_sync AS
  SELECT (SELECT count(*) FROM leadroute.decisions) AS decisions, (SELECT count(*) FROM leadroute.assignments) AS assignments,
         (SELECT count(*) FROM leadroute.notifications) AS notifications,
         (SELECT string_agg(coalesce(last_value, 0)::text, ',' ORDER BY sequencename) FROM pg_sequences
           WHERE schemaname = 'leadroute' AND sequencename LIKE '\_pool\_turns\_%') AS turns;
INSERT INTO leadroute.leads (email, country, source)
SELECT 'jordan.miles@brightwave.io', 'US', 'demo_request' FROM generate_series(1, 6) ON CONFLICT DO NOTHING;
INSERT INTO leadroute.leads (email, company, country, source) VALUES ('Jordan.Miles@Brightwave.io', 'Brightwave Inc', 'US', 'demo_request')
ON CONFLICT (lower(email)) DO UPDATE SET company = EXCLUDED.company;
SELECT is((SELECT company FROM leadroute.leads WHERE email = 'jordan.miles@brightwave.io'), 'Brightwave Inc',
          'ON CONFLICT DO UPDATE updates the existing lead');
SELECT results_eq($$SELECT (SELECT count(*) FROM leadroute.decisions), (SELECT count(*) FROM leadroute.assignments),
                           (SELECT count(*) FROM leadroute.notifications),
                           (SELECT string_agg(coalesce(last_value, 0)::text, ',' ORDER BY sequencename) FROM pg_sequences
                             WHERE schemaname = 'leadroute' AND sequencename LIKE '\_pool\_turns\_%')$$,
                  $$SELECT decisions, assignments, notifications, turns FROM before_sync$$,
                  'six no-op syncs and an upsert leave no decision, assignment, notification or rotation turn');

-- Reassignments by hand.
SELECT min(id) AS lead FROM leadroute.leads WHERE status = 'assigned' \gset
SELECT throws_ok(format($$UPDATE leadroute.leads SET owner_id = 424242 WHERE id = %s$$, :lead), '23503',
                 'rep 424242 does not exist', 'a reassignment to a rep that does not exist is refused');
SELECT throws_ok(format($$UPDATE leadroute.leads SET owner_id = 9 WHERE id = %s$$, :lead), '23514',
                 'rep 9 (Tom Whitaker) is inactive', 'so is one to an inactive rep');
SELECT lives_ok(format($$UPDATE leadroute.leads SET owner_id = 4 WHERE id = %s$$, :lead), 'to an active rep it works');
SELECT throws_ok(format($$UPDATE leadroute.leads SET converted_at = now() + interval '1 day', status = 'converted' WHERE id = %s$$, :lead),
                 '23514', NULL, 'a conversion in the future is refused');

-- Open-ended and odd time off does not stop routing.
INSERT INTO leadroute.time_off (rep_id, during) VALUES (7, tstzrange(now(), 'infinity'));
INSERT INTO leadroute.time_off (rep_id, during) VALUES (6, tstzrange('-infinity', now() + interval '1 hour'));
INSERT INTO leadroute.time_off (rep_id, during) VALUES (5, tstzrange(NULL, NULL));
SELECT max(id) AS before_off FROM leadroute.leads \gset
INSERT INTO leadroute.leads (email, country, source, employees)
SELECT 'after.leave.' || g || '.' || lower(c) || '@example.org', c, 'demo_request', 100
  FROM generate_series(1, 6) g, unnest(ARRAY['US', 'DE', 'GB']) c;
SELECT is((SELECT count(*) FROM leadroute.leads WHERE id > :before_off AND queue = 'routing_error'), 0::bigint,
          'after open-ended leaves (infinity, -infinity, unbounded) no lead fails to route');
SELECT is((SELECT count(*) FROM leadroute.leads WHERE id > :before_off AND owner_id IN (5, 6, 7)), 0::bigint,
          'and the reps on leave get none');

-- Settings that change what is recorded, and the restore detection.
SELECT throws_ok($$SET leadroute.trace = 'off'$$, '42501', NULL, 'an admin cannot switch the trace off');
SELECT throws_ok($$SET leadroute.notify = off$$, '42501', NULL, 'nor the notifications');
SELECT count(*) AS history_before FROM leadroute.config_history \gset
SET row_security = off;
SET check_function_bodies = off;
UPDATE leadroute.rules SET name = name || ' (hidden?)' WHERE id = (SELECT min(id) FROM leadroute.rules);
RESET row_security;
RESET check_function_bodies;
SELECT is((SELECT count(*) FROM leadroute.config_history), :history_before + 1::bigint,
          'a change made with the restore settings is still recorded in config_history');
SELECT throws_ok($$INSERT INTO leadroute.decisions (lead_id, kind, status, routing_model) VALUES (1, 'routed', 'queued', 'fallback')$$,
                 '42501', NULL, 'the admin cannot write decisions');
SELECT * FROM finish();
