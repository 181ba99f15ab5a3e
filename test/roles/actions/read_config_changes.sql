SELECT count(*) FROM leadroute.config_changes;
