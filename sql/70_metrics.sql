-- What an analyst sees: every metric view over the hand-made dataset of the pgTAP test
-- (test/metrics_dataset.sql.inc; the numbers are derived in test/pgtap/12_metrics.sql).
BEGIN;
\o /dev/null
\set ECHO none
-- pg_regress feeds psql on stdin, so the path is relative to the directory it runs in (the repo).
\i test/metrics_dataset.sql.inc
\set ECHO all
\o
SELECT * FROM leadroute.metrics_speed_to_lead ORDER BY day, source;
SELECT * FROM leadroute.metrics_speed_to_contact ORDER BY day, source;
SELECT * FROM leadroute.metrics_fallback_rate ORDER BY week;
SELECT * FROM leadroute.metrics_sla_adherence ORDER BY week, source, policy;
SELECT * FROM leadroute.metrics_routing_accuracy ORDER BY week;
SELECT * FROM leadroute.metrics_conversion ORDER BY routing_model, rule_id;
SELECT * FROM leadroute.metrics_rep_load ORDER BY rep_id;
SELECT * FROM leadroute.metrics_fairness ORDER BY pool_id, week;
SELECT * FROM leadroute.metrics_rule_hits ORDER BY rule_id;
SELECT * FROM leadroute.alerts ORDER BY alert;
-- The settings behind them.
SELECT name, value, description FROM leadroute.metric_settings ORDER BY name;
SELECT alert, threshold, description FROM leadroute.alert_thresholds ORDER BY alert;
ROLLBACK;
