SELECT count(*) FROM leadroute.decisions;
SELECT count(*) FROM leadroute.assignments;
