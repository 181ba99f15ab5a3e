SELECT count(*) FROM leadroute.config_history;
