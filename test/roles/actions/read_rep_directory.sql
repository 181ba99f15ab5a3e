SELECT id, name, email, active FROM leadroute.reps;
