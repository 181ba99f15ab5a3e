-- The roles layer's organization (run as a superuser): the demo organization and its morning of
-- leads, a CRM-style unique index on the email, logins for every role, and a history table for
-- backtests and imports.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION leadroute CASCADE;
\ir ../../demo/org.sql
\ir ../../demo/leads.sql
-- The usual CRM-sync pattern: one lead per person.
CREATE UNIQUE INDEX leads_email_key ON leadroute.leads (pg_catalog.lower(email));
UPDATE leadroute.reps SET db_role = 'lr_login_rep' WHERE id = 1;
UPDATE leadroute.reps SET db_role = 'lr_login_rep2', may_reassign = true WHERE id = 2;
UPDATE leadroute.reps SET active = false WHERE id = 9;
UPDATE leadroute.reps SET notify_channel = 'slack', notify_address = 'https://hooks.slack.example/T000/SECRET' WHERE id = 3;
-- Two leads of each of Maya's and Diego's, whatever the rules gave them (the roles layer tests
-- how reps work leads, not the rules).
UPDATE leadroute.leads SET owner_id = 1, status = 'assigned', queue = NULL
 WHERE id IN (SELECT id FROM leadroute.leads ORDER BY id LIMIT 3);
UPDATE leadroute.leads SET owner_id = 2, status = 'assigned', queue = NULL
 WHERE id IN (SELECT id FROM leadroute.leads ORDER BY id OFFSET 3 LIMIT 3);
-- History a team brings along: a backtest source (analyst) and an import source (admin).
CREATE TABLE public.crm_history (id bigint, email text, company text, country text, source text,
                                 owner_id bigint, status text, queue text, routed_at timestamptz,
                                 captured_at timestamptz, first_contact_at timestamptz);
INSERT INTO public.crm_history VALUES
  (900001, 'old.one@history.example', 'History One', 'US', 'demo_request', 1, 'contacted', NULL,
   '2025-06-01 10:00+00', '2025-06-01 09:59+00', '2025-06-01 10:20+00'),
  (900002, 'old.two@history.example', 'History Two', 'DE', 'webinar', NULL, 'queued', 'partners',
   '2025-06-02 10:00+00', '2025-06-02 09:59+00', NULL),
  (NULL, 'new.three@history.example', 'History Three', 'US', 'demo_request', NULL, NULL, NULL, NULL,
   '2025-06-03 09:59+00', NULL);
UPDATE public.crm_history SET status = 'queued' WHERE status IS NULL;
CREATE TABLE public.backtest_source AS
  SELECT l.email, l.company, l.country, l.source, l.employees, l.captured_at,
         r.email AS actual_owner
    FROM leadroute.leads l LEFT JOIN leadroute.reps r ON r.id = l.owner_id;
GRANT SELECT ON public.crm_history TO lr_login_admin;
GRANT SELECT ON public.backtest_source TO lr_login_analyst, lr_login_admin;
