-- Privileges: nothing through PUBLIC; each role gets what its job needs.
REVOKE ALL ON ALL TABLES IN SCHEMA leadroute FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA leadroute FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA leadroute FROM PUBLIC;

-- leadroute_admin configures routing and works with leads.
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE
  ON leadroute.reps, leadroute.pools, leadroute.pool_members, leadroute.rules,
     leadroute.freemail_domains, leadroute.accounts, leadroute.account_domains,
     leadroute.time_off, leadroute.territories, leadroute.sla_policies
  TO leadroute_admin;
GRANT SELECT, UPDATE ON leadroute.notifications TO leadroute_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON leadroute.leads TO leadroute_admin;
GRANT SELECT ON leadroute.decisions, leadroute.assignments, leadroute.imports TO leadroute_admin;
GRANT EXECUTE ON FUNCTION leadroute.import_leads(regclass) TO leadroute_admin;
GRANT EXECUTE ON FUNCTION
    leadroute.check_condition(text), leadroute._valid_condition(text, text),
    leadroute._valid_working_hours(jsonb), leadroute._valid_timezone(text),
    leadroute._valid_skills(text[]), leadroute._valid_points(text),
    leadroute.email_domain(text), leadroute.normalize_company(text), leadroute.explain(bigint),
    leadroute.preview(jsonb), leadroute.reroute(bigint),
    leadroute.add_business_minutes(timestamptz, integer, jsonb, text),
    leadroute.record_contact(bigint, timestamptz), leadroute.escalate_overdue(integer),
    leadroute.schedule_jobs(), leadroute.unschedule_jobs(), leadroute.refresh_metrics(integer)
  TO leadroute_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON leadroute.metric_settings, leadroute.alert_thresholds TO leadroute_admin;
-- Delivery: queues and settings are plain configuration; an endpoint's secret is write-only for
-- the admin (no SELECT on the column) and read by the agent only through claim_notifications.
GRANT SELECT, INSERT, UPDATE, DELETE ON leadroute.queues, leadroute.delivery_settings TO leadroute_admin;
GRANT SELECT (name, channel, url, is_default, link_template, mail_from, max_parallel, timeout_ms, description),
      INSERT, UPDATE, DELETE
  ON leadroute.delivery_endpoints TO leadroute_admin;
GRANT EXECUTE ON FUNCTION leadroute.outbox_depth(), leadroute.purge_notifications(interval, integer)
  TO leadroute_admin;

-- leadroute_agent (leadroute-agent) reads no table: it claims, acks and fails notifications
-- through the delivery verbs (security definer) and watches the outbox's depth.
GRANT EXECUTE ON FUNCTION
    leadroute.claim_notifications(text, integer, interval, text[]),
    leadroute.ack_notifications(text, bigint[]),
    leadroute.fail_notification(text, bigint, text, interval),
    leadroute.outbox_depth()
  TO leadroute_agent;

-- leadroute_analyst reads the metric views and nothing else (the views read the tables with
-- their owner's rights; the analyst needs no table).
GRANT SELECT
  ON leadroute.metrics_speed_to_lead, leadroute.metrics_speed_to_contact, leadroute.metrics_fallback_rate,
     leadroute.metrics_sla_adherence, leadroute.metrics_routing_accuracy, leadroute.metrics_conversion,
     leadroute.metrics_rep_load, leadroute.metrics_fairness, leadroute.metrics_rule_hits, leadroute.alerts
  TO leadroute_analyst, leadroute_admin;
GRANT SELECT ON leadroute.metric_settings, leadroute.alert_thresholds TO leadroute_analyst;
-- Functions are called as the user of a view: the views' internal functions (aggregable facts
-- without ids or personal data, and the rows of two views) must be callable by whoever may read
-- the views.
GRANT EXECUTE ON FUNCTION leadroute._metric_live_facts(), leadroute._metric_live_pool_assignments(),
    leadroute._metric_rolled_up_days(),
    leadroute._alert_values(), leadroute._metrics_rep_load(), leadroute._metrics_rule_hits()
  TO leadroute_analyst, leadroute_admin;

-- leadroute_ingest only inserts leads (INSERT, COPY, ON CONFLICT DO NOTHING). RETURNING may read
-- the columns a web form answers with, none of which is personal data; the same columns of other
-- leads are readable too (PostgreSQL's column privileges cannot tell rows apart).
GRANT INSERT ON leadroute.leads TO leadroute_ingest;
GRANT SELECT (id, owner_id, status, queue, sla_due_at) ON leadroute.leads TO leadroute_ingest;
-- Whoever may insert evaluates the default of leads.id.
GRANT EXECUTE ON FUNCTION leadroute._new_lead_id() TO leadroute_ingest, leadroute_admin;
-- leadroute_rep records its first contacts (its other grants and its row-level security:
-- 35_security.sql).
GRANT EXECUTE ON FUNCTION leadroute.record_contact(bigint, timestamptz) TO leadroute_rep;

-- pg_dump keeps configuration, leads and history (the extension recreates everything else).
-- One call per statement: each call updates the pg_extension row.
SELECT pg_catalog.pg_extension_config_dump('leadroute.reps', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.pools', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.pool_members', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.accounts', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.account_domains', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.time_off', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.territories', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute._owed_turns', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.sla_policies', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('leadroute._removed_defaults', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.notifications', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.queues', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.delivery_settings', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.delivery_endpoints', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.rules', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute._freemail_removed', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.leads', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.decisions', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.assignments', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.freemail_domains', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('leadroute.metric_settings', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('leadroute.alert_thresholds', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('leadroute.reps_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.pools_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.rules_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.accounts_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.time_off_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.territories_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute._owed_turns_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.sla_policies_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.notifications_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.leads_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.decisions_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.assignments_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.imports', '');
SELECT pg_catalog.pg_extension_config_dump('leadroute.imports_id_seq', '');
