SELECT 1 / count(*) FROM leadroute.backtest('public.backtest_source'::regclass, 'actual_owner');
