-- As a login holding only leadroute_analyst: the metric views, the configuration history without
-- reps' credentials and logins, and backtests; no lead, no setting that changes what is recorded.
\set ON_ERROR_STOP on
SELECT plan(12);
SELECT ok((SELECT count(*) > 0 FROM leadroute.metrics_rep_load), 'the metric views answer');
SELECT throws_ok($$SELECT count(*) FROM leadroute.leads$$, '42501', NULL, 'no lead is readable');
SELECT throws_ok($$SELECT count(*) FROM leadroute.config_history$$, '42501', NULL,
                 'the raw history (with whole rep rows) is not readable');
SELECT ok((SELECT count(*) > 0 FROM leadroute.config_changes WHERE table_name = 'reps'), 'config_changes has the reps'' history');
SELECT ok((SELECT bool_and(NOT (coalesce(after, '{}') ? 'notify_address') AND NOT (coalesce(after, '{}') ? 'db_role')
                           AND NOT (coalesce(before, '{}') ? 'notify_address') AND NOT (coalesce(before, '{}') ? 'db_role'))
             FROM leadroute.config_changes WHERE table_name = 'reps'),
          'without notify_address (a Slack webhook URL is a credential) and db_role');
SELECT ok((SELECT bool_and(NOT (j ? 'notify_address') AND NOT (j ? 'db_role') AND j ? 'name')
             FROM leadroute.config_at(now(), 'leadroute.reps') j), 'config_at() masks them too, and keeps the rest');
SELECT ok((SELECT count(*) > 0 FROM leadroute.backtest('public.backtest_source', 'actual_owner')), 'backtest() with a table name');
SELECT ok((SELECT count(*) > 0 FROM leadroute.backtest('public.backtest_source'::regclass, 'actual_owner')), 'backtest() with a regclass');
SELECT ok((SELECT count(*) > 0 FROM leadroute.backtest_summary('public.backtest_source'::regclass, 'actual_owner')),
          'backtest_summary() too');
SELECT throws_ok($$SET leadroute.trace = 'off'$$, '42501', NULL, 'leadroute.trace is not the analyst''s to change');
SELECT throws_ok($$SET leadroute.notify = off$$, '42501', NULL, 'nor leadroute.notify');
SELECT throws_ok($$SELECT leadroute.import_leads('public.backtest_source')$$, '42501', NULL, 'nor may it import leads');
SELECT * FROM finish();
