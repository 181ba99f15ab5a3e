SELECT db_role, notify_address, working_hours FROM leadroute.reps;
