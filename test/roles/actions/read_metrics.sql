SELECT count(*) FROM leadroute.metrics_rep_load;
SELECT count(*) FROM leadroute.alerts;
